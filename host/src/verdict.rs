//! The verdict on one shipment (`verdict.md`, version 1): one outcome, every
//! evaluated policy with version and plugin hash, every finding with its law.

use crate::failure::PolicyFailure;
use crate::policy_set::Mode;
use exportctl_sdk::{Date, Finding, Outcome, Rule};
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// The rule id of the finding a failing policy gets.
pub const POLICY_ERROR_RULE: &str = "policy-error";

/// The host's fail-closed rule, whose finding a policy that failed on a shipment
/// gets (attributed to that policy), declared as a plugin declares its rules.
pub const FAIL_CLOSED: Rule = Rule::new(
    POLICY_ERROR_RULE,
    "exportctl fail-closed rule: a policy that cannot judge a shipment never allows it",
)
.describe(
    "the policy could not judge the shipment (a trap, a limit or a malformed result) and failed closed",
);

/// The `policy` of findings the host itself makes (not any plugin's id: plugin
/// ids are kebab-case words, and the host refuses none, so this one is reserved
/// by the verdict format instead).
pub const HOST_POLICY: &str = "exportctl";

/// The rule id of the host's finding on a shipment that no enforce-mode policy in
/// force judged: such a shipment is not allowed, it goes to review.
pub const NOT_JUDGED_RULE: &str = "not-judged";

/// The host's rule for a shipment that no enforce-mode policy in force judged
/// (policy [`HOST_POLICY`]).
pub const NOT_JUDGED: Rule = Rule::new(
    NOT_JUDGED_RULE,
    "exportctl rule: a shipment that no enforce-mode policy in force judged is never allowed",
)
.describe("no enforce-mode policy in force judged the shipment, so it was not allowed");

/// The result of evaluating one shipment against a policy set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The shipment id.
    pub shipment: String,
    /// The most severe outcome among enforce-mode and host findings; `allow` if
    /// none.
    pub outcome: Outcome,
    /// The date whose law was applied.
    #[serde(serialize_with = "crate::date_text::serialize")]
    pub as_of: Date,
    /// The shipment's own date (differs from `as_of` under `--as-of`).
    #[serde(serialize_with = "crate::date_text::serialize")]
    pub date: Date,
    /// Every policy of the set that was evaluated (or was not in force).
    pub policies: Vec<PolicyReport>,
    /// Every finding, in policy order; host findings (policy `exportctl`) last.
    pub findings: Vec<PolicyFinding>,
    /// What the reader should know that is not a finding: unknown fields of the
    /// shipment that were ignored, old data behind a policy.
    pub warnings: Vec<Warning>,
    /// Findings an officer's exemption covers (see `apply_exemptions`):
    /// shown, not counted. Written to JSON only when there are some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exempted: Vec<ExemptedFinding>,
    /// The loaded policy set that judged: not written to the verdict's JSON
    /// (`verdict.md` is unchanged), for the caller's records, e.g. to tell which
    /// generation of a hot-reloaded set an in-flight shipment ran on.
    #[serde(skip)]
    pub generation: Generation,
}

/// Which loaded policy set (see [`Host::generation`](crate::Host::generation))
/// a verdict was reached with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generation {
    /// The number the set was loaded under.
    pub number: u64,
    /// The set's digest (lower-case hex sha256; `sdk/spec/policy-set.md`,
    /// "Digest").
    pub set_digest: Arc<str>,
}

/// Something about a judged shipment that does not change its outcome but that
/// a person must know, e.g. an ignored field that looks like a typo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `unknown-field` or `data-age`.
    pub kind: &'static str,
    /// The field path (`unknown-field`) or the policy id (`data-age`).
    pub path: String,
    /// For an unknown field: the known field it most likely meant.
    pub suggestion: Option<&'static str>,
    /// One line for a person.
    pub message: String,
}

