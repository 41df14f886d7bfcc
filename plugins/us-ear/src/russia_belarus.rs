//! 15 CFR 746.8: sanctions against Russia and Belarus.
//!
//! A licence is required to export, reexport or transfer to or within Russia or Belarus any
//! item subject to the EAR that is on the Commerce Control List, whatever its ECCN, and
//! applications are reviewed under a policy of denial. For EAR99 items a licence is
//! required when their HTS-6 code is listed in Supplements No. 2, 4, 5 or 6 to part 746;
//! those tables are not available as data, so EAR99 lines are reported for review (or, by
//! setting, as requiring a licence, or not at all) and the metadata says so.
//!
//! Dates: Russia from 24 Feb 2022 (87 FR 12226) and Belarus from 2 Mar 2022 (87 FR 13048)
//! for CCL categories 3–9; every category from 8 Apr 2022 (87 FR 22130); consolidated into
//! 746.8 on 12 Jun 2024 (89 FR 51644), which changes only the citation.

use crate::ccl::{ccl_codes, item};
use crate::de_minimis::{self, Basis};
use crate::destination::{Destination, destinations};
use crate::sanctioned_destinations::in_force;
use crate::settings::Ear99Treatment;
use crate::text;
use exportctl_sdk::{ControlCode, Date, Finding, Line, Rule, Shipment};

/// Items subject to the EAR bound for Russia or Belarus.
pub const RUSSIA_BELARUS: Rule = Rule::new(
    "us-ear-russia-belarus",
    "15 CFR 746.8 (sanctions against Russia and Belarus)",
)
.describe("items subject to the EAR bound for Russia or Belarus");

/// 87 FR 22130, in force 8 Apr 2022: every CCL category (0–2 added).
pub const ALL_CATEGORIES_FROM: Date = Date::ymd(2022, 4, 8);
/// 89 FR 51644, 12 Jun 2024: all Russia/Belarus sanctions consolidated in 746.8.
pub const CONSOLIDATED_FROM: Date = Date::ymd(2024, 6, 12);

/// The findings of 746.8 for each destination in Russia or Belarus: one for the CCL lines
/// (licence required), one for the EAR99 and unclassified lines (review, or as set).
pub fn check(shipment: &Shipment, ear99: Ear99Treatment) -> Vec<Finding> {
    let mut findings = Vec::new();
    for destination in destinations(shipment) {
        let Some(name) = in_force(destination.country, shipment.as_of()) else {
            continue;
        };
        let mut ccl = Lines::default();
        let mut ear99_lines = Lines::default();
        let mut unclassified = Lines::default();
        for line in &shipment.lines() {
            if shipment.licence_covers("US", line.number()) {
                continue;
            }
            let Some(basis) = de_minimis::subject(shipment, &line, destination.country) else {
                continue;
            };
            let mut on_ccl = false;
            let mut categories_3_to_9 = false;
            for (code, _) in ccl_codes(&line) {
                on_ccl = true;
                categories_3_to_9 |= code.category >= 3;
            }
            if on_ccl {
                if shipment.as_of() >= ALL_CATEGORIES_FROM || categories_3_to_9 {
                    ccl.0.push((line, basis));
                }
            } else if line.control_codes().contains(&ControlCode::Ear99) {
                ear99_lines.0.push((line, basis));
            } else {
                unclassified.0.push((line, basis));
            }
        }
        if !ccl.is_empty() {
            findings.push(ccl_finding(shipment.as_of(), &destination, name, &ccl));
        }
        if let Some(f) = ear99_finding(
            shipment.as_of(),
            &destination,
            name,
            &ear99_lines,
            &unclassified,
            ear99,
        ) {
            findings.push(f);
        }
    }
    findings
}

fn ccl_finding(as_of: Date, destination: &Destination, name: &str, lines: &Lines<'_>) -> Finding {
    let scope = if as_of < ALL_CATEGORIES_FROM {
        "every item in CCL categories 3 to 9 (categories 0 to 2 follow on 8 Apr 2022)"
    } else {
        "every item on the CCL"
    };
    let message = format!(
        "items on the CCL to {destination}: {}: a licence is required for {scope} to {name} \
         (15 CFR 746.8(a)(1)); applications are reviewed under a policy of denial (15 CFR 746.8(b))",
        lines.describe()
    );
    RUSSIA_BELARUS
        .licence_required(text::fit(message))
        .lines(lines.numbers())
        .legal_basis(ccl_basis(as_of, name))
}

