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
//! for a plugin that declares its rules (contract 1.4), one of them;
//! messages and legal bases non-blank and bounded; every line number a line of the
//! shipment and every party path a party of it. Repeated line numbers and party
//! paths within a finding are merged, so a verdict is never larger than the
//! shipment allows. A finding's subject (contract 1.2) names a party of the
//! shipment that the finding names too, and bounded, non-blank texts.

use crate::bindings::exportctl::policy::types::{
    Finding as RawFinding, FindingSubject as RawSubject, KeyedFinding, Outcome as RawOutcome,
};
use crate::plugin::RuleCatalogue;
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{
    Finding, FindingParts, FindingSubject, MAX_LEGAL_BASIS_BYTES, MAX_MESSAGE_BYTES, Outcome, Rule,
};

/// Most findings one policy may return for one shipment: one per rule and line of
/// a maximal 10,000-line shipment is far below this.
pub(crate) const MAX_FINDINGS: usize = 10_000;

/// Longest list name, edition, entry key or fingerprint a subject may carry.
const MAX_SUBJECT_FIELD_BYTES: usize = 4096;

/// Converts and checks raw findings; the error says which finding broke which
/// rule. `declared`: the plugin's rule catalogue (contract 1.4), if it has one;
/// a finding of a rule not in it fails the policy.
pub(crate) fn check(
    shipment: &Shipment,
    declared: Option<&RuleCatalogue>,
    raw: Vec<RawFinding>,
) -> Result<Vec<Finding>, String> {
    check_keyed(
        shipment,
        declared,
        raw.into_iter()
            .map(|finding| KeyedFinding {
                finding,
                subject: None,
            })
            .collect(),
    )
}

/// Converts and checks raw findings with their subjects (contract 1.2).
pub(crate) fn check_keyed(
    shipment: &Shipment,
    declared: Option<&RuleCatalogue>,
    raw: Vec<KeyedFinding>,
) -> Result<Vec<Finding>, String> {
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
            check_one(shipment, declared, &known_lines, f)
                .map_err(|reason| format!("finding {i}: {reason}"))
        })
        .collect()
}

