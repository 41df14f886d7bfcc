//! Every policy case under `tests/cases/<policy>/` run through the real binary with
//! only that policy enabled: the outcome and the exact set of rule ids must match.

use crate::support::{exit_code_for, exportctl, repo, rules, temp_dir, write};

/// Runs every case of `policy`; returns how many ran. Reports all mismatches at once.
fn run_cases(policy: &str) -> usize {
    let dir = repo().join("tests/cases").join(policy);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let tmp = temp_dir();
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let case: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The whole set as one TOML document, so nested settings tables stay nested.
        let mut entry = toml::Table::new();
        entry.insert("plugin".into(), policy.into());
        if let Some(settings) = case.get("settings") {
            let settings =
                toml::Value::try_from(settings).unwrap_or_else(|e| panic!("{name}: settings: {e}"));
            entry.insert("settings".into(), settings);
        }
        let mut set_table = toml::Table::new();
        set_table.insert(
            "policy".into(),
            toml::Value::Array(vec![toml::Value::Table(entry)]),
        );
        let set = write(
            tmp.path(),
            "set.toml",
            toml::to_string(&set_table).unwrap_or_else(|e| panic!("{name}: {e}")),
        );
        let shipment = write(tmp.path(), "shipment.json", case["shipment"].to_string());
        let run = exportctl(&["check", "--policies", &set, &shipment]);
        let expected_outcome = case["expect"]["outcome"].as_str().unwrap_or_default();
        let mut expected_rules: Vec<String> = case["expect"]["rules"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        expected_rules.sort();
        let Some(verdict) = run.verdicts().into_iter().next() else {
            failures.push(format!("{name}: no verdict: {run:?}"));
            continue;
        };
        let mut got_rules = rules(&verdict);
        // A case tests its policy's findings. On a date the policy is not in
        // force, the host adds `not-judged` (review, `verdict.md`): that is the
        // policy's "no finding", which the case states as allow.
        let mut verdict = verdict;
        let mut run_code = run.code;
        if verdict["policies"][0]["outcome"] == "not_in_force"
            && got_rules == ["not-judged"]
            && run.code == 3
        {
            got_rules.clear();
            verdict["outcome"] = "allow".into();
            run_code = 0;
        }
        if verdict["outcome"] != expected_outcome
            || got_rules != expected_rules
            || run_code != exit_code_for(expected_outcome)
        {
            failures.push(format!(
                "{name}: expected {expected_outcome} {expected_rules:?}, got {} {got_rules:?} (exit {})\n  {}",
                verdict["outcome"], run_code, verdict
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn kz_export_control_cases() {
    assert!(run_cases("kz-export-control") >= 10);
}

#[test]
fn chpl_diversion_cases() {
    assert!(run_cases("chpl-diversion") >= 10);
}

#[test]
fn eu_russia_belarus_cases() {
    assert!(run_cases("eu-russia-belarus") >= 15);
}

#[test]
fn eu_dual_use_cases() {
    assert!(run_cases("eu-dual-use") >= 20);
}

#[test]
fn us_ear_cases() {
    assert!(run_cases("us-ear") >= 15);
}

#[test]
fn party_screening_cases() {
    assert!(run_cases("party-screening") >= 15);
}

#[test]
fn company_rules_cases() {
    assert!(run_cases("company-rules") >= 15);
}

/// A Kyrgyz company founded after February 2022 sends Tier 1 microcontrollers by road
/// across Kazakhstan to a Russian buyer: through the real binary, `chpl-diversion` is in
/// force and gives at least review on every day from 24 Feb 2022 to 2 Dec 2026.
#[test]
fn the_chpl_diversion_pattern_is_at_least_review_on_every_day() {
    let days_in = |y: u32, m: u32| match m {
        2 if y.is_multiple_of(4) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let mut lines = String::new();
    let mut dates = Vec::new();
    let (mut y, mut m, mut d) = (2022, 2, 24);
    while (y, m, d) <= (2026, 12, 2) {
        let date = format!("{y:04}-{m:02}-{d:02}");
        let shipment = serde_json::json!({
            "id": format!("KG-MCU-{date}"),
            "date": date,
            "exporter": { "name": "Ala-Too Electronics OsOO", "country": "KG",
                          "registration_date": "2022-09-14" },
            "consignee": { "name": "OOO Vostok Komponent", "country": "RU" },
            "origin_country": "CN",
            "destination_country": "RU",
            "transit_countries": ["KZ"],
            "transport_mode": "road",
            "lines": [{ "line": 1, "description": "32-bit microcontrollers", "hs_code": "8542.31",
                        "quantity": 20000, "unit": "pcs",
                        "value": { "amount": "64000.00", "currency": "USD" } }]
        });
        lines.push_str(&shipment.to_string());
        lines.push('\n');
        dates.push(date);
        (y, m, d) = match (d < days_in(y, m), m < 12) {
            (true, _) => (y, m, d + 1),
            (false, true) => (y, m + 1, 1),
            (false, false) => (y + 1, 1, 1),
        };
    }
    assert_eq!(dates.len(), 1743);
    let tmp = temp_dir();
    let set = write(
        tmp.path(),
        "set.toml",
        "[[policy]]\nplugin = \"chpl-diversion\"\n",
    );
    let input = write(tmp.path(), "shipments.jsonl", &lines);
    let run = exportctl(&["check", "--policies", &set, &input]);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), dates.len(), "{}", run.stderr);
    for (verdict, date) in verdicts.iter().zip(&dates) {
        assert_eq!(
            verdict["policies"][0]["in_force"], true,
            "{date}: {verdict}"
        );
        assert!(
            ["review", "licence_required", "deny"]
                .contains(&verdict["outcome"].as_str().unwrap_or_default()),
            "{date}: {verdict}"
        );
        assert!(
            rules(verdict).contains(&"chpl-russia-belarus".to_owned()),
            "{date}: {verdict}"
        );
    }
    assert_eq!(run.code, exit_code_for("review"), "{}", run.stderr);
}
