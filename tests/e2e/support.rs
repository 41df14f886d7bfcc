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

/// A finished run of `exportctl` with what it cost.
#[derive(Debug)]
pub struct Measured {
    pub run: Run,
    /// Peak resident memory of the `exportctl` process alone, in KiB.
    pub peak_rss_kib: i64,
    /// Wall-clock time from start to exit of the `exportctl` process.
    pub elapsed: std::time::Duration,
}

/// Tells a child of this test binary to act as the launcher of
/// [`measure_launcher`]: the value is the arguments and an output directory, as JSON.
const LAUNCH: &str = "EXPORTCTL_E2E_MEASURE";

/// Runs `exportctl` from the repository root and measures the peak resident
/// memory of that process alone.
///
/// Linux charges a new process with the peak memory of the process it was forked
/// from, so a child of this (large, multi-threaded) test binary would report the
/// test binary's own peak. The run therefore goes through a small launcher (this
/// binary started afresh, running only [`measure_launcher`]), which starts
/// `exportctl` and reads its peak with `wait4`.
pub fn exportctl_measured(args: &[&str]) -> Measured {
    let dir = temp_dir();
    let spec = serde_json::json!({ "args": args, "dir": dir.path() }).to_string();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(exe)
        .args([
            "--exact",
            "support::measure_launcher",
            "--test-threads",
            "1",
        ])
        .env(LAUNCH, spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot start the launcher: {e}"));
    assert!(status.success(), "the launcher failed: {status}");
    let read = |name: &str| {
        std::fs::read(dir.path().join(name))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let result = read("result");
    let numbers: Vec<i64> = result
        .split_whitespace()
        .map(|n| n.parse().unwrap_or_else(|e| panic!("{result}: {e}")))
        .collect();
    let [code, peak_rss_kib, micros] = numbers[..] else {
        panic!("launcher result: {result}");
    };
    Measured {
        run: Run {
            code: i32::try_from(code).unwrap_or(-1),
            stdout: read("stdout"),
            stderr: read("stderr"),
        },
        peak_rss_kib,
        elapsed: std::time::Duration::from_micros(u64::try_from(micros).unwrap_or(0)),
    }
}

/// Not a test: the launcher of [`exportctl_measured`], a no-op unless the test
/// binary was started as one. Runs `exportctl` with its output in files, reaps it
/// with `wait4`, and writes `exit-code peak-rss-kib microseconds` to `result`.
#[test]
#[expect(unsafe_code, reason = "wait4 has no safe wrapper in std")]
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which `Child` cannot see"
)]
fn measure_launcher() {
    let Ok(spec) = std::env::var(LAUNCH) else {
        return;
    };
    let spec: serde_json::Value = serde_json::from_str(&spec).unwrap_or_else(|e| panic!("{e}"));
    let dir = PathBuf::from(spec["dir"].as_str().unwrap_or_default());
    let args: Vec<&str> = spec["args"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let file = |name: &str| {
        std::fs::File::create(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let started = std::time::Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(&args)
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(file("stdout"))
        .stderr(file("stderr"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start exportctl: {e}"));
    let pid = libc::pid_t::try_from(child.id()).unwrap_or_else(|e| panic!("{e}"));
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `pid` is our unwaited child; wait4 fills `status` and `usage`. The
    // `Child` is not waited on afterwards, so the pid is reaped exactly once.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
    assert_eq!(rc, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let elapsed = started.elapsed();
    // SAFETY: initialised by the successful call above.
    let usage = unsafe { usage.assume_init() };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    std::fs::write(
        dir.join("result"),
        format!("{code} {} {}", usage.ru_maxrss, elapsed.as_micros()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
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
            "hostile-deep-recursion",
            "hostile-panic",
            "hostile-flood",
            "hostile-forged-output",
            "hostile-slow",
            "hostile-extra-host-fn",
            "hostile-contract-v2",
            "hostile-wire-v3",
            "hostile-screener",
            "hostile-counter",
            "hostile-counter-twin",
            "hostile-undeclared-rule",
            "hostile-bad-catalogue",
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

/// `count` shipments in JSON Lines: the bundled examples in turn, each with an
/// id of its own (`PREFIX-00000`, …), so that outcomes vary along the file.
pub fn example_corpus(prefix: &str, count: usize) -> String {
    let examples: Vec<serde_json::Value> = [
        "de-furniture-to-kz.json",
        "de-microcontrollers-kz-end-user-ru.json",
        "seed-drones-kg-via-kz-to-ru.json",
    ]
    .iter()
    .map(|name| {
        let text = std::fs::read_to_string(repo().join("tests/examples").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    })
    .collect();
    let mut out = String::new();
    for i in 0..count {
        let mut doc = examples[i % examples.len()].clone();
        doc["id"] = format!("{prefix}-{i:05}").into();
        out.push_str(&doc.to_string());
        out.push('\n');
    }
    out
}
