//! `chpl-diversion`: Common High Priority Items (CHPL) diverted to Russia and Belarus.
//!
//! The CHPL is the list of 50 HS-6 codes the EU, the United States, the United Kingdom and
//! Japan agreed as the items Russia most needs for its weapons (version of 23 Feb 2024,
//! embedded at build time in the SDK, see [`exportctl_sdk::chpl`]; [`chpl`] finds the
//! shipment's CHPL lines). For every shipment with at least one CHPL line
//! the policy runs three rules:
//!
//! - [`russia_belarus::TO_RUSSIA_BELARUS`] (`chpl-russia-belarus`, deny): destination,
//!   consignee, end user or intermediate consignee in Russia or Belarus.
//! - [`russia_belarus::TRANSIT_RUSSIA_BELARUS`] (`chpl-transit-russia-belarus`, deny): the
//!   route passes through Russia or Belarus.
//! - [`transshipment::TRANSSHIPMENT_RISK`] (`chpl-transshipment-risk`, review, or deny by
//!   setting): destination, consignee or end user in one of the 18 transshipment points of
//!   FIN-2022-Alert003, with the [`red_flags`] the document shows.
//!
//! Lines not on the CHPL are never named; a shipment without a CHPL line gets no finding.
//! For a law date (`as_of`) before 23 Feb 2024 every finding is capped at `review`, because
//! the list versions in force then are not encoded (see [`ChplDiversion::evaluate`]).

pub mod chpl;
pub mod red_flags;
pub mod russia_belarus;
pub mod settings;
pub mod transshipment;

#[cfg(test)]
mod testing;

use chpl::ChplLines;
use exportctl_sdk::chpl::{LIST_DATE, LIST_VERSION, SOURCE};
use exportctl_sdk::{Date, Finding, Metadata, Outcome, Policy, Shipment};
pub use settings::Settings;

/// The day Reg. (EU) 2023/1214 (the 11th sanctions package) inserted Annex XL, the
/// common high-priority items, into Reg. (EU) 833/2014.
pub const ANNEX_XL_IN_FORCE: Date = Date::ymd(2023, 6, 23);

/// The `chpl-diversion` policy: built from [`Settings`], evaluates shipments.
#[derive(Debug, Clone)]
pub struct ChplDiversion {
    settings: Settings,
}

impl Policy for ChplDiversion {
    type Settings = Settings;

