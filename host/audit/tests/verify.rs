//! Each kind of tampering is detected, with a typed error naming the log and where.

// Helpers below fail the test by unwrapping, as #[test] functions do (clippy.toml).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use exportctl_audit::checkpoint::CheckpointError;
use exportctl_audit::merkle::leaf_hash;
use exportctl_audit::{CheckpointKey, Store, VerifyError, verify};

/// 12 records, checkpoints at 4, 8 and 12.
fn setup() -> (tempfile::TempDir, CheckpointKey, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = log_with(dir.path(), "log.db", &key, 12, 4);
    (dir, key, path)
}

fn check(path: &Path, key: &CheckpointKey) -> Result<exportctl_audit::VerifyReport, VerifyError> {
    verify(
        &Store::open_existing(&url(path)).unwrap(),
        &key.verifier(),
        None,
    )
}

fn body(c: &rusqlite::Connection, seq: i64) -> Vec<u8> {
    c.query_row("SELECT body FROM records WHERE seq = ?1", [seq], |r| {
        r.get(0)
    })
    .unwrap()
}

fn edit(path: &Path, seq: i64, rehash: bool) {
    let c = raw(path);
    let edited = String::from_utf8(body(&c, seq))
        .unwrap()
        .replace("\"requested_by\":\"test\"", "\"requested_by\":\"mallory\"")
        .into_bytes();
    c.execute(
        "UPDATE records SET body = ?1 WHERE seq = ?2",
        rusqlite::params![edited, seq],
    )
    .unwrap();
    if rehash {
        c.execute(
            "UPDATE records SET leaf_hash = ?1 WHERE seq = ?2",
            rusqlite::params![&leaf_hash(&edited)[..], seq],
        )
        .unwrap();
    }
}

#[test]
fn intact_log_verifies() {
    let (_d, key, path) = setup();
    let r = check(&path, &key).unwrap();
    assert_eq!((r.records, r.checkpoints, r.unsealed), (12, 3, 0));
}

#[test]
fn edited_record() {
    let (_d, key, path) = setup();
    edit(&path, 5, false);
    let err = check(&path, &key).unwrap_err();
    assert!(matches!(err, VerifyError::Edited { index: 5, .. }), "{err}");
    assert!(
        err.to_string().contains("log.db") && err.to_string().contains("leaf index 5"),
        "{err}"
    );
}

#[test]
fn edited_record_with_its_leaf_hash_recomputed() {
    let (_d, key, path) = setup();
    edit(&path, 5, true);
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::RootMismatch {
                size: 8,
                after: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("log.db"), "{err}");
}

#[test]
fn deleted_record() {
    let (_d, key, path) = setup();
    raw(&path)
        .execute("DELETE FROM records WHERE seq = 5", [])
        .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(err, VerifyError::Missing { index: 5, .. }),
        "{err}"
    );
}

