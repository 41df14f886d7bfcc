//! 15 CFR 738.4: licence determination from the ECCN and the destination.
//!
//! For every line subject to the EAR and every ECCN it carries, each licence-requirement
//! row of the ECCN is checked against the destination:
//!
//! - a row naming a Country Chart column (738.4(a)(2)): an X in that column of the
//!   destination's row means a licence is required ([`COUNTRY_CHART`]); footnotes 7 and 10
//!   of the Chart add requirements for named ECCNs that the grid does not show;
//! - a row stating its own destinations (738.4(a)(1)), such as "to or within Macau or a
//!   destination specified in Country Group D:5": a licence is required when the
//!   destination is among them ([`ECCN_DESTINATIONS`]).
//!
//! A row that covers only some paragraphs applies when the line's paragraph is among them,
//! at the precision the line gives: a row whose text confines it to some paragraphs (with a
//! condition, such as "except … for use in civil telecommunications applications") does not
//! apply to a line whose paragraph lies outside them. When the line gives no paragraph, a
//! broader one, or the row's coverage is conditional, the finding is `review` and quotes
//! why; a line another row already requires a licence for gets no such review as well. No X, no finding: the AT columns carry no X for
//! any graded row, so AT-only (x9xx) items need no licence under this rule; the embargoed
//! destinations whose rows point to part 746 are judged by the embargo rule.

use crate::ccl::{
    Column, Control, Coverage, Covers, Entry, Reason, Target, ccl_codes, covers, scope_covers, show,
};
use crate::country_chart::{self, ChartRow, FOOTNOTE_REQUIREMENTS};
use crate::country_groups::{A5, A6, D1, D4, D5};
use crate::de_minimis::{self, Basis};
use crate::destination::{Destination, destinations};
use crate::text;
use exportctl_sdk::{Country, Finding, ListedCode, Outcome, Rule, Shipment};
use std::collections::{BTreeMap, BTreeSet};

/// A Country Chart column of the ECCN has an X for the destination.
pub const COUNTRY_CHART: Rule = Rule::new(
    "us-ear-country-chart",
    "15 CFR 738.4(a)(2) and Supp. No. 1 to part 738 (Commerce Country Chart); reasons for control \
     of 15 CFR 774 Supp. No. 1 (Commerce Control List); eCFR issue of 2026-07-23",
)
.describe("an ECCN whose Country Chart column has an X for the destination");

/// The ECCN itself names the destination in its licence requirements.
pub const ECCN_DESTINATIONS: Rule = Rule::new(
    "us-ear-eccn-destinations",
    "15 CFR 738.4(a)(1): licence requirements the ECCN states for named destinations \
     (15 CFR 774 Supp. No. 1, eCFR issue of 2026-07-23)",
)
.describe("an ECCN that names the destination in its own licence requirements");

