//! `exportctl serve`: the long-running service an ERP calls before it releases
//! an order (`POST /v1/check`), with the probes an orchestrator needs.
//!
//! - `config` — the configuration file and the flags over it, and the data directory;
//! - `auth` — bearer tokens, their roles, and the guard each route group declares;
//! - `token_command` — `exportctl serve token add | revoke | list`;
//! - `log` — structured logs (text or JSON) and the request log;
//! - `tls` — optional HTTPS (rustls, ring);
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
//! With no configuration the service still records: the data directory
//! (`--data-dir`, `$EXPORTCTL_DATA_DIR`, else `~/.local/share/exportctl`) gets,
//! on first start, a SQLite store, an unencrypted checkpoint key (a service
//! starts unattended, with no one to type a passphrase) and one token per role,
//! printed once. Only `[audit] record = false` turns recording off.
//!
//! Shutdown (SIGTERM, SIGINT): stop accepting, let requests in flight finish,
//! then close the recorder, which commits what is queued and writes the final
//! checkpoint.

mod api_page;
mod audit_access;
mod auth;
mod batch;
mod check;
mod config;
mod console;
mod decisions;
mod exemptions;
mod generations;
mod health;
mod holds;
mod log;
mod metrics;
mod notify;
mod openapi;
mod policies;
mod pool;
mod problem;
mod routes;
mod state;
mod tls;
mod token_command;
#[allow(
    dead_code,
    reason = "its receiver's side (verify_signature) is the reference for ERP developers and the tests"
)]
mod webhook;

use crate::cli::{ExitStatus, create_checkpoint_key, load_error_line};
use auth::{Role, TOKENS_FILE, Tokens};
use config::{Overrides, ServeConfig};
use exportctl::{AuditSettings, CodeCache, DecisionRecorder, Host, PolicySetConfig, StoreInput};
use exportctl_audit::{CheckpointKey, Recorder, RecorderConfig, Store};
use state::{Active, AppState, Audit};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Arguments of `exportctl serve`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServeArgs {
    /// Manage the API tokens of the data directory instead of serving.
    #[command(subcommand)]
    pub command: Option<token_command::ServeCommand>,
    /// Service configuration (TOML): `listen`, `expose`, `policies`, `workers`,
    /// `data_dir`, `[audit] store`, `checkpoint_key`, `linger_ms` and `record`,
    /// `[limits] body_bytes`, `request_timeout_ms`, `max_in_flight` and
    /// `batch_items`, `[[tokens]] name`, `roles`, `sha256`, `[tls] cert` and
    /// `key` (PEM). Without one: 127.0.0.1:8080, the bundled policy set, and the
    /// data directory's audit store, checkpoint key and tokens, created on first
    /// start.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the service keeps its audit store, checkpoint key and token file
    /// (default: $EXPORTCTL_DATA_DIR, else $XDG_DATA_HOME/exportctl, else
    /// ~/.local/share/exportctl).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log lines on standard error: `text` or `json` (one object per line);
    /// filtered by RUST_LOG (default `info`).
    #[arg(long, value_enum, default_value_t = log::LogFormat::Text)]
    pub log_format: log::LogFormat,
    /// Address to listen on (default 127.0.0.1:8080; port 0 takes a free port).
    /// The bound address is printed on standard output.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Policy-set file (TOML); without it the bundled default set is used.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Record every enforce-mode decision in this audit store (`sqlite:PATH` or
    /// `postgres://…`); a verdict is answered only once its record is committed.
    /// Default: the set's `[audit] store`, else `audit.sqlite` in the data directory.
    #[arg(long, value_name = "URL")]
    pub audit: Option<String>,
    /// The secret key that signs the audit log's checkpoints (`exportctl audit
    /// keygen`). The data directory's store is signed with its `checkpoint.key`,
    /// created on first start.
    #[arg(long, value_name = "FILE")]
    pub checkpoint_key: Option<PathBuf>,
}

/// The name a recorder of the service is made with; every decision it records
/// names the authenticated client instead (`api:<token name>`).
const REQUESTED_BY: &str = "api:unknown";

/// The name of checkpoint keys a first start creates (the log's origin line).
const KEY_NAME: &str = "exportctl.localhost/serve";

