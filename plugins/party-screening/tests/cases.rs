//! Runs every policy case in `tests/cases/party-screening/` against the policy as plain
//! Rust: settings through `configure`, the shipment through the SDK's input validation,
//! then the worst outcome (allow when there is no finding) and the exact set of rule ids
//! are compared with the case's `expect`. Every finding must also name one party and
//! cite the list edition.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use exportctl_sdk::testing::{Coverage, check_findings, coverage, run_cases};
use exportctl_sdk::{Finding, Outcome};
use party_screening::PartyScreening;
use party_screening::lists::RULES;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The case directory, relative to this crate.
const CASES: &str = "../../tests/cases/party-screening";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES)
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    let runs =
        run_cases::<PartyScreening>(cases_dir()).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 15,
        "expected at least 15 cases, found {}",
        runs.len()
    );
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let check = |f: &Finding| -> Result<(), String> {
        let [party] = f.parties.as_slice() else {
            return Err(format!("finding without exactly one party: {f:#?}"));
        };
        let edition = if f.rule == "un-security-council" {
            "UN Security Council Consolidated List generated 2026-02-27"
        } else {
            "U.S. Consolidated Screening List generated 2026-07-31"
        };
        if !f.message.starts_with(party.as_str())
            || !f.message.contains("score")
            || !f.legal_basis.contains(edition)
        {
            return Err(format!(
                "finding without party, score or list edition: {f:#?}"
            ));
        }
        Ok(())
    };
    if let Err(e) = check_findings(&runs, check) {
        panic!("{e}");
    }
}

#[test]
fn the_cases_cover_every_outcome_and_rule() {
    let Coverage { rules, outcomes } = coverage(cases_dir()).unwrap_or_else(|e| panic!("{e}"));
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
