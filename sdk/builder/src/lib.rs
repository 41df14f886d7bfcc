//! Builds policy crates into WebAssembly components the exportctl host can load.
//!
//! A policy crate is an ordinary Rust library (with `crate-type = ["cdylib", "rlib"]`)
//! that calls `exportctl_sdk::export_policy!`. Building it is two steps:
//!
//! 1. `cargo build --target wasm32-unknown-unknown` with the `plugin` profile
//!    (size- and determinism-oriented: LTO, one codegen unit, paths remapped so
//!    the bytes do not depend on where the checkout lives);
//! 2. wrapping the core module into a component with `wit-component`, using the
//!    component type the SDK's bindings embed in the module.
//!
//! The host's build script uses this to bundle the default policies into the
//! `exportctl` binary; the end-to-end tests use it to build hostile plugins.
//!
//! ```no_run
//! use exportctl_builder::PluginBuild;
//! use std::path::Path;
//!
//! let built = PluginBuild::new(Path::new("."), Path::new("target/plugins"))
//!     .package("kz-export-control")
//!     .build()?;
//! for plugin in built {
//!     println!("{} → {} bytes", plugin.package, plugin.component.len());
//! }
//! # Ok::<(), exportctl_builder::BuildError>(())
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm target policies are compiled for.
pub const TARGET: &str = "wasm32-unknown-unknown";

/// Cargo profile used for plugins (defined in the workspace `Cargo.toml`).
pub const PROFILE: &str = "plugin";

/// Linear-memory stack given to plugins. Policies recurse little; a small stack
/// means fewer pages a fresh instance touches (see BENCHMARKS.md).
pub const STACK_SIZE: u32 = 128 * 1024;

/// Building a plugin failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `cargo` could not be started.
    #[error("could not run `{cargo}`")]
    Spawn {
        /// The cargo executable.
        cargo: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `cargo build` failed; its output was shown on standard error.
    #[error(
        "`cargo build --target {TARGET}` failed for {packages} ({status}); if the target is missing, run `rustup target add {TARGET}`"
    )]
    Cargo {
        /// The packages being built.
        packages: String,
        /// Exit status of cargo.
        status: std::process::ExitStatus,
    },
    /// The compiled module could not be read.
    #[error("could not read the compiled module `{path}`")]
    Read {
        /// Where it was expected.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The module could not be made into a component (e.g. it does not use the SDK's
    /// bindings, or imports something the contract does not declare).
    #[error("could not make `{path}` into a component: {reason}")]
    Componentize {
        /// The core module.
        path: PathBuf,
        /// wit-component's explanation.
        reason: String,
    },
}

/// A built plugin.
#[derive(Debug, Clone)]
pub struct BuiltPlugin {
    /// The cargo package name, e.g. `kz-export-control`.
    pub package: String,
    /// The component bytes.
    pub component: Vec<u8>,
}

/// Builds one or more policy crates of a workspace.
#[derive(Debug, Clone)]
pub struct PluginBuild {
    workspace: PathBuf,
    target_dir: PathBuf,
    packages: Vec<String>,
    features: Vec<String>,
}

impl PluginBuild {
    /// A build of packages of the workspace at `workspace`, with cargo's output in
    /// `target_dir` (keep it apart from the host's target directory: a build script
    /// may not wait on the lock its own cargo holds).
    pub fn new(workspace: &Path, target_dir: &Path) -> PluginBuild {
        PluginBuild {
            workspace: workspace.to_owned(),
            target_dir: target_dir.to_owned(),
            packages: Vec::new(),
            features: Vec::new(),
        }
    }

    /// Adds a package to build.
    pub fn package(mut self, name: &str) -> PluginBuild {
        self.packages.push(name.to_owned());
        self
    }

    /// Enables a cargo feature, as `package/feature` (e.g. to build another version
    /// of a policy from the same crate).
    pub fn feature(mut self, feature: &str) -> PluginBuild {
        self.features.push(feature.to_owned());
        self
    }

    /// Compiles every package in one cargo invocation and componentizes each.
    pub fn build(&self) -> Result<Vec<BuiltPlugin>, BuildError> {
        if self.packages.is_empty() {
            return Ok(Vec::new());
        }
        let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        let mut cmd = Command::new(&cargo);
        cmd.arg("build")
            .arg("--manifest-path")
            .arg(self.workspace.join("Cargo.toml"))
            .args(["--target", TARGET, "--profile", PROFILE, "--locked"])
            .arg("--target-dir")
            .arg(&self.target_dir);
        for p in &self.packages {
            cmd.args(["-p", p]);
        }
        if !self.features.is_empty() {
            cmd.arg("--features").arg(self.features.join(","));
        }
        // A build script inherits the outer build's settings; none of them are meant
        // for the plugins (wrappers such as clippy-driver, host rustflags, targets).
        for var in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_BUILD_RUSTC_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("CARGO_ENCODED_RUSTFLAGS", rustflags(&self.workspace));
        let status = cmd.status().map_err(|source| BuildError::Spawn {
            cargo: cargo.clone(),
            source,
        })?;
        if !status.success() {
            return Err(BuildError::Cargo {
                packages: self.packages.join(", "),
                status,
            });
        }
        self.packages.iter().map(|p| self.componentize(p)).collect()
    }

