//! `exportctl audit replay`: re-judge recorded decisions with the set that
//! reached them (does the log still reproduce?) or with a new set (what would it
//! decide differently?).
//!
//! Replay rebuilds each record's host from the store (`Host::rebuild`: the set's
//! canonical form and plugin bytes, each checked against its digest), one per
//! set digest and recorded signers, and compares the verdict JSON it gives with
//! the recorded one. Unknown-field warnings come from the *document* (the record
//! holds the validated shipment, which has none), so the replayed verdict takes
//! them from the recorded verdict; everything else must come out the same.
//!
//! Exit status: 0 every decision identical (replay) or the what-if report
//! written; 6 a decision replays differently, or the store's plugin bytes or set
//! form do not match their digests, or (`--key`) the log does not verify; 2 usage (an unknown decision, a missing `--input` for a record that
//! keeps only its input's digest); 1 a store error or bytes not kept.

use super::audit::{Failed, open_store, read_verifier, store_failed};
use super::{Format, load_host};
use exportctl::{CodeCache, Host, RebuildError, RecordedSet, SettingOverride, Verdict, Worker};
use exportctl_audit::{AnyRecord, DecisionId, DecisionRecord, RecordKind, RecordedInput, Store};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::{Document, InputFormat, InputLimits, parse_shipment_all};
use exportctl_sdk::validated::Shipment;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `exportctl audit replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// One decision to replay (a UUIDv7); without it, every decision in
    /// `--from`..`--to` (the whole log if neither is given).
    #[arg(value_name = "DECISION_ID", conflicts_with_all = ["from", "to"])]
    pub decision_id: Option<String>,
    /// The store.
    #[arg(long, value_name = "URL")]
    pub store: String,
    /// Decisions at or after this time (RFC 3339, UTC, e.g. 2026-12-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Decisions before this time.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Shipment files for records that keep only their input's digest
    /// (`store_input = "digest"`), matched by the digest (repeatable).
    #[arg(long = "input", value_name = "FILE")]
    pub input: Vec<String>,
    /// What-if: judge the recorded inputs with this policy set instead of the
    /// recorded one, and report which decisions it decides differently.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// What-if: change one setting of the new set, `POLICY.KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<SettingOverride>,
    /// Verify the whole log with this public key first; refuse to replay one
    /// that does not verify.
    #[arg(long, value_name = "PUBKEY")]
    pub key: Option<PathBuf>,
    /// `text` for people, `json` for machines.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// What-if: examples listed per change.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub examples: usize,
}

/// Calls `f` on each record to replay, in leaf order, streaming: a long range is
/// never held in memory. `f` must not use `store` (a PostgreSQL store streams
/// on its one connection); lookups go through a second connection.
fn each_record(
    store: &Store,
    args: &ReplayArgs,
    mut f: impl FnMut(DecisionRecord) -> Result<(), Failed>,
) -> Result<(), Failed> {
    let name = store.name().to_owned();
    // Replays re-judge decisions; other records (party screenings) are skipped in a
    // range and refused by id.
    let is_decision = |index: u64, bytes: &[u8]| {
        AnyRecord::kind_of(bytes)
            .map(|kind| kind == RecordKind::Decision)
            .map_err(|e| {
                Failed::tampered(format!(
                    "audit store {name}: record at leaf index {index} cannot be read: {e}"
                ))
            })
    };
    let decode = |index: u64, bytes: &[u8]| {
        DecisionRecord::decode(bytes).map_err(|e| {
            Failed::tampered(format!(
                "audit store {name}: record at leaf index {index} cannot be read: {e}"
            ))
        })
    };
    if let Some(id) = &args.decision_id {
        let id: DecisionId = id.parse().map_err(Failed::usage)?;
        return match store.find(&id).map_err(|e| store_failed(&e))? {
            Some((index, bytes)) if is_decision(index, &bytes)? => f(decode(index, &bytes)?),
            Some(_) => Err(Failed::usage(format!(
                "audit store {name}: {id} is not a decision (a party screening): replay re-judges decisions"
            ))),
            None => Err(Failed::usage(format!(
                "audit store {name}: no decision {id}"
            ))),
        };
    }
    store
        .for_each_record(args.from.as_deref(), args.to.as_deref(), |r| {
            if !is_decision(r.index, &r.bytes)? {
                return Ok(());
            }
            f(decode(r.index, &r.bytes)?)
        })
        .map_err(|e| store_failed(&e))?
}

