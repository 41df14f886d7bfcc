//! `eu-dual-use`: the EU's export authorisation for dual-use items, Regulation (EU)
//! 2021/821, as far as a shipment document shows it.
//!
//! One module per provision, named after the article it implements (see README.md for
//! coverage, dates and limits):
//!
//! - [`art3_export_authorisation`] (`eu-dual-use-art3-export`,
//!   `eu-dual-use-classification`): Annex I items leaving the Union, `licence_required`
//!   unless an EU or member-state licence covers the line or EU001 carries it.
//! - [`eu001_general_authorisation`] (`eu-dual-use-eu001`): Union General Export
//!   Authorisation EU001, shown as an `allow` finding naming its conditions.
//! - [`art4_catch_all`] (`eu-dual-use-art4-catch-all`): unlisted items declared for a
//!   military end use in a country under an arms embargo.
//! - [`art11_intra_union_transfer`] (`eu-dual-use-art11-annex-iv`): Annex IV items moving
//!   between member states.
//!
//! Shared vocabulary: [`goods`] (what a line carries), [`annex_iv`] and
//! [`arms_embargoes`] (the embedded tables), [`licences`] (what an EU licence clears).
//! Whether the EU rules reach a shipment at all is the SDK's [`exportctl_sdk::reach`],
//! the same answer `eu-russia-belarus` uses.

pub mod annex_iv;
pub mod arms_embargoes;
pub mod art11_intra_union_transfer;
pub mod art3_export_authorisation;
pub mod art4_catch_all;
pub mod eu001_general_authorisation;
pub mod goods;
pub mod licences;
pub mod settings;
#[cfg(test)]
mod test_support;

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment, country_sets, reach};
pub use settings::Settings;

/// The day Reg. (EU) 2021/821 applies from (90 days after its publication in OJ L 206
/// of 11 Jun 2021), replacing Reg. (EC) 428/2009.
pub const VALID_FROM: Date = Date::ymd(2021, 9, 9);

/// The `eu-dual-use` policy.
#[derive(Debug, Clone)]
pub struct EuDualUse {
    settings: Settings,
}

impl Policy for EuDualUse {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[
        art3_export_authorisation::ART_3,
        art3_export_authorisation::CLASSIFICATION,
        art4_catch_all::ART_4,
        art11_intra_union_transfer::ART_11,
        eu001_general_authorisation::EU001,
    ];

