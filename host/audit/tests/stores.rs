//! The same recorder, verify and proof tests against both stores: SQLite and a real
//! PostgreSQL server started by the test (see `common/postgres_server.rs`).

// The shared bodies fail the test by unwrapping and panicking, as #[test] functions do.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::postgres_server::PgServer;
use common::*;
use exportctl_audit::{
    AnyRecord, CheckpointKey, RecordError, Recorder, RecorderConfig, ScreeningRecord, Store,
    VerifyError, export, prove, verify, verify_export, verify_proof,
};

fn start(url: &str, key: &CheckpointKey, every: u64) -> Recorder {
    Recorder::start(Store::open(url).unwrap(), key.clone(), config(every)).unwrap()
}

/// Concurrent and pipelined recording, idempotency, plugin bytes, checkpoints, verify, an
/// offline proof, and tampering with the bytes or only an index column.
fn record_verify_prove(url: &str) {
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 10);
    let leaves: BTreeSet<u64> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let rec = &rec;
                s.spawn(move || {
                    (0..15)
                        .map(|i| rec.record(&record(t * 100 + i, None)).unwrap().leaf_index)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(leaves, (0..60).collect());
    let tickets: Vec<_> = (0..20)
        .map(|i| rec.submit(&record(1000 + i, None)).unwrap())
        .collect();
    let pipelined: Vec<u64> = tickets
        .into_iter()
        .map(|t| t.wait().unwrap().leaf_index)
        .collect();
    assert_eq!(pipelined, (60..80).collect::<Vec<_>>());

    let first = record(7, Some("erp-1"));
    let original = rec.record(&first).unwrap();
    let mut retry = record(7, Some("erp-1"));
    retry.input = first.input.clone();
    let again = rec.record(&retry).unwrap();
    assert!(again.repeated && again.decision_id == first.decision_id);
    assert_eq!(again.leaf_index, original.leaf_index);
    let other = rec.record(&record(8, Some("erp-1"))).unwrap_err();
    assert!(
        matches!(other, RecordError::RequestIdConflict { .. }),
        "{other}"
    );
    // The same, pipelined (likely within one batch): a retry, a conflicting reuse of the
    // request id, and the same decision twice.
    let a = record(20, Some("erp-3"));
    let mut a_retry = record(20, Some("erp-3"));
    a_retry.input = a.input.clone();
    let b = record(21, Some("erp-3"));
    let c = record(22, None);
    let tickets: Vec<_> = [&a, &a_retry, &b, &c, &c]
        .into_iter()
        .map(|r| rec.submit(r).unwrap())
        .collect();
    let results: Vec<_> = tickets.into_iter().map(|t| t.wait()).collect();
    let got = results[0].as_ref().unwrap();
    let retried = results[1].as_ref().unwrap();
    assert!(!got.repeated && got.leaf_index == 81);
    assert!(retried.repeated && retried.decision_id == a.decision_id && retried.leaf_index == 81);
    assert!(
        matches!(&results[2], Err(RecordError::RequestIdConflict { .. })),
        "{:?}",
        results[2]
    );
    assert_eq!(results[3].as_ref().unwrap().leaf_index, 82);
    assert!(
        matches!(&results[4], Err(RecordError::DuplicateDecision { .. })),
        "{:?}",
        results[4]
    );
    let sha = rec.keep_plugin(b"\0asm bytes").unwrap();
    rec.close().unwrap();

    let store = Store::open_existing(url).unwrap();
    assert_eq!(store.plugin(&sha).unwrap().unwrap(), b"\0asm bytes");
    let report = verify(&store, &key.verifier(), None).unwrap();
    assert_eq!((report.records, report.unsealed), (83, 0));
    assert!(report.checkpoints >= 3, "{}", report.checkpoints);
    let proof = prove(&store, &first.decision_id).unwrap();
    assert_eq!(
        verify_proof(&proof, &key.verifier()).unwrap(),
        AnyRecord::Decision(first.clone())
    );
    drop(store);

    exec_sql(
        url,
        "UPDATE records SET request_id = 'erp-2' WHERE request_id = 'erp-1'",
    );
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::ColumnEdited {
                index: 80,
                column: "request_id",
                ..
            }
        ),
        "{err}"
    );
    // A retry with the edited request id must not get that decision's receipt.
    let rec = start(url, &key, 10);
    // Same input as the edited row's record, so without the check it would be answered
    // as a repeat of that decision.
    let mut retry = record(9, Some("erp-2"));
    retry.input = first.input.clone();
    let err = rec.record(&retry).unwrap_err();
    assert!(
        matches!(err, RecordError::NotCommitted { .. })
            && err.to_string().contains("leaf index 80")
            && err.to_string().contains("`request_id` column"),
        "{err}"
    );
    rec.close().unwrap();
    exec_sql(
        url,
        "UPDATE records SET request_id = 'erp-1' WHERE request_id = 'erp-2'",
    );
    exec_sql(url, "DELETE FROM records WHERE seq = 30");
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(err, VerifyError::Missing { index: 30, .. }),
        "{err}"
    );
}

