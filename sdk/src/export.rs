//! Turning a [`Policy`](crate::Policy) into a WebAssembly component: the
//! [`export_policy!`](crate::export_policy) macro and the glue it calls.

/// Exports a [`Policy`](crate::Policy) type as the plugin's implementation of the
/// policy contract. Put it once in the policy crate's `lib.rs`:
///
/// ```ignore
/// exportctl_sdk::export_policy!(KzExportControl);
/// ```
///
/// It expands to nothing when compiling natively (for `cargo test`), and to the
/// component exports when compiling for `wasm32-unknown-unknown`.
#[macro_export]
macro_rules! export_policy {
    ($policy:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __ExportctlGuest;
            $crate::__evaluator_guest!(__ExportctlGuest, $policy, $crate::bindings::exports::exportctl::policy::evaluator);
            // The evaluator, its keyed form (1.2), the wire format it reads
            // (1.3) and its rules (1.4): an ordinary policy offers no party
            // screener.
            $crate::bindings::exports::exportctl::policy::evaluator::__export_exportctl_policy_evaluator_1_4_0_cabi!(
                __ExportctlGuest with_types_in $crate::bindings::exports::exportctl::policy::evaluator
            );
            $crate::bindings::exports::exportctl::policy::subject_evaluator::__export_exportctl_policy_subject_evaluator_1_4_0_cabi!(
                __ExportctlGuest with_types_in $crate::bindings::exports::exportctl::policy::subject_evaluator
            );
            $crate::bindings::exports::exportctl::policy::shipment_reader::__export_exportctl_policy_shipment_reader_1_4_0_cabi!(
                __ExportctlGuest with_types_in $crate::bindings::exports::exportctl::policy::shipment_reader
            );
            $crate::bindings::exports::exportctl::policy::rule_catalogue::__export_exportctl_policy_rule_catalogue_1_4_0_cabi!(
                __ExportctlGuest with_types_in $crate::bindings::exports::exportctl::policy::rule_catalogue
            );
        };
    };
}

/// Exports a [`Policy`](crate::Policy) that also implements
/// [`ScreensParties`](crate::ScreensParties): the plugin then offers the
/// contract's `party-screener` (1.1) besides the evaluator, and the host can
/// screen a business partner with it on its own.
///
/// ```ignore
/// exportctl_sdk::export_screening_policy!(PartyScreening);
/// ```
///
/// Like [`export_policy!`](crate::export_policy), it expands to nothing when
/// compiling natively.
#[macro_export]
macro_rules! export_screening_policy {
    ($policy:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            use $crate::bindings::exports::exportctl::policy::party_screener as __screener;

            struct __ExportctlGuest;
            $crate::__evaluator_guest!(__ExportctlGuest, $policy, $crate::bindings::exports::exportctl::policy::evaluator);

            impl __screener::Guest for __ExportctlGuest {
                fn screen_party(
                    party: __screener::Party,
                    date: ::std::string::String,
                ) -> ::core::result::Result<::std::vec::Vec<__screener::PartyMatch>, ::std::string::String> {
                    __with_policy(|policy| $crate::__private::screen_party(policy, party, &date))
                }
            }

            $crate::bindings::__export_screening_policy_bindings!(__ExportctlGuest with_types_in $crate::bindings);
        };
    };
}

