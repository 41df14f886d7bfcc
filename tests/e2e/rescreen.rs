//! `exportctl rescreen`: the party master screened with the contract's party
//! screener and compared with a previous set (new, cleared, outcome- and
//! score-changed matches, with entry, edition and score), open orders compared
//! with a previous set or with their recorded decisions, bad rows named by row
//! and column, and misbehaving screeners failing closed (`sdk/spec/rescreen.md`).

use crate::postgres_server::PgServer;
use crate::support::{Run, exportctl, hostile, repo, temp_dir, write};
use serde_json::Value;
use std::path::Path;

pub(crate) const PARTIES: &str = "tests/inputs/parties/party-master.csv";

/// The previous edition, as a set: party-screening with four lists.
pub(crate) const PREVIOUS: &str = "[[policy]]\nplugin = \"party-screening\"\n[policy.settings]\nlists = [\"SDN\", \"DPL\", \"UVL\", \"CAP\"]\n";

/// The current one: CAP dropped, the Entity List added, a milder country
/// penalty (scores move) and UVL matches raised to licence_required.
pub(crate) const CURRENT: &str = "[[policy]]\nplugin = \"party-screening\"\n[policy.settings]\nlists = [\"SDN\", \"DPL\", \"UVL\", \"EL\"]\ncountry_mismatch_penalty = 0.05\n[policy.settings.list_outcomes]\nUVL = \"licence_required\"\n";

