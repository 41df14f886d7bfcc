//! `chpl-diversion`: Common High Priority Items (CHPL) diverted to Russia and Belarus.
//!
//! The CHPL is the list of 50 HS-6 codes the EU, the United States, the United Kingdom and
//! Japan agreed as the items Russia most needs for its weapons (version of 23 Feb 2024,
//! embedded at build time in the SDK, see [`exportctl_sdk::chpl`]; [`chpl`] finds the
//! shipment's CHPL lines). For every shipment with at least one CHPL line
//! the policy runs three rules:
//!
//! - [`russia_belarus::TO_RUSSIA_BELARUS`] (`chpl-russia-belarus`, deny or review):
//!   destination, consignee, end user or intermediate consignee in Russia or Belarus.
//! - [`russia_belarus::TRANSIT_RUSSIA_BELARUS`] (`chpl-transit-russia-belarus`, deny or
//!   review): the route passes through Russia or Belarus.
//! - [`transshipment::TRANSSHIPMENT_RISK`] (`chpl-transshipment-risk`, review, or deny by
//!   setting): destination, consignee or end user in one of the 18 transshipment points of
//!   FIN-2022-Alert003, with the [`red_flags`] the document shows.
//!
//! Lines not on the CHPL are never named; a shipment without a CHPL line gets no finding.
//! The policy is in force from 24 Feb 2022 and each list it relies on has its own period
//! ([`lists`]). A line is denied only where a list binding this exporter ([`regimes`]:
//! EU, EAR, or neither) names it on the law date; every other line the pattern shows is
//! reviewed with the evidence, so the policy never falls silent on a diversion it sees.

pub mod chpl;
pub mod lists;
pub mod red_flags;
pub mod regimes;
pub mod russia_belarus;
pub mod settings;
pub mod transshipment;

#[cfg(test)]
mod testing;

use chpl::ChplLines;
use exportctl_sdk::chpl::SOURCE;
use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
use regimes::Regimes;
pub use settings::Settings;

/// The policy's first day in force: 24 Feb 2022 ([`lists::INVASION`]). Every list it
/// relies on is later, so from this day on a diversion pattern it sees is at least review.
pub const VALID_FROM: Date = lists::INVASION;

/// The `chpl-diversion` policy: built from [`Settings`], evaluates shipments.
#[derive(Debug, Clone)]
pub struct ChplDiversion {
    settings: Settings,
}

