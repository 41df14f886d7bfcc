//! `exportctl check --audit`: the sink that records each decision and releases
//! its verdict to the output only after the record is committed and synced.
//!
//! Records are submitted as shipments are judged and their tickets kept in a
//! window, in input order; the oldest verdict is printed when its ticket
//! resolves. So judging goes on while earlier records commit (many share one
//! commit), the output order is the input order, and a verdict whose record
//! failed is never printed: the run stops with the store's error.

use exportctl::{DecisionRecorder, InvalidInput, RecordBuildError, Sink, Verdict};
use exportctl_audit::{RecordError, Recorder, Ticket};
use exportctl_sdk::validated::Shipment;
use std::collections::VecDeque;
use std::io;
use std::sync::Arc;

/// Verdicts waiting for their record's commit before they may be printed.
const WINDOW: usize = 256;

/// Why a verdict was withheld: its decision could not be recorded.
#[derive(Debug, thiserror::Error)]
pub(super) enum NotRecorded {
    /// The record could not be built.
    #[error("{0}")]
    Build(#[from] RecordBuildError),
    /// The store did not make it durable.
    #[error("{0}")]
    Store(#[from] RecordError),
    /// Another process (an `exportctl worker`) was to record it, and the
    /// store does not hold it.
    #[error("{0}")]
    Elsewhere(String),
}

impl NotRecorded {
    /// The audit failure a sink error carries, if it is one.
    pub(super) fn of(error: &io::Error) -> Option<&NotRecorded> {
        error
            .get_ref()
            .and_then(|e| e.downcast_ref::<NotRecorded>())
    }
}

/// Records each judged shipment in front of another sink.
pub(super) struct Recording<S: Sink> {
    inner: S,
    recorder: Option<Recorder>,
    records: DecisionRecorder,
    pending: VecDeque<(Ticket, String, Arc<Verdict>)>,
}

impl<S: Sink> Recording<S> {
    pub(super) fn new(inner: S, recorder: Recorder, records: DecisionRecorder) -> Self {
        Recording {
            inner,
            recorder: Some(recorder),
            records,
            pending: VecDeque::with_capacity(WINDOW),
        }
    }

    /// Waits for the oldest record and prints its verdict.
    fn release_oldest(&mut self) -> io::Result<()> {
        let Some((ticket, label, verdict)) = self.pending.pop_front() else {
            return Ok(());
        };
        match ticket.wait() {
            Ok(_) => self.inner.verdict(&label, &verdict),
            Err(e) => {
                // Once one record failed, none queued after it is printed either.
                self.pending.clear();
                Err(io::Error::other(NotRecorded::from(e)))
            }
        }
    }

    /// Prints every verdict still waiting, then closes the recorder (its final
    /// checkpoint).
    pub(super) fn finish(&mut self) -> io::Result<()> {
        while !self.pending.is_empty() {
            self.release_oldest()?;
        }
        if let Some(recorder) = self.recorder.take() {
            recorder
                .close()
                .map_err(|e| io::Error::other(NotRecorded::Store(e.into())))?;
        }
        Ok(())
    }
}

impl<S: Sink> Recording<S> {
    /// The sink behind, once [`finish`](Self::finish) has released everything.
    pub(super) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Sink> Sink for Recording<S> {
    fn verdict(&mut self, label: &str, _verdict: &Verdict) -> io::Result<()> {
        // `judge` always calls `judged`, which has the shipment a record needs.
        Err(io::Error::other(format!(
            "{label}: a verdict without its shipment cannot be recorded"
        )))
    }

    fn judged(
        &mut self,
        label: &str,
        shipment: &Shipment<'_>,
        verdict: &Verdict,
    ) -> io::Result<()> {
        let Some(recorder) = &self.recorder else {
            return Err(io::Error::other(NotRecorded::Store(RecordError::Stopped {
                store: String::from("(closed)"),
            })));
        };
        // The record is built and encoded on the writer's thread; this one goes on judging.
        let verdict = Arc::new(verdict.clone());
        let captured = self
            .records
            .capture(shipment, Arc::clone(&verdict), None)
            .map_err(|e| io::Error::other(NotRecorded::from(e)))?;
        let ticket = recorder
            .submit_with(
                captured.decision_id(),
                Box::new(move || captured.encode().map_err(|e| e.to_string())),
            )
            .map_err(|e| io::Error::other(NotRecorded::from(e)))?;
        self.pending.push_back((ticket, label.to_owned(), verdict));
        if self.pending.len() >= WINDOW {
            self.release_oldest()?;
        }
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        self.inner.invalid(error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.finish()?;
        self.inner.flush()
    }
}
