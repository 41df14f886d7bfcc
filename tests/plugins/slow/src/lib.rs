//! A slow but legitimate policy: it works through a fixed amount of computation
//! (set in its settings) and then returns an ordinary finding. Run just under its
//! fuel limit it must give that finding, the same on every run; just over, it
//! fails closed like any other policy out of fuel.

use exportctl_sdk::{Date, Finding, Metadata, Policy, Rule, Shipment};
use serde::Deserialize;

/// How much work to do per shipment.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Rounds of the work loop.
    pub rounds: u64,
}

const CHECKED: Rule = Rule::new("slow-check-done", "none: a test of the sandbox")
    .describe("reports that the slow check finished");

/// Works hard, then finds.
pub struct Slow(Settings);

impl Policy for Slow {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[CHECKED];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-slow",
            name: "Slow but legitimate",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing real; computes for a long time"],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(Slow(settings))
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        let mut state = shipment.lines().len() as u64;
        for _ in 0..self.0.rounds {
            state = std::hint::black_box(state.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        vec![
            CHECKED
                .review(format!(
                    "checked after {} rounds ({:x})",
                    self.0.rounds,
                    state & 0xff
                ))
                .lines(shipment.lines().map(|l| l.number())),
        ]
    }
}

exportctl_sdk::export_policy!(Slow);