/// Screenings beside decisions in one log: each party's last screening is found by its id;
/// verify, proofs and exports cover both kinds; an edited screening (its bytes, or only its
/// `party_id` column) is caught.
fn screenings_beside_decisions(url: &str) {
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 3);
    let first = screening("C-1", &["EL-1"]);
    rec.record(&record(1, None)).unwrap();
    rec.record(&first).unwrap();
    rec.record(&screening("C-2", &[])).unwrap();
    rec.record(&record(2, None)).unwrap();
    let newest = screening("C-1", &["EL-1", "EL-7"]);
    let receipt = rec.record(&newest).unwrap();
    assert_eq!(receipt.leaf_index, 4);
    rec.close().unwrap();

    let store = Store::open_existing(url).unwrap();
    let (index, bytes) = store.last_screening("C-1", None).unwrap().unwrap();
    assert_eq!(index, 4);
    assert_eq!(ScreeningRecord::decode(&bytes).unwrap(), newest);
    // The log as it was before leaf 4: the party's earlier screening.
    let (index, bytes) = store.last_screening("C-1", Some(4)).unwrap().unwrap();
    assert_eq!(index, 1);
    assert_eq!(ScreeningRecord::decode(&bytes).unwrap(), first);
    assert!(store.last_screening("C-1", Some(1)).unwrap().is_none());
    assert!(
        store.last_screening("SHP-1", None).unwrap().is_none(),
        "decisions are no screenings"
    );
    let report = verify(&store, &key.verifier(), None).unwrap();
    assert_eq!((report.records, report.unsealed), (5, 0));
    let proof = prove(&store, &first.screening_id).unwrap();
    assert_eq!(
        verify_proof(&proof, &key.verifier()).unwrap(),
        AnyRecord::Screening(first.clone())
    );
    let mut exported = Vec::new();
    assert_eq!(export(&store, None, None, &mut exported).unwrap(), 5);
    let report = verify_export(&exported[..], &key.verifier(), None).unwrap();
    assert_eq!(report.records, 5);
    drop(store);

    // The party's column pointed at another party: caught, and the lookup refuses it.
    exec_sql(url, "UPDATE records SET party_id = 'C-9' WHERE seq = 2");
    let store = Store::open_existing(url).unwrap();
    let err = verify(&store, &key.verifier(), None).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::ColumnEdited {
                index: 2,
                column: "party_id",
                ..
            }
        ),
        "{err}"
    );
    let err = store.last_screening("C-9", None).unwrap_err();
    assert!(err.to_string().contains("`party_id` column"), "{err}");
    drop(store);
    exec_sql(url, "UPDATE records SET party_id = 'C-2' WHERE seq = 2");
    // A match removed from the screening's bytes: the record no longer hashes to its leaf.
    let edit = if url.starts_with("postgres") {
        "UPDATE records SET body = convert_to(replace(convert_from(body, 'UTF8'), 'EL-7', 'EL-8'), 'UTF8') WHERE seq = 4"
    } else {
        "UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'EL-7', 'EL-8') AS BLOB) WHERE seq = 4"
    };
    exec_sql(url, edit);
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(matches!(err, VerifyError::Edited { index: 4, .. }), "{err}");
}

