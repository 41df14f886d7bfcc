//! `exportctl serve`: policy-set generations (reload by call and by SIGHUP,
//! refused sets, rollback), `GET /v1/policies`, `POST /v1/check/batch` and the
//! decisions API — and, under load, 20 reloads of valid, invalid and hostile
//! sets with no request failing and every verdict naming the set that judged it.

use crate::serve::{EXAMPLES, Server, audit_store, example, read_json, records, verify};
use crate::support::{exportctl, hostile, repo, temp_dir, write};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The bundled default set's text: the first valid set of these tests.
fn default_set() -> String {
    std::fs::read_to_string(repo().join("policies/default.toml")).unwrap()
}

/// The default set with its first policy in monitor mode: another digest.
fn monitor_set() -> String {
    default_set().replacen("mode = \"enforce\"", "mode = \"monitor\"", 1)
}

/// The default set without its last policy (`us-ear`): verdicts list one
/// policy fewer.
fn without_us_ear() -> String {
    let text = default_set();
    let at = text.rfind("[[policy]]").unwrap();
    text[..at].to_owned()
}

/// Writes the policy-set file the service reloads (replaced whole, so a
/// reload never reads half a file).
fn put_set(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn problem_type(answer: &crate::serve::Answer) -> &str {
    answer.body["type"].as_str().unwrap_or_default()
}

fn sighup(server: &Server) {
    let pid = libc::pid_t::try_from(server.pid().unwrap()).unwrap();
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    #[allow(unsafe_code)]
    let sent = unsafe { libc::kill(pid, libc::SIGHUP) };
    assert_eq!(sent, 0);
}

/// The active generation and digest `GET /v1/policies` reports.
fn active(server: &Server) -> (u64, String) {
    let policies = server.get("/v1/policies");
    assert_eq!(policies.status, 200, "{}", policies.body);
    (
        policies.body["generation"].as_u64().unwrap(),
        policies.body["digest"].as_str().unwrap().to_owned(),
    )
}

fn generation_of(answer: &Value) -> (u64, String) {
    (
        answer["policy_set"]["generation"].as_u64().unwrap(),
        answer["policy_set"]["digest"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn serve_reloads_refuses_a_bad_set_rolls_back_and_reloads_on_sighup() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let set = dir.path().join("set.toml");
    put_set(&set, &default_set());
    let server = Server::start(
        dir.path(),
        &[
            "--policies",
            set.to_str().unwrap(),
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
        ],
    );
    let furniture = std::fs::read(example(EXAMPLES[0])).unwrap();

    // The active set, as listed.
    let listed = server.get("/v1/policies");
    assert_eq!(listed.status, 200, "{}", listed.body);
    let body = &listed.body;
    assert_eq!(body["generation"], 1);
    let first = body["digest"].as_str().unwrap().to_owned();
    assert_eq!(first.len(), 64);
    assert!(body["previous"].is_null());
    assert!(body["loaded_at"].as_str().unwrap().contains('T'));
    let policies = body["policies"].as_array().unwrap();
    assert!(policies.len() >= 5, "{body}");
    for p in policies {
        assert_eq!(p["sha256"].as_str().unwrap().len(), 64, "{p}");
        assert_eq!(p["signed_by"], "bundled", "{p}");
        assert_eq!(p["mode"], "enforce", "{p}");
        assert_eq!(p["instance"], "reused", "the default set's own: {p}");
        assert!(p["version"].as_str().unwrap().contains('.'), "{p}");
        // The rules each declares (contract 1.4.0), with basis and description.
        let rules = p["rules"].as_array().unwrap_or_else(|| panic!("{p}"));
        assert!(!rules.is_empty(), "{p}");
        assert!(
            rules.iter().all(|r| r["id"].is_string()
                && r["legal_basis"].is_string()
                && r["description"].is_string()),
            "{p}"
        );
    }
    // The list editions the policies declare (e.g. the CHPL file's date), aged today.
    let editions = body["editions"].as_array().unwrap();
    assert!(!editions.is_empty(), "{body}");
    assert!(
        editions
            .iter()
            .all(|e| e["age_days"].as_i64().unwrap() > 0 && e["edition"].is_string()),
        "{body}"
    );
    // Some are older than the set's `data_age_warning_days` (90 by default).
    assert!(editions.iter().any(|e| e["stale"] == true), "{body}");

    // Nothing to roll back to yet.
    let none = server.post("/v1/policies/rollback", b"");
    assert_eq!(none.status, 409, "{}", none.body);
    assert_eq!(none.content_type, "application/problem+json");

    // A valid new set: generation 2, another digest, the old one is previous.
    put_set(&set, &monitor_set());
    let reloaded = server.post("/v1/policies/reload", b"");
    assert_eq!(reloaded.status, 200, "{}", reloaded.body);
    assert_eq!(reloaded.body["active"]["generation"], 2);
    let second = reloaded.body["active"]["digest"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(second, first);
    assert_eq!(reloaded.body["previous"]["generation"], 1);
    assert_eq!(reloaded.body["previous"]["digest"], first.as_str());
    let checked = server.post("/v1/check", &furniture);
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert_eq!(generation_of(&checked.body), (2, second.clone()));
    let listed = server.get("/v1/policies");
    assert_eq!(listed.body["policies"][0]["mode"], "monitor");

    // A broken file: 422 with the reason, the running set keeps serving, and
    // /readyz says so while staying ready.
    put_set(&set, "[[policy]\nplugin = ");
    let refused = server.post("/v1/policies/reload", b"");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        problem_type(&refused),
        "urn:exportctl:problem:policy-set-refused"
    );
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("set.toml"),
        "{}",
        refused.body
    );
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["last_reload"]["succeeded"], false);
    assert!(
        ready.body["last_reload"]["error"]
            .as_str()
            .unwrap()
            .contains("set.toml")
    );
    assert_eq!(active(&server), (2, second.clone()));
    let checked = server.post("/v1/check", &furniture);
    assert_eq!(generation_of(&checked.body), (2, second.clone()));

    // Rollback: generation 1 serves again under its own number; twice undoes it.
    let back = server.post("/v1/policies/rollback", b"");
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(back.body["active"]["generation"], 1);
    assert_eq!(back.body["active"]["digest"], first.as_str());
    assert_eq!(back.body["previous"]["generation"], 2);
    let checked = server.post("/v1/check", &furniture);
    assert_eq!(generation_of(&checked.body), (1, first.clone()));
    let forth = server.post("/v1/policies/rollback", b"");
    assert_eq!(forth.body["active"]["generation"], 2);

    // SIGHUP reloads the file too: generation 3, the default set's digest again.
    put_set(&set, &default_set());
    sighup(&server);
    let deadline = Instant::now() + Duration::from_secs(120);
    while active(&server).0 != 3 {
        assert!(Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(active(&server), (3, first.clone()));
    let ready = server.get("/readyz");
    assert_eq!(ready.body["last_reload"]["succeeded"], true);
    assert_eq!(ready.body["last_reload"]["generation"], 3);
    // /metrics counts the reloads by result and names the active generation.
    let metrics = ureq::get(format!("{}/metrics", server.base))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    let count = |result: &str| {
        crate::serve::sample(
            &metrics,
            &format!("exportctl_reloads_total{{result=\"{result}\"}}"),
        )
    };
    assert_eq!(count("loaded"), Some(2.0), "{metrics}");
    assert_eq!(count("rolled_back"), Some(2.0), "{metrics}");
    assert!(count("refused") >= Some(1.0), "{metrics}");
    assert_eq!(
        crate::serve::sample(&metrics, "exportctl_policy_set_generation"),
        Some(3.0)
    );

    // Four reloads at once run one at a time: four new numbers, each swapped
    // in over the one just before it.
    let swaps: Vec<(u64, u64)> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..4)
            .map(|_| s.spawn(|| server.post("/v1/policies/reload", b"")))
            .collect();
        calls
            .into_iter()
            .map(|c| {
                let a = c.join().unwrap();
                assert_eq!(a.status, 200, "{}", a.body);
                (
                    a.body["active"]["generation"].as_u64().unwrap(),
                    a.body["previous"]["generation"].as_u64().unwrap(),
                )
            })
            .collect()
    });
    let mut swaps = swaps;
    swaps.sort_unstable();
    assert_eq!(swaps, [(4, 3), (5, 4), (6, 5), (7, 6)]);

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    // The three checks, each recorded.
    assert_eq!(records(&db).len(), 3);
    verify(&url, &public, 3);
}

