//! The PostgreSQL store (`postgres://…`): the SQLite schema in PostgreSQL types, for several
//! hosts writing one log.
//!
//! Leaf assignment across hosts: every batch commit takes one transaction-scoped advisory lock
//! ([`BATCH_LOCK`]) and reads the next leaf index as `MAX(seq) + 1` under it. Commits are thus
//! serialised, so leaves are contiguous and in commit order, and a rolled-back batch leaves no
//! gap. A sequence would not do: its values are handed out before commit (so a slower
//! transaction commits a smaller index after a larger one, and a reader or checkpoint could
//! see a hole) and are lost on rollback. The lock is held only for one batch's inserts, and a
//! batch carries every record that queued up meanwhile, so hosts share it cheaply. The same
//! lock serialises request-id look-ups with inserts, so `UNIQUE(request_id)` idempotency holds
//! across hosts (the constraint stays as a last guard).
//!
//! The client is the blocking `postgres` crate (over `tokio-postgres`): the recorder's writer
//! is one dedicated thread, so an async client would only add a runtime to drive. Connections
//! are plain TCP or Unix sockets without TLS; use it on loopback or a trusted network.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls};

use super::{IndexColumns, Inserted, SCHEMA_VERSION, StoreError, StoredRecord, check_found};
use crate::hold::{Change, Subject};
use crate::merkle::{Hash, Tree};
use crate::record::{DecisionId, EncodedRecord};
use crate::screening::Hit;
use crate::store::holds::{self, HoldFilter, HoldRow};

/// Schema migrations, applied in order; index + 1 is the version. The same versions as the
/// SQLite store, in PostgreSQL types. Never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: records (sequence = leaf index) and signed checkpoints.
    "CREATE TABLE records (
        seq BIGINT PRIMARY KEY,
        decision_id TEXT NOT NULL UNIQUE,
        request_id TEXT UNIQUE,
        input_sha256 TEXT NOT NULL,
        time TEXT NOT NULL,
        body BYTEA NOT NULL,
        leaf_hash BYTEA NOT NULL
     );
     CREATE TABLE checkpoints (
        tree_size BIGINT PRIMARY KEY,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
     );",
    // 2: content-addressed plugin bytes, and an index for time-range exports.
    "CREATE TABLE plugins (sha256 TEXT PRIMARY KEY, bytes BYTEA NOT NULL);
     CREATE INDEX records_time ON records(time);",
    // 3: each policy set's canonical form, content-addressed by its digest.
    "CREATE TABLE policy_sets (digest TEXT PRIMARY KEY, form TEXT NOT NULL);",
    // 4: records of other kinds than decisions (party screenings first): each row's kind,
    // and the screened party, indexed so a rescreen finds a party's last screening.
    "ALTER TABLE records ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
     ALTER TABLE records ADD COLUMN party_id TEXT;
     CREATE INDEX records_party ON records(party_id, seq) WHERE party_id IS NOT NULL;",
    // 5: holds (see the SQLite store's migration 5).
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
        opened_seq BIGINT NOT NULL UNIQUE,
        opened_time TEXT NOT NULL,
        updated_seq BIGINT NOT NULL,
        updated_time TEXT NOT NULL
     );
     CREATE INDEX holds_queue ON holds(state, opened_seq);
     CREATE INDEX records_exemptions ON records(seq) WHERE kind = 'exemption';",
    // 6: holds on parties (see the SQLite store's migration 6).
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

/// Advisory lock key serialising batch commits (leaf assignment) across hosts: "exportct".
const BATCH_LOCK: i64 = 0x6578_706f_7274_6374;
/// Advisory lock key serialising schema migrations across hosts starting at once.
const MIGRATION_LOCK: i64 = BATCH_LOCK + 1;

