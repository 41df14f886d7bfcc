//! The SQLite store: one file, WAL, `synchronous = FULL`, versioned schema.

#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};

use super::{
    IndexColumns, Inserted, SCHEMA_VERSION, StoreError, StoredRecord, check_found, parse_url,
};
use crate::hold::{Change, Subject};
use crate::merkle::{Hash, Tree};
use crate::record::{DecisionId, EncodedRecord};
use crate::store::holds::{self, HoldFilter, HoldRow};

/// Schema migrations, applied in order; index + 1 is the version. Never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: records (sequence = leaf index) and signed checkpoints.
    "CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        decision_id TEXT NOT NULL UNIQUE,
        request_id TEXT UNIQUE,
        input_sha256 TEXT NOT NULL,
        time TEXT NOT NULL,
        body BLOB NOT NULL,
        leaf_hash BLOB NOT NULL
     );
     CREATE TABLE checkpoints (
        tree_size INTEGER PRIMARY KEY,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
     );",
    // 2: content-addressed plugin bytes, and an index for time-range exports.
    "CREATE TABLE plugins (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
     CREATE INDEX records_time ON records(time);",
    // 3: each policy set's canonical form, content-addressed by its digest, so a replay
    // rebuilds the set a record names.
    "CREATE TABLE policy_sets (digest TEXT PRIMARY KEY, form TEXT NOT NULL);",
    // 4: records of other kinds than decisions (party screenings first): each row's kind,
    // and the screened party, indexed so a rescreen finds a party's last screening. Rows
    // already stored are decisions.
    "ALTER TABLE records ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
     ALTER TABLE records ADD COLUMN party_id TEXT;
     CREATE INDEX records_party ON records(party_id, seq) WHERE party_id IS NOT NULL;",
    // 5: holds. Each record that opens a hold (a decision that is not `allow`) or acts on
    // one names it in `hold_id`; `holds` keeps each hold's current state. Decisions already
    // stored open theirs when the migration runs (see `open_holds_of_stored_decisions`).
    "ALTER TABLE records ADD COLUMN hold_id TEXT;
     CREATE INDEX records_hold ON records(hold_id, seq) WHERE hold_id IS NOT NULL;
     CREATE TABLE holds (
        hold_id TEXT PRIMARY KEY,
        shipment_id TEXT NOT NULL,
        held TEXT NOT NULL,
        state TEXT NOT NULL,
        approved_by TEXT,
        destination TEXT,
        hs_chapters TEXT NOT NULL,
        policies TEXT NOT NULL,
        opened_seq INTEGER NOT NULL UNIQUE,
        opened_time TEXT NOT NULL,
        updated_seq INTEGER NOT NULL,
        updated_time TEXT NOT NULL
     );
     CREATE INDEX holds_queue ON holds(state, opened_seq);
     CREATE INDEX records_exemptions ON records(seq) WHERE kind = 'exemption';",
    // 6: holds on parties. A screening that is not `allow` opens a hold on its party when it
    // has a hit the party's screening before it did not have; `subject` says what a hold
    // holds, and `shipment_id` keeps the held party's id for a party hold. Screenings already
    // stored open theirs when the migration runs (see `open_holds_of_stored_screenings`).
    "ALTER TABLE holds ADD COLUMN subject TEXT NOT NULL DEFAULT 'shipment';",
];

/// The migration whose decisions already stored open their holds.
const HOLDS_MIGRATION: usize = 5;
/// The migration whose screenings already stored open their holds.
const PARTY_HOLDS_MIGRATION: usize = 6;

/// The columns of migration 5, which every hold has (migration 5 writes holds before
/// migration 6 adds `subject`).
const HOLD_BASE_COLUMNS: &str = "hold_id, shipment_id, held, state, approved_by, destination, hs_chapters, policies, opened_seq, opened_time, updated_seq, updated_time";
const HOLD_COLUMNS: &str = "hold_id, shipment_id, held, state, approved_by, destination, hs_chapters, policies, opened_seq, opened_time, updated_seq, updated_time, subject";

/// An open SQLite audit store.
pub struct SqliteStore {
    name: String,
    path: PathBuf,
    conn: Connection,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.name)
    }
}

