//! Where records live. Selected by URL; `sqlite:PATH` is the embedded default.

pub mod sqlite;

use std::path::PathBuf;

use crate::checkpoint::CheckpointError;

pub use sqlite::SqliteStore as Store;

/// The schema version this build writes; a store with a higher version is refused.
pub const SCHEMA_VERSION: i64 = 2;

/// A store could not be opened, read or written. Every message names the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported store.
    #[error("audit store `{url}`: unsupported URL (expected sqlite:PATH)")]
    BadUrl {
        /// The URL given.
        url: String,
    },
    /// The store file does not exist (and was not to be created).
    #[error("audit store {store}: no such file")]
    Missing {
        /// The store.
        store: String,
    },
    /// The store cannot be opened or created.
    #[error("audit store {store}: cannot open: {source}")]
    Open {
        /// The store.
        store: String,
        /// Cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a SQLite database, or it is damaged.
    #[error("audit store {store}: corrupted or not a SQLite database: {source}")]
    Corrupt {
        /// The store.
        store: String,
        /// Cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The store was written by a newer exportctl.
    #[error(
        "audit store {store}: schema version {found} is newer than this exportctl supports ({supported}); upgrade exportctl"
    )]
    NewerSchema {
        /// The store.
        store: String,
        /// The store's schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// A read or write failed.
    #[error("audit store {store}: {action}: {source}")]
    Sql {
        /// The store.
        store: String,
        /// What was being done.
        action: &'static str,
        /// Cause.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored value has the wrong shape (e.g. a leaf hash that is not 32 bytes).
    #[error("audit store {store}: {detail}")]
    Damaged {
        /// The store.
        store: String,
        /// What is wrong.
        detail: String,
    },
    /// A stored checkpoint is malformed.
    #[error("audit store {store}: checkpoint at size {size}: {source}")]
    Checkpoint {
        /// The store.
        store: String,
        /// Its tree size.
        size: u64,
        /// Cause.
        #[source]
        source: CheckpointError,
    },
}

/// Parses `sqlite:PATH`.
pub(crate) fn parse_url(url: &str) -> Result<PathBuf, StoreError> {
    match url.strip_prefix("sqlite:") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p.strip_prefix("//").unwrap_or(p))),
        _ => Err(StoreError::BadUrl {
            url: url.to_owned(),
        }),
    }
}
