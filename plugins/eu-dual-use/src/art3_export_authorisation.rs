//! Art. 3(1) of Reg. (EU) 2021/821: the export of dual-use items listed in Annex I
//! needs an authorisation (`eu-dual-use-art3-export`), and the classification review
//! for codes the policy cannot read (`eu-dual-use-classification`).
//!
//! An export here is goods leaving the Union's customs territory: origin country in
//! the EU27, destination outside it. A line with an Annex I code ([`crate::goods`]) is
//! cleared by an EU or member-state licence covering it ([`crate::licences`]) or, for
//! an EU001 destination, goes under Union General Export Authorisation EU001 unless
//! EU001 excludes it ([`crate::eu001_general_authorisation`]); every other such line is
//! `licence_required`.

use crate::annex_iv::AnnexIv;
use crate::eu001_general_authorisation::{self as eu001, Eu001};
use crate::goods::{self, LineFacts};
use crate::licences;
use crate::settings::Settings;
use exportctl_sdk::{Finding, Rule, Shipment};

/// Export of Annex I items without an authorisation the shipment cites.
pub const ART_3: Rule = Rule::new(
    "eu-dual-use-art3-export",
    "Reg. (EU) 2021/821 Art. 3(1) and Annex I (as amended by Delegated Reg. (EU) 2023/2616): export authorisation \
     for dual-use items listed in Annex I",
)
.describe("Annex I dual-use items exported from the Union without an export authorisation");

/// A control code of no recognised form on an export.
pub const CLASSIFICATION: Rule = Rule::new(
    "eu-dual-use-classification",
    "Reg. (EU) 2021/821 Art. 3(1) and Annex I: an item listed in Annex I needs an export authorisation \
     (classification of the item needed)",
)
.describe("a control code of no recognised form on an export: classification needed");

