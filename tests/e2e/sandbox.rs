//! Hostile plugins: a plugin that loops forever or allocates without bound fails
//! closed (a `policy-error` finding naming the policy and the limit), the other
//! policies' findings are intact, the next shipment is judged normally, the result
//! is the same on every run; a plugin importing WASI, a core module, a truncated
//! or a random file is refused at load with a clear error.

use crate::support::{exportctl, hostile, hostile_core_module, repo, temp_dir, write};
use serde_json::Value;

/// The hostile plugins are built by the tests, not published: their sets allow
/// unsigned plugins (signatures are the subject of `distribution.rs`).
const UNSIGNED_TEST_PLUGINS: &str = "[trust]\nallow_unsigned = true\n";

fn example(name: &str) -> String {
    repo()
        .join("tests/examples")
        .join(name)
        .display()
        .to_string()
}

/// A policy set of the bundled `kz-export-control` plus one hostile plugin.
fn set_with(dir: &std::path::Path, hostile_plugin: &str, host: &str, limits: &str) -> String {
    write(
        dir,
        "set.toml",
        format!(
            "[host]\n{host}\n{UNSIGNED_TEST_PLUGINS}[[policy]]\nplugin = \"kz-export-control\"\n[[policy]]\nplugin = \"{}\"\n[policy.limits]\n{limits}\n",
            hostile(hostile_plugin).display()
        ),
    )
}

fn policy_error(v: &Value, policy: &str) -> Option<Value> {
    v["findings"]
        .as_array()?
        .iter()
        .find(|f| f["policy"] == policy && f["rule"] == "policy-error")
        .cloned()
}

