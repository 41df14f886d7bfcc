//! Concurrency: one loaded `Host` shared by many threads, one `Worker` each, gives
//! exactly the verdicts of a single thread, in both instance modes and with
//! hostile plugins failing in the middle. Nothing mutable is shared between
//! evaluations except the compiled code and the instance pool (see `Host`).
//!
//! Runs in process, through the library: the shipments are every case under
//! `tests/cases/` and every example, in a different order on each thread.

use crate::support::{hostile, repo};
use exportctl::{Host, InstanceMode, PolicySetConfig, Verdict};
use exportctl_sdk::Shipment;
use std::path::Path;
use std::time::Instant;

const THREADS: usize = 8;

/// Every shipment of `tests/cases/*/*.json` and `tests/examples/*.json`.
fn shipments() -> Vec<Shipment<'static>> {
    let mut files = Vec::new();
    let cases = repo().join("tests/cases");
    for dir in std::fs::read_dir(&cases).unwrap_or_else(|e| panic!("{e}")) {
        let dir = dir.unwrap_or_else(|e| panic!("{e}")).path();
        if dir.is_dir() {
            files.extend(json_files(&dir));
        }
    }
    files.extend(json_files(&repo().join("tests/examples")));
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
            let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            // Case files wrap the shipment; examples are one.
            let shipment = value.get("shipment").unwrap_or(&value).to_string();
            Shipment::from_json(&shipment).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect()
}

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect()
}

/// Evaluates `per_thread` shipments on each of `THREADS` threads sharing `host`,
/// each thread starting at a different shipment, and checks every verdict
/// against the single-threaded one. Returns the number of evaluations.
fn hammer(host: &Host, mode: InstanceMode, shipments: &[Shipment], per_thread: usize) -> usize {
    let expected: Vec<Verdict> = {
        let mut worker = host.worker_with(mode);
        shipments.iter().map(|s| worker.evaluate(s)).collect()
    };
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let expected = &expected;
            scope.spawn(move || {
                let mut worker = host.worker_with(mode);
                for k in 0..per_thread {
                    let i = (t * 37 + k * (t + 1)) % shipments.len();
                    let verdict = worker.evaluate(&shipments[i]);
                    assert!(
                        verdict == expected[i],
                        "thread {t}, evaluation {k}: shipment `{}` judged differently",
                        shipments[i].id
                    );
                }
            });
        }
    });
    THREADS * per_thread
}

#[test]
fn the_host_is_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Host>();
}

#[test]
fn eight_threads_give_the_single_threaded_verdicts_with_the_default_set() {
    let config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
    let host = Host::load(&config).unwrap_or_else(|e| panic!("{e}"));
    let shipments = shipments();
    assert!(shipments.len() > 40, "{}", shipments.len());
    let started = Instant::now();
    let fresh = hammer(&host, InstanceMode::Fresh, &shipments, 10_000);
    let fresh_time = started.elapsed();
    let started = Instant::now();
    let reused = hammer(&host, InstanceMode::Reused, &shipments, 10_000);
    eprintln!(
        "{fresh} evaluations on {THREADS} threads in {fresh_time:?} (fresh sandboxes), {reused} in {:?} (reused)",
        started.elapsed()
    );
}

#[test]
fn hostile_plugins_failing_on_some_threads_do_not_change_the_others_verdicts() {
    // `hostile-panic` traps on shipments to Russia, `hostile-forged-output` hands
    // back an outcome outside the contract on them; both judge the rest normally.
    let text = format!(
        "[trust]\nallow_unsigned = true\n\
         [[policy]]\nplugin = \"kz-export-control\"\n\
         [[policy]]\nplugin = \"chpl-diversion\"\n\
         [[policy]]\nplugin = \"{}\"\n\
         [[policy]]\nplugin = \"{}\"\n[policy.settings]\nforge = \"outcome\"\n",
        hostile("panic").display(),
        hostile("forged-output").display()
    );
    let config =
        PolicySetConfig::parse(&text, "concurrent.toml", &repo()).unwrap_or_else(|e| panic!("{e}"));
    let host = Host::load(&config).unwrap_or_else(|e| panic!("{e}"));
    let shipments = shipments();
    let failing = {
        let mut worker = host.worker();
        shipments
            .iter()
            .filter(|s| {
                worker
                    .evaluate(s)
                    .findings
                    .iter()
                    .any(|f| f.rule == "policy-error")
            })
            .count()
    };
    assert!(
        failing > 5 && failing < shipments.len(),
        "{failing} of {}",
        shipments.len()
    );
    hammer(&host, InstanceMode::Fresh, &shipments, 500);
    hammer(&host, InstanceMode::Reused, &shipments, 500);
}