/// Connects and sets up the session.
fn connect(url: &str, name: &str, lock_timeout: Option<Duration>) -> Result<Client, StoreError> {
    let err = |action| {
        move |source| StoreError::Postgres {
            store: name.to_owned(),
            action,
            source,
        }
    };
    let mut client = Client::connect(url, NoTls).map_err(err("connect"))?;
    // An acknowledged record must be on the server's disk: refuse a session default of
    // `synchronous_commit = off`.
    let mut setup = "SET synchronous_commit = on;".to_owned();
    if let Some(t) = lock_timeout {
        setup += &format!("SET lock_timeout = {};", t.as_millis().max(1));
    }
    client.batch_execute(&setup).map_err(err("configure"))?;
    Ok(client)
}

/// An open PostgreSQL audit store.
pub struct PostgresStore {
    name: String,
    /// The URL as given (with any password), to connect again.
    url: String,
    lock_timeout: Cell<Option<Duration>>,
    // The client's calls take `&mut`; the store's read API takes `&self` like SQLite's.
    client: RefCell<Client>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.name)
    }
}

/// The URL without its password, for messages.
fn display_name(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and migrates the schema.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let name = display_name(url);
        let client = connect(url, &name, None)?;
        let store = Self {
            name,
            url: url.to_owned(),
            lock_timeout: Cell::new(None),
            client: RefCell::new(client),
        };
        store.migrate(MIGRATIONS.len())?;
        Ok(store)
    }

    /// The client, connected again if the server closed the connection (it restarted, or a
    /// network hiccup): a store that went away is an error for the batch in flight, and
    /// usable again once the server is back.
    fn live(&self) -> Result<RefMut<'_, Client>, StoreError> {
        let mut client = self.client.borrow_mut();
        if client.is_closed() {
            *client = connect(&self.url, &self.name, self.lock_timeout.get())?;
        }
        Ok(client)
    }

    fn err(&self, action: &'static str) -> impl Fn(postgres::Error) -> StoreError + '_ {
        move |source| StoreError::Postgres {
            store: self.name.clone(),
            action,
            source,
        }
    }

    /// Brings the schema to version `target`, under an advisory lock so hosts starting
    /// together migrate once.
    pub(crate) fn migrate(&self, target: usize) -> Result<(), StoreError> {
        let mut client = self.live()?;
        let mut tx = client
            .transaction()
            .map_err(self.err("begin a migration"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(self.err("lock for migration"))?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .map_err(self.err("create the migrations table"))?;
        let found: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )
            .map_err(self.err("read the schema version"))?
            .get(0);
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
            tx.batch_execute(sql)
                .map_err(self.err("apply a migration"))?;
            if i + 1 == HOLDS_MIGRATION {
                open_holds_of_stored_decisions(&mut tx, &self.name)?;
            }
            if i + 1 == PARTY_HOLDS_MIGRATION {
                open_holds_of_stored_screenings(&mut tx, &self.name)?;
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&(i as i64 + 1), &crate::record::now()],
            )
            .map_err(self.err("record a migration"))?;
        }
        tx.commit().map_err(self.err("commit a migration"))
    }

    /// How long a batch commit waits for another host's lock before failing.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), StoreError> {
        self.lock_timeout.set(Some(timeout));
        self.live()?
            .batch_execute(&format!(
                "SET lock_timeout = {}",
                timeout.as_millis().max(1)
            ))
            .map_err(self.err("set the lock timeout"))
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .live()?
            .query_one("SELECT MAX(version) FROM schema_migrations", &[])
            .map_err(self.err("read the schema version"))?
            .get(0))
    }

    /// The store's name (its URL without password), used in every message.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of records.
    pub fn record_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .live()?
            .query_one("SELECT COUNT(*) FROM records", &[])
            .map_err(self.err("count records"))?
            .get(0);
        Ok(n as u64)
    }

    fn hash_of(&self, index: u64, v: Vec<u8>) -> Result<Hash, StoreError> {
        v.try_into().map_err(|_| StoreError::Damaged {
            store: self.name.clone(),
            detail: format!("leaf hash of record {index} is not 32 bytes"),
        })
    }

    /// A row of `SELECT seq, body, leaf_hash, decision_id, request_id, time,
    /// input_sha256, kind, party_id, hold_id FROM records` as a stored record.
    fn stored_record(&self, row: &postgres::Row) -> Result<StoredRecord, StoreError> {
        let err = self.err("read records");
        let index = row.try_get::<_, i64>(0).map_err(&err)? as u64;
        Ok(StoredRecord {
            index,
            bytes: row.try_get(1).map_err(&err)?,
            leaf_hash: self.hash_of(index, row.try_get(2).map_err(&err)?)?,
            columns: Some(IndexColumns {
                kind: row.try_get(7).map_err(&err)?,
                party_id: row.try_get(8).map_err(&err)?,
                hold_id: row.try_get(9).map_err(&err)?,
                decision_id: row.try_get(3).map_err(&err)?,
                request_id: row.try_get(4).map_err(&err)?,
                time: row.try_get(5).map_err(&err)?,
                input_sha256: row.try_get(6).map_err(&err)?,
            }),
        })
    }

    /// Calls `f` on every record in leaf-index order, streaming rows from the server.
    pub fn for_each_record<E>(
        &self,
        from_time: Option<&str>,
        to_time: Option<&str>,
        mut f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        let err = self.err("read records");
        let mut client = self.live()?;
        let params: [&(dyn ToSql + Sync); 2] = [&from_time, &to_time];
        let mut rows = client
            .query_raw(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
                 WHERE ($1::TEXT IS NULL OR time >= $1::TEXT) AND ($2::TEXT IS NULL OR time < $2::TEXT)
                 ORDER BY seq",
                params.iter().map(|p| *p as &dyn ToSql),
            )
            .map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            if let Err(e) = f(self.stored_record(&row)?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// Calls `f` on the records below leaf index `before`, newest first, streaming rows from
    /// the server, until it returns `Err`.
    pub fn for_each_record_newest_first<E>(
        &self,
        before: Option<u64>,
        from_time: Option<&str>,
        to_time: Option<&str>,
        mut f: impl FnMut(StoredRecord) -> Result<(), E>,
    ) -> Result<Result<(), E>, StoreError> {
        let err = self.err("read records");
        let mut client = self.live()?;
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let params: [&(dyn ToSql + Sync); 3] = [&before, &from_time, &to_time];
        let mut rows = client
            .query_raw(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id FROM records
                 WHERE seq < $1 AND ($2::TEXT IS NULL OR time >= $2::TEXT) AND ($3::TEXT IS NULL OR time < $3::TEXT)
                 ORDER BY seq DESC",
                params.iter().map(|p| *p as &dyn ToSql),
            )
            .map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            if let Err(e) = f(self.stored_record(&row)?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// Stored leaf hashes of leaves `from..to`; a gap is damage.
    pub(crate) fn leaf_hashes(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        let rows = self
            .live()?
            .query(
                "SELECT seq, leaf_hash FROM records WHERE seq >= $1 AND seq < $2 ORDER BY seq",
                &[&(from as i64), &(to as i64)],
            )
            .map_err(self.err("read leaf hashes"))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let index = row.get::<_, i64>(0) as u64;
            if index != from + out.len() as u64 {
                return Err(StoreError::Damaged {
                    store: self.name.clone(),
                    detail: format!("record {} is missing", from + out.len() as u64),
                });
            }
            out.push(self.hash_of(index, row.get(1))?);
        }
        Ok(out)
    }

    /// The Merkle tree of the stored leaf hashes (as stored, not recomputed).
    pub fn tree(&self) -> Result<Tree, StoreError> {
        let mut tree = Tree::new();
        for hash in self.leaf_hashes(0, i64::MAX as u64)? {
            tree.push(hash);
        }
        Ok(tree)
    }

    /// The record for `decision_id`: its leaf index and canonical bytes.
    pub fn find(&self, decision_id: &DecisionId) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self
            .live()?
            .query_opt(
                "SELECT seq, body FROM records WHERE decision_id = $1",
                &[&decision_id.to_string()],
            )
            .map_err(self.err("find a record"))?
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1))))
    }

    /// The last screening record of `party_id`, with its index columns (unchecked).
    pub(crate) fn last_screening(
        &self,
        party_id: &str,
        before: i64,
    ) -> Result<Option<(u64, Vec<u8>, IndexColumns)>, StoreError> {
        Ok(self
            .live()?
            .query_opt(
                "SELECT seq, body, decision_id, request_id, time, input_sha256, kind FROM records
                 WHERE party_id = $1 AND kind = 'screening' AND seq < $2 ORDER BY seq DESC LIMIT 1",
                &[&party_id, &before],
            )
            .map_err(self.err("find a party's last screening"))?
            .map(|r| {
                (
                    r.get::<_, i64>(0) as u64,
                    r.get(1),
                    IndexColumns {
                        kind: r.get(6),
                        decision_id: r.get(2),
                        party_id: Some(party_id.to_owned()),
                        hold_id: None,
                        request_id: r.get(3),
                        time: r.get(4),
                        input_sha256: r.get(5),
                    },
                )
            }))
    }

    /// The holds `filter` selects, oldest first.
    pub(crate) fn holds(&self, filter: &HoldFilter) -> Result<Vec<HoldRow>, StoreError> {
        let states = (!filter.states.is_empty()).then(|| holds::join_list(&filter.states));
        let held = filter.held.map(|h| h.as_str());
        let after = filter.after_seq.map_or(-1, |s| s as i64);
        let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
        let rows = self
            .live()?
            .query(
                &format!(
                    "SELECT {HOLD_COLUMNS} FROM holds
                     WHERE ($1::TEXT IS NULL OR strpos($1, ' ' || state || ' ') > 0)
                       AND ($2::TEXT IS NULL OR held = $2)
                       AND ($3::TEXT IS NULL OR strpos(policies, ' ' || $3 || ' ') > 0)
                       AND ($4::TEXT IS NULL OR destination = $4)
                       AND ($5::TEXT IS NULL OR opened_time < $5)
                       AND opened_seq > $6
                     ORDER BY opened_seq LIMIT $7"
                ),
                &[
                    &states,
                    &held,
                    &filter.policy,
                    &filter.destination,
                    &filter.opened_before,
                    &after,
                    &limit,
                ],
            )
            .map_err(self.err("list holds"))?;
        rows.iter().map(|r| hold_row(&self.name, r)).collect()
    }

    /// The holds with these ids.
    pub(crate) fn holds_by_id(&self, ids: &[String]) -> Result<Vec<HoldRow>, StoreError> {
        let mut client = self.live()?;
        let mut tx = client.transaction().map_err(self.err("read holds"))?;
        let found = read_holds(&mut tx, &self.name, ids)?;
        tx.commit().map_err(self.err("read holds"))?;
        Ok(found)
    }

    /// Every exemption record, in leaf order.
    pub(crate) fn exemption_records(&self) -> Result<Vec<StoredRecord>, StoreError> {
        let rows = self
            .live()?
            .query(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id
                 FROM records WHERE kind = 'exemption' ORDER BY seq",
                &[],
            )
            .map_err(self.err("read exemptions"))?;
        rows.iter().map(|r| self.stored_record(r)).collect()
    }

    /// Records with `hold_id` (all holds when `None`) from leaf index `from`, in leaf order.
    pub(crate) fn hold_records(
        &self,
        hold_id: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let from = i64::try_from(from).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .live()?
            .query(
                "SELECT seq, body, leaf_hash, decision_id, request_id, time, input_sha256, kind, party_id, hold_id
                 FROM records
                 WHERE (($1::TEXT IS NULL AND hold_id IS NOT NULL) OR hold_id = $1) AND seq >= $2
                 ORDER BY seq LIMIT $3",
                &[&hold_id, &from, &limit],
            )
            .map_err(self.err("read a hold's records"))?;
        rows.iter().map(|r| self.stored_record(r)).collect()
    }

    /// Every stored checkpoint note with its tree size, smallest first (unverified).
    pub fn checkpoint_notes(&self) -> Result<Vec<(u64, String)>, StoreError> {
        Ok(self
            .live()?
            .query(
                "SELECT tree_size, note FROM checkpoints ORDER BY tree_size",
                &[],
            )
            .map_err(self.err("read checkpoints"))?
            .into_iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect())
    }

    /// Stores a signed checkpoint note for `size` records (another host may have stored one
    /// for the same size already; the first stays).
    pub(crate) fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), StoreError> {
        self.live()?
            .execute(
                "INSERT INTO checkpoints (tree_size, note, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (tree_size) DO NOTHING",
                &[&(size as i64), &note, &crate::record::now()],
            )
            .map(|_| ())
            .map_err(self.err("write a checkpoint"))
    }

    /// Keeps plugin bytes, content-addressed by their SHA-256; returns the hex digest.
    pub fn put_plugin(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = crate::canonical::sha256_hex(bytes);
        self.live()?
            .execute(
                "INSERT INTO plugins (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
                &[&sha, &bytes],
            )
            .map_err(self.err("keep plugin bytes"))?;
        Ok(sha)
    }

    /// The plugin bytes with this SHA-256 (hex), if kept.
    pub fn plugin(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .live()?
            .query_opt("SELECT bytes FROM plugins WHERE sha256 = $1", &[&sha256])
            .map_err(self.err("read plugin bytes"))?
            .map(|r| r.get(0)))
    }

    /// Keeps a policy set's canonical form under its digest (SHA-256 hex of the form).
    pub fn put_policy_set(&self, form: &str) -> Result<String, StoreError> {
        let digest = crate::canonical::sha256_hex(form.as_bytes());
        self.live()?
            .execute(
                "INSERT INTO policy_sets (digest, form) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING",
                &[&digest, &form],
            )
            .map_err(self.err("keep a policy set"))?;
        Ok(digest)
    }

    /// The canonical form of the policy set with this digest, if kept.
    pub fn policy_set(&self, digest: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .live()?
            .query_opt("SELECT form FROM policy_sets WHERE digest = $1", &[&digest])
            .map_err(self.err("read a policy set"))?
            .map(|r| r.get(0)))
    }

    /// Inserts a batch in one transaction under the batch lock; leaf indices continue from the
    /// largest stored one. Returns after the commit, which PostgreSQL has flushed to its WAL
    /// (`synchronous_commit = on`). On `Err` nothing of the batch is stored.
    pub(crate) fn insert_batch(
        &mut self,
        batch: &[&EncodedRecord],
    ) -> Result<Vec<Inserted>, StoreError> {
        let name = self.name.clone();
        let err = |action: &'static str| {
            let name = name.clone();
            move |source| StoreError::Postgres {
                store: name.clone(),
                action,
                source,
            }
        };
        let mut client = self.live()?;
        let mut tx = client.transaction().map_err(err("begin a batch"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&BATCH_LOCK])
            .map_err(err("take the batch lock"))?;
        let next: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq) + 1, 0)::BIGINT FROM records", &[])
            .map_err(err("read the next leaf index"))?
            .get(0);
        // One round trip per step, not per record: the batch's request ids and decision ids
        // already stored, then one multi-row insert of the new records.
        let request_ids: Vec<&str> = batch
            .iter()
            .filter_map(|r| r.request_id.as_deref())
            .collect();
        let decision_ids: Vec<String> = batch.iter().map(|r| r.decision_id.to_string()).collect();
        let mut by_request: HashMap<String, (u64, String, String)> = HashMap::new();
        for r in tx
            .query(
                "SELECT request_id, seq, decision_id, input_sha256, time, body, kind, party_id, hold_id
                 FROM records WHERE request_id = ANY($1)",
                &[&request_ids],
            )
            .map_err(err("look up request ids"))?
        {
            let seq = r.get::<_, i64>(1) as u64;
            let columns = IndexColumns {
                kind: r.get(6),
                party_id: r.get(7),
                hold_id: r.get(8),
                request_id: r.get(0),
                decision_id: r.get(2),
                input_sha256: r.get(3),
                time: r.get(4),
            };
            check_found(&name, seq, r.get(5), &columns)?;
            if let Some(request_id) = columns.request_id {
                by_request.insert(request_id, (seq, columns.decision_id, columns.input_sha256));
            }
        }
        let mut known: HashSet<String> = tx
            .query(
                "SELECT decision_id FROM records WHERE decision_id = ANY($1)",
                &[&decision_ids],
            )
            .map_err(err("look up decision ids"))?
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        // The holds the batch opens or acts on, as stored before it and as it leaves them.
        let hold_ids: Vec<String> = batch
            .iter()
            .filter_map(|r| r.hold_id().map(|h| h.to_string()))
            .collect();
        let mut holds_now: HashMap<String, HoldRow> = if hold_ids.is_empty() {
            HashMap::new()
        } else {
            read_holds(&mut tx, &name, &hold_ids)?
                .into_iter()
                .map(|h| (h.hold_id.clone(), h))
                .collect()
        };
        let mut changed: Vec<String> = Vec::new();
        // The hits of each party screened earlier in this batch (empty: none), before the
        // store's own last screening of it.
        let mut batch_hits: HashMap<String, BTreeSet<Hit>> = HashMap::new();
        let mut out = Vec::with_capacity(batch.len());
        let mut new = NewRows::default();
        let mut index = next as u64;
        for (rec, id) in batch.iter().zip(decision_ids) {
            if let Some(request_id) = &rec.request_id
                && let Some((seq, first_id, input)) = by_request.get(request_id)
            {
                out.push(match first_id.parse() {
                    Ok(first_id) if *input == rec.input_sha256 => {
                        Inserted::Existing(*seq, first_id)
                    }
                    _ => Inserted::Conflict(request_id.clone()),
                });
                continue;
            }
            if known.contains(&id) {
                out.push(Inserted::DuplicateDecision);
                continue;
            }
            if let Some(hold_id) = rec.hold_id().map(|h| h.to_string()) {
                match holds::next_row(holds_now.get(&hold_id), rec, index) {
                    Ok(Some(row)) => {
                        holds_now.insert(hold_id.clone(), row);
                        changed.push(hold_id);
                    }
                    Ok(None) => {}
                    Err(reason) => {
                        out.push(Inserted::Refused(reason));
                        continue;
                    }
                }
            }
            let mut opened_on_party = None;
            if let Some(Change::Screen(opening)) = &rec.hold {
                let previous = match batch_hits.get(&opening.party_id) {
                    Some(hits) => Some(hits.clone()),
                    None => previous_hits(&mut tx, &name, &opening.party_id)?,
                };
                if let Some(row) = holds::party_row(rec, opening, previous.as_ref(), index) {
                    opened_on_party = Some(row.hold_id.clone());
                    holds_now.insert(row.hold_id.clone(), row);
                    changed.push(rec.decision_id.to_string());
                }
            }
            if let Some(party) = &rec.party_id
                && rec.kind == crate::RecordKind::Screening
            {
                let hits = match &rec.hold {
                    Some(Change::Screen(opening)) => opening.hits.clone(),
                    _ => BTreeSet::new(),
                };
                batch_hits.insert(party.clone(), hits);
            }
            known.insert(id.clone());
            if let Some(request_id) = &rec.request_id {
                by_request.insert(
                    request_id.clone(),
                    (index, id.clone(), rec.input_sha256.clone()),
                );
            }
            new.push(index, id, rec, opened_on_party);
            out.push(Inserted::New(index));
            index += 1;
        }
        if !new.seq.is_empty() {
            tx.execute(
                "INSERT INTO records (seq, decision_id, request_id, input_sha256, time, body, leaf_hash,
                                      kind, party_id, hold_id)
                 SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[],
                                      $6::BYTEA[], $7::BYTEA[], $8::TEXT[], $9::TEXT[], $10::TEXT[])",
                &[
                    &new.seq,
                    &new.decision_id,
                    &new.request_id,
                    &new.input_sha256,
                    &new.time,
                    &new.body,
                    &new.leaf_hash,
                    &new.kind,
                    &new.party_id,
                    &new.hold_id,
                ],
            )
            .map_err(err("insert records"))?;
        }
        changed.sort();
        changed.dedup();
        for id in changed {
            write_hold(&mut tx, &name, &holds_now[&id])?;
        }
        tx.commit().map_err(err("commit a batch"))?;
        Ok(out)
    }
}

