//! Concurrency: one loaded `Host` shared by many threads, one `Worker` each, gives
//! exactly the verdicts of a single thread, in both instance modes and with
//! hostile plugins failing in the middle. Nothing mutable is shared between
//! evaluations except the compiled code and the instance pool (see `Host`).
//!
//! Runs in process, through the library: the shipments are every case under
//! `tests/cases/` and every example, in a different order on each thread.

use crate::support::{hostile, repo};
use exportctl::{Host, InstanceMode, PolicySetConfig, SettingOverride, Verdict, Worker};
use exportctl_sdk::validated::Shipment;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
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
fn hammer(
    host: &Arc<Host>,
    mode: InstanceMode,
    shipments: &[Shipment],
    per_thread: usize,
) -> usize {
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
    fn sendable<T: Send>() {}
    shareable::<Host>();
    // A worker (with its `Arc<Host>`) may move to another thread.
    sendable::<Worker>();
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
                    .any(|f| f.rule() == "policy-error")
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

/// The default set as generation `number`; with `review_everywhere`, company
/// rules send every shipment bound for a CIS or Gulf country to review, so the two
/// generations judge some shipments differently.
fn generation(number: u64, review_everywhere: bool) -> Arc<Host> {
    let mut config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
    if review_everywhere {
        config.overrides = vec![
            "company-rules.review_destinations=[\"KZ\", \"KG\", \"AM\", \"UZ\", \"AE\", \"TR\", \"RU\", \"BY\", \"CN\"]"
                .parse::<SettingOverride>()
                .unwrap_or_else(|e| panic!("{e}")),
        ];
    }
    Host::builder(config)
        .generation(number)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What `host` gives each shipment on one thread, on its own.
fn alone(host: &Arc<Host>, shipments: &[Shipment]) -> Vec<Verdict> {
    let mut worker = host.worker();
    shipments.iter().map(|s| worker.evaluate(s)).collect()
}

#[test]
fn a_generation_swapped_in_under_four_threads_gives_each_verdict_it_gives_alone() {
    const THREADS: usize = 4;
    /// Shipments a thread judges with one worker (one "request" in flight).
    const BATCH: usize = 7;
    /// Batches each thread judges after it has seen the second generation.
    const AFTER_SWAP: usize = 5;
    let shipments = shipments();
    let first = generation(1, false);
    let current = RwLock::new(first.clone());
    let batches_done = AtomicUsize::new(0);
    // (generation of the worker's host, shipment index, verdict), per thread.
    let judged: Vec<Vec<(u64, usize, Verdict)>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (current, batches_done, shipments) = (&current, &batches_done, &shipments);
                scope.spawn(move || {
                    let mut judged = Vec::new();
                    let mut after_swap = 0;
                    let mut k = t;
                    while after_swap < AFTER_SWAP {
                        // Take the host of the moment; the worker keeps it alive
                        // for the whole batch, whatever is swapped in meanwhile.
                        let host = current.read().unwrap_or_else(|e| panic!("{e}")).clone();
                        let mut worker = host.worker();
                        drop(host);
                        let number = worker.host().generation().number;
                        for _ in 0..BATCH {
                            let i = (k * 13 + t) % shipments.len();
                            k += 1;
                            judged.push((number, i, worker.evaluate(&shipments[i])));
                        }
                        batches_done.fetch_add(1, Ordering::Relaxed);
                        if number == 2 {
                            after_swap += 1;
                        }
                    }
                    judged
                })
            })
            .collect();
        // Let every thread judge on the first generation, then build the second
        // while they run and swap it in.
        while batches_done.load(Ordering::Relaxed) < THREADS * 2 {
            std::thread::yield_now();
        }
        let second = generation(2, true);
        *current.write().unwrap_or_else(|e| panic!("{e}")) = second;
        threads
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("a judging thread panicked"))
            })
            .collect()
    });

    // A worker of the first generation still works after the swap dropped every
    // other reference to it but this test's, and names it.
    let mut old_worker = first.worker();
    drop(first);
    let second = current.read().unwrap_or_else(|e| panic!("{e}")).clone();
    assert_eq!(old_worker.evaluate(&shipments[0]).generation.number, 1);
    let first = old_worker.host().clone();

    let expected = [alone(&first, &shipments), alone(&second, &shipments)];
    assert_ne!(
        first.generation().set_digest,
        second.generation().set_digest,
        "a changed setting changes the set digest"
    );
    assert!(
        expected[0]
            .iter()
            .zip(&expected[1])
            .any(|(a, b)| a.outcome != b.outcome),
        "the two generations must judge some shipment differently, or this test shows nothing"
    );
    let mut seen = [0usize; 2];
    for (number, i, verdict) in judged.iter().flatten() {
        assert_eq!(
            verdict.generation.number, *number,
            "shipment `{}`",
            shipments[*i].id
        );
        let gen_index = usize::try_from(*number - 1).unwrap_or(usize::MAX);
        let host = if *number == 1 { &first } else { &second };
        assert_eq!(verdict.generation, *host.generation());
        assert!(
            *verdict == expected[gen_index][*i],
            "generation {number}, shipment `{}`: judged differently under concurrency than alone",
            shipments[*i].id
        );
        seen[gen_index] += 1;
    }
    assert!(
        seen[0] >= THREADS * BATCH && seen[1] >= THREADS * BATCH * AFTER_SWAP,
        "{seen:?}"
    );
    eprintln!(
        "{} verdicts of generation 1 and {} of generation 2 on {THREADS} threads",
        seen[0], seen[1]
    );
}
