//! Counts over the decision records of a time range: decisions per day by outcome, held
//! decisions by destination and by HS chapter, findings by policy and rule.
//!
//! Records are streamed from the store one at a time and read from their own (hashed)
//! bytes: the store's index columns only locate records, they are never counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::any_record::AnyRecord;
use crate::record::{DecisionRecord, RecordKind, RecordedInput};
use crate::store::{Store, StoreError};

/// The key under which a record kept with `store_input = "digest"` is counted for destination
/// and HS chapter: its shipment was not recorded, but its decision still counts.
pub const NOT_RECORDED: &str = "not recorded";

/// A verdict outcome, in the order of severity of `verdict.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// `allow`.
    Allow,
    /// `review`.
    Review,
    /// `licence_required`.
    LicenceRequired,
    /// `deny`.
    Deny,
}

impl Outcome {
    /// Every outcome, least severe first.
    pub const ALL: [Outcome; 4] = [
        Outcome::Allow,
        Outcome::Review,
        Outcome::LicenceRequired,
        Outcome::Deny,
    ];

    /// The outcome as the verdict spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::Review => "review",
            Outcome::LicenceRequired => "licence_required",
            Outcome::Deny => "deny",
        }
    }

    /// Parses the verdict's spelling.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counts by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([u64; 4]);

impl Counts {
    /// The count for `outcome`.
    pub fn get(&self, outcome: Outcome) -> u64 {
        self.0[outcome as usize]
    }

    /// Counts one more `outcome`.
    pub fn add(&mut self, outcome: Outcome) {
        self.0[outcome as usize] += 1;
    }

    /// The sum over all outcomes.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// A time range `[from, to)` over record times, either bound optional: the same range
/// `audit export` takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeRange {
    from: Option<String>,
    to: Option<String>,
}

impl TimeRange {
    /// Parses the bounds: RFC 3339 times (`2026-12-01T08:00:00Z`, any offset) or dates
    /// (`2026-12-01`, midnight UTC). `from` must be before `to`.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<TimeRange, ReportError> {
        let from = from.map(|t| record_time("--from", t)).transpose()?;
        let to = to.map(|t| record_time("--to", t)).transpose()?;
        if let (Some(f), Some(t)) = (&from, &to)
            && f >= t
        {
            return Err(ReportError::EmptyRange {
                from: f.clone(),
                to: t.clone(),
            });
        }
        Ok(TimeRange { from, to })
    }

    /// The lower bound (inclusive) in the record time format, if any.
    pub fn from(&self) -> Option<&str> {
        self.from.as_deref()
    }

    /// The upper bound (exclusive) in the record time format, if any.
    pub fn to(&self) -> Option<&str> {
        self.to.as_deref()
    }

    /// Whether a record time (record format) is in the range.
    fn contains(&self, time: &str) -> bool {
        self.from.as_deref().is_none_or(|f| time >= f)
            && self.to.as_deref().is_none_or(|t| time < t)
    }
}

/// Parses a time given by the user (or read from a record) into the fixed-width record
/// format `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so times compare as strings.
fn record_time(field: &'static str, text: &str) -> Result<String, ReportError> {
    let bad = |reason: String| ReportError::BadTime {
        field,
        value: text.to_owned(),
        reason,
    };
    let ts = match text.parse::<jiff::Timestamp>() {
        Ok(ts) => ts,
        Err(e) => match text.parse::<jiff::civil::Date>() {
            Ok(date) if text.len() == 10 => format!("{date}T00:00:00Z")
                .parse::<jiff::Timestamp>()
                .map_err(|e| bad(e.to_string()))?,
            _ => return Err(bad(e.to_string())),
        },
    };
    Ok(format!(
        "{}.{:06}Z",
        ts.strftime("%Y-%m-%dT%H:%M:%S"),
        ts.subsec_microsecond()
    ))
}

/// The newest checkpoint note in the store, as stored (the report does not verify it;
/// `audit verify` does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The note's origin line (the log's name).
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash, base64 as in the note.
    pub root: String,
}

/// The counts of one report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The store's name.
    pub store: String,
    /// The range counted.
    pub range: TimeRange,
    /// Decision records in the range.
    pub records: u64,
    /// Of those, records kept with `store_input = "digest"` (no shipment).
    pub digest_only: u64,
    /// Decisions per UTC day (`YYYY-MM-DD`) by outcome.
    pub per_day: BTreeMap<String, Counts>,
    /// Held decisions (outcome not allow) by destination country (or [`NOT_RECORDED`]).
    pub held_by_destination: BTreeMap<String, Counts>,
    /// Held decisions by HS chapter (two digits, or [`NOT_RECORDED`]); a shipment with
    /// several lines in one chapter counts once for it.
    pub held_by_chapter: BTreeMap<String, Counts>,
    /// Findings by (policy, rule), by the finding's outcome.
    pub findings: BTreeMap<(String, String), Counts>,
    /// What each (policy, rule) of [`Report::findings`] catches, where the caller
    /// knows it (from the rules the policies declare); the records do not say, so
    /// [`aggregate`] leaves this empty. Shown in the HTML report only.
    pub rule_descriptions: BTreeMap<(String, String), String>,
    /// The newest checkpoint of the whole store, if any.
    pub checkpoint: Option<StoredCheckpoint>,
    /// Records in the whole store (in any range), to compare with the checkpoint's size.
    pub store_records: u64,
    /// Holds still open at the end of the range by age, and times to release.
    pub holds: super::holds::HoldFigures,
}

