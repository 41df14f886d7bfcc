//! What the Country Chart procedure cannot decide (738.4(a)(1)–(2), 738.3(b)), reported for
//! review rather than passed as "no licence required".
//!
//! For a line subject to the EAR that no other rule already requires a licence for:
//!
//! - an ECCN-shaped code that is not on the CCL (a typo, or an EU-only entry);
//! - a CCL entry the CCL itself says is subject to the ITAR, a short-supply entry (part
//!   754), or an entry the data gives no licence-requirement rows for;
//! - a reason the entry's heading names without a row (anti-terrorism excepted: no graded
//!   Country Chart row has an AT mark, so AT decides nothing outside the embargoed
//!   destinations, which the embargo rule judges);
//! - a row that refers to another section (742.15 encryption, 742.18 CWC, 742.14
//!   significant items, …) and covers the line's paragraph;
//! - a UN row (746.1(b)) when the destination's Chart row carries footnote 1;
//! - a destination with no Country Chart row and none the EAR names for it: the Chart's
//!   notes say such a destination is indeterminate, never unrestricted.

use crate::ccl::{Covers, Entry, EntryKind, LIST_VERSION, Reason, Target, covers, entry, show};
use crate::country_chart::{self, ChartRow, FOOTNOTE_UN};
use crate::de_minimis;
use crate::destination::destinations;
use crate::licence_determination::cfr;
use crate::text;
use exportctl_sdk::{ControlCode, Finding, ListedCode, ProductGroup, Rule, Shipment};
use std::collections::{BTreeMap, BTreeSet};

/// Licence requirements the policy cannot determine.
pub const NOT_DETERMINED: Rule = Rule::new(
    "us-ear-not-determined",
    "15 CFR 738.4(a)(1) and (2), 738.3(b): licence requirements the Commerce Country Chart \
     does not determine",
)
.describe("a licence requirement the Commerce Country Chart does not determine");

/// An open point of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Point {
    NotOnCcl,
    Itar,
    ShortSupply,
    NoRows,
    Unrowed,
    Referred(usize),
    Un(usize),
    NoChartRow,
}

/// ECCN (category, product group, number, paragraph), open point, coverage.
type Key<'a> = (u8, ProductGroup, u16, &'a str, Point, Covers);

/// Lines with the same open point on the same code share one item of the message.
struct Group<'a> {
    code: &'a ListedCode,
    entry: Option<&'static Entry>,
    point: Point,
    covers: Covers,
    lines: Vec<u32>,
}

/// One review finding per destination listing every open point of the lines that no
/// finding in `decided` already requires a licence for. The message spells out the first
/// [`text::MAX_ITEMS`] kinds of open point and counts the rest; the finding names every
/// line.
pub fn check(shipment: &Shipment, decided: &BTreeSet<u32>) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Each line's listed codes, read once: the open points borrow them.
    let listed: Vec<Vec<ListedCode>> = shipment.lines().map(|line| listed_codes(&line)).collect();
    let mut points: Vec<(&ListedCode, Option<&'static Entry>, Point, Covers)> = Vec::new();
    for destination in destinations(shipment) {
        let chart = country_chart::lookup(destination.country);
        if matches!(chart, ChartRow::Domestic | ChartRow::Embargoed { .. }) {
            // Not an export, or judged in full by the embargo rule.
            continue;
        }
        let footnote_un =
            matches!(chart, ChartRow::Graded { row, .. } if row.footnotes.contains(&FOOTNOTE_UN));
        let mut groups: Vec<Group<'_>> = Vec::new();
        let mut index: BTreeMap<Key<'_>, usize> = BTreeMap::new();
        let mut others: Vec<u32> = Vec::new();
        let mut other_points = 0usize;
        for (line, codes) in shipment.lines().zip(&listed) {
            if decided.contains(&line.number()) || shipment.licence_covers("US", line.number()) {
                continue;
            }
            if de_minimis::subject(shipment, &line, destination.country).is_none() {
                continue;
            }
            points.clear();
            for code in codes {
                match entry(code) {
                    None => points.push((code, None, Point::NotOnCcl, Covers::Yes)),
                    Some(entry) => open_points(code, entry, chart, footnote_un, &mut points),
                }
            }
            for (code, entry, point, covers) in points.drain(..) {
                let key = (
                    code.category,
                    code.group,
                    code.number,
                    code.paragraph.as_str(),
                    point,
                    covers,
                );
                let room = groups.len() < text::MAX_ITEMS;
                match index.get(&key).and_then(|&i| groups.get_mut(i)) {
                    Some(group) => {
                        if group.lines.last() != Some(&line.number()) {
                            group.lines.push(line.number());
                        }
                    }
                    None if room => {
                        index.insert(key, groups.len());
                        groups.push(Group {
                            code,
                            entry,
                            point,
                            covers,
                            lines: vec![line.number()],
                        });
                    }
                    // Beyond what the message spells out only the line counts.
                    None => {
                        other_points += 1;
                        others.push(line.number());
                    }
                }
            }
        }
        if groups.is_empty() {
            continue;
        }
        let mut numbers: Vec<u32> = groups
            .iter()
            .flat_map(|g| g.lines.iter().copied())
            .chain(others.iter().copied())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let place = destination.to_string();
        let shown: Vec<String> = groups.iter().map(|g| describe(g, &place)).collect();
        let mut message = format!("not determined for {destination}: {}", shown.join("; "));
        if other_points > 0 {
            others.sort_unstable();
            others.dedup();
            message.push_str(&format!(
                "; and {other_points} further open points on {}",
                text::lines(&others)
            ));
        }
        findings.push(NOT_DETERMINED.review(text::fit(message)).lines(numbers));
    }
    findings
}

