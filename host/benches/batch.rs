//! `exportctl batch` throughput: shipments/s of the real binary on 1 and 2
//! threads with the default set over the evaluation benchmark's corpus
//! (10,000 generated shipments, fixed seed, `evaluate/corpus.rs`), the ratio
//! 2/1 beside the ratio the machine itself gives a pure compute job in the
//! same rounds (a shared virtual machine's second core is often not a whole
//! one), and the share of the 1-thread time spent reading and validating the
//! input; then the same for the corpus as ERP flat CSV.
//!
//! Run with `cargo bench -p exportctl --bench batch`. Times are wall-clock
//! medians of a few runs of the binary; the start-up (loading and compiling
//! the set) is measured on a one-shipment file and taken off, so the figures
//! are for judging. Result: `BENCHMARKS.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
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
#[path = "evaluate/scenario.rs"]
mod scenario;

#[allow(dead_code, reason = "shared with the e2e tests")]
#[path = "../../tests/e2e/flat_csv.rs"]
mod flat_csv;

/// `batch`'s own ERP CSV reader, compiled in here to time it alone as the
/// JSON Lines reader is timed.
#[allow(
    dead_code,
    unused_imports,
    reason = "only the reading of the batch command is used, and not its unit tests"
)]
#[path = "../src/cli/erp_csv/mod.rs"]
mod erp_csv;

/// What `erp_csv` hands on, as `batch` defines it.
mod batch_input {
    pub(super) type Entry =
        Result<exportctl_sdk::input::Document<'static>, exportctl::InvalidInput>;
}

use exportctl::{InvalidInput, read_file};
use exportctl_sdk::input::{self, InputFormat, InputLimits};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;

/// Runs of each measurement; the median is printed.
const REPS: usize = 3;
/// Rounds of the 1- and 2-thread runs, alternated.
const ROUNDS: usize = 5;

