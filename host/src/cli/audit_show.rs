//! `exportctl audit show`: one recorded decision as `check --format text` prints
//! it (the verdict read from the record, not judged again), or one recorded
//! party screening with its matches, then the record's facts and its proof
//! status.
//!
//! Exit status: 0 shown; 6 the inclusion proof does not verify with `--key`, or
//! the record or the store's plugin bytes are damaged; 2 an unknown decision or
//! a bad id; 1 a store error.

use super::audit::{Failed, open_store, read_verifier, store_failed};
use super::audit_replay::{rebuild, recorded_signers};
use exportctl::report::write_recorded_text;
use exportctl_audit::{
    AnyRecord, DecisionId, DecisionRecord, ProofError, RecordedInput, RecordedParty,
    ScreeningRecord, Store,
};
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `exportctl audit show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The decision id (a UUIDv7).
    #[arg(value_name = "DECISION_ID")]
    pub decision_id: String,
    /// The store.
    #[arg(long, value_name = "URL")]
    pub store: String,
    /// The log's public key: check the decision's inclusion proof with it.
    #[arg(long, value_name = "PUBKEY")]
    pub key: Option<PathBuf>,
}

pub(super) fn show(args: &ShowArgs) -> Result<(), Failed> {
    let id: DecisionId = args.decision_id.parse().map_err(Failed::usage)?;
    let store = open_store(&args.store)?;
    let Some((index, bytes)) = store.find(&id).map_err(|e| store_failed(&e))? else {
        return Err(Failed::usage(format!(
            "audit store {}: no decision or screening {id}",
            store.name()
        )));
    };
    let record = AnyRecord::decode(&bytes).map_err(|e| {
        Failed::tampered(format!(
            "record {id} at leaf index {index} cannot be read: {e}"
        ))
    })?;
    let mut text = match &record {
        AnyRecord::Decision(record) => decision_text(&store, record, index)?,
        AnyRecord::Screening(record) => screening_text(record, index),
        AnyRecord::HoldAction(record) => hold_action_text(record, index),
        AnyRecord::Exemption(record) => exemption_text(record, index),
    };
    let proof = match exportctl_audit::prove(&store, &id) {
        Ok(proof) => Some(proof),
        Err(ProofError::NotSealed { .. }) => None,
        Err(ProofError::Store(e)) => return Err(store_failed(&e)),
        Err(e) => return Err(Failed::tampered(format!("record {id}: {e}"))),
    };
    let mut failed = None;
    match (&proof, &args.key) {
        (None, _) => text.push_str("  proof: not yet sealed by a checkpoint\n"),
        (Some(p), None) => text.push_str(&format!(
            "  proof: included in the checkpoint of tree size {} (leaf {}); not checked (pass --key to verify it)\n",
            p.tree_size, p.leaf_index
        )),
        (Some(p), Some(key)) => {
            let verifier = read_verifier(key)?;
            match exportctl_audit::verify_proof(p, &verifier) {
                Ok(_) => text.push_str(&format!(
                    "  proof: included in the checkpoint of tree size {} (leaf {}); the inclusion proof verifies with {}\n",
                    p.tree_size,
                    p.leaf_index,
                    key.display()
                )),
                Err(e) => {
                    text.push_str(&format!("  proof: DOES NOT VERIFY: {e}\n"));
                    failed = Some(Failed::tampered(format!(
                        "record {id}: the inclusion proof does not verify with {}: {e}",
                        key.display()
                    )));
                }
            }
        }
    }
    print!("{text}");
    io::stdout()
        .flush()
        .map_err(|e| Failed::internal(format!("cannot write: {e}")))?;
    failed.map_or(Ok(()), Err)
}

/// A decision as `check --format text` prints it, then the record's facts.
fn decision_text(store: &Store, record: &DecisionRecord, index: u64) -> Result<String, Failed> {
    let id = record.decision_id;
    let host = rebuild(store, record, &recorded_signers(record))?;
    let mut out = Vec::new();
    write_recorded_text(&mut out, &record.verdict, &host)
        .map_err(|e| Failed::tampered(format!("decision {id}: {e}")))?;
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push_str(&format!(
        "record: decision {id}, leaf index {index}\n  time: {}\n  requested by: {}\n  request id: {}\n  input: {} (sha256 {})\n  policy set: {} (generation {})\n  host: {} (engine configuration {})\n",
        record.time,
        record.requested_by,
        record.request_id.as_deref().unwrap_or("none"),
        match record.input {
            RecordedInput::Full { .. } => "kept in full",
            RecordedInput::Digest { .. } => "digest only",
        },
        record.input.sha256(),
        record.policy_set.digest,
        record.policy_set.generation,
        record.host_version,
        record.engine_config_hash,
    ));
    for p in &record.policies {
        text.push_str(&format!(
            "  policy {} {}: {}, {}, plugin sha256 {}, signed by {}, settings digest {}{}\n",
            p.id,
            p.version,
            p.mode,
            p.outcome.as_deref().unwrap_or("-"),
            p.plugin_sha256,
            p.signer.as_deref().unwrap_or("unsigned"),
            p.settings_digest,
            p.error
                .as_deref()
                .map_or_else(String::new, |e| format!(", error: {e}")),
        ));
    }
    Ok(text)
}

/// An officer's action on a hold, then the record's facts.
fn hold_action_text(record: &exportctl_audit::HoldActionRecord, index: u64) -> String {
    let held = match (&record.shipment_id, &record.party_id) {
        (_, Some(party)) => format!("on screening {} (party `{party}`)", record.hold),
        (Some(shipment), None) => format!("on decision {} (shipment `{shipment}`)", record.hold),
        (None, None) => format!("{}", record.hold),
    };
    let mut text = format!(
        "hold {}: {} by {}, {} → {} (held for {})
  reason: {}{}
",
        held,
        record.action,
        record.officer,
        record.from,
        record.to,
        record.held,
        record.reason_code,
        if record.comment.is_empty() {
            String::new()
        } else {
            format!(" — {}", record.comment)
        },
    );
    if let Some(l) = &record.licence {
        text.push_str(&format!(
            "  licence: {} ({}), lines {}, valid until {}
",
            l.id,
            l.jurisdiction,
            l.lines.as_ref().map_or("all".to_owned(), |ls| {
                ls.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            }),
            l.valid_until.as_deref().unwrap_or("-"),
        ));
    }
    if let Some(j) = &record.rejudgement {
        text.push_str(&format!(
            "  judged again with it: {} (law of {}, policy set {} generation {})
",
            j.outcome(),
            j.as_of,
            j.policy_set.digest,
            j.policy_set.generation
        ));
    }
    text.push_str(&format!(
        "record: hold action {}, leaf index {index}
  time: {}
  request id: {}
",
        record.action_id,
        record.time,
        record.request_id.as_deref().unwrap_or("none"),
    ));
    text
}

/// An exemption granted or ended, then the record's facts.
fn exemption_text(record: &exportctl_audit::ExemptionRecord, index: u64) -> String {
    let mut text = match (&record.grant, &record.expires) {
        (Some(g), _) => format!(
            "exemption: {} / {} for `{}` ({}{}) and entry {} of {} (edition {}), until {}\n  granted by {}: {}\n  from decision {}\n",
            g.policy,
            g.rule,
            g.party.name,
            g.party.country,
            g.party
                .erp_id
                .as_deref()
                .map_or(String::new(), |id| format!(", ERP id {id}")),
            g.entry,
            g.list,
            g.edition,
            g.valid_until,
            record.officer,
            record.reason,
            g.decision,
        ),
        (None, Some(ended)) => format!(
            "exemption {ended} ended by {}: {}\n",
            record.officer, record.reason
        ),
        (None, None) => format!("exemption record without a grant: {}\n", record.action),
    };
    text.push_str(&format!(
        "record: exemption {}, leaf index {index}\n  time: {}\n",
        record.exemption_id, record.time
    ));
    text
}

fn screening_text(record: &ScreeningRecord, index: u64) -> String {
    let mut text = format!(
        "party {}: {} (screened under the law of {})\n",
        record.party_id, record.outcome, record.date
    );
    for p in &record.policies {
        match (&p.matches, &p.error) {
            (_, Some(error)) => {
                text.push_str(&format!("  {} {}: FAILED: {error}\n", p.id, p.version))
            }
            (Some(matches), None) if matches.is_empty() => {
                text.push_str(&format!("  {} {}: no match\n", p.id, p.version))
            }
            (Some(matches), None) => {
                for m in matches {
                    text.push_str(&format!(
                        "  {} {}: {} {} — `{}` matches `{}` ({}, edition {}, entry {}, score {:.3}): {} [{}]\n",
                        p.id,
                        p.version,
                        m.outcome,
                        m.rule,
                        record.party_id,
                        m.listed_name,
                        m.list,
                        m.edition,
                        m.entry,
                        m.score,
                        m.message,
                        m.legal_basis,
                    ));
                }
            }
            (None, None) => text.push_str(&format!("  {} {}: -\n", p.id, p.version)),
        }
    }
    text.push_str(&format!(
        "record: screening {}, leaf index {index}\n  time: {}\n  requested by: {}\n  request id: {}\n  party: {} (sha256 {})\n  policy set: {} (generation {})\n  host: {} (engine configuration {})\n",
        record.screening_id,
        record.time,
        record.requested_by,
        record.request_id.as_deref().unwrap_or("none"),
        match record.input {
            RecordedParty::Full { .. } => "kept in full",
            RecordedParty::Digest { .. } => "digest only",
        },
        record.input.sha256(),
        record.policy_set.digest,
        record.policy_set.generation,
        record.host_version,
        record.engine_config_hash,
    ));
    for p in &record.policies {
        text.push_str(&format!(
            "  policy {} {}: {}, plugin sha256 {}, signed by {}, settings digest {}\n",
            p.id,
            p.version,
            p.mode,
            p.plugin_sha256,
            p.signer.as_deref().unwrap_or("unsigned"),
            p.settings_digest,
        ));
    }
    text
}
