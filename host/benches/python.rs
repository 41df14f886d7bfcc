//! Python policies beside Rust ones: what a Python plugin costs an operator.
//!
//! Run with `cargo bench -p exportctl --bench python` (release build; needs
//! `python3` with `venv`: componentize-py is installed on first use into
//! `target/python-tools`). Prints, for the `policy new` template written in Rust and
//! in Python (the same rule, the same case files: twins) and for the example Python
//! policy `plugins/kg-am-reexport` beside the bundled Rust policy it overlaps
//! (`chpl-diversion`):
//!
//! 1. component size; load with compilation (no code cache) and from the code cache,
//!    in a child `exportctl policies` process each, wall time and peak memory;
//! 2. µs per evaluation of one shipment, fresh and reused sandboxes (thread CPU
//!    time, median of 5 passes after a warm-up), with the Python/Rust ratio of the
//!    same run, and the fuel one evaluation burns;
//! 3. the smallest `limits.memory_mib` each policy loads and judges the shipment in.
//!
//! Before timing it checks that twins give the same verdict. Results: BENCHMARKS.md,
//! "Python policies".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark: it prints, and failing loudly is its job"
)]

use exportctl::{CodeCache, Host, InstanceMode, PolicySetConfig};
use exportctl_sdk::validated::Shipment;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from)
}

