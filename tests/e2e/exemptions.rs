//! Findings keyed by their subject (contract 1.2) and exemptions applied to
//! them, through the real sandbox: the bundled screening policy's match of a
//! listed consignee carries the party, list, entry and fingerprint in the
//! verdict's JSON; an exemption of exactly that match moves it to `exempted`
//! while it is valid, and it counts again once the exemption expires or the
//! entry's fingerprint differs. A subject outside the contract fails the
//! policy closed.

use crate::support::{exportctl, hostile, repo, temp_dir, write};
use exportctl::{
    ExemptedParty, Exemption, Host, InvalidInput, JudgeOptions, PolicySetConfig, Sink, Verdict,
    judge,
};
use exportctl_sdk::input::{self, InputFormat, InputLimits};
use exportctl_sdk::{Country, Outcome};
use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A German exporter's US-origin pumps for Rosoboronexport (on the SDN list):
/// the US lists bind, so the SDN match denies.
const SHIPMENT: &str = r#"{"id": "EX-1", "date": "2026-09-01",
  "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
  "consignee": {"name": "Rosoboronexport", "country": "RU"},
  "origin_country": "DE", "destination_country": "RU",
  "lines": [{"line": 1, "description": "pumps", "hs_code": "8413.30", "origin_country": "US",
             "quantity": 1, "value": {"amount": "10.00", "currency": "EUR"}}]}"#;

const SET: &str = "[[policy]]\nplugin = \"party-screening\"\n";

#[test]
fn a_screening_match_carries_its_subject_in_the_verdict() {
    let dir = temp_dir();
    let set = write(dir.path(), "set.toml", SET);
    let shipment = write(dir.path(), "s.json", SHIPMENT);
    let run = exportctl(&["check", "--policies", &set, &shipment]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let verdict = &run.verdicts()[0];
    let sdn = verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "csl-sdn")
        .unwrap_or_else(|| panic!("no SDN match: {verdict:#}"));
    let subject = &sdn["subject"];
    assert_eq!(subject["party"], "consignee", "{sdn:#}");
    assert!(
        subject["list"].as_str().unwrap().ends_with("[SDN]"),
        "{subject}"
    );
    assert!(
        subject["edition"].as_str().unwrap().contains("2026-07-31"),
        "{subject}"
    );
    assert!(
        subject["entry"].as_str().unwrap().starts_with("SDN:"),
        "{subject}"
    );
    let fingerprint = subject["fingerprint"].as_str().unwrap();
    assert!(
        fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
        "{fingerprint}"
    );
    assert!(verdict.get("exempted").is_none(), "{verdict:#}");
    // A finding of a plugin without the keyed evaluator has no subject.
    let kz = write(
        dir.path(),
        "kz.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
            repo()
                .join("tests/fixtures/contract-1.1/kz-export-control.wasm")
                .display()
        ),
    );
    let old = exportctl(&[
        "check",
        "--policies",
        &kz,
        "tests/examples/seed-drones-kg-via-kz-to-ru.json",
    ]);
    let old = &old.verdicts()[0];
    assert!(!old["findings"].as_array().unwrap().is_empty());
    assert!(
        old["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("subject").is_none()),
        "{old:#}"
    );
}

#[test]
fn a_screening_finding_carries_its_subject_through_the_sandbox() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "hostile.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
            hostile("screener").display()
        ),
    );
    let judge = |consignee: &str| {
        let shipment = write(
            dir.path(),
            "s.json",
            SHIPMENT.replace("Rosoboronexport", consignee),
        );
        let run = exportctl(&["check", "--policies", &set, &shipment]);
        run.verdicts().pop().unwrap()
    };
    let listed = judge("LISTED");
    assert_eq!(listed["outcome"], "review");
    assert_eq!(
        listed["findings"][0]["subject"],
        serde_json::json!({"party": "consignee", "list": "Test watchlist",
            "edition": "edition 1", "entry": "W-1", "fingerprint": "fp-1"})
    );
}

/// Keeps the verdicts.
#[derive(Default)]
struct Collect(Vec<Verdict>);

impl Sink for Collect {
    fn verdict(&mut self, _label: &str, verdict: &Verdict) -> io::Result<()> {
        self.0.push(verdict.clone());
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        panic!("invalid input: {error}")
    }
}

/// The verdict on [`SHIPMENT`] with `exemptions` valid at `now`.
fn judged(host: &Arc<Host>, exemptions: Vec<Exemption>, now: SystemTime) -> Verdict {
    let limits = InputLimits::default();
    let docs = input::read_entries(SHIPMENT.as_bytes(), "s.json", InputFormat::Json, &limits)
        .unwrap()
        .into_iter()
        .map(|d| d.map_err(InvalidInput::Read));
    let options = JudgeOptions {
        exemptions: exemptions.into(),
        now: Some(now),
        ..JudgeOptions::default()
    };
    let mut sink = Collect::default();
    judge(docs, &mut host.worker(), &options, &mut sink).unwrap();
    sink.0.pop().unwrap()
}

#[test]
fn an_exemption_silences_its_match_while_valid_and_the_match_counts_again_after() {
    let config = PolicySetConfig::parse(SET, "set.toml", &repo()).unwrap();
    let host = Host::builder(config).build().unwrap();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);

    let plain = judged(&host, Vec::new(), now);
    assert_eq!(plain.outcome, Outcome::Deny);
    let sdn = plain
        .findings
        .iter()
        .find(|f| f.rule() == "csl-sdn")
        .unwrap();
    let subject = sdn.get_subject().cloned().unwrap();
    let exemption = Exemption {
        id: "EXM-1".into(),
        policy: "party-screening".into(),
        rule: "csl-sdn".into(),
        party: ExemptedParty {
            erp_id: None,
            name: "Rosoboronexport".into(),
            country: Country::parse("RU").unwrap(),
        },
        list: subject.list.clone(),
        entry: subject.entry.clone(),
        fingerprint: subject.fingerprint.clone(),
        valid_until: now + Duration::from_secs(86_400),
        reason: "test: judged a false positive".into(),
        officer: "officer-a".into(),
    };

    let exempted = judged(&host, vec![exemption.clone()], now);
    assert!(
        exempted.outcome < Outcome::Deny,
        "the SDN match no longer counts: {exempted:#?}"
    );
    assert!(exempted.findings.iter().all(|f| f.rule() != "csl-sdn"));
    assert_eq!(exempted.exempted.len(), 1);
    assert_eq!(exempted.exempted[0].exemption, "EXM-1");
    assert_eq!(exempted.exempted[0].finding.finding, sdn.finding);
    let report = &exempted.policies[0];
    assert_eq!(
        report.outcome, exempted.outcome,
        "one policy: the same worst"
    );
    let json = serde_json::to_value(&exempted).unwrap();
    assert_eq!(json["exempted"][0]["exemption"], "EXM-1");
    assert_eq!(json["exempted"][0]["rule"], "csl-sdn");
    assert_eq!(json["outcome"], exempted.outcome.as_str());

    // Expired: counted again.
    let expired = judged(&host, vec![exemption.clone()], exemption.valid_until);
    assert_eq!(expired.outcome, Outcome::Deny);
    assert!(expired.exempted.is_empty());
    assert_eq!(expired.findings, plain.findings);
    // The entry changed in a new edition: counted again.
    let changed = Exemption {
        fingerprint: "0".repeat(64),
        ..exemption
    };
    assert_eq!(judged(&host, vec![changed], now).outcome, Outcome::Deny);
}
