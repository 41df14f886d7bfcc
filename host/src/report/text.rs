//! Verdicts as a readable report: the outcome first, then each finding with the
//! law it rests on.

use crate::verdict::Verdict;
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
        let monitor = verdict
            .policies
            .iter()
            .any(|p| p.id == f.policy && p.mode == crate::policy_set::Mode::Monitor);
        writeln!(
            out,
            "  - {} [{}/{}]{}",
            f.outcome.as_str().to_uppercase(),
            f.policy,
            f.rule,
            if monitor {
                " (monitor mode: not counted)"
            } else {
                ""
            }
        )?;
        writeln!(out, "    {}", f.message)?;
        let mut about = Vec::new();
        if !f.lines.is_empty() {
            about.push(format!(
                "lines {}",
                f.lines
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !f.parties.is_empty() {
            about.push(format!("parties {}", f.parties.join(", ")));
        }
        if !about.is_empty() {
            writeln!(out, "    concerns: {}", about.join("; "))?;
        }
        writeln!(out, "    legal basis: {}", f.legal_basis)?;
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
            format!("{} {} ({state})", p.id, p.version)
        })
        .collect();
    writeln!(out, "  policies: {}", policies.join(", "))?;
    Ok(())
}
