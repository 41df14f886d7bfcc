//! What recording every decision costs at full speed.
//!
//! The bundled default set judges the benchmark corpus (the 10,000 generated
//! shipments of `evaluate`, same seed) on 1 and 2 threads: once without
//! recording, and once recording each decision with group commit the way
//! `exportctl check --audit` does — the record built and encoded on the store's
//! writer thread, each verdict released only when its record is committed and
//! synced, 256 verdicts in flight per judging thread. For comparison, also with
//! the record built on the judging thread, and on a throw-away local PostgreSQL.
//!
//! Recording runs on another thread, so this measures wall time, not CPU time:
//! run it on an otherwise idle machine. Plain and recorded passes alternate;
//! each figure is the median of 3 passes, and the recording cost is the
//! difference to the plain pass of the same thread count, per decision.
//!
//! `cargo bench -p exportctl --bench record` (`RECORD_BENCH_PG=0` skips
//! PostgreSQL). Results and analysis: `BENCHMARKS.md`, "Decision records".

#[allow(dead_code)]
#[path = "evaluate/corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "evaluate/dates.rs"]
mod dates;
#[allow(dead_code)]
#[path = "evaluate/hs_codes.rs"]
mod hs_codes;
#[allow(dead_code)]
#[path = "evaluate/scenario.rs"]
mod scenario;
#[allow(dead_code)]
#[path = "evaluate/timing.rs"]
mod timing;

// Bench code fails by panicking, like a test.
#[allow(clippy::unwrap_used, dead_code)]
#[path = "../audit/tests/common/postgres_server.rs"]
mod postgres_server;

use exportctl::{DecisionRecorder, Host, PolicySetConfig, StoreInput};
use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store, Ticket};
use exportctl_sdk::validated::Shipment;
use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use timing::{process_cpu_ns, thread_cpu_ns};

/// Any error ends the run with its message.
type BoxError = Box<dyn std::error::Error>;

/// The URL of a new store named by its argument.
type UrlOf = Box<dyn Fn(&str) -> String>;

/// Verdicts waiting for their record per judging thread, as in `check --audit`.
const WINDOW: usize = 256;

/// Passes per figure.
const PASSES: usize = 3;

/// Where a record is built.
#[derive(Clone, Copy, PartialEq)]
enum Build {
    /// Not recorded at all.
    None,
    /// On the store's writer thread (`Recorder::submit_with`), as the CLI does.
    Writer,
    /// On the judging thread (`CapturedDecision::encode` there).
    Caller,
}

