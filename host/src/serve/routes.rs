//! The router, built in one place: every endpoint, the role each group of
//! API endpoints needs, and the limits every API request passes through (body
//! size, in-flight requests, time).
//!
//! Endpoints are registered with `routes!` on an [`OpenApiRouter`], which
//! collects each handler's `#[utoipa::path]` into the API document: what is
//! served is what is described.
//!
//! Open without a token: the probes (an orchestrator has no token),
//! `/metrics` (counts and timings, no decision contents; a scraper is
//! configured with an address, rarely a bearer token), `/openapi.json` and
//! `/api` (the API's public description).

use super::api_page;
use super::auth::{self, Role, Tokens};
use super::batch;
use super::check;
use super::console;
use super::decisions;
use super::exemptions;
use super::generations;
use super::health;
use super::holds;
use super::log;
use super::metrics::{InFlight, Metrics, OPENMETRICS_TEXT, Rejection};
use super::openapi::{self, ApiDoc};
use super::policies;
use super::problem::Problem;
use super::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every endpoint of the service.
pub fn router(state: Arc<AppState>) -> Router {
    let (router, api) = described(&state).split_for_parts();
    let document = openapi::document(api);
    let page = api_page::render(&document);
    router
        .merge(console::router(Arc::clone(&state)))
        .layer(Extension(Arc::new(Described { document, page })))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(log::requests))
        .with_state(state)
}

/// The finished API document and its page, made once at start.
struct Described {
    document: Value,
    page: String,
}

/// Every described endpoint, with its roles and limits.
fn described(state: &Arc<AppState>) -> OpenApiRouter<Arc<AppState>> {
    // Who may call what: one group per role set, its roles named here only.
    let check = guarded(
        &state.tokens,
        &[Role::Check],
        OpenApiRouter::new()
            .routes(routes!(check::check))
            .routes(routes!(batch::batch)),
    );
    let auditor = guarded(
        &state.tokens,
        &[Role::Auditor],
        OpenApiRouter::new()
            .routes(routes!(decisions::list))
            .routes(routes!(decisions::show))
            .routes(routes!(decisions::proof))
            .routes(routes!(decisions::replay)),
    );
    // Holds: officers work them, auditors read them, and an ERP (a check
    // token) polls the changes of the holds its checks opened.
    let holds_read = guarded(
        &state.tokens,
        &[Role::Officer, Role::Auditor],
        OpenApiRouter::new()
            .routes(routes!(holds::list))
            .routes(routes!(holds::show))
            .routes(routes!(exemptions::list)),
    );
    let holds_act = guarded(
        &state.tokens,
        &[Role::Officer],
        OpenApiRouter::new()
            .routes(routes!(holds::act_handler))
            .routes(routes!(exemptions::grant_handler))
            .routes(routes!(exemptions::expire_handler)),
    );
    let holds_feed = guarded(
        &state.tokens,
        &[Role::Check, Role::Officer, Role::Auditor],
        OpenApiRouter::new().routes(routes!(holds::changes)),
    );
    let policies = guarded(
        &state.tokens,
        &[Role::Auditor, Role::Admin],
        OpenApiRouter::new().routes(routes!(policies::policies)),
    );
    // The API: limited in flight and in time. Probes are not, so that a
    // saturated service still says it is alive.
    let api = OpenApiRouter::new()
        .merge(check)
        .merge(auditor)
        .merge(holds_read)
        .merge(holds_act)
        .merge(holds_feed)
        .merge(policies)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state.limits),
            limit,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_bytes));
    // Reloads run one at a time and may take longer than a check may (the set's
    // plugins are compiled): not under the request timeout or in-flight limit.
    let admin = guarded(
        &state.tokens,
        &[Role::Admin],
        OpenApiRouter::new()
            .routes(routes!(generations::reload_handler))
            .routes(routes!(generations::rollback_handler)),
    );
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics))
        .routes(routes!(openapi_json))
        .routes(routes!(api_html))
        .merge(api)
        .merge(admin)
}

/// The API document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object))
)]
async fn openapi_json(Extension(described): Extension<Arc<Described>>) -> Json<Value> {
    Json(described.document.clone())
}

/// The API document as a page to read, served from the binary (no scripts, nothing
/// fetched: works air-gapped).
#[utoipa::path(
    get,
    path = "/api",
    tag = "operations",
    responses((status = 200, description = "HTML", content_type = "text/html"))
)]
async fn api_html(Extension(described): Extension<Arc<Described>>) -> Html<String> {
    Html(described.page.clone())
}

/// `routes`, each answered only for a client with one of `any_of` (401/403 otherwise).
fn guarded<S: Clone + Send + Sync + 'static>(
    tokens: &Arc<Tokens>,
    any_of: &'static [Role],
    routes: OpenApiRouter<S>,
) -> OpenApiRouter<S> {
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
    body_bytes: usize,
    metrics: Arc<Metrics>,
}

impl RequestLimits {
    /// At most `max_in_flight` requests at once, each answered within
    /// `timeout`; requests in flight and refusals are counted in `metrics`.
    /// A refused request's body, up to `body_bytes`, is read before the
    /// refusal is sent (see [`limit`]).
    pub fn new(
        max_in_flight: usize,
        timeout: Duration,
        body_bytes: usize,
        metrics: Arc<Metrics>,
    ) -> RequestLimits {
        RequestLimits {
            in_flight: Semaphore::new(max_in_flight),
            max_in_flight,
            timeout,
            body_bytes,
            metrics,
        }
    }
}

/// Refuses a request when `max_in_flight` are already being handled (503 with
/// `Retry-After`: back-pressure, never a silent drop), and answers 503 when one
/// takes longer than the request timeout.
async fn limit(State(limits): State<Arc<RequestLimits>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = limits.in_flight.try_acquire() else {
        limits.metrics.rejected(Rejection::Overloaded);
        // Read the body the client is still sending before refusing: a
        // connection closed with unread bytes is reset, and the client sees
        // "connection reset" instead of the 503 it can act on. Bounded by the
        // body limit and the request timeout; past either the connection is
        // closed as before.
        let _ = tokio::time::timeout(
            limits.timeout,
            axum::body::to_bytes(request.into_body(), limits.body_bytes),
        )
        .await;
        return Problem::overloaded(format!(
            "{} requests are in flight, the configured maximum",
            limits.max_in_flight
        ))
        .into_response();
    };
    let _counted: InFlight = limits.metrics.in_flight();
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        // A record already handed to the writer is still written: a retry with
        // the same request id answers that decision.
        Err(_) => {
            limits.metrics.rejected(Rejection::Timeout);
            Problem::timed_out(format!(
            "no answer within {} ms; retry with the same request_id to get the decision if one was made",
            limits.timeout.as_millis()
        ))
            .into_response()
        }
    }
}

/// Every counter, gauge and histogram of the service.
///
/// Decisions by outcome and mode, evaluation time per policy, policy errors,
/// audit append time and failures, reloads, the active generation, requests in
/// flight and refused. Open, like the probes: it holds counts, never shipments.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text"))
)]
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, OPENMETRICS_TEXT)],
        state.metrics.render(),
    )
        .into_response()
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
    use axum::routing::get;
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
        let (router, _): (Router, _) = guarded(
            &Arc::new(tokens),
            &[Role::Admin, Role::Auditor],
            OpenApiRouter::new().route("/v1/policies", get(|| async { "set" })),
        )
        .split_for_parts();
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
            RequestLimits::new(4, Duration::from_millis(20), 1 << 20, Arc::default()),
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
            RequestLimits::new(1, Duration::from_secs(5), 1 << 20, Arc::default()),
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
