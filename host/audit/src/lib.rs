//! Decision records for exportctl: durable, tamper-evident evidence of every verdict.
//!
//! One [`DecisionRecord`] per judged shipment (and one [`ScreeningRecord`] per screened
//! party, kept in the same log; see [`AnyRecord`]) is encoded canonically (RFC 8785, see
//! `sdk/spec/audit-record.md`), appended to an RFC 6962 Merkle log kept in a SQLite file or a
//! PostgreSQL database shared by several hosts, and sealed by Ed25519-signed checkpoints in the
//! C2SP `tlog-checkpoint` format. Anyone holding the public key can [`verify`] the whole log, or
//! check one decision offline with [`verify_proof`]. A batch runner records with
//! [`Recorder::submit`] and releases each verdict only when its [`Ticket`] resolves.
//!
//! ```
//! use exportctl_audit::{
//!     CheckpointKey, DecisionId, DecisionRecord, PolicySetRef, RecordKind, RecordedInput,
//!     Recorder, RecorderConfig, Store,
//! };
//! use serde_json::json;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let url = format!("sqlite:{}", dir.path().join("audit.db").display());
//! let key = CheckpointKey::generate("audit.example.com/decisions")?;
//! let recorder = Recorder::start(Store::open(&url)?, key.clone(), RecorderConfig::default())?;
//!
//! let shipment = json!({"id": "SHP-1", "destination": "KZ"});
//! let record = DecisionRecord {
//!     kind: RecordKind::Decision,
//!     decision_id: DecisionId::new(),
//!     time: exportctl_audit::record::now(),
//!     requested_by: "cli:alice".into(),
//!     request_id: Some("erp-4711".into()),
//!     shipment_id: "SHP-1".into(),
//!     as_of: "2026-12-01".into(),
//!     input: RecordedInput::full(shipment)?,
//!     policy_set: PolicySetRef { digest: "4e12…".into(), generation: 1 },
//!     policies: vec![],
//!     verdict: json!({"outcome": "allow", "reasons": []}),
//!     host_version: "0.1.0".into(),
//!     engine_config_hash: "e3b0…".into(),
//! };
//! let receipt = recorder.record(&record)?; // returns once the record is committed and synced
//! recorder.close()?; // writes the final checkpoint
//!
//! let store = Store::open_existing(&url)?;
//! let report = exportctl_audit::verify(&store, &key.verifier(), None)?;
//! assert_eq!((report.records, report.unsealed), (1, 0));
//! let proof = exportctl_audit::prove(&store, &receipt.decision_id)?;
//! let proven = exportctl_audit::verify_proof(&proof, &key.verifier())?;
//! assert_eq!(proven, exportctl_audit::AnyRecord::Decision(record));
//! # Ok(()) }
//! ```

pub mod any_record;
pub mod canonical;
pub mod checkpoint;
pub mod exemption;
pub mod export;
pub mod hold;
pub mod hold_action;
pub mod merkle;
pub mod proof;
pub mod record;
pub mod recorder;
pub mod report;
pub mod screening;
pub mod store;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointKey, CheckpointVerifier, KeyError};

pub use any_record::{AnyRecord, Recordable};
pub use canonical::CanonicalJson;
pub use exemption::{ExemptedParty, ExemptionGrant, ExemptionRecord};
pub use hold_action::{HoldActionRecord, RecordedLicence, Rejudgement};
pub use record::{
    DecisionId, DecisionRecord, EncodedRecord, PolicyEntry, PolicySetRef, PreparedRecord,
    RecordKind, RecordedInput,
};
pub use recorder::{
    Receipt, RecordBuilder, RecordError, Recorder, RecorderConfig, RecorderStats, Ticket,
};
pub use screening::{Hit, RecordedMatch, RecordedParty, ScreeningPolicyEntry, ScreeningRecord};
pub use store::{Store, StoreError};

pub use export::{ExportError, export, verify_export};
pub use proof::{InclusionProof, ProofError, Prover, prove, verify_proof};
pub use verify::{VerifyError, VerifyReport, verify, verify_log};
