//! `exportctl batch --audit`: each decision recorded before its verdict is
//! written, as `check --audit` does. Workers capture each decision; here, in
//! input order, it is submitted to the store and its verdict held in a window
//! until the record is committed. A record that fails stops the run: that
//! verdict and every later one are withheld.

use super::batch::Judged;
use super::recording::NotRecorded;
use exportctl_audit::{Recorder, Ticket};
use std::collections::VecDeque;
use std::io;

/// Verdicts waiting for their record's commit.
const WINDOW: usize = 256;

/// Results in input order, released once recorded (at once without a store).
pub(super) struct Release {
    recorder: Option<Recorder>,
    pending: VecDeque<(Option<Ticket>, Judged)>,
}

impl Release {
    /// Releases through `recorder`, if decisions are recorded.
    pub(super) fn new(recorder: Option<Recorder>) -> Release {
        Release {
            recorder,
            pending: VecDeque::new(),
        }
    }

    /// Takes the next result in input order; hands to `write` each result
    /// whose record is committed.
    pub(super) fn push(
        &mut self,
        judged: Judged,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> io::Result<()> {
        let Some(recorder) = &self.recorder else {
            return write(judged);
        };
        let mut judged = match judged {
            Judged::NotRecorded(e) => return Err(io::Error::other(NotRecorded::Build(e))),
            other => other,
        };
        let ticket = match &mut judged {
            Judged::Verdict { record, .. } => match record.take() {
                Some(captured) => Some(
                    recorder
                        .submit_with(
                            captured.decision_id(),
                            Box::new(move || captured.encode().map_err(|e| e.to_string())),
                        )
                        .map_err(|e| io::Error::other(NotRecorded::from(e)))?,
                ),
                None => None,
            },
            Judged::Invalid(_) | Judged::Resumed(_) | Judged::NotRecorded(_) => None,
        };
        self.pending.push_back((ticket, judged));
        while self.pending.len() >= WINDOW {
            self.release_oldest(write)?;
        }
        Ok(())
    }

    fn release_oldest(
        &mut self,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> io::Result<()> {
        let Some((ticket, judged)) = self.pending.pop_front() else {
            return Ok(());
        };
        if let Some(ticket) = ticket
            && let Err(e) = ticket.wait()
        {
            self.pending.clear();
            return Err(io::Error::other(NotRecorded::from(e)));
        }
        write(judged)
    }

    /// Releases everything held, then closes the recorder (its last checkpoint).
    pub(super) fn finish(
        &mut self,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> io::Result<()> {
        while !self.pending.is_empty() {
            self.release_oldest(write)?;
        }
        if let Some(recorder) = self.recorder.take() {
            recorder
                .close()
                .map_err(|e| io::Error::other(NotRecorded::Store(e.into())))?;
        }
        Ok(())
    }
}