/// The open points of one ECCN on the CCL, appended to `points`.
fn open_points<'a>(
    code: &'a ListedCode,
    entry: &'static Entry,
    chart: ChartRow,
    footnote_un: bool,
    points: &mut Vec<(&'a ListedCode, Option<&'static Entry>, Point, Covers)>,
) {
    let kind_point = match entry.kind {
        EntryKind::Itar => Some(Point::Itar),
        EntryKind::ShortSupply => Some(Point::ShortSupply),
        // An entry whose only reason is AT decides nothing outside the embargoes.
        EntryKind::NoRows
            if !entry.unrowed.is_empty() && entry.unrowed.iter().all(|r| *r == Reason::At) =>
        {
            None
        }
        EntryKind::NoRows => Some(Point::NoRows),
        EntryKind::Listed => None,
    };
    if let Some(point) = kind_point {
        points.push((code, Some(entry), point, Covers::Yes));
    }
    if entry.kind == EntryKind::Listed && entry.unrowed.iter().any(|r| *r != Reason::At) {
        points.push((code, Some(entry), Point::Unrowed, Covers::Yes));
    }
    let mut uses_chart = false;
    for (i, control) in entry.controls.iter().enumerate() {
        let covers = covers(control.scope, code);
        if covers == Covers::No {
            continue;
        }
        match control.target {
            Target::Column(_) => uses_chart = true,
            Target::Referred => points.push((code, Some(entry), Point::Referred(i), covers)),
            Target::UnSanctions if footnote_un => {
                points.push((code, Some(entry), Point::Un(i), covers));
            }
            _ => {}
        }
    }
    if uses_chart && chart == ChartRow::Missing {
        points.push((code, Some(entry), Point::NoChartRow, Covers::Yes));
    }
}

/// `line 1: ECCN 5A002.a, reason EI: the CCL refers to 15 CFR 742.15, …`.
fn describe(group: &Group<'_>, destination: &str) -> String {
    let lines = text::lines(&group.lines);
    let eccn = show(group.code);
    let control = |i: usize| group.entry.and_then(|e| e.controls.get(i));
    let may = if group.covers == Covers::Yes {
        ""
    } else {
        " (if the row covers the item)"
    };
    let point = match group.point {
        Point::NotOnCcl => {
            format!("{eccn} is not on the CCL ({LIST_VERSION}): check the classification")
        }
        Point::Itar => format!(
            "ECCN {eccn}: the CCL says these items are subject to the ITAR (22 CFR parts 120-130), \
             which this policy does not evaluate"
        ),
        Point::ShortSupply => {
            format!("ECCN {eccn}: short-supply controls (15 CFR part 754) are not encoded")
        }
        Point::NoRows => {
            format!("ECCN {eccn}: the CCL data gives no licence-requirement rows for this entry")
        }
        Point::Unrowed => {
            let reasons: Vec<&str> = group
                .entry
                .map(|e| e.unrowed)
                .unwrap_or_default()
                .iter()
                .filter(|r| **r != Reason::At)
                .map(Reason::code)
                .collect();
            format!(
                "ECCN {eccn}: reason {} has no licence-requirement row in the CCL data",
                reasons.join(", ")
            )
        }
        Point::Referred(i) => {
            let (reason, cite) = control(i).map_or(("", ""), |c| (c.reason.code(), c.cite));
            let refers = if cite.starts_with('§') {
                format!("the CCL refers to {}", cfr(cite))
            } else {
                format!("the CCL row reads \"{cite}\"")
            };
            format!(
                "ECCN {eccn}, reason {reason}{may}: {refers}, which this policy does not encode"
            )
        }
        Point::Un(_) => format!(
            "ECCN {eccn}, reason UN{may}: UN Security Council controls apply to {destination} \
             (Country Chart footnote 1, 15 CFR 746.1(b)), which this policy does not encode"
        ),
        Point::NoChartRow => format!(
            "ECCN {eccn}: {destination} has no Country Chart row and the EAR names none for it \
             (738.3(b)): the licence requirement is indeterminate"
        ),
    };
    format!("{lines}: {point}")
}

