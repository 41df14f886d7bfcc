//! Tests of the report: counts from a real SQLite store, the CSV rows and the HTML page.

#![allow(clippy::unwrap_used, reason = "tests")]

use serde_json::{Value, json};

use super::aggregate::{NOT_RECORDED, Outcome, ReportError, TimeRange, aggregate};
use super::csv::write_csv;
use super::html::write_html;
use crate::record::{DecisionId, DecisionRecord, PolicySetRef, RecordKind, RecordedInput};
use crate::{CheckpointKey, Recorder, RecorderConfig, Store};

/// A decision at `time` with `outcome`, to `destination`, with lines of `hs_codes` and
/// `findings` (policy, rule, outcome); `digest` keeps only the input's digest.
fn decision(
    time: &str,
    outcome: &str,
    destination: &str,
    hs_codes: &[&str],
    findings: &[(&str, &str, &str)],
    digest: bool,
) -> DecisionRecord {
    let lines: Vec<Value> = hs_codes
        .iter()
        .enumerate()
        .map(|(i, hs)| json!({"line": i + 1, "hs_code": hs, "description": "x", "quantity": 1}))
        .collect();
    let shipment = json!({"id": "SHP", "destination_country": destination, "lines": lines});
    let findings: Vec<Value> = findings
        .iter()
        .map(|(p, r, o)| json!({"policy": p, "rule": r, "outcome": o, "message": "m"}))
        .collect();
    DecisionRecord {
        kind: RecordKind::Decision,
        decision_id: DecisionId::new(),
        time: time.into(),
        requested_by: "cli:test".into(),
        request_id: None,
        shipment_id: "SHP".into(),
        as_of: "2026-12-01".into(),
        input: if digest {
            RecordedInput::digest_of(&shipment).unwrap()
        } else {
            RecordedInput::full(shipment).unwrap()
        },
        policy_set: PolicySetRef {
            digest: "d".into(),
            generation: 1,
        },
        policies: vec![],
        verdict: json!({"shipment": "SHP", "outcome": outcome, "findings": findings}),
        host_version: "0.1.0".into(),
        engine_config_hash: "e".into(),
    }
}

/// A store holding `records`, closed (so it has a checkpoint).
fn store_with(records: &[DecisionRecord]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let key = CheckpointKey::generate("audit.example/report").unwrap();
    let recorder =
        Recorder::start(Store::open(&url).unwrap(), key, RecorderConfig::default()).unwrap();
    for r in records {
        recorder.record(r).unwrap();
    }
    recorder.close().unwrap();
    (dir, url)
}

fn sample() -> Vec<DecisionRecord> {
    vec![
        decision(
            "2026-12-01T08:00:00.000000Z",
            "allow",
            "KZ",
            &["940360"],
            &[],
            false,
        ),
        decision(
            "2026-12-01T09:00:00.000000Z",
            "deny",
            "kg",
            &["8542.31", "854239", "880699"],
            &[
                ("eu-russia-belarus", "art-12g", "deny"),
                ("chpl-diversion", "tier1", "review"),
            ],
            false,
        ),
        decision(
            "2026-12-02T10:00:00.000000Z",
            "review",
            "KZ",
            &["854231"],
            &[("chpl-diversion", "tier1", "review")],
            false,
        ),
        decision(
            "2026-12-02T11:00:00.000000Z",
            "licence_required",
            "KZ",
            &["854231"],
            &[("us-ear", "ear-744", "licence_required")],
            true,
        ),
        decision(
            "2026-12-03T00:00:00.000000Z",
            "allow",
            "DE",
            &["940360"],
            &[],
            true,
        ),
    ]
}

