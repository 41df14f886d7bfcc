//! `exportctl batch`: judge large files on several threads, one [`Worker`] each,
//! and write the verdicts in input order.
//!
//! A reader thread numbers the documents and hands them to the workers; the
//! writer (this thread) keeps the verdicts that arrive early in a reorder
//! buffer and writes each as soon as all before it are written. The reader may
//! only run [`WINDOW`] documents ahead of the writer, so queued, judging and
//! buffered documents together stay bounded whatever the file's size (with
//! `--audit`, [`Release`] holds at most 256 more until their records commit).
//! Documents travel in chunks of [`CHUNK`], so threads wake once per chunk.
//! How files are read (JSON Lines streamed) is [`read_each`]'s.
//! Invalid inputs are reported on standard error as `check` reports them; the
//! summary at the end counts every input. Exit statuses are `check`'s.

use super::batch_input::{Reading, read_each};
use super::batch_output::Output;
use super::batch_recording::Release;
use super::batch_resume::{Done, Resumed};
use super::batch_summary::Tally;
use super::recording::NotRecorded;
use super::{BatchArgs, BatchFormat, ExitStatus, load_host_and_audit, print_load_error};
use exportctl::{
    CapturedDecision, DecisionRecorder, Host, InvalidInput, JudgeOptions, RecordBuildError, Sink,
    Verdict, Worker, judge,
};
use exportctl_sdk::input::{self, Document, InputLimits};
use exportctl_sdk::validated::Shipment;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, IsTerminal};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// Most documents between the reader and the writer: read but not yet written.
const WINDOW: usize = 1024;
/// Documents handed to a worker at a time: one hand-over (and wake-up) per
/// chunk rather than per document.
const CHUNK: usize = 16;

/// What became of one input.
pub(in crate::cli) enum Judged {
    /// A verdict, with where the shipment came from and, when the output keeps
    /// it, the digest of the input as judged.
    Verdict {
        label: String,
        verdict: Arc<Verdict>,
        digest: Option<String>,
        /// The decision, to be recorded before the verdict is written (`--audit`).
        record: Option<CapturedDecision>,
        /// The verdict's JSON as the thread (or, with `--nats`, the worker) that
        /// judged it printed it, written as it is: the one writer thread then
        /// only copies bytes, which keeps it from limiting the judging threads.
        json: Option<Box<serde_json::value::RawValue>>,
        /// With `--nats`: the decision the worker says it recorded.
        recorded_as: Option<String>,
    },
    /// Judged, but its record could not be made: the run stops, the verdict
    /// withheld.
    NotRecorded(RecordBuildError),
    /// Not judged: every problem, one per line.
    Invalid(Vec<String>),
    /// Already in the output of an earlier run (`--resume`).
    Resumed(Resumed),
}

