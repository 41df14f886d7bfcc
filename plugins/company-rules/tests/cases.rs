//! Runs every policy case in `tests/cases/company-rules/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when there is no finding) and the exact set of rule ids
//! are compared with the case's `expect`. The end-to-end suite runs the same files
//! through the `exportctl` binary.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use company_rules::CompanyRules;
use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/company-rules";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs =
        run_cases::<CompanyRules>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 15,
        "expected at least 15 cases, found {}",
        runs.len()
    );
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let check = |f: &Finding| -> Result<(), String> {
        let cites_icp = f.legal_basis.starts_with("ICP §")
            && f.legal_basis.contains("(internal rule, rev. 2024-01)");
        if !cites_icp || (f.lines.is_empty() && f.parties.is_empty()) {
            return Err(format!(
                "finding without an ICP citation, lines or parties: {f:#?}"
            ));
        }
        Ok(())
    };
    for run in &runs {
        // Every case states its settings, so it reads on its own.
        assert!(
            run.case.settings.is_some(),
            "{}: no `settings` object",
            run.case.name
        );
    }
    if let Err(e) = check_findings(&runs, check) {
        panic!("{e}");
    }
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    let Coverage { rules, outcomes } = coverage(cases_dir()).unwrap_or_else(|e| panic!("{e}"));
    let expected_rules: BTreeSet<String> = [
        "icp-4-2-restricted-goods",
        "icp-4-3-review-destination",
        "icp-5-1-end-use-statement",
        "icp-5-1-other-currency",
    ]
    .map(String::from)
    .into();
    assert_eq!(rules, expected_rules);
    // `licence_required` cannot occur: the settings refuse it for a company rule.
    assert_eq!(
        outcomes,
        [Outcome::Allow, Outcome::Review, Outcome::Deny].into()
    );
}
