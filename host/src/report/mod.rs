//! Writing verdicts: JSON Lines for machines, a readable report for people —
//! each as a function of one verdict and as a [`Sink`] for [`judge`](crate::judge).

mod json;
mod recorded;
mod text;

pub use json::write_json;
pub use recorded::{verdict_from_json, write_recorded_text};
pub use text::write_text;

use crate::judge::{InvalidInput, Sink};
use crate::verdict::Verdict;
use std::io::{self, Write};

/// A sink that writes each verdict as one line of JSON (`verdict.md`) and
/// leaves invalid inputs to the caller (they are counted in the summary).
pub struct JsonLines<W: Write>(pub W);

impl<W: Write> Sink for JsonLines<W> {
    fn verdict(&mut self, _label: &str, verdict: &Verdict) -> io::Result<()> {
        write_json(&mut self.0, verdict)
    }

    fn invalid(&mut self, _error: &InvalidInput) -> io::Result<()> {
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A sink that writes each verdict as a readable report and leaves invalid
/// inputs to the caller (they are counted in the summary).
pub struct TextReport<W: Write>(pub W);

impl<W: Write> Sink for TextReport<W> {
    fn verdict(&mut self, _label: &str, verdict: &Verdict) -> io::Result<()> {
        write_text(&mut self.0, verdict)
    }

    fn invalid(&mut self, _error: &InvalidInput) -> io::Result<()> {
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
