//! A loop of evaluations for an instruction profiler: `N` shipments of the
//! benchmark corpus (realistic mix, its first 1,000 shipments in turn) through
//! one policy alone, reused or fresh; with `LINES`, only those of that many lines.
//!
//! ```text
//! cargo build --manifest-path benches/peers/Cargo.toml --release --example floor_loop
//! valgrind --tool=callgrind target/release/examples/floor_loop floor reused 1000
//! valgrind --tool=callgrind target/release/examples/floor_loop floor reused 11000
//! valgrind --tool=callgrind target/release/examples/floor_loop floor reused 11000 5
//! ```
//!
//! The difference of the two totals over 10,000 is the instructions of one
//! evaluation, whatever the machine is doing; `callgrind_annotate --inclusive=yes`
//! on the second shows where they go. `floor` is the empty policy, `reference` the
//! reference rule.

use exportctl::{EngineSettings, InstanceMode};
use exportctl_peers_bench::floor::FLOOR_COMPONENT;
use exportctl_peers_bench::sandbox::{REFERENCE_COMPONENT, file_host};
use exportctl_peers_bench::scenarios::scenarios;
use std::hint::black_box;

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (policy, mode, n, lines) = match args.as_slice() {
        [p, m, n] => (p, m, n, None),
        [p, m, n, l] => (p, m, n, Some(l.parse::<usize>()?)),
        _ => return Err("usage: floor_loop floor|reference reused|fresh N [LINES]".into()),
    };
    let path = match policy.as_str() {
        "floor" => FLOOR_COMPONENT,
        "reference" => REFERENCE_COMPONENT,
        other => return Err(format!("unknown policy `{other}`: floor or reference").into()),
    };
    let mode = match mode.as_str() {
        "reused" => InstanceMode::Reused,
        "fresh" => InstanceMode::Fresh,
        other => return Err(format!("unknown mode `{other}`: reused or fresh").into()),
    };
    let n: usize = n.parse()?;
    let host = file_host(path, EngineSettings { instance_pool: 4 })?;
    let mut scenario = scenarios(1000)?.swap_remove(0);
    if let Some(l) = lines {
        scenario.shipments.retain(|s| s.lines.len() == l);
    }
    if scenario.shipments.is_empty() {
        return Err("no shipment of the corpus has that many lines".into());
    }
    let mut worker = host.worker_with(mode);
    // One call before the loop, so both runs pay the first call's set-up alike.
    worker.evaluate(&scenario.shipments[0]);
    for s in scenario.shipments.iter().cycle().take(n) {
        black_box(worker.evaluate(black_box(s)));
    }
    Ok(())
}
