//! Runs every case in `tests/cases/kz-export-control/` against the policy as plain
//! Rust: the same files the end-to-end suite feeds to the real binary, so a case
//! that fails here fails there too, and is quicker to debug here.

#![allow(clippy::panic, reason = "a failing case fails the test")]

use exportctl_sdk::testing::run_cases;
use kz_export_control::KzExportControl;

#[test]
fn every_case_file_matches_its_expectation() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/cases/kz-export-control"
    );
    let runs = run_cases::<KzExportControl>(dir).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(
        runs.len() >= 14,
        "expected at least 14 cases, found {}",
        runs.len()
    );
    // Every finding of this policy concerns goods, so it names the lines.
    for run in &runs {
        for f in &run.findings {
            assert!(
                !f.lines.is_empty(),
                "{}: finding {} names no line",
                run.case.name,
                f.rule
            );
        }
    }
}
