//! The router, built in one place: every endpoint, and the limits every API
//! request passes through (body size, in-flight requests, time).

use super::check;
use super::health;
use super::problem::Problem;
use super::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

/// Every endpoint of the service.
pub fn router(state: Arc<AppState>) -> Router {
    // The API: limited in flight and in time. Probes are not, so that a
    // saturated service still says it is alive.
    let api = Router::new()
        .route("/v1/check", post(check::check))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), limits))
        .layer(DefaultBodyLimit::max(state.config.body_bytes));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(api)
        .fallback(not_found)
        .with_state(state)
}

/// Refuses a request when `max_in_flight` are already being handled (503 with
/// `Retry-After`: back-pressure, never a silent drop), and answers 503 when one
/// takes longer than the request timeout.
async fn limits(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = state.in_flight.try_acquire() else {
        return Problem::overloaded(format!(
            "{} requests are in flight, the configured maximum",
            state.config.max_in_flight
        ))
        .into_response();
    };
    let timeout = state.config.request_timeout;
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        // A record already handed to the writer is still written: a retry with
        // the same request id answers that decision.
        Err(_) => Problem::timed_out(format!(
            "no answer within {} ms; retry with the same request_id to get the decision if one was made",
            timeout.as_millis()
        ))
        .into_response(),
    }
}

async fn not_found(request: Request) -> Response {
    Problem::http(
        axum::http::StatusCode::NOT_FOUND,
        format!("no endpoint {} {}", request.method(), request.uri().path()),
    )
    .into_response()
}
