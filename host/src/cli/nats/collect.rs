//! The results side of `batch --nats`: each piece waits here until its chunk's
//! results (or its dead letter) arrive, and pieces are written in input order,
//! as the local run's reorder buffer writes them. Results that come before
//! their piece (those of an earlier run of the job, read first on a resume)
//! wait for it.

use super::chunk::{ChunkResult, FORMAT_VERSION, ItemResult};
use super::pieces::{Piece, Slot};
use super::stream;
use crate::cli::batch::Judged;
use async_nats::HeaderMap;
use exportctl::Host;
use exportctl::report::verdict_from_json;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::Arc;

/// Pieces sent and not yet written, by number.
pub(super) struct Collector<'a> {
    job: &'a str,
    set: &'a str,
    host: Option<&'a Host>,
    keeps_digest: bool,
    waiting: BTreeMap<u64, Waiting>,
    /// Results and dead letters of pieces not yet read (`Done` or `Dead`).
    early: HashMap<u64, State>,
    next: u64,
}

struct Waiting {
    slots: Vec<Slot>,
    state: State,
}

enum State {
    /// Its chunk is out.
    Sent,
    /// Its results, by item index.
    Done(HashMap<u64, ItemResult>),
    /// Its chunk went to the dead-letter subject, for this reason.
    Dead(String),
}

