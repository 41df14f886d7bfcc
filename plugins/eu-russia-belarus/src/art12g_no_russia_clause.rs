//! Art. 12g of Reg. (EU) 833/2014 (the "no-Russia clause") and Art. 8g of Reg. (EC)
//! 765/2006 (its Belarus counterpart) (`eu-art12g-no-russia-clause`).
//!
//! From 20 Mar 2024 (Art. 12g, introduced by Reg. (EU) 2023/2878), an exporter selling to
//! a third country goods of Annexes XI, XX and XXXV, firearms and ammunition of Annex I
//! to Reg. (EU) 258/2012, or the common high-priority items of Annex XL must
//! contractually prohibit re-export to Russia and for use in Russia. Not needed for the
//! partner countries of Annex VIII (SDK `country_sets::ANNEX_VIII_PARTNERS`: US, JP, GB,
//! KR, AU, CA, NZ, NO, CH). Art. 8g (inserted by Reg. (EU) 2024/1865, in force 1 Jul
//! 2024) does the same for Belarus, with Annex XXX as its list of common high-priority
//! items; contracts concluded before 1 Jul 2024 are exempt until they expire. The
//! Belarusian dates are not in the project's law summary.
//!
//! Goods the policy can ground: CHPL lines (Annex XL), HS chapter 88 (probably Annex XI)
//! and the HS headings of civilian firearms and ammunition (probably Annex I of Reg.
//! 258/2012). Annex XX (jet fuel) and Annex XXXV are not encoded. The contract field
//! `no_russia_clause` covers re-export to Russia and Belarus; only `true` satisfies the
//! rule (false, absent, or no contract do not). The outcome is `review`: a missing clause
//! is an obligation to fix before the sale, not a ban on the goods.

use crate::goods::{Goods, Note, Selection};
use crate::reach;
use crate::tables::OtherAnnex;
use exportctl_sdk::chpl::{self, Tier};
use exportctl_sdk::{Date, Finding, PartyPath, Rule, Shipment};

/// Sales of Art. 12g goods to a non-partner third country without a no-Russia clause.
pub const ART_12G: Rule = Rule::new(
    "eu-art12g-no-russia-clause",
    "Reg. (EU) 833/2014 Art. 12g (inserted by Reg. (EU) 2023/2878, applies from 20 Mar 2024; Annexes VIII, XI, \
     XX, XXXV, XL; Annex I to Reg. (EU) 258/2012); Reg. (EC) 765/2006 Art. 8g (Belarus, Reg. (EU) 2024/1865, \
     from 1 Jul 2024)",
)
.describe("Art. 12g goods sold to a non-partner third country without a no-re-export-to-Russia clause");

/// First day Art. 12g applies to every contract.
pub const ART_12G_FROM: Date = Date::ymd(2024, 3, 20);

/// First day Art. 8g of Reg. (EC) 765/2006 applies; contracts concluded before it are
/// exempt until they expire.
pub const ART_8G_FROM: Date = Date::ymd(2024, 7, 1);

/// Reviews a sale of Art. 12g goods to a non-partner third country whose contract does
/// not carry a no-Russia clause.
pub fn check(shipment: &Shipment, goods: &Goods<'_>) -> Option<Finding> {
    if shipment.as_of() < ART_12G_FROM || !reach::non_partner_third_country(shipment) {
        return None;
    }
    let clause = shipment
        .contract()
        .as_ref()
        .and_then(|c| c.no_russia_clause());
    if clause == Some(true) {
        return None;
    }
    let mut lines = Selection::new();
    let mut tiers: Vec<Tier> = Vec::new();
    let mut other: Vec<OtherAnnex> = Vec::new();
    for facts in goods.iter() {
        if let Some(tier) = facts.chpl {
            let note = Note::Chpl {
                prefix: "Annex XL, ",
                suffix: "",
            };
            lines.push(facts.line, note);
            tiers.push(tier);
        } else if let Some(annex) = facts.art12g_other {
            lines.push(facts.line, Note::Other12g(annex));
            if !other.contains(&annex) {
                other.push(annex);
            }
        }
    }
    if lines.is_empty() {
        return None;
    }

    let state = match (&shipment.contract(), clause) {
        (None, _) => "the shipment names no contract",
        (Some(_), Some(false)) => "the contract has no no-Russia clause (no_russia_clause = false)",
        (Some(_), _) => "the contract does not state a no-Russia clause",
    };
    let belarus = art_8g_applies(shipment);
    let mut basis = vec![
        "Reg. (EU) 833/2014 Art. 12g (inserted by Reg. (EU) 2023/2878, applies from 20 Mar 2024; partner countries of Annex VIII exempt)"
            .to_owned(),
    ];
    if belarus {
        basis.push(
            "Reg. (EC) 765/2006 Art. 8g (no-Belarus clause, inserted by Reg. (EU) 2024/1865, in force 1 Jul 2024; Annex XXX)"
                .to_owned(),
        );
    }
    if !tiers.is_empty() {
        basis.push(format!("Annex XL; {}", chpl::citation(tiers)));
    }
    if other.contains(&OtherAnnex::XiAviation) {
        basis.push("Annex XI (approximated by HS chapter 88)".to_owned());
    }
    if other.contains(&OtherAnnex::Firearms) {
        basis.push(
            "Annex I to Reg. (EU) 258/2012 (approximated by HS headings 9302, 9303, 9305, 9306)"
                .to_owned(),
        );
    }
    let countries = if belarus {
        "Russia and Belarus, and for use there"
    } else {
        "Russia and for use in Russia"
    };
    let finding = ART_12G
        .review(format!(
            "goods covered by the no-Russia clause sold to {} (not an Annex VIII partner country): {}. {}: \
             the contract must prohibit re-export to {countries}, with adequate remedies, before the goods are \
             released.",
            shipment.destination_country(),
            lines.describe(),
            capitalise(state)
        ))
        .lines(lines.numbers())
        .legal_basis(basis.join("; "));
    Some(finding.party(PartyPath::Consignee))
}