/// Runs `exportctl` in `dir`; panics with its output unless it exits 0.
fn exportctl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .current_dir(dir)
        .env("EXPORTCTL_PYTHON_TOOLS", target().join("python-tools"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exportctl {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One policy under test: its component and the set that runs it.
struct Subject {
    label: String,
    component: PathBuf,
    /// `[[policy]]` body after `plugin = …` (settings, limits).
    entry: String,
}

impl Subject {
    fn set_text(&self, extra: &str) -> String {
        format!(
            "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = {:?}\n{}{extra}\n",
            self.component.display().to_string(),
            self.entry
        )
    }

    fn config(&self, extra: &str) -> Result<PolicySetConfig, BoxError> {
        Ok(PolicySetConfig::parse(
            &self.set_text(extra),
            "bench set",
            &repo(),
        )?)
    }
}

#[expect(
    unsafe_code,
    reason = "clock_gettime has no safe wrapper in std; the timespec is a local"
)]
fn thread_cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// Median µs per call of `call` over 5 passes after a warm-up pass, each pass at
/// least ~50 ms of CPU.
fn time_us(mut call: impl FnMut()) -> f64 {
    let start = thread_cpu_ns();
    call();
    let once = (thread_cpu_ns() - start).max(1.0);
    let per_pass = ((50e6 / once) as usize).clamp(3, 100_000);
    for _ in 0..per_pass {
        call();
    }
    let mut samples: Vec<f64> = (0..5)
        .map(|_| {
            let start = thread_cpu_ns();
            for _ in 0..per_pass {
                call();
            }
            (thread_cpu_ns() - start) / per_pass as f64 / 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[2]
}

/// Wall ms and peak RSS (MiB) of `exportctl policies --policies SET` in a child
/// process with `env`.
#[expect(unsafe_code, reason = "wait4 has no safe wrapper in std")]
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which std's Child does not know of"
)]
fn load_in_child(set: &Path, env: &[(&str, &str)]) -> (f64, f64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_exportctl"));
    cmd.args(["policies", "--policies"])
        .arg(set)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .env_remove("EXPORTCTL_CACHE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into valid locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    assert!(pid > 0 && status == 0, "loading {} failed", set.display());
    (elapsed, usage.ru_maxrss as f64 / 1024.0)
}

/// The smallest `memory_mib` with which the set loads and judges `shipment`
/// without a policy error.
fn smallest_memory(subject: &Subject, shipment: &Shipment) -> Result<u32, BoxError> {
    let works = |mib: u32| -> bool {
        let Ok(config) = subject.config(&format!("limits = {{ memory_mib = {mib} }}")) else {
            return false;
        };
        let Ok(host) = Host::builder(config).build() else {
            return false;
        };
        let verdict = host.worker_with(InstanceMode::Fresh).evaluate(shipment);
        verdict.policies.iter().all(|p| p.error.is_none())
    };
    let (mut low, mut high) = (0u32, 256u32);
    if !works(high) {
        return Err(format!("{} does not run in {high} MiB", subject.label).into());
    }
    while high - low > 1 {
        let mid = (low + high) / 2;
        if works(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(high)
}

fn main() -> Result<(), BoxError> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let work = tempfile::tempdir()?;
    let dir = work.path();
    println!("Python policies beside Rust ones (cargo bench -p exportctl --bench python)\n");

    // The twins: the `policy new` template in both languages.
    exportctl(dir, &["policy", "new", "twin-policy"]);
    exportctl(
        dir,
        &[
            "policy",
            "new",
            "twin-policy",
            "--lang",
            "python",
            "--dir",
            "twin-python",
        ],
    );
    let rust_target = target().join("policy-new").display().to_string();
    exportctl(
        &dir.join("twin-policy"),
        &["policy", "build", "--target-dir", &rust_target],
    );
    exportctl(&dir.join("twin-python"), &["policy", "build"]);
    let example = dir.join("kg-am-reexport.wasm");
    exportctl(
        &repo().join("plugins/kg-am-reexport"),
        &["policy", "build", "--out", &example.display().to_string()],
    );
    let twin_settings = "settings = { destinations = [\"AE\", \"TR\"] }\n".to_owned();
    let subjects = [
        Subject {
            label: "template, Rust".into(),
            component: dir.join("twin-policy/twin-policy.wasm"),
            entry: twin_settings.clone(),
        },
        Subject {
            label: "template, Python".into(),
            component: dir.join("twin-python/twin-policy.wasm"),
            entry: twin_settings,
        },
        Subject {
            label: "kg-am-reexport, Python".into(),
            component: example,
            entry: String::new(),
        },
    ];
    let twin_case = std::fs::read_to_string(
        dir.join("twin-policy/tests/cases/twin-policy/listed-destination-review.json"),
    )?;
    let twin_shipment = Shipment::from_json(
        &serde_json::from_str::<serde_json::Value>(&twin_case)?["shipment"].to_string(),
    )?;
    // A KG/AM shipment with CHPL lines, where both the example and chpl-diversion
    // have something to say.
    let kg_case = std::fs::read_to_string(repo().join(
        "plugins/kg-am-reexport/tests/cases/kg-am-reexport/chpl-switches-to-am-young-consignee-third-country-payer.json",
    ))?;
    let kg_shipment = Shipment::from_json(
        &serde_json::from_str::<serde_json::Value>(&kg_case)?["shipment"].to_string(),
    )?;
    let shipment_of = |i: usize| if i < 2 { &twin_shipment } else { &kg_shipment };

    println!("1. Size and load (`exportctl policies`, a child process each; median of 3)");
    println!(
        "  {:<28} {:>12} {:>14} {:>14} {:>14} {:>14}",
        "", "bytes", "compile ms", "compile MiB", "cached ms", "cached MiB"
    );
    for s in &subjects {
        let set = dir.join(format!("{}.toml", s.label.replace([',', ' '], "-")));
        std::fs::write(&set, s.set_text(""))?;
        let cache = tempfile::tempdir()?;
        let cache_dir = cache.path().display().to_string();
        let mut cold: Vec<(f64, f64)> = (0..3)
            .map(|_| load_in_child(&set, &[("EXPORTCTL_CACHE", "off")]))
            .collect();
        load_in_child(&set, &[("EXPORTCTL_CACHE_DIR", &cache_dir)]);
        let mut warm: Vec<(f64, f64)> = (0..3)
            .map(|_| load_in_child(&set, &[("EXPORTCTL_CACHE_DIR", &cache_dir)]))
            .collect();
        cold.sort_by(|a, b| a.0.total_cmp(&b.0));
        warm.sort_by(|a, b| a.0.total_cmp(&b.0));
        println!(
            "  {:<28} {:>12} {:>14.0} {:>14.0} {:>14.1} {:>14.0}",
            s.label,
            std::fs::metadata(&s.component)?.len(),
            cold[1].0,
            cold[1].1,
            warm[1].0,
            warm[1].1
        );
    }

    println!("\n2. One shipment, one policy (µs per evaluation, thread CPU, median of 5 passes)");
    println!(
        "  {:<28} {:>10} {:>10} {:>14} {:>10}",
        "", "fresh", "reused", "fuel", "outcome"
    );
    let cache = tempfile::tempdir()?;
    let mut figures = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        let host = Host::builder(s.config("")?)
            .code_cache(Some(CodeCache::new(cache.path())))
            .build()?;
        let shipment = shipment_of(i);
        let fuel = Arc::new(Mutex::new(0u64));
        let seen = Arc::clone(&fuel);
        let verdict = host
            .worker_with(InstanceMode::Fresh)
            .on_fuel(move |_, f| *seen.lock().unwrap() = f)
            .evaluate(shipment);
        assert!(
            verdict.policies.iter().all(|p| p.error.is_none()),
            "{}: {:?}",
            s.label,
            verdict.policies
        );
        let mut fresh = host.worker_with(InstanceMode::Fresh);
        let fresh_us = time_us(|| {
            black_box(fresh.evaluate(black_box(shipment)));
        });
        let mut reused = host.worker_with(InstanceMode::Reused);
        let reused_us = time_us(|| {
            black_box(reused.evaluate(black_box(shipment)));
        });
        let fuel = *fuel.lock().unwrap();
        println!(
            "  {:<28} {:>10.1} {:>10.1} {:>14} {:>10}",
            s.label, fresh_us, reused_us, fuel, verdict.outcome
        );
        figures.push((verdict, fresh_us, reused_us));
    }
    assert_eq!(
        figures[0].0.findings, figures[1].0.findings,
        "the twins disagree on the template's case shipment"
    );
    println!(
        "  Python/Rust, template twins: fresh {:.1}×, reused {:.1}×",
        figures[1].1 / figures[0].1,
        figures[1].2 / figures[0].2
    );
    // The bundled Rust policy the example overlaps, on the same shipment.
    let default = PolicySetConfig::bundled_default()?;
    let chpl = default
        .policies
        .iter()
        .find(|e| matches!(&e.plugin, exportctl::PluginSource::Bundled(n) if n == "chpl-diversion"))
        .cloned()
        .ok_or("no chpl-diversion in the default set")?;
    let mut only_chpl = default.clone();
    only_chpl.policies = vec![chpl];
    let host = Host::builder(only_chpl)
        .code_cache(Some(CodeCache::new(cache.path())))
        .build()?;
    let mut fresh = host.worker_with(InstanceMode::Fresh);
    let fresh_us = time_us(|| {
        black_box(fresh.evaluate(black_box(&kg_shipment)));
    });
    let mut reused = host.worker_with(InstanceMode::Reused);
    let reused_us = time_us(|| {
        black_box(reused.evaluate(black_box(&kg_shipment)));
    });
    println!(
        "  {:<28} {:>10.1} {:>10.1} {:>14} {:>10}",
        "chpl-diversion, Rust (bundled)",
        fresh_us,
        reused_us,
        "",
        host.worker_with(InstanceMode::Fresh)
            .evaluate(&kg_shipment)
            .outcome
    );
    println!(
        "  kg-am-reexport (Python) / chpl-diversion (Rust), same shipment: fresh {:.1}×, reused {:.1}×",
        figures[2].1 / fresh_us,
        figures[2].2 / reused_us
    );

    println!("\n3. Smallest memory cap (`limits.memory_mib`) that loads and judges the shipment");
    for (i, s) in subjects.iter().enumerate() {
        println!(
            "  {:<28} {:>4} MiB",
            s.label,
            smallest_memory(s, shipment_of(i))?
        );
    }
    Ok(())
}
