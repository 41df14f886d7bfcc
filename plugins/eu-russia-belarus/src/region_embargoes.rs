//! The EU region embargoes in Ukraine: Crimea and Sevastopol (`eu-crimea-sevastopol`) and
//! the non-government-controlled areas of the Donetsk, Luhansk, Zaporizhzhia and Kherson
//! oblasts (`eu-ukraine-ngca`).
//!
//! - Reg. (EU) 692/2014 of 23 Jun 2014 (Crimea, `UA-43`; Sevastopol, `UA-40`). Its Art. 2b,
//!   inserted by Reg. (EU) 1351/2014 of 18 Dec 2014, bans the sale, supply, transfer or
//!   export of the Annex II goods suited for use in transport, telecommunications, energy,
//!   or the prospection, exploration and production of oil, gas and minerals, to persons
//!   in Crimea or Sevastopol or for use there. (The date of Reg. 1351/2014 is not in the
//!   project's law summary; it is the Regulation's own date.)
//! - Reg. (EU) 2022/263 of 23 Feb 2022, Art. 4: the same for the non-government-controlled
//!   areas of the Donetsk (`UA-14`) and Luhansk (`UA-09`) oblasts, extended by Reg. (EU)
//!   2022/1903 of 6 Oct 2022 to those of the Zaporizhzhia (`UA-23`) and Kherson (`UA-65`)
//!   oblasts.
//!
//! A party is "there" when the consignee, the named end user or an intermediate
//! consignee gives one of those regions. A receiving party with no such region whose
//! address names one (`Sevastopol, Crimea`, `ДНР`, `Melitopol`; see
//! [`RegionSet::named_in_address`]) is reviewed, whatever the goods and the settings:
//! the location is inferred from text, and the finding quotes the address. Annex II is not machine-readable in our data;
//! a line is an Annex II good when its HS code's own description names one of the four
//! sectors (`policies/data/eu/crimea_annex_ii_grounded_hs2022.csv`), or when the shipment
//! declares an end-use sector among them (`end_use.sector()`; then every line).
//!
//! Outcomes: any goods at least `review`, because Annex II is encoded only in part and
//! the Regulations restrict investment and services too. Crimea and Sevastopol: Annex II
//! goods `deny` from 18 Dec 2014. The four oblasts are covered only in their
//! non-government-controlled areas, which the document cannot tell apart, so Annex II
//! goods are `review` there by default (`deny` by setting). Licences are not evaluated:
//! an EU licence does not change these outcomes.

use crate::goods::{Goods, Note, Selection};
use crate::settings::NgcaTreatment;
use crate::tables::Sector;
use exportctl_sdk::{Date, Finding, PartyPath, RegionSet, Rule, Shipment, region_sets};

/// Goods for a party in Crimea or Sevastopol.
pub const CRIMEA_SEVASTOPOL: Rule = Rule::new(
    "eu-crimea-sevastopol",
    "Reg. (EU) 692/2014 (23 Jun 2014) Art. 2b and Annex II (inserted by Reg. (EU) 1351/2014 of 18 Dec 2014)",
)
.describe("goods for a party in Crimea or Sevastopol");

/// Goods for a party in the Donetsk, Luhansk, Zaporizhzhia or Kherson oblast.
pub const UKRAINE_NGCA: Rule = Rule::new(
    "eu-ukraine-ngca",
    "Reg. (EU) 2022/263 (23 Feb 2022) Art. 4 and Annex II, non-government-controlled areas of the Donetsk and \
     Luhansk oblasts; extended by Reg. (EU) 2022/1903 (6 Oct 2022) to those of the Zaporizhzhia and Kherson oblasts",
)
.describe("goods for a party in the non-government-controlled areas of the Donetsk, Luhansk, Zaporizhzhia or Kherson oblasts");

/// Reg. (EU) 692/2014: the Crimea regime begins.
pub const REG_692_2014: Date = Date::ymd(2014, 6, 23);
/// Reg. (EU) 1351/2014 inserted Art. 2b (Annex II goods).
pub const ART_2B_FROM: Date = Date::ymd(2014, 12, 18);
/// Reg. (EU) 2022/263: Donetsk and Luhansk.
pub const DONETSK_LUHANSK_FROM: Date = Date::ymd(2022, 2, 23);
/// Reg. (EU) 2022/1903: Zaporizhzhia and Kherson.
pub const ZAPORIZHZHIA_KHERSON_FROM: Date = Date::ymd(2022, 10, 6);