#[test]
fn sqlite_screenings_beside_decisions() {
    let dir = tempfile::tempdir().unwrap();
    screenings_beside_decisions(&sqlite_url(&dir));
}

#[test]
fn postgres_screenings_beside_decisions() {
    let pg = PgServer::start();
    screenings_beside_decisions(&pg.database("audit"));
}

/// A decision held for `outcome`, to `destination`, with one line of HS code `hs`.
fn held(n: u64, outcome: &str, destination: &str, hs: &str) -> exportctl_audit::DecisionRecord {
    let mut r = record(n, None);
    r.input = exportctl_audit::RecordedInput::full(serde_json::json!({
        "id": format!("SHP-{n}"), "destination_country": destination,
        "lines": [{"line": 1, "hs_code": hs}]
    }))
    .unwrap();
    r.policies[0].outcome = Some(outcome.into());
    r.verdict = serde_json::json!({"outcome": outcome, "reasons": []});
    r
}

fn act(
    hold: &exportctl_audit::DecisionRecord,
    officer: &str,
    action: &str,
    from: &str,
    to: &str,
) -> exportctl_audit::HoldActionRecord {
    exportctl_audit::HoldActionRecord {
        kind: exportctl_audit::RecordKind::HoldAction,
        action_id: exportctl_audit::DecisionId::new(),
        time: exportctl_audit::record::now(),
        officer: officer.into(),
        request_id: None,
        hold: hold.decision_id,
        shipment_id: Some(hold.shipment_id.clone()),
        party_id: None,
        action: action.into(),
        reason_code: "checked".into(),
        comment: String::new(),
        licence: None,
        rejudgement: None,
        from: from.into(),
        to: to.into(),
        held: "review".into(),
        input: exportctl_audit::HoldActionRecord::input_of(
            &hold.decision_id,
            action,
            "checked",
            "",
            None,
        )
        .unwrap(),
    }
}