impl Policy for ChplDiversion {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        russia_belarus::TO_RUSSIA_BELARUS,
        russia_belarus::TRANSIT_RUSSIA_BELARUS,
        transshipment::TRANSSHIPMENT_RISK,
    ];

    fn metadata() -> Metadata {
        Metadata {
            id: "chpl-diversion",
            name: "Common High Priority Items: diversion to Russia/Belarus",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "EU/US/UK/JP",
            legal_basis: "Reg. (EU) 833/2014 Art. 2a, Art. 12g, Art. 12gb and Annex XL (from 19 Dec 2023, replaced 25 Jun \
                2024); Reg. (EC) 765/2006 (Belarus); 15 CFR 746.8; 15 CFR 732 Supp. 3; FinCEN/BIS FIN-2022-Alert003 \
                (28 Jun 2022) and FIN-2023-Alert004 (19 May 2023); Common High Priority Items List (EU/US/UK/JP), \
                version of 23 Feb 2024",
            // From the day the diversion risk began: the policy never falls silent on a
            // pattern it sees, and each list it relies on has its own later date.
            valid_from: VALID_FROM,
            valid_to: None,
            sources: &[
                SOURCE,
                "FinCEN & BIS joint alert FIN-2022-Alert003 (28 Jun 2022): 18 common transshipment points and red flags",
                "FinCEN & BIS joint alert FIN-2023-Alert004 (19 May 2023): further red flags and nine priority HS codes \
                 (8542.31, 8542.32, 8542.33, 8542.39, 8517.62, 8526.91, 8532.21, 8532.24, 8548.00)",
                "Annex XL of Reg. (EU) 833/2014: 45 codes as inserted by Reg. (EU) 2023/2878 (from 19 Dec 2023), 50 codes \
                 as replaced by Reg. (EU) 2024/1745 (from 25 Jun 2024), from policies/data/eu/annex_xl_*.csv",
            ],
            limitations: &[
                "in force from 24 Feb 2022; each list has its own period: FIN-2022-Alert003 from 28 Jun 2022, \
                 FIN-2023-Alert004 (nine codes) from 19 May 2023, Annex XL from 19 Dec 2023 (45 codes) and 25 Jun 2024 \
                 (50 codes), the CHPL version of 23 Feb 2024 from that day; a CHPL line for Russia/Belarus, through them \
                 or to a transshipment point is at least review on every date, citing the lists in force and saying \
                 which later list names it",
                "CHPL versions before 23 Feb 2024 (2023) are not in the data: a line that only they named is reviewed, \
                 not denied, under 15 CFR 746.8",
                "deny only where a list binding the exporter names the line on the law date: Annex XL for an EU exporter \
                 or EU origin, the CHPL under 15 CFR 746.8 for a US exporter, US origin or more than 25 % US content; \
                 an exporter neither binds gets a diversion-risk review citing the advisories; EU or US nationals \
                 abroad, the foreign direct product rule and the 0 % de minimis level of 600-series and 9x515 items \
                 are not encoded",
                "Annex XL (Reg. (EU) 2024/1745) matches the 50 CHPL codes; later amendments of Annex XL were not checked",
                "matches HS-6 subheadings of HS 2022 (national 8- and 10-digit codes match their subheading); \
                 HS 2017 codes such as 8548.10 are not translated",
                "transshipment-risk countries are the 18 of FIN-2022-Alert003; later or national risk lists are not encoded",
                "red flags are only those the shipment document shows (young consignee or end user, forwarder as end user, \
                 route through Russia/Belarus, missing no-Russia clause, third-country payer); parties are not screened",
                "the no-Russia clause of Art. 12g is checked only for shipments to transshipment-risk countries, \
                 not for other third countries, and cited only where EU rules bind the exporter",
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

    /// Runs the three rules on the shipment's CHPL lines; no CHPL line, no finding. The
    /// law date only decides how far each finding goes (deny or review) and what it
    /// cites, never whether a rule that sees its pattern speaks.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let lines = ChplLines::of(shipment);
        if lines.is_empty() {
            return Vec::new();
        }
        let regimes = Regimes::of(shipment, &lines);
        let mut findings = russia_belarus::to_russia_belarus(shipment, &lines);
        findings.extend(russia_belarus::transit_russia_belarus(shipment, &lines));
        findings.extend(transshipment::transshipment_risk(
            shipment,
            &lines,
            &regimes,
            &self.settings,
        ));
        findings
    }
}

exportctl_sdk::export_policy!(ChplDiversion);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment, with_hs};
    use exportctl_sdk::{Outcome, Rule, configure};
    use serde_json::json;

    fn evaluate(v: serde_json::Value) -> Vec<Finding> {
        configure::<ChplDiversion>("{}")
            .unwrap()
            .evaluate(&shipment(v))
    }

    fn rules(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.rule()).collect()
    }

    #[test]
    fn metadata_names_the_policy_and_the_encoded_lists() {
        let m = ChplDiversion::metadata();
        assert_eq!(m.id, "chpl-diversion");
        assert_eq!(m.version, "1.0.0");
        assert_eq!(m.valid_from, Date::ymd(2022, 2, 24));
        for list in lists::LISTS {
            assert!(m.valid_from < list.from, "{}", list.citation);
        }
        assert!(m.valid_from < lists::FIN_2022_ALERT003);
        assert!(m.sources[0].contains("version of 23 Feb 2024"));
        assert!(
            m.limitations
                .iter()
                .any(|l| l.contains("before 23 Feb 2024"))
        );
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
        assert_eq!(f[0].outcome(), Outcome::Deny);
        assert_eq!(f[1].outcome(), Outcome::Review);
    }

    #[test]
    fn chpl_goods_to_germany_get_no_finding() {
        let mut v = base();
        v["destination_country"] = json!("DE");
        v["consignee"] = json!({ "name": "Bayern Chips GmbH", "country": "DE" });
        assert_eq!(evaluate(v), vec![]);
    }

    /// A Kyrgyz company founded after Feb 2022 sends Tier 1 microcontrollers by road
    /// across Kazakhstan to a Russian buyer.
    fn kyrgyz_microcontrollers_to_russia(date: Date) -> serde_json::Value {
        json!({
            "id": "KG-MCU",
            "date": date.to_string(),
            "exporter": { "name": "Ala-Too Electronics OsOO", "country": "KG",
                          "registration_date": "2022-09-14" },
            "consignee": { "name": "OOO Vostok Komponent", "country": "RU" },
            "origin_country": "CN",
            "destination_country": "RU",
            "transit_countries": ["KZ"],
            "transport_mode": "road",
            "lines": [
                { "line": 1, "description": "32-bit microcontrollers", "hs_code": "8542.31",
                  "quantity": 20000, "unit": "pcs", "value": { "amount": "64000.00", "currency": "USD" } }
            ]
        })
    }

    fn next_day(d: Date) -> Date {
        let (y, m, day) = (d.year(), d.month(), d.day());
        Date::new(y, m, day + 1)
            .or_else(|| Date::new(y, m + 1, 1))
            .unwrap_or(Date::ymd(y + 1, 1, 1))
    }

    #[test]
    fn the_diversion_pattern_is_at_least_review_on_every_day_from_24_february_2022() {
        let policy = configure::<ChplDiversion>("{}").unwrap();
        let valid_from = ChplDiversion::metadata().valid_from;
        let (mut date, last) = (Date::ymd(2022, 2, 24), Date::ymd(2026, 12, 2));
        let mut days = 0;
        while date <= last {
            assert!(valid_from <= date, "policy not in force on {date}");
            let f = policy.evaluate(&shipment(kyrgyz_microcontrollers_to_russia(date)));
            let worst = f.iter().map(|f| f.outcome()).max();
            assert!(worst >= Some(Outcome::Review), "{date}: {f:?}");
            assert_eq!(f[0].rule(), "chpl-russia-belarus", "{date}");
            assert!(f[0].get_lines() == [1], "{date}");
            date = next_day(date);
            days += 1;
        }
        assert_eq!(days, 1743);
    }

    #[test]
    fn before_any_list_the_finding_says_which_later_list_names_the_line() {
        let f = evaluate(kyrgyz_microcontrollers_to_russia(Date::ymd(2022, 3, 1)));
        assert_eq!(rules(&f), ["chpl-russia-belarus"]);
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message().contains("line 1: no list named it on 2022-03-01; FinCEN/BIS FIN-2023-Alert004 (19 May 2023) names it from 2023-05-19"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message()
                .contains("FIN-2022-Alert003 on 28 Jun 2022, after the law date")
        );
        assert!(
            f[0].message()
                .contains("No listed regime binds the exporter directly")
        );

        let f = evaluate(kyrgyz_microcontrollers_to_russia(Date::ymd(2023, 6, 1)));
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message()
                .contains("line 1: named by FinCEN/BIS FIN-2023-Alert004 (19 May 2023)")
        );
        assert!(
            f[0].get_legal_basis()
                .starts_with("FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022); FinCEN/BIS FIN-2023-Alert004 (19 May 2023)"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn a_long_shipment_names_twenty_lines_and_counts_the_rest() {
        let mut v = kyrgyz_microcontrollers_to_russia(Date::ymd(2023, 6, 1));
        let line = v["lines"][0].clone();
        v["lines"] = json!(
            (1..=25)
                .map(|n| {
                    let mut l = line.clone();
                    l["line"] = json!(n);
                    l
                })
                .collect::<Vec<_>>()
        );
        let f = evaluate(v);
        assert_eq!(f[0].get_lines().len(), 25);
        assert!(
            f[0].message()
                .contains("line 20 (8542.31, Tier 1), and 5 more lines;"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("; and 5 more lines."),
            "{}",
            f[0].message()
        );
        assert!(!f[0].message().contains("line 21"));
    }

    #[test]
    fn an_exporter_no_regime_binds_is_reviewed_and_never_cited_eu_or_us_law() {
        let f = evaluate(kyrgyz_microcontrollers_to_russia(Date::ymd(2025, 3, 1)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::Review);
        for law in ["833/2014", "765/2006", "746.8", "Art. 12g"] {
            assert!(
                !f[0].get_legal_basis().contains(law),
                "{law}: {}",
                f[0].get_legal_basis()
            );
        }
        assert!(f[0].get_legal_basis().contains("FIN-2023-Alert004"));
        assert!(
            f[0].get_legal_basis()
                .ends_with("CHPL (23 Feb 2024) Tier 1")
        );
    }

    #[test]
    fn an_eu_exporter_is_denied_under_annex_xl_from_19_december_2023() {
        let eu = |date: Date| {
            let mut v = kyrgyz_microcontrollers_to_russia(date);
            v["exporter"] = json!({ "name": "Rhein Elektronik GmbH", "country": "DE" });
            evaluate(v)
        };
        let before = eu(Date::ymd(2023, 12, 18));
        assert_eq!(before[0].outcome(), Outcome::Review);
        assert!(
            before[0]
                .get_legal_basis()
                .starts_with("Reg. (EU) 833/2014 Art. 2a and Annex XL;")
        );
        assert!(!before[0].get_legal_basis().contains("746.8"));
        assert!(
            before[0]
                .message()
                .contains("EU rules bind the exporter (exporter in DE)")
        );
        let after = eu(Date::ymd(2023, 12, 19));
        assert_eq!(after[0].outcome(), Outcome::Deny);
        assert_eq!(
            after[0].get_legal_basis(),
            "Reg. (EU) 833/2014 Art. 2a and Annex XL; Annex XL of Reg. (EU) 833/2014 as inserted by Reg. (EU) \
             2023/2878 (from 19 Dec 2023); CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn a_machine_tool_waits_for_the_annex_xl_version_that_lists_it() {
        let mut v = kyrgyz_microcontrollers_to_russia(Date::ymd(2024, 3, 1));
        v["exporter"] = json!({ "name": "Rhein Elektronik GmbH", "country": "DE" });
        v["lines"][0]["hs_code"] = json!("8458.11");
        let f = evaluate(v.clone());
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message()
                .contains("named by CHPL, version of 23 Feb 2024"),
            "{}",
            f[0].message()
        );
        v["date"] = json!("2024-06-25");
        assert_eq!(evaluate(v)[0].outcome(), Outcome::Deny);
    }

    #[test]
    fn a_us_exporter_or_us_content_is_denied_under_15_cfr_746_8_from_the_chpl_version() {
        let mut v = kyrgyz_microcontrollers_to_russia(Date::ymd(2024, 2, 22));
        v["lines"][0]["us_content_percent"] = json!(40);
        let f = evaluate(v.clone());
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].get_legal_basis().starts_with("15 CFR 746.8;"),
            "{}",
            f[0].get_legal_basis()
        );
        v["date"] = json!("2024-02-23");
        let f = evaluate(v);
        assert_eq!(f[0].outcome(), Outcome::Deny);
        assert_eq!(
            f[0].get_legal_basis(),
            "15 CFR 746.8 (CHPL, version of 23 Feb 2024); CHPL (23 Feb 2024) Tier 1"
        );
        assert!(
            f[0].message()
                .contains("The EAR bind the exporter (line 1 holds 40 % US content")
        );
    }

    #[test]
    fn settings_reach_the_transshipment_rule() {
        let mut v = base();
        v["contract"]["no_russia_clause"] = json!(false);
        let strict = configure::<ChplDiversion>(r#"{"deny_at_red_flags": 1}"#).unwrap();
        let f = strict.evaluate(&shipment(v));
        assert_eq!(f[0].outcome(), Outcome::Deny);
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
        assert_eq!(f[0].get_lines(), vec![2]);
    }
}