    fn metadata() -> Metadata {
        Metadata {
            id: "eu-dual-use",
            name: "EU export authorisation of dual-use items (Reg. (EU) 2021/821)",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl bundled policies",
            jurisdiction: "EU",
            legal_basis: "Regulation (EU) 2021/821 of the European Parliament and of the Council of 20 May 2021 setting up \
                 a Union regime for the control of exports, brokering, technical assistance, transit and transfer of \
                 dual-use items (OJ L 206, 11 Jun 2021; applies from 9 Sep 2021): Art. 3(1) and Annex I (as amended by \
                 Delegated Regulation (EU) 2023/2616), Art. 12 and Annex II Section A (Union General Export \
                 Authorisation EU001), Art. 4(1)(b) and 4(2) (military end use in a country under an EU, OSCE or UN arms \
                 embargo), Art. 11(1) and Annex IV (intra-Union transfers)",
            valid_from: VALID_FROM,
            valid_to: None,
            sources: &[
                "Regulation (EU) 2021/821 (OJ L 206, 11 Jun 2021), Art. 3, 4, 11, 12 and Annexes I, II (Section A), IV, \
                 with Annex I as amended by Delegated Regulation (EU) 2023/2616; the Annex I code structure (category, \
                 product group, regime digit) as summarised in the project's law summary (shared/domain/law.md); the \
                 wording of the articles and annexes is not held in the project's data",
                "policies/data/eu_dual_use/arms_embargoes.csv: 19 countries under an EU, OSCE or UN arms embargo (EU \
                 sanctions-map regimes), each with its Council act, UN resolution or OSCE decision, first date and scope, \
                 prepared December 2026; see policies/data/eu_dual_use/SOURCE.md for uncertain dates",
                "policies/data/eu_dual_use/annex_iv_entries.csv: 27 rows of Annex IV (stealth technology, cryptanalytic \
                 items, MTCR technology, CWC items, NSG technology with all of Category 0 except 0C001 and most of \
                 0C002), prepared December 2026, not compared with the consolidated text",
                "Union General Export Authorisation EU001 destinations (Annex II Section A Part 2): AU, CA, IS, JP, LI, \
                 NZ, NO, CH, GB, US",
            ],
            limitations: &[
                "the Annex I list itself is not in the project's data as a machine-readable list: a line is an Annex I \
                 item when a control code has Annex I's form (category 0-9, product group A-E, three digits with a \
                 regime digit 0-4; ControlCode::is_eu_dual_use); a code of that form that does not exist in Annex I is \
                 not detected (findings say so), an Annex I item given no code or a US-only ECCN (x9xx, 0x5zz, 9x515, \
                 600 series) is missed, and codes of no recognised form get a classification review",
                "applies only where the EU rules reach (exporter or origin country in the EU27, the SDK's reach::eu_reach \
                 shared with eu-russia-belarus), and judges only goods leaving from a member state (origin country in \
                 the EU27): an EU exporter's goods sent from a third country are not an export from the Union (that may \
                 be brokering, Art. 6, not encoded); EU persons abroad are not encoded",
                "EU001: only its Annex IV exclusion is checked, against the embedded part of Annex IV; the other items \
                 Part 1 of Annex II Section A excludes are not encoded; EU001's conditions (notification of first use, \
                 reporting, no use when informed or aware of an Art. 4(1) use, no free zones) cannot be seen in a \
                 document and are named in an allow finding instead of checked; the other Union general authorisations \
                 (EU002-EU008) and national general authorisations are not encoded",
                "Annex IV is embedded in part (27 rows, not compared with the consolidated text): an Annex IV item \
                 outside those rows moves between member states with no finding and is treated as eligible for EU001; \
                 codes for which only part of an entry is in Annex IV give a review for transfers and no EU001",
                "Art. 4: only the arms-embargo catch-all of Art. 4(1)(b) is encoded, and only from a declared military \
                 end use (end_use.military = true) with the destination, consignee or end user in a country under an \
                 embargo; Art. 4(1)(a) (weapons of mass destruction) and 4(1)(c) (parts of illegally exported military \
                 items) are not encoded; embargo dates and scopes are partly uncertain (see SOURCE.md) and partial \
                 embargoes are applied to the whole country; lines with a Common Military List code (ML1-ML22) are \
                 military items outside Reg. (EU) 2021/821 and the arms embargoes themselves are not encoded",
                "out of scope: Art. 5 (catch-all for cyber-surveillance items), Art. 6 (brokering services), Art. 7 \
                 (transit), Art. 8 (technical assistance), Art. 9 and 10 (national measures and lists), intangible \
                 transfers of software and technology, and other EU regimes that prohibit or restrict dual-use exports \
                 to certain destinations (e.g. Reg. (EU) 833/2014 for Russia, which eu-russia-belarus encodes, or Reg. \
                 (EU) 267/2012 for Iran)",
                "Reg. (EC) 428/2009, which applied before 9 Sep 2021, is not encoded: the policy is not in force for \
                 earlier dates; Annex I versions before Delegated Regulation (EU) 2023/2616 are not distinguished",
                "a licence counts when its jurisdiction is EU or a member state, it covers the line and is valid on the \
                 shipment date; whether it is an individual, global or national general authorisation, and for which \
                 items and destinations it was granted, is not checked",
            ],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(EuDualUse { settings })
    }

    /// Runs every rule; a shipment the EU rules do not reach, or goods not leaving from
    /// a member state, get no finding.
    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if !reach::eu_reach(shipment) || !reach::exported_from_eu(shipment) {
            return Vec::new();
        }
        let facts = goods::classify(shipment.lines());
        let destination = shipment.destination_country();
        let mut findings = Vec::new();
        if country_sets::EU27.contains(destination) {
            if destination != shipment.origin_country() {
                findings.extend(art11_intra_union_transfer::check(shipment, &facts));
            }
        } else {
            findings.extend(art3_export_authorisation::check(
                shipment,
                &facts,
                &self.settings,
            ));
            findings.extend(art3_export_authorisation::check_classification(
                shipment, &facts,
            ));
            findings.extend(art4_catch_all::check(shipment, &facts));
        }
        findings
    }
}

