//! `exportctl serve` on loopback, called with a real HTTP client (ureq: blocking,
//! no async runtime of its own in the test, a small dependency tree): verdicts
//! equal `check`'s, every 200's decision is in the store after SIGTERM and the
//! log verifies, simulate records nothing, a request id repeats its decision or
//! conflicts (409), invalid input is 422 naming the field path, a large body 413,
//! saturation 503 with `Retry-After`, and concurrent requests share commits.
//! Each service runs with its own data directory and a token with every role
//! (`TOKEN`); `serve_auth` tests what happens without one.

use crate::support::{exportctl, repo, temp_dir, write};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the service may take to start (it compiles the set's plugins).
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long it may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

pub const EXAMPLES: [&str; 3] = [
    "de-furniture-to-kz.json",
    "de-microcontrollers-kz-end-user-ru.json",
    "seed-drones-kg-via-kz-to-ru.json",
];

/// The token of every test service (all four roles), named `e2e`.
pub const TOKEN: &str = "ecx_0000000000000000000000000000000000000000000000000000000000e2e0";

/// A token file in `dir/data` naming `tokens`: (name, roles, token).
pub fn write_tokens(dir: &Path, tokens: &[(&str, &[&str], &str)]) {
    use sha2::Digest;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut text = String::new();
    for (name, roles, token) in tokens {
        let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
        text.push_str(&format!(
            "[[tokens]]\nname = \"{name}\"\nroles = [{}]\nsha256 = \"{}\"\n\n",
            roles.join(", "),
            hex::encode(sha2::Sha256::digest(token.as_bytes()))
        ));
    }
    std::fs::write(data.join("tokens.toml"), text).unwrap();
}

pub fn example(name: &str) -> PathBuf {
    repo().join("tests/examples").join(name)
}

/// A running `exportctl serve`; killed if a test fails before stopping it.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    stderr: PathBuf,
    /// Sent as `Authorization: Bearer …` by `get` and `post`.
    pub token: Option<String>,
}

/// The service's answer: status, content type, `Retry-After`, body as JSON.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: Value,
}

