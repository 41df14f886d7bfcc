//! Checking what a plugin returns before it reaches a verdict. A plugin's output is
//! untrusted: anything outside the contract fails the policy (closed), it is never
//! trimmed or dropped silently.
//!
//! Two bounds hold before this module sees anything: the engine reads at most
//! [`Limits::MAX_OUTPUT_BYTES`](crate::Limits::MAX_OUTPUT_BYTES) out of the sandbox
//! per call, and refuses values the contract's types cannot hold (an `outcome`
//! outside the enum, strings that are not UTF-8, pointers outside the plugin's
//! memory); both fail the policy (`sandbox.rs`). Here: at most [`MAX_FINDINGS`]
//! findings; rule ids kebab-case, at most 64 bytes and not `policy-error`;
//! messages and legal bases non-blank and bounded; every line number a line of the
//! shipment and every party path a party of it. Repeated line numbers and party
//! paths within a finding are merged, so a verdict is never larger than the
//! shipment allows.

use crate::bindings::exportctl::policy::types::{Finding as RawFinding, Outcome as RawOutcome};
use exportctl_sdk::{Finding, MAX_LEGAL_BASIS_BYTES, MAX_MESSAGE_BYTES, Outcome, Rule, Shipment};

/// Most findings one policy may return for one shipment: one per rule and line of
/// a maximal 10,000-line shipment is far below this.
pub(crate) const MAX_FINDINGS: usize = 10_000;

/// Converts and checks raw findings; the error says which finding broke which rule.
pub(crate) fn check(shipment: &Shipment, raw: Vec<RawFinding>) -> Result<Vec<Finding>, String> {
    if raw.len() > MAX_FINDINGS {
        return Err(format!(
            "{} findings, more than the {MAX_FINDINGS} allowed",
            raw.len()
        ));
    }
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let mut known_lines: Vec<u32> = shipment.lines.iter().map(|l| l.line).collect();
    known_lines.sort_unstable();
    raw.into_iter()
        .enumerate()
        .map(|(i, f)| {
            check_one(shipment, &known_lines, f).map_err(|reason| format!("finding {i}: {reason}"))
        })
        .collect()
}

fn check_one(shipment: &Shipment, known_lines: &[u32], f: RawFinding) -> Result<Finding, String> {
    if !Rule::is_valid_id(&f.rule) {
        return Err(format!(
            "rule id `{}` is not kebab-case (lower-case letters, digits and single hyphens, at most 64 bytes)",
            truncate(&f.rule)
        ));
    }
    if f.rule == crate::verdict::POLICY_ERROR_RULE {
        return Err("rule id `policy-error` is reserved for the host".to_owned());
    }
    if f.message.trim().is_empty() || f.message.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "message must be 1–{MAX_MESSAGE_BYTES} bytes (got {})",
            f.message.len()
        ));
    }
    if f.legal_basis.trim().is_empty() || f.legal_basis.len() > MAX_LEGAL_BASIS_BYTES {
        return Err(format!(
            "legal basis must be 1–{MAX_LEGAL_BASIS_BYTES} bytes (got {})",
            f.legal_basis.len()
        ));
    }
    if let Some(bad) = f
        .lines
        .iter()
        .find(|n| known_lines.binary_search(n).is_err())
    {
        return Err(format!("line {bad} is not a line of the shipment"));
    }
    if let Some(bad) = f.parties.iter().find(|p| !is_party_path(shipment, p)) {
        return Err(format!(
            "party `{}` is not a party of the shipment",
            truncate(bad)
        ));
    }
    let outcome = match f.outcome {
        RawOutcome::Allow => Outcome::Allow,
        RawOutcome::Review => Outcome::Review,
        RawOutcome::LicenceRequired => Outcome::LicenceRequired,
        RawOutcome::Deny => Outcome::Deny,
    };
    let mut lines = f.lines;
    lines.sort_unstable();
    lines.dedup();
    // Party paths keep the plugin's order; repeats are merged.
    let mut seen = std::collections::HashSet::with_capacity(f.parties.len());
    let parties: Vec<String> = f
        .parties
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .collect();
    Ok(Finding {
        rule: f.rule,
        outcome,
        lines,
        parties,
        message: f.message,
        legal_basis: f.legal_basis,
    })
}

fn is_party_path(shipment: &Shipment, path: &str) -> bool {
    match path {
        "exporter" | "consignee" => true,
        "end_user" => shipment.end_user.is_some(),
        _ => path
            .strip_prefix("other_parties[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .is_some_and(|i| i < shipment.other_parties.len()),
    }
}

fn truncate(text: &str) -> &str {
    let mut end = text.len().min(64);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipment() -> Shipment<'static> {
        Shipment::from_json(
            r#"{"id":"S","date":"2024-01-02","exporter":{"name":"E","country":"DE"},"consignee":{"name":"C","country":"KZ"},
                "other_parties":[{"role":"bank","name":"B","country":"KZ"}],"origin_country":"DE","destination_country":"KZ",
                "lines":[{"line":7,"description":"d","hs_code":"940360","quantity":1,"value":{"amount":"1","currency":"EUR"}}]}"#,
        )
        .unwrap()
    }

    fn raw() -> RawFinding {
        RawFinding {
            rule: "some-rule".into(),
            outcome: RawOutcome::Review,
            lines: vec![7, 7],
            parties: vec!["consignee".into(), "other_parties[0]".into()],
            message: "m".into(),
            legal_basis: "Law 1".into(),
        }
    }

    fn rejects(f: RawFinding, expected: &str) {
        let err = check(&shipment(), vec![f]).unwrap_err();
        assert!(err.contains(expected), "{err}");
    }

    #[test]
    fn accepts_a_valid_finding_and_dedupes_lines_and_parties() {
        let found = check(
            &shipment(),
            vec![RawFinding {
                parties: vec![
                    "other_parties[0]".into(),
                    "consignee".into(),
                    "other_parties[0]".into(),
                ],
                ..raw()
            }],
        )
        .unwrap();
        assert_eq!(found[0].lines, vec![7]);
        assert_eq!(found[0].parties, ["other_parties[0]", "consignee"]);
        assert_eq!(found[0].outcome, Outcome::Review);
    }

    #[test]
    fn rejects_findings_outside_the_contract() {
        rejects(
            RawFinding {
                rule: "Bad_Rule".into(),
                ..raw()
            },
            "not kebab-case",
        );
        rejects(
            RawFinding {
                rule: "policy-error".into(),
                ..raw()
            },
            "reserved",
        );
        rejects(
            RawFinding {
                lines: vec![8],
                ..raw()
            },
            "line 8 is not a line",
        );
        rejects(
            RawFinding {
                parties: vec!["end_user".into()],
                ..raw()
            },
            "party `end_user`",
        );
        rejects(
            RawFinding {
                parties: vec!["other_parties[1]".into()],
                ..raw()
            },
            "other_parties[1]",
        );
        rejects(
            RawFinding {
                message: " ".into(),
                ..raw()
            },
            "message must be",
        );
        rejects(
            RawFinding {
                message: "x".repeat(MAX_MESSAGE_BYTES + 1),
                ..raw()
            },
            "message must be",
        );
        rejects(
            RawFinding {
                legal_basis: String::new(),
                ..raw()
            },
            "legal basis must be",
        );
    }

    #[test]
    fn rejects_too_many_findings() {
        let err = check(&shipment(), vec![raw(); MAX_FINDINGS + 1]).unwrap_err();
        assert!(err.contains("more than the 10000 allowed"), "{err}");
    }
}
