//! The `exportctl` command line (`verdict.md`): argument definitions, one module
//! per subcommand, and the exit status contract.

mod audit;
mod audit_replay;
mod audit_report;
mod audit_show;
mod batch;
mod batch_input;
mod batch_output;
mod batch_recording;
mod batch_resume;
mod batch_summary;
mod check;
mod erp_csv;
mod exit;
mod nats;
mod policies;
mod policy;
mod policy_build;
mod policy_new;
mod python_build;
mod python_tools;
mod recording;
mod rescreen;
mod rescreen_delta;
mod rescreen_output;
mod rescreen_parties;
mod rescreen_recording;
mod test_cases;
mod test_report;

pub use audit::{AuditCommand, create_checkpoint_key};
pub(crate) use audit_replay::replay_one;
pub use exit::ExitStatus;
pub use policy::PolicyCommand;

use clap::{Parser, Subcommand, ValueEnum};
use exportctl::{CodeCache, Host, LoadError};
use exportctl_sdk::Date;
use std::path::PathBuf;
use std::sync::Arc;

/// Evaluate shipments against export-control policies, each running in a WebAssembly sandbox.
#[derive(Debug, Parser)]
#[command(name = "exportctl", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge shipments: one verdict per shipment, exit status by the worst outcome
    /// (0 allow, 3 review, 4 licence_required, 5 deny, 2 invalid input, 1 internal error).
    /// A shipment no enforce-mode policy in force judged is review (`not-judged`).
    Check(CheckArgs),
    /// Judge large files on every core: verdicts in input order to `--out` or
    /// standard output (JSON Lines, CSV or text), a summary on standard error,
    /// exit statuses as `check`'s; `--resume` continues an interrupted run.
    Batch(BatchArgs),
    /// After a list edition changes: screen the party master and judge the open
    /// orders again, and report only what changed against the previous policy
    /// set (`--against`) or the orders' recorded decisions (`--since-decisions`):
    /// new and cleared matches, changed outcomes and scores, with list entry,
    /// edition and score. Exit status by the worst outcome reported (0, 3, 4, 5),
    /// 2 invalid input, 1 internal error.
    Rescreen(RescreenArgs),
    /// List the policies of a policy set with their metadata and plugin sha256.
    Policies(PoliciesArgs),
    /// Start and build policy crates; create keys, sign, verify and inspect plugins.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Decision records (`check --audit`): checkpoint keys, verifying a log or an
    /// export, inclusion proofs, export, the latest checkpoint, replay and what-if,
    /// one decision shown. Exit status 0 ok, 1 internal or store error, 2 usage or
    /// configuration, 6 verification found tampering or a decision no longer replays.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Run the HTTP service an ERP calls before it releases an order
    /// (`POST /v1/check`, `/healthz`, `/readyz`) until SIGTERM or SIGINT; clients
    /// send `Authorization: Bearer <token>` (a first start prints one token per
    /// role). `serve token add | revoke | list` manages the tokens.
    Serve(crate::serve::ServeArgs),
    /// Judge the chunks `batch --nats` puts on a NATS JetStream work queue (one
    /// chunk at a time, on one thread: run one worker per core), record
    /// each decision (`--audit`) and publish the results, until SIGTERM or SIGINT
    /// (the chunk in hand is finished). Exit 0 when stopped; 2 a NATS server, set
    /// or audit store it cannot use at start; 1 a store that fails later.
    Worker(WorkerArgs),
    /// Jobs on the NATS work queue.
    #[command(subcommand)]
    Job(JobCommand),
    /// Run policy case files (`tests/cases/<policy>/*.json`: a shipment, settings and
    /// the expected outcome and rule ids) through the real sandbox; a failing case
    /// shows expected against actual findings. Exit 0 every case passed (and the
    /// coverage is at least `--min-coverage`), 1 a case failed, 2 usage.
    Test(TestArgs),
}

/// Arguments of `exportctl test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Case files, or directories of them (a directory's subdirectories are read
    /// too, so `tests/cases` runs every policy's cases).
    #[arg(value_name = "PATHS", default_value = "tests/cases")]
    pub paths: Vec<PathBuf>,
    /// The plugin every case runs against (a component file: the author's own
    /// build, loaded whether or not it is signed). Without it, each case runs
    /// against the policy of the set whose id is the case's directory name.
    #[arg(long, value_name = "FILE", conflicts_with = "policies")]
    pub plugin: Option<PathBuf>,
    /// Policy-set file the cases' policies come from; without it (and without
    /// `--plugin`) the bundled default set.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// List each policy's rules with how many passing cases exercised them.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when a policy's passing cases exercise less than this share of
    /// the rules it declares (percent; a policy that declares none counts as 0).
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub min_coverage: Option<f64>,
}

