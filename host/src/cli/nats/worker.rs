//! `exportctl worker --nats URL`: takes chunks of the policy set it loaded (by
//! the set's digest, on the chunks' subjects) from the work-queue stream one at
//! a time, judges each document as `check` does (or screens each party of a
//! chunk of parties), records each decision or screening (`--audit`) under
//! the request id `job:<job>:item:<index>`, publishes the chunk's results and
//! only then acknowledges the chunk.
//!
//! Every step may be repeated safely: a chunk whose worker died is delivered
//! again, and the store answers a repeated request id with the decision first
//! recorded, so an item never gets a second decision; the results of a chunk
//! carry a `Nats-Msg-Id`, so a second publish is dropped by the server. A
//! message that is not a chunk goes to the job's dead-letter subject, as does a
//! chunk whose [`MAX_DELIVER`] deliveries all ended unfinished
//! ([`dead_letter`](super::dead_letter)).

use super::chunk::{Chunk, ChunkResult, FORMAT_VERSION, ItemResult, Kind};
use super::dead_letter;
use super::stream::{self, MAX_DELIVER};
use super::{NatsError, runtime};
use crate::cli::batch::input_digest;
use crate::cli::{ExitStatus, WorkerArgs, load_host_and_audit, print_load_error};
use async_nats::HeaderMap;
use async_nats::jetstream::message::{AckKind, PublishMessage};
use async_nats::jetstream::{self, Context};
use exportctl::{
    CapturedDecision, DecisionRecorder, Host, InvalidInput, JudgeOptions, PartyRecord,
    PartyScreener, ScreeningRecorder, Sink, Verdict, Worker, judge,
};
use exportctl_audit::Recorder;
use exportctl_sdk::Date;
use exportctl_sdk::input::{self, InputLimits};
use exportctl_sdk::validated::Shipment;
use futures_util::StreamExt;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one pull waits for a chunk before the worker looks at its signals.
const PULL_WAIT: Duration = Duration::from_secs(1);

