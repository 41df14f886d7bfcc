//! Errors that stop a policy set from loading. Evaluation never fails with an
//! error: a failing policy becomes a finding (see [`PolicyFailure`]).
//!
//! Each [`LoadError`] variant names its subject (the file, the plugin, the
//! policy id) and keeps what went wrong underneath as its `source`, so a caller
//! can match on the cause; a suggested fix, where one exists, comes from
//! [`LoadError::help`] and is not part of the message.

use crate::failure::PolicyFailure;
pub use crate::trust::TrustError;
use std::path::PathBuf;

/// An error from a library the host builds on (the WebAssembly engine), kept
/// whole with its own chain of causes.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A policy set could not be loaded. Every variant names the file or plugin and
/// says why; none is ever swallowed into a partially loaded set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The policy-set file could not be read.
    #[error("cannot read policy set `{path}`")]
    ReadPolicySet {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The policy-set file is not valid.
    #[error("invalid policy set `{origin}`")]
    InvalidPolicySet {
        /// The file.
        origin: String,
        /// What is wrong.
        #[source]
        source: SetError,
    },
    /// A plugin named by the set is neither bundled nor readable.
    #[error("cannot read plugin `{plugin}`")]
    ReadPlugin {
        /// The plugin's path or name.
        plugin: String,
        /// Why.
        #[source]
        source: ReadPluginError,
    },
    /// The file is not a WebAssembly component.
    #[error("plugin `{plugin}` is not a policy component: {found}")]
    NotAComponent {
        /// The plugin.
        plugin: String,
        /// What it is instead.
        found: NotAComponent,
    },
    /// The component could not be compiled (truncated, corrupt, unsupported feature).
    #[error("plugin `{plugin}` could not be compiled")]
    Compile {
        /// The plugin.
        plugin: String,
        /// The compiler's explanation.
        #[source]
        source: Cause,
    },
    /// The component imports something the policy contract does not offer.
    #[error("plugin `{plugin}` imports {}, which the policy contract does not offer", .imports.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "))]
    ForbiddenImport {
        /// The plugin.
        plugin: String,
        /// The forbidden imports.
        imports: Vec<String>,
    },
    /// The component does not implement this host's contract version.
    #[error("plugin `{plugin}` does not implement the policy contract")]
    Contract {
        /// The plugin.
        plugin: String,
        /// What is missing or different.
        #[source]
        source: ContractError,
    },
    /// The plugin's metadata is missing or invalid.
    #[error("plugin `{plugin}` has invalid metadata")]
    Metadata {
        /// The plugin.
        plugin: String,
        /// What is wrong.
        #[source]
        source: MetadataError,
    },
    /// The plugin rejected its settings, or failed while checking them.
    #[error("policy `{policy}` {} in `{origin}`{place}", .source.what_happened())]
    Settings {
        /// The policy id.
        policy: String,
        /// The policy-set file.
        origin: String,
        /// Where in it: ` line 12, policy[0].settings.key` (empty if unknown).
        place: String,
        /// How the plugin refused them.
        #[source]
        source: SettingsError,
    },
    /// Two versions of one policy are in force on the same day.
    #[error(
        "policy set `{origin}` has versions of policy `{id}` whose periods in force overlap: {first} and {second}"
    )]
    OverlappingVersions {
        /// The policy-set file.
        origin: String,
        /// The policy id.
        id: String,
        /// The earlier version and its period.
        first: String,
        /// The later version.
        second: String,
    },
    /// A plugin's signature is missing, invalid, or by a publisher not trusted for it.
    #[error("plugin `{plugin}` is not trusted")]
    Signature {
        /// The plugin.
        plugin: String,
        /// Which check failed.
        #[source]
        source: TrustError,
    },
    /// The WebAssembly engine could not be created.
    #[error("cannot create the WebAssembly engine")]
    Engine {
        /// Why.
        #[source]
        source: Cause,
    },
}

