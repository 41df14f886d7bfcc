//! Runs every policy case in `tests/cases/eu-russia-belarus/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when there is no finding) and the exact set of rule ids
//! are compared with the case's `expect`. The end-to-end suite can run the same files
//! through the real binary.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use eu_russia_belarus::EuRussiaBelarus;
use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome, Policy, Shipment, configure};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/eu-russia-belarus";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs =
        run_cases::<EuRussiaBelarus>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 15,
        "expected at least 15 cases, found {}",
        runs.len()
    );
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let check = |f: &Finding| -> Result<(), String> {
        if f.lines.is_empty() || !f.legal_basis.contains("Reg. (E") {
            return Err(format!(
                "finding without lines or regulation citation: {f:#?}"
            ));
        }
        if f.message.len() > 4096 || f.legal_basis.len() > 1024 {
            return Err(format!("finding over the host's size limits: {f:#?}"));
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
        "eu-art2-dual-use",
        "eu-art2a-annex-vii-xl",
        "eu-art2a-classification",
        "eu-art3k-annex-xxiii",
        "eu-transit-ban",
        "eu-art12g-no-russia-clause",
        "eu-art12gb-due-diligence",
        "eu-crimea-sevastopol",
        "eu-ukraine-ngca",
    ]
    .map(String::from)
    .into();
    assert_eq!(rules, expected_rules);
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
}

#[test]
fn the_shared_examples_match_their_expected_outcomes() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/examples");
    let policy = match configure::<EuRussiaBelarus>("{}") {
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
