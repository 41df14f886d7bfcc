//! The peers benchmark's floor (`benches/peers`): a policy with no rule, which
//! returns no finding without reading the shipment. What the host spends on it —
//! writing the shipment's wire buffer, the call, the SDK's check of the buffer,
//! fuel, the verdict, and for a fresh sandbox the instance — is what every policy
//! pays before its first rule, so no policy in this sandbox can be faster.
//!
//! Not a policy to deploy: it allows everything.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// The policy that judges nothing.
pub struct Floor;

impl Policy for Floor {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[];

    fn metadata() -> Metadata {
        Metadata {
            id: "peers-floor",
            name: "Peers benchmark: the empty policy",
            version: env!("CARGO_PKG_VERSION"),
            publisher: "exportctl benchmarks",
            jurisdiction: "none",
            legal_basis: "none: a benchmark of the sandbox's own cost",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing: every shipment is allowed"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(Floor)
    }

    fn evaluate(&self, _: &Shipment) -> Vec<Finding> {
        Vec::new()
    }
}

exportctl_sdk::export_policy!(Floor);
