//! How fast the host judges shipments, and what the sandbox costs.
//!
//! Run with `cargo bench -p exportctl --bench evaluate` (release build). One run
//! prints every table of `BENCHMARKS.md`:
//!
//! 1. load + compile time of the bundled default policy set;
//! 2. a generated corpus (fixed seed) of HS-2022 shipments and the verdicts the
//!    default set gives it, so a reader sees which rules it exercises;
//! 3. shipments/s for the whole set, fresh and reused sandboxes;
//! 4. µs per shipment-policy evaluation for each policy, in both modes;
//! 5. the same policies compiled natively, and the wasm/native ratios;
//! 6. one 5-line shipment against one policy: the latency targets.
//!
//! Everything is timed on one thread, as that thread's CPU time, so other
//! processes on a small shared machine do not inflate the figures; the ratios
//! within one run are what the tables are for. Before timing, the benchmark
//! checks that fresh, reused and native evaluation agree on every shipment.
//! Results and their analysis: `BENCHMARKS.md`.

use exportctl::{CodeCache, Host, InstanceMode, PluginSource, PolicySetConfig, Verdict};
use exportctl_sdk::{Finding, Outcome, Period, Policy, Shipment, configure};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

/// Seed of the corpus generator: the same corpus on every run and machine.
const SEED: u64 = 0x00E5_C0DE_2022_0001;
/// Shipments in the corpus.
const SHIPMENTS: usize = 10_000;
/// Repetitions of a timed pass (after one warm-up pass); the median is reported.
const REPS: usize = 5;
/// Host loads timed for the load table.
const LOAD_REPS: usize = 3;
/// CPU time one timed pass of a single-shipment measurement aims at (the
/// number of calls per pass is calibrated to it).
const PASS_NS: f64 = 20e6;

/// HS 2022 subheadings (section, code, description), from policies/data/hs/.
const HS_2022: &str = include_str!("../../policies/data/hs/hs2022_subheadings.csv");
/// The CHPL, version of 23 Feb 2024, from policies/data/chpl/.
const CHPL: &str = include_str!("../../policies/data/chpl/chpl_2024-02-23.csv");

