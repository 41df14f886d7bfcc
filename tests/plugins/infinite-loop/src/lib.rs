//! A policy that never returns: the host's fuel limit must stop it and fail closed.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// Loops forever on every shipment.
pub struct InfiniteLoop;

impl Policy for InfiniteLoop {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-infinite-loop",
            name: "Hostile: infinite loop",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; never returns"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(InfiniteLoop)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let mut n: u64 = shipment.lines().len() as u64;
        loop {
            // Opaque to the optimiser, so the loop really runs.
            n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}

exportctl_sdk::export_policy!(InfiniteLoop);
