//! `exportctl rescreen --nats URL`: the party master screened by the workers
//! of the current policy set, as chunks of kind `parties`, window by window
//! ([`WINDOW`] parties), while the publisher screens the same window with the
//! previous set (`--against`) here; each window is then compared and written
//! by the local run's own code (`rescreen::write_window`), so the output is
//! the local run's byte for byte.
//!
//! The previous set is screened here rather than by workers of that set: a
//! deployment runs workers of the set in force, not of the one it replaced,
//! and this side's screening overlaps the workers' (`sdk/spec/queue.md`).
//! With `--since-decisions` the baseline is each party's last screening in the
//! audit store as it was when the run began, read here.
//!
//! A recorded run (`--audit`): the workers record each screening in the shared
//! store under the request id `job:<job>:item:<index>` before they publish its
//! result (so a redelivered chunk never records twice), and name it in the
//! result; this side finds each named screening in its own store before it
//! reports the party's changes, so a change is never reported for a screening
//! that is not in the store the run was asked to record into.

use super::chunk::{Chunk, ChunkResult, FORMAT_VERSION, Item, ItemResult, Kind, Published};
use super::publish::new_job_id;
use super::{NatsError, dead_letter, runtime, stream};
use crate::cli::recording::NotRecorded;
use crate::cli::rescreen::{CHUNK, WINDOW, write_window};
use crate::cli::rescreen_output::{Output, Tally};
use crate::cli::rescreen_parties::Row;
use crate::cli::rescreen_recording;
use crate::cli::{ExitStatus, RescreenArgs};
use async_nats::jetstream::Context;
use async_nats::jetstream::consumer::pull;
use async_nats::jetstream::message::PublishMessage;
use exportctl::{Host, PartyScreening};
use exportctl_audit::DecisionId;
use exportctl_audit::store::Store;
use exportctl_sdk::Date;
use futures_util::StreamExt;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// What the workers' screenings are compared with.
pub(crate) enum Previous<'a> {
    /// The previous set, screened here.
    Set(&'a Arc<Host>),
    /// Each party's last screening in `store` below leaf index `before`.
    Store { store: &'a Store, before: u64 },
}

/// Why the workers' screening stopped.
enum Stop {
    Nats(NatsError),
    /// No result for `--wait` seconds.
    Timeout {
        missing: Vec<u64>,
    },
}

/// Screens `rows` now on the workers and before here, and writes every
/// window's changes. `Err` is the exit status of a run the queue stopped,
/// said on standard error.
#[allow(clippy::too_many_arguments)]
pub(crate) fn parties(
    rows: &[Row],
    now: &Arc<Host>,
    before: Previous<'_>,
    recorded_in: Option<&Store>,
    date: Date,
    args: &RescreenArgs,
    url: &str,
    output: &mut Output,
    tally: &mut Tally,
) -> Result<io::Result<()>, ExitStatus> {
    let job = match new_job_id() {
        Ok(job) => job,
        Err(e) => {
            eprintln!("error: cannot make a job id: {e}");
            return Err(ExitStatus::Internal);
        }
    };
    let rt = runtime().map_err(|e| {
        eprintln!("error: cannot start the NATS client: {e}");
        ExitStatus::Internal
    })?;
    let set: &str = &now.generation().set_digest;
    let wait = Duration::from_secs(args.wait);
    let opened = rt.block_on(async {
        let js = stream::connect(url).await?;
        let (chunks, results) = stream::streams(&js, url).await?;
        let announcements = dead_letter::listen(&js, set, url).await?;
        if !stream::consuming(&chunks, set, url).await? {
            eprintln!(
                "rescreen: no worker of set {set} is taking chunks on {url} yet: the parties wait for \
                 `exportctl worker --nats {url}` with the same policy set (workers of other sets never take them)"
            );
        }
        tokio::spawn(dead_letter::watch(
            announcements,
            js.clone(),
            chunks.clone(),
            url.to_owned(),
        ));
        let collected = Box::pin(futures_util::stream::select(
            stream::follow(&results, stream::results(&job), url).await?,
            stream::follow(&results, stream::dead(&job), url).await?,
        ));
        Ok::<_, NatsError>((js, chunks, collected))
    });
    let (js, chunks, mut collected) = opened.map_err(|e| {
        eprintln!("error: {e}");
        e.status()
    })?;
    eprintln!("rescreen: job {job} on {url}");
    let remote = Remote {
        js: &js,
        url,
        set,
        job: &job,
        date,
    };
    let mut previous = match before {
        Previous::Set(host) => Some(host.party_screener()),
        Previous::Store { .. } => None,
    };
    let (mut sent, mut items) = (0u64, 0u64);
    for (w, window) in rows.chunks(WINDOW).enumerate() {
        let offset = (w * WINDOW) as u64;
        let first = sent;
        let outcome = rt.block_on(async {
            let valid: Vec<(u64, &exportctl::PartyRecord)> = window
                .iter()
                .enumerate()
                .filter_map(|(i, row)| row.as_ref().ok().map(|p| (offset + i as u64, p)))
                .collect();
            for part in valid.chunks(CHUNK) {
                remote.send(sent, part).await?;
                sent += 1;
                items += part.len() as u64;
            }
            Ok::<_, NatsError>(())
        });
        if let Err(e) = outcome {
            eprintln!("error: {e}");
            return Err(ExitStatus::Internal);
        }
        // The previous set (or the store as it was), here, while the workers screen.
        let mut before_screened: Vec<Option<PartyScreening>> = Vec::with_capacity(window.len());
        for row in window {
            let Ok(party) = row else {
                before_screened.push(None);
                continue;
            };
            let screened = match (&mut previous, &before) {
                (Some(screener), _) => screener.screen(party, date),
                (None, Previous::Store { store, before }) => {
                    match rescreen_recording::last_screening(store, *before, &party.id) {
                        Ok(found) => {
                            found.unwrap_or_else(|| rescreen_recording::never_screened(party))
                        }
                        Err(e) => return Ok(Err(e)),
                    }
                }
                (None, Previous::Set(_)) => unreachable!("a previous set has its screener"),
            };
            before_screened.push(Some(screened));
        }
        let mut came = match rt.block_on(collect(url, &mut collected, &job, set, first..sent, wait))
        {
            Ok(came) => came,
            Err(Stop::Nats(e)) => {
                eprintln!("error: {e}");
                return Err(ExitStatus::Internal);
            }
            Err(Stop::Timeout { missing }) => {
                let consuming = rt
                    .block_on(stream::consuming(&chunks, set, url))
                    .unwrap_or(true);
                let chunks: Vec<String> = missing.iter().map(u64::to_string).collect();
                if consuming {
                    eprintln!(
                        "error: job {job}: no result from the workers on {url} for {} s; still missing chunks {}",
                        args.wait,
                        chunks.join(", ")
                    );
                } else {
                    eprintln!(
                        "error: job {job}: no worker of set {set} took chunks on {url} for {} s: start \
                         `exportctl worker --nats {url}` with the policy set of digest {set}",
                        args.wait
                    );
                }
                return Err(ExitStatus::Internal);
            }
        };
        let mut screened = Vec::with_capacity(window.len());
        for (i, (row, before)) in window.iter().zip(before_screened).enumerate() {
            let index = offset + i as u64;
            let pair = match (row, before) {
                (Ok(party), Some(before)) => match came.remove(&index) {
                    Some(Ok((now, id))) => {
                        if let Some(store) = recorded_in
                            && let Err(e) = in_store(store, &party.id, id.as_deref())
                        {
                            return Ok(Err(e));
                        }
                        Some((now, before))
                    }
                    Some(Err(why)) => {
                        eprintln!("invalid: party {}: not screened: {why}", party.id);
                        tally.invalid += 1;
                        None
                    }
                    None => {
                        eprintln!(
                            "invalid: party {}: not screened: the results of job {job} have no item {index}",
                            party.id
                        );
                        tally.invalid += 1;
                        None
                    }
                },
                _ => None,
            };
            screened.push(pair);
        }
        if let Err(e) = write_window(window, &screened, now, args.full, output, tally) {
            return Ok(Err(e));
        }
    }
    let size = Published {
        format_version: FORMAT_VERSION,
        set: set.to_owned(),
        job: job.clone(),
        chunks: sent,
        items,
    };
    if let Err(e) = rt.block_on(remote.publish_size(&size)) {
        eprintln!("error: {e}");
        return Err(ExitStatus::Internal);
    }
    Ok(Ok(()))
}

/// Sends chunks of parties.
struct Remote<'a> {
    js: &'a Context,
    url: &'a str,
    set: &'a str,
    job: &'a str,
    date: Date,
}

