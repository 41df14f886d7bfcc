//! Per-policy instance modes: in one set, the policy marked `reused` keeps its
//! sandbox from one shipment (and party) to the next, while the one left to the
//! set's `fresh` gets a new sandbox each time. Seen through a plugin that counts
//! its calls in its own instance (`tests/plugins/counter`, and the same source
//! under a second id); `Host::worker_with` still forces one mode for all. The
//! CLI lists each policy's effective mode.

use crate::support::{exportctl, hostile, repo, temp_dir, write};
use exportctl::{Host, InstanceMode, PartyRecord, PolicySetConfig, Verdict};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Country, Date};
use std::path::Path;
use std::sync::Arc;

const COUNTER: &str = "hostile-counter";
const TWIN: &str = "hostile-counter-twin";

/// A fresh set with the counter marked reused and its twin left to the set.
fn mixed_set(dir: &Path) -> String {
    write(
        dir,
        "mixed.toml",
        format!(
            "[host]\ninstance = \"fresh\"\n[trust]\nallow_unsigned = true\n\
             [[policy]]\nplugin = \"{}\"\ninstance = \"reused\"\n\
             [[policy]]\nplugin = \"{}\"\n",
            hostile("counter").display(),
            hostile("counter-twin").display()
        ),
    )
}

fn load(set: &str) -> Arc<Host> {
    let config = PolicySetConfig::load(Path::new(set)).unwrap();
    Host::load(&config).unwrap()
}

fn shipment() -> Shipment<'static> {
    let text =
        std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap();
    Shipment::from_json(&text).unwrap()
}

/// What `policy` said in `verdict`: the counter's one message.
fn said(verdict: &Verdict, policy: &str) -> String {
    let messages: Vec<&str> = verdict
        .findings
        .iter()
        .filter(|f| &*f.policy == policy)
        .map(|f| f.finding.message())
        .collect();
    let [message] = messages.as_slice() else {
        panic!("{policy}: one finding expected, got {messages:?}");
    };
    (*message).to_owned()
}

/// Three shipments through `worker`: what each counter said each time.
fn three_calls(mut worker: exportctl::Worker) -> [Vec<String>; 2] {
    let shipment = shipment();
    let verdicts: Vec<Verdict> = (0..3).map(|_| worker.evaluate(&shipment)).collect();
    [COUNTER, TWIN].map(|p| verdicts.iter().map(|v| said(v, p)).collect())
}

fn calls(numbers: [u32; 3]) -> Vec<String> {
    numbers
        .iter()
        .map(|n| format!("call {n} of this instance"))
        .collect()
}

#[test]
fn in_one_set_the_reused_policy_keeps_its_instance_and_the_fresh_one_does_not() {
    let dir = temp_dir();
    let host = load(&mixed_set(dir.path()));
    assert_eq!(host.instance_mode(), InstanceMode::Fresh);
    let modes: Vec<(String, InstanceMode)> = host
        .policies()
        .map(|p| (p.plugin.metadata().id.clone(), p.instance))
        .collect();
    assert_eq!(
        modes,
        [
            (COUNTER.to_owned(), InstanceMode::Reused),
            (TWIN.to_owned(), InstanceMode::Fresh)
        ]
    );

    // As configured: the counter counts on, its twin starts over each time.
    let [counter, twin] = three_calls(host.worker());
    assert_eq!(counter, calls([1, 2, 3]));
    assert_eq!(twin, calls([1, 1, 1]));

    // Forced for all, as the benchmarks do, whatever the set says.
    let [counter, twin] = three_calls(host.worker_with(InstanceMode::Fresh));
    assert_eq!((counter, twin), (calls([1, 1, 1]), calls([1, 1, 1])));
    let [counter, twin] = three_calls(host.worker_with(InstanceMode::Reused));
    assert_eq!((counter, twin), (calls([1, 2, 3]), calls([1, 2, 3])));

    // Party screening keeps sandboxes by the same per-policy modes.
    let mut screener = host.party_screener();
    let party = PartyRecord {
        id: "P-1".into(),
        role: "customer".into(),
        name: "Anyone".into(),
        country: Country::parse("DE").unwrap(),
        aliases: Vec::new(),
        address: None,
    };
    let screened: Vec<Vec<(String, String)>> = (0..3)
        .map(|_| {
            let screening = screener.screen(&party, Date::ymd(2026, 9, 1));
            assert!(screening.failures.is_empty(), "{:?}", screening.failures);
            screening
                .matches
                .into_iter()
                .map(|m| (m.policy, m.message))
                .collect()
        })
        .collect();
    let of = |policy: &str| -> Vec<String> {
        screened
            .iter()
            .map(|matches| {
                let found: Vec<&String> = matches
                    .iter()
                    .filter(|(p, _)| p == policy)
                    .map(|(_, m)| m)
                    .collect();
                assert_eq!(found.len(), 1, "{policy}: {matches:?}");
                found[0].clone()
            })
            .collect()
    };
    assert_eq!(of(COUNTER), calls([1, 2, 3]));
    assert_eq!(of(TWIN), calls([1, 1, 1]));
}

#[test]
fn the_cli_shows_each_policys_effective_instance_mode() {
    let dir = temp_dir();
    let set = mixed_set(dir.path());
    let json = exportctl(&["policies", "--policies", &set, "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let listed: Vec<(String, String)> = json
        .stdout
        .lines()
        .map(|l| {
            let p: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                p["id"].as_str().unwrap().to_owned(),
                p["instance"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (COUNTER.to_owned(), "reused".to_owned()),
            (TWIN.to_owned(), "fresh".to_owned())
        ]
    );
    let text = exportctl(&["policies", "--policies", &set]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("  instance:     reused (one sandbox per worker, kept between shipments)\n")
            && text
                .stdout
                .contains("  instance:     fresh (a new sandbox per shipment)\n"),
        "{}",
        text.stdout
    );

    let inspect = |plugin: &str| {
        let path = hostile(plugin).display().to_string();
        let run = exportctl(&["policy", "inspect", &path, "--policies", &set]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let counter = inspect("counter");
    assert!(
        counter.contains(&format!(
            "instance:  reused (policy[0].instance of {set})\n"
        )),
        "{counter}"
    );
    let twin = inspect("counter-twin");
    assert!(
        twin.contains(&format!(
            "instance:  fresh (the set's [host] instance; policy[1] of {set} gives none)\n"
        )),
        "{twin}"
    );
    // A plugin the set does not list would run in the set's mode.
    let other = inspect("panic");
    assert!(
        other.contains(&format!(
            "instance:  fresh (the set's [host] instance; {set} does not list this file)\n"
        )),
        "{other}"
    );
}
