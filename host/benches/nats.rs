//! `exportctl batch --nats` throughput: shipments/s of the real binaries with 1, 2
//! and 3 `exportctl worker` processes on a loopback `nats-server -js`, against a local
//! `batch --jobs 1` of the same file, and the queue's cost per chunk.
//!
//! Run with `cargo bench -p exportctl --bench nats` (needs `nats-server`). The corpus is
//! the evaluation benchmark's (10,000 generated shipments, fixed seed); default set; no
//! `--audit` (the store's cost is `record`'s benchmark). Workers are started and ready
//! (set loaded) before the clock starts; a run is the publisher's wall time, from its
//! start to its last verdict written. On this machine every process shares the same
//! 2 cores, so more workers do not add cores: the figures show the queue's cost, not
//! the scaling of real machines. Result: `BENCHMARKS.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark: failing loudly is its job"
)]

#[allow(dead_code, reason = "shared with the evaluate benchmark")]
#[path = "evaluate/corpus.rs"]
mod corpus;
#[allow(dead_code, reason = "shared with the evaluate benchmark")]
#[path = "evaluate/dates.rs"]
mod dates;
#[allow(dead_code, reason = "shared with the evaluate benchmark")]
#[path = "evaluate/hs_codes.rs"]
mod hs_codes;
#[allow(dead_code, reason = "shared with the evaluate benchmark")]
#[path = "../../tests/e2e/nats_server.rs"]
mod nats_server;
#[allow(dead_code, reason = "shared with the evaluate benchmark")]
#[path = "evaluate/scenario.rs"]
mod scenario;

use nats_server::NatsServer;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;

/// Documents per chunk in the throughput runs (`batch --chunk`'s default).
const CHUNK: usize = 64;
/// Shipments of the per-chunk run, one per chunk.
const SINGLES: usize = 1000;

fn main() -> Result<(), BoxError> {
    let codes = hs_codes::HsCodes::load()?;
    let documents = corpus::generate(&codes);
    corpus::check_digest(&documents)?;
    let shipments = documents.len();
    let dir = tempfile::tempdir()?;
    let all = dir.path().join("corpus.jsonl");
    let mut text = String::new();
    for (_, doc) in &documents {
        text.push_str(doc);
        text.push('\n');
    }
    std::fs::write(&all, &text)?;
    let singles = dir.path().join("singles.jsonl");
    let head: Vec<&str> = text.lines().take(SINGLES).collect();
    std::fs::write(&singles, head.join("\n") + "\n")?;
    let nats = NatsServer::start();
    println!(
        "exportctl batch --nats, default set, {shipments} shipments, chunks of {CHUNK}; 2 cores shared by nats-server, the publisher and every worker"
    );

    let local = run(&["batch", "--jobs", "1"], &all, dir.path());
    let local_rate = shipments as f64 / local.as_secs_f64();
    println!(
        "  local batch --jobs 1: {:.3} s, {local_rate:.0} shipments/s",
        local.as_secs_f64()
    );
    let mut one_worker = Duration::ZERO;
    for workers in 1..=3 {
        let pool = Pool::start(&nats.url, workers, dir.path());
        let job = format!("bench-{workers}");
        let took = run(
            &[
                "batch",
                "--nats",
                &nats.url,
                "--job",
                &job,
                "--chunk",
                &CHUNK.to_string(),
            ],
            &all,
            dir.path(),
        );
        drop(pool);
        if workers == 1 {
            one_worker = took;
        }
        println!(
            "  {workers} worker(s): {:.3} s, {:.0} shipments/s",
            took.as_secs_f64(),
            shipments as f64 / took.as_secs_f64()
        );
    }
    let chunks = shipments.div_ceil(CHUNK);
    println!(
        "  queue cost, 1 worker against local --jobs 1: {:.3} s over {chunks} chunks = {:.2} ms a chunk of {CHUNK}",
        one_worker.saturating_sub(local).as_secs_f64(),
        1e3 * one_worker.saturating_sub(local).as_secs_f64() / chunks as f64
    );

    // One document a chunk: the queue's round trip per chunk, judging taken off.
    let local_singles = run(&["batch", "--jobs", "1"], &singles, dir.path());
    let pool = Pool::start(&nats.url, 1, dir.path());
    let queued = run(
        &[
            "batch",
            "--nats",
            &nats.url,
            "--job",
            "bench-singles",
            "--chunk",
            "1",
        ],
        &singles,
        dir.path(),
    );
    drop(pool);
    println!(
        "  chunks of 1, {SINGLES} shipments: local {:.3} s, over the queue {:.3} s: {:.2} ms a chunk round trip (publish, deliver, results, acknowledge)",
        local_singles.as_secs_f64(),
        queued.as_secs_f64(),
        1e3 * queued.saturating_sub(local_singles).as_secs_f64() / SINGLES as f64
    );
    Ok(())
}

/// Workers, ready to take chunks; stopped when dropped.
struct Pool(Vec<Child>);

impl Pool {
    fn start(url: &str, n: usize, dir: &Path) -> Pool {
        let mut workers = Vec::new();
        for i in 0..n {
            let log = dir.join(format!("worker-{n}-{i}.log"));
            let child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
                .args(["worker", "--nats", url])
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(60);
            while !std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("worker: taking chunks")
            {
                assert!(Instant::now() < deadline, "worker not ready in 60 s");
                std::thread::sleep(Duration::from_millis(20));
            }
            workers.push(child);
        }
        Pool(workers)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &mut self.0 {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

/// Wall time of `exportctl ARGS --out … FILE`, which must judge the file.
fn run(args: &[&str], file: &Path, dir: &Path) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .arg("--out")
        .arg(dir.join("out.jsonl"))
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("exportctl runs");
    let took = started.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 3 | 4 | 5)),
        "exportctl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}