#[test]
fn counts_days_destinations_chapters_and_rules() {
    let (_dir, url) = store_with(&sample());
    let store = Store::open_existing(&url).unwrap();
    let r = aggregate(&store, &TimeRange::default()).unwrap();
    assert_eq!((r.records, r.digest_only), (5, 2));
    let day = |d: &str, o| r.per_day[d].get(o);
    assert_eq!(day("2026-12-01", Outcome::Allow), 1);
    assert_eq!(day("2026-12-01", Outcome::Deny), 1);
    assert_eq!(day("2026-12-02", Outcome::Review), 1);
    assert_eq!(day("2026-12-02", Outcome::LicenceRequired), 1);
    assert_eq!(r.per_day["2026-12-03"].total(), 1);
    // Allowed decisions are not held; countries are upper-cased; the digest-only held
    // decision counts under "not recorded", not dropped.
    let dest: Vec<(&str, u64)> = r
        .held_by_destination
        .iter()
        .map(|(k, c)| (k.as_str(), c.total()))
        .collect();
    assert_eq!(dest, [("KG", 1), ("KZ", 1), (NOT_RECORDED, 1)]);
    assert_eq!(
        r.held_by_destination[NOT_RECORDED].get(Outcome::LicenceRequired),
        1
    );
    // Two lines of chapter 85 on one shipment count once for it.
    let chapters: Vec<(&str, u64)> = r
        .held_by_chapter
        .iter()
        .map(|(k, c)| (k.as_str(), c.total()))
        .collect();
    assert_eq!(chapters, [("85", 2), ("88", 1), (NOT_RECORDED, 1)]);
    assert_eq!(r.held_by_chapter["85"].get(Outcome::Deny), 1);
    assert_eq!(r.held_by_chapter["85"].get(Outcome::Review), 1);
    let tier1 = &r.findings[&("chpl-diversion".to_owned(), "tier1".to_owned())];
    assert_eq!((tier1.get(Outcome::Review), tier1.total()), (2, 2));
    assert_eq!(r.findings.len(), 3);
    let cp = r.checkpoint.unwrap();
    assert_eq!((cp.origin.as_str(), cp.size), ("audit.example/report", 5));
    assert_eq!(cp.root.len(), 44, "base64 of 32 bytes");
}

#[test]
fn the_range_is_half_open_on_the_records_own_time() {
    let (_dir, url) = store_with(&sample());
    let store = Store::open_existing(&url).unwrap();
    // A date is midnight UTC; `to` is excluded, as in `audit export`.
    let range = TimeRange::parse(Some("2026-12-01T09:00:00Z"), Some("2026-12-03")).unwrap();
    let r = aggregate(&store, &range).unwrap();
    assert_eq!(r.records, 3);
    assert!(!r.per_day.contains_key("2026-12-03"));
    assert_eq!(r.per_day["2026-12-01"].total(), 1);
    // Offsets are converted to UTC.
    let range = TimeRange::parse(Some("2026-12-02T12:00:00+02:00"), None).unwrap();
    assert_eq!(range.from(), Some("2026-12-02T10:00:00.000000Z"));
    assert_eq!(aggregate(&store, &range).unwrap().records, 3);
}

#[test]
fn an_edited_time_column_does_not_move_a_record() {
    let (dir, url) = store_with(&sample());
    let c = rusqlite::Connection::open(dir.path().join("audit.db")).unwrap();
    c.execute(
        "UPDATE records SET time = '2030-01-01T00:00:00.000000Z'",
        [],
    )
    .unwrap();
    drop(c);
    let store = Store::open_existing(&url).unwrap();
    let range = TimeRange::parse(None, Some("2026-12-02")).unwrap();
    assert_eq!(aggregate(&store, &range).unwrap().records, 2);
}