/// Three shipments in one run: the hostile plugin fails on each; every verdict
/// still carries the bundled policy's own findings.
fn three_shipments(dir: &std::path::Path) -> String {
    let drones =
        std::fs::read_to_string(example("seed-drones-kg-via-kz-to-ru.json")).unwrap_or_default();
    let furniture = std::fs::read_to_string(example("de-furniture-to-kz.json")).unwrap_or_default();
    let one = |t: &str| {
        serde_json::from_str::<Value>(t)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    write(
        dir,
        "three.jsonl",
        format!("{}\n{}\n{}\n", one(&drones), one(&furniture), one(&drones)),
    )
}

#[test]
fn an_infinite_loop_runs_out_of_fuel_and_fails_closed() {
    let dir = temp_dir();
    let set = set_with(dir.path(), "infinite-loop", "", "fuel = 20_000_000");
    let input = three_shipments(dir.path());
    let run = exportctl(&["check", "--policies", &set, &input]);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), 3, "{run:?}");
    for v in &verdicts {
        let err = policy_error(v, "hostile-infinite-loop")
            .unwrap_or_else(|| panic!("no policy-error: {v}"));
        assert_eq!(err["outcome"], "review", "default fail outcome: {err}");
        let message = err["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("hostile-infinite-loop") && message.contains("fuel limit of 20000000"),
            "{message}"
        );
        let hostile_report = v["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"] == "hostile-infinite-loop")
            .cloned()
            .unwrap_or_default();
        assert!(
            hostile_report["error"]
                .as_str()
                .is_some_and(|e| e.contains("fuel")),
            "{hostile_report}"
        );
    }
    // The Kazakh policy still judged every shipment: drones denied, furniture not.
    let outcomes: Vec<_> = verdicts
        .iter()
        .map(|v| v["outcome"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(outcomes, ["deny", "review", "deny"]);
    assert!(
        verdicts[0]["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["policy"] == "kz-export-control" && f["outcome"] == "deny")
    );
    assert_eq!(run.code, 5);

    // Deterministic: the same bytes on a second run.
    let again = exportctl(&["check", "--policies", &set, &input]);
    assert_eq!(again.stdout, run.stdout);
}

#[test]
fn reused_instances_give_the_same_verdicts_and_a_failed_one_is_not_reused() {
    let dir = temp_dir();
    let input = three_shipments(dir.path());
    let fresh = set_with(
        dir.path(),
        "infinite-loop",
        "instance = \"fresh\"",
        "fuel = 20_000_000",
    );
    let fresh = exportctl(&["check", "--policies", &fresh, &input]);
    let reused_dir = temp_dir();
    let reused = set_with(
        reused_dir.path(),
        "infinite-loop",
        "instance = \"reused\"",
        "fuel = 20_000_000",
    );
    let reused = exportctl(&["check", "--policies", &reused, &input]);
    assert_eq!(reused.code, fresh.code);
    // Each shipment fails the same way: the instance that ran out of fuel was
    // dropped, not handed the next shipment with its state half-changed.
    assert_eq!(reused.stdout, fresh.stdout);
}

#[test]
fn the_fail_outcome_can_be_deny() {
    let dir = temp_dir();
    let set = set_with(
        dir.path(),
        "infinite-loop",
        "fail_outcome = \"deny\"",
        "fuel = 5_000_000",
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    let v = &run.verdicts()[0];
    assert_eq!(v["outcome"], "deny", "{v}");
    assert_eq!(
        policy_error(v, "hostile-infinite-loop").map(|f| f["outcome"].clone()),
        Some(Value::from("deny"))
    );
    assert_eq!(run.code, 5);
}

#[test]
fn a_failing_policy_in_monitor_mode_is_reported_but_does_not_block() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            // company-rules in enforce mode judges the shipment, so the outcome
            // is its allow, not the host's not-judged review.
            "{UNSIGNED_TEST_PLUGINS}[[policy]]\nplugin = \"company-rules\"\n[[policy]]\nplugin = \"{}\"\nmode = \"monitor\"\n[policy.limits]\nfuel = 5_000_000\n",
            hostile("infinite-loop").display()
        ),
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    let v = &run.verdicts()[0];
    assert_eq!((v["outcome"].as_str(), run.code), (Some("allow"), 0), "{v}");
    assert!(policy_error(v, "hostile-infinite-loop").is_some(), "{v}");
}

#[test]
fn a_memory_bomb_hits_the_memory_cap_and_the_host_stays_small() {
    let dir = temp_dir();
    let set = set_with(dir.path(), "memory-bomb", "", "memory_mib = 16");
    let input = three_shipments(dir.path());
    let run = exportctl(&["check", "--policies", &set, &input]);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), 3, "{run:?}");
    for v in &verdicts {
        let err = policy_error(v, "hostile-memory-bomb")
            .unwrap_or_else(|| panic!("no policy-error: {v}"));
        let message = err["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("hostile-memory-bomb") && message.contains("memory limit of 16 MiB"),
            "{message}"
        );
    }
    assert_eq!(verdicts[1]["outcome"], "review");
    // The whole host process, plugins included, peaks far below what an unbounded
    // guest would take (it would grow to the 4 GiB wasm limit).
    let measured = crate::support::exportctl_measured(&["check", "--policies", &set, &input]);
    assert_eq!(measured.run.stdout, run.stdout, "deterministic");
    let peak_mib = measured.peak_rss_kib / 1024;
    assert!(peak_mib < 64, "exportctl peaked at {peak_mib} MiB");
}

fn refused(plugin_path: &str) -> String {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "{UNSIGNED_TEST_PLUGINS}[[policy]]\nplugin = \"kz-export-control\"\n[[policy]]\nplugin = \"{plugin_path}\"\n"
        ),
    );
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        &example("de-furniture-to-kz.json"),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "nothing is judged with a refused plugin set: {}",
        run.stdout
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(plugin_path),
        "the error names the file: {}",
        run.stderr
    );
    run.stderr
}

#[test]
fn a_plugin_importing_wasi_is_refused_at_load() {
    let err = refused(&hostile("wasi-clock").display().to_string());
    assert!(
        err.contains("imports `wasi:clocks/wall-clock@0.2.0`") && err.contains("does not offer"),
        "{err}"
    );
}

#[test]
fn a_core_module_is_refused_at_load() {
    let err = refused(&hostile_core_module("infinite-loop").display().to_string());
    assert!(err.contains("core WebAssembly module"), "{err}");
}

#[test]
fn truncated_and_random_files_are_refused_at_load() {
    let dir = temp_dir();
    let bytes = std::fs::read(hostile("infinite-loop")).unwrap_or_default();
    let truncated = write(dir.path(), "truncated.wasm", &bytes[..bytes.len() / 2]);
    let err = refused(&truncated);
    assert!(err.contains("could not be compiled"), "{err}");
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let random = write(dir.path(), "random.wasm", random);
    let err = refused(&random);
    assert!(err.contains("not a WebAssembly file"), "{err}");
}
