//! `exportctl batch --resume`: what the output of an interrupted run already
//! holds. Each line of a JSON Lines `--out` file carries the shipment id and
//! `input_sha256`; a document with the same pair is not judged again. A last
//! line cut short by the interruption (no newline, or not JSON) is cut off
//! the file, so the rerun writes it again whole.

use exportctl_sdk::Outcome;
use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The verdict of a shipment written by the earlier run, for the summary and
/// the exit status.
pub(super) struct Resumed {
    pub(super) outcome: Outcome,
    pub(super) rules: Vec<String>,
}

/// Verdicts the output already holds, by shipment id and input digest (a list:
/// the same shipment may be in the input twice).
#[derive(Default)]
pub(super) struct Done {
    by_id: HashMap<String, HashMap<String, Vec<Resumed>>>,
}

/// Why an output cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub(super) enum ResumeError {
    /// The file could not be read or cut.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A whole line that is not a verdict of a resumable output.
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
}

impl Done {
    /// Reads `path` (a missing file is an empty one) and cuts a torn last line.
    pub(super) fn read(path: &Path) -> Result<Done, ResumeError> {
        let file = match OpenOptions::new().read(true).write(true).open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Done::default()),
            Err(e) => return Err(e.into()),
        };
        let mut reader = BufReader::new(&file);
        let mut done = Done::default();
        let mut good_end = 0u64;
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            let read = reader.read_until(b'\n', &mut line)?;
            if read == 0 {
                break;
            }
            number += 1;
            let whole = line.ends_with(b"\n");
            match parse_line(&line) {
                Ok((id, digest, resumed)) if whole => {
                    done.by_id
                        .entry(id)
                        .or_default()
                        .entry(digest)
                        .or_default()
                        .push(resumed);
                    good_end += read as u64;
                }
                // The last line, torn by the interruption: written again.
                _ if !whole => break,
                Err(reason) => {
                    return Err(ResumeError::Line {
                        line: number,
                        reason,
                    });
                }
                Ok(_) => unreachable!("a whole line is handled above"),
            }
        }
        file.set_len(good_end)?;
        Ok(done)
    }

    /// Whether some verdict of shipment `id` is held (cheap: no digest needed).
    pub(super) fn has_id(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Takes one verdict held for `id` and `digest`, if any is left.
    pub(super) fn take(&mut self, id: &str, digest: &str) -> Option<Resumed> {
        self.by_id.get_mut(id)?.get_mut(digest)?.pop()
    }
}

fn parse_line(line: &[u8]) -> Result<(String, String, Resumed), String> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    let text = |field: &str| {
        value[field]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no `{field}`: not the output of `batch --out`"))
    };
    let id = text("shipment")?;
    let digest = text("input_sha256")?;
    let outcome = match text("outcome")?.as_str() {
        "allow" => Outcome::Allow,
        "review" => Outcome::Review,
        "licence_required" => Outcome::LicenceRequired,
        "deny" => Outcome::Deny,
        other => return Err(format!("unknown outcome `{other}`")),
    };
    let mut rules: Vec<String> = value["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules.dedup();
    Ok((id, digest, Resumed { outcome, rules }))
}
