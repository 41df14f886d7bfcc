//! `exportctl batch`: the verdicts of `check`, in input order, from several
//! threads; CSV rows; the summary; and `--resume` after a SIGKILL.

use crate::support::{example_corpus, exportctl, repo, temp_dir, write};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The lines of a JSON Lines file by shipment, without `input_sha256`.
fn by_shipment(text: &str) -> BTreeMap<String, serde_json::Value> {
    text.lines()
        .map(|line| {
            let mut v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(
                v["input_sha256"].as_str().is_some_and(|d| d.len() == 64),
                "{line}"
            );
            v.as_object_mut().unwrap().remove("input_sha256");
            (v["shipment"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

#[test]
fn batch_on_two_threads_prints_what_check_prints_in_input_order() {
    let dir = temp_dir();
    let mut text = example_corpus("B", 600);
    // A broken line in the middle: reported, counted, and the rest still judged.
    text.insert_str(text.find("\n{\"").unwrap() + 1, "{\"id\": \n");
    let file = write(dir.path(), "day.jsonl", &text);
    let check = exportctl(&["check", &file]);
    let batch = exportctl(&["batch", "--jobs", "2", &file]);
    assert_eq!(check.verdicts().len(), 600, "{}", check.stderr);
    assert_eq!(batch.stdout, check.stdout);
    assert_eq!((batch.code, check.code), (2, 2), "{}", batch.stderr);
    assert!(
        batch
            .stderr
            .contains("summary: 601 inputs: 600 judged (0 from the earlier run): 200 allow, 0 review, 0 licence_required, 400 deny; 1 invalid"),
        "{}",
        batch.stderr
    );
    assert!(
        batch.stderr.contains("summary: invalid: ") && batch.stderr.contains("day.jsonl:2:"),
        "{}",
        batch.stderr
    );
    // The five most frequent rules, ties by name.
    assert!(
        batch
            .stderr
            .contains("summary: rule chpl-russia-belarus: 200 shipments"),
        "{}",
        batch.stderr
    );
    assert_eq!(batch.stderr.matches("summary: rule ").count(), 5);
}

#[test]
fn batch_exits_as_check_does_without_invalid_input() {
    let dir = temp_dir();
    let allow = example_corpus("B", 1);
    let file = write(dir.path(), "one.jsonl", &allow);
    assert_eq!(exportctl(&["batch", &file]).code, 0);
    let file = write(dir.path(), "three.jsonl", example_corpus("B", 3));
    let run = exportctl(&["batch", "--jobs", "3", &file]);
    assert_eq!(run.code, 5, "{run:?}");
}

#[test]
fn batch_csv_has_one_row_per_shipment_with_outcome_rules_and_legal_basis() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 30));
    let check = exportctl(&["check", &file]).verdicts();
    let run = exportctl(&["batch", "--format", "csv", "--jobs", "2", &file]);
    let mut rows = csv::Reader::from_reader(run.stdout.as_bytes());
    assert_eq!(
        rows.headers().unwrap(),
        vec!["shipment", "outcome", "rules", "legal_basis"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 30);
    for (row, verdict) in rows.iter().zip(&check) {
        assert_eq!(&row[0], verdict["shipment"].as_str().unwrap());
        assert_eq!(&row[1], verdict["outcome"].as_str().unwrap());
        assert_eq!(row[2].to_owned(), crate::support::rules(verdict).join(";"));
        assert_eq!(
            &row[3],
            verdict["findings"][0]["legal_basis"].as_str().unwrap_or("")
        );
    }
}

#[test]
fn batch_out_lines_are_checks_lines_with_the_input_digest() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 50));
    let out = dir.path().join("out.jsonl");
    let run = exportctl(&["batch", "--out", out.to_str().unwrap(), &file]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    let check = exportctl(&["check", &file]);
    let check: BTreeMap<_, _> = check
        .verdicts()
        .into_iter()
        .map(|v| (v["shipment"].as_str().unwrap().to_owned(), v))
        .collect();
    assert_eq!(by_shipment(&written), check);
}

#[test]
fn resume_after_sigkill_gives_the_verdicts_of_an_uninterrupted_run() {
    let dir = temp_dir();
    let file = write(dir.path(), "year.jsonl", example_corpus("B", 20_000));
    let whole = dir.path().join("whole.jsonl");
    let run = exportctl(&["batch", "--out", whole.to_str().unwrap(), &file]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let whole = std::fs::read_to_string(&whole).unwrap();
    let expected = by_shipment(&whole);
    assert_eq!(expected.len(), 20_000);

    // Kill at a random point between 10 % and 80 % of the output written.
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let at = whole.len() as u64 * (10 + nanos % 71) / 100;
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(["batch", "--jobs", "2", "--out", out_arg, &file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < at {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the run did not reach {at} bytes"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed = std::fs::read_to_string(&out).unwrap();
    assert!(
        killed.len() < whole.len(),
        "killed at {at}: nothing left to resume"
    );

    let resumed = exportctl(&["batch", "--jobs", "2", "--resume", "--out", out_arg, &file]);
    assert_eq!(resumed.code, 5, "killed at {at}: {}", resumed.stderr);
    // Every whole line was kept; a torn last one was judged again.
    let skipped = killed.matches('\n').count();
    assert!(
        resumed.stderr.contains(&format!(
            "summary: 20000 inputs: 20000 judged ({skipped} from the earlier run)"
        )),
        "killed at {at}: {}",
        resumed.stderr
    );
    let after = std::fs::read_to_string(&out).unwrap();
    assert_eq!(after.lines().count(), 20_000, "killed at {at}");
    assert_eq!(by_shipment(&after), expected, "killed at {at}");
}

#[test]
fn resume_rewrites_a_torn_last_line_and_judges_nothing_twice() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 40));
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().unwrap();
    exportctl(&["batch", "--out", out_arg, &file]);
    let whole = std::fs::read_to_string(&out).unwrap();
    // The first 25 lines whole, the 26th cut half-way.
    let cut: usize = whole.lines().take(25).map(|l| l.len() + 1).sum();
    let torn = &whole[..cut + whole[cut..].find('\n').unwrap() / 2];
    std::fs::write(&out, torn).unwrap();
    let run = exportctl(&["batch", "--resume", "--out", out_arg, &file]);
    assert!(
        run.stderr.contains("40 judged (25 from the earlier run)"),
        "{}",
        run.stderr
    );
    let after = std::fs::read_to_string(&out).unwrap();
    assert_eq!(by_shipment(&after), by_shipment(&whole));
    assert_eq!(after.lines().count(), 40);
    // Nothing left: a second resume judges nothing and leaves the file alone.
    let again = exportctl(&["batch", "--resume", "--out", out_arg, &file]);
    assert!(
        again.stderr.contains("40 judged (40 from the earlier run)"),
        "{}",
        again.stderr
    );
    assert_eq!(again.code, 5);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), after);
}