impl Server {
    /// Starts the binary on a free loopback port with `args` after `serve`,
    /// its data directory `dir/data` holding the token `TOKEN` (every role).
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        write_tokens(
            dir,
            &[("e2e", &["check", "officer", "auditor", "admin"], TOKEN)],
        );
        let mut server = Server::launch(dir, args);
        server.token = Some(TOKEN.to_owned());
        server
    }

    /// Starts the binary with the data directory `dir/data` as it is, sending no token.
    pub fn launch(dir: &Path, args: &[&str]) -> Server {
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stderr = dir.join(format!("serve-{}-{n}.log", std::process::id()));
        let log = std::fs::File::create(&stderr).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("EXPORTCTL_DATA_DIR", dir.join("data"))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server {
            child: Some(child),
            base: String::new(),
            stderr,
            token: None,
        };
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            panic!(
                "the service did not say where it listens (got {line:?}); stderr:\n{}",
                server.log()
            );
        };
        server.base = base.to_owned();
        server
    }

    /// The service's process id (for signals).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    }

    pub fn post(&self, path: &str, body: &[u8]) -> Answer {
        self.post_with(&Server::agent(), path, body)
    }

    pub fn post_with(&self, agent: &ureq::Agent, path: &str, body: &[u8]) -> Answer {
        self.request_with(agent, "POST", path, self.token.as_deref(), Some(body))
    }

    pub fn get(&self, path: &str) -> Answer {
        self.request_with(&Server::agent(), "GET", path, self.token.as_deref(), None)
    }

    /// `method path` with `token` as bearer token (none: no `Authorization`).
    pub fn request_with(
        &self,
        agent: &ureq::Agent,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
    ) -> Answer {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let sent = match body {
            Some(body) => agent.run(
                request
                    .header("content-type", "application/json")
                    .body(body.to_vec())
                    .unwrap(),
            ),
            None => agent.run(request.body(()).unwrap()),
        };
        Server::answer(sent.unwrap_or_else(|e| panic!("{method} {path}: {e}")))
    }

    pub fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let www_authenticate = header("www-authenticate");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        // A JSON answer must parse; another (metrics, the API page) is kept as text.
        let body = if content_type.contains("json") || !text.starts_with(['#', '<']) {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text}"))
        } else {
            Value::String(text)
        };
        Answer {
            status,
            content_type,
            retry_after,
            www_authenticate,
            body,
        }
    }

    /// SIGTERM, then waits (bounded) for the exit; returns (exit code, stderr).
    pub fn stop(mut self) -> (i32, String) {
        let mut child = self.child.take().unwrap();
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        #[allow(unsafe_code)]
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0);
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status.code().unwrap_or(-1), self.log());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the service did not stop within {STOP_TIMEOUT:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An audit store and checkpoint key in `dir`: (store URL, key, public key, db path).
pub fn audit_store(dir: &Path) -> (String, String, String, PathBuf) {
    let key = dir.join("checkpoint.key").display().to_string();
    let run = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/serve",
        "--out",
        &key,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = dir.join("audit.db");
    (
        format!("sqlite:{}", db.display()),
        key.clone(),
        format!("{key}.pub"),
        db,
    )
}

/// Every record of the store: (leaf index, decision id, request id, verdict).
pub fn records(db: &Path) -> Vec<(u64, String, Option<String>, Value)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c
        .prepare("SELECT seq, body FROM records ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap()
        .map(|row| {
            let (seq, body) = row.unwrap();
            let record: Value = serde_json::from_slice(&body).unwrap();
            (
                u64::try_from(seq).unwrap(),
                record["decision_id"].as_str().unwrap().to_owned(),
                record["request_id"].as_str().map(str::to_owned),
                record["verdict"].clone(),
            )
        })
        .collect()
}

pub fn verify(url: &str, public: &str, n: usize) {
    let run = exportctl(&["audit", "verify", url, "--key", public]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("{n} records")),
        "{}",
        run.stdout
    );
}

pub fn envelope(request_id: &str, mode: &str, shipment: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "request_id": request_id, "mode": mode, "shipment": shipment }))
        .unwrap()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn serve_answers_checks_verdict_after_its_record_and_the_log_verifies() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);

    let health = server.get("/healthz");
    assert_eq!(
        (health.status, &health.body["status"]),
        (200, &json!("alive"))
    );
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["ready"], true);
    assert_eq!(ready.body["audit"]["writable"], true);

    let mut answered = Vec::new();
    for name in EXAMPLES {
        let file = example(name);
        let check = exportctl(&["check", file.to_str().unwrap()]);
        let printed: Value = serde_json::from_str(check.stdout.trim()).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let answer = server.post("/v1/check", &bytes);
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        assert_eq!(answer.content_type, "application/json");
        assert_eq!(
            answer.body["verdict"], printed,
            "{name}: the verdict as `check` prints it"
        );
        assert_eq!(answer.body["mode"], "enforce");
        assert_eq!(answer.body["recorded"], true);
        assert_eq!(answer.body["record"]["repeated"], false);
        assert_eq!(answer.body["policy_set"]["generation"], 1);
        assert_eq!(
            answer.body["policy_set"]["digest"].as_str().unwrap().len(),
            64
        );
        answered.push(answer.body);

        // Simulate: the same verdict, no record, and the answer says so.
        let simulated = server.post("/v1/check", &envelope("sim", "simulate", &read_json(&file)));
        assert_eq!(simulated.status, 200, "{}", simulated.body);
        assert_eq!(simulated.body["verdict"], printed);
        assert_eq!(simulated.body["mode"], "simulate");
        assert_eq!(simulated.body["recorded"], false);
        assert!(simulated.body.get("decision_id").is_none());
        assert!(simulated.body.get("record").is_none());
    }

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("final checkpoint written"), "{log}");
    // Every 200's decision is in the store at the leaf it was told, with the
    // verdict it was given; the simulated checks left nothing.
    let stored = records(&db);
    assert_eq!(stored.len(), EXAMPLES.len());
    for (answer, (leaf, decision, _, verdict)) in answered.iter().zip(&stored) {
        assert_eq!(answer["decision_id"].as_str().unwrap(), decision);
        assert_eq!(answer["record"]["leaf_index"].as_u64().unwrap(), *leaf);
        assert_eq!(&answer["verdict"], verdict);
    }
    verify(&url, &public, EXAMPLES.len());
}

