//! A policy that panics on shipments bound for Russia and judges every other
//! shipment normally (no finding). A panic traps the plugin: the host must turn it
//! into a `policy-error` that carries the panic message, and carry on.

use exportctl_sdk::{Country, Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// Panics on shipments to Russia.
pub struct Panic;

impl Policy for Panic {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-panic",
            name: "Hostile: panics",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; panics on shipments to Russia"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(Panic)
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if shipment.destination_country() == Country::RU {
            panic!("deliberate panic on shipment {}", shipment.id());
        }
        Vec::new()
    }
}

exportctl_sdk::export_policy!(Panic);
