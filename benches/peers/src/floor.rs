//! The sandbox's floor: what no exportctl policy can go below, measured two ways.
//!
//! - The empty policy (`floor/`, no rule, no finding) through the host, reused
//!   and fresh: writing the wire buffer, the call, the SDK's check of the buffer,
//!   fuel and the verdict — and for a fresh sandbox, the instance.
//! - wasmtime alone ([`BareInstantiation`]): a new store and an instance of a
//!   component, nothing called, on an engine configured as the host configures
//!   its own (`host/src/engine.rs`): the part of a fresh evaluation that belongs to
//!   wasmtime, not to exportctl.

use crate::PeersError;
use exportctl::Limits;
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, Store,
};

/// The empty policy's component, built by this crate's build script.
pub const FLOOR_COMPONENT: &str = concat!(env!("OUT_DIR"), "/peers-floor.wasm");

/// A component ready to instantiate on an engine set up as the host's.
pub struct BareInstantiation {
    engine: Engine,
    pre: InstancePre<()>,
}

impl BareInstantiation {
    /// Compiles the component at `path` on an engine with the host's settings
    /// (pooling allocator, fuel, the same memory, stack and residency limits). Its
    /// one import, the host's log, is defined as a trap: nothing is called.
    pub fn new(path: &str) -> Result<BareInstantiation, PeersError> {
        let wasmtime = |e: wasmtime::Error| PeersError::Engine {
            engine: "wasmtime",
            message: format!("{e:#}"),
        };
        let mut pool = PoolingAllocationConfig::default();
        // As host/src/engine.rs, for the default pool of 512 instances and
        // the default 64 MiB memory limit.
        pool.total_component_instances(512)
            .total_core_instances(2048)
            .total_memories(512)
            .total_tables(2048)
            .max_memory_size(Limits::DEFAULT_MEMORY_BYTES as usize)
            .linear_memory_keep_resident(256 << 10)
            .table_keep_resident(64 << 10)
            .pagemap_scan(wasmtime::Enabled::Auto);
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .consume_fuel(true)
            .max_wasm_stack(Limits::WASM_STACK_BYTES)
            .cranelift_opt_level(OptLevel::Speed)
            .cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(wasmtime)?;
        let bytes = std::fs::read(path).map_err(|e| PeersError::Engine {
            engine: "wasmtime",
            message: format!("{path}: {e}"),
        })?;
        let component = Component::new(&engine, &bytes).map_err(wasmtime)?;
        let mut linker = Linker::new(&engine);
        linker
            .define_unknown_imports_as_traps(&component)
            .map_err(wasmtime)?;
        let pre = linker.instantiate_pre(&component).map_err(wasmtime)?;
        Ok(BareInstantiation { engine, pre })
    }

    /// Creates a store with fuel, instantiates the component in it and drops both,
    /// returning the instance's slot to the pool.
    pub fn instantiate(&self) -> Result<(), PeersError> {
        let mut store = Store::new(&self.engine, ());
        let wasmtime = |e: wasmtime::Error| PeersError::Engine {
            engine: "wasmtime",
            message: format!("{e:#}"),
        };
        store.set_fuel(Limits::DEFAULT_FUEL).map_err(wasmtime)?;
        self.pre.instantiate(&mut store).map_err(wasmtime)?;
        Ok(())
    }
}
