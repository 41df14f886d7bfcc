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
    /// Default fuel: 100 million units, about a tenth of a second of guest work.
    /// The bundled policies use well under 1 % of it on a 20-line shipment
    /// (BENCHMARKS.md), so a policy that reaches it is looping, not working.
    pub const DEFAULT_FUEL: u64 = 100_000_000;

    /// Default memory cap: 64 MiB. A policy's embedded tables plus one decoded
    /// 10,000-line shipment fit several times over.
    pub const DEFAULT_MEMORY_BYTES: u64 = 64 << 20;

    /// The largest memory cap a policy set may ask for: 1 GiB. Sandboxes are
    /// preallocated address space of this size each.
    pub const MAX_MEMORY_BYTES: u64 = 1 << 30;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: Limits::DEFAULT_FUEL,
            memory_bytes: Limits::DEFAULT_MEMORY_BYTES,
        }
    }
}
