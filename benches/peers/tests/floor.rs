//! The floor measures what it says: the empty policy allows every shipment with no
//! finding in both instance modes, and wasmtime alone instantiates both components
//! (the log import defined as a trap is never reached).

use exportctl::InstanceMode;
use exportctl_peers_bench::floor::{BareInstantiation, FLOOR_COMPONENT};
use exportctl_peers_bench::sandbox::{REFERENCE_COMPONENT, floor_host};
use exportctl_peers_bench::scenarios::scenarios;
use exportctl_sdk::Outcome;

#[test]
fn the_empty_policy_allows_every_shipment_without_a_finding()
-> Result<(), Box<dyn std::error::Error>> {
    let host = floor_host()?;
    for scenario in scenarios(100)? {
        for mode in [InstanceMode::Reused, InstanceMode::Fresh] {
            let mut worker = host.worker_with(mode);
            for s in &scenario.shipments {
                let verdict = worker.evaluate(s);
                assert_eq!(verdict.outcome, Outcome::Allow, "{}", s.id);
                assert!(
                    verdict.findings.is_empty(),
                    "{}: {:?}",
                    s.id,
                    verdict.findings
                );
                assert_eq!(verdict.policies.len(), 1, "{}", s.id);
            }
        }
    }
    Ok(())
}

#[test]
fn wasmtime_alone_instantiates_both_components_again_and_again()
-> Result<(), Box<dyn std::error::Error>> {
    for path in [FLOOR_COMPONENT, REFERENCE_COMPONENT] {
        let bare = BareInstantiation::new(path)?;
        // More than once: each store's instance goes back to the pool.
        for _ in 0..3 {
            bare.instantiate()?;
        }
    }
    Ok(())
}