fn hold_row(store: &str, r: &postgres::Row) -> Result<HoldRow, StoreError> {
    let id: String = r.get(0);
    let (subject, held, state) = holds::held_and_state(r.get(12), r.get(2), r.get(3), r.get(4))
        .map_err(|detail| StoreError::Damaged {
            store: store.to_owned(),
            detail: format!("hold {id}: {detail}"),
        })?;
    Ok(HoldRow {
        subject,
        subject_id: r.get(1),
        held,
        state,
        destination: r.get(5),
        hs_chapters: holds::split_list(r.get(6)),
        policies: holds::split_list(r.get(7)),
        opened_seq: r.get::<_, i64>(8) as u64,
        opened_time: r.get(9),
        updated_seq: r.get::<_, i64>(10) as u64,
        updated_time: r.get(11),
        hold_id: id,
    })
}

fn read_holds(
    tx: &mut postgres::Transaction<'_>,
    store: &str,
    ids: &[String],
) -> Result<Vec<HoldRow>, StoreError> {
    tx.query(
        &format!("SELECT {HOLD_COLUMNS} FROM holds WHERE hold_id = ANY($1)"),
        &[&ids],
    )
    .map_err(|source| StoreError::Postgres {
        store: store.to_owned(),
        action: "read holds",
        source,
    })?
    .iter()
    .map(|r| hold_row(store, r))
    .collect()
}

