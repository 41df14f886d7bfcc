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
//! What a line can show: an EU dual-use code or an Annex VII code (`deny`); a CN code that
//! the version of Annex XI, XX or XXXVII in force lists (`deny`, from each package's
//! date; [`crate::annexes`], complete for these dates); an `ex` entry or an entry more
//! precise than the line's code (`review`, saying which). Annex VII is not listed by CN
//! code, so CHPL lines and lines with other control codes, which may be Annex VII goods,
//! are `review` from the first package. Any other line (printed books, furniture) gets no
//! finding: the annexes in force are known not to list it. Belarus: the counterpart lists
//! are not in the data; lines the Russian annexes list are `review` on a route through
//! Belarus alone. No licence lifts a transit ban in the encoded law. Only goods exported
//! from the Union (origin country in the EU27) are concerned.

use crate::annexes::{self, Annex, AnnexVersion, Verdict};
use crate::goods::{Goods, Note, Selection};
use crate::provision::{self, Provision};
use exportctl_sdk::reach;
use exportctl_sdk::{Country, Date, Finding, Rule, Shipment, country_sets};
use std::collections::BTreeSet;

/// Goods exported from the Union routed through Russia or Belarus.
pub const TRANSIT_BAN: Rule = Rule::new(
    "eu-transit-ban",
    "Reg. (EU) 833/2014 transit bans via Russia (Reg. (EU) 2023/427 of 25 Feb 2023: dual-use and Annex VII \
     goods; Reg. (EU) 2023/1214 of 23 Jun 2023: Annexes XI and XX; Reg. (EU) 2023/2878 of 18 Dec 2023: \
     Annex XXXVII); Reg. (EC) 765/2006 transit ban via Belarus (Reg. (EU) 2024/1865, in force 1 Jul 2024)",
)
.describe("goods exported from the Union routed through Russia or Belarus");

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

