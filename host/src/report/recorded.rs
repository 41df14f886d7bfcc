//! A recorded verdict (the JSON a decision record holds, `verdict.md`) written
//! as the text report `check --format text` prints, without judging again.

use super::write_text;
use crate::host::Host;
use crate::policy_set::Mode;
use crate::verdict::{HOST_POLICY, PolicyFinding, PolicyReport, Verdict, Warning};
use exportctl_sdk::{Date, Finding, Outcome};
use serde::Deserialize;
use std::io::{self, Write};

/// The verdict JSON as recorded.
#[derive(Deserialize)]
struct Recorded {
    shipment: String,
    outcome: Outcome,
    as_of: String,
    date: String,
    policies: Vec<RecordedPolicy>,
    findings: Vec<RecordedFinding>,
    warnings: Vec<RecordedWarning>,
}

#[derive(Deserialize)]
struct RecordedPolicy {
    id: String,
    version: String,
    sha256: String,
    mode: Mode,
    outcome: String,
    in_force: bool,
    signed_by: String,
}

#[derive(Deserialize)]
struct RecordedFinding {
    policy: String,
    #[serde(flatten)]
    finding: Finding,
}

#[derive(Deserialize)]
struct RecordedWarning {
    message: String,
}

/// Writes the recorded `verdict` JSON as the text report. `host` is the set
/// that reached it (rebuilt from the record), which supplies what the verdict
/// JSON leaves out and the report's last line names: each policy's name and
/// number of declared limitations. A verdict JSON that is not a verdict is an
/// `InvalidData` error.
pub fn write_recorded_text(
    out: &mut impl Write,
    verdict: &serde_json::Value,
    host: &Host,
) -> io::Result<()> {
    let recorded = Recorded::deserialize(verdict).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the recorded verdict is not a verdict: {e}"),
        )
    })?;
    let date = |text: &str| {
        Date::parse(text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the recorded verdict has a bad date `{text}`"),
            )
        })
    };
    let policies: Vec<PolicyReport> = recorded
        .policies
        .iter()
        .map(|p| {
            let loaded = host.policies.iter().find(|l| l.plugin.sha256() == p.sha256);
            PolicyReport {
                id: p.id.as_str().into(),
                version: p.version.as_str().into(),
                sha256: p.sha256.as_str().into(),
                mode: p.mode,
                outcome: parse_outcome(&p.outcome).unwrap_or(Outcome::Allow),
                // The failure's type is not recorded, only its message, which the
                // text report shows through the `policy-error` finding.
                error: None,
                in_force: p.in_force,
                signed_by: p.signed_by.as_str().into(),
                name: loaded
                    .map_or("?", |l| l.plugin.metadata().name.as_str())
                    .into(),
                limitations: loaded.map_or(0, |l| l.plugin.metadata().limitations.len()),
            }
        })
        .collect();
    let findings = recorded
        .findings
        .into_iter()
        .map(|f| {
            let mode = if f.policy == HOST_POLICY {
                Mode::Enforce
            } else {
                policies
                    .iter()
                    .find(|p| *p.id == f.policy)
                    .map_or(Mode::Enforce, |p| p.mode)
            };
            PolicyFinding {
                policy: f.policy.into(),
                mode,
                finding: f.finding,
            }
        })
        .collect();
    let verdict = Verdict {
        shipment: recorded.shipment,
        outcome: recorded.outcome,
        as_of: date(&recorded.as_of)?,
        date: date(&recorded.date)?,
        policies,
        findings,
        warnings: recorded
            .warnings
            .into_iter()
            .map(|w| Warning {
                kind: "recorded",
                path: String::new(),
                suggestion: None,
                message: w.message,
            })
            .collect(),
        generation: host.generation().clone(),
    };
    write_text(out, &verdict)
}

fn parse_outcome(text: &str) -> Option<Outcome> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
