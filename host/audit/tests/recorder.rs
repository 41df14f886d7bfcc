//! Group commit, idempotency, back-pressure and checkpoints of the SQLite recorder.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use exportctl_audit::{CheckpointKey, RecordError, Recorder, RecorderConfig, Store, verify};

#[test]
fn concurrent_records_get_distinct_contiguous_leaves_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), config(10)).unwrap();
    let leaves: BTreeSet<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let rec = &rec;
                s.spawn(move || {
                    (0..25)
                        .map(|i| rec.record(&record(t * 100 + i, None)).unwrap().leaf_index)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(leaves, (0..100).collect());
    let stats = rec.stats();
    assert_eq!(stats.records, 100);
    assert!(stats.commits >= 1 && stats.commits <= 100, "{stats:?}");
    rec.close().unwrap();
    let store = Store::open_existing(&url(&path)).unwrap();
    let report = verify(&store, &key.verifier(), None).unwrap();
    assert_eq!(report.records, 100);
    assert_eq!(report.unsealed, 0, "close writes the final checkpoint");
    assert_eq!(report.latest.unwrap().size, 100);
    assert!(
        report.checkpoints >= 2,
        "every 10 records or more per batch: {}",
        report.checkpoints
    );
}

#[test]
fn acknowledged_record_is_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key, config(1000)).unwrap();
    let r = record(1, None);
    let receipt = rec.record(&r).unwrap();
    // Another connection sees it before the recorder closes: it was committed, not queued.
    let n: i64 = raw(&path)
        .query_row(
            "SELECT COUNT(*) FROM records WHERE decision_id = ?1",
            [r.decision_id.to_string()],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(receipt.leaf_index, 0);
    let mode: String = raw(&path)
        .query_row("PRAGMA journal_mode", [], |x| x.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(rec);
}

#[test]
fn same_request_id_returns_original_and_different_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(
        Store::open(&url(&dir.path().join("a.db"))).unwrap(),
        key,
        config(1000),
    )
    .unwrap();
    let first = record(7, Some("erp-1"));
    let a = rec.record(&first).unwrap();
    rec.record(&record(8, None)).unwrap();
    let mut retry = record(7, Some("erp-1"));
    retry.time = first.time.clone();
    let b = rec.record(&retry).unwrap();
    assert!(b.repeated);
    assert_eq!(
        (b.leaf_index, b.decision_id),
        (a.leaf_index, first.decision_id)
    );
    let err = rec.record(&record(9, Some("erp-1"))).unwrap_err();
    assert!(
        matches!(err, RecordError::RequestIdConflict { ref request_id, .. } if request_id == "erp-1"),
        "{err}"
    );
    // The identical record again (a retry after a lost answer) is the original decision too.
    assert_eq!(rec.record(&first).unwrap(), b);
    let mut dup = record(10, None);
    dup.decision_id = first.decision_id;
    assert!(matches!(
        rec.record(&dup),
        Err(RecordError::DuplicateDecision { .. })
    ));
    // Refusals used no leaf: the next record follows on.
    assert_eq!(rec.record(&record(11, None)).unwrap().leaf_index, 2);
}

#[test]
fn a_store_that_cannot_write_and_a_full_queue_give_errors_never_a_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let cfg = RecorderConfig {
        queue: 1,
        busy_timeout: Duration::from_millis(1500),
        ..config(1000)
    };
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), cfg).unwrap();
    let blocker = raw(&path);
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..6)
            .map(|i| {
                let rec = &rec;
                s.spawn(move || rec.record(&record(i, None)))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        results.iter().all(Result::is_err),
        "no receipt while the store cannot write"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(RecordError::QueueFull { .. }))),
        "back-pressure"
    );
    let store_err = results.iter().find_map(|r| match r {
        Err(e @ RecordError::NotCommitted { .. }) => Some(e.to_string()),
        _ => None,
    });
    let msg = store_err.expect("the batch that reached the writer fails");
    assert!(msg.contains("a.db") && msg.contains("locked"), "{msg}");
    blocker.execute_batch("ROLLBACK").unwrap();
    // Nothing half-written: the next record is leaf 0, and the log verifies.
    assert_eq!(rec.record(&record(99, None)).unwrap().leaf_index, 0);
    rec.close().unwrap();
    let report = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        None,
    )
    .unwrap();
    assert_eq!(report.records, 1);
}

