//! `exportctl test`: policy case files run through the real sandbox, as the host
//! runs the policy for a shipment, with a diff for each failing case, JUnit XML for
//! CI systems and the coverage of each policy's rules.
//!
//! A case (`exportctl_sdk::testing::Case`, the format `case_tests!` reads) judges
//! its policy alone: the policy is the plugin given with `--plugin`, else the
//! policy of the set (`--policies`, or the bundled default) whose id names the
//! case's directory (`tests/cases/<policy>/…`). The case's settings replace the
//! set's; without any, the policy runs with its defaults.

use super::test_report::{CaseResult, Coverage, write_junit};
use super::{ExitStatus, TestArgs, load_error_line};
use exportctl::{CodeCache, Host, InstanceMode, Mode, PolicySetConfig, Verdict};
use exportctl_sdk::input::{InputLimits, parse_shipment, read_json_object};
use exportctl_sdk::testing::{Case, expected_findings, load_cases, mismatch};
use exportctl_sdk::{Finding, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub(super) fn run(args: &TestArgs) -> ExitStatus {
    match run_cases(args) {
        Ok(status) => status,
        Err(message) => {
            eprintln!("error: {message}");
            ExitStatus::InvalidInput
        }
    }
}

/// Runs every case; `Err` is a usage problem (nothing was judged).
fn run_cases(args: &TestArgs) -> Result<ExitStatus, String> {
    let files = case_files(&args.paths)?;
    if files.is_empty() {
        return Err(format!(
            "no case files (`*.json`) under {}",
            shown_paths(&args.paths)
        ));
    }
    // Kept until the run ends: the copy of `--plugin` the cases load.
    let mut copy = None;
    let base = base_config(args, &mut copy)?;
    let mut policies = Policies::new(base)?;
    for line in &policies.described {
        println!("{line}");
    }
    let mut results = Vec::new();
    let mut coverage = Coverage::default();
    // The policies some case was for: coverage is reported for these only.
    let mut tested = BTreeSet::new();
    for (dir, cases) in files {
        let cases = load_cases(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .into_iter()
            .filter(|c| cases.contains(&c.name))
            .collect::<Vec<_>>();
        let group = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        for case in cases {
            let started = Instant::now();
            let outcome = policies
                .policy_for(group.as_deref(), args.plugin.is_some())
                .and_then(|(id, entry)| {
                    tested.insert(id.clone());
                    let found = judge(&mut policies, entry, &case)?;
                    check(&case, &found)?;
                    // Only a passing case shows that a rule works.
                    coverage.exercised(&id, &found);
                    Ok(id)
                });
            let name = format!("{}/{}", group.as_deref().unwrap_or("."), case.name);
            let result = CaseResult {
                suite: group.clone().unwrap_or_default(),
                name: case.name.clone(),
                seconds: started.elapsed().as_secs_f64(),
                failure: outcome.as_ref().err().cloned(),
            };
            match &outcome {
                Ok(_) => println!("ok    {name}"),
                Err(why) => println!("FAIL  {name}\n  {}", why.replace('\n', "\n  ")),
            }
            results.push(result);
        }
    }
    for (id, rules) in policies.declared() {
        if tested.contains(&id) {
            coverage.declare(&id, rules);
        }
    }
    let failed = results.iter().filter(|r| r.failure.is_some()).count();
    println!(
        "\n{} cases: {} passed, {failed} failed",
        results.len(),
        results.len() - failed
    );
    if let Some(path) = &args.junit {
        write_junit(path, &results).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut status = if failed == 0 {
        ExitStatus::Allow
    } else {
        ExitStatus::Internal
    };
    if args.coverage || args.min_coverage.is_some() {
        print!("{}", coverage.report());
        if let Some(min) = args.min_coverage {
            let below = coverage.below(min);
            for (id, percent) in &below {
                println!(
                    "coverage of {id}: {percent:.0} % of its rules, below --min-coverage {min}"
                );
            }
            if !below.is_empty() {
                status = ExitStatus::Internal;
            }
        }
    }
    Ok(status)
}

/// The case files under `paths` (files, or directories read one level deep),
/// grouped by directory, each group's file names sorted.
fn case_files(paths: &[PathBuf]) -> Result<BTreeMap<PathBuf, BTreeSet<String>>, String> {
    let mut files: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut add = |file: &Path| {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.entry(dir).or_default().insert(name);
    };
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_file() {
            add(path);
            continue;
        }
        let mut dirs = vec![path.clone()];
        // A directory of cases, or of policies' case directories (`tests/cases`).
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in entries.filter_map(Result::ok) {
            if entry.path().is_dir() {
                dirs.push(entry.path());
            }
        }
        for dir in dirs {
            let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for entry in entries.filter_map(Result::ok) {
                let file = entry.path();
                if file.is_file() && file.extension().is_some_and(|x| x == "json") {
                    add(&file);
                }
            }
        }
    }
    Ok(files)
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The set the cases' policies come from: the plugin alone, the named set, or the
/// bundled default. The plugin is the author's own build, so it is loaded
/// unsigned and a signature beside it is not asked about: it is copied alone into a
/// private directory (`copy`, removed when dropped) and loaded from there.
fn base_config(args: &TestArgs, copy: &mut Option<PluginCopy>) -> Result<PolicySetConfig, String> {
    let config = match (&args.plugin, &args.policies) {
        (Some(plugin), _) => {
            let copied = PluginCopy::new(plugin)?;
            let text = format!(
                "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = {:?}\n",
                copied.path.display().to_string()
            );
            *copy = Some(copied);
            PolicySetConfig::parse(&text, "<exportctl test>", Path::new("."))
        }
        (None, Some(path)) => PolicySetConfig::load(path),
        (None, None) => PolicySetConfig::bundled_default(),
    };
    config.map_err(|e| load_error_line(&e))
}

/// A plugin file copied into a directory of its own, which is removed on drop.
struct PluginCopy {
    dir: PathBuf,
    path: PathBuf,
}

impl PluginCopy {
    fn new(plugin: &Path) -> Result<PluginCopy, String> {
        let bytes = std::fs::read(plugin).map_err(|e| format!("{}: {e}", plugin.display()))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("exportctl-test-{}-{nanos}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let copy = PluginCopy {
            path: dir.join("plugin.wasm"),
            dir,
        };
        std::fs::write(&copy.path, bytes).map_err(|e| format!("{}: {e}", copy.path.display()))?;
        Ok(copy)
    }
}

impl Drop for PluginCopy {
    fn drop(&mut self) {
        // Best effort: a leftover copy in the temp directory harms nothing.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The policies of the base set by id, and one host per (policy, settings).
struct Policies {
    base: PolicySetConfig,
    /// Policy id → index of its entry in `base.policies`.
    ids: BTreeMap<String, usize>,
    /// Hosts already loaded, by entry and settings.
    hosts: BTreeMap<(usize, String), Arc<Host>>,
    /// Each policy's declared rules, as its plugin lists them (`None`: built
    /// before contract 1.4.0, it declares none).
    declared: BTreeMap<String, Option<Vec<String>>>,
    /// A line per policy: version, contract and the shipment wire format it
    /// reads, with a note when that format is older than this host's.
    described: Vec<String>,
    cache: Option<CodeCache>,
}

impl Policies {
    /// Loads each entry of `base` alone once, to learn its policy's id.
    fn new(base: PolicySetConfig) -> Result<Policies, String> {
        let cache = CodeCache::from_env();
        let mut ids = BTreeMap::new();
        let mut declared = BTreeMap::new();
        let mut described = Vec::new();
        for (i, entry) in base.policies.iter().enumerate() {
            if !entry.enabled {
                continue;
            }
            let mut config = base.clone();
            config.policies = vec![entry.clone()];
            let host = Host::builder(config)
                .code_cache(cache.clone())
                .build()
                .map_err(|e| load_error_line(&e))?;
            for p in host.policies() {
                let m = p.plugin.metadata();
                let id = m.id.clone();
                let mut line = format!(
                    "policy {id} {}: contract {}, shipment wire format {}",
                    m.version,
                    m.contract_version,
                    p.plugin.wire_format()
                );
                if p.plugin.wire_format() < u32::from(exportctl_sdk::WIRE_FORMAT) {
                    line.push_str(&format!(
                        " (older than format {}: this plugin was built with an SDK before contract 1.3.0; rebuild it with this SDK to test what a current build does)",
                        exportctl_sdk::WIRE_FORMAT
                    ));
                }
                described.push(line);
                declared.insert(id.clone(), super::test_report::declared_rules(p.plugin));
                ids.insert(id, i);
            }
        }
        Ok(Policies {
            base,
            ids,
            hosts: BTreeMap::new(),
            declared,
            described,
            cache,
        })
    }

    /// The policy a case in directory `group` judges with: the only one when a
    /// plugin was given, else the one whose id is the directory's name.
    fn policy_for(&self, group: Option<&str>, plugin: bool) -> Result<(String, usize), String> {
        if plugin {
            return self
                .ids
                .iter()
                .next()
                .map(|(id, &i)| (id.clone(), i))
                .ok_or_else(|| "the plugin did not load".to_owned());
        }
        let group = group.unwrap_or_default();
        self.ids
            .get(group)
            .map(|&i| (group.to_owned(), i))
            .ok_or_else(|| {
                format!(
                    "no policy `{group}` in the set (its cases' directory names the policy; the set has: {})",
                    self.ids.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })
    }

    /// The host for entry `i` with `settings` (JSON), loaded on first use.
    fn host(&mut self, i: usize, settings: String) -> Result<Arc<Host>, String> {
        if let Some(host) = self.hosts.get(&(i, settings.clone())) {
            return Ok(host.clone());
        }
        let mut entry = self.base.policies[i].clone();
        entry.settings_json = settings.clone();
        // A case states what its policy finds, counted or not.
        entry.mode = Mode::Enforce;
        let mut config = self.base.clone();
        config.policies = vec![entry];
        config.overrides.clear();
        let host = Host::builder(config)
            .code_cache(self.cache.clone())
            .build()
            .map_err(|e| format!("settings: {}", load_error_line(&e)))?;
        self.hosts.insert((i, settings), host.clone());
        Ok(host)
    }

    fn declared(&self) -> impl Iterator<Item = (String, Option<&[String]>)> {
        self.declared
            .iter()
            .map(|(id, r)| (id.clone(), r.as_deref()))
    }
}

/// What a policy found on a case's shipment.
struct Found {
    outcome: Outcome,
    findings: Vec<Finding>,
}

/// Validates the case's shipment as the host does and judges it in a fresh
/// sandbox with the case's settings.
fn judge(policies: &mut Policies, entry: usize, case: &Case) -> Result<Found, String> {
    if case.description.trim().is_empty() {
        return Err("empty description".into());
    }
    let settings = case
        .settings
        .as_ref()
        .map_or_else(|| "{}".to_owned(), ToString::to_string);
    let host = policies.host(entry, settings)?;
    let text = case.shipment.to_string();
    let limits = InputLimits::default();
    let doc = read_json_object(&text, &case.name, &limits).map_err(|e| format!("shipment: {e}"))?;
    let shipment = parse_shipment(&doc, None, &limits).map_err(|e| format!("shipment: {e}"))?;
    let verdict = host.worker_with(InstanceMode::Fresh).evaluate(&shipment);
    found(&verdict)
}

/// The policy's own findings in `verdict`. A policy not in force on the law date
/// found nothing (the host's `not-judged` is not its finding); a policy that
/// failed is a failing case.
fn found(verdict: &Verdict) -> Result<Found, String> {
    if let Some(error) = verdict.policies.iter().find_map(|p| p.error.as_ref()) {
        return Err(format!("the policy failed: {error}"));
    }
    let findings: Vec<Finding> = verdict
        .findings
        .iter()
        .filter(|f| &*f.policy != exportctl::HOST_POLICY)
        .map(|f| f.finding.clone())
        .collect();
    let outcome = findings
        .iter()
        .map(|f| f.outcome())
        .max()
        .unwrap_or(Outcome::Allow);
    Ok(Found { outcome, findings })
}

/// Compares what the policy found with the case's `expect`.
fn check(case: &Case, found: &Found) -> Result<(), String> {
    let rules: BTreeSet<String> = found.findings.iter().map(|f| f.rule().to_owned()).collect();
    if found.outcome != case.expect.outcome || rules != case.expect.rules {
        return Err(mismatch(
            &case.expect,
            found.outcome,
            &rules,
            &found.findings,
        ));
    }
    expected_findings(&case.expect, &found.findings)
}

impl Coverage {
    /// Counts the rules of `found` as exercised by one more case of `policy`.
    fn exercised(&mut self, policy: &str, found: &Found) {
        let rules: BTreeSet<&str> = found.findings.iter().map(|f| f.rule()).collect();
        for rule in rules {
            self.add(policy, rule);
        }
    }
}
