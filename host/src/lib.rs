//! The exportctl host: judges shipments against export-control policy plugins,
//! each running in its own WebAssembly sandbox, and returns one verdict with every
//! reason cited to the law.
//!
//! # The path of a shipment
//!
//! 1. **parse and validate** — `exportctl_sdk::input` turns a JSON/TOML document
//!    into a validated, normalised [`Shipment`](exportctl_sdk::Shipment), or an
//!    error naming the shipment and field path;
//! 2. **encode** — the shipment is encoded once ([`Shipment::to_wire`](exportctl_sdk::Shipment::to_wire))
//!    and the same bytes go to every policy;
//! 3. **evaluate** — [`Worker::evaluate`] runs each policy in a sandbox
//!    (`sandbox.rs`: fuel, memory cap, a bounded log as the only import) and checks
//!    what it returns (`output.rs`);
//! 4. **aggregate** — [`Verdict`]: the worst enforce-mode outcome wins, monitor-mode
//!    findings are reported but not counted, a failing policy fails closed, and a
//!    shipment no enforce-mode policy in force judged goes to review (`not-judged`);
//! 5. **report** — [`report`] writes JSON Lines or a readable text report.
//!
//! # Core concepts
//!
//! - [`PolicySetConfig`] — a policy-set file: plugins, modes, settings, limits.
//! - [`Host`] — a loaded set: every plugin compiled once, checked and configured.
//! - [`Worker`] — evaluates shipments on one thread (fresh or reused sandboxes).
//! - [`Plugin`] — one compiled component with its sha256 and metadata.
//! - [`Verdict`] — the result for one shipment.
//!
//! ```no_run
//! use exportctl::{Host, PolicySetConfig};
//! use exportctl_sdk::Shipment;
//!
//! let host = Host::load(&PolicySetConfig::bundled_default()?)?;
//! let shipment = Shipment::from_json(&std::fs::read_to_string("shipment.json")?)?;
//! let verdict = host.evaluate(&shipment);
//! println!("{}: {}", verdict.shipment, verdict.outcome);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod data_age;
mod engine;
mod error;
mod host;
mod limits;
mod output;
mod plugin;
mod policy_set;
mod sandbox;
mod trust;
mod verdict;

pub mod cli;
pub mod report;

pub use cache::CodeCache;
pub use error::LoadError;
pub use host::{Host, PolicyInfo, Worker, bundled_plugins};
pub use limits::Limits;
pub use plugin::{EVALUATOR_EXPORT, Plugin, PluginMetadata};
pub use policy_set::{
    DEFAULT_POLICY_SET, InstanceMode, Mode, PluginSource, PolicyEntry, PolicySetConfig,
    SettingOverride,
};
pub use sandbox::PolicyFailure;
pub use trust::{IdPattern, Publisher, SignatureError, Signer, TrustStore};
pub use verdict::{
    Finding, HOST_POLICY, NOT_JUDGED_RULE, POLICY_ERROR_RULE, PolicyReport, Verdict, Warning,
};