/// A report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A time bound is not a time.
    #[error(
        "{field}: `{value}` is not an RFC 3339 time or a date (e.g. 2026-12-01T00:00:00Z): {reason}"
    )]
    BadTime {
        /// `--from` or `--to`.
        field: &'static str,
        /// The value given.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// `from` is not before `to`.
    #[error("--from {from} is not before --to {to}: the range is empty")]
    EmptyRange {
        /// Lower bound.
        from: String,
        /// Upper bound.
        to: String,
    },
    /// A stored record lacks a field the report counts, or has it in the wrong shape.
    #[error(
        "audit store {store}: record at leaf index {index}: {field}: {reason}; run audit verify"
    )]
    Record {
        /// The store.
        store: String,
        /// Leaf index.
        index: u64,
        /// Field path in the record.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The newest checkpoint note is not a checkpoint.
    #[error("audit store {store}: checkpoint at size {size}: {reason}; run audit verify")]
    Checkpoint {
        /// The store.
        store: String,
        /// Its stored tree size.
        size: u64,
        /// What is wrong.
        reason: String,
    },
}

/// Counts the decision records of `store` whose time is in `range`, streaming them in leaf
/// order. Records of other kinds (party screenings) are skipped: they are no verdicts.
pub fn aggregate(store: &Store, range: &TimeRange) -> Result<Report, ReportError> {
    let mut report = Report {
        store: store.name().to_owned(),
        range: range.clone(),
        checkpoint: latest_checkpoint(store)?,
        store_records: store.record_count()?,
        ..Report::default()
    };
    // The whole log is read and each record's own time decides, not the `time` column.
    let mut holds = super::holds::HoldTracker::default();
    let name = report.store.clone();
    store.for_each_record(None, None, |rec| {
        let bad = |field: &str, reason: String| ReportError::Record {
            store: name.clone(),
            index: rec.index,
            field: field.into(),
            reason,
        };
        let kind = AnyRecord::kind_of(&rec.bytes).map_err(|e| bad("kind", e.to_string()))?;
        match kind {
            RecordKind::Decision => {
                let record =
                    DecisionRecord::decode(&rec.bytes).map_err(|e| bad("record", e.to_string()))?;
                report.count(rec.index, &record)?;
                let time = timestamp(&record.time).map_err(|r| bad("time", r))?;
                let outcome =
                    outcome_of(&record.verdict, "verdict").map_err(|(f, r)| bad(&f, r))?;
                holds.opened(
                    record.decision_id.to_string(),
                    time,
                    outcome,
                    report.range.contains(&record_time("time", &record.time)?),
                );
            }
            RecordKind::HoldAction => {
                let action = crate::HoldActionRecord::decode(&rec.bytes)
                    .map_err(|e| bad("record", e.to_string()))?;
                let time = timestamp(&action.time).map_err(|r| bad("time", r))?;
                holds.acted(
                    &action.hold.to_string(),
                    time,
                    &action.to,
                    report.range.contains(&record_time("time", &action.time)?),
                );
            }
            // Party screenings and exemptions are no verdicts.
            RecordKind::Screening | RecordKind::Exemption => {}
        }
        Ok::<(), ReportError>(())
    })??;
    // Open holds are aged as of the end of the range, or now.
    let end = match report.range.to() {
        Some(to) => timestamp(to).map_err(|reason| ReportError::BadTime {
            field: "--to",
            value: to.to_owned(),
            reason,
        })?,
        None => jiff::Timestamp::now(),
    };
    report.holds = holds.figures(end);
    Ok(report)
}

fn timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    text.parse().map_err(|e: jiff::Error| e.to_string())
}