fn write_hold(
    tx: &mut postgres::Transaction<'_>,
    store: &str,
    row: &HoldRow,
) -> Result<(), StoreError> {
    let hs = holds::join_list(&row.hs_chapters);
    let policies = holds::join_list(&row.policies);
    tx.execute(
        &format!(
            "INSERT INTO holds ({HOLD_BASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (hold_id) DO UPDATE SET held = excluded.held, state = excluded.state,
                approved_by = excluded.approved_by, updated_seq = excluded.updated_seq,
                updated_time = excluded.updated_time"
        ),
        &[
            &row.hold_id,
            &row.subject_id,
            &row.held.as_str(),
            &row.state.as_str(),
            &row.state.approved_by(),
            &row.destination,
            &hs,
            &policies,
            &(row.opened_seq as i64),
            &row.opened_time,
            &(row.updated_seq as i64),
            &row.updated_time,
        ],
    )
    .and_then(|_| match row.subject {
        Subject::Shipment => Ok(0),
        Subject::Party => tx.execute(
            "UPDATE holds SET subject = 'party' WHERE hold_id = $1",
            &[&row.hold_id],
        ),
    })
    .map(|_| ())
    .map_err(|source| StoreError::Postgres {
        store: store.to_owned(),
        action: "write a hold",
        source,
    })
}

