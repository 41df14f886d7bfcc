//! The `exportctl` binary: parse the command line, run, exit with the contract's status.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = exportctl::cli::Cli::parse();
    exportctl::cli::run(cli).into()
}
