//! Decision-record costs: recording with group commit on SQLite (blocking at 1, 2, 16 and 64
//! caller threads; pipelined submits at 1 and 2) and on a throw-away local PostgreSQL (blocking
//! and pipelined at 1 and 2), proof generation and verification on a 1,000,000-record log, and
//! verify throughput. Prints numbers; run with
//! `cargo bench -p exportctl-audit --bench record` (AUDIT_BENCH_LOG=N changes the log size;
//! AUDIT_BENCH_PG=0 skips PostgreSQL).

use std::time::{Duration, Instant};

use exportctl_audit::{
    CheckpointKey, DecisionId, DecisionRecord, PolicyEntry, PolicySetRef, Prover, RecordKind,
    RecordedInput, Recorder, RecorderConfig, Store, Ticket, verify, verify_proof,
};
use serde_json::json;

// Bench code fails by panicking, like a test.
#[allow(clippy::unwrap_used, dead_code)]
#[path = "../tests/common/postgres_server.rs"]
mod postgres_server;

type BenchResult = Result<(), Box<dyn std::error::Error>>;

/// A record shaped like a real decision: seven policies, a verdict with reasons.
fn record(n: u64, full_input: bool) -> Result<DecisionRecord, Box<dyn std::error::Error>> {
    let shipment = json!({
        "id": format!("SHP-{n}"),
        "exporter": {"name": "Example GmbH", "country": "DE"},
        "consignee": {"name": "Almaty Trading LLP", "country": "KZ"},
        "end_user": {"name": "Almaty Trading LLP", "country": "KZ"},
        "lines": [{"hs": "8471300000", "description": "laptop computers", "quantity": 20, "value": {"amount": 2400000, "currency": "EUR"}}],
        "as_of": "2026-12-01"
    });
    let input = if full_input {
        RecordedInput::full(shipment)?
    } else {
        RecordedInput::digest_of(&shipment)?
    };
    let policies = [
        "eu-russia-belarus",
        "eu-dual-use",
        "us-ear",
        "kz-export-control",
        "chpl-diversion",
        "party-screening",
        "company-rules",
    ]
    .iter()
    .map(|id| PolicyEntry {
        id: (*id).into(),
        version: "0.1.0".into(),
        plugin_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        signer: Some("regulator.example".into()),
        mode: "enforce".into(),
        settings_digest: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a".into(),
        outcome: Some("allow".into()),
        error: None,
    })
    .collect();
    Ok(DecisionRecord {
        kind: RecordKind::Decision,
        decision_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        requested_by: "bench".into(),
        request_id: Some(format!("req-{n}")),
        shipment_id: format!("SHP-{n}"),
        as_of: "2026-12-01".into(),
        input,
        policy_set: PolicySetRef {
            digest: "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83".into(),
            generation: 1,
        },
        policies,
        verdict: json!({"outcome": "review", "reasons": [
            {"policy": "chpl-diversion", "rule": "art-12g", "citation": "Regulation (EU) No 833/2014, Art. 12g", "outcome": "review"},
            {"policy": "party-screening", "rule": "possible-match", "citation": "UN Security Council Consolidated List", "outcome": "review"}]}),
        host_version: "0.1.0".into(),
        engine_config_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            .into(),
    })
}

