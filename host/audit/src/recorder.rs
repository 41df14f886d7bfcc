//! Group commit: callers hand records to one writer thread through a bounded queue; the writer
//! commits them in batches and acknowledges each record only after its batch is synced.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::any_record::Recordable;
use crate::canonical::CanonicalError;
use crate::checkpoint::CheckpointKey;
use crate::merkle::Tree;
use crate::record::{DecisionId, EncodedRecord};
use crate::store::{Inserted, Store, StoreError};

/// How often a SQLite store's WAL is copied into its database file, beside the
/// writer (`Store::checkpoint_in_background`). Each checkpoint syncs the
/// database file, and that sync competes with the WAL's syncs on the same disk,
/// so seldom is better: 2 s (measured against 200 ms and SQLite's own; the WAL
/// then holds at most ~2 s of records).
const WAL_CHECKPOINT_EVERY: Duration = Duration::from_millis(2000);

/// Tuning of a [`Recorder`].
#[derive(Clone, Debug)]
pub struct RecorderConfig {
    /// Records waiting for the writer; when full, [`Recorder::record`] fails at once.
    pub queue: usize,
    /// Most records in one commit.
    pub max_batch: usize,
    /// Write a checkpoint after this many new records …
    pub checkpoint_every: u64,
    /// … or this long after the last one, whichever comes first (and always on close).
    pub checkpoint_interval: Duration,
    /// How long the writer waits, after a [`Recorder::submit`]ted record arrives, for more to
    /// share its commit. Records that arrive while a commit is under way share the next one
    /// anyway; lingering matters to one caller that judges faster than a sync but slower
    /// than a write, such as a batch run, which would otherwise sync (and wake the writer
    /// for) each record alone. A commit started by a blocking [`Recorder::record`] does not
    /// linger; one that arrives during the wait is held back at most this long.
    pub linger: Duration,
    /// How long a commit waits for another connection's lock before failing.
    pub busy_timeout: Duration,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        Self {
            queue: 8192,
            max_batch: 1024,
            checkpoint_every: 10_000,
            checkpoint_interval: Duration::from_secs(10),
            linger: Duration::from_millis(2),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Proof that a record is durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The record's leaf index in the log.
    pub leaf_index: u64,
    /// The recorded decision id (the original one for a repeated request id).
    pub decision_id: DecisionId,
    /// True when the request id was already recorded with the same input: nothing new was
    /// written and this is the original decision.
    pub repeated: bool,
}

/// A record was not made durable. The caller must not return a verdict.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The queue is full: back-pressure (retry later, e.g. HTTP 503).
    #[error("audit store {store}: record queue full ({capacity} waiting); retry later")]
    QueueFull {
        /// The store.
        store: String,
        /// Queue capacity.
        capacity: usize,
    },
    /// The writer has stopped (after an earlier failure or close).
    #[error("audit store {store}: the writer has stopped")]
    Stopped {
        /// The store.
        store: String,
    },
    /// The store could not be used (e.g. for plugin bytes).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The batch holding this record could not be committed; nothing of it was stored.
    #[error("audit store {store}: record not committed: {cause}")]
    NotCommitted {
        /// The store.
        store: String,
        /// Why the commit failed.
        cause: String,
    },
    /// The request id was recorded before with a different input.
    #[error(
        "audit store {store}: request id `{request_id}` was already used for a different input"
    )]
    RequestIdConflict {
        /// The store.
        store: String,
        /// The request id.
        request_id: String,
    },
    /// The decision id is already in the log.
    #[error("audit store {store}: decision {decision_id} is already recorded")]
    DuplicateDecision {
        /// The store.
        store: String,
        /// The decision id.
        decision_id: DecisionId,
    },
    /// A hold action the rules refuse, given the hold's state when it came to be stored
    /// (e.g. another officer acted first): nothing was recorded.
    #[error("audit store {store}: {reason}")]
    HoldRefused {
        /// The store.
        store: String,
        /// Why, as the rules say it.
        reason: String,
    },
    /// The record could not be encoded.
    #[error(transparent)]
    Encode(#[from] CanonicalError),
    /// The record handed over as a [`Recorder::submit_with`] builder could not be built.
    #[error("audit store {store}: decision {decision_id} could not be built: {cause}")]
    NotBuilt {
        /// The store.
        store: String,
        /// The decision id.
        decision_id: DecisionId,
        /// Why.
        cause: String,
    },
}

/// Builds and encodes a record on the writer's thread (see [`Recorder::submit_with`]).
pub type RecordBuilder = Box<dyn FnOnce() -> Result<EncodedRecord, String> + Send>;