fn classify(store: &str, action: &'static str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            store: store.to_owned(),
            source: e,
        },
        _ => StoreError::Sql {
            store: store.to_owned(),
            action,
            source: e,
        },
    }
}

/// The thread that checkpoints a store's WAL (see
/// [`SqliteStore::checkpoint_in_background`]); dropping it stops the thread
/// after a last, truncating checkpoint.
#[derive(Debug)]
pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl SqliteStore {
    /// Opens the store at `url` (`sqlite:PATH`), creating and migrating it as needed.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    /// let store = exportctl_audit::Store::open(&url).unwrap();
    /// assert_eq!(store.record_count().unwrap(), 0);
    /// ```
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, true)
    }

    /// Opens an existing store (for verify, proofs, export); a missing file is an error.
    pub fn open_existing(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, false)
    }

    fn open_with(url: &str, create: bool) -> Result<Self, StoreError> {
        let path = parse_url(url)?;
        let name = path.display().to_string();
        if !create && !path.exists() {
            return Err(StoreError::Missing { store: name });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                store: name.clone(),
                source,
            })?;
        let mut store = Self {
            name,
            path: path.to_path_buf(),
            conn,
        };
        store.configure()?;
        store.migrate(MIGRATIONS.len())?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        let err = |e| classify(&self.name, "configure", e);
        // WAL keeps readers off the writer's back; FULL syncs the WAL on every commit, so an
        // acknowledged record survives power loss.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Damaged {
                store: self.name.clone(),
                detail: format!("cannot use WAL (journal mode {mode})"),
            });
        }
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        self.set_busy_timeout(Duration::from_secs(5))
    }

    /// Moves the WAL checkpoints off this connection onto a thread of their own,
    /// which every `every` copies what the WAL holds into the database file
    /// (`PRAGMA wal_checkpoint(PASSIVE)`: it never blocks a writer) until the
    /// returned [`Checkpointer`] is dropped, then truncates the WAL.
    ///
    /// Without it, SQLite checkpoints inside whichever commit crosses 1,000 WAL
    /// pages, and that commit waits for the database file to be synced: a
    /// writer that must answer each commit quickly hands the work away.
    /// Durability does not change: a commit is durable once its WAL frames are
    /// synced, checkpointed or not.
    pub fn checkpoint_in_background(&self, every: Duration) -> Result<Checkpointer, StoreError> {
        let err = |e| classify(&self.name, "configure checkpoints", e);
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            store: self.name.clone(),
            source,
        })?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(err)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let checkpoint = move |mode: &str| {
            // A checkpoint that cannot run now runs at the next tick; the WAL
            // keeps every frame until then.
            let _ = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()));
        };
        let thread = std::thread::Builder::new()
            .name("audit-checkpoint".into())
            .spawn(move || {
                loop {
                    match stopped.recv_timeout(every) {
                        Err(RecvTimeoutError::Timeout) => checkpoint("PASSIVE"),
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                            checkpoint("TRUNCATE");
                            return;
                        }
                    }
                }
            })
            .map_err(|e| StoreError::Damaged {
                store: self.name.clone(),
                detail: format!("cannot start the checkpoint thread: {e}"),
            })?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// How long a write waits for another connection's lock before failing.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| classify(&self.name, "set busy timeout", e))
    }

    /// Brings the schema to version `target` (tests start from older versions).
    pub(crate) fn migrate(&mut self, target: usize) -> Result<(), StoreError> {
        let name = self.name.clone();
        let err = |action: &'static str| {
            let name = name.clone();
            move |e| classify(&name, action, e)
        };
        self.conn
            .execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            .map_err(err("create the migrations table"))?;
        let found: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(err("read the schema version"))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                store: self.name.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(target)
            .skip(found as usize)
        {
            let tx = self.conn.transaction().map_err(err("begin a migration"))?;
            tx.execute_batch(sql).map_err(err("apply a migration"))?;
            if i + 1 == HOLDS_MIGRATION {
                open_holds_of_stored_decisions(&tx, &name)?;
            }
            if i + 1 == PARTY_HOLDS_MIGRATION {
                open_holds_of_stored_screenings(&tx, &name)?;
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![i as i64 + 1, crate::record::now()],
            )
            .map_err(err("record a migration"))?;
            tx.commit().map_err(err("commit a migration"))?;
        }
        Ok(())
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })
            .map_err(|e| classify(&self.name, "read the schema version", e))
    }

    /// The store's name (its path), used in every message.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of records.
    pub fn record_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| classify(&self.name, "count records", e))
    }

    fn hash_of(&self, index: u64, v: Vec<u8>) -> Result<Hash, StoreError> {
        v.try_into().map_err(|_| StoreError::Damaged {
            store: self.name.clone(),
            detail: format!("leaf hash of record {index} is not 32 bytes"),
        })
    }

    /// Calls `f` on every record in leaf-index order, without holding them all in memory.
    pub fn for_each_record<E>(
        &self,
        from_time: Option<&str>,
        to_time: Option<&str>,
        mut f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        let err = |e| classify(&self.name, "read records", e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
                 WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR time < ?2) ORDER BY seq",
            )
            .map_err(err)?;
        let mut rows = stmt.query(params![from_time, to_time]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            if let Err(e) = f(self.stored_record(row)?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// A row of `SELECT seq, body, leaf_hash, decision_id, request_id, time,
    /// input_sha256, kind, party_id, hold_id FROM records` as a stored record.
    fn stored_record(&self, row: &rusqlite::Row<'_>) -> Result<StoredRecord, StoreError> {
        let err = |e| classify(&self.name, "read records", e);
        let index = row.get::<_, i64>(0).map_err(err)? as u64;
        Ok(StoredRecord {
            index,
            bytes: row.get(1).map_err(err)?,
            leaf_hash: self.hash_of(index, row.get(2).map_err(err)?)?,
            columns: Some(IndexColumns {
                kind: row.get(7).map_err(err)?,
                decision_id: row.get(3).map_err(err)?,
                party_id: row.get(8).map_err(err)?,
                hold_id: row.get(9).map_err(err)?,
                request_id: row.get(4).map_err(err)?,
                time: row.get(5).map_err(err)?,
                input_sha256: row.get(6).map_err(err)?,
            }),
        })
    }

    /// Calls `f` on the records below leaf index `before`, newest first, until it returns `Err`.
    pub fn for_each_record_newest_first<E>(
        &self,
        before: Option<u64>,
        from_time: Option<&str>,
        to_time: Option<&str>,
        mut f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        let err = |e| classify(&self.name, "read records", e);
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
                 WHERE seq < ?1 AND (?2 IS NULL OR time >= ?2) AND (?3 IS NULL OR time < ?3)
                 ORDER BY seq DESC",
            )
            .map_err(err)?;
        let mut rows = stmt
            .query(params![before, from_time, to_time])
            .map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            if let Err(e) = f(self.stored_record(row)?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// The Merkle tree of the stored leaf hashes (as stored, not recomputed).
    pub fn tree(&self) -> Result<Tree, StoreError> {
        let err = |e| classify(&self.name, "read leaf hashes", e);
        let mut stmt = self
            .conn
            .prepare("SELECT seq, leaf_hash FROM records ORDER BY seq")
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let mut tree = Tree::new();
        while let Some(row) = rows.next().map_err(err)? {
            let index = row.get::<_, i64>(0).map_err(err)? as u64;
            if index != tree.len() {
                return Err(StoreError::Damaged {
                    store: self.name.clone(),
                    detail: format!("record {} is missing", tree.len()),
                });
            }
            tree.push(self.hash_of(index, row.get(1).map_err(err)?)?);
        }
        Ok(tree)
    }

    /// Stored leaf hashes of leaves `from..to`.
    pub(crate) fn leaf_hashes(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        let err = |e| classify(&self.name, "read leaf hashes", e);
        let mut stmt = self
            .conn
            .prepare("SELECT seq, leaf_hash FROM records WHERE seq >= ?1 AND seq < ?2 ORDER BY seq")
            .map_err(err)?;
        let mut rows = stmt.query(params![from as i64, to as i64]).map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            let index = row.get::<_, i64>(0).map_err(err)? as u64;
            if index != from + out.len() as u64 {
                return Err(StoreError::Damaged {
                    store: self.name.clone(),
                    detail: format!("record {} is missing", from + out.len() as u64),
                });
            }
            out.push(self.hash_of(index, row.get(1).map_err(err)?)?);
        }
        Ok(out)
    }

    /// The record for `decision_id`: its leaf index and canonical bytes.
    pub fn find(&self, decision_id: &DecisionId) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, body FROM records WHERE decision_id = ?1",
                [decision_id.to_string()],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()
            .map_err(|e| classify(&self.name, "find a record", e))
    }

    /// The last screening record of `party_id`, with its index columns (unchecked).
    pub(crate) fn last_screening(
        &self,
        party_id: &str,
        before: i64,
    ) -> Result<Option<(u64, Vec<u8>, IndexColumns)>, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, body, decision_id, request_id, time, input_sha256, kind FROM records
                 WHERE party_id = ?1 AND kind = 'screening' AND seq < ?2 ORDER BY seq DESC LIMIT 1",
                params![party_id, before],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)? as u64,
                        r.get(1)?,
                        IndexColumns {
                            kind: r.get(6)?,
                            decision_id: r.get(2)?,
                            party_id: Some(party_id.to_owned()),
                            hold_id: None,
                            request_id: r.get(3)?,
                            time: r.get(4)?,
                            input_sha256: r.get(5)?,
                        },
                    ))
                },
            )
            .optional()
            .map_err(|e| classify(&self.name, "find a party's last screening", e))
    }

    /// Every stored checkpoint note with its tree size, smallest first (unverified).
    pub fn checkpoint_notes(&self) -> Result<Vec<(u64, String)>, StoreError> {
        let err = |e| classify(&self.name, "read checkpoints", e);
        let mut stmt = self
            .conn
            .prepare("SELECT tree_size, note FROM checkpoints ORDER BY tree_size")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// Stores a signed checkpoint note for `size` records.
    pub(crate) fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO checkpoints (tree_size, note, created_at) VALUES (?1, ?2, ?3)",
                params![size as i64, note, crate::record::now()],
            )
            .map(|_| ())
            .map_err(|e| classify(&self.name, "write a checkpoint", e))
    }

    /// Keeps plugin bytes, content-addressed by their SHA-256; returns the hex digest.
    pub fn put_plugin(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = crate::canonical::sha256_hex(bytes);
        self.conn
            .execute(
                "INSERT OR IGNORE INTO plugins (sha256, bytes) VALUES (?1, ?2)",
                params![sha, bytes],
            )
            .map_err(|e| classify(&self.name, "keep plugin bytes", e))?;
        Ok(sha)
    }

    /// The plugin bytes with this SHA-256 (hex), if kept.
    pub fn plugin(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .query_row(
                "SELECT bytes FROM plugins WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| classify(&self.name, "read plugin bytes", e))
    }

    /// Keeps a policy set's canonical form under its digest (SHA-256 hex of the form).
    pub fn put_policy_set(&self, form: &str) -> Result<String, StoreError> {
        let digest = crate::canonical::sha256_hex(form.as_bytes());
        self.conn
            .execute(
                "INSERT OR IGNORE INTO policy_sets (digest, form) VALUES (?1, ?2)",
                params![digest, form],
            )
            .map_err(|e| classify(&self.name, "keep a policy set", e))?;
        Ok(digest)
    }

    /// The canonical form of the policy set with this digest, if kept.
    pub fn policy_set(&self, digest: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT form FROM policy_sets WHERE digest = ?1",
                [digest],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| classify(&self.name, "read a policy set", e))
    }

    /// Inserts a batch in one synced transaction; leaf indices continue from the largest
    /// stored one, read under the write lock. On `Err` nothing of the batch is stored.
    pub(crate) fn insert_batch(
        &mut self,
        batch: &[&EncodedRecord],
    ) -> Result<Vec<Inserted>, StoreError> {
        let name = self.name.clone();
        let err = |action: &'static str| {
            let name = name.clone();
            move |e| classify(&name, action, e)
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err("begin a batch"))?;
        let mut out = Vec::with_capacity(batch.len());
        let mut index = tx
            .query_row("SELECT COALESCE(MAX(seq) + 1, 0) FROM records", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(err("read the next leaf index"))? as u64;
        {
            let mut by_request = tx
                .prepare_cached(
                    "SELECT seq, decision_id, input_sha256, time, body, kind, party_id, hold_id FROM records WHERE request_id = ?1",
                )
                .map_err(err("prepare"))?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO records (seq, decision_id, request_id, input_sha256, time, body, leaf_hash, kind, party_id, hold_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(err("prepare"))?;
            for rec in batch {
                if let Some(request_id) = &rec.request_id {
                    let found = by_request
                        .query_row([request_id], |r| {
                            Ok((
                                r.get::<_, i64>(0)? as u64,
                                IndexColumns {
                                    kind: r.get(5)?,
                                    decision_id: r.get(1)?,
                                    party_id: r.get(6)?,
                                    hold_id: r.get(7)?,
                                    request_id: Some(request_id.clone()),
                                    input_sha256: r.get(2)?,
                                    time: r.get(3)?,
                                },
                                r.get::<_, Vec<u8>>(4)?,
                            ))
                        })
                        .optional()
                        .map_err(err("look up a request id"))?;
                    if let Some((seq, columns, body)) = found {
                        check_found(&name, seq, &body, &columns)?;
                        out.push(if columns.input_sha256 == rec.input_sha256 {
                            match columns.decision_id.parse() {
                                Ok(id) => Inserted::Existing(seq, id),
                                Err(_) => Inserted::Conflict(request_id.clone()),
                            }
                        } else {
                            Inserted::Conflict(request_id.clone())
                        });
                        continue;
                    }
                }
                let mut hold_id = rec.hold_id().map(|h| h.to_string());
                let hold_row = match (&hold_id, &rec.hold) {
                    (None, Some(Change::Screen(opening))) => {
                        let previous = previous_screening(&tx, &name, &opening.party_id, index)?
                            .map(|(seq, body)| holds::stored_hits(&name, seq, &body))
                            .transpose()?;
                        let row = holds::party_row(rec, opening, previous.as_ref(), index);
                        hold_id = row.as_ref().map(|r| r.hold_id.clone());
                        row
                    }
                    (Some(id), _) => {
                        let current = read_holds(&tx, &name, std::slice::from_ref(id))?.pop();
                        match holds::next_row(current.as_ref(), rec, index) {
                            Ok(row) => row,
                            Err(reason) => {
                                out.push(Inserted::Refused(reason));
                                continue;
                            }
                        }
                    }
                    (None, _) => None,
                };
                let res = insert.execute(params![
                    index as i64,
                    rec.decision_id.to_string(),
                    rec.request_id,
                    rec.input_sha256,
                    rec.time,
                    rec.bytes,
                    &rec.leaf_hash[..],
                    rec.kind.as_str(),
                    rec.party_id,
                    hold_id,
                ]);
                match res {
                    Ok(_) => {
                        if let Some(row) = hold_row {
                            write_hold(&tx, &name, &row)?;
                        }
                        out.push(Inserted::New(index));
                        index += 1;
                    }
                    Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                        out.push(Inserted::DuplicateDecision);
                    }
                    Err(e) => return Err(err("insert a record")(e)),
                }
            }
        }
        tx.commit().map_err(err("commit a batch"))?;
        Ok(out)
    }

    /// The holds `filter` selects, oldest first.
    pub(crate) fn holds(&self, filter: &HoldFilter) -> Result<Vec<HoldRow>, StoreError> {
        let err = |e| classify(&self.name, "list holds", e);
        let states = (!filter.states.is_empty()).then(|| holds::join_list(&filter.states));
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {HOLD_COLUMNS} FROM holds
                 WHERE (?1 IS NULL OR instr(?1, ' ' || state || ' ') > 0)
                   AND (?2 IS NULL OR held = ?2)
                   AND (?3 IS NULL OR instr(policies, ' ' || ?3 || ' ') > 0)
                   AND (?4 IS NULL OR destination = ?4)
                   AND (?5 IS NULL OR opened_time < ?5)
                   AND opened_seq > ?6
                 ORDER BY opened_seq LIMIT ?7"
            ))
            .map_err(err)?;
        let rows = stmt
            .query_map(
                params![
                    states,
                    filter.held.map(|h| h.as_str()),
                    filter.policy,
                    filter.destination,
                    filter.opened_before,
                    filter.after_seq.map_or(-1, |s| s as i64),
                    i64::try_from(filter.limit).unwrap_or(i64::MAX),
                ],
                raw_hold,
            )
            .map_err(err)?;
        rows.map(|r| hold_row(&self.name, r.map_err(err)?))
            .collect()
    }

    /// The holds with these ids.
    pub(crate) fn holds_by_id(&self, ids: &[String]) -> Result<Vec<HoldRow>, StoreError> {
        read_holds(&self.conn, &self.name, ids)
    }

    /// Every exemption record, in leaf order.
    pub(crate) fn exemption_records(&self) -> Result<Vec<StoredRecord>, StoreError> {
        let err = |e| classify(&self.name, "read exemptions", e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
                 WHERE kind = 'exemption' ORDER BY seq",
            )
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            out.push(self.stored_record(row)?);
        }
        Ok(out)
    }

    /// Records with `hold_id` (all holds when `None`) from leaf index `from`, in leaf order.
    pub(crate) fn hold_records(
        &self,
        hold_id: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let err = |e| classify(&self.name, "read a hold's records", e);
        let sql = if hold_id.is_some() {
            "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
             WHERE hold_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3"
        } else {
            "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
             WHERE ?1 IS NULL AND hold_id IS NOT NULL AND seq >= ?2 ORDER BY seq LIMIT ?3"
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        let mut rows = stmt
            .query(params![
                hold_id,
                i64::try_from(from).unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ])
            .map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            out.push(self.stored_record(row)?);
        }
        Ok(out)
    }

    /// Raw access for tests that tamper with the file.
    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A `holds` row's columns, as read.
