//! Verification of a whole log: recompute the Merkle tree from the records, check every
//! checkpoint's signature and root, and (optionally) that the log extends a checkpoint the
//! verifier kept from earlier.

use std::collections::{BTreeSet, HashMap};

use crate::any_record::AnyRecord;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointVerifier};
use crate::hold::Hold;
use crate::hold_action::HoldActionRecord;
use crate::merkle::{Hash, MerkleError, Tree, leaf_hash, verify_consistency};
use crate::record::IndexedFields;
use crate::screening::{Hit, ScreeningRecord};
use crate::store::{IndexColumns, StoredRecord};
use crate::store::{Store, StoreError};

/// What a successful verification covered.
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// Records checked.
    pub records: u64,
    /// Checkpoints checked.
    pub checkpoints: usize,
    /// The newest checkpoint, if any.
    pub latest: Option<Checkpoint>,
    /// Records after the newest checkpoint (intact in the tree, but not yet sealed by a signature).
    pub unsealed: u64,
}

/// The log is not intact. Each variant names the log and where the damage is.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The log could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A leaf index is missing.
    #[error("audit log {log}: record at leaf index {index} is missing (deleted)")]
    Missing {
        /// The log.
        log: String,
        /// First missing index.
        index: u64,
    },
    /// A record's bytes do not hash to its stored leaf hash.
    #[error(
        "audit log {log}: record at leaf index {index} was edited (its bytes do not match its leaf hash)"
    )]
    Edited {
        /// The log.
        log: String,
        /// Leaf index.
        index: u64,
    },
    /// An index column beside a record does not match the record (only the column was edited).
    #[error(
        "audit log {log}: record at leaf index {index}: the `{column}` column was edited (it does not match the signed record)"
    )]
    ColumnEdited {
        /// The log.
        log: String,
        /// Leaf index.
        index: u64,
        /// The column.
        column: &'static str,
    },
    /// A record is not a record of a known kind.
    #[error("audit log {log}: record at leaf index {index} is not a valid record: {reason}")]
    Unreadable {
        /// The log.
        log: String,
        /// Leaf index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// A hold action the rules of [`crate::hold`] refuse, given the actions before it (e.g.
    /// a release by the officer who approved): the service was bypassed or a record forged.
    #[error("audit log {log}: record at leaf index {index} breaks the hold rules: {reason}")]
    HoldRules {
        /// The log.
        log: String,
        /// Leaf index.
        index: u64,
        /// What the rules say.
        reason: String,
    },
    /// A checkpoint's signature, key or format is wrong (a replaced or forged checkpoint).
    #[error("audit log {log}: checkpoint at tree size {size}: {source}")]
    Checkpoint {
        /// The log.
        log: String,
        /// The checkpoint's stored tree size.
        size: u64,
        /// Cause.
        #[source]
        source: CheckpointError,
    },
    /// A checkpoint seals more records than the log has.
    #[error(
        "audit log {log}: truncated: checkpoint at tree size {checkpoint_size} but only {records} records"
    )]
    Truncated {
        /// The log.
        log: String,
        /// The checkpoint's size.
        checkpoint_size: u64,
        /// Records present.
        records: u64,
    },
    /// The records do not hash to a checkpoint's root: edited, inserted, deleted or reordered.
    #[error(
        "audit log {log}: records 0..{size} do not match the signed checkpoint at tree size {size} (the change is at or after leaf index {after}: a record edited, inserted, deleted or reordered)"
    )]
    RootMismatch {
        /// The log.
        log: String,
        /// The checkpoint's size.
        size: u64,
        /// Size of the last checkpoint that matched (the change is after it).
        after: u64,
    },
    /// Two checkpoints (or the held one and the log) are not consistent.
    #[error(
        "audit log {log}: not an extension of the checkpoint at tree size {old_size} (rewritten?): {source}"
    )]
    Inconsistent {
        /// The log.
        log: String,
        /// The older checkpoint's size.
        old_size: u64,
        /// Cause.
        #[source]
        source: MerkleError,
    },
    /// The held checkpoint is bigger than the log (records were removed).
    #[error(
        "audit log {log}: the held checkpoint is at tree size {held_size} but the log has only {records} records (truncated or rewritten)"
    )]
    ShorterThanHeld {
        /// The log.
        log: String,
        /// Held checkpoint size.
        held_size: u64,
        /// Records present.
        records: u64,
    },
}

