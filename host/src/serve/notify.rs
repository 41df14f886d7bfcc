//! Posting every change to holds to the ERP's webhook (`[holds.webhook]`), in
//! log order, signed, retried with back-off, each delivery written down.
//!
//! The notifier is one more reader of the changes feed
//! (`Store::hold_changes`): it follows the log from where its delivery log
//! ends, so a restart neither skips a change nor posts a delivered one again.
//! Each change is one POST whose body is `{"change": {…}}` (the feed's entry)
//! and whose [`SIGNATURE_HEADER`](super::webhook::SIGNATURE_HEADER) signs it;
//! when every attempt fails the change is written down as not delivered and
//! the next one follows (an ERP that was away polls the feed to catch up).
//!
//! The delivery log is `holds-webhook.jsonl` in the data directory: one line
//! per change, `{"cursor", "hold_id", "event", "url", "delivered", "attempts":
//! [{"number", "sent_at", "status" | "error"}]}`. With several hosts sharing
//! one PostgreSQL store, configure the webhook on one of them.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use exportctl_audit::{AnyRecord, Store};
use serde_json::{Value, json};

use super::config::WebhookConfig;
use super::holds::change_json;
use super::webhook::{Delivery, Outcome, Retry, SystemClock, Webhook};

/// The delivery log's file name in the data directory.
pub const DELIVERY_LOG: &str = "holds-webhook.jsonl";
/// How long the notifier waits when it has caught up with the log.
const POLL: Duration = Duration::from_millis(500);
/// Changes read per round.
const PAGE: usize = 100;

/// A running notifier; dropping it asks it to stop after the current delivery.
pub struct Notifier {
    stop: Arc<AtomicBool>,
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts following the log of `store_url` for `config`, writing the
/// delivery log in `data_dir`; an unreadable secret or delivery log is an
/// error now, not a silent webhook later.
pub fn start(config: &WebhookConfig, store_url: &str, data_dir: &Path) -> Result<Notifier, String> {
    let secret = std::fs::read_to_string(&config.secret_file).map_err(|e| {
        format!(
            "[holds.webhook] secret_file {}: {e}",
            config.secret_file.display()
        )
    })?;
    let secret = secret.trim();
    if secret.len() < 16 {
        return Err(format!(
            "[holds.webhook] secret_file {}: the secret must be at least 16 characters",
            config.secret_file.display()
        ));
    }
    let retry = Retry {
        attempts: config.attempts,
        ..Retry::default()
    };
    let webhook = Webhook::new(config.url.clone(), secret.as_bytes().to_vec(), retry);
    let log_path = data_dir.join(DELIVERY_LOG);
    let cursor = last_cursor(&log_path)?;
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| format!("webhook delivery log {}: {e}", log_path.display()))?;
    let stop = Arc::new(AtomicBool::new(false));
    let run = Run {
        webhook,
        url: config.url.clone(),
        store_url: store_url.to_owned(),
        log,
        log_path,
        cursor,
        stop: Arc::clone(&stop),
    };
    std::thread::Builder::new()
        .name("holds-webhook".into())
        .spawn(move || run.follow())
        .map_err(|e| format!("cannot start the webhook notifier: {e}"))?;
    Ok(Notifier { stop })
}

/// The cursor of the delivery log's last line (`None`: nothing delivered yet).
fn last_cursor(path: &Path) -> Result<Option<u64>, String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("webhook delivery log {}: {e}", path.display())),
    };
    let mut last = None;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("webhook delivery log {}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Value = serde_json::from_str(&line).map_err(|e| {
            format!(
                "webhook delivery log {} line {}: {e}",
                path.display(),
                n + 1
            )
        })?;
        last = entry["cursor"].as_str().and_then(|c| c.parse().ok());
    }
    Ok(last)
}

struct Run {
    webhook: Webhook,
    url: String,
    store_url: String,
    log: File,
    log_path: PathBuf,
    cursor: Option<u64>,
    stop: Arc<AtomicBool>,
}

impl Run {
    fn follow(mut self) {
        let mut store = None;
        while !self.stop.load(Ordering::Relaxed) {
            if store.is_none() {
                match Store::open_existing(&self.store_url) {
                    Ok(s) => store = Some(s),
                    Err(e) => {
                        tracing::warn!("holds webhook: {e}; trying again");
                        std::thread::sleep(POLL * 4);
                        continue;
                    }
                }
            }
            let Some(s) = &store else { continue };
            let changes = match s.hold_changes(self.cursor, PAGE) {
                Ok(changes) => changes,
                Err(e) => {
                    tracing::warn!("holds webhook: {e}; trying again");
                    store = None;
                    std::thread::sleep(POLL * 4);
                    continue;
                }
            };
            if changes.is_empty() {
                std::thread::sleep(POLL);
                continue;
            }
            for stored in changes {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                let change = match AnyRecord::decode(&stored.bytes) {
                    Ok(record) => change_json(stored.index, &record),
                    Err(e) => {
                        tracing::error!(
                            "holds webhook: record at leaf index {} cannot be read ({e}); run audit verify",
                            stored.index
                        );
                        return;
                    }
                };
                let body = json!({ "change": change }).to_string();
                let delivery = self.webhook.deliver(body.as_bytes(), &SystemClock);
                if let Err(e) = self.write_down(&change, &delivery) {
                    tracing::error!("holds webhook: {e}; stopping the notifier");
                    return;
                }
                if !delivery.delivered() {
                    tracing::warn!(
                        cursor = stored.index,
                        "holds webhook: {} did not take the change after {} attempts; going on (the ERP can poll /v1/holds/changes)",
                        self.url,
                        delivery.attempts.len()
                    );
                }
                self.cursor = Some(stored.index);
            }
        }
    }

    fn write_down(&mut self, change: &Value, delivery: &Delivery) -> Result<(), String> {
        let attempts: Vec<Value> = delivery
            .attempts
            .iter()
            .map(|a| match &a.outcome {
                Outcome::Delivered { status } | Outcome::Refused { status } => {
                    json!({"number": a.number, "sent_at": a.sent_at, "status": status})
                }
                Outcome::Unreachable { reason } => {
                    json!({"number": a.number, "sent_at": a.sent_at, "error": reason})
                }
            })
            .collect();
        let line = json!({
            "cursor": change["cursor"],
            "hold_id": change["hold_id"],
            "event": change["event"],
            "url": self.url,
            "delivered": delivery.delivered(),
            "attempts": attempts,
        });
        writeln!(self.log, "{line}")
            .and_then(|()| self.log.sync_data())
            .map_err(|e| format!("webhook delivery log {}: {e}", self.log_path.display()))
    }
}