/// Decisions that are not `allow` open holds; actions move them only as the rules allow,
/// refused ones leave nothing in the log; the queue filters; the changes feed lists every
/// opening and action in leaf order from any cursor; verify folds the actions again.
fn holds_follow_the_rules(url: &str) {
    use exportctl_audit::hold::{Held, State};
    use exportctl_audit::store::HoldFilter;
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 4);
    rec.record(&record(0, None)).unwrap(); // allow: no hold
    let review = held(1, "review", "KG", "8542.31");
    let deny = held(2, "deny", "RU", "8471.30");
    rec.record(&review).unwrap();
    rec.record(&deny).unwrap();
    rec.record(&act(&review, "alice", "approve", "open", "approved"))
        .unwrap();
    // Four eyes, in the store's own transaction: the approver's release is refused.
    let err = rec
        .record(&act(&review, "alice", "release", "approved", "released"))
        .unwrap_err();
    assert!(
        matches!(&err, RecordError::HoldRefused { reason, .. } if reason.contains("four eyes")),
        "{err}"
    );
    // A deny hold is never approved.
    let err = rec
        .record(&act(&deny, "bob", "approve", "open", "approved"))
        .unwrap_err();
    assert!(err.to_string().contains("forbidden"), "{err}");
    // An allow decision has no hold to act on.
    let allow = record(3, None);
    rec.record(&allow).unwrap();
    let err = rec
        .record(&act(&allow, "bob", "reject", "open", "rejected"))
        .unwrap_err();
    assert!(err.to_string().contains("opened no hold"), "{err}");
    rec.record(&act(&review, "bob", "release", "approved", "released"))
        .unwrap();
    rec.close().unwrap();

    let store = Store::open_existing(url).unwrap();
    assert_eq!(
        store.record_count().unwrap(),
        6,
        "refused actions are not recorded"
    );
    let all = store
        .holds(&HoldFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].hold_id, review.decision_id.to_string());
    assert_eq!(all[0].state, State::Released);
    assert_eq!(all[0].hs_chapters, ["85"]);
    assert_eq!(all[1].held, Held::Deny);
    assert_eq!(all[1].destination.as_deref(), Some("RU"));
    assert_eq!(all[1].policies, ["eu-russia-belarus"]);
    let open = store
        .holds(&HoldFilter {
            states: vec!["open".into(), "approved".into()],
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].hold_id, deny.decision_id.to_string());
    for (filter, expect) in [
        (
            HoldFilter {
                held: Some(Held::Review),
                limit: 10,
                ..Default::default()
            },
            1,
        ),
        (
            HoldFilter {
                destination: Some("KG".into()),
                limit: 10,
                ..Default::default()
            },
            1,
        ),
        (
            HoldFilter {
                policy: Some("eu-russia-belarus".into()),
                limit: 10,
                ..Default::default()
            },
            2,
        ),
        (
            HoldFilter {
                policy: Some("eu-russia".into()),
                limit: 10,
                ..Default::default()
            },
            0,
        ),
        (
            HoldFilter {
                after_seq: Some(all[0].opened_seq),
                limit: 10,
                ..Default::default()
            },
            1,
        ),
        (
            HoldFilter {
                opened_before: Some("2000-01-01".into()),
                limit: 10,
                ..Default::default()
            },
            0,
        ),
        (
            HoldFilter {
                limit: 1,
                ..Default::default()
            },
            1,
        ),
    ] {
        assert_eq!(store.holds(&filter).unwrap().len(), expect, "{filter:?}");
    }
    let history = store.hold_history(&review.decision_id).unwrap();
    let kinds: Vec<String> = history
        .iter()
        .map(|r| {
            AnyRecord::decode(&r.bytes)
                .unwrap()
                .kind()
                .as_str()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["decision", "hold_action", "hold_action"]);
    // The feed: every opening and action, in leaf order, from any cursor.
    let feed: Vec<u64> = store
        .hold_changes(None, 100)
        .unwrap()
        .iter()
        .map(|r| r.index)
        .collect();
    assert_eq!(feed, [1, 2, 3, 5]);
    let page: Vec<u64> = store
        .hold_changes(Some(2), 1)
        .unwrap()
        .iter()
        .map(|r| r.index)
        .collect();
    assert_eq!(page, [3]);
    assert!(store.hold_changes(Some(5), 10).unwrap().is_empty());
    assert_eq!(verify(&store, &key.verifier(), None).unwrap().records, 6);
    drop(store);

    // The hold column of a held decision pointed elsewhere: caught.
    exec_sql(url, "UPDATE records SET hold_id = NULL WHERE seq = 2");
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::ColumnEdited {
                index: 2,
                column: "hold_id",
                ..
            }
        ),
        "{err}"
    );
}

/// An officer's action on the hold a screening opened on its party.
fn act_on_party(
    screening: &ScreeningRecord,
    officer: &str,
    action: &str,
    from: &str,
    to: &str,
) -> exportctl_audit::HoldActionRecord {
    exportctl_audit::HoldActionRecord {
        kind: exportctl_audit::RecordKind::HoldAction,
        action_id: exportctl_audit::DecisionId::new(),
        time: exportctl_audit::record::now(),
        officer: officer.into(),
        request_id: None,
        hold: screening.screening_id,
        shipment_id: None,
        party_id: Some(screening.party_id.clone()),
        action: action.into(),
        reason_code: "checked".into(),
        comment: String::new(),
        licence: None,
        rejudgement: None,
        from: from.into(),
        to: to.into(),
        held: screening.outcome.clone(),
        input: exportctl_audit::HoldActionRecord::input_of(
            &screening.screening_id,
            action,
            "checked",
            "",
            None,
        )
        .unwrap(),
    }
}