/// Runs both rules on every line subject to the EAR and not covered by a US licence.
/// `decided` are the lines another rule already requires a licence for: a row that only
/// may cover one of them adds no review for it.
///
/// Lines that get the same finding (same destination, ECCN with paragraph, row, coverage
/// and reason for being subject to the EAR) share one finding, so a 10,000-line shipment of
/// one item gives one finding per row, not 10,000. A shipment with more than
/// [`MAX_FINDINGS`] such findings gets one per destination, requirement and coverage
/// instead, listing the ECCNs.
pub fn check(shipment: &Shipment, decided: &BTreeSet<u32>) -> Vec<Finding> {
    let destinations = destinations(shipment);
    // Each line's ECCNs on the CCL, read once: the groups borrow them.
    let codes: Vec<Vec<(ListedCode, &'static Entry)>> = shipment
        .lines()
        .map(|line| ccl_codes(&line).collect())
        .collect();
    // Per-ECCN groups, dropped once there are too many; per-requirement groups always.
    let mut fine: Option<(Vec<Group<'_>>, BTreeMap<Key<'_>, usize>)> =
        Some((Vec::new(), BTreeMap::new()));
    let mut coarse: Vec<Coarse<'_>> = Vec::new();
    let mut coarse_index: BTreeMap<(usize, Requires, Covers), usize> = BTreeMap::new();
    let mut found = Vec::new();
    for (d, destination) in destinations.iter().enumerate() {
        let chart = country_chart::lookup(destination.country);
        if chart == ChartRow::Domestic {
            continue;
        }
        let reach = Reach::of(destination.country);
        let mut previous: Option<(Item<'_>, Vec<GroupIndex>)> = None;
        for (line, codes) in shipment.lines().zip(&codes) {
            if shipment.licence_covers("US", line.number()) {
                continue;
            }
            let Some(basis) = de_minimis::subject(shipment, &line, destination.country) else {
                continue;
            };
            for &(ref code, entry) in codes {
                // Consecutive lines of one item (the usual long shipment) reuse the groups
                // of the line before instead of working them out again.
                let same = (entry.key, code.paragraph.as_str(), basis);
                let indices = match previous.take() {
                    Some((p, indices)) if p == same => indices,
                    reuse => {
                        hits(entry, code, &reach, chart, &mut found);
                        // The previous line's buffer, emptied, spares an allocation.
                        let mut indices = reuse.map(|(_, v)| v).unwrap_or_default();
                        indices.clear();
                        indices.extend(found.iter().map(|&(_, source, covers)| {
                            let group = Group {
                                destination: *destination,
                                code,
                                entry,
                                source,
                                covers,
                                basis,
                                lines: Vec::new(),
                            };
                            let fine_i = fine.as_mut().map(|(groups, index)| {
                                let key = (
                                    d,
                                    entry.eccn,
                                    code.paragraph.as_str(),
                                    source,
                                    covers,
                                    basis,
                                );
                                *index.entry(key).or_insert_with(|| {
                                    groups.push(Group {
                                        lines: Vec::new(),
                                        ..group
                                    });
                                    groups.len() - 1
                                })
                            });
                            let coarse_key = (d, requires(&group), covers);
                            let coarse_i = *coarse_index.entry(coarse_key).or_insert_with(|| {
                                coarse.push(Coarse {
                                    first: group,
                                    eccns: Vec::new(),
                                    lines: Vec::new(),
                                });
                                coarse.len() - 1
                            });
                            if let Some(c) = coarse.get_mut(coarse_i)
                                && c.eccns.len() < text::MAX_ITEMS
                                && !c.eccns.contains(code)
                            {
                                c.eccns.push(code.clone());
                            }
                            (fine_i, coarse_i)
                        }));
                        indices
                    }
                };
                for &(fine_i, coarse_i) in &indices {
                    if let Some((groups, _)) = fine.as_mut()
                        && let Some(group) = fine_i.and_then(|i| groups.get_mut(i))
                        && group.lines.last() != Some(&line.number())
                    {
                        group.lines.push(line.number());
                    }
                    if let Some(c) = coarse.get_mut(coarse_i)
                        && c.lines.last() != Some(&line.number())
                    {
                        c.lines.push(line.number());
                    }
                }
                previous = Some((same, indices));
                if fine
                    .as_ref()
                    .is_some_and(|(groups, _)| groups.len() > MAX_FINDINGS)
                {
                    // Too many distinct items: stop keeping them apart.
                    fine = None;
                }
            }
        }
    }
    match fine {
        Some((mut groups, _)) => {
            let decided = with_licence(groups.iter().map(|g| (g.covers, &g.lines)), decided);
            groups
                .iter_mut()
                .for_each(|g| drop_decided(g.covers, &mut g.lines, &decided));
            groups
                .iter()
                .filter(|g| !g.lines.is_empty())
                .map(finding)
                .collect()
        }
        None => {
            let decided = with_licence(coarse.iter().map(|c| (c.first.covers, &c.lines)), decided);
            coarse
                .into_iter()
                .filter_map(|mut c| {
                    drop_decided(c.first.covers, &mut c.lines, &decided);
                    (!c.lines.is_empty()).then(|| coarse_finding(c))
                })
                .collect()
        }
    }
}

/// The lines some row or footnote certainly requires a licence for, and those another
/// rule does (`decided`).
fn with_licence<'a>(
    groups: impl Iterator<Item = (Covers, &'a Vec<u32>)>,
    decided: &BTreeSet<u32>,
) -> BTreeSet<u32> {
    groups
        .filter(|(covers, _)| *covers == Covers::Yes)
        .flat_map(|(_, lines)| lines.iter().copied())
        .chain(decided.iter().copied())
        .collect()
}

/// Takes out of a review the lines another row already requires a licence for: the
/// licence is needed whatever the doubtful row decides, and its application names every
/// reason for control, so a second finding for the same line adds nothing.
fn drop_decided(covers: Covers, lines: &mut Vec<u32>, decided: &BTreeSet<u32>) {
    if covers == Covers::Maybe {
        lines.retain(|line| !decided.contains(line));
    }
}

/// What requires the licence: a row of the ECCN (its index), or a Country Chart footnote
/// requirement (its index in [`FOOTNOTE_REQUIREMENTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Row(usize),
    Footnote(usize),
}

/// One item as the grouping sees it: ECCN key, paragraph, why it is subject to the EAR.
type Item<'a> = (u32, &'a str, Basis);

