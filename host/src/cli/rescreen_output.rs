//! Where `exportctl rescreen` writes what changed (`sdk/spec/rescreen.md`):
//! JSON Lines (one change per line), CSV (one row per change) or text, and the
//! tally behind the summary and the exit status.

use super::rescreen_delta::{FindingKey, MatchChange, MatchDelta, OrderDelta};
use super::{ExitStatus, RescreenFormat};
use exportctl::{Mode, PartyRecord, ScreeningFailure, Verdict};
use exportctl_sdk::Outcome;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The CSV header (`rescreen.md`).
pub(super) const CSV_COLUMNS: [&str; 15] = [
    "kind",
    "id",
    "name",
    "change",
    "policy",
    "rule",
    "outcome",
    "previous_outcome",
    "list",
    "entry",
    "listed_name",
    "edition",
    "score",
    "previous_score",
    "message",
];

/// One line of the output.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Change<'a> {
    /// A party's match that changed (or, with `--full`, did not).
    Party {
        party: &'a str,
        role: &'a str,
        name: &'a str,
        country: &'a str,
        change: &'static str,
        policy: &'a str,
        version: &'a str,
        /// The policy's mode: a monitor policy's matches are shown, not counted.
        mode: Mode,
        rule: &'a str,
        outcome: Option<Outcome>,
        previous_outcome: Option<Outcome>,
        list: &'a str,
        entry: &'a str,
        listed_name: &'a str,
        edition: Option<&'a str>,
        previous_edition: Option<&'a str>,
        score: Option<f64>,
        previous_score: Option<f64>,
        message: &'a str,
        legal_basis: &'a str,
    },
    /// A party a policy could not screen (now, or in the comparison).
    PartyFailed {
        party: &'a str,
        name: &'a str,
        /// `current` or `previous`.
        side: &'static str,
        policy: &'a str,
        outcome: Option<Outcome>,
        reason: &'a str,
    },
    /// An order whose judgement changed (or, with `--full`, did not).
    Order {
        shipment: &'a str,
        change: &'static str,
        outcome: Outcome,
        previous_outcome: Option<Outcome>,
        new_findings: &'a [FindingKey],
        cleared_findings: &'a [FindingKey],
    },
}

impl<'a> Change<'a> {
    /// A match's change for `party`.
    pub(super) fn party(party: &'a PartyRecord, d: &MatchDelta<'a>) -> Change<'a> {
        let m = d.shown;
        Change::Party {
            party: &party.id,
            role: &party.role,
            name: &party.name,
            country: party.country.as_str(),
            change: d.change.as_str(),
            policy: &m.policy,
            version: &m.version,
            mode: m.mode,
            rule: &m.rule,
            outcome: d.now.map(|m| m.outcome),
            previous_outcome: d.before.map(|m| m.outcome),
            list: &m.list,
            entry: &m.entry,
            listed_name: &m.listed_name,
            edition: d.now.map(|m| m.edition.as_str()),
            previous_edition: d.before.map(|m| m.edition.as_str()),
            score: d.now.map(|m| round(m.score)),
            previous_score: d.before.map(|m| round(m.score)),
            message: &m.message,
            legal_basis: &m.legal_basis,
        }
    }

    /// A policy's failure to screen `party`.
    pub(super) fn failed(
        party: &'a PartyRecord,
        side: &'static str,
        failure: &'a ScreeningFailure,
        outcome: Option<Outcome>,
    ) -> Change<'a> {
        Change::PartyFailed {
            party: &party.id,
            name: &party.name,
            side,
            policy: &failure.policy,
            outcome,
            reason: &failure.reason,
        }
    }

    /// An order's change.
    pub(super) fn order(verdict: &'a Verdict, d: &'a OrderDelta) -> Change<'a> {
        Change::Order {
            shipment: &verdict.shipment,
            change: d.change,
            outcome: verdict.outcome,
            previous_outcome: d.previous_outcome,
            new_findings: &d.new,
            cleared_findings: &d.cleared,
        }
    }

    /// The outcome this change asks a person to act on: the current outcome of
    /// a new, changed or failed item; nothing for a cleared match.
    pub(super) fn needs(&self) -> Option<Outcome> {
        match self {
            Change::Party { outcome, mode, .. } => outcome.filter(|_| *mode == Mode::Enforce),
            Change::PartyFailed { outcome, .. } => *outcome,
            Change::Order { outcome, .. } => Some(*outcome),
        }
    }
}