#[test]
fn a_request_id_repeats_its_decision_and_conflicts_with_another_shipment() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let furniture = read_json(&example(EXAMPLES[0]));
    let first = server.post("/v1/check", &envelope("erp-4711", "enforce", &furniture));
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["request_id"], "erp-4711");
    let again = server.post("/v1/check", &envelope("erp-4711", "enforce", &furniture));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["decision_id"], first.body["decision_id"]);
    assert_eq!(
        again.body["record"]["leaf_index"],
        first.body["record"]["leaf_index"]
    );
    assert_eq!(again.body["record"]["repeated"], true);
    assert_eq!(again.body["verdict"], first.body["verdict"]);
    assert_eq!(again.body["policy_set"], first.body["policy_set"]);

    let drones = read_json(&example(EXAMPLES[2]));
    let conflict = server.post("/v1/check", &envelope("erp-4711", "enforce", &drones));
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert_eq!(conflict.content_type, "application/problem+json");
    assert_eq!(conflict.body["status"], 409);
    assert!(
        conflict.body["detail"]
            .as_str()
            .unwrap()
            .contains("erp-4711")
    );

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let stored = records(&db);
    assert_eq!(stored.len(), 1, "one decision for one request id");
    assert_eq!(stored[0].2.as_deref(), Some("erp-4711"));
    verify(&url, &public, 1);
}

