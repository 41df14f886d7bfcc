//! The `exportctl` binary: parse the command line, run, exit with the contract's
//! status. The command line is not part of the `exportctl` library: it is one
//! front end of it, in `cli/` (one module per subcommand).

mod cli;
mod serve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::run(cli).into()
}