impl LoadError {
    /// What to do about it, when the error alone does not say: printed after the
    /// message (`exportctl` joins them with `; `).
    pub fn help(&self) -> Option<&'static str> {
        match self {
            LoadError::ReadPlugin {
                source: ReadPluginError::NotBundled { .. },
                ..
            } => Some("to load a file, give a path ending in `.wasm`"),
            LoadError::NotAComponent {
                found: NotAComponent::CoreModule,
                ..
            } => Some(
                "build the policy with `exportctl-builder` (or `wasm-tools component new`) to make a component",
            ),
            LoadError::ForbiddenImport { .. } => {
                Some("a policy may import only `exportctl:policy/host` (log)")
            }
            LoadError::Contract {
                source: ContractError::OtherVersion { .. },
                ..
            } => Some("rebuild it with a matching exportctl-sdk"),
            LoadError::OverlappingVersions { .. } => {
                Some("exactly one version may be in force on any day")
            }
            LoadError::Settings {
                source: SettingsError::Failed(PolicyFailure::MemoryLimit { .. }),
                ..
            } => Some(
                "raise the policy's `limits.memory_mib` (a Python policy starts with about 13 MiB)",
            ),
            LoadError::Compile { source, .. } if mentions(source.as_ref(), MEMORY_OVER_CAP) => {
                Some(
                    "its initial memory is larger than the largest `limits.memory_mib` of the set: raise the policy's `limits.memory_mib` (a Python policy starts with about 13 MiB)",
                )
            }
            _ => None,
        }
    }
}

/// How wasmtime refuses a component whose initial linear memory is larger than the
/// engine's instance slots (sized for the set's largest memory cap); its error type is
/// private, so the message is matched (and pinned by the end-to-end tests).
const MEMORY_OVER_CAP: &str = "memory has a minimum byte size of";

/// Whether `error` or one of its causes says `text`.
fn mentions(error: &(dyn std::error::Error + 'static), text: &str) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.to_string().contains(text) {
            return true;
        }
        next = e.source();
    }
    false
}

/// What is wrong with a policy-set file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetError {
    /// The text does not parse, or a key has a bad value: the parser's
    /// diagnostic, with the place in the file.
    #[error("{0}")]
    Parse(String),
    /// No policy is enabled.
    #[error("it enables no policy, so every shipment would be allowed unchecked")]
    NoPolicyEnabled,
    /// A `--set` override could not be applied.
    #[error("{0}")]
    Override(String),
    /// A `--set` override names a policy the set does not enable.
    #[error("`--set {policy}.{key}` names no enabled policy of the set")]
    UnusedOverride {
        /// The policy id it names.
        policy: String,
        /// The setting.
        key: String,
    },
}

/// Why a plugin's bytes could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadPluginError {
    /// The file could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is larger than the host reads.
    #[error("larger than {mib} MiB")]
    TooLarge {
        /// The limit.
        mib: u64,
    },
    /// No bundled plugin has the name.
    #[error("no such bundled plugin (bundled: {})", .bundled.join(", "))]
    NotBundled {
        /// The plugins this binary bundles.
        bundled: Vec<&'static str>,
    },
}

/// What a file that is not a policy component is instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAComponent {
    /// A core module: it needs wrapping into a component.
    #[error("it is a core WebAssembly module")]
    CoreModule,
    /// A WebAssembly binary of a version the engine does not know.
    #[error("unsupported WebAssembly binary version")]
    UnsupportedVersion,
    /// Not WebAssembly at all.
    #[error("not a WebAssembly file ({bytes} bytes, no `\\0asm` header)")]
    NotWasm {
        /// Its size.
        bytes: usize,
    },
}

