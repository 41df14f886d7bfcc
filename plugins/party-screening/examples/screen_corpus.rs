//! Screens a file of shipments natively, as the host's default set does (default
//! settings), and prints the time per shipment and two digests: one of every finding,
//! one of every party's raw matches (entry, name, scores as exact bits, same name,
//! country effect). A change that must not change what is found shows the same digests
//! before and after; `perf record` on this example profiles the policy alone.
//!
//! ```sh
//! cargo bench -p exportctl --bench evaluate -- --write-corpus /tmp/corpus.jsonl
//! cargo run -p party-screening --release --example screen_corpus -- /tmp/corpus.jsonl [passes] [settings]
//! ```
//!
//! The file is JSON Lines, one shipment per line (the evaluate benchmark's corpus: 10,000
//! generated shipments). Times are the median of `passes` (default 5) passes over the whole
//! file after one warm-up pass. `settings` is the policy's settings as JSON (default `{}`);
//! `'{"remember_parties": false}'` times screening every party afresh, as a fresh sandbox
//! does, instead of the remembered parties of a reused one.

use exportctl_sdk::{Policy, Shipment, configure};
use party_screening::PartyScreening;
use party_screening::screen::Screener;
use party_screening::settings::Settings;
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: screen_corpus SHIPMENTS.jsonl [passes] [settings JSON]");
        return ExitCode::from(2);
    };
    let passes = match args.next().map(|p| p.parse::<usize>()) {
        None => 5,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("passes must be a positive number");
            return ExitCode::from(2);
        }
    };
    let settings = args.next().unwrap_or_else(|| "{}".to_owned());
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut shipments = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match Shipment::from_json(line) {
            Ok(s) => shipments.push(s),
            Err(e) => {
                eprintln!("{path}: line {}: {e}", i + 1);
                return ExitCode::from(2);
            }
        }
    }
    let policy = match configure::<PartyScreening>(&settings) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("settings: {e}");
            return ExitCode::from(2);
        }
    };

    let mut findings = Sha256::new();
    let mut count = 0usize;
    for s in &shipments {
        for f in policy.evaluate(s) {
            count += 1;
            findings.update(serde_json::to_string(&f).unwrap_or_default().as_bytes());
            findings.update(b"\n");
        }
    }
    let screener = Screener::new(&Settings::default());
    let mut matches = Sha256::new();
    for s in &shipments {
        for party in s.parties() {
            for m in screener.screen(&party.party) {
                let line = format!(
                    "{} {} {} {} {:016x} {} {:?} {:016x}\n",
                    party.path,
                    m.entry.index,
                    m.variant,
                    m.party_name,
                    m.name_score.to_bits(),
                    m.same_name,
                    m.country,
                    m.score.to_bits()
                );
                matches.update(line.as_bytes());
            }
        }
    }
    println!("{} shipments, {count} findings", shipments.len());
    println!("findings sha256 {}", hex(&findings.finalize()));
    println!("matches sha256  {}", hex(&matches.finalize()));

    let pass = || {
        for s in &shipments {
            black_box(policy.evaluate(black_box(s)));
        }
    };
    pass();
    let mut times: Vec<f64> = (0..passes)
        .map(|_| {
            let start = Instant::now();
            pass();
            start.elapsed().as_secs_f64() * 1e6 / shipments.len().max(1) as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "native: {:.2} µs per shipment (median of {passes} passes; min {:.2})",
        times[times.len() / 2],
        times[0]
    );
    ExitCode::SUCCESS
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
