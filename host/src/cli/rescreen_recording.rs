//! `exportctl rescreen --audit`: every party screening recorded as a
//! screening record and every order's decision as a decision record (as
//! `batch --audit` records them), each before its change is reported; and, for
//! `--since-decisions`, each party's last recorded screening read back as its
//! baseline.
//!
//! Parties are recorded a window at a time: the window's records are submitted
//! together (sharing commits) and its changes written only once all of them
//! are committed. A record that fails stops the run; that window's changes and
//! every later one are withheld.

use super::recording::NotRecorded;
use super::{ExitStatus, RescreenArgs};
use exportctl::{
    AuditSettings, DecisionRecorder, Host, PartyRecord, PartyScreening, ScreeningRecorder,
    StoreInput,
};
use exportctl_audit::store::Store;
use exportctl_audit::{Recorder, ScreeningRecord};
use exportctl_sdk::{Date, Outcome};
use std::io;
use std::sync::Arc;

/// The recorder of a `rescreen --audit` run and what builds its records.
pub(super) struct RescreenLog {
    /// Taken by the orders' recording sink, which closes it.
    pub(super) recorder: Option<Recorder>,
    pub(super) decisions: DecisionRecorder,
    pub(super) screenings: ScreeningRecorder,
}

impl RescreenLog {
    /// The log of this run, as `check` and `batch` record: with `--audit URL`,
    /// or where the set's `[audit]` table says; `None` when nothing is
    /// recorded. Errors are printed; the status says how the run ends.
    pub(super) fn open(
        args: &RescreenArgs,
        audit: Option<AuditSettings>,
        host: &Arc<Host>,
    ) -> Result<Option<RescreenLog>, ExitStatus> {
        let store_input = audit.as_ref().map_or(StoreInput::Full, |a| a.store_input);
        let Some((recorder, decisions)) = super::check::recording(
            args.audit.as_deref(),
            args.checkpoint_key.as_deref(),
            audit,
            host,
        )?
        else {
            return Ok(None);
        };
        let screenings = ScreeningRecorder::new(host, super::check::requested_by(), store_input)
            .map_err(|e| {
                eprintln!("error: {e}");
                ExitStatus::Internal
            })?;
        Ok(Some(RescreenLog {
            recorder: Some(recorder),
            decisions,
            screenings,
        }))
    }

    /// Records the screenings of one window, in order, and returns once every
    /// one is committed and synced.
    pub(super) fn record_parties(
        &self,
        screened: &[(&PartyRecord, &PartyScreening)],
        date: Date,
    ) -> io::Result<()> {
        let not_recorded = |e: NotRecorded| io::Error::other(e);
        let Some(recorder) = &self.recorder else {
            return Err(not_recorded(NotRecorded::Store(
                exportctl_audit::RecordError::Stopped {
                    store: String::from("(closed)"),
                },
            )));
        };
        let mut tickets = Vec::with_capacity(screened.len());
        for (party, screening) in screened {
            let record = self
                .screenings
                .record(party, date, screening)
                .map_err(|e| not_recorded(e.into()))?;
            tickets.push(
                recorder
                    .submit(&record)
                    .map_err(|e| not_recorded(e.into()))?,
            );
        }
        for ticket in tickets {
            ticket.wait().map_err(|e| not_recorded(e.into()))?;
        }
        Ok(())
    }

    /// Closes the recorder, if the orders did not take it: its last checkpoint.
    pub(super) fn close(&mut self) -> io::Result<()> {
        match self.recorder.take() {
            Some(recorder) => recorder
                .close()
                .map_err(|e| io::Error::other(NotRecorded::Store(e.into()))),
            None => Ok(()),
        }
    }
}

/// The baseline of a party never screened before: nothing matched, so every
/// match it has now is new.
pub(super) fn never_screened(party: &PartyRecord) -> PartyScreening {
    PartyScreening {
        party: party.id.clone(),
        outcome: Outcome::Allow,
        matches: Vec::new(),
        failures: Vec::new(),
    }
}

/// The last screening of `party` recorded below leaf index `before` (the log
/// as it was when the run started, so this run's own records are never its
/// baseline), as the screener returned it; `None` when it was never screened.
pub(super) fn last_screening(
    store: &Store,
    before: u64,
    party: &str,
) -> io::Result<Option<PartyScreening>> {
    let Some((index, bytes)) = store
        .last_screening(party, Some(before))
        .map_err(io::Error::other)?
    else {
        return Ok(None);
    };
    let record = ScreeningRecord::decode(&bytes).map_err(|e| {
        io::Error::other(format!(
            "audit store {}: the screening of party `{party}` at leaf index {index} cannot be read: {e}",
            store.name()
        ))
    })?;
    PartyScreening::from_record(&record)
        .map(Some)
        .map_err(|e| io::Error::other(format!("audit store {}: {e}", store.name())))
}
