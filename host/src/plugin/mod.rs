//! A policy plugin: its bytes and hash, the compiled component, and the metadata
//! it declares. Loading checks everything that can be checked before a shipment
//! arrives: that it is a component, that it imports nothing but the contract's
//! log, that it exports this contract version, and that its metadata is sound.

mod catalogue;
mod metadata;

pub use catalogue::DeclaredRule;
pub use metadata::PluginMetadata;

pub(crate) use catalogue::RuleCatalogue;

use crate::bindings::optional::exports::exportctl::policy::party_screener::GuestIndices;
use crate::bindings::optional::exports::exportctl::policy::rule_catalogue::GuestIndices as CatalogueIndices;
use crate::bindings::optional::exports::exportctl::policy::shipment_reader::GuestIndices as ReaderIndices;
use crate::bindings::optional::exports::exportctl::policy::subject_evaluator::GuestIndices as SubjectIndices;
use crate::bindings::{PolicyIndices, PolicyPre};
use crate::encode::WireFormat;
use crate::engine::{EngineSettings, Runtime};
use crate::error::{ContractError, LoadError, MetadataError, NotAComponent};
use crate::limits::Limits;
use crate::sandbox::{self, StoreState};
use sha2::{Digest, Sha256};
use wasmtime::component::Component;

/// The contract versions this host loads, oldest first: a minor version only
/// adds, so a plugin built for 1.0.0 lacks only what 1.1.0 to 1.4.0 added.
pub const CONTRACT_VERSIONS: &[&str] = &["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0"];

/// [`CONTRACT_VERSIONS`] as error messages name them.
const CONTRACT_VERSIONS_TEXT: &str = "1.0.0 to 1.4.0";

/// The interface every plugin must export, with the contract version this host
/// builds (a plugin may export it at any of [`CONTRACT_VERSIONS`]).
pub const EVALUATOR_EXPORT: &str = "exportctl:policy/evaluator@1.4.0";

/// The optional party screener (contract 1.1.0): a plugin that exports it (at
/// 1.1.0 or later) can screen a business partner without a shipment.
pub const PARTY_SCREENER_EXPORT: &str = "exportctl:policy/party-screener@1.4.0";

/// The optional keyed evaluator (contract 1.2.0): a plugin that exports it is
/// asked `evaluate-with-subjects` instead of `evaluate`, and its findings carry
/// their subjects.
pub const SUBJECT_EVALUATOR_EXPORT: &str = "exportctl:policy/subject-evaluator@1.4.0";

/// The optional shipment reader (contract 1.3.0): the wire format a plugin
/// reads. A plugin without it reads format 1.
pub const SHIPMENT_READER_EXPORT: &str = "exportctl:policy/shipment-reader@1.4.0";

/// The optional rule catalogue (contract 1.4.0): the rules a plugin declares.
/// A plugin that exports it may not name an undeclared rule in a finding.
pub const RULE_CATALOGUE_EXPORT: &str = "exportctl:policy/rule-catalogue@1.4.0";

/// The shipment wire formats this host writes, as error messages name them.
const WIRE_FORMATS_TEXT: &str = "1 and 2";

/// What a plugin may import: the contract's log, and the contract's own type
/// definitions, at a version this host loads. Nothing else: no WASI, no clock,
/// no files, no network.
const ALLOWED_IMPORTS: &[&str] = &[
    "exportctl:policy/host@1.0.0",
    "exportctl:policy/types@1.0.0",
    "exportctl:policy/host@1.1.0",
    "exportctl:policy/types@1.1.0",
    "exportctl:policy/host@1.2.0",
    "exportctl:policy/types@1.2.0",
    "exportctl:policy/host@1.3.0",
    "exportctl:policy/types@1.3.0",
    "exportctl:policy/host@1.4.0",
    "exportctl:policy/types@1.4.0",
];

/// A compiled, checked plugin, ready to be instantiated.
pub struct Plugin {
    name: String,
    sha256: String,
    /// The exact bytes, kept so a decision record can store what ran.
    bytes: std::sync::Arc<[u8]>,
    imports: Vec<String>,
    exports: Vec<String>,
    pre: PolicyPre<StoreState>,
    /// Where its evaluator is, to load it from an instance made with `pre`.
    evaluator: PolicyIndices,
    /// Where its party screener is, if it exports one.
    screener: Option<GuestIndices>,
    /// Where its keyed evaluator is, if it exports one.
    subjects: Option<SubjectIndices>,
    /// The shipment encoding it reads.
    wire_format: WireFormat,
    /// The rules it declares, if it exports the catalogue (1.4.0).
    rules: Option<RuleCatalogue>,
    metadata: PluginMetadata,
}