/// Shipments given with `--input`, found by the digest a record keeps.
struct Inputs {
    docs: Vec<Document<'static>>,
    /// Per law date: the digest of each document validated at that date (the
    /// validated shipment holds its `as_of`, so the digest depends on it).
    by_as_of: HashMap<String, HashMap<String, Shipment<'static>>>,
}

impl Inputs {
    fn read(files: &[String]) -> Result<Inputs, Failed> {
        let limits = InputLimits::default();
        let mut docs = Vec::new();
        for file in files {
            for doc in exportctl::read_file(file, InputFormat::Auto, &limits) {
                docs.push(doc.map_err(|e| Failed::usage(format!("--input: {e}")))?);
            }
        }
        Ok(Inputs {
            docs,
            by_as_of: HashMap::new(),
        })
    }

    fn find(&mut self, as_of: &str, sha256: &str) -> Option<Shipment<'static>> {
        let docs = &self.docs;
        let index = self.by_as_of.entry(as_of.to_owned()).or_insert_with(|| {
            let date = exportctl_sdk::Date::parse(as_of);
            docs.iter()
                .filter_map(|doc| {
                    let shipment = parse_shipment_all(doc, date, &InputLimits::default()).ok()?;
                    let value = serde_json::to_value(&shipment).ok()?;
                    let digest = RecordedInput::digest_of(&value).ok()?;
                    Some((digest.sha256().to_owned(), shipment.into_owned()))
                })
                .collect()
        });
        index.get(sha256).cloned()
    }
}

/// The shipment a record was judged on: kept in full (checked against its
/// digest), or found among `--input` by its digest; `None` if not supplied.
fn shipment_of<'r>(
    record: &'r DecisionRecord,
    inputs: &mut Inputs,
) -> Result<Option<Shipment<'r>>, Failed> {
    match &record.input {
        RecordedInput::Full { sha256, shipment } => {
            let damaged = |what: String| {
                Failed::tampered(format!(
                    "decision {} (shipment `{}`): the recorded shipment {what}",
                    record.decision_id, record.shipment_id
                ))
            };
            let parsed = Shipment::deserialize(shipment)
                .map_err(|e| damaged(format!("cannot be read: {e}")))?;
            let again = serde_json::to_value(&parsed)
                .ok()
                .and_then(|v| RecordedInput::digest_of(&v).ok());
            match again {
                Some(d) if d.sha256() == sha256 => Ok(Some(parsed)),
                _ => Err(damaged(format!("does not hash to its sha256 {sha256}"))),
            }
        }
        RecordedInput::Digest { sha256 } => Ok(inputs.find(&record.as_of, sha256)),
    }
}

/// Applies again the exemptions the recorded verdict names under `exempted`, found in the
/// log by their ids, as they stood at the decision's time: a decision an officer's exemption
/// changed replays to what was decided, and one whose exemption record is missing or
/// edited does not.
fn reapply_exemptions(
    store: &Store,
    record: &DecisionRecord,
    shipment: &Shipment,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let Some(exempted) = record.verdict.get("exempted").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut ids: Vec<&str> = exempted
        .iter()
        .filter_map(|e| e.get("exemption").and_then(Value::as_str))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut exemptions = Vec::with_capacity(ids.len());
    for id in ids {
        let missing = || {
            format!(
                "decision {}: its exemption {id} is not an exemption record of this log",
                record.decision_id
            )
        };
        let parsed: DecisionId = id.parse().map_err(|_| missing())?;
        let (_, bytes) = store
            .find(&parsed)
            .map_err(|e| e.to_string())?
            .ok_or_else(missing)?;
        let granted = exportctl_audit::ExemptionRecord::decode(&bytes).map_err(|_| missing())?;
        exemptions.extend(exportctl::Exemption::from_record(&granted));
    }
    let at = record
        .time
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(exportctl::exemption_time)
        .ok_or_else(|| {
            format!(
                "decision {}: time `{}` is not RFC 3339",
                record.decision_id, record.time
            )
        })?;
    exportctl::apply_exemptions(verdict, shipment, &exemptions, at);
    Ok(())
}

