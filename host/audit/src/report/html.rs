//! The report as one self-contained HTML page for reading offline: a title naming the store,
//! the range, the record count and the newest checkpoint, then four charts drawn here as
//! inline SVG, each beside a table of its numbers. No scripts, no external resources, no web
//! fonts; every text taken from a record is escaped.

use std::fmt::Write as _;
use std::io::Write;

use super::aggregate::{Counts, Outcome, Report};
use super::chart::{ChartError, Direction, css_colour, stacked_bars};
use super::csv::tables;

/// At most this many destinations or HS chapters are charted (the table lists all).
pub const TOP_HELD: usize = 15;
/// At most this many (policy, rule) pairs are charted (the table lists all).
pub const TOP_FINDINGS: usize = 20;

/// The description cell of a rule no loaded policy declares.
pub const NOT_DESCRIBED: &str = "not declared by the policies loaded";

/// The page could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// Writing failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

const HELD: [Outcome; 3] = [Outcome::Review, Outcome::LicenceRequired, Outcome::Deny];

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style sheet, for pages that embed [`write_sections`].
pub const STYLE: &str = "body{font-family:sans-serif;margin:24px;color:#222}\
h1{font-size:22px}h2{font-size:18px;margin-top:32px}figure{margin:0}\
dl.summary{display:grid;grid-template-columns:max-content auto;gap:4px 16px}\
dl.summary dt{font-weight:bold}dl.summary dd{margin:0;font-family:monospace}\
.pair{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}\
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #bbb;padding:2px 8px}\
td{text-align:right}th[scope=row]{text-align:left;font-weight:normal}\
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}";

/// Writes `report` as one HTML page.
pub fn write_html(report: &Report, mut out: impl Write) -> Result<(), HtmlError> {
    let mut page = String::new();
    let range = format!(
        "{} to {}",
        report.range.from().unwrap_or("the first record"),
        report.range.to().map_or_else(
            || "the last record".to_owned(),
            |t| format!("{t} (excluded)")
        )
    );
    let checkpoint = report.checkpoint.as_ref().map_or_else(
        || "none yet".to_owned(),
        |c| {
            format!(
                "tree size {}, root {} (log {}; {} records in the store; as stored, check it with exportctl audit verify)",
                c.size, c.root, c.origin, report.store_records
            )
        },
    );
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Decision report: {store}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Decision report: {store}</h1>\n<dl class=\"summary\">\n\
         <dt>Store</dt><dd id=\"store\">{store}</dd>\n\
         <dt>Range</dt><dd id=\"range\">{range}</dd>\n\
         <dt>Decisions</dt><dd id=\"records\">{records}</dd>\n\
         <dt>Input not recorded</dt><dd id=\"input-not-recorded\">{digest}</dd>\n\
         <dt>Latest checkpoint</dt><dd id=\"checkpoint\">{checkpoint}</dd>\n</dl>\n",
        store = escape(&report.store),
        range = escape(&range),
        records = report.records,
        digest = report.digest_only,
        checkpoint = escape(&checkpoint),
    );
    page.push_str(&write_sections(report)?);
    page.push_str("</body>\n</html>\n");
    out.write_all(page.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The four charts, each with its table, as HTML to put in a page's body:
/// what the report page shows below its summary, and what the service's
/// console shows on its dashboard.
pub fn write_sections(report: &Report) -> Result<String, ChartError> {
    let mut page = String::new();
    let legend = |outcomes: &[Outcome]| {
        let mut s = String::from("<p class=\"legend\">");
        for &o in outcomes {
            let _ = write!(
                s,
                "<span style=\"background:{}\"></span>{}",
                css_colour(o),
                o.as_str()
            );
        }
        s.push_str("</p>\n");
        s
    };

    let days: Vec<(String, Counts)> = report
        .per_day
        .iter()
        .map(|(d, c)| (d.clone(), *c))
        .collect();
    section(
        &mut page,
        tables::DECISIONS_PER_DAY,
        "Decisions per day by outcome",
        &["Day (UTC)"],
        &Outcome::ALL,
        &days
            .iter()
            .map(|(d, c)| (vec![d.clone()], *c))
            .collect::<Vec<_>>(),
        &stacked_bars("Decisions per day", &days, &Outcome::ALL, Direction::Up)?,
        &legend(&Outcome::ALL),
    );

    let by_destination = by_total(&report.held_by_destination, &HELD);
    section(
        &mut page,
        tables::HELD_BY_DESTINATION,
        "Held decisions by destination",
        &["Destination"],
        &HELD,
        &keyed(&by_destination),
        &stacked_bars(
            &top_title("Top destinations held", by_destination.len(), TOP_HELD),
            &by_destination[..by_destination.len().min(TOP_HELD)],
            &HELD,
            Direction::Right,
        )?,
        &legend(&HELD),
    );

    let by_chapter = by_total(&report.held_by_chapter, &HELD);
    section(
        &mut page,
        tables::HELD_BY_HS_CHAPTER,
        "Held decisions by HS chapter",
        &["HS chapter"],
        &HELD,
        &keyed(&by_chapter),
        &stacked_bars(
            &top_title("Top HS chapters held", by_chapter.len(), TOP_HELD),
            &by_chapter[..by_chapter.len().min(TOP_HELD)],
            &HELD,
            Direction::Right,
        )?,
        &legend(&HELD),
    );

    let mut findings: Vec<((String, String), Counts)> = report
        .findings
        .iter()
        .map(|(k, c)| (k.clone(), *c))
        .collect();
    findings.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then_with(|| a.0.cmp(&b.0)));
    let charted: Vec<(String, Counts)> = findings
        .iter()
        .take(TOP_FINDINGS)
        .map(|((p, r), c)| (format!("{p} / {r}"), *c))
        .collect();
    // The description is the rule's as the policies loaded now declare it; a rule they
    // do not declare (an older version's, a plugin no longer in the set) has none.
    let described = |key: &(String, String)| {
        report
            .rule_descriptions
            .get(key)
            .cloned()
            .unwrap_or_else(|| NOT_DESCRIBED.to_owned())
    };
    section(
        &mut page,
        tables::FINDINGS,
        "Findings by policy and rule",
        &["Policy", "Rule", "What the rule catches"],
        &Outcome::ALL,
        &findings
            .iter()
            .map(|(key, c)| (vec![key.0.clone(), key.1.clone(), described(key)], *c))
            .collect::<Vec<_>>(),
        &stacked_bars(
            &top_title("Findings by policy and rule", findings.len(), TOP_FINDINGS),
            &charted,
            &Outcome::ALL,
            Direction::Right,
        )?,
        &legend(&Outcome::ALL),
    );

    let ages = &report.holds.open_by_age;
    section(
        &mut page,
        tables::HOLDS_OPEN_BY_AGE,
        "Holds open by age",
        &["Age"],
        &HELD,
        &keyed(ages),
        &stacked_bars("Holds open by age", ages, &HELD, Direction::Right)?,
        &legend(&HELD),
    );

    let released = &report.holds.time_to_release;
    let heading = match report.holds.median_minutes_to_release {
        Some(m) => format!(
            "Time to release: median {} h {:02} min over {} holds",
            m / 60,
            m % 60,
            released.iter().map(|(_, c)| c.total()).sum::<u64>()
        ),
        None => "Time to release: no hold let go in this range".to_owned(),
    };
    section(
        &mut page,
        tables::TIME_TO_RELEASE,
        &heading,
        &["Time from decision to release"],
        &HELD,
        &keyed(released),
        &stacked_bars("Time to release", released, &HELD, Direction::Right)?,
        &legend(&HELD),
    );
    Ok(page)
}

