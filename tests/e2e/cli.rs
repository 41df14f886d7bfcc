//! The command-line contract (`verdict.md`): formats, `--as-of`, standard input,
//! exit statuses, and one-line errors naming the shipment and the field.

use crate::support::{exportctl, exportctl_in, repo, temp_dir, write};

fn example(name: &str) -> String {
    repo()
        .join("tests/examples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn text_format_puts_the_outcome_first_and_cites_the_law() {
    let run = exportctl(&[
        "check",
        "--format",
        "text",
        &example("seed-drones-kg-via-kz-to-ru.json"),
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("SEED-2022-11-DRONES: DENY"), "{first}");
    assert!(run.stdout.contains("legal basis: "), "{}", run.stdout);
}

#[test]
fn as_of_applies_the_law_of_another_date() {
    let run = exportctl(&[
        "check",
        "--as-of",
        "2021-01-01",
        &example("de-furniture-to-kz.json"),
    ]);
    let v = &run.verdicts()[0];
    assert_eq!(v["as_of"], "2021-01-01");
    let bad = exportctl(&[
        "check",
        "--as-of",
        "2021-02-30",
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("2021-02-30"), "{}", bad.stderr);
}

#[test]
fn reads_standard_input_json_lines_arrays_and_toml() {
    let a = std::fs::read_to_string(example("de-furniture-to-kz.json")).unwrap_or_default();
    let b =
        std::fs::read_to_string(example("seed-drones-kg-via-kz-to-ru.json")).unwrap_or_default();
    let compact = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let jsonl = format!("{}\n{}\n", compact(&a), compact(&b));
    let run = exportctl_in(&repo(), &["check", "-"], Some(jsonl.as_bytes()));
    assert_eq!(run.verdicts().len(), 2, "{run:?}");
    assert_eq!(run.code, 5);

    let dir = temp_dir();
    let array = write(dir.path(), "all.json", format!("[{a},{b}]"));
    assert_eq!(exportctl(&["check", &array]).verdicts().len(), 2);

    let value: serde_json::Value = serde_json::from_str(&a).unwrap_or_default();
    let toml_text = toml::to_string(&value).unwrap_or_default();
    let toml_file = write(dir.path(), "furniture.toml", toml_text);
    let run = exportctl(&["check", &toml_file]);
    assert_eq!((run.code, run.verdicts().len()), (0, 1), "{run:?}");
}

#[test]
fn invalid_input_exits_2_naming_the_shipment_and_field() {
    let dir = temp_dir();
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("de-furniture-to-kz.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    v["lines"][1]["hs_code"] = "94A1".into();
    let file = write(dir.path(), "bad.json", v.to_string());
    let run = exportctl(&["check", &file]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "nothing is judged for invalid input: {}",
        run.stdout
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains("SO-2024-00310") && run.stderr.contains("lines[1].hs_code"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_shipment_does_not_stop_the_others_but_the_exit_status_is_2() {
    let dir = temp_dir();
    let good =
        std::fs::read_to_string(example("seed-drones-kg-via-kz-to-ru.json")).unwrap_or_default();
    let good: serde_json::Value = serde_json::from_str(&good).unwrap_or_default();
    let mut bad = good.clone();
    bad["destination_country"] = "XX".into();
    let file = write(dir.path(), "mixed.jsonl", format!("{bad}\n{good}\n"));
    let run = exportctl(&["check", &file]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.verdicts().len(), 1);
    assert!(run.stderr.contains("destination_country"), "{}", run.stderr);
}

#[test]
fn missing_file_and_syntax_errors_exit_2() {
    let run = exportctl(&["check", "/nonexistent/shipment.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/shipment.json"),
        "{}",
        run.stderr
    );
    let dir = temp_dir();
    let file = write(dir.path(), "broken.json", "{\"id\": \"x\",");
    let run = exportctl(&["check", &file]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.json"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(exportctl(&["check"]).code, 2);
    assert_eq!(exportctl(&["check", "--format", "xml", "x.json"]).code, 2);
    assert_eq!(exportctl(&["frobnicate"]).code, 2);
}

#[test]
fn a_bad_policy_set_is_a_clear_startup_error() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\nenabeld = true\n",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("set.toml") && run.stderr.contains("enabeld"),
        "{}",
        run.stderr
    );

    let set = write(
        dir.path(),
        "set2.toml",
        "[[policy]]\nplugin = \"no-such-policy\"\n",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no-such-policy") && run.stderr.contains("bundled"),
        "{}",
        run.stderr
    );
}

#[test]
fn settings_are_validated_at_load() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\n[policy.settings]\nno_such_setting = 1\n",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("kz-export-control") && run.stderr.contains("no_such_setting"),
        "{}",
        run.stderr
    );
}

#[test]
fn monitor_mode_findings_are_reported_but_do_not_count() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        // us-ear in enforce mode judges the shipment (and finds nothing), so the
        // outcome is its allow, not the host's not-judged review.
        "[[policy]]\nplugin = \"kz-export-control\"\nmode = \"monitor\"\n[[policy]]\nplugin = \"us-ear\"\n",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("seed-drones-kg-via-kz-to-ru.json"),
    ]);
    let v = &run.verdicts()[0];
    assert_eq!((v["outcome"].as_str(), run.code), (Some("allow"), 0), "{v}");
    assert!(
        v["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "{v}"
    );
    assert_eq!(v["policies"][0]["mode"], "monitor");
}

#[test]
fn policies_lists_metadata_and_sha256() {
    let run = exportctl(&["policies", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let listed = run.verdicts();
    assert_eq!(listed.len(), exportctl::bundled_plugins().count());
    for p in &listed {
        assert!(p["sha256"].as_str().is_some_and(|s| s.len() == 64));
        assert_eq!(p["contract_version"], exportctl_sdk::CONTRACT_VERSION);
        assert!(p["legal_basis"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(
            p["limitations"].as_array().is_some_and(|l| !l.is_empty()),
            "policies state what they do not cover: {p}"
        );
        // `policies/default.toml`: fresh for what a user adds, reused for the
        // bundled, stateless policies.
        assert_eq!(p["instance"], "reused", "{p}");
    }
    let text = exportctl(&["policies"]);
    assert!(
        text.stdout.contains("kz-export-control") && text.stdout.contains("sha256:"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_policy_set_that_enables_nothing_is_refused() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\nenabled = false\n",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("enables no policy"), "{}", run.stderr);
}

#[test]
fn a_30_mb_description_is_refused_quickly_and_in_bounded_memory() {
    let dir = temp_dir();
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("de-furniture-to-kz.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    v["lines"][0]["description"] = "x".repeat(30 << 20).into();
    let file = write(dir.path(), "huge.json", v.to_string());
    let started = std::time::Instant::now();
    let run = exportctl(&["check", &file]);
    let elapsed = started.elapsed();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("lines[0].description"),
        "{}",
        run.stderr
    );
    // Generous bound for a loaded CI machine; it takes well under a second.
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
}
