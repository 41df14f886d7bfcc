//! The embargoed destinations of part 746 whose Country Chart rows carry no marks: Cuba
//! (746.2), Iran (746.7), North Korea (746.4, 742.19) and Syria (746.9).
//!
//! - Cuba and Iran: a licence for every item subject to the EAR.
//! - North Korea: a licence for every item subject to the EAR except food and medicine
//!   designated EAR99. Whether an EAR99 line is food or medicine is not in the document;
//!   lines in HS chapters 01–22 (foodstuffs, beverages) or 30 (pharmaceutical products) are
//!   reported for review instead of as requiring a licence.
//! - Syria: a licence for every item subject to the EAR until the rule of 2 Sep 2025; from
//!   that day EAR99 items may go under License Exception SPP, whose conditions are not
//!   evaluated, so EAR99 lines are reported for review and items on the CCL still require a
//!   licence.
//!
//! Applications are generally reviewed under a policy of denial. The de minimis level for
//! these destinations (Country Groups E:1/E:2) is 10 %.

use crate::ccl::{Classification, item};
use crate::de_minimis::{self, Basis};
use crate::destination::destinations;
use crate::text;
use exportctl_sdk::{Country, Date, Finding, Line, Rule, Shipment};

/// Items subject to the EAR bound for an embargoed destination.
pub const EMBARGO: Rule = Rule::new(
    "us-ear-embargo",
    "15 CFR part 746: 746.1 and 746.2 (Cuba), 746.4 and 742.19 (North Korea), 746.7 (Iran), \
     746.9 (Syria)",
)
.describe("items subject to the EAR bound for Cuba, Iran, North Korea or Syria");

/// The rule of 2 Sep 2025 that relaxed the Syria controls (License Exception SPP for EAR99
/// items).
pub const SYRIA_RELAXED: Date = Date::ymd(2025, 9, 2);

/// An embargoed destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embargoed {
    /// Cuba (Country Group E:2).
    Cuba,
    /// Iran (E:1).
    Iran,
    /// North Korea (E:1).
    NorthKorea,
    /// Syria (E:1).
    Syria,
}

impl Embargoed {
    /// The embargo `country` is under, if any.
    pub fn of(country: Country) -> Option<Embargoed> {
        match country.as_str() {
            "CU" => Some(Embargoed::Cuba),
            "IR" => Some(Embargoed::Iran),
            "KP" => Some(Embargoed::NorthKorea),
            "SY" => Some(Embargoed::Syria),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Embargoed::Cuba => "Cuba",
            Embargoed::Iran => "Iran",
            Embargoed::NorthKorea => "North Korea",
            Embargoed::Syria => "Syria",
        }
    }
}

/// Whether a line's HS chapter suggests food (01–22) or medicine (30): the goods the
/// North Korea and Crimea controls exempt when they are EAR99.
pub fn food_or_medicine(line: &Line) -> bool {
    matches!(line.hs_code().chapter().parse::<u8>(), Ok(1..=22 | 30))
}