/// The Annex II sector the shipment declares as its end use, from the words of
/// `end_use.sector()` (e.g. "telecommunications", "oil and gas", "railway transport").
pub fn declared_sector(shipment: &Shipment) -> Option<Sector> {
    let sector = shipment.end_use().as_ref()?.sector()?.to_lowercase();
    sector
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .find_map(|word| {
            let starts = |prefixes: &[&str]| prefixes.iter().any(|p| word.starts_with(p));
            if starts(&["transport", "railway", "aviation"]) {
                Some(Sector::Transport)
            } else if starts(&["telecom"]) {
                Some(Sector::Telecommunications)
            } else if starts(&["energy", "electricity"]) {
                Some(Sector::Energy)
            } else if matches!(word, "oil" | "gas") || starts(&["petroleum", "mineral", "mining"]) {
                Some(Sector::OilGasMinerals)
            } else {
                None
            }
        })
}

/// The receiving parties in a region of `sets`, with a phrase for each.
fn parties_in(shipment: &Shipment, sets: &[RegionSet]) -> Vec<(PartyPath, String)> {
    shipment
        .receiving_parties()
        .filter(|p| sets.iter().any(|s| s.holds(&p.party)))
        .map(|p| {
            let region = p.party.region().unwrap_or_default();
            let role = shipment.role_name(p.path);
            (p.path, format!("{role} `{}` in {region}", p.party.name()))
        })
        .collect()
}

/// The receiving parties that no region code places in a region of `sets` but whose
/// address names one ([`RegionSet::named_in_address`]), with a phrase quoting the address
/// and the ISO 3166-2 code of the region named.
fn parties_by_address(
    shipment: &Shipment,
    sets: &[RegionSet],
) -> Vec<(PartyPath, String, &'static str)> {
    shipment
        .receiving_parties()
        .filter(|p| !sets.iter().any(|s| s.holds(&p.party)))
        .filter_map(|p| {
            let named = sets.iter().find_map(|s| s.named_in_address(&p.party))?;
            let address = p.party.address().unwrap_or_default();
            let role = shipment.role_name(p.path);
            let phrase = format!(
                "{role} `{}`, address `{address}` naming `{}` ({}, {})",
                p.party.name(),
                named.word,
                named.region,
                named.code
            );
            Some((p.path, phrase, named.code))
        })
        .collect()
}