#[test]
fn bad_times_and_empty_ranges_name_the_field() {
    let e = TimeRange::parse(Some("yesterday"), None).unwrap_err();
    assert!(
        matches!(
            e,
            ReportError::BadTime {
                field: "--from",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("--from: `yesterday`"), "{e}");
    let e = TimeRange::parse(None, Some("2026-13-01")).unwrap_err();
    assert!(e.to_string().starts_with("--to: "), "{e}");
    let e = TimeRange::parse(Some("2026-12-02"), Some("2026-12-01")).unwrap_err();
    assert!(matches!(e, ReportError::EmptyRange { .. }), "{e}");
}

#[test]
fn a_record_without_a_counted_field_is_an_error_naming_it() {
    let mut r = decision(
        "2026-12-01T08:00:00.000000Z",
        "deny",
        "KZ",
        &["85"],
        &[],
        false,
    );
    let (_dir, url) = store_with(&[r.clone()]);
    let store = Store::open_existing(&url).unwrap();
    let e = aggregate(&store, &TimeRange::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("record at leaf index 0: input.shipment.lines[0].hs_code: `85`"),
        "{e}"
    );
    r.verdict = json!({"outcome": "maybe", "findings": []});
    let (_dir, url) = store_with(&[r]);
    let e = aggregate(&Store::open_existing(&url).unwrap(), &TimeRange::default()).unwrap_err();
    assert!(e.to_string().contains("verdict.outcome: `maybe`"), "{e}");
}

#[test]
fn csv_has_one_row_per_table_key_and_outcome() {
    let (_dir, url) = store_with(&sample());
    let r = aggregate(&Store::open_existing(&url).unwrap(), &TimeRange::default()).unwrap();
    let mut out = Vec::new();
    write_csv(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "table,key,subkey,outcome,count");
    for row in [
        "summary,decisions,,,5",
        "summary,input_not_recorded,,,2",
        "decisions_per_day,2026-12-01,,allow,1",
        "decisions_per_day,2026-12-01,,deny,1",
        "held_by_destination,not recorded,,licence_required,1",
        "held_by_hs_chapter,85,,deny,1",
        "held_by_hs_chapter,85,,review,1",
        "findings,chpl-diversion,tier1,review,2",
        "findings,us-ear,ear-744,licence_required,1",
    ] {
        assert!(lines.contains(&row), "{row} missing from\n{text}");
    }
    assert!(!text.contains(",0\n"), "zero counts are not written");
    // 2 summary + 5 day + 3 destination + 3 chapter + 3 finding rows, after the header,
    // and the three held decisions, still open, by their age now.
    let (ages, rest): (Vec<&str>, Vec<&str>) = lines
        .iter()
        .partition(|l| l.starts_with("holds_open_by_age,"));
    assert_eq!(rest.len(), 1 + 2 + 5 + 3 + 4 + 3, "{text}");
    let open: u64 = ages
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(open, 3, "{text}");
}

#[test]
fn html_is_self_contained_and_escapes_record_text() {
    let hostile = "</table><script>alert(1)</script>";
    let records = vec![
        decision(
            "2026-12-01T08:00:00.000000Z",
            "deny",
            "RU",
            &["880699"],
            &[(hostile, hostile, "deny")],
            false,
        ),
        decision(
            "2026-12-02T08:00:00.000000Z",
            "allow",
            "KZ",
            &["940360"],
            &[],
            false,
        ),
    ];
    let (_dir, url) = store_with(&records);
    let mut r = aggregate(&Store::open_existing(&url).unwrap(), &TimeRange::default()).unwrap();
    assert!(
        r.rule_descriptions.is_empty(),
        "records carry no descriptions"
    );
    let mut out = Vec::new();
    write_html(&r, &mut out).unwrap();
    let undescribed = String::from_utf8(out).unwrap();
    assert!(
        undescribed.contains(super::html::NOT_DESCRIBED),
        "{undescribed}"
    );
    // A description the caller supplies is shown beside its rule, escaped like the rest.
    r.rule_descriptions.insert(
        (hostile.to_owned(), hostile.to_owned()),
        "catches <b>this</b>".to_owned(),
    );
    let mut out = Vec::new();
    write_html(&r, &mut out).unwrap();
    let page = String::from_utf8(out).unwrap();
    assert!(
        page.contains("<th scope=\"row\">catches &lt;b&gt;this&lt;/b&gt;</th>"),
        "{page}"
    );
    assert!(!page.contains(super::html::NOT_DESCRIBED), "{page}");
    assert!(!page.to_lowercase().contains("<script"), "{page}");
    assert!(page.contains("&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let without_ns = page.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    assert!(!page.contains("@font-face") && !page.contains("url("));
    // Six charts, six tables, and the title names store, count and checkpoint.
    assert_eq!(page.matches("<svg").count(), 6);
    assert_eq!(page.matches("<table data-table=").count(), 6);
    assert!(page.contains(&format!("<title>Decision report: {}</title>", r.store)));
    assert!(page.contains("<dd id=\"records\">2</dd>"));
    assert!(page.contains("tree size 2, root "));
    assert!(page.contains("2 records in the store;"));
    // One bar segment per non-zero count: 2 days, 1 destination, 1 chapter, 1 finding.
    let bars = |outcome: Outcome| {
        let fill = format!(
            "fill=\"{}\"",
            super::chart::css_colour(outcome).to_uppercase()
        );
        page.matches(&fill).count()
    };
    assert_eq!(bars(Outcome::Allow), 1, "{page}");
    // …and the deny decision's hold, still open, in the holds-by-age chart.
    assert_eq!(bars(Outcome::Deny), 5);
}

#[test]
fn a_country_kept_as_two_bytes_counts_as_its_code() {
    let mut r = decision(
        "2026-12-01T08:00:00.000000Z",
        "deny",
        "",
        &["854231"],
        &[],
        false,
    );
    let shipment = json!({"destination_country": [75, 90], "lines": [{"hs_code": "854231"}]});
    r.input = RecordedInput::full(shipment).unwrap();
    let (_dir, url) = store_with(&[r]);
    let rep = aggregate(&Store::open_existing(&url).unwrap(), &TimeRange::default()).unwrap();
    assert_eq!(rep.held_by_destination["KZ"].get(Outcome::Deny), 1);
}

#[test]
fn the_spec_documents_this_header_and_every_table() {
    let spec = include_str!("../../../../sdk/spec/audit-report.md");
    assert!(spec.contains(&format!("\n{}\n", super::csv::HEADER.join(","))));
    for table in [
        super::csv::tables::SUMMARY,
        super::csv::tables::DECISIONS_PER_DAY,
        super::csv::tables::HELD_BY_DESTINATION,
        super::csv::tables::HELD_BY_HS_CHAPTER,
        super::csv::tables::FINDINGS,
        super::csv::tables::HOLDS_OPEN_BY_AGE,
        super::csv::tables::TIME_TO_RELEASE,
    ] {
        assert!(spec.contains(&format!("| `{table}` |")), "{table}");
    }
    for outcome in Outcome::ALL {
        let colour = super::chart::css_colour(outcome).to_uppercase();
        assert!(spec.contains(&format!("{outcome} `{colour}`")), "{colour}");
    }
}

#[test]
fn a_range_without_records_draws_empty_charts() {
    // An empty range once made the chart library loop, asked for no axis labels.
    let (_dir, url) = store_with(&sample());
    let store = Store::open_existing(&url).unwrap();
    let range = TimeRange::parse(Some("2001-01-01"), Some("2001-01-02")).unwrap();
    let report = aggregate(&store, &range).unwrap();
    assert_eq!(report.records, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut html = Vec::new();
        let _ = tx.send(write_html(&report, &mut html).map(|()| html));
    });
    let html = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the page is drawn in bounded time")
        .unwrap();
    let html = String::from_utf8(html).unwrap();
    assert_eq!(html.matches("<svg").count(), 6, "{html}");
}

/// Screening records in the log are not verdicts: the report counts the same decisions
/// with them as without them, and only the log's record count includes them.
#[test]
fn screenings_are_not_counted_as_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let key = CheckpointKey::generate("audit.example/report").unwrap();
    let recorder =
        Recorder::start(Store::open(&url).unwrap(), key, RecorderConfig::default()).unwrap();
    for (n, r) in sample().iter().enumerate() {
        recorder.record(r).unwrap();
        let mut screening = crate::screening::tests::example();
        screening.screening_id = DecisionId::new();
        screening.party_id = format!("C-{n}");
        recorder.record(&screening).unwrap();
    }
    recorder.close().unwrap();
    let store = Store::open_existing(&url).unwrap();
    let mixed = aggregate(&store, &TimeRange::default()).unwrap();
    let (_plain_dir, plain_url) = store_with(&sample());
    let plain = aggregate(
        &Store::open_existing(&plain_url).unwrap(),
        &TimeRange::default(),
    )
    .unwrap();
    assert_eq!((mixed.records, mixed.store_records), (5, 10));
    assert_eq!(mixed.per_day, plain.per_day);
    assert_eq!(mixed.held_by_destination, plain.held_by_destination);
    assert_eq!(mixed.findings, plain.findings);
}

/// Hold actions beside the decisions: a hold released two hours after its decision counts
/// in the time to release (and its median); a rejected one is no longer open; one left
/// open is aged as of the end of the range.
#[test]
fn holds_are_aged_and_timed_to_release() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let key = CheckpointKey::generate("audit.example/report").unwrap();
    let recorder =
        Recorder::start(Store::open(&url).unwrap(), key, RecorderConfig::default()).unwrap();
    let review = decision(
        "2026-12-01T08:00:00.000000Z",
        "review",
        "AE",
        &["854231"],
        &[],
        false,
    );
    let deny = decision(
        "2026-12-01T09:00:00.000000Z",
        "deny",
        "RU",
        &["880699"],
        &[],
        false,
    );
    let open = decision(
        "2026-12-02T09:00:00.000000Z",
        "deny",
        "BY",
        &["880699"],
        &[],
        false,
    );
    for r in [&review, &deny, &open] {
        recorder.record(r).unwrap();
    }
    let act = |hold: &crate::DecisionRecord,
               officer: &str,
               action: &str,
               from: &str,
               to: &str,
               time: &str| {
        let mut a = crate::hold_action::tests::example();
        a.action_id = DecisionId::new();
        a.hold = hold.decision_id;
        a.officer = officer.into();
        a.action = action.into();
        a.from = from.into();
        a.to = to.into();
        a.held = hold.verdict["outcome"].as_str().unwrap().into();
        a.time = time.into();
        a
    };
    recorder
        .record(&act(
            &review,
            "a",
            "approve",
            "open",
            "approved",
            "2026-12-01T09:00:00.000000Z",
        ))
        .unwrap();
    recorder
        .record(&act(
            &review,
            "b",
            "release",
            "approved",
            "released",
            "2026-12-01T10:00:00.000000Z",
        ))
        .unwrap();
    recorder
        .record(&act(
            &deny,
            "a",
            "reject",
            "open",
            "rejected",
            "2026-12-01T11:00:00.000000Z",
        ))
        .unwrap();
    recorder.close().unwrap();
    let store = Store::open_existing(&url).unwrap();
    let range = TimeRange::parse(Some("2026-12-01"), Some("2026-12-10")).unwrap();
    let r = aggregate(&store, &range).unwrap();
    assert_eq!(r.holds.median_minutes_to_release, Some(120));
    assert_eq!(r.holds.time_to_release.len(), 1);
    assert_eq!(r.holds.time_to_release[0].0, "under 1 day");
    assert_eq!(r.holds.time_to_release[0].1.get(Outcome::Review), 1);
    // The open deny hold, opened 2026-12-02T09:00, is 7 days and 15 hours old on 2026-12-10.
    assert_eq!(r.holds.open_by_age.len(), 1);
    assert_eq!(r.holds.open_by_age[0].0, "7 to 30 days");
    assert_eq!(r.holds.open_by_age[0].1.get(Outcome::Deny), 1);
    let mut out = Vec::new();
    write_csv(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for row in [
        "time_to_release,under 1 day,,review,1",
        "holds_open_by_age,7 to 30 days,,deny,1",
        "summary,median_minutes_to_release,,,120",
    ] {
        assert!(text.lines().any(|l| l == row), "{row} missing from\n{text}");
    }
    assert_eq!(r.records, 3, "actions are not decisions");
}
