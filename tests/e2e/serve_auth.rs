//! Who may call `exportctl serve`, and how it runs: 401 without or with a wrong
//! token and 403 without the role, for every endpoint (one table); the
//! client's name in every record; a first start with no configuration that
//! creates tokens, key and store, and a second that reuses them; `serve token
//! add | revoke`; JSON logs carrying the decision id; HTTPS.

use crate::serve::{
    EXAMPLES, Server, TOKEN, audit_store, envelope, example, read_json, records, verify,
    write_tokens,
};
use crate::support::{exportctl, temp_dir, write};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Every endpoint that needs a token, with the role it needs. Endpoints added
/// later go here, and the test below covers them.
const ENDPOINTS: &[(&str, &str, &[&str])] = &[
    ("POST", "/v1/check", &["check"]),
    ("POST", "/v1/check/batch", &["check"]),
    ("GET", "/v1/decisions", &["auditor"]),
    ("GET", DECISION, &["auditor"]),
    ("GET", PROOF, &["auditor"]),
    ("POST", REPLAY, &["auditor"]),
    ("GET", "/v1/holds", &["officer", "auditor"]),
    ("GET", "/v1/holds/changes", &["check", "officer", "auditor"]),
    ("GET", HOLD, &["officer", "auditor"]),
    ("POST", HOLD_ACTIONS, &["officer"]),
    ("GET", "/v1/exemptions", &["officer", "auditor"]),
    ("POST", "/v1/exemptions", &["officer"]),
    ("POST", EXPIRE, &["officer"]),
    ("GET", "/v1/policies", &["auditor", "admin"]),
    ("POST", "/v1/policies/reload", &["admin"]),
    ("POST", "/v1/policies/rollback", &["admin"]),
];

/// A decision id no store holds (a well-formed UUIDv7).
const DECISION: &str = "/v1/decisions/0190c0a0-0000-7000-8000-000000000000";
const PROOF: &str = "/v1/decisions/0190c0a0-0000-7000-8000-000000000000/proof";
const REPLAY: &str = "/v1/decisions/0190c0a0-0000-7000-8000-000000000000/replay";
const HOLD: &str = "/v1/holds/0190c0a0-0000-7000-8000-000000000000";
const HOLD_ACTIONS: &str = "/v1/holds/0190c0a0-0000-7000-8000-000000000000/actions";
const EXPIRE: &str = "/v1/exemptions/0190c0a0-0000-7000-8000-000000000000/expire";

/// Endpoints open to anyone: an orchestrator's probes, the metrics a scraper
/// reads, and the API's description.
const OPEN: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/api"),
];

const ROLES: [&str; 4] = ["check", "officer", "auditor", "admin"];

fn only(role: &str) -> String {
    format!("ecx_only_{role}_00000000000000000000000000000000000000000000000000")
}

fn all_but(role: &str) -> String {
    format!("ecx_all_but_{role}_000000000000000000000000000000000000000000000000")
}

/// A body the endpoint accepts, so that a token with the role gets past the guard.
fn body_for(path: &str) -> Vec<u8> {
    match path {
        "/v1/check" => envelope("auth-1", "simulate", &read_json(&example(EXAMPLES[0]))),
        _ => b"{}".to_vec(),
    }
}