/// A percentage from 0 to 100.
fn percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// Arguments of `exportctl worker`.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The NATS server (`nats://HOST:PORT`), with JetStream on.
    #[arg(long, value_name = "URL")]
    pub nats: String,
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Change one setting of a policy of the set: `POLICY.KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<exportctl::SettingOverride>,
    /// Record every decision in this audit store (`postgres://…`, shared by
    /// the workers, or `sqlite:PATH`), overriding the set's `[audit] store`,
    /// under the request id `job:<job>:item:<index>`.
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The secret key that signs the audit log's checkpoints.
    #[arg(long, value_name = "FILE")]
    pub checkpoint_key: Option<PathBuf>,
    /// Seconds a chunk may stay unacknowledged before it goes to another worker;
    /// used when this worker creates the queue's consumer (the first one does).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub ack_wait: u64,
    /// Stop after this many seconds without a chunk.
    #[arg(long, value_name = "SECS")]
    pub exit_when_idle: Option<u64>,
}

/// `exportctl job …`.
#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// A job's progress: chunks published, waiting, done and dead, items decided.
    /// Exit 0; 2 a NATS server that cannot be used, or a job it has no message of.
    Status {
        /// The job id (`batch --nats` prints it).
        job: String,
        /// The NATS server.
        #[arg(long, value_name = "URL")]
        nats: String,
    },
}

/// Arguments of `exportctl check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Change one setting of a policy of the set: `POLICY.KEY=VALUE`, VALUE a
    /// TOML value or a bare word (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<exportctl::SettingOverride>,
    /// Output format: `json` (one verdict per line) or `text` (a readable report).
    /// Default: `text` when standard output is a terminal, else `json`.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Apply the law in force on this date (YYYY-MM-DD) instead of each shipment's date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Unknown shipment fields are invalid input (exit 2) instead of warnings.
    #[arg(long)]
    pub strict: bool,
    /// Print what the policies log while judging, on standard error, each line
    /// naming the policy, its version and the shipment.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print only verdicts at least this severe (the exit status still counts
    /// every shipment): `review` prints what needs a person.
    #[arg(long, value_enum, value_name = "OUTCOME")]
    pub min_outcome: Option<MinOutcome>,
    /// How to read the files: `auto` by file name (`.toml`, `.jsonl`; anything
    /// else, standard input included, as JSON), or `json`, `jsonl`, `toml`.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    pub input_format: InputFormatArg,
    /// Record every decision in this audit store (`sqlite:PATH` or
    /// `postgres://…`), overriding the set's `[audit] store`: each verdict is
    /// printed only after its record is committed, and a shipment whose record
    /// fails gets no verdict (exit 1).
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The secret key that signs the audit log's checkpoints (`exportctl audit
    /// keygen`), overriding the set's `[audit] checkpoint_key`.
    #[arg(long, value_name = "FILE")]
    pub checkpoint_key: Option<PathBuf>,
    /// Shipment files: a JSON object, a JSON array, JSON Lines, or TOML (`.toml`);
    /// `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
}

