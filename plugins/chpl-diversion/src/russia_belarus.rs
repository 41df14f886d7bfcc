//! CHPL items for Russia or Belarus: to a destination, consignee, end user or intermediate
//! consignee there (`chpl-russia-belarus`), or on a route through there
//! (`chpl-transit-russia-belarus`). Both deny.

use crate::chpl::ChplLines;
use exportctl_sdk::{Country, Finding, Rule, Shipment, country_sets};
use std::collections::BTreeSet;

/// CHPL items sold, supplied or exported to a person in Russia or Belarus, or for use there.
pub const TO_RUSSIA_BELARUS: Rule = Rule::new(
    "chpl-russia-belarus",
    "Reg. (EU) 833/2014 Art. 2a and Annex XL (Russia); Reg. (EC) 765/2006 (Belarus); 15 CFR 746.8; CHPL (23 Feb 2024)",
);

/// CHPL items routed through Russia or Belarus to another country.
pub const TRANSIT_RUSSIA_BELARUS: Rule = Rule::new(
    "chpl-transit-russia-belarus",
    "Reg. (EU) 833/2014 ban on transit via Russia (Reg. 2023/427, 2023/1214, 2023/2878) and Annex XL; Reg. (EC) 765/2006 (Belarus); FIN-2022-Alert003 (route through Russia/Belarus); CHPL (23 Feb 2024)",
);

/// Denies CHPL lines when the destination, the consignee, the named end user or an
/// intermediate consignee is in Russia or Belarus. Names the lines, their tiers and every
/// party in Russia/Belarus; cites the EU regulation of each country concerned.
pub fn to_russia_belarus(shipment: &Shipment, lines: &ChplLines<'_>) -> Option<Finding> {
    let in_ru_by = |c: Country| country_sets::RUSSIA_BELARUS.contains(c);
    let mut reasons = Vec::new();
    let mut parties = Vec::new();
    let mut countries = BTreeSet::new();

    if in_ru_by(shipment.destination_country) {
        reasons.push(format!("destination {}", shipment.destination_country));
        countries.insert(shipment.destination_country);
    }
    for p in shipment.receiving_parties() {
        if in_ru_by(p.party.country) {
            let role = shipment.role_name(p.path);
            reasons.push(format!("{role} `{}` in {}", p.party.name, p.party.country));
            parties.push(p.path);
            countries.insert(p.party.country);
        }
    }
    if reasons.is_empty() {
        return None;
    }

    let mut basis = Vec::new();
    if countries.contains(&Country::RU) {
        basis.push("Reg. (EU) 833/2014 Art. 2a and Annex XL");
    }
    if countries.contains(&Country::BY) {
        basis.push("Reg. (EC) 765/2006 (Belarus counterpart of Art. 2a)");
    }
    basis.push("15 CFR 746.8");
    let finding = TO_RUSSIA_BELARUS
        .deny(format!(
            "CHPL items for Russia/Belarus: {}; {}.",
            lines.describe(),
            reasons.join("; ")
        ))
        .lines(lines.numbers())
        .legal_basis(format!("{}; {}", basis.join("; "), lines.citation()));
    Some(parties.into_iter().fold(finding, Finding::party))
}

