//! `exportctl audit keygen | verify | proof | verify-proof | export | checkpoint`
//! (and `replay`, `show` in `audit_replay.rs`, `audit_show.rs`):
//! what an operator and an auditor do with the decision records `check --audit`
//! writes (`sdk/spec/audit-record.md`).
//!
//! Exit status: 0 ok; 1 internal or store error; 2 usage or configuration (a bad
//! URL, a missing file, an unknown decision); 6 the log, export or proof does
//! not verify (tampered with, or signed by another key).

use super::ExitStatus;
use super::audit_replay::{self, ReplayArgs};
use super::audit_show::{self, ShowArgs};
use clap::Subcommand;
use exportctl_audit::{
    AnyRecord, Checkpoint, CheckpointKey, CheckpointVerifier, DecisionId, ExportError,
    InclusionProof, ProofError, Store, StoreError, VerifyError, VerifyReport,
};
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Create a checkpoint signing key: the secret key in FILE (readable by its
    /// owner only) and the public key in FILE.pub, also printed.
    Keygen {
        /// The log's name (the checkpoints' origin line), e.g. `audit.example.com/decisions`.
        #[arg(long)]
        name: String,
        /// Where to write the secret key (refuses to overwrite).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Verify a whole log (a store URL) or an export file: recompute the Merkle
    /// tree, check every checkpoint's signature and that each extends the last.
    Verify {
        /// `sqlite:PATH`, `postgres://…`, or an export file (`audit export`).
        #[arg(value_name = "STORE|EXPORT")]
        target: String,
        /// A checkpoint kept from earlier: the log must extend it.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The public key (a file holding it, as `audit keygen` writes FILE.pub).
        #[arg(long, value_name = "PUBKEY")]
        key: PathBuf,
    },
    /// Print an inclusion proof of one decision (JSON): its record, its path in
    /// the Merkle tree and the signed checkpoint it is checked against.
    Proof {
        /// The decision id (a UUIDv7).
        #[arg(value_name = "DECISION_ID")]
        decision_id: String,
        /// The store.
        #[arg(long, value_name = "URL")]
        store: String,
    },
    /// Verify an inclusion proof offline with the log's public key.
    VerifyProof {
        /// The proof (`audit proof` output).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The public key file.
        #[arg(long, value_name = "PUBKEY")]
        key: PathBuf,
    },
    /// Export records (JSON Lines: a header, every checkpoint, the records with
    /// their proofs for a partial export).
    Export {
        /// The store.
        #[arg(long, value_name = "URL")]
        store: String,
        /// Records at or after this time (RFC 3339, UTC, e.g. 2026-12-01T00:00:00Z).
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// Records before this time.
        #[arg(long, value_name = "TIME")]
        to: Option<String>,
    },
    /// Print the latest signed checkpoint (for anchoring outside the host).
    Checkpoint {
        /// The store.
        #[arg(long, value_name = "URL")]
        store: String,
    },
    /// Re-judge recorded decisions with the recorded plugin bytes, settings and
    /// input and report `identical` or the differences (exit 6 if any); or, with
    /// `--policies NEW_SET`, report which decisions a new set decides differently.
    Replay(ReplayArgs),
    /// Print one recorded decision as `check --format text` does, with the
    /// record's facts and its proof status.
    Show(ShowArgs),
    /// Count the decisions of a time range by day, outcome, destination, HS chapter,
    /// policy and rule: tidy CSV, or one HTML page with charts readable offline.
    ///
    /// Exit status 0 written; 2 a bad time, URL or `--out`, or a missing store; 1 a
    /// store that cannot be read or holds a record the report cannot count.
    Report(super::audit_report::ReportArgs),
}

/// A failed command: its exit status and the message (without `error: `).
pub(super) struct Failed(ExitStatus, String);

impl Failed {
    pub(super) fn usage(message: impl std::fmt::Display) -> Failed {
        Failed(ExitStatus::InvalidInput, message.to_string())
    }
    pub(super) fn internal(message: impl std::fmt::Display) -> Failed {
        Failed(ExitStatus::Internal, message.to_string())
    }
    pub(super) fn tampered(message: impl std::fmt::Display) -> Failed {
        Failed(ExitStatus::Tampered, message.to_string())
    }
    pub(super) fn message(self) -> String {
        self.1
    }
}

pub(super) fn run(command: &AuditCommand) -> ExitStatus {
    let result = match command {
        AuditCommand::Keygen { name, out } => keygen(name, out),
        AuditCommand::Verify {
            target,
            checkpoint,
            key,
        } => verify(target, checkpoint.as_deref(), key),
        AuditCommand::Proof { decision_id, store } => proof(decision_id, store),
        AuditCommand::VerifyProof { file, key } => verify_proof(file, key),
        AuditCommand::Export { store, from, to } => export(store, from.as_deref(), to.as_deref()),
        AuditCommand::Checkpoint { store } => checkpoint(store),
        AuditCommand::Replay(args) => audit_replay::replay(args),
        AuditCommand::Show(args) => audit_show::show(args),
        AuditCommand::Report(args) => return super::audit_report::run(args),
    };
    match result {
        Ok(()) => ExitStatus::Allow,
        Err(Failed(status, message)) => {
            eprintln!("error: {message}");
            status
        }
    }
}

fn keygen(name: &str, out: &Path) -> Result<(), Failed> {
    let public =
        create_checkpoint_key(name, out).map_err(|(status, message)| Failed(status, message))?;
    println!("{public}");
    Ok(())
}

/// Creates a checkpoint key named `name` at `out` (mode 0600, unencrypted)
/// and its public key at `out.pub`; refuses to overwrite either. Returns the
/// public key. `audit keygen` and a service's first start both make keys here.
pub fn create_checkpoint_key(name: &str, out: &Path) -> Result<String, (ExitStatus, String)> {
    let key =
        CheckpointKey::generate(name).map_err(|e| (ExitStatus::InvalidInput, e.to_string()))?;
    let public = key.verifier().to_key_string();
    let pub_path = PathBuf::from(format!("{}.pub", out.display()));
    if pub_path.exists() {
        return Err((
            ExitStatus::InvalidInput,
            format!("{} exists; not overwriting it", pub_path.display()),
        ));
    }
    key.save(out)
        .map_err(|e| (ExitStatus::InvalidInput, e.to_string()))?;
    std::fs::write(&pub_path, format!("{public}\n")).map_err(|e| {
        (
            ExitStatus::Internal,
            format!("cannot write {}: {e}", pub_path.display()),
        )
    })?;
    Ok(public)
}

/// Opens an existing store: a bad URL or a missing file is a usage error.
pub(super) fn open_store(url: &str) -> Result<Store, Failed> {
    Store::open_existing(url).map_err(|e| store_failed(&e))
}

pub(super) fn store_failed(e: &StoreError) -> Failed {
    match e {
        StoreError::BadUrl { .. } | StoreError::Missing { .. } => Failed::usage(e),
        _ => Failed::internal(e),
    }
}

pub(super) fn read_verifier(path: &Path) -> Result<CheckpointVerifier, Failed> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failed::usage(format!("public key {}: {e}", path.display())))?;
    CheckpointVerifier::from_key_string(text.trim())
        .map_err(|e| Failed::usage(format!("public key {}: {e}", path.display())))
}