/// How a component breaks the policy contract.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContractError {
    /// Built for another contract version.
    #[error("it is built for policy contract version {found}, but this host implements {expected}")]
    OtherVersion {
        /// The version it names.
        found: String,
        /// The versions this host loads.
        expected: &'static str,
    },
    /// It does not export the evaluator.
    #[error("it does not export `{expected}` (exports: {})", list_or_none(.exports))]
    MissingExport {
        /// The interface the host needs (`exportctl:policy/evaluator@1.4.0`).
        expected: &'static str,
        /// What it exports.
        exports: Vec<String>,
    },
    /// It reads a shipment wire format this host does not write (contract 1.3.0's
    /// `shipment-reader`).
    #[error(
        "it reads shipment wire format {found}, but this host writes formats {written}: rebuild it \
         with an exportctl-sdk that writes format {current} (policy contract 1.3.0 or later), or load it \
         in a host that writes format {found}"
    )]
    WireFormat {
        /// The format it names.
        found: u32,
        /// The formats this host writes.
        written: &'static str,
        /// The format the host's own SDK writes.
        current: u16,
    },
    /// The engine could not link it against the contract.
    #[error(transparent)]
    Link(Cause),
}

/// Why a plugin's metadata was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Calling `metadata` failed.
    #[error("calling `metadata` failed")]
    Call(#[source] Cause),
    /// A field is invalid: which, and why.
    #[error("{0}")]
    Invalid(String),
    /// Calling `rules` (contract 1.4.0) failed.
    #[error("calling `rules` failed")]
    CallRules(#[source] Cause),
    /// The rules it declares are not sound: which, and why.
    #[error("its rule catalogue is refused: {0}")]
    Rules(String),
}

/// How a plugin refused the settings it was given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The plugin said no, in its own words.
    #[error("{message}")]
    Rejected {
        /// The plugin's message.
        message: String,
    },
    /// The plugin failed while reading them (trap, limit).
    #[error(transparent)]
    Failed(PolicyFailure),
    /// No sandbox could be made to ask it.
    #[error(transparent)]
    Sandbox(Cause),
}

impl SettingsError {
    /// How a load error says it: the plugin's refusal, or its failure to answer.
    fn what_happened(&self) -> &'static str {
        match self {
            SettingsError::Rejected { .. } => "rejected its settings",
            SettingsError::Failed(_) | SettingsError::Sandbox(_) => "could not check its settings",
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub use crate::trust::SignatureError;

#[cfg(test)]
mod tests {
    use super::*;

    /// The message and its causes, as `exportctl` prints them.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut line = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            line.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        line
    }

    #[test]
    fn the_subject_is_in_the_message_the_cause_in_the_source_the_fix_in_help() {
        let e = LoadError::Contract {
            plugin: "p.wasm".to_owned(),
            source: ContractError::OtherVersion {
                found: "2.0.0".to_owned(),
                expected: "1.0.0 to 1.4.0",
            },
        };
        assert_eq!(
            e.to_string(),
            "plugin `p.wasm` does not implement the policy contract"
        );
        assert!(matches!(
            std::error::Error::source(&e).and_then(|s| s.downcast_ref::<ContractError>()),
            Some(ContractError::OtherVersion { .. })
        ));
        assert_eq!(
            format!("{}; {}", chain(&e), e.help().unwrap_or_default()),
            "plugin `p.wasm` does not implement the policy contract: it is built for policy contract version 2.0.0, but this host implements 1.0.0 to 1.4.0; rebuild it with a matching exportctl-sdk"
        );
        let e = LoadError::ReadPlugin {
            plugin: "nope".to_owned(),
            source: ReadPluginError::NotBundled {
                bundled: vec!["a", "b"],
            },
        };
        assert_eq!(
            chain(&e),
            "cannot read plugin `nope`: no such bundled plugin (bundled: a, b)"
        );
        assert_eq!(
            e.help(),
            Some("to load a file, give a path ending in `.wasm`")
        );
        let e = LoadError::NotAComponent {
            plugin: "m.wasm".to_owned(),
            found: NotAComponent::NotWasm { bytes: 3 },
        };
        assert_eq!(e.help(), None);
    }
}
