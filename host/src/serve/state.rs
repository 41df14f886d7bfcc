//! What every request shares: the active policy-set generation (and the one
//! before it), the judging pool, the decision recorder and the limits.

use super::auth::Tokens;
use super::config::ServeConfig;
use super::metrics::Metrics;
use super::pool::JudgePool;
use super::routes::RequestLimits;
use exportctl::{DecisionRecorder, Host};
use exportctl_audit::{Recorder, Store};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// One loaded policy set and how its decisions are recorded. Requests take an
/// `Arc` of it when they start and finish on it, whatever is swapped in meanwhile.
pub struct Active {
    /// The loaded set.
    pub host: Arc<Host>,
    /// Builds this set's records; `None` when no audit store is configured.
    pub records: Option<DecisionRecorder>,
    /// When it was loaded (RFC 3339, UTC).
    pub loaded_at: String,
}

/// The generation that serves and the one before it (for rollback).
pub struct Generations {
    /// Judges every new request.
    pub active: Arc<Active>,
    /// What served before the last reload or rollback.
    pub previous: Option<Arc<Active>>,
}

/// The audit store as the service uses it.
pub struct Audit {
    /// The store's URL, for messages.
    pub url: String,
    /// The group-commit writer; taken out and closed at shutdown.
    pub recorder: RwLock<Option<Recorder>>,
    /// A second connection, for reading back the original decision of a
    /// repeated request id (the writer's connection belongs to its thread).
    pub reader: Mutex<Store>,
}

/// Shared by every request.
pub struct AppState {
    /// The active generation and the one before; swapped whole, in one store.
    generations: RwLock<Generations>,
    /// Reloads and rollbacks, one at a time: holds the highest generation
    /// number loaded so far.
    pub reloading: tokio::sync::Mutex<u64>,
    /// How reloads went, for `/readyz` and metrics.
    pub reloads: ReloadStats,
    /// Judging threads.
    pub pool: JudgePool,
    /// The audit store, if decisions are recorded.
    pub audit: Option<Audit>,
    /// Limits and addresses.
    pub config: ServeConfig,
    /// In-flight and time limits of API requests.
    pub limits: Arc<RequestLimits>,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// The tokens clients authenticate with.
    pub tokens: Arc<Tokens>,
    /// Officers' exemptions in force, as last read from the store.
    pub exemptions: super::exemptions::ExemptionCache,
}

impl AppState {
    /// State serving `active`, counting into `metrics`.
    pub fn new(
        active: Active,
        pool: JudgePool,
        audit: Option<Audit>,
        config: ServeConfig,
        metrics: Arc<Metrics>,
        tokens: Tokens,
    ) -> AppState {
        let limits = Arc::new(RequestLimits::new(
            config.max_in_flight,
            config.request_timeout,
            config.body_bytes,
            Arc::clone(&metrics),
        ));
        metrics.serving(active.host.generation().number);
        let highest = active.host.generation().number;
        AppState {
            generations: RwLock::new(Generations {
                active: Arc::new(active),
                previous: None,
            }),
            reloading: tokio::sync::Mutex::new(highest),
            reloads: ReloadStats::default(),
            pool,
            audit,
            config,
            limits,
            metrics,
            tokens: Arc::new(tokens),
            exemptions: super::exemptions::ExemptionCache::default(),
        }
    }

    /// The generation a new request is judged with.
    pub fn active(&self) -> Arc<Active> {
        match self.generations.read() {
            Ok(g) => Arc::clone(&g.active),
            // A poisoned lock still holds a complete generation (swaps are one store).
            Err(poisoned) => Arc::clone(&poisoned.into_inner().active),
        }
    }

    /// The generation before the active one, if any.
    pub fn previous(&self) -> Option<Arc<Active>> {
        match self.generations.read() {
            Ok(g) => g.previous.clone(),
            Err(poisoned) => poisoned.into_inner().previous.clone(),
        }
    }

    /// Makes `next` the active generation; the active one becomes the previous.
    /// Requests already running keep the `Arc` they took.
    pub fn activate(&self, next: Arc<Active>) {
        let mut g = match self.generations.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.metrics.serving(next.host.generation().number);
        let before = std::mem::replace(&mut g.active, next);
        g.previous = Some(before);
    }

    /// Swaps the active and the previous generation; `None` (and nothing
    /// changes) when there is no previous one.
    pub fn swap_back(&self) -> Option<Arc<Active>> {
        let mut g = match self.generations.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let previous = g.previous.take()?;
        self.metrics.serving(previous.host.generation().number);
        let before = std::mem::replace(&mut g.active, Arc::clone(&previous));
        g.previous = Some(before);
        Some(previous)
    }
}

/// Reloads by result, and the last one's outcome.
#[derive(Default)]
pub struct ReloadStats {
    /// Reloads that swapped in a new generation.
    pub succeeded: AtomicU64,
    /// Reloads refused (the set did not load, or could not be kept in the store).
    pub failed: AtomicU64,
    /// Rollbacks done.
    pub rollbacks: AtomicU64,
    /// The last reload, if any.
    pub last: Mutex<Option<LastReload>>,
}

/// How the last reload went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LastReload {
    /// When it ended (RFC 3339, UTC).
    pub at: String,
    /// Whether it swapped in a new generation.
    pub succeeded: bool,
    /// The generation it made active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReloadStats {
    /// Counts a reload and keeps its outcome.
    pub fn count(&self, last: LastReload) {
        let counter = if last.succeeded {
            &self.succeeded
        } else {
            &self.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        match self.last.lock() {
            Ok(mut slot) => *slot = Some(last),
            Err(poisoned) => *poisoned.into_inner() = Some(last),
        }
    }

    /// The last reload's outcome.
    pub fn last(&self) -> Option<LastReload> {
        match self.last.lock() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
