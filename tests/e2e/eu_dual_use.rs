//! The EU dual-use policy in the bundled default set, through the real binary: the
//! shipments issue 12 was about, and the two EU policies firing on one line.

use crate::support::{exit_code_for, exportctl, temp_dir, write};
use serde_json::{Value, json};

/// A German exporter's shipment of one line with `codes` to `destination`.
fn shipment(id: &str, destination: &str, description: &str, hs: &str, codes: &[&str]) -> Value {
    json!({
        "id": id,
        "date": "2026-03-02",
        "exporter": { "name": "Rhein Photonik GmbH", "country": "DE" },
        "consignee": { "name": "Consignee of the test", "country": destination },
        "origin_country": "DE",
        "destination_country": destination,
        "lines": [{ "line": 1, "description": description, "hs_code": hs, "control_codes": codes,
                    "quantity": 2, "unit": "pcs", "value": { "amount": "84000", "currency": "EUR" } }]
    })
}

/// The default set's verdict on `doc`, checked against the exit status.
fn verdict(doc: &Value) -> Value {
    let dir = temp_dir();
    let file = write(dir.path(), "shipment.json", doc.to_string());
    let run = exportctl(&["check", &file]);
    let verdict = run.verdicts().into_iter().next().unwrap_or_default();
    let outcome = verdict["outcome"].as_str().unwrap_or_default().to_owned();
    assert_eq!(run.code, exit_code_for(&outcome), "{run:?}");
    verdict
}

/// The findings of `policy`, as (rule, outcome, legal basis).
fn findings(verdict: &Value, policy: &str) -> Vec<(String, String, String)> {
    verdict["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["policy"] == policy)
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("rule"), s("outcome"), s("legal_basis"))
        })
        .collect()
}

// See: issue 12 (a German laser to Iran came out `ALLOW … no findings`).
#[test]
fn issue_12_a_german_laser_to_iran_needs_a_licence() {
    let v = verdict(&shipment(
        "DU-E2E-1",
        "IR",
        "Continuous-wave fibre laser, 1 kW",
        "9013.20",
        &["6A005.b.6"],
    ));
    assert_eq!(v["outcome"], "licence_required", "{v}");
    let ours = findings(&v, "eu-dual-use");
    assert_eq!(ours.len(), 1, "{v}");
    let (rule, outcome, basis) = &ours[0];
    assert_eq!(
        (rule.as_str(), outcome.as_str()),
        ("eu-dual-use-art3-export", "licence_required")
    );
    assert!(
        basis.starts_with("Reg. (EU) 2021/821 Art. 3(1)") && basis.ends_with("6A005"),
        "{basis}"
    );
}

#[test]
fn an_annex_i_item_to_russia_gets_both_eu_policies_each_citing_its_regulation() {
    let v = verdict(&shipment(
        "DU-E2E-2",
        "RU",
        "Radiation-hardened microcircuits",
        "8542.39",
        &["3A001.a.2"],
    ));
    assert_eq!(v["outcome"], "deny", "the worst of the two: {v}");
    let dual_use = findings(&v, "eu-dual-use");
    assert!(
        dual_use
            .iter()
            .any(|(rule, outcome, basis)| rule == "eu-dual-use-art3-export"
                && outcome == "licence_required"
                && basis.starts_with("Reg. (EU) 2021/821 Art. 3(1)")
                && !basis.contains("833/2014")),
        "{v}"
    );
    let sanctions = findings(&v, "eu-russia-belarus");
    assert!(
        sanctions
            .iter()
            .any(|(rule, outcome, basis)| rule == "eu-art2-dual-use"
                && outcome == "deny"
                && basis.starts_with("Reg. (EU) 833/2014")
                && !basis.contains("2021/821 Art. 3")),
        "{v}"
    );
}

#[test]
fn a_used_general_authorisation_is_shown_in_an_allowed_verdict() {
    let v = verdict(&shipment(
        "DU-E2E-3",
        "US",
        "Continuous-wave fibre laser, 1 kW",
        "9013.20",
        &["6A005.b.6"],
    ));
    assert_eq!(v["outcome"], "allow", "{v}");
    let ours = findings(&v, "eu-dual-use");
    assert_eq!(ours.len(), 1, "{v}");
    assert_eq!(
        (ours[0].0.as_str(), ours[0].1.as_str()),
        ("eu-dual-use-eu001", "allow"),
        "{v}"
    );
    let message = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "eu-dual-use-eu001")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(
        message.contains("first use") && message.contains("reporting"),
        "{message}"
    );
}