/// Where a hit's lines go: its per-ECCN group (while those are kept) and its
/// per-requirement group.
type GroupIndex = (Option<usize>, usize);

/// Lines with equal keys get one finding.
type Key<'a> = (usize, &'static str, &'a str, Source, Covers, Basis);

/// The lines that share a finding.
struct Group<'a> {
    destination: Destination,
    code: &'a ListedCode,
    entry: &'static Entry,
    source: Source,
    covers: Covers,
    basis: Basis,
    lines: Vec<u32>,
}

/// Where a requirement applies: one column, one destination list, one footnote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Column(Column),
    Eccn(Target),
    Footnote(u8),
}

/// The rows and footnotes that require a licence for `code` to the destination, one per
/// column or destination list (a row that covers the paragraph wins over one that only
/// may), written into `found` (cleared first; reused across lines to spare allocations).
fn hits(
    entry: &'static Entry,
    code: &ListedCode,
    reach: &Reach,
    chart: ChartRow,
    found: &mut Vec<(Place, Source, Covers)>,
) {
    found.clear();
    let mut add = |place: Place, source: Source, covers: Covers| {
        if covers == Covers::No {
            return;
        }
        match found.iter_mut().find(|(p, _, _)| *p == place) {
            Some(hit) if covers < hit.2 => *hit = (place, source, covers),
            Some(_) => {}
            None => found.push((place, source, covers)),
        }
    };
    for (i, control) in entry.controls.iter().enumerate() {
        let place = match control.target {
            Target::Column(column) => match chart {
                ChartRow::Graded { row, .. } if row.marks.contains(column) => Place::Column(column),
                _ => continue,
            },
            target if reach.includes(target) => Place::Eccn(target),
            _ => continue,
        };
        add(place, Source::Row(i), covers(control.scope, code));
    }
    if let ChartRow::Graded { row, .. } = chart {
        for (i, req) in FOOTNOTE_REQUIREMENTS.iter().enumerate() {
            if req.eccn == entry.eccn && row.footnotes.contains(&req.footnote) {
                add(
                    Place::Footnote(req.footnote),
                    Source::Footnote(i),
                    covers(req.scope, code),
                );
            }
        }
    }
}

/// Which of the destination lists an ECCN may name include one destination, worked out
/// once per destination rather than for every row of every line.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    domestic: bool,
    canada: bool,
    macau_or_d5: bool,
    uae_or_d1_d4_d5_not_a5_a6: bool,
    china_russia_venezuela: bool,
    listed: Country,
}

impl Reach {
    /// The lists `country` is on (Hong Kong counting as China).
    pub fn of(country: Country) -> Reach {
        let listed = country_chart::as_listed(country);
        let c = |code: &[u8; 2]| Country::from_bytes(*code);
        let in_any =
            |groups: &[exportctl_sdk::CountrySet]| groups.iter().any(|g| g.contains(listed));
        Reach {
            domestic: country == Country::US,
            canada: listed == c(b"CA"),
            macau_or_d5: listed == c(b"MO") || D5.contains(listed),
            uae_or_d1_d4_d5_not_a5_a6: (listed == c(b"AE") || in_any(&[D1, D4, D5]))
                && !in_any(&[A5, A6]),
            china_russia_venezuela: [c(b"CN"), Country::RU, c(b"VE")].contains(&listed),
            listed,
        }
    }

    /// Whether an ECCN's own destination list `target` includes the destination.
    pub fn includes(&self, target: Target) -> bool {
        match target {
            Target::Worldwide | Target::AllDestinations => !self.domestic,
            Target::AllExceptCanada => !self.domestic && !self.canada,
            Target::MacauOrD5 => self.macau_or_d5,
            Target::UaeOrD1D4D5NotA5A6 => self.uae_or_d1_d4_d5_not_a5_a6,
            Target::ChinaRussiaVenezuela => self.china_russia_venezuela,
            Target::Countries(list) => list.contains(&self.listed),
            Target::Column(_) | Target::RussiaBelarus | Target::UnSanctions | Target::Referred => {
                false
            }
        }
    }
}

