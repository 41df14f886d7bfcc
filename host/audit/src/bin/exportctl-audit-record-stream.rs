//! Records a stream of decisions and prints one line per decision only after its record is
//! committed and synced: `LEAF_INDEX DECISION_ID`. The crash test kills it with SIGKILL and
//! checks that every printed decision is in the store; it stands in for `exportctl check
//! --audit`, which prints verdicts under the same rule.
//!
//! Usage: `exportctl-audit-record-stream STORE_URL KEY_FILE [COUNT]` (records until killed
//! when COUNT is absent). Exit 2 on bad usage or configuration, 1 on a failed record.

use std::collections::VecDeque;
use std::io::Write;
use std::process::ExitCode;

use exportctl_audit::{
    CheckpointKey, DecisionId, DecisionRecord, PolicyEntry, PolicySetRef, RecordKind,
    RecordedInput, Recorder, RecorderConfig, Store,
};
use serde_json::json;

/// Tickets kept in flight: the runner keeps judging while earlier records commit.
const WINDOW: usize = 64;

fn record(n: u64) -> Result<DecisionRecord, exportctl_audit::canonical::CanonicalError> {
    let shipment = json!({"id": format!("SHP-{n}"), "destination": "KZ", "value": n});
    Ok(DecisionRecord {
        kind: RecordKind::Decision,
        decision_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        requested_by: "record-stream".into(),
        request_id: Some(format!("stream-{}-{n}", std::process::id())),
        shipment_id: format!("SHP-{n}"),
        as_of: "2026-12-01".into(),
        input: RecordedInput::full(shipment)?,
        policy_set: PolicySetRef {
            digest: "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83".into(),
            generation: 1,
        },
        policies: vec![PolicyEntry {
            id: "eu-russia-belarus".into(),
            version: "0.1.0".into(),
            plugin_sha256: "00".repeat(32),
            signer: None,
            mode: "enforce".into(),
            settings_digest: "11".repeat(32),
            outcome: Some("allow".into()),
            error: None,
        }],
        verdict: json!({"outcome": "allow", "reasons": []}),
        host_version: env!("CARGO_PKG_VERSION").into(),
        engine_config_hash: "22".repeat(32),
    })
}

fn run(url: &str, key_file: &str, count: Option<u64>) -> Result<(), (u8, String)> {
    let config_err = |e: &dyn std::fmt::Display| (2, e.to_string());
    let key = CheckpointKey::load(std::path::Path::new(key_file)).map_err(|e| config_err(&e))?;
    let store = Store::open(url).map_err(|e| config_err(&e))?;
    let config = RecorderConfig {
        checkpoint_every: 50,
        ..RecorderConfig::default()
    };
    let recorder = Recorder::start(store, key, config).map_err(|e| config_err(&e))?;
    let failed = |e: &dyn std::fmt::Display| (1, e.to_string());
    let mut out = std::io::stdout().lock();
    let mut in_flight = VecDeque::with_capacity(WINDOW);
    let mut ack = |ticket: exportctl_audit::Ticket| -> Result<(), (u8, String)> {
        let receipt = ticket.wait().map_err(|e| failed(&e))?;
        writeln!(out, "{} {}", receipt.leaf_index, receipt.decision_id)
            .and_then(|()| out.flush())
            .map_err(|e| failed(&e))
    };
    let mut n = 0;
    while count.is_none_or(|c| n < c) {
        if in_flight.len() >= WINDOW
            && let Some(t) = in_flight.pop_front()
        {
            ack(t)?;
        }
        let rec = record(n).map_err(|e| failed(&e))?;
        in_flight.push_back(recorder.submit(&rec).map_err(|e| failed(&e))?);
        n += 1;
    }
    for t in in_flight {
        ack(t)?;
    }
    recorder.close().map_err(|e| failed(&e))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = match args.get(2).map(|c| c.parse::<u64>()) {
        None => Ok(None),
        Some(Ok(c)) => Ok(Some(c)),
        Some(Err(e)) => Err(format!("COUNT: {e}")),
    };
    let result = match (&args[..], count) {
        ([url, key, ..], Ok(count)) if args.len() <= 3 => run(url, key, count),
        (_, Err(e)) => Err((2, e)),
        _ => Err((
            2,
            "usage: exportctl-audit-record-stream STORE_URL KEY_FILE [COUNT]".into(),
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("exportctl-audit-record-stream: {msg}");
            ExitCode::from(code)
        }
    }
}
