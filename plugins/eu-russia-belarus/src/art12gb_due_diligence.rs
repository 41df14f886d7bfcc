//! Art. 12gb of Reg. (EU) 833/2014: due diligence for sales of Annex XL items to third
//! countries (`eu-art12gb-due-diligence`).
//!
//! From 26 Dec 2024 (inserted by Reg. (EU) 2024/1745), persons selling common
//! high-priority items of Annex XL to third countries other than the partner countries of
//! Annex VIII must assess and document the risk of re-export to Russia and have
//! proportionate policies, controls and procedures, and must ensure that entities they
//! own or control outside the Union do the same. A shipment document cannot show that
//! assessment, so every such sale gets a `review` reminding of it. Art. 8a (best efforts
//! for non-EU subsidiaries) is not encoded, nor is any Belarus counterpart.

use crate::goods::{Goods, Note, Selection};
use crate::reach;
use exportctl_sdk::chpl::{self, Tier};
use exportctl_sdk::{Date, Finding, PartyPath, Rule, Shipment};

/// Sales of Annex XL (CHPL) items to a non-partner third country.
pub const ART_12GB: Rule = Rule::new(
    "eu-art12gb-due-diligence",
    "Reg. (EU) 833/2014 Art. 12gb (inserted by Reg. (EU) 2024/1745, applies from 26 Dec 2024); Annexes VIII and XL; \
     CHPL (23 Feb 2024)",
)
.describe("Annex XL (CHPL) items sold to a non-partner third country without due diligence");

/// First day Art. 12gb applies.
pub const ART_12GB_FROM: Date = Date::ymd(2024, 12, 26);

/// Reviews a sale of CHPL (Annex XL) items to a third country that is not an Annex VIII
/// partner, as a reminder of the documented risk assessment.
pub fn check(shipment: &Shipment, goods: &Goods<'_>) -> Option<Finding> {
    if shipment.as_of() < ART_12GB_FROM || !reach::non_partner_third_country(shipment) {
        return None;
    }
    let mut lines = Selection::new();
    let mut tiers: Vec<Tier> = Vec::new();
    for facts in goods.iter() {
        if let Some(tier) = facts.chpl {
            let note = Note::Chpl {
                prefix: "",
                suffix: "",
            };
            lines.push(facts.line, note);
            tiers.push(tier);
        }
    }
    if lines.is_empty() {
        return None;
    }
    let finding = ART_12GB
        .review(format!(
            "common high-priority items (Annex XL) sold to {} (not an Annex VIII partner country): {}. Before \
             release, confirm the documented assessment of the risk of re-export to Russia covers this buyer and \
             destination, and that the policies, controls and procedures it calls for were followed.",
            shipment.destination_country(),
            lines.describe()
        ))
        .lines(lines.numbers())
        .legal_basis(format!(
            "Reg. (EU) 833/2014 Art. 12gb (inserted by Reg. (EU) 2024/1745, applies from 26 Dec 2024); Annex XL; {}",
            chpl::citation(tiers)
        ));
    Some(finding.party(PartyPath::Consignee))
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

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_12GB.id));
    }

    #[test]
    fn boundary_26_december_2024() {
        let doc = |d: &str| Doc::new(d, "DE>KZ").hs("8542.31").clause(Some(true));
        assert!(run(doc("2024-12-25")).is_none());
        let f = run(doc("2024-12-26")).unwrap();
        assert_eq!(
            (f.outcome(), f.get_lines().to_vec()),
            (Outcome::Review, vec![1])
        );
        assert!(
            f.get_legal_basis()
                .ends_with("Annex XL; CHPL (23 Feb 2024) Tier 1")
        );
    }

    #[test]
    fn partners_eu_and_non_chpl_goods_are_not_concerned() {
        for route in ["DE>US", "DE>NO", "DE>AT", "DE>RU"] {
            assert!(
                run(Doc::new("2025-02-01", route).hs("8542.31")).is_none(),
                "{route}"
            );
        }
        assert!(run(Doc::new("2025-02-01", "DE>KZ").hs("8802.40")).is_none());
    }

    #[test]
    fn names_only_the_chpl_lines() {
        let f = run(Doc::new("2025-02-01", "DE>AM")
            .add_line(2, "8482.10", &[])
            .add_line(3, "8542.39", &[]))
        .unwrap();
        assert_eq!(f.get_lines(), vec![2, 3]);
        assert!(f.get_legal_basis().ends_with("Tier 1, Tier 3.B"));
    }
}
