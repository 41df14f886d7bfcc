//! The policy's settings (the `settings` table of its policy-set entry).
//!
//! ```toml
//! [settings]
//! # Annex II goods (transport, telecommunications, energy, oil/gas/mineral
//! # prospection) for a party in the Donetsk, Luhansk, Zaporizhzhia or Kherson
//! # oblast: "review" (default) or "deny".
//! ngca_annex_ii_goods = "review"
//! ```

use serde::Deserialize;

/// Settings of the `eu-russia-belarus` policy. Unknown keys are rejected, so a misspelt
/// setting is reported when the policy set is loaded instead of silently ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// How to judge Annex II goods for a party in one of the four oblasts whose
    /// non-government-controlled areas Reg. (EU) 2022/263 covers. Default:
    /// [`NgcaTreatment::Review`].
    pub ngca_annex_ii_goods: NgcaTreatment,
}

/// Treatment of Annex II goods for the Donetsk, Luhansk, Zaporizhzhia and Kherson
/// oblasts.
///
/// Reg. (EU) 2022/263 covers only the non-government-controlled areas of those oblasts,
/// and a shipment gives the oblast (`UA-14`, …), not the side of the line of contact.
/// So the default is `review`: a person establishes where the party is. A company that
/// does not ship Annex II goods into those oblasts at all can choose `deny`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NgcaTreatment {
    /// A person checks whether the party is in the non-government-controlled area.
    #[default]
    Review,
    /// Treat the party as in the non-government-controlled area: prohibited.
    Deny,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EuRussiaBelarus;
    use exportctl_sdk::configure;

    fn parse(json: &str) -> Result<Settings, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_to_review() {
        assert_eq!(
            parse("{}").unwrap().ngca_annex_ii_goods,
            NgcaTreatment::Review
        );
        assert_eq!(
            Settings::default().ngca_annex_ii_goods,
            NgcaTreatment::Review
        );
        assert!(configure::<EuRussiaBelarus>("{}").is_ok());
    }

    #[test]
    fn accepts_both_treatments() {
        assert_eq!(
            parse(r#"{"ngca_annex_ii_goods": "deny"}"#)
                .unwrap()
                .ngca_annex_ii_goods,
            NgcaTreatment::Deny
        );
        assert_eq!(
            parse(r#"{"ngca_annex_ii_goods": "review"}"#)
                .unwrap()
                .ngca_annex_ii_goods,
            NgcaTreatment::Review
        );
    }

    #[test]
    fn rejects_unknown_values_and_keys() {
        let bad_value = parse(r#"{"ngca_annex_ii_goods": "allow"}"#)
            .err()
            .unwrap_or_default();
        assert!(bad_value.contains("unknown variant `allow`"), "{bad_value}");
        let bad_key = configure::<EuRussiaBelarus>(r#"{"ngca": "deny"}"#)
            .err()
            .unwrap_or_default();
        assert!(bad_key.contains("unknown field `ngca`"), "{bad_key}");
    }
}
