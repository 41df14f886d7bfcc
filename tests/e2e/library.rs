//! The host as a library, in process: `judge()` with a sink of the caller's own,
//! the way a server or a batch runner uses it. Verdicts are those `exportctl
//! check` prints; invalid documents arrive as typed errors naming the shipment
//! and the field path.

use crate::support::repo;
use exportctl::{
    Host, InvalidInput, JudgeOptions, PolicySetConfig, Sink, Verdict, judge, read_file,
};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::InputFormat;
use std::io;

/// Keeps everything it is handed.
#[derive(Default)]
struct Collect {
    verdicts: Vec<(String, Verdict)>,
    invalid: Vec<InvalidInput>,
}

impl Sink for Collect {
    fn verdict(&mut self, label: &str, verdict: &Verdict) -> io::Result<()> {
        self.verdicts.push((label.to_owned(), verdict.clone()));
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        // `InvalidInput` holds an io::Error, so it is not Clone: keep its lines.
        self.invalid.push(InvalidInput::Read(match error {
            InvalidInput::Shipment { errors, .. } => errors[0].clone(),
            InvalidInput::Read(e) => e.clone(),
            other => panic!("unexpected {other}"),
        }));
        Ok(())
    }
}

#[test]
fn judge_hands_verdicts_and_typed_input_errors_to_the_sink_and_counts_them() {
    let host = Host::builder(PolicySetConfig::bundled_default().unwrap())
        .generation(41)
        .build()
        .unwrap();
    let file = |name: &str| repo().join(name).display().to_string();
    let options = JudgeOptions::default();
    let source = [
        file("tests/examples/de-furniture-to-kz.json"),
        file("tests/inputs/invalid-country.json"),
        file("tests/examples/seed-drones-kg-via-kz-to-ru.json"),
    ]
    .into_iter()
    .flat_map(|f| read_file(&f, InputFormat::Auto, &options.limits));
    let mut sink = Collect::default();
    let summary = judge(source, &mut host.worker(), &options, &mut sink).unwrap();

    assert_eq!((summary.judged, summary.invalid), (2, 1), "{summary}");
    assert_eq!(summary.by_outcome.iter().sum::<usize>(), 2);
    assert_eq!(summary.worst, Some(Outcome::Deny));
    let [(label, allow), (_, deny)] = sink.verdicts.as_slice() else {
        panic!("two verdicts expected");
    };
    assert!(
        label.ends_with("de-furniture-to-kz.json: shipment `SO-2024-00310`"),
        "{label}"
    );
    assert_eq!(
        (allow.outcome, deny.outcome),
        (Outcome::Allow, Outcome::Deny)
    );
    assert!(sink.verdicts.iter().all(|(_, v)| v.generation.number == 41));
    let [InvalidInput::Read(error)] = sink.invalid.as_slice() else {
        panic!("one invalid input expected");
    };
    assert!(
        error.path().is_some_and(|p| p.contains("country")),
        "{error}"
    );
    assert!(error.shipment_id().is_some(), "{error}");
}

#[test]
fn a_worker_times_each_policy_in_force_and_only_when_asked() {
    use std::sync::{Arc, Mutex};
    let host = Arc::new(
        Host::builder(PolicySetConfig::bundled_default().unwrap())
            .build()
            .unwrap(),
    );
    let text =
        std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap();
    let shipment = exportctl_sdk::validated::Shipment::from_json(&text).unwrap();
    let timed = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&timed);
    let mut worker = host.worker().on_timing(move |policy, took| {
        sink.lock().unwrap().push((policy.to_owned(), took));
    });
    let verdict = worker.evaluate(&shipment);
    let timed = timed.lock().unwrap().clone();
    let in_force: Vec<String> = verdict
        .policies
        .iter()
        .filter(|p| p.in_force)
        .map(|p| p.id.to_string())
        .collect();
    let named: Vec<String> = timed.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(named, in_force, "one timing per policy in force, in order");
    assert!(timed.iter().all(|(_, took)| !took.is_zero()));
}

#[test]
fn a_worker_reports_the_fuel_each_policy_burns_on_each_call() {
    use exportctl::InstanceMode;
    use std::sync::{Arc, Mutex};
    let host = Arc::new(
        Host::builder(PolicySetConfig::bundled_default().unwrap())
            .build()
            .unwrap(),
    );
    let one_line = exportctl_sdk::validated::Shipment::from_json(
        &std::fs::read_to_string(repo().join("tests/examples/de-furniture-to-kz.json")).unwrap(),
    )
    .unwrap();
    // The same shipment with every line repeated four times over.
    let mut more_lines = one_line.clone();
    let base = more_lines.lines.clone();
    for copy in 1..4u32 {
        for line in &base {
            let mut line = line.clone();
            line.line += copy * 1000;
            more_lines.lines.push(line);
        }
    }
    let burnt = |mode: InstanceMode, shipment: &exportctl_sdk::validated::Shipment<'_>| {
        let fuel = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&fuel);
        let mut worker = host.worker_with(mode).on_fuel(move |policy, fuel| {
            sink.lock().unwrap().push((policy.to_owned(), fuel));
        });
        // Twice: a reused sandbox's second call must cost what the first did.
        worker.evaluate(shipment);
        worker.evaluate(shipment);
        fuel.lock().unwrap().clone()
    };
    let fresh = burnt(InstanceMode::Fresh, &one_line);
    let reused = burnt(InstanceMode::Reused, &one_line);
    assert!(
        !fresh.is_empty() && fresh.iter().all(|(_, fuel)| *fuel > 0),
        "{fresh:?}"
    );
    let (first, second) = fresh.split_at(fresh.len() / 2);
    assert_eq!(
        first, second,
        "a fresh sandbox burns the same fuel on the same shipment"
    );
    let (reused_first, reused_second) = reused.split_at(reused.len() / 2);
    assert_eq!(
        reused_first, first,
        "a new sandbox's first call is the same work in either mode"
    );
    // A reused sandbox may keep what a policy worked out before: settings read on
    // its first call, party-screening's memo of the parties it has screened.
    for ((policy, again), (_, once)) in reused_second.iter().zip(reused_first) {
        assert!(again <= once, "{policy}: {again} > {once}");
    }
    // Fresh sandboxes, so no call benefits from an earlier one.
    let longer = burnt(InstanceMode::Fresh, &more_lines);
    let total = |fuel: &[(String, u64)]| fuel.iter().map(|(_, f)| f).sum::<u64>();
    assert!(
        total(&longer) > total(&fresh),
        "four times the lines burn more fuel: {longer:?} vs {fresh:?}"
    );
}
