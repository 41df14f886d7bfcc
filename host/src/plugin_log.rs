//! What a plugin logs through the contract's `log` import, handed to the caller
//! of [`Worker::evaluate`](crate::Worker::evaluate) with the policy and shipment it
//! came from (see [`Worker::on_log`](crate::Worker::on_log)). A log message never
//! changes a verdict; it is for the operator's structured logs.

use std::fmt;

/// How important a plugin says a log message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Detail for the policy's author.
    Debug,
    /// Something the operator may want to know.
    Info,
    /// Something probably wrong (a panic message is logged at this level).
    Warn,
}

impl LogLevel {
    /// `debug`, `info` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message a plugin logged while judging one shipment. At most 32 messages
/// of at most 1 KiB each are kept per evaluation (the sandbox's log budget stops
/// a plugin that sends far more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginLog<'a> {
    /// The policy id.
    pub policy: &'a str,
    /// The policy version that ran.
    pub version: &'a str,
    /// The shipment it was judging.
    pub shipment: &'a str,
    /// The level the plugin gave.
    pub level: LogLevel,
    /// The message (cut at 1 KiB on a character boundary).
    pub message: &'a str,
}

impl fmt::Display for PluginLog<'_> {
    /// `policy `id` 1.2.0 on shipment `s`: warn: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy `{}` {} on shipment `{}`: {}: {}",
            self.policy, self.version, self.shipment, self.level, self.message
        )
    }
}
