//! `exportctl policy build [DIR]`: a policy project built into a component, its
//! sha256, and optionally its signature. A Rust crate (`Cargo.toml`) gets the
//! reproducible build of the bundled policies (`exportctl_builder`); a Python project
//! (`pyproject.toml`) is built by `python_build`.

use super::python_build::PythonProject;
use clap::Args;
use exportctl::Plugin;
use exportctl_builder::{PluginBuild, TARGET};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Arguments of `exportctl policy build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The policy project: a Rust crate (its `Cargo.toml` is read for the package
    /// name) or a Python project (`pyproject.toml` with `[tool.exportctl]`).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the component (default: `DIR/<package>.wasm`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Sign the component with this secret key, as `exportctl policy sign` does
    /// (writing `FILE.minisig`); an encrypted key's password is read from
    /// `EXPORTCTL_KEY_PASSWORD` or asked for on the terminal.
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
    /// cargo's target directory (default: `DIR/target`); not used for Python.
    #[arg(long, value_name = "DIR", env = "CARGO_TARGET_DIR")]
    pub target_dir: Option<PathBuf>,
}

/// Builds, writes and prints the component; returns its path for signing.
pub(super) fn run(args: &BuildArgs) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = std::fs::canonicalize(&args.dir).map_err(|e| {
        format!(
            "cannot open the policy project `{}`: {e}",
            args.dir.display()
        )
    })?;
    if !dir.join("Cargo.toml").is_file() && dir.join("pyproject.toml").is_file() {
        let project = PythonProject::read(&dir)?;
        let component = project.build()?;
        return write_component(args, &dir, &project.name, &component);
    }
    let package = package_name(&dir.join("Cargo.toml"))?;
    check_wasm_target()?;
    if !dir.join("Cargo.lock").exists() {
        // The build is `--locked`: the first one records the dependencies it uses.
        generate_lockfile(&dir)?;
        eprintln!(
            "note: wrote {}; commit it, so that the plugin can be rebuilt byte for byte",
            dir.join("Cargo.lock").display()
        );
    }
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| dir.join("target"));
    let built = PluginBuild::new(&dir, &target_dir)
        .package(&package)
        .build()?;
    let component = built
        .into_iter()
        .next()
        .ok_or_else(|| format!("the build of `{package}` gave no component"))?;
    write_component(args, &dir, &package, &component.component)
}

/// Writes the component (`--out`, or `DIR/<package>.wasm`) and prints where, with its
/// sha256; returns its path for signing.
fn write_component(
    args: &BuildArgs,
    dir: &Path,
    package: &str,
    component: &[u8],
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| dir.join(format!("{package}.wasm")));
    std::fs::write(&out, component)
        .map_err(|e| format!("cannot write `{}`: {e}", out.display()))?;
    println!("component: {}", out.display());
    println!("sha256:    {}", Plugin::sha256_of(component));
    Ok(out)
}

/// The `[package] name` of a crate's manifest.
fn package_name(manifest: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(manifest).map_err(|e| {
        format!(
            "cannot read `{}` ({e}): give the directory of a policy crate or Python project (`exportctl policy new` creates one)",
            manifest.display()
        )
    })?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("`{}`: {e}", manifest.display()))?;
    table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("`{}`: no [package] name", manifest.display()).into())
}

/// Refuses early, with the command that fixes it, when the toolchain lacks the wasm
/// target (cargo's own message for it is long and indirect).
fn check_wasm_target() -> Result<(), Box<dyn std::error::Error>> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run `rustc` ({e}): is a Rust toolchain installed?"))?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() || sysroot.is_empty() {
        return Err("`rustc --print sysroot` failed: is a Rust toolchain installed?".into());
    }
    let lib = Path::new(&sysroot).join("lib/rustlib").join(TARGET);
    if !lib.is_dir() {
        return Err(format!(
            "the Rust target {TARGET} is not installed (no `{}`); run `rustup target add {TARGET}`",
            lib.display()
        )
        .into());
    }
    Ok(())
}

/// `cargo generate-lockfile` for the crate at `dir`.
fn generate_lockfile(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .arg("generate-lockfile")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .status()
        .map_err(|e| format!("cannot run `cargo` ({e})"))?;
    if !status.success() {
        return Err(format!(
            "`cargo generate-lockfile` failed for `{}` ({status})",
            dir.display()
        )
        .into());
    }
    Ok(())
}
