//! `exportctl check`: read shipments, judge each, print verdicts.
//!
//! Invalid shipments, and broken lines of a JSON Lines file, are reported on
//! standard error and not judged; the others in the same run still are. The exit
//! status is 2 if any input was invalid (an error must not hide behind a
//! verdict), 1 on an internal error, else the worst outcome. If standard output
//! closes early (`| head -1`), the run stops and exits with the status of what
//! it judged so far, never 0 after a verdict that was not allow.

use super::{
    CheckArgs, ExitStatus, Format, InputFormatArg, MinOutcome, load_host, print_load_error,
};
use exportctl::report::{JsonLines, TextReport};
use exportctl::{InvalidInput, JudgeOptions, Sink, Summary, Verdict, judge, read_file};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::{InputFormat, InputLimits};
use std::collections::HashSet;
use std::io::{self, IsTerminal};

pub(super) fn run(args: &CheckArgs) -> ExitStatus {
    let host = match load_host(args.policies.as_ref(), &args.set) {
        Ok(host) => host,
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
    let mut sink = Terminal {
        verdicts,
        min_outcome,
        data_age_said: HashSet::new(),
    };
    // Files are read one at a time, as the run reaches them.
    let source = args
        .files
        .iter()
        .flat_map(|file| read_file(file, input_format, &options.limits));
    let summary = match judge(source, &mut worker, &options, &mut sink) {
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
    // A reader that went away (`| head`) is not our error, but what was judged
    // still decides the status: never 0 after a verdict that was not allow.
    if e.kind() == io::ErrorKind::BrokenPipe {
        return status;
    }
    eprintln!("error: cannot write the verdict: {e}");
    ExitStatus::Internal
}