/// Arguments of `exportctl batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Change one setting of a policy of the set: `POLICY.KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<exportctl::SettingOverride>,
    /// Write the verdicts to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Output format: `jsonl` (`check`'s JSON Lines), `csv` (one row per
    /// shipment: shipment, outcome, rules, legal_basis) or `text`.
    #[arg(long, value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,
    /// Threads judging, each with its own worker; default: the cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Skip the shipments `--out` (JSON Lines) already holds, matched by
    /// shipment id and input digest, and append the rest; a torn last line is
    /// rewritten.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Record every decision in this audit store (`sqlite:PATH` or
    /// `postgres://…`), overriding the set's `[audit] store`: each verdict is
    /// written only after its record is committed; a decision that cannot be
    /// recorded stops the run (exit 1).
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The secret key that signs the audit log's checkpoints, overriding the
    /// set's `[audit] checkpoint_key`.
    #[arg(long, value_name = "FILE")]
    pub checkpoint_key: Option<PathBuf>,
    /// Apply the law in force on this date (YYYY-MM-DD) instead of each shipment's date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Unknown shipment fields are invalid input (exit 2) instead of warnings.
    #[arg(long)]
    pub strict: bool,
    /// How to read the files, as `check --input-format`, or `csv`: the ERP
    /// flat CSV format (`sdk/spec/erp-csv.md`); `auto` reads `*.csv` as CSV.
    #[arg(long, value_enum, default_value_t = BatchInputFormat::Auto)]
    pub input_format: BatchInputFormat,
    /// ERP CSV input: a mapping file (TOML) that renames the file's columns
    /// to the format's and may set the delimiter (`sdk/spec/erp-csv.md`).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// ERP CSV input: the delimiter, one ASCII character such as `;`
    /// (default `,`, or the mapping file's).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub csv_delimiter: Option<u8>,
    /// Judge on the workers (`exportctl worker`) of this NATS server instead of
    /// here: the documents go out in chunks and the verdicts come back, written
    /// as a local run writes them. Only the workers of the same policy set
    /// (`--policies`, `--set`: the set's digest) take the chunks; they record
    /// in their own store (`--audit` is theirs).
    #[arg(long, value_name = "URL", conflicts_with_all = ["resume", "jobs"])]
    pub nats: Option<String>,
    /// The job id with `--nats` (1–64 of `A-Z a-z 0-9 _ -`); default: a new one.
    /// The id of an interrupted job resumes it: results already published are
    /// collected, and no chunk is judged twice.
    #[arg(long, value_name = "ID", requires = "nats")]
    pub job: Option<String>,
    /// Documents per chunk with `--nats`.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000), requires = "nats")]
    pub chunk: u32,
    /// With `--nats`: give up when no result has come for this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..), requires = "nats")]
    pub wait: u64,
    /// Shipment files: a JSON object, a JSON array, JSON Lines, TOML (`.toml`)
    /// or ERP CSV (`.csv`); `-` reads standard input.
    #[arg(value_name = "INPUT", required = true)]
    pub files: Vec<String>,
}

/// Arguments of `exportctl rescreen`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("subjects").required(true).multiple(true).args(["parties", "orders"])))]
#[command(group(clap::ArgGroup::new("baseline").required(true).args(["against", "since_decisions"])))]
pub struct RescreenArgs {
    /// The party master: CSV with a header row (`id,name,country` required;
    /// `role`, `aliases` separated by `;`, `address` optional) or JSON Lines
    /// (`.jsonl`), as `sdk/spec/rescreen.md` describes.
    #[arg(long, value_name = "FILE")]
    pub parties: Option<PathBuf>,
    /// Open orders: shipment files as `check` reads them (repeatable).
    #[arg(long, value_name = "FILE")]
    pub orders: Vec<String>,
    /// The current policy set (TOML), e.g. with the new list edition; without it
    /// the bundled default set.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Change one setting of a policy of the current set: `POLICY.KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<exportctl::SettingOverride>,
    /// Compare with this previous policy set, screened and judged in the same run.
    #[arg(long, value_name = "PREVIOUS_SET")]
    pub against: Option<PathBuf>,
    /// Compare each order with its last recorded decision and each party with
    /// its last recorded screening in the audit store (`--audit`, or the
    /// current set's `[audit] store`); a party never screened before has only
    /// new matches.
    #[arg(long)]
    pub since_decisions: bool,
    /// Record every party screening and order decision in this audit store
    /// (`sqlite:PATH` or `postgres://…`) before its change is reported, as the
    /// set's `[audit] store` does without it; with `--since-decisions`, also
    /// the store the baseline is read from (as it was before this run).
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The key that signs the store's checkpoints (`exportctl audit keygen`),
    /// overriding the set's `[audit] checkpoint_key`.
    #[arg(long, value_name = "FILE", requires = "audit")]
    pub checkpoint_key: Option<PathBuf>,
    /// Report everything, unchanged matches and orders included.
    #[arg(long)]
    pub full: bool,
    /// The law date parties are screened under and orders judged at
    /// (YYYY-MM-DD); default: today for parties, each order's own date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Write the changes to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Output format: `jsonl` (one change a line), `csv` or `text`.
    #[arg(long, value_enum, default_value_t = RescreenFormat::Jsonl)]
    pub format: RescreenFormat,
    /// Threads screening parties; default: the cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Screen the parties and judge the open orders on the workers
    /// (`exportctl worker`) of this NATS server that run the current set; the
    /// previous set (`--against`) is screened and judged here
    /// (`sdk/spec/queue.md`).
    #[arg(long, value_name = "URL", requires = "against")]
    pub nats: Option<String>,
    /// With `--nats`: give up when no result has come for this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..), requires = "nats")]
    pub wait: u64,
}