type Ack = SyncSender<Result<Receipt, RecordError>>;

enum Job {
    /// A record; `waiting` when its caller blocks on it ([`Recorder::record`]), so the
    /// commit holding it must not linger.
    Record(Box<EncodedRecord>, Ack, bool),
    /// A record still to be built and encoded, by the writer.
    Build(DecisionId, RecordBuilder, Ack),
    Plugin(Vec<u8>, SyncSender<Result<String, StoreError>>),
    PolicySet(String, SyncSender<Result<String, StoreError>>),
}

/// A record handed to the writer and not yet known to be durable.
#[must_use = "a verdict may be released only after its ticket resolves"]
#[derive(Debug)]
pub struct Ticket {
    store: String,
    decision_id: DecisionId,
    done: Receiver<Result<Receipt, RecordError>>,
}

impl Ticket {
    /// The decision id of the submitted record.
    pub fn decision_id(&self) -> DecisionId {
        self.decision_id
    }

    /// Blocks until the record is committed and synced (or failed).
    pub fn wait(self) -> Result<Receipt, RecordError> {
        self.done
            .recv()
            .unwrap_or(Err(RecordError::Stopped { store: self.store }))
    }
}

/// Counters of a running [`Recorder`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecorderStats {
    /// Records committed (new leaves).
    pub records: u64,
    /// Successful batch commits (each one sync).
    pub commits: u64,
    /// Checkpoints written.
    pub checkpoints: u64,
}

#[derive(Default)]
struct Counters {
    records: AtomicU64,
    commits: AtomicU64,
    checkpoints: AtomicU64,
}

/// Records decisions durably with group commit. Share it by reference between threads.
pub struct Recorder {
    name: String,
    counters: Arc<Counters>,
    capacity: usize,
    tx: Option<SyncSender<Job>>,
    writer: Option<JoinHandle<Result<(), StoreError>>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recorder({})", self.name)
    }
}