/// What one policy did with the shipment.
///
/// The strings that are the same for every shipment are shared (`Arc<str>`), so a
/// report costs no copies of them. In JSON, the `outcome` of a policy that was
/// not in force is `not_in_force`: it judged nothing, so it allowed nothing.
#[derive(Debug, Clone, PartialEq)]
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
    /// Why the policy failed, if it did (in JSON: its one-line message).
    pub error: Option<PolicyFailure>,
    /// Whether the policy's rules were in force on `as_of`; a policy not in force
    /// is not evaluated.
    pub in_force: bool,
    /// Who vouches for the plugin: `bundled`, a trusted publisher, or `unsigned`.
    pub signed_by: Arc<str>,
    /// The policy's name (not serialised: the text report's coverage line).
    pub name: Arc<str>,
    /// How many limitations the policy declares (not serialised: the text
    /// report's coverage line).
    pub limitations: usize,
}

impl Serialize for PolicyReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            id: &'a str,
            version: &'a str,
            sha256: &'a str,
            mode: Mode,
            outcome: &'a str,
            error: Option<&'a PolicyFailure>,
            in_force: bool,
            signed_by: &'a str,
        }
        Json {
            id: &self.id,
            version: &self.version,
            sha256: &self.sha256,
            mode: self.mode,
            outcome: self.state(),
            error: self.error.as_ref(),
            in_force: self.in_force,
            signed_by: &self.signed_by,
        }
        .serialize(s)
    }
}

impl PolicyReport {
    /// The policy's own result: its worst outcome, or `not_in_force`.
    pub fn state(&self) -> &'static str {
        if self.in_force {
            self.outcome.as_str()
        } else {
            "not_in_force"
        }
    }

    /// Whether the policy judged the shipment with findings that count.
    fn judged(&self) -> bool {
        self.in_force && self.mode == Mode::Enforce
    }
}

/// A plugin's [`Finding`] (the SDK's type: rule, outcome, lines, parties, message,
/// legal basis) attributed to the policy that made it. In JSON the policy id
/// comes first and the finding's fields follow (`verdict.md`); the mode is not
/// written (the policy's entry in `policies` carries it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyFinding {
    /// Policy id (`exportctl` for the host's own findings).
    pub policy: Arc<str>,
    /// The policy's mode, stored once here so that nothing has to look the
    /// policy up again: a monitor-mode finding does not count.
    #[serde(skip)]
    pub mode: Mode,
    /// What the policy found.
    #[serde(flatten)]
    pub finding: Finding,
}

/// A policy finding reads as the finding it wraps (`f.rule`, `f.outcome`, …).
impl std::ops::Deref for PolicyFinding {
    type Target = Finding;
    fn deref(&self) -> &Finding {
        &self.finding
    }
}

/// A finding an officer's exemption covers (`exemption.rs`): shown in the
/// verdict, not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptedFinding {
    /// The id of the exemption that covers it.
    pub exemption: String,
    /// The finding, as it would have been counted (in JSON its fields follow
    /// `exemption`, as in `findings`).
    #[serde(flatten)]
    pub finding: PolicyFinding,
}

impl PolicyFinding {
    /// Whether the finding counts towards the verdict's outcome: an enforce-mode
    /// policy's, or the host's own.
    pub fn counts(&self) -> bool {
        self.mode == Mode::Enforce
    }
}

impl Verdict {
    /// The worst outcome among the enforce-mode policies' findings and the
    /// host's. A shipment that no enforce-mode policy in force judged (every
    /// policy not in force on `as_of`, or in monitor mode) gets the host finding
    /// `not-judged` (review): nothing checked it, so it is not allowed.
    pub(crate) fn aggregate(
        shipment: String,
        date: Date,
        as_of: Date,
        policies: Vec<PolicyReport>,
        mut findings: Vec<PolicyFinding>,
    ) -> Verdict {
        if !policies.iter().any(PolicyReport::judged) {
            findings.push(not_judged(&policies, as_of));
        }
        let outcome = findings
            .iter()
            .filter(|f| f.counts())
            .map(|f| f.outcome())
            .max()
            .unwrap_or(Outcome::Allow);
        Verdict {
            shipment,
            outcome,
            as_of,
            date,
            policies,
            findings,
            warnings: Vec::new(),
            exempted: Vec::new(),
            generation: Generation::default(),
        }
    }

    /// Whether the shipment was judged by at least one enforce-mode policy in force.
    pub fn judged(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|f| &*f.policy == HOST_POLICY && f.rule() == NOT_JUDGED_RULE)
    }
}