/// Something a finding cites: provisions (Russian ones only, or all), or an annex version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cited<'p> {
    Provisions(&'p [Provision], bool),
    Version(&'static AnnexVersion),
}

/// The legal basis from what was noted, in the order noted.
fn cite(basis: &[Cited<'_>]) -> String {
    basis
        .iter()
        .map(|c| match c {
            Cited::Provisions(provisions, true) => {
                provision::cite(provisions.iter().filter(|p| p.country == Country::RU))
            }
            Cited::Provisions(provisions, false) => provision::cite(*provisions),
            Cited::Version(version) => version.citation(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The version of `annex` to apply on `as_of` once its transit ban is in force: the one
/// in force, or the first one when the ban's date precedes it by a day (Annex XXXVII:
/// ban from 18 Dec 2023, list in force from 19 Dec 2023).
fn version_for(annex: Annex, as_of: Date) -> Option<&'static AnnexVersion> {
    annexes::version_on(annex, as_of).or_else(|| {
        annexes::ANNEX_VERSIONS
            .iter()
            .filter(|v| v.annex == annex && as_of < v.from)
            .min_by_key(|v| v.from)
    })
}

/// Judges the lines of goods exported from the Union whose route passes through Russia
/// or Belarus: `deny` for dual-use, Annex VII and listed Annex XI, XX and XXXVII lines,
/// `review` for lines the code cannot decide or Annex VII may cover, nothing otherwise.
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
    let as_of = shipment.as_of();
    let applying = |candidates: [Provision; 2]| -> Vec<Provision> {
        candidates
            .into_iter()
            .filter(|p| through.contains(&p.country) && p.in_force(as_of))
            .collect()
    };
    let core = applying([RU_DUAL_USE_ANNEX_VII, BY_ALL]);
    let aviation = applying([RU_ANNEX_XI_XX, BY_ALL]);
    let industrial = applying([RU_ANNEX_XXXVII, BY_ALL]);
    // Through Russia, the annexes decide; through Belarus alone they stand in for the
    // counterpart lists, so they can only raise a review.
    let russian = |provisions: &[Provision]| provisions.iter().any(|p| p.country == Country::RU);
    // The annex versions to apply, looked up once per shipment.
    let mut lists: Vec<(&'static AnnexVersion, &[Provision])> = Vec::new();
    for (annex, provisions) in [
        (Annex::Xi, &aviation),
        (Annex::Xx, &aviation),
        (Annex::Xxxvii, &industrial),
    ] {
        if !provisions.is_empty()
            && let Some(version) = version_for(annex, as_of)
        {
            lists.push((version, provisions));
        }
    }

    let mut denied = Selection::new();
    let mut reviewed = Selection::new();
    // What each finding cites, noted per line and written out once at the end.
    let mut deny_basis: Vec<Cited<'_>> = Vec::new();
    let mut review_basis: Vec<Cited<'_>> = Vec::new();
    fn add<'p>(basis: &mut Vec<Cited<'p>>, cited: Cited<'p>) {
        if !basis.contains(&cited) {
            basis.push(cited);
        }
    }
    for facts in goods.iter() {
        let line = facts.line;
        if facts.eu_dual_use || facts.annex_vii {
            if !core.is_empty() {
                denied.push(line, Note::Codes);
                add(&mut deny_basis, Cited::Provisions(&core, false));
            }
            continue;
        }
        let judged = lists.iter().find_map(|(version, provisions)| {
            let verdict = version.judge(&line.hs_code())?;
            Some((version, verdict, *provisions))
        });
        match judged {
            Some((version, verdict @ Verdict::Listed(_), provisions)) if russian(provisions) => {
                denied.push(line, Note::Annex(version.annex, verdict));
                add(&mut deny_basis, Cited::Provisions(provisions, true));
                add(&mut deny_basis, Cited::Version(version));
            }
            Some((version, verdict, provisions)) => {
                let note = if russian(provisions) {
                    Note::Annex(version.annex, verdict)
                } else {
                    Note::TextAnnex(
                        "Belarus counterpart list not encoded",
                        version.annex,
                        verdict,
                    )
                };
                reviewed.push(line, note);
                add(&mut review_basis, Cited::Provisions(provisions, false));
                add(&mut review_basis, Cited::Version(version));
            }
            None if !core.is_empty() && facts.chpl.is_some() => {
                let note = Note::Chpl {
                    prefix: "",
                    suffix: ", possibly Annex VII (not listed by CN code)",
                };
                reviewed.push(line, note);
                add(&mut review_basis, Cited::Provisions(&core, false));
            }
            None if !core.is_empty() && facts.other_codes => {
                reviewed.push(line, Note::OtherCodes);
                add(&mut review_basis, Cited::Provisions(&core, false));
            }
            None => {}
        }
    }

    let route: Vec<&str> = through.iter().map(Country::as_str).collect();
    let route = route.join(", ");
    let mut findings = Vec::new();
    if !denied.is_empty() {
        findings.push(
            TRANSIT_BAN
                .deny(format!(
                    "goods exported from the Union routed through {route} to {} whose transit is prohibited: {}. \
                     No licence lifts the transit ban.",
                    shipment.destination_country(),
                    denied.describe()
                ))
                .lines(denied.numbers())
                .legal_basis(cite(&deny_basis)),
        );
    }
    if !reviewed.is_empty() {
        findings.push(
            TRANSIT_BAN
                .review(format!(
                    "goods exported from the Union routed through {route} to {} that a transit ban may cover: {}. \
                     If covered, the transit is prohibited. Consider a route avoiding Russia and Belarus.",
                    shipment.destination_country(),
                    reviewed.describe()
                ))
                .lines(reviewed.numbers())
                .legal_basis(cite(&review_basis)),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn outcomes(doc: Doc) -> Vec<(Outcome, Vec<u32>)> {
        let s = doc.shipment();
        check(&s, &Goods::of(&s))
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    /// Line 1 dual-use, 2 CHPL, 3 aircraft part, 4 furniture.
    fn mixed(date: &str, route: &str) -> Doc {
        Doc::new(date, route)
            .codes(&["3A001"])
            .add_line(2, "8542.31", &[])
            .add_line(3, "8807.30", &[])
            .add_line(4, "9403.60", &[])
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(TRANSIT_BAN.id));
    }

    #[test]
    fn russian_packages_apply_from_their_dates() {
        use Outcome::{Deny, Review};
        assert_eq!(outcomes(mixed("2023-02-24", "DE>PL>BY>RU>MN")), []);
        // 8807.30 is a CHPL code (Tier 3.B): possibly Annex VII from the first package.
        assert_eq!(
            outcomes(mixed("2023-02-25", "DE>PL>RU>MN")),
            [(Deny, vec![1]), (Review, vec![2, 3])]
        );
        // From the second package Annex XI (chapter 88) decides the aircraft parts.
        assert_eq!(
            outcomes(mixed("2023-06-23", "DE>RU>MN").add_line(5, "8802.40", &[])),
            [(Deny, vec![1, 3, 5]), (Review, vec![2])]
        );
        // Furniture is on none of the annexes: never held.
        assert_eq!(
            outcomes(mixed("2023-12-18", "DE>RU>MN")),
            [(Deny, vec![1, 3]), (Review, vec![2])]
        );
        assert_eq!(
            outcomes(mixed("2026-12-02", "DE>RU>MN")),
            [(Deny, vec![1, 3]), (Review, vec![2])]
        );
    }

    #[test]
    fn aircraft_parts_through_russia_are_denied_from_23_june_2023() {
        let doc = |d: &str| Doc::new(d, "DE>RU>KZ").hs("8803.20");
        assert_eq!(outcomes(doc("2023-06-22")), []);
        let s = doc("2023-06-23").shipment();
        let f = check(&s, &Goods::of(&s));
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Deny, vec![1])
        );
        assert!(
            f[0].message()
                .contains("line 1 (8803.20, Annex XI lists `88`)"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].get_legal_basis().contains("2023/1214"),
            "{}",
            f[0].get_legal_basis()
        );
        assert!(
            f[0].get_legal_basis()
                .contains("Annex XI of Reg. (EU) 833/2014, version applying from 2023-02-26"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn printed_books_through_russia_are_not_held() {
        for date in [
            "2023-03-01",
            "2023-07-01",
            "2024-01-10",
            "2025-03-03",
            "2026-12-02",
        ] {
            assert_eq!(
                outcomes(Doc::new(date, "DE>RU>MN").hs("4901.99")),
                [],
                "{date}"
            );
        }
    }

    #[test]
    fn annex_codes_match_at_the_precision_both_give() {
        let doc = |hs: &str| outcomes(Doc::new("2024-01-10", "DE>RU>KZ").hs(hs));
        // Annex XI lists the 8-digit 4011 30 00 (aircraft tyres).
        assert_eq!(doc("4011.30.00"), [(Outcome::Deny, vec![1])]);
        assert_eq!(doc("4011.30"), [(Outcome::Review, vec![1])]);
        assert_eq!(doc("4011.10"), []);
        // ex 2710 19 83: hydraulic oils only for vehicles of chapter 88.
        let s = Doc::new("2024-01-10", "DE>RU>KZ")
            .hs("2710.19.83")
            .shipment();
        let f = check(&s, &Goods::of(&s));
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message().contains("only for: Hydraulic oils"),
            "{}",
            f[0].message()
        );
        // Annex XX jet fuel.
        assert_eq!(doc("2710.19.21"), [(Outcome::Deny, vec![1])]);
    }

    #[test]
    fn annex_xxxvii_versions_apply_from_their_dates() {
        // 8471 30 (laptops) is on Annex XXXVII from the ban of 18 Dec 2023.
        let laptop = |d: &str| outcomes(Doc::new(d, "DE>RU>KZ").hs("8471.30"));
        assert_eq!(laptop("2023-12-17"), []);
        assert_eq!(laptop("2023-12-18"), [(Outcome::Deny, vec![1])]);
        // 8482 99 (bearing parts) joined with the list of Reg. (EU) 2025/395.
        let parts = |d: &str| outcomes(Doc::new(d, "DE>RU>KZ").hs("8482.99"));
        assert_eq!(parts("2025-02-24"), []);
        assert_eq!(parts("2025-02-25"), [(Outcome::Deny, vec![1])]);
    }

    #[test]
    fn belarus_from_1_july_2024() {
        assert_eq!(outcomes(mixed("2024-06-30", "DE>PL>BY>KZ")), []);
        let s = mixed("2024-07-01", "DE>PL>BY>KZ").shipment();
        let f = check(&s, &Goods::of(&s));
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Deny, vec![1])
        );
        // The aircraft part is listed in Annex XI, the stand-in for the Belarus list.
        assert_eq!(
            (f[1].outcome(), f[1].get_lines().to_vec()),
            (Outcome::Review, vec![2, 3])
        );
        assert!(
            f[0].get_legal_basis().starts_with("Reg. (EC) 765/2006"),
            "{}",
            f[0].get_legal_basis()
        );
        assert!(
            f[0].message().contains("routed through BY to KZ"),
            "{}",
            f[0].message()
        );
        assert!(
            f[1].message()
                .contains("Belarus counterpart list not encoded"),
            "{}",
            f[1].message()
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
        assert_eq!(f[0].outcome(), Outcome::Deny);
        assert!(f[0].message().contains("X.A.I.001"));
        assert!(f[0].message().contains("No licence lifts the transit ban"));
    }

    #[test]
    fn only_goods_exported_from_the_union() {
        assert_eq!(outcomes(mixed("2024-07-10", "CN>RU>MN").exporter("DE")), []);
        assert_eq!(outcomes(mixed("2024-07-10", "DE>PL>LT>LV")), []);
    }

    #[test]
    fn legal_basis_names_only_the_packages_used() {
        let s = mixed("2023-02-25", "DE>RU>MN").shipment();
        let f = check(&s, &Goods::of(&s));
        assert!(
            f[0].get_legal_basis().contains("2023/427")
                && !f[0].get_legal_basis().contains("2023/1214")
        );
        assert!(f[1].get_legal_basis().contains("2023/427"));
        assert!(!f[1].get_legal_basis().contains("765/2006"));
        let s = mixed("2023-12-18", "DE>RU>MN").shipment();
        let f = check(&s, &Goods::of(&s));
        assert!(
            f[0].get_legal_basis().contains("2023/1214"),
            "{}",
            f[0].get_legal_basis()
        );
        assert!(
            !f[0].get_legal_basis().contains("2023/2878"),
            "{}",
            f[0].get_legal_basis()
        );
    }
}
