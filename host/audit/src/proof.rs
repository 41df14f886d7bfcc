//! Inclusion proofs for one record (a decision or a screening, found by its id): a
//! self-contained JSON document an auditor verifies offline with the log's public key, seeing
//! that one record and nothing else.

use serde::{Deserialize, Serialize};

use crate::any_record::AnyRecord;
use crate::canonical::{CanonicalError, to_canonical_bytes};
use crate::checkpoint::{CheckpointError, CheckpointVerifier};
use crate::merkle::{Hash, MerkleError, Tree, verify_inclusion};
use crate::record::DecisionId;
use crate::store::{Store, StoreError};

/// Format tag of [`InclusionProof`] documents.
pub const PROOF_FORMAT: &str = "exportctl-audit-inclusion-proof/1";

/// Proof that one record is in the log sealed by a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// The record (its canonical encoding is what was hashed).
    pub record: serde_json::Value,
    /// The record's leaf index.
    pub leaf_index: u64,
    /// Tree size of the checkpoint.
    pub tree_size: u64,
    /// The audit path, leaf to root, hex.
    pub hashes: Vec<String>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

/// A proof could not be made or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No record (decision or screening) has this id.
    #[error("audit store {store}: no record {decision_id}")]
    UnknownDecision {
        /// The store.
        store: String,
        /// The id asked for.
        decision_id: DecisionId,
    },
    /// The decision is recorded but no checkpoint seals it yet.
    #[error(
        "audit store {store}: record {decision_id} (leaf {leaf_index}) is not yet sealed by a checkpoint"
    )]
    NotSealed {
        /// The store.
        store: String,
        /// The id.
        decision_id: DecisionId,
        /// Its leaf index.
        leaf_index: u64,
    },
    /// The checkpoint in the proof is not signed by the key, or malformed.
    #[error("proof checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The proof document is malformed.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The record could not be encoded.
    #[error(transparent)]
    Encode(#[from] CanonicalError),
    /// The record is not in the tree the checkpoint signs.
    #[error("proof does not verify: {0}")]
    Mismatch(#[from] MerkleError),
}

/// Proves decisions against the newest checkpoint; load once, prove many.
pub struct Prover<'s> {
    store: &'s Store,
    tree: Tree,
    checkpoint: Option<(u64, String)>,
}

impl<'s> Prover<'s> {
    /// Loads the store's leaf hashes and newest checkpoint.
    pub fn new(store: &'s Store) -> Result<Self, ProofError> {
        Ok(Self {
            store,
            tree: store.tree()?,
            checkpoint: store.checkpoint_notes()?.pop(),
        })
    }

    /// An inclusion proof for `decision_id`.
    pub fn prove(&self, decision_id: &DecisionId) -> Result<InclusionProof, ProofError> {
        let store = self.store.name().to_owned();
        let (leaf_index, bytes) =
            self.store
                .find(decision_id)?
                .ok_or_else(|| ProofError::UnknownDecision {
                    store: store.clone(),
                    decision_id: *decision_id,
                })?;
        let (tree_size, note) = match &self.checkpoint {
            Some((size, note)) if *size > leaf_index => (*size, note.clone()),
            _ => {
                return Err(ProofError::NotSealed {
                    store,
                    decision_id: *decision_id,
                    leaf_index,
                });
            }
        };
        let path = self.tree.inclusion_proof(leaf_index, tree_size)?;
        let record = serde_json::from_slice(&bytes).map_err(|e| {
            ProofError::Malformed(format!("stored record {leaf_index} is not JSON: {e}"))
        })?;
        Ok(InclusionProof {
            format: PROOF_FORMAT.into(),
            record,
            leaf_index,
            tree_size,
            hashes: path.iter().map(hex::encode).collect(),
            checkpoint: note,
        })
    }
}

/// An inclusion proof for `decision_id` against the store's newest checkpoint.
pub fn prove(store: &Store, decision_id: &DecisionId) -> Result<InclusionProof, ProofError> {
    Prover::new(store)?.prove(decision_id)
}

/// Verifies a proof offline with the log's public key; returns the proven record.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let (json, public_key) = ("", "");
/// let proof: exportctl_audit::InclusionProof = serde_json::from_str(json)?;
/// let key = exportctl_audit::CheckpointVerifier::from_key_string(public_key)?;
/// let record = exportctl_audit::verify_proof(&proof, &key)?;
/// println!("record {} is in the log", record.id());
/// # Ok(()) }
/// ```
pub fn verify_proof(
    proof: &InclusionProof,
    verifier: &CheckpointVerifier,
) -> Result<AnyRecord, ProofError> {
    if proof.format != PROOF_FORMAT {
        return Err(ProofError::Malformed(format!(
            "format `{}`, expected `{PROOF_FORMAT}`",
            proof.format
        )));
    }
    let cp = verifier.open_checkpoint(&proof.checkpoint)?;
    if cp.size != proof.tree_size {
        return Err(ProofError::Malformed(format!(
            "tree size {} but the checkpoint signs size {}",
            proof.tree_size, cp.size
        )));
    }
    let path = proof
        .hashes
        .iter()
        .map(|h| hex::decode(h).ok().and_then(|b| <Hash>::try_from(b).ok()))
        .collect::<Option<Vec<Hash>>>()
        .ok_or_else(|| ProofError::Malformed("a hash is not 32 bytes of hex".into()))?;
    let bytes = to_canonical_bytes("proof record", &proof.record)?;
    verify_inclusion(&bytes, proof.leaf_index, cp.size, &cp.root, &path)?;
    AnyRecord::from_value(proof.record.clone())
        .map_err(|e| ProofError::Malformed(format!("record: {e}")))
}