#[test]
fn resume_judges_a_changed_shipment_again() {
    let dir = temp_dir();
    let text = example_corpus("B", 3);
    let file = write(dir.path(), "day.jsonl", &text);
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().unwrap();
    exportctl(&["batch", "--out", out_arg, &file]);
    // Same ids, but the first shipment now goes to Russia: a new digest.
    let changed = text.replacen(
        "\"destination_country\":\"KZ\"",
        "\"destination_country\":\"RU\"",
        1,
    );
    assert_ne!(changed, text);
    let file = write(dir.path(), "day.jsonl", &changed);
    let run = exportctl(&["batch", "--resume", "--out", out_arg, &file]);
    assert!(
        run.stderr.contains("3 judged (2 from the earlier run)"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 4);
}

#[test]
fn resume_refuses_an_output_that_is_not_batchs() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 2));
    let out = write(dir.path(), "out.jsonl", "{\"shipment\": \"X\"}\n");
    let run = exportctl(&["batch", "--resume", "--out", &out, &file]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("line 1: no `input_sha256`"),
        "{}",
        run.stderr
    );
    assert!(Path::new(&out).exists());
}

#[test]
fn a_progress_bar_on_a_terminal_only() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 6_000));
    let out = dir.path().join("out.jsonl");
    let command = format!(
        "{} batch --jobs 1 --out {} {file}",
        env!("CARGO_BIN_EXE_exportctl"),
        out.display()
    );
    // `script` runs the command with a pseudo-terminal as its standard streams.
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(shown.contains("/6,000 shipments, "), "{shown}");
    assert!(shown.contains("ETA "), "{shown}");
    let piped = exportctl(&[
        "batch",
        "--jobs",
        "1",
        "--out",
        out.to_str().unwrap(),
        &file,
    ]);
    assert!(!piped.stderr.contains("shipments, "), "{}", piped.stderr);
    assert!(
        piped.stderr.contains("summary: 6000 inputs"),
        "{}",
        piped.stderr
    );
}

