//! The policy's settings: the `[policy.settings]` table of its entry in the policy-set
//! file, which the host hands to the plugin as JSON.
//!
//! ```toml
//! [policy.settings]
//! # §1: countries whose shipments need a look (ISO 3166-1 alpha-2).
//! destinations = ["AE", "TR"]
//! # What a shipment there gets: "review" (default) or "deny".
//! outcome = "review"
//! ```

use exportctl_sdk::settings::{Problems, countries};
use exportctl_sdk::{Country, Outcome};
use serde::Deserialize;

/// Settings as written in the policy-set file. Every setting is optional; unknown keys
/// are refused, so a misspelt setting is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// §1: countries (ISO 3166-1 alpha-2) where every shipment needs a look. Empty (the
    /// default): the rule is off.
    pub destinations: Vec<String>,
    /// §1: the outcome for a listed destination, `"review"` (default) or `"deny"`.
    pub outcome: Outcome,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            destinations: Vec::new(),
            outcome: Outcome::Review,
        }
    }
}

/// Validated settings, in the form the rules use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The listed countries.
    pub destinations: Vec<Country>,
    /// `Review` or `Deny`.
    pub outcome: Outcome,
}

impl Settings {
    /// Checks every setting: the [`Config`] the rules use, or every problem found,
    /// each naming the setting (and list index) it is about.
    pub fn validate(&self) -> Result<Config, String> {
        let mut problems = Problems::new();
        let destinations = countries("destinations", &self.destinations, &mut problems);
        if !matches!(self.outcome, Outcome::Review | Outcome::Deny) {
            problems.at("outcome", "must be \"review\" or \"deny\"");
        }
        problems.into_result_with(Config {
            destinations,
            outcome: self.outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{{type_name}};
    use exportctl_sdk::configure;

    fn refusal(settings: &str) -> String {
        match configure::<{{type_name}}>(settings) {
            Ok(_) => panic!("{settings} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_bad_setting_is_named() {
        let e = refusal(r#"{"destinations": ["AE", "A1"]}"#);
        assert!(e.contains("destinations[1]"), "{e}");
        let e = refusal(r#"{"outcome": "allow"}"#);
        assert!(e.starts_with("outcome"), "{e}");
        let e = refusal(r#"{"destination": ["AE"]}"#);
        assert!(e.contains("unknown field `destination`"), "{e}");
    }

    #[test]
    fn empty_settings_are_valid() {
        assert!(configure::<{{type_name}}>("{}").is_ok());
    }
}
