//! Where records live. Selected by URL: `sqlite:PATH` (the embedded default) or
//! `postgres://…` (several hosts sharing one log).

pub mod holds;
pub mod postgres;
pub mod sqlite;

use sqlite::Checkpointer;
use std::path::PathBuf;
use std::time::Duration;

use crate::checkpoint::CheckpointError;
use crate::merkle::{Hash, Tree};
use crate::record::{DecisionId, EncodedRecord};

pub use self::holds::{HoldFilter, HoldRow};
pub use self::postgres::PostgresStore;
pub use self::sqlite::SqliteStore;

/// One stored record row.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    /// Leaf index.
    pub index: u64,
    /// Canonical record bytes.
    pub bytes: Vec<u8>,
    /// The leaf hash stored beside them.
    pub leaf_hash: Hash,
    /// The index columns stored beside them (`None` where a log has none, e.g. an export).
    pub columns: Option<IndexColumns>,
}

/// The columns a store keeps beside the record bytes to find records. They are copies of
/// fields of the hashed record, so `verify` compares them with the record: an edited column
/// (say a request id pointing a retry at another decision's receipt) is caught.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexColumns {
    /// `kind` column (`decision`, `screening`).
    pub kind: String,
    /// `decision_id` column: the id of a record of any kind.
    pub decision_id: String,
    /// `party_id` column: the screened party of a screening, or the held party of an action
    /// on a party hold, else `None`.
    pub party_id: Option<String>,
    /// `hold_id` column: the hold a record opens (a decision that is not `allow`, a
    /// screening with new hits: its own id) or acts on (a hold action), else `None`.
    pub hold_id: Option<String>,
    /// `request_id` column.
    pub request_id: Option<String>,
    /// `time` column.
    pub time: String,
    /// `input_sha256` column.
    pub input_sha256: String,
}

/// Checks a stored record found through its index columns against those columns, so a
/// retry is never answered with another decision's receipt through an edited column.
pub(crate) fn check_found(
    store: &str,
    index: u64,
    body: &[u8],
    columns: &IndexColumns,
) -> Result<(), StoreError> {
    let edited = match crate::record::IndexedFields::read(body) {
        Ok(fields) => fields.differs_from(columns),
        Err(_) => Some("body"),
    };
    match edited {
        None => Ok(()),
        Some(column) => Err(StoreError::Damaged {
            store: store.to_owned(),
            detail: format!(
                "record at leaf index {index} does not match its `{column}` column (edited?); run audit verify"
            ),
        }),
    }
}

/// What happened to one record of a committed batch.
pub(crate) enum Inserted {
    New(u64),
    Existing(u64, DecisionId),
    Conflict(String),
    DuplicateDecision,
    /// A hold action the rules refuse, given the hold's state when it came to be stored.
    Refused(String),
}

/// An open audit store, SQLite or PostgreSQL; every operation means the same on both.
#[derive(Debug)]
pub enum Store {
    /// `sqlite:PATH`.
    Sqlite(SqliteStore),
    /// `postgres://…` (boxed: its client is much larger than a SQLite connection).
    Postgres(Box<PostgresStore>),
}

