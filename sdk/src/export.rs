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
            use $crate::bindings::exports::exportctl::policy::evaluator as __evaluator;

            struct __ExportctlGuest;

            ::std::thread_local! {
                static __POLICY: ::core::cell::RefCell<::core::option::Option<$policy>> =
                    const { ::core::cell::RefCell::new(::core::option::Option::None) };
            }

            impl __evaluator::Guest for __ExportctlGuest {
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
                    __POLICY.with(|slot| {
                        let mut slot = slot.borrow_mut();
                        if slot.is_none() {
                            $crate::__private::install_panic_hook();
                            *slot = ::core::option::Option::Some($crate::configure::<$policy>("{}")?);
                        }
                        match slot.as_ref() {
                            ::core::option::Option::Some(policy) => $crate::__private::evaluate(policy, &shipment),
                            ::core::option::Option::None => ::core::result::Result::Err("policy not configured".into()),
                        }
                    })
                }
            }

            $crate::bindings::__export_policy_bindings!(__ExportctlGuest with_types_in $crate::bindings);
        };
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

/// Decodes the shipment, runs the policy and converts its findings.
#[cfg(target_arch = "wasm32")]
pub fn evaluate<P: crate::Policy>(
    policy: &P,
    shipment: &[u8],
) -> Result<Vec<crate::bindings::exportctl::policy::types::Finding>, String> {
    use crate::bindings::exportctl::policy::types::{Finding, Outcome};
    let shipment = crate::Shipment::from_wire(shipment).map_err(|e| e.to_string())?;
    Ok(policy
        .evaluate(&shipment)
        .into_iter()
        .map(crate::Finding::within_host_limits)
        .map(|f| Finding {
            rule: f.rule,
            outcome: match f.outcome {
                crate::Outcome::Allow => Outcome::Allow,
                crate::Outcome::Review => Outcome::Review,
                crate::Outcome::LicenceRequired => Outcome::LicenceRequired,
                crate::Outcome::Deny => Outcome::Deny,
            },
            lines: f.lines,
            parties: f.parties,
            message: f.message,
            legal_basis: f.legal_basis,
        })
        .collect())
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