/// Rebuilt hosts, one per set digest and recorded signers, each with a worker.
struct Hosts<'s> {
    store: &'s Store,
    built: HashMap<(String, Vec<(String, String)>), Worker>,
}

impl Hosts<'_> {
    fn worker(&mut self, record: &DecisionRecord) -> Result<&mut Worker, Failed> {
        let signers = recorded_signers(record);
        let key = (record.policy_set.digest.clone(), signers);
        if !self.built.contains_key(&key) {
            let host = rebuild(self.store, record, &key.1)?;
            self.built.insert(key.clone(), host.worker());
        }
        self.built
            .get_mut(&key)
            .ok_or_else(|| Failed::internal("rebuilt host went missing"))
    }
}

/// Each plugin's sha256 with the signer the record names (`unsigned` if none):
/// what a rebuilt host reports as `signed_by`.
pub(super) fn recorded_signers(record: &DecisionRecord) -> Vec<(String, String)> {
    record
        .policies
        .iter()
        .map(|p| {
            (
                p.plugin_sha256.clone(),
                p.signer.clone().unwrap_or_else(|| "unsigned".to_owned()),
            )
        })
        .collect()
}

/// The host that reached `record`, rebuilt from the store.
pub(super) fn rebuild(
    store: &Store,
    record: &DecisionRecord,
    signers: &[(String, String)],
) -> Result<Arc<Host>, Failed> {
    let about = format!(
        "decision {} (shipment `{}`)",
        record.decision_id, record.shipment_id
    );
    let digest = &record.policy_set.digest;
    let form = store
        .policy_set(digest)
        .map_err(|e| Failed::internal(format!("{about}: {e}")))?
        .ok_or_else(|| {
            Failed::internal(format!(
                "{about}: audit store {}: policy set {digest} is not kept (recorded before stores kept policy sets?)",
                store.name()
            ))
        })?;
    Host::rebuild(
        RecordedSet {
            digest,
            form: &form,
            generation: record.policy_set.generation,
        },
        CodeCache::from_env(),
        |sha| match store.plugin(sha) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(format!("not kept in audit store {}", store.name())),
            Err(e) => Err(e.to_string()),
        },
        |sha| {
            signers
                .iter()
                .find(|(s, _)| s == sha)
                .map(|(_, signer)| signer.clone())
        },
    )
    .map_err(|e| match e {
        RebuildError::FormDigest { .. }
        | RebuildError::PluginDigest { .. }
        | RebuildError::Differs { .. }
        | RebuildError::Signer { .. } => Failed::tampered(format!("{about}: {e}")),
        other => Failed::internal(format!("{about}: {}", super::with_causes(&other))),
    })
}

/// The replayed verdict's JSON, with what came from the document rather than
/// the decision (unknown-field warnings, ahead of the others as `check` puts
/// them) taken from the recorded verdict.
fn replayed_json(verdict: &Verdict, recorded: &Value) -> Result<Value, Failed> {
    let mut value = serde_json::to_value(verdict).map_err(Failed::internal)?;
    let from_document: Vec<Value> = recorded
        .get("warnings")
        .and_then(Value::as_array)
        .map(|ws| {
            ws.iter()
                .filter(|w| w.get("kind").and_then(Value::as_str) == Some("unknown-field"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Array(ws)) = value.get_mut("warnings") {
        ws.splice(0..0, from_document);
    }
    Ok(value)
}

/// One difference between the recorded and the replayed verdict.
#[derive(Debug)]
struct Difference {
    path: String,
    recorded: Option<Value>,
    replayed: Option<Value>,
}

/// Every leaf where `a` and `b` differ, by JSON path; the outcome first.
fn differences(recorded: &Value, replayed: &Value) -> Vec<Difference> {
    fn walk(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Difference>) {
        match (a, b) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(p, x.get(k), y.get(k), out);
                }
            }
            (Some(Value::Array(x)), Some(Value::Array(y))) => {
                for i in 0..x.len().max(y.len()) {
                    walk(format!("{path}[{i}]"), x.get(i), y.get(i), out);
                }
            }
            _ if a == b => {}
            _ => out.push(Difference {
                path,
                recorded: a.cloned(),
                replayed: b.cloned(),
            }),
        }
    }
    let mut out = Vec::new();
    walk(String::new(), Some(recorded), Some(replayed), &mut out);
    out.sort_by_key(|d| d.path != "outcome");
    out
}

