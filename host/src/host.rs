//! [`Host`]: a loaded policy set, ready to judge shipments. Built by
//! [`HostBuilder`](crate::HostBuilder) (`load.rs`, where `Host::builder` is);
//! evaluated by a [`Worker`](crate::Worker) (`worker.rs`, where `Host::worker` is).
//! This module depends on neither, so loading, holding and evaluating a set form
//! no dependency circle.

use crate::engine::Runtime;
use crate::limits::Limits;
use crate::plugin::Plugin;
use crate::policy_set::{InstanceMode, Mode};
use crate::trust::Signer;
use crate::verdict::{Generation, PolicyReport};
use exportctl_sdk::Date;
use exportctl_sdk::Outcome;
use std::sync::Arc;

/// A loaded policy set: every enabled plugin compiled, checked and configured.
///
/// A `Host` is immutable and lives in an [`Arc`]: share it between threads and
/// give each thread its own [`Worker`](crate::Worker), which holds the `Arc` itself. A server
/// that loads a new set swaps the `Arc` it hands out; workers made from the old
/// one keep it alive and finish on it, and each verdict names the
/// [`generation`](Host::generation) it was reached with. Nothing mutable is
/// shared between evaluations except the compiled code and the instance pool.
pub struct Host {
    pub(crate) runtime: Runtime,
    pub(crate) policies: Vec<LoadedPolicy>,
    /// Indices into `policies` per policy id (in set order), the versions of an id
    /// sorted by the day they come into force.
    pub(crate) ids: Vec<Vec<usize>>,
    pub(crate) fail_outcome: Outcome,
    /// The set's own instance mode (`[host] instance`); each policy's effective
    /// one is [`LoadedPolicy::instance`].
    pub(crate) instance_mode: InstanceMode,
    pub(crate) warnings: Vec<String>,
    /// Warn when a dated data source is this many days older than the law date
    /// (0: never).
    pub(crate) data_age_days: u32,
    /// Unknown shipment fields are invalid input, not warnings.
    pub(crate) strict_input: bool,
    /// Its number and the digest of its set.
    pub(crate) generation: Generation,
    /// The set's canonical form, whose sha256 is the digest (`set_digest.rs`).
    pub(crate) canonical_form: String,
}

/// One enabled policy (version) of the set.
pub(crate) struct LoadedPolicy {
    pub(crate) plugin: Arc<Plugin>,
    pub(crate) signer: Signer,
    pub(crate) settings_json: String,
    pub(crate) limits: Limits,
    /// The instance mode it runs in: its entry's `instance`, else the set's.
    pub(crate) instance: InstanceMode,
    /// Its entry's own `instance`, if it gives one: the set digest records only
    /// that, so sets written before per-policy modes keep their digests.
    pub(crate) instance_given: Option<InstanceMode>,
    /// What its verdict entry says before it is evaluated (id, version, hash,
    /// mode, signer): built once, so a report per shipment copies no strings.
    pub(crate) report: PolicyReport,
    /// The dated data sources the policy declares: (source, edition date).
    pub(crate) editions: Vec<(String, Date)>,
}

/// A policy of a loaded set, for listing.
pub struct PolicyInfo<'a> {
    /// The plugin and its metadata.
    pub plugin: &'a Plugin,
    /// Enforce or monitor.
    pub mode: Mode,
    /// Limits per evaluation.
    pub limits: Limits,
    /// Fresh or reused sandboxes: its own `instance`, else the set's.
    pub instance: InstanceMode,
    /// Who vouches for the plugin's bytes.
    pub signer: &'a Signer,
    /// The settings it runs with, as JSON (`{}` when none).
    pub settings_json: &'a str,
}

/// A dated data source a policy of a loaded set declares (a list edition), and
/// how old it is on a given day: the same reading of the sources as the
/// verdict's `data-age` warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition<'a> {
    /// The policy id.
    pub policy: &'a str,
    /// The source's short name.
    pub source: &'a str,
    /// The edition's date.
    pub edition: Date,
    /// Days from the edition to the day asked about.
    pub age_days: i64,
    /// Older than the set's `data_age_warning_days` (a verdict on that day warns).
    pub stale: bool,
}

impl Host {
    /// The generation number this host was loaded under and the digest of its
    /// policy set; every verdict it gives carries both.
    pub fn generation(&self) -> &Generation {
        &self.generation
    }

    /// The set's canonical form (`sdk/spec/policy-set.md`, "Digest"): every
    /// plugin by sha256 with its settings, mode and limits, and the host options.
    /// Its sha256 is [`Generation::set_digest`]; an audit store keeps it so a
    /// replay can rebuild the set (`Host::rebuild`).
    pub fn canonical_form(&self) -> &str {
        &self.canonical_form
    }

    /// The outcome a policy that cannot judge gives (the set's `fail_outcome`).
    pub fn fail_outcome(&self) -> Outcome {
        self.fail_outcome
    }

    /// The set's own instance mode (`[host] instance`): that of every policy
    /// that does not give its own ([`PolicyInfo::instance`]).
    pub fn instance_mode(&self) -> InstanceMode {
        self.instance_mode
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

    /// Every dated source of the enabled policies, with its age on `on`.
    pub fn editions(&self, on: Date) -> Vec<Edition<'_>> {
        self.policies
            .iter()
            .flat_map(|p| {
                p.editions.iter().map(move |(source, edition)| {
                    let age_days = crate::data_age::age_days(*edition, on);
                    Edition {
                        policy: &p.plugin.metadata().id,
                        source,
                        edition: *edition,
                        age_days,
                        stale: self.data_age_days > 0 && age_days > i64::from(self.data_age_days),
                    }
                })
            })
            .collect()
    }

    /// The enabled policies, in set order.
    pub fn policies(&self) -> impl Iterator<Item = PolicyInfo<'_>> {
        self.policies.iter().map(|p| PolicyInfo {
            plugin: &p.plugin,
            mode: p.report.mode,
            limits: p.limits,
            instance: p.instance,
            signer: &p.signer,
            settings_json: &p.settings_json,
        })
    }
}
