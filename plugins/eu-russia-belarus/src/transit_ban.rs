//! The bans on the transit via Russia and via Belarus of goods exported from the Union
//! (`eu-transit-ban`).
//!
//! Russia (Reg. (EU) 833/2014), built up in three packages:
//!
//! | goods | from | amending regulation |
//! |---|---|---|
//! | dual-use goods (Annex I of Reg. (EU) 2021/821) and Annex VII goods | 25 Feb 2023 | Reg. (EU) 2023/427 |
//! | Annex XI aviation and space goods, Annex XX jet fuel | 23 Jun 2023 | Reg. (EU) 2023/1214 |
//! | Annex XXXVII industrial goods | 18 Dec 2023 | Reg. (EU) 2023/2878 |
//!
//! Annex XXIII goods as a whole are not covered. Belarus (Reg. (EC) 765/2006): Reg. (EU)
//! 2024/1865 of 29 Jun 2024 prohibited the transit via Belarus of dual-use goods, Annex Va
//! goods, industrial goods, aviation and space goods and arms exported from the Union; it
//! entered into force on 1 Jul 2024. Those Belarusian dates are not in the project's law
//! summary.
//!
//! What a line can show: an EU dual-use code or an Annex VII code (`deny`). Annexes XI,
//! XX and XXXVII are not machine-readable in our data, so other lines are `review`: CHPL
//! lines (the common high-priority items may be Annex VII goods) from the first package,
//! HS chapter 88 lines (probably Annex XI) from the second, and every other line from the
//! third, when Annex XXXVII (contents not encoded) could list it. No licence lifts a
//! transit ban in the encoded law. Only goods exported from the Union (origin country in
//! the EU27) are concerned.

use crate::goods::{Goods, Note, Selection};
use crate::provision::{self, Provision};
use crate::tables::OtherAnnex;
use exportctl_sdk::reach;
use exportctl_sdk::{Country, Date, Finding, Rule, Shipment, country_sets};
use std::collections::BTreeSet;

/// Goods exported from the Union routed through Russia or Belarus.
pub const TRANSIT_BAN: Rule = Rule::new(
    "eu-transit-ban",
    "Reg. (EU) 833/2014 transit bans via Russia (Reg. (EU) 2023/427 of 25 Feb 2023: dual-use and Annex VII \
     goods; Reg. (EU) 2023/1214 of 23 Jun 2023: Annexes XI and XX; Reg. (EU) 2023/2878 of 18 Dec 2023: \
     Annex XXXVII); Reg. (EC) 765/2006 transit ban via Belarus (Reg. (EU) 2024/1865, in force 1 Jul 2024)",
);

/// Russia, dual-use and Annex VII goods.
pub const RU_DUAL_USE_ANNEX_VII: Provision = Provision {
    country: Country::RU,
    citation: "Reg. (EU) 833/2014 Art. 2 and 2a: transit via Russia of dual-use goods and Annex VII goods exported from the Union prohibited by Reg. (EU) 2023/427 of 25 Feb 2023",
    from: Date::ymd(2023, 2, 25),
};

/// Russia, Annex XI aviation and space goods and Annex XX jet fuel.
pub const RU_ANNEX_XI_XX: Provision = Provision {
    country: Country::RU,
    citation: "Reg. (EU) 833/2014: transit via Russia of Annex XI aviation and space goods and Annex XX jet fuel prohibited by Reg. (EU) 2023/1214 of 23 Jun 2023",
    from: Date::ymd(2023, 6, 23),
};

/// Russia, Annex XXXVII industrial goods.
pub const RU_ANNEX_XXXVII: Provision = Provision {
    country: Country::RU,
    citation: "Reg. (EU) 833/2014: transit via Russia of Annex XXXVII industrial goods prohibited by Reg. (EU) 2023/2878 of 18 Dec 2023",
    from: Date::ymd(2023, 12, 18),
};

