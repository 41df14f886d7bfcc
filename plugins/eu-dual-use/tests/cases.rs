//! Runs every policy case in `tests/cases/eu-dual-use/` against the policy as plain
//! Rust (the SDK's `case_tests!`); the end-to-end suite runs the same files through the
//! real binary.

use eu_dual_use::EuDualUse;
use exportctl_sdk::{Finding, Outcome};

/// How this policy cites: every finding names its lines and Reg. (EU) 2021/821, and the
/// findings about Annex I items say that codes are recognised by their form.
fn cites_the_regulation(f: &Finding) -> Result<(), String> {
    if f.get_lines().is_empty() || !f.get_legal_basis().starts_with("Reg. (EU) 2021/821 Art. ") {
        return Err(format!(
            "finding without lines or citation of Reg. (EU) 2021/821: {f:#?}"
        ));
    }
    let about_annex_i = ["eu-dual-use-art3-export", "eu-dual-use-eu001"].contains(&f.rule());
    if about_annex_i && !f.message().contains("Annex I list itself") {
        return Err(format!(
            "finding does not state how codes are recognised: {f:#?}"
        ));
    }
    if f.message().len() > 4096 || f.get_legal_basis().len() > 1024 {
        return Err(format!("finding over the host's size limits: {f:#?}"));
    }
    Ok(())
}

// The policy never denies: Reg. (EU) 2021/821 requires authorisations.
exportctl_sdk::case_tests! {
    policy: EuDualUse,
    cases: "eu-dual-use",
    at_least: 20,
    findings: cites_the_regulation,
    outcomes: [Allow, Review, LicenceRequired],
}

#[test]
fn a_used_general_authorisation_is_an_allow_finding_naming_its_conditions() {
    let runs = suite().run(20, cites_the_regulation);
    let notes: Vec<&Finding> = runs
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule() == "eu-dual-use-eu001")
        .collect();
    assert!(notes.len() >= 3);
    for f in notes {
        assert_eq!(f.outcome(), Outcome::Allow);
        assert!(
            f.message().contains("EU001")
                && f.message().contains("first use")
                && f.message().contains("reporting")
        );
        assert!(f.get_legal_basis().contains("Annex II Section A"));
    }
}