#[test]
fn invalid_input_is_422_naming_the_field_and_a_large_body_413() {
    let dir = temp_dir();
    // Recording explicitly off: the one way to a service without a store.
    let config = write(
        dir.path(),
        "serve.toml",
        "[limits]\nbody_bytes = 16384\n[audit]\nrecord = false\n",
    );
    let server = Server::start(dir.path(), &["--config", &config]);
    let mut shipment = read_json(&example(EXAMPLES[0]));
    shipment["lines"][1]["hs_code"] = json!("94A1");

    // Bare: the path is the shipment's own.
    let bare = server.post("/v1/check", &serde_json::to_vec(&shipment).unwrap());
    assert_eq!(bare.status, 422, "{}", bare.body);
    assert_eq!(bare.content_type, "application/problem+json");
    assert_eq!(bare.body["errors"][0]["path"], "lines[1].hs_code");
    assert!(
        bare.body["detail"]
            .as_str()
            .unwrap()
            .contains("SO-2024-00310")
    );
    // In an envelope: the path within the request body.
    let wrapped = server.post("/v1/check", &envelope("r-1", "simulate", &shipment));
    assert_eq!(wrapped.status, 422, "{}", wrapped.body);
    assert_eq!(
        wrapped.body["errors"][0]["path"],
        "shipment.lines[1].hs_code"
    );
    // The envelope's own fields.
    let bad_mode = server.post(
        "/v1/check",
        br#"{"shipment": {"id": "S-1"}, "mode": "dry-run"}"#,
    );
    assert_eq!(bad_mode.status, 422, "{}", bad_mode.body);
    assert_eq!(bad_mode.body["errors"][0]["path"], "mode");
    // Not JSON at all: line and column.
    let broken = server.post("/v1/check", b"{\"id\": ");
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert!(
        broken.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("request:1:"),
        "{}",
        broken.body
    );
    // Two shipments are a batch, not a check.
    let two = server.post("/v1/check", b"[{\"id\": \"A\"}, {\"id\": \"B\"}]");
    assert_eq!(two.status, 422, "{}", two.body);

    // Over the configured body limit: 413, as a problem.
    let mut big = shipment.clone();
    big["lines"][0]["description"] = json!("x".repeat(20_000));
    let large = server.post("/v1/check", &serde_json::to_vec(&big).unwrap());
    assert_eq!(large.status, 413, "{}", large.body);
    assert_eq!(large.content_type, "application/problem+json");
    assert!(large.body["detail"].as_str().unwrap().contains("16384"));

    // Every error is a problem document, routing ones too.
    let get = server.get("/v1/check");
    assert_eq!(
        (get.status, get.content_type.as_str()),
        (405, "application/problem+json")
    );
    let nowhere = server.get("/v1/nowhere");
    assert_eq!(
        (nowhere.status, nowhere.content_type.as_str()),
        (404, "application/problem+json")
    );

    // Recording off: enforce is refused (never a verdict without a record),
    // simulate answers, and /readyz says what is wrong.
    let enforce = server.post("/v1/check", &std::fs::read(example(EXAMPLES[0])).unwrap());
    assert_eq!(enforce.status, 503, "{}", enforce.body);
    assert!(enforce.body.get("verdict").is_none());
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert!(
        ready.body["problems"][0]
            .as_str()
            .unwrap()
            .contains("recording is off")
    );
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

/// 8 threads × 50 requests: every one answered 200 with a distinct decision,
/// every decision in the store, fewer commits than records (group commit).
#[test]
fn concurrent_checks_are_all_recorded_sharing_commits() {
    const THREADS: usize = 8;
    const EACH: usize = 50;
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let bodies: Vec<Value> = EXAMPLES.iter().map(|n| read_json(&example(n))).collect();
    let answers: Vec<(String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let server = &server;
                let bodies = &bodies;
                s.spawn(move || {
                    let agent = Server::agent();
                    (0..EACH)
                        .map(|i| {
                            let id = format!("load-{t}-{i}");
                            let body = envelope(&id, "enforce", &bodies[i % bodies.len()]);
                            let answer = server.post_with(&agent, "/v1/check", &body);
                            assert_eq!(answer.status, 200, "{id}: {}", answer.body);
                            (id, answer.body["decision_id"].as_str().unwrap().to_owned())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let stored = records(&db);
    assert_eq!(stored.len(), THREADS * EACH);
    let in_store: HashSet<(String, String)> = stored
        .into_iter()
        .map(|(_, decision, request, _)| (request.unwrap(), decision))
        .collect();
    for answer in &answers {
        assert!(
            in_store.contains(answer),
            "{answer:?} answered 200 but not stored"
        );
    }
    // "… N decisions recorded in C commits …" on stop.
    let line = log
        .lines()
        .find(|l| l.contains("decisions recorded in"))
        .unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "commits,").unwrap();
    let commits: usize = words[at - 1].parse().unwrap();
    assert!(commits < THREADS * EACH, "{line}");
    eprintln!(
        "serve: {} concurrent checks recorded in {commits} commits",
        THREADS * EACH
    );
    verify(&url, &public, THREADS * EACH);
}

/// A service that allows one request in flight, under 8 threads: the others
/// are refused with 503 and `Retry-After`, never dropped or answered without a
/// record; every 200 is in the store.
#[test]
fn a_saturated_service_refuses_with_503_and_retry_after() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let config = write(dir.path(), "serve.toml", "[limits]\nmax_in_flight = 1\n");
    let server = Server::start(
        dir.path(),
        &[
            "--config",
            &config,
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
        ],
    );
    let body = std::fs::read(example(EXAMPLES[1])).unwrap();
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let agent = Server::agent();
                    (0..20)
                        .map(|_| server.post_with(&agent, "/v1/check", &body))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let ok: Vec<&Answer> = answers.iter().filter(|a| a.status == 200).collect();
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status == 503).collect();
    assert_eq!(ok.len() + refused.len(), answers.len());
    assert!(
        !ok.is_empty() && !refused.is_empty(),
        "{} ok, {} refused",
        ok.len(),
        refused.len()
    );
    for r in &refused {
        assert_eq!(r.retry_after.as_deref(), Some("1"));
        assert_eq!(r.body["type"], "urn:exportctl:problem:overloaded");
    }
    // Every refusal is counted.
    let text = Server::agent()
        .get(format!("{}/metrics", server.base))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert_eq!(
        sample(
            &text,
            "exportctl_requests_rejected_total{reason=\"overloaded\"}"
        ),
        Some(refused.len() as f64),
        "{text}"
    );
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let stored: HashSet<String> = records(&db).into_iter().map(|r| r.1).collect();
    assert_eq!(stored.len(), ok.len());
    for a in ok {
        assert!(stored.contains(a.body["decision_id"].as_str().unwrap()));
    }
    verify(&url, &public, stored.len());
}

/// Clients checking one shipment back to back until the service goes away.
struct Load {
    clients: Vec<std::thread::JoinHandle<Vec<String>>>,
}

impl Load {
    /// Threads sending checks.
    const THREADS: usize = 4;
    /// Most checks one thread sends: the service must stop before they are done.
    const MAX_EACH: usize = 400;

    /// Starts the clients and returns once each has had 10 answers, i.e. mid-load.
    fn start(base: &str, body: &[u8]) -> Load {
        let (started, first_answers) = mpsc::channel();
        let clients = (0..Load::THREADS)
            .map(|t| {
                let body = body.to_vec();
                let url = format!("{base}/v1/check");
                let started = started.clone();
                std::thread::spawn(move || {
                    let agent = Server::agent();
                    let mut ok = Vec::new();
                    for i in 0..Load::MAX_EACH {
                        let sent = agent
                            .post(&url)
                            .header("content-type", "application/json")
                            .header("authorization", format!("Bearer {TOKEN}"))
                            .send(&body[..]);
                        // Once the service is gone, connections fail: that
                        // request got no verdict, and no later one is sent.
                        let Ok(response) = sent else { break };
                        let status = response.status().as_u16();
                        let Ok(text) = response.into_body().read_to_string() else {
                            break;
                        };
                        if status != 200 {
                            assert_eq!(status, 503, "{t}/{i}: {text}");
                            continue;
                        }
                        let answer: Value = serde_json::from_str(&text).unwrap();
                        ok.push(answer["decision_id"].as_str().unwrap().to_owned());
                        if ok.len() == 10 {
                            let _ = started.send(());
                        }
                    }
                    ok
                })
            })
            .collect();
        for _ in 0..Load::THREADS {
            first_answers.recv_timeout(START_TIMEOUT).unwrap();
        }
        Load { clients }
    }

    /// Every decision answered 200, once the service is gone.
    fn answered(self) -> Vec<String> {
        let answered: Vec<String> = self
            .clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        assert!(
            answered.len() < Load::THREADS * Load::MAX_EACH,
            "the load outlasted the service"
        );
        answered
    }
}

/// The decision ids in the store at `db`, after checking that every one of
/// `answered` is among them.
fn all_stored(answered: &[String], db: &Path) -> HashSet<String> {
    let stored: HashSet<String> = records(db).into_iter().map(|r| r.1).collect();
    for id in answered {
        assert!(
            stored.contains(id),
            "decision {id} answered 200 but not stored"
        );
    }
    stored
}

/// SIGTERM while 4 threads keep checking: the service stops accepting, answers
/// what is in flight, closes the recorder; every 200 it gave is in the store
/// and the log verifies (its final checkpoint covers every record).
#[test]
fn sigterm_under_load_loses_no_answered_decision() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let body = std::fs::read(example(EXAMPLES[2])).unwrap();
    let load = Load::start(&server.base, &body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let answered = load.answered();
    let stored = all_stored(&answered, &db);
    eprintln!(
        "serve: SIGTERM under load: {} answered, {} stored",
        answered.len(),
        stored.len()
    );
    verify(&url, &public, stored.len());
}

/// A store that cannot commit (another connection holds it locked past the
/// writer's busy timeout): the check is 503 with no verdict, /readyz says the
/// store does not accept writes; once the lock is gone the service records
/// again, and the store holds exactly the decisions answered 200.
#[test]
fn a_record_that_fails_withholds_the_verdict() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let body = std::fs::read(example(EXAMPLES[0])).unwrap();
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let refused = server.post("/v1/check", &body);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.content_type, "application/problem+json");
    assert_eq!(refused.body["type"], "urn:exportctl:problem:not-recorded");
    assert!(refused.body.get("verdict").is_none());
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body["audit"]["writable"], false);

    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    let answered = server.post("/v1/check", &body);
    assert_eq!(answered.status, 200, "{}", answered.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let stored = records(&db);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, answered.body["decision_id"].as_str().unwrap());
    verify(&url, &public, 1);
}

