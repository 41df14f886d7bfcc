//! Runs every case in `tests/cases/kz-export-control/` against the policy as plain
//! Rust (the SDK's `case_tests!`): the same files the end-to-end suite feeds to the real
//! binary, so a case that fails here fails there too, and is quicker to debug here.

use exportctl_sdk::Finding;
use kz_export_control::KzExportControl;

/// Every finding of this policy concerns goods, so it names the lines.
fn names_its_lines(f: &Finding) -> Result<(), String> {
    if f.get_lines().is_empty() {
        return Err(format!("finding {} names no line", f.rule()));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: KzExportControl,
    cases: "kz-export-control",
    at_least: 14,
    findings: names_its_lines,
    outcomes: [Allow, Review, LicenceRequired, Deny],
}