impl Plugin {
    /// Compiles and checks `bytes`, whose hash is `sha256` (see [`sha256_hex`]).
    /// `name` is how errors refer to the plugin (its file path or bundled name).
    pub(crate) fn load(
        runtime: &Runtime,
        name: &str,
        bytes: &[u8],
        sha256: String,
    ) -> Result<Plugin, LoadError> {
        check_header(name, bytes)?;
        let compiled = match &runtime.cache {
            Some(cache) => cache.load_or_compile(&runtime.engine, bytes, &sha256),
            None => Component::new(&runtime.engine, bytes),
        };
        let component = compiled.map_err(|e| LoadError::Compile {
            plugin: name.to_owned(),
            source: e.into(),
        })?;
        let (imports, exports) = check_imports_and_exports(runtime, name, &component)?;
        let pre = runtime
            .linker
            .instantiate_pre(&component)
            .and_then(PolicyPre::new)
            .map_err(|e| LoadError::Contract {
                plugin: name.to_owned(),
                source: ContractError::Link(e.into()),
            })?;

        let link_error = |e: wasmtime::Error| LoadError::Contract {
            plugin: name.to_owned(),
            source: ContractError::Link(e.into()),
        };
        // Found at the version the plugin was built for (a minor version of
        // 1.x); the engine resolves the host's newer name to it.
        let screener = exports_interface(&exports, PARTY_SCREENER_EXPORT)
            .then(|| GuestIndices::new(pre.instance_pre()))
            .transpose()
            .map_err(link_error)?;
        let evaluator = PolicyIndices::new(pre.instance_pre()).map_err(link_error)?;
        let subjects = exports_interface(&exports, SUBJECT_EVALUATOR_EXPORT)
            .then(|| SubjectIndices::new(pre.instance_pre()))
            .transpose()
            .map_err(link_error)?;
        let mut store = sandbox::new_store(&runtime.engine, Limits::default()).map_err(|e| {
            LoadError::Contract {
                plugin: name.to_owned(),
                source: ContractError::Link(e.into()),
            }
        })?;
        let instance = pre
            .instance_pre()
            .instantiate(&mut store)
            .map_err(link_error)?;
        let raw = evaluator
            .load(&mut store, &instance)
            .and_then(|world| world.exportctl_policy_evaluator().call_metadata(&mut store))
            .map_err(|e| LoadError::Metadata {
                plugin: name.to_owned(),
                source: MetadataError::Call(e.into()),
            })?;
        let wire_format = match exports_interface(&exports, SHIPMENT_READER_EXPORT) {
            false => WireFormat::Postcard,
            true => {
                let found = ReaderIndices::new(pre.instance_pre())
                    .and_then(|reader| reader.load(&mut store, &instance))
                    .and_then(|reader| reader.call_wire_format(&mut store))
                    .map_err(link_error)?;
                WireFormat::from_number(found).ok_or_else(|| LoadError::Contract {
                    plugin: name.to_owned(),
                    source: ContractError::WireFormat {
                        found,
                        written: WIRE_FORMATS_TEXT,
                        current: exportctl_sdk::WIRE_FORMAT,
                    },
                })?
            }
        };
        let rules = match exports_interface(&exports, RULE_CATALOGUE_EXPORT) {
            false => None,
            true => {
                let raw = CatalogueIndices::new(pre.instance_pre())
                    .and_then(|catalogue| catalogue.load(&mut store, &instance))
                    .and_then(|catalogue| catalogue.call_rules(&mut store))
                    .map_err(|e| LoadError::Metadata {
                        plugin: name.to_owned(),
                        source: MetadataError::CallRules(e.into()),
                    })?;
                let catalogue =
                    RuleCatalogue::from_raw(raw).map_err(|reason| LoadError::Metadata {
                        plugin: name.to_owned(),
                        source: MetadataError::Rules(reason),
                    })?;
                Some(catalogue)
            }
        };
        let metadata = PluginMetadata::from_raw(raw).map_err(|reason| LoadError::Metadata {
            plugin: name.to_owned(),
            source: MetadataError::Invalid(reason),
        })?;
        Ok(Plugin {
            name: name.to_owned(),
            sha256,
            bytes: bytes.into(),
            imports,
            exports,
            pre,
            evaluator,
            screener,
            subjects,
            wire_format,
            rules,
            metadata,
        })
    }

    /// Compiles and checks one plugin on its own, as a policy set would load it
    /// but with no trust store, no settings and no code cache: what
    /// `exportctl policy inspect` shows. `name` is how errors refer to it.
    pub fn inspect(name: &str, bytes: &[u8]) -> Result<Plugin, LoadError> {
        let runtime = Runtime::new(
            Limits::DEFAULT_MEMORY_BYTES,
            &EngineSettings::default(),
            None,
        )
        .map_err(|e| LoadError::Engine { source: e.into() })?;
        Plugin::load(&runtime, name, bytes, sha256_hex(bytes))
    }

    /// The file path or bundled name the plugin was loaded from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Lower-case hex sha256 of plugin bytes, as verdicts name plugins.
    pub fn sha256_of(bytes: &[u8]) -> String {
        sha256_hex(bytes)
    }

    /// Lower-case hex sha256 of the plugin's bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The plugin's bytes as loaded (what [`sha256`](Plugin::sha256) hashes).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// What the plugin declares about itself.
    pub fn metadata(&self) -> &PluginMetadata {
        &self.metadata
    }

    /// The component's imports (only those the contract allows, or it would not
    /// have loaded).
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// The component's exports.
    pub fn exports(&self) -> &[String] {
        &self.exports
    }

