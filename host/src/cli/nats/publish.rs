//! `exportctl batch --nats URL`: the inputs read as `batch` reads them, invalid
//! ones reported here, valid documents sent in chunks to the work queue (at
//! most [`WINDOW`] chunks out at a time), and the results written in input
//! order, as a local run writes them, by [`collect`](super::collect).
//!
//! Chunks go to the workers of the publisher's policy set: the set's digest is
//! on each chunk's subject (`exportctl.chunks.<set>.<job>.<n>`). When no worker
//! of the set is at the queue, the publisher says so, naming the digest.
//!
//! A chunk goes out with `Nats-Msg-Id` = `<job>:chunk:<n>`, so a publish retried
//! after a lost acknowledgement is stored once. Once every chunk is back, the
//! job's size goes out on its `.published` subject (for `job status`).
//!
//! A run given the `--job` of an earlier, interrupted run resumes it: the
//! results already published are read first, and a chunk that has results,
//! a dead letter or is still on the queue is not sent again, so nothing is
//! judged twice; the output is the one of an uninterrupted run.

use super::chunk::{Chunk, FORMAT_VERSION, Item, Kind, Published};
use super::collect::Collector;
use super::dead_letter;
use super::pieces::{Piece, Pieces};
use super::stream;
use super::{NatsError, runtime};
use crate::cli::batch::Judged;
use crate::cli::batch_input::Reading;
use crate::cli::batch_output::Output;
use crate::cli::batch_summary::Tally;
use crate::cli::{BatchArgs, BatchFormat, ExitStatus, load_host_and_audit, print_load_error};
use async_nats::jetstream::Context;
use async_nats::jetstream::consumer::pull;
use async_nats::jetstream::message::PublishMessage;
use exportctl::Host;
use exportctl_sdk::input::InputLimits;
use futures_util::StreamExt;
use std::collections::BTreeSet;
use std::io;
use std::time::Duration;
use tokio::sync::mpsc;

/// Most chunks published and not yet written: bounds what the publisher holds.
const WINDOW: usize = 64;
/// Tries of one publish before the run stops.
const PUBLISH_TRIES: u32 = 3;

pub(crate) fn run(args: &BatchArgs, url: &str) -> ExitStatus {
    if args.audit.is_some() || args.checkpoint_key.is_some() {
        eprintln!(
            "error: --audit and --checkpoint-key do not go with --nats: the workers judge, so the workers \
             record (`exportctl worker --nats {url} --audit STORE --checkpoint-key FILE`)"
        );
        return ExitStatus::InvalidInput;
    }
    let job = match &args.job {
        Some(job) if stream::valid_job(job) => job.clone(),
        Some(job) => {
            eprintln!(
                "error: --job `{job}`: a job id is 1 to 64 of the characters A-Z a-z 0-9 _ -"
            );
            return ExitStatus::InvalidInput;
        }
        None => match new_job_id() {
            Ok(job) => job,
            Err(e) => {
                eprintln!("error: cannot make a job id: {e}");
                return ExitStatus::Internal;
            }
        },
    };
    // The set names the workers that may judge this job; the text report
    // names its policies.
    let host = match load_host_and_audit(args.policies.as_ref(), &args.set) {
        Ok((host, _)) => host,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let mut output = match Output::open(args.out.as_deref(), args.format, false) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", output_name(args));
            return ExitStatus::Internal;
        }
    };
    let reading = match Reading::new(args) {
        Ok(reading) => reading,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::InvalidInput;
        }
    };
    let remote = Remote {
        host: &host,
        job,
        files: &args.files,
        reading: &reading,
        chunk: args.chunk as usize,
        as_of: args.as_of.map(|d| d.to_string()),
        strict: args.strict,
        wait: Duration::from_secs(args.wait),
        text: args.format == BatchFormat::Text,
        keeps_digest: args.out.is_some() && args.format == BatchFormat::Jsonl,
        command: "batch",
    };
    let mut tally = Tally::default();
    let outcome = remote
        .judge(url, &mut |judged| {
            tally.count(&judged);
            output.write(&judged)
        })
        .and_then(|()| output.finish().map_err(Ended::Write));
    match outcome {
        Err(Ended::Before(status)) => return status,
        Ok(()) | Err(_) => tally.print(&mut io::stderr().lock()),
    }
    match outcome {
        Ok(()) => tally.status(),
        Err(Ended::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => tally.status(),
        Err(Ended::Write(e)) => {
            eprintln!("error: cannot write {}: {e}", output_name(args));
            ExitStatus::Internal
        }
        Err(Ended::Before(status) | Ended::Said(status)) => status,
    }
}

