//! [`Host`]: a loaded policy set, ready to judge shipments.

use crate::cache::CodeCache;
use crate::engine::Runtime;
use crate::error::LoadError;
use crate::limits::Limits;
use crate::output;
use crate::plugin::bindings::Policy as PolicyWorld;
use crate::plugin::{self, Plugin};
use crate::policy_set::{InstanceMode, Mode, PluginSource, PolicySetConfig};
use crate::sandbox::{self, PolicyFailure, StoreState};
use crate::trust::{MAX_SIGNATURE_BYTES, Signer};
use crate::verdict::{Finding, POLICY_ERROR_RULE, PolicyReport, Verdict};
use exportctl_sdk::{Date, Outcome, Shipment};
use std::collections::HashMap;
use std::sync::Arc;
use wasmtime::Store;

/// Largest plugin file the host reads.
const MAX_PLUGIN_BYTES: u64 = 64 << 20;

include!(concat!(env!("OUT_DIR"), "/bundled_plugins.rs"));

/// The names of the plugins bundled in this binary.
pub fn bundled_plugins() -> impl Iterator<Item = &'static str> {
    BUNDLED_PLUGINS.iter().map(|(name, _)| *name)
}

/// A loaded policy set: every enabled plugin compiled, checked and configured.
///
/// `Host` is `Send + Sync`: share it between threads and give each thread its own
/// [`Worker`]. Nothing mutable is shared between evaluations except the compiled
/// code and the instance pool.
pub struct Host {
    runtime: Runtime,
    policies: Vec<LoadedPolicy>,
    /// Indices into `policies` per policy id (in set order), the versions of an id
    /// sorted by the day they come into force.
    ids: Vec<Vec<usize>>,
    fail_outcome: Outcome,
    instance_mode: InstanceMode,
    warnings: Vec<String>,
    /// Warn when a dated data source is this many days older than the law date
    /// (0: never).
    data_age_days: u32,
    /// Unknown shipment fields are invalid input, not warnings.
    strict_input: bool,
}

/// One enabled policy (version) of the set.
struct LoadedPolicy {
    plugin: Arc<Plugin>,
    signer: Signer,
    settings_json: String,
    limits: Limits,
    /// What its verdict entry says before it is evaluated (id, version, hash,
    /// mode, signer): built once, so a report per shipment copies no strings.
    report: PolicyReport,
    /// The dated data sources the policy declares: (source, edition date).
    editions: Vec<(String, Date)>,
}

/// A policy of a loaded set, for listing.
pub struct PolicyInfo<'a> {
    /// The plugin and its metadata.
    pub plugin: &'a Plugin,
    /// Enforce or monitor.
    pub mode: Mode,
    /// Limits per evaluation.
    pub limits: Limits,
    /// Who vouches for the plugin's bytes.
    pub signer: &'a Signer,
    /// The settings it runs with, as JSON (`{}` when none).
    pub settings_json: &'a str,
}