/// Runs the service until SIGTERM or SIGINT, or a `token` subcommand.
pub fn run(args: &ServeArgs) -> ExitStatus {
    if let Some(command) = &args.command {
        return token_command::run(command);
    }
    if let Err(e) = log::init(args.log_format) {
        eprintln!("error: {e}");
        return ExitStatus::Internal;
    }
    let overrides = Overrides {
        listen: args.listen.clone(),
        policies: args.policies.clone(),
        audit: args.audit.clone(),
        checkpoint_key: args.checkpoint_key.clone(),
        data_dir: args.data_dir.clone(),
    };
    let config = match ServeConfig::load(args.config.as_deref(), overrides) {
        Ok(config) => config,
        Err(e) => {
            tracing::error!("{e}");
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
            tracing::error!("{}", load_error_line(&e));
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
            tracing::error!("{}", load_error_line(&e));
            return ExitStatus::InvalidInput;
        }
    };
    for warning in host.warnings() {
        tracing::warn!("{warning}");
    }
    // Read before anything is created: a certificate that does not load stops the start.
    let acceptor = match config.tls.as_ref().map(tls::acceptor).transpose() {
        Ok(acceptor) => acceptor,
        Err(e) => {
            tracing::error!("{e}");
            return ExitStatus::InvalidInput;
        }
    };
    let (audit, records) = match open_audit(&config, audit_settings.as_ref(), &host) {
        Ok(Some((audit, records))) => (Some(audit), Some(records)),
        Ok(None) => {
            tracing::warn!(
                "recording is off (`[audit] record = false`): enforce-mode checks are refused (503); only simulate answers"
            );
            (None, None)
        }
        Err(status) => return status,
    };
    // Last of what is read at start, so that a service that cannot start
    // anyway does not create tokens first.
    let tokens = match load_tokens(&config) {
        Ok(tokens) => tokens,
        Err(status) => return status,
    };
    let metrics = Arc::new(metrics::Metrics::new());
    let pool =
        match pool::JudgePool::start(config.workers, config.max_in_flight, Arc::clone(&metrics)) {
            Ok(pool) => pool,
            Err(e) => {
                tracing::error!("cannot start the judging threads: {e}");
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
        tokens,
    ));
    // Changes to holds posted to the ERP, if configured; stops when dropped.
    let _notifier = match (&state.config.webhook, &state.audit) {
        (Some(webhook), Some(audit)) => {
            match notify::start(webhook, &audit.url, &state.config.data_dir) {
                Ok(notifier) => Some(notifier),
                Err(e) => {
                    tracing::error!("{e}");
                    return ExitStatus::InvalidInput;
                }
            }
        }
        (Some(_), None) => {
            tracing::error!(
                "[holds.webhook] needs recorded decisions, but recording is off (`[audit] record = false`)"
            );
            return ExitStatus::InvalidInput;
        }
        _ => None,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return ExitStatus::Internal;
        }
    };
    let served = runtime.block_on(serve(Arc::clone(&state), acceptor));
    // Every request has finished: nothing more reaches the writer.
    let closed = close_recorder(&state);
    runtime.shutdown_timeout(Duration::from_secs(5));
    match (served, closed) {
        (Ok(()), Ok(())) => ExitStatus::Allow,
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!("{e}");
            ExitStatus::Internal
        }
    }
}