pub(crate) fn run(args: &WorkerArgs) -> ExitStatus {
    let (host, audit) = match load_host_and_audit(args.policies.as_ref(), &args.set) {
        Ok(loaded) => loaded,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let store_input = audit
        .as_ref()
        .map_or(exportctl::StoreInput::Full, |a| a.store_input);
    // A worker that cannot use its store at start is misconfigured: 2, whatever
    // the cause, so that a supervisor does not restart it in a loop.
    let (recorder, records) = match crate::cli::check::recording(
        args.audit.as_deref(),
        args.checkpoint_key.as_deref(),
        audit,
        &host,
    ) {
        Ok(Some((recorder, records))) => (Some(recorder), Some(records)),
        Ok(None) => (None, None),
        Err(_) => return ExitStatus::InvalidInput,
    };
    // Party screenings are recorded beside the decisions (`rescreen --nats --audit`).
    let screenings = match &recorder {
        Some(_) => {
            match ScreeningRecorder::new(&host, crate::cli::check::requested_by(), store_input) {
                Ok(screenings) => Some(screenings),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitStatus::Internal;
                }
            }
        }
        None => None,
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the NATS client: {e}");
            return ExitStatus::Internal;
        }
    };
    let url = args.nats.as_str();
    let set: &str = &host.generation().set_digest;
    let set_up = rt.block_on(async {
        let js = stream::connect(url).await?;
        let (chunks, _) = stream::streams(&js, url).await?;
        let announcements = dead_letter::listen(&js, set, url).await?;
        let consumer =
            stream::workers(&chunks, url, set, Duration::from_secs(args.ack_wait)).await?;
        tokio::spawn(dead_letter::watch(
            announcements,
            js.clone(),
            chunks,
            url.to_owned(),
        ));
        Ok::<_, NatsError>((js, consumer))
    });
    let (js, consumer) = match set_up {
        Ok(set_up) => set_up,
        Err(e) => {
            eprintln!("error: {e}");
            return e.status();
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    rt.spawn(stop_on_signal(Arc::clone(&stop)));
    eprintln!(
        "worker: taking chunks of set {set} from {url} ({})",
        stream::CHUNKS
    );
    let mut judging = Judging {
        set,
        host: Arc::clone(&host),
        screener: None,
        worker: host.worker(),
        recorder,
        records,
        screenings,
        js,
        url,
    };
    let mut idle_since = Instant::now();
    let mut status = ExitStatus::Allow;
    while !stop.load(Ordering::Relaxed) {
        let next = rt.block_on(async {
            let mut batch = consumer
                .fetch()
                .max_messages(1)
                .expires(PULL_WAIT)
                .messages()
                .await?;
            batch.next().await.transpose()
        });
        let message = match next {
            Ok(Some(message)) => message,
            Ok(None) => {
                if args
                    .exit_when_idle
                    .is_some_and(|secs| idle_since.elapsed() >= Duration::from_secs(secs))
                {
                    break;
                }
                continue;
            }
            Err(e) => {
                eprintln!("error: NATS server {url}: cannot take a chunk: {e}");
                std::thread::sleep(PULL_WAIT);
                continue;
            }
        };
        if let Err(e) = rt.block_on(judging.handle(message)) {
            eprintln!("error: {e}");
            if e.stops_worker() {
                status = ExitStatus::Internal;
                break;
            }
        }
        idle_since = Instant::now();
    }
    if let Some(recorder) = judging.recorder.take()
        && let Err(e) = recorder.close()
    {
        eprintln!("error: {e}");
        status = ExitStatus::Internal;
    }
    status
}

/// Sets `stop` on SIGTERM or SIGINT; the chunk in hand is finished first.
async fn stop_on_signal(stop: Arc<AtomicBool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    eprintln!("worker: stopping after the chunk in hand");
    stop.store(true, Ordering::Relaxed);
}

/// Why a chunk was not finished.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChunkError {
    /// The store did not record a decision: the chunk is handed back.
    #[error("job {job} chunk {chunk}: not recorded, handed back for another try: {cause}")]
    NotRecorded {
        /// The job.
        job: String,
        /// The chunk.
        chunk: u64,
        /// The store's error.
        cause: String,
        /// The store's writer has stopped: this worker cannot record any more.
        fatal: bool,
    },
    /// The queue failed us.
    #[error(transparent)]
    Nats(#[from] NatsError),
}

impl ChunkError {
    fn stops_worker(&self) -> bool {
        matches!(self, ChunkError::NotRecorded { fatal: true, .. })
    }
}

/// One worker's judging state.
struct Judging<'a> {
    /// The digest of the set this worker judges with.
    set: &'a str,
    host: Arc<Host>,
    /// Made at the first chunk of parties.
    screener: Option<PartyScreener>,
    worker: Worker,
    recorder: Option<Recorder>,
    records: Option<DecisionRecorder>,
    /// Builds the screening records of chunks of parties (with `recorder`).
    screenings: Option<ScreeningRecorder>,
    js: Context,
    url: &'a str,
}

