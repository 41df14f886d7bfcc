//! Builds the reference rule's policy crate (`policy/`) and the empty policy
//! (`floor/`) into components, as the host's build script builds the bundled
//! plugins, so the benchmark and its test load them from
//! `OUT_DIR/peers-chpl-russia.wasm` and `OUT_DIR/peers-floor.wasm`.

use exportctl_builder::PluginBuild;
use std::path::PathBuf;

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
        .and_then(|p| p.parent())
        .ok_or("benches/peers has no workspace two levels up")?
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    for dir in [
        "policy",
        "floor",
        "../../sdk/src",
        "../../sdk/wit",
        "../../Cargo.lock",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(dir).display()
        );
    }
    // The host's build script builds its plugins in the same directory, so the SDK's
    // wasm build is shared.
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("plugins");
    let built = PluginBuild::new(&workspace, &target_dir)
        .package("peers-chpl-russia")
        .package("peers-floor")
        .build()?;
    for plugin in built {
        std::fs::write(
            out_dir.join(format!("{}.wasm", plugin.package)),
            &plugin.component,
        )?;
    }
    Ok(())
}