/// Incremental verifier: feed records in leaf order, then checkpoints.
pub(crate) struct LogCheck {
    log: String,
    tree: Tree,
    check_records: bool,
    /// Every hold opened so far, as its recorded actions left it: each action is checked
    /// against the rules again, so an action the service should have refused (or a record
    /// written around it) is caught.
    holds: HashMap<String, Hold>,
    /// The hits of each party's last screening, for parties whose last screening has any:
    /// a screening opens a hold exactly when it has a hit not among them.
    party_hits: HashMap<String, BTreeSet<Hit>>,
}

impl LogCheck {
    pub(crate) fn new(log: &str) -> Self {
        Self {
            log: log.to_owned(),
            tree: Tree::new(),
            check_records: false,
            holds: HashMap::new(),
            party_hits: HashMap::new(),
        }
    }

    /// Also parse every record (slower; catches bytes that are not a record at all).
    #[allow(dead_code)]
    pub(crate) fn parse_records(mut self) -> Self {
        self.check_records = true;
        self
    }

    pub(crate) fn push(&mut self, rec: &StoredRecord) -> Result<(), VerifyError> {
        if rec.index != self.tree.len() {
            return Err(VerifyError::Missing {
                log: self.log.clone(),
                index: self.tree.len(),
            });
        }
        let hash: Hash = leaf_hash(&rec.bytes);
        if hash != rec.leaf_hash {
            return Err(VerifyError::Edited {
                log: self.log.clone(),
                index: rec.index,
            });
        }
        let fields = IndexedFields::read(&rec.bytes).map_err(|e| VerifyError::Unreadable {
            log: self.log.clone(),
            index: rec.index,
            reason: e.to_string(),
        })?;
        if let Some(columns) = &rec.columns {
            self.check_columns(rec.index, &fields, columns)?;
        }
        self.fold_hold(rec, &fields)?;
        if self.check_records {
            AnyRecord::decode(&rec.bytes).map_err(|e| VerifyError::Unreadable {
                log: self.log.clone(),
                index: rec.index,
                reason: e.to_string(),
            })?;
        }
        self.tree.push(hash);
        Ok(())
    }

    /// Compares the index columns with the record's own fields, read by a partial parse that
    /// skips everything else (a full decode would cost the verify rate).
    fn check_columns(
        &self,
        index: u64,
        fields: &IndexedFields<'_>,
        columns: &IndexColumns,
    ) -> Result<(), VerifyError> {
        match fields.differs_from(columns) {
            Some(column) => Err(VerifyError::ColumnEdited {
                log: self.log.clone(),
                index,
                column,
            }),
            None => Ok(()),
        }
    }

    /// Opens the hold of a held decision, or of a screening with new hits, or applies a
    /// hold action by the rules.
    fn fold_hold(
        &mut self,
        rec: &StoredRecord,
        fields: &IndexedFields<'_>,
    ) -> Result<(), VerifyError> {
        if fields.kind() == "screening" {
            return self.fold_screening(rec, fields);
        }
        let Some(hold_id) = fields.hold_id() else {
            return Ok(());
        };
        let broken = |reason: String| VerifyError::HoldRules {
            log: self.log.clone(),
            index: rec.index,
            reason,
        };
        if fields.kind() != "hold_action" {
            if let Some(held) = fields.held() {
                self.holds.insert(hold_id.to_owned(), Hold::open(held));
            }
            return Ok(());
        }
        let action = HoldActionRecord::decode(&rec.bytes).map_err(|e| VerifyError::Unreadable {
            log: self.log.clone(),
            index: rec.index,
            reason: e.to_string(),
        })?;
        let rule = action
            .rule_action()
            .ok_or_else(|| broken(format!("unknown hold action `{}`", action.action)))?;
        let hold = self
            .holds
            .get_mut(hold_id)
            .ok_or_else(|| broken(format!("acts on {hold_id}, which opened no hold before it")))?;
        if hold.state().as_str() != action.from {
            return Err(broken(format!(
                "says the hold was `{}`, but it was `{}`",
                action.from,
                hold.state().as_str()
            )));
        }
        hold.apply(&action.officer, &rule).map_err(|refusal| {
            broken(format!(
                "{} by {}: {refusal}",
                action.action, action.officer
            ))
        })?;
        if hold.state().as_str() != action.to || hold.held().as_str() != action.held {
            return Err(broken(format!(
                "says the hold went to `{}` ({}), but the rules take it to `{}` ({})",
                action.to,
                action.held,
                hold.state().as_str(),
                hold.held().as_str()
            )));
        }
        Ok(())
    }