type RawHold = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    String,
    i64,
    String,
    String,
);

fn raw_hold(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawHold> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

fn hold_row(store: &str, raw: RawHold) -> Result<HoldRow, StoreError> {
    let (id, subject_id, held, state, approved_by, destination, hs, policies, os, ot, us, ut, sub) =
        raw;
    let (subject, held, state) = holds::held_and_state(&sub, &held, &state, approved_by.as_deref())
        .map_err(|detail| StoreError::Damaged {
            store: store.to_owned(),
            detail: format!("hold {id}: {detail}"),
        })?;
    Ok(HoldRow {
        hold_id: id,
        subject,
        subject_id,
        held,
        state,
        destination,
        hs_chapters: holds::split_list(&hs),
        policies: holds::split_list(&policies),
        opened_seq: os as u64,
        opened_time: ot,
        updated_seq: us as u64,
        updated_time: ut,
    })
}

fn read_holds(conn: &Connection, store: &str, ids: &[String]) -> Result<Vec<HoldRow>, StoreError> {
    let err = |e| classify(store, "read a hold", e);
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {HOLD_COLUMNS} FROM holds WHERE hold_id = ?1"
        ))
        .map_err(err)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(raw) = stmt.query_row([id], raw_hold).optional().map_err(err)? {
            out.push(hold_row(store, raw)?);
        }
    }
    Ok(out)
}

