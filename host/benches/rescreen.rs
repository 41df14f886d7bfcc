//! `exportctl rescreen` throughput: a party master of 100,000 generated
//! partners (fixed seed; one in 500 carries a name on the lists) screened with
//! the bundled `party-screening` against a previous set, on 1 and 2 threads.
//! A delta run screens every party twice (current and previous set), so the
//! figures are given per party and per screening.
//!
//! Run with `cargo bench -p exportctl --bench rescreen` (`RESCREEN_BENCH_PARTIES`
//! changes the count). Times are wall-clock medians of the real binary, start-up
//! included (what an operator waits for); the start-up alone is measured on a
//! one-party file and printed. Result: `BENCHMARKS.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: failing loudly is its job"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;

/// Runs of each measurement; the median is printed.
const REPS: usize = 3;

const FIRST: &[&str] = &[
    "Altyn",
    "Steppe",
    "Nord",
    "Baikonur",
    "Kaspiy",
    "Alatau",
    "Rhein",
    "Bosphorus",
    "Silk Road",
    "Eurasia",
    "Tengri",
    "Shymkent",
    "Ural",
    "Ararat",
    "Fergana",
    "Pamir",
    "Danube",
    "Volga",
    "Sary-Arka",
    "Zhetysu",
    "Atlas",
    "Orion",
    "Nomad",
    "Samruk",
];
const SECOND: &[&str] = &[
    "Trade",
    "Logistics",
    "Electro",
    "Machinery",
    "Components",
    "Industrial",
    "Systems",
    "Tech",
    "Import Export",
    "Supply",
    "Engineering",
    "Automation",
    "Metals",
    "Instruments",
    "Holding",
];
const FORMS: &[&str] = &[
    "LLP", "GmbH", "LLC", "TOO", "OOO", "Ltd", "AG", "JSC", "FZE", "Co.",
];
const COUNTRIES: &[&str] = &[
    "KZ", "RU", "DE", "CN", "AM", "TR", "AE", "KG", "UZ", "GE", "US", "IN",
];
/// Names on the embedded lists (CSL, UN), so that matches are found and written.
const LISTED: &[(&str, &str)] = &[
    ("APEX Kazakhstan", "KZ"),
    ("Blue Airways", "AM"),
    ("Juzhoi Electronic LLC", "TJ"),
    ("TOO Inter-Trade Electro", "KZ"),
    ("Bank of Kunlun", "CN"),
];

/// A small, fixed pseudo-random sequence (xorshift64*), so every run screens
/// the same parties.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

fn party_master(parties: usize) -> String {
    let mut rng = Rng(0x005e_ed0f_ba5e);
    let mut csv = String::from("id,role,name,country\n");
    for i in 0..parties {
        let (name, country) = if i % 500 == 499 {
            let (n, c) = LISTED[(i / 500) % LISTED.len()];
            (n.to_owned(), c)
        } else {
            let name = format!(
                "{} {} {}",
                rng.pick(FIRST),
                rng.pick(SECOND),
                rng.pick(FORMS)
            );
            (name, rng.pick(COUNTRIES))
        };
        let role = ["customer", "supplier", "forwarder"][i % 3];
        writeln!(csv, "P-{i:06},{role},\"{name}\",{country}").unwrap();
    }
    csv
}

fn main() -> Result<(), BoxError> {
    let parties: usize = std::env::var("RESCREEN_BENCH_PARTIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let master = dir.path().join("parties.csv");
    std::fs::write(&master, party_master(parties))?;
    let one = dir.path().join("one.csv");
    std::fs::write(&one, party_master(1))?;
    // The previous edition: the same plugin without the Entity List, so the
    // run finds and writes real changes.
    let previous = dir.path().join("previous.toml");
    std::fs::write(
        &previous,
        "[[policy]]\nplugin = \"party-screening\"\n[policy.settings]\nlists = [\"SDN\", \"DPL\", \"UVL\", \"MEU\", \"UN\"]\n",
    )?;
    let current = dir.path().join("current.toml");
    std::fs::write(&current, "[[policy]]\nplugin = \"party-screening\"\n")?;

    let startup = median(|| run(&one, &current, &previous, 1, dir.path()).0);
    println!(
        "exportctl rescreen, party-screening against a previous set, {parties} parties; wall-clock median of {REPS} runs, start-up included"
    );
    println!(
        "  start-up (load both sets, one party): {:.2} s",
        startup.as_secs_f64()
    );
    let mut per_thread = Vec::new();
    for jobs in [1, 2] {
        let mut changes = 0;
        let took = median(|| {
            let (took, lines) = run(&master, &current, &previous, jobs, dir.path());
            changes = lines;
            took
        });
        let rate = parties as f64 / took.as_secs_f64();
        println!(
            "  --jobs {jobs}: {:.2} s, {rate:.0} parties/s ({:.0} screenings/s, {:.1} µs per screening per thread); {changes} changes reported",
            took.as_secs_f64(),
            2.0 * rate,
            took.as_secs_f64() * 1e6 * jobs as f64 / (2.0 * parties as f64),
        );
        per_thread.push(took);
    }
    println!(
        "  2 threads / 1 thread: {:.2}x",
        per_thread[0].as_secs_f64() / per_thread[1].as_secs_f64()
    );
    Ok(())
}

/// One run of the binary: its wall time and the number of change lines.
fn run(
    master: &Path,
    current: &Path,
    previous: &Path,
    jobs: usize,
    dir: &Path,
) -> (Duration, usize) {
    let out = dir.join("changes.jsonl");
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(["rescreen", "--parties"])
        .arg(master)
        .arg("--policies")
        .arg(current)
        .arg("--against")
        .arg(previous)
        .args(["--date", "2026-09-01", "--jobs", &jobs.to_string(), "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("exportctl runs");
    let took = started.elapsed();
    assert!(
        matches!(status.code(), Some(0 | 3 | 4 | 5)),
        "rescreen failed: {status}"
    );
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    (took, lines)
}

fn median(mut measure: impl FnMut() -> Duration) -> Duration {
    let mut runs: Vec<Duration> = (0..REPS).map(|_| measure()).collect();
    runs.sort();
    runs[REPS / 2]
}
