//! The decision of the `chpl-diversion` policy in every engine: which of its three
//! rules fire on a shipment, with which outcome, for which lines.
//!
//! - exportctl: the real `plugins/chpl-diversion`, natively and in the sandbox. It
//!   also writes messages, legal bases and the red flags it finds, which the peers
//!   skip: with the default settings they do not change the decision. That work
//!   counts against exportctl.
//! - [`rego`]: `benches/peers/rules/chpl.rego`, over the shipment's lines.
//! - [`cedar`]: `benches/peers/rules/chpl.cedar`. Cedar cannot iterate lines, so the
//!   host sends one request per line and flattens what a rule needs to know about
//!   other lines into sets; it also groups the lines into findings afterwards.

pub mod cedar;
pub mod rego;

use exportctl::Verdict;
use exportctl_sdk::{Finding as SdkFinding, Policy};
use std::fmt;

/// The policy's id in verdicts.
pub const POLICY_ID: &str = "chpl-diversion";

/// One finding as the decision compares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The rule id (`chpl-russia-belarus`, …).
    pub rule: String,
    /// `deny` or `review`.
    pub outcome: String,
    /// The lines it names, ascending.
    pub lines: Vec<u32>,
}

/// A shipment's decision: its findings, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision(pub Vec<Finding>);

impl Decision {
    /// The decision from findings in any order.
    pub fn new(mut findings: Vec<Finding>) -> Decision {
        for f in &mut findings {
            f.lines.sort_unstable();
        }
        findings.sort();
        Decision(findings)
    }

    /// The decision of the policy's own findings.
    pub fn of_findings<'f>(findings: impl IntoIterator<Item = &'f SdkFinding>) -> Decision {
        Decision::new(
            findings
                .into_iter()
                .map(|f| Finding {
                    rule: f.rule().to_owned(),
                    outcome: f.outcome().as_str().to_owned(),
                    lines: f.get_lines().to_vec(),
                })
                .collect(),
        )
    }

    /// The decision in an exportctl verdict (the policy's findings only).
    pub fn of_verdict(verdict: &Verdict) -> Decision {
        Decision::of_findings(
            verdict
                .findings
                .iter()
                .filter(|f| &*f.policy == POLICY_ID)
                .map(|f| &f.finding),
        )
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no finding");
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|x| format!("{} {} {:?}", x.rule, x.outcome, x.lines))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

/// The policy built natively: its findings on the shipments where it is in force
/// (the host does not evaluate it on the others).
pub fn native(
    policy: &chpl_diversion::ChplDiversion,
    shipment: &exportctl_sdk::Shipment,
) -> Decision {
    if shipment.as_of() < chpl_diversion::VALID_FROM {
        return Decision::default();
    }
    Decision::of_findings(&policy.evaluate(shipment))
}