fn main() -> Result<(), BoxError> {
    let started = Instant::now();
    let config = PolicySetConfig::bundled_default()?;
    if std::env::args().any(|a| a == MEASURE_LOAD) {
        return measure_load(&config);
    }
    let single_only = std::env::args().any(|a| a == SINGLE_ONLY);
    println!(
        "exportctl evaluation benchmark: one thread; times are CPU time of that thread, median [min] of {REPS} passes after a warm-up"
    );

    // ---- 1. Load ---------------------------------------------------------------------------
    if !single_only {
        section("1. Load + compile (Host::load; a new Host, engine and instance pool each time)");
        header(&["compile", "code cache hit"]);
        let compile = load_times(&[("EXPORTCTL_CACHE", "off")])?;
        let cache = tempfile::tempdir()?;
        let cached = load_times(&[("EXPORTCTL_CACHE_DIR", &cache.path().display().to_string())])?;
        for ((label, compile), (_, cached)) in compile.iter().zip(&cached) {
            row(label, &[ms(*compile), ms(*cached)]);
        }
    }
    let mut policies = Vec::new();
    for entry in &config.policies {
        let PluginSource::Bundled(name) = &entry.plugin else {
            return Err(
                "the default set names a plugin file; this benchmark expects bundled plugins"
                    .into(),
            );
        };
        let host = Host::load(&one_policy(&config, entry))?;
        let (id, in_force) = host
            .policies()
            .next()
            .map(|p| {
                (
                    p.plugin.metadata().id.clone(),
                    p.plugin.metadata().in_force(),
                )
            })
            .ok_or("a one-policy set loaded no policy")?;
        policies.push(OnePolicy {
            id,
            in_force,
            native: native_policy(name, &entry.settings_json)?,
            host,
        });
    }

    if single_only {
        let samples = Samples::new()?;
        let codec = sample_codec(&samples)?;
        return single_shipment(&policies, &samples, &codec);
    }

    // ---- 2. Corpus ---------------------------------------------------------------------------
    section(&format!(
        "2. Corpus: {SHIPMENTS} generated shipments (splitmix64, seed {SEED:#x}), HS 2022 subheadings"
    ));
    let data = Data::load()?;
    let mut generator = Generator {
        rng: SplitMix64(SEED),
        data: &data,
    };
    let documents: Vec<(Kind, String)> = (0..SHIPMENTS)
        .map(|i| {
            let (kind, doc) = generator.shipment(i);
            (kind, doc.to_string())
        })
        .collect();
    let parse_start = thread_cpu_ns();
    let mut corpus = Vec::with_capacity(SHIPMENTS);
    for (_, text) in &documents {
        corpus.push(Shipment::from_json(text)?);
    }
    let parse_ns = (thread_cpu_ns() - parse_start) / SHIPMENTS as f64;
    let kinds: Vec<Kind> = documents.iter().map(|(k, _)| *k).collect();
    let host = Host::load(&config)?;
    let report = corpus_report(&host, &policies, &corpus, &kinds, parse_ns)?;
    fuel_headroom(&config, &corpus)?;

    // ---- 3. Whole set --------------------------------------------------------------------------
    section(
        "3. Default set, whole corpus (Worker::evaluate: encode once, every policy in force, verdict)",
    );
    header(&["µs/shipment", "shipments/s"]);
    let mut set = Vec::new();
    for mode in [InstanceMode::Fresh, InstanceMode::Reused] {
        let stat = time_set(&host, mode, &corpus)?;
        row(
            &format!("wasm, {} instances", mode_name(mode)),
            &[us(stat), per_second(stat)],
        );
        set.push(stat);
    }
    let (set_fresh, set_reused) = (set[0], set[1]);
    let natives: Vec<(&OnePolicy, &NativePolicy)> = policies
        .iter()
        .filter_map(|p| p.native.as_ref().map(|n| (p, n)))
        .collect();
    let native_set = time_per_item(REPS, corpus.len(), || {
        for s in &corpus {
            for (p, native) in &natives {
                if p.in_force.contains(s.as_of) {
                    black_box(native(s));
                }
            }
        }
        Ok(())
    })?;
    row(
        "native, rules only",
        &[us(native_set), per_second(native_set)],
    );
    let native_set_wire = time_per_item(REPS, corpus.len(), || {
        for s in &corpus {
            let wire = s.to_wire()?;
            for (p, native) in &natives {
                if p.in_force.contains(s.as_of) {
                    black_box(native(&Shipment::from_wire(&wire)?));
                }
            }
        }
        Ok(())
    })?;
    row(
        "native, encode once + decode per policy + rules",
        &[us(native_set_wire), per_second(native_set_wire)],
    );
    // The wasm figures to compare with native: the same policies.
    let (cmp_fresh, cmp_reused) = if natives.len() == policies.len() {
        (set_fresh, set_reused)
    } else {
        let mut covered = config.clone();
        covered.policies.retain(|e| match &e.plugin {
            PluginSource::Bundled(name) => {
                native_policy(name, &e.settings_json).is_ok_and(|n| n.is_some())
            }
            PluginSource::File(_) => false,
        });
        let host = Host::load(&covered)?;
        let fresh = time_set(&host, InstanceMode::Fresh, &corpus)?;
        let reused = time_set(&host, InstanceMode::Reused, &corpus)?;
        row(
            "wasm, fresh, policies with a native build",
            &[us(fresh), per_second(fresh)],
        );
        row(
            "wasm, reused, policies with a native build",
            &[us(reused), per_second(reused)],
        );
        (fresh, reused)
    };

    // ---- 4./5. Per policy ------------------------------------------------------------------------
    section(
        "4./5. Per policy: µs per shipment-policy evaluation, over the shipments where it is in force",
    );
    header(&[
        "fresh",
        "reused",
        "native",
        "native+wire",
        "fresh/native",
        "reused/native",
    ]);
    let mut per_policy = Vec::new();
    for p in &policies {
        let subset: Vec<&Shipment> = corpus
            .iter()
            .filter(|s| p.in_force.contains(s.as_of))
            .collect();
        let fresh = time_subset(&p.host, InstanceMode::Fresh, &subset)?;
        let reused = time_subset(&p.host, InstanceMode::Reused, &subset)?;
        let label = format!("{} ({} shipments)", p.id, subset.len());
        let Some(native) = &p.native else {
            row(&label, &[us(fresh), us(reused), "no native".into()]);
            continue;
        };
        let native_rules = time_per_item(REPS, subset.len(), || {
            for &s in &subset {
                black_box(native(s));
            }
            Ok(())
        })?;
        let native_wire = time_per_item(REPS, subset.len(), || {
            for &s in &subset {
                black_box(native(&Shipment::from_wire(&s.to_wire()?)?));
            }
            Ok(())
        })?;
        row(
            &label,
            &[
                us(fresh),
                us(reused),
                us(native_rules),
                us(native_wire),
                ratio(fresh, native_rules),
                ratio(reused, native_rules),
            ],
        );
        per_policy.push((p.id.clone(), fresh, reused, native_rules, native_wire));
    }
    row(
        "default set, per shipment (from section 3)",
        &[
            us(cmp_fresh),
            us(cmp_reused),
            us(native_set),
            us(native_set_wire),
            ratio(cmp_fresh, native_set),
            ratio(cmp_reused, native_set),
        ],
    );
    println!(
        "  set against native + wire (the decode the guest does): fresh {}, reused {}",
        ratio(cmp_fresh, native_set_wire),
        ratio(cmp_reused, native_set_wire)
    );

    // ---- Boundary --------------------------------------------------------------------------------
    section(
        "Boundary: the shipment crosses as one postcard buffer (Shipment::to_wire), findings as WIT records",
    );
    let samples = Samples::new()?;
    let mut sizes: Vec<usize> = corpus
        .iter()
        .map(|s| s.to_wire().map(|w| w.len()))
        .collect::<Result<_, _>>()?;
    sizes.sort_unstable();
    let lines: usize = corpus.iter().map(|s| s.lines.len()).sum();
    println!(
        "  corpus wire size: median {} B, mean {} B, max {} B ({:.1} lines per shipment on average)",
        sizes[sizes.len() / 2],
        sizes.iter().sum::<usize>() / sizes.len(),
        sizes[sizes.len() - 1],
        lines as f64 / corpus.len() as f64,
    );
    header(&["wire bytes", "encode µs", "decode µs"]);
    let encode = time_per_item(REPS, corpus.len(), || {
        for s in &corpus {
            black_box(s.to_wire()?);
        }
        Ok(())
    })?;
    let wires: Vec<Vec<u8>> = corpus
        .iter()
        .map(Shipment::to_wire)
        .collect::<Result<_, _>>()?;
    let decode = time_per_item(REPS, corpus.len(), || {
        for w in &wires {
            black_box(Shipment::from_wire(w)?);
        }
        Ok(())
    })?;
    row(
        "corpus average (native)",
        &["".into(), us(encode), us(decode)],
    );
    let codec = sample_codec(&samples)?;

    single_shipment(&policies, &samples, &codec)?;

    section("Summary");
    summary(
        &report,
        &per_policy,
        (set_fresh, set_reused),
        (cmp_fresh, cmp_reused, native_set),
    );
    let (cpu, wall) = CONTENTION.with(|c| (c.cpu_ns.get(), c.wall_ns.get()));
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

/// Argument that runs only the single-shipment measurements (section 6), for a
/// quick comparison while changing the sandbox or the SDK.
const SINGLE_ONLY: &str = "--single";

/// Times encoding and decoding each sample shipment natively, printing a row each.
fn sample_codec(samples: &Samples) -> Result<Vec<(Stat, Stat)>, BoxError> {
    let mut codec = Vec::new();
    for (name, s) in samples.all() {
        let wire = s.to_wire()?;
        let encode = time_calls(|| {
            black_box(black_box(s).to_wire()?);
            Ok(())
        })?;
        let decode = time_calls(|| {
            black_box(Shipment::from_wire(black_box(&wire))?);
            Ok(())
        })?;
        row(
            &format!("{name} (native)"),
            &[wire.len().to_string(), us(encode), us(decode)],
        );
        codec.push((encode, decode));
    }
    Ok(codec)
}

/// Section 6: each sample shipment against each policy alone, fresh and reused,
/// with native figures and where the time goes.
fn single_shipment(
    policies: &[OnePolicy],
    samples: &Samples,
    codec: &[(Stat, Stat)],
) -> Result<(), BoxError> {
    // ---- 6. One shipment, one policy ---------------------------------------------------------------
    section(
        "6. One shipment, one policy: Worker::evaluate on a one-policy Host (targets: reused ≤ 1 µs, fresh ≤ 10 µs)",
    );
    header(&[
        "fresh",
        "reused",
        "native",
        "native+wire",
        "fresh/native",
        "reused/native",
    ]);
    let mut breakdown = Vec::new();
    for p in policies {
        for ((name, s), &(encode, decode)) in samples.all().into_iter().zip(codec) {
            let mut worker = p.host.worker_with(InstanceMode::Fresh);
            let fresh = time_calls(|| {
                black_box(worker.evaluate(black_box(s)));
                Ok(())
            })?;
            let mut worker = p.host.worker_with(InstanceMode::Reused);
            let reused = time_calls(|| {
                black_box(worker.evaluate(black_box(s)));
                Ok(())
            })?;
            let outcome = p.host.worker_with(InstanceMode::Reused).evaluate(s).outcome;
            let label = format!("{} × {name} → {outcome}", p.id);
            let Some(native) = &p.native else {
                row(&label, &[us(fresh), us(reused), "no native".into()]);
                continue;
            };
            let rules = time_calls(|| {
                black_box(native(black_box(s)));
                Ok(())
            })?;
            let with_wire = time_calls(|| {
                let wire = black_box(s).to_wire()?;
                black_box(native(&Shipment::from_wire(&wire)?));
                Ok(())
            })?;
            row(
                &label,
                &[
                    us(fresh),
                    us(reused),
                    us(rules),
                    us(with_wire),
                    ratio(fresh, rules),
                    ratio(reused, rules),
                ],
            );
            breakdown.push((label, [encode, decode, rules], reused, fresh));
        }
    }
    println!(
        "\n  Where the time goes (medians, µs): encode, decode and rules measured natively; the rest by difference"
    );
    header(&[
        "encode",
        "decode",
        "rules",
        "call+guest",
        "= reused",
        "instantiate",
        "= fresh",
    ]);
    for (label, [encode, decode, rules], reused, fresh) in &breakdown {
        let call = reused.median - encode.median - decode.median - rules.median;
        row(
            label,
            &[
                us_f(encode.median),
                us_f(decode.median),
                us_f(rules.median),
                us_f(call),
                us_f(reused.median),
                us_f(fresh.median - reused.median),
                us_f(fresh.median),
            ],
        );
    }
    Ok(())
}

/// Argument that makes the benchmark only time `Host::load` (in a child process,
/// so the code cache can be switched by environment).
const MEASURE_LOAD: &str = "--measure-load";

/// The default set with only `entry`.
fn one_policy(config: &PolicySetConfig, entry: &exportctl::PolicyEntry) -> PolicySetConfig {
    let mut one = config.clone();
    one.policies.retain(|p| p.plugin == entry.plugin);
    one
}

/// Times `Host::load` in a child process with `env`: the default set, then each
/// policy alone. With a code cache, one untimed load first fills it.
fn load_times(env: &[(&str, &str)]) -> Result<Vec<(String, Stat)>, BoxError> {
    let mut child = std::process::Command::new(std::env::current_exe()?);
    child.arg(MEASURE_LOAD).env_remove("EXPORTCTL_CACHE");
    for (key, value) in env {
        child.env(key, value);
    }
    let out = child.output()?;
    if !out.status.success() {
        return Err(format!(
            "load timing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    String::from_utf8(out.stdout)?
        .lines()
        .map(|line| {
            let mut f = line.split('\t');
            match (f.next(), f.next().map(str::parse), f.next().map(str::parse)) {
                (Some(label), Some(Ok(median)), Some(Ok(min))) => {
                    Ok((label.to_owned(), Stat { median, min }))
                }
                _ => Err(format!("unexpected load timing line {line:?}").into()),
            }
        })
        .collect()
}

/// The child side of [`load_times`].
fn measure_load(config: &PolicySetConfig) -> Result<(), BoxError> {
    let mut sets = vec![(
        format!("default set ({} policies)", config.policies.len()),
        config.clone(),
    )];
    for entry in &config.policies {
        if let PluginSource::Bundled(name) = &entry.plugin {
            sets.push((format!("{name} alone"), one_policy(config, entry)));
        }
    }
    let cached = CodeCache::from_env().is_some();
    let load = |set: &PolicySetConfig| {
        Host::builder(set.clone())
            .code_cache(CodeCache::from_env())
            .build()
    };
    for (label, set) in &sets {
        if cached {
            black_box(load(set)?);
        }
        let stat = time_each(LOAD_REPS, || {
            black_box(load(set)?);
            Ok(())
        })?;
        println!("{label}\t{}\t{}", stat.median, stat.min);
    }
    Ok(())
}

/// Evaluates the whole corpus with a worker of `host`; µs per shipment.
fn time_set(host: &Arc<Host>, mode: InstanceMode, corpus: &[Shipment]) -> Result<Stat, BoxError> {
    let mut worker = host.worker_with(mode);
    time_per_item(REPS, corpus.len(), || {
        for s in corpus {
            black_box(worker.evaluate(s));
        }
        Ok(())
    })
}

fn time_subset(
    host: &Arc<Host>,
    mode: InstanceMode,
    subset: &[&Shipment],
) -> Result<Stat, BoxError> {
    let mut worker = host.worker_with(mode);
    time_per_item(REPS, subset.len(), || {
        for &s in subset {
            black_box(worker.evaluate(s));
        }
        Ok(())
    })
}

// ---- Policies ------------------------------------------------------------------------------------

/// A policy of the default set: loaded alone in wasm, and built natively when
/// this benchmark knows its crate.
struct OnePolicy {
    id: String,
    in_force: Period,
    native: Option<NativePolicy>,
    host: Arc<Host>,
}

type NativePolicy = Box<dyn Fn(&Shipment) -> Vec<Finding>>;

/// Builds a bundled policy natively with its settings from the policy set, as the
/// plugin's `configure` does inside the sandbox. `None` for a plugin this benchmark
/// has no native build of (add its crate as a dev-dependency and a case here).
fn native_policy(name: &str, settings_json: &str) -> Result<Option<NativePolicy>, BoxError> {
    Ok(match name {
        "kz-export-control" => {
            let p = configure::<kz_export_control::KzExportControl>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "chpl-diversion" => {
            let p = configure::<chpl_diversion::ChplDiversion>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "eu-russia-belarus" => {
            let p = configure::<eu_russia_belarus::EuRussiaBelarus>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "eu-dual-use" => {
            let p = configure::<eu_dual_use::EuDualUse>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "us-ear" => {
            let p = configure::<us_ear::UsEar>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "company-rules" => {
            let p = configure::<company_rules::CompanyRules>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        "party-screening" => {
            let p = configure::<party_screening::PartyScreening>(settings_json)?;
            Some(Box::new(move |s: &Shipment| p.evaluate(s)))
        }
        _ => None,
    })
}

fn mode_name(mode: InstanceMode) -> &'static str {
    match mode {
        InstanceMode::Fresh => "fresh",
        InstanceMode::Reused => "reused",
    }
}

// ---- Corpus report -------------------------------------------------------------------

struct CorpusReport {
    allow_share: f64,
    rules_fired: usize,
}

/// Prints what the corpus holds and what the default set makes of it, and checks
/// that fresh, reused and native evaluation agree on every shipment.
fn corpus_report(
    host: &Arc<Host>,
    policies: &[OnePolicy],
    corpus: &[Shipment],
    kinds: &[Kind],
    parse_ns: f64,
) -> Result<CorpusReport, BoxError> {
    let lines: Vec<usize> = corpus.iter().map(|s| s.lines.len()).collect();
    println!(
        "  {} shipments, {} lines (1–20 per shipment, mean {:.1}); JSON parse + validate {:.1} µs/shipment",
        corpus.len(),
        lines.iter().sum::<usize>(),
        lines.iter().sum::<usize>() as f64 / corpus.len() as f64,
        parse_ns / 1e3
    );
    let count = |f: &dyn Fn(&Shipment) -> bool| corpus.iter().filter(|&s| f(s)).count();
    let chpl: Vec<String> = CHPL
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_owned))
        .collect();
    let years: BTreeMap<String, usize> = corpus.iter().fold(BTreeMap::new(), |mut m, s| {
        *m.entry(s.date.to_string()[..4].to_owned()).or_default() += 1;
        m
    });
    println!(
        "  with a CHPL line {}, a control code {} (military {}, dual-use {}), destination RU/BY {}, \
         end user or consignee in RU {}, via KZ {}, via RU/BY {}, citing a KZ licence {}",
        count(&|s: &Shipment| s
            .lines
            .iter()
            .any(|l| chpl.iter().any(|c| l.hs_code.matches(c)))),
        count(&|s: &Shipment| s.lines.iter().any(|l| !l.control_codes.is_empty())),
        count(&|s: &Shipment| s.lines.iter().any(|l| l.is_military())),
        count(&|s: &Shipment| s.lines.iter().any(|l| l.is_dual_use())),
        count(&|s: &Shipment| matches!(s.destination_country.as_str(), "RU" | "BY")),
        count(&|s: &Shipment| s.consignee.country.as_str() == "RU"
            || s.end_user().party.country.as_str() == "RU"),
        count(&|s: &Shipment| s.transit_countries.iter().any(|c| c.as_str() == "KZ")),
        count(&|s: &Shipment| s
            .transit_countries
            .iter()
            .any(|c| matches!(c.as_str(), "RU" | "BY"))),
        count(&|s: &Shipment| s.licences.iter().any(|l| l.jurisdiction == "KZ")),
    );
    println!(
        "  shipment dates by year: {}",
        years
            .iter()
            .map(|(y, n)| format!("{y} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut fresh = host.worker_with(InstanceMode::Fresh);
    let mut reused = host.worker_with(InstanceMode::Reused);
    let verdicts: Vec<Verdict> = corpus.iter().map(|s| reused.evaluate(s)).collect();
    let fresh_same = corpus
        .iter()
        .zip(&verdicts)
        .filter(|(s, v)| fresh.evaluate(s) == **v)
        .count();
    let mut native_same = 0;
    let mut evaluations = 0;
    for (s, v) in corpus.iter().zip(&verdicts) {
        for p in policies.iter().filter(|p| p.in_force.contains(s.as_of)) {
            let Some(native) = &p.native else { continue };
            evaluations += 1;
            // The SDK bounds every finding leaving the sandbox; the native call does too.
            let native: Vec<_> = native(s)
                .into_iter()
                .map(Finding::within_host_limits)
                .map(|f| (f.rule, f.outcome, f.lines, f.parties, f.message))
                .collect();
            let wasm: Vec<_> = v
                .findings
                .iter()
                .filter(|f| *f.policy == *p.id)
                .map(|f| {
                    (
                        f.rule.clone(),
                        f.outcome,
                        f.lines.clone(),
                        f.parties.clone(),
                        f.message.clone(),
                    )
                })
                .collect();
            if native == wasm {
                native_same += 1;
            } else if native_same + 3 > evaluations {
                // The first disagreements, so a failing check says where to look.
                eprintln!(
                    "  {} on {}: native {native:?}\n    wasm {wasm:?}",
                    p.id, s.id
                );
            }
        }
    }

    let outcomes = [
        Outcome::Allow,
        Outcome::Review,
        Outcome::LicenceRequired,
        Outcome::Deny,
    ];
    let tally = |f: &dyn Fn(&Verdict) -> Outcome, of: &dyn Fn(usize) -> bool| -> Vec<String> {
        outcomes
            .iter()
            .map(|o| {
                verdicts
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| of(*i) && f(v) == *o)
                    .count()
                    .to_string()
            })
            .collect()
    };
    println!("\n  Verdicts of the default set, by generated scenario:");
    header(&["shipments", "allow", "review", "licence_req", "deny"]);
    for kind in Kind::ALL {
        let n = kinds.iter().filter(|k| **k == kind).count();
        let cols: Vec<String> = std::iter::once(n.to_string())
            .chain(tally(&|v: &Verdict| v.outcome, &|i: usize| {
                kinds[i] == kind
            }))
            .collect();
        row(kind.label(), &cols);
    }
    let all: Vec<String> = std::iter::once(corpus.len().to_string())
        .chain(tally(&|v: &Verdict| v.outcome, &|_: usize| true))
        .collect();
    row("all shipments (verdict)", &all);
    for p in policies {
        let id = p.id.as_str();
        let in_force = corpus
            .iter()
            .filter(|s| p.in_force.contains(s.as_of))
            .count();
        let worst = |v: &Verdict| {
            v.policies
                .iter()
                .find(|r| &*r.id == id)
                .map_or(Outcome::Allow, |r| r.outcome)
        };
        let cols: Vec<String> = std::iter::once(format!("{in_force} in force"))
            .chain(tally(&worst, &|_: usize| true))
            .collect();
        row(&format!("  {id} (its own outcome)"), &cols);
    }

    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &verdicts {
        for f in &v.findings {
            *rules.entry(f.rule.as_str()).or_default() += 1;
        }
    }
    println!("\n  Findings by rule (shipments):");
    for (rule, n) in &rules {
        println!("    {rule:<40}{n:>8}");
    }
    let errors = rules
        .get(exportctl::POLICY_ERROR_RULE)
        .copied()
        .unwrap_or(0);
    println!(
        "\n  checks: fresh and reused verdicts identical {fresh_same}/{}; native and wasm findings identical \
         {native_same}/{evaluations} shipment-policy pairs; policy errors {errors}",
        corpus.len()
    );
    if fresh_same != corpus.len() || native_same != evaluations || errors != 0 {
        return Err("fresh, reused and native evaluation disagree: the timings below would compare different work".into());
    }
    let allow = verdicts
        .iter()
        .filter(|v| v.outcome == Outcome::Allow)
        .count();
    Ok(CorpusReport {
        allow_share: allow as f64 / corpus.len() as f64,
        rules_fired: rules.len(),
    })
}

/// Per policy: id, fresh, reused, native rules, native + wire.
type PolicyTimes = (String, Stat, Stat, Stat, Stat);

/// Fuel budgets each policy finishes every corpus shipment within, against the
/// default budget ([`exportctl::Limits::DEFAULT_FUEL`]): a policy that needs a
/// large share of it would make the limit a source of spurious failures.
fn fuel_headroom(config: &PolicySetConfig, corpus: &[Shipment]) -> Result<(), BoxError> {
    const BUDGETS: [u64; 4] = [10_000_000, 1_000_000, 300_000, 100_000];
    // Policy id → failures at each budget, in set order.
    let mut failures: Vec<(String, Vec<usize>)> = Vec::new();
    for budget in BUDGETS {
        let mut tight = config.clone();
        for entry in &mut tight.policies {
            entry.limits.fuel = budget;
        }
        // Loading checks every policy's settings within the budget too.
        let Ok(host) = Host::load(&tight) else {
            for (_, counts) in &mut failures {
                counts.push(usize::MAX);
            }
            continue;
        };
        let mut worker = host.worker_with(InstanceMode::Reused);
        let mut failed: Vec<(String, usize)> = host
            .policies()
            .map(|p| (p.plugin.metadata().id.clone(), 0))
            .collect();
        for s in corpus {
            for (report, (_, n)) in worker.evaluate(s).policies.iter().zip(&mut failed) {
                *n += usize::from(report.error.is_some());
            }
        }
        for (id, n) in failed {
            match failures.iter_mut().find(|(known, _)| *known == id) {
                Some((_, counts)) => counts.push(n),
                None => failures.push((id, vec![n])),
            }
        }
    }
    let budgets: Vec<String> = BUDGETS.iter().map(|b| format!("fuel {b}")).collect();
    println!(
        "\n  Fuel headroom: shipments a policy could not finish within a budget (default budget {}):",
        exportctl::Limits::DEFAULT_FUEL
    );
    header(&budgets.iter().map(String::as_str).collect::<Vec<_>>());
    for (id, counts) in &failures {
        let cells: Vec<String> = counts
            .iter()
            .map(|&n| {
                if n == usize::MAX {
                    "no load".to_owned()
                } else {
                    n.to_string()
                }
            })
            .collect();
        row(id, &cells);
    }
    Ok(())
}

fn summary(
    report: &CorpusReport,
    per_policy: &[PolicyTimes],
    (fresh, reused): (Stat, Stat),
    (cmp_fresh, cmp_reused, native): (Stat, Stat, Stat),
) {
    println!(
        "  corpus: {:.0} % of shipments allowed, {} distinct rules fired",
        report.allow_share * 100.0,
        report.rules_fired
    );
    println!(
        "  default set: {} shipments/s fresh, {} shipments/s reused (reused is {} faster)",
        per_second(fresh),
        per_second(reused),
        ratio(fresh, reused),
    );
    println!(
        "  wasm/native for the set: fresh {}, reused {} (target ≤ 3×)",
        ratio(cmp_fresh, native),
        ratio(cmp_reused, native)
    );
    for (id, fresh, reused, native, native_wire) in per_policy {
        println!(
            "  {id}: instantiation (fresh − reused) {} µs; wire encode + decode (native) {} µs; call + guest overhead (reused − native+wire) {} µs",
            us_f(fresh.median - reused.median),
            us_f(native_wire.median - native.median),
            us_f(reused.median - native_wire.median)
        );
    }
}

// ---- Timing ----------------------------------------------------------------------------

/// Nanoseconds per item: median and minimum over the repetitions.
#[derive(Debug, Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
}

/// Runs `pass` once to warm up, then `reps` times, each over `items` items, and
/// reports the CPU time of this thread per item. Everything timed this way runs
/// on this one thread, so its CPU time is the work done, whatever else the
/// machine runs meanwhile (kernel time on its behalf, such as page faults and
/// `madvise`, included); wall time is kept for [`Contention`].
fn time_per_item(
    reps: usize,
    items: usize,
    mut pass: impl FnMut() -> Result<(), BoxError>,
) -> Result<Stat, BoxError> {
    pass()?;
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let (cpu, wall) = (thread_cpu_ns(), Instant::now());
        pass()?;
        let cpu = thread_cpu_ns() - cpu;
        CONTENTION.with(|c| c.add(cpu, wall.elapsed().as_secs_f64() * 1e9));
        samples.push(cpu / items.max(1) as f64);
    }
    samples.sort_by(f64::total_cmp);
    Ok(Stat {
        median: samples[samples.len() / 2],
        min: samples[0],
    })
}

/// Times one call repeated: calibrates the calls per pass to [`PASS_NS`], then
/// [`time_per_item`] over that many calls.
fn time_calls(mut call: impl FnMut() -> Result<(), BoxError>) -> Result<Stat, BoxError> {
    const PROBE: usize = 20;
    let start = thread_cpu_ns();
    for _ in 0..PROBE {
        call()?;
    }
    let per_call = ((thread_cpu_ns() - start) / PROBE as f64).max(1.0);
    let calls = ((PASS_NS / per_call) as usize).clamp(100, 200_000);
    time_per_item(REPS, calls, || {
        for _ in 0..calls {
            call()?;
        }
        Ok(())
    })
}

/// CPU time consumed by the calling thread, in nanoseconds.
fn thread_cpu_ns() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant.
    #[expect(
        unsafe_code,
        reason = "clock_gettime is the only precise per-thread CPU clock"
    )]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    if rc == 0 {
        t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
    } else {
        f64::NAN
    }
}

/// CPU and wall time of every timed pass: how much of the wall time this thread
/// actually ran (other processes on a small machine take the rest).
#[derive(Default)]
struct Contention {
    cpu_ns: std::cell::Cell<f64>,
    wall_ns: std::cell::Cell<f64>,
}

impl Contention {
    fn add(&self, cpu: f64, wall: f64) {
        self.cpu_ns.set(self.cpu_ns.get() + cpu);
        self.wall_ns.set(self.wall_ns.get() + wall);
    }
}

thread_local! {
    static CONTENTION: Contention = Contention::default();
}

/// Times `run` `reps` times with no warm-up (each run is its own cold start), in
/// wall time: loading compiles on several threads.
fn time_each(reps: usize, mut run: impl FnMut() -> Result<(), BoxError>) -> Result<Stat, BoxError> {
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        run()?;
        samples.push(per_item(start, 1));
    }
    samples.sort_by(f64::total_cmp);
    Ok(Stat {
        median: samples[samples.len() / 2],
        min: samples[0],
    })
}

fn per_item(start: Instant, items: usize) -> f64 {
    start.elapsed().as_secs_f64() * 1e9 / items as f64
}

// ---- Printing ----------------------------------------------------------------------------

const LABEL: usize = 56;
const COLUMN: usize = 16;

fn section(title: &str) {
    println!("\n## {title}");
}

fn header(columns: &[&str]) {
    let cols: String = columns.iter().map(|c| format!("{c:>COLUMN$}")).collect();
    println!("  {:<LABEL$}{cols}", "");
}

fn row(label: &str, columns: &[String]) {
    let cols: String = columns.iter().map(|c| format!("{c:>COLUMN$}")).collect();
    let pad = LABEL.saturating_sub(label.chars().count());
    println!("  {label}{:pad$}{cols}", "");
}

fn us_f(ns: f64) -> String {
    let us = ns / 1e3;
    if us.abs() < 1.0 {
        format!("{us:.3}")
    } else if us.abs() < 10.0 {
        format!("{us:.2}")
    } else if us.abs() < 100.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.0}")
    }
}

fn us(stat: Stat) -> String {
    format!("{} [{}]", us_f(stat.median), us_f(stat.min))
}

fn ms(stat: Stat) -> String {
    format!("{:.1} ms [{:.1}]", stat.median / 1e6, stat.min / 1e6)
}

fn per_second(stat: Stat) -> String {
    format!("{:.0}", 1e9 / stat.median)
}

fn ratio(a: Stat, b: Stat) -> String {
    format!("{:.1}×", a.median / b.median)
}

// ---- Sample shipments ----------------------------------------------------------------------

/// Hand-written shipments for the single-shipment tables.
struct Samples {
    clean: Shipment<'static>,
    flagged: Shipment<'static>,
    trivial: Shipment<'static>,
}

impl Samples {
    fn new() -> Result<Samples, BoxError> {
        let line = |n: u32, hs: &str, description: &str, codes: &[&str], amount: &str| {
            json!({ "line": n, "description": description, "hs_code": hs, "control_codes": codes,
                    "origin_country": "DE", "quantity": 10 * n, "unit": "pcs",
                    "value": { "amount": amount, "currency": "EUR" } })
        };
        // Five ordinary lines from Germany to Almaty by rail across Belarus and Russia.
        let clean = json!({
            "id": "SO-2024-10432", "date": "2024-09-12",
            "exporter": { "name": "Rhein Maschinenbau GmbH", "country": "DE", "ids": { "vat": "DE811203344" } },
            "consignee": { "name": "Almaty Stroy Komplekt TOO", "country": "KZ", "address": "Al-Farabi 77, Almaty",
                           "registration_date": "2009-04-17", "ids": { "bin": "090440012345" } },
            "origin_country": "DE", "destination_country": "KZ", "transit_countries": ["PL", "BY", "RU"],
            "transport_mode": "rail", "contract": { "reference": "C-2024-311", "no_russia_clause": true },
            "lines": [
                line(1, "8481.80", "Ball valves, stainless steel, DN50", &[], "1840.00"),
                line(2, "8413.70", "Centrifugal pump, 7.5 kW", &[], "5120.00"),
                line(3, "7307.22", "Threaded elbows, steel", &[], "312.40"),
                line(4, "4016.93", "Gaskets, vulcanised rubber", &[], "96.10"),
                line(5, "9026.20", "Pressure transmitter, 0–16 bar", &["EAR99"], "2230.00")
            ]
        });
        // Five electronics lines, Kazakh exporter, Russian consignee, 2024: CHPL
        // items and dual-use goods to Russia.
        let flagged = json!({
            "id": "SO-2024-20877", "date": "2024-06-03",
            "exporter": { "name": "Steppe Electronics Trade TOO", "country": "KZ", "registration_date": "2022-06-01" },
            "consignee": { "name": "OOO Uralpribor", "country": "RU", "address": "Yekaterinburg" },
            "other_parties": [ { "role": "payer", "name": "Gulf Star General Trading LLC", "country": "AE" } ],
            "origin_country": "KZ", "destination_country": "RU", "transport_mode": "road",
            "contract": { "reference": "KZ-77/24", "no_russia_clause": false },
            "lines": [
                line(1, "8542.31.90", "ARM Cortex-M4 microcontroller", &["3A991.a"], "4250.00"),
                line(2, "8517.62", "Industrial router with VPN", &["5A002.a"], "7300.00"),
                line(3, "8526.91", "GNSS receiver module", &[], "2100.00"),
                line(4, "8504.40", "DC-DC converter modules", &[], "880.00"),
                line(5, "3926.90", "Plastic enclosures", &[], "120.00")
            ]
        });
        // One line of furniture: next to nothing to check, so mostly the cost of the call.
        let trivial = json!({
            "id": "SO-2024-00001", "date": "2024-05-10",
            "exporter": { "name": "Rhein Moebel GmbH", "country": "DE" },
            "consignee": { "name": "Astana Interiors TOO", "country": "KZ" },
            "origin_country": "DE", "destination_country": "KZ",
            "lines": [ line(1, "9403.60", "Wooden office furniture", &[], "900.00") ]
        });
        Ok(Samples {
            clean: Shipment::from_json(&clean.to_string())?,
            flagged: Shipment::from_json(&flagged.to_string())?,
            trivial: Shipment::from_json(&trivial.to_string())?,
        })
    }

    fn all(&self) -> [(&'static str, &Shipment<'static>); 3] {
        [
            ("5 lines DE→KZ machinery", &self.clean),
            ("5 lines KZ→RU electronics", &self.flagged),
            ("1 line DE→KZ furniture", &self.trivial),
        ]
    }
}

// ---- Corpus generator -----------------------------------------------------------------------

/// splitmix64: a tiny, fixed-output PRNG (Steele, Lea, Flood 2014).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, usize)]) -> &'a T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut n = self.below(total);
        for (item, w) in items {
            if n < *w {
                return item;
            }
            n -= w;
        }
        &items[items.len() - 1].0
    }
}