/// How an ECCN's destination list reads in a message, naming the destination.
fn describe_target(target: Target, destination: &Destination) -> String {
    match target {
        Target::Worldwide => {
            format!("to or within any destination worldwide, including {destination}")
        }
        Target::MacauOrD5 => {
            format!("to or within Macau or Country Group D:5, which includes {destination}")
        }
        Target::UaeOrD1D4D5NotA5A6 => format!(
            "to or within the United Arab Emirates or Country Groups D:1, D:4 and D:5 other than A:5/A:6 \
             destinations, which includes {destination}"
        ),
        Target::ChinaRussiaVenezuela => format!("to China, Russia or Venezuela: {destination}"),
        Target::AllExceptCanada => {
            format!("to every destination except Canada, including {destination}")
        }
        Target::AllDestinations => format!("to every destination, including {destination}"),
        _ => format!("to {destination}"),
    }
}

/// `§ 742.6(a)(6)(iii)(A)` → `15 CFR 742.6(a)(6)(iii)(A)`.
pub fn cfr(cite: &str) -> String {
    cite.replace("§§ ", "15 CFR ").replace("§ ", "15 CFR ")
}

/// What a group's finding says apart from the lines, the ECCN and why the row only may
/// apply: the rule, the requirement and its citation.
struct Requirement {
    rule: Rule,
    what: String,
    cite: String,
}

fn requirement(group: &Group<'_>) -> Requirement {
    let destination = &group.destination;
    match group.source {
        Source::Row(i) => match group.entry.controls.get(i).map(|c| (c, c.target)) {
            Some((_, Target::Column(column))) => Requirement {
                rule: COUNTRY_CHART,
                what: format!(
                    "reason {column} → Country Chart column {column} has X for {destination}"
                ),
                cite: "15 CFR 738.4".to_owned(),
            },
            Some((control, target)) => Requirement {
                rule: ECCN_DESTINATIONS,
                what: format!(
                    "reason {} → the ECCN requires a licence {}",
                    control.reason.code(),
                    describe_target(target, destination)
                ),
                cite: cfr(control.cite),
            },
            // Indices come from the same table; this arm is never taken.
            None => Requirement {
                rule: COUNTRY_CHART,
                what: format!("row {i} of the ECCN applies to {destination}"),
                cite: "15 CFR 738.4".to_owned(),
            },
        },
        Source::Footnote(i) => {
            let (footnote, column) = FOOTNOTE_REQUIREMENTS
                .get(i)
                .map_or((0, None), |r| (r.footnote, r.column));
            let what = match column {
                Some(column) => format!(
                    "reason {column} → Country Chart footnote {footnote} requires a licence for {destination}"
                ),
                None => format!(
                    "Country Chart footnote {footnote} requires a licence for {destination}"
                ),
            };
            Requirement {
                rule: COUNTRY_CHART,
                what,
                cite: format!("15 CFR 738 Supp. No. 1, footnote {footnote}"),
            }
        }
    }
}

/// Why the group's row only may cover its item.
fn why(group: &Group<'_>) -> String {
    match group.source {
        Source::Row(i) => group
            .entry
            .controls
            .get(i)
            .map(|c| c.why(group.code))
            .unwrap_or_default(),
        Source::Footnote(i) => {
            let Some(req) = FOOTNOTE_REQUIREMENTS.get(i) else {
                return String::new();
            };
            let who = format!("footnote {}", req.footnote);
            let conditional = format!(
                "footnote {} names only some items of ECCN {} (see its text)",
                req.footnote, req.eccn
            );
            match scope_covers(req.scope, &who, &conditional, group.code) {
                Coverage::Maybe(why) => why,
                _ => String::new(),
            }
        }
    }
}

fn outcome(covers: Covers) -> Outcome {
    if covers == Covers::Maybe {
        Outcome::Review
    } else {
        Outcome::LicenceRequired
    }
}