exportctl_sdk::export_policy!(EuDualUse);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::{Outcome, Rule, configure};

    fn evaluate(doc: Doc) -> Vec<(String, Outcome)> {
        configure::<EuDualUse>("{}")
            .unwrap_or_else(|e| panic!("{e}"))
            .evaluate(&doc.shipment())
            .into_iter()
            .map(|f| (f.rule().to_owned(), f.outcome()))
            .collect()
    }

    fn one(rule: &str, outcome: Outcome) -> Vec<(String, Outcome)> {
        vec![(rule.to_owned(), outcome)]
    }

    #[test]
    fn metadata_describes_the_policy() {
        let m = EuDualUse::metadata();
        assert_eq!(
            (m.id, m.version, m.jurisdiction),
            ("eu-dual-use", "1.0.0", "EU")
        );
        assert_eq!(m.valid_from, Date::ymd(2021, 9, 9));
        assert!(Rule::is_valid_id(m.id));
        assert!(m.legal_basis.len() <= 4096);
        for text in m.sources.iter().chain(m.limitations) {
            assert!(text.len() <= 4096, "{text}");
        }
        for needle in [
            "Annex I list itself",
            "Art. 5",
            "Art. 7",
            "EU001",
            "Annex IV",
            "reach::eu_reach",
        ] {
            assert!(
                m.limitations.iter().any(|l| l.contains(needle)),
                "no limitation mentions {needle}"
            );
        }
    }

    #[test]
    fn non_eu_exporter_and_origin_get_nothing() {
        assert_eq!(
            evaluate(Doc::export("GB", "IR").codes(&["6A005.b.6"])),
            vec![]
        );
        assert_eq!(evaluate(Doc::export("US", "VE").military(true)), vec![]);
    }

    #[test]
    fn an_eu_exporter_s_goods_sent_from_a_third_country_are_not_an_export_from_the_union() {
        assert_eq!(
            evaluate(Doc::export("CN", "IR").exporter("DE").codes(&["6A005"])),
            vec![]
        );
    }

    #[test]
    fn goods_exported_from_the_eu_by_a_third_country_exporter_are_judged() {
        let doc = Doc::export("NL", "IR").exporter("CH").codes(&["6A005"]);
        assert_eq!(
            evaluate(doc),
            one("eu-dual-use-art3-export", Outcome::LicenceRequired)
        );
    }

    #[test]
    fn within_one_member_state_nothing_moves_across_a_border() {
        assert_eq!(evaluate(Doc::export("DE", "DE").codes(&["1C001"])), vec![]);
        assert_eq!(
            evaluate(Doc::export("DE", "AT").codes(&["1C001"])),
            one("eu-dual-use-art11-annex-iv", Outcome::LicenceRequired)
        );
        assert_eq!(evaluate(Doc::export("DE", "AT").codes(&["6A005"])), vec![]);
    }

    #[test]
    fn an_export_gets_every_export_rule() {
        let doc = Doc::export("DE", "RU")
            .military(true)
            .codes(&["6A005.b.6"])
            .add_line(2, "8471.50", &["3A991"])
            .add_line(3, "8471.50", &["4A03"]);
        assert_eq!(
            evaluate(doc),
            vec![
                (
                    "eu-dual-use-art3-export".to_owned(),
                    Outcome::LicenceRequired
                ),
                ("eu-dual-use-classification".to_owned(), Outcome::Review),
                (
                    "eu-dual-use-art4-catch-all".to_owned(),
                    Outcome::LicenceRequired
                ),
            ]
        );
    }
}