/// What a line gets under an embargo.
enum Treatment {
    Licence,
    Review(&'static str),
}

fn treatment(embargo: Embargoed, line: &Line, class: &Classification, as_of: Date) -> Treatment {
    let unlisted = !class.is_ccl();
    match embargo {
        Embargoed::Cuba | Embargoed::Iran => Treatment::Licence,
        Embargoed::NorthKorea if unlisted && food_or_medicine(line) => Treatment::Review(
            "may be food or medicine designated EAR99, which 15 CFR 746.4(a) exempts from the licence requirement: confirm",
        ),
        Embargoed::NorthKorea => Treatment::Licence,
        Embargoed::Syria if as_of >= SYRIA_RELAXED && unlisted && class.ear99 => Treatment::Review(
            "since 2 Sep 2025 License Exception SPP may authorise EAR99 items to Syria; its conditions are not evaluated: confirm",
        ),
        Embargoed::Syria => Treatment::Licence,
    }
}

/// One finding per embargoed destination for the lines that require a licence, and one
/// for the lines to review.
pub fn check(shipment: &Shipment) -> Vec<Finding> {
    let mut findings = Vec::new();
    for destination in destinations(shipment) {
        let Some(embargo) = Embargoed::of(destination.country) else {
            continue;
        };
        let mut licence: Vec<(Line, Basis)> = Vec::new();
        let mut review: Vec<(&'static str, Vec<(Line, Basis)>)> = Vec::new();
        for line in &shipment.lines() {
            if shipment.licence_covers("US", line.number()) {
                continue;
            }
            let Some(basis) = de_minimis::subject(shipment, &line, destination.country) else {
                continue;
            };
            let class = Classification::of(line);
            match treatment(embargo, &line, &class, shipment.as_of()) {
                Treatment::Licence => licence.push((line, basis)),
                Treatment::Review(why) => match review.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, lines)) => lines.push((line, basis)),
                    None => review.push((why, vec![(line, basis)])),
                },
            }
        }
        let as_of = shipment.as_of();
        if !licence.is_empty() {
            let message = format!(
                "to {destination}: {}: {}",
                describe(&licence),
                requirement(embargo, as_of)
            );
            findings.push(
                EMBARGO
                    .licence_required(text::fit(message))
                    .lines(licence.iter().map(|(l, _)| l.number()))
                    .legal_basis(basis(embargo, as_of)),
            );
        }
        if !review.is_empty() {
            let parts: Vec<String> = review
                .iter()
                .map(|(why, lines)| format!("{}: {why}", describe(lines)))
                .collect();
            let mut numbers: Vec<u32> = review
                .iter()
                .flat_map(|(_, lines)| lines.iter().map(|(l, _)| l.number()))
                .collect();
            numbers.sort_unstable();
            let message = format!("to {destination}: {}", parts.join("; "));
            findings.push(
                EMBARGO
                    .review(text::fit(message))
                    .lines(numbers)
                    .legal_basis(basis(embargo, as_of)),
            );
        }
    }
    findings
}

/// `line 1 (EAR99, HTS 8471.30; exporter in the United States), …`, the first ten.
fn describe(lines: &[(Line, Basis)]) -> String {
    let shown = lines
        .iter()
        .map(|(l, basis)| format!("line {} ({}; {basis})", l.number(), item(l)));
    text::items(shown, lines.len())
}

fn requirement(embargo: Embargoed, as_of: Date) -> String {
    let name = embargo.name();
    match embargo {
        Embargoed::Cuba => format!(
            "{name} is under a comprehensive embargo: a licence is required for every item subject to the EAR \
             (15 CFR 746.2); applications are generally reviewed under a policy of denial"
        ),
        Embargoed::Iran => format!(
            "{name} is under a comprehensive embargo: a licence is required for every item subject to the EAR \
             (15 CFR 746.7); applications are generally reviewed under a policy of denial"
        ),
        Embargoed::NorthKorea => format!(
            "a licence is required for every item subject to the EAR to {name} except food and medicine \
             designated EAR99 (15 CFR 746.4(a), 742.19); applications are generally reviewed under a policy of denial"
        ),
        Embargoed::Syria if as_of >= SYRIA_RELAXED => format!(
            "a licence is required for items on the CCL to {name} (15 CFR 746.9 as amended on 2 Sep 2025)"
        ),
        Embargoed::Syria => format!(
            "a licence is required for every item subject to the EAR to {name} (15 CFR 746.9, before the \
             relaxation of 2 Sep 2025); applications are generally reviewed under a policy of denial"
        ),
    }
}

