//! Errors that stop a policy set from loading. Evaluation never fails with an
//! error: a failing policy becomes a finding (see [`crate::PolicyFailure`]).

use std::path::PathBuf;

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
    #[error("invalid policy set `{origin}`: {reason}")]
    InvalidPolicySet {
        /// The file.
        origin: String,
        /// What is wrong, with its place in the file.
        reason: String,
    },
    /// A plugin named by the set is neither bundled nor readable.
    #[error("cannot read plugin `{plugin}`: {reason}")]
    ReadPlugin {
        /// The plugin's path or name.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// The file is not a WebAssembly component.
    #[error("plugin `{plugin}` is not a policy component: {reason}")]
    NotAComponent {
        /// The plugin.
        plugin: String,
        /// What it is instead.
        reason: String,
    },
    /// The component could not be compiled (truncated, corrupt, unsupported feature).
    #[error("plugin `{plugin}` could not be compiled: {reason}")]
    Compile {
        /// The plugin.
        plugin: String,
        /// The compiler's explanation.
        reason: String,
    },
    /// The component imports something the policy contract does not offer.
    #[error("plugin `{plugin}` imports {}, which the policy contract does not offer; a policy may import only `exportctl:policy/host` (log)", .imports.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "))]
    ForbiddenImport {
        /// The plugin.
        plugin: String,
        /// The forbidden imports.
        imports: Vec<String>,
    },
    /// The component does not implement this host's contract version.
    #[error("plugin `{plugin}` does not implement the policy contract: {reason}")]
    Contract {
        /// The plugin.
        plugin: String,
        /// What is missing or different.
        reason: String,
    },
    /// The plugin's metadata is missing or invalid.
    #[error("plugin `{plugin}` has invalid metadata: {reason}")]
    Metadata {
        /// The plugin.
        plugin: String,
        /// What is wrong.
        reason: String,
    },
    /// The plugin rejected its settings.
    #[error("policy `{policy}` rejected its settings in `{origin}`{place}: {reason}")]
    Settings {
        /// The policy id.
        policy: String,
        /// The policy-set file.
        origin: String,
        /// Where in it: ` line 12, policy[0].settings.key` (empty if unknown).
        place: String,
        /// The plugin's message.
        reason: String,
    },
    /// Two versions of one policy are in force on the same day.
    #[error(
        "policy set `{origin}` has versions of policy `{id}` whose periods in force overlap: {first} and {second}; exactly one version may be in force on any day"
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
    #[error("plugin `{plugin}` is not trusted: {reason}")]
    Signature {
        /// The plugin.
        plugin: String,
        /// Which check failed.
        reason: String,
    },
    /// The WebAssembly engine could not be created.
    #[error("cannot create the WebAssembly engine: {reason}")]
    Engine {
        /// Why.
        reason: String,
    },
}