/// One round of the thread-scaling measurement.
struct Round {
    one: Duration,
    two: Duration,
    /// What 2 threads of pure compute gave over 1 in this round.
    machine: f64,
}

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
    let values: Vec<serde_json::Value> = documents
        .iter()
        .map(|(_, doc)| serde_json::from_str(doc).unwrap())
        .collect();
    let csv_text = flat_csv::to_csv(&values, b',');
    let all_csv = dir.path().join("corpus.csv");
    std::fs::write(&all_csv, &csv_text)?;
    let one = dir.path().join("one.jsonl");
    std::fs::write(&one, format!("{}\n", documents[0].1))?;

    let startup = median_of(|| run_batch(&one, 1, dir.path()));
    println!(
        "exportctl batch, default set, {shipments} shipments (JSON Lines, {:.1} MB); wall-clock medians ({ROUNDS} alternated rounds for the thread counts, {REPS} runs otherwise)",
        text.len() as f64 / 1e6
    );
    println!(
        "  start-up (load + compile the set, one shipment): {:.3} s",
        startup.as_secs_f64()
    );
    // The runs on 1 and 2 threads alternate, round after round, each round
    // beside the machine's own scaling: the same fixed compute (SHA-256 over
    // a buffer) on 1 thread and on 2 at once. On a virtual machine whose two
    // cores are shared with other guests the second core may give far less
    // than a whole one, and no program can scale past what it gives.
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let one = run_batch(&all, 1, dir.path()).saturating_sub(startup);
        let two = run_batch(&all, 2, dir.path()).saturating_sub(startup);
        let machine = machine_scaling();
        rounds.push(Round { one, two, machine });
    }
    let one = median(rounds.iter().map(|r| r.one));
    let two = median(rounds.iter().map(|r| r.two));
    for (jobs, judging) in [(1, one), (2, two)] {
        println!(
            "  --jobs {jobs}: {:.3} s judging: {:.0} shipments/s",
            judging.as_secs_f64(),
            shipments as f64 / judging.as_secs_f64()
        );
    }
    let ratios: Vec<String> = rounds
        .iter()
        .map(|r| {
            format!(
                "{:.2} (machine {:.2})",
                r.one.as_secs_f64() / r.two.as_secs_f64(),
                r.machine
            )
        })
        .collect();
    println!(
        "  ratio 2 threads / 1 thread, each round beside the machine's own: {}",
        ratios.join(", ")
    );
    let ratio = median_f64(
        rounds
            .iter()
            .map(|r| r.one.as_secs_f64() / r.two.as_secs_f64()),
    );
    let machine = median_f64(rounds.iter().map(|r| r.machine));
    let efficiency = median_f64(
        rounds
            .iter()
            .map(|r| r.one.as_secs_f64() / r.two.as_secs_f64() / r.machine),
    );
    println!(
        "  median ratio 2 threads / 1 thread: {ratio:.2}; the machine's: {machine:.2}; batch / machine: {:.0} %",
        efficiency * 100.0
    );
    // Reading and validating, alone, on this thread: the part of the work the
    // judging threads do not share with the policies.
    let limits = InputLimits::default();
    let path = all.display().to_string();
    let mut valid_jsonl = 0usize;
    let reading = median_of(|| {
        let started = Instant::now();
        valid_jsonl = 0;
        for entry in read_file(&path, InputFormat::Auto, &limits) {
            let doc = entry.map_err(|e: InvalidInput| e.to_string()).unwrap();
            if input::parse_shipment_all(&doc, None, &limits).is_ok() {
                valid_jsonl += 1;
            }
        }
        assert!(valid_jsonl > 0);
        started.elapsed()
    });
    println!(
        "  reading + validating the input alone: {:.3} s, {:.1} % of the 1-thread judging time",
        reading.as_secs_f64(),
        100.0 * reading.as_secs_f64() / one.as_secs_f64()
    );

    // The same shipments as ERP flat CSV (one row per line item): the whole
    // run on one thread, and the reader alone (both passes) with validation.
    let rows = csv_text.lines().count() - 1;
    let took = median_of(|| run_batch(&all_csv, 1, dir.path()));
    let judging = took.saturating_sub(startup);
    println!(
        "  ERP CSV ({rows} rows, {:.1} MB), --jobs 1: {:.3} s in all, {:.3} s judging: {:.0} shipments/s",
        csv_text.len() as f64 / 1e6,
        took.as_secs_f64(),
        judging.as_secs_f64(),
        shipments as f64 / judging.as_secs_f64()
    );
    let options = erp_csv::CsvOptions {
        mapping: erp_csv::mapping::Mapping::default(),
        delimiter: b',',
    };
    let path = all_csv.display().to_string();
    let mut valid_csv = 0usize;
    let reading_csv = median_of(|| {
        let started = Instant::now();
        valid_csv = 0;
        // The reader validates each shipment itself (so that its errors
        // name rows and columns): an `Ok` entry is a valid shipment.
        erp_csv::read_each(&path, &options, &limits, &|_| {}, &mut |entry| {
            valid_csv += usize::from(entry.is_ok());
            true
        });
        started.elapsed()
    });
    assert_eq!(
        valid_csv, valid_jsonl,
        "the CSV holds the same valid shipments"
    );
    println!(
        "  reading + validating the CSV alone: {:.3} s, {:.1} % of the 1-thread judging time of the CSV",
        reading_csv.as_secs_f64(),
        100.0 * reading_csv.as_secs_f64() / judging.as_secs_f64()
    );
    Ok(())
}

/// Wall time of `exportctl batch --jobs N --out … FILE`.
fn run_batch(file: &Path, jobs: usize, dir: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(["batch", "--jobs", &jobs.to_string(), "--out"])
        .arg(dir.join("out.jsonl"))
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("exportctl runs");
    let took = started.elapsed();
    // 0, 3, 4, 5: verdicts; 2 or 1 would mean the corpus was not judged.
    assert!(
        matches!(status.code(), Some(0 | 3 | 4 | 5)),
        "exportctl batch failed: {status}"
    );
    took
}

fn median(times: impl Iterator<Item = Duration>) -> Duration {
    let mut times: Vec<Duration> = times.collect();
    times.sort();
    times[times.len() / 2]
}

fn median_f64(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median of [`REPS`] runs of `measure`.
fn median_of(mut measure: impl FnMut() -> Duration) -> Duration {
    median((0..REPS).map(|_| measure()))
}

/// How much more a second thread gets done on this machine right now: the
/// same SHA-256 work on 1 thread, then on 2 at once (each the same amount),
/// as 2 × time(1) / time(2); 2.0 for two whole cores.
fn machine_scaling() -> f64 {
    fn work() {
        let block = vec![7u8; 1 << 20];
        let mut digest = [0u8; 32];
        for _ in 0..600 {
            let mut hasher = Sha256::new();
            hasher.update(&block);
            hasher.update(digest);
            digest = hasher.finalize().into();
        }
        std::hint::black_box(digest);
    }
    let started = Instant::now();
    work();
    let one = started.elapsed();
    let started = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(work);
        scope.spawn(work);
    });
    2.0 * one.as_secs_f64() / started.elapsed().as_secs_f64()
}