fn main() -> Result<(), BoxError> {
    let hs_codes = hs_codes::HsCodes::load()?;
    let documents = corpus::generate(&hs_codes);
    corpus::check_digest(&documents)?;
    let corpus: Vec<Shipment> = documents
        .iter()
        .map(|(_, text)| Shipment::from_json(text))
        .collect::<Result<_, _>>()?;
    let host = Host::load(&PolicySetConfig::bundled_default()?)?;
    let key = CheckpointKey::generate("bench.example/decisions")?;
    let dir = tempfile::tempdir()?;
    println!(
        "exportctl decision-record benchmark: the default set on {} generated shipments; wall time, median of {PASSES} passes",
        corpus.len()
    );

    let mut stores: Vec<(&str, UrlOf)> = Vec::new();
    let sqlite_dir = dir.path().to_owned();
    stores.push((
        "SQLite (WAL, synchronous=FULL)",
        Box::new(move |name| format!("sqlite:{}", sqlite_dir.join(format!("{name}.db")).display())),
    ));
    let pg = (std::env::var("RECORD_BENCH_PG").as_deref() != Ok("0"))
        .then(postgres_server::PgServer::start)
        .map(Arc::new);
    if let Some(pg) = &pg {
        let pg = Arc::clone(pg);
        stores.push((
            "PostgreSQL (local, loopback, synchronous_commit=on)",
            Box::new(move |name| pg.database(name)),
        ));
    }

    parts(&host, &corpus, &dir, &key)?;

    let mut run = 0;
    for (store_name, url_of) in &stores {
        println!("\n== {store_name}: judging and recording at full speed ==");
        println!(
            "{:<44} {:>8} {:>11} {:>10} {:>9} {:>10} {:>8}",
            "threads, where the record is built",
            "µs/dec",
            "decisions/s",
            "wall cost",
            "CPU µs",
            "CPU cost",
            "commits"
        );
        for threads in [1usize, 2] {
            let builds: &[Build] = if store_name.starts_with("SQLite") {
                &[Build::Writer, Build::Caller]
            } else {
                &[Build::Writer]
            };
            let mut plain = Vec::new();
            let mut recorded = vec![Vec::new(); builds.len()];
            for _ in 0..PASSES {
                plain.push(judge_all(&host, &corpus, threads, Build::None, None)?);
                for (i, build) in builds.iter().enumerate() {
                    run += 1;
                    let url = url_of(&format!("run{run}"));
                    let recorder = Recorder::start(
                        Store::open(&url)?,
                        key.clone(),
                        RecorderConfig::default(),
                    )?;
                    recorded[i].push(judge_all(&host, &corpus, threads, *build, Some(recorder))?);
                }
            }
            let n = corpus.len() as f64;
            let plain = Pass::median(&mut plain);
            plain.print(&format!("{threads}, not recorded"), n, None);
            for (i, build) in builds.iter().enumerate() {
                let label = match build {
                    Build::Writer => "record built on the writer (check --audit)",
                    _ => "record built on the judging thread",
                };
                Pass::median(&mut recorded[i]).print(
                    &format!("{threads}, {label}"),
                    n,
                    Some(&plain),
                );
            }
        }
    }

    // `audit verify` over a log of the corpus's real records.
    let url = format!("sqlite:{}", dir.path().join("verify.db").display());
    let recorder = Recorder::start(Store::open(&url)?, key.clone(), RecorderConfig::default())?;
    judge_all(&host, &corpus, 1, Build::Writer, Some(recorder))?;
    let store = Store::open_existing(&url)?;
    let mut passes = Vec::new();
    let mut records = 0;
    for _ in 0..PASSES {
        let start = Instant::now();
        records = exportctl_audit::verify(&store, &key.verifier(), None)?.records;
        passes.push(start.elapsed());
    }
    passes.sort();
    let elapsed = passes[PASSES / 2];
    // What hashing alone allows: SHA-256 over the same record bytes, in memory.
    let bodies: Vec<Vec<u8>> = {
        let mut worker = host.worker();
        let records = DecisionRecorder::new(&host, "bench:record", StoreInput::Full)?;
        corpus
            .iter()
            .map(|s| {
                let v = Arc::new(worker.evaluate(s));
                Ok(records.capture(s, v, None)?.encode()?.bytes)
            })
            .collect::<Result<_, BoxError>>()?
    };
    let start = Instant::now();
    for body in &bodies {
        black_box(exportctl_audit::merkle::leaf_hash(body));
    }
    let hashing = start.elapsed();
    println!(
        "\n== audit verify over these records ==\n{records} records ({:.0} MB) verified in {:.3} s: {:.0} records/s (median of {PASSES})\nleaf hashes alone over the same bytes, in memory: {:.3} s: {:.0} records/s",
        std::fs::metadata(dir.path().join("verify.db"))?.len() as f64 / 1e6,
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64(),
        hashing.as_secs_f64(),
        bodies.len() as f64 / hashing.as_secs_f64(),
    );
    Ok(())
}

/// Section 1: the CPU time of each step of a record, over the corpus's real
/// verdicts: taking the decision down on the judging thread, building and
/// encoding the record (RFC 8785 bytes and leaf hash), and the store's commit of
/// it (pipelined, the process's CPU time while only the store works).
fn parts(
    host: &Arc<Host>,
    corpus: &[Shipment],
    dir: &tempfile::TempDir,
    key: &CheckpointKey,
) -> Result<(), BoxError> {
    let records = DecisionRecorder::new(host, "bench:record", StoreInput::Full)?;
    let mut worker = host.worker();
    let verdicts: Vec<Arc<exportctl::Verdict>> = corpus
        .iter()
        .map(|s| Arc::new(worker.evaluate(s)))
        .collect();
    let n = corpus.len() as f64;

    let t = thread_cpu_ns();
    let captured: Vec<_> = corpus
        .iter()
        .zip(&verdicts)
        .map(|(s, v)| records.capture(s, Arc::clone(v), None))
        .collect::<Result<_, _>>()?;
    let capture = (thread_cpu_ns() - t) / n;

    let t = thread_cpu_ns();
    let encoded: Vec<_> = captured
        .into_iter()
        .map(|c| c.encode())
        .collect::<Result<_, _>>()?;
    let encode = (thread_cpu_ns() - t) / n;
    let bytes = encoded.iter().map(|e| e.bytes.len()).sum::<usize>() as f64 / n;

    let url = format!("sqlite:{}", dir.path().join("parts.db").display());
    let recorder = Recorder::start(Store::open(&url)?, key.clone(), RecorderConfig::default())?;
    let t = process_cpu_ns();
    let mut pending = VecDeque::new();
    for e in encoded {
        pending.push_back(recorder.submit_with(e.decision_id, Box::new(move || Ok(e)))?);
        if pending.len() >= WINDOW {
            pending.pop_front().map(Ticket::wait).transpose()?;
        }
    }
    for ticket in pending {
        ticket.wait()?;
    }
    recorder.close()?;
    let store = (process_cpu_ns() - t) / n;
    println!(
        "\n== 1. One record, CPU time per decision (one thread; {bytes:.0} bytes canonical on average) =="
    );
    println!(
        "take the decision down (judging thread)  {:>7.1} µs",
        capture / 1e3
    );
    println!(
        "build and encode (RFC 8785, leaf hash)    {:>7.1} µs",
        encode / 1e3
    );
    println!(
        "commit to SQLite (writer, kernel)        {:>7.1} µs",
        store / 1e3
    );
    println!(
        "total                                    {:>7.1} µs",
        (capture + encode + store) / 1e3
    );
    Ok(())
}

