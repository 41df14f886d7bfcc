//! Runs every case in `tests/cases/kz-export-control/` against the policy as plain
//! Rust (the SDK's `CaseSuite`): the same files the end-to-end suite feeds to the real
//! binary, so a case that fails here fails there too, and is quicker to debug here.

use exportctl_sdk::testing::CaseSuite;
use kz_export_control::KzExportControl;

#[test]
fn every_case_file_matches_its_expectation() {
    // Every finding of this policy concerns goods, so it names the lines.
    CaseSuite::<KzExportControl>::new(env!("CARGO_MANIFEST_DIR"), "kz-export-control").run(
        14,
        |f| {
            if f.lines.is_empty() {
                return Err(format!("finding {} names no line", f.rule));
            }
            Ok(())
        },
    );
}