impl<'a> Collector<'a> {
    /// Collects the results of `job` judged with `set`; `host` for reports
    /// that name policies, `keeps_digest` when the output keeps each input's
    /// digest.
    pub(super) fn new(
        job: &'a str,
        set: &'a str,
        host: Option<&'a Host>,
        keeps_digest: bool,
    ) -> Collector<'a> {
        Collector {
            job,
            set,
            host,
            keeps_digest,
            waiting: BTreeMap::new(),
            early: HashMap::new(),
            next: 0,
        }
    }

    /// Pieces not yet written.
    pub(super) fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether every piece is written.
    pub(super) fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Takes a piece, whose chunk is to be `sent` (a piece of invalid inputs
    /// only is not); true when its results, or its dead letter, are already in.
    pub(super) fn expect(&mut self, piece: Piece, sent: bool) -> bool {
        let early = self.early.remove(&piece.seq);
        let back = early.is_some();
        let state = match early {
            Some(state) if sent => state,
            _ if sent => State::Sent,
            _ => State::Done(HashMap::new()),
        };
        self.waiting.insert(
            piece.seq,
            Waiting {
                slots: piece.slots,
                state,
            },
        );
        back
    }

    /// The first `n` chunks still out, and how many more are.
    pub(super) fn missing(&self, n: usize) -> (Vec<u64>, usize) {
        let out: Vec<u64> = self
            .waiting
            .iter()
            .filter(|(_, w)| matches!(w.state, State::Sent))
            .map(|(seq, _)| *seq)
            .collect();
        let more = out.len().saturating_sub(n);
        (out.into_iter().take(n).collect(), more)
    }

    /// A message of the job's results stream: results, a dead letter, or the
    /// job's size. What is not understood is said on standard error, never
    /// dropped silently; results judged with another set are the caller's to
    /// report (the error is that set's digest).
    pub(super) fn arrived(
        &mut self,
        subject: &str,
        headers: Option<&HeaderMap>,
        payload: &[u8],
    ) -> Result<(), String> {
        let job = self.job;
        if subject == stream::results(job) {
            match serde_json::from_slice::<ChunkResult>(payload) {
                Ok(result) if result.format_version == FORMAT_VERSION && result.job == job => {
                    if result.set != self.set {
                        return Err(result.set);
                    }
                    let items = result.items.into_iter().map(|r| (r.index(), r)).collect();
                    self.settle(result.chunk, State::Done(items));
                }
                Ok(result) => eprintln!(
                    "warning: job {job}: a result on {subject} of format {} for job {} is not this run's; ignored",
                    result.format_version, result.job
                ),
                Err(e) => eprintln!(
                    "warning: job {job}: a message on {subject} is not a chunk's results ({e}); ignored"
                ),
            }
        } else if subject == stream::dead(job) {
            let header = |name: &str| {
                headers
                    .and_then(|h| h.get(name))
                    .map(|v| v.as_str().to_owned())
            };
            let reason = header("Exportctl-Reason").unwrap_or_else(|| "no reason given".to_owned());
            match header("Exportctl-Chunk").and_then(|c| c.parse::<u64>().ok()) {
                Some(chunk) => self.settle(chunk, State::Dead(reason)),
                None => eprintln!(
                    "warning: job {job}: a message that is not one of this run's chunks went to {subject}: {reason}"
                ),
            }
        }
        Ok(())
    }

    /// Its results or dead letter for a chunk: the first to come counts (a
    /// chunk's results are stored once; a dead letter may follow results sent
    /// by a worker that died before its acknowledgement).
    fn settle(&mut self, chunk: u64, state: State) {
        if chunk < self.next {
            return;
        }
        match self.waiting.get_mut(&chunk) {
            Some(waiting) if matches!(waiting.state, State::Sent) => waiting.state = state,
            Some(_) => {}
            None => {
                self.early.entry(chunk).or_insert(state);
            }
        }
    }

    /// Writes every piece whose turn has come and whose results are in.
    pub(super) fn write_ready(
        &mut self,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> io::Result<()> {
        while let Some(entry) = self.waiting.first_entry() {
            if *entry.key() != self.next || matches!(entry.get().state, State::Sent) {
                break;
            }
            let seq = *entry.key();
            let Waiting { slots, state } = entry.remove();
            self.next += 1;
            let mut results = match state {
                State::Done(results) => Ok(results),
                State::Dead(reason) => Err(reason),
                State::Sent => Ok(HashMap::new()),
            };
            for slot in slots {
                write(self.judged(seq, slot, &mut results))?;
            }
        }
        Ok(())
    }

    fn judged(
        &self,
        seq: u64,
        slot: Slot,
        results: &mut Result<HashMap<u64, ItemResult>, String>,
    ) -> Judged {
        let (index, origin) = match slot {
            Slot::Invalid(messages) => return Judged::Invalid(messages),
            Slot::Sent { index, origin } => (index, origin),
        };
        let job = self.job;
        let result = match results {
            Err(reason) => {
                return Judged::Invalid(vec![format!(
                    "{origin}: not judged: chunk {seq} of job {job} went to {} ({reason})",
                    stream::dead(job)
                )]);
            }
            Ok(results) => results.remove(&index),
        };
        match result {
            None => Judged::Invalid(vec![format!(
                "{origin}: not judged: the results of chunk {seq} of job {job} have no item {index}"
            )]),
            Some(ItemResult::Invalid { errors, .. }) => Judged::Invalid(errors),
            Some(ItemResult::Screened { .. }) => Judged::Invalid(vec![format!(
                "{origin}: not judged: chunk {seq} of job {job} came back with a party's screening"
            )]),
            Some(ItemResult::Judged {
                label,
                verdict,
                input_sha256,
                decision_id,
                ..
            }) => {
                let rebuilt = serde_json::from_str(verdict.get())
                    .map_err(|e| e.to_string())
                    .and_then(|json| {
                        verdict_from_json(&json, self.host).map_err(|e| e.to_string())
                    });
                match rebuilt {
                    Ok(rebuilt) => Judged::Verdict {
                        label,
                        verdict: Arc::new(rebuilt),
                        digest: self.keeps_digest.then_some(input_sha256),
                        record: None,
                        json: Some(verdict),
                        recorded_as: decision_id,
                    },
                    Err(e) => Judged::Invalid(vec![format!(
                        "{origin}: the verdict of chunk {seq} of job {job} cannot be read: {e}"
                    )]),
                }
            }
        }
    }
}