/// A service that cannot serve as configured does not start: a public address
/// without `expose = true`, an unknown configuration key, a set that does not
/// load, a store without a checkpoint key — each exit 2 naming the cause.
#[test]
fn a_service_that_cannot_serve_as_configured_does_not_start() {
    let dir = temp_dir();
    let run = |args: &[&str]| {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        exportctl(&all)
    };
    let public = run(&["--listen", "0.0.0.0:0"]);
    assert_eq!(public.code, 2, "{}", public.stderr);
    assert!(
        public.stderr.contains("not a loopback address"),
        "{}",
        public.stderr
    );
    assert!(public.stdout.is_empty());

    let config = write(
        dir.path(),
        "serve.toml",
        "listen = \"127.0.0.1:0\"\nport = 80\n",
    );
    let unknown = run(&["--config", &config]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("port"), "{}", unknown.stderr);

    let missing = dir.path().join("missing.toml").display().to_string();
    let no_set = run(&["--listen", "127.0.0.1:0", "--policies", &missing]);
    assert_eq!(no_set.code, 2, "{}", no_set.stderr);
    assert!(no_set.stderr.contains("missing.toml"), "{}", no_set.stderr);

    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let no_key = run(&["--listen", "127.0.0.1:0", "--audit", &url]);
    assert_eq!(no_key.code, 2, "{}", no_key.stderr);
    assert!(
        no_key.stderr.contains("checkpoint key"),
        "{}",
        no_key.stderr
    );
}

