//! Policy changes without dropping a decision: `POST /v1/policies/reload` and
//! SIGHUP load the configured policy-set file again, `POST /v1/policies/rollback`
//! returns to the generation before.
//!
//! A reload loads and verifies the set (signatures, trust store, plugins: what
//! `exportctl serve` checks at start) on a blocking thread **beside** the
//! running one, keeps its plugins and canonical form in the audit store, and
//! only then swaps it in as generation *highest + 1*. Requests take their
//! generation once when they start and finish on it. A set that does not load
//! changes nothing: the old generation keeps serving, the reload answers 422
//! with the reason, and `/readyz` shows it (still ready).
//!
//! A rollback makes the previous generation active again **under its own
//! number** (verdicts name the generation that judged them, and that number
//! names one set); the generation it replaces becomes the previous one, so a
//! second rollback undoes the first. Reloads and rollbacks run one at a time.

use super::REQUESTED_BY;
use super::metrics::ReloadResult;
use super::problem::Problem;
use super::state::{Active, AppState, Audit, LastReload};
use crate::cli::load_error_line;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exportctl::{CodeCache, DecisionRecorder, Host, PolicySetConfig, StoreInput};
use exportctl_audit::Recorder;
use serde_json::{Value, json};
use std::sync::Arc;

/// Why a reload was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The set did not load or did not verify.
    #[error("the policy set was not loaded: {0}")]
    Load(String),
    /// The set loaded but could not be kept in the audit store, so its
    /// decisions could not be replayed: it is not swapped in.
    #[error("the policy set could not be kept in the audit store: {0}")]
    Store(String),
    /// The loading thread failed.
    #[error("loading the policy set failed: {0}")]
    Internal(String),
}

impl ReloadError {
    fn problem(&self) -> Problem {
        match self {
            ReloadError::Load(_) => Problem::policy_set_refused(self.to_string()),
            ReloadError::Store(_) => Problem::not_recorded(self.to_string()),
            ReloadError::Internal(_) => Problem::internal(self.to_string()),
        }
    }
}

/// Keeps `host`'s plugins and canonical form in the store (a replay rebuilds the
/// set from both) and returns the recorder of its decisions.
pub fn keep_set(
    recorder: &Recorder,
    host: &Arc<Host>,
    store_input: StoreInput,
) -> Result<DecisionRecorder, String> {
    for bytes in DecisionRecorder::plugin_bytes(host) {
        recorder.keep_plugin(bytes).map_err(|e| e.to_string())?;
    }
    recorder
        .keep_policy_set(host.canonical_form())
        .map_err(|e| e.to_string())?;
    DecisionRecorder::new(host, REQUESTED_BY, store_input).map_err(|e| e.to_string())
}

/// Loads the configured set as generation `number`, ready to be swapped in.
fn load(state: &AppState, number: u64) -> Result<Active, ReloadError> {
    let set = match &state.config.policies {
        Some(path) => PolicySetConfig::load(path),
        None => PolicySetConfig::bundled_default(),
    }
    .map_err(|e| ReloadError::Load(load_error_line(&e)))?;
    let store_input = set
        .audit
        .as_ref()
        .map_or(StoreInput::Full, |a| a.store_input);
    let host = Host::builder(set)
        .code_cache(CodeCache::from_env())
        .generation(number)
        .build()
        .map_err(|e| ReloadError::Load(load_error_line(&e)))?;
    let records = match &state.audit {
        None => None,
        Some(Audit { recorder, url, .. }) => {
            let slot = recorder
                .read()
                .map_err(|_| ReloadError::Internal("the recorder's lock is poisoned".into()))?;
            let recorder = slot.as_ref().ok_or_else(|| {
                ReloadError::Store(format!("audit store {url}: the service is shutting down"))
            })?;
            Some(
                keep_set(recorder, &host, store_input)
                    .map_err(|e| ReloadError::Store(format!("audit store {url}: {e}")))?,
            )
        }
    };
    Ok(Active {
        host,
        records,
        loaded_at: exportctl_audit::record::now(),
    })
}

