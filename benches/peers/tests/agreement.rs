//! The engines agree: on the first shipments of the benchmark corpus, in both
//! scenarios, every engine decides every shipment as the exportctl policy built
//! natively does. Run in CI, so a change to one side of a rule shows.

use exportctl_peers_bench::agreement::{
    ChplEngines, ReferenceEngines, check_chpl, check_reference,
};
use exportctl_peers_bench::chpl;
use exportctl_peers_bench::scenarios::scenarios;
use std::collections::BTreeSet;

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
    // Every kind of finding occurs, so every part of the rules was compared.
    let kinds: BTreeSet<(String, String)> = scenarios
        .iter()
        .flat_map(|s| &s.views)
        .flat_map(|s| chpl::native(&engines.native, s).0)
        .map(|f| (f.rule, f.outcome))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("chpl-russia-belarus", "deny"),
        ("chpl-russia-belarus", "review"),
        ("chpl-transit-russia-belarus", "deny"),
        ("chpl-transit-russia-belarus", "review"),
        ("chpl-transshipment-risk", "review"),
    ]
    .iter()
    .map(|(r, o)| ((*r).to_owned(), (*o).to_owned()))
    .collect();
    assert_eq!(kinds, expected);
    Ok(())
}