/// The value of one sample of an OpenMetrics text, e.g.
/// `exportctl_decisions_total{outcome="deny",mode="enforce"}`; labels as written.
pub(crate) fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// `/metrics` counts what the service did: verdicts by outcome and mode, one
/// evaluation-time observation per policy in force per shipment, one append
/// time per record, the active generation, nothing in flight after the answers.
#[test]
fn metrics_count_decisions_policy_times_and_appends() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let mut outcomes: std::collections::BTreeMap<(String, &str), f64> = Default::default();
    let mut evaluations: std::collections::BTreeMap<String, f64> = Default::default();
    for name in EXAMPLES {
        let shipment = read_json(&example(name));
        for (mode, body) in [
            ("enforce", serde_json::to_vec(&shipment).unwrap()),
            ("simulate", envelope("metrics", "simulate", &shipment)),
        ] {
            let answer = server.post("/v1/check", &body);
            assert_eq!(answer.status, 200, "{name}: {}", answer.body);
            let verdict = &answer.body["verdict"];
            let outcome = verdict["outcome"].as_str().unwrap().to_owned();
            *outcomes.entry((outcome, mode)).or_default() += 1.0;
            for policy in verdict["policies"].as_array().unwrap() {
                if policy["in_force"] != false {
                    *evaluations
                        .entry(policy["id"].as_str().unwrap().to_owned())
                        .or_default() += 1.0;
                }
            }
        }
    }
    let mut response = Server::agent()
        .get(format!("{}/metrics", server.base))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.body_mut().read_to_string().unwrap();
    for ((outcome, mode), n) in &outcomes {
        let name = format!("exportctl_decisions_total{{outcome=\"{outcome}\",mode=\"{mode}\"}}");
        assert_eq!(sample(&text, &name), Some(*n), "{name} in\n{text}");
    }
    for (policy, n) in &evaluations {
        let name = format!("exportctl_policy_evaluation_seconds_count{{policy=\"{policy}\"}}");
        assert_eq!(sample(&text, &name), Some(*n), "{name} in\n{text}");
    }
    assert_eq!(
        sample(&text, "exportctl_audit_append_seconds_count"),
        Some(EXAMPLES.len() as f64),
        "{text}"
    );
    assert_eq!(sample(&text, "exportctl_policy_set_generation"), Some(1.0));
    assert_eq!(sample(&text, "exportctl_requests_in_flight"), Some(0.0));
    assert_eq!(
        sample(&text, "exportctl_audit_append_failures_total"),
        Some(0.0)
    );
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

