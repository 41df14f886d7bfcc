//! Runs every policy case in `tests/cases/us-ear/` against the policy as plain Rust (the
//! SDK's `case_tests!`). The end-to-end suite feeds the same files to the real binary, so a
//! case that fails here fails there too, and is quicker to debug here.

use exportctl_sdk::Finding;
use us_ear::UsEar;

/// How this policy cites: the lines and 15 CFR.
fn cites_the_cfr(f: &Finding) -> Result<(), String> {
    if f.get_lines().is_empty() || !f.get_legal_basis().contains("15 CFR") {
        return Err(format!("finding without lines or CFR citation: {f:#?}"));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: UsEar,
    cases: "us-ear",
    at_least: 15,
    findings: cites_the_cfr,
    outcomes: [Allow, Review, LicenceRequired],
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
