//! Decision records on the real binary (`check --audit`, `exportctl audit …`):
//! every printed verdict has its record, `audit verify` finds an edited record,
//! a proof verifies offline and a tampered one does not, a store that cannot
//! record withholds every verdict, and a run killed with SIGKILL at 20 random
//! moments never printed a verdict the store does not hold.

use crate::postgres_server;
use crate::support::{exportctl, exportctl_in, repo, temp_dir, write};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[path = "../../host/audit/tests/common/crash.rs"]
mod crash;

/// Exit status of `audit verify` / `verify-proof` when the evidence was tampered with.
const TAMPERED: i32 = 6;

fn examples() -> Vec<String> {
    [
        "de-furniture-to-kz.json",
        "de-microcontrollers-kz-end-user-ru.json",
        "seed-drones-kg-via-kz-to-ru.json",
    ]
    .iter()
    .map(|f| repo().join("tests/examples").join(f).display().to_string())
    .collect()
}

/// A checkpoint key pair in `dir`: (secret key file, public key file).
fn keygen(dir: &Path) -> (String, String) {
    let key = dir.join("checkpoint.key").display().to_string();
    let run = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/e2e",
        "--out",
        &key,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = format!("{key}.pub");
    assert_eq!(
        std::fs::read_to_string(&public).unwrap().trim(),
        run.stdout.trim()
    );
    (key, public)
}

/// Every record of a SQLite store: (decision id, shipment id, verdict), in leaf order.
fn records(db: &Path) -> Vec<(String, String, serde_json::Value)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare("SELECT body FROM records ORDER BY seq").unwrap();
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|body| {
            let record: serde_json::Value = serde_json::from_slice(&body.unwrap()).unwrap();
            (
                record["decision_id"].as_str().unwrap().to_owned(),
                record["shipment_id"].as_str().unwrap().to_owned(),
                record["verdict"].clone(),
            )
        })
        .collect()
}