/// SIGKILL while 4 threads keep checking, then a restart on the same store:
/// every decision answered 200 before the kill is stored, the restarted
/// service records again, and after it stops the whole log verifies.
#[test]
fn kill_9_under_load_loses_no_answered_decision() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let mut server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let body = std::fs::read(example(EXAMPLES[1])).unwrap();
    let load = Load::start(&server.base, &body);
    let mut child = server.child.take().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let answered = load.answered();
    let stored = all_stored(&answered, &db);
    // Restart on the same store: it appends after what survived.
    drop(server);
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let after = server.post("/v1/check", &body);
    assert_eq!(after.status, 200, "{}", after.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let all = records(&db);
    assert_eq!(all.len(), stored.len() + 1);
    assert_eq!(
        all.last().map(|r| r.1.as_str()),
        after.body["decision_id"].as_str()
    );
    eprintln!(
        "serve: SIGKILL under load: {} answered, {} stored before the restart",
        answered.len(),
        stored.len()
    );
    verify(&url, &public, all.len());
}

/// Every endpoint the service serves, as (method, path); path parameters as
/// `{name}`. The API document must describe exactly these.
const ENDPOINTS: &[(&str, &str)] = &[
    ("get", "/api"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("get", "/readyz"),
    ("post", "/v1/check"),
    ("post", "/v1/check/batch"),
    ("get", "/v1/decisions"),
    ("get", "/v1/decisions/{id}"),
    ("get", "/v1/decisions/{id}/proof"),
    ("post", "/v1/decisions/{id}/replay"),
    ("get", "/v1/holds"),
    ("get", "/v1/holds/changes"),
    ("get", "/v1/holds/{id}"),
    ("post", "/v1/holds/{id}/actions"),
    ("get", "/v1/exemptions"),
    ("post", "/v1/exemptions"),
    ("post", "/v1/exemptions/{id}/expire"),
    ("get", "/v1/policies"),
    ("post", "/v1/policies/reload"),
    ("post", "/v1/policies/rollback"),
];

/// Checks that every key of `value` is a property of `schema` (resolving
/// `$ref`s in `doc`) and every required property is present, down through
/// objects and arrays: the document describes the JSON the service sends.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = match schema["$ref"].as_str() {
        Some(target) => doc.pointer(target.trim_start_matches('#')).unwrap(),
        None => schema,
    };
    // `Option<T>`: one of T or null; a value that is there is a T.
    if let Some(alternatives) = schema["oneOf"].as_array()
        && !value.is_null()
    {
        let some = alternatives.iter().find(|a| a["type"] != "null").unwrap();
        return conforms(doc, some, value, at);
    }
    match value {
        Value::Object(object) => {
            let properties = schema["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{at}: the schema names no properties"));
            for key in object.keys() {
                let property = properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} is not in the document"));
                conforms(doc, property, &object[key], &format!("{at}.{key}"));
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let required = required.as_str().unwrap();
                assert!(object.contains_key(required), "{at}.{required} missing");
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                conforms(doc, &schema["items"], item, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// `/openapi.json` describes exactly the endpoints served, every reference in
/// it resolves, the answers of a check conform to it, and `/api` shows it as a
/// page with nothing fetched from elsewhere.
#[test]
fn the_api_document_describes_what_is_served() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let doc = server.get("/openapi.json");
    assert_eq!(doc.status, 200);
    let doc = doc.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut described: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            described.push((method.clone(), path.clone()));
        }
    }
    described.sort();
    let mut expected: Vec<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(described, expected);
    // Every described operation is served (not 404/405).
    for (method, path) in ENDPOINTS {
        let path = path.replace('{', "x").replace('}', "");
        let request = ureq::http::Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(format!("{}{path}", server.base))
            .body(Vec::new())
            .unwrap();
        let status = Server::agent().run(request).unwrap().status().as_u16();
        assert!(![404, 405].contains(&status), "{method} {path}: {status}");
    }
    // Every reference resolves.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in &targets {
        assert!(
            doc.pointer(target.trim_start_matches('#')).is_some(),
            "{target}"
        );
    }
    // Real answers conform: a verdict with findings and warnings, and a problem.
    let answer_schema = &doc["paths"]["/v1/check"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let mut shipment = read_json(&example(EXAMPLES[1]));
    shipment["enduser"] = json!("a misspelt field, for a warning");
    let answer = server.post("/v1/check", &serde_json::to_vec(&shipment).unwrap());
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        !answer.body["verdict"]["findings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !answer.body["verdict"]["warnings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    conforms(&doc, answer_schema, &answer.body, "answer");
    let problem_schema = &doc["paths"]["/v1/check"]["post"]["responses"]["422"]["content"]["application/problem+json"]
        ["schema"];
    let invalid = server.post("/v1/check", br#"{"id": "SO-1", "date": "10.05.2024"}"#);
    assert_eq!(invalid.status, 422);
    conforms(&doc, problem_schema, &invalid.body, "problem");

    let mut page = Server::agent()
        .get(format!("{}/api", server.base))
        .call()
        .unwrap();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = page.body_mut().read_to_string().unwrap();
    for (method, path) in ENDPOINTS {
        assert!(
            page.contains(&format!(
                "{}</span> <code>{path}</code>",
                method.to_uppercase()
            )),
            "{method} {path} not on the page"
        );
    }
    assert!(!page.contains("<script") && !page.contains("src=\"http"));
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

/// HTTP/2 without TLS (prior knowledge, as a gateway in front of the service
/// speaks it) answers the same verdict as HTTP/1.1. The client is curl with
/// nghttp2, the one HTTP/2 client on every CI machine.
#[test]
fn http2_answers_the_same_verdict() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let file = example(EXAMPLES[2]);
    let over_http1 = server.post("/v1/check", &std::fs::read(&file).unwrap());
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--http2-prior-knowledge"])
        .args([
            "--max-time",
            "60",
            "--write-out",
            "\n%{http_version} %{http_code}",
        ])
        .args(["-H", "content-type: application/json"])
        .args([
            "-H",
            &format!("authorization: Bearer {TOKEN}"),
            "--data-binary",
        ])
        .arg(format!("@{}", file.display()))
        .arg(format!("{}/v1/check", server.base))
        .output()
        .expect("curl is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, versions) = text.rsplit_once('\n').unwrap();
    assert_eq!(versions, "2 200", "{text}");
    let over_http2: Value = serde_json::from_str(body).unwrap();
    assert_eq!(over_http2["verdict"], over_http1.body["verdict"]);
    assert_ne!(over_http2["decision_id"], over_http1.body["decision_id"]);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}