fn ccl_basis(as_of: Date, name: &str) -> String {
    if as_of >= CONSOLIDATED_FROM {
        "15 CFR 746.8(a)(1) and (b), as consolidated on 12 Jun 2024 (89 FR 51644)".to_owned()
    } else {
        let first = if name == "Russia" {
            "87 FR 12226, in force 24 Feb 2022"
        } else {
            "87 FR 13048, in force 2 Mar 2022"
        };
        let all = if as_of >= ALL_CATEGORIES_FROM {
            "; all CCL categories from 8 Apr 2022, 87 FR 22130"
        } else {
            "; CCL categories 3 to 9 until 87 FR 22130 of 8 Apr 2022"
        };
        format!("15 CFR 746.8(a)(1) and (b) ({first}{all})")
    }
}

fn ear99_finding(
    as_of: Date,
    destination: &Destination,
    name: &str,
    ear99: &Lines<'_>,
    unclassified: &Lines<'_>,
    treatment: Ear99Treatment,
) -> Option<Finding> {
    let mut parts = Vec::new();
    let mut numbers = Vec::new();
    let supplements = "a licence is required if the HTS-6 subheading is listed in Supplement No. 2, 4, 5 \
                       or 6 to part 746 (15 CFR 746.8(a)); those tables are not encoded in this policy";
    if !ear99.is_empty() && treatment != Ear99Treatment::Ignore {
        let settled = if treatment == Ear99Treatment::LicenceRequired {
            ", and the settings treat every EAR99 line as requiring a licence"
        } else {
            ": check the codes against the supplements"
        };
        parts.push(format!(
            "EAR99 items to {destination}: {}: {supplements}{settled}",
            ear99.describe()
        ));
        numbers.extend(ear99.numbers());
    }
    if !unclassified.is_empty() {
        parts.push(format!(
            "unclassified items to {destination}: {}: a licence is required for every item on the CCL to {name}, \
             and for EAR99 items as the supplements to part 746 list them: classify the items",
            unclassified.describe()
        ));
        numbers.extend(unclassified.numbers());
    }
    if parts.is_empty() {
        return None;
    }
    numbers.sort_unstable();
    let message = text::fit(parts.join("; "));
    let basis = if as_of >= CONSOLIDATED_FROM {
        "15 CFR 746.8(a) and Supplements No. 2, 4, 5 and 6 to part 746, as consolidated on 12 Jun 2024 (89 FR 51644)"
    } else {
        "15 CFR part 746 and its HTS-based supplements for Russia/Belarus (consolidated into 746.8 on 12 Jun 2024)"
    };
    let finding = if treatment == Ear99Treatment::LicenceRequired {
        RUSSIA_BELARUS.licence_required(message)
    } else {
        RUSSIA_BELARUS.review(message)
    };
    Some(finding.lines(numbers).legal_basis(basis))
}

/// Lines collected for one finding, each with why it is subject to the EAR.
#[derive(Default)]
struct Lines<'a>(Vec<(Line<'a>, Basis)>);

