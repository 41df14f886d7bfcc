//! exportctl against regorus (Rego) and Cedar:
//! `cargo bench --manifest-path benches/peers/Cargo.toml`.
//!
//! One run prints the tables of BENCHMARKS.md, "Against regorus and Cedar", µs per
//! shipment over the whole generated corpus in two scenarios (its realistic mix,
//! and every shipment sent to Russia): (1) the reference rule (CHPL goods to
//! Russia/Belarus) in every engine, (2) the decision of `chpl-diversion`, each
//! followed by the ratios of the peers to exportctl's reused sandbox, (3) the
//! sandbox's floor: an empty policy, and wasmtime instantiating alone. Before
//! timing, every engine must agree on every shipment (`agreement`); the run stops
//! at the first disagreement.
//!
//! Measured as the evaluate benchmark measures (its `timing` module): CPU time of
//! this one thread, a warm-up pass then 5 timed passes over the scenario, median
//! [min] per shipment.

#[allow(dead_code)]
#[path = "../../../host/benches/evaluate/table.rs"]
mod table;
#[allow(dead_code)]
#[path = "../../../host/benches/evaluate/timing.rs"]
mod timing;

use exportctl::InstanceMode;
use exportctl_peers_bench::agreement::{
    ChplEngines, ReferenceEngines, check_chpl, check_reference, native_denies,
};
use exportctl_peers_bench::chpl::rego::RegoChpl;
use exportctl_peers_bench::chpl::{self, Decision};
use exportctl_peers_bench::floor::{BareInstantiation, FLOOR_COMPONENT};
use exportctl_peers_bench::reference::cedar::CedarRule;
use exportctl_peers_bench::reference::plain::PlainShipment;
use exportctl_peers_bench::reference::rego::RegoRule;
use exportctl_peers_bench::sandbox::{MODES, REFERENCE_COMPONENT, floor_host};
use exportctl_peers_bench::scenarios::{Scenario, scenarios};
use exportctl_sdk::input::{InputLimits, parse_shipment, read_json_object};
use exportctl_sdk::validated::Shipment;
use std::collections::BTreeMap;
use std::hint::black_box;
use table::{header, row, section, us};
use timing::{REPS, Stat, time_per_item};

/// Any error ends the run with its message: a benchmark has no caller to recover.
type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    println!(
        "exportctl against regorus 0.14.1 and cedar-policy 4.14.1: one thread; µs per shipment, CPU time of that thread, median [min] of {REPS} passes after a warm-up"
    );
    let scenarios = scenarios(usize::MAX)?;
    let mut engines = ReferenceEngines::new()?;
    section("Agreement: every engine decides every shipment alike (checked before timing)");
    let denied = check_reference(&mut engines, &scenarios)?;
    for (s, d) in scenarios.iter().zip(&denied) {
        println!(
            "  {}: {} shipments, {d} denied by every engine",
            s.name,
            s.shipments.len()
        );
    }
    let mut chpl = ChplEngines::new()?;
    let flagged = check_chpl(&mut chpl, &scenarios)?;
    for (s, f) in scenarios.iter().zip(&flagged) {
        println!(
            "  {}: {f} shipments with a chpl-diversion finding, the same findings from every engine",
            s.name
        );
    }

    finding_kinds(&chpl, &scenarios);

    let mut stats = Vec::new();
    for scenario in &scenarios {
        stats.push(reference_rows(&mut engines, scenario)?);
    }
    print_table(
        "1. Reference rule: deny if the destination is RU/BY and any line's HS-6 is one of the 50 CHPL codes (µs per shipment)",
        &scenarios,
        &ROWS,
        &stats,
    );
    print_ratios(
        &scenarios,
        &stats,
        [REGO_PREBUILT, CEDAR_PREBUILT],
        EXPORTCTL_REUSED,
    );
    let reference = stats;

    let mut stats = Vec::new();
    for scenario in &scenarios {
        stats.push(chpl_rows(&mut chpl, scenario)?);
    }
    print_table(
        "2. The chpl-diversion decision: its three rules, outcome and lines of each finding (µs per shipment)",
        &scenarios,
        &CHPL_ROWS,
        &stats,
    );
    print_ratios(
        &scenarios,
        &stats,
        [CHPL_REGO_PREBUILT, CHPL_CEDAR_PREBUILT],
        CHPL_EXPORTCTL_REUSED,
    );

    let floor = Floor::new()?;
    let mut stats = Vec::new();
    for scenario in &scenarios {
        stats.push(floor.rows(scenario)?);
    }
    print_table(
        "3. The sandbox's floor: a policy with no rule, and wasmtime instantiating alone (µs per shipment)",
        &scenarios,
        &FLOOR_ROWS,
        &stats,
    );
    print_floor_ratios(&scenarios, &reference, &stats);
    let (cpu, wall) = timing::cpu_and_wall_ns();
    println!(
        "\n  timed passes: {:.0} s CPU in {:.0} s wall ({:.0} % of the wall time on a CPU; the rest went to other processes)",
        cpu / 1e9,
        wall / 1e9,
        100.0 * cpu / wall
    );
    Ok(())
}

