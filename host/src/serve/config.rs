//! The service's configuration: a TOML file (`--config`), then the command
//! line's flags over it. Paths in the file are relative to the file.

use super::auth::TokenEntry;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the service listens when nothing says otherwise: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the service configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("service configuration {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: toml::de::Error,
    },
    /// The listen address is not `IP:PORT`.
    #[error("listen address `{0}` is not IP:PORT, e.g. 127.0.0.1:8080")]
    Listen(String),
    /// A non-loopback address without `expose = true`.
    #[error(
        "listen address {0} is not a loopback address; set `expose = true` in the service configuration to serve other machines"
    )]
    NotLoopback(SocketAddr),
    /// A limit that would refuse every request.
    #[error("service configuration: `{0}` must be greater than 0 (or not empty)")]
    Zero(&'static str),
    /// Nothing names a data directory and there is no home directory.
    #[error(
        "no data directory: set --data-dir, EXPORTCTL_DATA_DIR, `data_dir` in the service configuration, XDG_DATA_HOME or HOME"
    )]
    NoDataDir,
}

/// The variable naming the data directory (over the configuration file's `data_dir`).
pub const DATA_DIR_ENV: &str = "EXPORTCTL_DATA_DIR";

/// Where the service keeps what it creates itself — the audit store, the
/// checkpoint key, the token file: `flag`, else `$EXPORTCTL_DATA_DIR`, else
/// `file` (the configuration's `data_dir`), else the XDG user data directory
/// (`$XDG_DATA_HOME/exportctl`, `~/.local/share/exportctl`).
pub fn data_dir(flag: Option<PathBuf>, file: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    flag.or_else(|| env(DATA_DIR_ENV))
        .or(file)
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("exportctl")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/exportctl")))
        .ok_or(ConfigError::NoDataDir)
}

/// The configuration file (`exportctl serve --config FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    expose: Option<bool>,
    policies: Option<PathBuf>,
    workers: Option<usize>,
    data_dir: Option<PathBuf>,
    audit: Option<AuditFile>,
    limits: Option<LimitsFile>,
    holds: Option<HoldsFile>,
    tokens: Option<Vec<TokenEntry>>,
    tls: Option<TlsFiles>,
}

/// `[tls]`: serve HTTPS with this certificate chain and private key (PEM files).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    store: Option<String>,
    checkpoint_key: Option<PathBuf>,
    linger_ms: Option<u64>,
    record: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldsFile {
    reason_codes: Option<Vec<String>>,
    max_exemption_days: Option<u32>,
    webhook: Option<WebhookFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookFile {
    url: String,
    secret_file: PathBuf,
    attempts: Option<u32>,
}

/// `[holds.webhook]`: where every change to holds is posted, signed.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The receiver (http or https).
    pub url: String,
    /// The file holding the shared HMAC secret (its text, trimmed).
    pub secret_file: PathBuf,
    /// Attempts per change, the first included (default 8: about 4 minutes).
    pub attempts: u32,
}

/// The reason codes an officer chooses from when none are configured
/// (`[holds] reason_codes`), as blocked-document desks commonly use them.
pub const DEFAULT_REASON_CODES: &[&str] = &[
    "end-use-verified",
    "customer-confirmed",
    "false-positive",
    "licence-on-file",
    "listed-party",
    "prohibited-goods",
    "insufficient-information",
    "order-cancelled",
    "other",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    body_bytes: Option<usize>,
    request_timeout_ms: Option<u64>,
    max_in_flight: Option<usize>,
    batch_items: Option<usize>,
}

