//! Runs every policy case in `tests/cases/party-screening/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when there is no finding) and the exact set of rule ids
//! are compared with the case's `expect`. Every finding must also name one party and
//! cite the list edition.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use exportctl_sdk::{Outcome, Policy, Shipment, configure};
use party_screening::PartyScreening;
use party_screening::lists::RULES;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/party-screening";

/// One case file (format: `tests/cases/README.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    #[serde(default)]
    settings: Option<serde_json::Value>,
    expect: Expect,
    shipment: serde_json::Value,
}

/// What the case expects from this policy alone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: Outcome,
    rules: BTreeSet<String>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read `{}`: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("bad case file: {e}"))
}

/// Runs one case; `Err` describes how it failed.
fn run(path: &Path) -> Result<(), String> {
    let case = read(path)?;
    if case.description.trim().is_empty() {
        return Err("empty description".into());
    }
    let settings = case
        .settings
        .as_ref()
        .map_or_else(|| "{}".to_owned(), ToString::to_string);
    let policy = configure::<PartyScreening>(&settings).map_err(|e| format!("settings: {e}"))?;
    let shipment =
        Shipment::from_json(&case.shipment.to_string()).map_err(|e| format!("shipment: {e}"))?;

    let findings = policy.evaluate(&shipment);
    let outcome = findings
        .iter()
        .map(|f| f.outcome)
        .max()
        .unwrap_or(Outcome::Allow);
    let rules: BTreeSet<String> = findings.iter().map(|f| f.rule.clone()).collect();
    if outcome != case.expect.outcome || rules != case.expect.rules {
        return Err(format!(
            "expected {} {:?}, got {outcome} {rules:?}; findings: {findings:#?}",
            case.expect.outcome, case.expect.rules
        ));
    }
    for f in &findings {
        let [party] = f.parties.as_slice() else {
            return Err(format!("finding without exactly one party: {f:#?}"));
        };
        if !f.message.starts_with(party.as_str())
            || !f.message.contains("score")
            || !f
                .legal_basis
                .contains("U.S. Consolidated Screening List generated 2026-07-31")
        {
            return Err(format!(
                "finding without party, score or list edition: {f:#?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let files = case_files();
    assert!(
        files.len() >= 15,
        "expected at least 15 cases, found {}",
        files.len()
    );
    let failures: Vec<String> = files
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
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_cases_cover_every_outcome_and_rule() {
    let mut rules = BTreeSet::new();
    let mut outcomes = BTreeSet::new();
    for path in case_files() {
        let Ok(case) = read(&path) else {
            continue;
        };
        rules.extend(case.expect.rules);
        outcomes.insert(case.expect.outcome);
    }
    assert_eq!(
        outcomes,
        [
            Outcome::Allow,
            Outcome::Review,
            Outcome::LicenceRequired,
            Outcome::Deny
        ]
        .into()
    );
    // Every rule, one per list plus the possible match, has a case.
    let all: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    let missing: Vec<&String> = all.difference(&rules).collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}