impl Report {
    /// Adds one record, if it is in the range.
    fn count(&mut self, index: u64, record: &DecisionRecord) -> Result<(), ReportError> {
        let bad = |field: &str, reason: &str| ReportError::Record {
            store: self.store.clone(),
            index,
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        let time = record_time("time", &record.time).map_err(|e| match e {
            ReportError::BadTime { value, reason, .. } => bad(
                "time",
                &format!("`{value}` is not an RFC 3339 time: {reason}"),
            ),
            other => bad("time", &other.to_string()),
        })?;
        if !self.range.contains(&time) {
            return Ok(());
        }
        let outcome = outcome_of(&record.verdict, "verdict").map_err(|(f, r)| bad(&f, &r))?;
        let findings = findings_of(&record.verdict).map_err(|(f, r)| bad(&f, &r))?;
        let held = match &record.input {
            _ if outcome == Outcome::Allow => None,
            RecordedInput::Full { shipment, .. } => {
                Some(shipment_keys(shipment).map_err(|(f, r)| bad(&f, &r))?)
            }
            RecordedInput::Digest { .. } => Some((
                NOT_RECORDED.to_owned(),
                BTreeSet::from([NOT_RECORDED.to_owned()]),
            )),
        };
        self.records += 1;
        if matches!(record.input, RecordedInput::Digest { .. }) {
            self.digest_only += 1;
        }
        self.per_day
            .entry(time[..10].to_owned())
            .or_default()
            .add(outcome);
        if let Some((destination, chapters)) = held {
            self.held_by_destination
                .entry(destination)
                .or_default()
                .add(outcome);
            for chapter in chapters {
                self.held_by_chapter
                    .entry(chapter)
                    .or_default()
                    .add(outcome);
            }
        }
        for (policy, rule, outcome) in findings {
            self.findings
                .entry((policy, rule))
                .or_default()
                .add(outcome);
        }
        Ok(())
    }
}

/// A field path and what is wrong with it.
type FieldProblem = (String, String);

fn outcome_of(object: &Value, path: &str) -> Result<Outcome, FieldProblem> {
    let field = format!("{path}.outcome");
    match object.get("outcome") {
        Some(Value::String(s)) => {
            Outcome::parse(s).ok_or_else(|| (field, format!("`{s}` is not an outcome")))
        }
        _ => Err((field, "missing or not a string".into())),
    }
}

fn string_at(object: &Value, path: &str, key: &str) -> Result<String, FieldProblem> {
    match object.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err((format!("{path}.{key}"), "missing or not a string".into())),
    }
}

/// Every finding of a verdict: (policy, rule, outcome).
fn findings_of(verdict: &Value) -> Result<Vec<(String, String, Outcome)>, FieldProblem> {
    let Some(Value::Array(findings)) = verdict.get("findings") else {
        return Err(("verdict.findings".into(), "missing or not a list".into()));
    };
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = format!("verdict.findings[{i}]");
            Ok((
                string_at(f, &path, "policy")?,
                string_at(f, &path, "rule")?,
                outcome_of(f, &path)?,
            ))
        })
        .collect()
}

/// A country code: a string (`"KZ"`) or, as the host's validated shipment encodes it
/// today, its two ASCII bytes (`[75, 90]`).
fn country_at(object: &Value, path: &str, key: &str) -> Result<String, FieldProblem> {
    let field = || format!("{path}.{key}");
    let code = match object.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(bytes)) => bytes
            .iter()
            .map(|b| {
                b.as_u64()
                    .and_then(|b| u8::try_from(b).ok())
                    .map(char::from)
            })
            .collect::<Option<String>>()
            .ok_or_else(|| (field(), "not a country code".to_owned()))?,
        _ => return Err((field(), "missing or not a country code".into())),
    };
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err((
            field(),
            format!("`{code}` is not a two-letter country code"),
        ));
    }
    Ok(code.to_ascii_uppercase())
}

/// The destination country and the set of HS chapters of a recorded shipment.
fn shipment_keys(shipment: &Value) -> Result<(String, BTreeSet<String>), FieldProblem> {
    let path = "input.shipment";
    let destination = country_at(shipment, path, "destination_country")?;
    let Some(Value::Array(lines)) = shipment.get("lines") else {
        return Err((format!("{path}.lines"), "missing or not a list".into()));
    };
    if lines.is_empty() {
        return Err((format!("{path}.lines"), "no lines".into()));
    }
    let mut chapters = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let line_path = format!("{path}.lines[{i}]");
        let code = string_at(line, &line_path, "hs_code")?;
        // The validated shipment keeps digits only; dots and spaces are tolerated as on input.
        let digits: String = code.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        if digits.len() < 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err((
                format!("{line_path}.hs_code"),
                format!("`{code}` is not a 6–10 digit HS code"),
            ));
        }
        chapters.insert(digits[..2].to_owned());
    }
    Ok((destination, chapters))
}

/// The newest stored checkpoint note, parsed but not verified.
fn latest_checkpoint(store: &Store) -> Result<Option<StoredCheckpoint>, ReportError> {
    let Some((size, note)) = store.checkpoint_notes()?.pop() else {
        return Ok(None);
    };
    let bad = |reason: &str| ReportError::Checkpoint {
        store: store.name().to_owned(),
        size,
        reason: reason.to_owned(),
    };
    let mut lines = note.lines();
    let origin = lines.next().ok_or_else(|| bad("no origin line"))?;
    let note_size = lines
        .next()
        .and_then(|l| l.parse::<u64>().ok())
        .ok_or_else(|| bad("tree size is not a number"))?;
    if note_size != size {
        return Err(bad(&format!("the note says tree size {note_size}")));
    }
    let root = lines.next().ok_or_else(|| bad("no root hash line"))?;
    Ok(Some(StoredCheckpoint {
        origin: origin.to_owned(),
        size,
        root: root.to_owned(),
    }))
}