/// The rows of the reference table, in order; the ratios name them by index.
const ROWS: [&str; 10] = [
    "native Rust, plain structs",
    "exportctl policy compiled natively (SDK types)",
    "regorus RVM, input pre-built",
    "regorus RVM, input built per call",
    "regorus interpreter, input pre-built",
    "Cedar, request pre-built",
    "Cedar, request built per call",
    "exportctl, reused sandbox (encode included)",
    "exportctl, fresh sandbox",
    "exportctl, reused, JSON parse + validate per call",
];
const REGO_PREBUILT: usize = 2;
const CEDAR_PREBUILT: usize = 5;
const EXPORTCTL_REUSED: usize = 7;

/// The rows of the floor table, in order. "wasmtime alone": a new store and
/// instance of the component, nothing called, then dropped.
const FLOOR_ROWS: [&str; 4] = [
    "wasmtime alone: instantiate the empty policy",
    "wasmtime alone: instantiate the reference rule",
    "exportctl, empty policy, reused sandbox (encode included)",
    "exportctl, empty policy, fresh sandbox",
];
const FLOOR_REUSED: usize = 2;

/// What the floor table times: the empty policy in a host, and both components
/// instantiated by wasmtime alone.
struct Floor {
    host: std::sync::Arc<exportctl::Host>,
    bare: [BareInstantiation; 2],
}

impl Floor {
    fn new() -> Result<Floor, BoxError> {
        Ok(Floor {
            host: floor_host()?,
            bare: [
                BareInstantiation::new(FLOOR_COMPONENT)?,
                BareInstantiation::new(REFERENCE_COMPONENT)?,
            ],
        })
    }

    /// One scenario through the rows of [`FLOOR_ROWS`]. The empty policy must
    /// allow every shipment, or it is not measuring the floor.
    fn rows(&self, scenario: &Scenario) -> Result<Vec<Stat>, BoxError> {
        let shipments: &[Shipment] = &scenario.shipments;
        let n = shipments.len();
        let mut stats = Vec::new();
        for bare in &self.bare {
            stats.push(time_per_item(REPS, n, || {
                for _ in shipments {
                    bare.instantiate()?;
                }
                Ok(())
            })?);
        }
        for mode in MODES {
            let mut worker = self.host.worker_with(mode);
            if let Some(s) = shipments
                .iter()
                .find(|s| worker.evaluate(s).outcome != exportctl_sdk::Outcome::Allow)
            {
                return Err(format!("the empty policy did not allow shipment {}", s.id).into());
            }
            stats.push(time_per_item(REPS, n, || {
                for s in shipments {
                    black_box(worker.evaluate(black_box(s)));
                }
                Ok(())
            })?);
        }
        Ok(stats)
    }
}

/// The best ratio any policy in the sandbox could reach: the peers' time over the
/// empty policy's, reused (a real policy adds its rules to that).
fn print_floor_ratios(scenarios: &[Scenario], reference: &[Vec<Stat>], floor: &[Vec<Stat>]) {
    println!(
        "\n  Ratios: peer µs on the reference rule / exportctl's empty policy µs, reused: the most any exportctl policy could reach"
    );
    let names: Vec<&str> = scenarios.iter().map(|s| s.name).collect();
    header(&names);
    for (label, peer) in [
        ("regorus RVM, input pre-built (goal ≥ 2×)", REGO_PREBUILT),
        ("Cedar, request pre-built (goal ≥ 3×)", CEDAR_PREBUILT),
    ] {
        let cells: Vec<String> = reference
            .iter()
            .zip(floor)
            .map(|(r, f)| table::ratio(r[peer], f[FLOOR_REUSED]))
            .collect();
        row(label, &cells);
    }
}

