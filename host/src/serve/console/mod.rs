//! The compliance officer's console at `/ui`: server-rendered HTML, readable
//! without JavaScript (none is served), signed in once with a token and then
//! kept by a session cookie, every form carrying the session's CSRF token.
//!
//! - [`session`] — sessions, their cookie and CSRF token;
//! - [`signin`] — `GET`/`POST /ui/signin`, `POST /ui/signout`;
//! - [`dashboard`] — `GET /ui`;
//! - [`holds`] — the hold queue, a hold's page and an officer's action on it;
//! - [`page`] — the frame every page shares, and its security headers.

mod dashboard;
mod holds;
mod page;
pub mod session;
mod signin;

use super::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use session::{CONSOLE_ROLES, Sessions, SignedIn};
use std::collections::HashMap;
use std::sync::Arc;

/// What the console's handlers share.
pub struct Console {
    app: Arc<AppState>,
    sessions: Sessions,
}

/// The console's routes, served beside the API.
pub fn router<S: Clone + Send + Sync + 'static>(app: Arc<AppState>) -> Router<S> {
    let secure = app.config.tls.is_some();
    let console = Arc::new(Console {
        app,
        sessions: Sessions::new(secure),
    });
    Router::new()
        .route("/ui", get(dashboard))
        .route("/ui/holds", get(hold_queue))
        .route("/ui/holds/{id}", get(hold_page).post(hold_act))
        .route("/ui/exemptions", get(exemption_list).post(exemption_grant))
        .route("/ui/exemptions/{id}/expire", post(exemption_end))
        .route("/ui/signin", get(signin::form).post(signin::submit))
        .route("/ui/signout", post(signin::sign_out))
        .with_state(console)
}

async fn dashboard(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let signed = match signed_in(&console, &headers) {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let fields = form_fields(query.unwrap_or_default().as_bytes());
    let nonempty = |name: &str| fields.get(name).filter(|v| !v.trim().is_empty()).cloned();
    let store = console.app.audit.as_ref().map(|a| a.url.clone());
    dashboard::show(&signed, store, nonempty("from"), nonempty("to")).await
}

async fn hold_queue(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::queue(&console, &signed, query.as_deref()).await,
        Err(refused) => refused.into_response(),
    }
}

async fn hold_page(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::show(&console, &signed, &id, None).await,
        Err(refused) => refused.into_response(),
    }
}

async fn hold_act(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::act(&console, &signed, &id, &body).await,
        Err(refused) => refused.into_response(),
    }
}

async fn exemption_list(State(console): State<Arc<Console>>, headers: HeaderMap) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::exemptions(&console, &signed, None).await,
        Err(refused) => refused.into_response(),
    }
}

async fn exemption_grant(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::exempt(&console, &signed, &body).await,
        Err(refused) => refused.into_response(),
    }
}

async fn exemption_end(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    match signed_in(&console, &headers) {
        Ok(signed) => holds::end_exemption(&console, &signed, &id, &body).await,
        Err(refused) => refused.into_response(),
    }
}

/// Why a request may not see a console page.
enum Refused {
    /// No live session: sign in first.
    SignedOut,
    /// The session's token has lost the console's roles.
    NoConsoleRole(String),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::SignedOut => signin::signed_out(),
            Refused::NoConsoleRole(name) => signin::no_console_role(&name),
        }
    }
}

/// The request's signed-in officer, or why not.
fn signed_in(console: &Console, headers: &HeaderMap) -> Result<SignedIn, Refused> {
    let signed = console
        .sessions
        .find(&console.app.tokens, headers)
        .ok_or(Refused::SignedOut)?;
    if !signed.client.has_any(CONSOLE_ROLES) {
        return Err(Refused::NoConsoleRole(signed.client.name.to_string()));
    }
    Ok(signed)
}

/// The fields of a form body (or query string); a repeated field keeps its last value.
fn form_fields(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// 303 to `location`: after a form, the browser loads the next page with GET.
fn see_other(location: &'static str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(location));
    response
}

/// A form posted without this session's CSRF token.
fn csrf_refused(signed: &SignedIn) -> Response {
    page::message(
        StatusCode::FORBIDDEN,
        "Form refused",
        Some(signed),
        "The form did not carry this session's CSRF token (it may come from another site, or an \
         older session): reload the page and send it again.",
    )
}
