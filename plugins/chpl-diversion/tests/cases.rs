//! Runs every policy case in `tests/cases/chpl-diversion/` against the policy as plain
//! Rust (the SDK's `case_tests!`); the end-to-end suite runs the same files through the
//! `exportctl` binary.

use chpl_diversion::ChplDiversion;
use exportctl_sdk::Finding;

/// How this policy cites: every finding names its lines and the CHPL tier.
fn cites_a_chpl_tier(f: &Finding) -> Result<(), String> {
    if f.get_lines().is_empty() || !f.get_legal_basis().contains("CHPL (23 Feb 2024) Tier") {
        return Err(format!("finding without lines or tier citation: {f:#?}"));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: ChplDiversion,
    cases: "chpl-diversion",
    at_least: 14,
    findings: cites_a_chpl_tier,
    outcomes: [Allow, Review, Deny],
    examples: [
        ("de-microcontrollers-kz-end-user-ru.json", Deny),
        ("de-furniture-to-kz.json", Allow),
        ("seed-drones-kg-via-kz-to-ru.json", Allow),
    ],
}