/// One pass: wall time, process CPU time, commits.
#[derive(Clone, Copy)]
struct Pass {
    wall: Duration,
    cpu_ns: f64,
    commits: u64,
}

impl Pass {
    /// The pass of median wall time.
    fn median(passes: &mut [Pass]) -> Pass {
        passes.sort_by_key(|p| p.wall);
        passes[passes.len() / 2]
    }

    fn print(&self, label: &str, n: f64, plain: Option<&Pass>) {
        let us = self.wall.as_secs_f64() * 1e6 / n;
        let cpu = self.cpu_ns / 1e3 / n;
        let (cost, cpu_cost, commits) = match plain {
            Some(p) => (
                format!("{:.1}", us - p.wall.as_secs_f64() * 1e6 / n),
                format!("{:.1}", cpu - p.cpu_ns / 1e3 / n),
                self.commits.to_string(),
            ),
            None => ("—".into(), "—".into(), "—".into()),
        };
        println!(
            "{label:<44} {us:>8.1} {:>11.0} {cost:>10} {cpu:>9.1} {cpu_cost:>10} {commits:>8}",
            1e6 / us
        );
    }
}

/// Judges the whole corpus on `threads` threads (shipment i on thread i mod
/// threads), recording each decision when a recorder is given. Returns the wall
/// time (until the last record is synced), the CPU time and the commits.
fn judge_all(
    host: &Arc<Host>,
    corpus: &[Shipment],
    threads: usize,
    build: Build,
    recorder: Option<Recorder>,
) -> Result<Pass, BoxError> {
    let records = DecisionRecorder::new(host, "bench:record", StoreInput::Full)?;
    let cpu = process_cpu_ns();
    let start = Instant::now();
    std::thread::scope(|s| -> Result<(), BoxError> {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (recorder, records) = (recorder.as_ref(), records.clone());
                s.spawn(move || -> Result<(), String> {
                    let mut worker = host.worker();
                    let mut pending: VecDeque<(Ticket, Arc<exportctl::Verdict>)> =
                        VecDeque::with_capacity(WINDOW);
                    for shipment in corpus.iter().skip(t).step_by(threads) {
                        let verdict = Arc::new(worker.evaluate(shipment));
                        let Some(recorder) = recorder else {
                            black_box(&verdict);
                            continue;
                        };
                        let captured = records
                            .capture(shipment, Arc::clone(&verdict), None)
                            .map_err(|e| e.to_string())?;
                        let id = captured.decision_id();
                        let ticket = match build {
                            Build::Writer => recorder.submit_with(
                                id,
                                Box::new(move || captured.encode().map_err(|e| e.to_string())),
                            ),
                            _ => {
                                let encoded = captured.encode().map_err(|e| e.to_string())?;
                                recorder.submit_with(id, Box::new(move || Ok(encoded)))
                            }
                        }
                        .map_err(|e| e.to_string())?;
                        pending.push_back((ticket, verdict));
                        if pending.len() >= WINDOW {
                            release(&mut pending)?;
                        }
                    }
                    while !pending.is_empty() {
                        release(&mut pending)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "a judging thread panicked")??;
        }
        Ok(())
    })?;
    let wall = start.elapsed();
    let cpu_ns = process_cpu_ns() - cpu;
    let commits = recorder.as_ref().map_or(0, |r| r.stats().commits);
    if let Some(recorder) = recorder {
        recorder.close()?;
    }
    Ok(Pass {
        wall,
        cpu_ns,
        commits,
    })
}

/// Waits for the oldest record; its verdict could now be printed.
fn release(pending: &mut VecDeque<(Ticket, Arc<exportctl::Verdict>)>) -> Result<(), String> {
    if let Some((ticket, verdict)) = pending.pop_front() {
        ticket.wait().map_err(|e| e.to_string())?;
        black_box(verdict);
    }
    Ok(())
}
