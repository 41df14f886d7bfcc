//! [`judge`]: the loop every front end shares — take documents from a source,
//! validate each into a shipment, have a [`Worker`] judge it, hand the verdict or
//! the typed reason it could not be judged to a [`Sink`], and count.
//! `exportctl check` is this loop with files as the source and standard output
//! as the sink; a server or a batch runner brings its own.

use crate::exemption::{Exemption, apply_exemptions};
use crate::verdict::{Verdict, Warning};
use crate::worker::Worker;
use exportctl_sdk::input::{self, Document, InputError, InputLimits, UnknownField};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Date, Outcome};
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::SystemTime;

/// Most unknown fields named per shipment; the rest are counted, so that a
/// document of thousands of unknown keys cannot flood the output.
const MAX_UNKNOWN_REPORTED: usize = 20;

/// How documents become shipments, and what is exempted from their verdicts.
#[derive(Debug, Clone, Default)]
pub struct JudgeOptions {
    /// Apply the law in force on this date instead of each shipment's own.
    pub as_of: Option<Date>,
    /// Unknown fields are invalid input, not warnings (also when the host's set
    /// says `unknown_fields = "invalid"`).
    pub strict: bool,
    /// Bounds on what a document may hold.
    pub limits: InputLimits,
    /// Officers' exemptions of false positives, applied to every verdict
    /// ([`apply_exemptions`]); none by default.
    pub exemptions: Arc<[Exemption]>,
    /// The time exemptions are judged valid at; the time of judging when `None`.
    pub now: Option<SystemTime>,
}