/// The finding's legal basis: the rule's, plus the section the row cites.
fn with_cite(finding: Finding, rule: Rule, cite: &str) -> Finding {
    if cite == "15 CFR 738.4" {
        finding
    } else {
        let legal_basis = format!("{}; {cite}", rule.legal_basis);
        finding.legal_basis(legal_basis)
    }
}

fn finding(group: &Group<'_>) -> Finding {
    let Requirement { rule, what, cite } = requirement(group);
    let eccn = show(group.code);
    let lines = text::lines(&group.lines);
    let basis = group.basis;
    let message = match group.covers {
        Covers::Maybe => format!(
            "{lines}: ECCN {eccn}, {what}, but {}: a licence is required if the item falls under the row ({cite}); subject to the EAR: {basis}",
            why(group)
        ),
        _ => format!(
            "{lines}: ECCN {eccn}, {what}: licence required ({cite}); subject to the EAR: {basis}"
        ),
    };
    let finding = rule
        .finding(outcome(group.covers), text::fit(message))
        .lines(group.lines.iter().copied());
    with_cite(finding, rule, &cite)
}

/// Above this many findings the rule reports one finding per requirement (column or
/// destination list) and destination, listing the ECCNs, instead of one per ECCN: a
/// shipment of thousands of different items would otherwise pass the host's limits on
/// findings and work.
pub const MAX_FINDINGS: usize = 200;

/// What a coarse finding groups by: the column, the ECCN-stated destination list (reason,
/// kind of list, citation) or the footnote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Requires {
    Column(Column),
    Eccn(Reason, u8, &'static str),
    Footnote(usize),
}

fn requires(group: &Group<'_>) -> Requires {
    match group.source {
        Source::Row(i) => match group.entry.controls.get(i) {
            Some(Control {
                target: Target::Column(column),
                ..
            }) => Requires::Column(*column),
            Some(control) => {
                let kind = match control.target {
                    Target::Worldwide => 0,
                    Target::MacauOrD5 => 1,
                    Target::UaeOrD1D4D5NotA5A6 => 2,
                    Target::ChinaRussiaVenezuela => 3,
                    Target::Countries(_) => 4,
                    Target::AllExceptCanada => 5,
                    _ => 6,
                };
                Requires::Eccn(control.reason, kind, control.cite)
            }
            None => Requires::Footnote(usize::MAX),
        },
        Source::Footnote(i) => Requires::Footnote(i),
    }
}

/// The lines of one destination that one requirement reaches, whatever their ECCN.
struct Coarse<'a> {
    /// The first group seen, for the requirement's wording.
    first: Group<'a>,
    /// The first [`text::MAX_ITEMS`] distinct ECCNs.
    eccns: Vec<ListedCode>,
    lines: Vec<u32>,
}