/// Binds, prints the bound address, serves until a shutdown signal, and waits
/// for the requests in flight.
async fn serve(
    state: Arc<AppState>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
) -> Result<(), String> {
    let listen = state.config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    // The one line on standard output: a caller that asked for port 0 reads it.
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {scheme}://{bound}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))?;
    drop(out);
    tracing::info!(
        policy_set = %state.active().host.generation().set_digest,
        generation = state.active().host.generation().number,
        workers = state.config.workers,
        tokens = state.tokens.len(),
        "exportctl serve: listening on {scheme}://{bound}"
    );
    tokio::spawn(generations::reload_on_sighup(Arc::clone(&state)));
    let router = routes::router(Arc::clone(&state));
    let served = match acceptor {
        Some(acceptor) => {
            let listener = tls::TlsListener::new(listener, acceptor)
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown_signal())
                .await
        }
        None => {
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown_signal())
                .await
        }
    };
    served.map_err(|e| format!("the service failed: {e}"))
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
    tracing::info!(
        "exportctl serve: shutting down: no new connections; finishing requests in flight"
    );
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
    tracing::info!(
        records = stats.records,
        commits = stats.commits,
        "exportctl serve: stopped; {} decisions recorded in {} commits, final checkpoint written",
        stats.records,
        stats.commits
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
    if !config.record {
        return Ok(None);
    }
    let (url, in_data_dir) = match (&config.audit, settings) {
        (Some(url), _) => (url.clone(), false),
        (None, Some(settings)) => (settings.store.clone(), false),
        (None, None) => {
            let db = config.data_dir.join("audit.sqlite");
            (format!("sqlite:{}", db.display()), true)
        }
    };
    let fail = |status: ExitStatus, message: String| {
        tracing::error!("audit store {url}: {message}");
        status
    };
    let configured_key = config
        .checkpoint_key
        .clone()
        .or_else(|| settings.and_then(|a| a.checkpoint_key.clone()));
    let key_path = match configured_key {
        Some(path) => Some(path),
        // The data directory's store is signed with the data directory's key.
        None if in_data_dir => Some(
            data_dir_key(&config.data_dir)
                .map_err(|message| fail(ExitStatus::Internal, message))?,
        ),
        None => None,
    };
    let key_path = key_path
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
    tracing::info!(store = %url, key = %key_path.display(), "recording decisions");
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

/// Creates the data directory (mode 0700) if it is missing.
fn ensure_data_dir(dir: &std::path::Path) -> Result<(), String> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))
}

/// The data directory's checkpoint key, created (with `audit keygen`'s code,
/// unencrypted, mode 0600) if it is missing.
fn data_dir_key(dir: &std::path::Path) -> Result<PathBuf, String> {
    let path = dir.join("checkpoint.key");
    if !path.exists() {
        ensure_data_dir(dir)?;
        let public = create_checkpoint_key(KEY_NAME, &path).map_err(|(_, message)| message)?;
        tracing::info!(
            key = %path.display(),
            public = %public,
            "created the checkpoint key that signs the audit log (public key in {}.pub)",
            path.display()
        );
    }
    Ok(path)
}

/// The tokens of the configuration and of the data directory's token file
/// (re-read when it changes). On a first start — neither names any — one
/// token per role is created, printed once on standard error and kept only as
/// its digest.
fn load_tokens(config: &ServeConfig) -> Result<Tokens, ExitStatus> {
    let path = config.data_dir.join(TOKENS_FILE);
    let fail = |message: String| {
        tracing::error!("{message}");
        ExitStatus::InvalidInput
    };
    let first = config.tokens.is_empty() && !path.exists();
    if first {
        ensure_data_dir(&config.data_dir).map_err(fail)?;
        let created = auth::create_first(&path).map_err(|e| fail(e.to_string()))?;
        print_first_tokens(&path, &created);
    }
    let tokens = Tokens::with_file(config.tokens.clone(), path.clone()).map_err(|e| {
        fail(format!(
            "{e} ({} and the service configuration)",
            path.display()
        ))
    })?;
    if tokens.is_empty() {
        tracing::warn!(
            "no API tokens: every API request is refused (401); add one with `exportctl serve token add NAME --role check`"
        );
    }
    Ok(tokens)
}

/// The one time the tokens of a first start are shown. Plain text on standard
/// error, not a log event: they are for the person starting the service, and
/// a log pipeline should not keep them.
fn print_first_tokens(path: &std::path::Path, created: &[(String, Role, String)]) {
    let mut text = format!(
        "\nexportctl serve: first start: created one API token per role. They are shown\n\
         only now; {} keeps only their SHA-256. Copy the ones you need:\n\n",
        path.display()
    );
    for (name, role, token) in created {
        text.push_str(&format!("  {name:<14} role {:<8} {token}\n", role.as_str()));
    }
    text.push_str(
        "\nCall the API with `-H \"Authorization: Bearer <token>\"`; manage tokens with\n\
         `exportctl serve token add NAME --role ROLE` and `exportctl serve token revoke NAME`.\n\n",
    );
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
