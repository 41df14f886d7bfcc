//! A policy that recurses without bound on shipments bound for Russia, and judges
//! every other shipment normally (no finding). Whichever stack it exhausts, the
//! evaluation must end in a `policy-error`, never in a crash of the host:
//!
//! - `stack = "linear"` (default): every frame keeps 1 KiB on the plugin's own
//!   stack in linear memory (128 KiB, `exportctl_builder::STACK_SIZE`), which
//!   overflows after about 128 frames;
//! - `stack = "native"`: frames hold nothing in linear memory, so the recursion
//!   runs into the engine's limit on the native (wasm call) stack instead.

use exportctl_sdk::{Country, Date, Finding, Metadata, Policy, Rule, Shipment};
use serde::Deserialize;

/// Which stack the recursion exhausts.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stack {
    /// The plugin's stack in linear memory.
    #[default]
    Linear,
    /// The engine's native stack.
    Native,
}

/// Settings: which stack to exhaust.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Which stack to exhaust.
    pub stack: Stack,
}

/// Recurses until a stack runs out.
pub struct DeepRecursion {
    stack: Stack,
}

/// Recursion whose frames live in linear memory: `frame` has its address taken,
/// so it cannot stay in wasm locals. Stops only at a depth the shipment can never
/// give (`stop` is derived from it), which the optimiser cannot know.
#[inline(never)]
fn linear(depth: u64, stop: u64) -> u64 {
    if depth == stop {
        return depth;
    }
    let mut frame = [0u8; 1024];
    frame[usize::try_from(depth % 1024).unwrap_or(0)] = 1;
    std::hint::black_box(&mut frame);
    linear(depth + 1, stop).rotate_left(u32::from(frame[0]))
}

/// Recursion that keeps nothing in linear memory: only wasm locals and the
/// native stack. `rotate_left` keeps the call out of tail position.
#[inline(never)]
fn native(depth: u64, stop: u64) -> u64 {
    if depth == stop {
        return depth;
    }
    native(depth + 1, stop).rotate_left((depth & 31) as u32) ^ depth
}

impl Policy for DeepRecursion {
    type Settings = Settings;
    const RULES: &'static [Rule] = &[];

    fn metadata() -> Metadata {
        Metadata {
            id: "hostile-deep-recursion",
            name: "Hostile: deep recursion",
            version: "0.1.0",
            publisher: "exportctl test suite",
            jurisdiction: "test",
            legal_basis: "none: a test of the sandbox",
            valid_from: Date::ymd(2000, 1, 1),
            valid_to: None,
            sources: &[],
            limitations: &["judges nothing; overflows its stack on shipments to Russia"],
        }
    }

    fn new(settings: Settings) -> Result<Self, String> {
        Ok(DeepRecursion {
            stack: settings.stack,
        })
    }

    fn evaluate(&self, shipment: &Shipment) -> Vec<Finding> {
        if shipment.destination_country() != Country::RU {
            return Vec::new();
        }
        // A depth no recursion reaches before its stack runs out.
        let stop = u64::MAX - shipment.lines().len() as u64;
        let depth = match self.stack {
            Stack::Linear => linear(0, stop),
            Stack::Native => native(0, stop),
        };
        std::hint::black_box(depth);
        Vec::new()
    }
}

exportctl_sdk::export_policy!(DeepRecursion);