#[test]
fn a_json_lines_file_beyond_checks_limits_is_streamed_in_bounded_memory() {
    let dir = temp_dir();
    let example =
        std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&example).unwrap();
    let mut lines = |count: usize| {
        let mut text = String::new();
        for i in 0..count {
            doc["id"] = format!("H-{i:06}").into();
            text.push_str(&doc.to_string());
            text.push('\n');
        }
        text
    };
    // More than 100,000 shipments and more than 64 MiB: `check` refuses the file.
    let huge = lines(110_000);
    assert!(huge.len() > 64 << 20, "{} bytes", huge.len());
    let huge = write(dir.path(), "year.jsonl", huge);
    let small = write(dir.path(), "day.jsonl", lines(3_000));
    let refused = exportctl(&["check", &huge]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);

    let out = dir.path().join("out.jsonl");
    let out = out.to_str().unwrap();
    let day = crate::support::exportctl_measured(&["batch", "--jobs", "2", "--out", out, &small]);
    let year = crate::support::exportctl_measured(&["batch", "--jobs", "2", "--out", out, &huge]);
    assert_eq!(year.run.code, 0, "{}", year.run.stderr);
    assert!(
        year.run
            .stderr
            .contains("summary: 110000 inputs: 110000 judged"),
        "{}",
        year.run.stderr
    );
    // Memory does not grow with the file: a 71 MB file costs what a 2 MB one does.
    assert!(
        year.peak_rss_kib < day.peak_rss_kib + 16 * 1024,
        "peak RSS {} KiB for 110,000 shipments, {} KiB for 3,000",
        year.peak_rss_kib,
        day.peak_rss_kib
    );
}

#[test]
fn batch_audit_records_every_decision_before_its_verdict() {
    let dir = temp_dir();
    let file = write(dir.path(), "day.jsonl", example_corpus("B", 40));
    let key = dir.path().join("checkpoint.key");
    let key = key.to_str().unwrap();
    let keygen = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/batch",
        "--out",
        key,
    ]);
    assert_eq!(keygen.code, 0, "{}", keygen.stderr);
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let run = exportctl(&[
        "batch",
        "--jobs",
        "2",
        "--audit",
        &url,
        "--checkpoint-key",
        key,
        &file,
    ]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stdout, exportctl(&["check", &file]).stdout);
    let verify = exportctl(&["audit", "verify", &url, "--key", &format!("{key}.pub")]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert!(verify.stdout.contains("40 records"), "{}", verify.stdout);
    let export = exportctl(&["audit", "export", "--store", &url]);
    let recorded: Vec<String> = export
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            v["record"]["verdict"]["shipment"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        recorded.len(),
        40,
        "{}",
        &export.stdout[..export.stdout.len().min(2000)]
    );

    // Without a key nothing is judged: a usage error naming the store.
    let run = exportctl(&["batch", "--audit", &url, &file]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("needs a checkpoint key"),
        "{}",
        run.stderr
    );
}