fn basis(embargo: Embargoed, as_of: Date) -> &'static str {
    match embargo {
        Embargoed::Cuba => "15 CFR 746.1 and 746.2 (Cuba); Country Chart row \"See part 746\"",
        Embargoed::Iran => "15 CFR 746.1 and 746.7 (Iran); Country Chart row \"See part 746\"",
        Embargoed::NorthKorea => "15 CFR 746.4 and 742.19 (North Korea)",
        Embargoed::Syria if as_of >= SYRIA_RELAXED => {
            "15 CFR 746.9 (Syria), as relaxed on 2 Sep 2025 (License Exception SPP for EAR99 items)"
        }
        Embargoed::Syria => "15 CFR 746.9 (Syria), before the relaxation of 2 Sep 2025",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment())
    }

    fn outcomes(f: &[Finding]) -> Vec<(Outcome, Vec<u32>)> {
        f.iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect()
    }

    #[test]
    fn cuba_and_iran_need_a_licence_for_everything_subject_to_the_ear() {
        for dest in ["CU", "IR"] {
            let f = run(Doc::us("2024-06-03", dest, &["EAR99"]).line(2, &["3A991.a"]));
            assert_eq!(
                outcomes(&f),
                [(Outcome::LicenceRequired, vec![1, 2])],
                "{dest}"
            );
            assert!(
                f[0].message().contains("comprehensive embargo"),
                "{}",
                f[0].message()
            );
            assert!(f[0].message().contains("policy of denial"));
        }
    }

    #[test]
    fn north_korea_exempts_ear99_food_and_medicine_so_those_are_reviewed() {
        let doc = Doc::us("2024-06-03", "KP", &["EAR99"])
            .line_hs(1, "1006.30")
            .line(2, &["EAR99"])
            .line_hs(2, "3004.90")
            .line(3, &["EAR99"])
            .line_hs(3, "8471.30")
            .line(4, &["3A991.a"])
            .line_hs(4, "1006.30");
        let f = run(doc);
        assert_eq!(
            outcomes(&f),
            [
                (Outcome::LicenceRequired, vec![3, 4]),
                (Outcome::Review, vec![1, 2])
            ]
        );
        assert!(
            f[1].message().contains("746.4(a) exempts"),
            "{}",
            f[1].message()
        );
    }

    #[test]
    fn syria_before_and_after_2_september_2025() {
        let doc = |date| Doc::us(date, "SY", &["EAR99"]).line(2, &["5A992.c"]);
        assert_eq!(
            outcomes(&run(doc("2025-09-01"))),
            [(Outcome::LicenceRequired, vec![1, 2])]
        );
        let after = run(doc("2025-09-02"));
        assert_eq!(
            outcomes(&after),
            [
                (Outcome::LicenceRequired, vec![2]),
                (Outcome::Review, vec![1])
            ]
        );
        assert!(after[1].message().contains("License Exception SPP"));
        assert!(after[0].get_legal_basis().contains("2 Sep 2025"));
    }

    #[test]
    fn de_minimis_is_10_percent_for_embargoed_destinations() {
        let doc = |pct| Doc::new("2024-06-03", "DE", "IR", &["EAR99"]).us_content(1, pct);
        assert!(run(doc("10")).is_empty());
        assert_eq!(run(doc("10.01")).len(), 1);
    }

    #[test]
    fn an_end_user_in_iran_behind_the_uae() {
        let f = run(Doc::us("2024-06-03", "AE", &["EAR99"]).end_user("IR"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message().starts_with("to IR (end_user)"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn a_us_licence_clears_the_line() {
        let f = run(Doc::us("2024-06-03", "CU", &["EAR99"])
            .line(2, &["EAR99"])
            .licence("US", Some(&[1]), None));
        assert_eq!(outcomes(&f), [(Outcome::LicenceRequired, vec![2])]);
    }

    #[test]
    fn food_and_medicine_chapters() {
        let line = |hs: &str| {
            let shipment = Doc::us("2024-06-03", "KP", &["EAR99"])
                .line_hs(1, hs)
                .shipment();
            shipment
                .lines()
                .first()
                .is_some_and(|l| food_or_medicine(&l))
        };
        assert!(line("0101.21"));
        assert!(line("2204.21"));
        assert!(line("3004.90"));
        assert!(!line("2402.20"), "tobacco is not food");
        assert!(!line("8471.30"));
    }
}
