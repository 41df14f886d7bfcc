//! A policy that floods the host on shipments bound for Russia (and judges every
//! other shipment normally, with no finding). It is an honest plugin in every other
//! respect: what it returns is well-formed, there is just far too much of it.
//! (Over-long texts are cut by the SDK itself; `hostile-forged-output` sends them.)
//!
//! Settings (all optional):
//!
//! - `findings = N`: return N findings;
//! - `log_calls = N` with `log_bytes = M`: send N log messages of M bytes each.

use exportctl_sdk::{Country, Date, Finding, Level, Metadata, Policy, Rule, Shipment, log};
use serde::Deserialize;

/// What to flood the host with.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Number of findings to return.
    pub findings: u32,
    /// Number of log messages to send.
    pub log_calls: u32,
    /// Length of each log message.
    pub log_bytes: u32,
}

const FLOOD: Rule =
    Rule::new("flood", "none: a test of the sandbox").describe("floods the log, then reports");

/// Floods the host.
pub struct Flood(Settings);

impl Policy for Flood {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[FLOOD];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-flood",
            name: "Hostile: floods the host",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; floods the host on shipments to Russia"],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(Flood(settings))
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if shipment.destination_country() != Country::RU {
            return Vec::new();
        }
        let s = self.0;
        if s.log_calls > 0 {
            let message = "l".repeat(s.log_bytes as usize);
            for _ in 0..s.log_calls {
                log(Level::Debug, &message);
            }
        }
        (0..s.findings)
            .map(|_| {
                FLOOD
                    .review("flood")
                    .line(shipment.lines().get(0).unwrap().number())
            })
            .collect()
    }
}

exportctl_sdk::export_policy!(Flood);
