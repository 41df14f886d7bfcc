//! Runs every case in `tests/cases/kz-export-control/` against the policy as plain
//! Rust: the same files the end-to-end suite feeds to the real binary, so a case
//! that fails here fails there too, and is quicker to debug here.

use exportctl_sdk::{Outcome, Policy, Shipment, configure};
use kz_export_control::KzExportControl;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One case file (format: `tests/cases/README.md`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    #[serde(default)]
    settings: Option<serde_json::Value>,
    expect: Expect,
    shipment: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: Outcome,
    rules: BTreeSet<String>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/kz-export-control")
}

/// Runs one case; `Err` describes how it failed.
fn run(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let case: Case = serde_json::from_str(&text).map_err(|e| format!("not a case file: {e}"))?;
    if case.description.trim().is_empty() {
        return Err("empty description".into());
    }
    let settings = case
        .settings
        .map_or_else(|| "{}".to_owned(), |s| s.to_string());
    let policy = configure::<KzExportControl>(&settings)?;
    let shipment = Shipment::from_json(&case.shipment.to_string())
        .map_err(|e| format!("invalid shipment: {e}"))?;
    let findings = policy.evaluate(&shipment);

    let outcome = findings
        .iter()
        .map(|f| f.outcome)
        .max()
        .unwrap_or(Outcome::Allow);
    let rules: BTreeSet<String> = findings.iter().map(|f| f.rule.clone()).collect();
    if outcome != case.expect.outcome || rules != case.expect.rules {
        let got: Vec<String> = findings
            .iter()
            .map(|f| format!("{} {}: {}", f.outcome, f.rule, f.message))
            .collect();
        return Err(format!(
            "expected {} {:?}, got {outcome} {rules:?}\n    {}",
            case.expect.outcome,
            case.expect.rules,
            got.join("\n    ")
        ));
    }
    let lines: BTreeSet<u32> = shipment.lines.iter().map(|l| l.line).collect();
    for finding in &findings {
        if finding.lines.is_empty() || !finding.lines.iter().all(|l| lines.contains(l)) {
            return Err(format!(
                "finding {} names lines {:?} not in the shipment",
                finding.rule, finding.lines
            ));
        }
        if finding.legal_basis.is_empty() {
            return Err(format!("finding {} cites no legal basis", finding.rule));
        }
    }
    Ok(())
}

#[test]
fn every_case_file_matches_its_expectation() -> Result<(), String> {
    let dir = cases_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 14,
        "expected at least 14 cases in {}, found {}",
        dir.display(),
        paths.len()
    );

    let failures: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            run(path).err().map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
    Ok(())
}
