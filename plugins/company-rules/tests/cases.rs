//! Runs every policy case in `tests/cases/company-rules/` against the policy as plain
//! Rust (the SDK's `CaseSuite`); the end-to-end suite runs the same files through the
//! `exportctl` binary.

use company_rules::CompanyRules;
use exportctl_sdk::Outcome;
use exportctl_sdk::testing::CaseSuite;

fn suite() -> CaseSuite<CompanyRules> {
    CaseSuite::new(env!("CARGO_MANIFEST_DIR"), "company-rules")
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    // Beyond what every policy's findings must satisfy: how this policy cites.
    let runs = suite().run(15, |f| {
        let cites_icp = f.legal_basis.starts_with("ICP §")
            && f.legal_basis.contains("(internal rule, rev. 2024-01)");
        if !cites_icp || (f.lines.is_empty() && f.parties.is_empty()) {
            return Err(format!(
                "finding without an ICP citation, lines or parties: {f:#?}"
            ));
        }
        Ok(())
    });
    for run in &runs {
        // Every case states its settings, so it reads on its own.
        assert!(
            run.case.settings.is_some(),
            "{}: no `settings` object",
            run.case.name
        );
    }
}

#[test]
fn the_cases_cover_every_rule_and_outcome() {
    // `licence_required` cannot occur: the settings refuse it for a company rule.
    suite().assert_covers(
        &[
            "icp-4-2-restricted-goods",
            "icp-4-3-review-destination",
            "icp-5-1-end-use-statement",
            "icp-5-1-other-currency",
        ],
        &[Outcome::Allow, Outcome::Review, Outcome::Deny],
    );
}