/// One job of shipment documents judged by the workers of a set.
pub(in crate::cli) struct Remote<'a> {
    /// The set: its digest routes the chunks; its policies name the verdicts' findings.
    pub(in crate::cli) host: &'a Host,
    pub(in crate::cli) job: String,
    /// The inputs, read as `batch` reads them.
    pub(in crate::cli) files: &'a [String],
    pub(in crate::cli) reading: &'a Reading,
    /// Documents per chunk.
    pub(in crate::cli) chunk: usize,
    /// The law date of every shipment (YYYY-MM-DD).
    pub(in crate::cli) as_of: Option<String>,
    pub(in crate::cli) strict: bool,
    /// How long to wait for a result before giving up.
    pub(in crate::cli) wait: Duration,
    /// Whether the verdicts are rebuilt for a text report.
    pub(in crate::cli) text: bool,
    /// Whether each verdict keeps its input's digest.
    pub(in crate::cli) keeps_digest: bool,
    /// The command that runs the job, as its messages name it.
    pub(in crate::cli) command: &'static str,
}

/// How a job on the workers ended early.
#[derive(Debug)]
pub(in crate::cli) enum Ended {
    /// The queue could not be set up: nothing was sent. Said on standard error.
    Before(ExitStatus),
    /// `write` failed: the run stops.
    Write(io::Error),
    /// The queue failed or no result came: said on standard error.
    Said(ExitStatus),
}

impl Remote<'_> {
    /// Sends the inputs' valid documents in chunks to the workers and hands
    /// every input's result (verdict or why not) to `write`, in input order.
    pub(in crate::cli) fn judge(
        &self,
        url: &str,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> Result<(), Ended> {
        let (job, host, command) = (&self.job, self.host, self.command);
        let set: &str = &host.generation().set_digest;
        let rt = runtime().map_err(|e| {
            eprintln!("error: cannot start the NATS client: {e}");
            Ended::Before(ExitStatus::Internal)
        })?;
        let mut collector = Collector::new(job, set, self.text.then_some(host), self.keeps_digest);
        let opened = rt.block_on(async {
            let js = stream::connect(url).await?;
            let (chunks, results) = stream::streams(&js, url).await?;
            let announcements = dead_letter::listen(&js, set, url).await?;
            let earlier = earlier(&chunks, &results, job, set, url).await?;
            // Results and dead letters, as they come: first those of an earlier run.
            let mut from_results = stream::follow(&results, stream::results(job), url).await?;
            let mut from_dead = stream::follow(&results, stream::dead(job), url).await?;
            for (messages, held) in [
                (&mut from_results, earlier.results),
                (&mut from_dead, earlier.dead),
            ] {
                for _ in 0..held {
                    let message = next_earlier(messages, url).await?;
                    collector
                        .arrived(&message.subject, message.headers.as_ref(), &message.payload)
                        .map_err(|theirs| NatsError::OtherSet {
                            url: url.to_owned(),
                            job: job.clone(),
                            theirs,
                            ours: set.to_owned(),
                        })?;
                }
            }
            if earlier.results + earlier.dead > 0 || !earlier.waiting.is_empty() {
                eprintln!(
                    "{command}: job {job} resumed: {} chunks done, {} dead, {} on the queue",
                    earlier.results,
                    earlier.dead,
                    earlier.waiting.len()
                );
            }
            if !stream::consuming(&chunks, set, url).await? {
                eprintln!(
                    "{command}: no worker of set {set} is taking chunks on {url} yet: this job's chunks wait for \
                     `exportctl worker --nats {url}` with the same policy set (workers of other sets never take them)"
                );
            }
            tokio::spawn(dead_letter::watch(
                announcements,
                js.clone(),
                chunks.clone(),
                url.to_owned(),
            ));
            let collected = Box::pin(futures_util::stream::select(from_results, from_dead));
            Ok::<_, NatsError>((js, chunks, collected, earlier.waiting))
        });
        let (js, chunks, collected, waiting) = opened.map_err(|e| {
            eprintln!("error: {e}");
            Ended::Before(e.status())
        })?;
        let max_payload = js.client().server_info().max_payload;
        // Half of what one message may carry: results are larger than documents.
        let budget = if max_payload == 0 {
            512 << 10
        } else {
            max_payload / 2
        };
        eprintln!("{command}: job {job} on {url}");
        let limits = InputLimits::default();
        let (tx, rx) = mpsc::channel::<Piece>(4);
        let outcome = std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut pieces = Pieces::new(self.chunk, budget, tx);
                for file in self.files {
                    if !pieces.read(file, self.reading, &limits) {
                        return;
                    }
                }
                pieces.finish();
            });
            let publisher = Publisher {
                js: &js,
                url,
                set,
                job,
                as_of: self.as_of.clone(),
                strict: self.strict,
                waiting,
            };
            rt.block_on(publisher.run(rx, collected, &mut collector, self.wait, write))
        });
        outcome.map_err(|stop| match stop {
            Stop::Write(e) => Ended::Write(e),
            Stop::Nats(e) => {
                eprintln!("error: {e}");
                Ended::Said(ExitStatus::Internal)
            }
            Stop::Timeout { seconds, .. }
                if !rt
                    .block_on(stream::consuming(&chunks, set, url))
                    .unwrap_or(true) =>
            {
                eprintln!(
                    "error: job {job}: no worker of set {set} took chunks on {url} for {seconds} s: workers of other \
                     sets never take this job's chunks; start `exportctl worker --nats {url}` with the policy set of \
                     digest {set} (a worker names its set's digest when it starts); `exportctl job status {job} \
                     --nats {url}` shows the job"
                );
                Ended::Said(ExitStatus::Internal)
            }
            Stop::Timeout {
                seconds,
                missing,
                more,
            } => {
                eprintln!(
                    "error: job {job}: no result from the workers on {url} for {seconds} s; still missing chunks {}{}: are workers running (`exportctl worker --nats {url}`)? `exportctl job status {job} --nats {url}` shows the job",
                    missing
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
                Ended::Said(ExitStatus::Internal)
            }
        })
    }
}

