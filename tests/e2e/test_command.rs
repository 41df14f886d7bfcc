//! `exportctl test`: case files through the real sandbox, a diff for a failing
//! case, JUnit XML, coverage, and its exit statuses (0 passed, 1 failed, 2 usage).

use crate::support::{exportctl, exportctl_in, repo, temp_dir, write};

/// The company-rules component, as `exportctl policy build` or the tutorial's
/// step 7 makes it.
const COMPANY_RULES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/company-rules.wasm"));

/// The number of case files under `tests/cases`.
fn case_count() -> usize {
    let dir = repo().join("tests/cases");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .flat_map(|e| std::fs::read_dir(e.path()).unwrap().filter_map(Result::ok))
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .count()
}

#[test]
fn every_bundled_case_passes_in_the_sandbox_and_is_reported_in_junit() {
    let tmp = temp_dir();
    let junit = tmp.path().join("cases.xml");
    let run = exportctl(&[
        "test",
        "tests/cases",
        "--junit",
        &junit.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let n = case_count();
    assert!(n >= 100, "only {n} cases");
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("ok    "))
            .count(),
        n
    );
    assert!(
        run.stdout
            .contains(&format!("{n} cases: {n} passed, 0 failed")),
        "{}",
        run.stdout
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(&format!("tests=\"{n}\" failures=\"0\"")),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"kz-export-control\""),
        "{xml}"
    );
}

#[test]
fn a_failing_case_shows_expected_against_actual_and_exits_1() {
    let tmp = temp_dir();
    let dir = tmp.path().join("company-rules");
    std::fs::create_dir(&dir).unwrap();
    let case = repo().join("tests/cases/company-rules/restricted-heading-review.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
    // The case now expects a deny by a rule the policy does not give here.
    value["expect"] = serde_json::json!({ "outcome": "deny", "rules": ["icp-9-9-invented"] });
    write(&dir, "wrong.json", value.to_string());
    let junit = tmp.path().join("cases.xml");
    let run = exportctl_in(
        tmp.path(),
        &["test", "company-rules", "--junit", "cases.xml"],
        None,
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("FAIL  company-rules/wrong.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("expected: deny {\"icp-9-9-invented\"}"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("actual:   review {\"icp-4-2-restricted-goods\"}"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("missing rules:    [\"icp-9-9-invented\"]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 cases: 0 passed, 1 failed"),
        "{}",
        run.stdout
    );
    // The bundled company-rules plugin reads the current wire format: no note.
    assert!(!run.stdout.contains("older than format"), "{}", run.stdout);
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(
        xml.contains("<failure message=\"findings differ from the case\">"),
        "{xml}"
    );
}

#[test]
fn a_built_plugin_runs_its_cases_alone() {
    let tmp = temp_dir();
    let plugin = tmp.path().join("company_rules.wasm");
    std::fs::write(&plugin, COMPANY_RULES).unwrap();
    let run = exportctl(&[
        "test",
        "tests/cases/company-rules",
        "--plugin",
        &plugin.display().to_string(),
        "--coverage",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with(&format!(
            "policy company-rules 1.0.0: contract {}, shipment wire format {}\n",
            exportctl_sdk::CONTRACT_VERSION,
            exportctl_sdk::WIRE_FORMAT
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("coverage (passing cases in which each rule fired):"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("icp-4-2-restricted-goods"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_case_for_a_policy_the_set_lacks_and_bad_usage_are_named() {
    let tmp = temp_dir();
    let dir = tmp.path().join("no-such-policy");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        repo().join("tests/cases/company-rules/restricted-heading-review.json"),
        dir.join("case.json"),
    )
    .unwrap();
    let run = exportctl_in(tmp.path(), &["test", "no-such-policy"], None);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no policy `no-such-policy` in the set"),
        "{}",
        run.stdout
    );

    let run = exportctl_in(tmp.path(), &["test", "missing-dir"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("missing-dir"), "{}", run.stderr);

    let run = exportctl(&["test", "tests/cases", "--min-coverage", "120"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a percentage from 0 to 100"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_case_can_name_the_lines_and_parties_of_each_finding() {
    let tmp = temp_dir();
    let dir = tmp.path().join("company-rules");
    std::fs::create_dir(&dir).unwrap();
    let case = repo().join("tests/cases/company-rules/all-rules-deny.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
    assert!(
        value["expect"]["findings"]
            .as_array()
            .is_some_and(|f| f.len() == 3),
        "the bundled case no longer lists its findings"
    );
    write(&dir, "as-bundled.json", value.to_string());
    // Same rules and outcome, but the restricted-goods finding on line 2 only.
    value["expect"]["findings"][0]["lines"] = serde_json::json!([2]);
    write(&dir, "wrong-lines.json", value.to_string());
    let run = exportctl_in(tmp.path(), &["test", "company-rules"], None);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok    company-rules/as-bundled.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("FAIL  company-rules/wrong-lines.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "expected a finding icp-4-2-restricted-goods on lines [2]; the policy's: lines [1, 2], parties []"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_plugin_reading_an_older_wire_format_is_pointed_at_a_rebuild() {
    // kz-export-control built for contract 1.0.0: it reads wire format 1, which
    // the host still writes for it.
    let run = exportctl(&[
        "test",
        "tests/cases/kz-export-control",
        "--plugin",
        "tests/fixtures/contract-1.0/kz-export-control.wasm",
    ]);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("policy kz-export-control 1.0.0: contract 1.0.0, shipment wire format 1 (older than format 2: this plugin was built with an SDK before contract 1.3.0; rebuild it with this SDK"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}
