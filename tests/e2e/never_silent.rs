//! Never a silent allow: every way the binary could say allow, or exit 0, for a
//! shipment it did not really check — a typo'd field, nothing in force, a closed
//! pipe, a broken JSON Lines line, an allow read as "lawful", a leaked signing
//! key — and the everyday friction around them (`verdict.md`, `shipment.md`).

use crate::support::{exportctl, exportctl_in, repo, temp_dir, write};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};

fn example_path(name: &str) -> String {
    repo()
        .join("tests/examples")
        .join(name)
        .display()
        .to_string()
}

fn example(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(example_path(name)).unwrap()).unwrap()
}

/// The bundled default set with every policy in the given mode (robust to
/// policies added to the default set).
fn default_set_in_mode(mode: &str) -> String {
    let text = std::fs::read_to_string(repo().join("policies/default.toml")).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("mode ="))
        .flat_map(|l| {
            let mut out = vec![l.to_owned()];
            if l.trim_start().starts_with("plugin =") {
                out.push(format!("mode = \"{mode}\""));
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The German microcontrollers for a Russian end user, with `end_user` and
/// `transit_countries` misspelt.
fn typo_shipment(dir: &Path) -> String {
    let mut v = example("de-microcontrollers-kz-end-user-ru.json");
    let end_user = v["end_user"].take();
    let object = v.as_object_mut().unwrap();
    object.remove("end_user");
    object.insert("enduser".into(), end_user);
    object.insert("transit_countires".into(), json!(["BY", "RU"]));
    write(dir, "typo.json", v.to_string())
}

#[test]
fn a_typo_in_an_optional_field_is_reported_and_strict_mode_refuses_it() {
    let dir = temp_dir();
    let file = typo_shipment(dir.path());
    let run = exportctl(&["check", &file]);
    let v = &run.verdicts()[0];
    let warnings = v["warnings"].as_array().expect("a warnings list");
    let find = |path: &str| {
        warnings
            .iter()
            .find(|w| w["kind"] == "unknown-field" && w["path"] == path)
            .unwrap_or_else(|| panic!("no warning for {path}: {warnings:?}"))
    };
    assert_eq!(find("enduser")["suggestion"], "end_user");
    assert_eq!(find("transit_countires")["suggestion"], "transit_countries");
    assert_eq!(v["shipment"], "SO-2024-00417");
    assert!(
        run.stderr.contains(
            "shipment `SO-2024-00417`: unknown field `enduser` is ignored; did you mean `end_user`?"
        ),
        "{}",
        run.stderr
    );
    // The verdict was still given (forward compatibility), from what was known.
    assert_ne!(run.code, 2, "{run:?}");

    // --strict, or the policy set's `unknown_fields = "invalid"`: invalid input.
    let strict = exportctl(&["check", "--strict", &file]);
    assert_eq!(strict.code, 2, "{strict:?}");
    assert!(strict.stdout.is_empty(), "{strict:?}");
    assert!(
        strict.stderr.contains("enduser: unknown field") && strict.stderr.contains("`end_user`"),
        "{}",
        strict.stderr
    );
    let set = write(
        dir.path(),
        "strict.toml",
        default_set_in_mode("enforce").replacen(
            "[host]",
            "[host]\nunknown_fields = \"invalid\"",
            1,
        ),
    );
    let by_set = exportctl(&["check", "--policies", &set, &file]);
    assert_eq!(by_set.code, 2, "{by_set:?}");

    // Thousands of unknown fields do not flood the output: 20 named, the rest counted.
    let mut many = example("de-furniture-to-kz.json");
    for i in 0..2000 {
        many[format!("erp_field_{i}")] = json!(i);
    }
    let many = write(dir.path(), "many.json", many.to_string());
    let run = exportctl(&["check", &many]);
    let warnings = run.verdicts()[0]["warnings"].clone();
    let unknown: Vec<&Value> = warnings
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "unknown-field")
        .collect();
    assert_eq!(unknown.len(), 21, "{warnings}");
    assert_eq!(unknown[20]["message"], "and 1980 more unknown fields");
    assert!(run.stderr.lines().count() < 40, "{}", run.stderr);

    // A correct document has no warnings.
    let clean = exportctl(&["check", &example_path("de-furniture-to-kz.json")]);
    assert_eq!(clean.verdicts()[0]["warnings"], json!([]), "{clean:?}");
}

#[test]
fn nothing_in_force_is_review_not_allow() {
    let file = example_path("de-furniture-to-kz.json");
    let run = exportctl(&["check", "--as-of", "1990-01-01", &file]);
    assert_eq!(run.code, 3, "{run:?}");
    let v = &run.verdicts()[0];
    assert_eq!(v["outcome"], "review");
    let finding = &v["findings"][0];
    assert_eq!(
        (&finding["policy"], &finding["rule"]),
        (&json!("exportctl"), &json!("not-judged"))
    );
    let text = exportctl(&["check", "--format", "text", "--as-of", "1990-01-01", &file]);
    assert!(
        text.stdout.starts_with("SO-2024-00310: REVIEW"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("[exportctl/not-judged]"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_set_with_every_policy_in_monitor_mode_judges_nothing_and_says_so() {
    let dir = temp_dir();
    let set = write(dir.path(), "monitor.toml", default_set_in_mode("monitor"));
    let file = example_path("seed-drones-kg-via-kz-to-ru.json");
    let run = exportctl(&["check", "--policies", &set, &file]);
    assert_eq!(run.code, 3, "{run:?}");
    let v = &run.verdicts()[0];
    assert_eq!(v["outcome"], "review");
    assert!(crate::support::rules(v).contains(&"not-judged".to_owned()));
    // Monitor-mode policies are tagged in the text report's policy line.
    let text = exportctl(&["check", "--policies", &set, "--format", "text", &file]);
    let policies = text
        .stdout
        .lines()
        .find(|l| l.starts_with("  policies:"))
        .unwrap_or_default();
    assert!(
        policies.contains("kz-export-control 1.0.0 (deny, monitor)"),
        "{policies}"
    );
}

#[test]
fn a_policy_not_in_force_reports_not_in_force_not_allow() {
    let run = exportctl(&[
        "check",
        "--as-of",
        "1990-01-01",
        &example_path("de-furniture-to-kz.json"),
    ]);
    let v = &run.verdicts()[0];
    let absent: Vec<&Value> = v["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in_force"] == false)
        .collect();
    assert!(!absent.is_empty(), "{v}");
    for p in absent {
        assert_eq!(p["outcome"], "not_in_force", "{p}");
    }
    let text = exportctl(&[
        "check",
        "--format",
        "text",
        "--as-of",
        "1990-01-01",
        &example_path("de-furniture-to-kz.json"),
    ]);
    assert!(
        text.stdout
            .contains("kz-export-control 1.0.0 (not in force)"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_closed_pipe_does_not_hide_a_deny() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(["check", &example_path("seed-drones-kg-via-kz-to-ru.json")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The reader goes away before the verdict is written (`| head -0`).
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(5), "{status:?}");
}

#[test]
fn a_broken_json_lines_line_hides_no_other_line() {
    let dir = temp_dir();
    let lines = [
        example("seed-drones-kg-via-kz-to-ru.json").to_string(),
        "{\"id\": \"SO-BROKEN\", ".to_owned(),
        example("de-furniture-to-kz.json").to_string(),
        "[1, 2]".to_owned(),
    ];
    for name in ["day.jsonl", "day.json"] {
        let file = write(dir.path(), name, lines.join("\n") + "\n");
        let run = exportctl(&["check", &file]);
        assert_eq!(run.code, 2, "{run:?}");
        let judged: Vec<Value> = run
            .verdicts()
            .iter()
            .map(|v| v["shipment"].clone())
            .collect();
        assert_eq!(
            judged,
            [json!("SEED-2022-11-DRONES"), json!("SO-2024-00310")],
            "{run:?}"
        );
        assert!(run.stderr.contains(&format!("{name}:2:")), "{}", run.stderr);
        assert!(run.stderr.contains(&format!("{name}:4")), "{}", run.stderr);
        assert!(
            run.stderr.contains("summary: 2 judged") && run.stderr.contains("2 invalid"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn every_text_report_ends_saying_what_was_not_checked() {
    // An EU dual-use laser (6A005.b.6) from Germany to Iran.
    let mut v = example("de-furniture-to-kz.json");
    v["id"] = json!("SO-LASER-IR");
    v["consignee"] = json!({"name": "Tehran Optics Co", "country": "IR"});
    v["destination_country"] = json!("IR");
    v["lines"] = json!([{"line": 1, "description": "pulsed laser", "hs_code": "9013.20",
        "control_codes": ["6A005.b.6"], "origin_country": "DE", "quantity": 1,
        "value": {"amount": "85000", "currency": "EUR"}}]);
    let dir = temp_dir();
    let file = write(dir.path(), "laser.json", v.to_string());
    for args in [
        vec!["check", "--format", "text", &file],
        vec![
            "check",
            "--format",
            "text",
            "tests/examples/de-furniture-to-kz.json",
        ],
    ] {
        let run = exportctl(&args);
        let last = run.stdout.lines().last().unwrap_or_default();
        assert!(last.starts_with("  not checked: any law beyond "), "{last}");
        assert!(
            last.contains("eu-russia-belarus (EU sanctions on Russia and Belarus")
                && last.contains("limitations these policies declare"),
            "{last}"
        );
    }
}

#[test]
fn the_json_verdict_keeps_the_shipment_date_next_to_as_of() {
    let run = exportctl(&[
        "check",
        "--as-of",
        "2025-01-01",
        &example_path("de-furniture-to-kz.json"),
    ]);
    let v = &run.verdicts()[0];
    assert_eq!(
        (&v["as_of"], &v["date"]),
        (&json!("2025-01-01"), &json!("2024-05-10"))
    );
}

#[test]
fn several_shipments_end_with_a_summary_and_min_outcome_prints_only_what_needs_a_person() {
    let files = [
        example_path("de-furniture-to-kz.json"),
        example_path("seed-drones-kg-via-kz-to-ru.json"),
    ];
    let run = exportctl(&["check", &files[0], &files[1]]);
    let summary = run.stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("summary: 2 judged: 1 allow"),
        "{summary}"
    );
    assert!(
        summary.contains("1 deny; 0 invalid; 0 not judged"),
        "{summary}"
    );
    let flagged = exportctl(&["check", "--min-outcome", "review", &files[0], &files[1]]);
    assert_eq!(flagged.code, 5, "{flagged:?}");
    let shown: Vec<Value> = flagged.verdicts();
    assert_eq!(shown.len(), 1, "{flagged:?}");
    assert_eq!(shown[0]["shipment"], "SEED-2022-11-DRONES");
    // One shipment: no summary.
    let one = exportctl(&["check", &files[0]]);
    assert!(!one.stderr.contains("summary:"), "{}", one.stderr);
}

#[test]
fn a_rejected_setting_is_named_by_file_line_and_key_and_set_changes_one_setting() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"us-ear\"\n\n[[policy]]\nplugin = \"company-rules\"\n[policy.settings]\nrestricted_hs_headings = []\nreview_destinations = \"AE\"\n",
    );
    let file = example_path("de-furniture-to-kz.json");
    let run = exportctl(&["check", "--policies", &set, &file]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("set.toml` line 8, policy[1].settings.review_destinations: "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("column"), "{}", run.stderr);

    // `--set` changes one setting of the default set; `policies` shows it.
    let run = exportctl(&[
        "check",
        "--set",
        "company-rules.review_destinations=[\"KZ\"]",
        &file,
    ]);
    assert_eq!(run.code, 3, "{run:?}");
    let listed = exportctl(&[
        "policies",
        "--set",
        "company-rules.review_destinations=[\"KZ\"]",
    ]);
    assert!(
        listed.stdout.contains("\"review_destinations\":[\"KZ\"]"),
        "{}",
        listed.stdout
    );
    let unknown = exportctl(&["check", "--set", "no-such-policy.x=1", &file]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
}

#[test]
fn toml_on_standard_input_is_named_and_read_with_input_format() {
    let v = example("de-furniture-to-kz.json");
    let toml_text = toml::to_string(&v).unwrap();
    let run = exportctl_in(&repo(), &["check", "-"], Some(toml_text.as_bytes()));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("looks like TOML"), "{}", run.stderr);
    let run = exportctl_in(
        &repo(),
        &["check", "--input-format", "toml", "-"],
        Some(toml_text.as_bytes()),
    );
    assert_eq!((run.code, run.verdicts().len()), (0, 1), "{run:?}");
}

#[test]
fn validation_reports_every_wrong_field_at_once_with_hints() {
    let mut v = example("de-furniture-to-kz.json");
    v["date"] = json!("10.05.2024");
    v["origin_country"] = json!("UK");
    let dir = temp_dir();
    let file = write(dir.path(), "two-mistakes.json", v.to_string());
    let run = exportctl(&["check", &file]);
    assert_eq!(run.code, 2, "{run:?}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(errors[0].contains("date: \"10.05.2024\"") && errors[0].contains("YYYY-MM-DD, e.g."));
    assert!(errors[1].contains("origin_country: \"UK\"") && errors[1].contains("`GB`"));
}

#[test]
fn data_older_than_the_law_date_is_warned_about_naming_the_list_and_edition() {
    let mut v = example("de-furniture-to-kz.json");
    v["date"] = json!("2030-01-02");
    let dir = temp_dir();
    let file = write(dir.path(), "late.json", v.to_string());
    let run = exportctl(&["check", &file]);
    let warnings = run.verdicts()[0]["warnings"].clone();
    let screening = warnings
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "data-age" && w["path"] == "party-screening")
        .unwrap_or_else(|| panic!("{warnings}"))
        .clone();
    assert!(
        screening["message"]
            .as_str()
            .is_some_and(|m| m.contains("edition 2026-07-31") && m.contains("law date 2030-01-02")),
        "{screening}"
    );
    assert!(run.stderr.contains("edition 2026-07-31"), "{}", run.stderr);
    // Within the limit, or with the warning switched off: none.
    let set = write(
        dir.path(),
        "quiet.toml",
        default_set_in_mode("enforce").replacen("[host]", "[host]\ndata_age_warning_days = 0", 1),
    );
    let quiet = exportctl(&["check", "--policies", &set, &file]);
    assert_eq!(quiet.verdicts()[0]["warnings"], json!([]), "{quiet:?}");
}

/// Runs `exportctl` without `EXPORTCTL_KEY_PASSWORD` and without a terminal.
fn without_password(args: &[&str]) -> crate::support::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .env_remove("EXPORTCTL_KEY_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_secret_key_is_created_owner_only_and_keygen_without_a_terminal_explains_the_password() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let base = dir.path().join("pub");
    let base = base.display().to_string();
    let run = exportctl(&["policy", "keygen", "--unencrypted", &base]);
    assert_eq!(run.code, 0, "{run:?}");
    let mode = |p: String| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(format!("{base}.key")), 0o600);

    let encrypted = dir.path().join("enc").display().to_string();
    let run = without_password(&["policy", "keygen", &encrypted]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("a password is needed")
            && run.stderr.contains("EXPORTCTL_KEY_PASSWORD")
            && run.stderr.contains("--unencrypted"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("os error 6"), "{}", run.stderr);
}
