//! The service's ways into its audit store outside the judging path: reading
//! it on a blocking thread (decisions, holds, exemptions), and recording an
//! officer's record (a hold action, an exemption) through the running
//! recorder, answered once it is durable.

use std::sync::Arc;

use axum::http::StatusCode;
use exportctl_audit::{Receipt, RecordError, Recordable, Store};

use super::problem::Problem;
use super::state::AppState;

/// Runs `f` on the audit store on a blocking thread; 503 without a store.
pub(super) async fn read_store<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&Store) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let Some(audit) = &state.audit else {
        return Err(Problem::http(
            StatusCode::SERVICE_UNAVAILABLE,
            "no audit store is configured: nothing is recorded, so there are no decisions, holds or exemptions to read".to_owned(),
        ));
    };
    let url = audit.url.clone();
    tokio::task::spawn_blocking(move || {
        let store = Store::open_existing(&url).map_err(|e| Problem::internal(e.to_string()))?;
        f(&store)
    })
    .await
    .map_err(|e| Problem::internal(format!("reading the audit store failed: {e}")))?
}

/// Records `record` through the service's recorder and returns its receipt
/// once it is durable: 409 when the hold rules refuse it or its request id was
/// used for something else, 503 when it cannot be recorded.
pub(super) async fn record<R: Recordable + Send + 'static>(
    state: &Arc<AppState>,
    record: R,
) -> Result<Receipt, Problem> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let audit = state
            .audit
            .as_ref()
            .ok_or_else(|| Problem::not_recorded("no audit store is configured".to_owned()))?;
        let recorder = audit
            .recorder
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let recorder = recorder.as_ref().ok_or_else(|| {
            Problem::not_recorded(
                "the audit recorder is not running: nothing can be recorded".to_owned(),
            )
        })?;
        recorder.record(&record).map_err(|e| match e {
            RecordError::HoldRefused { reason, .. } => Problem::hold_refused(reason),
            RecordError::RequestIdConflict { .. } => Problem::request_id_conflict(e.to_string()),
            other => Problem::not_recorded(other.to_string()),
        })
    })
    .await
    .map_err(|e| Problem::internal(format!("recording failed: {e}")))?
}
