//! Running the binary, locating repository files, and building the hostile plugins.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A finished run of `exportctl`.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The verdicts printed as JSON Lines.
    pub fn verdicts(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
            })
            .collect()
    }
}

/// Runs `exportctl` with `args`, optionally feeding `stdin`, from `dir`.
pub fn exportctl_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start exportctl: {e}"));
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A writer thread: the child may fill its stdout before reading all of stdin.
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("exportctl did not finish: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `exportctl` from the repository root.
pub fn exportctl(args: &[&str]) -> Run {
    exportctl_in(&repo(), args, None)
}

/// Path of a hostile plugin component, built on first use.
pub fn hostile(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| repo().join("target"), PathBuf::from);
        let out = target.join("hostile-plugins");
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
        let built = [
            "hostile-infinite-loop",
            "hostile-memory-bomb",
            "hostile-wasi-clock",
        ]
        .iter()
        .fold(
            exportctl_builder::PluginBuild::new(&repo(), &target.join("plugins")),
            |b, p| b.package(p),
        )
        .build()
        .unwrap_or_else(|e| panic!("building the hostile plugins failed: {e}"));
        for plugin in built {
            std::fs::write(
                out.join(format!("{}.wasm", plugin.package)),
                &plugin.component,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        out
    });
    dir.join(format!("hostile-{name}.wasm"))
}

/// The core module (before componentizing) of a hostile plugin.
pub fn hostile_core_module(name: &str) -> PathBuf {
    let _ = hostile(name);
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from);
    target
        .join("plugins")
        .join(exportctl_builder::TARGET)
        .join(exportctl_builder::PROFILE)
        .join(format!("hostile_{}.wasm", name.replace('-', "_")))
}

/// A temporary directory for one test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"))
}

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path.display().to_string()
}

/// The rule ids of a verdict's findings, sorted.
pub fn rules(verdict: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = verdict["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules.dedup();
    rules
}

/// The exit status `verdict.md` assigns to an outcome.
pub fn exit_code_for(outcome: &str) -> i32 {
    match outcome {
        "allow" => 0,
        "review" => 3,
        "licence_required" => 4,
        "deny" => 5,
        other => panic!("unknown outcome {other}"),
    }
}
