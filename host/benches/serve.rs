//! `exportctl serve` under load, over loopback HTTP, the way an ERP calls it.
//!
//! Starts the release binary with the bundled default set and recording on (a
//! SQLite store in a temporary directory, group commit, checkpoint key), then
//! sends one shipment (`tests/examples/de-microcontrollers-kz-end-user-ru.json`)
//! to `POST /v1/check` **open loop** at fixed rates — 200, 500 and 1,000
//! requests/s, each for 5 s (`SERVE_BENCH_STEP_SECS`) — and reports p50/p99/max latency and the
//! achieved rate. Latency is measured from the moment a request was *due*, not
//! from when it was sent, so a stalled service cannot hide its queue
//! (coordinated omission). Then it finds the saturation point: rates rise until
//! fewer than 95 % of the due requests are answered within the step or p99
//! passes [`SATURATED_P99`]; and a closed-loop pass with [`CLOSED_CLIENTS`]
//! connections sending back to back shows the ceiling.
//!
//! What dominates: for each step the service's own `/metrics` are read before
//! and after, giving the mean time per request spent judging (the sum of the
//! policies' evaluation times) and waiting for the record to be durable; the
//! rest is HTTP, JSON and scheduling. A simulate-mode pass at 1,000 requests/s
//! (judged, not recorded) is the baseline in the same run.
//!
//! The load generator runs on the same machine and takes CPU from the service;
//! its own CPU time is printed. Bounded: every step sends a fixed number of
//! requests and stops; the service is stopped with SIGTERM at the end.
//!
//! `cargo bench -p exportctl --bench serve`; `SERVE_BENCH_CONFIG="workers = 1"`
//! adds top-level keys to the service's configuration; `SERVE_BENCH_STORE_DIR`
//! puts the audit store elsewhere (e.g. `/dev/shm`). Results: `BENCHMARKS.md`, "The
//! service under load".

use serde_json::Value;
use sha2::Digest;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The load generator's token (role `check`), named in the service's configuration by digest.
const TOKEN: &str = "ecx_bench_0000000000000000000000000000000000000000000000000000000000";

/// Any error ends the run with its message.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long each fixed-rate step sends, unless `SERVE_BENCH_STEP_SECS` says.
const STEP_SECS: u64 = 5;
/// Sender threads (each with its own keep-alive connection).
const SENDERS: usize = 16;
/// The fixed rates of the issue, requests per second.
const RATES: [u32; 3] = [200, 500, 1_000];
/// Rates tried above them to find the saturation point.
const HIGHER: [u32; 6] = [1_500, 2_000, 2_500, 3_000, 4_000, 5_000];
/// Above this p99 a rate is past saturation.
const SATURATED_P99: Duration = Duration::from_millis(100);
/// Connections of the closed-loop pass.
const CLOSED_CLIENTS: usize = 8;
/// A request not answered within this is counted as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What one step measured.
struct Step {
    due: usize,
    ok: usize,
    failed: usize,
    elapsed: Duration,
    /// Latencies of the answered requests, sorted.
    latencies: Vec<Duration>,
    /// Mean seconds per request judging and recording, from `/metrics`.
    judging: f64,
    recording: f64,
    client_cpu: Duration,
}

impl Step {
    fn achieved(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[i - 1]
    }

    fn print(&self, label: &str) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{label:<24} {:>8.0} {:>8} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>9.3} {:>9.3} {:>9.0}",
            self.achieved(),
            self.ok,
            self.failed,
            ms(self.quantile(0.50)),
            ms(self.quantile(0.99)),
            ms(self.latencies.last().copied().unwrap_or_default()),
            self.judging * 1e3,
            self.recording * 1e3,
            self.client_cpu.as_secs_f64() * 1e6 / self.due.max(1) as f64,
        );
    }

    fn saturated(&self, rate: u32) -> bool {
        self.failed > 0
            || self.achieved() < 0.95 * f64::from(rate)
            || self.quantile(0.99) > SATURATED_P99
    }
}

/// The service under test; killed if the bench fails before stopping it.
struct Service {
    child: Option<Child>,
    base: String,
}