impl Recorder {
    /// Starts the writer thread on `store`; checkpoints are signed with `key`.
    pub fn start(
        store: Store,
        key: CheckpointKey,
        config: RecorderConfig,
    ) -> Result<Self, StoreError> {
        store.set_busy_timeout(config.busy_timeout)?;
        // The WAL is checkpointed beside the writer, so that no commit waits
        // for the database file to be synced.
        let checkpoints = store.checkpoint_in_background(WAL_CHECKPOINT_EVERY)?;
        let tree = store.tree()?;
        let last_checkpoint = store
            .checkpoint_notes()?
            .last()
            .map_or(0, |(size, _)| *size);
        let (tx, rx) = mpsc::sync_channel(config.queue.max(1));
        let name = store.name().to_owned();
        let capacity = config.queue.max(1);
        let counters = Arc::new(Counters::default());
        let shared = Arc::clone(&counters);
        let writer = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || {
                // Stops after the writer, with a last checkpoint.
                let _checkpoints = checkpoints;
                Writer {
                    store,
                    key,
                    config,
                    tree,
                    last_checkpoint,
                    last_time: Instant::now(),
                    counters: shared,
                    stale: false,
                }
                .run(rx)
            })
            .map_err(|e| StoreError::Damaged {
                store: name.clone(),
                detail: format!("cannot start the writer: {e}"),
            })?;
        Ok(Self {
            name,
            counters,
            capacity,
            tx: Some(tx),
            writer: Some(writer),
        })
    }

    /// Records one record (a decision, a screening) and blocks until it is committed and
    /// synced.
    pub fn record<R: Recordable + ?Sized>(&self, record: &R) -> Result<Receipt, RecordError> {
        self.queue(record, true)?.wait()
    }

    /// Queues one decision for the writer and returns at once; [`Ticket::wait`] gives its
    /// [`Receipt`] once it is committed and synced. A caller judging many shipments keeps
    /// judging while earlier records commit, and releases each verdict only after its ticket
    /// resolves. A full queue is an error here, as for [`Recorder::record`]: nothing is
    /// dropped, and an unresolved ticket never counts as recorded.
    pub fn submit<R: Recordable + ?Sized>(&self, record: &R) -> Result<Ticket, RecordError> {
        self.queue(record, false)
    }

    /// Like [`Recorder::submit`], but the record is built and encoded by the writer's thread:
    /// a caller judging on one thread hands over what it has (the shipment, its verdict) and
    /// goes on judging while the writer does the encoding, which costs about as much as the
    /// store's write. `decision_id` must be the id `build` gives its record (the writer
    /// refuses a record with another id).
    pub fn submit_with(
        &self,
        decision_id: DecisionId,
        build: RecordBuilder,
    ) -> Result<Ticket, RecordError> {
        let (ack, done) = mpsc::sync_channel(1);
        self.enqueue(Job::Build(decision_id, build, ack))?;
        Ok(Ticket {
            store: self.name.clone(),
            decision_id,
            done,
        })
    }

    fn queue<R: Recordable + ?Sized>(
        &self,
        record: &R,
        waiting: bool,
    ) -> Result<Ticket, RecordError> {
        let encoded = record.encode_record()?;
        let decision_id = encoded.decision_id;
        let (ack, done) = mpsc::sync_channel(1);
        self.enqueue(Job::Record(Box::new(encoded), ack, waiting))?;
        Ok(Ticket {
            store: self.name.clone(),
            decision_id,
            done,
        })
    }

    /// Keeps plugin bytes in the store (content-addressed); returns their SHA-256 (hex).
    pub fn keep_plugin(&self, bytes: &[u8]) -> Result<String, RecordError> {
        let (ack, done) = mpsc::sync_channel(1);
        self.enqueue(Job::Plugin(bytes.to_vec(), ack))?;
        match done.recv() {
            Ok(r) => r.map_err(RecordError::from),
            Err(_) => Err(RecordError::Stopped {
                store: self.name.clone(),
            }),
        }
    }

    /// Keeps a policy set's canonical form in the store (content-addressed by its digest);
    /// returns the digest. A replay rebuilds the set a record names from it.
    pub fn keep_policy_set(&self, form: &str) -> Result<String, RecordError> {
        let (ack, done) = mpsc::sync_channel(1);
        self.enqueue(Job::PolicySet(form.to_owned(), ack))?;
        match done.recv() {
            Ok(r) => r.map_err(RecordError::from),
            Err(_) => Err(RecordError::Stopped {
                store: self.name.clone(),
            }),
        }
    }

    fn enqueue(&self, job: Job) -> Result<(), RecordError> {
        let tx = self.tx.as_ref().ok_or_else(|| RecordError::Stopped {
            store: self.name.clone(),
        })?;
        tx.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => RecordError::QueueFull {
                store: self.name.clone(),
                capacity: self.capacity,
            },
            TrySendError::Disconnected(_) => RecordError::Stopped {
                store: self.name.clone(),
            },
        })
    }

    /// Records, commits and checkpoints so far (since start).
    pub fn stats(&self) -> RecorderStats {
        RecorderStats {
            records: self.counters.records.load(Ordering::Relaxed),
            commits: self.counters.commits.load(Ordering::Relaxed),
            checkpoints: self.counters.checkpoints.load(Ordering::Relaxed),
        }
    }

    /// Drains the queue, writes a final checkpoint and stops the writer.
    pub fn close(mut self) -> Result<(), StoreError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), StoreError> {
        self.tx.take();
        match self.writer.take() {
            Some(h) => h.join().unwrap_or_else(|_| {
                Err(StoreError::Damaged {
                    store: self.name.clone(),
                    detail: "the writer panicked".into(),
                })
            }),
            None => Ok(()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Closing writes the final checkpoint; an error here has no caller left to see it.
        let _ = self.shutdown();
    }
}

struct Writer {
    store: Store,
    key: CheckpointKey,
    config: RecorderConfig,
    tree: Tree,
    last_checkpoint: u64,
    last_time: Instant,
    counters: Arc<Counters>,
    /// The in-memory tree missed leaves written by another writer; reload it from the store.
    stale: bool,
}

impl Writer {
    fn run(mut self, rx: Receiver<Job>) -> Result<(), StoreError> {
        loop {
            let wait = self
                .config
                .checkpoint_interval
                .saturating_sub(self.last_time.elapsed());
            let first = match rx.recv_timeout(wait.max(Duration::from_millis(1))) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    self.maybe_checkpoint(true)?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            // A submitted record (nobody blocks on it) lets the writer sleep a little before
            // it gathers the batch: what arrives meanwhile shares the commit, and senders do
            // not have to wake a writer that is not waiting on the queue.
            let lingers = matches!(first, Job::Record(_, _, false) | Job::Build(..));
            if lingers && !self.config.linger.is_zero() {
                std::thread::sleep(self.config.linger);
            }
            let mut records = Vec::new();
            let mut job = Some(first);
            while let Some(j) = job.take() {
                match j {
                    Job::Record(rec, ack, _) => records.push((*rec, ack)),
                    Job::Build(decision_id, build, ack) => match self.build(decision_id, build) {
                        Ok(rec) => records.push((rec, ack)),
                        Err(e) => {
                            let _ = ack.send(Err(e));
                        }
                    },
                    Job::Plugin(bytes, ack) => {
                        let _ = ack.send(self.store.put_plugin(&bytes));
                    }
                    Job::PolicySet(form, ack) => {
                        let _ = ack.send(self.store.put_policy_set(&form));
                    }
                }
                if records.len() < self.config.max_batch {
                    job = rx.try_recv().ok();
                }
            }
            if !records.is_empty() {
                self.commit(records);
            }
            self.maybe_checkpoint(false)?;
        }
        self.maybe_checkpoint(true)
    }

    /// Builds and encodes a record handed over by [`Recorder::submit_with`].
    fn build(
        &self,
        decision_id: DecisionId,
        build: RecordBuilder,
    ) -> Result<EncodedRecord, RecordError> {
        let not_built = |cause: String| RecordError::NotBuilt {
            store: self.store.name().to_owned(),
            decision_id,
            cause,
        };
        let record = build().map_err(not_built)?;
        if record.decision_id != decision_id {
            return Err(not_built(format!(
                "the builder made decision {}",
                record.decision_id
            )));
        }
        Ok(record)
    }

    fn commit(&mut self, records: Vec<(EncodedRecord, Ack)>) {
        let batch: Vec<&EncodedRecord> = records.iter().map(|(r, _)| r).collect();
        let name = self.store.name().to_owned();
        match self.store.insert_batch(&batch) {
            Ok(results) => {
                self.counters.commits.fetch_add(1, Ordering::Relaxed);
                for ((rec, ack), result) in records.into_iter().zip(results) {
                    let reply = match result {
                        Inserted::New(leaf_index) => {
                            self.catch_up(leaf_index);
                            if leaf_index == self.tree.len() {
                                self.tree.push(rec.leaf_hash);
                            }
                            self.counters.records.fetch_add(1, Ordering::Relaxed);
                            Ok(Receipt {
                                leaf_index,
                                decision_id: rec.decision_id,
                                repeated: false,
                            })
                        }
                        Inserted::Existing(leaf_index, decision_id) => Ok(Receipt {
                            leaf_index,
                            decision_id,
                            repeated: true,
                        }),
                        Inserted::Conflict(request_id) => Err(RecordError::RequestIdConflict {
                            store: name.clone(),
                            request_id,
                        }),
                        Inserted::DuplicateDecision => Err(RecordError::DuplicateDecision {
                            store: name.clone(),
                            decision_id: rec.decision_id,
                        }),
                        Inserted::Refused(reason) => Err(RecordError::HoldRefused {
                            store: name.clone(),
                            reason,
                        }),
                    };
                    // A caller that went away still has its record stored; nothing to undo.
                    let _ = ack.send(reply);
                }
            }
            Err(e) => {
                // The error is shared by every record of the batch; keep its text for each.
                let cause = match &e {
                    StoreError::Sql { action, source, .. } => format!("{action}: {source}"),
                    StoreError::Postgres { action, source, .. } => format!("{action}: {source}"),
                    other => other.to_string(),
                };
                for (_, ack) in records {
                    let _ = ack.send(Err(RecordError::NotCommitted {
                        store: name.clone(),
                        cause: cause.clone(),
                    }));
                }
            }
        }
    }

    /// Another writer (another host on PostgreSQL, another process on SQLite) may have added
    /// leaves since ours; bring the in-memory tree up to `leaf_index` from the store before
    /// adding ours. If that read fails, the tree is reloaded before the next checkpoint.
    fn catch_up(&mut self, leaf_index: u64) {
        if self.stale || leaf_index <= self.tree.len() {
            return;
        }
        match self.store.leaf_hashes(self.tree.len(), leaf_index) {
            Ok(hashes) if hashes.len() as u64 == leaf_index - self.tree.len() => {
                for h in hashes {
                    self.tree.push(h);
                }
            }
            _ => self.stale = true,
        }
    }

    fn maybe_checkpoint(&mut self, timer_or_close: bool) -> Result<(), StoreError> {
        if self.stale {
            self.tree = self.store.tree()?;
            self.stale = false;
        }
        let pending = self.tree.len() - self.last_checkpoint;
        let due = pending >= self.config.checkpoint_every
            || (pending > 0
                && (timer_or_close || self.last_time.elapsed() >= self.config.checkpoint_interval));
        if due {
            let size = self.tree.len();
            let cp = self.key.sign_checkpoint(size, &self.tree.root());
            self.store.put_checkpoint(size, &cp.note)?;
            self.last_checkpoint = size;
            self.counters.checkpoints.fetch_add(1, Ordering::Relaxed);
        }
        if due || timer_or_close {
            self.last_time = Instant::now();
        }
        Ok(())
    }
}