impl Host {
    /// Loads a policy set: reads, compiles and checks every enabled plugin and hands
    /// each its settings. Any failure stops the load; there is no partial set.
    pub fn load(config: &PolicySetConfig) -> Result<Host, LoadError> {
        let enabled: Vec<_> = config.policies.iter().filter(|p| p.enabled).collect();
        if enabled.is_empty() {
            // A set that judges nothing would allow everything.
            return Err(LoadError::InvalidPolicySet {
                origin: config.origin.clone(),
                reason: "it enables no policy, so every shipment would be allowed unchecked"
                    .to_owned(),
            });
        }
        let max_memory = enabled
            .iter()
            .map(|p| p.limits.memory_bytes)
            .max()
            .unwrap_or(Limits::DEFAULT_MEMORY_BYTES);
        let runtime =
            Runtime::new(max_memory, CodeCache::from_env()).map_err(|e| LoadError::Engine {
                reason: format!("{e:#}"),
            })?;

        // Compile each distinct plugin once, even if several entries name it.
        let mut compiled: HashMap<String, Arc<Plugin>> = HashMap::new();
        let mut policies: Vec<LoadedPolicy> = Vec::with_capacity(enabled.len());
        let mut warnings = Vec::new();
        let mut overrides_used = vec![false; config.overrides.len()];
        for (index, entry) in config
            .policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.enabled)
        {
            let (name, bytes) = read_plugin(&entry.plugin)?;
            // The signature is checked before a byte of the plugin is compiled.
            let signer = match &entry.signature {
                None => Signer::Bundled,
                Some(sig_path) => {
                    let signature = read_signature(sig_path, &name)?;
                    let sig_name = sig_path.display().to_string();
                    match config.trust.verify(&bytes, signature.as_deref(), &sig_name) {
                        Ok(Some(publisher)) => Signer::Publisher {
                            name: publisher.name().to_owned(),
                            key_id: publisher.key_id().to_owned(),
                        },
                        Ok(None) => {
                            warnings.push(format!(
                                "plugin `{name}` is loaded unsigned because `allow_unsigned = true`: never use such a policy set in production"
                            ));
                            Signer::Unsigned
                        }
                        Err(e) => {
                            return Err(LoadError::Signature {
                                plugin: name,
                                reason: e.to_string(),
                            });
                        }
                    }
                }
            };
            let sha256 = plugin::sha256_hex(&bytes);
            let plugin = match compiled.get(&sha256) {
                Some(plugin) => plugin.clone(),
                None => {
                    let plugin = Arc::new(Plugin::load(&runtime, &name, &bytes, sha256.clone())?);
                    compiled.insert(sha256, plugin.clone());
                    plugin
                }
            };
            let id = &plugin.metadata().id;
            // A publisher's key vouches only for the policy ids it was trusted with.
            if let Signer::Publisher {
                name: publisher, ..
            } = &signer
                && let Some(p) = config
                    .trust
                    .publishers()
                    .iter()
                    .find(|p| p.name() == publisher)
                && !p.allows(id)
            {
                return Err(LoadError::Signature {
                    plugin: name,
                    reason: format!(
                        "publisher `{publisher}` signed it, but may sign only {}, not policy `{id}`",
                        p.allowed()
                    ),
                });
            }
            let mut settings_json = entry.settings_json.clone();
            for (o, used) in config.overrides.iter().zip(&mut overrides_used) {
                if &o.policy == id {
                    settings_json =
                        o.apply(&settings_json)
                            .map_err(|reason| LoadError::InvalidPolicySet {
                                origin: config.origin.clone(),
                                reason,
                            })?;
                    *used = true;
                }
            }
            configure(&runtime, &plugin, &settings_json, entry.limits).map_err(|reason| {
                let (place, reason) = config.settings_place(index, &settings_json, &reason);
                LoadError::Settings {
                    policy: id.clone(),
                    origin: config.origin.clone(),
                    place,
                    reason,
                }
            })?;
            let report = PolicyReport {
                id: plugin.metadata().id.as_str().into(),
                version: plugin.metadata().version.to_string().into(),
                sha256: plugin.sha256().into(),
                mode: entry.mode,
                outcome: Outcome::Allow,
                error: None,
                in_force: true,
                signed_by: signer.to_string().into(),
                name: plugin.metadata().name.as_str().into(),
                limitations: plugin.metadata().limitations.len(),
            };
            let editions = crate::data_age::editions(&plugin.metadata().sources);
            policies.push(LoadedPolicy {
                plugin,
                signer,
                settings_json,
                limits: entry.limits,
                report,
                editions,
            });
        }
        if let Some((o, _)) = config
            .overrides
            .iter()
            .zip(&overrides_used)
            .find(|(_, used)| !**used)
        {
            return Err(LoadError::InvalidPolicySet {
                origin: config.origin.clone(),
                reason: format!(
                    "`--set {}.{}` names no enabled policy of the set",
                    o.policy, o.key
                ),
            });
        }
        let ids = group_versions(&config.origin, &policies)?;
        Ok(Host {
            runtime,
            policies,
            ids,
            fail_outcome: config.fail_outcome,
            instance_mode: config.instance_mode,
            warnings,
            data_age_days: config.data_age_days,
            strict_input: config.strict_input,
        })
    }

    /// Whether the set makes unknown shipment fields invalid input
    /// (`[host] unknown_fields = "invalid"`).
    pub fn strict_input(&self) -> bool {
        self.strict_input
    }

    /// Warnings about how the set was loaded (e.g. unsigned plugins allowed).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The enabled policies, in set order.
    pub fn policies(&self) -> impl Iterator<Item = PolicyInfo<'_>> {
        self.policies.iter().map(|p| PolicyInfo {
            plugin: &p.plugin,
            mode: p.report.mode,
            limits: p.limits,
            signer: &p.signer,
            settings_json: &p.settings_json,
        })
    }

    /// A worker to evaluate shipments on the current thread.
    pub fn worker(&self) -> Worker<'_> {
        self.worker_with(self.instance_mode)
    }

    /// A worker with an explicit instance mode (benchmarks compare both).
    pub fn worker_with(&self, mode: InstanceMode) -> Worker<'_> {
        Worker {
            host: self,
            mode,
            instances: self.policies.iter().map(|_| None).collect(),
            wire: Vec::new(),
        }
    }

    /// Evaluates one shipment with a fresh worker.
    pub fn evaluate(&self, shipment: &Shipment) -> Verdict {
        self.worker().evaluate(shipment)
    }
}