pub(crate) fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `(party, change, entry)` of every party line.
fn changes(lines: &[Value]) -> Vec<(String, String, String)> {
    lines
        .iter()
        .filter(|l| l["kind"] == "party")
        .map(|l| {
            (
                l["party"].as_str().unwrap().to_owned(),
                l["change"].as_str().unwrap().to_owned(),
                l["entry"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `exportctl rescreen --parties PARTIES --policies CURRENT --against PREVIOUS`
/// under the law of 1 Sep 2026, with `extra` arguments.
fn rescreen(parties: &str, current: &str, previous: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "rescreen",
        "--parties",
        parties,
        "--policies",
        current,
        "--against",
        previous,
        "--date",
        "2026-09-01",
    ];
    args.extend_from_slice(extra);
    exportctl(&args)
}

fn sets(dir: &Path) -> (String, String) {
    (
        write(dir, "current.toml", CURRENT),
        write(dir, "previous.toml", PREVIOUS),
    )
}

#[test]
fn a_new_list_edition_reports_only_what_changed_with_its_evidence() {
    let dir = temp_dir();
    let (current, previous) = sets(dir.path());
    let run = rescreen(PARTIES, &current, &previous, &[]);
    assert_eq!(
        run.code, 5,
        "the worst reported outcome is deny: {}",
        run.stderr
    );
    let out = lines(&run.stdout);
    let reported = changes(&out);
    let changes = reported;
    let has = |party: &str, change: &str, entry: &str| {
        changes
            .iter()
            .any(|(p, c, e)| p == party && c == change && e.starts_with(entry))
    };
    // The Entity List is new: APEX Kazakhstan matches it now.
    assert!(
        has("C-1006", "new_match", "EL:APEX Kazakhstan"),
        "{changes:#?}"
    );
    // CAP is gone: Bank of Kunlun's match clears.
    assert!(has("C-1003", "cleared_match", "CAP:15268"), "{changes:#?}");
    // UVL now means licence_required: the same four entries change outcome.
    let uvl: Vec<_> = changes
        .iter()
        .filter(|(p, c, e)| p == "C-1001" && c == "outcome_changed" && e.starts_with("UVL:"))
        .collect();
    assert_eq!(uvl.len(), 4, "{changes:#?}");
    // A milder penalty raises a weak match that stays weak: the score changes.
    assert!(has("C-1004", "score_changed", "UVL:"), "{changes:#?}");
    // A clean partner, and a match that did not move, are not reported.
    assert!(!changes.iter().any(|(p, ..)| p == "C-1002"), "{changes:#?}");
    assert!(!changes.iter().any(|(_, c, _)| c == "unchanged"));
    assert!(!has("S-2001", "", ""), "Juzhoi's DPL match did not change");

    let new = out
        .iter()
        .find(|l| l["party"] == "C-1006" && l["change"] == "new_match")
        .unwrap();
    assert_eq!(new["outcome"], "licence_required");
    assert_eq!(new["previous_outcome"], Value::Null);
    assert_eq!(new["policy"], "party-screening");
    assert!(
        new["edition"].as_str().unwrap().contains("2026-07-31"),
        "{new}"
    );
    assert_eq!(new["score"], 1.0);
    assert!(
        new["legal_basis"].as_str().unwrap().contains("744.11"),
        "{new}"
    );
    assert!(
        new["message"].as_str().unwrap().contains("APEX Kazakhstan"),
        "{new}"
    );
    let moved = out
        .iter()
        .find(|l| l["party"] == "C-1004" && l["change"] == "score_changed")
        .unwrap();
    let (now, before) = (
        moved["score"].as_f64().unwrap(),
        moved["previous_score"].as_f64().unwrap(),
    );
    assert!((now - before - 0.05).abs() < 0.0015, "{moved}");
    assert_eq!(moved["outcome"], moved["previous_outcome"]);
    assert!(
        run.stderr.contains("parties: 8 screened, 0 invalid;"),
        "{}",
        run.stderr
    );

    // --full adds the unchanged matches, nothing else.
    let full = rescreen(PARTIES, &current, &previous, &["--full"]);
    let all = self::changes(&lines(&full.stdout));
    assert!(
        all.iter()
            .any(|(p, c, _)| p == "S-2001" && c == "unchanged"),
        "{all:#?}"
    );
    let without: Vec<_> = all
        .iter()
        .filter(|(_, c, _)| c != "unchanged")
        .cloned()
        .collect();
    assert_eq!(without, changes);
}

#[test]
fn the_same_set_on_both_sides_reports_nothing_and_exits_0() {
    let dir = temp_dir();
    let (current, _) = sets(dir.path());
    let run = rescreen(PARTIES, &current, &current, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("0 new matches, 0 cleared"),
        "{}",
        run.stderr
    );
}

#[test]
fn csv_and_text_carry_the_same_changes() {
    let dir = temp_dir();
    let (current, previous) = sets(dir.path());
    let args = |format: &'static str| rescreen(PARTIES, &current, &previous, &["--format", format]);
    let jsonl = lines(&args("jsonl").stdout);
    let csv = args("csv");
    let mut rows = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[..4], ["kind", "id", "name", "change"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), jsonl.len());
    for (row, line) in rows.iter().zip(&jsonl) {
        assert_eq!(row.get(1), line["party"].as_str());
        assert_eq!(row.get(3), line["change"].as_str());
        assert_eq!(row.get(9), line["entry"].as_str());
    }
    let text = args("text").stdout;
    assert_eq!(text.lines().count(), jsonl.len());
    assert!(
        text.contains("C-1006 APEX Kazakhstan (KZ): NEW MATCH licence_required"),
        "{text}"
    );
}

#[test]
fn bad_rows_are_named_by_row_and_column_and_the_rest_is_screened() {
    let dir = temp_dir();
    let (current, previous) = sets(dir.path());
    let master = write(
        dir.path(),
        "parties.csv",
        "id,name,country,aliases\nC-1,APEX Kazakhstan,KZ,\nC-2,Someone\nC-3,Nobody,UK,\n,Blank,DE,\nC-1,Again,DE,\n",
    );
    let run = rescreen(&master, &current, &previous, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        "parties.csv: row 3: 2 cells, but the header has 4 columns",
        "parties.csv: row 4, column `country`: \"UK\" is not an ISO 3166-1 alpha-2 country code (the United Kingdom is `GB`)",
        "parties.csv: row 5, column `id`: missing (it is required)",
        "party id `C-1` (entry 5) repeats entry 1",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing `{expected}` in {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("parties: 1 screened, 4 invalid;"),
        "{}",
        run.stderr
    );
    assert_eq!(
        changes(&lines(&run.stdout)).len(),
        1,
        "C-1 is still screened"
    );

    for (header, error) in [
        (
            "id,name,land\n",
            "row 1 (header), column 3: unknown column `land`",
        ),
        ("id,name\n", "the required column `country` is missing"),
    ] {
        let bad = write(dir.path(), "bad.csv", header);
        let run = exportctl(&[
            "rescreen",
            "--parties",
            &bad,
            "--policies",
            &current,
            "--against",
            &previous,
        ]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains(error), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn a_misbehaving_screener_fails_closed_party_by_party() {
    let dir = temp_dir();
    let screener = hostile("screener");
    let set = write(
        dir.path(),
        "hostile.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[host]\nfail_outcome = \"deny\"\n[[policy]]\nplugin = \"{}\"\n[policy.limits]\nfuel = 20_000_000\n",
            screener.display()
        ),
    );
    let master = write(
        dir.path(),
        "parties.csv",
        "id,name,country\nP-1,PANIC,DE\nP-2,LOOP,DE\nP-3,BAD SCORE,DE\nP-4,LISTED,DE\nP-5,Clean,DE\n",
    );
    let previous = write(dir.path(), "previous.toml", PREVIOUS);
    let run = rescreen(&master, &set, &previous, &[]);
    assert_eq!(
        run.code, 5,
        "a failed screening counts with fail_outcome deny: {}",
        run.stderr
    );
    let out = lines(&run.stdout);
    let failed: Vec<(&str, &str)> = out
        .iter()
        .filter(|l| l["kind"] == "party_failed")
        .map(|l| (l["party"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(failed.len(), 3, "{out:#?}");
    assert!(
        failed[0].0 == "P-1" && failed[0].1.contains("deliberate panic"),
        "{failed:?}"
    );
    assert!(
        failed[1].0 == "P-2" && failed[1].1.contains("fuel"),
        "{failed:?}"
    );
    assert!(
        failed[2].0 == "P-3" && failed[2].1.contains("score 2 is outside 0 to 1"),
        "{failed:?}"
    );
    assert!(
        out.iter()
            .all(|l| l["kind"] != "party_failed" || l["outcome"] == "deny")
    );
    let listed: Vec<_> = out.iter().filter(|l| l["party"] == "P-4").collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["change"], "new_match");
    assert_eq!(listed[0]["entry"], "W-1");
    assert!(!out.iter().any(|l| l["party"] == "P-5"));
    assert!(run.stderr.contains("3 not screened"), "{}", run.stderr);

    // In monitor mode the same failures and match are shown, and none counts.
    let monitor = write(
        dir.path(),
        "monitor.toml",
        std::fs::read_to_string(&set)
            .unwrap()
            .replace("[policy.limits]", "mode = \"monitor\"\n[policy.limits]"),
    );
    let run = rescreen(&master, &monitor, &previous, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = lines(&run.stdout);
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(
        shown
            .iter()
            .all(|l| l["kind"] != "party_failed" || l["outcome"].is_null())
    );
    let listed = shown.iter().find(|l| l["party"] == "P-4").unwrap();
    assert_eq!(
        (&listed["mode"], &listed["outcome"]),
        (&Value::from("monitor"), &Value::from("review"))
    );
}

#[test]
fn a_set_without_a_party_screener_cannot_screen_the_party_master() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "kz.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\n",
    );
    let run = exportctl(&[
        "rescreen",
        "--parties",
        PARTIES,
        "--policies",
        &set,
        "--against",
        &set,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no policy of the --policies set screens parties"),
        "{}",
        run.stderr
    );
    // Recording the screenings needs a key to sign the store's checkpoints.
    let run = exportctl(&[
        "rescreen",
        "--parties",
        PARTIES,
        "--since-decisions",
        "--audit",
        "sqlite:/nonexistent/x.db",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("checkpoint key"), "{}", run.stderr);
}

fn examples() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("tests/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn open_orders_are_compared_with_the_previous_set() {
    let dir = temp_dir();
    let kz_only = write(
        dir.path(),
        "kz.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\n",
    );
    let mut args = vec!["rescreen", "--against", kz_only.as_str()];
    let files = examples();
    for f in &files {
        args.extend(["--orders", f.as_str()]);
    }
    let run = exportctl(&args);
    let out = lines(&run.stdout);
    // The same orders judged now (default set) and with kz-export-control alone.
    let check = exportctl(
        &[
            &["check"][..],
            &files.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    let now: Vec<Value> = check.verdicts();
    let before = exportctl(
        &[
            &["check", "--policies", kz_only.as_str()][..],
            &files.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    )
    .verdicts();
    let mut expected = Vec::new();
    for (n, b) in now.iter().zip(&before) {
        let rules = |v: &Value| {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["policy"].clone(),
                        f["rule"].clone(),
                        f["lines"].clone(),
                        f["parties"].clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let change = if n["outcome"] != b["outcome"] {
            "outcome_changed"
        } else if rules(n) != rules(b) {
            "findings_changed"
        } else {
            continue;
        };
        expected.push((
            n["shipment"].clone(),
            Value::from(change),
            n["outcome"].clone(),
            b["outcome"].clone(),
        ));
    }
    let got: Vec<_> = out
        .iter()
        .map(|l| {
            (
                l["shipment"].clone(),
                l["change"].clone(),
                l["outcome"].clone(),
                l["previous_outcome"].clone(),
            )
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected, "{}", run.stderr);
    let new_rules: Vec<&str> = out
        .iter()
        .flat_map(|l| l["new_findings"].as_array().unwrap())
        .map(|f| f["policy"].as_str().unwrap())
        .collect();
    assert!(
        new_rules.iter().all(|p| *p != "kz-export-control"),
        "{new_rules:?}"
    );
}

#[test]
fn open_orders_are_compared_with_their_recorded_decisions() {
    let dir = temp_dir();
    let key = dir.path().join("checkpoint.key").display().to_string();
    let made = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/rescreen",
        "--out",
        &key,
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let kz_only = write(
        dir.path(),
        "kz.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\n",
    );
    let files = examples();
    // Two of the three orders were decided before, with kz-export-control alone.
    let recorded = exportctl(&[
        "check",
        "--policies",
        &kz_only,
        "--audit",
        &url,
        "--checkpoint-key",
        &key,
        &files[0],
        &files[1],
    ]);
    assert!(
        recorded.code != 1 && recorded.code != 2,
        "{}",
        recorded.stderr
    );
    let mut args = vec![
        "rescreen",
        "--since-decisions",
        "--audit",
        url.as_str(),
        "--checkpoint-key",
        key.as_str(),
        "--full",
    ];
    for f in &files {
        args.extend(["--orders", f.as_str()]);
    }
    let run = exportctl(&args);
    let out = lines(&run.stdout);
    assert_eq!(out.len(), 3, "{}", run.stderr);
    let recorded = recorded.verdicts();
    for (line, before) in out.iter().zip(&recorded) {
        assert_eq!(line["shipment"], before["shipment"]);
        assert_eq!(line["previous_outcome"], before["outcome"]);
        assert_ne!(line["change"], "not_judged_before");
    }
    assert_eq!(out[2]["change"], "not_judged_before");
    assert_eq!(out[2]["previous_outcome"], Value::Null);
}

/// A checkpoint key in `dir`: (private key file, public key file).
fn keygen(dir: &Path) -> (String, String) {
    let key = dir.join("checkpoint.key").display().to_string();
    let made = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/rescreen",
        "--out",
        &key,
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    (key.clone(), format!("{key}.pub"))
}

/// `rescreen --since-decisions --audit URL` of the party master and the
/// example orders with `set`, under the law of 1 Sep 2026.
fn since_recorded(set: &str, url: &str, key: &str) -> Run {
    let mut args = vec![
        "rescreen",
        "--parties",
        PARTIES,
        "--policies",
        set,
        "--since-decisions",
        "--audit",
        url,
        "--checkpoint-key",
        key,
        "--date",
        "2026-09-01",
    ];
    let files = examples();
    for f in &files {
        args.extend(["--orders", f.as_str()]);
    }
    exportctl(&args)
}

/// Each party's screenings recorded and compared with the last recorded one:
/// the first run (the earlier edition) reports every match as new, the second
/// (the new edition) exactly what `--against` the earlier edition reports, the
/// third nothing; the orders' decisions are recorded too, and the store
/// verifies. Returns the parties' change lines of the second run.
fn screenings_recorded_and_compared(url: &str, dir: &Path) -> Vec<Value> {
    let (current, previous) = sets(dir);
    let (key, public) = keygen(dir);

    // 1: never screened before: every match of the earlier edition is new.
    let first = since_recorded(&previous, url, &key);
    assert!(
        first.code != 1 && first.code != 2,
        "run 1 failed: {}",
        first.stderr
    );
    let first_lines = lines(&first.stdout);
    let earlier = lines(&rescreen(PARTIES, &previous, &previous, &["--full"]).stdout);
    let all_new: Vec<_> = changes(&earlier)
        .into_iter()
        .map(|(p, _, e)| (p, "new_match".to_owned(), e))
        .collect();
    assert!(!all_new.is_empty());
    assert_eq!(changes(&first_lines), all_new, "{}", first.stderr);
    assert!(
        first_lines
            .iter()
            .filter(|l| l["kind"] == "order")
            .all(|l| l["change"] == "not_judged_before"),
        "{}",
        first.stdout
    );

    // 2: the new edition, compared with run 1's records: what --against reports.
    let second = since_recorded(&current, url, &key);
    assert_eq!(second.code, 5, "{}", second.stderr);
    let recorded: Vec<Value> = lines(&second.stdout)
        .into_iter()
        .filter(|l| l["kind"] == "party")
        .collect();
    let against: Vec<Value> = lines(&rescreen(PARTIES, &current, &previous, &[]).stdout)
        .into_iter()
        .filter(|l| l["kind"] == "party")
        .collect();
    assert!(!against.is_empty());
    assert_eq!(recorded, against, "{}", second.stderr);
    assert!(
        !lines(&second.stdout)
            .iter()
            .any(|l| l["change"] == "not_judged_before"),
        "every order was decided in run 1: {}",
        second.stdout
    );

    // 3: nothing changed since run 2: nothing is reported.
    let third = since_recorded(&current, url, &key);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_eq!(third.stdout, "", "{}", third.stderr);
    assert!(
        third.stderr.contains("0 new matches, 0 cleared"),
        "{}",
        third.stderr
    );

    // Three runs of 8 parties and the example orders, every record intact.
    let orders = examples().len();
    let verify = exportctl(&["audit", "verify", url, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert!(
        verify
            .stdout
            .contains(&format!("{} records", 3 * (8 + orders))),
        "{}",
        verify.stdout
    );
    recorded
}

#[test]
fn party_screenings_are_recorded_and_the_next_run_compares_with_them() {
    let dir = temp_dir();
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());
    let recorded = screenings_recorded_and_compared(&url, dir.path());
    let public = format!("{}.pub", dir.path().join("checkpoint.key").display());

    // The screening of APEX Kazakhstan in run 2 holds the new Entity List match
    // with its evidence, and `audit show` prints it.
    let c = rusqlite::Connection::open(&db).unwrap();
    let (seq, id, body): (i64, String, Vec<u8>) = c
        .query_row(
            "SELECT seq, decision_id, body FROM records WHERE party_id = 'C-1006'
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let record: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(record["kind"], "screening");
    assert_eq!(record["date"], "2026-09-01");
    assert_eq!(record["input"]["party"]["name"], "APEX Kazakhstan");
    assert!(record["requested_by"].as_str().unwrap().starts_with("cli:"));
    let new = recorded
        .iter()
        .find(|l| l["party"] == "C-1006" && l["change"] == "new_match")
        .unwrap();
    let matched = record["policies"][0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entry"] == new["entry"])
        .unwrap_or_else(|| panic!("{record}"));
    for field in ["edition", "listed_name", "legal_basis", "outcome"] {
        assert_eq!(matched[field], new[field], "{field}");
    }
    assert_eq!(matched["score"].as_f64(), new["score"].as_f64());
    let show = exportctl(&["audit", "show", &id, "--store", &url, "--key", &public]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.contains("party C-1006: licence_required")
            && show.stdout.contains(new["entry"].as_str().unwrap())
            && show.stdout.contains("the inclusion proof verifies"),
        "{}",
        show.stdout
    );
    let proof = exportctl(&["audit", "proof", &id, "--store", &url]);
    assert_eq!(proof.code, 0, "{}", proof.stderr);
    let proof_file = write(dir.path(), "proof.json", &proof.stdout);
    let checked = exportctl(&["audit", "verify-proof", &proof_file, "--key", &public]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(
        checked.stdout.contains("screening") && checked.stdout.contains("C-1006"),
        "{}",
        checked.stdout
    );

    // Replay re-judges the recorded order decisions and skips the screenings;
    // a screening's id is not a decision to replay. The report counts decisions.
    let replay = exportctl(&["audit", "replay", "--store", &url]);
    assert_eq!(replay.code, 0, "{}{}", replay.stdout, replay.stderr);
    let replay = exportctl(&["audit", "replay", "--store", &url, &id]);
    assert_eq!(replay.code, 2, "{}", replay.stderr);
    assert!(
        replay.stderr.contains("not a decision"),
        "{}",
        replay.stderr
    );
    let report = exportctl(&["audit", "report", "--store", &url, "--format", "csv"]);
    assert_eq!(report.code, 0, "{}", report.stderr);

    // A match taken out of the recorded screening is found by verify.
    let edited =
        String::from_utf8(body)
            .unwrap()
            .replacen(new["entry"].as_str().unwrap(), "EL:hidden", 1);
    c.execute(
        "UPDATE records SET body = ?1 WHERE seq = ?2",
        rusqlite::params![edited.into_bytes(), seq],
    )
    .unwrap();
    drop(c);
    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, 6, "{}", verify.stderr);
    assert!(
        verify
            .stderr
            .contains(&format!("record at leaf index {seq} was edited")),
        "{}",
        verify.stderr
    );
}

#[test]
fn party_screenings_are_recorded_in_postgresql_too() {
    let pg = PgServer::start();
    let dir = temp_dir();
    screenings_recorded_and_compared(&pg.database("rescreen"), dir.path());
}

/// A store that cannot record stops the run: no change is reported for a
/// screening that was not recorded, and the exit status is 1.
#[test]
fn a_store_that_cannot_record_stops_the_run() {
    let dir = temp_dir();
    let (current, previous) = sets(dir.path());
    let (key, _) = keygen(dir.path());
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());
    let first = since_recorded(&current, &url, &key);
    assert_eq!(first.code, 5, "{}", first.stderr);
    // Records can no longer be added: each insert fails (a trigger writing to a
    // table that is gone), as a broken disk would refuse them.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "CREATE TABLE gone (x); CREATE TRIGGER refuse BEFORE INSERT ON records
         BEGIN INSERT INTO gone VALUES (1); END; DROP TABLE gone;",
    )
    .unwrap();
    drop(c);
    let run = rescreen(
        PARTIES,
        &current,
        &previous,
        &["--audit", &url, "--checkpoint-key", &key],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing unrecorded is reported");
    assert!(
        run.stderr.contains("was not recorded") && run.stderr.contains("no such table"),
        "{}",
        run.stderr
    );
}
