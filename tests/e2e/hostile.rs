//! The hostile-plugin suite: real plugin crates under `tests/plugins/`, built to
//! components, run by the real binary next to the bundled `kz-export-control`.
//!
//! For every plugin that misbehaves while judging (looping, exhausting memory or a
//! stack, panicking, flooding the host, returning data outside the contract) one
//! run of three shipments (drones KG→RU, furniture DE→KZ, drones again) must show:
//!
//! - each shipment it misbehaves on gets a `policy-error` finding with the fail
//!   outcome (`review`) and a message naming the policy and the limit or rule it
//!   broke, and its policy report carries the same error;
//! - `kz-export-control`'s findings are exactly those it gives on its own;
//! - the shipment in between (which the plugin judges normally) gets exactly the
//!   verdict it gets without the hostile plugin;
//! - the `exportctl` process's peak resident memory stays under a bound;
//! - a second run, and a run with reused sandboxes, print the same bytes.
//!
//! Plugins that break the contract before a shipment arrives (an unknown host
//! function, another contract version) are refused at load with a clear error.

use crate::support::{Measured, exportctl, exportctl_measured, hostile, repo, temp_dir, write};
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

const KZ: &str = "kz-export-control";

/// The policy-set lines that let a test load its unsigned plugin files.
const UNSIGNED: &str = "[trust]\nallow_unsigned = true\n";

fn example(name: &str) -> String {
    repo()
        .join("tests/examples")
        .join(name)
        .display()
        .to_string()
}

/// The three shipments every case judges, as one JSON Lines file in a fixed place
/// (so verdicts can be compared across runs and sets).
fn three_shipments() -> &'static str {
    static FILE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = temp_dir();
            let one = |name: &str| {
                let text = std::fs::read_to_string(example(name)).unwrap_or_default();
                serde_json::from_str::<Value>(&text)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let drones = one("seed-drones-kg-via-kz-to-ru.json");
            let furniture = one("de-furniture-to-kz.json");
            let path = write(
                dir.path(),
                "three.jsonl",
                format!("{drones}\n{furniture}\n{drones}\n"),
            );
            (dir, path)
        })
        .1
}

/// The verdicts with `kz-export-control` alone: what every case must keep.
fn baseline() -> &'static [Value] {
    static VERDICTS: OnceLock<Vec<Value>> = OnceLock::new();
    VERDICTS.get_or_init(|| {
        let dir = temp_dir();
        let set = write(
            dir.path(),
            "kz.toml",
            format!("[[policy]]\nplugin = \"{KZ}\"\n"),
        );
        let run = exportctl(&["check", "--policies", &set, three_shipments()]);
        assert_eq!(run.code, 5, "{run:?}");
        run.verdicts()
    })
}

fn findings_of(verdict: &Value, policy: &str) -> Vec<Value> {
    verdict["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["policy"] == policy)
        .cloned()
        .collect()
}

fn report_of(verdict: &Value, policy: &str) -> Value {
    verdict["policies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["id"] == policy)
        .cloned()
        .unwrap_or_default()
}

/// A hostile plugin run next to `kz-export-control`.
struct Case<'a> {
    /// The plugin, as `hostile(plugin)` names it.
    plugin: &'a str,
    /// Lines of its `[policy.settings]` table.
    settings: &'a str,
    /// Lines of its `[policy.limits]` table.
    limits: &'a str,
    /// Indices (in `three_shipments`) of the shipments it fails on.
    fails_on: &'a [usize],
    /// What the `policy-error` message must say besides the policy id.
    message: &'a [&'a str],
    /// Bound on the peak resident memory of the `exportctl` process, in MiB.
    max_rss_mib: i64,
}