#[test]
fn serve_batch_answers_each_item_in_order_and_records_every_decision() {
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let config = write(dir.path(), "serve.toml", "[limits]\nbatch_items = 6\n");
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
    let shipments: Vec<Value> = EXAMPLES.iter().map(|n| read_json(&example(n))).collect();
    let mut bad = shipments[0].clone();
    bad["lines"][1]["hs_code"] = json!("94A1");
    let items = json!({ "items": [
        shipments[0],
        bad,
        { "request_id": "b-1", "mode": "simulate", "shipment": shipments[1] },
        { "request_id": "b-2", "mode": "enforce", "shipment": shipments[2] },
        42,
        { "shipment": shipments[1], "mode": "later" },
    ]});
    let answer = server.post("/v1/check/batch", &serde_json::to_vec(&items).unwrap());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let entries = answer.body["items"].as_array().unwrap();
    let statuses: Vec<u64> = entries
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 422, 200, 200, 422, 422], "{}", answer.body);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["index"], i);
    }
    // Each verdict is what /v1/check (and `check`) gives for that shipment.
    for (entry, name) in [(&entries[0], EXAMPLES[0]), (&entries[3], EXAMPLES[2])] {
        let check = exportctl(&["check", example(name).to_str().unwrap()]);
        let printed: Value = serde_json::from_str(check.stdout.trim()).unwrap();
        assert_eq!(entry["decision"]["verdict"], printed, "{name}");
        assert_eq!(entry["decision"]["recorded"], true);
    }
    assert_eq!(entries[2]["decision"]["mode"], "simulate");
    assert_eq!(entries[2]["decision"]["recorded"], false);
    assert_eq!(entries[3]["decision"]["request_id"], "b-2");
    // Problems name the path within the batch body.
    assert_eq!(
        entries[1]["problem"]["errors"][0]["path"],
        "items[1].lines[1].hs_code"
    );
    assert_eq!(entries[4]["problem"]["errors"][0]["path"], "items[4]");
    assert_eq!(entries[5]["problem"]["errors"][0]["path"], "items[5].mode");
    assert_eq!(answer.body["summary"]["decisions"], 3);
    assert_eq!(answer.body["summary"]["problems"], 3);
    assert_eq!(answer.body["policy_set"]["generation"], 1);

    // A bare array; a request id seen before answers its original decision.
    let again = json!([{ "request_id": "b-2", "shipment": shipments[2] }, shipments[1]]);
    let answer2 = server.post("/v1/check/batch", &serde_json::to_vec(&again).unwrap());
    assert_eq!(answer2.status, 200, "{}", answer2.body);
    let repeated = &answer2.body["items"][0]["decision"];
    assert_eq!(
        repeated["decision_id"],
        entries[3]["decision"]["decision_id"]
    );
    assert_eq!(repeated["record"]["repeated"], true);
    assert_eq!(answer2.body["items"][1]["status"], 200);
    let conflict = json!([{ "request_id": "b-2", "shipment": shipments[0] }]);
    let answer3 = server.post("/v1/check/batch", &serde_json::to_vec(&conflict).unwrap());
    assert_eq!(answer3.body["items"][0]["status"], 409, "{}", answer3.body);

    // More items than `batch_items`: 413; not a batch: 422.
    let seven: Vec<&Value> = std::iter::repeat_n(&shipments[0], 7).collect();
    let many = server.post("/v1/check/batch", &serde_json::to_vec(&seven).unwrap());
    assert_eq!(many.status, 413, "{}", many.body);
    assert_eq!(many.content_type, "application/problem+json");
    assert!(many.body["detail"].as_str().unwrap().contains("limit of 6"));
    let not_batch = server.post("/v1/check/batch", br#"{"things": []}"#);
    assert_eq!(not_batch.status, 422, "{}", not_batch.body);

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    // Enforce decisions of the first batch (2) and the new one of the second (1).
    let stored = records(&db);
    assert_eq!(stored.len(), 3);
    let ids: HashSet<&str> = stored.iter().map(|r| r.1.as_str()).collect();
    for entry in [&entries[0], &entries[3], &answer2.body["items"][1]] {
        assert!(ids.contains(entry["decision"]["decision_id"].as_str().unwrap()));
    }
    verify(&url, &public, 3);
}

