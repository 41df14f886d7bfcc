//! Runs every policy case in `tests/cases/us-ear/` against the policy as plain Rust:
//! settings through `configure`, the shipment through the SDK's input validation, then the
//! worst outcome (allow when there is no finding) and the exact set of rule ids are
//! compared with the case's `expect`. The end-to-end suite feeds the same files to the real
//! binary, so a case that fails here fails there too, and is quicker to debug here.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome, Policy, Shipment, configure};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use us_ear::UsEar;

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/us-ear";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs = run_cases::<UsEar>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 15,
        "expected at least 15 cases, found {}",
        runs.len()
    );
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let check = |f: &Finding| -> Result<(), String> {
        if f.lines.is_empty() || !f.legal_basis.contains("15 CFR") {
            return Err(format!("finding without lines or CFR citation: {f:#?}"));
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
