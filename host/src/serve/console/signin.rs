//! Signing in and out of the console.

use super::page::{message, page};
use super::session::SignInError;
use super::{Console, form_fields, see_other};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::sync::Arc;

/// `GET /ui/signin`: the form.
pub async fn form() -> Response {
    page(StatusCode::OK, "Sign in", None, signin_form(None))
}

/// `POST /ui/signin`: a token in, a session cookie out, on to the dashboard.
pub async fn submit(State(console): State<Arc<Console>>, body: Bytes) -> Response {
    let fields = form_fields(&body);
    let token = fields.get("token").map(String::as_str).unwrap_or_default();
    match console.sessions.sign_in(&console.app.tokens, token) {
        Ok((cookie, _)) => {
            let mut response = see_other("/ui");
            if let Ok(value) = cookie.parse() {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(e) => {
            let status = match e {
                SignInError::UnknownToken => StatusCode::UNAUTHORIZED,
                SignInError::NoConsoleRole(_) => StatusCode::FORBIDDEN,
                SignInError::NoRandomness => StatusCode::INTERNAL_SERVER_ERROR,
            };
            page(status, "Sign in", None, signin_form(Some(&e.to_string())))
        }
    }
}

/// `POST /ui/signout`: ends the session (the form's CSRF token must match).
pub async fn sign_out(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(signed) = console.sessions.find(&console.app.tokens, &headers) else {
        return see_other("/ui/signin");
    };
    let fields = form_fields(&body);
    if !signed.csrf_matches(fields.get("csrf").map(String::as_str).unwrap_or_default()) {
        return super::csrf_refused(&signed);
    }
    let cookie = console.sessions.sign_out(&headers);
    let mut response = see_other("/ui/signin");
    if let Ok(value) = cookie.parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response.into_response()
}

fn signin_form(error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error {
            p class="error" role="alert" { (error) }
        }
        p { "Sign in with your officer or auditor token (as `exportctl serve token add` printed it). \
             The browser keeps only a session cookie, never the token." }
        form method="post" action="/ui/signin" {
            label for="token" { "Token" }
            input id="token" name="token" type="password" autocomplete="current-password" required autofocus;
            button type="submit" { "Sign in" }
        }
    }
}

/// A page for a request without a live session.
pub fn signed_out() -> Response {
    see_other("/ui/signin")
}

/// A page for a session whose token lost the console's roles.
pub fn no_console_role(name: &str) -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Not allowed",
        None,
        &format!(
            "token `{name}` has neither the officer nor the auditor role, which the console needs"
        ),
    )
}