impl Judging<'_> {
    /// Judges one delivered message to the end: results published, then acknowledged.
    async fn handle(&mut self, message: jetstream::Message) -> Result<(), ChunkError> {
        let (sequence, delivered) = match message.info() {
            Ok(info) => (info.stream_sequence, info.delivered),
            Err(_) => (0, 1),
        };
        let subject = message.subject.to_string();
        // The stream takes only `exportctl.chunks.<set>.<job>.<chunk>`.
        let job = subject.split('.').nth(3).unwrap_or("unknown").to_owned();
        let chunk = match stream::parse_chunk(&subject)
            .ok_or_else(|| "its subject names no chunk number".to_owned())
            .and_then(|(set, job, _)| decode(&message.payload, set, job))
        {
            Ok(chunk) => chunk,
            Err(why) => {
                eprintln!(
                    "error: {} message {sequence} on {subject} is not an exportctl chunk ({why}); sent to {}",
                    stream::CHUNKS,
                    stream::dead(&job)
                );
                let id = format!("{job}:seq:{sequence}:dead");
                let headers = dead_letter::headers(&subject, sequence, None, &why);
                dead_letter::send(
                    &self.js,
                    self.url,
                    &job,
                    &id,
                    headers,
                    message.payload.to_vec(),
                )
                .await?;
                return self.ack(&message).await;
            }
        };
        eprintln!(
            "worker: job {job} chunk {}: delivery {delivered} of {MAX_DELIVER}",
            chunk.chunk
        );
        let judged = match chunk.kind {
            Kind::Shipments => self.judge(&chunk),
            Kind::Parties => self.screen(&chunk),
        };
        let result = match judged {
            Ok(result) => result,
            Err(e) => {
                // Another worker (or this one, later) tries again, up to MAX_DELIVER.
                let _ = message
                    .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                    .await;
                return Err(e);
            }
        };
        let payload = serde_json::to_vec(&result).map_err(|e| NatsError::Lost {
            url: self.url.to_owned(),
            cause: format!(
                "results of job {job} chunk {} not encoded: {e}",
                chunk.chunk
            ),
        })?;
        let id = format!("{job}:chunk:{}:result", chunk.chunk);
        self.publish(&stream::results(&job), &id, HeaderMap::new(), payload)
            .await?;
        self.ack(&message).await
    }

    /// Judges and records every item; the results in the chunk's order.
    fn judge(&mut self, chunk: &Chunk) -> Result<ChunkResult, ChunkError> {
        let options = JudgeOptions {
            as_of: chunk.as_of.as_deref().and_then(Date::parse),
            strict: chunk.strict,
            limits: InputLimits::default(),
            ..JudgeOptions::default()
        };
        let mut items = Vec::with_capacity(chunk.items.len());
        let mut captured = Vec::new();
        for item in &chunk.items {
            let mut one = One {
                records: self.records.as_ref(),
                request_id: format!("job:{}:item:{}", chunk.job, item.index),
                index: item.index,
                result: None,
                captured: None,
            };
            // The document as `check` reads a line of JSON, under its own origin.
            let entry =
                input::read_json_line(item.document.get(), &item.origin, 2, &options.limits)
                    .map(|mut doc| {
                        doc.origin.clone_from(&item.origin);
                        doc
                    })
                    .map_err(InvalidInput::Read);
            if let Err(stopped) =
                judge(std::iter::once(entry), &mut self.worker, &options, &mut one)
            {
                one.result = Some(ItemResult::Invalid {
                    index: item.index,
                    errors: vec![stopped.to_string()],
                });
            }
            let result = one.result.unwrap_or_else(|| ItemResult::Invalid {
                index: item.index,
                errors: vec![format!("{}: the document gave no verdict", item.origin)],
            });
            if let Some(decision) = one.captured {
                captured.push((items.len(), decision));
            }
            items.push(result);
        }
        self.record(&chunk.job, chunk.chunk, captured, &mut items)?;
        Ok(ChunkResult {
            format_version: FORMAT_VERSION,
            set: self.set.to_owned(),
            job: chunk.job.clone(),
            chunk: chunk.chunk,
            items,
        })
    }

    /// Screens every party of a chunk with the set's party screeners, and
    /// records each screening (`--audit`) under the request id
    /// `job:<job>:item:<index>`; a party that is not one is an invalid item,
    /// named.
    fn screen(&mut self, chunk: &Chunk) -> Result<ChunkResult, ChunkError> {
        let date = chunk.as_of.as_deref().and_then(Date::parse);
        let screener = self
            .screener
            .get_or_insert_with(|| self.host.party_screener());
        let mut parties = Vec::new();
        let mut items: Vec<ItemResult> = chunk
            .items
            .iter()
            .map(|item| {
                let party = serde_json::from_str::<PartyRecord>(item.document.get())
                    .map_err(|e| format!("{}: not a party: {e}", item.origin));
                match (party, date) {
                    (Ok(party), Some(date)) => {
                        let screening = screener.screen(&party, date);
                        parties.push(party);
                        ItemResult::Screened {
                            index: item.index,
                            screening,
                            screening_id: None,
                        }
                    }
                    (Err(why), _) => ItemResult::Invalid {
                        index: item.index,
                        errors: vec![why],
                    },
                    (Ok(_), None) => ItemResult::Invalid {
                        index: item.index,
                        errors: vec![format!(
                            "{}: a chunk of parties needs its screening date in `as_of`",
                            item.origin
                        )],
                    },
                }
            })
            .collect();
        if let Some(date) = date {
            self.record_screenings(&chunk.job, chunk.chunk, &parties, date, &mut items)?;
        }
        Ok(ChunkResult {
            format_version: FORMAT_VERSION,
            set: self.set.to_owned(),
            job: chunk.job.clone(),
            chunk: chunk.chunk,
            items,
        })
    }

    /// Records the screening of each screened item (`parties` in the items'
    /// order) and puts its id (the first one recorded, for a repeated request
    /// id) into its item's result.
    fn record_screenings(
        &self,
        job: &str,
        chunk: u64,
        parties: &[PartyRecord],
        date: Date,
        items: &mut [ItemResult],
    ) -> Result<(), ChunkError> {
        let (Some(recorder), Some(screenings)) = (&self.recorder, &self.screenings) else {
            return Ok(());
        };
        let not_recorded = |cause: String, fatal: bool| ChunkError::NotRecorded {
            job: job.to_owned(),
            chunk,
            cause,
            fatal,
        };
        let failed = |e: exportctl_audit::RecordError| {
            let fatal = matches!(e, exportctl_audit::RecordError::Stopped { .. });
            not_recorded(e.to_string(), fatal)
        };
        let mut tickets = Vec::with_capacity(parties.len());
        let screened = items
            .iter_mut()
            .filter(|i| matches!(i, ItemResult::Screened { .. }));
        for (item, party) in screened.zip(parties) {
            let ItemResult::Screened {
                index, screening, ..
            } = item
            else {
                continue;
            };
            let mut record = screenings
                .record(party, date, screening)
                .map_err(|e| not_recorded(e.to_string(), false))?;
            record.request_id = Some(format!("job:{job}:item:{index}"));
            tickets.push((item, recorder.submit(&record).map_err(failed)?));
        }
        let mut repeated = 0;
        for (item, ticket) in tickets {
            let receipt = ticket.wait().map_err(failed)?;
            repeated += usize::from(receipt.repeated);
            if let ItemResult::Screened { screening_id, .. } = item {
                *screening_id = Some(receipt.decision_id.to_string());
            }
        }
        if repeated > 0 {
            eprintln!(
                "worker: job {job} chunk {chunk}: {repeated} screenings were already recorded (a redelivery): their first screening ids are kept"
            );
        }
        Ok(())
    }

    /// Records each captured decision and puts its id (the first one recorded,
    /// for a repeated request id) into its item's result.
    fn record(
        &self,
        job: &str,
        chunk: u64,
        captured: Vec<(usize, CapturedDecision)>,
        items: &mut [ItemResult],
    ) -> Result<(), ChunkError> {
        let Some(recorder) = &self.recorder else {
            return Ok(());
        };
        let not_recorded = |e: exportctl_audit::RecordError| ChunkError::NotRecorded {
            job: job.to_owned(),
            chunk,
            fatal: matches!(e, exportctl_audit::RecordError::Stopped { .. }),
            cause: e.to_string(),
        };
        let mut tickets = Vec::with_capacity(captured.len());
        for (at, decision) in captured {
            let ticket = recorder
                .submit_with(
                    decision.decision_id(),
                    Box::new(move || decision.encode().map_err(|e| e.to_string())),
                )
                .map_err(not_recorded)?;
            tickets.push((at, ticket));
        }
        let mut repeated = 0;
        for (at, ticket) in tickets {
            let receipt = ticket.wait().map_err(not_recorded)?;
            repeated += usize::from(receipt.repeated);
            if let Some(ItemResult::Judged { decision_id, .. }) = items.get_mut(at) {
                *decision_id = Some(receipt.decision_id.to_string());
            }
        }
        if repeated > 0 {
            eprintln!(
                "worker: job {job} chunk {chunk}: {repeated} decisions were already recorded (a redelivery): their first decision ids are kept"
            );
        }
        Ok(())
    }

    async fn publish(
        &self,
        subject: &str,
        id: &str,
        headers: HeaderMap,
        payload: Vec<u8>,
    ) -> Result<(), NatsError> {
        let lost = |e: &dyn std::fmt::Display| NatsError::Lost {
            url: self.url.to_owned(),
            cause: format!("publishing to {subject}: {e}"),
        };
        let message = PublishMessage::build()
            .payload(payload.into())
            .headers(headers)
            .message_id(id);
        self.js
            .send_publish(subject.to_owned(), message)
            .await
            .map_err(|e| lost(&e))?
            .await
            .map_err(|e| lost(&e))?;
        Ok(())
    }

    async fn ack(&self, message: &jetstream::Message) -> Result<(), ChunkError> {
        // Waits for the server's confirmation: a chunk acknowledged is done.
        message.double_ack().await.map_err(|e| {
            ChunkError::Nats(NatsError::Lost {
                url: self.url.to_owned(),
                cause: format!("acknowledging {}: {e}", message.subject),
            })
        })
    }
}

