//! Runs every policy case in `tests/cases/us-ear/` against the policy as plain Rust (the
//! SDK's `CaseSuite`). The end-to-end suite feeds the same files to the real binary, so a
//! case that fails here fails there too, and is quicker to debug here.

use exportctl_sdk::Outcome;
use exportctl_sdk::testing::CaseSuite;
use us_ear::UsEar;

fn suite() -> CaseSuite<UsEar> {
    CaseSuite::new(env!("CARGO_MANIFEST_DIR"), "us-ear")
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    // Beyond what every policy's findings must satisfy: how this policy cites.
    suite().run(15, |f| {
        if f.lines.is_empty() || !f.legal_basis.contains("15 CFR") {
            return Err(format!("finding without lines or CFR citation: {f:#?}"));
        }
        Ok(())
    });
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    suite().assert_covers(
        &[
            "us-ear-country-chart",
            "us-ear-eccn-destinations",
            "us-ear-russia-belarus",
            "us-ear-embargo",
            "us-ear-ukraine-covered-regions",
            "us-ear-not-determined",
        ],
        &[Outcome::Allow, Outcome::Review, Outcome::LicenceRequired],
    );
}

#[test]
fn the_shared_examples_are_not_subject_to_the_ear() {
    // The bundled examples ship EU and Central Asian goods without US content: the EAR does
    // not reach them, so this policy stays silent.
    for file in [
        "de-microcontrollers-kz-end-user-ru.json",
        "de-furniture-to-kz.json",
        "seed-drones-kg-via-kz-to-ru.json",
    ] {
        assert_eq!(suite().example_findings(file), vec![], "{file}");
    }
}
