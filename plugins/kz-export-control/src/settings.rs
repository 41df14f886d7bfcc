//! The policy's settings (the `settings` table of its policy-set entry).
//!
//! ```toml
//! [settings]
//! # "deny" (default): Kazakhstan's stated policy, no supply of military or
//! # dual-use goods to Russia and no transit of them across Kazakhstan.
//! # "licence_required": the statute's permit requirement (Law No. 172-VII;
//! # Order No. 308 for transit); a Kazakh licence covering the line clears it.
//! russia_military_dual_use = "deny"
//! ```

use serde::Deserialize;

/// Settings of the `kz-export-control` policy. Unknown keys are rejected, so a
/// misspelt setting is reported at load instead of silently falling back to the
/// default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// How to judge military and dual-use goods leaving or crossing Kazakhstan for
    /// Russia. Default: [`RussiaTreatment::Deny`].
    pub russia_military_dual_use: RussiaTreatment,
}

/// Which Kazakh basis a company applies to military and dual-use goods for Russia.
///
/// Officials and the founding article speak of a complete ban since 2022, with
/// transit "categorically excluded"; the Ministry of Trade and Integration said on
/// 20 Oct 2023 that no prohibitions had been imposed, only permits. Both readings
/// are defensible, so the company chooses; the finding says which one it applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RussiaTreatment {
    /// The stated policy and enforcement practice: prohibited, no licence cures it.
    /// The conservative default.
    #[default]
    Deny,
    /// The statute: a Kazakh export licence or transit permit is required, and one
    /// cited on the shipment for the line clears it.
    LicenceRequired,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Settings, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_to_deny() -> Result<(), String> {
        assert_eq!(parse("{}")?.russia_military_dual_use, RussiaTreatment::Deny);
        assert_eq!(
            Settings::default().russia_military_dual_use,
            RussiaTreatment::Deny
        );
        Ok(())
    }

    #[test]
    fn accepts_both_treatments() -> Result<(), String> {
        let deny = parse(r#"{"russia_military_dual_use": "deny"}"#)?;
        assert_eq!(deny.russia_military_dual_use, RussiaTreatment::Deny);
        let licence = parse(r#"{"russia_military_dual_use": "licence_required"}"#)?;
        assert_eq!(
            licence.russia_military_dual_use,
            RussiaTreatment::LicenceRequired
        );
        Ok(())
    }

    #[test]
    fn rejects_unknown_values_and_keys() {
        let bad_value = parse(r#"{"russia_military_dual_use": "allow"}"#)
            .err()
            .unwrap_or_default();
        assert!(bad_value.contains("unknown variant `allow`"), "{bad_value}");
        let bad_key = parse(r#"{"russia_dual_use": "deny"}"#)
            .err()
            .unwrap_or_default();
        assert!(
            bad_key.contains("unknown field `russia_dual_use`"),
            "{bad_key}"
        );
    }
}
