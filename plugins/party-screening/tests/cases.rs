//! Runs every policy case in `tests/cases/party-screening/` against the policy as plain
//! Rust (the SDK's `case_tests!`). Every finding must also name one party and cite the
//! list edition, and every rule (one per list plus the possible match) has a case.

use exportctl_sdk::Finding;
use party_screening::PartyScreening;

/// How this policy cites: one party, its score and the list edition.
fn names_party_score_and_edition(f: &Finding) -> Result<(), String> {
    let [party] = f.get_parties() else {
        return Err(format!("finding without exactly one party: {f:#?}"));
    };
    let edition = if f.rule() == "un-security-council" {
        "UN Security Council Consolidated List generated 2026-02-27"
    } else {
        "U.S. Consolidated Screening List generated 2026-07-31"
    };
    if !f.message().starts_with(party.as_str())
        || !f.message().contains("score")
        || !f.get_legal_basis().contains(edition)
    {
        return Err(format!(
            "finding without party, score or list edition: {f:#?}"
        ));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: PartyScreening,
    cases: "party-screening",
    at_least: 15,
    findings: names_party_score_and_edition,
    outcomes: [Allow, Review, LicenceRequired, Deny],
}