/// The evaluator half of both export macros: the policy kept per instance,
/// configured on first use, and `metadata`, `configure`, `evaluate`,
/// `evaluate-with-subjects` (1.2), `wire-format` (1.3) and `rules` (1.4).
#[doc(hidden)]
#[macro_export]
macro_rules! __evaluator_guest {
    ($guest:ident, $policy:ty, $evaluator:path) => {
        use $evaluator as __evaluator;

        ::std::thread_local! {
            static __POLICY: ::core::cell::RefCell<::core::option::Option<$policy>> =
                const { ::core::cell::RefCell::new(::core::option::Option::None) };
        }

        /// Runs `f` on the configured policy, configuring it with `{}` if the
        /// host has not (as a fresh instance judging without settings).
        fn __with_policy<T>(
            f: impl FnOnce(&$policy) -> ::core::result::Result<T, ::std::string::String>,
        ) -> ::core::result::Result<T, ::std::string::String> {
            __POLICY.with(|slot| {
                let mut slot = slot.borrow_mut();
                if slot.is_none() {
                    $crate::__private::install_panic_hook();
                    *slot = ::core::option::Option::Some($crate::configure::<$policy>("{}")?);
                }
                match slot.as_ref() {
                    ::core::option::Option::Some(policy) => f(policy),
                    ::core::option::Option::None => ::core::result::Result::Err("policy not configured".into()),
                }
            })
        }

        impl __evaluator::Guest for $guest {
            fn metadata() -> __evaluator::PolicyMetadata {
                $crate::__private::metadata::<$policy>()
            }

            fn configure(settings: ::std::string::String) -> ::core::result::Result<(), ::std::string::String> {
                $crate::__private::install_panic_hook();
                let policy = $crate::configure::<$policy>(&settings)?;
                __POLICY.with(|slot| *slot.borrow_mut() = ::core::option::Option::Some(policy));
                ::core::result::Result::Ok(())
            }

            fn evaluate(
                shipment: ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<::std::vec::Vec<__evaluator::Finding>, ::std::string::String> {
                __with_policy(|policy| $crate::__private::evaluate(policy, &shipment))
            }
        }

        impl $crate::bindings::exports::exportctl::policy::subject_evaluator::Guest for $guest {
            fn evaluate_with_subjects(
                shipment: ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<
                ::std::vec::Vec<$crate::bindings::exports::exportctl::policy::subject_evaluator::KeyedFinding>,
                ::std::string::String,
            > {
                __with_policy(|policy| $crate::__private::evaluate_with_subjects(policy, &shipment))
            }
        }

        impl $crate::bindings::exports::exportctl::policy::shipment_reader::Guest for $guest {
            fn wire_format() -> u32 {
                u32::from($crate::WIRE_FORMAT)
            }
        }

        impl $crate::bindings::exports::exportctl::policy::rule_catalogue::Guest for $guest {
            fn rules() -> ::std::vec::Vec<$crate::bindings::exportctl::policy::types::RuleDescription> {
                $crate::__private::rules::<$policy>()
            }
        }
    };
}

/// Glue between the generated bindings and the [`Policy`](crate::Policy) trait.
#[cfg(target_arch = "wasm32")]
pub fn metadata<P: crate::Policy>() -> crate::bindings::exportctl::policy::types::PolicyMetadata {
    let m = P::metadata();
    crate::bindings::exportctl::policy::types::PolicyMetadata {
        id: m.id.into(),
        name: m.name.into(),
        version: m.version.into(),
        publisher: m.publisher.into(),
        jurisdiction: m.jurisdiction.into(),
        legal_basis: m.legal_basis.into(),
        valid_from: m.valid_from.to_string(),
        valid_to: m.valid_to.map(|d| d.to_string()),
        contract_version: crate::CONTRACT_VERSION.into(),
        sources: m.sources.iter().map(|s| (*s).into()).collect(),
        limitations: m.limitations.iter().map(|s| (*s).into()).collect(),
    }
}

/// The policy's declared rules (contract 1.4's `rules`).
#[cfg(target_arch = "wasm32")]
pub fn rules<P: crate::Policy>() -> Vec<crate::bindings::exportctl::policy::types::RuleDescription>
{
    P::RULES
        .iter()
        .map(
            |rule| crate::bindings::exportctl::policy::types::RuleDescription {
                id: rule.id.into(),
                legal_basis: rule.legal_basis.into(),
                description: rule.description.into(),
            },
        )
        .collect()
}

/// Decodes the shipment, runs the policy and converts its findings (contract
/// 1.0's `evaluate`: subjects are left out).
#[cfg(target_arch = "wasm32")]
pub fn evaluate<P: crate::Policy>(
    policy: &P,
    shipment: &[u8],
) -> Result<Vec<crate::bindings::exportctl::policy::types::Finding>, String> {
    Ok(findings(policy, shipment)?
        .into_iter()
        .map(|(finding, _)| finding)
        .collect())
}

/// As [`evaluate`], with each finding's subject (contract 1.2's
/// `evaluate-with-subjects`).
#[cfg(target_arch = "wasm32")]
pub fn evaluate_with_subjects<P: crate::Policy>(
    policy: &P,
    shipment: &[u8],
) -> Result<Vec<crate::bindings::exportctl::policy::types::KeyedFinding>, String> {
    use crate::bindings::exportctl::policy::types::{FindingSubject, KeyedFinding};
    Ok(findings(policy, shipment)?
        .into_iter()
        .map(|(finding, subject)| KeyedFinding {
            finding,
            subject: subject.map(|s| FindingSubject {
                party: s.party,
                sanctions_list: s.list,
                edition: s.edition,
                entry: s.entry,
                entry_fingerprint: s.fingerprint,
            }),
        })
        .collect())
}

/// The policy's findings on the shipment in `wire`, converted, with their subjects.
#[cfg(target_arch = "wasm32")]
fn findings<P: crate::Policy>(
    policy: &P,
    wire: &[u8],
) -> Result<
    Vec<(
        crate::bindings::exportctl::policy::types::Finding,
        Option<crate::FindingSubject>,
    )>,
    String,
> {
    use crate::bindings::exportctl::policy::types::Finding;
    let shipment = crate::Shipment::from_wire(wire).map_err(|e| e.to_string())?;
    Ok(policy
        .evaluate(&shipment)
        .into_iter()
        .map(|f| f.within_host_limits().into_parts())
        .map(|f| {
            let finding = Finding {
                rule: f.rule,
                outcome: outcome(f.outcome),
                lines: f.lines,
                parties: f.parties,
                message: f.message,
                legal_basis: f.legal_basis,
            };
            (finding, f.subject)
        })
        .collect())
}

/// Writes the host's party record as a [`Party`](crate::Party), screens
/// it and converts the matches. The host has validated the country and the date;
/// they are checked again here so a malformed call is an error, not a guess.
#[cfg(target_arch = "wasm32")]
pub fn screen_party<P: crate::ScreensParties>(
    policy: &P,
    party: crate::bindings::exportctl::policy::types::Party,
    date: &str,
) -> Result<Vec<crate::bindings::exportctl::policy::types::PartyMatch>, String> {
    use crate::bindings::exportctl::policy::types::PartyMatch;
    let country = crate::Country::parse(&party.country).ok_or_else(|| {
        format!(
            "party `{}`: country `{}` is not an ISO 3166-1 alpha-2 code",
            party.id, party.country
        )
    })?;
    let date =
        crate::Date::parse(date).ok_or_else(|| format!("date `{date}` is not YYYY-MM-DD"))?;
    let party = crate::PartyWire::new(
        &party.name,
        country,
        party.address.as_deref(),
        party.aliases.iter().map(String::as_str),
    )
    .map_err(|e| e.to_string())?;
    Ok(policy
        .screen_party(&party.party(), date)
        .into_iter()
        .map(|m| {
            let f = m.finding.within_host_limits().into_parts();
            PartyMatch {
                rule: f.rule,
                outcome: outcome(f.outcome),
                sanctions_list: m.list,
                edition: m.edition,
                entry: m.entry,
                listed_name: m.listed_name,
                score: m.score,
                message: f.message,
                legal_basis: f.legal_basis,
            }
        })
        .collect())
}

#[cfg(target_arch = "wasm32")]
fn outcome(outcome: crate::Outcome) -> crate::bindings::exportctl::policy::types::Outcome {
    use crate::bindings::exportctl::policy::types::Outcome;
    match outcome {
        crate::Outcome::Allow => Outcome::Allow,
        crate::Outcome::Review => Outcome::Review,
        crate::Outcome::LicenceRequired => Outcome::LicenceRequired,
        crate::Outcome::Deny => Outcome::Deny,
    }
}

/// Sends a panic's message to the host log before the plugin traps, so the host's
/// `policy-error` finding can say what went wrong instead of just "unreachable".
#[cfg(target_arch = "wasm32")]
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            crate::log::log(crate::log::Level::Warn, &format!("panic: {info}"));
        }));
    });
}
