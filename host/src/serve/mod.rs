//! `exportctl serve`: the long-running service an ERP calls before it releases
//! an order (`POST /v1/check`), with the probes an orchestrator needs.
//!
//! - `config` — the configuration file and the flags over it;
//! - `state` — the active policy-set generation, pool, recorder and limits every
//!   request shares;
//! - `pool` — judging on OS threads, one worker each, off the async reactor;
//! - `routes` — the router, built in one place, and the request limits;
//! - `check` — `POST /v1/check`;
//! - `batch` — `POST /v1/check/batch`;
//! - `generations` — reload (and SIGHUP) and rollback of the policy set;
//! - `policies` — `GET /v1/policies`;
//! - `decisions` — the recorded decisions: one, a listing, a proof, a replay;
//! - `health` — `/healthz` and `/readyz`;
//! - `metrics` — `/metrics`, in the OpenMetrics text format;
//! - `problem` — RFC 9457 error bodies;
//! - `openapi`, `api_page` — `/openapi.json` and `/api`, the API described.
//!
//! Shutdown (SIGTERM, SIGINT): stop accepting, let requests in flight finish,
//! then close the recorder, which commits what is queued and writes the final
//! checkpoint.

mod api_page;
mod batch;
mod check;
mod config;
mod decisions;
mod generations;
mod health;
mod metrics;
mod openapi;
mod policies;
mod pool;
mod problem;
mod routes;
mod state;

use crate::cli::{ExitStatus, load_error_line};
use config::{Overrides, ServeConfig};
use exportctl::{AuditSettings, CodeCache, DecisionRecorder, Host, PolicySetConfig, StoreInput};
use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store};
use state::{Active, AppState, Audit};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Arguments of `exportctl serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Service configuration (TOML): `listen`, `expose`, `policies`, `workers`,
    /// `[audit] store`, `checkpoint_key` and `linger_ms`, `[limits] body_bytes`,
    /// `request_timeout_ms`, `max_in_flight` and `batch_items`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080; port 0 takes a free port).
    /// The bound address is printed on standard output.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Record every enforce-mode decision in this audit store (`sqlite:PATH` or
    /// `postgres://…`); a verdict is answered only once its record is committed.
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The secret key that signs the audit log's checkpoints (`exportctl audit keygen`).
    #[arg(long, value_name = "FILE")]
    pub checkpoint_key: Option<PathBuf>,
}

/// The name decisions of the service are recorded under, until clients authenticate.
const REQUESTED_BY: &str = "api:anonymous";

/// Runs the service until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs) -> ExitStatus {
    let overrides = Overrides {
        listen: args.listen.clone(),
        policies: args.policies.clone(),
        audit: args.audit.clone(),
        checkpoint_key: args.checkpoint_key.clone(),
    };
    let config = match ServeConfig::load(args.config.as_deref(), overrides) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::InvalidInput;
        }
    };
    let set = match &config.policies {
        Some(path) => PolicySetConfig::load(path),
        None => PolicySetConfig::bundled_default(),
    };
    let set = match set {
        Ok(set) => set,
        Err(e) => {
            eprintln!("error: {}", load_error_line(&e));
            return ExitStatus::InvalidInput;
        }
    };
    let audit_settings = set.audit.clone();
    let host = match Host::builder(set)
        .code_cache(CodeCache::from_env())
        .generation(1)
        .build()
    {
        Ok(host) => host,
        Err(e) => {
            eprintln!("error: {}", load_error_line(&e));
            return ExitStatus::InvalidInput;
        }
    };
    for warning in host.warnings() {
        eprintln!("warning: {warning}");
    }
    let (audit, records) = match open_audit(&config, audit_settings.as_ref(), &host) {
        Ok(Some((audit, records))) => (Some(audit), Some(records)),
        Ok(None) => {
            eprintln!(
                "warning: no audit store configured: enforce-mode checks are refused (503) until the service runs with --audit URL --checkpoint-key FILE"
            );
            (None, None)
        }
        Err(status) => return status,
    };
    let metrics = Arc::new(metrics::Metrics::new());
    let pool =
        match pool::JudgePool::start(config.workers, config.max_in_flight, Arc::clone(&metrics)) {
            Ok(pool) => pool,
            Err(e) => {
                eprintln!("error: cannot start the judging threads: {e}");
                return ExitStatus::Internal;
            }
        };
    let state = Arc::new(AppState::new(
        Active {
            host,
            records,
            loaded_at: exportctl_audit::record::now(),
        },
        pool,
        audit,
        config,
        metrics,
    ));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitStatus::Internal;
        }
    };
    let served = runtime.block_on(serve(Arc::clone(&state)));
    // Every request has finished: nothing more reaches the writer.
    let closed = close_recorder(&state);
    runtime.shutdown_timeout(Duration::from_secs(5));
    match (served, closed) {
        (Ok(()), Ok(())) => ExitStatus::Allow,
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            ExitStatus::Internal
        }
    }
}