impl Service {
    fn start(dir: &Path) -> Result<Service, BoxError> {
        let exe = env!("CARGO_BIN_EXE_exportctl");
        let key = dir.join("checkpoint.key");
        let keygen = Command::new(exe)
            .args(["audit", "keygen", "--name", "bench.example/serve", "--out"])
            .arg(&key)
            .output()?;
        if !keygen.status.success() {
            return Err(String::from_utf8_lossy(&keygen.stderr).into_owned().into());
        }
        // `SERVE_BENCH_STORE_DIR=/dev/shm` puts the store on memory, to tell the
        // disk's sync time from the rest.
        let store_dir = std::env::var_os("SERVE_BENCH_STORE_DIR")
            .map_or_else(|| dir.to_path_buf(), PathBuf::from);
        let store = format!(
            "sqlite:{}",
            store_dir
                .join(format!("serve-bench-{}.db", std::process::id()))
                .display()
        );
        let log = std::fs::File::create(dir.join("serve.log"))?;
        let config = dir.join("serve.toml");
        // Room for the saturation search: refusals are counted, not hidden.
        let digest = hex::encode(sha2::Sha256::digest(TOKEN.as_bytes()));
        // Top-level keys of the service configuration to try, e.g. `workers = 1`.
        let extra = std::env::var("SERVE_BENCH_CONFIG").unwrap_or_default();
        std::fs::write(
            &config,
            format!(
                "{extra}\n[limits]\nmax_in_flight = 4096\n\n[[tokens]]\nname = \"bench\"\nroles = [\"check\"]\nsha256 = \"{digest}\"\n"
            ),
        )?;
        let mut child = Command::new(exe)
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--audit",
                &store,
                "--checkpoint-key",
            ])
            .arg(&key)
            .env("EXPORTCTL_DATA_DIR", dir.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("the service did not start: {line:?}; see serve.log"))?
            .to_owned();
        Ok(Service {
            child: Some(child),
            base,
        })
    }

    fn stop(mut self) -> Result<(), BoxError> {
        if let Some(child) = self.child.take() {
            let pid = child.id().to_string();
            Command::new("kill").args(["-TERM", &pid]).status()?;
            let output = child.wait_with_output()?;
            if !output.status.success() {
                return Err(format!("the service exited with {}", output.status).into());
            }
        }
        Ok(())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into()
}

/// One request; true when answered 200.
fn send(agent: &ureq::Agent, url: &str, body: &[u8]) -> bool {
    match agent
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .send(body)
    {
        Ok(response) => {
            let ok = response.status().as_u16() == 200;
            // Read the whole answer: the verdict arrives only after its record.
            ok && response.into_body().read_to_vec().is_ok()
        }
        Err(_) => false,
    }
}

/// The sum and count of a histogram, or the value of a counter, from `/metrics`.
fn metric_sum(text: &str, prefix: &str) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(prefix))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// (seconds judging, judged shipments, seconds recording, records) so far.
fn server_totals(base: &str) -> Result<(f64, f64, f64, f64), BoxError> {
    let text = agent()
        .get(format!("{base}/metrics"))
        .call()?
        .into_body()
        .read_to_string()?;
    Ok((
        metric_sum(&text, "exportctl_policy_evaluation_seconds_sum"),
        metric_sum(&text, "exportctl_decisions_total"),
        metric_sum(&text, "exportctl_audit_append_seconds_sum"),
        metric_sum(&text, "exportctl_audit_append_seconds_count"),
    ))
}

/// What one client thread did: latencies of the answered requests, and failures.
type ClientResult = (Vec<Duration>, usize);

/// Runs the client threads `spawn` starts (handed the start time) to their
/// end and measures the step: latencies, achieved rate, and from the service's
/// `/metrics` before and after, the mean time judging and recording a request.
fn measure(
    base: &str,
    spawn: impl FnOnce(Instant) -> Vec<JoinHandle<ClientResult>>,
) -> Result<Step, BoxError> {
    let before = server_totals(base)?;
    let cpu_before = process_cpu();
    let start = Instant::now();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for client in spawn(start) {
        let (l, f) = client.join().map_err(|_| "a client thread panicked")?;
        latencies.extend(l);
        failed += f;
    }
    let elapsed = start.elapsed();
    let client_cpu = process_cpu().saturating_sub(cpu_before);
    latencies.sort();
    let after = server_totals(base)?;
    let judged = (after.1 - before.1).max(1.0);
    let recorded = after.3 - before.3;
    Ok(Step {
        due: latencies.len() + failed,
        ok: latencies.len(),
        failed,
        elapsed,
        latencies,
        judging: (after.0 - before.0) / judged,
        recording: if recorded > 0.0 {
            (after.2 - before.2) / recorded
        } else {
            0.0
        },
        client_cpu,
    })
}