/// Builds the large log: each caller thread makes its records as it goes (building a million
/// records up front would take gigabytes), so this time includes making them.
fn build_log(
    url: &str,
    key: &CheckpointKey,
    threads: u64,
    per_thread: u64,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let config = RecorderConfig {
        queue: 65_536,
        checkpoint_every: 100_000,
        ..RecorderConfig::default()
    };
    let rec = Recorder::start(Store::open(url)?, key.clone(), config)?;
    let start = Instant::now();
    std::thread::scope(|s| -> BenchResult {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let rec = &rec;
                s.spawn(move || -> Result<(), String> {
                    for i in 0..per_thread {
                        let r = record(t * per_thread + i, false).map_err(|e| e.to_string())?;
                        rec.record(&r).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "bench thread panicked")??;
        }
        Ok(())
    })?;
    let elapsed = start.elapsed();
    rec.close()?;
    Ok(elapsed)
}

/// Records `per_thread` decisions from each of `threads` callers; returns the wall time of the
/// `record` calls only (records are built beforehand: judging, not recording, makes them).
fn record_run(
    url: &str,
    key: &CheckpointKey,
    threads: u64,
    per_thread: u64,
    full_input: bool,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let config = RecorderConfig {
        queue: 65_536,
        checkpoint_every: 100_000,
        ..RecorderConfig::default()
    };
    let rec = Recorder::start(Store::open(url)?, key.clone(), config)?;
    let batches = (0..threads)
        .map(|t| {
            (0..per_thread)
                .map(|i| record(t * per_thread + i, full_input))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let start = Instant::now();
    std::thread::scope(|s| -> BenchResult {
        let handles: Vec<_> = batches
            .iter()
            .map(|batch| {
                let rec = &rec;
                s.spawn(move || -> Result<(), String> {
                    for r in batch {
                        rec.record(r).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "bench thread panicked")??;
        }
        Ok(())
    })?;
    let elapsed = start.elapsed();
    rec.close()?;
    Ok(elapsed)
}

/// Like [`record_run`], but each caller submits without waiting and keeps up to `window`
/// tickets in flight, waiting for the oldest before submitting more (a batch runner releasing
/// verdicts in order, each only after its ticket resolves). Includes waiting for the last.
fn pipelined_run(
    url: &str,
    key: &CheckpointKey,
    threads: u64,
    per_thread: u64,
    window: usize,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let config = RecorderConfig {
        queue: 65_536,
        checkpoint_every: 100_000,
        ..RecorderConfig::default()
    };
    let rec = Recorder::start(Store::open(url)?, key.clone(), config)?;
    let batches = (0..threads)
        .map(|t| {
            (0..per_thread)
                .map(|i| record(t * per_thread + i, true))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let start = Instant::now();
    std::thread::scope(|s| -> BenchResult {
        let handles: Vec<_> = batches
            .iter()
            .map(|batch| {
                let rec = &rec;
                s.spawn(move || -> Result<(), String> {
                    let mut in_flight = std::collections::VecDeque::with_capacity(window);
                    for r in batch {
                        if in_flight.len() >= window {
                            let t: Ticket = in_flight.pop_front().ok_or("empty window")?;
                            std::hint::black_box(t.wait().map_err(|e| e.to_string())?);
                        }
                        in_flight.push_back(rec.submit(r).map_err(|e| e.to_string())?);
                    }
                    for t in in_flight {
                        std::hint::black_box(t.wait().map_err(|e| e.to_string())?);
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| "bench thread panicked")??;
        }
        Ok(())
    })?;
    let elapsed = start.elapsed();
    rec.close()?;
    Ok(elapsed)
}

/// Recording on a throw-away local PostgreSQL server (needs the server binaries, found as
/// the tests find them).
fn postgres_run(key: &CheckpointKey) -> BenchResult {
    println!("\n== PostgreSQL (throw-away local server, loopback, synchronous_commit=on) ==");
    let pg = postgres_server::PgServer::start();
    for (threads, per_thread) in [(1u64, 1_000u64), (2, 1_000)] {
        let url = pg.database(&format!("rec{threads}"));
        let elapsed = record_run(&url, key, threads, per_thread, true)?;
        let n = threads * per_thread;
        println!(
            "blocking, {threads} caller thread(s): {n} decisions in {:.2} s = {:.1} µs/decision amortised",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / n as f64,
        );
    }
    for threads in [1u64, 2] {
        let url = pg.database(&format!("pipe{threads}"));
        let per_thread = 10_000 / threads;
        let elapsed = pipelined_run(&url, key, threads, per_thread, 1024)?;
        let n = threads * per_thread;
        println!(
            "pipelined, {threads} submitting thread(s): {n} decisions in {:.2} s = {:.1} µs/decision amortised ({:.0} decisions/s)",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / n as f64,
            n as f64 / elapsed.as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> BenchResult {
    let log_size: u64 = std::env::var("AUDIT_BENCH_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let key = CheckpointKey::generate("bench.example/audit")?;
    let sample = record(0, true)?.encode()?.bytes.len();
    println!("record size: {sample} bytes canonical (full input)");
    let sample = record(0, true)?;
    let start = Instant::now();
    for _ in 0..10_000 {
        std::hint::black_box(sample.encode()?);
    }
    println!(
        "encode (RFC 8785 bytes + leaf hash, in the caller's thread): {:.1} µs/record",
        start.elapsed().as_secs_f64() * 1e6 / 10_000.0
    );

    println!("\n== recording with group commit (SQLite, WAL, synchronous=FULL) ==");
    for (threads, per_thread) in [(1u64, 2_000u64), (2, 2_000), (16, 1_250), (64, 500)] {
        let url = format!(
            "sqlite:{}",
            dir.path().join(format!("rec-{threads}.db")).display()
        );
        let elapsed = record_run(&url, &key, threads, per_thread, true)?;
        let n = threads * per_thread;
        println!(
            "{threads:>2} caller thread(s): {n} decisions in {:.2} s = {:.1} µs/decision amortised ({:.0} decisions/s)",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / n as f64,
            n as f64 / elapsed.as_secs_f64()
        );
    }

    println!("\n== pipelined: submit, keep up to 1,024 tickets in flight per thread ==");
    for threads in [1u64, 2] {
        let url = format!(
            "sqlite:{}",
            dir.path().join(format!("pipe-{threads}.db")).display()
        );
        let per_thread = 20_000 / threads;
        let elapsed = pipelined_run(&url, &key, threads, per_thread, 1024)?;
        let n = threads * per_thread;
        println!(
            "{threads:>2} submitting thread(s): {n} decisions in {:.2} s = {:.1} µs/decision amortised ({:.0} decisions/s)",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / n as f64,
            n as f64 / elapsed.as_secs_f64()
        );
    }

    if std::env::var("AUDIT_BENCH_PG").as_deref() == Ok("0") {
        println!("\n(PostgreSQL skipped: AUDIT_BENCH_PG=0)");
    } else {
        postgres_run(&key)?;
    }

    println!("\n== a {log_size}-record log ==");

    let path = dir.path().join("big.db");
    let url = format!("sqlite:{}", path.display());
    let build = build_log(&url, &key, 32, log_size / 32)?;
    println!(
        "built (store_input = digest; making + recording) with 32 caller threads in {:.1} s ({:.1} µs/decision); file {:.0} MB",
        build.as_secs_f64(),
        build.as_secs_f64() * 1e6 / log_size as f64,
        std::fs::metadata(&path)?.len() as f64 / 1e6
    );
    let store = Store::open_existing(&url)?;
    let n = store.record_count()?;

    let start = Instant::now();
    let report = verify(&store, &key.verifier(), None)?;
    let t = start.elapsed();
    println!(
        "verify: {} records, {} checkpoints in {:.2} s = {:.0} records/s",
        report.records,
        report.checkpoints,
        t.as_secs_f64(),
        n as f64 / t.as_secs_f64()
    );

    let start = Instant::now();
    let prover = Prover::new(&store)?;
    let load = start.elapsed();
    let ids: Vec<DecisionId> = {
        let mut ids = Vec::new();
        let step = (n / 1000).max(1);
        store.for_each_record(None, None, |r| -> Result<(), serde_json::Error> {
            if r.index % step == 0 {
                ids.push(DecisionRecord::decode(&r.bytes)?.decision_id);
            }
            Ok(())
        })??;
        ids
    };
    let start = Instant::now();
    let proofs = ids
        .iter()
        .map(|id| prover.prove(id))
        .collect::<Result<Vec<_>, _>>()?;
    let prove_each = start.elapsed() / proofs.len() as u32;
    let start = Instant::now();
    for p in &proofs {
        verify_proof(p, &key.verifier())?;
    }
    let verify_each = start.elapsed() / proofs.len() as u32;
    let bytes = serde_json::to_vec(&proofs[proofs.len() / 2])?.len();
    println!(
        "proof: load tree {:.0} ms once, then {:.1} µs per proof ({} proofs, {} hashes, {bytes} bytes of JSON); one-shot prove() ≈ {:.0} ms",
        load.as_secs_f64() * 1e3,
        prove_each.as_secs_f64() * 1e6,
        proofs.len(),
        proofs[proofs.len() / 2].hashes.len(),
        (load + prove_each).as_secs_f64() * 1e3
    );
    println!(
        "verify_proof: {:.1} µs per proof (offline, with the public key)",
        verify_each.as_secs_f64() * 1e6
    );
    Ok(())
}