macro_rules! each {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

impl Store {
    /// Opens the store at `url`, creating (SQLite) and migrating it as needed.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    /// let store = exportctl_audit::Store::open(&url).unwrap();
    /// assert_eq!(store.record_count().unwrap(), 0);
    /// ```
    pub fn open(url: &str) -> Result<Self, StoreError> {
        if is_postgres(url) {
            PostgresStore::open(url).map(|s| Self::Postgres(Box::new(s)))
        } else {
            SqliteStore::open(url).map(Self::Sqlite)
        }
    }

    /// Opens an existing store (for verify, proofs, export); a missing SQLite file is an error.
    pub fn open_existing(url: &str) -> Result<Self, StoreError> {
        if is_postgres(url) {
            PostgresStore::open(url).map(|s| Self::Postgres(Box::new(s)))
        } else {
            SqliteStore::open_existing(url).map(Self::Sqlite)
        }
    }

    /// The store's name (path, or URL without password), used in every message.
    pub fn name(&self) -> &str {
        each!(self, s => s.name())
    }

    /// SQLite: checkpoints the WAL on a thread of its own every `every`, not
    /// inside a commit ([`SqliteStore::checkpoint_in_background`]), until the
    /// returned guard is dropped. PostgreSQL has nothing to move: `None`.
    pub fn checkpoint_in_background(
        &self,
        every: Duration,
    ) -> Result<Option<Checkpointer>, StoreError> {
        match self {
            Store::Sqlite(s) => s.checkpoint_in_background(every).map(Some),
            Store::Postgres(_) => Ok(None),
        }
    }

    /// How long a write waits for another writer's lock before failing.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), StoreError> {
        each!(self, s => s.set_busy_timeout(timeout))
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        each!(self, s => s.schema_version())
    }

    /// Number of records.
    pub fn record_count(&self) -> Result<u64, StoreError> {
        each!(self, s => s.record_count())
    }

    /// Calls `f` on every record (optionally in a time range) in leaf-index order, without
    /// holding them all in memory.
    pub fn for_each_record<E>(
        &self,
        from_time: Option<&str>,
        to_time: Option<&str>,
        f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        each!(self, s => s.for_each_record(from_time, to_time, f))
    }

    /// Calls `f` on the records below leaf index `before` (all when `None`), optionally in
    /// a time range, newest (highest leaf index) first, until `f` returns `Err`: a page of a
    /// listing reads only as far as it needs.
    pub fn for_each_record_newest_first<E>(
        &self,
        before: Option<u64>,
        from_time: Option<&str>,
        to_time: Option<&str>,
        f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        each!(self, s => s.for_each_record_newest_first(before, from_time, to_time, f))
    }

    /// The Merkle tree of the stored leaf hashes (as stored, not recomputed).
    pub fn tree(&self) -> Result<Tree, StoreError> {
        each!(self, s => s.tree())
    }

    /// Stored leaf hashes of leaves `from..to` (a writer catching up with other hosts).
    pub(crate) fn leaf_hashes(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        each!(self, s => s.leaf_hashes(from, to))
    }

    /// The record for `decision_id`: its leaf index and canonical bytes.
    pub fn find(&self, decision_id: &DecisionId) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        each!(self, s => s.find(decision_id))
    }

    /// The last (highest leaf index) screening record of party `party_id` below leaf index
    /// `before` (all when `None`): its leaf index and canonical bytes, checked against its
    /// index columns. Found through the `party_id` index, so a rescreen looks each party up
    /// without reading the log.
    pub fn last_screening(
        &self,
        party_id: &str,
        before: Option<u64>,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let found = each!(self, s => s.last_screening(party_id, before))?;
        match found {
            Some((index, body, columns)) => {
                check_found(self.name(), index, &body, &columns)?;
                Ok(Some((index, body)))
            }
            None => Ok(None),
        }
    }

    /// The holds `filter` selects, oldest (lowest opening leaf index) first.
    pub fn holds(&self, filter: &HoldFilter) -> Result<Vec<HoldRow>, StoreError> {
        each!(self, s => s.holds(filter))
    }

    /// The hold the decision (or screening) `hold_id` opened, if it opened one.
    pub fn hold(&self, hold_id: &DecisionId) -> Result<Option<HoldRow>, StoreError> {
        let mut found = self.holds_by_id(&[hold_id.to_string()])?;
        Ok(found.pop())
    }

    /// The holds with these ids (those that exist), in no particular order.
    pub fn holds_by_id(&self, ids: &[String]) -> Result<Vec<HoldRow>, StoreError> {
        each!(self, s => s.holds_by_id(ids))
    }

    /// The records of one hold in leaf order: the decision that opened it, then every
    /// action on it, each checked against its index columns.
    pub fn hold_history(&self, hold_id: &DecisionId) -> Result<Vec<StoredRecord>, StoreError> {
        let records = each!(self, s => s.hold_records(Some(&hold_id.to_string()), 0, usize::MAX))?;
        self.checked(records)
    }

    /// Up to `limit` records that opened or changed a hold, after leaf index `since` (all
    /// when `None`), in leaf order: the changes feed. Leaf indices are assigned under the
    /// store's write lock and committed in order, so a reader that continues from the last
    /// index it saw never misses a change.
    pub fn hold_changes(
        &self,
        since: Option<u64>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let from = since.map_or(0, |s| s.saturating_add(1));
        let records = each!(self, s => s.hold_records(None, from, limit))?;
        self.checked(records)
    }

    /// Every exemption record (grants and their ends), in leaf order, each checked against
    /// its index columns.
    pub fn exemptions(&self) -> Result<Vec<StoredRecord>, StoreError> {
        let records = each!(self, s => s.exemption_records())?;
        self.checked(records)
    }

    fn checked(&self, records: Vec<StoredRecord>) -> Result<Vec<StoredRecord>, StoreError> {
        for r in &records {
            if let Some(columns) = &r.columns {
                check_found(self.name(), r.index, &r.bytes, columns)?;
            }
        }
        Ok(records)
    }

    /// Every stored checkpoint note with its tree size, smallest first (unverified).
    pub fn checkpoint_notes(&self) -> Result<Vec<(u64, String)>, StoreError> {
        each!(self, s => s.checkpoint_notes())
    }

    /// Stores a signed checkpoint note for `size` records.
    pub(crate) fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), StoreError> {
        each!(self, s => s.put_checkpoint(size, note))
    }

    /// Keeps plugin bytes, content-addressed by their SHA-256; returns the hex digest.
    pub fn put_plugin(&self, bytes: &[u8]) -> Result<String, StoreError> {
        each!(self, s => s.put_plugin(bytes))
    }

    /// The plugin bytes with this SHA-256 (hex), if kept.
    pub fn plugin(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        each!(self, s => s.plugin(sha256))
    }

    /// Keeps a policy set's canonical form (`sdk/spec/policy-set.md`, "Digest"),
    /// content-addressed by its digest; returns the digest (SHA-256 hex of the form).
    pub fn put_policy_set(&self, form: &str) -> Result<String, StoreError> {
        each!(self, s => s.put_policy_set(form))
    }

    /// The canonical form of the policy set with this digest, if kept.
    pub fn policy_set(&self, digest: &str) -> Result<Option<String>, StoreError> {
        each!(self, s => s.policy_set(digest))
    }

    /// Inserts a batch in one synced transaction; leaf indices continue from the last stored
    /// one (read inside the transaction, so other writers are accounted for). On `Err`
    /// nothing of the batch is stored.
    pub(crate) fn insert_batch(
        &mut self,
        batch: &[&EncodedRecord],
    ) -> Result<Vec<Inserted>, StoreError> {
        each!(self, s => s.insert_batch(batch))
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The schema version this build writes; a store with a higher version is refused.
pub const SCHEMA_VERSION: i64 = 6;

/// A store could not be opened, read or written. Every message names the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported store.
    #[error("audit store `{url}`: unsupported URL (expected sqlite:PATH or postgres://…)")]
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
    /// A PostgreSQL server could not be reached, or a statement on it failed (including a
    /// server that went away).
    #[error("audit store {store}: {action}: {source}")]
    Postgres {
        /// The store (URL without password).
        store: String,
        /// What was being done.
        action: &'static str,
        /// Cause.
        #[source]
        source: ::postgres::Error,
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