#[test]
fn two_records_swapped() {
    let (_d, key, path) = setup();
    let c = raw(&path);
    c.execute_batch(
        "UPDATE records SET seq = -1 WHERE seq = 5; UPDATE records SET seq = 5 WHERE seq = 6;
         UPDATE records SET seq = 6 WHERE seq = -1;",
    )
    .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::RootMismatch {
                size: 8,
                after: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn truncated_log() {
    let (_d, key, path) = setup();
    raw(&path)
        .execute("DELETE FROM records WHERE seq >= 10", [])
        .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Truncated {
                checkpoint_size: 12,
                records: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn truncated_log_with_its_checkpoints_removed_is_caught_by_a_held_checkpoint() {
    let (_d, key, path) = setup();
    let held = check(&path, &key).unwrap().latest.unwrap();
    raw(&path)
        .execute_batch(
            "DELETE FROM records WHERE seq >= 10; DELETE FROM checkpoints WHERE tree_size > 10;",
        )
        .unwrap();
    check(&path, &key).unwrap(); // consistent on its own …
    let err = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        Some(&held),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::ShorterThanHeld {
                held_size: 12,
                records: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn inserted_record() {
    let (_d, key, path) = setup();
    let c = raw(&path);
    c.execute_batch("UPDATE records SET seq = seq + 1000 WHERE seq >= 5; UPDATE records SET seq = seq - 999 WHERE seq >= 1000;")
        .unwrap();
    let extra = record(500, None).encode().unwrap();
    c.execute(
        "INSERT INTO records (seq, decision_id, request_id, input_sha256, time, body, leaf_hash)
         VALUES (5, ?1, NULL, ?2, ?3, ?4, ?5)",
        rusqlite::params![
            extra.decision_id.to_string(),
            extra.input_sha256,
            extra.time,
            extra.bytes,
            &extra.leaf_hash[..]
        ],
    )
    .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::RootMismatch {
                size: 8,
                after: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn replaced_checkpoint() {
    let (_d, key, path) = setup();
    let c = raw(&path);
    // Signed by another key (the attacker's).
    let other = CheckpointKey::generate(ORIGIN).unwrap();
    let forged = other.sign_checkpoint(8, &[9; 32]);
    c.execute(
        "UPDATE checkpoints SET note = ?1 WHERE tree_size = 8",
        [&forged.note],
    )
    .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Checkpoint {
                size: 8,
                source: CheckpointError::UnknownKey { .. },
                ..
            }
        ),
        "{err}"
    );
    // The genuine signature kept, the root changed.
    let genuine = key.sign_checkpoint(8, &[1; 32]).note;
    let root_line = genuine.lines().nth(2).unwrap().to_owned();
    let cp4: String = c
        .query_row(
            "SELECT note FROM checkpoints WHERE tree_size = 4",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let tampered = cp4.replacen(cp4.lines().nth(2).unwrap(), &root_line, 1);
    c.execute(
        "UPDATE checkpoints SET note = ?1 WHERE tree_size = 4",
        [&tampered],
    )
    .unwrap();
    let err = check(&path, &key).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Checkpoint {
                size: 4,
                source: CheckpointError::BadSignature { .. },
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("log.db") && err.to_string().contains("tree size 4"),
        "{err}"
    );
}

#[test]
fn log_rewritten_from_scratch_fails_against_a_held_checkpoint() {
    let (dir, key, path) = setup();
    let held = check(&path, &key).unwrap().latest.unwrap();
    // Someone with the key rebuilds the whole log with different content and fresh checkpoints.
    std::fs::remove_file(&path).unwrap();
    let rewritten = log_with(dir.path(), "log.db", &key, 14, 4);
    assert_eq!(rewritten, path);
    check(&path, &key).unwrap(); // self-consistent …
    let err = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        Some(&held),
    )
    .unwrap_err();
    assert!(
        matches!(err, VerifyError::Inconsistent { old_size: 12, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("log.db"), "{err}");
}

#[test]
fn grown_log_extends_a_held_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = log_with(dir.path(), "log.db", &key, 5, 4);
    let held = check(&path, &key).unwrap().latest.unwrap();
    assert_eq!(held.size, 5);
    let rec =
        exportctl_audit::Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), config(4))
            .unwrap();
    for i in 0..6 {
        assert_eq!(
            rec.record(&record(100 + i, None)).unwrap().leaf_index,
            5 + i
        );
    }
    rec.close().unwrap();
    let r = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &key.verifier(),
        Some(&held),
    )
    .unwrap();
    assert_eq!(r.records, 11);
}

/// Editing only an index column beside a record (not the hashed bytes) is caught too: a
/// changed request id could otherwise make a retry return another decision's receipt.
#[test]
fn edited_index_column_alone() {
    let edits: [(&str, &str); 6] = [
        ("decision_id", "'01938a4c-5e00-7000-8000-0000000000ff'"),
        ("request_id", "'req-other'"),
        ("request_id", "NULL"),
        ("time", "'2020-01-01T00:00:00.000000Z'"),
        ("input_sha256", "'00'"),
        // A record without a request id given one.
        ("request_id", "'req-new'"),
    ];
    for (i, (column, value)) in edits.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let key = CheckpointKey::generate(ORIGIN).unwrap();
        let path = dir.path().join("log.db");
        let rec = exportctl_audit::Recorder::start(
            Store::open(&url(&path)).unwrap(),
            key.clone(),
            config(4),
        )
        .unwrap();
        for n in 0..8u64 {
            let req = format!("req-{n}");
            let with_id = i != 5 || n != 5;
            rec.record(&record(n, with_id.then_some(req.as_str())))
                .unwrap();
        }
        rec.close().unwrap();
        check(&path, &key).unwrap();
        raw(&path)
            .execute(
                &format!("UPDATE records SET {column} = {value} WHERE seq = 5"),
                [],
            )
            .unwrap();
        let err = check(&path, &key).unwrap_err();
        assert!(
            matches!(err, VerifyError::ColumnEdited { index: 5, column: c, .. } if c == *column),
            "{column} = {value}: {err}"
        );
        assert!(
            err.to_string().contains("log.db") && err.to_string().contains(column),
            "{err}"
        );
    }
}
