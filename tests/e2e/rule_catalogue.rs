//! Rules declared in the plugin (contract 1.4.0's `rule-catalogue`): listed by
//! `exportctl policies`, `policy inspect` and `exportctl test --coverage`; a
//! finding of an undeclared rule fails the policy closed; an unsound catalogue
//! is refused at load; a plugin built for 1.0.0 still loads, declaring none.

use crate::support::{exportctl, hostile, repo, temp_dir, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// `kz-export-control` as built for contract 1.0.0 (`tests/fixtures/contract-1.0`).
const KZ_1_0: &str = "tests/fixtures/contract-1.0/kz-export-control.wasm";

/// A policy set in `dir` running the unsigned plugin file `plugin` alone.
fn set_of(dir: &Path, plugin: &Path) -> String {
    write(
        dir,
        "set.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
            plugin.display()
        ),
    )
}

/// The rule ids the cases of `policy` under `tests/cases/` expect between them.
fn rules_the_cases_expect(policy: &str) -> BTreeSet<String> {
    let dir = repo().join("tests/cases").join(policy);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .flat_map(|e| {
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
            case["expect"]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_bundled_policy_declares_its_rules_with_basis_and_description() {
    let run = exportctl(&["policies", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let policies: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(policies.len(), 7, "{}", run.stdout);
    let mut total = 0;
    for p in &policies {
        let id = p["id"].as_str().unwrap();
        assert_eq!(
            p["contract_version"],
            exportctl_sdk::CONTRACT_VERSION,
            "{p}"
        );
        assert!(
            p["exports"].as_array().unwrap().iter().any(|e| e
                .as_str()
                .unwrap()
                .starts_with("exportctl:policy/rule-catalogue@")),
            "{p}"
        );
        let rules = p["rules"].as_array().unwrap_or_else(|| panic!("{p}"));
        let declared: BTreeSet<String> = rules
            .iter()
            .map(|r| {
                assert!(!r["legal_basis"].as_str().unwrap().trim().is_empty(), "{r}");
                let description = r["description"].as_str().unwrap();
                assert!(
                    !description.trim().is_empty() && !description.contains('\n'),
                    "{r}"
                );
                r["id"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(declared.len(), rules.len(), "{id}: a rule declared twice");
        // The bundled cases exercise exactly the declared rules.
        assert_eq!(declared, rules_the_cases_expect(id), "{id}");
        total += rules.len();
    }
    assert_eq!(total, 47);

    let text = exportctl(&["policies", "--format", "text"]);
    assert!(
        text.stdout.contains(
            "  rule:         kz-military-export-suspension — military goods exported from \
             Kazakhstan while the 2022 suspension lasts\n"
        ),
        "{}",
        text.stdout
    );
}

#[test]
fn policy_inspect_lists_each_rule_with_its_basis_as_text_and_json() {
    let tmp = temp_dir();
    let plugin = tmp.path().join("hostile-screener.wasm");
    std::fs::copy(hostile("screener"), &plugin).unwrap();
    let run = exportctl(&["policy", "inspect", &plugin.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "rules:     1 declared\n  test-watchlist — a party on the test watchlist\n    test watchlist, edition 1\n"
        ),
        "{}",
        run.stdout
    );

    // The same as one JSON object, for tooling.
    let run = exportctl(&[
        "policy",
        "inspect",
        &plugin.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inspected: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(inspected["loadable"], true, "{inspected}");
    assert_eq!(inspected["sha256"].as_str().unwrap().len(), 64);
    let policy = &inspected["policy"];
    assert_eq!(policy["id"], "hostile-screener", "{inspected}");
    assert_eq!(policy["contract_version"], exportctl_sdk::CONTRACT_VERSION);
    assert_eq!(policy["wire_format"], exportctl_sdk::WIRE_FORMAT);
    assert_eq!(policy["screens_parties"], true);
    assert_eq!(
        policy["rules"],
        serde_json::json!([{
            "id": "test-watchlist",
            "legal_basis": "test watchlist, edition 1",
            "description": "a party on the test watchlist",
        }])
    );
    assert_eq!(inspected["signature"]["state"], "none", "{inspected}");
    assert_eq!(inspected["instance"], Value::Null);

    // A file that is no plugin is reported, not an error of the command.
    let junk = write(tmp.path(), "junk.wasm", "not wasm");
    let run = exportctl(&["policy", "inspect", &junk, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inspected: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(inspected["loadable"], false);
    assert_eq!(inspected["policy"], Value::Null);
    assert!(
        inspected["error"]
            .as_str()
            .unwrap()
            .contains("not a WebAssembly file"),
        "{inspected}"
    );

    let run = exportctl(&["policy", "inspect", KZ_1_0]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("rules:     not declared (built for contract 1.0.0, before 1.4.0)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_plugin_built_for_1_0_still_loads_and_declares_no_rules() {
    let tmp = temp_dir();
    let set = set_of(tmp.path(), &repo().join(KZ_1_0));
    let run = exportctl(&["policies", "--policies", &set, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let p: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(p["contract_version"], "1.0.0");
    assert_eq!(p["rules"], Value::Null);
    let text = exportctl(&["policies", "--policies", &set]);
    assert!(
        text.stdout
            .contains("  rules:        not declared (built for contract 1.0.0, before 1.4.0)\n"),
        "{}",
        text.stdout
    );
    // Its findings are not held to a list: it judges as before.
    let example = repo().join("tests/examples/seed-drones-kg-via-kz-to-ru.json");
    let run = exportctl(&["check", "--policies", &set, &example.display().to_string()]);
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("policy-error"), "{}", run.stdout);
}

#[test]
fn a_finding_of_an_undeclared_rule_fails_the_policy_closed() {
    let tmp = temp_dir();
    let set = set_of(tmp.path(), &hostile("undeclared-rule"));
    let to_russia = repo().join("tests/examples/seed-drones-kg-via-kz-to-ru.json");
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &to_russia.display().to_string(),
    ]);
    // The set's fail outcome (`review`), never the undeclared rule's `deny`.
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let verdict: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let findings = verdict["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{verdict}");
    assert_eq!(findings[0]["rule"], "policy-error");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("rule `test-undeclared` is not one the plugin declares"),
        "{message}"
    );
    // A shipment it has no finding for is judged as usual.
    let elsewhere = repo().join("tests/examples/de-furniture-to-kz.json");
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &elsewhere.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn an_unsound_rule_catalogue_is_refused_at_load() {
    let tmp = temp_dir();
    let set = set_of(tmp.path(), &hostile("bad-catalogue"));
    let run = exportctl(&["policies", "--policies", &set]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("its rule catalogue is refused: rule 1: `test-twice` is declared twice"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_counts_the_declared_rules_and_enforces_a_minimum() {
    let run = exportctl(&["test", "tests/cases", "--min-coverage", "100"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for (policy, rules) in [
        ("chpl-diversion", 3),
        ("company-rules", 4),
        ("eu-dual-use", 5),
        ("eu-russia-belarus", 9),
        ("kz-export-control", 6),
        ("party-screening", 14),
        ("us-ear", 6),
    ] {
        assert!(
            run.stdout
                .contains(&format!("  {policy}: 100 % of {rules} declared rules\n")),
            "{policy}: {}",
            run.stdout
        );
    }

    // One case of company-rules exercises one of its four rules.
    let tmp = temp_dir();
    let dir = tmp.path().join("company-rules");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        repo().join("tests/cases/company-rules/restricted-heading-review.json"),
        dir.join("case.json"),
    )
    .unwrap();
    let dir = dir.display().to_string();
    let run = exportctl(&["test", &dir, "--min-coverage", "50"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("  company-rules: 25 % of 4 declared rules\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("       0  icp-5-1-other-currency\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("coverage of company-rules: 25 % of its rules, below --min-coverage 50"),
        "{}",
        run.stdout
    );
    let run = exportctl(&["test", &dir, "--min-coverage", "25"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}
