//! `exportctl check`: read shipments, judge each, print verdicts.
//!
//! Invalid shipments, and broken lines of a JSON Lines file, are reported on
//! standard error and not judged; the others in the same run still are. The exit
//! status is 2 if any input was invalid (an error must not hide behind a
//! verdict), 1 on an internal error, else the worst outcome. If standard output
//! closes early (`| head -1`), the run stops and exits with the status of what
//! it judged so far, never 0 after a verdict that was not allow.

use super::{CheckArgs, ExitStatus, Format, InputFormatArg, MinOutcome, load_host, print_error};
use crate::report::{write_json, write_text};
use crate::verdict::{Verdict, Warning};
use exportctl_sdk::Outcome;
use exportctl_sdk::input::{self, Document, InputFormat, InputLimits};
use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};

pub(super) fn run(args: &CheckArgs) -> ExitStatus {
    let host = match load_host(args.policies.as_ref(), &args.set) {
        Ok(host) => host,
        Err(e) => {
            print_error(&e);
            return ExitStatus::InvalidInput;
        }
    };
    let strict = args.strict || host.strict_input();
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
    let limits = InputLimits::default();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut worker = host.worker();
    let mut tally = Tally::default();
    let mut data_age_said = HashSet::new();

    for file in &args.files {
        let entries = if file == "-" {
            input::read_entries(io::stdin().lock(), "<stdin>", input_format, &limits)
        } else {
            match std::fs::File::open(file) {
                Ok(f) => input::read_entries(f, file, input_format, &limits),
                Err(e) => {
                    eprintln!("error: cannot read `{file}`: {e}");
                    tally.invalid += 1;
                    continue;
                }
            }
        };
        let entries = match entries {
            Ok(entries) => entries,
            Err(e) => {
                eprintln!("error: {e}");
                tally.invalid += 1;
                continue;
            }
        };
        for entry in entries {
            let doc = match entry {
                Ok(doc) => doc,
                Err(e) => {
                    eprintln!("error: {e}");
                    tally.invalid += 1;
                    continue;
                }
            };
            let Some(verdict) = judge(&doc, args, strict, &limits, &mut worker) else {
                tally.invalid += 1;
                continue;
            };
            for w in verdict.warnings.iter().filter(|w| w.kind == "data-age") {
                // Once per policy, source and edition, not once per shipment.
                let source = w.message.split_once(": ").map_or(&*w.message, |(s, _)| s);
                if data_age_said.insert(source.to_owned()) {
                    eprintln!("warning: {}: {}", verdict.shipment, w.message);
                }
            }
            tally.count(&verdict);
            if verdict.outcome < min_outcome {
                continue;
            }
            let written = match format {
                Format::Json => write_json(&mut out, &verdict),
                Format::Text => write_text(&mut out, &verdict),
            };
            if let Err(e) = written {
                return write_failed(&e, tally.status());
            }
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e, tally.status());
    }
    if tally.judged + tally.invalid > 1 {
        eprintln!("{}", tally.summary());
    }
    tally.status()
}

/// Validates one document and judges it; `None` (errors printed) when it is
/// invalid input. Unknown fields are warnings (on standard error and in the
/// verdict), or errors under `--strict`.
fn judge(
    doc: &Document,
    args: &CheckArgs,
    strict: bool,
    limits: &InputLimits,
    worker: &mut crate::Worker<'_>,
) -> Option<Verdict> {
    let mut unknown = doc.unknown_fields();
    // A document of thousands of unknown keys must not flood the output: the
    // first ones are named, the rest counted.
    let more = unknown.len().saturating_sub(MAX_UNKNOWN_REPORTED);
    unknown.truncate(MAX_UNKNOWN_REPORTED);
    let shipment = match doc.shipment_id() {
        Some(id) => format!("{}: shipment `{id}`", doc.origin),
        None => doc.origin.clone(),
    };
    let more_line = (more > 0).then(|| format!("{shipment}: and {more} more unknown fields"));
    if strict && !unknown.is_empty() {
        for field in &unknown {
            let hint = field
                .suggestion
                .map(|known| format!("; did you mean `{known}`?"))
                .unwrap_or_default();
            eprintln!(
                "error: {shipment}: {}: unknown field (strict mode: unknown fields are invalid input){hint}",
                field.path
            );
        }
        if let Some(line) = &more_line {
            eprintln!("error: {line}");
        }
    }
    let parsed = input::parse_shipment_all(doc, args.as_of, limits);
    let parsed = match parsed {
        Ok(_) if strict && !unknown.is_empty() => return None,
        Ok(parsed) => parsed,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return None;
        }
    };
    for field in &unknown {
        eprintln!("warning: {shipment}: {field}");
    }
    if let Some(line) = &more_line {
        eprintln!("warning: {line}");
    }
    let mut verdict = worker.evaluate(&parsed);
    let mut warnings: Vec<Warning> = unknown
        .into_iter()
        .map(|field| Warning {
            kind: "unknown-field",
            path: field.path.clone(),
            suggestion: field.suggestion,
            message: field.to_string(),
        })
        .collect();
    if more > 0 {
        warnings.push(Warning {
            kind: "unknown-field",
            path: "…".to_owned(),
            suggestion: None,
            message: format!("and {more} more unknown fields"),
        });
    }
    warnings.append(&mut verdict.warnings);
    verdict.warnings = warnings;
    Some(verdict)
}

/// Most unknown fields named per shipment; the rest are counted.
const MAX_UNKNOWN_REPORTED: usize = 20;

/// What a run judged, for the exit status and the summary line.
#[derive(Default)]
struct Tally {
    judged: usize,
    invalid: usize,
    not_judged: usize,
    by_outcome: [usize; 4],
    worst: Option<Outcome>,
}

impl Tally {
    fn count(&mut self, verdict: &Verdict) {
        self.judged += 1;
        if !verdict.judged() {
            self.not_judged += 1;
        }
        let i = match verdict.outcome {
            Outcome::Allow => 0,
            Outcome::Review => 1,
            Outcome::LicenceRequired => 2,
            Outcome::Deny => 3,
        };
        self.by_outcome[i] += 1;
        self.worst = self.worst.max(Some(verdict.outcome));
    }

    /// Invalid input wins, then the worst outcome judged.
    fn status(&self) -> ExitStatus {
        if self.invalid > 0 {
            ExitStatus::InvalidInput
        } else {
            ExitStatus::from_outcome(self.worst.unwrap_or(Outcome::Allow))
        }
    }

    fn summary(&self) -> String {
        let [allow, review, licence, deny] = self.by_outcome;
        format!(
            "summary: {} judged: {allow} allow, {review} review, {licence} licence_required, {deny} deny; {} invalid; {} not judged by any enforce-mode policy in force",
            self.judged, self.invalid, self.not_judged
        )
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