impl Lines<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn numbers(&self) -> Vec<u32> {
        self.0.iter().map(|(l, _)| l.number()).collect()
    }

    /// `line 1 (ECCN 5A002.a; exporter in the United States), line 3 (…)`, the first ten.
    fn describe(&self) -> String {
        let shown = self
            .0
            .iter()
            .map(|(l, basis)| format!("line {} ({}; {basis})", l.number(), item(l)));
        text::items(shown, self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment(), Ear99Treatment::Review)
    }

    #[test]
    fn every_ccl_item_to_russia_needs_a_licence_under_a_policy_of_denial() {
        let f = run(Doc::us("2024-07-01", "RU", &["3A991.a"]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert_eq!(f[0].rule(), "us-ear-russia-belarus");
        assert_eq!(f[0].get_lines(), [1]);
        assert_eq!(
            f[0].message(),
            "items on the CCL to RU: line 1 (ECCN 3A991.a; exporter in the United States): a licence is \
             required for every item on the CCL to Russia (15 CFR 746.8(a)(1)); applications are reviewed \
             under a policy of denial (15 CFR 746.8(b))"
        );
        assert!(
            f[0].get_legal_basis().contains("89 FR 51644"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn ear99_lines_are_reviewed_because_the_supplements_are_not_encoded() {
        let f = run(Doc::us("2024-06-03", "BY", &["EAR99"]).line_hs(1, "8471.30"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert!(
            f[0].message()
                .starts_with("EAR99 items to BY: line 1 (EAR99, HTS 8471.30;"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message()
                .contains("Supplement No. 2, 4, 5 or 6 to part 746")
        );
    }

    #[test]
    fn the_ear99_setting_decides_their_outcome() {
        let s = Doc::us("2024-06-03", "RU", &["EAR99"]).shipment();
        let f = check(&s, Ear99Treatment::LicenceRequired);
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert!(f[0].message().contains("settings treat every EAR99 line"));
        assert!(check(&s, Ear99Treatment::Ignore).is_empty());
    }

    #[test]
    fn unclassified_lines_are_reviewed_whatever_the_ear99_setting() {
        let s = Doc::us("2024-06-03", "RU", &[])
            .line(2, &["3A777"])
            .shipment();
        let f = check(&s, Ear99Treatment::Ignore);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcome(), Outcome::Review);
        assert_eq!(f[0].get_lines(), [1, 2]);
        assert!(
            f[0].message()
                .contains("line 1 (unclassified, HTS 8542.31;"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].message().contains("line 2 (3A777 not on the CCL"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn russia_from_24_february_2022_belarus_from_2_march_2022() {
        assert!(run(Doc::us("2022-02-23", "RU", &["5A002.a"])).is_empty());
        assert_eq!(run(Doc::us("2022-02-24", "RU", &["5A002.a"])).len(), 1);
        assert!(run(Doc::us("2022-03-01", "BY", &["5A002.a"])).is_empty());
        let f = run(Doc::us("2022-03-02", "BY", &["5A002.a"]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].get_legal_basis().contains("87 FR 13048"),
            "{}",
            f[0].get_legal_basis()
        );
    }

    #[test]
    fn categories_0_to_2_from_8_april_2022() {
        assert!(run(Doc::us("2022-04-07", "RU", &["2B999.a"])).is_empty());
        let f = run(Doc::us("2022-04-08", "RU", &["2B999.a"]));
        assert_eq!(f.len(), 1);
        assert!(f[0].get_legal_basis().contains("87 FR 22130"));
        let f = run(Doc::us("2022-04-07", "RU", &["3A991.a"]));
        assert!(
            f[0].message().contains("categories 3 to 9"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn the_citation_follows_the_consolidation_of_12_june_2024() {
        let before = run(Doc::us("2024-06-11", "RU", &["5A002.a"]));
        assert!(
            before[0].get_legal_basis().contains("87 FR 12226"),
            "{}",
            before[0].get_legal_basis()
        );
        let after = run(Doc::us("2024-06-12", "RU", &["5A002.a"]));
        assert!(
            after[0].get_legal_basis().contains("89 FR 51644"),
            "{}",
            after[0].get_legal_basis()
        );
    }

    #[test]
    fn an_end_user_in_russia_behind_a_third_country_counts() {
        let f = run(Doc::us("2024-06-03", "KZ", &["5A002.a"]).end_user("RU"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message()
                .starts_with("items on the CCL to RU (end_user)"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn a_us_licence_for_the_line_clears_it_and_others_do_not() {
        assert!(
            run(Doc::us("2024-06-03", "RU", &["5A002.a"]).licence("US", Some(&[1]), None))
                .is_empty()
        );
        for doc in [
            Doc::us("2024-06-03", "RU", &["5A002.a"]).licence("EU", None, None),
            Doc::us("2024-06-03", "RU", &["5A002.a"]).licence("US", None, Some("2024-06-02")),
            Doc::us("2024-06-03", "RU", &["5A002.a"])
                .line(2, &["5A002.a"])
                .licence("US", Some(&[2]), None),
        ] {
            assert_eq!(run(doc)[0].get_lines(), [1]);
        }
    }

    #[test]
    fn long_shipments_name_every_line_but_spell_out_ten() {
        let mut doc = Doc::us("2024-07-01", "RU", &["5A002.a"]);
        for n in 2..=500 {
            doc = doc.line(n, &["5A002.a"]);
        }
        let f = run(doc);
        assert_eq!(f[0].get_lines().len(), 500);
        assert!(
            f[0].message()
                .contains("line 10 (ECCN 5A002.a; exporter in the United States) and 490 more:"),
            "{}",
            f[0].message()
        );
        assert!(f[0].message().len() < crate::text::MAX_MESSAGE_BYTES);
    }

    #[test]
    fn foreign_items_below_de_minimis_are_not_subject() {
        let doc = Doc::new("2024-06-03", "DE", "RU", &["5A002.a"]).us_content(1, "25");
        assert!(run(doc).is_empty());
        let doc = Doc::new("2024-06-03", "DE", "RU", &["5A002.a"]).us_content(1, "26");
        let f = run(doc);
        assert!(
            f[0].message()
                .contains("US content 26 % above the de minimis level of 25 %"),
            "{}",
            f[0].message()
        );
    }
}
