//! What the default set makes of the corpus (section 2's tables: what the
//! corpus holds, verdicts by scenario and by policy, findings by rule), the
//! checks that fresh, reused and native evaluation agree on every shipment —
//! without them the timings would compare different work — and the closing
//! summary.

use crate::BoxError;
use crate::policies::OnePolicy;
use crate::scenario::Kind;
use crate::table::{header, per_second, ratio, row, us_f};
use crate::throughput::{PolicyTimes, SetTimes};
use exportctl::{Host, InstanceMode, Verdict};
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{ControlCode, Finding, Outcome};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the summary quotes from the corpus report.
pub struct CorpusReport {
    allow_share: f64,
    rules_fired: usize,
}

/// Prints what the corpus holds and what the default set makes of it, and checks
/// that fresh, reused and native evaluation agree on every shipment.
pub fn corpus_report(
    host: &Arc<Host>,
    policies: &[OnePolicy],
    corpus: &[Shipment],
    kinds: &[Kind],
    chpl: &[(String, String)],
    parse_ns: (f64, f64),
) -> Result<CorpusReport, BoxError> {
    let lines: Vec<usize> = corpus.iter().map(|s| s.lines.len()).collect();
    println!(
        "  {} shipments, {} lines (1–20 per shipment, mean {:.1}); JSON parse + validate {:.1} µs/shipment kept (Shipment::from_json), {:.1} µs read in place (read_json_object + parse_shipment)",
        corpus.len(),
        lines.iter().sum::<usize>(),
        lines.iter().sum::<usize>() as f64 / corpus.len() as f64,
        parse_ns.0 / 1e3,
        parse_ns.1 / 1e3
    );
    let count = |f: &dyn Fn(&Shipment) -> bool| corpus.iter().filter(|&s| f(s)).count();
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
            .any(|l| chpl.iter().any(|(code, _)| l.hs_code.matches(code)))),
        count(&|s: &Shipment| s.lines.iter().any(|l| !l.control_codes.is_empty())),
        count(&|s: &Shipment| s
            .lines
            .iter()
            .any(|l| l.control_codes.iter().any(ControlCode::is_military))),
        count(&|s: &Shipment| s
            .lines
            .iter()
            .any(|l| l.control_codes.iter().any(ControlCode::is_dual_use))),
        count(&|s: &Shipment| matches!(s.destination_country.as_str(), "RU" | "BY")),
        count(&|s: &Shipment| s.consignee.country.as_str() == "RU"
            || s.end_user.as_ref().unwrap_or(&s.consignee).country.as_str() == "RU"),
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
    let (native_same, evaluations) = native_agreement(policies, corpus, &verdicts);

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
    for (kind, _) in Kind::WEIGHTS {
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
    for p in policies.iter().filter(|p| p.in_set) {
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
            *rules.entry(f.rule()).or_default() += 1;
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

/// What a policy's native and sandboxed runs must agree on, for one finding.
fn agreed(f: &Finding) -> (String, Outcome, Vec<u32>, Vec<String>, String) {
    (
        f.rule().to_owned(),
        f.outcome(),
        f.get_lines().to_vec(),
        f.get_parties().to_vec(),
        f.message().to_owned(),
    )
}

/// Of the shipment-policy pairs where a policy with a native build is in force:
/// how many give the same findings natively as in `verdicts` (from wasm), and
/// how many there are. Prints the first disagreements.
fn native_agreement(
    policies: &[OnePolicy],
    corpus: &[Shipment],
    verdicts: &[Verdict],
) -> (usize, usize) {
    let mut native_same = 0;
    let mut evaluations = 0;
    for (s, v) in corpus.iter().zip(verdicts) {
        for p in policies
            .iter()
            .filter(|p| p.in_set && p.in_force.contains(s.as_of))
        {
            let Some(native) = &p.native else { continue };
            evaluations += 1;
            // The SDK bounds every finding leaving the sandbox; the native call does too.
            // A shipment that cannot be written has no native findings: it shows as a
            // mismatch, never as a silent skip.
            let view = s.to_view().ok();
            let native: Vec<_> = view
                .iter()
                .flat_map(native)
                .map(Finding::within_host_limits)
                .map(|f| agreed(&f))
                .collect();
            let wasm: Vec<_> = v
                .findings
                .iter()
                .filter(|f| *f.policy == *p.id)
                .map(|f| agreed(&f.finding))
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
    (native_same, evaluations)
}

/// Prints the summary: the corpus in two figures, and the headline figures of
/// sections 3 to 5.
pub fn summary(report: &CorpusReport, set: &SetTimes, per_policy: &[PolicyTimes]) {
    println!(
        "  corpus: {:.0} % of shipments allowed, {} distinct rules fired",
        report.allow_share * 100.0,
        report.rules_fired
    );
    println!(
        "  default set: {} shipments/s fresh, {} shipments/s reused (reused is {} faster)",
        per_second(set.fresh),
        per_second(set.reused),
        ratio(set.fresh, set.reused),
    );
    println!(
        "  wasm/native for the set: fresh {}, reused {} (target ≤ 3×)",
        ratio(set.cmp_fresh, set.native),
        ratio(set.cmp_reused, set.native)
    );
    for p in per_policy {
        println!(
            "  {}: instantiation (fresh − reused) {} µs; wire encode + decode (native) {} µs; call + guest overhead (reused − native+wire) {} µs",
            p.id,
            us_f(p.fresh.median - p.reused.median),
            us_f(p.native_wire.median - p.native.median),
            us_f(p.reused.median - p.native_wire.median)
        );
    }
}
