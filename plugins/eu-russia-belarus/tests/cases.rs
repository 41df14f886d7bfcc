//! Runs every policy case in `tests/cases/eu-russia-belarus/` against the policy as plain
//! Rust (the SDK's `CaseSuite`); the end-to-end suite runs the same files through the
//! real binary.

use eu_russia_belarus::EuRussiaBelarus;
use exportctl_sdk::Outcome;
use exportctl_sdk::testing::CaseSuite;

fn suite() -> CaseSuite<EuRussiaBelarus> {
    CaseSuite::new(env!("CARGO_MANIFEST_DIR"), "eu-russia-belarus")
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    // Beyond what every policy's findings must satisfy: how this policy cites.
    suite().run(15, |f| {
        if f.lines.is_empty() || !f.legal_basis.contains("Reg. (E") {
            return Err(format!(
                "finding without lines or regulation citation: {f:#?}"
            ));
        }
        if f.message.len() > 4096 || f.legal_basis.len() > 1024 {
            return Err(format!("finding over the host's size limits: {f:#?}"));
        }
        Ok(())
    });
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    suite().assert_covers(
        &[
            "eu-art2-dual-use",
            "eu-art2a-annex-vii-xl",
            "eu-art2a-classification",
            "eu-art3k-annex-xxiii",
            "eu-transit-ban",
            "eu-art12g-no-russia-clause",
            "eu-art12gb-due-diligence",
            "eu-crimea-sevastopol",
            "eu-ukraine-ngca",
        ],
        &[
            Outcome::Allow,
            Outcome::Review,
            Outcome::LicenceRequired,
            Outcome::Deny,
        ],
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