pub(super) fn run(args: &BatchArgs) -> ExitStatus {
    let (host, audit) = match load_host_and_audit(args.policies.as_ref(), &args.set) {
        Ok(loaded) => loaded,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    // With recording on, nothing is judged before the store has accepted the
    // set's plugins: a store that cannot record stops the run before any verdict.
    let (recorder, records) = match super::check::recording(
        args.audit.as_deref(),
        args.checkpoint_key.as_deref(),
        audit,
        &host,
    ) {
        Ok(Some((recorder, records))) => (Some(recorder), Some(records)),
        Ok(None) => (None, None),
        Err(status) => return status,
    };
    let options = JudgeOptions {
        as_of: args.as_of,
        strict: args.strict,
        limits: InputLimits::default(),
        ..JudgeOptions::default()
    };
    let reading = match Reading::new(args) {
        Ok(reading) => reading,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::InvalidInput;
        }
    };
    let keeps_digest = args.out.is_some() && args.format == BatchFormat::Jsonl;
    let prints_json = args.format == BatchFormat::Jsonl;
    let (done, append) = match (&args.out, args.resume) {
        (Some(out), true) if args.format == BatchFormat::Jsonl => match Done::read(out) {
            Ok(done) => (done, true),
            Err(e) => {
                eprintln!("error: cannot resume from {}: {e}", out.display());
                return ExitStatus::InvalidInput;
            }
        },
        (_, true) => {
            eprintln!("error: --resume needs --out FILE in the jsonl format");
            return ExitStatus::InvalidInput;
        }
        _ => (Done::default(), false),
    };
    let mut output = match Output::open(args.out.as_deref(), args.format, append) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", output_name(args));
            return ExitStatus::Internal;
        }
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let judging = Judging {
        host,
        options,
        keeps_digest,
        prints_json,
        records,
        done: Mutex::new(done),
    };
    let mut release = Release::new(recorder);
    let mut tally = Tally::default();
    let bar = progress_bar();
    let progress = bar.clone();
    let written = run_threads(
        &judging,
        jobs,
        |files| {
            let expect = |n| progress.inc_length(n);
            for file in &args.files {
                if !read_each(
                    file,
                    &reading,
                    &judging.options.limits,
                    &expect,
                    &mut |entry, _| files(entry),
                ) {
                    return;
                }
            }
        },
        |judged| {
            release.push(judged, &mut |judged| {
                if Tally::prints(&judged) {
                    bar.suspend(|| tally.count(&judged));
                } else {
                    tally.count(&judged);
                }
                bar.inc(1);
                output.write(&judged)
            })
        },
    );
    let written = written.and_then(|()| {
        release.finish(&mut |judged| {
            tally.count(&judged);
            output.write(&judged)
        })
    });
    bar.finish_and_clear();
    let written = written.and_then(|()| output.finish());
    tally.print(&mut io::stderr().lock());
    match written {
        Ok(()) => tally.status(),
        // A reader that went away (`| head`) is not our error, but what was
        // judged still decides the status.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => tally.status(),
        Err(e) => {
            match NotRecorded::of(&e) {
                Some(not_recorded) => eprintln!(
                    "error: the decision was not recorded, so its verdict is withheld: {not_recorded}"
                ),
                None => eprintln!("error: cannot write {}: {e}", output_name(args)),
            }
            ExitStatus::Internal
        }
    }
}

/// Shipments done, rate and time left, on standard error when it is a
/// terminal; hidden otherwise, so logs and pipes get only the summary.
fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{wide_bar} {human_pos}/{human_len} shipments, {per_sec}, ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn output_name(args: &BatchArgs) -> String {
    args.out
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
}

/// What every worker thread shares.
struct Judging {
    host: Arc<Host>,
    options: JudgeOptions,
    keeps_digest: bool,
    /// Whether the output is JSON Lines, so that each judging thread prints
    /// its verdicts' JSON.
    prints_json: bool,
    /// Captures each decision for its record (`--audit`).
    records: Option<DecisionRecorder>,
    done: Mutex<Done>,
}

