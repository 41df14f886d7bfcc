//! The sandbox one policy evaluation runs in: a fresh wasmtime `Store` with fuel and
//! a memory cap, the only host function a plugin may call (a bounded log), and the
//! translation of whatever stopped the plugin into a [`PolicyFailure`].

use crate::limits::Limits;
use crate::plugin::bindings::exportctl::policy::host::{Host as LogHost, LogLevel};
use std::fmt;
use wasmtime::{ResourceLimiter, Store, Trap};

/// At most this many log messages are kept per evaluation…
const MAX_LOG_MESSAGES: usize = 32;
/// …each cut to this many bytes.
const MAX_LOG_MESSAGE_BYTES: usize = 1024;

/// Everything a plugin's store holds: its limiter and its log.
pub(crate) struct StoreState {
    limiter: MemoryCap,
    log: Vec<String>,
}

/// Creates the store for one sandbox with `limits` applied.
pub(crate) fn new_store(
    engine: &wasmtime::Engine,
    limits: Limits,
) -> Result<Store<StoreState>, wasmtime::Error> {
    let mut store = Store::new(
        engine,
        StoreState {
            limiter: MemoryCap {
                cap: limits.memory_bytes,
                exceeded: false,
            },
            log: Vec::new(),
        },
    );
    store.limiter(|state| &mut state.limiter);
    store.set_fuel(limits.fuel)?;
    Ok(store)
}

/// Refills the store's fuel before a call, so each call gets the same budget.
pub(crate) fn refuel(store: &mut Store<StoreState>, limits: Limits) -> Result<(), wasmtime::Error> {
    store.set_fuel(limits.fuel)
}

/// Caps linear memory and remembers that the cap was hit, so the failure can be
/// reported as a memory limit rather than as whatever trap followed it.
struct MemoryCap {
    cap: u64,
    exceeded: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmtime::Error> {
        if desired as u64 > self.cap {
            self.exceeded = true;
            // Trap at once: a plugin must not get to handle allocation failure by
            // carrying on with a partial result.
            return Err(wasmtime::Error::msg("memory limit exceeded"));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmtime::Error> {
        // Tables hold function references; policies need a handful.
        Ok(desired <= 100_000)
    }
}

/// The contract's type-only interface has no functions to provide.
impl crate::plugin::bindings::exportctl::policy::types::Host for StoreState {}

impl LogHost for StoreState {
    fn log(&mut self, level: LogLevel, message: String) {
        if self.log.len() >= MAX_LOG_MESSAGES {
            return;
        }
        let level = match level {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
        };
        let mut end = message.len().min(MAX_LOG_MESSAGE_BYTES);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        self.log.push(format!("{level}: {}", &message[..end]));
    }
}

/// Why a policy produced no usable result. Each becomes a `policy-error` finding
/// with the host's fail outcome; it never turns into an allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyFailure {
    /// The fuel budget ran out.
    OutOfFuel {
        /// The budget.
        fuel: u64,
    },
    /// The plugin tried to grow its memory beyond the cap.
    MemoryLimit {
        /// The cap in bytes.
        bytes: u64,
    },
    /// The plugin trapped (a panic, stack overflow, out-of-bounds access, …).
    Trap {
        /// What trapped, and the plugin's last log message when it says more.
        reason: String,
    },
    /// The plugin returned an error instead of findings.
    PluginError {
        /// The plugin's message.
        message: String,
    },
    /// The plugin returned findings that break the contract.
    BadOutput {
        /// What is wrong with them.
        reason: String,
    },
    /// The sandbox could not be set up (e.g. the instance pool is exhausted).
    Sandbox {
        /// Why.
        reason: String,
    },
}

impl PolicyFailure {
    /// Classifies an error from a call into the plugin.
    pub(crate) fn from_call(
        error: &wasmtime::Error,
        store: &Store<StoreState>,
        limits: Limits,
    ) -> PolicyFailure {
        if store.data().limiter.exceeded {
            return PolicyFailure::MemoryLimit {
                bytes: limits.memory_bytes,
            };
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => PolicyFailure::OutOfFuel { fuel: limits.fuel },
            Some(trap) => {
                let mut reason = trap.to_string();
                if let Some(panic) = store
                    .data()
                    .log
                    .iter()
                    .rev()
                    .find(|m| m.starts_with("warn: panic:"))
                {
                    reason = format!("{reason} ({})", panic.trim_start_matches("warn: "));
                }
                PolicyFailure::Trap { reason }
            }
            None => PolicyFailure::Trap {
                reason: format!("{error:#}"),
            },
        }
    }
}

impl fmt::Display for PolicyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyFailure::OutOfFuel { fuel } => {
                write!(f, "fuel limit of {fuel} exhausted (`limits.fuel`)")
            }
            PolicyFailure::MemoryLimit { bytes } => {
                write!(
                    f,
                    "memory limit of {} MiB exceeded (`limits.memory_mib`)",
                    bytes >> 20
                )
            }
            PolicyFailure::Trap { reason } => write!(f, "plugin trapped: {reason}"),
            PolicyFailure::PluginError { message } => {
                write!(f, "plugin reported an error: {message}")
            }
            PolicyFailure::BadOutput { reason } => {
                write!(f, "plugin returned invalid findings: {reason}")
            }
            PolicyFailure::Sandbox { reason } => {
                write!(f, "sandbox could not be created: {reason}")
            }
        }
    }
}