/// Scores as printed: 3 places, as the plugins' messages give them.
fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// The writer of one run.
pub(super) enum Output {
    Jsonl(BufWriter<Box<dyn Write>>),
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Text(BufWriter<Box<dyn Write>>),
}

impl Output {
    /// Creates `out` or writes to standard output.
    pub(super) fn open(out: Option<&Path>, format: RescreenFormat) -> io::Result<Output> {
        let sink: Box<dyn Write> = match out {
            Some(path) => Box::new(File::create(path)?),
            None => Box::new(io::stdout()),
        };
        Ok(match format {
            RescreenFormat::Jsonl => Output::Jsonl(BufWriter::new(sink)),
            RescreenFormat::Text => Output::Text(BufWriter::new(sink)),
            RescreenFormat::Csv => {
                let mut writer = csv::Writer::from_writer(sink);
                writer.write_record(CSV_COLUMNS).map_err(io::Error::other)?;
                Output::Csv(Box::new(writer))
            }
        })
    }

    /// Writes one change.
    pub(super) fn write(&mut self, change: &Change<'_>) -> io::Result<()> {
        match self {
            Output::Jsonl(w) => {
                serde_json::to_writer(&mut *w, change)?;
                w.write_all(b"\n")
            }
            Output::Csv(w) => w.write_record(csv_row(change)).map_err(io::Error::other),
            Output::Text(w) => writeln!(w, "{}", text(change)),
        }
    }

    /// Flushes what is buffered.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        match self {
            Output::Jsonl(w) | Output::Text(w) => w.flush(),
            Output::Csv(w) => w.flush(),
        }
    }
}

fn outcome_text(o: Option<Outcome>) -> String {
    o.map(|o| o.to_string()).unwrap_or_default()
}

fn score_text(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.3}")).unwrap_or_default()
}

fn rules(findings: &[FindingKey]) -> String {
    let mut rules: Vec<String> = findings
        .iter()
        .map(|f| format!("{}/{}", f.policy, f.rule))
        .collect();
    rules.dedup();
    rules.join(";")
}

fn csv_row(change: &Change<'_>) -> Vec<String> {
    match change {
        Change::Party {
            party,
            name,
            change,
            policy,
            rule,
            outcome,
            previous_outcome,
            list,
            entry,
            listed_name,
            edition,
            previous_edition,
            score,
            previous_score,
            message,
            ..
        } => vec![
            "party".into(),
            (*party).into(),
            (*name).into(),
            (*change).into(),
            (*policy).into(),
            (*rule).into(),
            outcome_text(*outcome),
            outcome_text(*previous_outcome),
            (*list).into(),
            (*entry).into(),
            (*listed_name).into(),
            edition.or(*previous_edition).unwrap_or_default().into(),
            score_text(*score),
            score_text(*previous_score),
            (*message).into(),
        ],
        Change::PartyFailed {
            party,
            name,
            side,
            policy,
            outcome,
            reason,
        } => {
            let mut row = vec![String::new(); CSV_COLUMNS.len()];
            row[0] = "party".into();
            row[1] = (*party).into();
            row[2] = (*name).into();
            row[3] = format!("failed_{side}");
            row[4] = (*policy).into();
            row[6] = outcome_text(*outcome);
            row[14] = (*reason).into();
            row
        }
        Change::Order {
            shipment,
            change,
            outcome,
            previous_outcome,
            new_findings,
            cleared_findings,
        } => {
            let mut row = vec![String::new(); CSV_COLUMNS.len()];
            row[0] = "order".into();
            row[1] = (*shipment).into();
            row[3] = (*change).into();
            row[5] = rules(new_findings);
            row[6] = outcome.to_string();
            row[7] = outcome_text(*previous_outcome);
            if !cleared_findings.is_empty() {
                row[14] = format!("cleared: {}", rules(cleared_findings));
            }
            row
        }
    }
}

