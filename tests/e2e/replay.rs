//! `exportctl audit replay` and `audit show` on the real binary: 1,000 recorded
//! decisions replay bit-identically; replaced plugin bytes and an edited verdict
//! are named; digest-only records need their input; a what-if over a changed set
//! counts exactly the decisions a direct `check` with that set decides
//! differently; `audit show` prints the recorded verdict with its proof status.

use crate::support::{exportctl, repo, temp_dir, write};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

use crate::postgres_server;

/// Exit status when the log no longer reproduces or was tampered with.
const TAMPERED: i32 = 6;

/// A checkpoint key pair in `dir`: (secret key file, public key file).
fn keygen(dir: &Path, name: &str) -> (String, String) {
    let key = dir.join(name).display().to_string();
    let run = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/replay",
        "--out",
        &key,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (key.clone(), format!("{key}.pub"))
}

/// Every shipment document of `tests/examples` and `tests/cases/*/`.
fn documents() -> Vec<Value> {
    let mut docs = Vec::new();
    for dir in ["tests/examples".to_owned()].into_iter().chain(
        std::fs::read_dir(repo().join("tests/cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .map(|p| p.display().to_string()),
    ) {
        let mut files: Vec<_> = std::fs::read_dir(repo().join(&dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            docs.push(v.get("shipment").cloned().unwrap_or(v));
        }
    }
    assert!(docs.len() > 200, "{} documents", docs.len());
    docs
}

/// `n` shipments (JSON Lines) cycling through [`documents`] with unique ids; every
/// 50th carries an unknown field, so its verdict warns about the document.
fn shipments(n: usize) -> String {
    let docs = documents();
    (0..n)
        .map(|i| {
            let mut d = docs[i % docs.len()].clone();
            let id = d["id"].as_str().unwrap_or("S").to_owned();
            d["id"] = json!(format!("{id}-{i:04}"));
            if i % 50 == 0 {
                d["remarkz"] = json!("typo");
            }
            serde_json::to_string(&d).unwrap()
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Records the shipments of `file` with `check --audit` into a new store; returns its URL.
fn record(dir: &Path, db: &str, key: &str, file: &str, extra: &[&str]) -> String {
    let url = format!("sqlite:{}", dir.join(db).display());
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--audit", &url, "--checkpoint-key", key, file]);
    let run = exportctl(&args);
    assert!(
        [0, 3, 4, 5].contains(&run.code),
        "check --audit: {} {}",
        run.code,
        run.stderr
    );
    url
}

fn sqlite(url: &str) -> rusqlite::Connection {
    rusqlite::Connection::open(url.strip_prefix("sqlite:").unwrap()).unwrap()
}

/// (decision id, record) of every record, in leaf order.
fn stored(url: &str) -> Vec<(String, Value)> {
    let c = sqlite(url);
    let mut stmt = c
        .prepare("SELECT decision_id, body FROM records ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })
    .unwrap()
    .map(|r| {
        let (id, body) = r.unwrap();
        (id, serde_json::from_slice(&body).unwrap())
    })
    .collect()
}

#[test]
fn a_thousand_recorded_decisions_replay_identically() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "k");
    let file = write(dir.path(), "shipments.jsonl", shipments(1000));
    let url = record(dir.path(), "audit.db", &key, &file, &[]);
    let records = stored(&url);
    assert_eq!(records.len(), 1000);
    let mut outcomes = BTreeMap::new();
    let mut policies = std::collections::BTreeSet::new();
    for (_, r) in &records {
        *outcomes
            .entry(r["verdict"]["outcome"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        for f in r["verdict"]["findings"].as_array().unwrap() {
            policies.insert(f["policy"].as_str().unwrap().to_owned());
        }
    }
    assert!(outcomes.len() >= 3, "several outcomes: {outcomes:?}");
    assert!(
        policies.len() >= 5,
        "several policies found something: {policies:?}"
    );
    assert!(
        records.iter().any(|(_, r)| r["verdict"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "unknown-field")),
        "some verdicts warn about their document"
    );
    let first = records[0].1["time"].as_str().unwrap().to_owned();
    let run = exportctl(&[
        "audit",
        "replay",
        "--store",
        &url,
        "--from",
        &first,
        "--to",
        "9999-01-01T00:00:00Z",
        "--key",
        &public,
    ]);
    assert_eq!(
        run.code,
        0,
        "{}\n{}",
        run.stderr,
        &run.stdout[..run.stdout.len().min(3000)]
    );
    let identical = run
        .stdout
        .lines()
        .filter(|l| l.ends_with(": identical"))
        .count();
    assert_eq!(identical, 1000, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("replayed 1000 decisions: 1000 identical, 0 differ, 0 input not kept"),
        "{}",
        run.stdout
    );
    // A range selects by time: from the second record on, 999.
    let second = records[1].1["time"].as_str().unwrap().to_owned();
    let run = exportctl(&[
        "audit", "replay", "--store", &url, "--from", &second, "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: Value = serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["identical"], 999, "{summary}");
}

/// Replaced plugin bytes stop the replay naming the decision and the sha256; an
/// edited verdict fails `audit verify`, and replay reports the difference (the
/// outcome first), or with `--key` refuses because the log does not verify.
#[test]
fn replaced_plugin_bytes_and_an_edited_verdict_are_named() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "k");
    let files: Vec<String> = [
        "de-furniture-to-kz.json",
        "de-microcontrollers-kz-end-user-ru.json",
    ]
    .iter()
    .map(|f| repo().join("tests/examples").join(f).display().to_string())
    .collect();
    let file = write(
        dir.path(),
        "two.jsonl",
        files
            .iter()
            .map(|f| {
                serde_json::to_string(
                    &serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()).unwrap(),
                )
                .unwrap()
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );

    let url = record(dir.path(), "plugins.db", &key, &file, &[]);
    let records = stored(&url);
    let sha = records[0].1["policies"][2]["plugin_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlite(&url)
        .execute(
            "UPDATE plugins SET bytes = X'0061736d' WHERE sha256 = ?1",
            [&sha],
        )
        .unwrap();
    let run = exportctl(&["audit", "replay", "--store", &url]);
    assert_eq!(run.code, TAMPERED, "{}", run.stderr);
    assert!(
        run.stderr.contains(&records[0].0),
        "names the decision: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&sha),
        "names the plugin: {}",
        run.stderr
    );
    assert!(run.stderr.contains("replaced?"), "{}", run.stderr);

    let url = record(dir.path(), "verdict.db", &key, &file, &[]);
    let records = stored(&url);
    let (victim, record) = records
        .iter()
        .find(|(_, r)| r["verdict"]["outcome"] == "deny")
        .expect("a denied shipment");
    let mut edited = record.clone();
    edited["verdict"]["outcome"] = json!("allow");
    edited["verdict"]["findings"][0]["rule"] = json!("not-a-rule");
    let bytes = exportctl_audit::canonical::to_canonical_bytes("record", &edited).unwrap();
    sqlite(&url)
        .execute(
            "UPDATE records SET body = ?1 WHERE decision_id = ?2",
            rusqlite::params![bytes, victim],
        )
        .unwrap();
    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, TAMPERED, "{}", verify.stderr);
    let run = exportctl(&["audit", "replay", "--store", &url]);
    assert_eq!(run.code, TAMPERED, "{}", run.stderr);
    let report: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{victim} ")))
        .collect();
    assert!(
        report[0].ends_with("differs (2 differences)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        report[1], "  outcome: recorded \"allow\", replayed \"deny\"",
        "outcome first"
    );
    assert!(
        report[2].starts_with("  findings[0].rule: recorded \"not-a-rule\", replayed \""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 identical, 1 differ"),
        "{}",
        run.stdout
    );
    let refused = exportctl(&["audit", "replay", "--store", &url, "--key", &public]);
    assert_eq!(refused.code, TAMPERED);
    assert!(
        refused.stderr.contains("does not verify"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stdout.is_empty(),
        "nothing replayed: {}",
        refused.stdout
    );
}

/// Records that keep only their input's digest: without `--input` each is reported
/// "input not kept" (exit 2), with the files they replay identically.
#[test]
fn digest_only_records_replay_with_their_input() {
    let dir = temp_dir();
    let (key, _) = keygen(dir.path(), "k");
    let set = std::fs::read_to_string(repo().join("policies/default.toml")).unwrap()
        + "\n[audit]\nstore = \"sqlite:unused.db\"\nstore_input = \"digest\"\n";
    let set = write(dir.path(), "set.toml", set);
    let file = write(dir.path(), "shipments.jsonl", shipments(30));
    let url = record(dir.path(), "digest.db", &key, &file, &["--policies", &set]);
    let records = stored(&url);
    assert_eq!(records.len(), 30);
    assert!(records.iter().all(|(_, r)| r["input"]["store"] == "digest"));

    let run = exportctl(&["audit", "replay", "--store", &url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stdout.matches(": input not kept").count(),
        30,
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("--input"), "{}", run.stderr);

    // Only part of the input: the rest is named, not skipped.
    let part = write(
        dir.path(),
        "part.jsonl",
        shipments(30)
            .lines()
            .take(10)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let run = exportctl(&["audit", "replay", "--store", &url, "--input", &part]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("10 identical, 0 differ, 20 input not kept"),
        "{}",
        run.stdout
    );

    let run = exportctl(&["audit", "replay", "--store", &url, "--input", &file]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert!(
        run.stdout
            .contains("30 identical, 0 differ, 0 input not kept"),
        "{}",
        run.stdout
    );

    // Judged under `--as-of`: the validated shipment (and so its digest) holds the law
    // date, and the input is matched at the record's `as_of`.
    let url = record(
        dir.path(),
        "as-of.db",
        &key,
        &file,
        &["--policies", &set, "--as-of", "2025-01-01"],
    );
    assert!(stored(&url).iter().all(|(_, r)| r["as_of"] == "2025-01-01"));
    let run = exportctl(&["audit", "replay", "--store", &url, "--input", &file]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert!(
        run.stdout
            .contains("replayed 30 decisions: 30 identical, 0 differ, 0 input not kept"),
        "{}",
        run.stdout
    );
}

/// Each (policy, rule) of a verdict's findings with its worst outcome.
fn rule_outcomes(verdict: &Value) -> BTreeMap<(String, String), String> {
    let rank = |o: &str| {
        ["allow", "review", "licence_required", "deny"]
            .iter()
            .position(|x| *x == o)
    };
    let mut out: BTreeMap<(String, String), String> = BTreeMap::new();
    for f in verdict["findings"].as_array().unwrap() {
        let k = (
            f["policy"].as_str().unwrap().to_owned(),
            f["rule"].as_str().unwrap().to_owned(),
        );
        let o = f["outcome"].as_str().unwrap().to_owned();
        match out.get(&k) {
            Some(old) if rank(old) >= rank(&o) => {}
            _ => {
                out.insert(k, o);
            }
        }
    }
    out
}

/// A what-if with a policy disabled and a setting changed: its counts are exactly
/// what a direct `check` with the new set gives against the recorded verdicts.
#[test]
fn what_if_counts_the_decisions_a_new_set_decides_differently() {
    let dir = temp_dir();
    let (key, _) = keygen(dir.path(), "k");
    let file = write(dir.path(), "shipments.jsonl", shipments(300));
    let url = record(dir.path(), "audit.db", &key, &file, &[]);
    let records = stored(&url);

    let default = std::fs::read_to_string(repo().join("policies/default.toml")).unwrap();
    let new_set = default.replacen(
        "plugin = \"chpl-diversion\"\n",
        "plugin = \"chpl-diversion\"\nenabled = false\n",
        1,
    );
    assert_ne!(new_set, default);
    let new_set = write(dir.path(), "new.toml", new_set);
    let change = "company-rules.review_destinations=[\"KZ\"]";

    // The oracle: the new set judging the same shipments directly.
    let direct = exportctl(&[
        "check",
        "--format",
        "json",
        "--policies",
        &new_set,
        "--set",
        change,
        &file,
    ]);
    let new_verdicts = direct.verdicts();
    assert_eq!(new_verdicts.len(), records.len());
    let mut expected_rules: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut expected_outcomes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut expected_changed = 0;
    for ((_, r), new) in records.iter().zip(&new_verdicts) {
        let old = &r["verdict"];
        assert_eq!(old["shipment"], new["shipment"]);
        let mut differs = false;
        if old["outcome"] != new["outcome"] {
            *expected_outcomes
                .entry((
                    old["outcome"].as_str().unwrap().into(),
                    new["outcome"].as_str().unwrap().into(),
                ))
                .or_default() += 1;
            differs = true;
        }
        let (a, b) = (rule_outcomes(old), rule_outcomes(new));
        for k in a
            .keys()
            .chain(b.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let kind = match (a.get(k), b.get(k)) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(x), Some(y)) if x != y => "outcome changed",
                _ => continue,
            };
            *expected_rules
                .entry((k.0.clone(), k.1.clone(), kind.to_owned()))
                .or_default() += 1;
            differs = true;
        }
        expected_changed += usize::from(differs);
    }
    assert!(
        expected_changed > 0 && expected_changed < records.len(),
        "{expected_changed}"
    );
    assert!(
        expected_rules
            .keys()
            .any(|k| k.0 == "chpl-diversion" && k.2 == "removed")
    );
    assert!(
        expected_rules
            .keys()
            .any(|k| k.0 == "company-rules" && k.2 == "added")
    );

    let run = exportctl(&[
        "audit",
        "replay",
        "--store",
        &url,
        "--policies",
        &new_set,
        "--set",
        change,
        "--format",
        "json",
        "--examples",
        "3",
    ]);
    assert_eq!(
        run.code, 0,
        "what-if differences are results: {}",
        run.stderr
    );
    let report: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(report["decisions"], records.len());
    assert_eq!(report["changed"], expected_changed);
    assert_eq!(report["unchanged"], records.len() - expected_changed);
    assert_eq!(report["input_not_kept"], 0);
    let mut got_rules = BTreeMap::new();
    for c in report["rule_changes"].as_array().unwrap() {
        let key = (
            c["policy"].as_str().unwrap().to_owned(),
            c["rule"].as_str().unwrap().to_owned(),
            c["change"].as_str().unwrap().to_owned(),
        );
        *got_rules.entry(key).or_insert(0) += c["count"].as_u64().unwrap() as usize;
        let examples = c["examples"].as_array().unwrap();
        assert!(!examples.is_empty() && examples.len() <= 3);
        for e in examples {
            let id = e["decision_id"].as_str().unwrap();
            let (_, r) = records.iter().find(|(d, _)| d == id).unwrap();
            assert_eq!(r["shipment_id"], e["shipment_id"]);
        }
    }
    assert_eq!(got_rules, expected_rules);
    let got_outcomes: BTreeMap<(String, String), usize> = report["outcome_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    c["from"].as_str().unwrap().to_owned(),
                    c["to"].as_str().unwrap().to_owned(),
                ),
                c["count"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(got_outcomes, expected_outcomes);

    let text = exportctl(&[
        "audit",
        "replay",
        "--store",
        &url,
        "--policies",
        &new_set,
        "--set",
        change,
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains(&format!("{expected_changed} decided differently")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("by policy and rule:"),
        "{}",
        text.stdout
    );
}

#[test]
fn show_prints_the_recorded_verdict_and_its_proof_status() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "k");
    let (_, other_public) = keygen(dir.path(), "other");
    let file = repo()
        .join("tests/examples/de-microcontrollers-kz-end-user-ru.json")
        .display()
        .to_string();
    let url = record(dir.path(), "audit.db", &key, &file, &[]);
    let records = stored(&url);
    let (id, record) = &records[0];
    let run = exportctl(&["audit", "show", id, "--store", &url, "--key", &public]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outcome = record["verdict"]["outcome"]
        .as_str()
        .unwrap()
        .to_uppercase();
    assert!(
        run.stdout.starts_with(&format!(
            "{}: {outcome}  (law as of {})",
            record["shipment_id"].as_str().unwrap(),
            record["as_of"].as_str().unwrap()
        )),
        "{}",
        run.stdout
    );
    let findings = record["verdict"]["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(
            run.stdout.contains(&format!(
                "[{}/{}]",
                f["policy"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )),
            "{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains(&format!("record: decision {id}, leaf index 0")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(record["policy_set"]["digest"].as_str().unwrap())
    );
    assert!(
        run.stdout.contains("proof: included in the checkpoint of tree size 1 (leaf 0); the inclusion proof verifies with"),
        "{}",
        run.stdout
    );
    // The text is the recorded verdict as `check --format text` prints it.
    let check = exportctl(&["check", "--format", "text", &file]);
    assert!(
        run.stdout.starts_with(&check.stdout),
        "{}\n---\n{}",
        run.stdout,
        check.stdout
    );

    let wrong = exportctl(&["audit", "show", id, "--store", &url, "--key", &other_public]);
    assert_eq!(wrong.code, TAMPERED, "{}", wrong.stderr);
    assert!(
        wrong.stdout.contains("proof: DOES NOT VERIFY"),
        "{}",
        wrong.stdout
    );

    let unknown = "01938a4c-5e00-7000-8000-000000000001";
    let missing = exportctl(&["audit", "show", unknown, "--store", &url]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains(unknown), "{}", missing.stderr);

    sqlite(&url).execute("DELETE FROM checkpoints", []).unwrap();
    let unsealed = exportctl(&["audit", "show", id, "--store", &url]);
    assert_eq!(unsealed.code, 0, "{}", unsealed.stderr);
    assert!(
        unsealed
            .stdout
            .contains("proof: not yet sealed by a checkpoint"),
        "{}",
        unsealed.stdout
    );
}

/// The same on PostgreSQL: records are streamed from the server while plugins and the set
/// form are read on a second connection; every decision replays identically, and a
/// what-if runs over the same stream.
#[test]
fn postgres_records_replay_identically() {
    let pg = postgres_server::PgServer::start();
    let url = pg.database("audit");
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "k");
    let file = write(dir.path(), "shipments.jsonl", shipments(60));
    let run = exportctl(&[
        "check",
        "--format",
        "json",
        "--audit",
        &url,
        "--checkpoint-key",
        &key,
        &file,
    ]);
    assert!([0, 3, 4, 5].contains(&run.code), "{}", run.stderr);
    assert_eq!(run.verdicts().len(), 60);
    let replay = exportctl(&["audit", "replay", "--store", &url, "--key", &public]);
    assert_eq!(replay.code, 0, "{}\n{}", replay.stderr, replay.stdout);
    assert!(
        replay
            .stdout
            .contains("replayed 60 decisions: 60 identical, 0 differ, 0 input not kept"),
        "{}",
        replay.stdout
    );
    let default = repo().join("policies/default.toml").display().to_string();
    let what_if = exportctl(&[
        "audit",
        "replay",
        "--store",
        &url,
        "--policies",
        &default,
        "--format",
        "json",
    ]);
    assert_eq!(what_if.code, 0, "{}", what_if.stderr);
    let report: Value = serde_json::from_str(what_if.stdout.trim()).unwrap();
    assert_eq!(
        (report["decisions"].as_u64(), report["changed"].as_u64()),
        (Some(60), Some(0)),
        "the recorded set itself decides nothing differently: {report}"
    );
}