impl Remote<'_> {
    async fn send(
        &self,
        seq: u64,
        parties: &[(u64, &exportctl::PartyRecord)],
    ) -> Result<(), NatsError> {
        let mut items = Vec::with_capacity(parties.len());
        for (index, party) in parties {
            let text = serde_json::to_string(party)
                .and_then(RawValue::from_string)
                .map_err(|e| self.lost(format!("party {} not encoded: {e}", party.id)))?;
            items.push(Item {
                index: *index,
                origin: format!("party {}", party.id),
                document: text,
            });
        }
        let chunk = Chunk {
            format_version: FORMAT_VERSION,
            kind: Kind::Parties,
            set: self.set.to_owned(),
            job: self.job.to_owned(),
            chunk: seq,
            as_of: Some(self.date.to_string()),
            strict: false,
            items,
        };
        let payload = serde_json::to_vec(&chunk)
            .map_err(|e| self.lost(format!("chunk {seq} not encoded: {e}")))?;
        self.publish(
            stream::chunk(self.set, self.job, seq),
            format!("{}:chunk:{seq}", self.job),
            payload,
        )
        .await
    }

    async fn publish_size(&self, size: &Published) -> Result<(), NatsError> {
        let payload = serde_json::to_vec(size)
            .map_err(|e| self.lost(format!("job size not encoded: {e}")))?;
        self.publish(
            stream::published(self.job),
            format!("{}:published", self.job),
            payload,
        )
        .await
    }

    /// Publishes and waits for the stream's acknowledgement (the message id
    /// makes a repeat harmless).
    async fn publish(
        &self,
        subject: String,
        id: String,
        payload: Vec<u8>,
    ) -> Result<(), NatsError> {
        let message = PublishMessage::build()
            .payload(payload.into())
            .message_id(id);
        let acked = match self.js.send_publish(subject.clone(), message).await {
            Ok(ack) => ack.await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        acked.map_err(|e| self.lost(format!("publishing to {subject}: {e}")))
    }

    fn lost(&self, cause: String) -> NatsError {
        NatsError::Lost {
            url: self.url.to_owned(),
            cause,
        }
    }
}

