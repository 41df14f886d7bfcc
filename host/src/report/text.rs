//! Verdicts as a readable report: the outcome first, then each finding with the
//! law it rests on (exempted ones marked as not counted), warnings, the
//! policies, and last what the set did not check.

use crate::policy_set::Mode;
use crate::verdict::{PolicyFinding, Verdict};
use std::io::Write;

/// Writes `verdict` for a person to read.
pub fn write_text(out: &mut impl Write, verdict: &Verdict) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {}  (law as of {})",
        verdict.shipment,
        verdict.outcome.as_str().to_uppercase(),
        verdict.as_of
    )?;
    if verdict.findings.is_empty() {
        writeln!(out, "  no findings")?;
    }
    for f in &verdict.findings {
        let note = if f.mode == Mode::Monitor {
            " (monitor mode: not counted)".to_owned()
        } else {
            String::new()
        };
        write_finding(out, f, &note)?;
    }
    for e in &verdict.exempted {
        let note = format!(" (exempted by {}: not counted)", e.exemption);
        write_finding(out, &e.finding, &note)?;
    }
    for w in &verdict.warnings {
        writeln!(out, "  warning: {}", w.message)?;
    }
    let policies: Vec<String> = verdict
        .policies
        .iter()
        .map(|p| {
            let state = if p.in_force {
                p.outcome.as_str()
            } else {
                "not in force"
            };
            let monitor = if p.mode == Mode::Monitor {
                ", monitor"
            } else {
                ""
            };
            format!("{} {} ({state}{monitor})", p.id, p.version)
        })
        .collect();
    writeln!(out, "  policies: {}", policies.join(", "))?;
    writeln!(out, "  {}", not_checked(verdict))?;
    Ok(())
}

/// One finding: outcome, policy and rule (and `note`), message, what it
/// concerns, its law.
fn write_finding(out: &mut impl Write, f: &PolicyFinding, note: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "  - {} [{}/{}]{note}",
        f.outcome().as_str().to_uppercase(),
        f.policy,
        f.rule(),
    )?;
    writeln!(out, "    {}", f.message())?;
    let mut about = Vec::new();
    if !f.get_lines().is_empty() {
        about.push(format!(
            "lines {}",
            f.get_lines()
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !f.get_parties().is_empty() {
        about.push(format!("parties {}", f.get_parties().join(", ")));
    }
    if !about.is_empty() {
        writeln!(out, "    concerns: {}", about.join("; "))?;
    }
    writeln!(out, "    legal basis: {}", f.get_legal_basis())
}

/// The report's last line: what the verdict does not cover. Only the law the
/// enforce-mode policies in force encode was checked, and each declares what it
/// leaves out; an allow says nothing about the rest.
fn not_checked(verdict: &Verdict) -> String {
    let judged: Vec<_> = verdict
        .policies
        .iter()
        .filter(|p| p.in_force && p.mode == Mode::Enforce)
        .collect();
    if judged.is_empty() {
        return "not checked: everything — no enforce-mode policy in force judged this shipment"
            .to_owned();
    }
    let names: Vec<String> = judged
        .iter()
        .map(|p| format!("{} ({})", p.id, p.name))
        .collect();
    let limitations: usize = judged.iter().map(|p| p.limitations).sum();
    let mut line = format!(
        "not checked: any law beyond {}; nor the {limitations} limitations these policies declare (`exportctl policies` lists them)",
        names.join(", ")
    );
    let others: Vec<&str> = verdict
        .policies
        .iter()
        .filter(|p| !(p.in_force && p.mode == Mode::Enforce))
        .map(|p| &*p.id)
        .collect();
    if !others.is_empty() {
        line.push_str(&format!("; not counted: {}", others.join(", ")));
    }
    line
}