/// The chunk a message on the subject of `set` and `job` holds, or why it holds none.
fn decode(payload: &[u8], set: &str, job: &str) -> Result<Chunk, String> {
    let chunk: Chunk = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
    if chunk.format_version != FORMAT_VERSION {
        return Err(format!(
            "format_version {} (this worker reads {FORMAT_VERSION})",
            chunk.format_version
        ));
    }
    if chunk.job != job {
        return Err(format!(
            "it names job {} on the subject of job {job}",
            chunk.job
        ));
    }
    if chunk.set != set {
        return Err(format!(
            "it names set {} on the subject of set {set}",
            chunk.set
        ));
    }
    Ok(chunk)
}

/// A sink for one item: its result, and its decision to record.
struct One<'r> {
    records: Option<&'r DecisionRecorder>,
    request_id: String,
    index: u64,
    result: Option<ItemResult>,
    captured: Option<CapturedDecision>,
}

impl Sink for One<'_> {
    fn verdict(&mut self, label: &str, _verdict: &Verdict) -> io::Result<()> {
        // `judge` calls `judged`, which has the shipment a digest and record need.
        Err(io::Error::other(format!(
            "{label}: a verdict without its shipment"
        )))
    }

    fn judged(
        &mut self,
        label: &str,
        shipment: &Shipment<'_>,
        verdict: &Verdict,
    ) -> io::Result<()> {
        let json = serde_json::to_string(verdict)?;
        let verdict_json = serde_json::value::RawValue::from_string(json)?;
        let input_sha256 = input_digest(shipment)?;
        if let Some(records) = self.records {
            let captured = records
                .capture(
                    shipment,
                    Arc::new(verdict.clone()),
                    Some(self.request_id.clone()),
                )
                .map_err(io::Error::other)?;
            self.captured = Some(captured);
        }
        self.result = Some(ItemResult::Judged {
            index: self.index,
            label: label.to_owned(),
            verdict: verdict_json,
            input_sha256,
            decision_id: None,
        });
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        self.result = Some(ItemResult::Invalid {
            index: self.index,
            errors: error.messages(),
        });
        Ok(())
    }
}
