//! Decision records for exportctl: durable, tamper-evident evidence of every verdict.
//!
//! One [`DecisionRecord`] per judged shipment is encoded canonically (RFC 8785, see
//! `sdk/spec/audit-record.md`), appended to an RFC 6962 Merkle log kept in a SQLite file, and
//! sealed by Ed25519-signed checkpoints in the C2SP `tlog-checkpoint` format. Anyone holding the
//! public key can [`verify`] the whole log, or check one decision offline with [`verify_proof`].
//!
//! ```no_run
//! use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let record: exportctl_audit::DecisionRecord = unimplemented!();
//! let key = CheckpointKey::generate("audit.example.com/decisions")?;
//! let store = Store::open("sqlite:/var/lib/exportctl/audit.db")?;
//! let recorder = Recorder::start(store, key.clone(), RecorderConfig::default())?;
//! let receipt = recorder.record(&record)?; // returns once the record is committed and synced
//! recorder.close()?; // writes the final checkpoint
//! let store = Store::open_existing("sqlite:/var/lib/exportctl/audit.db")?;
//! let report = exportctl_audit::verify(&store, &key.verifier(), None)?;
//! let proof = exportctl_audit::prove(&store, &receipt.decision_id)?;
//! exportctl_audit::verify_proof(&proof, &key.verifier())?;
//! # Ok(()) }
//! ```

pub mod canonical;
pub mod checkpoint;
pub mod export;

pub mod merkle;
pub mod proof;
pub mod record;
pub mod recorder;
pub mod store;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointKey, CheckpointVerifier, KeyError};

pub use record::{
    DecisionId, DecisionRecord, PolicyEntry, PolicySetRef, RecordKind, RecordedInput,
};
pub use recorder::{Receipt, RecordError, Recorder, RecorderConfig, RecorderStats};
pub use store::{Store, StoreError};

pub use export::{ExportError, export, verify_export};
pub use proof::{InclusionProof, ProofError, Prover, prove, verify_proof};
pub use verify::{VerifyError, VerifyReport, verify, verify_log};
