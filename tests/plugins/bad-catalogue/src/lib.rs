//! A policy whose rule catalogue (contract 1.4) the host must refuse at load:
//! the same rule declared twice.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// A sound declaration.
const FIRST: Rule =
    Rule::new("test-twice", "none: a test of the rule catalogue").describe("the first declaration");

/// The same id again.
const AGAIN: Rule = Rule::new("test-twice", "none: a test of the rule catalogue")
    .describe("the second declaration");

/// Declares a rule twice.
pub struct BadCatalogue;

impl Policy for BadCatalogue {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[FIRST, AGAIN];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-bad-catalogue",
            name: "Hostile: a rule declared twice",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the rule catalogue",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(BadCatalogue)
    }

    fn evaluate(&self, _: &Shipment) -> Vec<Finding> {
        Vec::new()
    }
}

exportctl_sdk::export_policy!(BadCatalogue);