/// How often each kind of chpl-diversion finding occurs, so a reader sees which
/// parts of the rules the agreement check exercised.
fn finding_kinds(engines: &ChplEngines, scenarios: &[Scenario]) {
    for scenario in scenarios {
        let mut kinds: BTreeMap<(String, String), usize> = BTreeMap::new();
        for s in &scenario.views {
            for f in chpl::native(&engines.native, s).0 {
                *kinds.entry((f.rule, f.outcome)).or_default() += 1;
            }
        }
        let shown: Vec<String> = kinds
            .iter()
            .map(|((rule, outcome), n)| format!("{rule} {outcome} {n}"))
            .collect();
        println!(
            "  {}: findings by kind: {}",
            scenario.name,
            shown.join(", ")
        );
    }
}

/// The rows of the chpl-diversion table, in order.
const CHPL_ROWS: [&str; 8] = [
    "exportctl policy compiled natively (SDK types)",
    "regorus RVM, input pre-built",
    "regorus RVM, input built per call",
    "Cedar, requests pre-built (one per line)",
    "Cedar, requests built per call",
    "exportctl, reused sandbox (encode included)",
    "exportctl, fresh sandbox",
    "exportctl, reused, JSON parse + validate per call",
];
const CHPL_REGO_PREBUILT: usize = 1;
const CHPL_CEDAR_PREBUILT: usize = 3;
const CHPL_EXPORTCTL_REUSED: usize = 5;

/// A table: one column per scenario, one row per engine.
fn print_table(title: &str, scenarios: &[Scenario], rows: &[&str], stats: &[Vec<Stat>]) {
    section(title);
    let names: Vec<&str> = scenarios.iter().map(|s| s.name).collect();
    header(&names);
    for (i, name) in rows.iter().enumerate() {
        let cells: Vec<String> = stats.iter().map(|by_row| us(by_row[i])).collect();
        row(name, &cells);
    }
}

/// One scenario through every engine, in the order of [`ROWS`].
fn reference_rows(
    engines: &mut ReferenceEngines,
    scenario: &Scenario,
) -> Result<Vec<Stat>, BoxError> {
    let shipments: &[Shipment] = &scenario.shipments;
    let n = shipments.len();
    let mut stats = Vec::new();

    let plain: Vec<PlainShipment> = shipments.iter().map(PlainShipment::of).collect();
    let rule = &engines.plain;
    stats.push(time_per_item(REPS, n, || {
        for s in &plain {
            black_box(rule.denies(black_box(s)));
        }
        Ok(())
    })?);

    let native = &engines.native;
    stats.push(time_per_item(REPS, n, || {
        for s in &scenario.views {
            black_box(native_denies(native, black_box(s)));
        }
        Ok(())
    })?);

    let inputs: Vec<regorus::Value> = shipments.iter().map(RegoRule::input).collect();
    let rego = &mut engines.rego;
    stats.push(time_per_item(REPS, n, || {
        for input in &inputs {
            black_box(rego.vm(black_box(input))?);
        }
        Ok(())
    })?);
    stats.push(time_per_item(REPS, n, || {
        for s in shipments {
            black_box(rego.vm(&RegoRule::input(black_box(s)))?);
        }
        Ok(())
    })?);
    stats.push(time_per_item(REPS, n, || {
        for input in &inputs {
            black_box(rego.interpreter(black_box(input))?);
        }
        Ok(())
    })?);

    let cedar: &CedarRule = &engines.cedar;
    let requests = shipments
        .iter()
        .map(|s| cedar.request(s))
        .collect::<Result<Vec<_>, _>>()?;
    stats.push(time_per_item(REPS, n, || {
        for r in &requests {
            black_box(cedar.denies(black_box(r))?);
        }
        Ok(())
    })?);
    stats.push(time_per_item(REPS, n, || {
        for s in shipments {
            black_box(cedar.denies(&cedar.request(black_box(s))?)?);
        }
        Ok(())
    })?);

    for mode in MODES {
        let mut worker = engines.host.worker_with(mode);
        stats.push(time_per_item(REPS, n, || {
            for s in shipments {
                black_box(worker.evaluate(black_box(s)));
            }
            Ok(())
        })?);
    }
    let mut worker = engines.host.worker_with(InstanceMode::Reused);
    let limits = InputLimits::default();
    stats.push(time_per_item(REPS, n, || {
        for text in &scenario.documents {
            // As the service reads a request: in place, the shipment borrowing its text.
            let doc = read_json_object(black_box(text), "<peers>", &limits)?;
            let s = parse_shipment(&doc, None, &limits)?;
            black_box(worker.evaluate(&s));
        }
        Ok(())
    })?);
    Ok(stats)
}