/// A screening that is not `allow` opens a hold on its party when it has a hit (policy and
/// entry) that the party's screening before it did not have: the same match found again
/// opens nothing, a new entry or a match that went away and came back does. Two officers
/// release a party hold even for a deny match (it asks who the party is); verify folds the
/// same rule and catches a `hold_id` column that says otherwise.
fn party_holds_open_on_new_hits(url: &str) {
    use exportctl_audit::hold::{Held, State, Subject};
    use exportctl_audit::store::HoldFilter;
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 100);
    let first = screening("C-1", &["EL-1"]);
    let again = screening("C-1", &["EL-1"]);
    let more = screening("C-1", &["EL-1", "EL-7"]);
    let clean = screening("C-1", &[]);
    let back = screening("C-1", &["EL-1"]);
    let other = screening("C-2", &[]);
    // Submitted without waiting, so they share batches: a screening earlier in the same
    // batch is the one before.
    let tickets: Vec<_> = [&first, &again, &more, &other, &clean, &back]
        .into_iter()
        .map(|s| rec.submit(s).unwrap())
        .collect();
    for (i, t) in tickets.into_iter().enumerate() {
        assert_eq!(t.wait().unwrap().leaf_index, i as u64);
    }
    rec.record(&act_on_party(
        &first, "alice", "approve", "open", "approved",
    ))
    .unwrap();
    let err = rec
        .record(&act_on_party(
            &first, "alice", "release", "approved", "released",
        ))
        .unwrap_err();
    assert!(
        matches!(&err, RecordError::HoldRefused { reason, .. } if reason.contains("four eyes")),
        "{err}"
    );
    rec.record(&act_on_party(
        &first, "bob", "release", "approved", "released",
    ))
    .unwrap();
    rec.close().unwrap();

    let store = Store::open_existing(url).unwrap();
    let all = HoldFilter {
        limit: 100,
        ..HoldFilter::default()
    };
    let holds = store.holds(&all).unwrap();
    let opened: Vec<String> = holds.iter().map(|h| h.hold_id.clone()).collect();
    assert_eq!(
        opened,
        [&first, &more, &back].map(|s| s.screening_id.to_string()),
        "first, a new entry, and a match that came back open holds; the same match again does not"
    );
    for h in &holds {
        assert_eq!(
            (h.subject, h.subject_id.as_str(), h.held),
            (Subject::Party, "C-1", Held::Deny)
        );
        assert_eq!(h.policies, ["us-entity-list"]);
    }
    assert_eq!(holds[0].state, State::Released);
    assert_eq!(holds[1].state, State::Open);
    let history = store.hold_history(&first.screening_id).unwrap();
    assert_eq!(
        history.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 6, 7]
    );
    let feed = store.hold_changes(None, 100).unwrap();
    assert_eq!(
        feed.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 2, 5, 6, 7]
    );
    verify(&store, &key.verifier(), None).unwrap();
    let mut exported = Vec::new();
    export(&store, None, None, &mut exported).unwrap();
    verify_export(&exported[..], &key.verifier(), None).unwrap();
    drop(store);

    // A screening with a new hit whose hold was taken out of the column, and one that
    // found nothing new but claims a hold: both break the rule.
    exec_sql(url, "UPDATE records SET hold_id = NULL WHERE seq = 2");
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(&err, VerifyError::HoldRules { index: 2, reason, .. } if reason.contains("opened no hold")),
        "{err}"
    );
    exec_sql(
        url,
        &format!(
            "UPDATE records SET hold_id = '{}' WHERE seq = 2",
            more.screening_id
        ),
    );
    exec_sql(
        url,
        &format!(
            "UPDATE records SET hold_id = '{}' WHERE seq = 1",
            again.screening_id
        ),
    );
    let err = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(&err, VerifyError::HoldRules { index: 1, reason, .. } if reason.contains("without a new hit")),
        "{err}"
    );
}

