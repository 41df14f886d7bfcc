//! What every request shares: the active policy-set generation, the judging
//! pool, the decision recorder and the limits.

use super::auth::Tokens;
use super::config::ServeConfig;
use super::pool::JudgePool;
use super::routes::RequestLimits;
use exportctl::{DecisionRecorder, Host};
use exportctl_audit::{Recorder, Store};
use std::sync::{Arc, Mutex, RwLock};

/// One loaded policy set and how its decisions are recorded. Requests take an
/// `Arc` of it when they start and finish on it, whatever is swapped in meanwhile.
pub struct Active {
    /// The loaded set.
    pub host: Arc<Host>,
    /// Builds this set's records; `None` when no audit store is configured.
    pub records: Option<DecisionRecorder>,
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
    /// The active generation (a reload will swap it here).
    active: RwLock<Arc<Active>>,
    /// Judging threads.
    pub pool: JudgePool,
    /// The audit store, if decisions are recorded.
    pub audit: Option<Audit>,
    /// Limits and addresses.
    pub config: ServeConfig,
    /// In-flight and time limits of API requests.
    pub limits: Arc<RequestLimits>,
    /// The tokens clients authenticate with.
    pub tokens: Arc<Tokens>,
}

impl AppState {
    /// State serving `active`.
    pub fn new(
        active: Active,
        pool: JudgePool,
        audit: Option<Audit>,
        config: ServeConfig,
        tokens: Tokens,
    ) -> AppState {
        let limits = Arc::new(RequestLimits::new(
            config.max_in_flight,
            config.request_timeout,
        ));
        AppState {
            active: RwLock::new(Arc::new(active)),
            pool,
            audit,
            config,
            limits,
            tokens: Arc::new(tokens),
        }
    }

    /// The generation a new request is judged with.
    pub fn active(&self) -> Arc<Active> {
        match self.active.read() {
            Ok(active) => Arc::clone(&active),
            // A poisoned lock still holds a complete generation (swaps are one store).
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }
}
