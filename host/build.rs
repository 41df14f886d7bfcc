//! Builds the bundled policy plugins (the crates named in `policies/default.toml`'s
//! directory `plugins/`) into components and embeds them in the `exportctl` binary,
//! so the default policy set works from any directory with nothing else installed.

use exportctl_builder::PluginBuild;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The policy crates bundled with the binary, by package name: the one list of
/// them. The host and its tests read the table generated from it
/// (`exportctl::bundled_plugins`), never a copy.
const BUNDLED: &[&str] = &[
    "kz-export-control",
    "chpl-diversion",
    "eu-russia-belarus",
    "eu-dual-use",
    "us-ear",
    "party-screening",
    "company-rules",
];

fn main() {
    if let Err(e) = run() {
        // Build scripts report through cargo; a clear message beats a backtrace.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let workspace = manifest_dir
        .parent()
        .ok_or("host crate has no parent directory")?
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    for dir in [
        "sdk/src",
        "sdk/wit",
        "sdk/build.rs",
        "sdk/Cargo.toml",
        "plugins",
        "policies",
        "Cargo.lock",
        "Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }

    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("plugins");
    let build = BUNDLED
        .iter()
        .fold(PluginBuild::new(&workspace, &target_dir), |b, p| {
            b.package(p)
        });
    let built = build.build()?;

    let mut table = String::from(
        "/// The plugins bundled with this binary: (package name, component bytes).\n",
    );
    table.push_str("pub(crate) const BUNDLED_PLUGINS: &[(&str, &[u8])] = &[\n");
    for plugin in &built {
        let path = out_dir.join(format!("{}.wasm", plugin.package));
        std::fs::write(&path, &plugin.component)?;
        writeln!(
            table,
            "    ({:?}, include_bytes!({:?})),",
            plugin.package,
            display(&path)
        )?;
    }
    table.push_str("];\n");
    std::fs::write(out_dir.join("bundled_plugins.rs"), table)?;
    Ok(())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
