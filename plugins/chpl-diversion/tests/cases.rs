//! Runs every policy case in `tests/cases/chpl-diversion/` against the policy as plain
//! Rust (the SDK's `CaseSuite`); the end-to-end suite runs the same files through the
//! `exportctl` binary.

use chpl_diversion::ChplDiversion;
use exportctl_sdk::Outcome;
use exportctl_sdk::testing::CaseSuite;

fn suite() -> CaseSuite<ChplDiversion> {
    CaseSuite::new(env!("CARGO_MANIFEST_DIR"), "chpl-diversion")
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    // Beyond what every policy's findings must satisfy: how this policy cites.
    suite().run(14, |f| {
        if f.lines.is_empty() || !f.legal_basis.contains("CHPL (23 Feb 2024) Tier") {
            return Err(format!("finding without lines or tier citation: {f:#?}"));
        }
        Ok(())
    });
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    suite().assert_covers(
        &[
            "chpl-russia-belarus",
            "chpl-transit-russia-belarus",
            "chpl-transshipment-risk",
        ],
        &[Outcome::Allow, Outcome::Review, Outcome::Deny],
    );
}

#[test]
fn the_shared_examples_match_their_expected_outcomes() {
    suite().assert_examples(&[
        ("de-microcontrollers-kz-end-user-ru.json", Outcome::Deny),
        ("de-furniture-to-kz.json", Outcome::Allow),
        ("seed-drones-kg-via-kz-to-ru.json", Outcome::Allow),
    ]);
}