/// Whether Art. 8g (Belarus) applies: from 1 Jul 2024, except for a contract the document
/// dates before that day. A contract without a date is assumed to be covered.
fn art_8g_applies(shipment: &Shipment) -> bool {
    let concluded_before = shipment
        .contract()
        .as_ref()
        .and_then(|c| c.date())
        .is_some_and(|d| d < ART_8G_FROM);
    shipment.as_of() >= ART_8G_FROM && !concluded_before
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Option<Finding> {
        let s = doc.shipment();
        check(&s, &Goods::of(&s))
    }

    fn chips(date: &str, route: &str) -> Doc {
        Doc::new(date, route).hs("8542.31")
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_12G.id));
    }

    #[test]
    fn reviews_chpl_sales_to_a_third_country_without_the_clause() {
        let f = run(chips("2024-06-03", "DE>KZ").clause(Some(false))).unwrap();
        assert_eq!(
            (f.outcome(), f.get_lines().to_vec()),
            (Outcome::Review, vec![1])
        );
        assert_eq!(
            f.message(),
            "goods covered by the no-Russia clause sold to KZ (not an Annex VIII partner country): line 1 \
             (8542.31, Annex XL, CHPL Tier 1). The contract has no no-Russia clause (no_russia_clause = false): \
             the contract must prohibit re-export to Russia and for use in Russia, with adequate remedies, before \
             the goods are released."
        );
        assert!(
            f.get_legal_basis()
                .starts_with("Reg. (EU) 833/2014 Art. 12g")
        );
        assert!(
            f.get_legal_basis()
                .ends_with("Annex XL; CHPL (23 Feb 2024) Tier 1")
        );
        assert_eq!(f.get_parties(), ["consignee"]);
    }

    #[test]
    fn a_clause_satisfies_it_and_its_absence_does_not() {
        assert!(run(chips("2024-06-03", "DE>KZ").clause(Some(true))).is_none());
        let absent = run(chips("2024-06-03", "DE>KZ").clause(None)).unwrap();
        assert!(
            absent.message().contains("The contract does not state"),
            "{}",
            absent.message()
        );
        let no_contract = run(chips("2024-06-03", "DE>KZ")).unwrap();
        assert!(
            no_contract
                .message()
                .contains("The shipment names no contract")
        );
    }

    #[test]
    fn boundary_20_march_2024() {
        assert!(run(chips("2024-03-19", "DE>KZ")).is_none());
        assert!(run(chips("2024-03-20", "DE>KZ")).is_some());
    }

    #[test]
    fn annex_viii_partners_eu_and_russia_need_no_clause() {
        for route in [
            "DE>US", "DE>JP", "DE>GB", "DE>KR", "DE>AU", "DE>CA", "DE>NZ", "DE>NO", "DE>CH",
            "DE>FR", "DE>RU", "DE>BY",
        ] {
            assert!(run(chips("2024-06-03", route)).is_none(), "{route}");
        }
        for route in ["DE>KZ", "DE>AE", "DE>TR", "DE>CN", "DE>RS", "DE>IN"] {
            assert!(run(chips("2024-06-03", route)).is_some(), "{route}");
        }
    }

    #[test]
    fn aviation_and_firearms_count_and_other_goods_do_not() {
        let f = run(Doc::new("2024-06-03", "IT>AE")
            .hs("8803.20")
            .add_line(2, "9303.30", &[])
            .add_line(3, "9403.60", &[]))
        .unwrap();
        assert_eq!(f.get_lines(), vec![1, 2]);
        assert!(
            f.get_legal_basis()
                .contains("Annex XI (approximated by HS chapter 88)")
        );
        assert!(f.get_legal_basis().contains("Reg. (EU) 258/2012"));
        assert!(run(Doc::new("2024-06-03", "DE>KZ")).is_none());
    }

    #[test]
    fn belarus_clause_from_1_july_2024_except_older_contracts() {
        let before = run(chips("2024-06-30", "DE>KZ")).unwrap();
        assert!(!before.get_legal_basis().contains("Art. 8g"));
        let after = run(chips("2024-07-01", "DE>KZ")).unwrap();
        assert!(
            after
                .get_legal_basis()
                .contains("Reg. (EC) 765/2006 Art. 8g")
        );
        assert!(after.message().contains("re-export to Russia and Belarus"));
        let old_contract = run(chips("2024-09-01", "DE>KZ").contract_date("2024-06-30")).unwrap();
        assert!(!old_contract.get_legal_basis().contains("Art. 8g"));
        let new_contract = run(chips("2024-09-01", "DE>KZ").contract_date("2024-07-01")).unwrap();
        assert!(new_contract.get_legal_basis().contains("Art. 8g"));
    }
}
