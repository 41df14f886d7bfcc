//! Bad stores and keys: one message naming the store and the cause.

mod common;

use common::*;
use exportctl_audit::checkpoint::CheckpointError;
use exportctl_audit::{CheckpointKey, Store, StoreError, VerifyError, verify};

#[test]
fn missing_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.db");
    let err = Store::open_existing(&url(&path)).unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("audit store {}: no such file", path.display())
    );
    assert!(!path.exists(), "verify must not create a store");
}

#[test]
fn unwritable_store() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    // A path under a regular file can never be created (even by root).
    let path = file.join("audit.db");
    let err = Store::open(&url(&path)).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("a-file/audit.db") && msg.contains("cannot open"),
        "{msg}"
    );
}

#[test]
fn bad_url() {
    let err = Store::open("mysql://db/audit").unwrap_err();
    assert!(matches!(err, StoreError::BadUrl { .. }), "{err}");
    assert!(err.to_string().contains("mysql://db/audit"));
}

#[test]
fn unreachable_postgres_names_the_store_without_its_password() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let err = Store::open("postgres://audit:s3cret@127.0.0.1:1/audit").unwrap_err();
    assert!(matches!(err, StoreError::Postgres { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("postgres://audit@127.0.0.1:1/audit")
            && msg.contains("connect")
            && !msg.contains("s3cret"),
        "{msg}"
    );
}

#[test]
fn newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&url(&path)).unwrap());
    raw(&path)
        .execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'later')",
            [],
        )
        .unwrap();
    let err = Store::open(&url(&path)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 99,
                supported: exportctl_audit::store::SCHEMA_VERSION,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("new.db") && err.to_string().contains("schema version 99"),
        "{err}"
    );
}

#[test]
fn corrupted_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let err = Store::open_existing(&url(&path)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string().contains("bad.db") && err.to_string().contains("corrupted"),
        "{err}"
    );
}

#[test]
fn damaged_pages_of_a_real_store() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = log_with(dir.path(), "log.db", &key, 200, 50);
    // Overwrite the interior of the file (past the header page) with garbage.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 3 * 4096, "{}", bytes.len());
    for b in &mut bytes[4096..3 * 4096] {
        *b = 0xa5;
    }
    std::fs::write(&path, bytes).unwrap();
    let result = Store::open_existing(&url(&path)).and_then(|s| s.record_count().map(|_| s));
    let err = match result {
        Err(e) => e.to_string(),
        Ok(s) => verify(&s, &key.verifier(), None).unwrap_err().to_string(),
    };
    assert!(err.contains("log.db"), "{err}");
}

#[test]
fn wrong_checkpoint_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = log_with(dir.path(), "log.db", &key, 3, 10);
    let wrong = CheckpointKey::generate(ORIGIN).unwrap();
    let err = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &wrong.verifier(),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::Checkpoint {
                size: 3,
                source: CheckpointError::UnknownKey { .. },
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("log.db") && err.to_string().contains("not signed by key"),
        "{err}"
    );
    let other_log = CheckpointKey::generate("someone.else/log").unwrap();
    let err = verify(
        &Store::open_existing(&url(&path)).unwrap(),
        &other_log.verifier(),
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("log.db"), "{err}");
}