#[test]
fn serve_decisions_are_read_listed_proven_and_replayed() {
    let dir = temp_dir();
    let (url, key, public, _) = audit_store(dir.path());
    // A checkpoint after every record, so each decision has a proof at once.
    let set = dir.path().join("set.toml");
    let audit_table =
        format!("[audit]\nstore = \"{url}\"\ncheckpoint_key = \"{key}\"\ncheckpoint_every = 1\n\n");
    put_set(&set, &format!("{audit_table}{}", default_set()));
    let server = Server::start(dir.path(), &["--policies", set.to_str().unwrap()]);
    let decided: Vec<Value> = EXAMPLES
        .iter()
        .map(|name| {
            let answer = server.post("/v1/check", &std::fs::read(example(name)).unwrap());
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.body
        })
        .collect();
    let id_of = |i: usize| decided[i]["decision_id"].as_str().unwrap().to_owned();

    // One decision: the record as stored.
    let one = server.get(&format!("/v1/decisions/{}", id_of(1)));
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["record"]["decision_id"], id_of(1).as_str());
    assert_eq!(one.body["record"]["verdict"], decided[1]["verdict"]);
    assert_eq!(one.body["leaf_index"], decided[1]["record"]["leaf_index"]);
    let unknown = server.get("/v1/decisions/019ae000-0000-7000-8000-000000000000");
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(unknown.content_type, "application/problem+json");
    let bad = server.get("/v1/decisions/not-an-id");
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["errors"][0]["path"], "id");

    // The listing: newest first, a page at a time through the cursor.
    let all = server.get("/v1/decisions");
    assert_eq!(all.status, 200, "{}", all.body);
    let listed: Vec<&str> = all.body["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [id_of(2), id_of(1), id_of(0)]);
    assert!(all.body["next_cursor"].is_null());
    let mut paged = Vec::new();
    let mut next = "/v1/decisions?limit=1".to_owned();
    for _ in 0..5 {
        let page = server.get(&next);
        assert_eq!(page.status, 200, "{}", page.body);
        for d in page.body["decisions"].as_array().unwrap() {
            paged.push(d["decision_id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => next = format!("/v1/decisions?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, [id_of(2), id_of(1), id_of(0)]);
    // Filters: the furniture shipment by party name, shipment id, destination, outcome.
    let ids = |query: &str| -> Vec<String> {
        let page = server.get(&format!("/v1/decisions?{query}"));
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        page.body["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["decision_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("party=almaty%20interiors"), [id_of(0)]);
    assert_eq!(ids("shipment=SO-2024-00310"), [id_of(0)]);
    let outcome = decided[2]["verdict"]["outcome"].as_str().unwrap();
    assert!(ids(&format!("outcome={outcome}")).contains(&id_of(2)));
    let destination = read_json(&example(EXAMPLES[0]))["destination_country"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(ids(&format!("destination={destination}")).contains(&id_of(0)));
    assert_eq!(ids("from=2999-01-01").len(), 0);
    assert_eq!(ids("from=2000-01-01&to=2999-01-01").len(), 3);
    for (query, name) in [
        ("outcome=maybe", "outcome"),
        ("order=asc", "order"),
        ("limit=x", "limit"),
    ] {
        let refused = server.get(&format!("/v1/decisions?{query}"));
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
        assert_eq!(refused.body["errors"][0]["path"], name);
    }

    // The proof: as `audit proof` writes it, and `audit verify-proof` accepts it.
    let proof = server.get(&format!("/v1/decisions/{}/proof", id_of(1)));
    assert_eq!(proof.status, 200, "{}", proof.body);
    let file = write(dir.path(), "proof.json", proof.body.to_string());
    let verified = exportctl(&["audit", "verify-proof", &file, "--key", &public]);
    assert_eq!(verified.code, 0, "{verified:?}");
    let cli = exportctl(&["audit", "proof", &id_of(1), "--store", &url]);
    assert_eq!(cli.code, 0, "{cli:?}");
    assert_eq!(
        proof.body,
        serde_json::from_str::<Value>(&cli.stdout).unwrap()
    );
    let no_proof = server.get("/v1/decisions/019ae000-0000-7000-8000-000000000000/proof");
    assert_eq!(no_proof.status, 404, "{}", no_proof.body);

    // Replay with the recorded set: identical.
    let replay = server.post(&format!("/v1/decisions/{}/replay", id_of(2)), b"");
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["result"], "identical", "{}", replay.body);
    assert_eq!(replay.body["verdict"], decided[2]["verdict"]);
    // With the active set after a reload to one without `us-ear`: the difference.
    put_set(&set, &format!("{audit_table}{}", without_us_ear()));
    let reloaded = server.post("/v1/policies/reload", b"");
    assert_eq!(reloaded.status, 200, "{}", reloaded.body);
    let what_if = server.post(
        &format!("/v1/decisions/{}/replay", id_of(2)),
        br#"{"policies": "active"}"#,
    );
    assert_eq!(what_if.status, 200, "{}", what_if.body);
    assert_eq!(what_if.body["result"], "differs", "{}", what_if.body);
    assert_eq!(what_if.body["policy_set"]["generation"], 2);
    assert_eq!(what_if.body["recorded_policy_set"]["generation"], 1);
    assert!(!what_if.body["differences"].as_array().unwrap().is_empty());
    let recorded_again = server.post(
        &format!("/v1/decisions/{}/replay", id_of(2)),
        br#"{"policies": "recorded"}"#,
    );
    assert_eq!(recorded_again.body["result"], "identical");
    let bad_body = server.post(
        &format!("/v1/decisions/{}/replay", id_of(2)),
        br#"{"policies": "tomorrow"}"#,
    );
    assert_eq!(bad_body.status, 422, "{}", bad_body.body);
    assert_eq!(bad_body.body["errors"][0]["path"], "policies");
    // A decision of the reloaded generation replays with its own set: the
    // reload kept that set's plugins and canonical form in the store.
    let later = server.post("/v1/check", &std::fs::read(example(EXAMPLES[2])).unwrap());
    assert_eq!(later.status, 200, "{}", later.body);
    assert_eq!(later.body["policy_set"]["generation"], 2);
    let later_id = later.body["decision_id"].as_str().unwrap();
    let own_set = server.post(&format!("/v1/decisions/{later_id}/replay"), b"");
    assert_eq!(own_set.status, 200, "{}", own_set.body);
    assert_eq!(own_set.body["result"], "identical", "{}", own_set.body);
    assert_eq!(own_set.body["policy_set"]["generation"], 2);
    assert_ne!(later.body["verdict"], decided[2]["verdict"]);
    let replay_unknown = server.post(
        "/v1/decisions/019ae000-0000-7000-8000-000000000000/replay",
        b"",
    );
    assert_eq!(replay_unknown.status, 404, "{}", replay_unknown.body);

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    verify(&url, &public, 4);
}

/// The sets the load test reloads, in turn: valid ones (two digests), a
/// broken file, a missing plugin, a hostile plugin that loops (loads, and its
/// verdicts carry a `policy-error`), a plugin whose signature is for other bytes.
fn reload_sets(dir: &Path) -> Vec<(&'static str, String)> {
    let bad_sig = dir.join("bad.wasm");
    std::fs::copy(hostile("panic"), &bad_sig).unwrap();
    let base = dir.join("publisher");
    let run = exportctl(&["policy", "keygen", "--unencrypted", base.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let public = std::fs::read_to_string(format!("{}.pub", base.display())).unwrap();
    let public = public.lines().last().unwrap().to_owned();
    let sign = exportctl(&[
        "policy",
        "sign",
        "--key",
        &format!("{}.key", base.display()),
        bad_sig.to_str().unwrap(),
    ]);
    assert_eq!(sign.code, 0, "{sign:?}");
    // The signed bytes change afterwards: the signature no longer matches.
    let mut bytes = std::fs::read(&bad_sig).unwrap();
    bytes.push(0);
    std::fs::write(&bad_sig, bytes).unwrap();
    vec![
        ("valid", default_set()),
        ("invalid", "[[policy]\nplugin = ".to_owned()),
        ("valid", monitor_set()),
        (
            "invalid",
            format!(
                "[[policy]]\nplugin = \"{}\"\n",
                dir.join("missing.wasm").display()
            ),
        ),
        (
            "hostile",
            format!(
                "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"kz-export-control\"\n[[policy]]\nplugin = \"{}\"\n[policy.limits]\nfuel = 20_000_000\n",
                hostile("infinite-loop").display()
            ),
        ),
        (
            "invalid",
            format!(
                "[[trust.publisher]]\nname = \"Test publisher\"\npublic_key = \"{public}\"\npolicies = [\"hostile-*\"]\n[[policy]]\nplugin = \"{}\"\n",
                bad_sig.display()
            ),
        ),
    ]
}

/// One check's answer as the load clients keep it.
struct Checked {
    status: u16,
    generation: Option<(u64, String)>,
    decision_id: Option<String>,
    policy_error: bool,
    body: Value,
}

#[test]
fn serve_reloads_20_times_under_load_without_failing_a_request() {
    const CLIENTS: usize = 3;
    const RELOADS: usize = 20;
    let dir = temp_dir();
    let (url, key, public, db) = audit_store(dir.path());
    let sets = reload_sets(dir.path());
    let set = dir.path().join("set.toml");
    put_set(&set, &default_set());
    let server = Server::start(
        dir.path(),
        &[
            "--policies",
            set.to_str().unwrap(),
            "--audit",
            &url,
            "--checkpoint-key",
            &key,
        ],
    );
    // Generation → digest of every set that served.
    let mut digests: HashMap<u64, String> = HashMap::new();
    let (first_generation, first_digest) = active(&server);
    digests.insert(first_generation, first_digest);
    let mut hostile_generations = HashSet::new();
    let body = std::fs::read(example(EXAMPLES[2])).unwrap();
    let stop = AtomicBool::new(false);
    let (answers, outcomes) = std::thread::scope(|s| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (server, body, stop) = (&server, &body, &stop);
                s.spawn(move || {
                    let agent = Server::agent();
                    let mut got = Vec::new();
                    // Bounded: stops when told, or after 20,000 requests.
                    while !stop.load(Ordering::Relaxed) && got.len() < 20_000 {
                        let a = server.post_with(&agent, "/v1/check", body);
                        let policy_error = a.body["verdict"]["findings"]
                            .as_array()
                            .is_some_and(|f| f.iter().any(|f| f["rule"] == "policy-error"));
                        got.push(Checked {
                            status: a.status,
                            generation: (a.status == 200).then(|| generation_of(&a.body)),
                            decision_id: a.body["decision_id"].as_str().map(str::to_owned),
                            policy_error,
                            body: a.body,
                        });
                    }
                    got
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for i in 0..RELOADS {
            let (kind, text) = &sets[i % sets.len()];
            put_set(&set, text);
            let reload = server.post("/v1/policies/reload", b"");
            match *kind {
                "invalid" => {
                    assert_eq!(reload.status, 422, "reload {i}: {}", reload.body);
                    assert_eq!(
                        problem_type(&reload),
                        "urn:exportctl:problem:policy-set-refused"
                    );
                }
                _ => {
                    assert_eq!(reload.status, 200, "reload {i} ({kind}): {}", reload.body);
                    let generation = reload.body["active"]["generation"].as_u64().unwrap();
                    let digest = reload.body["active"]["digest"].as_str().unwrap();
                    assert!(
                        digests.insert(generation, digest.to_owned()).is_none(),
                        "generation {generation} loaded twice"
                    );
                    if *kind == "hostile" {
                        hostile_generations.insert(generation);
                    }
                }
            }
            outcomes.push((kind, reload.status));
            // Let the clients be judged by this generation for a while.
            std::thread::sleep(Duration::from_millis(300));
        }
        // Rollback returns to the previous generation's set.
        let (now, _) = active(&server);
        let back = server.post("/v1/policies/rollback", b"");
        assert_eq!(back.status, 200, "{}", back.body);
        let previous = back.body["active"]["generation"].as_u64().unwrap();
        assert!(previous < now);
        assert_eq!(back.body["active"]["digest"], digests[&previous].as_str());
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        let answers: Vec<Checked> = clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        (answers, outcomes)
    });
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");

    // Zero failures: every request answered 200 with a verdict (a hostile
    // plugin's failure is a `policy-error` finding in one).
    for a in &answers {
        assert_eq!(a.status, 200, "{}", a.body);
    }
    // Every verdict names a generation that served, with that generation's digest.
    let mut by_generation: HashMap<u64, usize> = HashMap::new();
    for a in &answers {
        let (generation, digest) = a.generation.as_ref().unwrap();
        assert_eq!(
            digests.get(generation),
            Some(digest),
            "a verdict names generation {generation} with digest {digest}"
        );
        *by_generation.entry(*generation).or_default() += 1;
        // Only the hostile set fails a policy, and there every verdict carries it.
        assert_eq!(
            a.policy_error,
            hostile_generations.contains(generation),
            "generation {generation}: {}",
            a.body
        );
    }
    assert!(
        hostile_generations
            .iter()
            .any(|g| by_generation.contains_key(g)),
        "no check was judged by the hostile set: {by_generation:?}"
    );
    // Every 200 has its record, with the generation it named.
    let stored: HashMap<String, Value> = records(&db)
        .into_iter()
        .map(|(_, id, _, verdict)| (id, verdict))
        .collect();
    for a in &answers {
        let id = a.decision_id.as_ref().unwrap();
        assert_eq!(
            stored.get(id),
            Some(&a.body["verdict"]),
            "decision {id} answered 200 but not stored as answered"
        );
    }
    assert_eq!(stored.len(), answers.len());
    let refused = outcomes.iter().filter(|(_, status)| *status == 422).count();
    eprintln!(
        "serve: {} checks from {CLIENTS} clients across {RELOADS} reloads ({refused} refused), by generation: {by_generation:?}",
        answers.len()
    );
    verify(&url, &public, stored.len());
}

/// 11 batches of 1,000: each batch's records share commits, and a listing
/// whose filter matches nothing reads 10,000 records, says so, and its cursor
/// reads the rest.
#[test]
fn serve_batches_share_commits_and_a_listing_page_reads_at_most_10000_records() {
    const BATCHES: usize = 11;
    let dir = temp_dir();
    let (url, key, public, _) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let shipment = read_json(&example(EXAMPLES[0]));
    let batch = serde_json::to_vec(&json!({ "items": vec![shipment; 1000] })).unwrap();
    for i in 0..BATCHES {
        let answer = server.post("/v1/check/batch", &batch);
        assert_eq!(answer.status, 200, "batch {i}: {}", answer.body);
        assert_eq!(answer.body["summary"]["decisions"], 1000);
    }
    let first = server.get("/v1/decisions?party=nobody%20at%20all");
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["scanned"], 10_000);
    assert_eq!(first.body["scan_limit_reached"], true);
    assert!(first.body["decisions"].as_array().unwrap().is_empty());
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = server.get(&format!(
        "/v1/decisions?party=nobody%20at%20all&cursor={cursor}"
    ));
    assert_eq!(rest.status, 200, "{}", rest.body);
    assert_eq!(rest.body["scanned"], BATCHES * 1000 - 10_000);
    assert_eq!(rest.body["scan_limit_reached"], false);
    assert!(rest.body["next_cursor"].is_null());

    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    // "… N decisions recorded in C commits …": far fewer commits than records.
    let line = log
        .lines()
        .find(|l| l.contains("decisions recorded in"))
        .unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "commits,").unwrap();
    let commits: usize = words[at - 1].parse().unwrap();
    assert!(commits <= BATCHES * 100, "{line}");
    eprintln!("serve: {BATCHES} batches of 1,000 recorded in {commits} commits");
    verify(&url, &public, BATCHES * 1000);
}

/// The decisions API on a PostgreSQL store: the same record, pages and replay.
#[test]
fn serve_decisions_on_postgresql() {
    let pg = crate::postgres_server::PgServer::start();
    let url = pg.database("serve");
    let dir = temp_dir();
    let (_, key, public, _) = audit_store(dir.path());
    let server = Server::start(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    let ids: Vec<String> = EXAMPLES
        .iter()
        .map(|name| {
            let answer = server.post("/v1/check", &std::fs::read(example(name)).unwrap());
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.body["decision_id"].as_str().unwrap().to_owned()
        })
        .collect();
    let one = server.get(&format!("/v1/decisions/{}", ids[0]));
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["record"]["decision_id"], ids[0].as_str());
    let first = server.get("/v1/decisions?limit=2");
    assert_eq!(first.status, 200, "{}", first.body);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = server.get(&format!("/v1/decisions?limit=2&cursor={cursor}"));
    let paged: Vec<&str> = first.body["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.body["decisions"].as_array().unwrap())
        .map(|d| d["decision_id"].as_str().unwrap())
        .collect();
    assert_eq!(paged, [&ids[2], &ids[1], &ids[0]]);
    let party = server.get("/v1/decisions?party=almaty");
    assert_eq!(party.body["decisions"][0]["decision_id"], ids[0].as_str());
    let replay = server.post(&format!("/v1/decisions/{}/replay", ids[1]), b"");
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["result"], "identical", "{}", replay.body);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    verify(&url, &public, 3);
}