/// Belarus, all covered goods at once.
pub const BY_ALL: Provision = Provision {
    country: Country::BY,
    citation: "Reg. (EC) 765/2006: transit via Belarus of dual-use goods, Annex Va goods, industrial goods, aviation and space goods and arms exported from the Union prohibited by Reg. (EU) 2024/1865 of 29 Jun 2024 (in force 1 Jul 2024)",
    from: Date::ymd(2024, 7, 1),
};

/// Judges the lines of goods exported from the Union whose route passes through Russia
/// or Belarus: `deny` for dual-use and Annex VII lines, `review` for lines the
/// unencoded annexes may cover.
pub fn check(shipment: &Shipment, goods: &Goods<'_>) -> Vec<Finding> {
    if !reach::exported_from_eu(shipment) {
        return Vec::new();
    }
    let through: BTreeSet<Country> = shipment
        .transit_countries_in(&country_sets::RUSSIA_BELARUS)
        .collect();
    if through.is_empty() {
        return Vec::new();
    }
    let as_of = shipment.as_of;
    let applying = |candidates: [Provision; 2]| -> Vec<Provision> {
        candidates
            .into_iter()
            .filter(|p| through.contains(&p.country) && p.in_force(as_of))
            .collect()
    };
    let core = applying([RU_DUAL_USE_ANNEX_VII, BY_ALL]);
    let aviation = applying([RU_ANNEX_XI_XX, BY_ALL]);
    let industrial = applying([RU_ANNEX_XXXVII, BY_ALL]);

    let mut denied = Selection::new();
    let mut reviewed = Selection::new();
    // Which kinds of line were picked decides which provisions each finding cites.
    let (mut chpl_used, mut aviation_used, mut industrial_used) = (false, false, false);
    for facts in goods.iter() {
        let line = facts.line;
        if facts.eu_dual_use || facts.annex_vii {
            if !core.is_empty() {
                denied.push(line, Note::Codes);
            }
        } else if facts.chpl.is_some() {
            if !core.is_empty() {
                let note = Note::Chpl {
                    prefix: "",
                    suffix: ", possibly Annex VII",
                };
                reviewed.push(line, note);
                chpl_used = true;
            }
        } else if facts.art12g_other == Some(OtherAnnex::XiAviation) {
            if !aviation.is_empty() {
                reviewed.push(line, Note::Text("HS chapter 88, probably Annex XI"));
                aviation_used = true;
            }
        } else if !industrial.is_empty() {
            reviewed.push(line, Note::OtherCodes);
            industrial_used = true;
        }
    }
    let deny_basis = provision::cite(&core);
    let mut review_basis: Vec<Provision> = Vec::new();
    for (used, provisions) in [
        (chpl_used, &core),
        (aviation_used, &aviation),
        (industrial_used, &industrial),
    ] {
        if used {
            review_basis.extend(provisions);
        }
    }

    let route: Vec<&str> = through.iter().map(Country::as_str).collect();
    let route = route.join(", ");
    let mut findings = Vec::new();
    if !denied.is_empty() {
        findings.push(
            TRANSIT_BAN
                .deny(format!(
                    "dual-use or Annex VII goods exported from the Union routed through {route} to {}: {}. \
                     Their transit via Russia/Belarus is prohibited; no licence lifts the transit ban.",
                    shipment.destination_country,
                    denied.describe()
                ))
                .lines(denied.numbers())
                .legal_basis(deny_basis),
        );
    }
    if !reviewed.is_empty() {
        findings.push(
            TRANSIT_BAN
                .review(format!(
                    "goods exported from the Union routed through {route} to {} that a transit ban may cover: {}. \
                     Annexes VII, XI, XX and XXXVII (Belarus: their counterparts) are not encoded: check each \
                     line; if listed, the transit is prohibited. Consider a route avoiding Russia and Belarus.",
                    shipment.destination_country,
                    reviewed.describe()
                ))
                .lines(reviewed.numbers())
                .legal_basis(provision::cite(&review_basis)),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::Doc;
    use exportctl_sdk::Outcome;

    fn outcomes(doc: Doc) -> Vec<(Outcome, Vec<u32>)> {
        let s = doc.shipment();
        check(&s, &Goods::of(&s))
            .iter()
            .map(|f| (f.outcome, f.lines.clone()))
            .collect()
    }

    /// Line 1 dual-use, 2 CHPL, 3 aircraft part, 4 furniture.
    fn mixed(date: &str, route: &str) -> Doc {
        Doc::new(date, route)
            .codes(&["3A001"])
            .line(2, "8542.31", &[])
            .line(3, "8807.30", &[])
            .line(4, "9403.60", &[])
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(TRANSIT_BAN.id));
    }

    #[test]
    fn russian_packages_apply_from_their_dates() {
        use Outcome::{Deny, Review};
        assert_eq!(outcomes(mixed("2023-02-24", "DE>PL>BY>RU>MN")), []);
        assert_eq!(
            outcomes(mixed("2023-02-25", "DE>PL>RU>MN")),
            [(Deny, vec![1]), (Review, vec![2, 3])]
        );
        // 8807.30 is a CHPL code (Tier 3.B), so it is reviewed from the first package on.
        assert_eq!(
            outcomes(mixed("2023-06-23", "DE>RU>MN").line(5, "8802.40", &[])),
            [(Deny, vec![1]), (Review, vec![2, 3, 5])]
        );
        assert_eq!(
            outcomes(mixed("2023-12-17", "DE>RU>MN")),
            [(Deny, vec![1]), (Review, vec![2, 3])]
        );
        assert_eq!(
            outcomes(mixed("2023-12-18", "DE>RU>MN")),
            [(Deny, vec![1]), (Review, vec![2, 3, 4])]
        );
    }

    #[test]
    fn aircraft_outside_the_chpl_wait_for_the_second_package() {
        let doc = |d: &str| Doc::new(d, "DE>RU>KZ").hs("8802.40");
        assert_eq!(outcomes(doc("2023-06-22")), []);
        assert_eq!(outcomes(doc("2023-06-23")), [(Outcome::Review, vec![1])]);
    }

    #[test]
    fn belarus_from_1_july_2024() {
        assert_eq!(outcomes(mixed("2024-06-30", "DE>PL>BY>KZ")), []);
        let s = mixed("2024-07-01", "DE>PL>BY>KZ").shipment();
        let f = check(&s, &Goods::of(&s));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].lines, vec![1]);
        assert_eq!(f[1].lines, vec![2, 3, 4]);
        assert!(
            f[0].legal_basis.starts_with("Reg. (EC) 765/2006"),
            "{}",
            f[0].legal_basis
        );
        assert!(
            f[0].message.contains("routed through BY to KZ"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn annex_vii_codes_are_denied_and_licences_do_not_help() {
        let s = Doc::new("2024-01-10", "FR>RU>MN")
            .codes(&["X.A.I.001"])
            .licence("FR", None, None)
            .shipment();
        let f = check(&s, &Goods::of(&s));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome, Outcome::Deny);
        assert!(f[0].message.contains("X.A.I.001"));
        assert!(f[0].message.contains("no licence lifts the transit ban"));
    }

    #[test]
    fn only_goods_exported_from_the_union() {
        assert_eq!(outcomes(mixed("2024-07-10", "CN>RU>MN").exporter("DE")), []);
        assert_eq!(outcomes(mixed("2024-07-10", "DE>PL>LT>LV")), []);
    }

    #[test]
    fn legal_basis_names_only_the_packages_used() {
        let s = mixed("2023-12-18", "DE>RU>MN").shipment();
        let f = check(&s, &Goods::of(&s));
        assert!(f[0].legal_basis.contains("2023/427") && !f[0].legal_basis.contains("2023/1214"));
        assert!(f[1].legal_basis.contains("2023/427"));
        assert!(f[1].legal_basis.contains("2023/2878"));
        assert!(!f[1].legal_basis.contains("765/2006"));
    }
}
