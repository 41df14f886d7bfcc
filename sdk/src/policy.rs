//! The [`Policy`] trait a policy author implements, and the metadata a policy
//! carries about itself.

use crate::{Date, Finding, Rule, Shipment};
use serde::de::DeserializeOwned;

/// Version of the host↔plugin contract (`sdk/wit/policy.wit`) this SDK builds.
pub const CONTRACT_VERSION: &str = "1.4.0";

/// An export-control rule set.
///
/// A policy is built once per sandbox from its settings (from the policy-set file),
/// then asked to [`evaluate`](Policy::evaluate) shipments. Rules are plain Rust
/// functions over [`Shipment`], so they are unit-tested natively with `cargo test`;
/// [`export_policy!`](crate::export_policy) turns the type into a plugin.
///
/// ```
/// use exportctl_sdk::{Country, Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};
///
/// /// Denies anything bound for North Korea.
/// struct NoNorthKorea;
///
/// const EMBARGO: Rule = Rule::new("kp-embargo", "UNSC Res. 1718 (2006)")
///     .describe("any goods to North Korea");
///
/// impl Policy for NoNorthKorea {
///     type Settings = NoSettings;
///     const RULES: &'static [Rule] = &[EMBARGO];
///
///     fn metadata() -> Metadata {
///         Metadata {
///             id: "no-north-korea",
///             name: "North Korea embargo",
///             version: "1.0.0",
///             publisher: "Example Corp compliance",
///             jurisdiction: "UN",
///             legal_basis: "UNSC Res. 1718 (2006)",
///             valid_from: Date::ymd(2006, 10, 14),
///             valid_to: None,
///             sources: &[],
///             limitations: &["destination only; parties are not screened"],
///         }
///     }
///
///     fn new(_settings: NoSettings) -> Result<Self, String> {
///         Ok(NoNorthKorea)
///     }
///
///     fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
///         let kp = Country::parse("KP").unwrap();
///         if shipment.destination_country() == kp {
///             vec![EMBARGO.deny("destination is North Korea")]
///         } else {
///             vec![]
///         }
///     }
/// }
/// ```
pub trait Policy: Sized + 'static {
    /// The policy's settings, read from the `settings` table of its policy-set
    /// entry (as JSON). Use [`NoSettings`] for a policy without settings; prefer
    /// `#[serde(deny_unknown_fields, default)]` so typos are reported.
    type Settings: DeserializeOwned + Default;

    /// Every rule the policy's findings (and party matches) may name, each
    /// once: the plugin declares them to the host (contract 1.4), which lists
    /// them (`exportctl policies`, `policy inspect`, coverage in `exportctl
    /// test`) and fails the policy closed on a finding of a rule not listed
    /// here. Each needs a [`Rule::describe`] line; [`rules_problem`] says what
    /// the host would refuse, and the SDK's case tests check it.
    const RULES: &'static [Rule];

    /// What the policy says about itself (embedded in the plugin).
    fn metadata() -> Metadata;

    /// Builds the policy from its settings. Returns a message naming each bad
    /// setting; the host refuses to load the policy set with it.
    fn new(settings: Self::Settings) -> Result<Self, String>;

    /// Judges one shipment. No findings means no objection.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding>;
}

/// A policy's self-description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Kebab-case id, unique within a policy set (e.g. `kz-export-control`).
    pub id: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// Semantic version of the policy (usually `env!("CARGO_PKG_VERSION")`).
    pub version: &'static str,
    /// Who publishes it.
    pub publisher: &'static str,
    /// Whose law it encodes (`KZ`, `EU`, `US`, `internal`, …).
    pub jurisdiction: &'static str,
    /// Summary of the legal basis.
    pub legal_basis: &'static str,
    /// First day the encoded rules are in force.
    pub valid_from: Date,
    /// Last day in force, if the policy expires.
    pub valid_to: Option<Date>,
    /// Embedded data, each with version and date.
    pub sources: &'static [&'static str],
    /// What the policy does not encode.
    pub limitations: &'static [&'static str],
}

/// Settings of a policy that has none: accepts only an empty table, so a stray
/// setting in the policy-set file is reported rather than ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

/// What is wrong with a policy's rule list, as the host would refuse it at
/// load: a rule with a problem ([`Rule::problem`]), the same id twice, or more
/// than [`MAX_RULES`] rules. `None` when the list is sound.
///
/// ```
/// use exportctl_sdk::{Rule, rules_problem};
/// const A: Rule = Rule::new("a-rule", "Law 1 Art. 1").describe("what A catches");
/// const B: Rule = Rule::new("b-rule", "Law 1 Art. 2");
/// assert!(rules_problem(&[A]).is_none());
/// assert!(rules_problem(&[A, A]).unwrap().contains("twice"));
/// assert!(rules_problem(&[A, B]).unwrap().contains("no description"));
/// ```
pub fn rules_problem(rules: &[Rule]) -> Option<String> {
    if rules.len() > MAX_RULES {
        return Some(format!(
            "{} rules declared, more than the {MAX_RULES} allowed",
            rules.len()
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for rule in rules {
        if let Some(problem) = rule.problem() {
            return Some(problem);
        }
        if !seen.insert(rule.id) {
            return Some(format!("rule `{}` is declared twice", rule.id));
        }
    }
    None
}

/// Most rules one policy may declare.
pub const MAX_RULES: usize = 1024;

/// Parses settings JSON and builds the policy: what `configure` does inside the
/// plugin, and what a policy's tests call to check settings validation.
pub fn configure<P: Policy>(settings_json: &str) -> Result<P, String> {
    let settings: P::Settings =
        serde_json::from_str(settings_json).map_err(|e| format!("invalid settings: {e}"))?;
    P::new(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Example;
    impl Policy for Example {
        type Settings = NoSettings;
        const RULES: &'static [Rule] = &[];
        fn metadata() -> Metadata {
            unimplemented!("not needed by these tests")
        }
        fn new(_: NoSettings) -> Result<Self, String> {
            Ok(Example)
        }
        fn evaluate(&self, _: &Shipment) -> Vec<Finding> {
            Vec::new()
        }
    }

    #[test]
    fn no_settings_accepts_only_an_empty_table() {
        assert!(configure::<Example>("{}").is_ok());
        let err = configure::<Example>(r#"{"colour": "red"}"#)
            .err()
            .unwrap_or_default();
        assert!(err.contains("unknown field `colour`"), "{err}");
        let err = configure::<Example>("[1]").err().unwrap_or_default();
        assert!(err.starts_with("invalid settings"), "{err}");
    }
}
