//! Speed of screening a shipment with four parties, in the real sandbox and natively.
//!
//! ```sh
//! cargo bench -p party-screening --features bench --bench screening
//! ```
//!
//! Builds the plugin with `exportctl-builder` (wasm32, `plugin` profile, componentized),
//! loads it through the host like any policy set, and times:
//!
//! - **reused**: one sandbox kept between shipments (`InstanceMode::Reused`);
//! - **fresh**: a new sandbox per shipment (`InstanceMode::Fresh`, the host's default);
//! - **native**: `Policy::evaluate` as plain Rust, no sandbox;
//!
//! each for a shipment whose parties match nothing at all (the sandbox's own cost), one
//! whose four parties are clean (the common case) and one where two parties are listed
//! (findings to build and return). Times are the fastest of many rounds of 50 calls;
//! page faults per call are counted too, as they do not depend on the machine's load. For scale it also times the
//! bundled `chpl-diversion` policy fresh, whose data is tiny. Results go to standard
//! output and are recorded in README.md.

#![allow(
    clippy::panic,
    reason = "a benchmark that cannot run has nothing to report"
)]

use exportctl::{Host, InstanceMode, PolicySetConfig};
use exportctl_builder::PluginBuild;
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{Policy, configure};
use party_screening::PartyScreening;
use std::path::Path;
use std::time::{Duration, Instant};

/// Parties per shipment in both shipments.
const PARTIES: f64 = 4.0;

/// The shipment as the host takes it (validated); natively, its view.
fn shipment(consignee: &str, end_user: &str) -> Shipment<'static> {
    shipment_of(
        "Rhein Elektronik GmbH",
        consignee,
        end_user,
        "Desert Rose General Trading LLC",
    )
}

fn shipment_of(
    exporter: &str,
    consignee: &str,
    end_user: &str,
    forwarder: &str,
) -> Shipment<'static> {
    let doc = serde_json::json!({
        "id": "BENCH-1",
        "date": "2026-09-01",
        "exporter": { "name": exporter, "country": "DE" },
        "consignee": { "name": consignee, "country": "KZ" },
        "end_user": { "name": end_user, "country": "RU" },
        "other_parties": [{ "role": "freight_forwarder", "name": forwarder, "country": "AE" }],
        "origin_country": "DE",
        "destination_country": "KZ",
        "lines": [{ "line": 1, "description": "relays", "hs_code": "8536.41", "quantity": 100,
                    "value": { "amount": "2500.00", "currency": "EUR" } }]
    });
    Shipment::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `f` repeatedly for about `budget` after a warm-up, in rounds of 50 calls;
/// returns the µs per call of the fastest round (the machine is shared: the fastest
/// round is the least disturbed one) and the minor page faults per call over all
/// rounds.
fn time(budget: Duration, mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..20 {
        f();
    }
    let faults_before = minor_faults();
    let start = Instant::now();
    let mut calls = 0u32;
    let mut best = f64::MAX;
    while start.elapsed() < budget {
        let round = Instant::now();
        for _ in 0..50 {
            f();
        }
        calls += 50;
        best = best.min(round.elapsed().as_secs_f64() * 1e6 / 50.0);
    }
    let faults = minor_faults().saturating_sub(faults_before) as f64 / f64::from(calls);
    (best, faults)
}

/// Minor page faults of this process so far (field 10 of `/proc/self/stat`), 0 where
/// that file does not exist. Load-independent, unlike time: a fresh sandbox pays
/// roughly one fault per page of plugin memory its evaluation touches.
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses.
            let rest = s.rsplit_once(')')?.1;
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = workspace.join("target").join("plugins");
    let built = PluginBuild::new(&workspace, &target)
        .package("party-screening")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let component = &built[0].component;
    let dir = std::env::temp_dir().join(format!("party-screening-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("party_screening.component.wasm");
    std::fs::write(&path, component).unwrap_or_else(|e| panic!("{e}"));
    let core = workspace.join("target/plugins/wasm32-unknown-unknown/plugin/party_screening.wasm");
    println!(
        "plugin: core module {} bytes, component {} bytes",
        std::fs::metadata(&core).map(|m| m.len()).unwrap_or(0),
        component.len()
    );

    // The component is built here, unsigned: trust it as the host's authoring mode does.
    let set = format!(
        "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = {:?}\n",
        path.display().to_string()
    );
    let start = Instant::now();
    let config = PolicySetConfig::parse(&set, "bench", &dir).unwrap_or_else(|e| panic!("{e}"));
    let host = Host::load(&config).unwrap_or_else(|e| panic!("{e:?}"));
    println!(
        "load (compile + configure): {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let clean = shipment(
        "ТОО «Алматы Строй Комплект»",
        "OOO Volzhskaya Mebelnaya Fabrika",
    );
    let listed = shipment("TOO Inter-Treid Elektro", "Rosoboronexport");
    let native = configure::<PartyScreening>("{}").unwrap_or_else(|e| panic!("{e}"));
    let budget = Duration::from_secs(3);

    let empty = shipment_of("Xqzz", "Qqzx", "Zzqx", "Zqxq");
    for (label, s) in [
        ("no candidates", &empty),
        ("clean parties", &clean),
        ("two listed parties", &listed),
    ] {
        let verdict = host.worker_with(InstanceMode::Reused).evaluate(s);
        let view = s.to_view().unwrap_or_else(|e| panic!("{e}"));
        let expected = native.evaluate(&view).len();
        assert_eq!(
            verdict.findings.len(),
            expected,
            "sandbox and native disagree: {verdict:#?}"
        );
        println!(
            "{label}: outcome {}, {} findings",
            verdict.outcome, expected
        );
        let mut reused = host.worker_with(InstanceMode::Reused);
        let r = time(budget, || {
            reused.evaluate(s);
        });
        let f = time(budget, || {
            host.worker_with(InstanceMode::Fresh).evaluate(s);
        });
        let n = time(budget, || {
            native.evaluate(&view);
        });
        for (mode, (us, faults)) in [("reused", r), ("fresh", f), ("native", n)] {
            println!(
                "  {mode:<7} {us:8.1} µs per shipment ({} parties), {:7.1} µs per party, {faults:6.1} page faults",
                PARTIES,
                us / PARTIES
            );
        }
    }

    // For scale: a bundled policy with a tiny embedded table, fresh instances.
    let chpl = PolicySetConfig::parse("[[policy]]\nplugin = \"chpl-diversion\"\n", "bench", &dir)
        .ok()
        .and_then(|config| Host::load(&config).ok());
    if let Some(chpl) = chpl {
        let (us, faults) = time(budget, || {
            chpl.worker_with(InstanceMode::Fresh).evaluate(&clean);
        });
        println!(
            "for scale, chpl-diversion fresh: {us:.1} µs per shipment, {faults:.1} page faults"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
