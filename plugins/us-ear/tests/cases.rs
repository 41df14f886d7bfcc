//! Runs every policy case in `tests/cases/us-ear/` against the policy as plain Rust:
//! settings through `configure`, the shipment through the SDK's input validation, then the
//! worst outcome (allow when there is no finding) and the exact set of rule ids are
//! compared with the case's `expect`. The end-to-end suite feeds the same files to the real
//! binary, so a case that fails here fails there too, and is quicker to debug here.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use exportctl_sdk::{Outcome, Policy, Shipment, configure};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use us_ear::UsEar;

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/us-ear";

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

fn read_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("bad case file: {e}"))
}

/// Runs one case; `Err` describes how it failed.
fn run(path: &Path) -> Result<(), String> {
    let case = read_case(path)?;
    if case.description.trim().is_empty() {
        return Err("empty description".into());
    }
    let settings = case
        .settings
        .as_ref()
        .map_or_else(|| "{}".to_owned(), ToString::to_string);
    let policy = configure::<UsEar>(&settings).map_err(|e| format!("settings: {e}"))?;
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
    for f in &findings {
        if f.lines.is_empty() || !f.legal_basis.contains("15 CFR") {
            return Err(format!("finding without lines or CFR citation: {f:#?}"));
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
fn the_cases_cover_every_rule_and_outcome() {
    let mut rules = BTreeSet::new();
    let mut outcomes = BTreeSet::new();
    for path in case_files() {
        let case = match read_case(&path) {
            Ok(case) => case,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        rules.extend(case.expect.rules);
        outcomes.insert(case.expect.outcome);
    }
    let expected_rules: BTreeSet<String> = [
        "us-ear-country-chart",
        "us-ear-eccn-destinations",
        "us-ear-russia-belarus",
        "us-ear-embargo",
        "us-ear-ukraine-covered-regions",
        "us-ear-not-determined",
    ]
    .map(String::from)
    .into();
    assert_eq!(rules, expected_rules);
    assert_eq!(
        outcomes,
        [Outcome::Allow, Outcome::Review, Outcome::LicenceRequired].into()
    );
}

#[test]
fn the_shared_examples_are_not_subject_to_the_ear() {
    // The bundled examples ship EU and Central Asian goods without US content: the EAR does
    // not reach them, so this policy stays silent.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/examples");
    let policy = match configure::<UsEar>("{}") {
        Ok(policy) => policy,
        Err(e) => panic!("default settings: {e}"),
    };
    for file in [
        "de-microcontrollers-kz-end-user-ru.json",
        "de-furniture-to-kz.json",
        "seed-drones-kg-via-kz-to-ru.json",
    ] {
        let path = examples.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("cannot read `{}`", path.display())
        };
        let shipment = match Shipment::from_json(&text) {
            Ok(s) => s,
            Err(e) => panic!("{file}: {e}"),
        };
        assert_eq!(policy.evaluate(&shipment), vec![], "{file}");
    }
}