/// The HS data the generator draws from.
struct Data {
    /// (section, 6-digit code, description) of every HS 2022 subheading.
    subheadings: Vec<(String, String, String)>,
    /// Indices into `subheadings` by section.
    by_section: BTreeMap<String, Vec<usize>>,
    /// CHPL codes with their HS 2022 description.
    chpl: Vec<(String, String)>,
}

impl Data {
    fn load() -> Result<Data, BoxError> {
        let mut subheadings = Vec::new();
        let mut by_section: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for line in HS_2022.lines().skip(1) {
            let [section, code, description] = <[String; 3]>::try_from(csv_fields(line))
                .map_err(|f| format!("hs2022_subheadings.csv: bad row {f:?}"))?;
            by_section
                .entry(section.clone())
                .or_default()
                .push(subheadings.len());
            subheadings.push((section, code, description));
        }
        let chpl = CHPL
            .lines()
            .skip(1)
            .map(|line| {
                let f = csv_fields(line);
                match (f.get(1), f.get(2)) {
                    (Some(code), Some(description)) => Ok((code.clone(), description.clone())),
                    _ => Err(format!("chpl csv: bad row {line:?}")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if subheadings.len() < 5000 || chpl.len() != 50 {
            return Err("HS or CHPL data incomplete".into());
        }
        Ok(Data {
            subheadings,
            by_section,
            chpl,
        })
    }
}

/// Splits one CSV record (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// What a generated shipment is meant to be; the policies decide what it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ordinary,
    ChplThirdCountry,
    ChplRussia,
    KzDualUseExport,
    KzMilitaryExport,
    KzTransit,
    KzRussia,
    MilitaryEndUse,
    EuRussia,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Ordinary,
        Kind::ChplThirdCountry,
        Kind::ChplRussia,
        Kind::KzDualUseExport,
        Kind::KzMilitaryExport,
        Kind::KzTransit,
        Kind::KzRussia,
        Kind::MilitaryEndUse,
        Kind::EuRussia,
    ];

    /// Shares per thousand shipments.
    const WEIGHTS: [(Kind, usize); 9] = [
        (Kind::Ordinary, 630),
        (Kind::ChplThirdCountry, 120),
        (Kind::ChplRussia, 35),
        (Kind::KzDualUseExport, 60),
        (Kind::KzMilitaryExport, 20),
        (Kind::KzTransit, 55),
        (Kind::KzRussia, 45),
        (Kind::MilitaryEndUse, 15),
        (Kind::EuRussia, 20),
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Ordinary => "ordinary goods, any route",
            Kind::ChplThirdCountry => "CHPL items to a transshipment country",
            Kind::ChplRussia => "CHPL items to/for Russia or Belarus",
            Kind::KzDualUseExport => "dual-use export from KZ",
            Kind::KzMilitaryExport => "military export from KZ",
            Kind::KzTransit => "controlled goods in transit via KZ",
            Kind::KzRussia => "controlled goods KZ → Russia",
            Kind::MilitaryEndUse => "declared military end use, from KZ",
            Kind::EuRussia => "EU exporter, goods to Russia/Belarus",
        }
    }
}

/// Dual-use items: HS code, description, control codes.
const DUAL_USE: &[(&str, &str, &[&str])] = &[
    (
        "8542.31",
        "ARM Cortex-M4 microcontroller, 168 MHz",
        &["3A991.a"],
    ),
    (
        "8542.31",
        "Radiation-hardened microcontroller",
        &["3A001.a.2"],
    ),
    ("8542.39", "FPGA, 200k logic cells", &["3A991.d"]),
    (
        "8517.62",
        "Industrial router with VPN encryption",
        &["5A002.a"],
    ),
    ("8517.62", "Wi-Fi access point, mass market", &["5A992.c"]),
    ("8471.50", "Rugged server processing unit", &["4A994.b"]),
    ("8526.91", "GNSS receiver module, anti-jam", &["7A994"]),
    (
        "8525.89",
        "Uncooled thermal imaging camera core",
        &["6A003.b.4.b"],
    ),
    ("9013.80", "Laser rangefinder module", &["6A995"]),
    (
        "8457.10",
        "5-axis vertical machining centre",
        &["2B001.b.2"],
    ),
    ("8479.89", "Hot isostatic press", &["2B004"]),
    ("2930.90", "Thiodiglycol, 99 %", &["1C350.d"]),
    ("8411.11", "Small turbojet engine, 0.9 kN", &["9A101.a"]),
    ("9030.20", "Digital oscilloscope, 6 GHz", &["3A992.a"]),
    (
        "8806.92",
        "Quadcopter, beyond-line-of-sight, 2 kg",
        &["9A012"],
    ),
    (
        "8504.40",
        "Converter module, high-reliability",
        &["3A991.p"],
    ),
];

/// Military items: HS code, description, control codes.
const MILITARY: &[(&str, &str, &[&str])] = &[
    (
        "8806.23",
        "Unmanned combat aerial vehicle, MTOW 18 kg",
        &["ML10"],
    ),
    (
        "6307.90",
        "Ballistic protection plates, class 5",
        &["ML13.d"],
    ),
    ("9306.30", "Cartridges 7.62x39 mm", &["ML3"]),
    (
        "8710.00",
        "Armoured personnel carrier hull, spare",
        &["ML6"],
    ),
    ("8526.10", "Fire-control radar", &["ML5"]),
    ("9013.10", "Telescopic weapon sight", &["0A504.a"]),
    ("8807.30", "Wing assembly for military UAV", &["9A610.x"]),
];

/// HS sections of ordinary goods, weighted roughly like trade in manufactures.
const SECTIONS: &[(&str, usize)] = &[
    ("XVI", 26),
    ("VI", 9),
    ("XV", 9),
    ("XVII", 7),
    ("VII", 7),
    ("XI", 7),
    ("XVIII", 6),
    ("XX", 5),
    ("IV", 5),
    ("V", 3),
    ("X", 3),
    ("XIII", 3),
    ("IX", 2),
    ("XII", 2),
    ("II", 2),
    ("I", 1),
    ("III", 1),
    ("VIII", 1),
    ("XIV", 1),
];

const EXPORTERS: &[(&str, usize)] = &[
    ("DE", 12),
    ("CN", 10),
    ("US", 7),
    ("KZ", 8),
    ("IT", 4),
    ("FR", 4),
    ("NL", 3),
    ("PL", 3),
    ("JP", 3),
    ("KR", 3),
    ("TR", 3),
    ("GB", 2),
    ("CZ", 2),
    ("AT", 2),
    ("TW", 2),
];

const DESTINATIONS: &[(&str, usize)] = &[
    ("KZ", 14),
    ("DE", 8),
    ("US", 6),
    ("CN", 5),
    ("KG", 5),
    ("UZ", 4),
    ("TR", 4),
    ("AE", 4),
    ("AM", 3),
    ("FR", 3),
    ("NL", 3),
    ("PL", 3),
    ("GB", 2),
    ("GE", 2),
    ("IN", 2),
    ("JP", 2),
    ("BR", 1),
    ("AZ", 1),
];

/// Countries of the FinCEN/BIS transshipment alert the corpus sends CHPL goods to.
const RISK_DESTINATIONS: &[(&str, usize)] = &[
    ("KZ", 6),
    ("KG", 4),
    ("AM", 4),
    ("AE", 4),
    ("TR", 4),
    ("GE", 2),
    ("UZ", 2),
    ("CN", 2),
    ("IN", 1),
    ("RS", 1),
];

struct Generator<'d> {
    rng: SplitMix64,
    data: &'d Data,
}

