//! How fast the host judges shipments, and what the sandbox costs.
//!
//! Run with `cargo bench -p exportctl --bench evaluate` (release build). One run
//! prints every table of `BENCHMARKS.md`:
//!
//! 1. load + compile time of the bundled default policy set;
//! 2. a generated corpus (fixed seed) of HS-2022 shipments and the verdicts the
//!    default set gives it, so a reader sees which rules it exercises;
//! 3. shipments/s for the whole set, fresh and reused sandboxes, and as configured
//!    (each policy in its own instance mode);
//! 4. µs per shipment-policy evaluation for each policy, in both modes;
//! 5. the same policies compiled natively, and the wasm/native ratios;
//! 6. one 5-line shipment against one policy: the latency targets.
//!
//! Everything is timed on one thread, as that thread's CPU time, so other
//! processes on a small shared machine do not inflate the figures; the ratios
//! within one run are what the tables are for. Before timing, the benchmark
//! checks that the generated corpus is the recorded one (its sha256) and that
//! fresh, reused and native evaluation agree on every shipment.
//! Results and their analysis: `BENCHMARKS.md`.
//!
//! The modules follow the output: [`load`] (1), [`corpus`] with [`scenario`],
//! [`hs_codes`] and [`dates`] (2, the generated shipments), [`report`] (2, what
//! the default set makes of them, the checks, the summary), [`fuel`],
//! [`throughput`] (3 to 5), [`wire`] (the boundary), [`latency`] (6, on the
//! [`samples`]); [`policies`] holds each policy alone in wasm and natively,
//! [`timing`] how everything is measured and [`table`] how it is printed.

mod corpus;
mod dates;
mod fuel;
mod hs_codes;
mod latency;
mod load;
mod policies;
mod report;
mod samples;
mod scenario;
mod table;
mod throughput;
mod timing;
mod wire;

use corpus::{SEED, SHIPMENTS};
use exportctl::{Host, PolicySetConfig};
use exportctl_sdk::validated::Shipment;
use hs_codes::HsCodes;
use samples::Samples;
use scenario::Kind;
use std::time::Instant;
use table::section;
use timing::{REPS, thread_cpu_ns};

/// Any error ends the run with its message: a benchmark has no caller to
/// recover.
type BoxError = Box<dyn std::error::Error>;

/// Argument that runs only the single-shipment measurements (section 6), for a
/// quick comparison while changing the sandbox or the SDK.
const SINGLE_ONLY: &str = "--single";
/// Argument (`--policy ID`) that runs only sections 4/5 for the policy `ID`, over
/// the corpus: a quick before/after comparison while changing one policy.
const POLICY_ONLY: &str = "--policy";
/// Argument (`--write-corpus FILE`) that writes the checked corpus as JSON Lines
/// to `FILE` and stops, so a policy crate can replay it natively (a profiler
/// run on the policy alone).
const WRITE_CORPUS: &str = "--write-corpus";

/// The value following `flag` on the command line, if the flag is given.
fn argument(flag: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != flag);
    args.next()?;
    args.next()
}

fn main() -> Result<(), BoxError> {
    let started = Instant::now();
    let config = PolicySetConfig::bundled_default()?;
    if std::env::args().any(|a| a == load::MEASURE_LOAD) {
        return load::measure_load(&config);
    }
    let single_only = std::env::args().any(|a| a == SINGLE_ONLY);
    println!(
        "exportctl evaluation benchmark: one thread; times are CPU time of that thread, median [min] of {REPS} passes after a warm-up"
    );

    let policy_only = argument(POLICY_ONLY);
    let write_corpus = argument(WRITE_CORPUS);
    if !single_only && policy_only.is_none() && write_corpus.is_none() {
        load::table()?;
    }
    let mut policies = policies::each_alone(&config)?;
    if single_only {
        let samples = Samples::new()?;
        let codec = wire::sample_codec(&samples)?;
        return latency::single_shipment(&policies, &samples, &codec);
    }

    section(&format!(
        "2. Corpus: {SHIPMENTS} generated shipments (splitmix64, seed {SEED:#x}), HS 2022 subheadings"
    ));
    let hs_codes = HsCodes::load()?;
    let documents = corpus::generate(&hs_codes);
    corpus::check_digest(&documents)?;
    if let Some(path) = write_corpus {
        let mut lines = String::new();
        for (_, text) in &documents {
            lines.push_str(text);
            lines.push('\n');
        }
        std::fs::write(&path, lines).map_err(|e| format!("{path}: {e}"))?;
        println!("  corpus written to {path}");
        return Ok(());
    }
    let parse_start = thread_cpu_ns();
    let mut corpus = Vec::with_capacity(SHIPMENTS);
    for (_, text) in &documents {
        corpus.push(Shipment::from_json(text)?);
    }
    let kept_ns = (thread_cpu_ns() - parse_start) / SHIPMENTS as f64;
    // As the service reads a request: in place, nothing kept.
    let limits = exportctl_sdk::input::InputLimits::default();
    let in_place_start = thread_cpu_ns();
    for (_, text) in &documents {
        let doc = exportctl_sdk::input::read_json_object(text, "corpus", &limits)?;
        std::hint::black_box(exportctl_sdk::input::parse_shipment(&doc, None, &limits)?);
    }
    let parse_ns = (
        kept_ns,
        (thread_cpu_ns() - in_place_start) / SHIPMENTS as f64,
    );
    let kinds: Vec<Kind> = documents.iter().map(|(k, _)| *k).collect();
    if let Some(id) = policy_only {
        policies.retain(|p| p.id == id);
        if policies.is_empty() {
            return Err(format!("no policy `{id}` in the default set").into());
        }
        throughput::per_policy(&policies, &corpus, None)?;
        return Ok(());
    }
    let host = Host::load(&config)?;
    let report =
        report::corpus_report(&host, &policies, &corpus, &kinds, &hs_codes.chpl, parse_ns)?;
    fuel::headroom(&config, &corpus)?;
    fuel::per_line(&host, &policies, &corpus)?;

    let set = throughput::whole_set(&config, &host, &policies, &corpus)?;
    let per_policy = throughput::per_policy(&policies, &corpus, Some(&set))?;

    let samples = Samples::new()?;
    let codec = wire::boundary(&corpus, &samples)?;
    latency::single_shipment(&policies, &samples, &codec)?;

    section("Summary");
    report::summary(&report, &set, &per_policy);
    let (cpu, wall) = timing::cpu_and_wall_ns();
    println!(
        "\n  timed passes: {:.0} s CPU in {:.0} s wall ({:.0} % of the wall time on a CPU; the rest went to other processes)",
        cpu / 1e9,
        wall / 1e9,
        100.0 * cpu / wall
    );
    println!(
        "  total benchmark time {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