/// Binds, prints the bound address, serves until a shutdown signal, and waits
/// for the requests in flight.
async fn serve(state: Arc<AppState>) -> Result<(), String> {
    let listen = state.config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    // The one line on standard output: a caller that asked for port 0 reads it.
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{bound}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))?;
    drop(out);
    eprintln!(
        "exportctl serve: policy set {} generation {}, {} judging threads",
        state.active().host.generation().set_digest,
        state.active().host.generation().number,
        state.config.workers
    );
    tokio::spawn(generations::reload_on_sighup(Arc::clone(&state)));
    axum::serve(listener, routes::router(Arc::clone(&state)))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("the service failed: {e}"))
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            // Without a SIGTERM handler, SIGINT still stops the service.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
    eprintln!("exportctl serve: shutting down: no new connections; finishing requests in flight");
}

/// Closes the recorder: commits what is queued and writes the final checkpoint.
fn close_recorder(state: &AppState) -> Result<(), String> {
    let Some(audit) = &state.audit else {
        return Ok(());
    };
    let recorder = match audit.recorder.write() {
        Ok(mut slot) => slot.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    };
    let Some(recorder) = recorder else {
        return Ok(());
    };
    let stats = recorder.stats();
    recorder
        .close()
        .map_err(|e| format!("audit store {}: closing: {e}", audit.url))?;
    eprintln!(
        "exportctl serve: stopped; {} decisions recorded in {} commits, final checkpoint written",
        stats.records, stats.commits
    );
    Ok(())
}

/// The audit store the configuration or the set's `[audit]` table names, with
/// the set's plugins and canonical form kept in it; `None` when none is named.
fn open_audit(
    config: &ServeConfig,
    settings: Option<&AuditSettings>,
    host: &Arc<Host>,
) -> Result<Option<(Audit, DecisionRecorder)>, ExitStatus> {
    let url = match (&config.audit, settings) {
        (Some(url), _) => url.clone(),
        (None, Some(settings)) => settings.store.clone(),
        (None, None) => return Ok(None),
    };
    let fail = |status: ExitStatus, message: String| {
        eprintln!("error: audit store {url}: {message}");
        status
    };
    let key_path = config
        .checkpoint_key
        .clone()
        .or_else(|| settings.and_then(|a| a.checkpoint_key.clone()))
        .ok_or_else(|| {
            fail(
                ExitStatus::InvalidInput,
                "recording needs a checkpoint key: --checkpoint-key FILE or `[audit] checkpoint_key` (create one with `exportctl audit keygen`)".to_owned(),
            )
        })?;
    let key = CheckpointKey::load(&key_path)
        .map_err(|e| fail(ExitStatus::InvalidInput, format!("checkpoint key: {e}")))?;
    let store = Store::open(&url).map_err(|e| fail(ExitStatus::Internal, e.to_string()))?;
    let reader =
        Store::open_existing(&url).map_err(|e| fail(ExitStatus::Internal, e.to_string()))?;
    let defaults = AuditSettings::DEFAULT_CHECKPOINT_EVERY;
    let recorder_config = RecorderConfig {
        checkpoint_every: settings.map_or(defaults, |a| a.checkpoint_every),
        checkpoint_interval: Duration::from_secs(
            settings.map_or(AuditSettings::DEFAULT_CHECKPOINT_SECONDS, |a| {
                a.checkpoint_seconds
            }),
        ),
        linger: config.linger,
        ..RecorderConfig::default()
    };
    let recorder = Recorder::start(store, key, recorder_config)
        .map_err(|e| fail(ExitStatus::Internal, e.to_string()))?;
    let store_input = settings.map_or(StoreInput::Full, |a| a.store_input);
    let records = generations::keep_set(&recorder, host, store_input)
        .map_err(|e| fail(ExitStatus::Internal, e))?;
    Ok(Some((
        Audit {
            url,
            recorder: RwLock::new(Some(recorder)),
            reader: Mutex::new(reader),
        },
        records,
    )))
}