fn write_hold(conn: &Connection, store: &str, row: &HoldRow) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO holds ({HOLD_BASE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (hold_id) DO UPDATE SET held = excluded.held, state = excluded.state,
            approved_by = excluded.approved_by, updated_seq = excluded.updated_seq,
            updated_time = excluded.updated_time"
    ))
    .and_then(|mut stmt| {
        stmt.execute(params![
            row.hold_id,
            row.subject_id,
            row.held.as_str(),
            row.state.as_str(),
            row.state.approved_by(),
            row.destination,
            holds::join_list(&row.hs_chapters),
            holds::join_list(&row.policies),
            row.opened_seq as i64,
            row.opened_time,
            row.updated_seq as i64,
            row.updated_time,
        ])
    })
    .and_then(|_| match row.subject {
        Subject::Shipment => Ok(0),
        Subject::Party => conn
            .prepare_cached("UPDATE holds SET subject = 'party' WHERE hold_id = ?1")?
            .execute([&row.hold_id]),
    })
    .map(|_| ())
    .map_err(|e| classify(store, "write a hold", e))
}

/// Migration 5: every decision already stored that is not `allow` opens its hold, and its
/// row names it in `hold_id` (as a new one would), so `verify` finds the log consistent.
fn open_holds_of_stored_decisions(conn: &Connection, store: &str) -> Result<(), StoreError> {
    let err = |e| classify(store, "open the holds of stored decisions", e);
    let mut stmt = conn
        .prepare("SELECT seq, body FROM records WHERE kind = 'decision' ORDER BY seq")
        .map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    while let Some(row) = rows.next().map_err(err)? {
        let seq = row.get::<_, i64>(0).map_err(err)? as u64;
        let body: Vec<u8> = row.get(1).map_err(err)?;
        let Some(encoded) = holds::reencode_decision(store, seq, &body)? else {
            continue;
        };
        if let Ok(Some(hold)) = holds::next_row(None, &encoded, seq) {
            conn.execute(
                "UPDATE records SET hold_id = ?1 WHERE seq = ?2",
                params![hold.hold_id, seq as i64],
            )
            .map_err(err)?;
            write_hold(conn, store, &hold)?;
        }
    }
    Ok(())
}

