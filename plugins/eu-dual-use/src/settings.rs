//! The policy's settings (the `settings` table of its policy-set entry).
//!
//! ```toml
//! [settings]
//! # Whether the company exports under Union General Export Authorisation EU001
//! # (registered with its authority). false: every Annex I export needs a licence
//! # of its own. Default true.
//! use_eu001 = true
//! ```

use serde::Deserialize;

/// Settings of the `eu-dual-use` policy. Unknown keys are rejected, so a misspelt
/// setting is reported when the policy set is loaded instead of silently ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Whether Annex I items to an EU001 destination may go under Union General Export
    /// Authorisation EU001 (Reg. (EU) 2021/821 Annex II Section A). A general
    /// authorisation is used at the exporter's choice and carries duties (notifying the
    /// authority of its first use, reporting): a company that has not taken them on sets
    /// `false`, and such exports then need a licence of their own (`licence_required`).
    /// Default `true`.
    pub use_eu001: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { use_eu001: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EuDualUse;
    use exportctl_sdk::configure;

    #[test]
    fn defaults_to_using_eu001() {
        assert!(Settings::default().use_eu001);
        let parsed: Settings = serde_json::from_str("{}").unwrap_or(Settings { use_eu001: false });
        assert!(parsed.use_eu001);
        assert!(configure::<EuDualUse>(r#"{"use_eu001": false}"#).is_ok());
    }

    #[test]
    fn rejects_unknown_keys_and_values() {
        let bad_key = configure::<EuDualUse>(r#"{"use_eu_001": false}"#)
            .err()
            .unwrap_or_default();
        assert!(bad_key.contains("unknown field `use_eu_001`"), "{bad_key}");
        let bad_value = configure::<EuDualUse>(r#"{"use_eu001": "yes"}"#)
            .err()
            .unwrap_or_default();
        assert!(bad_value.contains("invalid type"), "{bad_value}");
    }
}