    /// A screening opens a hold on its party when it is not `allow` and has a hit the
    /// party's screening before it did not have; where the store's `hold_id` column is kept,
    /// it must say exactly that.
    fn fold_screening(
        &mut self,
        rec: &StoredRecord,
        fields: &IndexedFields<'_>,
    ) -> Result<(), VerifyError> {
        let screening =
            ScreeningRecord::decode(&rec.bytes).map_err(|e| VerifyError::Unreadable {
                log: self.log.clone(),
                index: rec.index,
                reason: e.to_string(),
            })?;
        let hits = screening.hits();
        let held = fields.party_held();
        let opens = held.is_some()
            && match self.party_hits.get(&screening.party_id) {
                None => !hits.is_empty(),
                Some(before) => hits.iter().any(|h| !before.contains(h)),
            };
        if let Some(columns) = &rec.columns
            && columns.hold_id.is_some() != opens
        {
            return Err(VerifyError::HoldRules {
                log: self.log.clone(),
                index: rec.index,
                reason: if opens {
                    format!(
                        "the screening of party `{}` has new hits but opened no hold",
                        screening.party_id
                    )
                } else {
                    format!(
                        "the screening of party `{}` opened a hold without a new hit",
                        screening.party_id
                    )
                },
            });
        }
        if let (true, Some(held)) = (opens, held) {
            self.holds
                .insert(fields.id().to_owned(), Hold::open_on_party(held));
        }
        if hits.is_empty() {
            self.party_hits.remove(&screening.party_id);
        } else {
            self.party_hits.insert(screening.party_id, hits);
        }
        Ok(())
    }

    pub(crate) fn finish(
        self,
        notes: &[(u64, String)],
        verifier: &CheckpointVerifier,
        held: Option<&Checkpoint>,
    ) -> Result<VerifyReport, VerifyError> {
        let log = self.log;
        let tree = self.tree;
        let n = tree.len();
        let mut previous: Option<Checkpoint> = None;
        for (size, note) in notes {
            let cp = verifier
                .open_checkpoint(note)
                .map_err(|source| VerifyError::Checkpoint {
                    log: log.clone(),
                    size: *size,
                    source,
                })?;
            if cp.size != *size {
                return Err(VerifyError::Checkpoint {
                    log: log.clone(),
                    size: *size,
                    source: CheckpointError::Malformed(format!(
                        "stored for size {size} but signs size {}",
                        cp.size
                    )),
                });
            }
            if cp.size > n {
                return Err(VerifyError::Truncated {
                    log: log.clone(),
                    checkpoint_size: cp.size,
                    records: n,
                });
            }
            let after = previous.as_ref().map_or(0, |p| p.size);
            let root = tree
                .root_at(cp.size)
                .map_err(|source| VerifyError::Inconsistent {
                    log: log.clone(),
                    old_size: after,
                    source,
                })?;
            if root != cp.root {
                return Err(VerifyError::RootMismatch {
                    log: log.clone(),
                    size: cp.size,
                    after,
                });
            }
            if let Some(p) = &previous {
                let proof = tree.consistency_proof(p.size, cp.size).map_err(|source| {
                    VerifyError::Inconsistent {
                        log: log.clone(),
                        old_size: p.size,
                        source,
                    }
                })?;
                verify_consistency(p.size, &p.root, cp.size, &cp.root, &proof).map_err(
                    |source| VerifyError::Inconsistent {
                        log: log.clone(),
                        old_size: p.size,
                        source,
                    },
                )?;
            }
            previous = Some(cp);
        }
        if let Some(held) = held {
            let held =
                verifier
                    .open_checkpoint(&held.note)
                    .map_err(|source| VerifyError::Checkpoint {
                        log: format!("{log} (held checkpoint)"),
                        size: held.size,
                        source,
                    })?;
            if held.size > n {
                return Err(VerifyError::ShorterThanHeld {
                    log: log.clone(),
                    held_size: held.size,
                    records: n,
                });
            }
            // Prove the log as it is now extends what the verifier saw before.
            let proof = tree.consistency_proof(held.size, n).map_err(|source| {
                VerifyError::Inconsistent {
                    log: log.clone(),
                    old_size: held.size,
                    source,
                }
            })?;
            verify_consistency(held.size, &held.root, n, &tree.root(), &proof).map_err(
                |source| VerifyError::Inconsistent {
                    log: log.clone(),
                    old_size: held.size,
                    source,
                },
            )?;
        }
        let sealed = previous.as_ref().map_or(0, |p| p.size);
        Ok(VerifyReport {
            records: n,
            checkpoints: notes.len(),
            latest: previous,
            unsealed: n - sealed,
        })
    }
}

