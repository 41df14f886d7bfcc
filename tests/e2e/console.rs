//! The officers' console at `/ui`, over loopback HTTP as a browser uses it
//! (form posts, a session cookie, redirects not followed): signing in with a
//! token, the session cookie's attributes, the dashboard counting the
//! service's recorded decisions, a check-role token kept out, a form without
//! the CSRF token refused, signing out, and the pages' security headers.

use crate::serve::{EXAMPLES, Server, audit_store, envelope, example, read_json, write_tokens};
use crate::support::temp_dir;
use std::time::Duration;

const OFFICER: &str = "ecx_console_officer_000000000000000000000000000000000000000000";
const ERP: &str = "ecx_console_erp_0000000000000000000000000000000000000000000000000";

/// A page as a browser gets it.
pub(crate) struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    csp: Option<String>,
    pub body: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

pub(crate) fn request(
    server: &Server,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> Page {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", server.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let request = match form {
        Some(form) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.as_bytes().to_vec()),
        None => request.body(Vec::new()),
    }
    .unwrap();
    let mut response = agent().run(request).unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (location, set_cookie, csp) = (
        header("location"),
        header("set-cookie"),
        header("content-security-policy"),
    );
    Page {
        status: response.status().as_u16(),
        location,
        set_cookie,
        csp,
        body: response.body_mut().read_to_string().unwrap(),
    }
}

/// The `name=value` part of a `Set-Cookie`, as the browser sends it back.
pub(crate) fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

/// The value of the page's hidden `csrf` field.
pub(crate) fn csrf_of(body: &str) -> String {
    let at = body
        .find("name=\"csrf\" value=\"")
        .expect("the page has a CSRF field")
        + 19;
    body[at..at + 64].to_owned()
}

#[test]
fn an_officer_signs_in_sees_the_dashboard_and_signs_out() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER),
            ("erp", &["check"], ERP),
        ],
    );
    let mut server = Server::launch(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    // Two recorded decisions for the dashboard to count.
    server.token = Some(ERP.to_owned());
    for (n, name) in EXAMPLES.iter().take(2).enumerate() {
        let answer = server.post(
            "/v1/check",
            &envelope(
                &format!("console-{n}"),
                "enforce",
                &read_json(&example(name)),
            ),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    // Not signed in: the console sends the browser to sign in.
    let anonymous = request(&server, "GET", "/ui", None, None);
    assert_eq!(
        (anonymous.status, anonymous.location.as_deref()),
        (303, Some("/ui/signin"))
    );
    let form = request(&server, "GET", "/ui/signin", None, None);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<label for=\"token\">"), "{}", form.body);
    let csp = form.csp.expect("a content security policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );

    // A wrong token, and a check-role token, do not get a session.
    let wrong = request(&server, "POST", "/ui/signin", None, Some("token=ecx_wrong"));
    assert_eq!(wrong.status, 401);
    assert!(wrong.set_cookie.is_none());
    assert!(
        wrong.body.contains("not one the service knows"),
        "{}",
        wrong.body
    );
    let erp = request(
        &server,
        "POST",
        "/ui/signin",
        None,
        Some(&format!("token={ERP}")),
    );
    assert_eq!(erp.status, 403);
    assert!(erp.set_cookie.is_none());
    assert!(
        erp.body
            .contains("neither the officer nor the auditor role"),
        "{}",
        erp.body
    );

    // The officer signs in: a session cookie the browser keeps to itself.
    let signed = request(
        &server,
        "POST",
        "/ui/signin",
        None,
        Some(&format!("token={OFFICER}")),
    );
    assert_eq!(
        (signed.status, signed.location.as_deref()),
        (303, Some("/ui"))
    );
    let set_cookie = signed.set_cookie.expect("a session cookie");
    assert!(set_cookie.starts_with("exportctl_session="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains(OFFICER),
        "the cookie never holds the token"
    );
    let cookie = cookie_pair(&set_cookie);

    let dashboard = request(&server, "GET", "/ui", Some(&cookie), None);
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert!(
        dashboard
            .body
            .contains("Signed in as <strong>officer-a</strong>"),
        "{}",
        dashboard.body
    );
    assert!(
        dashboard.body.contains("<strong id=\"records\">2</strong>"),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("Decisions per day by outcome"));
    assert!(dashboard.body.contains("<svg"), "the charts are inline SVG");
    assert!(!dashboard.body.contains("<script"), "no scripts");
    // A range that holds none of them.
    let empty = request(
        &server,
        "GET",
        "/ui?from=2001-01-01&to=2001-01-02",
        Some(&cookie),
        None,
    );
    assert!(
        empty.body.contains("<strong id=\"records\">0</strong>"),
        "{}",
        empty.body
    );
    let bad = request(&server, "GET", "/ui?from=yesterday", Some(&cookie), None);
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Signing out needs the session's CSRF token.
    let csrf = csrf_of(&dashboard.body);
    for form in ["", "csrf=", &format!("csrf={}", "0".repeat(64))] {
        let refused = request(&server, "POST", "/ui/signout", Some(&cookie), Some(form));
        assert_eq!(refused.status, 403, "{form}: {}", refused.body);
        assert!(refused.body.contains("CSRF"), "{}", refused.body);
    }
    assert_eq!(
        request(&server, "GET", "/ui", Some(&cookie), None).status,
        200
    );
    let out = request(
        &server,
        "POST",
        "/ui/signout",
        Some(&cookie),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(
        (out.status, out.location.as_deref()),
        (303, Some("/ui/signin"))
    );
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    let after = request(&server, "GET", "/ui", Some(&cookie), None);
    assert_eq!(
        after.status, 303,
        "the old cookie no longer opens the console"
    );

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}
