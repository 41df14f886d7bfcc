//! Art. 3k of Reg. (EU) 833/2014 and Annex XXIII: goods that could contribute to the
//! enhancement of Russian industrial capacities (`eu-art3k-annex-xxiii`).
//!
//! Annex XXIII lists CN codes; every version from Reg. (EU) 2022/576 (applying from
//! 9 Apr 2022) to Reg. (EU) 2024/1745 (25 Jun 2024 - 24 Feb 2025) is encoded from
//! `policies/data/eu/annex_xxiii_*.csv` ([`crate::annexes`]). For a law date one of those
//! versions covers, the list is complete: a line under a whole entry is denied
//! (`licence_required` with an EU licence, which only the authorisations of Art. 3k can
//! grant), a line under an `ex` entry or less precise than an entry is reviewed, and an
//! unlisted line gets no finding.
//!
//! From 25 Feb 2025 Annex XXIII is the list of Reg. (EU) 2025/395, which is not
//! transcribed: a line Annex XXIIID (complete) lists is still denied, a line the previous
//! version listed or whose chapter it listed codes in is reviewed, saying what is
//! missing; other lines get no finding.
//!
//! Wind-down: a listed line also on Annex XXIIIA, XXIIIB, XXIIIC or XXIIID under a contract
//! concluded before that annex applied is reviewed, citing Art. 3k(3aa), (3ab), (3ad) or
//! (3ag) (the end dates of the last two are not in the data).
//!
//! Belarus: the counterpart list of Reg. (EC) 765/2006 is not in the data; lines of the
//! kinds the law summary names (`policies/data/eu/annex_xxiii_grounded_hs2022.csv`) are
//! reviewed, with the Russian date.

use crate::annexes::{self, Annex, AnnexVersion, Missing, Verdict};
use crate::goods::{Goods, LineFacts, Note, RuByClass, Selection};
use crate::provision::{self, Provision};
use crate::reach::RuByTarget;
use exportctl_sdk::{Country, Date, Finding, HsCode, Line, Outcome, Rule, Shipment};

/// Goods of Annex XXIII for Russia; kinds of goods it covers for Belarus.
pub const ART_3K: Rule = Rule::new(
    "eu-art3k-annex-xxiii",
    "Reg. (EU) 833/2014 Art. 3k and Annex XXIII (Reg. (EU) 2022/576, applying from 9 Apr 2022; Annex XXIII \
     replaced by Reg. (EU) 2022/1269, 2022/1904, 2022/2474, 2023/427, 2023/1214, 2023/2878, 2024/745, 2024/1745 \
     and 2025/395; Annexes XXIIIA-D); Reg. (EC) 765/2006 (Belarus counterpart)",
)
.describe("Annex XXIII goods (industrial capacity) to Russia, and the goods it covers for Belarus");

/// The day Art. 3k and the first Annex XXIII applied (Reg. (EU) 2022/576 of 8 Apr 2022,
/// in force the day after publication).
pub const ART_3K_FROM: Date = Date::ymd(2022, 4, 9);

/// Art. 3k for Russia.
pub const RUSSIA: Provision = Provision {
    country: Country::RU,
    citation: "Reg. (EU) 833/2014 Art. 3k and Annex XXIII",
    from: ART_3K_FROM,
};

/// The Belarus counterpart, cited as unverified.
pub const BELARUS: Provision = Provision {
    country: Country::BY,
    citation: "Reg. (EC) 765/2006, Belarus counterpart of Art. 3k of Reg. (EU) 833/2014 (article, list and start \
               date not verified; the Russian date is applied)",
    from: ART_3K_FROM,
};

/// The wind-down lists: which paragraph of Art. 3k lets contracts concluded before the
/// list applied be executed, and until when (`None`: not in the data).
const WIND_DOWN: [(Annex, &str, Option<Date>); 4] = [
    (Annex::Xxiiia, "Art. 3k(3aa)", Some(Date::ymd(2024, 3, 20))),
    (Annex::Xxiiib, "Art. 3k(3ab)", Some(Date::ymd(2024, 6, 20))),
    (Annex::Xxiiic, "Art. 3k(3ad)", None),
    (Annex::Xxiiid, "Art. 3k(3ag)", None),
];

