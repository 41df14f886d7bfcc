//! What `exportctl batch` says on standard error: the errors of invalid inputs
//! and the warnings `check` prints as they come, and at the end a summary
//! that counts every input — by outcome, the most frequent rules, and each
//! invalid input with its first error.

use super::ExitStatus;
use super::batch::Judged;
use exportctl_sdk::Outcome;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// Rules named in the summary.
const TOP_RULES: usize = 5;
/// Invalid inputs named in the summary; the rest are counted.
const INVALID_NAMED: usize = 20;

/// The counts of a run.
#[derive(Default)]
pub(super) struct Tally {
    by_outcome: [usize; 4],
    worst: Option<Outcome>,
    /// Verdicts taken from the output of the run resumed.
    resumed: usize,
    /// Shipments per rule id (a rule counted once per shipment).
    rules: HashMap<String, usize>,
    invalid: usize,
    /// The first error of each of the first invalid inputs.
    invalid_first: Vec<String>,
    /// Data-age warnings already printed: once per source, as `check`.
    data_age_said: HashSet<String>,
}

impl Tally {
    /// Whether counting `judged` prints something (a progress bar is
    /// suspended meanwhile).
    pub(super) fn prints(judged: &Judged) -> bool {
        match judged {
            Judged::Verdict { verdict, .. } => !verdict.warnings.is_empty(),
            Judged::Invalid(_) => true,
            Judged::Resumed(_) | Judged::NotRecorded(_) => false,
        }
    }

    /// Counts one input, printing its errors or warnings.
    pub(super) fn count(&mut self, judged: &Judged) {
        match judged {
            Judged::Verdict { label, verdict, .. } => {
                for w in verdict
                    .warnings
                    .iter()
                    .filter(|w| w.kind == "unknown-field")
                {
                    eprintln!("warning: {label}: {}", w.message);
                }
                for w in verdict.warnings.iter().filter(|w| w.kind == "data-age") {
                    let source = w.message.split_once(": ").map_or(&*w.message, |(s, _)| s);
                    if self.data_age_said.insert(source.to_owned()) {
                        eprintln!("warning: {}: {}", verdict.shipment, w.message);
                    }
                }
                let mut rules: Vec<&str> = verdict.findings.iter().map(|f| f.rule()).collect();
                rules.sort_unstable();
                rules.dedup();
                self.outcome(verdict.outcome, rules);
            }
            Judged::Resumed(resumed) => {
                self.resumed += 1;
                self.outcome(
                    resumed.outcome,
                    resumed.rules.iter().map(String::as_str).collect(),
                );
            }
            // Never released: the run stops on it.
            Judged::NotRecorded(_) => {}
            Judged::Invalid(messages) => {
                for line in messages {
                    eprintln!("error: {line}");
                }
                self.invalid += 1;
                if self.invalid_first.len() < INVALID_NAMED {
                    self.invalid_first
                        .push(messages.first().cloned().unwrap_or_default());
                }
            }
        }
    }

    fn outcome(&mut self, outcome: Outcome, rules: Vec<&str>) {
        let i = match outcome {
            Outcome::Allow => 0,
            Outcome::Review => 1,
            Outcome::LicenceRequired => 2,
            Outcome::Deny => 3,
        };
        self.by_outcome[i] += 1;
        self.worst = self.worst.max(Some(outcome));
        for rule in rules {
            *self.rules.entry(rule.to_owned()).or_default() += 1;
        }
    }

    /// Invalid input wins, then the worst outcome (`check`'s statuses).
    pub(super) fn status(&self) -> ExitStatus {
        if self.invalid > 0 {
            ExitStatus::InvalidInput
        } else {
            ExitStatus::from_outcome(self.worst.unwrap_or(Outcome::Allow))
        }
    }

    /// The summary, a few lines.
    pub(super) fn print(&self, out: &mut impl Write) {
        let _ = self.write(out);
    }

    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let [allow, review, licence, deny] = self.by_outcome;
        let judged: usize = self.by_outcome.iter().sum();
        writeln!(
            out,
            "summary: {} inputs: {judged} judged ({} from the earlier run): {allow} allow, {review} review, {licence} licence_required, {deny} deny; {} invalid",
            judged + self.invalid,
            self.resumed,
            self.invalid
        )?;
        let mut rules: Vec<(&String, &usize)> = self.rules.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (rule, shipments) in rules.into_iter().take(TOP_RULES) {
            writeln!(out, "summary: rule {rule}: {shipments} shipments")?;
        }
        for first in &self.invalid_first {
            writeln!(out, "summary: invalid: {first}")?;
        }
        if self.invalid > self.invalid_first.len() {
            writeln!(
                out,
                "summary: invalid: and {} more",
                self.invalid - self.invalid_first.len()
            )?;
        }
        Ok(())
    }
}