#[test]
fn sqlite_party_holds_open_on_new_hits() {
    let dir = tempfile::tempdir().unwrap();
    party_holds_open_on_new_hits(&sqlite_url(&dir));
}

#[test]
fn postgres_party_holds_open_on_new_hits() {
    let pg = PgServer::start();
    party_holds_open_on_new_hits(&pg.database("audit"));
}

#[test]
fn sqlite_holds_follow_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    holds_follow_the_rules(&sqlite_url(&dir));
}

#[test]
fn postgres_holds_follow_the_rules() {
    let pg = PgServer::start();
    holds_follow_the_rules(&pg.database("audit"));
}

/// Two writers (two hosts, or two processes) on one store: leaves stay contiguous, each
/// writer's checkpoints cover the other's records, and the log verifies.
fn two_writers_share_one_log(url: &str) {
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let a = start(url, &key, 7);
    let b = start(url, &key, 5);
    let leaves: BTreeSet<u64> = std::thread::scope(|s| {
        let hs: Vec<_> = [&a, &b]
            .into_iter()
            .enumerate()
            .map(|(w, rec)| {
                s.spawn(move || {
                    (0..30)
                        .map(|i| {
                            let t = rec.submit(&record(w as u64 * 100 + i, None)).unwrap();
                            t.wait().unwrap().leaf_index
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(leaves, (0..60).collect());
    a.close().unwrap();
    b.close().unwrap();
    let report = verify(&Store::open_existing(url).unwrap(), &key.verifier(), None).unwrap();
    assert_eq!((report.records, report.unsealed), (60, 0));
    assert!(report.checkpoints >= 4, "{}", report.checkpoints);
}

/// Newest-first pages: below a leaf index, in a time range, stopping when the caller has
/// enough.
fn newest_first_pages(url: &str) {
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 100);
    for i in 0..10 {
        rec.record(&record(i, None)).unwrap();
    }
    rec.close().unwrap();
    let store = Store::open_existing(url).unwrap();
    let page = |before: Option<u64>, from: Option<&str>, max: usize| {
        let mut seen = Vec::new();
        store
            .for_each_record_newest_first(before, from, None, |r| {
                seen.push(r.index);
                if seen.len() == max { Err(()) } else { Ok(()) }
            })
            .unwrap()
            .ok();
        seen
    };
    assert_eq!(page(None, None, 3), [9, 8, 7]);
    assert_eq!(page(Some(7), None, 3), [6, 5, 4]);
    assert_eq!(page(Some(2), None, 3), [1, 0]);
    // A time after every record: nothing.
    assert!(page(None, Some("9999-01-01T00:00:00Z"), 3).is_empty());
    assert_eq!(page(None, Some("2000-01-01T00:00:00Z"), 100).len(), 10);
}

#[test]
fn sqlite_newest_first_pages() {
    let dir = tempfile::tempdir().unwrap();
    newest_first_pages(&sqlite_url(&dir));
}

#[test]
fn postgres_newest_first_pages() {
    let pg = PgServer::start();
    newest_first_pages(&pg.database("audit"));
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    url(&dir.path().join("audit.db"))
}

#[test]
fn sqlite_record_verify_prove() {
    let dir = tempfile::tempdir().unwrap();
    record_verify_prove(&sqlite_url(&dir));
}

#[test]
fn postgres_record_verify_prove() {
    let pg = PgServer::start();
    record_verify_prove(&pg.database("audit"));
}

#[test]
fn sqlite_two_writers_share_one_log() {
    let dir = tempfile::tempdir().unwrap();
    two_writers_share_one_log(&sqlite_url(&dir));
}

#[test]
fn postgres_two_writers_share_one_log() {
    let pg = PgServer::start();
    two_writers_share_one_log(&pg.database("audit"));
}

/// A PostgreSQL server that goes away under a running recorder: every later record is an
/// error, never a receipt; once the server is back the recorder reconnects and the log,
/// with everything acknowledged before, continues and verifies.
#[test]
fn postgres_going_away_mid_run_gives_errors_not_receipts() {
    let pg = PgServer::start();
    let url = pg.database("audit");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let cfg = RecorderConfig {
        queue: 64,
        ..config(1000)
    };
    let rec = Recorder::start(Store::open(&url).unwrap(), key.clone(), cfg).unwrap();
    for i in 0..5 {
        assert_eq!(rec.record(&record(i, None)).unwrap().leaf_index, i);
    }
    pg.stop();
    for i in 5..10 {
        match rec.submit(&record(i, None)).and_then(|t| t.wait()) {
            Ok(r) => panic!("a receipt ({r:?}) from a server that is gone"),
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(&format!("127.0.0.1:{}", pg.port)),
                    "names the store: {msg}"
                );
            }
        }
    }
    assert_eq!(rec.stats().records, 5);
    // Back again: the recorder reconnects, the log continues where the acknowledged
    // records end, and verifies.
    pg.restart();
    assert_eq!(rec.record(&record(10, None)).unwrap().leaf_index, 5);
    rec.close().unwrap();
    let report = verify(&Store::open_existing(&url).unwrap(), &key.verifier(), None).unwrap();
    assert_eq!((report.records, report.unsealed), (6, 0));
}

#[test]
fn postgres_schema_is_versioned_and_newer_is_refused() {
    let pg = PgServer::start();
    let url = pg.database("audit");
    let store = Store::open(&url).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        exportctl_audit::store::SCHEMA_VERSION
    );
    drop(store);
    exec_sql(&url, "INSERT INTO schema_migrations VALUES (99, 'later')");
    let err = Store::open(&url).unwrap_err();
    assert!(
        matches!(
            err,
            exportctl_audit::StoreError::NewerSchema { found: 99, .. }
        ),
        "{err}"
    );
}

/// A PostgreSQL store of the first schema (records and checkpoints only) is migrated to the
/// current one on open, its records kept, and then keeps plugins and policy sets.
#[test]
fn postgres_migrates_from_schema_1_keeping_records() {
    let pg = PgServer::start();
    let url = pg.database("audit");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(&url, &key, 10);
    let first = record(1, None);
    rec.record(&first).unwrap();
    rec.close().unwrap();
    // Back to schema 1: what migrations 2 to 4 added is dropped, as a first-schema store
    // never had it.
    exec_sql(
        &url,
        "DROP TABLE policy_sets; DROP TABLE plugins; DROP INDEX records_time;
         DROP TABLE holds; DROP INDEX records_hold; DROP INDEX records_party;
         ALTER TABLE records DROP COLUMN kind, DROP COLUMN party_id, DROP COLUMN hold_id;
         DELETE FROM schema_migrations WHERE version > 1;",
    );
    let store = Store::open(&url).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        exportctl_audit::store::SCHEMA_VERSION
    );
    assert_eq!(store.find(&first.decision_id).unwrap().unwrap().0, 0);
    let sha = store.put_plugin(b"wasm").unwrap();
    assert_eq!(store.plugin(&sha).unwrap().unwrap(), b"wasm");
    let digest = store.put_policy_set(r#"{"format":"x"}"#).unwrap();
    assert_eq!(
        store.policy_set(&digest).unwrap().as_deref(),
        Some(r#"{"format":"x"}"#)
    );
    assert_eq!(store.policy_set("00").unwrap(), None);
    let report = verify(&store, &key.verifier(), None).unwrap();
    assert_eq!(report.records, 1);
}

/// A PostgreSQL store of schema 3 (decisions only) is migrated to schema 4 on open: its
/// decisions keep verifying, and it then records screenings, found by party id.
#[test]
fn postgres_migrates_from_schema_3_to_hold_screenings() {
    let pg = PgServer::start();
    let url = pg.database("audit");
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(&url, &key, 10);
    rec.record(&record(1, None)).unwrap();
    let denied = held(2, "deny", "RU", "8471.30");
    rec.record(&denied).unwrap();
    rec.close().unwrap();
    exec_sql(
        &url,
        "DROP TABLE holds; DROP INDEX records_hold; DROP INDEX records_party;
         ALTER TABLE records DROP COLUMN kind, DROP COLUMN party_id, DROP COLUMN hold_id;
         DELETE FROM schema_migrations WHERE version > 3;",
    );
    let rec = start(&url, &key, 10);
    let first = screening("C-1", &["EL-1"]);
    let second = screening("C-1", &[]);
    rec.record(&first).unwrap();
    let last = rec.record(&second).unwrap();
    rec.record(&screening("C-2", &["EL-2"])).unwrap();
    rec.close().unwrap();
    let store = Store::open_existing(&url).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        exportctl_audit::store::SCHEMA_VERSION
    );
    let (index, bytes) = store.last_screening("C-1", None).unwrap().unwrap();
    assert_eq!(index, last.leaf_index);
    assert_eq!(
        exportctl_audit::ScreeningRecord::decode(&bytes).unwrap(),
        second
    );
    assert!(store.last_screening("C-3", None).unwrap().is_none());
    let report = verify(&store, &key.verifier(), None).unwrap();
    assert_eq!(report.records, 5);
    // The held decision stored before holds existed opened its hold on migration.
    let hold = store.hold(&denied.decision_id).unwrap().unwrap();
    assert_eq!(hold.state, exportctl_audit::hold::State::Open);
    assert_eq!(hold.opened_seq, 1);
    // And the screenings since: C-1's first (a new hit) and C-2's opened holds on them.
    assert_eq!(store.hold_changes(None, 10).unwrap().len(), 3);
}

/// A store of schema 5 (screenings open no holds) is migrated to schema 6 on open: every
/// screening already stored opens the hold its new hits open, as if it were stored now,
/// and the log verifies.
fn migrates_from_schema_5_opening_party_holds(url: &str) {
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let rec = start(url, &key, 10);
    let first = screening("C-1", &["EL-1"]);
    let again = screening("C-1", &["EL-1"]);
    let more = screening("C-1", &["EL-1", "EL-2"]);
    for s in [&first, &again, &more] {
        rec.record(s).unwrap();
    }
    rec.close().unwrap();
    exec_sql(
        url,
        "DELETE FROM holds WHERE subject = 'party';
         UPDATE records SET hold_id = NULL WHERE kind = 'screening';
         ALTER TABLE holds DROP COLUMN subject;
         DELETE FROM schema_migrations WHERE version > 5;",
    );
    let store = Store::open(url).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        exportctl_audit::store::SCHEMA_VERSION
    );
    let filter = exportctl_audit::store::HoldFilter {
        limit: 10,
        ..Default::default()
    };
    let opened: Vec<String> = store
        .holds(&filter)
        .unwrap()
        .into_iter()
        .map(|h| h.hold_id)
        .collect();
    assert_eq!(opened, [&first, &more].map(|s| s.screening_id.to_string()));
    verify(&store, &key.verifier(), None).unwrap();
}

#[test]
fn sqlite_migrates_from_schema_5_opening_party_holds() {
    let dir = tempfile::tempdir().unwrap();
    migrates_from_schema_5_opening_party_holds(&sqlite_url(&dir));
}

#[test]
fn postgres_migrates_from_schema_5_opening_party_holds() {
    let pg = PgServer::start();
    migrates_from_schema_5_opening_party_holds(&pg.database("audit"));
}