/// Runs `read` on a thread of its own, judges what it hands over on `jobs`
/// threads, and gives each result to `write`, on this thread, in input order.
/// `read` gets a function that queues one entry and says whether to go on.
/// The first error of `write` stops the run and is returned.
fn run_threads(
    judging: &Judging,
    jobs: usize,
    read: impl FnOnce(&mut dyn FnMut(Result<Document<'static>, InvalidInput>) -> bool) + Send,
    mut write: impl FnMut(Judged) -> io::Result<()>,
) -> io::Result<()> {
    let (work_tx, work_rx) =
        sync_channel::<(u64, Vec<Result<Document<'static>, InvalidInput>>)>(jobs * 2);
    let (result_tx, result_rx) = sync_channel::<(u64, Vec<Judged>)>(WINDOW / CHUNK);
    // One permit per chunk between reading and writing; the writer gives a
    // permit back after each chunk written. When the writer stops, the
    // permits' sender goes, and the reader stops too.
    let (permit_tx, permit_rx) = sync_channel::<()>(WINDOW / CHUNK);
    for _ in 0..WINDOW / CHUNK {
        let _ = permit_tx.send(());
    }
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut next = 0u64;
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut send = |chunk: Vec<_>| {
                if permit_rx.recv().is_err() {
                    return false;
                }
                let sent = work_tx.send((next, chunk)).is_ok();
                next += 1;
                sent
            };
            let mut going = true;
            read(&mut |entry| {
                chunk.push(entry);
                if chunk.len() == CHUNK {
                    going = send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                }
                going
            });
            if going && !chunk.is_empty() {
                send(chunk);
            }
        });
        for _ in 0..jobs {
            let result_tx = result_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || {
                let mut worker = judging.host.worker();
                while let Some((seq, entries)) = next_job(work_rx) {
                    let judged = entries
                        .into_iter()
                        .map(|entry| judging.judge(&mut worker, entry))
                        .collect();
                    if result_tx.send((seq, judged)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(result_tx);
        write_in_order(&result_rx, &permit_tx, &mut write)
    })
}

fn next_job<T>(work: &Mutex<Receiver<T>>) -> Option<T> {
    // A poisoned lock means another worker panicked; this one stops too.
    work.lock().ok()?.recv().ok()
}

/// The reorder buffer: chunks as they come, written as their turn comes.
fn write_in_order(
    results: &Receiver<(u64, Vec<Judged>)>,
    permits: &SyncSender<()>,
    write: &mut dyn FnMut(Judged) -> io::Result<()>,
) -> io::Result<()> {
    let mut early: BTreeMap<u64, Vec<Judged>> = BTreeMap::new();
    let mut next = 0u64;
    for (seq, chunk) in results {
        early.insert(seq, chunk);
        while let Some(chunk) = early.remove(&next) {
            for judged in chunk {
                write(judged)?;
            }
            next += 1;
            let _ = permits.try_send(());
        }
    }
    Ok(())
}

impl Judging {
    /// Judges one entry as `check` would, unless the output already has it.
    fn judge(&self, worker: &mut Worker, entry: Result<Document<'static>, InvalidInput>) -> Judged {
        let doc = match entry {
            Ok(doc) => doc,
            Err(invalid) => return Judged::Invalid(invalid.messages()),
        };
        if let Some(resumed) = self.already_done(&doc) {
            return Judged::Resumed(resumed);
        }
        let mut one = One {
            keeps_digest: self.keeps_digest,
            prints_json: self.prints_json,
            records: self.records.as_ref(),
            judged: None,
        };
        // `judge` on one document: the same validation, warnings and verdict as `check`.
        if let Err(stopped) = judge(std::iter::once(Ok(doc)), worker, &self.options, &mut one) {
            return Judged::Invalid(vec![stopped.to_string()]);
        }
        one.judged
            .unwrap_or_else(|| Judged::Invalid(vec!["the document gave no verdict".to_owned()]))
    }

    /// The earlier verdict of this document, if the output of the run being
    /// resumed holds one for the same shipment id and input digest.
    fn already_done(&self, doc: &Document<'_>) -> Option<Resumed> {
        let id = doc.shipment_id()?;
        if !self.done.lock().ok()?.has_id(id) {
            return None;
        }
        let shipment =
            input::parse_shipment_all(doc, self.options.as_of, &self.options.limits).ok()?;
        let digest = input_digest(&shipment).ok()?;
        self.done.lock().ok()?.take(id, &digest)
    }
}

/// The digest that identifies an input in a resumable output: sha256 of the
/// validated shipment's canonical encoding, so that a re-read, re-formatted
/// or re-ordered file still matches, and a changed shipment does not.
pub(super) fn input_digest(shipment: &Shipment<'_>) -> io::Result<String> {
    let wire = shipment.to_wire().map_err(io::Error::other)?;
    Ok(hex::encode(Sha256::digest(&wire)))
}

/// A sink for one document.
struct One<'r> {
    keeps_digest: bool,
    prints_json: bool,
    records: Option<&'r DecisionRecorder>,
    judged: Option<Judged>,
}

impl Sink for One<'_> {
    fn verdict(&mut self, label: &str, verdict: &Verdict) -> io::Result<()> {
        self.judged = Some(Judged::Verdict {
            label: label.to_owned(),
            verdict: Arc::new(verdict.clone()),
            digest: None,
            record: None,
            json: None,
            recorded_as: None,
        });
        Ok(())
    }

    fn judged(
        &mut self,
        label: &str,
        shipment: &Shipment<'_>,
        verdict: &Verdict,
    ) -> io::Result<()> {
        let digest = if self.keeps_digest {
            Some(input_digest(shipment)?)
        } else {
            None
        };
        let json = if self.prints_json {
            Some(serde_json::value::to_raw_value(verdict)?)
        } else {
            None
        };
        let verdict = Arc::new(verdict.clone());
        let record = match self
            .records
            .map(|r| r.capture(shipment, Arc::clone(&verdict), None))
        {
            None => None,
            Some(Ok(captured)) => Some(captured),
            Some(Err(e)) => {
                self.judged = Some(Judged::NotRecorded(e));
                return Ok(());
            }
        };
        self.judged = Some(Judged::Verdict {
            label: label.to_owned(),
            verdict,
            digest,
            record,
            json,
            recorded_as: None,
        });
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        self.judged = Some(Judged::Invalid(error.messages()));
        Ok(())
    }
}
