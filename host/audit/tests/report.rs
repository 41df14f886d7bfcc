//! The report counts the same on both stores: the same decisions recorded in SQLite and in
//! a real PostgreSQL server (see `common/postgres_server.rs`) give the same report.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::postgres_server::PgServer;
use exportctl_audit::report::{TimeRange, aggregate, csv::write_csv};
use exportctl_audit::{
    CheckpointKey, DecisionId, DecisionRecord, PolicySetRef, RecordKind, RecordedInput, Recorder,
    RecorderConfig, Store,
};
use serde_json::json;

/// Decision `n`: outcomes, destinations and chapters cycle; every fifth is digest-only.
fn decision(n: usize) -> DecisionRecord {
    let outcome = ["allow", "review", "licence_required", "deny"][n % 4];
    let destination = ["KZ", "KG", "AM", "RU", "AE"][n % 5];
    let shipment = json!({
        "id": format!("SHP-{n}"),
        "destination_country": destination,
        "lines": [{"hs_code": format!("{}4231", 84 + n % 3)}, {"hs_code": "854239"}],
    });
    DecisionRecord {
        kind: RecordKind::Decision,
        decision_id: DecisionId::new(),
        time: format!("2026-12-{:02}T12:00:00.{:06}Z", 1 + n % 7, n),
        requested_by: "test".into(),
        request_id: None,
        shipment_id: format!("SHP-{n}"),
        as_of: "2026-12-01".into(),
        input: if n.is_multiple_of(5) {
            RecordedInput::digest_of(&shipment).unwrap()
        } else {
            RecordedInput::full(shipment).unwrap()
        },
        policy_set: PolicySetRef {
            digest: "d".into(),
            generation: 1,
        },
        policies: vec![],
        verdict: json!({"outcome": outcome, "findings": [
            {"policy": "p", "rule": format!("r{}", n % 3), "outcome": outcome}
        ]}),
        host_version: "0.1.0".into(),
        engine_config_hash: "e".into(),
    }
}

fn csv_of(url: &str, range: &TimeRange) -> (String, u64) {
    let key = CheckpointKey::generate("audit.example/report").unwrap();
    let recorder =
        Recorder::start(Store::open(url).unwrap(), key, RecorderConfig::default()).unwrap();
    for n in 0..200 {
        recorder.record(&decision(n)).unwrap();
    }
    recorder.close().unwrap();
    let report = aggregate(&Store::open_existing(url).unwrap(), range).unwrap();
    let mut out = Vec::new();
    write_csv(&report, &mut out).unwrap();
    let held = report.held_by_destination.values().map(|c| c.total()).sum();
    (String::from_utf8(out).unwrap(), held)
}

#[test]
fn sqlite_and_postgres_give_the_same_report() {
    let range = TimeRange::parse(Some("2026-12-02"), Some("2026-12-06")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = csv_of(
        &format!("sqlite:{}", dir.path().join("a.db").display()),
        &range,
    );
    let pg = PgServer::start();
    let postgres = csv_of(&pg.database("report"), &range);
    assert_eq!(sqlite, postgres);
    // Days 2..=5 of the 7-day cycle: 4/7 of 200 decisions, 3/4 of them held.
    let (csv, held) = sqlite;
    let in_range = (0..200).filter(|n| (1..5).contains(&(n % 7))).count();
    assert!(
        csv.contains(&format!("summary,decisions,,,{in_range}\n")),
        "{csv}"
    );
    let held_expected = (0..200)
        .filter(|n: &usize| (1..5).contains(&(n % 7)) && !n.is_multiple_of(4))
        .count() as u64;
    assert_eq!(held, held_expected);
    assert!(!csv.contains("decisions_per_day,2026-12-01,"));
    assert!(csv.contains("held_by_destination,not recorded,,"));
}
