//! The plugin's memory allocator (WebAssembly only).
//!
//! Rust's default allocator for `wasm32-unknown-unknown` (dlmalloc) grows linear
//! memory for its very first allocation. In a fresh sandbox that `memory.grow` is
//! the most expensive thing an evaluation does: the host has to change page
//! protections twice (at instantiation and at the grow) for every shipment
//! (BENCHMARKS.md, "Changes measured", 2). Here every plugin instead starts
//! with a heap already inside its initial memory — a zero-filled static region,
//! which costs no data in the plugin file and no page the evaluation does not
//! touch — and grows memory only once that is used up. [`talc`] manages it: a
//! general-purpose allocator (freed memory is reused), so an instance that serves
//! many shipments does not grow without bound.

#![allow(unsafe_code)] // a global allocator is unsafe by nature; each use says why it holds.

use core::alloc::Layout;
use core::mem::MaybeUninit;
use talc::base::Talc;
use talc::base::binning::Binning;
use talc::cell::TalcSyncCell;
use talc::source::Source;
use talc::wasm::WasmBinning;

/// Bytes of heap inside the initial memory. A light policy's evaluation of an
/// ordinary shipment uses a few KiB; 1 MiB covers shipments of hundreds of lines,
/// and pages of it that are never touched cost nothing.
const INITIAL_HEAP_BYTES: usize = 1 << 20;

/// WebAssembly pages are 64 KiB.
const PAGE_BYTES: usize = 64 << 10;

/// Memory is grown at least this much at a time, so that a plugin that does need
/// more than the initial heap asks the host to resize its memory rarely.
const MIN_GROW_BYTES: usize = 1 << 20;

/// The initial heap: `.bss`, so it is part of the initial memory without being in
/// the plugin file.
static mut INITIAL_HEAP: [MaybeUninit<u8>; INITIAL_HEAP_BYTES] =
    [MaybeUninit::uninit(); INITIAL_HEAP_BYTES];

#[global_allocator]
// `new_wasm` is only sound on single-threaded WebAssembly, which `wasm32-unknown-unknown`
// without the `atomics` feature is (it panics at compile time otherwise).
static ALLOCATOR: TalcSyncCell<InitialHeapThenGrow, WasmBinning> =
    TalcSyncCell::new_wasm(InitialHeapThenGrow {
        initial_claimed: false,
    });

/// Where the allocator gets memory: first the initial heap, then `memory.grow`.
#[derive(Debug)]
struct InitialHeapThenGrow {
    initial_claimed: bool,
}

// SAFETY: `acquire` neither allocates nor touches the allocator it serves; it only
// hands `talc` regions nothing else uses: the initial heap (claimed once, used by
// nothing but this allocator) and pages fresh from `memory.grow`.
unsafe impl Source for InitialHeapThenGrow {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        if !talc.source.initial_claimed {
            talc.source.initial_claimed = true;
            // SAFETY: `INITIAL_HEAP` is referred to only here, once, and from then on
            // belongs to the allocator.
            let claimed =
                unsafe { talc.claim((&raw mut INITIAL_HEAP).cast::<u8>(), INITIAL_HEAP_BYTES) };
            if claimed.is_some() {
                // If the request does not fit, talc asks again and we grow.
                return Ok(());
            }
        }
        // Room for the request plus the allocator's per-heap bookkeeping and
        // alignment padding (a few words; one KiB is ample).
        let needed = layout
            .size()
            .checked_add(layout.align())
            .and_then(|n| n.checked_add(1024))
            .ok_or(())?
            .max(MIN_GROW_BYTES);
        let pages = needed.div_ceil(PAGE_BYTES);
        let previous = core::arch::wasm32::memory_grow::<0>(pages);
        if previous == usize::MAX {
            // The host's memory cap: the allocation fails and the plugin traps.
            return Err(());
        }
        // SAFETY: the pages from `previous` on were just added to memory and are
        // unused.
        let claimed = unsafe { talc.claim((previous * PAGE_BYTES) as *mut u8, pages * PAGE_BYTES) };
        claimed.map(|_| ()).ok_or(())
    }
}
