//! The reference rule of the peers benchmark (`benches/peers`), as an exportctl
//! policy: deny a shipment whose destination is Russia or Belarus when any of its
//! lines falls under one of the 50 HS-6 subheadings of the Common High Priority
//! Items List. The same rule is written in Rego and Cedar in the benchmark; this
//! is the exportctl side, built both to wasm (the sandboxed rows) and natively
//! (the "compiled natively, SDK types" row).
//!
//! Not a policy to deploy: `chpl-diversion` is the real one. This one is the
//! smallest rule all three engines can state the same way.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment, chpl};

/// The one rule.
pub const RULE: Rule = Rule::new(
    "peers-chpl-russia-belarus",
    "benchmark rule: CHPL (23 Feb 2024) goods to Russia or Belarus",
)
.describe("Common High Priority items to Russia or Belarus");

/// The reference rule as a policy.
pub struct ChplRussia;

impl ChplRussia {
    /// Whether the rule denies `shipment`: the decision every engine must agree on.
    pub fn denies(shipment: &Shipment) -> bool {
        matches!(shipment.destination_country().as_str(), "RU" | "BY")
            && shipment.lines().any(|l| chpl::tier(&l.hs_code()).is_some())
    }
}

impl Policy for ChplRussia {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[RULE];

    fn metadata() -> Metadata {
        Metadata {
            id: "peers-chpl-russia",
            name: "Peers benchmark: CHPL goods to Russia/Belarus",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl benchmarks",
            jurisdiction: "EU/US/UK/JP",
            legal_basis: "Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024",
            // In force on every date the benchmark corpus uses.
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[chpl::SOURCE],
            limitations: &["a benchmark rule: destination only, no parties, transit or dates"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(ChplRussia)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if Self::denies(shipment) {
            vec![RULE.deny("CHPL goods to Russia or Belarus")]
        } else {
            Vec::new()
        }
    }
}

exportctl_sdk::export_policy!(ChplRussia);
