//! `exportctl check`: read shipments, judge each, print verdicts.
//!
//! Invalid shipments, and broken lines of a JSON Lines file, are reported on
//! standard error and not judged; the others in the same run still are. The exit
//! status is 2 if any input was invalid (an error must not hide behind a
//! verdict), 1 on an internal error, else the worst outcome. If standard output
//! closes early (`| head -1`), the run stops and exits with the status of what
//! it judged so far, never 0 after a verdict that was not allow.

use super::recording::{NotRecorded, Recording};
use super::{
    CheckArgs, ExitStatus, Format, InputFormatArg, MinOutcome, load_host_and_audit,
    print_load_error,
};
use exportctl::report::{JsonLines, TextReport};
use exportctl::{AuditSettings, DecisionRecorder, Host, StoreInput};
use exportctl::{InvalidInput, JudgeOptions, Sink, Summary, Verdict, judge, read_file};
use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store, StoreError};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::{InputFormat, InputLimits};
use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub(super) fn run(args: &CheckArgs) -> ExitStatus {
    let (host, audit) = match load_host_and_audit(args.policies.as_ref(), &args.set) {
        Ok(loaded) => loaded,
        Err(e) => {
            print_load_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let format = args.format.unwrap_or_else(|| {
        if io::stdout().is_terminal() {
            Format::Text
        } else {
            Format::Json
        }
    });
    let input_format = match args.input_format {
        InputFormatArg::Auto => InputFormat::Auto,
        InputFormatArg::Json => InputFormat::Json,
        InputFormatArg::Jsonl => InputFormat::JsonLines,
        InputFormatArg::Toml => InputFormat::Toml,
    };
    let min_outcome = match args.min_outcome {
        None | Some(MinOutcome::Allow) => Outcome::Allow,
        Some(MinOutcome::Review) => Outcome::Review,
        Some(MinOutcome::LicenceRequired) => Outcome::LicenceRequired,
        Some(MinOutcome::Deny) => Outcome::Deny,
    };
    let options = JudgeOptions {
        as_of: args.as_of,
        strict: args.strict,
        limits: InputLimits::default(),
        ..JudgeOptions::default()
    };
    let stdout = io::stdout();
    let out = io::BufWriter::new(stdout.lock());
    let mut worker = host.worker();
    if args.verbose {
        worker = worker.on_log(|log| eprintln!("log: {log}"));
    }
    let verdicts: Box<dyn Sink> = match format {
        Format::Json => Box::new(JsonLines(out)),
        Format::Text => Box::new(TextReport(out)),
    };
    let terminal = Terminal {
        verdicts,
        min_outcome,
        data_age_said: HashSet::new(),
    };
    // With recording on, nothing is judged before the store has accepted the
    // set's plugins: a store that cannot record stops the run before any verdict.
    let recorded = recording(
        args.audit.as_deref(),
        args.checkpoint_key.as_deref(),
        audit,
        &host,
    );
    let mut sink: Box<dyn Sink> = match recorded {
        Ok(None) => Box::new(terminal),
        Ok(Some((recorder, records))) => Box::new(Recording::new(terminal, recorder, records)),
        Err(status) => return status,
    };
    // Files are read one at a time, as the run reaches them.
    let source = args
        .files
        .iter()
        .flat_map(|file| read_file(file, input_format, &options.limits));
    let summary = match judge(source, &mut worker, &options, &mut *sink) {
        Ok(summary) => summary,
        Err(stopped) => return write_failed(&stopped.error, status(&stopped.summary)),
    };
    if let Err(e) = sink.flush() {
        return write_failed(&e, status(&summary));
    }
    if summary.judged + summary.invalid > 1 {
        eprintln!("{summary}");
    }
    status(&summary)
}

/// The sink of `check`: verdicts at least `min_outcome` to standard output (JSON
/// Lines or text); invalid input as errors, and unknown fields and old data as
/// warnings, on standard error.
struct Terminal {
    verdicts: Box<dyn Sink>,
    min_outcome: Outcome,
    /// Data-age warnings already printed: once per policy, source and edition,
    /// not once per shipment.
    data_age_said: HashSet<String>,
}

impl Sink for Terminal {
    fn verdict(&mut self, label: &str, verdict: &Verdict) -> io::Result<()> {
        for w in verdict
            .warnings
            .iter()
            .filter(|w| w.kind == "unknown-field")
        {
            eprintln!("warning: {label}: {}", w.message);
        }
        for w in verdict.warnings.iter().filter(|w| w.kind == "data-age") {
            let source = w.message.split_once(": ").map_or(&*w.message, |(s, _)| s);
            if self.data_age_said.insert(source.to_owned()) {
                eprintln!("warning: {}: {}", verdict.shipment, w.message);
            }
        }
        if verdict.outcome < self.min_outcome {
            return Ok(());
        }
        self.verdicts.verdict(label, verdict)
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        for line in error.messages() {
            eprintln!("error: {line}");
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.verdicts.flush()
    }
}

/// Invalid input wins, then the worst outcome judged.
fn status(summary: &Summary) -> ExitStatus {
    if summary.invalid > 0 {
        ExitStatus::InvalidInput
    } else {
        ExitStatus::from_outcome(summary.worst.unwrap_or(Outcome::Allow))
    }
}

fn write_failed(e: &io::Error, status: ExitStatus) -> ExitStatus {
    if let Some(not_recorded) = NotRecorded::of(e) {
        eprintln!(
            "error: the decision was not recorded, so its verdict is withheld: {not_recorded}"
        );
        return ExitStatus::Internal;
    }
    // A reader that went away (`| head`) is not our error, but what was judged
    // still decides the status: never 0 after a verdict that was not allow.
    if e.kind() == io::ErrorKind::BrokenPipe {
        return status;
    }
    eprintln!("error: cannot write the verdict: {e}");
    ExitStatus::Internal
}

/// The recorder `--audit` or the set's `[audit]` asks for, with every plugin of
/// the set kept in its store; `None` when decisions are not recorded. A bad URL
/// or key is a usage error (2), a store that cannot be opened or written an
/// internal one (1); either way the error names the store and the cause.
pub(super) fn recording(
    audit_url: Option<&str>,
    checkpoint_key: Option<&Path>,
    audit: Option<AuditSettings>,
    host: &Arc<Host>,
) -> Result<Option<(Recorder, DecisionRecorder)>, ExitStatus> {
    let url = match (audit_url, &audit) {
        (Some(url), _) => url.to_owned(),
        (None, Some(settings)) => settings.store.clone(),
        (None, None) => return Ok(None),
    };
    let usage = |message: String| {
        eprintln!("error: {message}");
        ExitStatus::InvalidInput
    };
    let key_path = checkpoint_key
        .map(Path::to_path_buf)
        .or_else(|| audit.as_ref().and_then(|a| a.checkpoint_key.clone()))
        .ok_or_else(|| {
            usage(format!(
                "audit store {url}: recording needs a checkpoint key: --checkpoint-key FILE or `checkpoint_key` in the set's [audit] table (create one with `exportctl audit keygen`)"
            ))
        })?;
    let key = CheckpointKey::load(&key_path)
        .map_err(|e| usage(format!("audit store {url}: checkpoint key: {e}")))?;
    let store = Store::open(&url).map_err(|e| store_failed(&e))?;
    let config = RecorderConfig {
        checkpoint_every: audit
            .as_ref()
            .map_or(AuditSettings::DEFAULT_CHECKPOINT_EVERY, |a| {
                a.checkpoint_every
            }),
        checkpoint_interval: Duration::from_secs(
            audit
                .as_ref()
                .map_or(AuditSettings::DEFAULT_CHECKPOINT_SECONDS, |a| {
                    a.checkpoint_seconds
                }),
        ),
        ..RecorderConfig::default()
    };
    let recorder = Recorder::start(store, key, config).map_err(|e| store_failed(&e))?;
    for bytes in DecisionRecorder::plugin_bytes(host) {
        recorder.keep_plugin(bytes).map_err(|e| {
            eprintln!("error: {e}");
            ExitStatus::Internal
        })?;
    }
    // The set's canonical form with its plugins: a replay rebuilds the set from both.
    recorder
        .keep_policy_set(host.canonical_form())
        .map_err(|e| {
            eprintln!("error: {e}");
            ExitStatus::Internal
        })?;
    let store_input = audit.map_or(StoreInput::Full, |a| a.store_input);
    let records = DecisionRecorder::new(host, requested_by(), store_input).map_err(|e| {
        eprintln!("error: {e}");
        ExitStatus::Internal
    })?;
    Ok(Some((recorder, records)))
}

/// A store that cannot be used: a bad URL is a usage error, anything else internal.
fn store_failed(error: &StoreError) -> ExitStatus {
    eprintln!("error: {error}");
    match error {
        StoreError::BadUrl { .. } => ExitStatus::InvalidInput,
        _ => ExitStatus::Internal,
    }
}

/// Who asks, in a record: `cli:` and the login name (from the environment, as
/// the binary is the edge where the environment is read).
pub(super) fn requested_by() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("cli:{user}")
}
