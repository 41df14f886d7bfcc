//! The `exportctl` command line (`verdict.md`): argument definitions, one module
//! per subcommand, and the exit status contract.

mod check;
mod exit;
mod policies;
mod policy;

pub use exit::ExitStatus;
pub use policy::{BUNDLE_POLICY_SET, PolicyCommand};

use clap::{Parser, Subcommand, ValueEnum};
use exportctl_sdk::Date;
use std::path::PathBuf;

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
    Check(CheckArgs),
    /// List the policies of a policy set with their metadata and plugin sha256.
    Policies(PoliciesArgs),
    /// Create keys, sign, verify and inspect policy plugins.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// Arguments of `exportctl check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Output format: `json` (one verdict per line) or `text` (a readable report).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Apply the law in force on this date (YYYY-MM-DD) instead of each shipment's date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Shipment files: a JSON object, a JSON array, JSON Lines, or TOML (`.toml`);
    /// `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
}

/// Arguments of `exportctl policies`.
#[derive(Debug, clap::Args)]
pub struct PoliciesArgs {
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
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
        Command::Policies(args) => policies::run(&args),
        Command::Policy(command) => policy::run(&command),
    }
}

/// Loads the policy set named on the command line, or the bundled default.
fn load_host(path: Option<&PathBuf>) -> Result<crate::Host, crate::LoadError> {
    let config = match path {
        Some(path) => crate::PolicySetConfig::load(path)?,
        None => crate::PolicySetConfig::bundled_default()?,
    };
    let host = crate::Host::load(&config)?;
    for warning in host.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(host)
}

/// Prints an error with its causes, as one line each.
fn print_error(error: &dyn std::error::Error) {
    let mut line = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("{line}");
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
