//! The verdict on one shipment (`verdict.md`, version 1): one outcome, every
//! evaluated policy with version and plugin hash, every finding with its law.

use crate::policy_set::Mode;
use exportctl_sdk::{Date, Outcome};
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// The rule id of the finding a failing policy gets.
pub const POLICY_ERROR_RULE: &str = "policy-error";

/// The result of evaluating one shipment against a policy set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The shipment id.
    pub shipment: String,
    /// The most severe outcome among enforce-mode findings; `allow` if none.
    pub outcome: Outcome,
    /// The date whose law was applied.
    #[serde(serialize_with = "serialize_display")]
    pub as_of: Date,
    /// Every policy of the set that was evaluated (or was not in force).
    pub policies: Vec<PolicyReport>,
    /// Every finding, in policy order.
    pub findings: Vec<Finding>,
}

/// What one policy did with the shipment.
///
/// The strings that are the same for every shipment are shared (`Arc<str>`), so a
/// report costs no copies of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyReport {
    /// Policy id.
    pub id: Arc<str>,
    /// Policy version.
    pub version: Arc<str>,
    /// sha256 of the plugin bytes.
    pub sha256: Arc<str>,
    /// Enforce or monitor.
    pub mode: Mode,
    /// The policy's own worst outcome (counted only in enforce mode).
    pub outcome: Outcome,
    /// Why the policy failed, if it did.
    pub error: Option<String>,
    /// Whether the policy's rules were in force on `as_of`; a policy not in force
    /// is not evaluated.
    pub in_force: bool,
    /// Who vouches for the plugin: `bundled`, a trusted publisher, or `unsigned`.
    pub signed_by: Arc<str>,
}

/// One finding, attributed to its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Policy id.
    pub policy: Arc<str>,
    /// Rule id (`policy-error` when the policy failed).
    pub rule: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Lines concerned.
    pub lines: Vec<u32>,
    /// Parties concerned.
    pub parties: Vec<String>,
    /// Explanation.
    pub message: String,
    /// The law.
    pub legal_basis: String,
}

impl Verdict {
    /// The worst outcome among the enforce-mode policies' findings.
    pub(crate) fn aggregate(
        shipment: String,
        as_of: Date,
        policies: Vec<PolicyReport>,
        findings: Vec<Finding>,
    ) -> Verdict {
        let outcome = findings
            .iter()
            .filter(|f| {
                policies
                    .iter()
                    .any(|p| p.id == f.policy && p.mode == Mode::Enforce)
            })
            .map(|f| f.outcome)
            .max()
            .unwrap_or(Outcome::Allow);
        Verdict {
            shipment,
            outcome,
            as_of,
            policies,
            findings,
        }
    }
}

pub(crate) fn serialize_display<S: Serializer, T: std::fmt::Display>(
    value: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

pub(crate) fn serialize_opt_display<S: Serializer, T: std::fmt::Display>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: &str, mode: Mode) -> PolicyReport {
        PolicyReport {
            id: id.into(),
            version: "1.0.0".into(),
            sha256: "".into(),
            mode,
            outcome: Outcome::Allow,
            error: None,
            in_force: true,
            signed_by: "bundled".into(),
        }
    }

    fn finding(policy: &str, outcome: Outcome) -> Finding {
        Finding {
            policy: policy.into(),
            rule: "r".into(),
            outcome,
            lines: vec![],
            parties: vec![],
            message: String::new(),
            legal_basis: String::new(),
        }
    }

    #[test]
    fn worst_enforce_outcome_wins_and_monitor_findings_do_not_count() {
        let date = Date::ymd(2024, 1, 1);
        let policies = vec![report("a", Mode::Enforce), report("m", Mode::Monitor)];
        let v = Verdict::aggregate(
            "s".into(),
            date,
            policies.clone(),
            vec![
                finding("a", Outcome::Review),
                finding("m", Outcome::Deny),
                finding("a", Outcome::LicenceRequired),
            ],
        );
        assert_eq!(v.outcome, Outcome::LicenceRequired);
        assert_eq!(v.findings.len(), 3, "monitor findings are still reported");
        assert_eq!(
            Verdict::aggregate("s".into(), date, policies, vec![]).outcome,
            Outcome::Allow
        );
    }
}
