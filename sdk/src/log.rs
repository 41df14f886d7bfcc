//! Diagnostic messages from a policy to the host: the one thing the sandbox lets a
//! plugin send out. The host bounds their number and size.

/// Severity of a log message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Detail for policy authors.
    Debug,
    /// Normal operation.
    Info,
    /// Something the operator should know.
    Warn,
}

/// Sends a message to the host's log (to standard error in native tests).
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::exportctl::policy::host::{self, LogLevel};
        let level = match level {
            Level::Debug => LogLevel::Debug,
            Level::Info => LogLevel::Info,
            Level::Warn => LogLevel::Warn,
        };
        host::log(level, message);
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}