/// The peers' time over exportctl's reused sandbox, per scenario (goals: regorus
/// RVM ≥ 2×, Cedar ≥ 3×), given the rows of regorus and Cedar with pre-built inputs.
fn print_ratios(
    scenarios: &[Scenario],
    stats: &[Vec<Stat>],
    [rego, cedar]: [usize; 2],
    exportctl: usize,
) {
    println!(
        "\n  Ratios: peer µs / exportctl reused-sandbox µs, at the medians (> 1: exportctl is faster)"
    );
    let names: Vec<&str> = scenarios.iter().map(|s| s.name).collect();
    header(&names);
    for (label, peer) in [
        ("regorus RVM, input pre-built (goal ≥ 2×)", rego),
        ("Cedar, request pre-built (goal ≥ 3×)", cedar),
    ] {
        let cells: Vec<String> = stats
            .iter()
            .map(|rows| table::ratio(rows[peer], rows[exportctl]))
            .collect();
        row(label, &cells);
    }
}

/// One scenario through every engine running the chpl-diversion decision, in the
/// order of [`CHPL_ROWS`].
fn chpl_rows(engines: &mut ChplEngines, scenario: &Scenario) -> Result<Vec<Stat>, BoxError> {
    let shipments: &[Shipment] = &scenario.shipments;
    let n = shipments.len();
    let mut stats = Vec::new();

    let native = &engines.native;
    stats.push(time_per_item(REPS, n, || {
        for s in &scenario.views {
            black_box(chpl::native(native, black_box(s)));
        }
        Ok(())
    })?);

    let inputs: Vec<regorus::Value> = shipments.iter().map(RegoChpl::input).collect();
    let rego = &mut engines.rego;
    stats.push(time_per_item(REPS, n, || {
        for input in &inputs {
            black_box(rego.decide(black_box(input))?);
        }
        Ok(())
    })?);
    stats.push(time_per_item(REPS, n, || {
        for s in shipments {
            black_box(rego.decide(&RegoChpl::input(black_box(s)))?);
        }
        Ok(())
    })?);

    let cedar = &engines.cedar;
    let requests = shipments
        .iter()
        .map(|s| cedar.requests(s))
        .collect::<Result<Vec<_>, _>>()?;
    stats.push(time_per_item(REPS, n, || {
        for r in &requests {
            black_box(cedar.decide(black_box(r))?);
        }
        Ok(())
    })?);
    stats.push(time_per_item(REPS, n, || {
        for s in shipments {
            black_box(cedar.decide(&cedar.requests(black_box(s))?)?);
        }
        Ok(())
    })?);

    for mode in MODES {
        let mut worker = engines.host.worker_with(mode);
        stats.push(time_per_item(REPS, n, || {
            for s in shipments {
                black_box(Decision::of_verdict(&worker.evaluate(black_box(s))));
            }
            Ok(())
        })?);
    }
    let mut worker = engines.host.worker_with(InstanceMode::Reused);
    let limits = InputLimits::default();
    stats.push(time_per_item(REPS, n, || {
        for text in &scenario.documents {
            let doc = read_json_object(black_box(text), "<peers>", &limits)?;
            let s = parse_shipment(&doc, None, &limits)?;
            black_box(Decision::of_verdict(&worker.evaluate(&s)));
        }
        Ok(())
    })?);
    Ok(stats)
}