impl Case<'_> {
    fn id(&self) -> String {
        format!("hostile-{}", self.plugin)
    }

    fn set(&self, dir: &Path, instance: &str) -> String {
        write(
            dir,
            &format!("{instance}.toml"),
            format!(
                "{UNSIGNED}[host]\ninstance = \"{instance}\"\n[[policy]]\nplugin = \"{KZ}\"\n[[policy]]\nplugin = \"{}\"\n[policy.settings]\n{}\n[policy.limits]\n{}\n",
                hostile(self.plugin).display(),
                self.settings,
                self.limits
            ),
        )
    }

    /// Runs the case and checks everything the module promises; returns the
    /// measured first run.
    fn check(&self) -> Measured {
        let dir = temp_dir();
        let fresh = self.set(dir.path(), "fresh");
        let first = exportctl_measured(&["check", "--policies", &fresh, three_shipments()]);
        let run = &first.run;
        let verdicts = run.verdicts();
        assert_eq!(verdicts.len(), 3, "{run:?}");
        let id = self.id();
        for (i, (v, alone)) in verdicts.iter().zip(baseline()).enumerate() {
            assert_eq!(
                findings_of(v, KZ),
                findings_of(alone, KZ),
                "{id}: the other policy's findings changed on shipment {i}"
            );
            let errors: Vec<Value> = findings_of(v, &id)
                .into_iter()
                .filter(|f| f["rule"] == "policy-error")
                .collect();
            let report = report_of(v, &id);
            if self.fails_on.contains(&i) {
                let [err] = errors.as_slice() else {
                    panic!("{id}: expected one policy-error on shipment {i}: {v}");
                };
                assert_eq!(err["outcome"], "review", "the fail outcome: {err}");
                let message = err["message"].as_str().unwrap_or_default();
                assert!(
                    message.starts_with(&format!("policy `{id}` failed on shipment `")),
                    "{message}"
                );
                assert!(!message.contains('\n'), "one line: {message:?}");
                for part in self.message {
                    assert!(message.contains(part), "{id}: `{part}` not in: {message}");
                }
                let error = report["error"].as_str().unwrap_or_default();
                assert!(!error.is_empty() && message.ends_with(error), "{report}");
                assert_eq!(report["outcome"], "review", "{report}");
                // Fail closed: the shipment is never better than review.
                let worst = ["allow", "review", "licence_required", "deny"];
                let rank = |o: &Value| worst.iter().position(|w| o == w);
                assert!(rank(&v["outcome"]) >= rank(&Value::from("review")), "{v}");
            } else {
                // Judged normally: the same verdict as without the hostile plugin.
                assert!(errors.is_empty(), "{id}: unexpected failure: {v}");
                assert!(report["error"].is_null(), "{report}");
                assert_eq!(v["outcome"], alone["outcome"], "{v}");
                assert_eq!(v["findings"], alone["findings"], "{v}");
            }
        }
        let peak_mib = first.peak_rss_kib / 1024;
        assert!(
            peak_mib < self.max_rss_mib,
            "{id}: exportctl peaked at {peak_mib} MiB (bound {} MiB)",
            self.max_rss_mib
        );
        eprintln!(
            "{id} {}: exit {}, peak RSS {peak_mib} MiB, {:?}",
            self.settings.replace('\n', " "),
            run.code,
            first.elapsed
        );

        // Deterministic: the same bytes again, and with reused sandboxes (a failed
        // sandbox is dropped, so the next shipment never sees its state).
        let again = exportctl(&["check", "--policies", &fresh, three_shipments()]);
        assert_eq!((again.code, &again.stdout), (run.code, &run.stdout), "{id}");
        let reused = self.set(dir.path(), "reused");
        let reused = exportctl(&["check", "--policies", &reused, three_shipments()]);
        assert_eq!(
            (reused.code, &reused.stdout),
            (run.code, &run.stdout),
            "{id}"
        );
        first
    }
}

/// Peak memory bound for cases within the default limits: the host's own
/// ~10 MiB (binary, compiled plugins, bookkeeping), one plugin's 64 MiB memory
/// cap, the 16 MiB the host reads back at most, and room to spare.
const DEFAULT_RSS_MIB: i64 = 160;

