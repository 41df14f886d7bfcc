//! The sandbox one policy evaluation runs in: a fresh wasmtime `Store` with fuel and
//! a memory cap, the only host function a plugin may call (a bounded log), and the
//! translation of whatever stopped the plugin into a [`PolicyFailure`].

use crate::bindings::exportctl::policy::host::{Host as LogHost, LogLevel as RawLevel};
use crate::failure::PolicyFailure;
use crate::limits::Limits;
use crate::plugin_log::LogLevel;
use wasmtime::{ResourceLimiter, Store, Trap};

/// At most this many log messages are kept per evaluation…
const MAX_LOG_MESSAGES: usize = 32;
/// …each cut to this many bytes.
const MAX_LOG_MESSAGE_BYTES: usize = 1024;

/// Everything a plugin's store holds: its limiter and its log.
pub(crate) struct StoreState {
    limiter: MemoryCap,
    /// What the plugin logged in the current evaluation (bounded), taken by the
    /// worker after each call.
    log: Vec<(LogLevel, String)>,
    /// Bytes and calls of `log` in the current evaluation.
    log_bytes: usize,
    log_calls: usize,
    log_exceeded: bool,
}

impl StoreState {
    /// Whether the plugin asked for more memory than its cap (at instantiation, for an
    /// initial memory above it, or later).
    pub(crate) fn memory_limit_exceeded(&self) -> bool {
        self.limiter.exceeded
    }
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
            log_bytes: 0,
            log_calls: 0,
            log_exceeded: false,
        },
    );
    store.limiter(|state| &mut state.limiter);
    store.set_fuel(limits.fuel)?;
    // Bounds what reading the plugin's results (and each log message) may make
    // the host copy and allocate, whatever the plugin's pointers alias.
    store.set_hostcall_fuel(Limits::MAX_OUTPUT_BYTES);
    Ok(store)
}

/// Takes what the plugin logged since the last call of [`refuel`].
pub(crate) fn take_log(store: &mut Store<StoreState>) -> Vec<(LogLevel, String)> {
    std::mem::take(&mut store.data_mut().log)
}

/// Refills the store's fuel before a call, so each call gets the same budget.
pub(crate) fn refuel(store: &mut Store<StoreState>, limits: Limits) -> Result<(), wasmtime::Error> {
    let state = store.data_mut();
    state.log.clear();
    state.log_bytes = 0;
    state.log_calls = 0;
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
impl crate::bindings::exportctl::policy::types::Host for StoreState {}

impl LogHost for StoreState {
    fn log(&mut self, level: RawLevel, message: String) -> wasmtime::Result<()> {
        // Copying a log string costs the plugin no fuel, so the log has a budget of
        // its own; past it the plugin is stopped (a policy-error), never throttled.
        self.log_bytes = self.log_bytes.saturating_add(message.len());
        self.log_calls += 1;
        if self.log_bytes > Limits::MAX_LOG_BYTES || self.log_calls > Limits::MAX_LOG_CALLS {
            self.log_exceeded = true;
            return Err(wasmtime::Error::msg("log limit exceeded"));
        }
        if self.log.len() >= MAX_LOG_MESSAGES {
            return Ok(());
        }
        let level = match level {
            RawLevel::Debug => LogLevel::Debug,
            RawLevel::Info => LogLevel::Info,
            RawLevel::Warn => LogLevel::Warn,
        };
        let mut end = message.len().min(MAX_LOG_MESSAGE_BYTES);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let mut message = message;
        message.truncate(end);
        self.log.push((level, message));
        Ok(())
    }
}

/// Classifies an error from a call into the plugin.
pub(crate) fn classify(
    error: &wasmtime::Error,
    store: &Store<StoreState>,
    limits: Limits,
) -> PolicyFailure {
    if store.data().limiter.exceeded {
        return PolicyFailure::MemoryLimit {
            bytes: limits.memory_bytes,
        };
    }
    if store.data().log_exceeded {
        return PolicyFailure::LogLimit {
            bytes: Limits::MAX_LOG_BYTES,
            calls: Limits::MAX_LOG_CALLS,
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => PolicyFailure::OutOfFuel { fuel: limits.fuel },
        Some(Trap::StackOverflow) => PolicyFailure::StackOverflow {
            bytes: Limits::WASM_STACK_BYTES,
        },
        Some(trap) => {
            let mut reason = trap.to_string();
            if matches!(trap, Trap::MemoryOutOfBounds) {
                // Safe Rust bounds-checks its own accesses (and panics), so in
                // a plugin built with the SDK this is almost always its stack in
                // linear memory running out.
                reason.push_str(
                    " (e.g. its own stack in linear memory overflowed: recursion too deep for the plugin's stack size)",
                );
            }
            if let Some(call) = system_call(error) {
                reason.push_str(&format!(
                    " ({call}: the sandbox offers no files, network, clock, environment or randomness)"
                ));
            }
            if let Some((_, panic)) = store
                .data()
                .log
                .iter()
                .rev()
                .find(|(level, m)| *level == LogLevel::Warn && m.starts_with("panic:"))
            {
                // Panic messages span lines ("panicked at …:\nmessage"); a
                // finding's message is one line.
                let panic = panic.replace('\n', " ");
                reason = format!("{reason} ({panic})");
            }
            PolicyFailure::Trap { reason }
        }
        // Not a trap: the engine refused what the plugin handed back while
        // reading it (lifting), before any of it reached the host's types.
        None => {
            let reason = format!("{error:#}");
            if reason.contains(HOSTCALL_FUEL_EXHAUSTED) {
                PolicyFailure::OutputLimit {
                    bytes: Limits::MAX_OUTPUT_BYTES,
                }
            } else {
                PolicyFailure::Abi { reason }
            }
        }
    }
}

/// The module name of the C library (wasi-libc) in a component linked from shared
/// libraries, as componentize-py builds a Python policy.
const LIBC: &str = "libc.so";

/// The system call a trap happened in, when it happened in one: a plugin compiled
/// against WASI (a Python interpreter) had every WASI function replaced by a stub
/// that traps, so its C library's call into the system ends in `unreachable`. Says
/// which C function was called and from where, e.g. ``a call to the system
/// (`__clock_gettime` in the plugin's C library, from `PyTime_Time`)``; `None` when
/// the trap was not at the bottom of a C library call.
fn system_call(error: &wasmtime::Error) -> Option<String> {
    let frames = error.downcast_ref::<wasmtime::WasmBacktrace>()?.frames();
    let in_libc = |f: &wasmtime::FrameInfo| f.module().name() == Some(LIBC);
    let first = frames.iter().position(in_libc)?;
    // Only the stub itself (nameless) may lie below the C library.
    if frames[..first].iter().any(|f| f.func_name().is_some()) {
        return None;
    }
    let mut called = None;
    let mut caller = None;
    for frame in &frames[first..] {
        if in_libc(frame) {
            called = frame.func_name().or(called);
        } else if let Some(name) = frame.func_name() {
            caller = Some(name);
            break;
        }
    }
    let called = called?;
    Some(match caller {
        Some(caller) => {
            format!("a call to the system: `{called}` in the plugin's C library, from `{caller}`")
        }
        None => format!("a call to the system: `{called}` in the plugin's C library"),
    })
}

/// How wasmtime reports that reading a call's data exceeded the store's hostcall
/// fuel (`Store::set_hostcall_fuel`); its error type is private, so the message is
/// matched (and pinned by the end-to-end tests).
const HOSTCALL_FUEL_EXHAUSTED: &str = "fuel allocated for hostcalls has been exhausted";
