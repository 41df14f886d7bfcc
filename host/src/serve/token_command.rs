//! `exportctl serve token add | revoke | list`: the data directory's token
//! file, edited while the service runs or not. A running service notices the
//! change at its next request: a new or revoked token counts at once.

use super::auth::{self, Role, TOKENS_FILE};
use super::config;
use crate::cli::ExitStatus;
use std::path::PathBuf;

/// What `exportctl serve` does instead of serving.
#[derive(Debug, clap::Subcommand)]
pub enum ServeCommand {
    /// Manage the API tokens of the data directory's token file.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `exportctl serve token …`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token for a client: printed once on standard output, stored
    /// only as its SHA-256. A running service accepts it from its next request.
    Add {
        /// The client's name (letters, digits, `-`, `_`, `.`); its decisions are
        /// recorded as asked for by `api:NAME`.
        name: String,
        /// A role of the token (repeatable): check, officer, auditor, admin.
        #[arg(long = "role", value_enum, required = true, value_name = "ROLE")]
        roles: Vec<Role>,
        /// The data directory (default as for `exportctl serve`).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Remove a token: a running service refuses it (401) from its next request.
    Revoke {
        /// The token's name.
        name: String,
        /// The data directory (default as for `exportctl serve`).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// List the token file's names and roles (the tokens themselves are not kept).
    List {
        /// The data directory (default as for `exportctl serve`).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

/// Runs a `serve` subcommand: 0 done, 2 a usage error (duplicate or unknown
/// name, bad file), 1 the file could not be written.
pub fn run(command: &ServeCommand) -> ExitStatus {
    let ServeCommand::Token(command) = command;
    match token(command) {
        Ok(()) => ExitStatus::Allow,
        Err((status, message)) => {
            eprintln!("error: {message}");
            status
        }
    }
}

fn token(command: &TokenCommand) -> Result<(), (ExitStatus, String)> {
    let (TokenCommand::Add { data_dir, .. }
    | TokenCommand::Revoke { data_dir, .. }
    | TokenCommand::List { data_dir }) = command;
    let dir = config::data_dir(data_dir.clone(), None)
        .map_err(|e| (ExitStatus::InvalidInput, e.to_string()))?;
    let path = dir.join(TOKENS_FILE);
    let failed = |e: auth::TokenError| {
        let status = match e {
            auth::TokenError::Io { .. } | auth::TokenError::Random(_) => ExitStatus::Internal,
            _ => ExitStatus::InvalidInput,
        };
        (status, e.to_string())
    };
    match command {
        TokenCommand::Add { name, roles, .. } => {
            super::ensure_data_dir(&dir).map_err(|e| (ExitStatus::Internal, e))?;
            let token = auth::add(&path, name, roles).map_err(failed)?;
            println!("{token}");
            eprintln!(
                "token `{name}` added to {} (shown once; only its SHA-256 is kept); a running service accepts it from its next request",
                path.display()
            );
        }
        TokenCommand::Revoke { name, .. } => {
            auth::revoke(&path, name).map_err(failed)?;
            eprintln!(
                "token `{name}` revoked in {}; a running service refuses it from its next request",
                path.display()
            );
        }
        TokenCommand::List { .. } => {
            for entry in auth::read_file(&path).map_err(failed)?.unwrap_or_default() {
                let roles: Vec<&str> = entry.roles.iter().map(|r| r.as_str()).collect();
                println!("{}\t{}", entry.name, roles.join(","));
            }
        }
    }
    Ok(())
}