fn text(change: &Change<'_>) -> String {
    match change {
        Change::Party {
            party,
            name,
            country,
            change,
            policy,
            outcome,
            previous_outcome,
            list,
            entry,
            listed_name,
            score,
            previous_score,
            ..
        } => {
            let what = change.replace('_', " ").to_uppercase();
            let outcomes = match (previous_outcome, outcome) {
                (Some(b), Some(n)) if b != n => format!("{b} → {n}"),
                (_, Some(n)) => n.to_string(),
                (Some(b), None) => format!("was {b}"),
                (None, None) => String::new(),
            };
            let scores = match (previous_score, score) {
                (Some(b), Some(n)) if (b - n).abs() >= 0.0005 => format!("score {b:.3} → {n:.3}"),
                (_, Some(n)) => format!("score {n:.3}"),
                (Some(b), None) => format!("was score {b:.3}"),
                (None, None) => String::new(),
            };
            format!(
                "{party} {name} ({country}): {what} {outcomes}: `{listed_name}` on {list}, entry {entry}, {scores} [{policy}]"
            )
        }
        Change::PartyFailed {
            party,
            name,
            side,
            policy,
            reason,
            ..
        } => format!("{party} {name}: NOT SCREENED ({side}) by {policy}: {reason}"),
        Change::Order {
            shipment,
            change,
            outcome,
            previous_outcome,
            new_findings,
            cleared_findings,
        } => {
            let mut line = format!(
                "order {shipment}: {} {}{outcome}",
                change.replace('_', " ").to_uppercase(),
                previous_outcome
                    .map(|b| format!("{b} → "))
                    .unwrap_or_default()
            );
            for f in *new_findings {
                line.push_str(&format!(
                    "\n  + {} {}/{}: {}",
                    f.outcome, f.policy, f.rule, f.message
                ));
            }
            for f in *cleared_findings {
                line.push_str(&format!("\n  - {} {}/{}", f.outcome, f.policy, f.rule));
            }
            line
        }
    }
}

/// Counts for the summary and the exit status.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) parties: u64,
    pub(super) invalid: u64,
    pub(super) by_change: std::collections::BTreeMap<&'static str, u64>,
    pub(super) failed: u64,
    pub(super) orders: u64,
    pub(super) orders_invalid: u64,
    pub(super) order_changes: std::collections::BTreeMap<&'static str, u64>,
    pub(super) worst: Option<Outcome>,
}

impl Tally {
    /// Counts a written change.
    pub(super) fn count(&mut self, change: &Change<'_>) {
        match change {
            Change::Party { change, .. } => *self.by_change.entry(change).or_default() += 1,
            Change::PartyFailed { .. } => self.failed += 1,
            Change::Order { change, .. } => *self.order_changes.entry(change).or_default() += 1,
        }
        if let Some(needs) = change.needs() {
            self.worst = self.worst.max(Some(needs));
        }
    }

    /// The run's exit status: invalid input first, else the worst outcome of
    /// what is reported (`rescreen.md`).
    pub(super) fn exit_status(&self) -> ExitStatus {
        if self.invalid > 0 || self.orders_invalid > 0 {
            return ExitStatus::InvalidInput;
        }
        ExitStatus::from_outcome(self.worst.unwrap_or(Outcome::Allow))
    }

    /// The summary printed on standard error.
    pub(super) fn summary(&self) -> String {
        let count = |map: &std::collections::BTreeMap<&'static str, u64>, key: &str| {
            map.get(key).copied().unwrap_or(0)
        };
        let mut s = String::new();
        if self.parties + self.invalid > 0 {
            s.push_str(&format!(
                "parties: {} screened, {} invalid; {} new matches, {} cleared, {} outcomes changed, {} scores changed, {} not screened",
                self.parties,
                self.invalid,
                count(&self.by_change, MatchChange::New.as_str()),
                count(&self.by_change, MatchChange::Cleared.as_str()),
                count(&self.by_change, MatchChange::OutcomeChanged.as_str()),
                count(&self.by_change, MatchChange::ScoreChanged.as_str()),
                self.failed,
            ));
            let unchanged = count(&self.by_change, MatchChange::Unchanged.as_str());
            if unchanged > 0 {
                s.push_str(&format!(", {unchanged} unchanged"));
            }
            s.push('\n');
        }
        if self.orders + self.orders_invalid > 0 {
            s.push_str(&format!(
                "orders: {} judged, {} invalid; {} outcomes changed, {} findings changed, {} not judged before",
                self.orders,
                self.orders_invalid,
                count(&self.order_changes, "outcome_changed"),
                count(&self.order_changes, "findings_changed"),
                count(&self.order_changes, "not_judged_before"),
            ));
            let unchanged = count(&self.order_changes, "unchanged");
            if unchanged > 0 {
                s.push_str(&format!(", {unchanged} unchanged"));
            }
            s.push('\n');
        }
        s
    }
}