impl Generator<'_> {
    /// One shipment document, as an ERP would send it.
    fn shipment(&mut self, index: usize) -> (Kind, Value) {
        let kind = *self.rng.weighted(&Kind::WEIGHTS);
        let mut date = self.date(DAY_2022_01_01, DAY_2025_12_31);
        let mut transit: Vec<&str> = Vec::new();
        let mut end_user = None;
        let mut other_parties = Vec::new();
        let mut licences = Vec::new();
        let mut military_end_use = false;
        let count = self.line_count();
        // Each line: HS code, description, control codes.
        let mut goods: Vec<(String, String, Vec<&str>)> = Vec::new();

        let (origin, destination) = match kind {
            Kind::Ordinary => {
                let origin = *self.rng.weighted(EXPORTERS);
                let destination = self.other_than(DESTINATIONS, origin);
                if self.rng.chance(15) {
                    let via = [("PL", 3), ("LT", 1), ("GE", 2), ("TR", 1), ("KZ", 2)];
                    let via = self.other_than(&via, destination);
                    if via != origin {
                        transit.push(via);
                    }
                }
                let chpl_line = self.rng.chance(6);
                for i in 0..count {
                    goods.push(if chpl_line && i == 0 {
                        self.chpl_goods()
                    } else {
                        self.ordinary_goods()
                    });
                }
                (origin, destination)
            }
            Kind::ChplThirdCountry => {
                let origin = *self.rng.pick(&[
                    "DE", "DE", "US", "JP", "NL", "FR", "IT", "PL", "CZ", "KR", "TW", "GB",
                ]);
                let destination = *self.rng.weighted(RISK_DESTINATIONS);
                if self.rng.chance(8) {
                    transit.extend(["PL", "BY", "RU"]);
                }
                if self.rng.chance(10) {
                    // The forwarder named as end user: a red flag.
                    let forwarder = self.party(destination, Some("Logistics"), date);
                    let mut listed = forwarder.clone();
                    listed["role"] = json!("freight_forwarder");
                    other_parties.push(listed);
                    end_user = Some(forwarder);
                }
                if self.rng.chance(10) {
                    let payer = *self.rng.pick(&["AE", "HK", "TR", "CY"]);
                    other_parties.push(self.role("payer", payer, date));
                }
                let chpl = 1 + self.rng.below(4);
                self.mixed_goods(&mut goods, count, chpl, false);
                (origin, destination)
            }
            Kind::ChplRussia => {
                let origin = *self
                    .rng
                    .pick(&["DE", "US", "CN", "CN", "KZ", "KG", "AM", "TR", "AE"]);
                let destination = if self.rng.chance(40) {
                    *self.rng.pick(&["RU", "RU", "BY"])
                } else {
                    end_user = Some(self.party("RU", None, date));
                    *self.rng.pick(&["KZ", "KG", "AM", "AE", "TR"])
                };
                let chpl = 1 + self.rng.below(5);
                let dual_use = self.rng.chance(30);
                self.mixed_goods(&mut goods, count, chpl, dual_use);
                (origin, destination)
            }
            Kind::KzDualUseExport => {
                let destination = *self
                    .rng
                    .pick(&["KG", "AM", "UZ", "CN", "TR", "AE", "DE", "GE", "TJ", "AZ"]);
                let controlled = self.controlled_goods(&mut goods, count, DUAL_USE);
                self.kz_licence(&mut licences, &controlled, date, 55);
                ("KZ", destination)
            }
            Kind::KzMilitaryExport => {
                if self.rng.chance(40) {
                    date = self.date(DAY_2022_08_27, DAY_2023_08_31);
                }
                let destination = *self.rng.pick(&["AM", "KG", "UZ", "AE", "TJ", "IN"]);
                let controlled = self.controlled_goods(&mut goods, count, MILITARY);
                self.kz_licence(&mut licences, &controlled, date, 45);
                ("KZ", destination)
            }
            Kind::KzTransit => {
                let origin = *self
                    .rng
                    .pick(&["CN", "CN", "CN", "DE", "KR", "TR", "JP", "US"]);
                match origin {
                    "DE" => transit.extend(["PL", "BY", "RU", "KZ"]),
                    "TR" => transit.extend(["GE", "AZ", "KZ"]),
                    _ => transit.push("KZ"),
                }
                let destination = *self.rng.pick(&["KG", "UZ", "TJ", "TM"]);
                let table = if self.rng.chance(15) {
                    MILITARY
                } else {
                    DUAL_USE
                };
                let controlled = self.controlled_goods(&mut goods, count, table);
                self.kz_licence(&mut licences, &controlled, date, 40);
                (origin, destination)
            }
            Kind::KzRussia => {
                let table = if self.rng.chance(20) {
                    MILITARY
                } else {
                    DUAL_USE
                };
                let controlled = self.controlled_goods(&mut goods, count, table);
                self.kz_licence(&mut licences, &controlled, date, 20);
                match self.rng.below(3) {
                    0 => ("KZ", "RU"),
                    1 => {
                        transit.push("KZ");
                        (*self.rng.pick(&["CN", "KG", "UZ"]), "RU")
                    }
                    _ => {
                        end_user = Some(self.party("RU", None, date));
                        (*self.rng.pick(&["DE", "CN", "US"]), "KZ")
                    }
                }
            }
            Kind::MilitaryEndUse => {
                military_end_use = true;
                for _ in 0..count {
                    goods.push(self.ordinary_goods());
                }
                ("KZ", *self.rng.pick(&["AM", "KG", "UZ", "RU", "AE"]))
            }
            Kind::EuRussia => {
                // Mostly goods the sanctions leave alone (food, pharma), some not.
                let chpl = usize::from(self.rng.chance(25));
                let dual_use = self.rng.chance(15);
                self.mixed_goods(&mut goods, count, chpl, dual_use);
                (
                    *self.rng.pick(&["DE", "IT", "FR", "NL", "PL", "AT", "CZ"]),
                    *self.rng.pick(&["RU", "RU", "BY"]),
                )
            }
        };

        let consignee_country = if destination != "RU" && self.rng.chance(3) {
            // An intermediate consignee abroad, the goods going on.
            *self.rng.pick(&["AE", "TR", "KZ"])
        } else {
            destination
        };
        let young =
            matches!(kind, Kind::ChplThirdCountry | Kind::ChplRussia) && self.rng.chance(30);
        let mut consignee = self.party(consignee_country, None, date);
        if young && date > DAY_2022_02_24 + 30 {
            consignee["registration_date"] =
                Value::String(civil(self.date(DAY_2022_02_24 + 1, date - 1)));
        }
        if self.rng.chance(20) {
            let country = *self.rng.pick(&["KZ", "DE", "PL", "TR", "CN"]);
            other_parties.push(self.role("freight_forwarder", country, date));
        }
        if self.rng.chance(5) {
            other_parties.push(self.role("bank", origin, date));
        }

        let currency = match origin {
            "DE" | "FR" | "IT" | "NL" | "AT" | "CZ" | "PL" => "EUR",
            "CN" if self.rng.chance(50) => "CNY",
            "KZ" if self.rng.chance(40) => "KZT",
            "JP" => "JPY",
            "GB" => "GBP",
            _ => "USD",
        };
        let step = if self.rng.chance(20) { 10 } else { 1 };
        let lines: Vec<Value> = goods
            .iter()
            .enumerate()
            .map(|(i, (hs, description, codes))| {
                self.line((i as u32 + 1) * step, hs, description, codes, currency)
            })
            .collect();
        for licence in &mut licences {
            if let Some(Value::Array(numbers)) = licence.get_mut("lines") {
                for n in numbers {
                    *n = json!(n.as_u64().unwrap_or(1) * u64::from(step));
                }
            }
        }

        let mut doc = json!({
            "id": format!("SO-{}-{:05}", &civil(date)[..4], index + 1),
            "date": civil(date),
            "exporter": self.party(origin, None, date),
            "consignee": consignee,
            "origin_country": self.case(origin),
            "destination_country": self.case(destination),
            "lines": lines,
        });
        let mut set = |key: &str, value: Value| {
            if let Some(map) = doc.as_object_mut() {
                map.insert(key.to_owned(), value);
            }
        };
        if let Some(end_user) = end_user {
            set("end_user", end_user);
        }
        if !other_parties.is_empty() {
            set("other_parties", Value::Array(other_parties));
        }
        if !transit.is_empty() {
            set("transit_countries", json!(transit));
        }
        if !licences.is_empty() {
            set("licences", Value::Array(licences));
        }
        if self.rng.chance(85) {
            set(
                "transport_mode",
                json!(
                    self.rng
                        .pick(&["road", "road", "rail", "sea", "air", "post"])
                ),
            );
        }
        if military_end_use || self.rng.chance(30) {
            set(
                "end_use",
                json!({ "statement": self.rng.pick(&["Maintenance of civil telecom network", "Spare parts for plant",
                        "Resale to industrial customers", "Armed forces procurement programme"]),
                        "military": military_end_use,
                        "sector": self.rng.pick(&["telecom", "energy", "mining", "manufacturing", "defence"]) }),
            );
        }
        if self.rng.chance(60) {
            let mut contract = json!({ "reference": format!("C-{}-{}", &civil(date)[..4], self.rng.between(1, 999)) });
            if self.rng.chance(50) {
                contract["date"] = Value::String(civil(date - self.rng.between(10, 200)));
            }
            if self.rng.chance(70) {
                contract["no_russia_clause"] = json!(!(young || self.rng.chance(25)));
            }
            set("contract", contract);
        }
        (kind, doc)
    }

    /// 1–20 lines, most shipments short.
    fn line_count(&mut self) -> usize {
        match self.rng.below(100) {
            0..40 => 1 + self.rng.below(3),
            40..75 => 4 + self.rng.below(5),
            _ => 9 + self.rng.below(12),
        }
    }

    fn date(&mut self, from: i64, until: i64) -> i64 {
        self.rng.between(from, until)
    }

    /// A country other than `not`, by weight.
    fn other_than(&mut self, items: &[(&'static str, usize)], not: &str) -> &'static str {
        loop {
            let c = *self.rng.weighted(items);
            if c != not {
                return c;
            }
        }
    }

    /// Country codes as ERPs write them: mostly upper-case.
    fn case(&mut self, country: &str) -> String {
        if self.rng.chance(3) {
            country.to_ascii_lowercase()
        } else {
            country.to_owned()
        }
    }

    fn ordinary_goods(&mut self) -> (String, String, Vec<&'static str>) {
        let data = self.data;
        let index = if self.rng.chance(80) {
            let section = self.rng.weighted(SECTIONS);
            match data.by_section.get(*section) {
                Some(indices) => *self.rng.pick(indices),
                None => self.rng.below(data.subheadings.len()),
            }
        } else {
            self.rng.below(data.subheadings.len())
        };
        let (_, code, description) = &data.subheadings[index];
        let codes = if self.rng.chance(8) {
            vec!["EAR99"]
        } else {
            Vec::new()
        };
        (self.hs_format(code), short(description), codes)
    }

    fn chpl_goods(&mut self) -> (String, String, Vec<&'static str>) {
        let data = self.data;
        let (code, description) = self.rng.pick(&data.chpl);
        let codes = match self.rng.below(10) {
            0..2 => vec!["EAR99"],
            2 => vec!["3A991.a"],
            _ => Vec::new(),
        };
        (self.hs_format(code), short(description), codes)
    }

    /// `count` lines of which `chpl` (at most) are CHPL items, optionally one dual-use.
    fn mixed_goods(
        &mut self,
        goods: &mut Vec<(String, String, Vec<&'static str>)>,
        count: usize,
        chpl: usize,
        dual_use: bool,
    ) {
        for i in 0..count {
            goods.push(if i < chpl {
                self.chpl_goods()
            } else if dual_use && i == chpl {
                self.listed(DUAL_USE)
            } else {
                self.ordinary_goods()
            });
        }
        let len = goods.len();
        for i in (1..len).rev() {
            goods.swap(i, self.rng.below(i + 1));
        }
    }

    /// 1–3 listed lines from `table` among ordinary ones; returns their positions.
    fn controlled_goods(
        &mut self,
        goods: &mut Vec<(String, String, Vec<&'static str>)>,
        count: usize,
        table: &[(&str, &str, &[&'static str])],
    ) -> Vec<u32> {
        let listed = (1 + self.rng.below(3)).min(count);
        let mut positions = Vec::new();
        for i in 0..count {
            if i < listed {
                goods.push(self.listed(table));
                positions.push(i as u32 + 1);
            } else {
                goods.push(self.ordinary_goods());
            }
        }
        positions
    }

    fn listed(
        &mut self,
        table: &[(&str, &str, &[&'static str])],
    ) -> (String, String, Vec<&'static str>) {
        let (hs, description, codes) = *self.rng.pick(table);
        (self.hs_format(hs), description.to_owned(), codes.to_vec())
    }

    /// A Kazakh licence in `percent` of cases: covering every line, some lines,
    /// or expired before the shipment.
    fn kz_licence(
        &mut self,
        licences: &mut Vec<Value>,
        controlled: &[u32],
        date: i64,
        percent: usize,
    ) {
        if !self.rng.chance(percent) {
            return;
        }
        let mut licence = json!({ "id": format!("KZ-{}-{:04}", &civil(date)[..4], self.rng.between(1, 9999)),
                                  "jurisdiction": self.rng.pick(&["KZ", "KZ", "kz"]) });
        match self.rng.below(10) {
            0..6 => {}
            6..8 => licence["lines"] = json!(controlled[..controlled.len().div_ceil(2)]),
            _ => licence["valid_until"] = Value::String(civil(date - self.rng.between(1, 90))),
        }
        if licence.get("valid_until").is_none() && self.rng.chance(50) {
            licence["valid_until"] = Value::String(civil(date + self.rng.between(30, 700)));
        }
        licences.push(licence);
        if self.rng.chance(15) {
            licences.push(json!({ "id": format!("EU-{}", self.rng.between(1000, 9999)), "jurisdiction": "EU" }));
        }
    }

    /// HS codes as written on real documents: with dots, spaces or national digits.
    fn hs_format(&mut self, code: &str) -> String {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        let (heading, sub) = digits.split_at(4.min(digits.len()));
        let sub = &sub[..2.min(sub.len())];
        match self.rng.below(10) {
            0..4 => format!("{heading}.{sub}"),
            4..6 => format!("{heading}{sub}"),
            6..8 => format!("{heading} {sub} {:02}", self.rng.below(100)),
            8 => format!(
                "{heading}.{sub}.{:02}.{:02}",
                self.rng.below(100),
                self.rng.below(100)
            ),
            _ => format!("{heading}{sub}{:04}", self.rng.below(10_000)),
        }
    }

    fn line(
        &mut self,
        number: u32,
        hs: &str,
        description: &str,
        codes: &[&str],
        currency: &str,
    ) -> Value {
        let quantity = if self.rng.chance(70) {
            json!(self.rng.between(1, 5000))
        } else {
            json!(format!(
                "{}.{}",
                self.rng.between(1, 900),
                self.rng.between(1, 9)
            ))
        };
        let cents = self.rng.between(100, 50_000_000);
        let mut line = json!({
            "line": number,
            "description": description,
            "hs_code": hs,
            "quantity": quantity,
            "unit": self.rng.pick(&["pcs", "pcs", "kg", "set", "m", "l"]),
            "value": { "amount": format!("{}.{:02}", cents / 100, cents % 100), "currency": currency },
        });
        if !codes.is_empty() {
            line["control_codes"] = json!(codes);
        }
        if self.rng.chance(70) {
            line["origin_country"] = json!(
                self.rng
                    .pick(&["CN", "TW", "US", "DE", "JP", "KR", "MY", "VN", "KZ", "IT"])
            );
        }
        if self.rng.chance(15) {
            line["us_content_percent"] = json!(self.rng.between(0, 100));
        }
        line
    }

    fn party(&mut self, country: &str, kind: Option<&str>, date: i64) -> Value {
        let (prefixes, words, suffix): (&[&str], &[&str], &str) = match country {
            "DE" | "AT" => (
                &["Rhein", "Bayern", "Elbe", "Nord", "Schwarzwald", "Main"],
                &[
                    "Elektronik",
                    "Maschinenbau",
                    "Technik",
                    "Handel",
                    "Automation",
                ],
                "GmbH",
            ),
            "KZ" => (
                &["Astana", "Almaty", "Steppe", "Altyn", "Caspian", "Saryarka"],
                &["Tech Supply", "Trade", "Engineering", "Import", "Systems"],
                "TOO",
            ),
            "RU" => (
                &["Ural", "Sibir", "Volga", "Neva", "Tekhno"],
                &["pribor", "snab", "elektro", "komplekt", "radiozavod"],
                "",
            ),
            "BY" => (
                &["Minsk", "Gomel", "Brest"],
                &["Integral", "Pribor", "Tekhnika"],
                "OAO",
            ),
            "KG" => (
                &["Ala-Too", "Bishkek", "Issyk-Kul"],
                &["Trade", "Service", "Tech"],
                "OsOO",
            ),
            "AM" => (
                &["Yerevan", "Ararat", "Sevan"],
                &["Tech", "Import", "Electronics"],
                "LLC",
            ),
            "AE" => (
                &["Gulf Star", "Jebel Ali", "Desert Falcon"],
                &["General Trading", "Electronics", "Tech"],
                "FZE",
            ),
            "TR" => (
                &["Anadolu", "Bosphorus", "Ege"],
                &["Elektronik", "Dis Ticaret", "Teknoloji"],
                "A.S.",
            ),
            "CN" | "HK" | "TW" => (
                &["Shenzhen", "Huaxin", "Dragon", "Pearl River"],
                &["Electronics", "Technology", "Trading"],
                "Co., Ltd.",
            ),
            "US" => (
                &["Pacific", "Lakeside", "Summit", "Liberty"],
                &["Components", "Systems", "Instruments"],
                "Inc.",
            ),
            _ => (
                &["Global", "Euro", "United", "Prime"],
                &["Trading", "Industries", "Supply"],
                "Ltd",
            ),
        };
        let first = *self.rng.pick(prefixes);
        let second = match kind {
            Some(word) => word,
            None => *self.rng.pick(words),
        };
        let name = match country {
            "RU" => format!("OOO {first}{second}"),
            "BY" => format!("{suffix} {first} {second}"),
            _ => format!("{first} {second} {suffix}"),
        };
        let mut party = json!({ "name": name, "country": self.case(country) });
        if self.rng.chance(50) {
            party["address"] = json!(format!(
                "{} {}",
                self.rng.pick(&[
                    "Main street",
                    "Industrial park",
                    "Lenin avenue",
                    "Harbour road"
                ]),
                self.rng.between(1, 200)
            ));
        }
        if self.rng.chance(40) {
            party["registration_date"] =
                Value::String(civil(self.date(DAY_1995_01_01, DAY_2022_01_01.min(date))));
        }
        if self.rng.chance(50) {
            let key = match country {
                "KZ" => "bin",
                "RU" => "inn",
                _ => "vat",
            };
            party["ids"] =
                json!({ key: format!("{}{:09}", country, self.rng.between(0, 999_999_999)) });
        }
        if country == "KZ" && self.rng.chance(10) {
            party["region"] = json!("KZ-75");
        }
        if country == "RU" && self.rng.chance(8) {
            // Crimea, as sanctions lists write it for a party in Russia.
            party["region"] = json!("UA-43");
        }
        if self.rng.chance(5) {
            party["aliases"] = json!([format!("{first} {second}")]);
        }
        party
    }

    fn role(&mut self, role: &str, country: &str, date: i64) -> Value {
        let kind = (role == "freight_forwarder").then_some("Cargo Forwarding");
        let mut party = self.party(country, kind, date);
        party["role"] = json!(role);
        party
    }
}

/// A subheading description cut to what fits an ERP line.
fn short(description: &str) -> String {
    description.chars().take(80).collect()
}

// ---- Dates ------------------------------------------------------------------------------------

const DAY_1995_01_01: i64 = days(1995, 1, 1);
const DAY_2022_01_01: i64 = days(2022, 1, 1);
const DAY_2022_02_24: i64 = days(2022, 2, 24);
const DAY_2022_08_27: i64 = days(2022, 8, 27);
const DAY_2023_08_31: i64 = days(2023, 8, 31);
const DAY_2025_12_31: i64 = days(2025, 12, 31);

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
const fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ISO 8601 text of a day number.
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