fn shown(v: &Option<Value>) -> String {
    v.as_ref()
        .map_or_else(|| "(absent)".to_owned(), Value::to_string)
}

/// One decision replayed by the service (`POST /v1/decisions/{id}/replay`).
pub(crate) struct Replayed {
    /// The replayed verdict's JSON.
    pub(crate) verdict: Value,
    /// The generation that judged it: (set digest, number).
    pub(crate) policy_set: (String, u64),
    /// Every difference from the recorded verdict: (path, recorded, replayed).
    pub(crate) differences: Vec<(String, Option<Value>, Option<Value>)>,
}

/// Replays `record` with `host`, or with the set that reached it (rebuilt from
/// `store`) when `host` is `None`; `Ok(None)` when the record keeps only its
/// input's digest. `Err` is the message.
pub(crate) fn replay_one(
    store: &Store,
    record: &DecisionRecord,
    host: Option<Arc<Host>>,
) -> Result<Option<Replayed>, String> {
    let mut no_inputs = Inputs {
        docs: Vec::new(),
        by_as_of: HashMap::new(),
    };
    let Some(shipment) = shipment_of(record, &mut no_inputs).map_err(|f| f.message())? else {
        return Ok(None);
    };
    let host = match host {
        Some(host) => host,
        None => rebuild(store, record, &recorded_signers(record)).map_err(|f| f.message())?,
    };
    let mut verdict = host.evaluate(&shipment);
    reapply_exemptions(store, record, &shipment, &mut verdict)?;
    let replayed = replayed_json(&verdict, &record.verdict).map_err(|f| f.message())?;
    let differences = differences(&record.verdict, &replayed)
        .into_iter()
        .map(|d| (d.path, d.recorded, d.replayed))
        .collect();
    Ok(Some(Replayed {
        verdict: replayed,
        policy_set: (
            verdict.generation.set_digest.to_string(),
            verdict.generation.number,
        ),
        differences,
    }))
}

/// Verifies the whole log first when `--key` is given.
fn verify_first(store: &Store, key: Option<&std::path::Path>) -> Result<(), Failed> {
    if let Some(key) = key {
        let verifier = read_verifier(key)?;
        exportctl_audit::verify(store, &verifier, None).map_err(|e| match e {
            exportctl_audit::VerifyError::Store(e) => store_failed(&e),
            other => Failed::tampered(format!(
                "the log does not verify, so it is not replayed: {other}"
            )),
        })?;
    }
    Ok(())
}

pub(super) fn replay(args: &ReplayArgs) -> Result<(), Failed> {
    let store = open_store(&args.store)?;
    verify_first(&store, args.key.as_deref())?;
    let mut inputs = Inputs::read(&args.input)?;
    match &args.policies {
        Some(_) => what_if(args, &store, &mut inputs),
        None if !args.set.is_empty() => Err(Failed::usage(
            "--set changes the new set of a what-if: give --policies NEW_SET too",
        )),
        None => {
            // Plugins and set forms are read on a second connection while the
            // first streams the records.
            let lookups = open_store(&args.store)?;
            against_recorded(args, &store, &lookups, &mut inputs)
        }
    }
}

