//! A policy that allocates without bound: the host's memory cap must stop it and
//! fail closed, and the host's own memory must stay bounded.

use exportctl_sdk::{Date, Finding, Metadata, NoSettings, Policy, Rule, Shipment};

/// Allocates 1 MiB blocks, touching each, until something stops it.
pub struct MemoryBomb;

impl Policy for MemoryBomb {
    type Settings = NoSettings;
    const RULES: &'static [Rule] = &[];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-memory-bomb",
            name: "Hostile: memory bomb",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; exhausts memory"],
        }
    }

    fn new(_: NoSettings) -> Result<Self, String> {
        Ok(MemoryBomb)
    }

    fn evaluate(&self, _shipment: &Shipment) -> Vec<Finding> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![0xA5; 1 << 20]);
            std::hint::black_box(&hoard);
        }
    }
}

exportctl_sdk::export_policy!(MemoryBomb);
