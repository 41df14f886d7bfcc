//! Crash test at the store level: a recording child killed with SIGKILL at 20 random moments
//! (fixed seed); after each, the store opens, verifies, and holds every decision the child
//! had acknowledged on stdout (nothing acknowledged lost, no half record). SQLite and a real
//! PostgreSQL.

// Test code fails by unwrapping and panicking, as #[test] functions do.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::crash::kill_at_random_moments;
use common::postgres_server::PgServer;
use common::*;
use exportctl_audit::{Checkpoint, CheckpointKey, DecisionId, Store, StoreError, verify};

const ROUNDS: usize = 20;

fn crash_test(url: &str, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("checkpoint.key");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    key.save(&key_file).unwrap();
    let mut held: Option<Checkpoint> = None;
    let mut acknowledged = 0usize;
    let mut rounds_with_acks = 0usize;
    kill_at_random_moments(
        ROUNDS,
        seed,
        Duration::from_millis(400),
        0,
        || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_exportctl-audit-record-stream"));
            c.arg(url).arg(&key_file);
            c
        },
        |round, lines| {
            let store = match Store::open_existing(url) {
                Ok(store) => store,
                // Killed before it created the store (a short delay on a loaded
                // machine): it cannot have acknowledged anything, then or before.
                Err(StoreError::Missing { .. }) if lines.is_empty() && acknowledged == 0 => {
                    return;
                }
                Err(e) => panic!("round {round}: store does not open: {e}"),
            };
            // The log verifies, and extends what the verifier saw after the previous death.
            let report = verify(&store, &key.verifier(), held.as_ref())
                .unwrap_or_else(|e| panic!("round {round}: verify failed: {e}"));
            for line in lines {
                let (leaf, id) = line.split_once(' ').unwrap();
                let id: DecisionId = id.parse().unwrap();
                let (stored_leaf, _) = store
                    .find(&id)
                    .unwrap()
                    .unwrap_or_else(|| panic!("round {round}: acknowledged {id} is lost"));
                assert_eq!(stored_leaf.to_string(), leaf, "round {round}: {id}");
            }
            acknowledged += lines.len();
            rounds_with_acks += usize::from(!lines.is_empty());
            if report.latest.is_some() {
                held = report.latest;
            }
        },
    );
    assert!(
        rounds_with_acks >= ROUNDS / 2 && acknowledged > 100,
        "the kills must land while decisions are being acknowledged: {acknowledged} in {rounds_with_acks} rounds"
    );
}

#[test]
fn sqlite_killed_at_20_random_moments_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    crash_test(&url(&dir.path().join("audit.db")), 0x5EED_0001);
}

#[test]
fn postgres_killed_at_20_random_moments_loses_nothing_acknowledged() {
    let pg = PgServer::start();
    crash_test(&pg.database("audit"), 0x5EED_0002);
}
