//! `exportctl rescreen`: after a list edition changes, screen the party master
//! and judge the open orders again, and report only what changed (delta mode;
//! `--full` reports everything): new matches, cleared matches, changed outcomes
//! and scores, each with its list entry, edition and score
//! (`sdk/spec/rescreen.md`).
//!
//! The comparison is against the previous policy set (`--against`), screened
//! and judged in the same run, or against the audit store (`--since-decisions`):
//! each order's last recorded decision, each party's last recorded screening.
//! With `--audit` every screening and decision of the run is recorded before
//! its change is reported (`rescreen_recording.rs`). Parties are screened with
//! the contract's party screener (`screening.rs` in the library), in windows
//! of [`WINDOW`] parties spread over the threads, so memory stays bounded and
//! the output keeps the file's order.

use super::recording::{NotRecorded, Recording};
use super::rescreen_delta::{self, Judgement};
use super::rescreen_output::{Change, Output, Tally};
use super::rescreen_parties::{self, Row};
use super::rescreen_recording::{self, RescreenLog};
use super::{ExitStatus, RescreenArgs, load_host, load_host_and_audit, print_load_error};
use exportctl::{
    Host, InvalidInput, JudgeOptions, ListMatch, Mode, PartyScreening, Sink, Verdict, judge,
    read_file,
};
use exportctl_audit::store::Store;
use exportctl_sdk::Date;
use exportctl_sdk::input::{InputFormat, InputLimits};
use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Parties screened between two writes of the output.
pub(super) const WINDOW: usize = 4096;
/// Parties a thread (or, with `--nats`, a chunk) takes at a time.
pub(super) const CHUNK: usize = 64;

/// What the current screening is compared with.
enum Baseline {
    /// The previous policy set, loaded beside the current one.
    Set(Arc<Host>),
    /// The last recorded decision of each order and screening of each party,
    /// below leaf index `before` (the log as it was before this run recorded).
    Decisions { store: Store, before: u64 },
}

pub(super) fn run(args: &RescreenArgs) -> ExitStatus {
    let (host, audit) = match load_host_and_audit(args.policies.as_ref(), &args.set) {
        Ok(loaded) => loaded,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let record_url = args
        .audit
        .clone()
        .or_else(|| audit.as_ref().map(|a| a.store.clone()));
    // The recorder first: it creates a store the baseline is then read from
    // (a first `--since-decisions --audit` run compares with an empty log).
    let mut log = match RescreenLog::open(args, audit.clone(), &host) {
        Ok(log) => log,
        Err(status) => return status,
    };
    let baseline = match baseline(args, audit.map(|a| a.store)) {
        Ok(baseline) => baseline,
        Err(status) => return status,
    };
    if args.parties.is_some() {
        for (which, set) in [
            ("--policies", Some(&host)),
            ("--against", baseline_set(&baseline)),
        ] {
            if set.is_some_and(|h| h.screening_policies().is_empty()) {
                eprintln!(
                    "error: no policy of the {which} set screens parties on its own (exports the contract's \
                     party screener, 1.1.0): nothing to screen the party master with"
                );
                return ExitStatus::InvalidInput;
            }
        }
    }
    let date = args.date.unwrap_or_else(today);
    let mut output = match Output::open(args.out.as_deref(), args.format) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            return ExitStatus::Internal;
        }
    };
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut tally = Tally::default();
    let mut written = Ok(());
    if let Some(path) = &args.parties {
        let rows = match rescreen_parties::read(path) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitStatus::InvalidInput;
            }
        };
        match &args.nats {
            Some(url) => {
                let previous = match &baseline {
                    Baseline::Set(before) => super::nats::Previous::Set(before),
                    Baseline::Decisions { store, before } => super::nats::Previous::Store {
                        store,
                        before: *before,
                    },
                };
                // The store the workers record into, read here to find each
                // screening before its change is reported.
                let recorded_in = match (&log, &record_url) {
                    (Some(_), Some(url)) => match Store::open_existing(url) {
                        Ok(store) => Some(store),
                        Err(e) => {
                            eprintln!("error: {e}");
                            return ExitStatus::Internal;
                        }
                    },
                    _ => None,
                };
                // Parties screened now by the workers, before here (`sdk/spec/queue.md`).
                match super::nats::rescreen_parties(
                    &rows,
                    &host,
                    previous,
                    recorded_in.as_ref(),
                    date,
                    args,
                    url,
                    &mut output,
                    &mut tally,
                ) {
                    Ok(result) => written = result,
                    Err(status) => return status,
                }
            }
            None => {
                written = parties(
                    &rows,
                    &host,
                    &baseline,
                    log.as_ref(),
                    date,
                    jobs,
                    args.full,
                    &mut output,
                    &mut tally,
                );
            }
        }
    }
    if written.is_ok() && !args.orders.is_empty() {
        written = orders(
            args,
            &host,
            &baseline,
            log.as_mut(),
            &mut output,
            &mut tally,
        );
    }
    if written.is_ok()
        && let Some(log) = &mut log
    {
        written = log.close();
    }
    if let Err(e) = written.and_then(|()| output.finish()) {
        match NotRecorded::of(&e) {
            Some(not_recorded) => eprintln!(
                "error: a screening or decision was not recorded, so its change and every later one are withheld: {not_recorded}"
            ),
            None => eprintln!("error: cannot write the output: {e}"),
        }
        return ExitStatus::Internal;
    }
    eprint!("{}", tally.summary());
    tally.exit_status()
}

