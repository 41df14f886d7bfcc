//! Export of a time range as JSON Lines (records, checkpoints, and for a partial range an
//! inclusion proof per record), and verification of such an export.
//!
//! Lines, in order: one `{"type":"export",…}` header, every checkpoint
//! (`{"type":"checkpoint","tree_size":N,"note":"…"}`), then the records in leaf order
//! (`{"type":"record","leaf_index":I,"leaf_hash":"hex","record":{…}}`). A record of a partial
//! export (one that does not start at leaf 0 or leaves records out) also carries `"proof"`: its
//! audit path against the newest checkpoint.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::canonical::{CanonicalError, to_canonical_bytes};
use crate::checkpoint::{Checkpoint, CheckpointVerifier};
use crate::merkle::{Hash, MerkleError, verify_inclusion};
use crate::store::StoredRecord;
use crate::store::{Store, StoreError};
use crate::verify::{LogCheck, VerifyError, VerifyReport};

/// Format tag of the export header.
pub const EXPORT_FORMAT: &str = "exportctl-audit-export/1";

/// An export could not be written, read or verified.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing or reading the export failed.
    #[error("audit export: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not what the format says.
    #[error("audit export line {line}: {reason}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The exported log does not verify.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A record of a partial export is not in the newest checkpoint's tree.
    #[error("audit export: record at leaf index {index}: {source}")]
    Proof {
        /// Leaf index.
        index: u64,
        /// Cause.
        #[source]
        source: MerkleError,
    },
    /// A record could not be re-encoded.
    #[error(transparent)]
    Encode(#[from] CanonicalError),
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Export {
        format: String,
        log: String,
        from: Option<String>,
        to: Option<String>,
        complete: bool,
    },
    Checkpoint {
        tree_size: u64,
        note: String,
    },
    Record {
        leaf_index: u64,
        leaf_hash: String,
        record: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof: Option<Vec<String>>,
    },
}

/// Writes records whose time is in `[from, to)` (either bound optional) with all checkpoints.
/// Returns the number of records written.
pub fn export(
    store: &Store,
    from: Option<&str>,
    to: Option<&str>,
    out: &mut impl Write,
) -> Result<u64, ExportError> {
    let notes = store.checkpoint_notes()?;
    let complete = from.is_none() && to.is_none();
    let tree = if complete { None } else { Some(store.tree()?) };
    let proof_size = notes.last().map(|(s, _)| *s);
    let write = |line: &Line, out: &mut dyn Write| -> Result<(), ExportError> {
        serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    let header = Line::Export {
        format: EXPORT_FORMAT.into(),
        log: store.name().into(),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        complete,
    };
    write(&header, out)?;
    for (tree_size, note) in &notes {
        write(
            &Line::Checkpoint {
                tree_size: *tree_size,
                note: note.clone(),
            },
            out,
        )?;
    }
    let mut count = 0;
    store.for_each_record(from, to, |rec| -> Result<(), ExportError> {
        let record = serde_json::from_slice(&rec.bytes).map_err(|e| ExportError::Malformed {
            line: 0,
            reason: format!("stored record {} is not JSON: {e}", rec.index),
        })?;
        let proof = match (&tree, proof_size) {
            (Some(tree), Some(size)) if rec.index < size => Some(
                tree.inclusion_proof(rec.index, size)
                    .map_err(|source| ExportError::Proof {
                        index: rec.index,
                        source,
                    })?
                    .iter()
                    .map(hex::encode)
                    .collect(),
            ),
            _ => None,
        };
        write(
            &Line::Record {
                leaf_index: rec.index,
                leaf_hash: hex::encode(rec.leaf_hash),
                record,
                proof,
            },
            out,
        )?;
        count += 1;
        Ok(())
    })??;
    Ok(count)
}

/// Verifies an export: a complete one like a store (whole tree, every checkpoint, the held
/// checkpoint); a partial one record by record against the newest checkpoint.
pub fn verify_export(
    input: impl BufRead,
    verifier: &CheckpointVerifier,
    held: Option<&Checkpoint>,
) -> Result<VerifyReport, ExportError> {
    let mut lines = input.lines().enumerate();
    let malformed = |line: usize, reason: String| ExportError::Malformed {
        line: line + 1,
        reason,
    };
    let (log, complete) = match lines.next() {
        Some((i, l)) => match serde_json::from_str(&l?) {
            Ok(Line::Export {
                format,
                log,
                complete,
                ..
            }) if format == EXPORT_FORMAT => (log, complete),
            _ => return Err(malformed(i, format!("expected a `{EXPORT_FORMAT}` header"))),
        },
        None => return Err(malformed(0, "empty export".into())),
    };
    let log = format!("{log} (export)");
    let mut notes = Vec::new();
    let mut check = LogCheck::new(&log);
    let mut newest: Option<Checkpoint> = None;
    let mut partial_count = 0u64;
    for (i, l) in lines {
        let line: Line = serde_json::from_str(&l?).map_err(|e| malformed(i, e.to_string()))?;
        match line {
            Line::Export { .. } => return Err(malformed(i, "a second header".into())),
            Line::Checkpoint { tree_size, note } => notes.push((tree_size, note)),
            Line::Record {
                leaf_index,
                leaf_hash,
                record,
                proof,
            } => {
                let bytes = to_canonical_bytes("exported record", &record)?;
                let stored: Hash = hex::decode(&leaf_hash)
                    .ok()
                    .and_then(|h| h.try_into().ok())
                    .ok_or_else(|| malformed(i, "leaf_hash is not 32 bytes of hex".into()))?;
                if complete {
                    check.push(&StoredRecord {
                        index: leaf_index,
                        bytes,
                        leaf_hash: stored,
                        columns: None,
                    })?;
                    continue;
                }
                if newest.is_none() {
                    let (size, note) = notes.last().ok_or_else(|| {
                        malformed(i, "a partial export needs a checkpoint".into())
                    })?;
                    newest = Some(verifier.open_checkpoint(note).map_err(|source| {
                        VerifyError::Checkpoint {
                            log: log.clone(),
                            size: *size,
                            source,
                        }
                    })?);
                }
                let cp = newest
                    .as_ref()
                    .ok_or_else(|| malformed(i, "no checkpoint".into()))?;
                let path = proof
                    .unwrap_or_default()
                    .iter()
                    .map(|h| hex::decode(h).ok().and_then(|b| <Hash>::try_from(b).ok()))
                    .collect::<Option<Vec<Hash>>>()
                    .ok_or_else(|| malformed(i, "a proof hash is not 32 bytes of hex".into()))?;
                verify_inclusion(&bytes, leaf_index, cp.size, &cp.root, &path).map_err(
                    |source| ExportError::Proof {
                        index: leaf_index,
                        source,
                    },
                )?;
                partial_count += 1;
            }
        }
    }
    if complete {
        return Ok(check.finish(&notes, verifier, held)?);
    }
    // Partial: every checkpoint must still be genuine.
    for (size, note) in &notes {
        verifier
            .open_checkpoint(note)
            .map_err(|source| VerifyError::Checkpoint {
                log: log.clone(),
                size: *size,
                source,
            })?;
    }
    Ok(VerifyReport {
        records: partial_count,
        checkpoints: notes.len(),
        latest: newest,
        unsealed: 0,
    })
}
