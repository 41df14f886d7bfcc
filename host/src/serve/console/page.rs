//! The console's page frame: one layout for every page, its headers, and
//! nothing fetched from anywhere (it must work air-gapped).

use super::session::SignedIn;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use exportctl_audit::report::html::STYLE;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Extra style for the console's own parts (navigation, forms, messages).
const CONSOLE_STYLE: &str = "nav{display:flex;gap:16px;align-items:center;border-bottom:1px solid #bbb;\
padding-bottom:8px}nav .who{margin-left:auto}label{display:block;margin:12px 0 4px}\
input[type=password],input[type=text],textarea{width:32em;max-width:100%}pre{white-space:pre-wrap}button{margin-top:12px}\
.error{color:#a00;font-weight:bold}";

/// What a browser may load on a console page: nothing from elsewhere, no
/// scripts at all, forms posted only here, never framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A whole page: `title`, the navigation (with the officer and a sign-out
/// form when signed in) and `body`.
pub fn page(status: StatusCode, title: &str, signed: Option<&SignedIn>, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · exportctl" }
                style { (PreEscaped(STYLE)) (PreEscaped(CONSOLE_STYLE)) }
            }
            body {
                nav aria-label="Console" {
                    strong { "exportctl" }
                    @if let Some(signed) = signed {
                        a href="/ui" { "Dashboard" }
                        a href="/ui/holds" { "Holds" }
                        a href="/ui/exemptions" { "Exemptions" }
                        span class="who" {
                            "Signed in as " strong { (signed.client.name) }
                        }
                        form method="post" action="/ui/signout" {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A page that only says what went wrong and what to do.
pub fn message(status: StatusCode, title: &str, signed: Option<&SignedIn>, text: &str) -> Response {
    page(
        status,
        title,
        signed,
        html! { p class="error" role="alert" { (text) } },
    )
}