/// The baseline: the previous set, or the audit store (`--audit`, else the
/// set's `[audit] store`) as it is before this run records anything.
fn baseline(args: &RescreenArgs, set_store: Option<String>) -> Result<Baseline, ExitStatus> {
    if let Some(path) = &args.against {
        return load_host(Some(path), &[]).map(Baseline::Set).map_err(|e| {
            print_load_error(&e);
            ExitStatus::InvalidInput
        });
    }
    let Some(url) = args.audit.clone().or(set_store) else {
        eprintln!(
            "error: --since-decisions needs the audit store that holds the decisions and screenings: \
             --audit URL or `store` in the set's [audit] table"
        );
        return Err(ExitStatus::InvalidInput);
    };
    Store::open_existing(&url)
        .and_then(|store| {
            let before = store.record_count()?;
            Ok(Baseline::Decisions { store, before })
        })
        .map_err(|e| {
            eprintln!("error: {e}");
            ExitStatus::InvalidInput
        })
}

fn baseline_set(baseline: &Baseline) -> Option<&Arc<Host>> {
    match baseline {
        Baseline::Set(host) => Some(host),
        Baseline::Decisions { .. } => None,
    }
}

/// Today (UTC), the default law date of a screening.
fn today() -> Date {
    // `now()` is RFC 3339: its first ten characters are today's date.
    exportctl_audit::record::now()
        .get(..10)
        .and_then(Date::parse)
        .unwrap_or(Date::ymd(1970, 1, 1))
}

/// Screens every valid row with the current set (and the previous one, or
/// reads its last recorded screening), window by window, records the window's
/// screenings when `log` is given, and writes the changes in file order;
/// invalid rows are reported on standard error.
#[allow(clippy::too_many_arguments)]
fn parties(
    rows: &[Row],
    now: &Arc<Host>,
    baseline: &Baseline,
    log: Option<&RescreenLog>,
    date: Date,
    jobs: usize,
    full: bool,
    output: &mut Output,
    tally: &mut Tally,
) -> io::Result<()> {
    for window in rows.chunks(WINDOW) {
        let mut screened = screen_window(window, now, baseline_set(baseline), date, jobs);
        if let Baseline::Decisions { store, before } = baseline {
            for (row, slot) in window.iter().zip(&mut screened) {
                if let (Ok(party), Some((_, previous))) = (row, slot) {
                    // Never screened before: every match is new.
                    *previous = rescreen_recording::last_screening(store, *before, &party.id)?
                        .unwrap_or_else(|| rescreen_recording::never_screened(party));
                }
            }
        }
        if let Some(log) = log {
            let done: Vec<_> = window
                .iter()
                .zip(&screened)
                .filter_map(|(row, slot)| match (row, slot) {
                    (Ok(party), Some((current, _))) => Some((party, current)),
                    _ => None,
                })
                .collect();
            log.record_parties(&done, date)?;
        }
        write_window(window, &screened, now, full, output, tally)?;
    }
    Ok(())
}