#[test]
fn every_printed_verdict_is_recorded_and_the_log_verifies() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path());
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());
    let mut args = vec!["check", "--audit", &url, "--checkpoint-key", &key];
    let files = examples();
    args.extend(files.iter().map(String::as_str));
    let recorded = exportctl(&args);
    let mut plain_args = vec!["check"];
    plain_args.extend(files.iter().map(String::as_str));
    let plain = exportctl(&plain_args);
    // Recording changes nothing a caller sees: same verdicts, same order, same status.
    assert_eq!(recorded.code, plain.code, "{}", recorded.stderr);
    assert_eq!(recorded.stdout, plain.stdout);
    let printed = recorded.verdicts();
    assert_eq!(printed.len(), 3);

    let stored = records(&db);
    assert_eq!(stored.len(), printed.len());
    for ((_, shipment, verdict), printed) in stored.iter().zip(&printed) {
        assert_eq!(shipment, printed["shipment"].as_str().unwrap());
        assert_eq!(
            verdict, printed,
            "the record holds the verdict exactly as printed"
        );
    }
    // The record names who asked, the set, every policy's plugin and settings, and
    // keeps the validated shipment.
    let c = rusqlite::Connection::open(&db).unwrap();
    let body: Vec<u8> = c
        .query_row("SELECT body FROM records ORDER BY seq LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let record: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(record["requested_by"].as_str().unwrap().starts_with("cli:"));
    assert_eq!(record["request_id"], serde_json::Value::Null);
    assert_eq!(record["input"]["store"], "full");
    assert_eq!(record["input"]["shipment"]["id"], printed[0]["shipment"]);
    assert_eq!(record["as_of"], printed[0]["as_of"]);
    assert_eq!(record["policy_set"]["digest"].as_str().unwrap().len(), 64);
    assert_eq!(record["host_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["engine_config_hash"].as_str().unwrap().len(), 64);
    let entries = record["policies"].as_array().unwrap();
    let reports = printed[0]["policies"].as_array().unwrap();
    assert_eq!(entries.len(), reports.len());
    for (entry, report) in entries.iter().zip(reports) {
        assert_eq!(entry["id"], report["id"]);
        assert_eq!(entry["plugin_sha256"], report["sha256"]);
        assert_eq!(entry["outcome"], report["outcome"]);
        assert_eq!(entry["signer"], "bundled");
        assert_eq!(entry["settings_digest"].as_str().unwrap().len(), 64);
    }
    // Every plugin the records name is kept in the store, by its sha256.
    for policy in printed[0]["policies"].as_array().unwrap() {
        let sha = policy["sha256"].as_str().unwrap();
        let n: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM plugins WHERE sha256 = ?1",
                [sha],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "plugin {sha} of {} kept", policy["id"]);
    }

    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert!(verify.stdout.contains("3 records"), "{}", verify.stdout);

    // The export verifies on its own, and the latest checkpoint is printable.
    let export = exportctl(&["audit", "export", "--store", &url]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let export_file = write(dir.path(), "export.jsonl", &export.stdout);
    let verify = exportctl(&["audit", "verify", &export_file, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    let cp = exportctl(&["audit", "checkpoint", "--store", &url]);
    assert_eq!(cp.code, 0, "{}", cp.stderr);
    assert!(
        cp.stdout.starts_with("audit.example/e2e\n3\n"),
        "{}",
        cp.stdout
    );
}

#[test]
fn an_edited_record_fails_verify_naming_it() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path());
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());
    let mut args = vec!["check", "--audit", &url, "--checkpoint-key", &key];
    let files = examples();
    args.extend(files.iter().map(String::as_str));
    exportctl(&args);
    // Turn the first recorded deny into an allow, as someone hiding it would.
    let c = rusqlite::Connection::open(&db).unwrap();
    let (leaf, seq, body): (usize, i64, Vec<u8>) = {
        let mut stmt = c
            .prepare("SELECT seq, body FROM records ORDER BY seq")
            .unwrap();
        let rows: Vec<(i64, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let (leaf, (seq, body)) = rows
            .into_iter()
            .enumerate()
            .find(|(_, (_, b))| String::from_utf8_lossy(b).contains(r#""outcome":"deny""#))
            .expect("a deny among the examples");
        (leaf, seq, body)
    };
    let edited =
        String::from_utf8(body)
            .unwrap()
            .replacen(r#""outcome":"deny""#, r#""outcome":"allow""#, 1);
    c.execute(
        "UPDATE records SET body = ?1 WHERE seq = ?2",
        rusqlite::params![edited.into_bytes(), seq],
    )
    .unwrap();
    drop(c);
    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, TAMPERED, "{}", verify.stderr);
    assert!(
        verify
            .stderr
            .contains(&format!("record at leaf index {leaf} was edited")),
        "{}",
        verify.stderr
    );
    assert!(verify.stdout.is_empty());
}

#[test]
fn a_proof_verifies_offline_and_a_tampered_one_does_not() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path());
    let db = dir.path().join("audit.db");
    let url = format!("sqlite:{}", db.display());
    let mut args = vec!["check", "--audit", &url, "--checkpoint-key", &key];
    let files = examples();
    args.extend(files.iter().map(String::as_str));
    exportctl(&args);
    let (id, shipment, _) = records(&db).remove(1);
    let proof = exportctl(&["audit", "proof", &id, "--store", &url]);
    assert_eq!(proof.code, 0, "{}", proof.stderr);
    let doc: serde_json::Value = serde_json::from_str(&proof.stdout).unwrap();
    assert_eq!(doc["record"]["decision_id"], id.as_str());
    // Offline: only the proof file and the public key, no store.
    std::fs::remove_file(&db).unwrap();
    let file = write(dir.path(), "proof.json", &proof.stdout);
    let ok = exportctl(&["audit", "verify-proof", &file, "--key", &public]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains(&id) && ok.stdout.contains(&shipment),
        "{}",
        ok.stdout
    );

    let tampered = proof.stdout.replacen(&shipment, "SO-0000-00000", 1);
    assert_ne!(tampered, proof.stdout);
    let file = write(dir.path(), "tampered.json", tampered);
    let bad = exportctl(&["audit", "verify-proof", &file, "--key", &public]);
    assert_eq!(bad.code, TAMPERED, "{}", bad.stderr);
    assert!(bad.stderr.contains("does not verify"), "{}", bad.stderr);

    // Another key's checkpoint proves nothing either.
    let other = temp_dir();
    let (_, other_public) = keygen(other.path());
    let wrong = exportctl(&[
        "audit",
        "verify-proof",
        &write(dir.path(), "p.json", &proof.stdout),
        "--key",
        &other_public,
    ]);
    assert_eq!(wrong.code, TAMPERED, "{}", wrong.stderr);
}

#[test]
fn a_store_that_cannot_record_withholds_every_verdict() {
    let dir = temp_dir();
    let (key, _) = keygen(dir.path());
    let files = examples();
    // A directory that does not exist: the store cannot be created.
    let url = format!("sqlite:{}", dir.path().join("missing/audit.db").display());
    let mut args = vec!["check", "--audit", &url, "--checkpoint-key", &key];
    args.extend(files.iter().map(String::as_str));
    let run = exportctl(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "no verdict without its record: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains(&format!(
            "audit store {}",
            dir.path().join("missing/audit.db").display()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot open"), "{}", run.stderr);

    // A URL no store answers to, and recording without a key: usage errors.
    let mut args = vec![
        "check",
        "--audit",
        "mysql://db/audit",
        "--checkpoint-key",
        &key,
    ];
    args.extend(files.iter().map(String::as_str));
    let run = exportctl(&args);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
    assert!(run.stderr.contains("unsupported URL"), "{}", run.stderr);
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let mut args = vec!["check", "--audit", &url];
    args.extend(files.iter().map(String::as_str));
    let run = exportctl(&args);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
    assert!(run.stderr.contains("checkpoint key"), "{}", run.stderr);
}

/// A policy set: the bundled default plus an `[audit]` table.
fn set_with_audit(dir: &Path, audit: &str) -> String {
    let default = std::fs::read_to_string(repo().join("policies/default.toml")).unwrap();
    write(dir, "set.toml", format!("{default}\n[audit]\n{audit}\n"))
}

#[test]
fn the_sets_audit_table_records_with_relative_paths_and_digest_input() {
    let dir = temp_dir();
    let (_, public) = keygen(dir.path());
    let set = set_with_audit(
        dir.path(),
        "store = \"sqlite:audit.db\"\nstore_input = \"digest\"\ncheckpoint_key = \"checkpoint.key\"\ncheckpoint_every = 1",
    );
    let files = examples();
    // Run from elsewhere: the paths are relative to the set file.
    let mut args = vec!["check", "--policies", &set];
    args.extend(files.iter().map(String::as_str));
    let run = exportctl_in(&repo(), &args, None);
    assert_eq!(run.verdicts().len(), 3, "{}", run.stderr);
    let db = dir.path().join("audit.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    let body: Vec<u8> = c
        .query_row("SELECT body FROM records ORDER BY seq LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let record: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(record["input"]["store"], "digest");
    assert!(record["input"].get("shipment").is_none());
    // Signed with the set's key (the public half verifies it), sealing all three.
    let sealed: i64 = c
        .query_row("SELECT MAX(tree_size) FROM checkpoints", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sealed, 3);
    let url = format!("sqlite:{}", db.display());
    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);

    let bad = set_with_audit(dir.path(), "store = \"sqlite:a.db\"\ncheckpoint_every = 0");
    let run = exportctl(&["check", "--policies", &bad, &files[0]]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
    assert!(
        run.stderr.contains("audit.checkpoint_every"),
        "{}",
        run.stderr
    );
}

/// `check --audit` over many shipments, killed with SIGKILL at 20 random moments
/// (fixed seed): after each death the store opens, `audit verify` passes (and the
/// log extends what the previous round saw), and every verdict printed before
/// the death is in the store, exactly as printed.
#[test]
fn check_audit_killed_at_20_random_moments_loses_no_printed_verdict() {
    let dir = temp_dir();
    let db = dir.path().join("audit.db");
    crash_rounds(
        dir.path(),
        "sqlite:audit.db",
        &format!("sqlite:{}", db.display()),
        || {
            records(&db)
                .into_iter()
                .map(|(_, shipment, verdict)| (shipment, verdict))
                .collect()
        },
    );
}

/// The same against PostgreSQL: a throw-away server started by the test.
#[test]
fn check_audit_on_postgres_killed_at_20_random_moments_loses_no_printed_verdict() {
    let dir = temp_dir();
    let pg = postgres_server::PgServer::start();
    let url = pg.database("crash");
    crash_rounds(dir.path(), &url, &url, || pg_records(&url));
}

/// Every record of a PostgreSQL store: shipment id → verdict.
fn pg_records(url: &str) -> HashMap<String, serde_json::Value> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query("SELECT body FROM records ORDER BY seq", &[])
        .unwrap()
        .into_iter()
        .map(|row| {
            let record: serde_json::Value =
                serde_json::from_slice(&row.get::<_, Vec<u8>>(0)).unwrap();
            (
                record["shipment_id"].as_str().unwrap().to_owned(),
                record["verdict"].clone(),
            )
        })
        .collect()
}

/// Runs `check` with a set recording to `set_store` (as the set's `[audit]`
/// table names it) over many shipments, kills it at 20 random moments, and after
/// each checks the store at `url`: `audit verify` passes, extending the
/// checkpoint of the round before, and `stored()` holds every printed verdict.
fn crash_rounds(
    dir: &Path,
    set_store: &str,
    url: &str,
    stored: impl Fn() -> HashMap<String, serde_json::Value>,
) {
    const SHIPMENTS: usize = 4000;
    let (_, public) = keygen(dir);
    let set = set_with_audit(
        dir,
        &format!(
            "store = \"{set_store}\"\ncheckpoint_key = \"checkpoint.key\"\ncheckpoint_every = 200"
        ),
    );
    let template: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo().join("tests/examples/de-microcontrollers-kz-end-user-ru.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let held = dir.join("held.checkpoint");
    let mut round = 0;
    let mut printed_total = 0;
    let mut rounds_with_output = 0;
    crash::kill_at_random_moments(
        20,
        0x5EED_E2E0,
        Duration::from_millis(1500),
        // Done before the kill: every shipment judged, and each one is denied.
        5,
        || {
            // Ids unique per round, so each printed verdict names one record.
            let mut lines = String::new();
            for n in 0..SHIPMENTS {
                let mut s = template.clone();
                s["id"] = format!("R{round}-{n}").into();
                lines.push_str(&serde_json::to_string(&s).unwrap());
                lines.push('\n');
            }
            let file = write(dir, "shipments.jsonl", lines);
            round += 1;
            let mut c = Command::new(env!("CARGO_BIN_EXE_exportctl"));
            c.args(["check", "--format", "json", "--policies", &set, &file]);
            c
        },
        |round, lines| {
            let mut args = vec!["audit", "verify", url, "--key", &public];
            let held_arg = held.display().to_string();
            if held.exists() {
                args.extend(["--checkpoint", &held_arg]);
            }
            let verify = exportctl(&args);
            // Killed before it created the store (a short delay on a loaded machine):
            // it cannot have printed a verdict, then or before.
            if verify.code != 0
                && verify.stderr.contains("no such file")
                && lines.is_empty()
                && printed_total == 0
            {
                return;
            }
            assert_eq!(verify.code, 0, "round {round}: {}", verify.stderr);
            let stored = stored();
            for line in lines {
                // A line cut by the kill is not a printed verdict.
                let Ok(verdict) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let id = verdict["shipment"].as_str().unwrap();
                // (Not assert_eq: a verdict is a page of JSON.)
                match stored.get(id) {
                    None => panic!("round {round}: printed verdict on {id} is not in the store"),
                    Some(recorded) => assert!(
                        recorded == &verdict,
                        "round {round}: the record of {id} holds another verdict than was printed"
                    ),
                }
                printed_total += 1;
            }
            rounds_with_output += usize::from(!lines.is_empty());
            let cp = exportctl(&["audit", "checkpoint", "--store", url]);
            if cp.code == 0 {
                std::fs::write(&held, &cp.stdout).unwrap();
            }
        },
    );
    assert!(
        rounds_with_output >= 10 && printed_total > 1000,
        "the kills must land while verdicts are printed: {printed_total} in {rounds_with_output} rounds"
    );
}

/// PostgreSQL stopped (as if it crashed) while `check --audit` is judging: the
/// run ends with one error line naming the store and exit 1, and every verdict
/// it printed before is in the store once the server is back.
#[test]
fn postgres_going_away_mid_run_stops_the_run_and_loses_no_printed_verdict() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path());
    let pg = postgres_server::PgServer::start();
    let url = pg.database("away");
    let template: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap(),
    )
    .unwrap();
    let mut lines = String::new();
    for n in 0..20_000 {
        let mut s = template.clone();
        s["id"] = format!("AWAY-{n}").into();
        lines.push_str(&serde_json::to_string(&s).unwrap());
        lines.push('\n');
    }
    let file = write(dir.path(), "shipments.jsonl", lines);
    let out = dir.path().join("out.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args([
            "check",
            "--format",
            "json",
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
            &file,
        ])
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Stop the server once verdicts are being printed (bounded wait).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 100_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "no verdict printed in 60 s"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the server stopped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pg.stop();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("check did not stop within 60 s of the store going away");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    assert!(
        errors[0].contains(&format!("audit store {url}")),
        "{stderr}"
    );

    pg.restart();
    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    let stored = pg_records(&url);
    let printed = std::fs::read_to_string(&out).unwrap();
    let mut n = 0;
    for line in printed.lines() {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = verdict["shipment"].as_str().unwrap();
        assert!(
            stored.get(id) == Some(&verdict),
            "printed verdict on {id} is not in the store as printed"
        );
        n += 1;
    }
    assert!(n > 0 && n < 20_000, "{n} verdicts printed");
}
