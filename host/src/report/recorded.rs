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
    kind: Option<String>,
    #[serde(default)]
    path: String,
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
    write_text(out, &verdict_from_json(verdict, Some(host))?)
}

/// The [`Verdict`] a verdict JSON (`verdict.md`) describes, for reports and
/// counts of verdicts reached elsewhere (a record, another machine). `host`,
/// the set that reached it, supplies each policy's name and number of declared
/// limitations, which the JSON leaves out (`?` and 0 without it). The failure
/// type of a failed policy is not rebuilt, only its `policy-error` finding;
/// warnings keep their kind (`unknown-field`, `data-age`; any other kind is
/// `recorded`) and path, not their suggestion. A JSON that is not a verdict is
/// an `InvalidData` error.
pub fn verdict_from_json(verdict: &serde_json::Value, host: Option<&Host>) -> io::Result<Verdict> {
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
            let loaded =
                host.and_then(|host| host.policies.iter().find(|l| l.plugin.sha256() == p.sha256));
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
    Ok(Verdict {
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
                kind: match w.kind.as_deref() {
                    Some("unknown-field") => "unknown-field",
                    Some("data-age") => "data-age",
                    _ => "recorded",
                },
                path: w.path,
                suggestion: None,
                message: w.message,
            })
            .collect(),
        // Decisions are recorded without exemptions applied.
        exempted: Vec::new(),
        generation: host.map(|h| h.generation().clone()).unwrap_or_default(),
    })
}

fn parse_outcome(text: &str) -> Option<Outcome> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
