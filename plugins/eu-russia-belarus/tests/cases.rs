//! Runs every policy case in `tests/cases/eu-russia-belarus/` against the policy as plain
//! Rust (the SDK's `case_tests!`); the end-to-end suite runs the same files through the
//! real binary.

use eu_russia_belarus::EuRussiaBelarus;
use exportctl_sdk::Finding;

/// How this policy cites: the lines and a regulation, within the host's size limits.
fn cites_a_regulation(f: &Finding) -> Result<(), String> {
    if f.get_lines().is_empty() || !f.get_legal_basis().contains("Reg. (E") {
        return Err(format!(
            "finding without lines or regulation citation: {f:#?}"
        ));
    }
    if f.message().len() > 4096 || f.get_legal_basis().len() > 1024 {
        return Err(format!("finding over the host's size limits: {f:#?}"));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: EuRussiaBelarus,
    cases: "eu-russia-belarus",
    at_least: 15,
    findings: cites_a_regulation,
    outcomes: [Allow, Review, LicenceRequired, Deny],
    examples: [
        ("de-microcontrollers-kz-end-user-ru.json", Deny),
        ("de-furniture-to-kz.json", Allow),
        ("seed-drones-kg-via-kz-to-ru.json", Allow),
    ],
}
