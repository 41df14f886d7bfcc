//! Before timing: every engine must reach the same decision on every shipment, or
//! the figures compare different work. The first disagreement stops the run,
//! naming the shipment, the scenario and both engines.

use crate::PeersError;
use crate::chpl::Decision;
use crate::chpl::cedar::CedarChpl;
use crate::chpl::rego::RegoChpl;
use crate::error::Disagreement;
use crate::reference::cedar::CedarRule;
use crate::reference::plain::{PlainRule, PlainShipment};
use crate::reference::rego::RegoRule;
use crate::sandbox;
use crate::scenarios::Scenario;
use exportctl::{Host, InstanceMode};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Outcome, Policy, configure};
use peers_chpl_russia::ChplRussia;
use std::sync::Arc;

/// The engine every other one is compared with: the policy built natively.
const NATIVE: &str = "exportctl policy, native";

/// Every engine running the reference rule.
pub struct ReferenceEngines {
    /// Native Rust, plain structs.
    pub plain: PlainRule,
    /// The exportctl policy built natively.
    pub native: ChplRussia,
    /// Rego.
    pub rego: RegoRule,
    /// Cedar.
    pub cedar: CedarRule,
    /// exportctl with the policy's component alone.
    pub host: Arc<Host>,
}

impl ReferenceEngines {
    /// Loads, parses and compiles the rule in every engine.
    pub fn new() -> Result<ReferenceEngines, PeersError> {
        Ok(ReferenceEngines {
            plain: PlainRule::new(),
            native: configure::<ChplRussia>("{}").map_err(|e| PeersError::engine(NATIVE, e))?,
            rego: RegoRule::new()?,
            cedar: CedarRule::new()?,
            host: sandbox::reference_host()?,
        })
    }
}

/// Whether the exportctl policy, run natively, denies the shipment.
pub fn native_denies(policy: &ChplRussia, shipment: &exportctl_sdk::Shipment) -> bool {
    policy
        .evaluate(shipment)
        .iter()
        .any(|f| f.outcome() == Outcome::Deny)
}

/// Checks that every engine decides every shipment of every scenario alike;
/// returns the number of denied shipments per scenario.
pub fn check_reference(
    engines: &mut ReferenceEngines,
    scenarios: &[Scenario],
) -> Result<Vec<usize>, PeersError> {
    let mut denied = Vec::new();
    let mut reused = engines.host.worker_with(InstanceMode::Reused);
    let mut fresh = engines.host.worker_with(InstanceMode::Fresh);
    for scenario in scenarios {
        let mut count = 0;
        for ((shipment, document), view) in scenario
            .shipments
            .iter()
            .zip(&scenario.documents)
            .zip(&scenario.views)
        {
            let expected = native_denies(&engines.native, view);
            count += usize::from(expected);
            let check = |engine: &'static str, got: bool| {
                agree(
                    scenario,
                    shipment,
                    engine,
                    got.to_string(),
                    expected.to_string(),
                )
            };
            check(
                "native, plain structs",
                engines.plain.denies(&PlainShipment::of(shipment)),
            )?;
            let input = RegoRule::input(shipment);
            check("regorus RVM", engines.rego.vm(&input)?)?;
            check("regorus interpreter", engines.rego.interpreter(&input)?)?;
            let request = engines.cedar.request(shipment)?;
            check("cedar", engines.cedar.denies(&request)?)?;
            check(
                "exportctl, reused sandbox",
                reused.evaluate(shipment).outcome == Outcome::Deny,
            )?;
            check(
                "exportctl, fresh sandbox",
                fresh.evaluate(shipment).outcome == Outcome::Deny,
            )?;
            let parsed = Shipment::from_json(document).map_err(|source| PeersError::Shipment {
                id: shipment.id.to_string(),
                source: Box::new(source),
            })?;
            check(
                "exportctl, reused, from JSON",
                reused.evaluate(&parsed).outcome == Outcome::Deny,
            )?;
        }
        denied.push(count);
    }
    Ok(denied)
}