/// Denies CHPL lines whose route passes through Russia or Belarus (a transit country
/// there; the destination itself is the other rule's concern).
pub fn transit_russia_belarus(shipment: &Shipment, lines: &ChplLines<'_>) -> Option<Finding> {
    let through: BTreeSet<Country> = shipment
        .transit_countries_in(&country_sets::RUSSIA_BELARUS)
        .collect();
    if through.is_empty() {
        return None;
    }
    let mut basis = Vec::new();
    if through.contains(&Country::RU) {
        basis.push("Reg. (EU) 833/2014 ban on transit via Russia (Reg. 2023/427, 2023/1214, 2023/2878) and Annex XL");
    }
    if through.contains(&Country::BY) {
        basis.push("Reg. (EC) 765/2006 (Belarus counterpart)");
    }
    basis.push("FIN-2022-Alert003 (route through Russia/Belarus)");
    let shown: Vec<&str> = through.iter().map(Country::as_str).collect();
    Some(
        TRANSIT_RUSSIA_BELARUS
            .deny(format!(
                "CHPL items routed through {} to {}: {}.",
                shown.join(", "),
                shipment.destination_country,
                lines.describe()
            ))
            .lines(lines.numbers())
            .legal_basis(format!("{}; {}", basis.join("; "), lines.citation())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment, with_hs};
    use exportctl_sdk::Outcome;
    use serde_json::{Value, json};

    fn to_ru_by(v: Value) -> Option<Finding> {
        let s = shipment(v);
        to_russia_belarus(&s, &ChplLines::of(&s))
    }

    fn transit(v: Value) -> Option<Finding> {
        let s = shipment(v);
        transit_russia_belarus(&s, &ChplLines::of(&s))
    }

    fn to_russia(mut v: Value) -> Value {
        v["destination_country"] = json!("RU");
        v["consignee"] = json!({ "name": "OOO Tekhnosnab", "country": "RU" });
        v
    }

    #[test]
    fn rule_ids_are_valid() {
        assert!(Rule::is_valid_id(TO_RUSSIA_BELARUS.id));
        assert!(Rule::is_valid_id(TRANSIT_RUSSIA_BELARUS.id));
    }

    #[test]
    fn denies_chpl_lines_when_destination_and_consignee_are_in_russia() {
        let f = to_ru_by(to_russia(base())).unwrap();
        assert_eq!(f.rule, "chpl-russia-belarus");
        assert_eq!(f.outcome, Outcome::Deny);
        assert_eq!(f.lines, vec![1]);
        assert_eq!(f.parties, vec!["consignee"]);
        assert_eq!(
            f.message,
            "CHPL items for Russia/Belarus: line 1 (8542.31, Tier 1); destination RU; consignee `OOO Tekhnosnab` in RU."
        );
        assert_eq!(
            f.legal_basis,
            "Reg. (EU) 833/2014 Art. 2a and Annex XL; 15 CFR 746.8; CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn denies_when_only_the_destination_is_russia() {
        let mut v = base();
        v["destination_country"] = json!("RU");
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.parties, Vec::<String>::new(), "no party is in Russia");
        assert!(f.message.ends_with("; destination RU."), "{}", f.message);
    }

    #[test]
    fn denies_when_the_end_user_is_in_russia_and_names_the_party() {
        let mut v = base();
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.parties, vec!["end_user"]);
        assert!(f.message.contains("end user `AO Radiozavod` in RU"));
    }

    #[test]
    fn denies_when_only_the_consignee_is_in_belarus_citing_the_belarus_regulation() {
        let mut v = base();
        v["consignee"] = json!({ "name": "OAO Integral", "country": "BY" });
        v["end_user"] = json!({ "name": "Astana Tech Supply TOO", "country": "KZ" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.parties, vec!["consignee"]);
        assert_eq!(
            f.legal_basis,
            "Reg. (EC) 765/2006 (Belarus counterpart of Art. 2a); 15 CFR 746.8; CHPL (23 Feb 2024) Tier 1"
        );
    }

    #[test]
    fn denies_belarus_destination_and_cites_both_regulations_when_russia_is_involved_too() {
        let mut v = base();
        v["destination_country"] = json!("BY");
        v["consignee"] = json!({ "name": "OAO Integral", "country": "BY" });
        v["end_user"] = json!({ "name": "AO Radiozavod", "country": "RU" });
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.parties, vec!["consignee", "end_user"]);
        assert!(
            f.legal_basis
                .starts_with("Reg. (EU) 833/2014 Art. 2a and Annex XL; Reg. (EC) 765/2006")
        );
    }

    #[test]
    fn denies_an_intermediate_consignee_in_russia_but_not_a_bank() {
        let mut v = base();
        v["other_parties"] = json!([
            { "role": "bank", "name": "Sberbank", "country": "RU" },
            { "role": "intermediate_consignee", "name": "OOO Sklad", "country": "RU" }
        ]);
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.parties, vec!["other_parties[1]"]);

        let mut v = base();
        v["other_parties"] = json!([{ "role": "bank", "name": "Sberbank", "country": "RU" }]);
        assert_eq!(to_ru_by(v), None);
    }

    #[test]
    fn names_only_the_chpl_lines_with_their_tiers() {
        let mut v = to_russia(base());
        v["lines"] = json!([
            { "line": 1, "description": "manuals", "hs_code": "4901.99", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } },
            { "line": 2, "description": "tantalum capacitors", "hs_code": "8532.21.00", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } },
            { "line": 3, "description": "CNC lathe", "hs_code": "845811", "quantity": 1, "value": { "amount": "1", "currency": "EUR" } }
        ]);
        let f = to_ru_by(v).unwrap();
        assert_eq!(f.lines, vec![2, 3]);
        assert!(
            f.message
                .contains("line 2 (8532.21.00, Tier 2), line 3 (8458.11, Tier 4.B)"),
            "{}",
            f.message
        );
        assert!(
            f.legal_basis
                .ends_with("CHPL (23 Feb 2024) Tier 2, Tier 4.B")
        );
    }

    #[test]
    fn every_tier_is_denied_to_russia() {
        for (hs, tier) in [
            ("854232", "Tier 1"),
            ("852691", "Tier 2"),
            ("8541.60.00", "Tier 3.A"),
            ("9014.20.80", "Tier 3.B"),
            ("9030.20", "Tier 4.A"),
            ("8466.93.40", "Tier 4.B"),
        ] {
            let f = to_ru_by(to_russia(with_hs(hs))).unwrap();
            assert!(
                f.legal_basis
                    .ends_with(&format!("CHPL (23 Feb 2024) {tier}")),
                "{hs}: {}",
                f.legal_basis
            );
        }
    }

    #[test]
    fn no_finding_for_chpl_goods_to_kazakhstan_or_germany() {
        assert_eq!(to_ru_by(base()), None);
        let mut v = base();
        v["destination_country"] = json!("DE");
        v["consignee"] = json!({ "name": "Bayern Chips GmbH", "country": "DE" });
        assert_eq!(to_ru_by(v.clone()), None);
        assert_eq!(transit(v), None);
    }

    #[test]
    fn denies_a_route_through_russia() {
        let mut v = base();
        v["transit_countries"] = json!(["PL", "BY", "RU"]);
        let f = transit(v).unwrap();
        assert_eq!(f.rule, "chpl-transit-russia-belarus");
        assert_eq!(f.outcome, Outcome::Deny);
        assert_eq!(f.lines, vec![1]);
        assert_eq!(
            f.message,
            "CHPL items routed through BY, RU to KZ: line 1 (8542.31, Tier 1)."
        );
        assert!(
            f.legal_basis
                .starts_with("Reg. (EU) 833/2014 ban on transit via Russia")
        );
        assert!(f.legal_basis.contains("Reg. (EC) 765/2006"));
    }

    #[test]
    fn a_route_through_belarus_alone_cites_the_belarus_regulation_only() {
        let mut v = base();
        v["transit_countries"] = json!(["BY"]);
        let f = transit(v).unwrap();
        assert!(
            f.legal_basis
                .starts_with("Reg. (EC) 765/2006 (Belarus counterpart); FIN-2022-Alert003"),
            "{}",
            f.legal_basis
        );
    }

    #[test]
    fn a_route_avoiding_russia_and_belarus_is_not_a_transit_finding() {
        let mut v = base();
        v["transit_countries"] = json!(["PL", "LT", "LV", "GE"]);
        assert_eq!(transit(v), None);
    }
}