/// What the command line may set over the file.
#[derive(Debug, Default)]
pub struct Overrides {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--policies`.
    pub policies: Option<PathBuf>,
    /// `--audit`.
    pub audit: Option<String>,
    /// `--checkpoint-key`.
    pub checkpoint_key: Option<PathBuf>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
}

/// The service's settings, resolved.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The address to bind (port 0: any free port, printed at start).
    pub listen: SocketAddr,
    /// The policy-set file; `None` for the bundled default set.
    pub policies: Option<PathBuf>,
    /// Judging threads; each owns one worker (default: one per core).
    pub workers: usize,
    /// The audit store URL; `None` falls back to the set's `[audit]` table.
    pub audit: Option<String>,
    /// The checkpoint signing key; `None` falls back to the set's `[audit]` table.
    pub checkpoint_key: Option<PathBuf>,
    /// How long the recorder's writer waits for more records to share a commit
    /// (default 0: concurrent requests share commits anyway, those arriving
    /// while one syncs go in the next; a wait adds to every answer).
    pub linger: Duration,
    /// Largest request body accepted (413 above it).
    pub body_bytes: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Most requests handled at once; more are refused with 503 and `Retry-After`.
    pub max_in_flight: usize,
    /// Most shipments in one `POST /v1/check/batch` (more: 413).
    pub batch_items: usize,
    /// Where the default audit store, checkpoint key and token file live.
    pub data_dir: PathBuf,
    /// `[audit] record = false`: no store at all, so enforce-mode checks are
    /// refused (503); otherwise decisions are recorded, by default in the data
    /// directory's store.
    pub record: bool,
    /// Tokens named in the configuration (`[[tokens]]`), beside the token file's.
    pub tokens: Vec<TokenEntry>,
    /// `[tls]`: HTTPS instead of HTTP.
    pub tls: Option<TlsFiles>,
    /// `[holds] reason_codes`: what an officer's action on a hold may give as its reason.
    pub reason_codes: Vec<String>,
    /// `[holds.webhook]`, if changes to holds are posted to the ERP.
    pub webhook: Option<WebhookConfig>,
    /// `[holds] max_exemption_days`: the longest an exemption may be granted for
    /// (default 365).
    pub max_exemption_days: u32,
}

impl ServeConfig {
    /// Reads `file` (if any) and applies `overrides`.
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<ServeConfig, ConfigError> {
        let (parsed, base) = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                let parsed: File = toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.to_owned(),
                    source,
                })?;
                (parsed, path.parent().map(Path::to_path_buf))
            }
            None => (File::default(), None),
        };
        // A path in the file is relative to the file; one on the command line is the caller's.
        let relative = |p: PathBuf| match &base {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p,
        };
        let listen_text = overrides
            .listen
            .or(parsed.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_text
            .parse()
            .map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        if !listen.ip().is_loopback() && !parsed.expose.unwrap_or(false) {
            return Err(ConfigError::NotLoopback(listen));
        }
        let audit_file = parsed.audit.unwrap_or_default();
        let limits = parsed.limits.unwrap_or_default();
        let workers = match parsed.workers {
            Some(0) => return Err(ConfigError::Zero("workers")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        let tls = parsed.tls.map(|t| TlsFiles {
            cert: relative(t.cert),
            key: relative(t.key),
        });
        let holds = parsed.holds.unwrap_or_default();
        let webhook = match holds.webhook {
            Some(w) if w.attempts == Some(0) => {
                return Err(ConfigError::Zero("holds.webhook.attempts"));
            }
            Some(w) => Some(WebhookConfig {
                url: w.url,
                secret_file: relative(w.secret_file),
                attempts: w.attempts.unwrap_or(8),
            }),
            None => None,
        };
        let max_exemption_days = match holds.max_exemption_days {
            Some(0) => return Err(ConfigError::Zero("holds.max_exemption_days")),
            Some(days) => days.min(3650),
            None => 365,
        };
        let reason_codes = match holds.reason_codes {
            Some(codes) if codes.is_empty() => return Err(ConfigError::Zero("holds.reason_codes")),
            Some(codes) => codes,
            None => DEFAULT_REASON_CODES
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        };
        let config = ServeConfig {
            max_exemption_days,
            reason_codes,
            webhook,
            data_dir: data_dir(overrides.data_dir, parsed.data_dir.map(relative))?,
            record: audit_file.record.unwrap_or(true),
            tokens: parsed.tokens.unwrap_or_default(),
            tls,
            listen,
            policies: overrides.policies.or(parsed.policies.map(relative)),
            workers,
            audit: overrides.audit.or(audit_file.store),
            checkpoint_key: overrides
                .checkpoint_key
                .or(audit_file.checkpoint_key.map(relative)),
            linger: Duration::from_millis(audit_file.linger_ms.unwrap_or(0)),
            body_bytes: limits.body_bytes.unwrap_or(1 << 20),
            request_timeout: Duration::from_millis(limits.request_timeout_ms.unwrap_or(10_000)),
            max_in_flight: limits.max_in_flight.unwrap_or(1024),
            batch_items: limits.batch_items.unwrap_or(1000),
        };
        if config.body_bytes == 0 {
            return Err(ConfigError::Zero("limits.body_bytes"));
        }
        if config.request_timeout.is_zero() {
            return Err(ConfigError::Zero("limits.request_timeout_ms"));
        }
        if config.max_in_flight == 0 {
            return Err(ConfigError::Zero("limits.max_in_flight"));
        }
        if config.batch_items == 0 {
            return Err(ConfigError::Zero("limits.batch_items"));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback() {
        let config = ServeConfig::load(None, Overrides::default()).unwrap_or_else(|e| {
            unreachable!("{e}");
        });
        assert_eq!(config.listen.to_string(), DEFAULT_LISTEN);
        assert!(config.workers >= 1);
    }

    #[test]
    fn a_public_address_needs_expose() {
        let overrides = Overrides {
            listen: Some("0.0.0.0:8080".into()),
            ..Overrides::default()
        };
        assert!(matches!(
            ServeConfig::load(None, overrides),
            Err(ConfigError::NotLoopback(_))
        ));
    }
}
