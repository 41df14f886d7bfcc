//! ICP §4.2 Restricted goods: goods the company does not ship without the export
//! control officer's sign-off, or not at all.
//!
//! The goods are listed by HS chapter, heading or subheading in the
//! `restricted_hs_headings` setting. A line matches through the first digits of its
//! HS code, so a national 8- or 10-digit code (`8526.91.20`, `8526 91 20 00`) matches
//! the heading `8526`. All matching lines are reported in one finding whose outcome is
//! the `restricted_outcome` setting (`review` or `deny`).

use crate::message;
use exportctl_sdk::settings::HsPatterns;
use exportctl_sdk::{Finding, Line, Outcome, Rule, Shipment};

/// ICP §4.2: goods on the company's restricted list.
pub const RESTRICTED_GOODS: Rule = Rule::new(
    "icp-4-2-restricted-goods",
    "ICP §4.2 Restricted goods (internal rule, rev. 2024-01)",
)
.describe("goods on the company's restricted list");

/// One finding naming every line whose HS code falls under a `restricted` pattern
/// (as [`Config`](crate::Config) holds them), with `outcome`; `None` when no line
/// does.
pub fn check(shipment: &Shipment, restricted: &HsPatterns, outcome: Outcome) -> Option<Finding> {
    let hits: Vec<(Line, &str)> = shipment
        .lines()
        .iter()
        .filter_map(|line| {
            restricted
                .most_specific(&line.hs_code())
                .map(|entry| (line, entry))
        })
        .collect();
    if hits.is_empty() {
        return None;
    }
    let described = message::list(&hits, |(line, entry)| {
        format!(
            "line {} ({}, {})",
            line.number(),
            line.hs_code(),
            level(entry)
        )
    });
    let consequence = if outcome == Outcome::Deny {
        "The company does not ship these goods (restricted_outcome = \"deny\")."
    } else {
        "The export control officer must sign off before release."
    };
    let message = format!("goods on the company's restricted list: {described}. {consequence}");
    Some(
        RESTRICTED_GOODS
            .finding(outcome, message)
            .lines(hits.iter().map(|(line, _)| line.number())),
    )
}

/// A pattern as a person reads it: `chapter 93`, `heading 8526`, `subheading 8542.31`.
fn level(pattern: &str) -> String {
    match (pattern.len(), pattern.get(..4), pattern.get(4..)) {
        (2, _, _) => format!("chapter {pattern}"),
        (4, _, _) => format!("heading {pattern}"),
        (6, Some(heading), Some(rest)) => format!("subheading {heading}.{rest}"),
        _ => format!("entry {pattern}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{line, shipment, with_lines};

    fn restricted(patterns: &[&str]) -> HsPatterns {
        let entries: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
        let mut problems = exportctl_sdk::settings::Problems::new();
        let list = HsPatterns::read("restricted_hs_headings", &entries, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        list
    }

    fn check_hs(hs_codes: &[&str], patterns: &[&str]) -> Option<Finding> {
        let lines: Vec<_> = hs_codes
            .iter()
            .zip(1..)
            .map(|(hs, n)| line(n, hs, "100.00", "EUR"))
            .collect();
        check(
            &shipment(with_lines(&lines)),
            &restricted(patterns),
            Outcome::Review,
        )
    }

    #[test]
    fn a_heading_matches_subheadings_and_national_codes_under_it() {
        for hs in ["8526.91", "8526.91.20", "8526 91 20 00", "852692"] {
            let f = check_hs(&[hs], &["8526"]).unwrap_or_else(|| panic!("{hs}"));
            assert_eq!(f.rule(), "icp-4-2-restricted-goods");
            assert_eq!(f.outcome(), Outcome::Review);
            assert_eq!(f.get_lines(), vec![1]);
            assert_eq!(
                f.get_legal_basis(),
                "ICP §4.2 Restricted goods (internal rule, rev. 2024-01)"
            );
        }
    }

    #[test]
    fn chapters_and_subheadings_match_only_what_they_cover() {
        assert!(check_hs(&["9306.30.10"], &["93"]).is_some());
        assert!(check_hs(&["8542.39"], &["854231"]).is_none());
        assert!(check_hs(&["8542.31.90"], &["854231"]).is_some());
        assert!(check_hs(&["8527.13"], &["8526"]).is_none());
        assert!(check_hs(&["9403.30"], &[]).is_none());
    }

    #[test]
    fn names_only_the_restricted_lines_with_their_most_specific_entry() {
        let f = check_hs(
            &["9403.30", "8526.91.20", "9306.30.10", "8542.31"],
            &["93", "8526", "85", "854231"],
        )
        .unwrap();
        assert_eq!(f.get_lines(), vec![2, 3, 4]);
        assert_eq!(
            f.message(),
            "goods on the company's restricted list: line 2 (8526.91.20, heading 8526), \
             line 3 (9306.30.10, chapter 93) and line 4 (8542.31, subheading 8542.31). \
             The export control officer must sign off before release."
        );
    }

    #[test]
    fn the_setting_can_deny_and_the_message_says_so() {
        let s = shipment(with_lines(&[line(1, "9306.30", "1.00", "EUR")]));
        let f = check(&s, &restricted(&["93"]), Outcome::Deny).unwrap();
        assert_eq!(f.outcome(), Outcome::Deny);
        assert!(
            f.message().ends_with(
                "The company does not ship these goods (restricted_outcome = \"deny\")."
            ),
            "{}",
            f.message()
        );
    }

    #[test]
    fn a_long_shipment_names_every_line_but_keeps_the_message_short() {
        let lines: Vec<_> = (1..=2000)
            .map(|n| line(n, "8526.91", "1.00", "EUR"))
            .collect();
        let f = check(
            &shipment(with_lines(&lines)),
            &restricted(&["8526"]),
            Outcome::Review,
        )
        .unwrap();
        assert_eq!(f.get_lines().len(), 2000);
        assert!(f.message().len() < 4096, "{} bytes", f.message().len());
        assert!(f.message().contains("and 1980 more"), "{}", f.message());
    }
}