/// Why an input was not judged. Every case names where the input is; a shipment
/// error names the shipment and the field path (see [`InputError`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A file could not be opened.
    #[error("cannot read `{origin}`: {source}")]
    Unreadable {
        /// The file as given.
        origin: String,
        /// Why.
        source: io::Error,
    },
    /// A file, or one entry of it, could not be read as a document (syntax,
    /// size, a broken line of JSON Lines).
    #[error(transparent)]
    Read(#[from] InputError),
    /// A document is not a valid shipment.
    #[error("{}", shipment_lines(.label, .unknown, *.more_unknown, .errors).join("; "))]
    Shipment {
        /// `file.json[2]: shipment `S-1`` (or just the place, if it has no valid id).
        label: String,
        /// Unknown fields refused in strict mode (the first 20).
        unknown: Vec<UnknownField>,
        /// How many more unknown fields there were.
        more_unknown: usize,
        /// Every validation error, each with the shipment id and field path.
        errors: Vec<InputError>,
    },
    /// Rows of a table input (an ERP flat CSV file) that do not form a
    /// shipment: every problem, each naming its file, row and column.
    #[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Rows {
        /// What is wrong, one problem each (never empty).
        problems: Vec<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl InvalidInput {
    /// Every problem as one line, in the order `exportctl check` prints them
    /// after `error: ` (the message joins them with `; `).
    pub fn messages(&self) -> Vec<String> {
        match self {
            InvalidInput::Shipment {
                label,
                unknown,
                more_unknown,
                errors,
            } => shipment_lines(label, unknown, *more_unknown, errors),
            InvalidInput::Rows { problems } => problems.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// The lines of an invalid shipment: refused unknown fields first, then every
/// validation error.
fn shipment_lines(
    label: &str,
    unknown: &[UnknownField],
    more_unknown: usize,
    errors: &[InputError],
) -> Vec<String> {
    let mut lines: Vec<String> = unknown
        .iter()
        .map(|field| {
            let hint = field
                .suggestion
                .map(|known| format!("; did you mean `{known}`?"))
                .unwrap_or_default();
            format!(
                "{label}: {}: unknown field (strict mode: unknown fields are invalid input){hint}",
                field.path
            )
        })
        .collect();
    if more_unknown > 0 {
        lines.push(format!("{label}: and {more_unknown} more unknown fields"));
    }
    lines.extend(errors.iter().map(ToString::to_string));
    lines
}

/// Where verdicts and invalid inputs go. A sink that fails to write stops the
/// run ([`judge`] returns [`Stopped`]).
pub trait Sink {
    /// A judged shipment. `label` says where it came from (`file.json[2]:
    /// shipment `S-1``), for messages about it.
    fn verdict(&mut self, label: &str, verdict: &Verdict) -> io::Result<()>;
    /// A judged shipment with the validated shipment it was judged on, for a
    /// sink that records decisions; by default just [`Sink::verdict`].
    fn judged(
        &mut self,
        label: &str,
        _shipment: &Shipment<'_>,
        verdict: &Verdict,
    ) -> io::Result<()> {
        self.verdict(label, verdict)
    }
    /// An input that was not judged.
    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()>;
    /// Writes out what is buffered; [`judge`] leaves this to its caller.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a run judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Shipments judged.
    pub judged: usize,
    /// Inputs not judged (files, documents, shipments).
    pub invalid: usize,
    /// Judged shipments no enforce-mode policy in force judged (`not-judged`).
    pub not_judged: usize,
    /// Verdicts per outcome: allow, review, licence_required, deny.
    pub by_outcome: [usize; 4],
    /// The worst outcome judged, if any.
    pub worst: Option<Outcome>,
}

impl Summary {
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
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [allow, review, licence, deny] = self.by_outcome;
        write!(
            f,
            "summary: {} judged: {allow} allow, {review} review, {licence} licence_required, {deny} deny; {} invalid; {} not judged by any enforce-mode policy in force",
            self.judged, self.invalid, self.not_judged
        )
    }
}

/// A run stopped because its sink could not write; what was judged until then.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the verdict: {error}")]
pub struct Stopped {
    /// What was judged before the sink failed (the failed verdict included).
    pub summary: Summary,
    /// The sink's error.
    #[source]
    pub error: io::Error,
}

/// Judges every document of `source` with `worker` and hands each verdict, or
/// each reason an input was not judged, to `sink`.
///
/// Unknown fields are warnings in the verdict (`unknown-field`), or invalid
/// input under [`JudgeOptions::strict`] or a set that says so. An invalid input
/// never stops the run; a sink that cannot write does.
pub fn judge<'d>(
    source: impl IntoIterator<Item = Result<Document<'d>, InvalidInput>>,
    worker: &mut Worker,
    options: &JudgeOptions,
    sink: &mut dyn Sink,
) -> Result<Summary, Stopped> {
    let strict = options.strict || worker.host().strict_input();
    let mut summary = Summary::default();
    for entry in source {
        let written = match entry {
            Ok(doc) => match judge_one(&doc, worker, options, strict) {
                Ok((label, shipment, verdict)) => {
                    summary.count(&verdict);
                    sink.judged(&label, &shipment, &verdict)
                }
                Err(invalid) => {
                    summary.invalid += 1;
                    sink.invalid(&invalid)
                }
            },
            Err(invalid) => {
                summary.invalid += 1;
                sink.invalid(&invalid)
            }
        };
        if let Err(error) = written {
            return Err(Stopped { summary, error });
        }
    }
    Ok(summary)
}

/// Validates one document and judges it.
fn judge_one<'d>(
    doc: &'d Document<'_>,
    worker: &mut Worker,
    options: &JudgeOptions,
    strict: bool,
) -> Result<(String, Shipment<'d>, Verdict), InvalidInput> {
    let mut unknown = doc.unknown_fields();
    let more = unknown.len().saturating_sub(MAX_UNKNOWN_REPORTED);
    unknown.truncate(MAX_UNKNOWN_REPORTED);
    let label = match doc.shipment_id() {
        Some(id) => format!("{}: shipment `{id}`", doc.origin),
        None => doc.origin.clone(),
    };
    let refused = strict && !unknown.is_empty();
    let shipment = match input::parse_shipment_all(doc, options.as_of, &options.limits) {
        Ok(shipment) if !refused => shipment,
        parsed => {
            let (unknown, more_unknown) = if refused {
                (unknown, more)
            } else {
                (Vec::new(), 0)
            };
            return Err(InvalidInput::Shipment {
                label,
                unknown,
                more_unknown,
                errors: parsed.err().unwrap_or_default(),
            });
        }
    };
    let mut verdict = worker.evaluate(&shipment);
    if !options.exemptions.is_empty() {
        let now = options.now.unwrap_or_else(SystemTime::now);
        apply_exemptions(&mut verdict, &shipment, &options.exemptions, now);
    }
    let mut warnings: Vec<Warning> = unknown
        .into_iter()
        .map(|field| Warning {
            kind: "unknown-field",
            message: field.to_string(),
            path: field.path,
            suggestion: field.suggestion,
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
    Ok((label, shipment, verdict))
}

/// The documents of one file (or `-` for standard input), read in `format`:
/// a source for [`judge`]. A file that cannot be opened or read is one invalid
/// input; each broken entry of it is another.
pub fn read_file(
    file: &str,
    format: input::InputFormat,
    limits: &InputLimits,
) -> Vec<Result<Document<'static>, InvalidInput>> {
    let entries = if file == "-" {
        input::read_entries(io::stdin().lock(), "<stdin>", format, limits)
    } else {
        match std::fs::File::open(file) {
            Ok(f) => input::read_entries(f, file, format, limits),
            Err(source) => {
                return vec![Err(InvalidInput::Unreadable {
                    origin: file.to_owned(),
                    source,
                })];
            }
        }
    };
    match entries {
        Ok(entries) => entries
            .into_iter()
            .map(|e| e.map_err(InvalidInput::Read))
            .collect(),
        Err(e) => vec![Err(InvalidInput::Read(e))],
    }
}
