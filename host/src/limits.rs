//! Per-evaluation resource limits of a policy sandbox.

/// What one evaluation of one policy may consume. Both limits are deterministic:
/// the same plugin, settings and shipment hit them at the same point on every run
/// and every machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel: roughly one unit per WebAssembly instruction executed.
    pub fuel: u64,
    /// Maximum linear memory of the plugin instance, in bytes.
    pub memory_bytes: u64,
}

impl Limits {
    /// Default fuel: 500 million units, about half a second of guest work. A
    /// maximal shipment (10,000 lines) costs a bundled policy 30–120 million
    /// (decoding the shipment alone is about 3,000 units a line); a 20-line
    /// shipment well under 1 million. A policy that reaches the default is
    /// looping, not working.
    /// Fuel counts WebAssembly instructions, not time, so a plugin stops at the
    /// same instruction on every run and every machine: the same input always
    /// gives the same verdict, however loaded the host is.
    pub const DEFAULT_FUEL: u64 = 500_000_000;

    /// Default memory cap: 64 MiB. A policy's embedded tables plus one decoded
    /// 10,000-line shipment fit several times over. Growing past it traps at once
    /// (a plugin never sees a failed allocation it could paper over), and the
    /// cap holds whatever the plugin asks for, up to the 4 GiB a 32-bit
    /// WebAssembly memory can address.
    pub const DEFAULT_MEMORY_BYTES: u64 = 64 << 20;

    /// The largest memory cap a policy set may ask for: 1 GiB. Sandboxes are
    /// preallocated address space of this size each.
    pub const MAX_MEMORY_BYTES: u64 = 1 << 30;

    /// Most data the host copies out of a sandbox in one call: 16 MiB. This is
    /// what reading a plugin's findings (or one log message) may cost the host,
    /// counted as wasmtime copies it: the bytes of every string, plus the host
    /// size of every list element (about 128 bytes per finding, 4 per line
    /// number, 24 per party). Without it a plugin could make the host allocate
    /// far more than its own memory cap, e.g. by pointing 10,000 findings at
    /// one 400 KB list of line numbers (4 GB to copy).
    ///
    /// The most findings a policy may return (10,000), one per line of a
    /// 10,000-line shipment with a few hundred bytes of text each, take about
    /// 5 MiB. Not configurable: it protects the host, not the policy.
    pub const MAX_OUTPUT_BYTES: usize = 16 << 20;

    /// The plugin's call stack in the engine: 512 KiB (wasmtime's default for
    /// `max_wasm_stack`). A recursion deeper than this traps with a stack
    /// overflow and the policy fails closed; the host's own stack is never at
    /// risk. Plugins built with `exportctl-builder` also have a 128 KiB stack of
    /// their own in linear memory (`STACK_SIZE`), which deep recursion with
    /// large frames exhausts first (an out-of-bounds trap). Unlike fuel, the
    /// depth at which the engine's stack runs out depends on the CPU
    /// architecture (frame sizes differ), so a policy should stay far from it.
    pub const WASM_STACK_BYTES: usize = 512 << 10;

    /// Most a plugin may log in one evaluation: 64 KiB in at most 1,024 messages.
    /// Copying a log string costs the plugin no fuel, so without a budget of its own
    /// a plugin could keep the host copying for hours; past it, the plugin is
    /// stopped and the policy fails closed. The host keeps only the first 32
    /// messages of 1 KiB each.
    pub const MAX_LOG_BYTES: usize = 64 << 10;

    /// Most `log` calls per evaluation (see [`Limits::MAX_LOG_BYTES`]).
    pub const MAX_LOG_CALLS: usize = 1024;

    /// The largest fuel budget a policy set may give: 10 billion units, roughly
    /// ten seconds of guest work. Without a ceiling, a set could switch the time
    /// limit off by accident.
    pub const MAX_FUEL: u64 = 10_000_000_000;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: Limits::DEFAULT_FUEL,
            memory_bytes: Limits::DEFAULT_MEMORY_BYTES,
        }
    }
}
