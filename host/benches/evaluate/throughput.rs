//! Sections 3 to 5: the whole corpus through the default set (shipments/s,
//! fresh and reused instances and the set's own per-policy modes, against the
//! same rules built natively), then
//! each policy alone over the shipments where it is in force. Together they
//! say what the sandbox costs per shipment and per policy.

use crate::BoxError;
use crate::policies::{NativePolicy, OnePolicy, native_policy};
use crate::table::{COMPARISON, comparison_row, header, per_second, ratio, row, section, us};
use crate::timing::{REPS, Stat, time_per_item};
use exportctl::{Host, InstanceMode, PluginSource, PolicySetConfig, Worker};
use exportctl_sdk::validated::Shipment;
use std::borrow::Borrow;
use std::hint::black_box;
use std::sync::Arc;

/// Section 3's figures, per shipment.
pub struct SetTimes {
    /// The default set in wasm, fresh instances.
    pub fresh: Stat,
    /// The default set in wasm, reused instances.
    pub reused: Stat,
    /// The policies with a native build, natively: rules only.
    pub native: Stat,
    /// The same, encoding the shipment once and decoding it per policy.
    pub native_wire: Stat,
    /// The policies with a native build in wasm, fresh instances (the
    /// figure to set against `native`).
    pub cmp_fresh: Stat,
    /// The same, reused instances.
    pub cmp_reused: Stat,
}

/// One policy's figures in sections 4/5, per shipment-policy evaluation.
pub struct PolicyTimes {
    /// The policy's id.
    pub id: String,
    /// In wasm, fresh instances.
    pub fresh: Stat,
    /// In wasm, reused instances.
    pub reused: Stat,
    /// Natively, rules only.
    pub native: Stat,
    /// Natively, with the shipment encoded and decoded as for the sandbox.
    pub native_wire: Stat,
}

/// Section 3: the whole corpus through `host` (the default set), and through the
/// native builds of its policies.
pub fn whole_set(
    config: &PolicySetConfig,
    host: &Arc<Host>,
    policies: &[OnePolicy],
    corpus: &[Shipment],
) -> Result<SetTimes, BoxError> {
    section(
        "3. Default set, whole corpus (Worker::evaluate: encode once, every policy in force, verdict)",
    );
    header(&["µs/shipment", "shipments/s"]);
    let mut set = Vec::new();
    for mode in [InstanceMode::Fresh, InstanceMode::Reused] {
        let stat = time_worker(host, mode, corpus)?;
        row(
            &format!("wasm, {} instances", mode_name(mode)),
            &[us(stat), per_second(stat)],
        );
        set.push(stat);
    }
    let (fresh, reused) = (set[0], set[1]);
    // The set as `policies/default.toml` runs it: each policy in its own mode
    // (the bundled ones reused), as `Host::worker` gives it.
    let configured = time_evaluations(host.worker(), corpus)?;
    row(
        "wasm, default set as configured (per-policy modes)",
        &[us(configured), per_second(configured)],
    );
    let policies: Vec<&OnePolicy> = policies.iter().filter(|p| p.in_set).collect();
    let natives: Vec<(&OnePolicy, &NativePolicy)> = policies
        .iter()
        .filter_map(|p| p.native.as_ref().map(|n| (*p, n)))
        .collect();
    let views: Vec<exportctl_sdk::Shipment<'static>> = corpus
        .iter()
        .map(Shipment::to_view)
        .collect::<Result<_, _>>()?;
    let native = time_per_item(REPS, corpus.len(), || {
        for (s, view) in corpus.iter().zip(&views) {
            for (p, native) in &natives {
                if p.in_force.contains(s.as_of) {
                    black_box(native(view));
                }
            }
        }
        Ok(())
    })?;
    row("native, rules only", &[us(native), per_second(native)]);
    let native_wire = time_per_item(REPS, corpus.len(), || {
        for s in corpus {
            let wire = s.to_wire()?;
            for (p, native) in &natives {
                if p.in_force.contains(s.as_of) {
                    black_box(native(&exportctl_sdk::Shipment::from_wire(&wire)?));
                }
            }
        }
        Ok(())
    })?;
    row(
        "native, encode once + decode per policy + rules",
        &[us(native_wire), per_second(native_wire)],
    );
    // The wasm figures to compare with native: the same policies.
    let (cmp_fresh, cmp_reused) = if natives.len() == policies.len() {
        (fresh, reused)
    } else {
        let mut covered = config.clone();
        covered.policies.retain(|e| match &e.plugin {
            PluginSource::Bundled(name) => {
                native_policy(name, &e.settings_json).is_ok_and(|n| n.is_some())
            }
            PluginSource::File(_) => false,
        });
        let host = Host::load(&covered)?;
        let fresh = time_worker(&host, InstanceMode::Fresh, corpus)?;
        let reused = time_worker(&host, InstanceMode::Reused, corpus)?;
        row(
            "wasm, fresh, policies with a native build",
            &[us(fresh), per_second(fresh)],
        );
        row(
            "wasm, reused, policies with a native build",
            &[us(reused), per_second(reused)],
        );
        (fresh, reused)
    };
    Ok(SetTimes {
        fresh,
        reused,
        native,
        native_wire,
        cmp_fresh,
        cmp_reused,
    })
}