/// Loads the configured set beside the running one and swaps it in; returns the
/// new generation. One at a time; runs to its end even if the caller goes away.
pub async fn reload(state: Arc<AppState>) -> Result<Arc<Active>, ReloadError> {
    let task = tokio::spawn(async move {
        let mut highest = state.reloading.lock().await;
        let number = *highest + 1;
        let loading = Arc::clone(&state);
        let loaded = tokio::task::spawn_blocking(move || load(&loading, number))
            .await
            .map_err(|e| ReloadError::Internal(e.to_string()))
            .and_then(|loaded| loaded);
        let outcome = match loaded {
            Ok(active) => {
                let active = Arc::new(active);
                state.activate(Arc::clone(&active));
                *highest = number;
                Ok(active)
            }
            Err(e) => Err(e),
        };
        state.metrics.reloaded(if outcome.is_ok() {
            ReloadResult::Loaded
        } else {
            ReloadResult::Refused
        });
        state.reloads.count(LastReload {
            at: exportctl_audit::record::now(),
            succeeded: outcome.is_ok(),
            generation: outcome.as_ref().ok().map(|a| a.host.generation().number),
            error: outcome.as_ref().err().map(ToString::to_string),
        });
        outcome
    });
    task.await
        .map_err(|e| ReloadError::Internal(e.to_string()))
        .and_then(|outcome| outcome)
}

/// A generation as the API shows it.
pub fn describe(active: &Active) -> Value {
    let generation = active.host.generation();
    json!({
        "generation": generation.number,
        "digest": &*generation.set_digest,
        "loaded_at": active.loaded_at,
    })
}

fn swapped(state: &AppState, active: &Active) -> Value {
    json!({
        "active": describe(active),
        "previous": state.previous().as_deref().map(describe),
    })
}

/// Load the configured policy set again and swap it in.
///
/// The set is loaded and verified beside the running one, kept in the audit
/// store, then swapped in atomically as generation +1 (SIGHUP does the same).
/// Requests in flight finish on the generation they started with. A set that
/// does not load is refused with the reason, and the running one keeps serving.
#[utoipa::path(
    post,
    path = "/v1/policies/reload",
    tag = "policies",
    responses(
        (status = 200, description = "`{\"active\", \"previous\"}` generations", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The set was refused; the reason is in `detail`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The set could not be kept in the audit store", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
pub async fn reload_handler(State(state): State<Arc<AppState>>) -> Response {
    match reload(Arc::clone(&state)).await {
        Ok(active) => {
            let generation = active.host.generation();
            tracing::info!(
                policy_set = %generation.set_digest,
                generation = generation.number,
                "policy set reloaded"
            );
            Json(swapped(&state, &active)).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "reload refused; the running set keeps serving");
            e.problem().into_response()
        }
    }
}

/// Return to the previous generation.
///
/// The previous generation serves again under its own number; a second
/// rollback undoes the first.
#[utoipa::path(
    post,
    path = "/v1/policies/rollback",
    tag = "policies",
    responses(
        (status = 200, description = "`{\"active\", \"previous\"}` generations", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No previous generation", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["admin"]))
)]
pub async fn rollback_handler(State(state): State<Arc<AppState>>) -> Response {
    let _one_at_a_time = state.reloading.lock().await;
    let Some(active) = state.swap_back() else {
        return Problem::http(
            StatusCode::CONFLICT,
            "there is no previous generation to roll back to: no reload has succeeded yet"
                .to_owned(),
        )
        .into_response();
    };
    state
        .reloads
        .rollbacks
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    state.metrics.reloaded(ReloadResult::RolledBack);
    let generation = active.host.generation();
    tracing::info!(
        policy_set = %generation.set_digest,
        generation = generation.number,
        "rolled back"
    );
    Json(swapped(&state, &active)).into_response()
}

/// Reloads on every SIGHUP until the service stops.
pub async fn reload_on_sighup(state: Arc<AppState>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("no SIGHUP handler: reload with POST /v1/policies/reload");
        return;
    };
    while hangups.recv().await.is_some() {
        match reload(Arc::clone(&state)).await {
            Ok(active) => tracing::info!(
                policy_set = %active.host.generation().set_digest,
                generation = active.host.generation().number,
                "SIGHUP: policy set reloaded"
            ),
            Err(e) => tracing::warn!(
                error = %e,
                "SIGHUP: reload refused; the running set keeps serving"
            ),
        }
    }
}