/// A store is named by its URL scheme; anything else is an export file.
fn is_store_url(target: &str) -> bool {
    target.starts_with("sqlite:")
        || target.starts_with("postgres://")
        || target.starts_with("postgresql://")
}

fn verify(target: &str, held: Option<&Path>, key: &Path) -> Result<(), Failed> {
    let verifier = read_verifier(key)?;
    let held = match held {
        Some(path) => {
            let note = std::fs::read_to_string(path)
                .map_err(|e| Failed::usage(format!("checkpoint {}: {e}", path.display())))?;
            // A held checkpoint that does not open under the key is itself a forgery.
            Some(
                verifier
                    .open_checkpoint(&note)
                    .map_err(|e| Failed::tampered(format!("checkpoint {}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let report = if is_store_url(target) {
        let store = open_store(target)?;
        exportctl_audit::verify(&store, &verifier, held.as_ref()).map_err(verify_failed)?
    } else {
        let file = std::fs::File::open(target)
            .map_err(|e| Failed::usage(format!("export {target}: {e}")))?;
        exportctl_audit::verify_export(BufReader::new(file), &verifier, held.as_ref()).map_err(
            |e| match e {
                ExportError::Verify(e) => verify_failed(e),
                ExportError::Io(e) => Failed::internal(format!("export {target}: {e}")),
                ExportError::Store(e) => store_failed(&e),
                other => Failed::tampered(format!("{target}: {other}")),
            },
        )?
    };
    print_report(target, &report);
    Ok(())
}

fn verify_failed(e: VerifyError) -> Failed {
    match e {
        VerifyError::Store(e) => store_failed(&e),
        other => Failed::tampered(other),
    }
}

fn print_report(target: &str, report: &VerifyReport) {
    let latest = report.latest.as_ref().map_or_else(
        || "no checkpoint".to_owned(),
        |c: &Checkpoint| format!("latest checkpoint at tree size {}", c.size),
    );
    println!(
        "ok: {target}: {} records, {} checkpoints verified, {latest}, {} records not yet sealed by a checkpoint",
        report.records, report.checkpoints, report.unsealed
    );
}

fn proof(decision_id: &str, url: &str) -> Result<(), Failed> {
    let id: DecisionId = decision_id.parse().map_err(Failed::usage)?;
    let store = open_store(url)?;
    let proof = exportctl_audit::prove(&store, &id).map_err(|e| match e {
        ProofError::Store(e) => store_failed(&e),
        ProofError::UnknownDecision { .. } => Failed::usage(e),
        other => Failed::internal(other),
    })?;
    let json = serde_json::to_string_pretty(&proof).map_err(Failed::internal)?;
    println!("{json}");
    Ok(())
}

fn verify_proof(file: &Path, key: &Path) -> Result<(), Failed> {
    let verifier = read_verifier(key)?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failed::usage(format!("proof {}: {e}", file.display())))?;
    // A proof that does not even parse was damaged: it proves nothing.
    let proof: InclusionProof = serde_json::from_str(&text)
        .map_err(|e| Failed::tampered(format!("proof {}: not a proof: {e}", file.display())))?;
    let record = exportctl_audit::verify_proof(&proof, &verifier)
        .map_err(|e| Failed::tampered(format!("proof {}: {e}", file.display())))?;
    let what = match &record {
        AnyRecord::Decision(d) => format!(
            "decision {} (shipment `{}`, {}, {})",
            d.decision_id,
            d.shipment_id,
            d.verdict
                .get("outcome")
                .and_then(|o| o.as_str())
                .unwrap_or("?"),
            d.time
        ),
        AnyRecord::Screening(s) => format!(
            "screening {} (party `{}`, {}, {})",
            s.screening_id, s.party_id, s.outcome, s.time
        ),
        AnyRecord::Exemption(e) => format!(
            "exemption {} ({} by {}, {})",
            e.exemption_id, e.action, e.officer, e.time
        ),
        AnyRecord::HoldAction(a) => format!(
            "hold action {} ({} of the hold on decision {} by {}, {} → {}, {})",
            a.action_id, a.action, a.hold, a.officer, a.from, a.to, a.time
        ),
    };
    println!(
        "ok: {what} is leaf {} of the log signed at tree size {}",
        proof.leaf_index, proof.tree_size
    );
    Ok(())
}

fn export(url: &str, from: Option<&str>, to: Option<&str>) -> Result<(), Failed> {
    let store = open_store(url)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    exportctl_audit::export(&store, from, to, &mut out).map_err(|e| match e {
        ExportError::Store(e) => store_failed(&e),
        other => Failed::internal(other),
    })?;
    out.flush()
        .map_err(|e| Failed::internal(format!("cannot write the export: {e}")))
}

fn checkpoint(url: &str) -> Result<(), Failed> {
    let store = open_store(url)?;
    let notes = store.checkpoint_notes().map_err(|e| store_failed(&e))?;
    match notes.last() {
        Some((_, note)) => {
            print!("{note}");
            Ok(())
        }
        None => Err(Failed::internal(format!(
            "audit store {}: no checkpoint yet",
            store.name()
        ))),
    }
}