/// Why a run over the queue stopped before its end.
#[derive(Debug)]
pub(super) enum Stop {
    /// The output could not be written.
    Write(io::Error),
    /// The queue failed.
    Nats(NatsError),
    /// No result came for too long.
    Timeout {
        seconds: u64,
        /// The first chunks still missing.
        missing: Vec<u64>,
        /// How many more are missing.
        more: usize,
    },
}

pub(super) fn setup(url: &str, what: &'static str, e: &dyn std::fmt::Display) -> NatsError {
    NatsError::Setup {
        url: url.to_owned(),
        what,
        cause: e.to_string(),
    }
}

/// What the queue holds of a job from an earlier run of the same `--job`.
#[derive(Default)]
struct Earlier {
    /// Chunks still on the work queue (waiting or being judged).
    waiting: BTreeSet<u64>,
    /// Messages on the results subject.
    results: usize,
    /// Messages on the dead-letter subject.
    dead: usize,
}

/// Reads what an earlier run of `job` left, refusing a job of another set: its
/// results would mix with this run's. The chunks on the queue are read first,
/// so a chunk finished meanwhile has its results counted, never neither.
async fn earlier(
    chunks: &async_nats::jetstream::stream::Stream,
    results: &async_nats::jetstream::stream::Stream,
    job: &str,
    set: &str,
    url: &str,
) -> Result<Earlier, NatsError> {
    let reading = |e: &dyn std::fmt::Display| setup(url, "reading a stream's subjects", e);
    let mut found = Earlier::default();
    let mut subjects = chunks
        .info_with_subjects(stream::chunks(job))
        .await
        .map_err(|e| reading(&e))?;
    while let Some(subject) = subjects.next().await {
        let (subject, _) = subject.map_err(|e| reading(&e))?;
        match stream::parse_chunk(&subject) {
            Some((theirs, _, _)) if theirs != set => {
                return Err(NatsError::OtherSet {
                    url: url.to_owned(),
                    job: job.to_owned(),
                    theirs: theirs.to_owned(),
                    ours: set.to_owned(),
                });
            }
            Some((_, _, chunk)) => {
                found.waiting.insert(chunk);
            }
            None => {}
        }
    }
    for (subject, count) in [
        (stream::results(job), &mut found.results),
        (stream::dead(job), &mut found.dead),
    ] {
        let mut subjects = results
            .info_with_subjects(subject)
            .await
            .map_err(|e| reading(&e))?;
        while let Some(held) = subjects.next().await {
            *count += held.map_err(|e| reading(&e))?.1;
        }
    }
    Ok(found)
}

/// The next message of an earlier run, which the stream holds already.
async fn next_earlier(
    messages: &mut pull::Ordered,
    url: &str,
) -> Result<async_nats::jetstream::Message, NatsError> {
    let lost = |cause: String| NatsError::Lost {
        url: url.to_owned(),
        cause,
    };
    match tokio::time::timeout(Duration::from_secs(30), messages.next()).await {
        Ok(Some(Ok(message))) => Ok(message),
        Ok(Some(Err(e))) => Err(lost(format!("reading the earlier results: {e}"))),
        Ok(None) | Err(_) => Err(lost("the earlier results stopped coming".to_owned())),
    }
}

/// A new job id: the time and 32 random bits.
pub(in crate::cli) fn new_job_id() -> Result<String, getrandom::Error> {
    let mut random = [0u8; 4];
    getrandom::fill(&mut random)?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(format!("{secs}-{}", hex::encode(random)))
}

