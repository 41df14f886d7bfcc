//! The one wasmtime engine a process uses: how plugins are compiled and how their
//! instances are allocated.

use crate::bindings::Policy as PolicyWorld;
use crate::cache::CodeCache;
use crate::limits::Limits;
use crate::sandbox::StoreState;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};

/// How the engine of a loaded set is built, as far as its user may choose
/// (everything that decides a verdict — fuel, determinism — is fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineSettings {
    /// How many plugin instances may be alive at once (all threads, all
    /// policies). Each is a preallocated slot in the pooling allocator, so this
    /// bounds the threads that can evaluate at once times the policies of the
    /// set; an evaluation that finds no free slot fails closed (`policy-error`).
    pub instance_pool: u32,
}

impl Default for EngineSettings {
    fn default() -> EngineSettings {
        EngineSettings { instance_pool: 512 }
    }
}

/// Pages of a freed instance's memory kept mapped for the next one: a fresh
/// instance then touches no new pages for its stack and small heap.
const KEEP_RESIDENT_BYTES: usize = 256 << 10;

/// A compiled-code engine plus the linker that offers plugins their one import.
pub(crate) struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<StoreState>,
    /// Where compiled plugins are kept between runs, if anywhere.
    pub(crate) cache: Option<CodeCache>,
}

impl Runtime {
    /// Creates the engine: Cranelift, fuel metering, deterministic floating point,
    /// the component model, and a pooling allocator sized for `max_memory_bytes`.
    pub(crate) fn new(
        max_memory_bytes: u64,
        settings: &EngineSettings,
        cache: Option<CodeCache>,
    ) -> Result<Runtime, wasmtime::Error> {
        let instances = settings.instance_pool.max(1);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(instances)
            .total_core_instances(instances.saturating_mul(4))
            .total_memories(instances)
            .total_tables(instances.saturating_mul(4))
            .max_memory_size(
                usize::try_from(max_memory_bytes.min(Limits::MAX_MEMORY_BYTES))
                    .unwrap_or(usize::MAX),
            )
            .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
            // Reset a freed instance's tables by memset rather than madvise, and its
            // memory by the pages it dirtied rather than all of it (Linux ≥ 6.7;
            // elsewhere the usual reset): −38 % per fresh evaluation (BENCHMARKS.md).
            .table_keep_resident(64 << 10)
            .pagemap_scan(wasmtime::Enabled::Auto);

        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .consume_fuel(true)
            .max_wasm_stack(Limits::WASM_STACK_BYTES)
            .cranelift_opt_level(OptLevel::Speed)
            // The same plugin must give the same answer on every machine.
            .cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config)?;

        let mut linker = Linker::new(&engine);
        PolicyWorld::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)?;
        Ok(Runtime {
            engine,
            linker,
            cache,
        })
    }
}
