//! Art. 3k of Reg. (EU) 833/2014 and Annex XXIII: goods that could contribute to the
//! enhancement of Russian industrial capacities (`eu-art3k-annex-xxiii`).
//!
//! Annex XXIII lists CN codes (replaced in June 2024 by Reg. (EU) 2024/1745); the list
//! is not in our data and its full chapter list is unverified. The project's law summary
//! says it covers chemicals, plastics, excavating machinery, monitors and electrical
//! equipment among others, and that there is no evidence it covers textiles or printed
//! books. Those kinds are encoded as HS chapters and headings (see
//! `policies/data/eu/annex_xxiii_grounded_hs2022.csv`). A chapter match does not prove
//! the CN code is listed, so the outcome is `review`, never `deny`; goods of other
//! chapters Annex XXIII may list are not flagged.
//!
//! Dates: Art. 3k was inserted by Reg. (EU) 2022/576 of 8 Apr 2022 (not stated in the
//! law summary). The Belarusian counterpart in Reg. (EC) 765/2006 is cited without an
//! article number and with the Russian date: neither is verified.

use crate::goods::{Goods, Note, RuByClass, Selection};
use crate::provision::{self, Provision};
use crate::reach::RuByTarget;
use exportctl_sdk::{Country, Date, Finding, Rule, Shipment};

/// Kinds of goods Annex XXIII covers, for Russia or Belarus.
pub const ART_3K: Rule = Rule::new(
    "eu-art3k-annex-xxiii",
    "Reg. (EU) 833/2014 Art. 3k and Annex XXIII (Reg. (EU) 2022/576 of 8 Apr 2022; Annex XXIII replaced by \
     Reg. (EU) 2024/1745); Reg. (EC) 765/2006 (Belarus counterpart)",
);

/// Art. 3k per country.
pub const PROVISIONS: [Provision; 2] = [
    Provision {
        country: Country::RU,
        citation: "Reg. (EU) 833/2014 Art. 3k and Annex XXIII (inserted by Reg. (EU) 2022/576 of 8 Apr 2022; Annex XXIII replaced by Reg. (EU) 2024/1745)",
        from: Date::ymd(2022, 4, 8),
    },
    Provision {
        country: Country::BY,
        citation: "Reg. (EC) 765/2006, Belarus counterpart of Art. 3k of Reg. (EU) 833/2014 (article and start date not verified; the Russian date is applied)",
        from: Date::ymd(2022, 4, 8),
    },
];

/// Reviews lines for Russia or Belarus whose HS code is of a kind Annex XXIII covers.
pub fn check(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Option<Finding> {
    let in_force = provision::in_force(&PROVISIONS, &target.countries, shipment.as_of);
    if in_force.is_empty() {
        return None;
    }
    let mut lines = Selection::new();
    for facts in goods.iter() {
        if facts.ru_by_class() == Some(RuByClass::AnnexXxiii)
            && let Some(kind) = facts.annex_xxiii
        {
            lines.push(facts.line, Note::Text(kind));
        }
    }
    if lines.is_empty() {
        return None;
    }
    let finding = ART_3K
        .review(format!(
            "goods for Russia/Belarus ({}) of kinds Annex XXIII covers: {}. Annex XXIII lists CN codes, which \
             are not encoded: check each line's CN code against Annex XXIII as in force on {}; if listed, the \
             export is prohibited.",
            target.describe(),
            lines.describe(),
            shipment.as_of
        ))
        .lines(lines.numbers())
        .legal_basis(provision::cite(in_force));
    Some(target.parties.iter().copied().fold(finding, Finding::party))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach;
    use crate::test_support::Doc;
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Option<Finding> {
        let s = doc.shipment();
        reach::ru_by_target(&s).and_then(|t| check(&s, &t, &Goods::of(&s)))
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_3K.id));
    }

    #[test]
    fn reviews_plastics_and_monitors_to_russia() {
        let f = run(Doc::new("2024-06-03", "DE>RU")
            .hs("3926.90")
            .line(2, "8528.52", &[])
            .line(3, "4901.99", &[])
            .line(4, "5407.10", &[]))
        .unwrap();
        assert_eq!((f.outcome, f.lines.clone()), (Outcome::Review, vec![1, 2]));
        assert!(
            f.message
                .contains("line 1 (3926.90, plastics), line 2 (8528.52, monitors)"),
            "{}",
            f.message
        );
        assert!(f.legal_basis.starts_with("Reg. (EU) 833/2014 Art. 3k"));
    }

    #[test]
    fn boundary_8_april_2022() {
        assert!(run(Doc::new("2022-04-07", "DE>RU").hs("3926.90")).is_none());
        assert!(run(Doc::new("2022-04-08", "DE>RU").hs("3926.90")).is_some());
    }

    #[test]
    fn chpl_and_controlled_lines_are_left_to_other_rules() {
        // 8542.31 is in chapter 85 but a CHPL line; 8517.13 with 5A992 is unclassified.
        assert!(run(Doc::new("2024-06-03", "DE>RU").hs("8542.31")).is_none());
        assert!(
            run(Doc::new("2024-06-03", "DE>RU")
                .hs("8517.13")
                .codes(&["5A992"]))
            .is_none()
        );
        assert!(
            run(Doc::new("2024-06-03", "DE>RU")
                .hs("8517.13")
                .codes(&["EAR99"]))
            .is_some()
        );
    }

    #[test]
    fn belarus_is_cited_as_unverified() {
        let f = run(Doc::new("2024-06-03", "DE>BY").hs("2804.61")).unwrap();
        assert!(f.legal_basis.contains("not verified"), "{}", f.legal_basis);
        assert!(f.message.contains("chemicals"));
    }
}
