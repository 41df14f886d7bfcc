//! Runs every policy case in `tests/cases/eu-dual-use/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when no finding is worse) and the exact set of rule ids
//! are compared with the case's `expect`. The end-to-end suite runs the same files
//! through the real binary.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use eu_dual_use::EuDualUse;
use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/eu-dual-use";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs = run_cases::<EuDualUse>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 20,
        "expected at least 20 cases, found {}",
        runs.len()
    );
    // How this policy cites: every finding names its lines and Reg. (EU) 2021/821, and
    // the findings about Annex I items say that codes are recognised by their form.
    let check = |f: &Finding| -> Result<(), String> {
        if f.lines.is_empty() || !f.legal_basis.starts_with("Reg. (EU) 2021/821 Art. ") {
            return Err(format!(
                "finding without lines or citation of Reg. (EU) 2021/821: {f:#?}"
            ));
        }
        let about_annex_i =
            ["eu-dual-use-art3-export", "eu-dual-use-eu001"].contains(&f.rule.as_str());
        if about_annex_i && !f.message.contains("Annex I list itself") {
            return Err(format!(
                "finding does not state how codes are recognised: {f:#?}"
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
    let expected: BTreeSet<String> = [
        "eu-dual-use-art3-export",
        "eu-dual-use-eu001",
        "eu-dual-use-art4-catch-all",
        "eu-dual-use-art11-annex-iv",
        "eu-dual-use-classification",
    ]
    .map(String::from)
    .into();
    assert_eq!(rules, expected);
    assert_eq!(
        outcomes,
        [Outcome::Allow, Outcome::Review, Outcome::LicenceRequired].into(),
        "the policy never denies: Reg. (EU) 2021/821 requires authorisations"
    );
}

#[test]
fn a_used_general_authorisation_is_an_allow_finding_naming_its_conditions() {
    let runs = run_cases::<EuDualUse>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    let notes: Vec<&Finding> = runs
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == "eu-dual-use-eu001")
        .collect();
    assert!(notes.len() >= 3);
    for f in notes {
        assert_eq!(f.outcome, Outcome::Allow);
        assert!(
            f.message.contains("EU001")
                && f.message.contains("first use")
                && f.message.contains("reporting")
        );
        assert!(f.legal_basis.contains("Annex II Section A"));
    }
}
