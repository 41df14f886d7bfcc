//! The router, built in one place: every endpoint, the role each group of
//! API endpoints needs, and the limits every API request passes through (body
//! size, in-flight requests, time).
//!
//! Open without a token: the probes (an orchestrator has no token), and —
//! added later — `/metrics` (counts and timings, no decision contents; a
//! scraper is configured with an address, rarely a bearer token) and
//! `/openapi.json` (the API's public description).

use super::auth::{self, Role, Tokens};
use super::check;
use super::health;
use super::log;
use super::problem::Problem;
use super::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Every endpoint of the service.
pub fn router(state: Arc<AppState>) -> Router {
    // Who may call what: one group per role set, its roles named here only
    // (to come: `/v1/decisions*` auditor; GET `/v1/policies` auditor or admin;
    // `/v1/policies/reload|rollback` admin).
    let checks = guarded(
        &state.tokens,
        &[Role::Check],
        Router::new().route("/v1/check", post(check::check)),
    );
    // The API: limited in flight and in time. Probes are not, so that a
    // saturated service still says it is alive.
    let api = Router::new()
        .merge(checks)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state.limits),
            limit,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_bytes));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(log::requests))
        .with_state(state)
}

/// `routes`, each answered only for a client with one of `any_of` (401/403 otherwise).
fn guarded<S: Clone + Send + Sync + 'static>(
    tokens: &Arc<Tokens>,
    any_of: &'static [Role],
    routes: Router<S>,
) -> Router<S> {
    routes.route_layer(middleware::from_fn_with_state(
        auth::require(tokens, any_of),
        auth::authorize,
    ))
}

/// How many API requests may be in flight, and for how long each.
pub struct RequestLimits {
    in_flight: Semaphore,
    max_in_flight: usize,
    timeout: Duration,
}

impl RequestLimits {
    /// At most `max_in_flight` requests at once, each answered within `timeout`.
    pub fn new(max_in_flight: usize, timeout: Duration) -> RequestLimits {
        RequestLimits {
            in_flight: Semaphore::new(max_in_flight),
            max_in_flight,
            timeout,
        }
    }
}

/// Refuses a request when `max_in_flight` are already being handled (503 with
/// `Retry-After`: back-pressure, never a silent drop), and answers 503 when one
/// takes longer than the request timeout.
async fn limit(State(limits): State<Arc<RequestLimits>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = limits.in_flight.try_acquire() else {
        return Problem::overloaded(format!(
            "{} requests are in flight, the configured maximum",
            limits.max_in_flight
        ))
        .into_response();
    };
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        // A record already handed to the writer is still written: a retry with
        // the same request id answers that decision.
        Err(_) => Problem::timed_out(format!(
            "no answer within {} ms; retry with the same request_id to get the decision if one was made",
            limits.timeout.as_millis()
        ))
        .into_response(),
    }
}

async fn method_not_allowed(request: Request) -> Response {
    Problem::http(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} does not take {}",
            request.uri().path(),
            request.method()
        ),
    )
    .into_response()
}

async fn not_found(request: Request) -> Response {
    Problem::http(
        axum::http::StatusCode::NOT_FOUND,
        format!("no endpoint {} {}", request.method(), request.uri().path()),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use tower::ServiceExt;

    /// A route behind the limits whose handler takes `wait`.
    fn slow(limits: RequestLimits, wait: Duration) -> Router {
        Router::new()
            .route(
                "/slow",
                get(move || async move {
                    tokio::time::sleep(wait).await;
                    "done"
                }),
            )
            .layer(middleware::from_fn_with_state(Arc::new(limits), limit))
    }

    fn request() -> Request {
        Request::builder()
            .uri("/slow")
            .body(Body::empty())
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// A group needing `admin` or `auditor`, behind tokens for `check` and `auditor`.
    #[tokio::test]
    async fn a_group_answers_only_tokens_with_one_of_its_roles() {
        use super::super::auth::{TokenEntry, token_digest};
        let entry = |name: &str, role: Role| TokenEntry {
            name: name.to_owned(),
            roles: vec![role],
            sha256: hex::encode(token_digest(name)),
        };
        let tokens = Tokens::new([entry("erp", Role::Check), entry("audit", Role::Auditor)])
            .unwrap_or_else(|e| unreachable!("{e}"));
        let router: Router = guarded(
            &Arc::new(tokens),
            &[Role::Admin, Role::Auditor],
            Router::new().route("/v1/policies", get(|| async { "set" })),
        );
        let call = |token: Option<&str>| {
            let mut request = Request::builder().uri("/v1/policies");
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            router.clone().oneshot(
                request
                    .body(Body::empty())
                    .unwrap_or_else(|e| unreachable!("{e}")),
            )
        };
        let status = |r: Result<Response, std::convert::Infallible>| {
            r.unwrap_or_else(|e| unreachable!("{e}")).status()
        };
        assert_eq!(status(call(None).await), StatusCode::UNAUTHORIZED);
        assert_eq!(status(call(Some("nobody")).await), StatusCode::UNAUTHORIZED);
        assert_eq!(status(call(Some("erp")).await), StatusCode::FORBIDDEN);
        assert_eq!(status(call(Some("audit")).await), StatusCode::OK);
    }

    #[tokio::test]
    async fn a_request_over_its_time_is_503_problem() {
        let router = slow(
            RequestLimits::new(4, Duration::from_millis(20)),
            Duration::from_secs(5),
        );
        let response = router
            .oneshot(request())
            .await
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(super::super::problem::PROBLEM_JSON.as_bytes())
        );
        assert!(response.headers().contains_key(header::RETRY_AFTER));
    }

    #[tokio::test]
    async fn a_request_past_the_in_flight_limit_is_refused_at_once() {
        let router = slow(
            RequestLimits::new(1, Duration::from_secs(5)),
            Duration::from_millis(300),
        );
        let first = tokio::spawn(router.clone().oneshot(request()));
        // Let the first request take the only permit.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = router
            .oneshot(request())
            .await
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            second
                .headers()
                .get(header::RETRY_AFTER)
                .map(|v| v.as_bytes()),
            Some(&b"1"[..])
        );
        let first = first
            .await
            .unwrap_or_else(|e| unreachable!("{e}"))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(first.status(), StatusCode::OK);
    }
}