/// The party's last screening below leaf index `before`, read inside the transaction that
/// stores the next one (earlier screenings of the same batch included).
fn previous_screening(
    conn: &Connection,
    store: &str,
    party_id: &str,
    before: u64,
) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    conn.prepare_cached(
        "SELECT seq, body FROM records
         WHERE party_id = ?1 AND kind = 'screening' AND seq < ?2 ORDER BY seq DESC LIMIT 1",
    )
    .and_then(|mut stmt| {
        stmt.query_row(params![party_id, before as i64], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()
    })
    .map_err(|e| classify(store, "find a party's last screening", e))
}

/// Migration 6: every screening already stored opens the hold its new hits open, and its row
/// names it in `hold_id` (as a new one would), so `verify` finds the log consistent.
fn open_holds_of_stored_screenings(conn: &Connection, store: &str) -> Result<(), StoreError> {
    let err = |e| classify(store, "open the holds of stored screenings", e);
    let mut stmt = conn
        .prepare("SELECT seq, body FROM records WHERE kind = 'screening' ORDER BY seq")
        .map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    let mut backfill = holds::ScreeningBackfill::default();
    while let Some(row) = rows.next().map_err(err)? {
        let seq = row.get::<_, i64>(0).map_err(err)? as u64;
        let body: Vec<u8> = row.get(1).map_err(err)?;
        if let Some(hold) = backfill.next(store, seq, &body)? {
            conn.execute(
                "UPDATE records SET hold_id = ?1 WHERE seq = ?2",
                params![hold.hold_id, seq as i64],
            )
            .map_err(err)?;
            write_hold(conn, store, &hold)?;
        }
    }
    Ok(())
}

