//! Verdicts as JSON, one object per line (`verdict.md`).

use crate::verdict::Verdict;
use std::io::Write;

/// Writes `verdict` as one line of JSON.
pub fn write_json(out: &mut impl Write, verdict: &Verdict) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, verdict)?;
    out.write_all(b"\n")
}