/// Judges the Annex I lines of an export: `licence_required` for the lines no EU
/// licence covers and EU001 does not carry, an `allow` note for the lines EU001 carries.
pub fn check(shipment: &Shipment, facts: &[LineFacts<'_>], settings: &Settings) -> Vec<Finding> {
    let annex_i: Vec<&LineFacts> = facts.iter().filter(|f| f.is_annex_i()).collect();
    let (unlicensed, _licensed) = licences::unlicensed(shipment, annex_i);
    if unlicensed.is_empty() {
        return Vec::new();
    }
    let eu001 = eu001::eu001(shipment, settings);
    let (under_eu001, needing): (Vec<&LineFacts>, Vec<&LineFacts>) = unlicensed
        .into_iter()
        .partition(|f| eu001 == Eu001::Usable && f.annex_iv.is_none());
    let mut findings = Vec::new();
    if !needing.is_empty() {
        findings.push(licence_required(shipment, &needing, &eu001));
    }
    if !under_eu001.is_empty() {
        findings.push(eu001::note(shipment, &under_eu001));
    }
    findings
}

fn licence_required(shipment: &Shipment, lines: &[&LineFacts<'_>], eu001: &Eu001) -> Finding {
    let described = goods::describe(lines, |f| {
        let codes = f.annex_i_codes();
        match f.annex_iv {
            Some(AnnexIv::Listed(row)) => format!(
                "{codes}; Annex IV Part {:?}, {}: {}",
                row.part,
                row.entry_text(),
                row.heading
            ),
            Some(AnnexIv::Possibly(row)) => format!(
                "{codes}; possibly Annex IV (Part {:?}, {}: {})",
                row.part,
                row.entry_text(),
                row.heading
            ),
            None => codes,
        }
    });
    ART_3
        .licence_required(format!(
            "dual-use items listed in Annex I exported from {} to {}, outside the Union: {}. An export \
             authorisation is required; no EU or member-state licence covering these lines and valid on {} is \
             cited.{}{} {}",
            shipment.origin_country(),
            shipment.destination_country(),
            described,
            shipment.date(),
            licences::expired(shipment, lines),
            eu001.why_not(shipment),
            goods::STRUCTURE_NOTE
        ))
        .lines(goods::numbers(lines))
        .legal_basis(format!(
            "Reg. (EU) 2021/821 Art. 3(1); Annex I (as amended by Delegated Reg. (EU) 2023/2616) entries {}",
            goods::entries(lines)
        ))
}

/// Lines of an export whose control codes have no recognised form and that carry no
/// Annex I or Common Military List code: `review`, since such a code may be a
/// mistyped Annex I entry.
pub fn check_classification(shipment: &Shipment, facts: &[LineFacts<'_>]) -> Option<Finding> {
    let lines: Vec<&LineFacts> = facts
        .iter()
        .filter(|f| !f.unrecognised.is_empty() && !f.is_annex_i() && !f.military_list)
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(
        CLASSIFICATION
            .review(format!(
                "control codes of no form the policy recognises, exported from {} to {}: {}. If the item is listed \
                 in Annex I (category 0-9, product group A-E, three digits, e.g. 6A005.b.6), Art. 3(1) requires an \
                 export authorisation: classify it and correct the code.",
                shipment.origin_country(),
                shipment.destination_country(),
                goods::describe(&lines, |f| f.unrecognised.join(", "))
            ))
            .lines(goods::numbers(&lines)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc, use_eu001: bool) -> Vec<Finding> {
        let s = doc.shipment();
        let facts = goods::classify(s.lines());
        check(&s, &facts, &Settings { use_eu001 })
    }

    fn summary(findings: &[Finding]) -> Vec<(&str, Outcome, Vec<u32>)> {
        findings
            .iter()
            .map(|f| (f.rule(), f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn rule_ids_are_valid() {
        assert!(Rule::is_valid_id(ART_3.id) && Rule::is_valid_id(CLASSIFICATION.id));
    }

    #[test]
    fn an_annex_i_laser_to_iran_needs_a_licence() {
        let f = run(Doc::export("DE", "IR").codes(&["6A005.b.6"]), true);
        assert_eq!(
            summary(&f),
            [("eu-dual-use-art3-export", Outcome::LicenceRequired, vec![1])]
        );
        assert!(
            f[0].message().starts_with(
                "dual-use items listed in Annex I exported from DE to IR, outside the Union: line 1 (9013.20, \
                 6A005.B.6). An export authorisation is required"
            ),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("not in the policy's data"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].get_legal_basis().ends_with("entries 6A005"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn an_eu_or_member_state_licence_clears_its_lines_only() {
        let doc = || {
            Doc::export("DE", "CN")
                .codes(&["3A001"])
                .add_line(2, "8471.50", &["4A003"])
        };
        assert!(run(doc().licence("DE", None, None), true).is_empty());
        assert!(run(doc().licence("EU", None, None), true).is_empty());
        let one = run(doc().licence("FR", Some(&[2]), None), true);
        assert_eq!(
            summary(&one),
            [("eu-dual-use-art3-export", Outcome::LicenceRequired, vec![1])]
        );
        for other in ["US", "KZ", "GB"] {
            let f = run(doc().licence(other, None, None), true);
            assert_eq!(f[0].get_lines(), [1, 2], "{other}");
        }
    }

    #[test]
    fn an_expired_licence_does_not_clear_and_is_named() {
        let last_day = run(
            Doc::export("DE", "CN")
                .codes(&["3A001"])
                .licence("DE", None, Some("2024-06-03")),
            true,
        );
        assert!(last_day.is_empty());
        let expired = run(
            Doc::export("DE", "CN")
                .codes(&["3A001"])
                .licence("DE", None, Some("2024-06-02")),
            true,
        );
        assert_eq!(expired[0].outcome(), Outcome::LicenceRequired);
        assert!(
            expired[0]
                .message()
                .contains("`DE-LIC-1` expired on 2024-06-02"),
            "{}",
            expired[0].message()
        );
    }

    #[test]
    fn eu001_carries_ordinary_items_to_its_destinations_with_a_note() {
        let f = run(Doc::export("DE", "US").codes(&["6A005.b.6"]), true);
        assert_eq!(
            summary(&f),
            [("eu-dual-use-eu001", Outcome::Allow, vec![1])]
        );
        let f = run(Doc::export("DE", "KR").codes(&["6A005.b.6"]), true);
        assert_eq!(
            summary(&f),
            [("eu-dual-use-art3-export", Outcome::LicenceRequired, vec![1])]
        );
    }

    #[test]
    fn eu001_excludes_annex_iv_items_and_possible_ones() {
        let f = run(
            Doc::export("DE", "US")
                .codes(&["1C001"])
                .add_line(2, "3824.99", &["1C351"])
                .add_line(3, "9013.20", &["6A005"]),
            true,
        );
        assert_eq!(
            summary(&f),
            [
                (
                    "eu-dual-use-art3-export",
                    Outcome::LicenceRequired,
                    vec![1, 2]
                ),
                ("eu-dual-use-eu001", Outcome::Allow, vec![3]),
            ]
        );
        assert!(
            f[0].message()
                .contains("1C001; Annex IV Part I, 1C001: stealth technology"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("1C351; possibly Annex IV"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("EU001 excludes Annex IV items"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn eu001_is_not_relied_on_when_unused_or_for_an_end_user_elsewhere() {
        let unused = run(Doc::export("DE", "US").codes(&["6A005"]), false);
        assert_eq!(unused[0].outcome(), Outcome::LicenceRequired);
        assert!(
            unused[0].message().contains("use_eu001 = false"),
            "{}",
            unused[0].message()
        );
        let elsewhere = run(
            Doc::export("DE", "CH").codes(&["6A005"]).end_user("CN"),
            true,
        );
        assert_eq!(elsewhere[0].outcome(), Outcome::LicenceRequired);
        assert!(
            elsewhere[0].message().contains("end user `End User` in CN"),
            "{}",
            elsewhere[0].message()
        );
    }

    #[test]
    fn us_only_eccns_and_unlisted_goods_are_not_annex_i() {
        assert!(run(Doc::export("DE", "CN").codes(&["3A991.a", "EAR99"]), true).is_empty());
        assert!(run(Doc::export("DE", "CN"), true).is_empty());
    }

    #[test]
    fn unrecognised_codes_get_a_classification_review() {
        let s = Doc::export("DE", "CN")
            .codes(&["6A05"])
            .add_line(2, "9013.20", &["6A005", "PL5001"])
            .add_line(3, "9306.30", &["ML3", "XYZ"])
            .shipment();
        let facts = goods::classify(s.lines());
        let f = check_classification(&s, &facts);
        assert_eq!(
            f.as_ref().map(|f| (f.outcome(), f.get_lines().to_vec())),
            Some((Outcome::Review, vec![1]))
        );
        assert!(f.is_some_and(|f| f.message().contains("line 1 (9013.20, 6A05)")));
    }
}
