//! `exportctl batch --nats` with `exportctl worker`s over a real `nats-server -js` and a
//! real PostgreSQL store, both started here on loopback: a worker SIGKILLed mid-job, a
//! redelivered chunk, a foreign message on the queue, unreachable services, job status;
//! chunks routed by policy set, a chunk whose fifth delivery dies, a publisher killed and
//! resumed, and `rescreen --nats` against the local `rescreen` (recording each party's
//! screening once in the shared store, a worker SIGKILLed mid-job).

use crate::nats_server::{NatsServer, free_port};
use crate::postgres_server::PgServer;
use crate::support::{example_corpus, exportctl, temp_dir, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A checkpoint key pair: (secret, public).
fn keygen(dir: &Path) -> (String, String) {
    let key = dir.join("checkpoint.key").display().to_string();
    let run = exportctl(&[
        "audit",
        "keygen",
        "--name",
        "audit.example/nats",
        "--out",
        &key,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (key.clone(), format!("{key}.pub"))
}

/// A worker process, its standard error in a file.
struct Worker {
    child: Child,
    log: PathBuf,
}

impl Worker {
    fn start(dir: &Path, name: &str, args: &[&str]) -> Worker {
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_exportctl"))
            .arg("worker")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Worker { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (bounded) for the worker to exit by itself.
    fn wait(&mut self, within: Duration) -> i32 {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "worker still running: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `request_id → decision_id` of a job's records, and the number of its rows.
fn decisions(url: &str, job: &str) -> (BTreeMap<String, String>, i64) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let pattern = format!("job:{job}:item:%");
    let rows = c
        .query(
            "SELECT request_id, decision_id FROM records WHERE request_id LIKE $1",
            &[&pattern],
        )
        .unwrap();
    let n = rows.len() as i64;
    let map = rows
        .into_iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)))
        .collect();
    (map, n)
}

/// Rows in the store; 0 before the first worker has made its tables.
fn records(url: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one("SELECT count(*) FROM records", &[])
        .map_or(0, |row| row.get(0))
}

/// The set digest that follows `before` in `text`.
fn set_in(text: &str, before: &str) -> String {
    let at = text
        .find(before)
        .unwrap_or_else(|| panic!("no `{before}` in {text}"))
        + before.len();
    let digest: String = text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(digest.len(), 64, "{text}");
    digest
}

/// The digest of the set a worker loaded, from its log.
fn set_of(log: &str) -> String {
    set_in(log, "taking chunks of set ")
}

fn summary(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("summary:"))
        .collect()
}

/// The test of the issue: three workers share a job, one is SIGKILLed mid-job; the job
/// completes with the output of a single-machine batch, and every shipment has exactly
/// one decision in the store, whose log verifies.
#[test]
fn three_workers_one_killed_give_the_local_batch_and_one_decision_per_shipment() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let pg = PgServer::start();
    let store = pg.database("jobs");
    let (key, public) = keygen(dir.path());
    let count = 900;
    let mut text = example_corpus("N", count);
    // A broken line: reported by the publisher as a local run reports it.
    text.insert_str(text.find("\n{\"").unwrap() + 1, "{\"id\": \n");
    let file = write(dir.path(), "day.jsonl", &text);
    let local_out = dir.path().join("local.jsonl").display().to_string();
    let local = exportctl(&["batch", "--out", &local_out, &file]);
    assert_eq!(local.code, 2, "{}", local.stderr);

    let worker_args = [
        "--nats",
        &nats.url,
        "--audit",
        &store,
        "--checkpoint-key",
        &key,
        "--ack-wait",
        "2",
    ];
    let mut workers: Vec<Worker> = (0..3)
        .map(|i| Worker::start(dir.path(), &format!("worker-{i}"), &worker_args))
        .collect();
    let nats_out = dir.path().join("nats.jsonl").display().to_string();
    let batch = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args([
            "batch", "--nats", &nats.url, "--job", "day-1", "--chunk", "16", "--out", &nats_out,
            &file,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // SIGKILL one worker once decisions are being recorded.
    let deadline = Instant::now() + Duration::from_secs(120);
    while records(&store) < 50 {
        assert!(
            Instant::now() < deadline,
            "no decision in 120 s: {}",
            workers[0].log()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    workers[0].child.kill().unwrap();
    let recorded_at_kill = records(&store);
    let out = batch.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        recorded_at_kill < count as i64,
        "the job had finished before the kill"
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&nats_out).unwrap(),
        std::fs::read_to_string(&local_out).unwrap(),
        "{stderr}"
    );
    assert_eq!(summary(&stderr), summary(&local.stderr), "{stderr}");

    let (by_request, rows) = decisions(&store, "day-1");
    assert_eq!(rows, count as i64, "one row per shipment");
    assert_eq!(by_request.len(), count, "one request id per shipment");
    let distinct: std::collections::BTreeSet<&String> = by_request.values().collect();
    assert_eq!(distinct.len(), count, "one decision per shipment");
    for w in &mut workers[1..] {
        // Still running; on SIGTERM a worker finishes the chunk in hand and exits 0.
        assert!(w.child.try_wait().unwrap().is_none(), "{}", w.log());
        sigterm(w.child.id());
        assert_eq!(w.wait(Duration::from_secs(30)), 0, "{}", w.log());
    }
    let verify = exportctl(&["audit", "verify", &store, "--key", &public]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);

    let status = exportctl(&["job", "status", "day-1", "--nats", &nats.url]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let chunks = (count + 1).div_ceil(16);
    assert!(
        status.stdout.contains(&format!(
            "job day-1: published {chunks} chunks, {count} items"
        )),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains(&format!(
            "job day-1: chunks: 0 waiting, {chunks} done, 0 dead"
        )),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains(&format!(
            "job day-1: items: {count} judged, 0 invalid, {count} decisions recorded"
        )),
        "{}",
        status.stdout
    );
}

/// SIGTERM through `kill`, so the test needs no unsafe code.
fn sigterm(pid: u32) {
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -TERM {pid}");
}

/// A chunk delivered again (as after a worker that recorded but died before its
/// acknowledgement) is judged again but gets the decisions first recorded: no new row.
#[test]
fn a_redelivered_chunk_keeps_its_first_decisions() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let pg = PgServer::start();
    let store = pg.database("again");
    let (key, public) = keygen(dir.path());
    let text = example_corpus("N", 40);
    let file = write(dir.path(), "again.jsonl", &text);
    let mut worker = Worker::start(
        dir.path(),
        "worker",
        &[
            "--nats",
            &nats.url,
            "--audit",
            &store,
            "--checkpoint-key",
            &key,
            "--exit-when-idle",
            "8",
        ],
    );
    let batch = exportctl(&[
        "batch", "--nats", &nats.url, "--job", "again", "--chunk", "8", &file,
    ]);
    assert_eq!(batch.code, 5, "{}", batch.stderr);
    let (first, rows) = decisions(&store, "again");
    assert_eq!((first.len(), rows), (40, 40));
    let set = set_of(&worker.log());

    // Chunk 0 again, byte for byte what the publisher sends, under another message id.
    let items: Vec<serde_json::Value> = text
        .lines()
        .take(8)
        .enumerate()
        .map(|(i, line)| {
            serde_json::json!({
                "index": i,
                "origin": format!("{file}:{}", i + 1),
                "document": serde_json::from_str::<serde_json::Value>(line).unwrap(),
            })
        })
        .collect();
    let chunk = serde_json::json!({
        "format_version": 2, "kind": "shipments", "set": set, "job": "again", "chunk": 0,
        "as_of": null, "strict": false, "items": items,
    });
    nats.publish(
        &format!("exportctl.chunks.{set}.again.0"),
        &[("Nats-Msg-Id", "again:chunk:0:redelivered")],
        chunk.to_string().as_bytes(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !worker
        .log()
        .contains("chunk 0: 8 decisions were already recorded")
    {
        assert!(Instant::now() < deadline, "{}", worker.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let (again, rows) = decisions(&store, "again");
    assert_eq!(rows, 40, "no second decision");
    assert_eq!(again, first, "the same decision ids");
    assert_eq!(worker.wait(Duration::from_secs(60)), 0, "{}", worker.log());
    let verify = exportctl(&["audit", "verify", &store, "--key", &public]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
}

/// A message on a job's chunk subject that is not a chunk goes to the dead-letter
/// subject, named on the worker's standard error with its sequence; the job completes.
/// (The publisher warns of it too if it is still collecting then.)
#[test]
fn a_foreign_message_goes_to_dead_letter_and_the_job_completes() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let text = example_corpus("N", 30);
    let file = write(dir.path(), "f.jsonl", &text);
    let local = exportctl(&["batch", &file]);
    let batch = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args([
            "batch", "--nats", &nats.url, "--job", "mixed", "--chunk", "10", &file,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The chunks are out (no worker yet): then the foreign message, for the
    // workers of the job's set.
    let deadline = Instant::now() + Duration::from_secs(60);
    let set = loop {
        let status = exportctl(&["job", "status", "mixed", "--nats", &nats.url]);
        if status.stdout.contains("chunks: 3 waiting") {
            break set_in(&status.stdout, "job mixed: set ");
        }
        assert!(
            Instant::now() < deadline,
            "{}{}",
            status.stdout,
            status.stderr
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    nats.publish(
        &format!("exportctl.chunks.{set}.mixed.9"),
        &[],
        b"hello, not a chunk",
    );
    let mut worker = Worker::start(
        dir.path(),
        "worker",
        &["--nats", &nats.url, "--exit-when-idle", "3"],
    );
    let out = batch.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(local.code), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), local.stdout);
    assert_eq!(worker.wait(Duration::from_secs(60)), 0);
    let log = worker.log();
    assert!(
        log.contains(&format!(
            "EXPORTCTL_CHUNKS message 4 on exportctl.chunks.{set}.mixed.9 is not an exportctl chunk"
        )) && log.contains("sent to exportctl.jobs.mixed.dead"),
        "{log}"
    );
    let status = exportctl(&["job", "status", "mixed", "--nats", &nats.url]);
    assert!(
        status
            .stdout
            .contains("job mixed: published 3 chunks, 30 items")
            && status.stdout.contains("chunks: 0 waiting, 3 done, 1 dead")
            && status
                .stdout
                .contains("items: 30 judged, 0 invalid, 0 decisions recorded"),
        "{}",
        status.stdout
    );
}

/// A NATS server or a store that is not there: one error naming it, exit 2.
#[test]
fn unreachable_nats_or_store_is_exit_2_naming_it() {
    let dir = temp_dir();
    let file = write(dir.path(), "one.jsonl", example_corpus("N", 2));
    let nowhere = format!("nats://127.0.0.1:{}", free_port());
    let batch = exportctl(&["batch", "--nats", &nowhere, &file]);
    assert_eq!(batch.code, 2, "{}", batch.stderr);
    assert!(
        batch
            .stderr
            .contains(&format!("error: NATS server {nowhere} cannot be reached")),
        "{}",
        batch.stderr
    );
    let worker = exportctl(&["worker", "--nats", &nowhere]);
    assert_eq!(worker.code, 2, "{}", worker.stderr);
    assert!(
        worker
            .stderr
            .contains(&format!("NATS server {nowhere} cannot be reached")),
        "{}",
        worker.stderr
    );
    let status = exportctl(&["job", "status", "x", "--nats", &nowhere]);
    assert_eq!(status.code, 2, "{}", status.stderr);

    let nats = NatsServer::start();
    let (key, _) = keygen(dir.path());
    let store = format!("postgres://postgres@127.0.0.1:{}/exportctl", free_port());
    let worker = exportctl(&[
        "worker",
        "--nats",
        &nats.url,
        "--audit",
        &store,
        "--checkpoint-key",
        &key,
    ]);
    assert_eq!(worker.code, 2, "{}", worker.stderr);
    assert!(
        worker.stderr.starts_with("error: ") && worker.stderr.contains(&store),
        "{}",
        worker.stderr
    );
    let unknown = exportctl(&["job", "status", "none-such", "--nats", &nats.url]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("has no message of job none-such"),
        "{}",
        unknown.stderr
    );
    let bad_job = exportctl(&["batch", "--nats", &nats.url, "--job", "a.b", &file]);
    assert_eq!(bad_job.code, 2, "{}", bad_job.stderr);
    // A job id with chunks of another set on the queue is refused: resuming it
    // would mix two sets' results.
    let other = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    nats.publish(
        &format!("exportctl.chunks.{other}.taken.0"),
        &[],
        b"earlier",
    );
    let taken = exportctl(&["batch", "--nats", &nats.url, "--job", "taken", &file]);
    assert_eq!(taken.code, 2, "{}", taken.stderr);
    assert!(
        taken.stderr.contains(&format!(
            "error: NATS server {}: job taken was published for the policy set of digest {other}, not this one",
            nats.url
        )),
        "{}",
        taken.stderr
    );
    // The workers record: the publisher refuses --audit, saying so.
    let audit = exportctl(&[
        "batch",
        "--nats",
        &nats.url,
        "--audit",
        "sqlite:x.db",
        &file,
    ]);
    assert_eq!(audit.code, 2, "{}", audit.stderr);
    assert!(
        audit
            .stderr
            .contains("the workers judge, so the workers record"),
        "{}",
        audit.stderr
    );
}

/// Waits (bounded) until `worker`'s log holds `text`.
fn wait_for_log(worker: &Worker, text: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while !worker.log().contains(text) {
        assert!(Instant::now() < deadline, "no `{text}` in {}", worker.log());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Chunks go to the workers of the publisher's policy set only: a worker of
/// another set never takes them, and the publisher's error names the set it
/// waited for. A worker of the right set then finishes the job when the
/// publisher is run again with its `--job`.
#[test]
fn a_worker_of_another_set_never_judges_the_jobs_chunks() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let file = write(dir.path(), "routed.jsonl", example_corpus("R", 20));
    let local = exportctl(&["batch", &file]);
    let other = Worker::start(
        dir.path(),
        "other",
        &[
            "--nats",
            &nats.url,
            "--set",
            "company-rules.review_destinations=[\"KZ\"]",
        ],
    );
    wait_for_log(&other, "taking chunks of set ", Duration::from_secs(60));
    let theirs = set_of(&other.log());
    let started = Instant::now();
    let batch = exportctl(&[
        "batch", "--nats", &nats.url, "--job", "routed", "--chunk", "5", "--wait", "3", &file,
    ]);
    assert_eq!(batch.code, 1, "{}", batch.stderr);
    assert!(started.elapsed() < Duration::from_secs(30));
    let ours = set_in(&batch.stderr, "error: job routed: no worker of set ");
    assert_ne!(ours, theirs);
    assert!(
        batch
            .stderr
            .contains(&format!("batch: no worker of set {ours} is taking chunks")),
        "{}",
        batch.stderr
    );
    assert!(!other.log().contains("job routed"), "{}", other.log());
    let status = exportctl(&["job", "status", "routed", "--nats", &nats.url]);
    assert!(
        status.stdout.contains(&format!("job routed: set {ours}\n"))
            && status.stdout.contains("chunks: 4 waiting, 0 done, 0 dead"),
        "{}",
        status.stdout
    );

    let mut right = Worker::start(
        dir.path(),
        "right",
        &["--nats", &nats.url, "--exit-when-idle", "5"],
    );
    wait_for_log(&right, "taking chunks of set ", Duration::from_secs(60));
    assert_eq!(set_of(&right.log()), ours);
    let again = exportctl(&[
        "batch", "--nats", &nats.url, "--job", "routed", "--chunk", "5", &file,
    ]);
    assert_eq!(again.code, local.code, "{}", again.stderr);
    assert_eq!(again.stdout, local.stdout, "{}", again.stderr);
    // The worker may have judged the waiting chunks before this run looked.
    assert!(
        again.stderr.contains("batch: job routed resumed: "),
        "{}",
        again.stderr
    );
    assert_eq!(right.wait(Duration::from_secs(60)), 0, "{}", right.log());
    assert!(!other.log().contains("job routed"), "{}", other.log());
}

/// A publisher SIGKILLed mid-job (part of its chunks out, some judged) and run
/// again with the same `--job` collects the results already published, sends
/// only the chunks never sent, and writes the output of an uninterrupted run:
/// every chunk is judged exactly once.
#[test]
fn a_publisher_killed_mid_job_resumes_and_nothing_is_judged_twice() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let count = 400;
    let file = write(dir.path(), "resumed.jsonl", example_corpus("P", count));
    let local_out = dir.path().join("local.jsonl").display().to_string();
    let local = exportctl(&["batch", "--out", &local_out, &file]);
    // 100 chunks: more than the publisher keeps out at once (64) with no worker.
    let args = [
        "batch", "--nats", &nats.url, "--job", "resumed", "--chunk", "4",
    ];
    let mut first = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = exportctl(&["job", "status", "resumed", "--nats", &nats.url]);
        if status.stdout.contains("chunks: 64 waiting") {
            break;
        }
        assert!(Instant::now() < deadline, "{}", status.stdout);
        std::thread::sleep(Duration::from_millis(100));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    // A worker judges part of what is out; the rest stays out as the publisher returns.
    let mut worker = Worker::start(
        dir.path(),
        "worker",
        &["--nats", &nats.url, "--exit-when-idle", "5"],
    );
    wait_for_log(&worker, "job resumed chunk 10:", Duration::from_secs(60));
    let out = dir.path().join("nats.jsonl").display().to_string();
    let again = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(args)
        .args(["--out", &out, &file])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(local.code), "{stderr}");
    assert!(stderr.contains("batch: job resumed resumed: "), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&local_out).unwrap()
    );
    assert_eq!(summary(&stderr), summary(&local.stderr), "{stderr}");
    assert_eq!(worker.wait(Duration::from_secs(60)), 0, "{}", worker.log());
    // Each of the 100 chunks was taken once, on its first delivery.
    let log = worker.log();
    let mut taken: Vec<u64> = log
        .lines()
        .filter_map(|l| l.strip_prefix("worker: job resumed chunk "))
        .map(|rest| {
            assert!(rest.ends_with(": delivery 1 of 5"), "{log}");
            rest.split(':').next().unwrap().parse().unwrap()
        })
        .collect();
    taken.sort_unstable();
    assert_eq!(taken, (0..100).collect::<Vec<u64>>(), "{log}");
}

/// A chunk whose fifth and last delivery dies with its worker (SIGKILLed on
/// each delivery) goes to the dead-letter subject as soon as the server gives
/// up on it, and the publisher reports it as not judged, naming it, long
/// before its `--wait`.
#[test]
fn a_chunk_whose_last_delivery_dies_is_dead_at_once() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    // About 1.7 s of work per shipment here (the plugin computes until its fuel runs
    // out): time to kill its worker while it judges.
    let set = write(
        dir.path(),
        "slow.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n[policy.settings]\nrounds = 1_000_000_000\n[policy.limits]\nfuel = 10_000_000_000\n",
            crate::support::hostile("slow").display()
        ),
    );
    let file = write(dir.path(), "one.jsonl", example_corpus("D", 1));
    let batch = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args([
            "batch",
            "--nats",
            &nats.url,
            "--job",
            "doomed",
            "--policies",
            &set,
            "--wait",
            "300",
            &file,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let worker_args = ["--nats", &nats.url, "--policies", &set, "--ack-wait", "1"];
    for delivery in 1..=5 {
        let mut worker = Worker::start(dir.path(), &format!("w{delivery}"), &worker_args);
        wait_for_log(
            &worker,
            &format!("job doomed chunk 0: delivery {delivery} of 5"),
            Duration::from_secs(60),
        );
        worker.child.kill().unwrap();
        worker.child.wait().unwrap();
    }
    let killed = Instant::now();
    // A worker of the set stays at the queue, as in a real deployment.
    let _standing = Worker::start(dir.path(), "standing", &worker_args);
    let out = batch.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        killed.elapsed() < Duration::from_secs(30),
        "took {:?}: {stderr}",
        killed.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{file}:1: not judged: chunk 0 of job doomed went to exportctl.jobs.doomed.dead (delivered 5 times without being finished"
        )),
        "{stderr}"
    );
    let status = exportctl(&["job", "status", "doomed", "--nats", &nats.url]);
    assert!(
        status.stdout.contains("chunks: 0 waiting, 0 done, 1 dead"),
        "{}",
        status.stdout
    );
}

/// `rescreen --nats`: the party master screened by two workers of the current
/// set, the previous set here, prints the local `rescreen`'s output byte for
/// byte, in delta mode, with `--full` and as text, with the same summary and
/// exit status (invalid rows included).
#[test]
fn rescreen_over_nats_prints_the_local_rescreen_byte_for_byte() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let previous = write(
        dir.path(),
        "previous.toml",
        "[[policy]]\nplugin = \"party-screening\"\n[policy.settings]\nlists = [\"SDN\", \"DPL\", \"UVL\", \"CAP\"]\n",
    );
    let current = write(
        dir.path(),
        "current.toml",
        "[[policy]]\nplugin = \"party-screening\"\n[policy.settings]\nlists = [\"SDN\", \"DPL\", \"UVL\", \"EL\"]\ncountry_mismatch_penalty = 0.05\n",
    );
    // 8 parties, 40 times over under other ids (5 chunks), and one bad row.
    let master = std::fs::read_to_string(
        crate::support::repo().join("tests/inputs/parties/party-master.csv"),
    )
    .unwrap();
    let (header, rows) = master.split_once('\n').unwrap();
    let mut text = format!("{header}\n");
    for copy in 0..40 {
        for row in rows.lines() {
            text.push_str(&format!("{copy}-{row}\n"));
        }
        if copy == 20 {
            text.push_str("X-1,customer,Nobody,UK,,\n");
        }
    }
    let parties = write(dir.path(), "parties.csv", &text);
    let workers: Vec<Worker> = (0..2)
        .map(|i| {
            Worker::start(
                dir.path(),
                &format!("w{i}"),
                &["--nats", &nats.url, "--policies", &current],
            )
        })
        .collect();
    for w in &workers {
        wait_for_log(w, "taking chunks of set ", Duration::from_secs(60));
    }
    for extra in [&[][..], &["--full"], &["--format", "text"]] {
        let mut args = vec![
            "rescreen",
            "--parties",
            &parties,
            "--policies",
            &current,
            "--against",
            &previous,
            "--date",
            "2026-09-01",
        ];
        args.extend_from_slice(extra);
        let local = exportctl(&args);
        args.extend_from_slice(&["--nats", &nats.url]);
        let remote = exportctl(&args);
        assert_eq!(remote.code, local.code, "{extra:?}: {}", remote.stderr);
        assert_eq!(remote.code, 2, "an invalid row: {}", local.stderr);
        assert!(local.stdout.lines().count() > 40, "{}", local.stdout);
        assert_eq!(remote.stdout, local.stdout, "{extra:?}: {}", remote.stderr);
        let ours: Vec<&str> = remote
            .stderr
            .lines()
            .filter(|l| !l.starts_with("rescreen: job "))
            .collect();
        assert_eq!(ours, local.stderr.lines().collect::<Vec<_>>(), "{extra:?}");
    }
    assert!(
        workers
            .iter()
            .any(|w| w.log().contains("chunk 4: delivery 1 of 5")),
        "the workers screened"
    );
}

/// `rescreen --nats --since-decisions --audit postgres://…` with two workers of the
/// current set recording in the shared store, one SIGKILLed mid-job: the changes are the
/// local `rescreen --since-decisions --audit`'s byte for byte (both stores seeded by the
/// same earlier run), every party has exactly one screening of the job (its request id
/// `job:<job>:item:<index>`, so the killed worker's redelivered chunk recorded nothing
/// twice), and the store verifies.
#[test]
fn rescreen_over_nats_records_each_party_once_and_compares_like_the_local_run() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let pg = PgServer::start();
    let local_store = pg.database("local");
    let shared = pg.database("shared");
    let (key, public) = keygen(dir.path());
    let previous = write(dir.path(), "previous.toml", crate::rescreen::PREVIOUS);
    let current = write(dir.path(), "current.toml", crate::rescreen::CURRENT);
    // The 8 parties of the master, 200 times over under other ids: 25 chunks.
    let master =
        std::fs::read_to_string(crate::support::repo().join(crate::rescreen::PARTIES)).unwrap();
    let (header, rows) = master.split_once('\n').unwrap();
    let mut text = format!("{header}\n");
    for copy in 0..200 {
        for row in rows.lines() {
            text.push_str(&format!("{copy}-{row}\n"));
        }
    }
    let parties = write(dir.path(), "parties.csv", &text);
    let count = 8 * 200;
    let since = |set: &str, store: &str| {
        vec![
            "rescreen".to_owned(),
            "--parties".to_owned(),
            parties.clone(),
            "--policies".to_owned(),
            set.to_owned(),
            "--since-decisions".to_owned(),
            "--audit".to_owned(),
            store.to_owned(),
            "--checkpoint-key".to_owned(),
            key.clone(),
            "--date".to_owned(),
            "2026-09-01".to_owned(),
        ]
    };
    // The earlier edition, recorded here into both stores: the baseline.
    for store in [&local_store, &shared] {
        let args = since(&previous, store);
        let seeded = exportctl(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(seeded.code != 1 && seeded.code != 2, "{}", seeded.stderr);
    }
    let seeded = records(&shared);
    assert_eq!(seeded, count as i64);

    let args = since(&current, &local_store);
    let local = exportctl(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(local.code, 5, "{}", local.stderr);
    assert!(local.stdout.lines().count() > 200, "{}", local.stdout);

    let worker_args = [
        "--nats",
        &nats.url,
        "--policies",
        &current,
        "--audit",
        &shared,
        "--checkpoint-key",
        &key,
        "--ack-wait",
        "2",
    ];
    let mut workers: Vec<Worker> = (0..2)
        .map(|i| Worker::start(dir.path(), &format!("screener-{i}"), &worker_args))
        .collect();
    for w in &workers {
        wait_for_log(w, "taking chunks of set ", Duration::from_secs(60));
    }
    let mut args = since(&current, &shared);
    args.extend(["--nats".to_owned(), nats.url.clone()]);
    let run = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // SIGKILL one worker once screenings are being recorded.
    let deadline = Instant::now() + Duration::from_secs(120);
    while records(&shared) < seeded + 100 {
        assert!(
            Instant::now() < deadline,
            "no screening in 120 s: {}",
            workers[0].log()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    workers[0].child.kill().unwrap();
    let recorded_at_kill = records(&shared) - seeded;
    let out = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        recorded_at_kill < count as i64,
        "the job had finished before the kill"
    );
    assert_eq!(out.status.code(), Some(local.code), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        local.stdout,
        "{stderr}"
    );
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("rescreen: job "))
        .collect();
    assert_eq!(ours, local.stderr.lines().collect::<Vec<_>>());

    // Each party screened exactly once by the job, under its item's request id.
    let mut c = postgres::Client::connect(&shared, postgres::NoTls).unwrap();
    let row = c
        .query_one(
            "SELECT count(*), count(DISTINCT party_id), count(DISTINCT request_id) FROM records
             WHERE kind = 'screening' AND request_id LIKE 'job:%:item:%'",
            &[],
        )
        .unwrap();
    let (rows, parties_screened, requests): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (rows, parties_screened, requests),
        (count as i64, count as i64, count as i64)
    );
    assert_eq!(
        records(&shared),
        seeded + count as i64,
        "nothing else recorded"
    );
    let verify = exportctl(&["audit", "verify", &shared, "--key", &public]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);

    // The next run over the queue compares with this one's records: nothing changed.
    let again = exportctl(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, ""),
        "{}",
        again.stderr
    );
    assert!(
        workers[1].child.try_wait().unwrap().is_none(),
        "{}",
        workers[1].log()
    );
}

/// A recorded `rescreen --nats` whose worker records nothing (no `--audit`) stops before it
/// reports any change of a screening that is not in its store: exit 1, naming the party
/// and the store, nothing on standard output.
#[test]
fn rescreen_over_nats_with_a_store_its_workers_do_not_record_in_stops() {
    let dir = temp_dir();
    let nats = NatsServer::start();
    let (key, _) = keygen(dir.path());
    let previous = write(dir.path(), "previous.toml", crate::rescreen::PREVIOUS);
    let current = write(dir.path(), "current.toml", crate::rescreen::CURRENT);
    let store = format!("sqlite:{}", dir.path().join("audit.db").display());
    let worker = Worker::start(
        dir.path(),
        "unrecorded",
        &["--nats", &nats.url, "--policies", &current],
    );
    wait_for_log(&worker, "taking chunks of set ", Duration::from_secs(60));
    let run = exportctl(&[
        "rescreen",
        "--parties",
        crate::rescreen::PARTIES,
        "--policies",
        &current,
        "--against",
        &previous,
        "--date",
        "2026-09-01",
        "--audit",
        &store,
        "--checkpoint-key",
        &key,
        "--nats",
        &nats.url,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "", "no change of an unrecorded screening");
    assert!(
        run.stderr
            .contains("party C-1001: the worker that screened it recorded nothing")
            && run.stderr.contains("audit.db"),
        "{}",
        run.stderr
    );
}
