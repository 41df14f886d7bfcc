//! `exportctl audit report`: counts of the decisions of a time range by day, outcome,
//! destination, HS chapter, policy and rule, as CSV (`sdk/spec/audit-report.md`) or as one
//! self-contained HTML page with SVG charts.
//!
//! Exit status as the other audit commands: 0 ok; 2 usage (a bad URL, a missing store,
//! a bad time, an output file that cannot be created, a policy set that does not load); 1
//! a store that cannot be read or holds a record the report cannot count.

use super::{ExitStatus, load_error_line, load_host};
use clap::ValueEnum;
use exportctl::{FAIL_CLOSED, HOST_POLICY, Host, NOT_JUDGED};
use exportctl_audit::report::{Report, ReportError, TimeRange, aggregate, csv, html};
use exportctl_audit::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Arguments of `exportctl audit report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The store (`sqlite:PATH` or `postgres://…`).
    #[arg(long, value_name = "URL")]
    store: String,
    /// Decisions at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z, or a date
    /// meaning midnight UTC).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Decisions before this time.
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// `csv` (tidy rows: table,key,subkey,outcome,count) or `html` (one page with
    /// charts, readable offline).
    #[arg(long, value_enum)]
    format: ReportFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The policy set whose declared rules describe the findings in the HTML report
    /// (default: the bundled set): a record names each finding's policy and rule, not
    /// what the rule catches.
    #[arg(long, value_name = "SET")]
    policies: Option<PathBuf>,
}

/// The report's format.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReportFormat {
    /// Tidy CSV for spreadsheets and ERP imports.
    Csv,
    /// One self-contained HTML page with inline SVG charts.
    Html,
}

/// A failed report: its exit status and the one-line message.
struct Failed(ExitStatus, String);

pub(super) fn run(args: &ReportArgs) -> ExitStatus {
    match report(args) {
        Ok(()) => ExitStatus::Allow,
        Err(Failed(status, message)) => {
            eprintln!("error: {message}");
            status
        }
    }
}

fn report(args: &ReportArgs) -> Result<(), Failed> {
    let range = TimeRange::parse(args.from.as_deref(), args.to.as_deref()).map_err(failed)?;
    let store = Store::open_existing(&args.store).map_err(|e| failed(e.into()))?;
    let host = match args.format {
        ReportFormat::Html => Some(
            load_host(args.policies.as_ref(), &[])
                .map_err(|e| Failed(ExitStatus::InvalidInput, load_error_line(&e)))?,
        ),
        ReportFormat::Csv => None,
    };
    // The output file is created before the (possibly long) count, so a bad path fails fast;
    // it is removed again if the report cannot be made.
    let (mut out, path): (Box<dyn Write>, Option<&Path>) = match &args.out {
        Some(path) => {
            let file = File::create(path).map_err(|e| {
                Failed(
                    ExitStatus::InvalidInput,
                    format!("--out {}: cannot create: {e}", path.display()),
                )
            })?;
            (Box::new(BufWriter::new(file)), Some(path))
        }
        None => (Box::new(BufWriter::new(io::stdout().lock())), None),
    };
    let result = write(args.format, &store, &range, host.as_deref(), &mut out);
    if result.is_err()
        && let Some(path) = path
    {
        drop(out);
        let _ = std::fs::remove_file(path);
    }
    result
}

fn write(
    format: ReportFormat,
    store: &Store,
    range: &TimeRange,
    host: Option<&Host>,
    out: &mut dyn Write,
) -> Result<(), Failed> {
    let mut report = aggregate(store, range).map_err(failed)?;
    if let Some(host) = host {
        report.rule_descriptions = descriptions(&report, host);
    }
    let written = match format {
        ReportFormat::Csv => csv::write_csv(&report, &mut *out).map_err(|e| e.to_string()),
        ReportFormat::Html => html::write_html(&report, &mut *out).map_err(|e| e.to_string()),
    };
    written
        .and_then(|()| out.flush().map_err(|e| e.to_string()))
        .map_err(|e| {
            Failed(
                ExitStatus::Internal,
                format!("cannot write the report: {e}"),
            )
        })
}

/// What each (policy, rule) of the report's findings catches: as the policy of that id
/// in `host` declares the rule (contract 1.4.0), or, for the host's own rules, as the
/// host declares them ([`FAIL_CLOSED`], attributed to the failing policy, and
/// [`NOT_JUDGED`]). A rule no loaded policy declares has no description.
fn descriptions(report: &Report, host: &Host) -> BTreeMap<(String, String), String> {
    let mut declared: HashMap<(&str, &str), &str> = HashMap::new();
    for policy in host.policies() {
        let id = policy.plugin.metadata().id.as_str();
        for rule in policy.plugin.rules().unwrap_or_default() {
            declared.insert((id, rule.id.as_str()), rule.description.as_str());
        }
    }
    report
        .findings
        .keys()
        .filter_map(|(policy, rule)| {
            let text = if rule == FAIL_CLOSED.id {
                FAIL_CLOSED.description
            } else if rule == NOT_JUDGED.id && policy == HOST_POLICY {
                NOT_JUDGED.description
            } else {
                declared.get(&(policy.as_str(), rule.as_str()))?
            };
            Some(((policy.clone(), rule.clone()), text.to_owned()))
        })
        .collect()
}

fn failed(e: ReportError) -> Failed {
    let status = match &e {
        ReportError::BadTime { .. }
        | ReportError::EmptyRange { .. }
        | ReportError::Store(StoreError::BadUrl { .. } | StoreError::Missing { .. }) => {
            ExitStatus::InvalidInput
        }
        _ => ExitStatus::Internal,
    };
    Failed(status, e.to_string())
}