/// Sends `rate` requests/s for `duration`, open loop: request `j` is due at
/// `start + j / rate`, and its latency counts from then.
fn open_loop(
    base: &str,
    body: &Arc<Vec<u8>>,
    rate: u32,
    duration: Duration,
) -> Result<Step, BoxError> {
    let due = (f64::from(rate) * duration.as_secs_f64()).round() as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let url = format!("{base}/v1/check");
    measure(base, |start| {
        (0..SENDERS)
            .map(|k| {
                let body = Arc::clone(body);
                let url = url.clone();
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut latencies = Vec::new();
                    let mut failed = 0;
                    for j in (k..due).step_by(SENDERS) {
                        let at = start + interval * u32::try_from(j).unwrap_or(u32::MAX);
                        if let Some(wait) = at.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        if send(&agent, &url, &body) {
                            latencies.push(at.elapsed());
                        } else {
                            failed += 1;
                        }
                    }
                    (latencies, failed)
                })
            })
            .collect()
    })
}

/// `clients` connections sending back to back for `duration`.
fn closed_loop(
    base: &str,
    body: &Arc<Vec<u8>>,
    clients: usize,
    duration: Duration,
) -> Result<Step, BoxError> {
    let url = format!("{base}/v1/check");
    measure(base, |start| {
        let end = start + duration;
        (0..clients)
            .map(|_| {
                let body = Arc::clone(body);
                let url = url.clone();
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut latencies = Vec::new();
                    let mut failed = 0;
                    while Instant::now() < end {
                        let sent = Instant::now();
                        if send(&agent, &url, &body) {
                            latencies.push(sent.elapsed());
                        } else {
                            failed += 1;
                        }
                    }
                    (latencies, failed)
                })
            })
            .collect()
    })
}

/// CPU time of this process (the load generator) so far.
fn process_cpu() -> Duration {
    // /proc/self/stat fields 14 and 15: user and system time in clock ticks.
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    let Some(after_name) = stat.rsplit(')').next() else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let shipment =
        std::fs::read(repo().join("tests/examples/de-microcontrollers-kz-end-user-ru.json"))?;
    let simulate: Value = serde_json::json!({
        "mode": "simulate",
        "shipment": serde_json::from_slice::<Value>(&shipment)?,
    });
    let enforce = Arc::new(shipment);
    let simulate = Arc::new(serde_json::to_vec(&simulate)?);
    let step_secs = std::env::var("SERVE_BENCH_STEP_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(STEP_SECS);
    let step = Duration::from_secs(step_secs);
    let service = Service::start(dir.path())?;
    let base = service.base.clone();
    println!(
        "exportctl serve on {base}: bundled default set, SQLite store, {SENDERS} sender threads, {step_secs} s per step"
    );
    println!(
        "{:<24} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9}",
        "load",
        "req/s",
        "ok",
        "failed",
        "p50 ms",
        "p99 ms",
        "max ms",
        "judge ms",
        "record ms",
        "client µs"
    );
    // Warm-up: every judging thread compiles nothing new, but connections,
    // sandboxes and the store's pages get warm.
    open_loop(&base, &enforce, 200, Duration::from_secs(2))?;
    let baseline = open_loop(&base, &simulate, 1_000, step)?;
    baseline.print("simulate 1000/s");
    for rate in RATES {
        open_loop(&base, &enforce, rate, step)?.print(&format!("enforce {rate}/s"));
    }
    let mut saturation = None;
    for rate in HIGHER {
        let step = open_loop(&base, &enforce, rate, step)?;
        step.print(&format!("enforce {rate}/s"));
        if step.saturated(rate) {
            saturation = Some(rate);
            break;
        }
    }
    let closed = closed_loop(&base, &enforce, CLOSED_CLIENTS, step)?;
    closed.print(&format!("closed loop, {CLOSED_CLIENTS} clients"));
    match saturation {
        Some(rate) => println!(
            "saturation: {rate} requests/s is the first rate not sustained (< 95 % answered in time, a failure, or p99 > {} ms)",
            SATURATED_P99.as_millis()
        ),
        None => println!(
            "saturation: not reached up to {} requests/s",
            HIGHER[HIGHER.len() - 1]
        ),
    }
    service.stop()?;
    Ok(())
}
