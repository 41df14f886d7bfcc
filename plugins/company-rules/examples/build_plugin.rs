//! Builds this policy into a WebAssembly component the host can load:
//!
//! ```sh
//! cargo run -p company-rules --example build_plugin               # → examples/company_rules.wasm
//! cargo run -p company-rules --example build_plugin -- out.wasm   # → out.wasm
//! ```
//!
//! Two steps, both done by `exportctl_builder::PluginBuild`: `cargo build --target
//! wasm32-unknown-unknown --profile plugin -p company-rules`, then wrapping the core
//! module into a component (`exportctl_builder::componentize`).

use exportctl_builder::PluginBuild;
use std::error::Error;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = crate_dir.join("../..").canonicalize()?;
    let out = std::env::args_os().nth(1).map_or_else(
        || crate_dir.join("examples/company_rules.wasm"),
        PathBuf::from,
    );

    // `target/plugins`, as the host's build script uses: plugins are built with their
    // own flags, apart from the native build in `target/`, and share what they compile.
    let built = PluginBuild::new(&workspace, &workspace.join("target/plugins"))
        .package("company-rules")
        .build()?;
    for plugin in built {
        std::fs::write(&out, &plugin.component)?;
        println!(
            "{}: {} bytes → {}",
            plugin.package,
            plugin.component.len(),
            out.display()
        );
    }
    Ok(())
}