/// One finding per destination, requirement and coverage, for shipments with more than
/// [`MAX_FINDINGS`] distinct items.
fn coarse_finding(mut c: Coarse<'_>) -> Finding {
    let Requirement { rule, what, cite } = requirement(&c.first);
    c.lines.sort_unstable();
    c.lines.dedup();
    let more = if c.eccns.len() < text::MAX_ITEMS {
        ""
    } else {
        " and others"
    };
    let shown: Vec<String> = c.eccns.iter().map(show).collect();
    let eccns = format!("{}{more}", shown.join(", "));
    let lines = text::lines(&c.lines);
    let message = match c.first.covers {
        Covers::Maybe => format!(
            "{lines}: ECCNs {eccns}, {what}, but each row only may cover the item (paragraph not given, \
             broader, or conditional): a licence is required if it does ({cite}); the shipment has too many \
             distinct items for one finding each"
        ),
        _ => format!(
            "{lines}: ECCNs {eccns}, {what}: licence required ({cite}); the shipment has too many distinct \
             items for one finding each"
        ),
    };
    let finding = rule
        .finding(outcome(c.first.covers), text::fit(message))
        .lines(c.lines);
    with_cite(finding, rule, &cite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn run(doc: Doc) -> Vec<Finding> {
        check(&doc.shipment(), &BTreeSet::new())
    }

    fn summary(f: &[Finding]) -> Vec<(String, Outcome)> {
        f.iter()
            .map(|f| {
                let what = f.message().split(": licence").next().unwrap_or_default();
                let what = what.split(", but").next().unwrap_or_default();
                (what.to_owned(), f.outcome())
            })
            .collect()
    }

    #[test]
    fn eccn_5a002_to_china_needs_a_licence_for_ns1_only() {
        let f = run(Doc::us("2024-06-03", "CN", &["5A002.a"]));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].rule(), "us-ear-country-chart");
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert_eq!(f[0].get_lines(), [1]);
        assert_eq!(
            f[0].message(),
            "line 1: ECCN 5A002.a, reason NS1 → Country Chart column NS1 has X for CN: licence required \
             (15 CFR 738.4); subject to the EAR: exporter in the United States"
        );
    }

    #[test]
    fn lines_with_the_same_finding_share_it() {
        let mut doc = Doc::us("2024-06-03", "CN", &["5A002.a"]);
        for n in 2..=30 {
            doc = doc.line(n, &["5A002.a"]);
        }
        let doc = doc.line(31, &["5A002.b"]);
        let f = run(doc);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].get_lines(), (1..=30).collect::<Vec<u32>>());
        assert!(
            f[0].message().starts_with("lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 10 more: ECCN 5A002.a, reason NS1"),
            "{}",
            f[0].message()
        );
        assert_eq!(f[1].get_lines(), [31]);
    }

    #[test]
    fn thousands_of_distinct_items_get_one_finding_per_requirement() {
        let eccns: Vec<&str> = crate::ccl::CCL.iter().map(|e| e.eccn).collect();
        let mut doc = Doc::us("2024-06-03", "CN", &[eccns[0]]);
        for (n, eccn) in (2..).zip(eccns.iter().skip(1)) {
            doc = doc.line(n, &[eccn]);
        }
        let f = run(doc);
        assert!(f.len() <= 2 * MAX_FINDINGS / 4, "{} findings", f.len());
        assert!(
            f.iter()
                .all(|f| f.message().contains("too many distinct items"))
        );
        assert!(
            f.iter()
                .all(|f| f.message().len() <= text::MAX_MESSAGE_BYTES)
        );
        let ns1 = f
            .iter()
            .find(|f| {
                f.message().contains("column NS1 has X") && f.outcome() == Outcome::LicenceRequired
            })
            .unwrap();
        assert!(ns1.get_lines().len() > 50, "{}", ns1.get_lines().len());
    }

    #[test]
    fn a_code_given_twice_on_a_line_counts_once() {
        let f = run(Doc::us("2024-06-03", "CN", &["5A002.a", "5A002.a"]).line(2, &["5A002.a"]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].get_lines(), [1, 2]);
    }

    #[test]
    fn eccn_5a002_to_canada_has_no_chart_finding() {
        assert!(run(Doc::us("2024-06-03", "CA", &["5A002.a"])).is_empty());
    }

    #[test]
    fn anti_terrorism_only_items_need_no_licence_on_the_chart_anywhere() {
        for dest in ["CN", "RU", "DE", "IR", "KP", "SY", "CU", "VE"] {
            assert!(
                run(Doc::us("2024-06-03", dest, &["3A991.a"])).is_empty(),
                "{dest}"
            );
        }
    }

    #[test]
    fn paragraph_level_eccns_decide_which_rows_apply() {
        // 5A992.c: mass-market encryption, AT only: nothing.
        assert!(run(Doc::us("2024-06-03", "CN", &["5A992.c"])).is_empty());
        // 5A992.z.1: RS worldwide, even to Germany.
        let f = run(Doc::us("2024-06-03", "DE", &["5A992.z.1"]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule(), "us-ear-eccn-destinations");
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert!(
            f[0].message()
                .contains("to or within any destination worldwide, including DE"),
            "{}",
            f[0].message()
        );
        assert!(
            f[0].get_legal_basis()
                .ends_with("15 CFR 742.6(a)(6)(iii)(A)"),
            "{}",
            f[0].get_legal_basis()
        );
        // 5A992 without a paragraph to China: both .z rows may apply.
        let f = run(Doc::us("2024-06-03", "CN", &["5A992"]));
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f.iter().all(|f| f.outcome() == Outcome::Review));
        assert!(
            f[0].message()
                .contains("RS applies only to 5A992.z.1 and the line gives no paragraph"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn uae_d1_d4_d5_list_excludes_a5_and_a6() {
        assert_eq!(run(Doc::us("2024-06-03", "CN", &["5A992.z.2"])).len(), 1);
        assert_eq!(
            run(Doc::us("2024-06-03", "AE", &["5A992.z.2"])).len(),
            0,
            "AE is in A:5"
        );
        assert_eq!(
            run(Doc::us("2024-06-03", "KZ", &["5A992.z.2"])).len(),
            1,
            "KZ is in D:1"
        );
        assert_eq!(run(Doc::us("2024-06-03", "FR", &["5A992.z.2"])).len(), 0);
    }

    #[test]
    fn entries_whose_controls_differ_by_paragraph() {
        // 0A606.b is NS2/RS2; the rest NS1/RS1; .y is RS to China, Russia, Venezuela.
        let cols = |codes: &[&str], dest: &str| {
            summary(&run(Doc::us("2024-06-03", dest, codes)))
                .into_iter()
                .map(|(m, o)| {
                    (
                        m.split(", reason ")
                            .nth(1)
                            .unwrap_or_default()
                            .split(' ')
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                        o,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            cols(&["0A606.a"], "AR"),
            [
                ("NS1".to_owned(), Outcome::LicenceRequired),
                ("RS1".to_owned(), Outcome::LicenceRequired)
            ]
        );
        assert_eq!(
            cols(&["0A606.b"], "CN"),
            [
                ("NS2".to_owned(), Outcome::LicenceRequired),
                ("RS2".to_owned(), Outcome::LicenceRequired)
            ]
        );
        assert_eq!(
            cols(&["0A606.y.1"], "VE"),
            [("RS".to_owned(), Outcome::LicenceRequired)]
        );
        assert!(cols(&["0A606.y.1"], "DE").is_empty());
    }

    #[test]
    fn conditional_rows_are_reviewed_with_their_text() {
        let f = run(Doc::us("2024-06-03", "CN", &["0A502"]));
        assert!(f.iter().all(|f| f.outcome() == Outcome::Review));
        assert!(
            f.iter()
                .any(|f| f.message().contains("barrel length less than 18 inches")),
            "{f:#?}"
        );
    }

    #[test]
    fn rows_confined_to_other_paragraphs_do_not_reach_the_line() {
        // Türkiye: NS1, MT1, RS1 (and CB1). 3A001's NS1/RS1 rows name only b.2 and b.3
        // (with a civil-telecommunications exception), MT1 a.1.a, a.5.a and z.2.
        assert!(run(Doc::us("2024-06-03", "TR", &["3A001.b.1.a"])).is_empty());
        let columns = |code: &str| {
            run(Doc::us("2024-06-03", "TR", &[code]))
                .iter()
                .map(|f| {
                    assert_eq!(f.outcome(), Outcome::Review, "{f:#?}");
                    f.message()
                        .split(", reason ")
                        .nth(1)
                        .and_then(|m| m.split(' ').next())
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect::<Vec<_>>()
        };
        // Inside the row's paragraphs its condition decides: review, quoting it.
        assert_eq!(columns("3A001.b.2"), ["NS1", "RS1"]);
        let f = run(Doc::us("2024-06-03", "TR", &["3A001.b.2"]));
        assert!(
            f[0].message()
                .contains("civil telecommunications applications"),
            "{}",
            f[0].message()
        );
        assert_eq!(columns("3A001.a.1.a"), ["MT1"]);
        // Less precise than the rows: every row that may apply.
        assert_eq!(columns("3A001.b"), ["NS1", "RS1"]);
        // (RS: the worldwide row of 3A001.z.1.a, z.2.a, … may apply as well.)
        assert_eq!(columns("3A001"), ["NS1", "RS1", "RS", "MT1"]);
    }

    #[test]
    fn no_review_beside_a_licence_requirement_for_the_same_line() {
        // 3A001.e.2 to China: NS2 covers the entire entry (licence required); the NP1 row
        // (pulse discharge capacitors meeting 3A201.a) only may.
        let f = run(Doc::us("2024-06-03", "CN", &["3A001.e.2"]).line(2, &["3A001.z.3"]));
        let summary: Vec<(Outcome, Vec<u32>)> = f
            .iter()
            .map(|f| (f.outcome(), f.get_lines().to_vec()))
            .collect();
        assert!(
            f.iter().all(|f| f.outcome() == Outcome::LicenceRequired),
            "{f:#?}"
        );
        assert!(
            summary.iter().any(|(_, lines)| lines.contains(&1)),
            "{f:#?}"
        );
        // Without the NS2 requirement the NP1 doubt is reported: to India (NP1, no NS2).
        let f = run(Doc::us("2024-06-03", "IN", &["3A001.e.2"]));
        assert!(
            f.iter()
                .any(|f| f.outcome() == Outcome::Review && f.message().contains("reason NP1")),
            "{f:#?}"
        );
    }

    #[test]
    fn ranges_of_paragraphs() {
        // 3B001: NS2 for .a.1 to .a.3, .b, .e, .f.2 to .f.4, .g to .j; D:5/Macau list for .a.4, .c, …
        let f = run(Doc::us("2024-06-03", "MO", &["3B001.a.2"]));
        assert!(
            f.iter().any(|f| f.message().contains("reason NS2")),
            "{f:#?}"
        );
        assert!(!f.iter().any(|f| f.message().contains("Macau")), "{f:#?}");
        let f = run(Doc::us("2024-06-03", "MO", &["3B001.a.4"]));
        assert!(
            f.iter()
                .any(|f| f.message().contains("Macau or Country Group D:5")),
            "{f:#?}"
        );
    }

    #[test]
    fn footnote_10_requires_licences_for_firearms_to_australia_and_the_uk() {
        let f = run(Doc::us("2024-06-03", "AU", &["0A506"]));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].outcome(), Outcome::LicenceRequired);
        assert!(
            f[0].message()
                .contains("footnote 10 requires a licence for AU"),
            "{}",
            f[0].message()
        );
        assert!(run(Doc::us("2024-06-03", "AU", &["0A501.y"])).is_empty());
        assert!(run(Doc::us("2024-06-03", "AU", &["0A506"])).len() == 1);
        assert!(run(Doc::us("2024-06-03", "NZ", &["0A501.y"])).is_empty());
    }

    #[test]
    fn footnote_7_keeps_rs2_for_india() {
        let f = run(Doc::us("2024-06-03", "IN", &["9A515.e"]));
        assert!(
            f.iter().any(|f| f
                .message()
                .contains("reason RS2 → Country Chart footnote 7")),
            "{f:#?}"
        );
    }

    #[test]
    fn hong_kong_takes_china_s_row() {
        let f = run(Doc::us("2024-06-03", "HK", &["5A002.a"]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message()
                .contains("has X for HK (Country Chart row of China)"),
            "{}",
            f[0].message()
        );
    }

    #[test]
    fn all_destination_entries_need_a_licence_everywhere() {
        let f = run(Doc::us("2024-06-03", "CA", &["0A983"]));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message()
                .contains("to every destination, including CA"),
            "{}",
            f[0].message()
        );
        assert!(f[0].get_legal_basis().ends_with("15 CFR 738.3(a)(1)"));
    }

    #[test]
    fn a_us_licence_for_the_line_clears_it() {
        assert!(
            run(Doc::us("2024-06-03", "CN", &["5A002.a"]).licence("US", None, Some("2024-06-03")))
                .is_empty()
        );
        assert_eq!(
            run(Doc::us("2024-06-03", "CN", &["5A002.a"]).licence("US", None, Some("2024-06-02")))
                .len(),
            1
        );
        assert_eq!(
            run(Doc::us("2024-06-03", "CN", &["5A002.a"]).licence("DE", None, None)).len(),
            1
        );
    }

    #[test]
    fn items_not_subject_to_the_ear_get_nothing() {
        let doc = Doc::new("2024-06-03", "DE", "CN", &["5A002.a"]).us_content(1, "25");
        assert!(run(doc).is_empty());
        let doc = Doc::new("2024-06-03", "DE", "CN", &["5A002.a"]).us_content(1, "30");
        let f = run(doc);
        assert_eq!(f.len(), 1);
        assert!(f[0].message().ends_with("subject to the EAR: US content 30 % above the de minimis level of 25 % (general level, 15 CFR 734.4)"), "{}", f[0].message());
    }

    #[test]
    fn domestic_shipments_are_not_exports() {
        assert!(run(Doc::us("2024-06-03", "US", &["5A002.a"])).is_empty());
    }

    #[test]
    fn both_the_declared_destination_and_the_end_user_country_are_judged() {
        let f = run(Doc::us("2024-06-03", "CA", &["5A002.a"]).end_user("CN"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message().contains("has X for CN (end_user)"),
            "{}",
            f[0].message()
        );
    }
}