/// Writes the changes of one window of rows, screened now and before (`None`
/// for an invalid row, reported here on standard error), in file order.
pub(super) fn write_window(
    window: &[Row],
    screened: &[Option<(PartyScreening, PartyScreening)>],
    now: &Arc<Host>,
    full: bool,
    output: &mut Output,
    tally: &mut Tally,
) -> io::Result<()> {
    for (row, screened) in window.iter().zip(screened) {
        let party = match row {
            Ok(party) => party,
            Err(reason) => {
                eprintln!("invalid: {reason}");
                tally.invalid += 1;
                continue;
            }
        };
        let Some((current, previous)) = screened else {
            continue;
        };
        tally.parties += 1;
        for failure in &current.failures {
            // As in a verdict, a monitor policy's failure is shown, not counted.
            let counts = failure.mode == Mode::Enforce;
            let change = Change::failed(
                party,
                "current",
                failure,
                counts.then(|| now.fail_outcome()),
            );
            tally.count(&change);
            output.write(&change)?;
        }
        for failure in &previous.failures {
            let change = Change::failed(party, "previous", failure, None);
            tally.count(&change);
            output.write(&change)?;
        }
        // A side that failed is not compared: its matches are unknown, so
        // every current match is reported as it stands.
        let known_before = previous.failures.is_empty();
        let before: &[ListMatch] = if known_before { &previous.matches } else { &[] };
        for delta in rescreen_delta::party_delta(&current.matches, before, full || !known_before) {
            let change = Change::party(party, &delta);
            tally.count(&change);
            output.write(&change)?;
        }
    }
    Ok(())
}

/// Screens the valid parties of one window on `jobs` threads, each taking
/// [`CHUNK`] parties at a time, with the current set and the previous one (if
/// any; else the previous screening is left empty for the caller to fill); the
/// results in the window's order.
fn screen_window(
    window: &[Row],
    now: &Arc<Host>,
    before: Option<&Arc<Host>>,
    date: Date,
    jobs: usize,
) -> Vec<Option<(PartyScreening, PartyScreening)>> {
    let next = AtomicUsize::new(0);
    let threads = jobs.clamp(1, window.len().div_ceil(CHUNK).max(1));
    let done: Vec<Vec<(usize, (PartyScreening, PartyScreening))>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut current = now.party_screener();
                    let mut previous = before.map(|h| h.party_screener());
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= window.len() {
                            break;
                        }
                        for (i, row) in window.iter().enumerate().skip(start).take(CHUNK) {
                            if let Ok(party) = row {
                                let earlier = match &mut previous {
                                    Some(previous) => previous.screen(party, date),
                                    None => rescreen_recording::never_screened(party),
                                };
                                done.push((i, (current.screen(party, date), earlier)));
                            }
                        }
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|t| t.join().unwrap_or_default())
            .collect()
    });
    let mut slots: Vec<Option<(PartyScreening, PartyScreening)>> = vec![None; window.len()];
    for (i, pair) in done.into_iter().flatten() {
        slots[i] = Some(pair);
    }
    slots
}

/// The verdicts of one set on the order files, in order.
#[derive(Default)]
struct Collect {
    verdicts: Vec<Verdict>,
    /// Documents that failed validation, with their messages.
    invalid: Vec<Vec<String>>,
}

impl Sink for Collect {
    fn verdict(&mut self, _label: &str, verdict: &Verdict) -> io::Result<()> {
        self.verdicts.push(verdict.clone());
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        self.invalid.push(error.messages());
        Ok(())
    }
}

