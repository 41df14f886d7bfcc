//! Runs every case in `tests/cases/{{name}}/` against the policy as plain Rust.
//! Add a case file for every rule and every outcome it can give.

use {{crate_name}}::{{type_name}};

use exportctl_sdk::Finding;

/// How this policy cites: the provision of each rule, and the lines it concerns.
fn cites_its_provision(f: &Finding) -> Result<(), String> {
    if !f
        .get_legal_basis()
        .starts_with("Internal Compliance Programme §")
        || f.get_lines().is_empty()
    {
        return Err(format!("finding without a § citation or lines: {f:#?}"));
    }
    Ok(())
}

exportctl_sdk::case_tests! {
    policy: {{type_name}},
    own_cases: "{{name}}",
    at_least: 3,
    findings: cites_its_provision,
    outcomes: [Allow, Review, Deny],
}