/// Verifies a whole store against the checkpoint key, and against a checkpoint the verifier
/// holds from earlier, if any.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let public_key = "";
/// let store = exportctl_audit::Store::open_existing("sqlite:audit.db")?;
/// let key = exportctl_audit::CheckpointVerifier::from_key_string(public_key)?;
/// let report = exportctl_audit::verify(&store, &key, None)?;
/// println!("{} records, {} checkpoints", report.records, report.checkpoints);
/// # Ok(()) }
/// ```
pub fn verify(
    store: &Store,
    verifier: &CheckpointVerifier,
    held: Option<&Checkpoint>,
) -> Result<VerifyReport, VerifyError> {
    // Reading rows and hashing/parsing them cost about the same; the store is read on this
    // thread while another checks, in chunks, so the two overlap.
    const CHUNK: usize = 256;
    let check = std::thread::scope(|s| -> Result<LogCheck, VerifyError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<StoredRecord>>(8);
        let name = store.name().to_owned();
        let checker = s.spawn(move || -> Result<LogCheck, VerifyError> {
            let mut check = LogCheck::new(&name);
            for chunk in rx {
                for rec in &chunk {
                    check.push(rec)?;
                }
            }
            Ok(check)
        });
        let mut chunk = Vec::with_capacity(CHUNK);
        // The only error here is a checker that stopped (it found damage): its error wins.
        let read = store.for_each_record(None, None, |rec| -> Result<(), ()> {
            chunk.push(rec);
            if chunk.len() == CHUNK {
                tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .map_err(|_| ())?;
            }
            Ok(())
        });
        if !chunk.is_empty() {
            let _ = tx.send(chunk);
        }
        drop(tx);
        let check = checker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        read?.map_err(|()| {
            VerifyError::Store(StoreError::Damaged {
                store: store.name().to_owned(),
                detail: "verification stopped while reading".into(),
            })
        })?;
        Ok(check)
    })?;
    check.finish(&store.checkpoint_notes()?, verifier, held)
}

/// Verifies a log given as records (in leaf order) and checkpoint notes, e.g. from an export.
pub fn verify_log(
    log: &str,
    records: impl IntoIterator<Item = StoredRecord>,
    notes: &[(u64, String)],
    verifier: &CheckpointVerifier,
    held: Option<&Checkpoint>,
) -> Result<VerifyReport, VerifyError> {
    let mut check = LogCheck::new(log);
    for rec in records {
        check.push(&rec)?;
    }
    check.finish(notes, verifier, held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Recordable;

    fn stored(index: u64, record: &dyn Recordable) -> StoredRecord {
        let enc = record.encode_record().unwrap();
        StoredRecord {
            index,
            leaf_hash: enc.leaf_hash,
            bytes: enc.bytes,
            columns: None,
        }
    }

    /// A release by the officer who approved, written around the service (its bytes and
    /// leaf hash are in order): the fold of the actions catches it.
    #[test]
    fn a_forged_release_by_the_approver_breaks_the_hold_rules() {
        let decision = crate::record::tests::example(); // deny
        let mut review = decision.clone();
        review.verdict = serde_json::json!({"outcome": "review", "reasons": []});
        let approve = crate::hold_action::tests::example();
        let mut release = approve.clone();
        release.action_id = crate::DecisionId::new();
        release.action = "release".into();
        release.from = "approved".into();
        release.to = "released".into();

        let mut log = LogCheck::new("log");
        log.push(&stored(0, &review)).unwrap();
        log.push(&stored(1, &approve)).unwrap();
        let err = log.push(&stored(2, &release)).unwrap_err();
        assert!(
            matches!(&err, VerifyError::HoldRules { index: 2, reason, .. } if reason.contains("four eyes")),
            "{err}"
        );

        // The same release by another officer is in order.
        let mut log = LogCheck::new("log");
        log.push(&stored(0, &review)).unwrap();
        log.push(&stored(1, &approve)).unwrap();
        release.officer = "bob".into();
        log.push(&stored(2, &release)).unwrap();

        // An approval of a deny decision, or one claiming a state it was not in.
        let mut log = LogCheck::new("log");
        log.push(&stored(0, &decision)).unwrap();
        let err = log.push(&stored(1, &approve)).unwrap_err();
        assert!(err.to_string().contains("forbidden"), "{err}");
        let mut log = LogCheck::new("log");
        log.push(&stored(0, &review)).unwrap();
        let mut wrong = approve.clone();
        wrong.from = "approved".into();
        let err = log.push(&stored(1, &wrong)).unwrap_err();
        assert!(
            err.to_string().contains("says the hold was `approved`"),
            "{err}"
        );
    }
}
