//! The service's structured log (tracing), on standard error: text for a
//! person, JSON for a log pipeline (`--log-format`), filtered like `RUST_LOG`
//! (default `info`).
//!
//! One line per API request — method, path, status, duration, the client's
//! name and, for a check, its decision id — and one per event about a decision
//! (a record that failed), each carrying the decision id, so a decision can be
//! followed from the log to the audit store. Probes log at `debug`, so an
//! orchestrator polling them does not drown the rest; a 5xx answer at `warn`.

use super::auth::Client;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line (fields at the top level).
    Json,
}

/// The decision a response is about, put in its extensions by the handler
/// for the request's log line.
#[derive(Debug, Clone)]
pub struct LoggedDecision(pub String);

/// Installs the subscriber for this process: `RUST_LOG` if set (e.g.
/// `exportctl=debug`), else `info`. Fails only if one is already installed.
pub fn init(format: LogFormat) -> Result<(), String> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    installed.map_err(|e| format!("cannot install the logger: {e}"))
}

/// Logs each request once it is answered.
pub async fn requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    // Milliseconds to the microsecond: finer is noise at this scale.
    let duration_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0;
    let client = response
        .extensions()
        .get::<Client>()
        .map(|c| c.name.clone());
    let decision = response
        .extensions()
        .get::<LoggedDecision>()
        .map(|d| d.0.clone());
    if matches!(path.as_str(), "/healthz" | "/readyz") {
        tracing::debug!(%method, path, status, duration_ms, "request");
    } else if response.status().is_server_error() {
        // The service could not answer (a withheld verdict, saturation): worth a look.
        tracing::warn!(
            %method,
            path,
            status,
            duration_ms,
            client = client.as_deref(),
            decision_id = decision.as_deref(),
            "request"
        );
    } else {
        tracing::info!(
            %method,
            path,
            status,
            duration_ms,
            client = client.as_deref(),
            decision_id = decision.as_deref(),
            "request"
        );
    }
    response
}