fn not_judged(policies: &[PolicyReport], as_of: Date) -> PolicyFinding {
    let list = |pick: &dyn Fn(&PolicyReport) -> bool| {
        policies
            .iter()
            .filter(|p| pick(p))
            .map(|p| p.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = Vec::new();
    let absent = list(&|p| !p.in_force);
    if !absent.is_empty() {
        why.push(format!("not in force on {as_of}: {absent}"));
    }
    let monitor = list(&|p| p.in_force && p.mode == Mode::Monitor);
    if !monitor.is_empty() {
        why.push(format!("in monitor mode: {monitor}"));
    }
    PolicyFinding::host(NOT_JUDGED.review(format!(
        "no enforce-mode policy in force on {as_of} judged this shipment ({}); it was not checked, so it is not allowed",
        why.join("; ")
    )))
}

impl PolicyFinding {
    /// A finding of the host itself (policy `exportctl`); it always counts.
    pub(crate) fn host(finding: Finding) -> PolicyFinding {
        PolicyFinding {
            policy: HOST_POLICY.into(),
            mode: Mode::Enforce,
            finding,
        }
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
            name: "".into(),
            limitations: 0,
        }
    }

    fn finding(policy: &str, mode: Mode, outcome: Outcome) -> PolicyFinding {
        PolicyFinding {
            policy: policy.into(),
            mode,
            finding: Rule::new("r", "Law 1").finding(outcome, ""),
        }
    }

    #[test]
    fn worst_enforce_outcome_wins_and_monitor_findings_do_not_count() {
        let date = Date::ymd(2024, 1, 1);
        let policies = vec![report("a", Mode::Enforce), report("m", Mode::Monitor)];
        let v = Verdict::aggregate(
            "s".into(),
            date,
            date,
            policies.clone(),
            vec![
                finding("a", Mode::Enforce, Outcome::Review),
                finding("m", Mode::Monitor, Outcome::Deny),
                finding("a", Mode::Enforce, Outcome::LicenceRequired),
            ],
        );
        assert_eq!(v.outcome, Outcome::LicenceRequired);
        assert_eq!(v.findings.len(), 3, "monitor findings are still reported");
        assert_eq!(
            Verdict::aggregate("s".into(), date, date, policies, vec![]).outcome,
            Outcome::Allow
        );
    }

    #[test]
    fn a_shipment_no_enforce_policy_in_force_judged_is_not_allowed() {
        let date = Date::ymd(2024, 1, 1);
        let mut absent = report("a", Mode::Enforce);
        absent.in_force = false;
        for policies in [
            vec![absent.clone(), report("m", Mode::Monitor)],
            vec![absent.clone()],
            vec![report("m", Mode::Monitor)],
        ] {
            let v = Verdict::aggregate("s".into(), date, date, policies, vec![]);
            assert_eq!(v.outcome, Outcome::Review);
            assert!(!v.judged());
            assert_eq!(v.findings[0].rule(), NOT_JUDGED_RULE);
        }
        let v = Verdict::aggregate(
            "s".into(),
            date,
            date,
            vec![absent, report("a2", Mode::Enforce)],
            vec![],
        );
        assert_eq!((v.outcome, v.judged()), (Outcome::Allow, true));
    }

    #[test]
    fn a_policy_finding_is_written_as_before_policy_first_mode_left_out() {
        let f = finding("p", Mode::Monitor, Outcome::Review);
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"policy":"p","rule":"r","outcome":"review","lines":[],"parties":[],"message":"","legal_basis":"Law 1"}"#
        );
        let mut failed = report("p", Mode::Enforce);
        failed.error = Some(PolicyFailure::OutOfFuel { fuel: 7 });
        let json = serde_json::to_value(&failed).unwrap();
        assert_eq!(json["error"], "fuel limit of 7 exhausted (`limits.fuel`)");
    }

    #[test]
    fn a_policy_not_in_force_reports_not_in_force() {
        let mut p = report("a", Mode::Enforce);
        p.in_force = false;
        let json = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(json["outcome"], "not_in_force");
        assert_eq!(json["in_force"], false);
    }
}
