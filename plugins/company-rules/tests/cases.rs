//! Runs every policy case in `tests/cases/company-rules/` against the policy as plain
//! Rust (the SDK's `case_tests!`); the end-to-end suite runs the same files through the
//! `exportctl` binary.

use company_rules::CompanyRules;
use exportctl_sdk::Finding;
use exportctl_sdk::testing::load_cases;

/// How this policy cites: the ICP section and its revision, and the lines or parties.
fn cites_the_icp(f: &Finding) -> Result<(), String> {
    let basis = f.get_legal_basis();
    let cites_icp = basis.starts_with("ICP §") && basis.contains("(internal rule, rev. 2024-01)");
    if !cites_icp || (f.get_lines().is_empty() && f.get_parties().is_empty()) {
        return Err(format!(
            "finding without an ICP citation, lines or parties: {f:#?}"
        ));
    }
    Ok(())
}

// `licence_required` cannot occur: the settings refuse it for a company rule.
exportctl_sdk::case_tests! {
    policy: CompanyRules,
    cases: "company-rules",
    at_least: 15,
    findings: cites_the_icp,
    outcomes: [Allow, Review, Deny],
}

#[test]
fn every_case_states_its_settings_so_it_reads_on_its_own() {
    let cases = load_cases(suite().dir()).unwrap_or_else(|e| panic!("{e}"));
    for case in &cases {
        assert!(
            case.settings.is_some(),
            "{}: no `settings` object",
            case.name
        );
    }
}