/// The hits of the party's last stored screening (`None`: never screened), read under the
/// batch lock, so no other host stores one meanwhile.
fn previous_hits(
    tx: &mut postgres::Transaction<'_>,
    store: &str,
    party_id: &str,
) -> Result<Option<BTreeSet<Hit>>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT seq, body FROM records
             WHERE party_id = $1 AND kind = 'screening' ORDER BY seq DESC LIMIT 1",
            &[&party_id],
        )
        .map_err(|source| StoreError::Postgres {
            store: store.to_owned(),
            action: "find a party's last screening",
            source,
        })?;
    row.map(|r| holds::stored_hits(store, r.get::<_, i64>(0) as u64, r.get(1)))
        .transpose()
}

/// Migration 6: every screening already stored opens the hold its new hits open.
fn open_holds_of_stored_screenings(
    tx: &mut postgres::Transaction<'_>,
    store: &str,
) -> Result<(), StoreError> {
    let err = |source| StoreError::Postgres {
        store: store.to_owned(),
        action: "open the holds of stored screenings",
        source,
    };
    let rows = tx
        .query(
            "SELECT seq, body FROM records WHERE kind = 'screening' ORDER BY seq",
            &[],
        )
        .map_err(err)?;
    let mut backfill = holds::ScreeningBackfill::default();
    for r in rows {
        let seq = r.get::<_, i64>(0) as u64;
        if let Some(hold) = backfill.next(store, seq, r.get(1))? {
            tx.execute(
                "UPDATE records SET hold_id = $1 WHERE seq = $2",
                &[&hold.hold_id, &(seq as i64)],
            )
            .map_err(err)?;
            write_hold(tx, store, &hold)?;
        }
    }
    Ok(())
}

