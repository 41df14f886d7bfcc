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

// Bench code fails by panicking, like a test.
#[allow(clippy::unwrap_used, dead_code)]
#[path = "../audit/tests/common/postgres_server.rs"]
mod postgres_server;

use exportctl::{DecisionRecorder, Host, PolicySetConfig, StoreInput};
use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store, Ticket};
use exportctl_sdk::Shipment;
use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// On the judging thread (`DecisionRecorder::record` + `Recorder::submit`).
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

    let mut run = 0;
    for (store_name, url_of) in &stores {
        println!("\n== {store_name} ==");
        println!(
            "{:<44} {:>8} {:>11} {:>12} {:>9} {:>8}",
            "threads, where the record is built",
            "µs/dec",
            "decisions/s",
            "cost µs/dec",
            "× plain",
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
            let mut commits = vec![0; builds.len()];
            for _ in 0..PASSES {
                plain.push(judge_all(&host, &corpus, threads, Build::None, None)?.0);
                for (i, build) in builds.iter().enumerate() {
                    run += 1;
                    let url = url_of(&format!("run{run}"));
                    let recorder = Recorder::start(
                        Store::open(&url)?,
                        key.clone(),
                        RecorderConfig::default(),
                    )?;
                    let (elapsed, stats) =
                        judge_all(&host, &corpus, threads, *build, Some(recorder))?;
                    recorded[i].push(elapsed);
                    commits[i] = stats;
                }
            }
            let n = corpus.len() as f64;
            let plain = median(&mut plain);
            print_row(&format!("{threads}, not recorded"), plain, n, None, None);
            for (i, build) in builds.iter().enumerate() {
                let label = match build {
                    Build::Writer => "record built on the writer (check --audit)",
                    _ => "record built on the judging thread",
                };
                let t = median(&mut recorded[i]);
                print_row(
                    &format!("{threads}, {label}"),
                    t,
                    n,
                    Some(plain),
                    Some(commits[i]),
                );
            }
        }
    }
    Ok(())
}

/// Judges the whole corpus on `threads` threads (shipment i on thread i mod
/// threads), recording each decision when a recorder is given. Returns the wall
/// time (until the last record is synced) and the number of commits.
fn judge_all(
    host: &Arc<Host>,
    corpus: &[Shipment],
    threads: usize,
    build: Build,
    recorder: Option<Recorder>,
) -> Result<(Duration, u64), BoxError> {
    let records = DecisionRecorder::new(host, "bench:record", StoreInput::Full)?;
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
                        let ticket = match build {
                            Build::Writer => {
                                let captured = records
                                    .capture(shipment, Arc::clone(&verdict), None)
                                    .map_err(|e| e.to_string())?;
                                recorder
                                    .submit_with(
                                        captured.decision_id(),
                                        Box::new(move || {
                                            captured.build().map_err(|e| e.to_string())
                                        }),
                                    )
                                    .map_err(|e| e.to_string())?
                            }
                            _ => {
                                let record = records
                                    .record(shipment, &verdict, None)
                                    .map_err(|e| e.to_string())?;
                                recorder.submit(&record).map_err(|e| e.to_string())?
                            }
                        };
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
    let elapsed = start.elapsed();
    let commits = recorder.as_ref().map_or(0, |r| r.stats().commits);
    if let Some(recorder) = recorder {
        recorder.close()?;
    }
    Ok((elapsed, commits))
}

/// Waits for the oldest record; its verdict could now be printed.
fn release(pending: &mut VecDeque<(Ticket, Arc<exportctl::Verdict>)>) -> Result<(), String> {
    if let Some((ticket, verdict)) = pending.pop_front() {
        ticket.wait().map_err(|e| e.to_string())?;
        black_box(verdict);
    }
    Ok(())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn print_row(label: &str, t: Duration, n: f64, plain: Option<Duration>, commits: Option<u64>) {
    let us = t.as_secs_f64() * 1e6 / n;
    let cost = plain.map_or(String::from("—"), |p| {
        format!("{:.1}", (t.as_secs_f64() - p.as_secs_f64()) * 1e6 / n)
    });
    let ratio = plain.map_or(String::from("1.00"), |p| {
        format!("{:.2}", t.as_secs_f64() / p.as_secs_f64())
    });
    let commits = commits.map_or(String::from("—"), |c| c.to_string());
    println!(
        "{label:<44} {us:>8.1} {:>11.0} {cost:>12} {ratio:>9} {commits:>8}",
        1e6 / us
    );
}
