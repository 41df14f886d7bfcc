//! Shared helpers for the store tests.
#![allow(dead_code)]
// Test helpers fail the test by unwrapping, as #[test] functions do (clippy.toml).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use exportctl_audit::{
    CheckpointKey, DecisionId, DecisionRecord, PolicyEntry, PolicySetRef, RecordKind,
    RecordedInput, RecordedMatch, RecordedParty, Recorder, RecorderConfig, ScreeningPolicyEntry,
    ScreeningRecord, Store,
};
use serde_json::json;

pub const ORIGIN: &str = "audit.example/test-log";

pub fn url(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}

/// A record for shipment `n`, optionally with a request id.
pub fn record(n: u64, request_id: Option<&str>) -> DecisionRecord {
    DecisionRecord {
        kind: RecordKind::Decision,
        decision_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        requested_by: "test".into(),
        request_id: request_id.map(str::to_owned),
        shipment_id: format!("SHP-{n}"),
        as_of: "2026-12-01".into(),
        input: RecordedInput::full(json!({"id": format!("SHP-{n}"), "value": n})).unwrap(),
        policy_set: PolicySetRef {
            digest: "abc".into(),
            generation: 1,
        },
        policies: vec![PolicyEntry {
            id: "eu-russia-belarus".into(),
            version: "0.1.0".into(),
            plugin_sha256: "00".repeat(32),
            signer: None,
            mode: "enforce".into(),
            settings_digest: "11".repeat(32),
            outcome: Some("allow".into()),
            error: None,
        }],
        verdict: json!({"outcome": "allow", "reasons": []}),
        host_version: "0.1.0".into(),
        engine_config_hash: "22".repeat(32),
    }
}

/// A screening record of party `party` with one match per `entries` (none: nothing matched).
pub fn screening(party: &str, entries: &[&str]) -> ScreeningRecord {
    ScreeningRecord {
        kind: RecordKind::Screening,
        screening_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        requested_by: "test".into(),
        request_id: None,
        party_id: party.into(),
        date: "2026-12-01".into(),
        input: RecordedParty::full(json!({"id": party, "name": "Orion Trading", "country": "AE"}))
            .unwrap(),
        policy_set: PolicySetRef {
            digest: "abc".into(),
            generation: 1,
        },
        policies: vec![ScreeningPolicyEntry {
            id: "us-entity-list".into(),
            version: "0.1.0".into(),
            plugin_sha256: "00".repeat(32),
            signer: None,
            mode: "enforce".into(),
            settings_digest: "11".repeat(32),
            matches: Some(
                entries
                    .iter()
                    .map(|e| RecordedMatch {
                        rule: "entity-list".into(),
                        outcome: "deny".into(),
                        list: "Entity List".into(),
                        edition: "2026-11-28".into(),
                        entry: (*e).into(),
                        listed_name: "Orion Trading".into(),
                        score: 0.93,
                        message: "matches".into(),
                        legal_basis: "15 CFR 744.11".into(),
                    })
                    .collect(),
            ),
            error: None,
        }],
        outcome: if entries.is_empty() { "allow" } else { "deny" }.into(),
        host_version: "0.1.0".into(),
        engine_config_hash: "22".repeat(32),
    }
}

/// Config with small checkpoint spacing so tests have several checkpoints.
pub fn config(every: u64) -> RecorderConfig {
    RecorderConfig {
        checkpoint_every: every,
        checkpoint_interval: Duration::from_secs(3600),
        ..RecorderConfig::default()
    }
}

/// A store at `dir/name` holding `n` records, checkpointed every `every`, closed.
pub fn log_with(dir: &Path, name: &str, key: &CheckpointKey, n: u64, every: u64) -> PathBuf {
    let path = dir.join(name);
    let rec = Recorder::start(
        Store::open(&url(&path)).unwrap(),
        key.clone(),
        config(every),
    )
    .unwrap();
    for i in 0..n {
        let r = rec.record(&record(i, None)).unwrap();
        assert_eq!(r.leaf_index, i);
    }
    rec.close().unwrap();
    path
}

pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

pub mod postgres_server;

/// Runs SQL on a store behind the recorder's back (tampering), whatever its kind.
pub fn exec_sql(store_url: &str, sql: &str) {
    if store_url.starts_with("postgres://") {
        postgres::Client::connect(store_url, postgres::NoTls)
            .unwrap()
            .batch_execute(sql)
            .unwrap();
    } else {
        let path = store_url.strip_prefix("sqlite:").unwrap();
        raw(Path::new(path)).execute_batch(sql).unwrap();
    }
}

pub mod crash;