fn output_name(args: &BatchArgs) -> String {
    args.out
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
}

/// The job's results and dead letters, merged.
type Collected = std::pin::Pin<Box<futures_util::stream::Select<pull::Ordered, pull::Ordered>>>;

/// Sends the chunks and hands results to the collector.
struct Publisher<'a> {
    js: &'a Context,
    url: &'a str,
    /// The digest of the set whose workers take the chunks.
    set: &'a str,
    job: &'a str,
    as_of: Option<String>,
    strict: bool,
    /// Chunks an earlier run left on the queue: not sent again.
    waiting: BTreeSet<u64>,
}

impl Publisher<'_> {
    async fn run(
        &self,
        mut pieces: mpsc::Receiver<Piece>,
        mut results: Collected,
        collector: &mut Collector<'_>,
        wait: Duration,
        write: &mut dyn FnMut(Judged) -> io::Result<()>,
    ) -> Result<(), Stop> {
        let mut reading = true;
        let (mut chunks, mut items) = (0u64, 0u64);
        let mut deadline = tokio::time::Instant::now() + wait;
        loop {
            collector.write_ready(write).map_err(Stop::Write)?;
            if !reading && collector.is_empty() {
                break;
            }
            tokio::select! {
                piece = pieces.recv(), if reading && collector.len() < WINDOW => match piece {
                    None => reading = false,
                    Some(mut piece) => {
                        let documents = std::mem::take(&mut piece.items);
                        let seq = piece.seq;
                        let sent = !documents.is_empty();
                        // A chunk of an earlier run that came back, or is still out, is not sent again.
                        let back = collector.expect(piece, sent);
                        if sent {
                            items += documents.len() as u64;
                            chunks += 1;
                            if !back && !self.waiting.contains(&seq) {
                                self.send_chunk(seq, documents).await.map_err(Stop::Nats)?;
                            }
                            deadline = tokio::time::Instant::now() + wait;
                        }
                    }
                },
                message = results.next() => match message {
                    Some(Ok(message)) => {
                        if let Err(theirs) = collector.arrived(&message.subject, message.headers.as_ref(), &message.payload) {
                            eprintln!(
                                "warning: job {}: a result on {} judged with set {theirs}, not {}; ignored",
                                self.job, message.subject, self.set
                            );
                        }
                        deadline = tokio::time::Instant::now() + wait;
                    }
                    Some(Err(e)) => return Err(Stop::Nats(self.lost(format!("reading results: {e}")))),
                    None => return Err(Stop::Nats(self.lost("the results consumer ended".to_owned()))),
                },
                () = tokio::time::sleep_until(deadline), if !collector.is_empty() => {
                    let (missing, more) = collector.missing(10);
                    return Err(Stop::Timeout { seconds: wait.as_secs(), missing, more });
                }
            }
        }
        let published = Published {
            format_version: FORMAT_VERSION,
            set: self.set.to_owned(),
            job: self.job.to_owned(),
            chunks,
            items,
        };
        let payload = serde_json::to_vec(&published)
            .map_err(|e| Stop::Nats(self.lost(format!("job size not encoded: {e}"))))?;
        self.publish(
            &stream::published(self.job),
            &format!("{}:published", self.job),
            payload,
        )
        .await
        .map_err(Stop::Nats)
    }

    async fn send_chunk(&self, seq: u64, items: Vec<Item>) -> Result<(), NatsError> {
        let chunk = Chunk {
            format_version: FORMAT_VERSION,
            kind: Kind::Shipments,
            set: self.set.to_owned(),
            job: self.job.to_owned(),
            chunk: seq,
            as_of: self.as_of.clone(),
            strict: self.strict,
            items,
        };
        let payload = serde_json::to_vec(&chunk)
            .map_err(|e| self.lost(format!("chunk {seq} not encoded: {e}")))?;
        self.publish(
            &stream::chunk(self.set, self.job, seq),
            &format!("{}:chunk:{seq}", self.job),
            payload,
        )
        .await
    }

    /// Publishes and waits for the stream's acknowledgement, trying again on a
    /// failure (the message id makes a repeat harmless).
    async fn publish(&self, subject: &str, id: &str, payload: Vec<u8>) -> Result<(), NatsError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let message = PublishMessage::build()
                .payload(payload.clone().into())
                .message_id(id);
            let acked = match self.js.send_publish(subject.to_owned(), message).await {
                Ok(ack) => ack.await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match acked {
                Ok(()) => return Ok(()),
                Err(e) if tries >= PUBLISH_TRIES => {
                    return Err(self.lost(format!("publishing to {subject} ({tries} tries): {e}")));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    fn lost(&self, cause: String) -> NatsError {
        NatsError::Lost {
            url: self.url.to_owned(),
            cause,
        }
    }
}