#[test]
fn every_endpoint_is_401_without_a_known_token_and_403_without_its_role() {
    let dir = temp_dir();
    // For each role: a token with only it, and one with every other role.
    let mut tokens: Vec<(String, Vec<&str>, String)> = Vec::new();
    for role in ROLES {
        tokens.push((format!("only-{role}"), vec![role], only(role)));
        let others = ROLES.iter().copied().filter(|r| *r != role).collect();
        tokens.push((format!("all-but-{role}"), others, all_but(role)));
    }
    let borrowed: Vec<(&str, &[&str], &str)> = tokens
        .iter()
        .map(|(n, r, t)| (n.as_str(), r.as_slice(), t.as_str()))
        .collect();
    write_tokens(dir.path(), &borrowed);
    let server = Server::launch(dir.path(), &[]);
    let agent = Server::agent();

    for &(method, path, roles) in ENDPOINTS {
        let body = body_for(path);
        let call =
            |token: Option<&str>| server.request_with(&agent, method, path, token, Some(&body[..]));
        for (case, token) in [
            ("no token", None),
            ("a wrong token", Some("ecx_not-a-token-of-this-service")),
            ("an empty token", Some("")),
        ] {
            let answer = call(token);
            assert_eq!(
                answer.status, 401,
                "{method} {path} with {case}: {}",
                answer.body
            );
            assert_eq!(answer.content_type, "application/problem+json");
            assert_eq!(answer.body["type"], "urn:exportctl:problem:unauthorized");
            assert!(
                answer
                    .www_authenticate
                    .as_deref()
                    .is_some_and(|h| h.starts_with("Bearer")),
                "{method} {path}: {:?}",
                answer.www_authenticate
            );
        }
        // A token with none of the endpoint's roles: 403, naming the token.
        for role in ROLES.iter().filter(|r| !roles.contains(r)) {
            let lacking = call(Some(&only(role)));
            assert_eq!(lacking.status, 403, "{method} {path}: {}", lacking.body);
            assert_eq!(lacking.content_type, "application/problem+json");
            assert!(
                lacking.body["detail"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("only-{role}")),
                "{}",
                lacking.body
            );
        }
        // Each of its roles, alone, gets past the guard.
        for role in roles {
            let allowed = call(Some(&only(role)));
            assert!(
                ![401, 403].contains(&allowed.status),
                "{method} {path} with role {role}: {} {}",
                allowed.status,
                allowed.body
            );
        }
    }
    for &(method, path) in OPEN {
        let answer = server.request_with(&agent, method, path, None, None);
        assert!(
            ![401, 403].contains(&answer.status),
            "{method} {path} is open: {}",
            answer.body
        );
    }
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

/// The body of every record in a SQLite store, as JSON.
fn record_bodies(db: &Path) -> Vec<Value> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare("SELECT body FROM records ORDER BY seq").unwrap();
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| serde_json::from_slice(&b.unwrap()).unwrap())
        .collect()
}