/// Every engine running the `chpl-diversion` decision.
pub struct ChplEngines {
    /// The policy built natively, default settings.
    pub native: chpl_diversion::ChplDiversion,
    /// Rego.
    pub rego: RegoChpl,
    /// Cedar.
    pub cedar: CedarChpl,
    /// exportctl with the bundled policy alone.
    pub host: Arc<Host>,
}

impl ChplEngines {
    /// Loads, parses and compiles the rules in every engine.
    pub fn new() -> Result<ChplEngines, PeersError> {
        Ok(ChplEngines {
            native: configure::<chpl_diversion::ChplDiversion>("{}")
                .map_err(|e| PeersError::engine(NATIVE, e))?,
            rego: RegoChpl::new()?,
            cedar: CedarChpl::new()?,
            host: sandbox::chpl_host()?,
        })
    }
}

/// Checks that every engine reaches the same `chpl-diversion` decision on every
/// shipment of every scenario; returns the number of shipments with a finding per
/// scenario.
pub fn check_chpl(
    engines: &mut ChplEngines,
    scenarios: &[Scenario],
) -> Result<Vec<usize>, PeersError> {
    let mut flagged = Vec::new();
    let mut reused = engines.host.worker_with(InstanceMode::Reused);
    let mut fresh = engines.host.worker_with(InstanceMode::Fresh);
    for scenario in scenarios {
        let mut count = 0;
        for ((shipment, document), view) in scenario
            .shipments
            .iter()
            .zip(&scenario.documents)
            .zip(&scenario.views)
        {
            let expected = crate::chpl::native(&engines.native, view);
            count += usize::from(expected != Decision::default());
            let check = |engine: &'static str, got: Decision| {
                agree(
                    scenario,
                    shipment,
                    engine,
                    got.to_string(),
                    expected.to_string(),
                )
            };
            check(
                "regorus RVM",
                engines.rego.decide(&RegoChpl::input(shipment))?,
            )?;
            check(
                "cedar",
                engines.cedar.decide(&engines.cedar.requests(shipment)?)?,
            )?;
            check(
                "exportctl, reused sandbox",
                Decision::of_verdict(&reused.evaluate(shipment)),
            )?;
            check(
                "exportctl, fresh sandbox",
                Decision::of_verdict(&fresh.evaluate(shipment)),
            )?;
            let parsed = Shipment::from_json(document).map_err(|source| PeersError::Shipment {
                id: shipment.id.to_string(),
                source: Box::new(source),
            })?;
            check(
                "exportctl, reused, from JSON",
                Decision::of_verdict(&reused.evaluate(&parsed)),
            )?;
        }
        flagged.push(count);
    }
    Ok(flagged)
}

/// `Ok` if `got` is `expected`, else the disagreement.
pub(crate) fn agree(
    scenario: &Scenario,
    shipment: &Shipment,
    engine: &'static str,
    got: String,
    expected: String,
) -> Result<(), PeersError> {
    if got == expected {
        return Ok(());
    }
    Err(PeersError::Disagreement(Box::new(Disagreement {
        scenario: scenario.name.to_owned(),
        shipment: shipment.id.to_string(),
        engine,
        got,
        reference_engine: NATIVE,
        expected,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::scenarios;

    #[test]
    fn a_different_decision_is_a_disagreement_naming_shipment_and_engines() {
        let scenarios = scenarios(1).unwrap();
        let scenario = &scenarios[0];
        let shipment = &scenario.shipments[0];
        assert!(agree(scenario, shipment, "cedar", "true".into(), "true".into()).is_ok());
        let e = agree(scenario, shipment, "cedar", "true".into(), "false".into())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "shipment {} (realistic mix): cedar decided true, exportctl policy, native decided false",
                shipment.id
            )
        );
    }
}
