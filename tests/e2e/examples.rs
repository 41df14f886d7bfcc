//! The bundled examples (`tests/examples/`, copied from the shared examples) give
//! the outcomes their README states, with the bundled default policy set.

use crate::support::{exportctl, exportctl_in, repo, rules, temp_dir};

fn check_example(file: &str) -> serde_json::Value {
    let path = repo().join("tests/examples").join(file);
    let run = exportctl(&["check", &path.display().to_string()]);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), 1, "{run:?}");
    let verdict = verdicts.into_iter().next().unwrap_or_default();
    let outcome = verdict["outcome"].as_str().unwrap_or_default().to_owned();
    assert_eq!(run.code, crate::support::exit_code_for(&outcome), "{run:?}");
    verdict
}

#[test]
fn founding_case_drones_across_kazakhstan_to_russia_is_denied() {
    let v = check_example("seed-drones-kg-via-kz-to-ru.json");
    assert_eq!(v["outcome"], "deny", "{v}");
    let kz: Vec<_> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["policy"] == "kz-export-control")
        .collect();
    assert!(
        kz.iter().any(|f| f["outcome"] == "deny"),
        "the Kazakh transit ban decides: {v}"
    );
}

#[test]
fn furniture_to_kazakhstan_is_allowed() {
    let v = check_example("de-furniture-to-kz.json");
    assert_eq!(v["outcome"], "allow", "{v}");
    assert!(rules(&v).is_empty(), "{v}");
}

#[test]
fn microcontrollers_for_a_russian_end_user_are_denied() {
    let v = check_example("de-microcontrollers-kz-end-user-ru.json");
    assert_eq!(v["outcome"], "deny", "{v}");
    assert!(
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["policy"] == "chpl-diversion" && f["outcome"] == "deny"),
        "{v}"
    );
}

#[test]
fn every_verdict_lists_each_policy_with_version_and_plugin_hash() {
    let v = check_example("de-furniture-to-kz.json");
    let policies = v["policies"].as_array().cloned().unwrap_or_default();
    let ids: Vec<_> = policies.iter().filter_map(|p| p["id"].as_str()).collect();
    let bundled: Vec<&str> = exportctl::bundled_plugins().collect();
    assert_eq!(
        ids, bundled,
        "the default set runs every bundled policy, in order"
    );
    for p in &policies {
        assert!(
            p["version"]
                .as_str()
                .is_some_and(|s| s.split('.').count() == 3),
            "{p}"
        );
        assert!(
            p["sha256"]
                .as_str()
                .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())),
            "{p}"
        );
        assert_eq!(p["mode"], "enforce");
        assert!(p["error"].is_null());
    }
    assert_eq!(v["as_of"], "2024-05-10");
}

#[test]
fn the_bundled_policies_work_from_any_directory() {
    let dir = temp_dir();
    let example = repo().join("tests/examples/seed-drones-kg-via-kz-to-ru.json");
    let run = exportctl_in(dir.path(), &["check", &example.display().to_string()], None);
    assert_eq!(run.code, 5, "{run:?}");
}

#[test]
fn several_files_give_json_lines_and_the_worst_exit_status() {
    let files: Vec<String> = [
        "de-furniture-to-kz.json",
        "seed-drones-kg-via-kz-to-ru.json",
        "de-microcontrollers-kz-end-user-ru.json",
    ]
    .iter()
    .map(|f| repo().join("tests/examples").join(f).display().to_string())
    .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let run = exportctl(&args);
    let outcomes: Vec<_> = run
        .verdicts()
        .iter()
        .map(|v| v["outcome"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(outcomes, ["allow", "deny", "deny"]);
    assert_eq!(run.code, 5);
}
