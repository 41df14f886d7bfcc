//! Runs every policy case in `tests/cases/chpl-diversion/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when there is no finding) and the exact set of rule ids
//! are compared with the case's `expect`.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use chpl_diversion::ChplDiversion;
use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome, Policy, Shipment, configure};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/chpl-diversion";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs =
        run_cases::<ChplDiversion>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 14,
        "expected at least 14 cases, found {}",
        runs.len()
    );
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let check = |f: &Finding| -> Result<(), String> {
        if f.lines.is_empty() || !f.legal_basis.contains("CHPL (23 Feb 2024) Tier") {
            return Err(format!("finding without lines or tier citation: {f:#?}"));
        }
        Ok(())
    };
    if let Err(e) = check_findings(&runs, check) {
        panic!("{e}");
    }
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    let Coverage { rules, outcomes } = coverage(cases_dir()).unwrap_or_else(|e| panic!("{e}"));
    let expected_rules: BTreeSet<String> = [
        "chpl-russia-belarus",
        "chpl-transit-russia-belarus",
        "chpl-transshipment-risk",
    ]
    .map(String::from)
    .into();
    assert_eq!(rules, expected_rules);
    assert_eq!(
        outcomes,
        [Outcome::Allow, Outcome::Review, Outcome::Deny].into()
    );
}

#[test]
fn the_shared_examples_match_their_expected_outcomes() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/examples");
    let policy = match configure::<ChplDiversion>("{}") {
        Ok(policy) => policy,
        Err(e) => panic!("default settings: {e}"),
    };
    for (file, expected) in [
        ("de-microcontrollers-kz-end-user-ru.json", Outcome::Deny),
        ("de-furniture-to-kz.json", Outcome::Allow),
        ("seed-drones-kg-via-kz-to-ru.json", Outcome::Allow),
    ] {
        let path = examples.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("cannot read `{}`", path.display())
        };
        let shipment = match Shipment::from_json(&text) {
            Ok(s) => s,
            Err(e) => panic!("{file}: {e}"),
        };
        let outcome = policy
            .evaluate(&shipment)
            .iter()
            .map(|f| f.outcome)
            .max()
            .unwrap_or(Outcome::Allow);
        assert_eq!(outcome, expected, "{file}");
    }
}