#[test]
fn each_decision_records_the_client_that_asked() {
    let dir = temp_dir();
    let prod = "ecx_erp_prod_0000000000000000000000000000000000000000000000000000";
    let test = "ecx_erp_test_0000000000000000000000000000000000000000000000000000";
    write_tokens(
        dir.path(),
        &[
            ("erp-prod", &["check"], prod),
            ("erp-test", &["check"], test),
        ],
    );
    let mut server = Server::launch(dir.path(), &[]);
    let body = std::fs::read(example(EXAMPLES[0])).unwrap();
    server.token = Some(prod.to_owned());
    let first = server.post("/v1/check", &body);
    assert_eq!(first.status, 200, "{}", first.body);
    server.token = Some(test.to_owned());
    let second = server.post("/v1/check", &body);
    assert_eq!(second.status, 200, "{}", second.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");

    let db = dir.path().join("data/audit.sqlite");
    let by: Vec<(String, String)> = record_bodies(&db)
        .iter()
        .map(|r| {
            (
                r["decision_id"].as_str().unwrap().to_owned(),
                r["requested_by"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            (
                first.body["decision_id"].as_str().unwrap().to_owned(),
                "api:erp-prod".to_owned()
            ),
            (
                second.body["decision_id"].as_str().unwrap().to_owned(),
                "api:erp-test".to_owned()
            ),
        ]
    );
    // `check --audit` still records the local user.
    let url = format!("sqlite:{}", db.display());
    let key = dir.path().join("data/checkpoint.key");
    let cli = exportctl(&[
        "check",
        "--audit",
        &url,
        "--checkpoint-key",
        key.to_str().unwrap(),
        example(EXAMPLES[0]).to_str().unwrap(),
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let last = record_bodies(&db).pop().unwrap();
    assert!(
        last["requested_by"].as_str().unwrap().starts_with("cli:"),
        "{last}"
    );
}

/// The tokens a first start printed: (name, role, token).
fn printed_tokens(log: &str) -> Vec<(String, String, String)> {
    log.lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [name, "role", role, token] if token.starts_with("ecx_") => {
                    Some(((*name).to_owned(), (*role).to_owned(), (*token).to_owned()))
                }
                _ => None,
            }
        })
        .collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_first_start_creates_tokens_key_and_store_and_a_second_reuses_them() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    // No configuration, no flags, an empty data directory.
    let mut server = Server::launch(dir.path(), &[]);
    let printed = printed_tokens(&server.log());
    let roles: Vec<&str> = printed.iter().map(|(_, r, _)| r.as_str()).collect();
    assert_eq!(roles, ROLES, "{}", server.log());
    let tokens_file = std::fs::read_to_string(data.join("tokens.toml")).unwrap();
    for (_, _, token) in &printed {
        assert!(
            !tokens_file.contains(token.as_str()),
            "a token kept in clear"
        );
    }
    assert_eq!(mode(&data.join("tokens.toml")), 0o600);
    assert_eq!(mode(&data.join("checkpoint.key")), 0o600);
    let key = std::fs::read(data.join("checkpoint.key")).unwrap();

    // The printed check token works, and the decision is recorded.
    let check = &printed.iter().find(|(_, r, _)| r == "check").unwrap().2;
    server.token = Some(check.clone());
    let body = std::fs::read(example(EXAMPLES[1])).unwrap();
    let first = server.post("/v1/check", &body);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["recorded"], true);
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");

    // Second start: no tokens printed, the same key and store, the same tokens.
    let mut again = Server::launch(dir.path(), &[]);
    assert!(
        !again.log().contains("ecx_") && printed_tokens(&again.log()).is_empty(),
        "{}",
        again.log()
    );
    again.token = Some(check.clone());
    let second = again.post("/v1/check", &body);
    assert_eq!(second.status, 200, "{}", second.body);
    let (code, log) = again.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(std::fs::read(data.join("checkpoint.key")).unwrap(), key);
    let db = data.join("audit.sqlite");
    let stored: Vec<String> = records(&db).into_iter().map(|r| r.1).collect();
    assert_eq!(
        stored,
        [
            first.body["decision_id"].as_str().unwrap(),
            second.body["decision_id"].as_str().unwrap()
        ]
    );
    verify(
        &format!("sqlite:{}", db.display()),
        data.join("checkpoint.key.pub").to_str().unwrap(),
        2,
    );
}

#[test]
fn token_add_and_revoke_round_trip() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let added = exportctl(&[
        "serve",
        "token",
        "add",
        "erp-prod",
        "--role",
        "check",
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let token = added.stdout.trim().to_owned();
    assert!(token.starts_with("ecx_") && token.len() == 68, "{token}");
    assert_eq!(
        mode(&data),
        0o700,
        "the data directory holds the checkpoint key"
    );
    assert_eq!(mode(&data.join("tokens.toml")), 0o600);
    assert!(
        !std::fs::read_to_string(data.join("tokens.toml"))
            .unwrap()
            .contains(&token)
    );

    // Names are unique; a token needs a role; revoking an unknown name fails.
    let twice = exportctl(&[
        "serve",
        "token",
        "add",
        "erp-prod",
        "--role",
        "admin",
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(twice.code, 2, "{}", twice.stderr);
    assert!(twice.stderr.contains("erp-prod"), "{}", twice.stderr);
    let no_role = exportctl(&["serve", "token", "add", "erp-x", "--data-dir", data_arg]);
    assert_eq!(no_role.code, 2, "{}", no_role.stderr);
    let unknown = exportctl(&["serve", "token", "revoke", "nobody", "--data-dir", data_arg]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("nobody"), "{}", unknown.stderr);
    let listed = exportctl(&["serve", "token", "list", "--data-dir", data_arg]);
    assert_eq!(listed.stdout.trim(), "erp-prod\tcheck");

    // The token file exists, so this is not a first start: only erp-prod is known.
    let mut server = Server::launch(dir.path(), &[]);
    assert!(!server.log().contains("ecx_"), "{}", server.log());
    server.token = Some(token.clone());
    let body = std::fs::read(example(EXAMPLES[0])).unwrap();
    let ok = server.post("/v1/check", &body);
    assert_eq!(ok.status, 200, "{}", ok.body);

    // Added while the service runs: accepted at once.
    let later = exportctl(&[
        "serve",
        "token",
        "add",
        "erp-test",
        "--role",
        "check",
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(later.code, 0, "{}", later.stderr);
    let other = Server::agent();
    let answer = server.request_with(
        &other,
        "POST",
        "/v1/check",
        Some(later.stdout.trim()),
        Some(&body),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);

    // Revoked while the service runs: refused from the next request.
    let revoked = exportctl(&[
        "serve",
        "token",
        "revoke",
        "erp-prod",
        "--data-dir",
        data_arg,
    ]);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    let refused = server.post("/v1/check", &body);
    assert_eq!(refused.status, 401, "{}", refused.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");

    // And after a restart.
    let mut server = Server::launch(dir.path(), &[]);
    server.token = Some(token);
    let refused = server.post("/v1/check", &body);
    assert_eq!(refused.status, 401, "{}", refused.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn json_logs_name_the_decision_of_each_check() {
    let dir = temp_dir();
    let server = Server::start(dir.path(), &["--log-format", "json"]);
    let answer = server.post("/v1/check", &std::fs::read(example(EXAMPLES[2])).unwrap());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let decision = answer.body["decision_id"].as_str().unwrap().to_owned();
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!lines.is_empty(), "no JSON log line: {log}");
    let line = lines
        .iter()
        .find(|l| l["decision_id"] == decision.as_str())
        .unwrap_or_else(|| panic!("no log line names decision {decision}:\n{log}"));
    assert_eq!(line["method"], "POST");
    assert_eq!(line["path"], "/v1/check");
    assert_eq!(line["status"], 200);
    assert_eq!(line["client"], "e2e");
    assert!(line["duration_ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["level"], "INFO");
}

/// A record that fails: the warning and the request's line (503) both name the
/// decision whose verdict was withheld.
#[test]
fn a_withheld_verdict_is_logged_with_its_decision_id() {
    let dir = temp_dir();
    let (url, key, _, db) = audit_store(dir.path());
    let server = Server::start(
        dir.path(),
        &[
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
            "--log-format",
            "json",
        ],
    );
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let refused = server.post("/v1/check", &std::fs::read(example(EXAMPLES[0])).unwrap());
    assert_eq!(refused.status, 503, "{}", refused.body);
    lock.execute_batch("ROLLBACK").unwrap();
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let request = lines
        .iter()
        .find(|l| l["path"] == "/v1/check")
        .unwrap_or_else(|| panic!("no request line:\n{log}"));
    assert_eq!(request["status"], 503);
    assert_eq!(request["level"], "WARN");
    let decision = request["decision_id"]
        .as_str()
        .unwrap_or_else(|| panic!("the 503 line names no decision: {request}"));
    let warning = lines
        .iter()
        .find(|l| l["message"] != "request" && l["decision_id"] == decision)
        .unwrap_or_else(|| panic!("no warning names decision {decision}:\n{log}"));
    assert_eq!(warning["level"], "WARN");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("not recorded"),
        "{warning}"
    );
}

#[test]
fn tls_serves_probes_and_checks_over_https() {
    let dir = temp_dir();
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    write(dir.path(), "cert.pem", cert.pem());
    write(dir.path(), "key.pem", signing_key.serialize_pem());
    let config = write(
        dir.path(),
        "serve.toml",
        "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n",
    );
    let server = Server::start(dir.path(), &["--config", &config]);
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let trusted = ureq::tls::Certificate::from_der(cert.der()).to_owned();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(vec![
                    trusted,
                ])))
                .build(),
        )
        .build()
        .into();
    let health = server.request_with(&agent, "GET", "/healthz", None, None);
    assert_eq!(health.status, 200, "{}", health.body);
    let body = std::fs::read(example(EXAMPLES[0])).unwrap();
    let check = server.request_with(&agent, "POST", "/v1/check", Some(TOKEN), Some(&body));
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["recorded"], true);
    // Plain HTTP to the TLS port gets no answer.
    let plain = ureq::get(server.base.replacen("https", "http", 1) + "/healthz").call();
    assert!(plain.is_err(), "plain HTTP answered on the TLS port");
    // A client that does not trust the certificate is refused.
    let untrusted = ureq::get(format!("{}/healthz", server.base)).call();
    assert!(untrusted.is_err(), "an untrusted certificate was accepted");
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");

    // A key that is not a key: the service does not start (exit 2), naming the file.
    write(dir.path(), "key.pem", "not a key\n");
    let bad = exportctl(&["serve", "--listen", "127.0.0.1:0", "--config", &config]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("key.pem"), "{}", bad.stderr);
    assert!(bad.stdout.is_empty(), "{}", bad.stdout);
}