/// Opens a store at exactly schema `version` (for migration tests).
#[cfg(test)]
pub(crate) fn open_at_version(path: &Path, version: usize) -> SqliteStore {
    let conn = Connection::open(path).unwrap();
    let mut s = SqliteStore {
        name: path.display().to_string(),
        path: path.to_path_buf(),
        conn,
    };
    s.configure().unwrap();
    s.migrate(version).unwrap();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::example;

    #[test]
    fn wal_and_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let s =
            SqliteStore::open(&format!("sqlite:{}", dir.path().join("a.db").display())).unwrap();
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = s
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            (mode.as_str(), sync),
            ("wal", 2),
            "WAL with synchronous = FULL (2)"
        );
    }

    /// With checkpoints in the background the writer's connection never
    /// checkpoints, the WAL is emptied into the database file beside it, and a
    /// record committed before is still there.
    #[test]
    fn wal_checkpoints_run_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let wal = dir.path().join("a.db-wal");
        let mut s = SqliteStore::open(&format!("sqlite:{}", path.display())).unwrap();
        let checkpoints = s
            .checkpoint_in_background(Duration::from_millis(10))
            .unwrap();
        let auto: i64 = s
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto, 0, "the writer's own commits do not checkpoint");
        let before = std::fs::metadata(&path).unwrap().len();
        let rec = example().encode().unwrap();
        s.insert_batch(&[&rec]).unwrap();
        // The record's pages reach the database file, copied by the other thread
        // (this connection never checkpoints).
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() <= before {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint copied the record into {}",
                path.display()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(checkpoints);
        assert_eq!(
            std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
            0,
            "the last checkpoint truncates the WAL"
        );
        assert_eq!(s.find(&rec.decision_id).unwrap().unwrap().0, 0);
    }

    /// Inserts a record as a store of schema 1 to 3 did (no `kind`, no `party_id`).
    fn insert_as_first_schema(s: &SqliteStore, rec: &EncodedRecord) {
        s.conn()
            .execute(
                "INSERT INTO records (seq, decision_id, request_id, input_sha256, time, body, leaf_hash)
                 VALUES ((SELECT COUNT(*) FROM records), ?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    rec.decision_id.to_string(),
                    rec.request_id,
                    rec.input_sha256,
                    rec.time,
                    rec.bytes,
                    &rec.leaf_hash[..]
                ],
            )
            .unwrap();
    }

    /// A store of schema 3 (decisions only) is migrated to schema 4 on open: its decisions
    /// keep verifying (their rows are of kind `decision`, with no party), and it then holds
    /// screenings, found by party id.
    #[test]
    fn migrates_from_schema_3_to_hold_screenings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        let v3 = open_at_version(&path, 3);
        assert_eq!(v3.schema_version().unwrap(), 3);
        let decision = example().encode().unwrap();
        insert_as_first_schema(&v3, &decision);
        assert!(
            v3.conn()
                .prepare("SELECT kind, party_id FROM records")
                .is_err(),
            "v3 has no kind or party_id columns"
        );
        drop(v3);
        let mut s = SqliteStore::open(&format!("sqlite:{}", path.display())).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let (kind, party): (String, Option<String>) = s
            .conn()
            .query_row(
                "SELECT kind, party_id FROM records WHERE seq = 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((kind.as_str(), party), ("decision", None));
        // The stored deny decision opened its hold on migration.
        let hold = s.holds_by_id(&[decision.decision_id.to_string()]).unwrap();
        assert_eq!(hold.len(), 1, "the stored deny decision opens its hold");
        assert_eq!(hold[0].held, crate::hold::Held::Deny);
        let mut first = crate::screening::tests::example();
        let mut second = first.clone();
        second.screening_id = DecisionId::new();
        first.screening_id = DecisionId::new();
        let (first, second) = (first.encode().unwrap(), second.encode().unwrap());
        let res = s.insert_batch(&[&first, &second]).unwrap();
        assert!(matches!(res[..], [Inserted::New(1), Inserted::New(2)]));
        let found = s.last_screening("C-1002", i64::MAX).unwrap().unwrap();
        assert_eq!((found.0, &found.1), (2, &second.bytes));
        assert_eq!(found.2.kind, "screening");
        assert!(s.last_screening("C-9999", i64::MAX).unwrap().is_none());
        // Every row, old and new, agrees with its record.
        let mut log = crate::verify::LogCheck::new("v3.db");
        s.for_each_record(None, None, |r| log.push(&r))
            .unwrap()
            .unwrap();
    }

    #[test]
    fn migrates_from_schema_1_keeping_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let v1 = open_at_version(&path, 1);
        assert_eq!(v1.schema_version().unwrap(), 1);
        let rec = example().encode().unwrap();
        insert_as_first_schema(&v1, &rec);
        assert!(
            v1.conn().prepare("SELECT * FROM plugins").is_err(),
            "v1 has no plugins table"
        );
        assert!(
            v1.conn().prepare("SELECT * FROM policy_sets").is_err(),
            "v1 has no policy_sets table"
        );
        drop(v1);
        let s = SqliteStore::open(&format!("sqlite:{}", path.display())).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(
            s.find(&rec.decision_id).unwrap().unwrap(),
            (0, rec.bytes.clone())
        );
        let sha = s.put_plugin(b"wasm").unwrap();
        assert_eq!(s.plugin(&sha).unwrap().unwrap(), b"wasm");
        let digest = s.put_policy_set(r#"{"format":"x"}"#).unwrap();
        assert_eq!(
            digest,
            crate::canonical::sha256_hex(br#"{"format":"x"}"#),
            "kept under the sha256 of the form"
        );
        assert_eq!(
            s.policy_set(&digest).unwrap().as_deref(),
            Some(r#"{"format":"x"}"#)
        );
        assert_eq!(s.policy_set("00").unwrap(), None);
        let versions: Vec<i64> = {
            let mut st = s
                .conn()
                .prepare("SELECT version FROM schema_migrations ORDER BY version")
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(versions, vec![1, 2, 3, 4, 5, 6]);
    }
}