/// The line's US ECCNs and EU Annex I entries (the listed codes), as given.
fn listed_codes(line: &exportctl_sdk::Line<'_>) -> Vec<ListedCode> {
    line.control_codes()
        .filter_map(|code| match code {
            ControlCode::Listed(listed) => Some(listed),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment(), &BTreeSet::new())
    }

    fn message(doc: Doc) -> String {
        let f = run(doc);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].outcome(), Outcome::Review);
        f[0].message().to_owned()
    }

    #[test]
    fn encryption_is_referred_to_742_15() {
        let m = message(Doc::us("2024-06-03", "CA", &["5A002.a"]));
        assert_eq!(
            m,
            "not determined for CA: line 1: ECCN 5A002.a, reason EI: the CCL refers to 15 CFR 742.15, \
             which this policy does not encode"
        );
    }

    #[test]
    fn lines_with_the_same_open_point_share_an_item() {
        let m = message(
            Doc::us("2024-06-03", "CA", &["5A002.a"])
                .line(2, &["5A002.a"])
                .line(3, &["3A777"]),
        );
        assert!(
            m.starts_with("not determined for CA: lines 1, 2: ECCN 5A002.a, reason EI"),
            "{m}"
        );
        assert!(m.ends_with("; line 3: 3A777 is not on the CCL (eCFR issue of 2026-07-23): check the classification"), "{m}");
    }

    #[test]
    fn lines_already_requiring_a_licence_are_left_out() {
        let s = Doc::us("2024-06-03", "CN", &["5A002.a"]).shipment();
        assert!(check(&s, &BTreeSet::from([1])).is_empty());
    }

    #[test]
    fn codes_not_on_the_ccl_and_itar_entries() {
        let m = message(Doc::us("2024-06-03", "DE", &["3A777"]).line(2, &["9A005"]));
        assert!(
            m.contains("line 1: 3A777 is not on the CCL (eCFR issue of 2026-07-23)"),
            "{m}"
        );
        assert!(
            m.contains("line 2: ECCN 9A005: the CCL says these items are subject to the ITAR"),
            "{m}"
        );
    }

    #[test]
    fn un_controls_only_where_the_chart_row_has_footnote_1() {
        let m = message(Doc::us("2024-06-03", "LY", &["0A606.a"]));
        assert!(
            m.contains("reason UN: UN Security Council controls apply to LY"),
            "{m}"
        );
        assert!(run(Doc::us("2024-06-03", "CA", &["9A991.a"])).is_empty());
    }

    #[test]
    fn destinations_without_a_row_are_indeterminate() {
        let m = message(Doc::us("2024-06-03", "GL", &["5A002.a"]));
        assert!(m.contains("GL has no Country Chart row"), "{m}");
    }

    #[test]
    fn anti_terrorism_only_entries_without_rows_are_not_open_points() {
        assert!(run(Doc::us("2024-06-03", "DE", &["2A994"])).is_empty());
        assert!(run(Doc::us("2024-06-03", "DE", &["3A991.a"])).is_empty());
    }

    #[test]
    fn embargoed_and_domestic_destinations_are_left_to_other_rules() {
        assert!(run(Doc::us("2024-06-03", "IR", &["3A777"])).is_empty());
        assert!(run(Doc::us("2024-06-03", "US", &["3A777"])).is_empty());
    }

    #[test]
    fn lines_not_subject_to_the_ear_are_left_out() {
        assert!(run(Doc::new("2024-06-03", "DE", "CA", &["5A002.a"])).is_empty());
    }
}