/// Sections 4 and 5: each policy alone, in wasm and natively, over the
/// shipments where it is in force; then the set's figures from section 3 in
/// the same columns, when section 3 ran.
pub fn per_policy(
    policies: &[OnePolicy],
    corpus: &[Shipment],
    set: Option<&SetTimes>,
) -> Result<Vec<PolicyTimes>, BoxError> {
    section(
        "4./5. Per policy: µs per shipment-policy evaluation, over the shipments where it is in force",
    );
    header(&COMPARISON);
    let mut per_policy = Vec::new();
    for p in policies {
        let subset: Vec<&Shipment> = corpus
            .iter()
            .filter(|s| p.in_force.contains(s.as_of))
            .collect();
        let fresh = time_worker(&p.host, InstanceMode::Fresh, &subset)?;
        let reused = time_worker(&p.host, InstanceMode::Reused, &subset)?;
        let label = format!("{} ({} shipments)", p.label, subset.len());
        let Some(native) = &p.native else {
            row(&label, &[us(fresh), us(reused), "no native".into()]);
            continue;
        };
        let views: Vec<exportctl_sdk::Shipment<'static>> = subset
            .iter()
            .map(|s| s.to_view())
            .collect::<Result<_, _>>()?;
        let native_rules = time_per_item(REPS, subset.len(), || {
            for view in &views {
                black_box(native(view));
            }
            Ok(())
        })?;
        let native_wire = time_per_item(REPS, subset.len(), || {
            for &s in &subset {
                black_box(native(&exportctl_sdk::Shipment::from_wire(&s.to_wire()?)?));
            }
            Ok(())
        })?;
        comparison_row(&label, fresh, reused, native_rules, native_wire);
        per_policy.push(PolicyTimes {
            id: p.label.clone(),
            fresh,
            reused,
            native: native_rules,
            native_wire,
        });
    }
    let Some(set) = set else {
        return Ok(per_policy);
    };
    comparison_row(
        "default set, per shipment (from section 3)",
        set.cmp_fresh,
        set.cmp_reused,
        set.native,
        set.native_wire,
    );
    println!(
        "  set against native + wire (the decode the guest does): fresh {}, reused {}",
        ratio(set.cmp_fresh, set.native_wire),
        ratio(set.cmp_reused, set.native_wire)
    );
    Ok(per_policy)
}

/// Evaluates every one of `shipments` with one worker of `host` running every
/// policy in `mode`; time per shipment.
fn time_worker<'s, S: Borrow<Shipment<'s>>>(
    host: &Arc<Host>,
    mode: InstanceMode,
    shipments: &[S],
) -> Result<Stat, BoxError> {
    time_evaluations(host.worker_with(mode), shipments)
}

/// Evaluates every one of `shipments` with `worker`; time per shipment.
fn time_evaluations<'s, S: Borrow<Shipment<'s>>>(
    mut worker: Worker,
    shipments: &[S],
) -> Result<Stat, BoxError> {
    time_per_item(REPS, shipments.len(), || {
        for s in shipments {
            black_box(worker.evaluate(s.borrow()));
        }
        Ok(())
    })
}

/// How section 3 names an instance mode.
fn mode_name(mode: InstanceMode) -> &'static str {
    match mode {
        InstanceMode::Fresh => "fresh",
        InstanceMode::Reused => "reused",
    }
}