#[test]
fn checkpoint_after_interval_and_on_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let cfg = RecorderConfig {
        checkpoint_every: 1000,
        checkpoint_interval: Duration::from_millis(100),
        ..RecorderConfig::default()
    };
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), cfg).unwrap();
    rec.record(&record(1, None)).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let sizes: Vec<i64> = {
        let c = raw(&path);
        let mut st = c.prepare("SELECT tree_size FROM checkpoints").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(sizes, vec![1], "timer checkpoint while still open");
    rec.record(&record(2, None)).unwrap();
    rec.close().unwrap();
    let notes = Store::open_existing(&url(&path))
        .unwrap()
        .checkpoint_notes()
        .unwrap();
    assert_eq!(notes.iter().map(|n| n.0).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn every_n_records_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = log_with(dir.path(), "a.db", &key, 7, 3);
    let notes = Store::open_existing(&url(&path))
        .unwrap()
        .checkpoint_notes()
        .unwrap();
    // Sequential callers: one record per batch, so exactly every 3, plus close.
    assert_eq!(notes.iter().map(|n| n.0).collect::<Vec<_>>(), vec![3, 6, 7]);
}

#[test]
fn plugin_bytes_are_kept_by_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key, config(10)).unwrap();
    let sha = rec.keep_plugin(b"\0asm plugin bytes").unwrap();
    assert_eq!(
        sha,
        exportctl_audit::canonical::sha256_hex(b"\0asm plugin bytes")
    );
    assert_eq!(
        rec.keep_plugin(b"\0asm plugin bytes").unwrap(),
        sha,
        "idempotent"
    );
    rec.close().unwrap();
    let store = Store::open_existing(&url(&path)).unwrap();
    assert_eq!(store.plugin(&sha).unwrap().unwrap(), b"\0asm plugin bytes");
    assert!(store.plugin(&"ff".repeat(32)).unwrap().is_none());
}

#[test]
fn concurrent_callers_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(
        Store::open(&url(&dir.path().join("a.db"))).unwrap(),
        key,
        config(100_000),
    )
    .unwrap();
    // Hold the writer on a lock so callers pile up in the queue, then let it go.
    let blocker = raw(&dir.path().join("a.db"));
    rec.record(&record(0, None)).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    std::thread::scope(|s| {
        for t in 0..32 {
            let rec = &rec;
            s.spawn(move || rec.record(&record(t + 1, None)).unwrap());
        }
        std::thread::sleep(Duration::from_millis(300));
        blocker.execute_batch("COMMIT").unwrap();
    });
    let stats = rec.stats();
    assert_eq!(stats.records, 33);
    // The first record alone, the writer's blocked batch, then the rest together: far fewer
    // syncs than records.
    assert!(
        stats.commits <= 4,
        "33 records in {} commits",
        stats.commits
    );
}

/// `submit` returns while the writer is still busy, tickets resolve once their records are
/// synced, in submission order, sharing commits; a full queue refuses a submission (never a
/// silent drop) and only the tickets handed out become receipts.
#[test]
fn pipelined_submit_tickets_and_back_pressure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let cfg = RecorderConfig {
        queue: 40,
        ..config(100_000)
    };
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), cfg).unwrap();
    let blocker = raw(&path);
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    // The writer takes the first job and blocks on the lock; give it time to get there, or
    // it could still be gathering a batch from the queue while the others are submitted.
    let mut tickets = vec![rec.submit(&record(0, None)).unwrap()];
    std::thread::sleep(Duration::from_millis(300));
    // The rest wait in the queue until it is full.
    let mut refused = 0;
    for i in 1..61 {
        match rec.submit(&record(i, None)) {
            Ok(t) => tickets.push(t),
            Err(RecordError::QueueFull { capacity: 40, .. }) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        (41..=42).contains(&tickets.len()) && refused == 61 - tickets.len(),
        "{} submitted, {refused} refused",
        tickets.len()
    );
    let stored: i64 = blocker
        .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "submit did not wait for a commit");
    blocker.execute_batch("COMMIT").unwrap();
    let ids: Vec<_> = tickets.iter().map(|t| t.decision_id()).collect();
    let receipts: Vec<_> = tickets.into_iter().map(|t| t.wait().unwrap()).collect();
    assert_eq!(
        receipts.iter().map(|r| r.leaf_index).collect::<Vec<_>>(),
        (0..receipts.len() as u64).collect::<Vec<_>>(),
        "leaves in submission order"
    );
    assert!(
        receipts
            .iter()
            .zip(&ids)
            .all(|(r, id)| r.decision_id == *id)
    );
    assert!(rec.stats().commits <= 3, "{:?}", rec.stats());
    rec.close().unwrap();
    let report = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        None,
    )
    .unwrap();
    assert_eq!(report.records, receipts.len() as u64);
}

