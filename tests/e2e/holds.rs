//! Holds over the API, as an ERP and two officers use them: every recorded
//! decision that is not `allow` opens a hold; the ERP polls the changes feed;
//! four eyes (the approver cannot release, another officer can); a deny hold is
//! never approved, only rejected; a licence_required hold closes as licensed
//! when the shipment, judged again with the attached licence, is allowed; bad
//! actions are named; each action is a record `audit verify` accepts. A
//! rescreen that finds new list matches for a party opens a hold on the party
//! (the same match found again opens none), released by two officers.

use crate::serve::{Answer, Server, audit_store, envelope, example, read_json, write_tokens};
use crate::support::{exportctl, repo, temp_dir};
use serde_json::{Value, json};

const OFFICER_A: &str = "ecx_holds_officer_a_00000000000000000000000000000000000000000000";
const OFFICER_B: &str = "ecx_holds_officer_b_00000000000000000000000000000000000000000000";
const ERP: &str = "ecx_holds_erp_000000000000000000000000000000000000000000000000000";

fn case_shipment(path: &str) -> Value {
    read_json(&repo().join("tests/cases").join(path))["shipment"].clone()
}

fn as_officer(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let body = body.map(|b| serde_json::to_vec(&b).unwrap());
    server.request_with(&Server::agent(), method, path, Some(token), body.as_deref())
}

fn act(server: &Server, token: &str, hold: &str, body: Value) -> Answer {
    as_officer(
        server,
        token,
        "POST",
        &format!("/v1/holds/{hold}/actions"),
        Some(body),
    )
}

/// Every change after `since`, following `next` page by page (bounded).
fn poll(server: &Server, since: Option<&str>) -> (Vec<Value>, Option<String>) {
    let mut changes = Vec::new();
    let mut since = since.map(str::to_owned);
    for _ in 0..100 {
        let path = match &since {
            Some(s) => format!("/v1/holds/changes?limit=2&since={s}"),
            None => "/v1/holds/changes?limit=2".to_owned(),
        };
        let page = as_officer(server, ERP, "GET", &path, None);
        assert_eq!(page.status, 200, "{}", page.body);
        changes.extend(page.body["changes"].as_array().unwrap().iter().cloned());
        since = page.body["next"].as_str().map(str::to_owned);
        if !page.body["more"].as_bool().unwrap() {
            return (changes, since);
        }
    }
    panic!("the changes feed did not end");
}