/// Judges the open orders with the current set (recording each decision when
/// `log` is given) and compares each verdict with the previous set's, or with
/// the order's last recorded decision.
fn orders(
    args: &RescreenArgs,
    now: &Arc<Host>,
    baseline: &Baseline,
    log: Option<&mut RescreenLog>,
    output: &mut Output,
    tally: &mut Tally,
) -> io::Result<()> {
    let options = JudgeOptions {
        as_of: args.date,
        strict: false,
        limits: InputLimits::default(),
        ..JudgeOptions::default()
    };
    let mut documents = Vec::new();
    for entry in args
        .orders
        .iter()
        .flat_map(|file| read_file(file, InputFormat::Auto, &options.limits))
    {
        match entry {
            Ok(doc) => documents.push(doc),
            Err(invalid) => {
                for message in invalid.messages() {
                    eprintln!("invalid: {message}");
                }
                tally.orders_invalid += 1;
            }
        }
    }
    let judge_all = |host: &Arc<Host>| {
        let mut sink = Collect::default();
        // `Collect` never fails to write, so `judge` never stops early.
        let _ = judge(
            documents.iter().cloned().map(Ok),
            &mut host.worker(),
            &options,
            &mut sink,
        );
        sink
    };
    let current = match log.and_then(|log| log.recorder.take().map(|r| (r, log))) {
        None => judge_all(now),
        // Each decision is recorded, and its verdict released, before it is compared.
        Some((recorder, log)) => {
            let mut recording = Recording::new(Collect::default(), recorder, log.decisions.clone());
            if let Err(stopped) = judge(
                documents.iter().cloned().map(Ok),
                &mut now.worker(),
                &options,
                &mut recording,
            ) {
                return Err(stopped.error);
            }
            recording.finish()?;
            recording.into_inner()
        }
    };
    for messages in &current.invalid {
        for message in messages {
            eprintln!("invalid: {message}");
        }
        tally.orders_invalid += 1;
    }
    let previous: HashMap<String, Judgement> = match baseline {
        Baseline::Set(before) => judge_all(before)
            .verdicts
            .iter()
            .map(|v| (v.shipment.clone(), Judgement::of(v)))
            .collect(),
        Baseline::Decisions { store, before } => recorded(store, *before, &current.verdicts)?,
    };
    for verdict in &current.verdicts {
        tally.orders += 1;
        let delta =
            rescreen_delta::order_delta(&Judgement::of(verdict), previous.get(&verdict.shipment));
        if delta.change == "unchanged" && !args.full {
            *tally.order_changes.entry("unchanged").or_default() += 1;
            continue;
        }
        let change = Change::order(verdict, &delta);
        tally.count(&change);
        output.write(&change)?;
    }
    Ok(())
}

/// The last recorded decision of each order judged now, below leaf index
/// `before` (so not this run's own), newest first through the store until each
/// has one (or the log's start).
fn recorded(
    store: &Store,
    before: u64,
    verdicts: &[Verdict],
) -> io::Result<HashMap<String, Judgement>> {
    let mut wanted: std::collections::HashSet<&str> =
        verdicts.iter().map(|v| v.shipment.as_str()).collect();
    let mut found = HashMap::new();
    let walked = store
        .for_each_record_newest_first(Some(before), None, None, |record| {
            if wanted.is_empty() {
                return Err(None::<String>);
            }
            let value: serde_json::Value = serde_json::from_slice(&record.bytes)
                .map_err(|e| Some(format!("record {}: {e}", record.index)))?;
            if value["kind"] != "decision" {
                return Ok(());
            }
            let Some(id) = value["shipment_id"].as_str() else {
                return Ok(());
            };
            if wanted.remove(id) {
                let judgement: Judgement = serde_json::from_value(value["verdict"].clone())
                    .map_err(|e| Some(format!("record {}: its verdict: {e}", record.index)))?;
                found.insert(id.to_owned(), judgement);
            }
            Ok(())
        })
        .map_err(io::Error::other)?;
    match walked {
        Ok(()) | Err(None) => Ok(found),
        Err(Some(reason)) => Err(io::Error::other(reason)),
    }
}