/// A record handed over as a builder is built, encoded and committed by the writer; one
/// whose builder fails, or builds another decision than announced, gets an error and no
/// leaf; records submitted in a burst share commits (the writer lingers for them).
#[test]
fn records_built_on_the_writer_commit_and_a_failed_build_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = Recorder::start(
        Store::open(&url(&path)).unwrap(),
        key.clone(),
        config(100_000),
    )
    .unwrap();
    let mut tickets = Vec::new();
    for i in 0..200 {
        let r = record(i, None);
        tickets.push(
            rec.submit_with(r.decision_id, Box::new(move || Ok(r.encode().unwrap())))
                .unwrap(),
        );
    }
    let failing = record(500, None);
    let failed = rec
        .submit_with(
            failing.decision_id,
            Box::new(|| Err("the verdict names an unknown policy".to_owned())),
        )
        .unwrap();
    let other = record(501, None);
    let mismatched = rec
        .submit_with(
            record(502, None).decision_id,
            Box::new(move || Ok(other.encode().unwrap())),
        )
        .unwrap();
    let receipts: Vec<u64> = tickets
        .into_iter()
        .map(|t| t.wait().unwrap().leaf_index)
        .collect();
    assert_eq!(receipts, (0..200).collect::<Vec<u64>>());
    match failed.wait() {
        Err(RecordError::NotBuilt { cause, .. }) => {
            assert!(cause.contains("unknown policy"), "{cause}")
        }
        other => panic!("{other:?}"),
    }
    match mismatched.wait() {
        Err(RecordError::NotBuilt { cause, .. }) => {
            assert!(cause.contains("the builder made decision"), "{cause}")
        }
        other => panic!("{other:?}"),
    }
    let stats = rec.stats();
    assert_eq!(stats.records, 200);
    assert!(
        stats.commits < 50,
        "200 submitted records took {} commits",
        stats.commits
    );
    rec.close().unwrap();
    let report = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        None,
    )
    .unwrap();
    assert_eq!((report.records, report.unsealed), (200, 0));
}

/// Records submitted one by one, slower than a write but within the linger time, share a
/// commit; a blocking `record` does not wait for the linger time.
#[test]
fn the_writer_lingers_for_submitted_records_but_not_for_a_waiting_caller() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = dir.path().join("linger.db");
    let cfg = RecorderConfig {
        linger: Duration::from_millis(400),
        ..config(100_000)
    };
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), cfg).unwrap();
    let tickets: Vec<_> = (0..10)
        .map(|i| {
            std::thread::sleep(Duration::from_millis(5));
            rec.submit(&record(i, None)).unwrap()
        })
        .collect();
    for t in tickets {
        t.wait().unwrap();
    }
    assert_eq!(rec.stats().commits, 1, "{:?}", rec.stats());

    let cfg = RecorderConfig {
        linger: Duration::from_secs(30),
        ..config(100_000)
    };
    let path = dir.path().join("waiting.db");
    let rec = Recorder::start(Store::open(&url(&path)).unwrap(), key, cfg).unwrap();
    let start = std::time::Instant::now();
    rec.record(&record(0, None)).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}