fn check_one(
    shipment: &Shipment,
    declared: Option<&RuleCatalogue>,
    known_lines: &[u32],
    keyed: KeyedFinding,
) -> Result<Finding, String> {
    let KeyedFinding {
        finding: f,
        subject,
    } = keyed;
    if !Rule::is_valid_id(&f.rule) {
        return Err(format!(
            "rule id `{}` is not kebab-case (lower-case letters, digits and single hyphens, at most 64 bytes)",
            truncate(&f.rule)
        ));
    }
    if f.rule == crate::verdict::POLICY_ERROR_RULE {
        return Err("rule id `policy-error` is reserved for the host".to_owned());
    }
    if declared.is_some_and(|c| !c.declares(&f.rule)) {
        return Err(format!(
            "rule `{}` is not one the plugin declares (its `rules`)",
            f.rule
        ));
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
    let subject = subject
        .map(|s| check_subject(shipment, &parties, s))
        .transpose()?;
    Ok(Finding::from_parts(FindingParts {
        rule: f.rule,
        outcome,
        lines,
        parties,
        message: f.message,
        legal_basis: f.legal_basis,
        subject,
    }))
}

/// A subject names one of the finding's parties and carries bounded texts.
fn check_subject(
    shipment: &Shipment,
    parties: &[String],
    s: RawSubject,
) -> Result<FindingSubject, String> {
    if !is_party_path(shipment, &s.party) {
        return Err(format!(
            "subject party `{}` is not a party of the shipment",
            truncate(&s.party)
        ));
    }
    if !parties.contains(&s.party) {
        return Err(format!(
            "subject party `{}` is not among the finding's parties",
            s.party
        ));
    }
    for (field, text) in [
        ("sanctions-list", &s.sanctions_list),
        ("edition", &s.edition),
        ("entry", &s.entry),
        ("entry-fingerprint", &s.entry_fingerprint),
    ] {
        if text.trim().is_empty() || text.len() > MAX_SUBJECT_FIELD_BYTES {
            return Err(format!(
                "subject {field} must be 1–{MAX_SUBJECT_FIELD_BYTES} bytes of text (got {})",
                text.len()
            ));
        }
    }
    Ok(FindingSubject {
        party: s.party,
        list: s.sanctions_list,
        edition: s.edition,
        entry: s.entry,
        fingerprint: s.entry_fingerprint,
    })
}

fn is_party_path(shipment: &Shipment, path: &str) -> bool {
    shipment.party_at(path).is_some()
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
        let err = check(&shipment(), None, vec![f]).unwrap_err();
        assert!(err.contains(expected), "{err}");
    }

    #[test]
    fn accepts_a_valid_finding_and_dedupes_lines_and_parties() {
        let found = check(
            &shipment(),
            None,
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
        assert_eq!(found[0].get_lines(), vec![7]);
        assert_eq!(found[0].get_parties(), ["other_parties[0]", "consignee"]);
        assert_eq!(found[0].outcome(), Outcome::Review);
    }

    #[test]
    fn a_plugin_that_declares_its_rules_may_name_only_those() {
        use crate::bindings::exportctl::policy::types::RuleDescription;
        let declared = |id: &str| {
            RuleCatalogue::from_raw(vec![RuleDescription {
                id: id.to_owned(),
                legal_basis: "Law 1".to_owned(),
                description: "what it catches".to_owned(),
            }])
            .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let rule = raw().rule;
        assert!(check(&shipment(), Some(&declared(&rule)), vec![raw()]).is_ok());
        let err = check(&shipment(), Some(&declared("another-rule")), vec![raw()]).unwrap_err();
        assert_eq!(
            err,
            format!("finding 0: rule `{rule}` is not one the plugin declares (its `rules`)")
        );
        // A plugin without a catalogue (built before contract 1.4) may name any.
        assert!(check(&shipment(), None, vec![raw()]).is_ok());
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

    fn subject() -> RawSubject {
        RawSubject {
            party: "consignee".into(),
            sanctions_list: "Test list".into(),
            edition: "edition 1".into(),
            entry: "T:1".into(),
            entry_fingerprint: "00ff".into(),
        }
    }

    fn keyed(subject: RawSubject) -> Result<Vec<Finding>, String> {
        check_keyed(
            &shipment(),
            None,
            vec![KeyedFinding {
                finding: raw(),
                subject: Some(subject),
            }],
        )
    }

    #[test]
    fn a_subject_of_a_party_the_finding_names_is_kept() {
        let found = keyed(subject()).unwrap();
        let s = found[0].get_subject().unwrap();
        assert_eq!(
            (&*s.party, &*s.list, &*s.edition, &*s.entry, &*s.fingerprint),
            ("consignee", "Test list", "edition 1", "T:1", "00ff")
        );
        assert_eq!(
            check(&shipment(), None, vec![raw()]).unwrap()[0].get_subject(),
            None
        );
    }

    #[test]
    fn rejects_subjects_outside_the_contract() {
        let err = keyed(RawSubject {
            party: "end_user".into(),
            ..subject()
        })
        .unwrap_err();
        assert!(
            err.contains("subject party `end_user` is not a party"),
            "{err}"
        );
        let err = keyed(RawSubject {
            party: "exporter".into(),
            ..subject()
        })
        .unwrap_err();
        assert!(err.contains("not among the finding's parties"), "{err}");
        let err = keyed(RawSubject {
            entry: " ".into(),
            ..subject()
        })
        .unwrap_err();
        assert!(err.contains("finding 0: subject entry must be"), "{err}");
        let err = keyed(RawSubject {
            entry_fingerprint: "f".repeat(MAX_SUBJECT_FIELD_BYTES + 1),
            ..subject()
        })
        .unwrap_err();
        assert!(err.contains("subject entry-fingerprint must be"), "{err}");
    }

    #[test]
    fn rejects_too_many_findings() {
        let err = check(&shipment(), None, vec![raw(); MAX_FINDINGS + 1]).unwrap_err();
        assert!(err.contains("more than the 10000 allowed"), "{err}");
    }
}