    fn metadata() -> Metadata {
        Metadata {
            id: "chpl-diversion",
            name: "Common High Priority Items: diversion to Russia/Belarus",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "EU/US/UK/JP",
            legal_basis: "Reg. (EU) 833/2014 Art. 2a, Art. 12g, Art. 12gb and Annex XL; Reg. (EC) 765/2006 (Belarus); \
                15 CFR 746.8; 15 CFR 732 Supp. 3; FinCEN/BIS FIN-2022-Alert003 and FIN-2023-Alert004; \
                Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024",
            // The policy applies from the day Annex XL entered Reg. (EU) 833/2014; the
            // list version it embeds is later, so findings before that are capped.
            valid_from: ANNEX_XL_IN_FORCE,
            valid_to: None,
            sources: &[
                SOURCE,
                "FinCEN & BIS joint alert FIN-2022-Alert003 (28 Jun 2022): 18 common transshipment points and red flags",
                "FinCEN & BIS joint alert FIN-2023-Alert004 (19 May 2023): further red flags and priority HS codes",
            ],
            limitations: &[
                "encodes the CHPL version of 23 Feb 2024 only; earlier versions (2023) and their contents are not encoded, \
                 so for a law date before 23 Feb 2024 every finding is capped at review and says so",
                "in force from 23 Jun 2023, when Reg. (EU) 2023/1214 inserted Annex XL (common high-priority items) into \
                 Reg. (EU) 833/2014; that date is taken from the amending Regulation, not from the project's law summary, \
                 and the policy is not evaluated for earlier law dates",
                "Annex XL of Reg. (EU) 833/2014 may hold more codes than the 50 CHPL codes since Reg. (EU) 2024/1745; \
                 those codes are not encoded",
                "matches HS-6 subheadings of HS 2022 (national 8- and 10-digit codes match their subheading); \
                 HS 2017 codes such as 8548.10 are not translated",
                "transshipment-risk countries are the 18 of FIN-2022-Alert003; later or national risk lists are not encoded",
                "red flags are only those the shipment document shows (young consignee or end user, forwarder as end user, \
                 route through Russia/Belarus, missing no-Russia clause, third-country payer); parties are not screened",
                "the no-Russia clause of Art. 12g is checked only for shipments to transshipment-risk countries, \
                 not for other third countries",
                "licences, exemptions and derogations (e.g. Art. 2a(3)-(4) of Reg. 833/2014) are not evaluated: \
                 a Russia/Belarus finding is deny whatever licence the shipment cites",
                "forwarder detection compares names, aliases and registry ids, and looks for forwarder words in Latin script only",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        settings.validate()?;
        Ok(ChplDiversion { settings })
    }

    /// Runs the three rules on the shipment's CHPL lines; no CHPL line, no finding. When
    /// `as_of` is before the encoded list version (23 Feb 2024) each finding is capped at
    /// `review` and its message says why.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let lines = ChplLines::of(shipment);
        if lines.is_empty() {
            return Vec::new();
        }
        let findings = [
            russia_belarus::to_russia_belarus(shipment, &lines),
            russia_belarus::transit_russia_belarus(shipment, &lines),
            transshipment::transshipment_risk(shipment, &lines, &self.settings),
        ];
        let findings = findings.into_iter().flatten();
        if shipment.as_of < LIST_DATE {
            findings
                .map(|f| before_list_version(f, shipment.as_of))
                .collect()
        } else {
            findings.collect()
        }
    }
}

/// Caps a finding at `review` for a law date before the encoded list version, saying so.
fn before_list_version(mut finding: Finding, as_of: Date) -> Finding {
    finding.outcome = finding.outcome.min(Outcome::Review);
    finding.message.push_str(&format!(
        " Checked against the CHPL version of {LIST_VERSION}, which post-dates the law date {as_of}: earlier list versions are not encoded, so this finding is at most review.",
    ));
    finding
}

exportctl_sdk::export_policy!(ChplDiversion);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment, with_hs};
    use exportctl_sdk::{Rule, configure};
    use serde_json::json;

    fn evaluate(v: serde_json::Value) -> Vec<Finding> {
        configure::<ChplDiversion>("{}")
            .unwrap()
            .evaluate(&shipment(v))
    }

    fn rules(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn metadata_names_the_policy_and_the_encoded_list() {
        let m = ChplDiversion::metadata();
        assert_eq!(m.id, "chpl-diversion");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.valid_from, ANNEX_XL_IN_FORCE);
        assert!(m.valid_from < LIST_DATE);
        assert!(m.sources[0].contains("version of 23 Feb 2024"));
        assert!(m.limitations.iter().any(|l| l.contains("earlier versions")));
        assert!(m.limitations.iter().any(|l| l.contains("2024/1745")));
        assert!(Rule::is_valid_id(m.id));
    }

    #[test]
    fn no_chpl_line_no_finding_even_to_russia() {
        let mut v = with_hs("9403.60");
        v["destination_country"] = json!("RU");
        v["consignee"] = json!({ "name": "OOO Mebel", "country": "RU" });
        v["transit_countries"] = json!(["BY"]);
        assert_eq!(evaluate(v), vec![]);
    }

    #[test]
    fn end_user_in_russia_via_kazakhstan_denies_and_reviews() {
        let mut v = base();
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        let f = evaluate(v);
        assert_eq!(
            rules(&f),
            ["chpl-russia-belarus", "chpl-transshipment-risk"]
        );
        assert_eq!(f[0].outcome, Outcome::Deny);
        assert_eq!(f[1].outcome, Outcome::Review);
    }

    #[test]
    fn chpl_goods_to_germany_get_no_finding() {
        let mut v = base();
        v["destination_country"] = json!("DE");
        v["consignee"] = json!({ "name": "Bayern Chips GmbH", "country": "DE" });
        assert_eq!(evaluate(v), vec![]);
    }

    #[test]
    fn findings_are_capped_at_review_before_the_list_version() {
        let mut v = base();
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        v["date"] = json!("2024-02-22");
        let f = evaluate(v.clone());
        assert_eq!(
            rules(&f),
            ["chpl-russia-belarus", "chpl-transshipment-risk"]
        );
        assert!(f.iter().all(|f| f.outcome == Outcome::Review));
        assert!(f[0].message.ends_with("post-dates the law date 2024-02-22: earlier list versions are not encoded, so this finding is at most review."));

        v["date"] = json!("2024-02-23");
        let f = evaluate(v);
        assert_eq!(f[0].outcome, Outcome::Deny);
        assert!(!f[0].message.contains("post-dates"));
    }

    #[test]
    fn settings_reach_the_transshipment_rule() {
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        let strict = configure::<ChplDiversion>(r#"{"deny_at_red_flags": 1}"#).unwrap();
        let f = strict.evaluate(&shipment(v));
        assert_eq!(f[0].outcome, Outcome::Deny);
    }

    #[test]
    fn a_mixed_shipment_names_only_its_chpl_lines() {
        let mut v = base();
        v["destination_country"] = json!("BY");
        v["consignee"] = json!({ "name": "OAO Integral", "country": "BY" });
        v["lines"] = json!([
            { "line": 1, "description": "manuals", "hs_code": "4901.99", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } },
            { "line": 2, "description": "ball bearings", "hs_code": "8482.10.90", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } }
        ]);
        let f = evaluate(v);
        assert_eq!(rules(&f), ["chpl-russia-belarus"]);
        assert_eq!(f[0].lines, vec![2]);
    }
}