/// Evaluates shipments on one thread. In [`InstanceMode::Reused`] it keeps one
/// sandbox per policy between shipments, and drops a sandbox as soon as its policy
/// fails, so a poisoned instance is never reused.
pub struct Worker<'h> {
    host: &'h Host,
    mode: InstanceMode,
    instances: Vec<Option<Sandbox>>,
    /// The encoded shipment, reused so that encoding allocates only when a
    /// shipment is larger than any before it.
    wire: Vec<u8>,
}

/// A live plugin instance and its store.
struct Sandbox {
    store: Store<StoreState>,
    world: PolicyWorld,
}

impl Worker<'_> {
    /// Judges one shipment against every enabled policy.
    pub fn evaluate(&mut self, shipment: &Shipment) -> Verdict {
        let wire = shipment
            .to_wire_in(std::mem::take(&mut self.wire))
            .map_err(|e| e.to_string());
        let mut reports = Vec::with_capacity(self.host.ids.len());
        let mut findings = Vec::new();
        for versions in &self.host.ids {
            // The version in force on the law date; if none is, the latest is named.
            let in_force = versions.iter().copied().find(|&i| {
                self.host.policies[i]
                    .plugin
                    .metadata()
                    .in_force()
                    .contains(shipment.as_of)
            });
            let Some(i) = in_force.or_else(|| versions.last().copied()) else {
                continue;
            };
            let policy = &self.host.policies[i];
            let mut report = policy.report.clone();
            report.in_force = in_force.is_some();
            if report.in_force {
                let result = match &wire {
                    Ok(bytes) => self.run(i, policy, shipment, bytes),
                    Err(reason) => Err(PolicyFailure::Sandbox {
                        reason: reason.clone(),
                    }),
                };
                match result {
                    Ok(found) => {
                        report.outcome = found
                            .iter()
                            .map(|f| f.outcome)
                            .max()
                            .unwrap_or(Outcome::Allow);
                        findings.extend(found);
                    }
                    Err(failure) => {
                        let message = format!(
                            "policy `{}` failed on shipment `{}`: {failure}",
                            report.id, shipment.id
                        );
                        report.outcome = self.host.fail_outcome;
                        report.error = Some(failure.to_string());
                        findings.push(Finding {
                            policy: report.id.clone(),
                            rule: POLICY_ERROR_RULE.to_owned(),
                            outcome: self.host.fail_outcome,
                            lines: Vec::new(),
                            parties: Vec::new(),
                            message,
                            legal_basis: "exportctl fail-closed rule: a policy that cannot judge a shipment never allows it".to_owned(),
                        });
                    }
                }
            }
            reports.push(report);
        }
        if let Ok(bytes) = wire {
            self.wire = bytes;
        }
        let mut warnings = Vec::new();
        for (report, versions) in reports.iter().zip(&self.host.ids) {
            if !report.in_force {
                continue;
            }
            let Some(policy) = versions
                .iter()
                .map(|&i| &self.host.policies[i])
                .find(|p| p.report.version == report.version)
            else {
                continue;
            };
            warnings.extend(crate::data_age::stale(
                &report.id,
                &policy.editions,
                shipment.as_of,
                self.host.data_age_days,
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
        let result = sandbox
            .world
            .exportctl_policy_evaluator()
            .call_evaluate(&mut sandbox.store, wire);
        let outcome = match result {
            Err(e) => Err(PolicyFailure::from_call(&e, &sandbox.store, policy.limits)),
            Ok(Err(message)) => Err(PolicyFailure::PluginError { message }),
            Ok(Ok(raw)) => output::check(&policy.report.id, shipment, raw)
                .map_err(|reason| PolicyFailure::BadOutput { reason }),
        };
        // Only a sandbox whose call succeeded may serve the next shipment.
        if outcome.is_ok()
            && self.mode == InstanceMode::Reused
            && let Some(slot) = self.instances.get_mut(i)
        {
            *slot = Some(sandbox);
        }
        outcome
    }
}

/// Groups the loaded versions by policy id, each group sorted by the day it comes
/// into force, and refuses versions of one id whose periods overlap: exactly one
/// version may decide a shipment.
fn group_versions(origin: &str, policies: &[LoadedPolicy]) -> Result<Vec<Vec<usize>>, LoadError> {
    let mut ids: Vec<Vec<usize>> = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let id = &p.plugin.metadata().id;
        match ids
            .iter_mut()
            .find(|g| &policies[g[0]].plugin.metadata().id == id)
        {
            Some(group) => group.push(i),
            None => ids.push(vec![i]),
        }
    }
    for group in &mut ids {
        group.sort_by_key(|&i| policies[i].plugin.metadata().valid_from);
        for pair in group.windows(2) {
            let (a, b) = (
                policies[pair[0]].plugin.metadata(),
                policies[pair[1]].plugin.metadata(),
            );
            if a.valid_to.is_none_or(|to| to >= b.valid_from) {
                return Err(LoadError::OverlappingVersions {
                    origin: origin.to_owned(),
                    id: a.id.clone(),
                    first: format!(
                        "{} ({} to {})",
                        a.version,
                        a.valid_from,
                        a.valid_to.map_or("open end".to_owned(), |d| d.to_string())
                    ),
                    second: format!("{} (from {})", b.version, b.valid_from),
                });
            }
        }
    }
    Ok(ids)
}

/// Reads a detached signature; `None` if the file does not exist.
fn read_signature(path: &std::path::Path, plugin: &str) -> Result<Option<String>, LoadError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(LoadError::Signature {
                plugin: plugin.to_owned(),
                reason: format!("cannot read `{}`: {e}", path.display()),
            });
        }
    };
    let mut text = String::new();
    file.take(MAX_SIGNATURE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| LoadError::Signature {
            plugin: plugin.to_owned(),
            reason: format!("cannot read `{}`: {e}", path.display()),
        })?;
    if text.len() as u64 > MAX_SIGNATURE_BYTES {
        return Err(LoadError::Signature {
            plugin: plugin.to_owned(),
            reason: format!("`{}` is too large for a signature", path.display()),
        });
    }
    Ok(Some(text))
}

