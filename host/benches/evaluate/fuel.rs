//! How close each policy comes to its fuel budget on the corpus: the corpus is
//! run again under smaller budgets and the shipments a policy could not finish
//! are counted, so a budget that leaves too little headroom shows before it
//! turns into spurious failures in production.

use crate::BoxError;
use crate::policies::OnePolicy;
use crate::table::{header, row};
use exportctl::{Host, InstanceMode, PolicySetConfig};
use exportctl_sdk::validated::Shipment;
use std::sync::{Arc, Mutex};

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

/// Fuel each policy burns per shipment on the corpus, and how it grows with the
/// number of lines: a least-squares line `fuel = fixed + per_line × lines` over
/// every shipment where the policy is in force. Fuel counts WebAssembly
/// instructions, so these figures do not depend on the machine. The set's
/// policies come first, then each variant of one (`variants`, a policy with
/// other settings, such as party-screening screening every party afresh).
pub fn per_line(
    host: &Arc<Host>,
    variants: &[OnePolicy],
    corpus: &[Shipment],
) -> Result<(), BoxError> {
    let mut samples = burnt_per_shipment(host, corpus)?;
    for variant in variants.iter().filter(|p| !p.in_set) {
        for (_, points) in burnt_per_shipment(&variant.host, corpus)? {
            samples.push((variant.label.clone(), points));
        }
    }
    println!(
        "\n  Fuel burnt per shipment on the corpus (reused sandboxes; least squares over every shipment: fuel = fixed + per line × lines):"
    );
    header(&["mean", "max", "fixed", "per line"]);
    for (policy, points) in &samples {
        let n = points.len() as f64;
        let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
        let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
        row(
            policy,
            &[
                format!("{mean_y:.0}"),
                format!("{max:.0}"),
                format!("{:.0}", mean_y - slope * mean_x),
                format!("{slope:.0}"),
            ],
        );
    }
    Ok(())
}

/// Each policy's id with the (lines, fuel) of every shipment it judged, in set order.
type Burnt = Vec<(String, Vec<(f64, f64)>)>;

/// [`Burnt`] for the corpus, from one reused worker of `host`.
fn burnt_per_shipment(host: &Arc<Host>, corpus: &[Shipment]) -> Result<Burnt, BoxError> {
    let burnt: Arc<Mutex<Vec<(String, u64)>>> = Arc::default();
    let sink = burnt.clone();
    let mut worker = host
        .worker_with(InstanceMode::Reused)
        .on_fuel(move |policy, fuel| {
            if let Ok(mut burnt) = sink.lock() {
                burnt.push((policy.to_owned(), fuel));
            }
        });
    let mut samples: Burnt = Vec::new();
    for s in corpus {
        worker.evaluate(s);
        let mut burnt = burnt.lock().map_err(|_| "fuel sink poisoned")?;
        for (policy, fuel) in burnt.drain(..) {
            let point = (s.lines.len() as f64, fuel as f64);
            match samples.iter_mut().find(|(id, _)| *id == policy) {
                Some((_, points)) => points.push(point),
                None => samples.push((policy, vec![point])),
            }
        }
    }
    Ok(samples)
}
