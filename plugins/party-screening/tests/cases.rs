//! Runs every policy case in `tests/cases/party-screening/` against the policy as plain
//! Rust (the SDK's `CaseSuite`). Every finding must also name one party and cite the
//! list edition.

use exportctl_sdk::Outcome;
use exportctl_sdk::testing::CaseSuite;
use party_screening::PartyScreening;
use party_screening::lists::RULES;
use std::collections::BTreeSet;

fn suite() -> CaseSuite<PartyScreening> {
    CaseSuite::new(env!("CARGO_MANIFEST_DIR"), "party-screening")
}

#[test]
fn every_case_gives_its_expected_outcome_and_rules() {
    // Beyond what every policy's findings must satisfy: how this policy cites.
    suite().run(15, |f| {
        let [party] = f.parties.as_slice() else {
            return Err(format!("finding without exactly one party: {f:#?}"));
        };
        let edition = if f.rule == "un-security-council" {
            "UN Security Council Consolidated List generated 2026-02-27"
        } else {
            "U.S. Consolidated Screening List generated 2026-07-31"
        };
        if !f.message.starts_with(party.as_str())
            || !f.message.contains("score")
            || !f.legal_basis.contains(edition)
        {
            return Err(format!(
                "finding without party, score or list edition: {f:#?}"
            ));
        }
        Ok(())
    });
}

#[test]
fn the_cases_cover_every_outcome_and_rule() {
    let covered = suite().coverage();
    assert_eq!(
        covered.outcomes,
        [
            Outcome::Allow,
            Outcome::Review,
            Outcome::LicenceRequired,
            Outcome::Deny
        ]
        .into()
    );
    // Every rule, one per list plus the possible match, has a case.
    let all: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    let missing: Vec<&String> = all.difference(&covered.rules).collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}
