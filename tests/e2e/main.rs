//! End-to-end tests: the real `exportctl` binary, real plugins, real files.
//!
//! - `examples` — the bundled examples give the outcomes their README states;
//! - `cases` — every policy case under `tests/cases/` gives its expected outcome and rules;
//! - `audit` — decision records: `check --audit`, `audit verify` / `proof` / `export`, and
//!   a run killed at 20 random moments that never printed a verdict it did not record;
//! - `replay` — `audit replay` (1,000 decisions bit-identical, tampering named, what-if
//!   counts) and `audit show`;
//! - `audit_report` — `audit report` CSV against the verdicts, and its HTML page in headless
//!   Chromium against the CSV;
//! - `batch` — `exportctl batch`: `check`'s verdicts in input order from several threads,
//!   CSV rows, the summary, and `--resume` after a SIGKILL at a random point;
//! - `batch_csv` — `exportctl batch` on ERP flat CSV: JSON Lines' verdicts and digests, a
//!   mapping file, bad rows named by row and column, a large file in bounded memory;
//! - `cli` — formats, exit statuses and input errors, per `verdict.md`;
//! - `sandbox` — hostile plugins fail closed or are refused at load;
//! - `hostile` — the full hostile-plugin suite: every misbehaviour fails only its own
//!   policy, in bounded memory, the same way on every run;
//! - `inputs` — malformed and oversized shipment files exit 2 with one line naming
//!   the field, in bounded time and memory;
//! - `instance_modes` — per-policy instance modes: in one set the reused policy keeps its
//!   sandbox between shipments and parties, the fresh one does not; the CLI lists each;
//! - `concurrency` — one host shared by 8 threads gives the single-threaded verdicts, and
//!   a second generation swapped in under 4 threads gives each verdict it gives alone;
//! - `library` — `judge()` in process with a sink of the caller's own;
//! - `distribution` — signatures, trust stores, bundles and policy versions over time;
//! - `eu_dual_use` — the EU dual-use policy in the default set;
//! - `never_silent` — no allow or exit 0 for a shipment not really checked (typos,
//!   nothing in force, closed pipes, broken lines), and the CLI around it;
//! - `serve` — `exportctl serve` over loopback HTTP: verdicts as `check`'s, recorded before
//!   they are answered, idempotency, problem+json errors, limits, group commit;
//! - `serve_gen` — policy-set generations (reload, SIGHUP, rollback, under load with
//!   invalid and hostile sets), `GET /v1/policies`, batch checks and the decisions API;
//! - `nats` — `batch --nats` with three `worker`s over NATS JetStream and PostgreSQL, one
//!   SIGKILLed mid-job: the local batch's output, one decision per shipment; redelivery,
//!   a foreign message on the queue, unreachable services, `job status`; routing by policy
//!   set, a chunk whose last delivery dies, a publisher resumed, `rescreen --nats`;
//! - `serve_auth` — the service's tokens and roles (401/403 per endpoint), the client's
//!   name in each record, first start, `serve token`, JSON logs and TLS;
//! - `rescreen` — `exportctl rescreen`: party-master deltas against a previous set (new,
//!   cleared, changed matches with their evidence), orders against a set or their records,
//!   bad rows by row and column, misbehaving screeners failing closed;
//! - `contract` — plugins built for contracts 1.0.0 and 1.1.0 load, judge and screen in
//!   this host; which plugins offer the 1.1.0 party screener and the 1.2.0 keyed evaluator;
//! - `exemptions` — the screening policy's findings carry their subjects in the verdict; an
//!   officer's exemption silences its match while valid, and no longer once expired or once
//!   the entry changed;
//! - `policy_new` — `policy new` makes a crate outside the repository that passes its own
//!   tests, `policy build --sign` makes it a signed component a trusting set runs; bad
//!   names and occupied directories are refused;
//! - `python` — Python policies: the Python SDK under pytest and against the Rust SDK's
//!   tables, the example policy's cases in the sandbox and its findings beside the Rust
//!   policy it overlaps, a hostile Python policy failing closed or repeating itself;
//! - `readmes` — every bundled policy's README header table agrees with its metadata;
//! - `rule_catalogue` — the rules each plugin declares (contract 1.4.0): listed by
//!   `policies`, `policy inspect` and `test --coverage`; an undeclared rule's finding fails
//!   closed; an unsound catalogue is refused; a 1.0.0 plugin declares none and still judges;
//! - `test_command` — `exportctl test`: cases in the sandbox, diffs, JUnit XML, coverage;
//! - `tutorial` — the authoring tutorial's shown output is what its commands print.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test binary: failing loudly is its job"
)]

mod audit;
mod audit_report;
mod batch;
mod batch_csv;
mod book;
mod cases;
mod cli;
mod concurrency;
mod contract;
mod distribution;
mod eu_dual_use;
mod examples;
mod exemptions;
mod flat_csv;
mod holds;
mod hostile;
mod inputs;
mod instance_modes;
mod library;
mod nats;
#[allow(dead_code)]
mod nats_server;
mod never_silent;
// The throw-away PostgreSQL server the audit crate's tests use.
mod console;
mod console_browser;
mod policy_new;
#[allow(dead_code)]
#[path = "../../host/audit/tests/common/postgres_server.rs"]
mod postgres_server;
mod python;
mod readmes;
mod replay;
mod rescreen;
mod rule_catalogue;
mod sandbox;
mod serve;
mod serve_auth;
mod serve_gen;
mod support;
mod test_command;
mod tutorial;
