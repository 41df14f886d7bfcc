//! A policy that keeps state between calls, which a policy must not: it counts
//! the shipments it judged and the parties it screened in its own instance and
//! says so in every answer (`call N of this instance`). A host that gives each
//! call a fresh sandbox always gets `call 1`; one that keeps the sandbox gets
//! 1, 2, 3… — so the tests can see which policies of a set run in which
//! instance mode.
//!
//! Its policy id is its package name: `hostile-counter-twin` builds this same
//! source under a second id, so one set can hold two of them.

use exportctl_sdk::{
    Date, Finding, ListMatch, Metadata, NoSettings, Party, Policy, Rule, ScreensParties, Shipment,
};
use std::cell::Cell;

/// The one rule: every answer reports the call count.
const CALLS: Rule = Rule::new("test-call-count", "none: a test of instance reuse")
    .describe("reports how many calls this instance has answered");

/// Counts its calls.
pub struct Counter {
    evaluations: Cell<u32>,
    screenings: Cell<u32>,
}

/// One more call of `counter`; the new count.
fn next(counter: &Cell<u32>) -> u32 {
    let n = counter.get().saturating_add(1);
    counter.set(n);
    n
}

impl Policy for Counter {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[CALLS];

    fn metadata() -> Metadata {
        Metadata {
            id: env!("CARGO_PKG_NAME"),
            name: "Hostile: counts its calls",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; reports how often its instance was called"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(Counter {
            evaluations: Cell::new(0),
            screenings: Cell::new(0),
        })
    }

    fn evaluate(&self, _: &Shipment) -> Vec<Finding> {
        let n = next(&self.evaluations);
        vec![CALLS.review(format!("call {n} of this instance"))]
    }
}

impl ScreensParties for Counter {
    fn screen_party(&self, party: &Party<'_>, _date: Date) -> Vec<ListMatch> {
        let n = next(&self.screenings);
        vec![ListMatch {
            finding: CALLS.review(format!("call {n} of this instance")),
            list: "Test call counter".into(),
            edition: "edition 1".into(),
            entry: "C-1".into(),
            listed_name: party.name().into(),
            score: 1.0,
        }]
    }
}

exportctl_sdk::export_screening_policy!(Counter);
