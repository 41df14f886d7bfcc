//! exportctl's side: a host with one policy alone, loaded as the product loads it
//! (a component file, or a plugin bundled in the binary), in a policy set that
//! reuses sandboxes or gives every evaluation a fresh one.

use crate::PeersError;
use exportctl::{EngineSettings, Host, InstanceMode, PluginSource, PolicySetConfig};
use std::path::Path;
use std::sync::Arc;

/// The reference rule's component, built by this crate's build script.
pub const REFERENCE_COMPONENT: &str = concat!(env!("OUT_DIR"), "/peers-chpl-russia.wasm");

/// A host with the reference rule's component alone (an unsigned file plugin, as
/// an author runs one while writing it).
pub fn reference_host() -> Result<Arc<Host>, PeersError> {
    file_host(REFERENCE_COMPONENT, EngineSettings::default())
}

/// A host with the empty policy's component alone ([`crate::floor`]).
pub fn floor_host() -> Result<Arc<Host>, PeersError> {
    file_host(crate::floor::FLOOR_COMPONENT, EngineSettings::default())
}

/// A host with the component at `path` alone, unsigned, on an engine built with
/// `engine` (a small instance pool lets the host run under valgrind, which cannot
/// reserve the default pool's address space).
pub fn file_host(path: &str, engine: EngineSettings) -> Result<Arc<Host>, PeersError> {
    let text = format!("[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = {path:?}\n");
    let config = PolicySetConfig::parse(&text, "<peers benchmark>", Path::new("."))?;
    Ok(Host::builder(config).engine(engine).build()?)
}

/// A host with the bundled `chpl-diversion` policy alone, with the settings of the
/// default set.
pub fn chpl_host() -> Result<Arc<Host>, PeersError> {
    let mut config = PolicySetConfig::bundled_default()?;
    config
        .policies
        .retain(|p| p.plugin == PluginSource::Bundled("chpl-diversion".into()));
    Ok(Host::load(&config)?)
}

/// The instance modes the tables time, in the order of their rows.
pub const MODES: [InstanceMode; 2] = [InstanceMode::Reused, InstanceMode::Fresh];