#[test]
fn an_infinite_loop_fails_every_shipment_on_fuel_with_the_host_small() {
    Case {
        plugin: "infinite-loop",
        settings: "",
        limits: "fuel = 20_000_000",
        fails_on: &[0, 1, 2],
        message: &["fuel limit of 20000000 exhausted (`limits.fuel`)"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn growing_memory_towards_4_gib_stops_at_the_default_cap() {
    Case {
        plugin: "memory-bomb",
        settings: "",
        limits: "",
        fails_on: &[0, 1, 2],
        message: &["memory limit of 64 MiB exceeded (`limits.memory_mib`)"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn deep_recursion_on_the_plugins_own_stack_traps() {
    Case {
        plugin: "deep-recursion",
        settings: "stack = \"linear\"",
        limits: "",
        fails_on: &[0, 2],
        message: &[
            "out of bounds memory access",
            "its own stack in linear memory overflowed",
        ],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn deep_recursion_on_the_engine_stack_hits_the_stack_limit() {
    Case {
        plugin: "deep-recursion",
        settings: "stack = \"native\"",
        limits: "",
        fails_on: &[0, 2],
        message: &["stack limit of 512 KiB exhausted: recursion too deep"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn a_panic_fails_closed_with_the_panic_message() {
    Case {
        plugin: "panic",
        settings: "",
        limits: "",
        fails_on: &[0, 2],
        message: &[
            "plugin trapped",
            "deliberate panic on shipment SEED-2022-11-DRONES",
        ],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn a_million_findings_within_the_default_limits_run_out_of_memory() {
    Case {
        plugin: "flood",
        settings: "findings = 1_000_000",
        limits: "",
        fails_on: &[0, 2],
        message: &["memory limit of 64 MiB exceeded"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn hundreds_of_thousands_of_findings_with_room_to_make_them_exceed_the_output_limit() {
    // The plugin gets 256 MiB and ample fuel, so it really returns 400,000
    // findings (51 MB as the host would hold them); the host refuses to read
    // more than 16 MiB, before copying any. The peak is the plugin's own memory,
    // which lives in the same process. (A million, with 1 GiB, peaks at about
    // 210 MiB the same way.)
    let measured = Case {
        plugin: "flood",
        settings: "findings = 400_000",
        limits: "memory_mib = 256\nfuel = 5_000_000_000",
        fails_on: &[0, 2],
        message: &["output limit of 16 MiB exceeded"],
        max_rss_mib: 200,
    }
    .check();
    assert_eq!(measured.run.code, 5);
}

#[test]
fn more_findings_than_allowed_are_a_policy_error_not_a_truncation() {
    Case {
        plugin: "flood",
        settings: "findings = 10_001",
        limits: "",
        fails_on: &[0, 2],
        message: &["plugin returned invalid findings: 10001 findings, more than the 10000 allowed"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
}

#[test]
fn a_plugin_flooding_the_log_is_stopped_within_its_limits() {
    // A million 16 MB log messages would be about 40 minutes of copying for the
    // host, for about 1 % of the plugin's fuel; the log budget stops it at once.
    let measured = Case {
        plugin: "flood",
        settings: "log_calls = 1_000_000\nlog_bytes = 16_000_000",
        limits: "",
        fails_on: &[0, 2],
        message: &["log limit of 64 KiB or 1024 messages per evaluation exceeded"],
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check();
    assert!(
        measured.elapsed.as_secs() < 10,
        "took {:?}",
        measured.elapsed
    );
}

/// A forged result, written byte for byte by `hostile-forged-output`.
fn forged(forge: &str, message: &[&str]) -> Measured {
    forged_with(forge, "", message)
}

fn forged_with(forge: &str, limits: &str, message: &[&str]) -> Measured {
    Case {
        plugin: "forged-output",
        settings: &format!("forge = \"{forge}\""),
        limits,
        fails_on: &[0, 2],
        message,
        max_rss_mib: DEFAULT_RSS_MIB,
    }
    .check()
}

#[test]
fn a_100_mb_message_exceeds_the_output_limit() {
    // The plugin's memory (256 MiB cap, 100 MiB used) lives in the host process;
    // the host itself copies none of the message.
    let measured = forged_with(
        "huge-message",
        "memory_mib = 256\nfuel = 2_000_000_000",
        &["output limit of 16 MiB exceeded"],
    );
    let peak_mib = measured.peak_rss_kib / 1024;
    assert!(peak_mib < 150, "exportctl peaked at {peak_mib} MiB");
}

#[test]
fn an_over_long_message_is_a_policy_error() {
    forged(
        "long-message",
        &["plugin returned invalid findings: finding 0: message must be 1–4096 bytes (got 5000)"],
    );
}

#[test]
fn an_outcome_outside_the_enum_is_a_policy_error() {
    forged(
        "outcome",
        &[
            "plugin returned data outside the policy contract",
            "discriminant",
        ],
    );
}

#[test]
fn a_string_that_is_not_utf8_is_a_policy_error() {
    forged(
        "utf8",
        &["plugin returned data outside the policy contract", "utf-8"],
    );
}

#[test]
fn a_pointer_outside_the_plugins_memory_is_a_policy_error() {
    forged(
        "pointer",
        &[
            "plugin returned data outside the policy contract",
            "out of bounds of memory",
        ],
    );
}

#[test]
fn a_rule_id_outside_the_contract_is_a_policy_error() {
    forged("rule", &["rule id `Not A Rule` is not kebab-case"]);
    forged(
        "reserved-rule",
        &["rule id `policy-error` is reserved for the host"],
    );
}

#[test]
fn lines_and_parties_that_do_not_exist_are_a_policy_error() {
    forged(
        "line",
        &["finding 0: line 999999 is not a line of the shipment"],
    );
    forged(
        "party",
        &["finding 0: party `board_of_directors` is not a party of the shipment"],
    );
}

#[test]
fn one_list_cited_by_10000_findings_is_not_copied_10000_times() {
    // 400 KB in the plugin, 4 GB if the host copied it once per finding. The
    // host reads at most 16 MiB of it: its peak stays near its ~10 MiB base.
    let measured = forged("aliased", &["output limit of 16 MiB exceeded"]);
    let peak_mib = measured.peak_rss_kib / 1024;
    assert!(peak_mib < 48, "exportctl peaked at {peak_mib} MiB");
}

/// Runs `hostile-slow` alone on the three shipments with a fuel limit.
fn slow_run(dir: &Path, rounds: u64, fuel: u64) -> crate::support::Run {
    let set = write(
        dir,
        &format!("slow-{fuel}.toml"),
        format!(
            "{UNSIGNED}[[policy]]\nplugin = \"{}\"\n[policy.settings]\nrounds = {rounds}\n[policy.limits]\nfuel = {fuel}\n",
            hostile("slow").display()
        ),
    );
    exportctl(&["check", "--policies", &set, three_shipments()])
}

#[test]
fn a_slow_but_legitimate_policy_just_under_its_fuel_limit_gives_its_findings() {
    let dir = temp_dir();
    let rounds = 5_000_000;
    let passes = |fuel: u64| {
        let run = slow_run(dir.path(), rounds, fuel);
        !run.stdout.contains("policy-error")
    };
    // The least fuel that judges all three shipments, to 0.1 %: fuel is counted
    // in instructions, so this point is the same on every run.
    let (mut lo, mut hi) = (1_000_000u64, 100_000_000u64);
    assert!(passes(hi) && !passes(lo), "the bracket must hold the limit");
    while hi - lo > hi / 1000 {
        let mid = lo + (hi - lo) / 2;
        if passes(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    eprintln!("hostile-slow with {rounds} rounds needs {hi} fuel");

    // At `hi` the policy is within 0.1 % of its limit and judges normally, with
    // the same bytes on every run.
    let run = slow_run(dir.path(), rounds, hi);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), 3, "{run:?}");
    for v in &verdicts {
        let found = findings_of(v, "hostile-slow");
        assert_eq!(found.len(), 1, "{v}");
        assert_eq!(found[0]["rule"], "slow-check-done", "{v}");
        assert!(
            found[0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("checked after 5000000 rounds")),
            "{v}"
        );
        assert_eq!(v["outcome"], "review");
    }
    assert_eq!(run.code, 3);
    assert_eq!(slow_run(dir.path(), rounds, hi).stdout, run.stdout);

    // Just over its limit it fails closed, naming the limit (on the shipments
    // that need the most fuel; the others are still judged).
    let run = slow_run(dir.path(), rounds, lo);
    let verdicts = run.verdicts();
    assert_eq!(verdicts.len(), 3, "{run:?}");
    let failed = verdicts
        .iter()
        .filter(|v| {
            let found = findings_of(v, "hostile-slow");
            assert_eq!(found.len(), 1, "{v}");
            let message = found[0]["message"].as_str().unwrap_or_default();
            found[0]["rule"] == "policy-error"
                && message.contains(&format!("fuel limit of {lo} exhausted"))
        })
        .count();
    assert!(failed >= 1, "{run:?}");
}

/// Loads a set of `kz-export-control` plus `plugin`; the load must be refused.
/// Returns the error line.
fn refused(plugin: &Path) -> String {
    let dir = temp_dir();
    let plugin = plugin.display().to_string();
    let set = write(
        dir.path(),
        "set.toml",
        format!("{UNSIGNED}[[policy]]\nplugin = \"{KZ}\"\n[[policy]]\nplugin = \"{plugin}\"\n"),
    );
    let run = exportctl(&["check", "--policies", &set, three_shipments()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "nothing is judged with a refused plugin set: {}",
        run.stdout
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    let [error] = errors.as_slice() else {
        panic!("expected one error line: {}", run.stderr);
    };
    assert!(error.contains(&plugin), "the error names the file: {error}");
    (*error).to_owned()
}

#[test]
fn a_plugin_importing_an_unknown_host_function_is_refused_at_load() {
    let err = refused(&hostile("extra-host-fn"));
    assert!(
        err.contains("does not implement the policy contract")
            && err.contains("exportctl:policy/host@1.0.0")
            && err.contains("read-file"),
        "{err}"
    );
}

#[test]
fn a_plugin_built_for_another_contract_version_is_refused_at_load() {
    let err = refused(&hostile("contract-v2"));
    assert!(
        err.contains(
            "built for policy contract version 2.0.0, but this host implements 1.0.0 to 1.4.0"
        ),
        "{err}"
    );
}

#[test]
fn a_plugin_reading_a_wire_format_the_host_does_not_write_is_refused_at_load() {
    let err = refused(&hostile("wire-v3"));
    assert!(
        err.contains("it reads shipment wire format 3, but this host writes formats 1 and 2")
            && err.contains("rebuild it with an exportctl-sdk that writes format 2"),
        "{err}"
    );
}

#[test]
fn verbose_prints_what_a_plugin_logs_tagged_with_policy_version_and_shipment() {
    // `hostile-flood` logs (debug) on shipments to Russia only: the first and
    // last of the three. Within its budget, the log changes no verdict.
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "{UNSIGNED}[[policy]]\nplugin = \"{}\"\n[policy.settings]\nlog_calls = 3\nlog_bytes = 12\n",
            hostile("flood").display()
        ),
    );
    let quiet = exportctl(&["check", "--policies", &set, three_shipments()]);
    let verbose = exportctl(&["check", "--verbose", "--policies", &set, three_shipments()]);
    assert_eq!(verbose.stdout, quiet.stdout, "logging changes no verdict");
    assert_eq!(verbose.code, quiet.code);
    assert!(!quiet.stderr.contains("log: "), "{}", quiet.stderr);
    let verdicts = verbose.verdicts();
    let ids: Vec<&str> = verdicts
        .iter()
        .map(|v| v["shipment"].as_str().unwrap_or_default())
        .collect();
    let logged: Vec<&str> = verbose
        .stderr
        .lines()
        .filter(|l| l.starts_with("log: "))
        .collect();
    let expected: Vec<String> = [ids[0], ids[2]]
        .iter()
        .flat_map(|id| {
            std::iter::repeat_n(
                format!(
                    "log: policy `hostile-flood` 0.1.0 on shipment `{id}`: debug: {}",
                    "l".repeat(12)
                ),
                3,
            )
        })
        .collect();
    assert_eq!(logged, expected, "{}", verbose.stderr);
}
