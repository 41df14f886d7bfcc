//! [`Worker`]: evaluates shipments on one thread against a loaded [`Host`] —
//! encode once, run each policy in force in its sandbox, check its output,
//! aggregate one [`Verdict`].

use crate::bindings::Policy as PolicyWorld;
use crate::bindings::optional::exports::exportctl::policy::subject_evaluator::Guest as SubjectEvaluator;
use crate::encode::{Buffers, Encoded};
use crate::engine::Runtime;
use crate::failure::PolicyFailure;
use crate::host::{Host, LoadedPolicy};
use crate::output;
use crate::plugin_log::PluginLog;
use crate::policy_set::InstanceMode;
use crate::sandbox::{self, StoreState};
use crate::verdict::{FAIL_CLOSED, PolicyFinding, Verdict};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Finding, Outcome};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::Store;

/// Where a worker hands what plugins log.
type LogSink = Box<dyn FnMut(&PluginLog<'_>) + Send>;

/// Where a worker hands how long each policy took on a shipment.
type TimingSink = Box<dyn FnMut(&str, Duration) + Send>;

/// Where a worker hands the fuel each policy burnt on a shipment.
type FuelSink = Box<dyn FnMut(&str, u64) + Send>;

/// Evaluates shipments on one thread. For each policy whose instance mode is
/// [`InstanceMode::Reused`] (its own `instance`, else the set's) it keeps one
/// sandbox between shipments, and drops a sandbox as soon as its policy fails, so
/// a poisoned instance is never reused; every other policy gets a fresh sandbox
/// per shipment.
///
/// A worker owns an `Arc` of its [`Host`]: the host it was made from stays loaded
/// while the worker lives, whatever set the caller loads meanwhile.
pub struct Worker {
    host: Arc<Host>,
    /// One mode for every policy, whatever the set says (benchmarks); `None`:
    /// each policy's own.
    forced: Option<InstanceMode>,
    instances: Vec<Option<Sandbox>>,
    /// The encoded shipment, reused so that encoding allocates only when a
    /// shipment is larger than any before it.
    wire: Buffers,
    on_log: Option<LogSink>,
    on_timing: Option<TimingSink>,
    on_fuel: Option<FuelSink>,
}

impl Host {
    /// A worker to evaluate shipments on the current thread, each policy in
    /// its instance mode as the set configures it. It keeps this host alive for
    /// as long as it lives.
    pub fn worker(self: &Arc<Host>) -> Worker {
        Worker::with_modes(self.clone(), None)
    }

    /// A worker running every policy in instance mode `mode`, whatever the set
    /// says (benchmarks compare both).
    pub fn worker_with(self: &Arc<Host>, mode: InstanceMode) -> Worker {
        Worker::new(self.clone(), mode)
    }

    /// Evaluates one shipment with a fresh worker.
    pub fn evaluate(self: &Arc<Host>, shipment: &Shipment) -> Verdict {
        self.worker().evaluate(shipment)
    }
}

/// A live plugin instance and its store.
struct Sandbox {
    store: Store<StoreState>,
    world: PolicyWorld,
    /// Its keyed evaluator (contract 1.2), asked instead of `evaluate` when the
    /// plugin has one.
    subjects: Option<SubjectEvaluator>,
}

impl Worker {
    /// A worker of `host` running every policy in instance mode `mode` (see
    /// [`Host::worker`] for the modes the set configures).
    pub fn new(host: Arc<Host>, mode: InstanceMode) -> Worker {
        Worker::with_modes(host, Some(mode))
    }

    fn with_modes(host: Arc<Host>, forced: Option<InstanceMode>) -> Worker {
        let instances = host.policies.iter().map(|_| None).collect();
        Worker {
            host,
            forced,
            instances,
            wire: Buffers::default(),
            on_log: None,
            on_timing: None,
            on_fuel: None,
        }
    }

    /// Hands every message a plugin logs while evaluating a shipment to `sink`,
    /// tagged with the policy id, version and shipment id (by default they are
    /// dropped). Messages logged while a sandbox reads its settings are not
    /// passed on; a plugin that logs past its budget fails closed.
    pub fn on_log(mut self, sink: impl FnMut(&PluginLog<'_>) + Send + 'static) -> Worker {
        self.on_log = Some(Box::new(sink));
        self
    }

    /// Hands `sink` the policy id and the wall time of each policy run on a
    /// shipment (sandbox set-up, the call and the output check), failed runs
    /// included. Without a sink nothing is timed.
    ///
    /// ```no_run
    /// # fn demo(host: std::sync::Arc<exportctl::Host>) {
    /// let worker = host.worker().on_timing(|policy, took| {
    ///     eprintln!("{policy}: {} µs", took.as_micros());
    /// });
    /// # }
    /// ```
    pub fn on_timing(mut self, sink: impl FnMut(&str, Duration) + Send + 'static) -> Worker {
        self.on_timing = Some(Box::new(sink));
        self
    }

    /// Hands `sink` the policy id and the fuel its plugin burnt judging a
    /// shipment (the call alone: instantiating and configuring a fresh sandbox
    /// is not counted), failed calls included. Fuel counts WebAssembly
    /// instructions, so it is the same on every machine: what a policy's
    /// `limits.fuel` must leave room for.
    ///
    /// ```no_run
    /// # fn demo(host: std::sync::Arc<exportctl::Host>) {
    /// let worker = host.worker().on_fuel(|policy, fuel| eprintln!("{policy}: {fuel} fuel"));
    /// # }
    /// ```
    pub fn on_fuel(mut self, sink: impl FnMut(&str, u64) + Send + 'static) -> Worker {
        self.on_fuel = Some(Box::new(sink));
        self
    }

    /// The host this worker evaluates with.
    pub fn host(&self) -> &Arc<Host> {
        &self.host
    }

    /// Judges one shipment against every enabled policy. Never fails: a policy
    /// that cannot judge adds a `policy-error` finding with the set's fail
    /// outcome.
    pub fn evaluate(&mut self, shipment: &Shipment) -> Verdict {
        let host = self.host.clone();
        let mut wire = Encoded::new(shipment, std::mem::take(&mut self.wire));
        let mut reports = Vec::with_capacity(host.ids.len());
        let mut findings: Vec<PolicyFinding> = Vec::new();
        for versions in &host.ids {
            // The version in force on the law date; if none is, the latest is named.
            let in_force = versions.iter().copied().find(|&i| {
                host.policies[i]
                    .plugin
                    .metadata()
                    .in_force()
                    .contains(shipment.as_of)
            });
            let Some(i) = in_force.or_else(|| versions.last().copied()) else {
                continue;
            };
            let policy = &host.policies[i];
            let mut report = policy.report.clone();
            report.in_force = in_force.is_some();
            if report.in_force {
                let started = self.on_timing.is_some().then(Instant::now);
                let result = match wire.bytes(policy.plugin.wire()) {
                    Ok(bytes) => self.run(i, policy, shipment, bytes),
                    Err(reason) => Err(PolicyFailure::Sandbox {
                        reason: reason.clone(),
                    }),
                };
                if let (Some(started), Some(sink)) = (started, &mut self.on_timing) {
                    sink(&report.id, started.elapsed());
                }
                match result {
                    Ok(found) => {
                        report.outcome = found
                            .iter()
                            .map(|f| f.outcome())
                            .max()
                            .unwrap_or(Outcome::Allow);
                        findings.extend(found.into_iter().map(|finding| PolicyFinding {
                            policy: report.id.clone(),
                            mode: report.mode,
                            finding,
                        }));
                    }
                    Err(failure) => {
                        let message = format!(
                            "policy `{}` failed on shipment `{}`: {failure}",
                            report.id, shipment.id
                        );
                        report.outcome = host.fail_outcome;
                        report.error = Some(failure);
                        findings.push(PolicyFinding {
                            policy: report.id.clone(),
                            mode: report.mode,
                            finding: FAIL_CLOSED.finding(host.fail_outcome, message),
                        });
                    }
                }
            }
            reports.push(report);
        }
        self.wire = wire.into_buffers();
        let mut warnings = Vec::new();
        for (report, versions) in reports.iter().zip(&host.ids) {
            if !report.in_force {
                continue;
            }
            let Some(policy) = versions
                .iter()
                .map(|&i| &host.policies[i])
                .find(|p| p.report.version == report.version)
            else {
                continue;
            };
            warnings.extend(crate::data_age::stale(
                &report.id,
                &policy.editions,
                shipment.as_of,
                host.data_age_days,
            ));
        }
        let mut verdict = Verdict::aggregate(
            shipment.id.to_string(),
            shipment.date,
            shipment.as_of,
            reports,
            findings,
        );
        verdict.warnings = warnings;
        verdict.generation = host.generation.clone();
        verdict
    }

    fn run(
        &mut self,
        i: usize,
        policy: &LoadedPolicy,
        shipment: &Shipment,
        wire: &[u8],
    ) -> Result<Vec<Finding>, PolicyFailure> {
        let mut sandbox = match self.instances.get_mut(i).and_then(Option::take) {
            Some(sandbox) => sandbox,
            None => new_sandbox(&self.host.runtime, policy)?,
        };
        sandbox::refuel(&mut sandbox.store, policy.limits).map_err(|e| PolicyFailure::Sandbox {
            reason: format!("{e:#}"),
        })?;
        let outcome = match &sandbox.subjects {
            Some(subjects) => {
                match subjects.call_evaluate_with_subjects(&mut sandbox.store, wire) {
                    Err(e) => Err(sandbox::classify(&e, &sandbox.store, policy.limits)),
                    Ok(Err(message)) => Err(PolicyFailure::PluginError { message }),
                    Ok(Ok(raw)) => output::check_keyed(shipment, policy.plugin.catalogue(), raw)
                        .map_err(|reason| PolicyFailure::BadOutput { reason }),
                }
            }
            None => match sandbox
                .world
                .exportctl_policy_evaluator()
                .call_evaluate(&mut sandbox.store, wire)
            {
                Err(e) => Err(sandbox::classify(&e, &sandbox.store, policy.limits)),
                Ok(Err(message)) => Err(PolicyFailure::PluginError { message }),
                Ok(Ok(raw)) => output::check(shipment, policy.plugin.catalogue(), raw)
                    .map_err(|reason| PolicyFailure::BadOutput { reason }),
            },
        };
        if let Some(sink) = &mut self.on_fuel
            && let Ok(left) = sandbox.store.get_fuel()
        {
            sink(&policy.report.id, policy.limits.fuel.saturating_sub(left));
        }
        if let Some(sink) = &mut self.on_log {
            for (level, message) in sandbox::take_log(&mut sandbox.store) {
                sink(&PluginLog {
                    policy: &policy.report.id,
                    version: &policy.report.version,
                    shipment: &shipment.id,
                    level,
                    message: &message,
                });
            }
        }
        // Only a sandbox whose call succeeded may serve the next shipment.
        if outcome.is_ok()
            && self.forced.unwrap_or(policy.instance) == InstanceMode::Reused
            && let Some(slot) = self.instances.get_mut(i)
        {
            *slot = Some(sandbox);
        }
        outcome
    }
}

/// Instantiates a policy, finds its keyed evaluator if it has one, and hands
/// it its settings.
fn new_sandbox(runtime: &Runtime, policy: &LoadedPolicy) -> Result<Sandbox, PolicyFailure> {
    let failed = |e: wasmtime::Error| PolicyFailure::Sandbox {
        reason: format!("{e:#}"),
    };
    let mut store = sandbox::new_store(&runtime.engine, policy.limits).map_err(failed)?;
    let instance = policy
        .plugin
        .pre()
        .instance_pre()
        .instantiate(&mut store)
        .map_err(failed)?;
    let world = policy
        .plugin
        .evaluator()
        .load(&mut store, &instance)
        .map_err(failed)?;
    let subjects = policy
        .plugin
        .subjects()
        .map(|indices| indices.load(&mut store, &instance))
        .transpose()
        .map_err(failed)?;
    // An empty table is what the SDK assumes when never configured; skip the call.
    if policy.settings_json != "{}" {
        match world
            .exportctl_policy_evaluator()
            .call_configure(&mut store, &policy.settings_json)
        {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return Err(PolicyFailure::PluginError { message }),
            Err(e) => return Err(sandbox::classify(&e, &store, policy.limits)),
        }
    }
    Ok(Sandbox {
        store,
        world,
        subjects,
    })
}