/// Instantiates a policy and hands it its settings.
fn new_sandbox(runtime: &Runtime, policy: &LoadedPolicy) -> Result<Sandbox, PolicyFailure> {
    let mut store =
        sandbox::new_store(&runtime.engine, policy.limits).map_err(|e| PolicyFailure::Sandbox {
            reason: format!("{e:#}"),
        })?;
    let world =
        policy
            .plugin
            .pre()
            .instantiate(&mut store)
            .map_err(|e| PolicyFailure::Sandbox {
                reason: format!("{e:#}"),
            })?;
    // An empty table is what the SDK assumes when never configured; skip the call.
    if policy.settings_json != "{}" {
        match world
            .exportctl_policy_evaluator()
            .call_configure(&mut store, &policy.settings_json)
        {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return Err(PolicyFailure::PluginError { message }),
            Err(e) => return Err(PolicyFailure::from_call(&e, &store, policy.limits)),
        }
    }
    Ok(Sandbox { store, world })
}

/// Checks at load time that the plugin accepts its settings.
fn configure(
    runtime: &Runtime,
    plugin: &Plugin,
    settings_json: &str,
    limits: Limits,
) -> Result<(), String> {
    let mut store = sandbox::new_store(&runtime.engine, limits).map_err(|e| format!("{e:#}"))?;
    let world = plugin
        .pre()
        .instantiate(&mut store)
        .map_err(|e| format!("{e:#}"))?;
    match world
        .exportctl_policy_evaluator()
        .call_configure(&mut store, settings_json)
    {
        Ok(result) => result,
        Err(e) => Err(PolicyFailure::from_call(&e, &store, limits).to_string()),
    }
}

fn read_plugin(source: &PluginSource) -> Result<(String, Vec<u8>), LoadError> {
    match source {
        PluginSource::Bundled(name) => BUNDLED_PLUGINS
            .iter()
            .find(|(bundled, _)| bundled == name)
            .map(|(bundled, bytes)| ((*bundled).to_owned(), bytes.to_vec()))
            .ok_or_else(|| LoadError::ReadPlugin {
                plugin: name.clone(),
                reason: format!(
                    "no such bundled plugin (bundled: {}); to load a file, give a path ending in `.wasm`",
                    bundled_plugins().collect::<Vec<_>>().join(", ")
                ),
            }),
        PluginSource::File(path) => {
            use std::io::Read;
            let name = path.display().to_string();
            let file = std::fs::File::open(path).map_err(|e| LoadError::ReadPlugin { plugin: name.clone(), reason: e.to_string() })?;
            let mut bytes = Vec::new();
            file.take(MAX_PLUGIN_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| LoadError::ReadPlugin { plugin: name.clone(), reason: e.to_string() })?;
            if bytes.len() as u64 > MAX_PLUGIN_BYTES {
                return Err(LoadError::ReadPlugin { plugin: name, reason: format!("larger than {} MiB", MAX_PLUGIN_BYTES >> 20) });
            }
            Ok((name, bytes))
        }
    }
}