    /// Whether the plugin can screen a party on its own (it exports the
    /// contract's `party-screener`, 1.1.0).
    pub fn screens_parties(&self) -> bool {
        self.screener.is_some()
    }

    /// Whether the plugin keys its findings with their subjects (it exports the
    /// contract's `subject-evaluator`, 1.2.0).
    pub fn keys_findings(&self) -> bool {
        self.subjects.is_some()
    }

    /// The shipment wire format the plugin reads: 2 for plugins built for contract
    /// 1.3.0 and later with the SDK, 1 for older ones.
    pub fn wire_format(&self) -> u32 {
        self.wire_format.number()
    }

    /// The rules the plugin declares (contract 1.4.0), in its order; `None` for a
    /// plugin built before 1.4.0, which declares none and whose findings' rule
    /// ids are not held to a list.
    pub fn rules(&self) -> Option<&[DeclaredRule]> {
        self.rules.as_ref().map(RuleCatalogue::rules)
    }

    /// The catalogue a finding's rule id is held to, if the plugin declares one.
    pub(crate) fn catalogue(&self) -> Option<&RuleCatalogue> {
        self.rules.as_ref()
    }

    pub(crate) fn wire(&self) -> WireFormat {
        self.wire_format
    }

    pub(crate) fn pre(&self) -> &PolicyPre<StoreState> {
        &self.pre
    }

    pub(crate) fn screener(&self) -> Option<&GuestIndices> {
        self.screener.as_ref()
    }

    pub(crate) fn evaluator(&self) -> &PolicyIndices {
        &self.evaluator
    }

    pub(crate) fn subjects(&self) -> Option<&SubjectIndices> {
        self.subjects.as_ref()
    }
}

/// Whether `exports` hold the interface of `export` (a name with a version) at
/// any version.
fn exports_interface(exports: &[String], export: &str) -> bool {
    let interface = export.split_once('@').map_or(export, |(name, _)| name);
    exports
        .iter()
        .any(|e| e.split_once('@').is_some_and(|(name, _)| name == interface))
}

/// Lower-case hex sha256 of plugin bytes: the plugin's identity in verdicts.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Tells a core module, a component and a non-wasm file apart before compiling,
/// so each gets an error that says what to do.
fn check_header(name: &str, bytes: &[u8]) -> Result<(), LoadError> {
    const MAGIC: &[u8] = b"\0asm";
    const CORE_MODULE: &[u8] = &[1, 0, 0, 0];
    const COMPONENT: &[u8] = &[0x0d, 0, 1, 0];
    match (bytes.get(..4), bytes.get(4..8)) {
        (Some(MAGIC), Some(COMPONENT)) => Ok(()),
        (Some(MAGIC), Some(CORE_MODULE)) => Err(LoadError::NotAComponent {
            plugin: name.to_owned(),
            found: NotAComponent::CoreModule,
        }),
        (Some(MAGIC), _) => Err(LoadError::NotAComponent {
            plugin: name.to_owned(),
            found: NotAComponent::UnsupportedVersion,
        }),
        _ => Err(LoadError::NotAComponent {
            plugin: name.to_owned(),
            found: NotAComponent::NotWasm { bytes: bytes.len() },
        }),
    }
}

fn check_imports_and_exports(
    runtime: &Runtime,
    name: &str,
    component: &Component,
) -> Result<(Vec<String>, Vec<String>), LoadError> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(&runtime.engine)
        .map(|(export, _)| export.to_owned())
        .collect();
    let imports: Vec<String> = ty
        .imports(&runtime.engine)
        .map(|(import, _)| import.to_owned())
        .collect();
    let forbidden: Vec<String> = imports
        .iter()
        .filter(|import| !ALLOWED_IMPORTS.contains(&import.as_str()))
        .cloned()
        .collect();
    // A plugin of another contract version names this package at that version;
    // say so, rather than listing its imports as unknown.
    let other_version = imports
        .iter()
        .chain(&exports)
        .filter_map(|name| name.strip_prefix("exportctl:policy/")?.split_once('@'))
        .map(|(_, version)| version)
        .find(|version| !CONTRACT_VERSIONS.contains(version));
    if let Some(version) = other_version {
        return Err(LoadError::Contract {
            plugin: name.to_owned(),
            source: ContractError::OtherVersion {
                found: version.to_owned(),
                expected: CONTRACT_VERSIONS_TEXT,
            },
        });
    }
    if !forbidden.is_empty() {
        return Err(LoadError::ForbiddenImport {
            plugin: name.to_owned(),
            imports: forbidden,
        });
    }
    let evaluator = EVALUATOR_EXPORT
        .split_once('@')
        .map_or(EVALUATOR_EXPORT, |(name, _)| name);
    if exports
        .iter()
        .any(|e| e.split_once('@').is_some_and(|(name, _)| name == evaluator))
    {
        return Ok((imports, exports));
    }
    Err(LoadError::Contract {
        plugin: name.to_owned(),
        source: ContractError::MissingExport {
            expected: EVALUATOR_EXPORT,
            exports,
        },
    })
}
