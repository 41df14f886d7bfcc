//! The engines agree: on the first shipments of the benchmark corpus, in both
//! scenarios, every engine decides every shipment as the exportctl policy built
//! natively does. Run in CI, so a change to one side of a rule shows.

use exportctl_peers_bench::agreement::{
    ChplEngines, ReferenceEngines, check_chpl, check_reference,
};
use exportctl_peers_bench::scenarios::scenarios;

/// Shipments per scenario: enough for every kind of the corpus mix to occur.
const SHIPMENTS: usize = 400;

#[test]
fn every_engine_decides_the_reference_rule_alike() -> Result<(), Box<dyn std::error::Error>> {
    let scenarios = scenarios(SHIPMENTS)?;
    let mut engines = ReferenceEngines::new()?;
    let denied = check_reference(&mut engines, &scenarios)?;
    // The check compares something: both allow and deny occur in each scenario.
    for (scenario, denied) in scenarios.iter().zip(&denied) {
        assert!(
            *denied > 0 && *denied < scenario.shipments.len(),
            "{}: {denied} of {} denied",
            scenario.name,
            scenario.shipments.len()
        );
    }
    Ok(())
}

#[test]
fn every_engine_reaches_the_same_chpl_diversion_decision() -> Result<(), Box<dyn std::error::Error>>
{
    let scenarios = scenarios(SHIPMENTS)?;
    let mut engines = ChplEngines::new()?;
    let flagged = check_chpl(&mut engines, &scenarios)?;
    for (scenario, flagged) in scenarios.iter().zip(&flagged) {
        assert!(
            *flagged > 0 && *flagged < scenario.shipments.len(),
            "{}: {flagged} of {} with a finding",
            scenario.name,
            scenario.shipments.len()
        );
    }
    Ok(())
}