/// Migration 5: every decision already stored that is not `allow` opens its hold.
fn open_holds_of_stored_decisions(
    tx: &mut postgres::Transaction<'_>,
    store: &str,
) -> Result<(), StoreError> {
    let rows = tx
        .query(
            "SELECT seq, body FROM records WHERE kind = 'decision' ORDER BY seq",
            &[],
        )
        .map_err(|source| StoreError::Postgres {
            store: store.to_owned(),
            action: "open the holds of stored decisions",
            source,
        })?;
    for r in rows {
        let seq = r.get::<_, i64>(0) as u64;
        let Some(encoded) = holds::reencode_decision(store, seq, r.get(1))? else {
            continue;
        };
        if let Ok(Some(hold)) = holds::next_row(None, &encoded, seq) {
            tx.execute(
                "UPDATE records SET hold_id = $1 WHERE seq = $2",
                &[&hold.hold_id, &(seq as i64)],
            )
            .map_err(|source| StoreError::Postgres {
                store: store.to_owned(),
                action: "open the holds of stored decisions",
                source,
            })?;
            write_hold(tx, store, &hold)?;
        }
    }
    Ok(())
}

/// The new rows of a batch, column by column, for one `INSERT … SELECT FROM UNNEST(…)`.
#[derive(Default)]
struct NewRows<'a> {
    seq: Vec<i64>,
    decision_id: Vec<String>,
    request_id: Vec<Option<&'a str>>,
    input_sha256: Vec<&'a str>,
    time: Vec<&'a str>,
    body: Vec<&'a [u8]>,
    leaf_hash: Vec<&'a [u8]>,
    kind: Vec<&'static str>,
    party_id: Vec<Option<&'a str>>,
    hold_id: Vec<Option<String>>,
}

impl<'a> NewRows<'a> {
    fn push(
        &mut self,
        index: u64,
        decision_id: String,
        rec: &'a EncodedRecord,
        opened_on_party: Option<String>,
    ) {
        self.seq.push(index as i64);
        self.decision_id.push(decision_id);
        self.request_id.push(rec.request_id.as_deref());
        self.input_sha256.push(&rec.input_sha256);
        self.time.push(&rec.time);
        self.body.push(&rec.bytes);
        self.leaf_hash.push(&rec.leaf_hash);
        self.kind.push(rec.kind.as_str());
        self.party_id.push(rec.party_id.as_deref());
        self.hold_id
            .push(opened_on_party.or_else(|| rec.hold_id().map(|h| h.to_string())));
    }
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn password_is_not_shown() {
        assert_eq!(
            display_name("postgres://audit:s3cret@db.example:5432/log"),
            "postgres://audit@db.example:5432/log"
        );
        assert_eq!(
            display_name("postgres://127.0.0.1:5433/log"),
            "postgres://127.0.0.1:5433/log"
        );
    }
}