/// How Annex XXIII stands for one line on the law date. Only what a message needs is
/// kept; the text is rendered for the lines a message names ([`Why::render`]).
enum Standing {
    /// Listed: deny (or licence_required), citing this version.
    Listed(&'static AnnexVersion, Verdict),
    /// Review, and why.
    Review(Why),
}

/// Why a line is reviewed.
#[derive(Clone, Copy)]
enum Why {
    /// The code cannot decide (an ex entry, an entry more precise than the code).
    Undecided(&'static AnnexVersion, Verdict),
    /// Listed, but a contract concluded before a wind-down list applied may be executed.
    WindDown {
        version: &'static AnnexVersion,
        verdict: Verdict,
        list: &'static AnnexVersion,
        paragraph: &'static str,
        until: Option<Date>,
    },
    /// The list in force is missing; the previous version said this about the line.
    Missing(&'static Missing, &'static AnnexVersion, Option<Verdict>),
}

impl Why {
    /// The message text for a line of code `hs`.
    fn render(&self, hs: &HsCode) -> String {
        match *self {
            Why::Undecided(version, verdict) => {
                format!(
                    "{} ({})",
                    verdict.describe(version.annex, hs),
                    version.citation()
                )
            }
            Why::WindDown {
                version,
                verdict,
                list,
                paragraph,
                until,
            } => {
                let end = until.map_or_else(
                    || "an end date not in the policy's data".to_owned(),
                    |u| u.to_string(),
                );
                format!(
                    "{}; {} lists it and the contract predates {}: {paragraph} allows executing such contracts \
                     until {end}",
                    verdict.describe(version.annex, hs),
                    list.annex,
                    list.from
                )
            }
            // What the missing list is, and what to do, is said once per finding.
            Why::Missing(_, previous, verdict) => {
                let until = previous.until.map_or_else(String::new, |d| d.to_string());
                match verdict {
                    Some(verdict) => format!(
                        "{} in the version applying until {until}",
                        verdict.describe(Annex::Xxiii, hs)
                    ),
                    None => format!(
                        "not listed in the version applying until {until}, which listed codes of chapter {}",
                        hs.chapter()
                    ),
                }
            }
        }
    }
}

/// Judges the lines for Russia against Annex XXIII as in force on the law date, and the
/// lines for Belarus by kind.
pub fn check(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Vec<Finding> {
    let as_of = shipment.as_of();
    if as_of < ART_3K_FROM {
        return Vec::new();
    }
    let findings = if target.countries.contains(&Country::RU) {
        russia(shipment, target, goods)
    } else {
        belarus(shipment, target, goods).into_iter().collect()
    };
    findings
        .into_iter()
        .map(|f| target.parties.iter().copied().fold(f, Finding::party))
        .collect()
}

/// Whether Art. 3k judges the line: not a dual-use, Annex VII or Annex XL line (Art. 2
/// and 2a judge those).
fn judged(facts: &LineFacts<'_>) -> bool {
    !matches!(
        facts.ru_by_class(),
        Some(RuByClass::DualUse | RuByClass::AnnexViiXl)
    )
}

/// The annex versions that apply on the law date, looked up once per shipment.
struct Lists {
    /// Annex XXIII in force, when the data hold it.
    xxiii: Option<&'static AnnexVersion>,
    /// What the data lack when they do not.
    missing: Option<&'static Missing>,
    /// Annex XXIIID in force.
    xxiiid: Option<&'static AnnexVersion>,
    /// The last Annex XXIII version the data hold before the law date.
    previous: Option<&'static AnnexVersion>,
    /// The wind-down lists in force, with their paragraph and end.
    wind_down: Vec<(&'static AnnexVersion, &'static str, Option<Date>)>,
    /// The contract date, which decides whether a wind-down can apply.
    contract: Option<Date>,
}

impl Lists {
    fn on(shipment: &Shipment) -> Lists {
        let as_of = shipment.as_of();
        Lists {
            xxiii: annexes::version_on(Annex::Xxiii, as_of),
            missing: annexes::missing_on(Annex::Xxiii, as_of),
            xxiiid: annexes::version_on(Annex::Xxiiid, as_of),
            previous: annexes::last_before(Annex::Xxiii, as_of),
            wind_down: WIND_DOWN
                .iter()
                .filter(|(_, _, until)| until.is_none_or(|u| as_of <= u))
                .filter_map(|(annex, paragraph, until)| {
                    Some((annexes::version_on(*annex, as_of)?, *paragraph, *until))
                })
                .collect(),
            contract: shipment.contract().as_ref().and_then(|c| c.date()),
        }
    }

    fn standing(&self, facts: &LineFacts<'_>) -> Option<Standing> {
        let hs = &facts.line.hs_code();
        if let Some(version) = self.xxiii {
            let verdict = version.judge(hs)?;
            return Some(match verdict {
                Verdict::Listed(_) => self.listed(facts, version, verdict),
                _ => Standing::Review(Why::Undecided(version, verdict)),
            });
        }
        let missing = self.missing?;
        if let Some(d) = self.xxiiid
            && let Some(verdict @ Verdict::Listed(_)) = d.judge(hs)
        {
            return Some(self.listed(facts, d, verdict));
        }
        let previous = self.previous?;
        match previous.judge(hs) {
            Some(verdict) => Some(Standing::Review(Why::Missing(
                missing,
                previous,
                Some(verdict),
            ))),
            None if previous.lists_codes_in_chapter(hs.chapter()) => {
                Some(Standing::Review(Why::Missing(missing, previous, None)))
            }
            None => None,
        }
    }

    /// A listed line, unless a wind-down list and an earlier contract make it a review.
    fn listed(
        &self,
        facts: &LineFacts<'_>,
        version: &'static AnnexVersion,
        verdict: Verdict,
    ) -> Standing {
        let Some(contract) = self.contract else {
            return Standing::Listed(version, verdict);
        };
        for &(list, paragraph, until) in &self.wind_down {
            if contract < list.from
                && matches!(list.judge(&facts.line.hs_code()), Some(Verdict::Listed(_)))
            {
                return Standing::Review(Why::WindDown {
                    version,
                    verdict,
                    list,
                    paragraph,
                    until,
                });
            }
        }
        Standing::Listed(version, verdict)
    }
}

fn russia(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Vec<Finding> {
    let mut denied = Selection::new();
    let mut reviewed: Vec<(Line, Why)> = Vec::new();
    let mut versions: Vec<&'static AnnexVersion> = Vec::new();
    let lists = Lists::on(shipment);
    for facts in goods.iter().filter(|f| judged(f)) {
        match lists.standing(facts) {
            Some(Standing::Listed(version, verdict)) => {
                denied.push(facts.line, Note::Annex(Annex::Xxiii, verdict));
                if !versions.contains(&version) {
                    versions.push(version);
                }
            }
            Some(Standing::Review(why)) => reviewed.push((facts.line, why)),
            None => {}
        }
    }
    let cited: Vec<String> = versions.iter().map(|v| v.citation()).collect();
    let basis = format!("{}; {}", RUSSIA.citation, cited.join("; "));
    let (licensed, unlicensed) =
        denied.partition(|l| shipment.eu_licence_covering(l.number()).is_some());
    let mut findings = Vec::new();
    if !unlicensed.is_empty() {
        findings.push(
            ART_3K
                .deny(format!(
                    "goods of Annex XXIII for Russia ({}): {}. Their sale, supply, transfer or export to Russia is \
                     prohibited; no EU licence covering these lines is cited.",
                    target.describe(),
                    unlicensed.describe()
                ))
                .lines(unlicensed.numbers())
                .legal_basis(basis.clone()),
        );
    }
    if !licensed.is_empty() {
        findings.push(
            ART_3K
                .finding(
                    Outcome::LicenceRequired,
                    format!(
                        "goods of Annex XXIII for Russia ({}): {}. A cited EU licence can make the export lawful \
                         only if granted under the exemptions and authorisations of Art. 3k: confirm this with the \
                         issuing authority before release.",
                        target.describe(),
                        licensed.describe()
                    ),
                )
                .lines(licensed.numbers())
                .legal_basis(format!("{basis}; exemptions and authorisations of Art. 3k")),
        );
    }
    if !reviewed.is_empty() {
        let shown: Vec<String> = reviewed
            .iter()
            .take(crate::goods::MAX_NAMED_LINES)
            .map(|(line, why)| {
                format!(
                    "line {} ({}, {})",
                    line.number(),
                    line.hs_code(),
                    why.render(&line.hs_code())
                )
            })
            .collect();
        let rest = reviewed.len().saturating_sub(crate::goods::MAX_NAMED_LINES);
        let more = if rest > 0 {
            format!(", and {rest} more lines")
        } else {
            String::new()
        };
        let missing = reviewed
            .iter()
            .find_map(|(_, why)| match why {
                Why::Missing(missing, ..) => Some(format!(
                    " {}: check these lines against the current list.",
                    missing.what
                )),
                _ => None,
            })
            .unwrap_or_default();
        findings.push(
            ART_3K
                .review(format!(
                    "goods for Russia ({}) that Annex XXIII may list: {}{more}.{missing} If listed, the export is \
                     prohibited.",
                    target.describe(),
                    shown.join(", ")
                ))
                .lines(reviewed.iter().map(|(line, _)| line.number()))
                .legal_basis(RUSSIA.citation),
        );
    }
    findings
}

/// Belarus: the kinds of goods the law summary names, reviewed (the list is not encoded).
fn belarus(shipment: &Shipment, target: &RuByTarget, goods: &Goods<'_>) -> Option<Finding> {
    let in_force = provision::in_force(&[BELARUS], &target.countries, shipment.as_of());
    if in_force.is_empty() {
        return None;
    }
    let mut lines = Selection::new();
    for facts in goods.iter().filter(|f| judged(f)) {
        if let Some(kind) = facts.annex_xxiii {
            lines.push(facts.line, Note::Text(kind));
        }
    }
    if lines.is_empty() {
        return None;
    }
    Some(
        ART_3K
            .review(format!(
                "goods for Belarus ({}) of kinds the Belarus counterpart of Annex XXIII covers: {}. That list is \
                 not encoded: check each line's CN code against it as in force on {}; if listed, the export is \
                 prohibited.",
                target.describe(),
                lines.describe(),
                shipment.as_of()
            ))
            .lines(lines.numbers())
            .legal_basis(provision::cite(in_force)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach;
    use crate::test_support::{Doc, DocExt as _};

    fn run(doc: Doc) -> Vec<Finding> {
        let s = doc.shipment();
        reach::ru_by_target(&s).map_or_else(Vec::new, |t| check(&s, &t, &Goods::of(&s)))
    }

    fn outcomes(doc: Doc) -> Vec<(Outcome, Vec<u32>)> {
        run(doc)
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn rule_id_is_valid() {
        assert!(Rule::is_valid_id(ART_3K.id));
    }

    #[test]
    fn an_excavator_to_russia_in_2024_is_denied_and_books_are_not_touched() {
        let f = run(Doc::new("2024-05-14", "DE>RU")
            .hs("8429.52")
            .add_line(2, "4901.99", &[]));
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].outcome(), f[0].get_lines().to_vec()),
            (Outcome::Deny, vec![1])
        );
        assert!(
            f[0].message()
                .contains("line 1 (8429.52, Annex XXIII lists `8429`)"),
            "{}",
            f[0].message()
        );
        assert_eq!(
            f[0].get_legal_basis(),
            "Reg. (EU) 833/2014 Art. 3k and Annex XXIII; Annex XXIII of Reg. (EU) 833/2014, version applying from \
             2024-02-24 (Reg. (EU) 2024/745)"
        );
    }

    #[test]
    fn each_version_applies_from_its_date() {
        let excavator = |d: &str| outcomes(Doc::new(d, "DE>RU").hs("8429.52"));
        assert_eq!(excavator("2022-04-08"), []);
        // Before Reg. (EU) 2023/427 only 8429 19 and 8429 59 were listed.
        assert_eq!(excavator("2022-04-09"), []);
        assert_eq!(excavator("2023-02-25"), []);
        assert_eq!(excavator("2023-02-26"), [(Outcome::Deny, vec![1])]);
        let bulldozer = |d: &str| outcomes(Doc::new(d, "DE>RU").hs("8429.19"));
        assert_eq!(bulldozer("2022-04-08"), []);
        assert_eq!(bulldozer("2022-04-09"), [(Outcome::Deny, vec![1])]);
        // Monitors of 8528 49 from 2023-02-26; the whole of 8528 from 2024-06-25.
        let tv = |d: &str| outcomes(Doc::new(d, "DE>RU").hs("8528.72"));
        assert_eq!(tv("2024-06-24"), []);
        assert_eq!(tv("2024-06-25"), [(Outcome::Deny, vec![1])]);
    }

    #[test]
    fn after_25_february_2025_the_missing_list_leaves_review_in_the_annex_chapters() {
        let f = run(Doc::new("2025-03-03", "DE>RU")
            .hs("8429.52")
            .add_line(2, "8429.52", &[])
            .add_line(3, "8418.10", &[])
            .add_line(4, "4901.99", &[])
            .add_line(5, "2519.90", &[]));
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect();
        // 2519 90 is on Annex XXIIID (complete): deny. 8429 was listed, 8418 10 was not
        // but chapter 84 was: review. Chapter 49 held 4906 (plans and drawings), so
        // books are reviewed too: the list that would decide them is missing.
        assert_eq!(
            got,
            [
                (Outcome::Deny, vec![5]),
                (Outcome::Review, vec![1, 2, 3, 4])
            ]
        );
        assert!(
            f[0].get_legal_basis().contains("Annex XXIIID"),
            "{}",
            f[0].get_legal_basis()
        );
        assert!(
            f[1].message().contains(
                "Annex XXIII as replaced by Reg. (EU) 2025/395 (applying from 25 Feb 2025) is not transcribed"
            ),
            "{}",
            f[1].message()
        );
        // Said once, not for each of the four lines: a long shipment keeps every line
        // within the message limit.
        assert_eq!(f[1].message().matches("is not transcribed").count(), 1);
        assert!(f[1].message().contains("line 3 (8418.10, not listed in the version applying until 2025-02-24, which listed codes of chapter 84"));
    }

    #[test]
    fn ex_entries_and_coarse_codes_are_reviewed_saying_why() {
        let f = run(Doc::new("2024-07-01", "DE>RU").hs("2804.61"));
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message().contains("lists `Ex 2804` only for:"),
            "{}",
            f[0].message()
        );
        // The version of 9 Apr 2022 lists the 8-digit `3816 00 10`: the HS-6 code 3816.00
        // cannot decide it, the CN code can.
        let f = run(Doc::new("2022-05-01", "DE>RU").hs("3816.00"));
        assert_eq!(f[0].outcome(), Outcome::Review, "{f:?}");
        assert!(
            f[0].message()
                .contains("a 6-digit code cannot decide it, give the 8-digit CN code"),
            "{}",
            f[0].message()
        );
        let f = run(Doc::new("2022-05-01", "DE>RU").hs("3816.00.10"));
        assert_eq!(f[0].outcome(), Outcome::Deny);
        let f = run(Doc::new("2022-05-01", "DE>RU").hs("3816.00.90"));
        assert_eq!(f, []);
        let f = run(Doc::new("2022-05-01", "DE>RU").hs("3816.00.10"));
        assert_eq!(f[0].outcome(), Outcome::Deny);
    }

    #[test]
    fn an_eu_licence_makes_a_listed_line_licence_required() {
        let f = run(Doc::new("2024-05-14", "DE>RU")
            .hs("8429.52")
            .licence("DE", None, None));
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert!(
            f[0].get_legal_basis()
                .ends_with("exemptions and authorisations of Art. 3k")
        );
    }

    #[test]
    fn an_earlier_contract_under_a_wind_down_list_is_reviewed() {
        let code = "3812.10"; // Annex XXIIIA (3aa), until 20 Mar 2024
        let f = run(Doc::new("2024-02-01", "DE>RU")
            .hs(code)
            .contract_date("2023-11-01"));
        assert_eq!(f[0].outcome(), Outcome::Review, "{f:?}");
        assert!(
            f[0].message()
                .contains("Art. 3k(3aa) allows executing such contracts until 2024-03-20")
        );
        let f = run(Doc::new("2024-03-21", "DE>RU")
            .hs(code)
            .contract_date("2023-11-01"));
        assert_eq!(f[0].outcome(), Outcome::Deny);
    }

    #[test]
    fn chpl_and_dual_use_lines_are_left_to_other_rules() {
        assert_eq!(outcomes(Doc::new("2024-06-03", "DE>RU").hs("8542.31")), []);
        assert_eq!(
            outcomes(
                Doc::new("2024-06-03", "DE>RU")
                    .hs("8429.52")
                    .codes(&["3A001"])
            ),
            []
        );
        // A US-only ECCN does not keep a listed line from Art. 3k.
        assert_eq!(
            outcomes(
                Doc::new("2024-06-03", "DE>RU")
                    .hs("8429.52")
                    .codes(&["EAR99"])
            ),
            [(Outcome::Deny, vec![1])]
        );
    }

    #[test]
    fn belarus_is_reviewed_by_kind_and_cited_as_unverified() {
        let f = run(Doc::new("2024-06-03", "DE>BY").hs("2804.61"));
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].get_legal_basis().contains("not verified"),
            "{}",
            f[0].get_legal_basis()
        );
        assert!(f[0].message().contains("chemicals"));
    }

    #[test]
    fn after_25_february_2025_lines_outside_the_annex_chapters_get_nothing() {
        assert_eq!(outcomes(Doc::new("2025-03-03", "DE>RU").hs("9701.21")), []);
        assert_eq!(outcomes(Doc::new("2024-03-03", "DE>RU").hs("4901.99")), []);
    }
}