    /// Where cargo leaves the core module of `package`.
    fn module_path(&self, package: &str) -> PathBuf {
        self.target_dir
            .join(TARGET)
            .join(PROFILE)
            .join(format!("{}.wasm", package.replace('-', "_")))
    }

    fn componentize(&self, package: &str) -> Result<BuiltPlugin, BuildError> {
        let path = self.module_path(package);
        let module = std::fs::read(&path).map_err(|source| BuildError::Read {
            path: path.clone(),
            source,
        })?;
        let component =
            componentize(&module).map_err(|reason| BuildError::Componentize { path, reason })?;
        Ok(BuiltPlugin {
            package: package.to_owned(),
            component,
        })
    }
}

/// Wraps a core module built with the SDK into a component.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>, String> {
    let module = with_world_of_its_exports(module)?;
    wit_component::ComponentEncoder::default()
        .module(&module)
        .and_then(|encoder| encoder.validate(true).encode())
        .map_err(|e| format!("{e:#}"))
}

/// The contract (`sdk/wit/policy.wit`), built into the builder so that a plugin
/// is described by exactly the contract this SDK implements.
const CONTRACT_WIT: &str = include_str!("../../wit/policy.wit");

/// The evaluator, which every plugin exports, at the SDK's contract version.
const EVALUATOR: &str = "exportctl:policy/evaluator@1.4.0";

/// The keyed evaluator (1.2), which every plugin the SDK builds exports too.
const SUBJECT_EVALUATOR: &str = "exportctl:policy/subject-evaluator@1.4.0";

/// The wire format the plugin reads (1.3), which every plugin the SDK builds exports too.
const SHIPMENT_READER: &str = "exportctl:policy/shipment-reader@1.4.0";

/// The rules the plugin declares (1.4), which every plugin the SDK builds exports too.
const RULE_CATALOGUE: &str = "exportctl:policy/rule-catalogue@1.4.0";

/// The SDK's bindings describe only the contract's imports in the module; the
/// exports are described where they are implemented. A screening policy
/// (`export_screening_policy!`) describes its own (the `screening-policy`
/// world); an ordinary policy (`export_policy!`) exports the evaluator, its
/// keyed form, the wire format it reads and its rules, and this adds the
/// contract's `catalogue-policy` world for it (`reader-policy`, `subject-policy`
/// or `policy` for a module with fewer of them), so it becomes a
/// component without the optional party screener. Any other module is returned
/// unchanged.
fn with_world_of_its_exports(module: &[u8]) -> Result<Vec<u8>, String> {
    let exports = module_exports(module)?;
    let implements = |interface: &str| {
        exports
            .iter()
            .any(|export| export.starts_with(&format!("{interface}#")))
    };
    let implements_evaluator = implements(EVALUATOR);
    let world_name = if implements(RULE_CATALOGUE) {
        "catalogue-policy"
    } else if implements(SHIPMENT_READER) {
        "reader-policy"
    } else if implements(SUBJECT_EVALUATOR) {
        "subject-policy"
    } else {
        "policy"
    };
    let mut described = false;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let wasmparser::Payload::CustomSection(section) = payload.map_err(|e| e.to_string())?
        else {
            continue;
        };
        if !section.name().starts_with("component-type") {
            continue;
        }
        // A section's data is a component encoding one world (the format
        // wit-bindgen writes).
        let (resolve, world) =
            wit_parser::decoding::decode_world(section.data()).map_err(|e| format!("{e:#}"))?;
        described |= resolve.worlds[world]
            .exports
            .keys()
            .any(|key| resolve.name_world_key(key) == EVALUATOR);
    }
    let mut module = module.to_vec();
    if implements_evaluator && !described {
        let mut resolve = wit_parser::Resolve::default();
        let package = resolve
            .push_source("policy.wit", CONTRACT_WIT)
            .map_err(|e| format!("{e:#}"))?;
        let world = resolve
            .select_world(&[package], Some(world_name))
            .map_err(|e| format!("{e:#}"))?;
        wit_component::embed_component_metadata(
            &mut module,
            &resolve,
            world,
            wit_component::StringEncoding::UTF8,
        )
        .map_err(|e| format!("{e:#}"))?;
    }
    Ok(module)
}

/// The names of the functions a core module exports.
fn module_exports(module: &[u8]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ExportSection(exports) = payload.map_err(|e| e.to_string())? {
            for export in exports {
                names.push(export.map_err(|e| e.to_string())?.name.to_owned());
            }
        }
    }
    Ok(names)
}

/// Flags for the plugin build: a small stack, and paths remapped so the output does
/// not depend on the checkout's location or the builder's home directory.
fn rustflags(workspace: &Path) -> String {
    let mut flags = vec![format!("-Clink-arg=-zstack-size={STACK_SIZE}")];
    flags.push(format!(
        "--remap-path-prefix={}=/exportctl",
        workspace.display()
    ));
    if let Some(home) = cargo_home() {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    flags.join("\x1f")
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}