/// Replays each record with the set that reached it.
fn against_recorded(
    args: &ReplayArgs,
    store: &Store,
    lookups: &Store,
    inputs: &mut Inputs,
) -> Result<(), Failed> {
    let mut hosts = Hosts {
        store: lookups,
        built: HashMap::new(),
    };
    let mut decisions = 0usize;
    let (mut identical, mut differ, mut not_kept) = (0usize, 0usize, 0usize);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let write_err = |e: io::Error| Failed::internal(format!("cannot write the report: {e}"));
    each_record(store, args, |record| {
        let record = &record;
        decisions += 1;
        let Some(shipment) = shipment_of(record, inputs)? else {
            not_kept += 1;
            match args.format {
                Format::Text => writeln!(
                    out,
                    "{} {}: input not kept (the record keeps only its sha256 {}; pass the shipment with --input)",
                    record.decision_id,
                    record.shipment_id,
                    record.input.sha256()
                ),
                Format::Json => writeln!(
                    out,
                    "{}",
                    json!({"decision_id": record.decision_id, "shipment_id": record.shipment_id,
                        "result": "input_not_kept", "input_sha256": record.input.sha256()})
                ),
            }
            .map_err(write_err)?;
            return Ok(());
        };
        let mut verdict = hosts.worker(record)?.evaluate(&shipment);
        reapply_exemptions(hosts.store, record, &shipment, &mut verdict)
            .map_err(Failed::tampered)?;
        let replayed = replayed_json(&verdict, &record.verdict)?;
        let diffs = differences(&record.verdict, &replayed);
        if diffs.is_empty() {
            identical += 1;
        } else {
            differ += 1;
        }
        match args.format {
            Format::Text if diffs.is_empty() => writeln!(
                out,
                "{} {}: identical",
                record.decision_id, record.shipment_id
            ),
            Format::Text => {
                let mut text = format!(
                    "{} {}: differs ({} differences)",
                    record.decision_id,
                    record.shipment_id,
                    diffs.len()
                );
                for d in &diffs {
                    text.push_str(&format!(
                        "\n  {}: recorded {}, replayed {}",
                        d.path,
                        shown(&d.recorded),
                        shown(&d.replayed)
                    ));
                }
                writeln!(out, "{text}")
            }
            Format::Json => writeln!(
                out,
                "{}",
                json!({
                    "decision_id": record.decision_id,
                    "shipment_id": record.shipment_id,
                    "result": if diffs.is_empty() { "identical" } else { "differs" },
                    "differences": diffs.iter().map(|d| json!({
                        "path": d.path, "recorded": d.recorded, "replayed": d.replayed,
                    })).collect::<Vec<_>>(),
                })
            ),
        }
        .map_err(write_err)?;
        Ok(())
    })?;
    match args.format {
        Format::Text => writeln!(
            out,
            "replayed {decisions} decisions: {identical} identical, {differ} differ, {not_kept} input not kept"
        ),
        Format::Json => writeln!(
            out,
            "{}",
            json!({"summary": {"decisions": decisions, "identical": identical,
                "differ": differ, "input_not_kept": not_kept}})
        ),
    }
    .map_err(write_err)?;
    out.flush().map_err(write_err)?;
    if differ > 0 {
        Err(Failed::tampered(format!(
            "{differ} of {decisions} decisions do not replay identically: the log no longer reproduces them"
        )))
    } else if not_kept > 0 {
        Err(Failed::usage(format!(
            "{not_kept} decisions keep only their input's digest and were not replayed: pass their shipments with --input"
        )))
    } else {
        Ok(())
    }
}

/// A decision, as an example of a change.
#[derive(Clone)]
struct Example {
    decision_id: String,
    shipment_id: String,
}

/// Decisions that share one change.
#[derive(Default)]
struct Group {
    count: usize,
    examples: Vec<Example>,
}

impl Group {
    fn add(&mut self, example: &Example, max: usize) {
        self.count += 1;
        if self.examples.len() < max {
            self.examples.push(example.clone());
        }
    }
}

/// Each (policy, rule) of a verdict JSON's findings with its worst outcome.
fn rule_outcomes(verdict: &Value) -> BTreeMap<(String, String), Outcome> {
    let mut out: BTreeMap<(String, String), Outcome> = BTreeMap::new();
    for f in verdict
        .get("findings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
        let Ok(outcome) =
            serde_json::from_value::<Outcome>(f.get("outcome").cloned().unwrap_or_default())
        else {
            continue;
        };
        let e = out.entry((text("policy"), text("rule"))).or_insert(outcome);
        *e = (*e).max(outcome);
    }
    out
}

/// A change of one rule between the recorded and the new verdict.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct RuleChange {
    policy: String,
    rule: String,
    change: &'static str,
    from: Option<Outcome>,
    to: Option<Outcome>,
}

