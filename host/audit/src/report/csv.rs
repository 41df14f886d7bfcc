//! The report as tidy CSV (`sdk/spec/audit-report.md`, version 1): one row per table, key
//! and outcome, so a spreadsheet pivots it and an ERP loads it without parsing layouts.

use std::io::Write;

use super::aggregate::{Counts, Outcome, Report};

/// The header row; it marks version 1 of the format.
pub const HEADER: [&str; 5] = ["table", "key", "subkey", "outcome", "count"];

/// Table names, in the order they are written.
pub mod tables {
    /// `decisions` (records counted) and `input_not_recorded` (of those, digest-only).
    pub const SUMMARY: &str = "summary";
    /// Decisions per UTC day by outcome.
    pub const DECISIONS_PER_DAY: &str = "decisions_per_day";
    /// Held decisions by destination country.
    pub const HELD_BY_DESTINATION: &str = "held_by_destination";
    /// Held decisions by HS chapter.
    pub const HELD_BY_HS_CHAPTER: &str = "held_by_hs_chapter";
    /// Findings by policy (key) and rule (subkey), by the finding's outcome.
    pub const FINDINGS: &str = "findings";
    /// Holds opened in the range and still open at its end, by age bucket (key), by the
    /// outcome held for.
    pub const HOLDS_OPEN_BY_AGE: &str = "holds_open_by_age";
    /// Holds let go (released or licensed) in the range, by the time it took (key).
    pub const TIME_TO_RELEASE: &str = "time_to_release";
}

/// Writes `report` as CSV. Only non-zero counts are written.
pub fn write_csv(report: &Report, out: impl Write) -> Result<(), ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let records = report.records.to_string();
    let digest_only = report.digest_only.to_string();
    w.write_record([tables::SUMMARY, "decisions", "", "", &records])?;
    w.write_record([tables::SUMMARY, "input_not_recorded", "", "", &digest_only])?;
    let mut rows = |table: &str, key: &str, subkey: &str, counts: &Counts| {
        for outcome in Outcome::ALL {
            let n = counts.get(outcome);
            if n > 0 {
                w.write_record([table, key, subkey, outcome.as_str(), &n.to_string()])?;
            }
        }
        Ok::<(), ::csv::Error>(())
    };
    for (day, counts) in &report.per_day {
        rows(tables::DECISIONS_PER_DAY, day, "", counts)?;
    }
    for (country, counts) in &report.held_by_destination {
        rows(tables::HELD_BY_DESTINATION, country, "", counts)?;
    }
    for (chapter, counts) in &report.held_by_chapter {
        rows(tables::HELD_BY_HS_CHAPTER, chapter, "", counts)?;
    }
    for ((policy, rule), counts) in &report.findings {
        rows(tables::FINDINGS, policy, rule, counts)?;
    }
    for (age, counts) in &report.holds.open_by_age {
        rows(tables::HOLDS_OPEN_BY_AGE, age, "", counts)?;
    }
    for (took, counts) in &report.holds.time_to_release {
        rows(tables::TIME_TO_RELEASE, took, "", counts)?;
    }
    if let Some(minutes) = report.holds.median_minutes_to_release {
        w.write_record([
            tables::SUMMARY,
            "median_minutes_to_release",
            "",
            "",
            &minutes.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