/// Each party's screening and the id of its record, if a worker recorded it
/// (or why it has none), by index.
type Screened = HashMap<u64, Result<(PartyScreening, Option<String>), String>>;

/// Finds the screening `id` a worker says it recorded for `party` in `store`;
/// an error (the run stops, exit 1) when the worker recorded nothing, or in
/// another store.
fn in_store(store: &Store, party: &str, id: Option<&str>) -> io::Result<()> {
    let not_recorded = |why: String| {
        io::Error::other(NotRecorded::Elsewhere(format!(
            "party {party}: {why}: start the workers with `--audit` of the same store ({})",
            store.name()
        )))
    };
    let id: DecisionId = id
        .ok_or_else(|| not_recorded("the worker that screened it recorded nothing".into()))?
        .parse()
        .map_err(|e| not_recorded(format!("the worker named no screening: {e}")))?;
    match store.find(&id).map_err(io::Error::other)? {
        Some(_) => Ok(()),
        None => Err(not_recorded(format!(
            "its screening {id} is not in the audit store"
        ))),
    }
}

/// Each party's screening (or why it has none) by index, once every chunk of
/// `chunks` is back or dead.
async fn collect(
    url: &str,
    collected: &mut std::pin::Pin<Box<futures_util::stream::Select<pull::Ordered, pull::Ordered>>>,
    job: &str,
    set: &str,
    chunks: std::ops::Range<u64>,
    wait: Duration,
) -> Result<Screened, Stop> {
    let mut out = HashMap::new();
    let mut missing: std::collections::BTreeSet<u64> = chunks.collect();
    while !missing.is_empty() {
        let message = match tokio::time::timeout(wait, collected.next()).await {
            Err(_) => {
                return Err(Stop::Timeout {
                    missing: missing.into_iter().take(10).collect(),
                });
            }
            Ok(None) => {
                return Err(Stop::Nats(NatsError::Lost {
                    url: url.to_owned(),
                    cause: "the results consumer ended".to_owned(),
                }));
            }
            Ok(Some(Err(e))) => {
                return Err(Stop::Nats(NatsError::Lost {
                    url: url.to_owned(),
                    cause: format!("reading results: {e}"),
                }));
            }
            Ok(Some(Ok(message))) => message,
        };
        if message.subject.as_str() == stream::dead(job) {
            let header = |name: &str| {
                message
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(name))
                    .map(|v| v.as_str().to_owned())
            };
            let reason = header("Exportctl-Reason").unwrap_or_else(|| "no reason given".to_owned());
            let Some(chunk) = header("Exportctl-Chunk").and_then(|c| c.parse::<u64>().ok()) else {
                eprintln!(
                    "warning: job {job}: a message that is not one of this run's chunks went to {}: {reason}",
                    message.subject
                );
                continue;
            };
            if !missing.remove(&chunk) {
                continue;
            }
            // Its parties: the chunk's payload names them.
            if let Ok(dead) = serde_json::from_slice::<Chunk>(&message.payload) {
                for item in dead.items {
                    out.insert(
                        item.index,
                        Err(format!(
                            "chunk {chunk} of job {job} went to {} ({reason})",
                            stream::dead(job)
                        )),
                    );
                }
            }
            continue;
        }
        match serde_json::from_slice::<ChunkResult>(&message.payload) {
            Ok(result) if result.set != set => eprintln!(
                "warning: job {job}: a result on {} judged with set {}, not {set}; ignored",
                message.subject, result.set
            ),
            Ok(result) if result.format_version == FORMAT_VERSION && result.job == job => {
                if missing.remove(&result.chunk) {
                    for item in result.items {
                        let screened = match item {
                            ItemResult::Screened {
                                index,
                                screening,
                                screening_id,
                            } => (index, Ok((screening, screening_id))),
                            ItemResult::Invalid { index, errors } => {
                                (index, Err(errors.join("; ")))
                            }
                            ItemResult::Judged { index, .. } => {
                                (index, Err("a verdict came back for a party".to_owned()))
                            }
                        };
                        out.insert(screened.0, screened.1);
                    }
                }
            }
            Ok(_) | Err(_) => eprintln!(
                "warning: job {job}: a message on {} is not this run's results; ignored",
                message.subject
            ),
        }
    }
    Ok(out)
}