/// The review for parties placed in a region only by their address: every line, since
/// the location is an inference from text and the prohibition depends on it.
fn review_by_address(
    rule: Rule,
    shipment: &Shipment,
    goods: &Goods<'_>,
    parties: &[(PartyPath, String, &'static str)],
    region: &str,
    basis: &str,
) -> Finding {
    let who = parties
        .iter()
        .map(|(_, text, _)| text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let Lines { all, annex_ii, .. } = lines(shipment, goods);
    let mut message = format!(
        "goods for a party whose address names {region} ({who}): {}. No region code places the party \
         there; this rests on the address text: establish where the party is before release.",
        all.describe()
    );
    if !annex_ii.is_empty() {
        message.push_str(&format!(
            " Annex II goods among them ({}) are prohibited if it is there.",
            annex_ii
                .numbers()
                .iter()
                .map(|n| format!("line {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    parties.iter().fold(
        rule.review(message).lines(all.numbers()).legal_basis(basis),
        |f, (path, _, _)| f.party(*path),
    )
}

/// The shipment's lines: all of them in document order, the Annex II goods among them
/// (noting the sector), and the rest. A line is an Annex II good when its HS code names
/// a sector or the shipment declares an Annex II end-use sector.
struct Lines<'a> {
    all: Selection<'a>,
    annex_ii: Selection<'a>,
    other: Selection<'a>,
}

fn lines<'a>(shipment: &Shipment, goods: &Goods<'a>) -> Lines<'a> {
    let declared = declared_sector(shipment);
    let mut lines = Lines {
        all: Selection::new(),
        annex_ii: Selection::new(),
        other: Selection::new(),
    };
    for facts in goods.iter() {
        let note = match (facts.annex_ii, declared) {
            (Some(sector), _) => Note::Sector(sector),
            (None, Some(sector)) => Note::DeclaredSector(sector),
            (None, None) => Note::Empty,
        };
        lines.all.push(facts.line, note);
        if note == Note::Empty {
            lines.other.push(facts.line, note);
        } else {
            lines.annex_ii.push(facts.line, note);
        }
    }
    lines
}

fn with_parties(finding: Finding, parties: &[(PartyPath, String)]) -> Finding {
    parties.iter().fold(finding, |f, (path, _)| f.party(*path))
}

fn describe(parties: &[(PartyPath, String)]) -> String {
    parties
        .iter()
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Judges goods for a party in Crimea or Sevastopol: Annex II goods `deny` from
/// 18 Dec 2014, everything else (and everything before that day) `review`.
pub fn crimea_sevastopol(shipment: &Shipment, goods: &Goods<'_>) -> Vec<Finding> {
    if shipment.as_of() < REG_692_2014 {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let by_address = parties_by_address(shipment, &[region_sets::CRIMEA_SEVASTOPOL]);
    if !by_address.is_empty() {
        let basis = if shipment.as_of() < ART_2B_FROM {
            "Reg. (EU) 692/2014 (23 Jun 2014), before Art. 2b (Reg. (EU) 1351/2014 of 18 Dec 2014)"
        } else {
            CRIMEA_SEVASTOPOL.legal_basis
        };
        findings.push(review_by_address(
            CRIMEA_SEVASTOPOL,
            shipment,
            goods,
            &by_address,
            "Crimea/Sevastopol",
            basis,
        ));
    }
    let parties = parties_in(shipment, &[region_sets::CRIMEA_SEVASTOPOL]);
    if parties.is_empty() {
        return findings;
    }
    let who = describe(&parties);
    let mut by_code = Vec::new();
    if shipment.as_of() < ART_2B_FROM {
        let all = lines(shipment, goods).all;
        by_code.push(
            CRIMEA_SEVASTOPOL
                .review(format!(
                    "goods for Crimea/Sevastopol ({who}): {}. On {} Art. 2b (Annex II goods, from 18 Dec 2014) \
                     was not yet in force; the restrictions then in force are not encoded: review before release.",
                    all.describe(),
                    shipment.as_of()
                ))
                .lines(all.numbers())
                .legal_basis("Reg. (EU) 692/2014 (23 Jun 2014), before Art. 2b (Reg. (EU) 1351/2014 of 18 Dec 2014)"),
        );
    } else {
        let Lines {
            annex_ii, other, ..
        } = lines(shipment, goods);
        if !annex_ii.is_empty() {
            by_code.push(
                CRIMEA_SEVASTOPOL
                    .deny(format!(
                        "Annex II goods for Crimea/Sevastopol ({who}): {}. The sale, supply, transfer or export of \
                         goods suited for use in transport, telecommunications, energy or oil, gas and mineral \
                         prospection, exploration and production to persons there or for use there is prohibited.",
                        annex_ii.describe()
                    ))
                    .lines(annex_ii.numbers())
                    .legal_basis(CRIMEA_SEVASTOPOL.legal_basis),
            );
        }
        if !other.is_empty() {
            by_code.push(
                CRIMEA_SEVASTOPOL
                    .review(format!(
                        "goods for Crimea/Sevastopol ({who}): {}. Not among the Annex II goods this policy \
                         recognises, but Annex II is encoded only in part: check the CN codes against Annex II, and \
                         the Regulation's investment and services restrictions, before release.",
                        other.describe()
                    ))
                    .lines(other.numbers())
                    .legal_basis(CRIMEA_SEVASTOPOL.legal_basis),
            );
        }
    }
    findings.extend(by_code.into_iter().map(|f| with_parties(f, &parties)));
    findings
}

/// Judges goods for a party in the Donetsk or Luhansk oblast (from 23 Feb 2022) or the
/// Zaporizhzhia or Kherson oblast (from 6 Oct 2022): `review`, or `deny` for Annex II
/// goods when the settings say so.
pub fn ukraine_ngca(
    shipment: &Shipment,
    goods: &Goods<'_>,
    treatment: NgcaTreatment,
) -> Vec<Finding> {
    let mut sets = Vec::new();
    if shipment.as_of() >= DONETSK_LUHANSK_FROM {
        sets.push(region_sets::DONETSK_LUHANSK);
    }
    if shipment.as_of() >= ZAPORIZHZHIA_KHERSON_FROM {
        sets.push(region_sets::ZAPORIZHZHIA_KHERSON);
    }
    let mut findings = Vec::new();
    let by_address = parties_by_address(shipment, &sets);
    if !by_address.is_empty() {
        let codes: Vec<&str> = by_address.iter().map(|(_, _, code)| *code).collect();
        findings.push(review_by_address(
            UKRAINE_NGCA,
            shipment,
            goods,
            &by_address,
            "an oblast with non-government-controlled areas",
            &ngca_basis(&codes),
        ));
    }
    let parties = parties_in(shipment, &sets);
    if parties.is_empty() {
        return findings;
    }
    let regions: Vec<&str> = parties
        .iter()
        .filter_map(|(path, _)| party_region(shipment, *path))
        .collect();
    let basis = ngca_basis(&regions);
    let who = describe(&parties);
    let Lines {
        all,
        annex_ii,
        other,
    } = lines(shipment, goods);
    let mut by_code = Vec::new();
    let caveat = "Only the non-government-controlled areas are covered, and the document gives the oblast, not \
                  the side of the line of contact";
    match treatment {
        NgcaTreatment::Deny if !annex_ii.is_empty() => {
            by_code.push(
                UKRAINE_NGCA
                    .deny(format!(
                        "Annex II goods for an oblast with non-government-controlled areas ({who}): {}. {caveat}; \
                         denied because the settings treat the party as in the non-government-controlled area.",
                        annex_ii.describe()
                    ))
                    .lines(annex_ii.numbers())
                    .legal_basis(basis.clone()),
            );
            if !other.is_empty() {
                by_code.push(review_other(&who, &other, caveat, &basis));
            }
        }
        _ => {
            let mut message = format!(
                "goods for an oblast with non-government-controlled areas ({who}): {}. {caveat}: establish where \
                 the party is before release.",
                all.describe()
            );
            if !annex_ii.is_empty() {
                message.push_str(&format!(
                    " Annex II goods among them ({}) are prohibited if the party is in the non-government-controlled area.",
                    annex_ii.numbers().iter().map(|n| format!("line {n}")).collect::<Vec<_>>().join(", ")
                ));
            }
            by_code.push(
                UKRAINE_NGCA
                    .review(message)
                    .lines(all.numbers())
                    .legal_basis(basis.clone()),
            );
        }
    }
    findings.extend(by_code.into_iter().map(|f| with_parties(f, &parties)));
    findings
}

/// The legal basis for parties in the oblasts `regions` (ISO 3166-2 codes).
fn ngca_basis(regions: &[&str]) -> String {
    let mut basis = Vec::new();
    if regions
        .iter()
        .any(|r| region_sets::DONETSK_LUHANSK.contains(r))
    {
        basis.push(
            "Reg. (EU) 2022/263 (23 Feb 2022) Art. 4 and Annex II, non-government-controlled areas of the Donetsk and Luhansk oblasts",
        );
    }
    if regions
        .iter()
        .any(|r| region_sets::ZAPORIZHZHIA_KHERSON.contains(r))
    {
        basis.push(
            "Reg. (EU) 2022/263 Art. 4 and Annex II as extended by Reg. (EU) 2022/1903 (6 Oct 2022) to the non-government-controlled areas of the Zaporizhzhia and Kherson oblasts",
        );
    }
    basis.join("; ")
}

fn review_other(who: &str, other: &Selection<'_>, caveat: &str, basis: &str) -> Finding {
    UKRAINE_NGCA
        .review(format!(
            "goods for an oblast with non-government-controlled areas ({who}): {}. Not among the Annex II goods this \
             policy recognises, but Annex II is encoded only in part. {caveat}: establish where the party is \
             before release.",
            other.describe()
        ))
        .lines(other.numbers())
        .legal_basis(basis)
}

/// The region of the party at `path`.
fn party_region<'a>(shipment: &'a Shipment<'_>, path: PartyPath) -> Option<&'a str> {
    shipment
        .parties()
        .find(|p| p.path == path)
        .and_then(|p| p.party.region())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn crimea(doc: Doc) -> Vec<(Outcome, Vec<u32>)> {
        let s = doc.shipment();
        crimea_sevastopol(&s, &Goods::of(&s))
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    fn ngca(doc: Doc, treatment: NgcaTreatment) -> Vec<(Outcome, Vec<u32>)> {
        let s = doc.shipment();
        ukraine_ngca(&s, &Goods::of(&s), treatment)
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    /// Line 1 furniture, line 2 a base station (telecommunications).
    fn two_lines(date: &str) -> Doc {
        Doc::new(date, "DE>UA").add_line(2, "8517.61", &[])
    }

    #[test]
    fn rule_ids_are_valid() {
        assert!(Rule::is_valid_id(CRIMEA_SEVASTOPOL.id));
        assert!(Rule::is_valid_id(UKRAINE_NGCA.id));
    }

    #[test]
    fn crimea_denies_annex_ii_goods_and_reviews_the_rest() {
        let s = two_lines("2024-06-03")
            .consignee_region("UA", "UA-43")
            .shipment();
        let f = crimea_sevastopol(&s, &Goods::of(&s));
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Deny, vec![2])
        );
        assert!(
            f[0].message().starts_with(
                "Annex II goods for Crimea/Sevastopol (consignee `Consignee` in UA-43): line 2 (8517.61, telecommunications)."
            ),
            "{}",
            f[0].message()
        );
        assert_eq!(
            (f[1].outcome(), f[1].get_lines().to_vec()),
            (Outcome::Review, vec![1])
        );
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(f[0].get_legal_basis().contains("1351/2014"));
    }

    #[test]
    fn sevastopol_and_an_end_user_there_count() {
        assert_eq!(
            crimea(two_lines("2024-06-03").end_user_region("UA", "UA-40")),
            [(Outcome::Deny, vec![2]), (Outcome::Review, vec![1])]
        );
    }

    #[test]
    fn crimea_boundary_18_december_2014() {
        assert_eq!(
            crimea(two_lines("2014-12-17").consignee_region("UA", "UA-43")),
            [(Outcome::Review, vec![1, 2])]
        );
        assert_eq!(
            crimea(two_lines("2014-12-18").consignee_region("UA", "UA-43")),
            [(Outcome::Deny, vec![2]), (Outcome::Review, vec![1])]
        );
        assert_eq!(
            crimea(two_lines("2014-06-22").consignee_region("UA", "UA-43")),
            []
        );
    }

    #[test]
    fn a_declared_annex_ii_sector_makes_every_line_annex_ii() {
        assert_eq!(
            crimea(
                two_lines("2024-06-03")
                    .consignee_region("UA", "UA-43")
                    .sector("Oil and gas exploration")
            ),
            [(Outcome::Deny, vec![1, 2])]
        );
        for (text, sector) in [
            ("Telecommunications", Some(Sector::Telecommunications)),
            ("railway transport", Some(Sector::Transport)),
            ("electricity distribution", Some(Sector::Energy)),
            ("mining", Some(Sector::OilGasMinerals)),
            ("gastronomy", None),
            ("boiling water", None),
            ("retail", None),
        ] {
            let s = Doc::new("2024-06-03", "DE>UA").sector(text).shipment();
            assert_eq!(declared_sector(&s), sector, "{text}");
        }
    }

    fn with_address(doc: Doc, address: &str) -> Shipment<'static> {
        doc.consignee_address(address).shipment()
    }

    #[test]
    fn an_address_in_crimea_without_a_region_is_reviewed_quoting_it() {
        let s = with_address(two_lines("2024-06-03"), "ul. Lenina 5, Sevastopol, Crimea");
        let f = crimea_sevastopol(&s, &Goods::of(&s));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Review, vec![1, 2])
        );
        assert_eq!(f[0].get_parties(), ["consignee"]);
        assert!(
            f[0].message().starts_with(
                "goods for a party whose address names Crimea/Sevastopol (consignee `Consignee`, address \
                 `ul. Lenina 5, Sevastopol, Crimea` naming `Sevastopol` (Sevastopol, UA-40))"
            ),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message()
                .ends_with("Annex II goods among them (line 2) are prohibited if it is there."),
            "{}",
            f[0].message()
        );
        // Cyrillic; a region code that says so decides instead; other towns are not Crimea.
        let s = with_address(two_lines("2024-06-03"), "Республика Крым, г. Симферополь");
        assert_eq!(crimea_sevastopol(&s, &Goods::of(&s)).len(), 1);
        let s = with_address(
            two_lines("2024-06-03").consignee_region("UA", "UA-43"),
            "Simferopol, Crimea",
        );
        let outcomes: Vec<Outcome> = crimea_sevastopol(&s, &Goods::of(&s))
            .iter()
            .map(|f| f.outcome())
            .collect();
        assert_eq!(outcomes, [Outcome::Deny, Outcome::Review]);
        let s = with_address(two_lines("2024-06-03"), "Krymsky Val 9, Moscow");
        assert!(crimea_sevastopol(&s, &Goods::of(&s)).is_empty());
        let s = with_address(two_lines("2014-06-22"), "Sevastopol");
        assert!(
            crimea_sevastopol(&s, &Goods::of(&s)).is_empty(),
            "before the regime"
        );
    }

    #[test]
    fn an_address_in_the_occupied_oblasts_is_reviewed_even_under_the_deny_setting() {
        let s = with_address(
            two_lines("2024-06-03"),
            "Donetsk People's Republic, Makiivka",
        );
        let f = ukraine_ngca(&s, &Goods::of(&s), NgcaTreatment::Deny);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Review, vec![1, 2])
        );
        assert!(
            f[0].message().contains("naming `Donetsk`"),
            "{}",
            f[0].message()
        );
        assert!(f[0].get_legal_basis().contains("Donetsk and Luhansk"));
        let s = with_address(two_lines("2022-10-05"), "Melitopol");
        assert!(ukraine_ngca(&s, &Goods::of(&s), NgcaTreatment::Review).is_empty());
        let s = with_address(two_lines("2022-10-06"), "Melitopol");
        let f = ukraine_ngca(&s, &Goods::of(&s), NgcaTreatment::Review);
        assert!(
            f[0].get_legal_basis().contains("2022/1903"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn other_regions_are_not_crimea() {
        assert_eq!(
            crimea(two_lines("2024-06-03").consignee_region("UA", "UA-30")),
            []
        );
        assert_eq!(
            crimea(two_lines("2024-06-03").consignee_region("UA", "UA-14")),
            []
        );
        assert_eq!(crimea(two_lines("2024-06-03")), []);
    }

    #[test]
    fn oblasts_are_review_by_default_naming_annex_ii_lines() {
        let s = two_lines("2024-06-03")
            .consignee_region("UA", "UA-14")
            .shipment();
        let f = ukraine_ngca(&s, &Goods::of(&s), NgcaTreatment::Review);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Review, vec![1, 2])
        );
        assert!(
            f[0].message().ends_with(
                "Annex II goods among them (line 2) are prohibited if the party is in the non-government-controlled area."
            ),
            "{}",
            f[0].message()
        );
        assert!(f[0].get_legal_basis().contains("Donetsk and Luhansk"));
        assert!(!f[0].get_legal_basis().contains("2022/1903"));
    }

    #[test]
    fn the_deny_setting_denies_annex_ii_goods_only() {
        assert_eq!(
            ngca(
                two_lines("2024-06-03").consignee_region("UA", "UA-09"),
                NgcaTreatment::Deny
            ),
            [(Outcome::Deny, vec![2]), (Outcome::Review, vec![1])]
        );
        assert_eq!(
            ngca(
                Doc::new("2024-06-03", "DE>UA").consignee_region("UA", "UA-09"),
                NgcaTreatment::Deny
            ),
            [(Outcome::Review, vec![1])]
        );
    }

    #[test]
    fn oblast_dates() {
        assert_eq!(
            ngca(
                two_lines("2022-02-22").consignee_region("UA", "UA-14"),
                NgcaTreatment::Review
            ),
            []
        );
        assert_eq!(
            ngca(
                two_lines("2022-02-23").consignee_region("UA", "UA-14"),
                NgcaTreatment::Review
            )
            .len(),
            1
        );
        assert_eq!(
            ngca(
                two_lines("2022-10-05").consignee_region("UA", "UA-23"),
                NgcaTreatment::Review
            ),
            []
        );
        let s = two_lines("2022-10-06")
            .end_user_region("UA", "UA-65")
            .shipment();
        let f = ukraine_ngca(&s, &Goods::of(&s), NgcaTreatment::Review);
        assert_eq!(f.len(), 1);
        assert!(f[0].get_legal_basis().contains("2022/1903"));
        assert_eq!(f[0].get_parties(), ["end_user"]);
    }
}
