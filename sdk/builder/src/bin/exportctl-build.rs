//! `exportctl-build`: build policy crates of a workspace into components.
//!
//! ```text
//! exportctl-build [--workspace DIR] [--target-dir DIR] --out DIR PACKAGE...
//! ```
//!
//! Writes `OUT/<package>.wasm` for each package and prints its sha256, so a
//! published plugin can be rebuilt from source and compared byte for byte.

use exportctl_builder::PluginBuild;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut workspace = PathBuf::from(".");
    let mut target_dir = None;
    let mut out = None;
    let mut packages = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--workspace" => workspace = args.next().ok_or("--workspace needs a directory")?.into(),
            "--target-dir" => {
                target_dir = Some(PathBuf::from(
                    args.next().ok_or("--target-dir needs a directory")?,
                ))
            }
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a directory")?)),
            "-h" | "--help" => {
                println!(
                    "usage: exportctl-build [--workspace DIR] [--target-dir DIR] --out DIR PACKAGE..."
                );
                return Ok(());
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`").into()),
            package => packages.push(package.to_owned()),
        }
    }
    let out = out.ok_or("give --out DIR")?;
    if packages.is_empty() {
        return Err("name at least one policy package".into());
    }
    let workspace = std::fs::canonicalize(&workspace)?;
    let target_dir = target_dir.unwrap_or_else(|| workspace.join("target/plugins"));
    let build = packages
        .iter()
        .fold(PluginBuild::new(&workspace, &target_dir), |b, p| {
            b.package(p)
        });
    std::fs::create_dir_all(&out)?;
    for plugin in build.build()? {
        let path = out.join(format!("{}.wasm", plugin.package));
        std::fs::write(&path, &plugin.component)?;
        println!("{}  {}", sha256_hex(&plugin.component), path.display());
    }
    Ok(())
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}