/// Rows sorted by their total over `outcomes`, largest first (ties by key).
fn by_total(
    rows: &std::collections::BTreeMap<String, Counts>,
    outcomes: &[Outcome],
) -> Vec<(String, Counts)> {
    let total = |c: &Counts| outcomes.iter().map(|o| c.get(*o)).sum::<u64>();
    let mut v: Vec<(String, Counts)> = rows.iter().map(|(k, c)| (k.clone(), *c)).collect();
    v.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then_with(|| a.0.cmp(&b.0)));
    v
}

fn keyed(rows: &[(String, Counts)]) -> Vec<(Vec<String>, Counts)> {
    rows.iter().map(|(k, c)| (vec![k.clone()], *c)).collect()
}

fn top_title(title: &str, all: usize, top: usize) -> String {
    if all > top {
        format!("{title} (top {top} of {all})")
    } else {
        title.to_owned()
    }
}

/// One chart beside the table of all its numbers (`data-table` names the CSV table).
#[allow(
    clippy::too_many_arguments,
    reason = "one call per section, all named above"
)]
fn section(
    page: &mut String,
    table: &str,
    heading: &str,
    key_columns: &[&str],
    outcomes: &[Outcome],
    rows: &[(Vec<String>, Counts)],
    svg: &str,
    legend: &str,
) {
    let _ = write!(
        page,
        "<section id=\"{table}\">\n<h2>{heading}</h2>\n{legend}<div class=\"pair\">\n\
         <figure data-chart=\"{table}\">\n{svg}\n</figure>\n<table data-table=\"{table}\">\n<thead><tr>"
    );
    for k in key_columns {
        let _ = write!(page, "<th>{}</th>", escape(k));
    }
    for o in outcomes {
        let _ = write!(page, "<th>{}</th>", o.as_str());
    }
    page.push_str("<th>total</th></tr></thead>\n<tbody>\n");
    for (keys, counts) in rows {
        page.push_str("<tr>");
        for k in keys {
            let _ = write!(page, "<th scope=\"row\">{}</th>", escape(k));
        }
        let mut total = 0;
        for &o in outcomes {
            total += counts.get(o);
            let _ = write!(page, "<td>{}</td>", counts.get(o));
        }
        let _ = writeln!(page, "<td>{total}</td></tr>");
    }
    if rows.is_empty() {
        let span = key_columns.len() + outcomes.len() + 1;
        let _ = writeln!(page, "<tr><td colspan=\"{span}\">none</td></tr>");
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}