#[test]
fn officers_work_holds_by_the_rules_and_the_erp_sees_every_change() {
    let dir = temp_dir();
    let (url, key, public, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("officer-b", &["officer"], OFFICER_B),
            ("erp", &["check"], ERP),
        ],
    );
    let mut server = Server::launch(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    server.token = Some(ERP.to_owned());
    let shipments = [
        ("allow", read_json(&example("de-furniture-to-kz.json"))),
        (
            "review",
            case_shipment("chpl-diversion/transshipment-uae-red-flags-review.json"),
        ),
        (
            "deny",
            read_json(&example("seed-drones-kg-via-kz-to-ru.json")),
        ),
        (
            "licence_required",
            case_shipment("eu-dual-use/laser-de-to-ch-end-user-cn-licence-required.json"),
        ),
    ];
    let mut decisions = std::collections::HashMap::new();
    for (n, (outcome, shipment)) in shipments.iter().enumerate() {
        let answer = server.post(
            "/v1/check",
            &envelope(&format!("hold-{n}"), "enforce", shipment),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer.body["verdict"]["outcome"], *outcome,
            "{}",
            answer.body
        );
        decisions.insert(
            *outcome,
            answer.body["decision_id"].as_str().unwrap().to_owned(),
        );
    }

    // The ERP's first poll: one opening per decision that is not allow, in order.
    let (opened, cursor) = poll(&server, None);
    let events: Vec<(&str, &str)> = opened
        .iter()
        .map(|c| (c["event"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        events,
        [
            ("opened", "review"),
            ("opened", "deny"),
            ("opened", "licence_required")
        ]
    );
    assert_eq!(opened[0]["hold_id"], decisions["review"]);
    assert_eq!(opened[0]["state"], "open");

    // The queue, oldest first, with what officer A may do to each.
    let queue = as_officer(&server, OFFICER_A, "GET", "/v1/holds", None);
    assert_eq!(queue.status, 200, "{}", queue.body);
    let holds = queue.body["holds"].as_array().unwrap();
    assert_eq!(holds.len(), 3);
    assert_eq!(holds[0]["hold_id"], decisions["review"]);
    assert_eq!(
        holds[0]["allowed_actions"],
        json!(["approve", "reject", "cancel"])
    );
    assert_eq!(
        holds[1]["allowed_actions"],
        json!(["reject", "cancel"]),
        "deny"
    );
    assert_eq!(
        holds[2]["allowed_actions"],
        json!(["attach_licence", "reject", "cancel"])
    );
    let to_ru = as_officer(&server, OFFICER_A, "GET", "/v1/holds?destination=ru", None);
    assert_eq!(
        to_ru.body["holds"].as_array().unwrap().len(),
        1,
        "{}",
        to_ru.body
    );
    let bad = as_officer(&server, OFFICER_A, "GET", "/v1/holds?outcome=maybe", None);
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Four eyes through the API.
    let review = &decisions["review"];
    let approved = act(
        &server,
        OFFICER_A,
        review,
        json!({"action": "approve", "reason_code": "end-use-verified", "comment": "End-use statement on file"}),
    );
    assert_eq!(approved.status, 201, "{}", approved.body);
    assert_eq!(approved.body["hold"]["state"], "approved");
    assert_eq!(approved.body["hold"]["approved_by"], "officer-a");
    let own = act(
        &server,
        OFFICER_A,
        review,
        json!({"action": "release", "reason_code": "end-use-verified"}),
    );
    assert_eq!(own.status, 409, "{}", own.body);
    assert!(
        own.body["detail"].as_str().unwrap().contains("four eyes"),
        "{}",
        own.body
    );
    let released = act(
        &server,
        OFFICER_B,
        review,
        json!({"action": "release", "reason_code": "end-use-verified", "request_id": "rel-1"}),
    );
    assert_eq!(released.status, 201, "{}", released.body);
    assert_eq!(released.body["hold"]["state"], "released");
    // A retry of the same action is answered with the first one's result.
    let retried = act(
        &server,
        OFFICER_B,
        review,
        json!({"action": "release", "reason_code": "end-use-verified", "request_id": "rel-1"}),
    );
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(
        retried.body["action"]["action_id"],
        released.body["action"]["action_id"]
    );

    // A deny hold is never approved; it is rejected.
    let deny = &decisions["deny"];
    let approve_deny = act(
        &server,
        OFFICER_A,
        deny,
        json!({"action": "approve", "reason_code": "other"}),
    );
    assert_eq!(approve_deny.status, 409, "{}", approve_deny.body);
    assert!(
        approve_deny.body["detail"]
            .as_str()
            .unwrap()
            .contains("forbidden")
    );
    let rejected = act(
        &server,
        OFFICER_A,
        deny,
        json!({"action": "reject", "reason_code": "prohibited-goods"}),
    );
    assert_eq!(rejected.status, 201, "{}", rejected.body);

    // A licence the shipment is then allowed with closes the licence_required hold.
    let licensed = &decisions["licence_required"];
    let no_licence = act(
        &server,
        OFFICER_B,
        licensed,
        json!({"action": "attach_licence", "reason_code": "licence-on-file"}),
    );
    assert_eq!(no_licence.status, 422, "{}", no_licence.body);
    let attached = act(
        &server,
        OFFICER_B,
        licensed,
        json!({"action": "attach_licence", "reason_code": "licence-on-file",
               "licence": {"id": "DE-BAFA-2024-0117", "jurisdiction": "DE"}}),
    );
    assert_eq!(attached.status, 201, "{}", attached.body);
    assert_eq!(
        attached.body["hold"]["state"], "licensed",
        "{}",
        attached.body
    );
    assert_eq!(
        attached.body["action"]["rejudgement"]["verdict"]["outcome"],
        "allow"
    );
    assert_eq!(
        attached.body["action"]["licence"]["id"],
        "DE-BAFA-2024-0117"
    );

    // Named refusals: unknown reason code, unknown action, a check token, no such hold.
    let reason = act(
        &server,
        OFFICER_A,
        deny,
        json!({"action": "cancel", "reason_code": "because"}),
    );
    assert_eq!(reason.status, 422, "{}", reason.body);
    assert!(
        reason.body["detail"]
            .as_str()
            .unwrap()
            .contains("end-use-verified")
    );
    let unknown = act(
        &server,
        OFFICER_A,
        deny,
        json!({"action": "waive", "reason_code": "other"}),
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let finished = act(
        &server,
        OFFICER_A,
        deny,
        json!({"action": "cancel", "reason_code": "other"}),
    );
    assert_eq!(finished.status, 409, "{}", finished.body);
    let erp = act(
        &server,
        ERP,
        deny,
        json!({"action": "cancel", "reason_code": "other"}),
    );
    assert_eq!(erp.status, 403, "{}", erp.body);
    let allow = act(
        &server,
        OFFICER_A,
        &decisions["allow"],
        json!({"action": "cancel", "reason_code": "other"}),
    );
    assert_eq!(allow.status, 404, "{}", allow.body);

    // The ERP's next poll: exactly the four actions, in the order they happened.
    let (acted, _) = poll(&server, cursor.as_deref());
    let events: Vec<(&str, &str, &str)> = acted
        .iter()
        .map(|c| {
            (
                c["event"].as_str().unwrap(),
                c["state"].as_str().unwrap(),
                c["officer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("approve", "approved", "officer-a"),
            ("release", "released", "officer-b"),
            ("reject", "rejected", "officer-a"),
            ("attach_licence", "licensed", "officer-b"),
        ]
    );

    // One hold's page: its decision and its actions, in order.
    let one = as_officer(
        &server,
        OFFICER_A,
        "GET",
        &format!("/v1/holds/{review}"),
        None,
    );
    assert_eq!(one.status, 200, "{}", one.body);
    let kinds: Vec<&str> = one.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["record"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["decision", "hold_action", "hold_action"]);
    assert_eq!(one.body["hold"]["allowed_actions"], json!([]));

    let (code, stderr) = server.stop();
    assert_eq!(code, 0, "{stderr}");
    // 4 decisions + 4 actions; verify folds the actions through the rules again.
    let run = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("8 records"), "{}", run.stdout);
}

/// Signs `token` in to the console; the session cookie to send back.
fn console_session(server: &Server, token: &str) -> String {
    use crate::console::{cookie_pair, request};
    let signed = request(
        server,
        "POST",
        "/ui/signin",
        None,
        Some(&format!("token={token}")),
    );
    assert_eq!(signed.status, 303, "{}", signed.body);
    cookie_pair(&signed.set_cookie.expect("a session cookie"))
}

#[test]
fn four_eyes_through_the_console() {
    use crate::console::{csrf_of, request};
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("officer-b", &["officer"], OFFICER_B),
            ("erp", &["check"], ERP),
        ],
    );
    let mut server = Server::launch(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    server.token = Some(ERP.to_owned());
    let shipment = case_shipment("chpl-diversion/transshipment-uae-red-flags-review.json");
    let answer = server.post("/v1/check", &envelope("console-hold", "enforce", &shipment));
    assert_eq!(
        answer.body["verdict"]["outcome"], "review",
        "{}",
        answer.body
    );
    let hold = answer.body["decision_id"].as_str().unwrap().to_owned();
    let page_of = format!("/ui/holds/{hold}");

    // Officer A: the queue, the oldest hold, approve with a reason.
    let a = console_session(&server, OFFICER_A);
    let queue = request(&server, "GET", "/ui/holds", Some(&a), None);
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(
        queue.body.contains(&format!("href=\"{page_of}\"")),
        "{}",
        queue.body
    );
    let page = request(&server, "GET", &page_of, Some(&a), None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("chpl-transshipment-risk"),
        "findings are shown"
    );
    assert!(
        page.body.contains("<label for=\"reason_code\">"),
        "labelled controls"
    );
    let csrf = csrf_of(&page.body);
    let approve =
        format!("csrf={csrf}&action=approve&reason_code=end-use-verified&comment=checked");
    let approved = request(&server, "POST", &page_of, Some(&a), Some(&approve));
    assert_eq!(
        (approved.status, approved.location.as_deref()),
        (303, Some(page_of.as_str())),
        "{}",
        approved.body
    );
    let page = request(&server, "GET", &page_of, Some(&a), None);
    assert!(
        page.body.contains("<strong id=\"state\">approved</strong>"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("<option value=\"release\">"),
        "A is not offered the release"
    );

    // A form without the CSRF token is refused, and A cannot release anyway.
    let forged = request(
        &server,
        "POST",
        &page_of,
        Some(&a),
        Some("action=release&reason_code=other"),
    );
    assert_eq!(forged.status, 403, "{}", forged.body);
    let own = format!("csrf={csrf}&action=release&reason_code=end-use-verified");
    let own = request(&server, "POST", &page_of, Some(&a), Some(&own));
    assert_eq!(own.status, 409, "{}", own.body);
    assert!(own.body.contains("four eyes"), "{}", own.body);

    // Officer B releases it.
    let b = console_session(&server, OFFICER_B);
    let page = request(&server, "GET", &page_of, Some(&b), None);
    assert!(
        page.body.contains("<option value=\"release\">"),
        "{}",
        page.body
    );
    let release = format!(
        "csrf={}&action=release&reason_code=end-use-verified",
        csrf_of(&page.body)
    );
    let released = request(&server, "POST", &page_of, Some(&b), Some(&release));
    assert_eq!(released.status, 303, "{}", released.body);
    let page = request(&server, "GET", &page_of, Some(&b), None);
    assert!(
        page.body.contains("<strong id=\"state\">released</strong>"),
        "{}",
        page.body
    );

    // The ERP's poll shows both actions.
    let (changes, _) = poll(&server, None);
    let events: Vec<&str> = changes
        .iter()
        .map(|c| c["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["opened", "approve", "release"]);
}

/// One request a receiver took: its signature header and body.
struct Received {
    signature: String,
    body: String,
}

/// A webhook receiver on loopback that answers 500 to its first request and
/// 200 to the others; what it received, in order.
fn receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Received>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/exportctl", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = std::sync::Arc::clone(&got);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(50).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut signature) = (0usize, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("exportctl-signature:") {
                    signature = line["exportctl-signature:".len()..].trim().to_owned();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            keep.lock().unwrap().push(Received {
                signature,
                body: String::from_utf8(body).unwrap(),
            });
            let status = if n == 0 {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (url, got)
}

/// The receiver's check of a signature: HMAC-SHA256 over `t.` + body.
fn signed_by(secret: &str, received: &Received) -> bool {
    use hmac::{Hmac, KeyInit, Mac};
    let (t, v1) = received
        .signature
        .split_once(",v1=")
        .map(|(t, v)| (t.trim_start_matches("t=").to_owned(), v.to_owned()))
        .unwrap_or_default();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(received.body.as_bytes());
    hex::encode(mac.finalize().into_bytes()) == v1
}

#[test]
fn every_change_is_posted_signed_and_retried_and_each_delivery_written_down() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("erp", &["check"], ERP),
        ],
    );
    let (hook, received) = receiver();
    let secret = "whsec_holds_e2e_0123456789abcdef";
    crate::support::write(dir.path(), "webhook.secret", format!("{secret}\n"));
    let config = crate::support::write(
        dir.path(),
        "serve.toml",
        format!(
            "[holds.webhook]\nurl = \"{hook}\"\nsecret_file = \"webhook.secret\"\nattempts = 3\n"
        ),
    );
    let mut server = Server::launch(
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
    server.token = Some(ERP.to_owned());
    let shipment = case_shipment("chpl-diversion/transshipment-uae-red-flags-review.json");
    let answer = server.post("/v1/check", &envelope("hook-1", "enforce", &shipment));
    let hold = answer.body["decision_id"].as_str().unwrap().to_owned();
    let approved = act(
        &server,
        OFFICER_A,
        &hold,
        json!({"action": "approve", "reason_code": "end-use-verified"}),
    );
    assert_eq!(approved.status, 201, "{}", approved.body);

    // Bounded wait: the opening (refused once with 500, then taken) and the approval.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while received.lock().unwrap().len() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let got = received.lock().unwrap();
    assert_eq!(got.len(), 3, "two changes, the first sent twice");
    assert!(
        got.iter().all(|r| signed_by(secret, r)),
        "every body is signed with the shared secret"
    );
    assert!(!signed_by("another-secret-0123456789", &got[0]));
    let events: Vec<(String, String)> = got
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&r.body).unwrap();
            (
                v["change"]["event"].as_str().unwrap().to_owned(),
                v["change"]["hold_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("opened".to_owned(), hold.clone()),
            ("opened".to_owned(), hold.clone()),
            ("approve".to_owned(), hold.clone())
        ]
    );
    drop(got);

    // The delivery log: one line per change, the first with its failed attempt.
    let log = dir.path().join("data").join("holds-webhook.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut lines = Vec::new();
    while std::time::Instant::now() < deadline {
        lines = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
        if lines.len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(lines.len(), 2, "{lines:?}");
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["delivered"], true);
    assert_eq!(first["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(first["attempts"][0]["status"], 500);
    assert_eq!(first["attempts"][1]["status"], 200);
    let (code, stderr) = server.stop();
    assert_eq!(code, 0, "{stderr}");
}

/// Rosoboronexport (on the SDN list) as consignee of US-origin pumps: the
/// bundled screening policy's SDN match denies.
const LISTED: &str = r#"{"id": "EX-H1", "date": "2026-09-01",
  "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
  "consignee": {"name": "Rosoboronexport", "country": "RU"},
  "origin_country": "DE", "destination_country": "RU",
  "lines": [{"line": 1, "description": "pumps", "hs_code": "8413.30", "origin_country": "US",
             "quantity": 1, "value": {"amount": "10.00", "currency": "EUR"}}]}"#;

#[test]
fn an_exemption_silences_the_same_match_until_it_expires_or_is_ended() {
    let dir = temp_dir();
    let (url, key, public, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("erp", &["check"], ERP),
        ],
    );
    let set = crate::support::write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"party-screening\"\n",
    );
    let mut server = Server::launch(
        dir.path(),
        &[
            "--policies",
            &set,
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
        ],
    );
    server.token = Some(ERP.to_owned());
    let shipment: Value = serde_json::from_str(LISTED).unwrap();
    let check = |n: &str, shipment: &Value| {
        let answer = server.post("/v1/check", &envelope(n, "enforce", shipment));
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    };
    let first = check("ex-1", &shipment);
    assert_eq!(first["verdict"]["outcome"], "deny", "{first}");
    let decision = first["decision_id"].as_str().unwrap().to_owned();
    let sdn = first["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["rule"] == "csl-sdn")
        .unwrap();

    // Refused: no reason, an expiry beyond the cap, a finding without a subject.
    let grant = |body: Value| as_officer(&server, OFFICER_A, "POST", "/v1/exemptions", Some(body));
    let no_reason = grant(
        json!({"decision_id": decision, "finding": sdn, "reason": " ", "valid_until": "2027-01-01"}),
    );
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    let too_long = grant(
        json!({"decision_id": decision, "finding": sdn, "reason": "x", "valid_until": "2040-01-01"}),
    );
    assert_eq!(too_long.status, 422, "{}", too_long.body);
    assert!(
        too_long.body["detail"]
            .as_str()
            .unwrap()
            .contains("max_exemption_days")
    );
    let by_erp = as_officer(
        &server,
        ERP,
        "POST",
        "/v1/exemptions",
        Some(
            json!({"decision_id": decision, "finding": sdn, "reason": "x", "valid_until": "2027-01-01"}),
        ),
    );
    assert_eq!(by_erp.status, 403, "{}", by_erp.body);

    // A short exemption: the next check of the same shipment no longer counts the match.
    let until = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(6)).to_string();
    let granted = grant(
        json!({"decision_id": decision, "finding": sdn, "reason": "Different entity: registry extract on file", "valid_until": until}),
    );
    assert_eq!(granted.status, 201, "{}", granted.body);
    let exemption = granted.body["exemption"]["exemption_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = check("ex-2", &shipment);
    // The SDN match is shown, not counted; the same company's SSI entry is another
    // match, not exempted, so it still asks for a review.
    assert_eq!(second["verdict"]["outcome"], "review", "{second}");
    assert_eq!(
        second["verdict"]["exempted"][0]["rule"], "csl-sdn",
        "{second}"
    );
    assert_eq!(
        second["verdict"]["exempted"][0]["exemption"], exemption,
        "{second}"
    );
    // Another party's name: the exemption does not cover it.
    let mut renamed = shipment.clone();
    renamed["consignee"]["name"] = json!("Rosoboronexport JSC");
    let other = check("ex-3", &renamed);
    assert_eq!(other["verdict"]["outcome"], "deny", "{other}");
    // Past its time, the match counts again.
    std::thread::sleep(std::time::Duration::from_secs(7));
    let third = check("ex-4", &shipment);
    assert_eq!(third["verdict"]["outcome"], "deny", "{third}");
    assert!(third["verdict"].get("exempted").is_none(), "{third}");

    // A long one, ended early by an officer: counts again at once.
    let long = grant(
        json!({"decision_id": decision, "finding": sdn, "reason": "confirmed", "valid_until": "2027-06-01"}),
    );
    assert_eq!(long.status, 201, "{}", long.body);
    let id = long.body["exemption"]["exemption_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(check("ex-5", &shipment)["verdict"]["outcome"], "review");
    let ended = as_officer(
        &server,
        OFFICER_A,
        "POST",
        &format!("/v1/exemptions/{id}/expire"),
        Some(json!({"reason": "new information"})),
    );
    assert_eq!(ended.status, 201, "{}", ended.body);
    assert_eq!(check("ex-6", &shipment)["verdict"]["outcome"], "deny");
    let listed = as_officer(&server, OFFICER_A, "GET", "/v1/exemptions", None);
    let statuses: Vec<&str> = listed.body["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ended", "expired"], "{}", listed.body);

    let (code, stderr) = server.stop();
    assert_eq!(code, 0, "{stderr}");
    // 6 decisions and 3 exemption records (two grants, one end), all verified.
    let run = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("9 records"), "{}", run.stdout);
    // Every decision replays to what was decided, the exempted ones with the exemptions
    // they name, found in the log as they stood at the decision's time.
    let replay = exportctl(&["audit", "replay", "--store", &url]);
    assert_eq!(replay.code, 0, "{}{}", replay.stdout, replay.stderr);
    let identical = replay
        .stdout
        .lines()
        .filter(|l| l.ends_with(": identical"))
        .count();
    assert_eq!(identical, 6, "{}", replay.stdout);
}

/// `rescreen --since-decisions --audit URL` of the party master with `set`
/// under the law of 1 Sep 2026: (exit status, change lines, stderr).
fn rescreen_recorded(set: &str, url: &str, key: &str) -> (i32, Vec<Value>, String) {
    let run = exportctl(&[
        "rescreen",
        "--parties",
        crate::rescreen::PARTIES,
        "--policies",
        set,
        "--since-decisions",
        "--audit",
        url,
        "--checkpoint-key",
        key,
        "--date",
        "2026-09-01",
    ]);
    assert!(run.code != 1 && run.code != 2, "{}", run.stderr);
    (run.code, crate::rescreen::lines(&run.stdout), run.stderr)
}

/// The parties whose change lines carry a new enforced match that is not
/// allow (or a failed screening): those whose screening opens a hold.
fn parties_with_new_hits(changes: &[Value]) -> Vec<String> {
    let mut parties: Vec<String> = changes
        .iter()
        .filter(|l| {
            (l["kind"] == "party"
                && l["change"] == "new_match"
                && l["mode"] == "enforce"
                && l["outcome"] != "allow")
                || (l["kind"] == "party_failed" && l["side"] == "current")
        })
        .map(|l| l["party"].as_str().unwrap().to_owned())
        .collect();
    parties.dedup();
    parties
}

/// Party holds in the queue: (party id, hold id), oldest first.
fn party_holds(server: &Server) -> Vec<(String, String)> {
    let queue = as_officer(server, OFFICER_A, "GET", "/v1/holds?limit=500", None);
    assert_eq!(queue.status, 200, "{}", queue.body);
    queue.body["holds"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["subject"] == "party")
        .map(|h| {
            assert_eq!(h["shipment_id"], Value::Null, "{h}");
            (
                h["party_id"].as_str().unwrap().to_owned(),
                h["hold_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn new_screening_hits_open_party_holds_that_two_officers_release() {
    let dir = temp_dir();
    let (url, key, public, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("officer-b", &["officer"], OFFICER_B),
            ("erp", &["check"], ERP),
        ],
    );
    let previous = crate::support::write(dir.path(), "previous.toml", crate::rescreen::PREVIOUS);
    let current = crate::support::write(dir.path(), "current.toml", crate::rescreen::CURRENT);
    let server = Server::launch(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);

    // 1: the earlier edition, never screened before: every party with a match
    // that is not allow gets a hold.
    let (_, first, stderr) = rescreen_recorded(&previous, &url, &key);
    let expected = parties_with_new_hits(&first);
    assert!(!expected.is_empty(), "{stderr}");
    let held: Vec<String> = party_holds(&server).into_iter().map(|(p, _)| p).collect();
    assert_eq!(held, expected, "{stderr}");

    // 2: the new edition: only the parties with a new match get a new hold;
    // APEX Kazakhstan's new Entity List match is one.
    let (code, second, stderr) = rescreen_recorded(&current, &url, &key);
    assert_eq!(code, 5, "{stderr}");
    let newly = parties_with_new_hits(&second);
    assert!(newly.contains(&"C-1006".to_owned()), "{second:?}");
    let holds = party_holds(&server);
    let opened_now: Vec<String> = holds[held.len()..].iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(opened_now, newly, "{stderr}");
    let apex = holds[held.len()..]
        .iter()
        .find(|(p, _)| p == "C-1006")
        .map(|(_, id)| id.clone())
        .unwrap();
    let new_entry = second
        .iter()
        .find(|l| l["party"] == "C-1006" && l["change"] == "new_match")
        .unwrap()["entry"]
        .clone();

    // 3: the same edition again: the same matches, no new hold.
    let (code, third, stderr) = rescreen_recorded(&current, &url, &key);
    assert_eq!((code, third.len()), (0, 0), "{stderr}");
    assert_eq!(
        party_holds(&server),
        holds,
        "an unchanged match opens nothing"
    );

    // The hold shows the party and its matches; a licence is no answer to it.
    let shown = as_officer(
        &server,
        OFFICER_A,
        "GET",
        &format!("/v1/holds/{apex}"),
        None,
    );
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["hold"]["subject"], "party");
    assert_eq!(shown.body["hold"]["party_id"], "C-1006");
    assert_eq!(
        shown.body["hold"]["allowed_actions"],
        json!(["approve", "reject", "cancel"])
    );
    assert_eq!(shown.body["party"]["party"]["name"], "APEX Kazakhstan");
    assert!(
        shown.body["party"]["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["entry"] == new_entry),
        "{}",
        shown.body
    );
    assert_eq!(shown.body["history"][0]["record"]["kind"], "screening");
    let licence = act(
        &server,
        OFFICER_A,
        &apex,
        json!({"action": "attach_licence", "reason_code": "end-use-verified",
               "licence": {"id": "L-1", "jurisdiction": "US"}}),
    );
    assert_eq!(licence.status, 409, "{}", licence.body);
    assert!(
        licence.body["detail"]
            .as_str()
            .unwrap()
            .contains("no licence answers it"),
        "{}",
        licence.body
    );

    // Two officers release it; the approver alone cannot.
    let approved = act(
        &server,
        OFFICER_A,
        &apex,
        json!({"action": "approve", "reason_code": "end-use-verified", "comment": "Another APEX: registry number differs"}),
    );
    assert_eq!(approved.status, 201, "{}", approved.body);
    assert_eq!(approved.body["action"]["party_id"], "C-1006");
    let own = act(
        &server,
        OFFICER_A,
        &apex,
        json!({"action": "release", "reason_code": "end-use-verified"}),
    );
    assert_eq!(own.status, 409, "{}", own.body);
    let released = act(
        &server,
        OFFICER_B,
        &apex,
        json!({"action": "release", "reason_code": "end-use-verified"}),
    );
    assert_eq!(released.status, 201, "{}", released.body);
    assert_eq!(released.body["hold"]["state"], "released");

    // The ERP's feed names the party of each party hold's opening and actions.
    let (changes, _) = poll(&server, None);
    let apex_changes: Vec<(&str, &str)> = changes
        .iter()
        .filter(|c| c["hold_id"] == apex.as_str())
        .map(|c| {
            assert_eq!(
                (&c["subject"], &c["party_id"]),
                (&json!("party"), &json!("C-1006"))
            );
            (c["event"].as_str().unwrap(), c["state"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        apex_changes,
        [
            ("opened", "open"),
            ("approve", "approved"),
            ("release", "released")
        ]
    );

    // The console's hold page shows the party and its matches, and offers no
    // licence.
    let a = console_session(&server, OFFICER_A);
    let page =
        crate::console::request(&server, "GET", &format!("/ui/holds/{apex}"), Some(&a), None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<dt>Party</dt><dd>C-1006</dd>")
            && page.body.contains(new_entry.as_str().unwrap())
            && page.body.contains("APEX Kazakhstan")
            && !page.body.contains("licence_id"),
        "{}",
        page.body
    );

    let verify = exportctl(&["audit", "verify", &url, "--key", &public]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}
