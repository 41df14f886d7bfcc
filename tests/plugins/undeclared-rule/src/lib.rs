//! A policy that declares one rule and returns a finding of another on every
//! shipment to Russia (contract 1.4). The host must fail it closed with an
//! output error naming the undeclared rule, never pass the finding on.

use exportctl_sdk::{Country, Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// The rule it declares (and never uses).
const DECLARED: Rule =
    Rule::new("test-declared", "none: a test of the rule catalogue").describe("the declared rule");

/// The rule its findings name, which it does not declare.
const UNDECLARED: Rule = Rule::new("test-undeclared", "none: a test of the rule catalogue");

/// Names a rule it does not declare.
pub struct UndeclaredRule;

impl Policy for UndeclaredRule {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[DECLARED];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-undeclared-rule",
            name: "Hostile: a finding of an undeclared rule",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the rule catalogue",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; names an undeclared rule on shipments to Russia"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(UndeclaredRule)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if shipment.destination_country() == Country::RU {
            vec![UNDECLARED.deny("a finding of a rule the plugin did not declare")]
        } else {
            Vec::new()
        }
    }
}

exportctl_sdk::export_policy!(UndeclaredRule);
