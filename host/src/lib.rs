//! The exportctl host: judges shipments against export-control policy plugins,
//! each running in its own WebAssembly sandbox, and returns one verdict with every
//! reason cited to the law.
//!
//! # The path of a shipment
//!
//! The modules read top to bottom in the order a shipment meets them:
//!
//! 1. **parse and validate** — `exportctl_sdk::input` turns a JSON/TOML document
//!    into a validated, normalised [`Shipment`](exportctl_sdk::Shipment), or an
//!    error naming the shipment and field path;
//! 2. **encode** — the shipment is encoded once ([`Shipment::to_wire`](exportctl_sdk::validated::Shipment::to_wire))
//!    and the same bytes go to every policy;
//! 3. **evaluate** — [`Worker::evaluate`] runs each policy in a sandbox
//!    (`sandbox.rs`: fuel, memory cap, a bounded log as the only import) and checks
//!    what it returns (`output.rs`);
//! 4. **aggregate** — [`Verdict`]: the worst enforce-mode outcome wins, monitor-mode
//!    findings are reported but not counted, a failing policy fails closed, and a
//!    shipment no enforce-mode policy in force judged goes to review (`not-judged`);
//! 5. **report** — [`judge()`] runs steps 1–4 over a source of documents and
//!    hands each verdict to a [`Sink`]; [`report`] has the JSON Lines and text sinks.
//!
//! # Core concepts
//!
//! - [`PolicySetConfig`] — a policy-set file: plugins, modes, settings, limits.
//! - [`HostBuilder`] — loads a set, with the code cache, engine settings and
//!   generation number the caller passes (nothing is read from the environment).
//! - [`Host`] — a loaded set, immutable, in an `Arc`: every plugin compiled once,
//!   checked and configured; its [`Generation`] (number and set digest).
//! - [`Worker`] — evaluates shipments on one thread; owns an `Arc<Host>`, so a
//!   new set can be swapped in while in-flight work finishes on the old one.
//!   Plugin logs reach [`Worker::on_log`].
//! - [`Verdict`] — the result for one shipment: [`PolicyReport`]s (with a typed
//!   [`PolicyFailure`] when a policy failed) and [`PolicyFinding`]s (the SDK's
//!   [`Finding`] attributed to a policy).
//! - [`judge()`], [`Sink`], [`Summary`] — the loop a command line, a server or a
//!   batch runner shares.
//! - [`Exemption`], [`apply_exemptions`] — an officer's false positive for one party
//!   and one list entry: the finding it covers is shown in [`Verdict::exempted`],
//!   not counted (also through [`JudgeOptions::exemptions`]).
//! - [`LoadError`] — why a set did not load; its causes are in [`error`].
//!
//! ```no_run
//! use exportctl::{Host, PolicySetConfig};
//! use exportctl_sdk::validated::Shipment;
//!
//! let host = Host::builder(PolicySetConfig::bundled_default()?).generation(1).build()?;
//! let shipment = Shipment::from_json(&std::fs::read_to_string("shipment.json")?)?;
//! let mut worker = host.worker();
//! let verdict = worker.evaluate(&shipment);
//! println!("{}: {} (set {})", verdict.shipment, verdict.outcome, verdict.generation.set_digest);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bindings;
mod cache;
mod data_age;
mod date_text;
mod encode;
mod engine;
mod exemption;
mod failure;
mod host;
mod judge;
#[cfg(test)]
mod layering;
mod limits;
mod load;
mod output;
mod plugin;
mod plugin_log;
mod policy_set;
mod record;
mod replay;
mod sandbox;
mod screening;
mod screening_record;
mod set_digest;
mod trust;
mod verdict;
mod worker;

pub mod error;
pub mod report;

// Load a set.
pub use cache::CodeCache;
pub use engine::EngineSettings;
pub use error::LoadError;
pub use host::{Edition, Host, PolicyInfo};
pub use limits::Limits;
pub use load::{HostBuilder, bundled_plugins};
pub use plugin::{Plugin, PluginMetadata};
pub use policy_set::{
    AuditSettings, InstanceMode, Mode, PluginSource, PolicyEntry, PolicySetConfig, SettingOverride,
    StoreInput,
};
pub use trust::{Publisher, Signer, TrustStore};

// Judge shipments.
pub use judge::{InvalidInput, JudgeOptions, Sink, Stopped, Summary, judge, read_file};
pub use plugin_log::{LogLevel, PluginLog};
pub use screening::{ListMatch, PartyRecord, PartyScreener, PartyScreening, ScreeningFailure};
pub use screening_record::{BadScreeningRecord, ScreeningRecorder};
pub use worker::Worker;

// Exempt false positives.
pub use exemption::{
    ERP_PARTY_ID, ExemptedParty, Exemption, apply_exemptions, normalised_name,
    system_time as exemption_time,
};

// Record decisions.
pub use record::{CapturedDecision, DecisionRecorder, HOST_VERSION, RecordBuildError};
pub use replay::{RebuildError, RecordedSet};

// Read verdicts.
pub use exportctl_sdk::Finding;
pub use failure::PolicyFailure;
pub use verdict::{
    ExemptedFinding, FAIL_CLOSED, Generation, HOST_POLICY, NOT_JUDGED, NOT_JUDGED_RULE,
    POLICY_ERROR_RULE, PolicyFinding, PolicyReport, Verdict, Warning,
};
