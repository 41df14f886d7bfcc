//! The policy's settings (the `settings` table of its policy-set entry).
//!
//! ```toml
//! [settings]
//! # EAR99 lines bound for Russia/Belarus, whose HTS-based supplements to part 746 are not
//! # encoded: "review" (default), "licence_required" or "ignore".
//! ear99_russia_belarus = "review"
//! # What the Country Chart cannot decide (sections the CCL refers to, ITAR entries,
//! # ECCNs not on the list, destinations without a row): "review" (default) or "ignore".
//! undetermined = "review"
//! ```

use serde::Deserialize;

/// Settings of the `us-ear` policy. Unknown keys are rejected, so a misspelt setting is
/// reported when the policy set is loaded instead of silently falling back to the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// How to report EAR99 lines bound for Russia or Belarus. Default:
    /// [`Ear99Treatment::Review`].
    pub ear99_russia_belarus: Ear99Treatment,
    /// How to report what the policy cannot decide. Default: [`Undetermined::Review`].
    pub undetermined: Undetermined,
}

/// EAR99 items need a licence for Russia and Belarus when their HTS-6 code is in
/// Supplements No. 2, 4, 5 or 6 to part 746. Those tables are not encoded, so the company
/// chooses how to treat every EAR99 line bound there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ear99Treatment {
    /// A person checks the HTS code against the supplements. The default: most EAR99
    /// goods are not listed, but enough are that silence would be unsafe.
    #[default]
    Review,
    /// Treat every EAR99 line as requiring a licence: for a company that ships nothing to
    /// Russia or Belarus without one anyway.
    LicenceRequired,
    /// No finding: for a company that screens HTS codes against the supplements elsewhere.
    Ignore,
}

/// Whether to report what the Country Chart procedure cannot decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undetermined {
    /// A `review` finding (`us-ear-not-determined`) names each open point. The default:
    /// the Country Chart notes say a missing row is indeterminate, never unrestricted.
    #[default]
    Review,
    /// No finding.
    Ignore,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UsEar;
    use exportctl_sdk::configure;

    fn error(json: &str) -> String {
        configure::<UsEar>(json).err().unwrap_or_default()
    }

    #[test]
    fn defaults_review_both() {
        let s: Settings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.ear99_russia_belarus, Ear99Treatment::Review);
        assert_eq!(s.undetermined, Undetermined::Review);
        assert!(configure::<UsEar>("{}").is_ok());
    }

    #[test]
    fn accepts_every_documented_value() {
        for v in ["review", "licence_required", "ignore"] {
            assert!(
                configure::<UsEar>(&format!(r#"{{"ear99_russia_belarus": "{v}"}}"#)).is_ok(),
                "{v}"
            );
        }
        for v in ["review", "ignore"] {
            assert!(
                configure::<UsEar>(&format!(r#"{{"undetermined": "{v}"}}"#)).is_ok(),
                "{v}"
            );
        }
    }

    #[test]
    fn rejects_unknown_values_and_keys() {
        assert!(error(r#"{"ear99_russia_belarus": "deny"}"#).contains("unknown variant `deny`"));
        assert!(error(r#"{"undetermined": "licence_required"}"#).contains("unknown variant"));
        assert!(error(r#"{"ear99": "review"}"#).contains("unknown field `ear99`"));
    }
}