/// Judges the recorded inputs with a new set and reports what it decides differently.
fn what_if(args: &ReplayArgs, store: &Store, inputs: &mut Inputs) -> Result<(), Failed> {
    let host = load_host(args.policies.as_ref(), &args.set)
        .map_err(|e| Failed::usage(super::load_error_line(&e)))?;
    let mut worker = host.worker();
    let mut outcomes: BTreeMap<(Outcome, Outcome), Group> = BTreeMap::new();
    let mut rules: BTreeMap<RuleChange, Group> = BTreeMap::new();
    let (mut changed, mut same) = (0usize, 0usize);
    let mut not_kept: Vec<Example> = Vec::new();
    let mut decisions = 0usize;
    each_record(store, args, |record| {
        let record = &record;
        decisions += 1;
        let example = Example {
            decision_id: record.decision_id.to_string(),
            shipment_id: record.shipment_id.clone(),
        };
        let Some(shipment) = shipment_of(record, inputs)? else {
            not_kept.push(example);
            return Ok(());
        };
        let verdict = worker.evaluate(&shipment);
        let before: Option<Outcome> =
            serde_json::from_value(record.verdict.get("outcome").cloned().unwrap_or_default()).ok();
        let mut differs = false;
        if let Some(before) = before
            && before != verdict.outcome
        {
            outcomes
                .entry((before, verdict.outcome))
                .or_default()
                .add(&example, args.examples);
            differs = true;
        }
        let old = rule_outcomes(&record.verdict);
        let new = rule_outcomes(&serde_json::to_value(&verdict).map_err(Failed::internal)?);
        let mut keys: Vec<&(String, String)> = old.keys().chain(new.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let (from, to) = (old.get(key).copied(), new.get(key).copied());
            let change = match (from, to) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(a), Some(b)) if a != b => "outcome changed",
                _ => continue,
            };
            rules
                .entry(RuleChange {
                    policy: key.0.clone(),
                    rule: key.1.clone(),
                    change,
                    from,
                    to,
                })
                .or_default()
                .add(&example, args.examples);
            differs = true;
        }
        if differs {
            changed += 1;
        } else {
            same += 1;
        }
        Ok(())
    })?;
    let set_name = args
        .policies
        .as_ref()
        .map_or_else(String::new, |p| p.display().to_string());
    let examples_json = |g: &Group| {
        g.examples
            .iter()
            .map(|e| json!({"decision_id": e.decision_id, "shipment_id": e.shipment_id}))
            .collect::<Vec<_>>()
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let text = match args.format {
        Format::Json => json!({
            "policies": set_name,
            "set_digest": &*host.generation().set_digest,
            "decisions": decisions,
            "changed": changed,
            "unchanged": same,
            "input_not_kept": not_kept.len(),
            "outcome_changes": outcomes.iter().map(|((from, to), g)| json!({
                "from": from, "to": to, "count": g.count, "examples": examples_json(g),
            })).collect::<Vec<_>>(),
            "rule_changes": rules.iter().map(|(c, g)| json!({
                "policy": c.policy, "rule": c.rule, "change": c.change,
                "from": c.from, "to": c.to, "count": g.count, "examples": examples_json(g),
            })).collect::<Vec<_>>(),
            "not_kept": not_kept.iter().map(|e| json!({"decision_id": e.decision_id, "shipment_id": e.shipment_id})).collect::<Vec<_>>(),
        })
        .to_string(),
        Format::Text => {
            let eg = |g: &Group| {
                g.examples
                    .iter()
                    .map(|e| format!("{} ({})", e.decision_id, e.shipment_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let o = |x: Option<Outcome>| x.map_or("-", |x| x.as_str());
            let mut t = format!(
                "what-if {set_name} over {decisions} recorded decisions: {changed} decided differently, {same} the same, {} input not kept",
                not_kept.len()
            );
            if !outcomes.is_empty() {
                t.push_str("\noutcome changes:");
            }
            for ((from, to), g) in &outcomes {
                t.push_str(&format!(
                    "\n  {} -> {}: {} decisions; e.g. {}",
                    from.as_str(),
                    to.as_str(),
                    g.count,
                    eg(g)
                ));
            }
            if !rules.is_empty() {
                t.push_str("\nby policy and rule:");
            }
            for (c, g) in &rules {
                let what = match c.change {
                    "added" => format!("added ({})", o(c.to)),
                    "removed" => format!("removed (was {})", o(c.from)),
                    _ => format!("outcome {} -> {}", o(c.from), o(c.to)),
                };
                t.push_str(&format!(
                    "\n  {}/{}: {what}: {} decisions; e.g. {}",
                    c.policy,
                    c.rule,
                    g.count,
                    eg(g)
                ));
            }
            for e in &not_kept {
                t.push_str(&format!(
                    "\n{} {}: input not kept (pass the shipment with --input)",
                    e.decision_id, e.shipment_id
                ));
            }
            t
        }
    };
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| Failed::internal(format!("cannot write the report: {e}")))
}