/// `rescreen --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RescreenFormat {
    /// JSON Lines, one change a line.
    Jsonl,
    /// CSV, one row per change (`rescreen.md`).
    Csv,
    /// A readable line per change.
    Text,
}

/// `batch --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// JSON Lines, one verdict a line, as `check` prints them.
    Jsonl,
    /// CSV, one row per shipment (`verdict.md`).
    Csv,
    /// A readable report, as `check --format text`.
    Text,
}

/// `--min-outcome`: the least severe outcome printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinOutcome {
    /// Every verdict (the default).
    Allow,
    /// Review and worse.
    Review,
    /// Licence required and deny.
    #[value(name = "licence_required")]
    LicenceRequired,
    /// Deny only.
    Deny,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// By file name.
    Auto,
    /// JSON: an object, an array, or JSON Lines.
    Json,
    /// JSON Lines.
    Jsonl,
    /// TOML.
    Toml,
}

/// `batch --input-format`: `check`'s formats and the ERP flat CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchInputFormat {
    /// By file name (`.csv` is ERP CSV).
    Auto,
    /// JSON: an object, an array, or JSON Lines.
    Json,
    /// JSON Lines.
    Jsonl,
    /// TOML.
    Toml,
    /// ERP flat CSV, one row per line item (`sdk/spec/erp-csv.md`).
    Csv,
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    erp_csv::mapping::delimiter(text)
}

/// Arguments of `exportctl policies`.
#[derive(Debug, clap::Args)]
pub struct PoliciesArgs {
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Change one setting of a policy of the set: `POLICY.KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "POLICY.KEY=VALUE")]
    pub set: Vec<exportctl::SettingOverride>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON (JSON Lines for several items).
    Json,
    /// A report for people.
    Text,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Batch(args) => match &args.nats {
            Some(url) => nats::batch(&args, url),
            None => batch::run(&args),
        },
        Command::Rescreen(args) => rescreen::run(&args),
        Command::Policies(args) => policies::run(&args),
        Command::Policy(command) => policy::run(&command),
        Command::Audit(command) => audit::run(&command),
        Command::Serve(args) => crate::serve::run(&args),
        Command::Worker(args) => nats::worker::run(&args),
        Command::Job(JobCommand::Status { job, nats }) => nats::status::run(&job, &nats),
        Command::Test(args) => test_cases::run(&args),
    }
}

/// Loads the policy set named on the command line, or the bundled default, with
/// the `--set` overrides.
/// The code cache comes from the environment here, in the binary, never in the
/// library (`EXPORTCTL_CACHE`, `EXPORTCTL_CACHE_DIR`).
fn load_host(
    path: Option<&PathBuf>,
    overrides: &[exportctl::SettingOverride],
) -> Result<Arc<Host>, LoadError> {
    load_host_and_audit(path, overrides).map(|(host, _)| host)
}

/// [`load_host`], with the set's `[audit]` table.
fn load_host_and_audit(
    path: Option<&PathBuf>,
    overrides: &[exportctl::SettingOverride],
) -> Result<(Arc<Host>, Option<exportctl::AuditSettings>), LoadError> {
    let mut config = match path {
        Some(path) => exportctl::PolicySetConfig::load(path)?,
        None => exportctl::PolicySetConfig::bundled_default()?,
    };
    config.overrides = overrides.to_vec();
    let audit = config.audit.clone();
    let host = Host::builder(config)
        .code_cache(CodeCache::from_env())
        .build()?;
    for warning in host.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok((host, audit))
}

/// Prints an error and its causes on one line, joined by `: `.
fn print_error(error: &dyn std::error::Error) {
    eprintln!("error: {}", with_causes(error));
}

/// Prints a load error with its causes and, after `; `, what to do about it.
fn print_load_error(error: &LoadError) {
    eprintln!("error: {}", load_error_line(error));
}

/// A load error with its causes and, after `; `, what to do about it.
pub(crate) fn load_error_line(error: &LoadError) -> String {
    match error.help() {
        Some(help) => format!("{}; {help}", with_causes(error)),
        None => with_causes(error),
    }
}

fn with_causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
