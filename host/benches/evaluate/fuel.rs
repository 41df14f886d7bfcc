//! How close each policy comes to its fuel budget on the corpus: the corpus is
//! run again under smaller budgets and the shipments a policy could not finish
//! are counted, so a budget that leaves too little headroom shows before it
//! turns into spurious failures in production.

use crate::BoxError;
use crate::table::{header, row};
use exportctl::{Host, InstanceMode, PolicySetConfig};
use exportctl_sdk::validated::Shipment;

/// Fuel budgets each policy finishes every corpus shipment within, against the
/// default budget ([`exportctl::Limits::DEFAULT_FUEL`]): a policy that needs a
/// large share of it would make the limit a source of spurious failures.
pub fn headroom(config: &PolicySetConfig, corpus: &[Shipment]) -> Result<(), BoxError> {
    const BUDGETS: [u64; 4] = [10_000_000, 1_000_000, 300_000, 100_000];
    // Policy id → failures at each budget, in set order.
    let mut failures: Vec<(String, Vec<usize>)> = Vec::new();
    for budget in BUDGETS {
        let mut tight = config.clone();
        for entry in &mut tight.policies {
            entry.limits.fuel = budget;
        }
        // Loading checks every policy's settings within the budget too.
        let Ok(host) = Host::load(&tight) else {
            for (_, counts) in &mut failures {
                counts.push(usize::MAX);
            }
            continue;
        };
        let mut worker = host.worker_with(InstanceMode::Reused);
        let mut failed: Vec<(String, usize)> = host
            .policies()
            .map(|p| (p.plugin.metadata().id.clone(), 0))
            .collect();
        for s in corpus {
            for (report, (_, n)) in worker.evaluate(s).policies.iter().zip(&mut failed) {
                *n += usize::from(report.error.is_some());
            }
        }
        for (id, n) in failed {
            match failures.iter_mut().find(|(known, _)| *known == id) {
                Some((_, counts)) => counts.push(n),
                None => failures.push((id, vec![n])),
            }
        }
    }
    let budgets: Vec<String> = BUDGETS.iter().map(|b| format!("fuel {b}")).collect();
    println!(
        "\n  Fuel headroom: shipments a policy could not finish within a budget (default budget {}):",
        exportctl::Limits::DEFAULT_FUEL
    );
    header(&budgets.iter().map(String::as_str).collect::<Vec<_>>());
    for (id, counts) in &failures {
        let cells: Vec<String> = counts
            .iter()
            .map(|&n| {
                if n == usize::MAX {
                    "no load".to_owned()
                } else {
                    n.to_string()
                }
            })
            .collect();
        row(id, &cells);
    }
    Ok(())
}
