//! `GET /healthz` (the process answers) and `GET /readyz` (a policy set is
//! loaded and the audit store accepts writes; the body says what is wrong).

use super::state::{AppState, LastReload};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How long the store's write probe may take before the service is not ready.
const STORE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The process answers.
///
/// `{"status": "alive"}`; for a liveness probe. Open: no token.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Alive", body = Object))
)]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "alive" }))
}

/// What `/readyz` reports.
#[derive(Serialize)]
struct Readiness {
    ready: bool,
    policy_set: Value,
    audit: Value,
    /// How the last reload went (a refused one leaves the old generation
    /// serving: still ready, but said here with the reason).
    last_reload: Option<LastReload>,
    /// Everything that keeps the service from being ready, one line each.
    problems: Vec<String>,
}

/// Whether the service can judge and record.
///
/// 200 when a policy set is loaded and the audit store accepts writes, else 503;
/// the body is the same either way and lists every problem. Open: no token.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Object),
        (status = 503, description = "Not ready; `problems` says why", body = Object),
    )
)]
pub async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Value>) {
    let active = state.active();
    let generation = active.host.generation();
    let policy_set = json!({
        "digest": &*generation.set_digest,
        "generation": generation.number,
        "policies": active.host.policies().count(),
    });
    let mut problems = Vec::new();
    let audit = match &state.audit {
        None => {
            problems.push(
                "recording is off (`[audit] record = false`): enforce-mode checks are refused"
                    .to_owned(),
            );
            json!({ "store": null, "writable": false })
        }
        Some(audit) => {
            let url = audit.url.clone();
            match probe_store(&state).await {
                Ok(()) => json!({ "store": url, "writable": true }),
                Err(e) => {
                    problems.push(format!("audit store {url} does not accept writes: {e}"));
                    json!({ "store": url, "writable": false, "error": e })
                }
            }
        }
    };
    let ready = problems.is_empty();
    let body = Readiness {
        ready,
        policy_set,
        audit,
        last_reload: state.reloads.last(),
        problems,
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(serde_json::to_value(body).unwrap_or(Value::Null)),
    )
}

/// A real write through the recorder's writer that adds no leaf: keeping the
/// active set's canonical form again (content-addressed, so idempotent).
async fn probe_store(state: &Arc<AppState>) -> Result<(), String> {
    let state = Arc::clone(state);
    let probe = tokio::task::spawn_blocking(move || {
        let audit = state.audit.as_ref().ok_or("no audit store")?;
        let recorder = audit
            .recorder
            .read()
            .map_err(|_| "recorder lock poisoned")?;
        let recorder = recorder.as_ref().ok_or("the service is shutting down")?;
        recorder
            .keep_policy_set(state.active().host.canonical_form())
            .map(drop)
            .map_err(|e| e.to_string())
    });
    match tokio::time::timeout(STORE_PROBE_TIMEOUT, probe).await {
        Ok(Ok(result)) => result.map_err(|e: String| e),
        Ok(Err(e)) => Err(format!("the probe failed: {e}")),
        Err(_) => Err(format!(
            "no answer within {} s",
            STORE_PROBE_TIMEOUT.as_secs()
        )),
    }
}
