//! Policies written in Python (`sdk-python/`, `exportctl policy build` with
//! componentize-py): the SDK's own tests under pytest, the example policy
//! (`plugins/kg-am-reexport`) through its cases in the real sandbox and against the
//! Rust policy it overlaps, the tables both SDKs carry compared entry by entry, a
//! `policy new --lang python` project from scaffold to a signed plugin a set runs,
//! and a hostile Python policy whose every attempt outside the sandbox fails closed
//! or gives the same answer on every run.
//!
//! The build tool and pytest are installed once into the target directory
//! (`python-tools/`, `python-tests/`) and kept between runs.

use crate::support::{exportctl_in, repo, temp_dir, write};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The pytest release the suite runs the Python tests with.
const PYTEST: &str = "pytest==9.2.0";

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from)
}

/// Where `policy build` installs componentize-py for the suite: kept in the target
/// directory, so only the first run on a machine downloads it.
pub(crate) fn python_tools() -> PathBuf {
    target().join("python-tools")
}

/// Runs `exportctl` in `dir` with the suite's Python tools directory.
pub(crate) fn exportctl_py(dir: &Path, args: &[&str]) -> crate::support::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_exportctl"));
    cmd.args(args)
        .current_dir(dir)
        .env("EXPORTCTL_PYTHON_TOOLS", python_tools())
        .env_remove("EXPORTCTL_COMPONENTIZE_PY");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start exportctl: {e}"));
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The component of the Python project at `project` (relative to the repository),
/// built once per test run with `exportctl policy build`.
pub(crate) fn python_plugin(project: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Mutex::default);
    // One build at a time: each peaks at a few hundred MB and both cores.
    let mut built = built
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(path) = built.get(project) {
        return path.clone();
    }
    let out_dir = target().join("python-plugins");
    std::fs::create_dir_all(&out_dir).unwrap();
    let name = Path::new(project)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = out_dir.join(format!("{name}.wasm"));
    let out_arg = out.display().to_string();
    let run = exportctl_py(
        &repo().join(project),
        &["policy", "build", "--out", &out_arg],
    );
    assert_eq!(run.code, 0, "building {project} failed: {run:?}");
    built.insert(project.to_owned(), out.clone());
    out
}

/// A Python with pytest, installed once into the target directory.
fn pytest_python() -> PathBuf {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = target().join("python-tests");
        let python = venv.join("bin/python");
        let has_pytest = |python: &Path| {
            Command::new(python)
                .args(["-m", "pytest", "--version"])
                .output()
                .is_ok_and(|o| {
                    o.status.success() && String::from_utf8_lossy(&o.stdout).contains(&PYTEST[8..])
                })
        };
        if !has_pytest(&python) {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .unwrap_or_else(|e| panic!("cannot run python3 -m venv: {e}"));
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let installed = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    PYTEST,
                ])
                .status()
                .unwrap_or_else(|e| panic!("cannot run pip: {e}"));
            assert!(installed.success(), "pip install {PYTEST} failed");
        }
        python
    })
    .clone()
}

/// `python -m pytest` in `dir`; panics with its output unless every test passed.
/// Returns what it printed.
pub(crate) fn pytest(dir: &Path) -> String {
    let out = Command::new(pytest_python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(dir)
        .env_remove("PYTHONPATH")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pytest: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pytest failed in {}:\n{stdout}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// How many tests a pytest summary line says passed.
fn passed(summary: &str) -> usize {
    summary
        .lines()
        .rev()
        .find_map(|l| {
            l.split(" passed")
                .next()
                .and_then(|n| n.rsplit(' ').next()?.parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn the_python_sdk_passes_its_tests_under_plain_pytest() {
    let out = pytest(&repo().join("sdk-python"));
    // The golden buffer of the Rust SDK's test is among them.
    assert!(passed(&out) >= 50, "{out}");
}

/// A Python program run with the SDK importable; its standard output.
fn python_with_sdk(program: &str) -> String {
    let out = Command::new(pytest_python())
        .args(["-c", program])
        .env("PYTHONPATH", repo().join("sdk-python"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run python: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn both_sdks_carry_the_same_country_region_and_chpl_tables() {
    use exportctl_sdk::{country_sets, region_sets};
    let shown = python_with_sdk(
        "import json\n\
         from exportctl_sdk import country_sets, region_sets, chpl\n\
         sets = lambda ns, names: {n: [getattr(ns, n).name, getattr(ns, n).source, sorted(getattr(ns, n).members)] for n in names}\n\
         print(json.dumps({\n\
           'countries': sets(country_sets, ['EU27', 'EAEU', 'CIS', 'RUSSIA_BELARUS', 'ANNEX_VIII_PARTNERS', 'TRANSSHIPMENT_RISK']),\n\
           'regions': sets(region_sets, ['CRIMEA_SEVASTOPOL', 'DONETSK_LUHANSK', 'ZAPORIZHZHIA_KHERSON']),\n\
           'chpl': sorted([item.hs6, item.tier] for item in chpl.ITEMS),\n\
           'chpl_source': chpl.SOURCE,\n\
         }))",
    );
    let python: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let country = |s: &exportctl_sdk::CountrySet| {
        let mut members: Vec<&str> = s.members.iter().map(|c| c.as_str()).collect();
        members.sort_unstable();
        serde_json::json!([s.name, s.source, members])
    };
    let region = |s: &exportctl_sdk::RegionSet| {
        let mut members = s.members.to_vec();
        members.sort_unstable();
        serde_json::json!([s.name, s.source, members])
    };
    let rust = serde_json::json!({
        "countries": {
            "EU27": country(&country_sets::EU27),
            "EAEU": country(&country_sets::EAEU),
            "CIS": country(&country_sets::CIS),
            "RUSSIA_BELARUS": country(&country_sets::RUSSIA_BELARUS),
            "ANNEX_VIII_PARTNERS": country(&country_sets::ANNEX_VIII_PARTNERS),
            "TRANSSHIPMENT_RISK": country(&country_sets::TRANSSHIPMENT_RISK),
        },
        "regions": {
            "CRIMEA_SEVASTOPOL": region(&region_sets::CRIMEA_SEVASTOPOL),
            "DONETSK_LUHANSK": region(&region_sets::DONETSK_LUHANSK),
            "ZAPORIZHZHIA_KHERSON": region(&region_sets::ZAPORIZHZHIA_KHERSON),
        },
        "chpl": exportctl_sdk::chpl::CHPL.entries().iter()
            .map(|(code, tier)| serde_json::json!([code, tier.code()]))
            .collect::<Vec<_>>(),
        "chpl_source": exportctl_sdk::chpl::SOURCE,
    });
    assert_eq!(python["countries"], rust["countries"]);
    assert_eq!(python["regions"], rust["regions"]);
    assert_eq!(python["chpl"], rust["chpl"]);
    assert_eq!(python["chpl_source"], rust["chpl_source"]);
}

#[test]
fn both_sdks_classify_control_codes_and_match_hs_codes_alike() {
    use exportctl_sdk::{ControlCode, HsCode};
    let codes = [
        "3A991.a",
        "5A002.a.1",
        "ML10",
        "ml13.d",
        "EAR99",
        "0A501.a",
        "9A515.x",
        "9A610",
        "1C350",
        "X.A.I.001",
        "x.a.i.001.a",
        "PL5001",
        "3a001.b.2",
        "ML22",
        "ML23",
        "",
        "600",
        "5D992.c",
        "0A521",
        "9E619",
        "2B350.g.3",
        "4A994",
        "1A005",
    ];
    let patterns = [
        "85",
        "8542",
        "854231",
        "8542.31",
        "8542 31 90",
        "85423190",
        "9",
        "",
        "8543",
    ];
    let hs = ["854231", "85423190", "8542399000", "854110", "940360"];
    let program = format!(
        "import json\n\
         from exportctl_sdk import ControlCode, HsCode\n\
         codes = {codes:?}\n\
         patterns = {patterns:?}\n\
         hs = {hs:?}\n\
         print(json.dumps({{\n\
           'codes': [[c.printed, c.is_military, c.is_dual_use] for c in map(ControlCode.parse, codes)],\n\
           'matches': [[h, p, HsCode.parse(h).matches(p), str(HsCode.parse(h))] for h in hs for p in patterns],\n\
         }}))",
    );
    let python: serde_json::Value = serde_json::from_str(&python_with_sdk(&program)).unwrap();
    let rust = serde_json::json!({
        "codes": codes.iter().map(|c| {
            let c = ControlCode::parse(c);
            serde_json::json!([c.to_string(), c.is_military(), c.is_dual_use()])
        }).collect::<Vec<_>>(),
        "matches": hs.iter().flat_map(|h| patterns.iter().map(move |p| {
            let code = HsCode::parse(h).unwrap();
            serde_json::json!([h, p, code.matches(p), code.to_string()])
        })).collect::<Vec<_>>(),
    });
    assert_eq!(python["codes"], rust["codes"]);
    assert_eq!(python["matches"], rust["matches"]);
}

/// The hostile Python policy (`tests/python-plugins/hostile`).
const HOSTILE: &str = "tests/python-plugins/hostile";

/// The path of an example shipment none of the Python policies objects to by itself.
fn furniture() -> String {
    repo()
        .join("tests/examples/de-furniture-to-kz.json")
        .display()
        .to_string()
}

/// The verdict of `check` for one shipment against a policy set file.
fn verdict(dir: &Path, set: &str, shipment: &str) -> serde_json::Value {
    let run = exportctl_in(dir, &["check", "--policies", set, shipment], None);
    assert!([0, 3, 4, 5].contains(&run.code), "{run:?}");
    run.verdicts().remove(0)
}

/// A policy set running one unsigned Python plugin with `settings` (a TOML inline
/// table) in `instance` mode.
fn python_set(dir: &Path, plugin: &Path, settings: &str, instance: &str) -> String {
    write(
        dir,
        "python-set.toml",
        format!(
            "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = \"{}\"\ninstance = \"{instance}\"\nsettings = {settings}\n",
            plugin.display()
        ),
    )
}

#[test]
fn a_hostile_python_policy_fails_closed_or_repeats_itself_exactly() {
    let plugin = python_plugin(HOSTILE);
    let dir = temp_dir();
    let shipment = furniture();
    // Two shipments in one run, in a fresh sandbox each: the second must see what the first saw.
    let two = {
        let text = std::fs::read_to_string(&shipment).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let first = doc.to_string();
        doc["id"] = "SECOND".into();
        write(dir.path(), "two.jsonl", format!("{first}\n{doc}\n"))
    };
    let messages = |verdict: &serde_json::Value| -> Vec<String> {
        verdict["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["message"]))
            .collect()
    };
    // Each WASI function the interpreter would call is a stub that traps; the error
    // names the C library's call and its caller.
    let stub = "plugin trapped: wasm trap: wasm `unreachable` instruction executed (a call to the system: ";
    for (attack, stopped_by) in [
        (
            "open",
            Some(format!(
                "{stub}`open` in the plugin's C library, from `_io_FileIO___init__`"
            )),
        ),
        ("socket", Some(stub.to_owned())),
        ("urandom", Some(format!("{stub}`__getentropy`"))),
        ("clock", Some(format!("{stub}`__clock_gettime`"))),
        ("loop", Some("fuel limit of 500000000 exhausted".to_owned())),
        (
            "allocate",
            Some("memory limit of 64 MiB exceeded".to_owned()),
        ),
        (
            "raise",
            Some("policy raised RuntimeError: a policy bug".to_owned()),
        ),
        ("environ", None),
        ("random", None),
        ("none", None),
    ] {
        let set = python_set(
            dir.path(),
            &plugin,
            &format!("{{ attack = \"{attack}\" }}"),
            "fresh",
        );
        let first = verdict(dir.path(), &set, &shipment);
        let again = verdict(dir.path(), &set, &shipment);
        let run = exportctl_in(dir.path(), &["check", "--policies", &set, &two], None);
        let both = run.verdicts();
        assert_eq!(both.len(), 2, "{attack}: {run:?}");
        let error = &first["policies"][0]["error"];
        match stopped_by {
            Some(why) => {
                let error = error
                    .as_str()
                    .unwrap_or_else(|| panic!("{attack} was not stopped: {first}"));
                assert!(error.contains(why.as_str()), "{attack}: {error}");
                assert_ne!(first["outcome"], "allow", "{attack}: {first}");
                assert!(
                    crate::support::rules(&first).contains(&"policy-error".to_owned()),
                    "{attack}: {first}"
                );
            }
            None => {
                assert!(error.is_null(), "{attack}: {first}");
                assert_eq!(
                    crate::support::rules(&first),
                    ["hostile-saw"],
                    "{attack}: {first}"
                );
            }
        }
        // The same every time: across processes and across shipments of one run.
        assert_eq!(messages(&first), messages(&again), "{attack}");
        let second: Vec<String> = messages(&both[1])
            .iter()
            .map(|m| m.replace("`SECOND`", "`SO-2024-00310`"))
            .collect();
        assert_eq!(messages(&both[0]), second, "{attack}");
        assert_eq!(first["outcome"], both[1]["outcome"], "{attack}");
    }
    // What the environment attempt saw is the build's empty environment, not the host's.
    let set = python_set(dir.path(), &plugin, "{ attack = \"environ\" }", "fresh");
    let seen = verdict(dir.path(), &set, &shipment);
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    assert!(!seen.to_string().contains(&home), "{seen}");
    assert!(!seen.to_string().contains("CARGO"), "{seen}");
}

#[test]
fn a_python_component_imports_nothing_but_the_contract() {
    let plugin = python_plugin(HOSTILE);
    let run = exportctl_py(
        &repo(),
        &[
            "policy",
            "inspect",
            "--format",
            "json",
            &plugin.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let shown: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let shown = &shown["policy"];
    let imports: Vec<&str> = shown["imports"]
        .as_array()
        .unwrap_or_else(|| panic!("{shown}"))
        .iter()
        .filter_map(|i| i.as_str())
        .collect();
    assert!(!imports.is_empty(), "{shown}");
    for import in &imports {
        assert!(
            import.starts_with("exportctl:policy/"),
            "{import} in {shown}"
        );
    }
    assert_eq!(shown["wire_format"], 2, "{shown}");
    assert_eq!(shown["rules"][0]["id"], "hostile-saw", "{shown}");
}

#[test]
fn a_bad_setting_of_a_python_policy_is_named_when_the_set_loads() {
    let plugin = python_plugin(HOSTILE);
    let dir = temp_dir();
    let set = python_set(dir.path(), &plugin, "{ attack = \"teleport\" }", "fresh");
    let shipment = furniture();
    let run = exportctl_in(dir.path(), &["check", "--policies", &set, &shipment], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("attack: must be one of"),
        "{}",
        run.stderr
    );
    let set = python_set(dir.path(), &plugin, "{ atack = \"none\" }", "fresh");
    let run = exportctl_in(dir.path(), &["check", "--policies", &set, &shipment], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("unknown field `atack`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_python_project_without_its_table_or_sdk_is_refused_with_what_to_write() {
    let dir = temp_dir();
    write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
    let run = exportctl_py(dir.path(), &["policy", "build"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("[tool.exportctl] is missing"),
        "{}",
        run.stderr
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.exportctl]\npolicy = \"x:X\"\nsdk = \"nowhere\"\n",
    );
    let run = exportctl_py(dir.path(), &["policy", "build"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("the Python SDK is not at"),
        "{}",
        run.stderr
    );
    // A policy whose module fails at import: the build says so, with Python's traceback.
    std::fs::create_dir_all(dir.path().join("x")).unwrap();
    write(
        &dir.path().join("x"),
        "__init__.py",
        "raise ImportError('no such rule book')\n",
    );
    write(
        dir.path(),
        "pyproject.toml",
        format!(
            "[project]\nname = \"x\"\n[tool.exportctl]\npolicy = \"x:X\"\nsdk = \"{}\"\n",
            repo().join("sdk-python").display()
        ),
    );
    let run = exportctl_py(dir.path(), &["policy", "build"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no such rule book"), "{}", run.stderr);
    assert!(
        run.stderr.contains("componentize-py could not build"),
        "{}",
        run.stderr
    );
}

/// The example Python policy and its case files.
const EXAMPLE: &str = "plugins/kg-am-reexport";

#[test]
fn the_example_python_policy_passes_pytest_and_every_case_in_the_sandbox() {
    let out = pytest(&repo().join(EXAMPLE));
    assert!(passed(&out) >= 50, "{out}");
    let plugin = python_plugin(EXAMPLE).display().to_string();
    let run = exportctl_py(
        &repo().join(EXAMPLE),
        &[
            "test",
            "--plugin",
            &plugin,
            "--coverage",
            "--min-coverage",
            "100",
            "tests/cases/kg-am-reexport",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let cases = std::fs::read_dir(repo().join(EXAMPLE).join("tests/cases/kg-am-reexport"))
        .unwrap()
        .count();
    assert!(cases >= 12, "{cases} cases");
    assert!(
        run.stdout
            .contains(&format!("{cases} cases: {cases} passed, 0 failed")),
        "{}",
        run.stdout
    );
}

/// `(lines, parties)` of the finding of `rule` in `verdict`, sorted.
fn concerns(verdict: &serde_json::Value, rule: &str) -> Option<(Vec<u64>, Vec<String>)> {
    let finding = verdict["findings"]
        .as_array()?
        .iter()
        .find(|f| f["rule"] == rule)?;
    let mut lines: Vec<u64> = finding["lines"]
        .as_array()?
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .collect();
    let mut parties: Vec<String> = finding["parties"]
        .as_array()?
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    lines.sort_unstable();
    parties.sort_unstable();
    Some((lines, parties))
}

#[test]
fn where_the_python_policy_overlaps_chpl_diversion_both_name_the_same_lines_and_parties() {
    let plugin = python_plugin(EXAMPLE);
    let dir = temp_dir();
    let mut compared = Vec::new();
    let cases = repo().join(EXAMPLE).join("tests/cases/kg-am-reexport");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let expects_overlap = case["expect"]["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r == "kg-am-chpl-transshipment-risk"));
        let settings = case
            .get("settings")
            .cloned()
            .unwrap_or(serde_json::json!({}));
        // The forwarder words are a setting of each policy; a case that changes them
        // for one only is not a comparison.
        if !expects_overlap || settings.get("forwarder_name_words").is_some() {
            continue;
        }
        let settings: toml::Value = serde_json::from_value(settings).unwrap();
        let set = write(
            dir.path(),
            "both.toml",
            format!(
                "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = \"chpl-diversion\"\n\n\
                 [[policy]]\nplugin = \"{}\"\nsettings = {settings}\n",
                plugin.display()
            ),
        );
        let shipment = write(dir.path(), "shipment.json", case["shipment"].to_string());
        let v = verdict(dir.path(), &set, &shipment);
        let rust = concerns(&v, "chpl-transshipment-risk");
        let python = concerns(&v, "kg-am-chpl-transshipment-risk");
        assert!(python.is_some(), "{}: {v}", file.display());
        assert_eq!(python, rust, "{}: {v}", file.display());
        compared.push(file);
    }
    assert!(
        compared.len() >= 8,
        "only {} cases compared",
        compared.len()
    );

    // Both name a forwarder by the same default words: the Python policy keeps a copy.
    let example = repo().join(EXAMPLE);
    let shown = Command::new(pytest_python())
        .args([
            "-c",
            "import json\nfrom kg_am_reexport.forwarder_as_end_user import DEFAULT_FORWARDER_WORDS as W\nprint(json.dumps(list(W)))",
        ])
        .env(
            "PYTHONPATH",
            format!("{}:{}", example.display(), repo().join("sdk-python").display()),
        )
        .output()
        .unwrap();
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let python: Vec<String> = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(python, chpl_diversion::red_flags::DEFAULT_FORWARDER_WORDS);
}

#[test]
fn a_new_python_policy_tests_builds_signs_and_judges_shipments() {
    let dir = temp_dir();
    let run = exportctl_py(
        dir.path(),
        &["policy", "new", "acme-py", "--lang", "python"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let project = dir.path().join("acme-py");
    for file in [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "acme_py/__init__.py",
        "acme_py/section_1_destinations.py",
        "acme_py/settings.py",
        "tests/test_settings.py",
        "tests/cases/acme-py/listed-destination-review.json",
    ] {
        assert!(project.join(file).is_file(), "no {file}");
    }
    // The rule's and the settings' tests, and the three case files with their coverage.
    let tests = pytest(&project);
    assert!(passed(&tests) >= 10, "{tests}");

    let keygen = exportctl_py(
        dir.path(),
        &["policy", "keygen", "--unencrypted", "publisher"],
    );
    assert_eq!(keygen.code, 0, "{keygen:?}");
    let public = std::fs::read_to_string(dir.path().join("publisher.pub")).unwrap();
    let public = public.lines().last().unwrap().to_owned();
    let key = dir.path().join("publisher.key").display().to_string();
    let build = exportctl_py(&project, &["policy", "build", "--sign", &key]);
    assert_eq!(build.code, 0, "{build:?}");
    let plugin = project.join("acme-py.wasm");
    let sha256 = exportctl::Plugin::sha256_of(&std::fs::read(&plugin).unwrap());
    assert!(
        build.stdout.contains(&format!("sha256:    {sha256}")),
        "{}",
        build.stdout
    );
    assert!(project.join("acme-py.wasm.minisig").is_file());

    // The same three case files as the Rust template's, in the sandbox, every rule covered.
    let cases = exportctl_py(
        &project,
        &[
            "test",
            "--plugin",
            "acme-py.wasm",
            "--coverage",
            "--min-coverage",
            "100",
        ],
    );
    assert_eq!(cases.code, 0, "{cases:?}");
    assert!(
        cases.stdout.contains("3 cases: 3 passed, 0 failed"),
        "{}",
        cases.stdout
    );

    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "[[trust.publisher]]\nname = \"Acme compliance\"\npublic_key = \"{public}\"\n\
             policies = [\"acme-py\"]\n\n[[policy]]\nplugin = \"{}\"\n\n\
             [policy.settings]\ndestinations = [\"ae\", \"TR\"]\n",
            plugin.display()
        ),
    );
    let case: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            project.join("tests/cases/acme-py/listed-destination-review.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let shipment = write(dir.path(), "to-ae.json", case["shipment"].to_string());
    let v = verdict(dir.path(), &set, &shipment);
    assert_eq!(v["outcome"], "review", "{v}");
    assert_eq!(crate::support::rules(&v), ["section-1-destination"], "{v}");
    assert_eq!(v["findings"][0]["lines"], serde_json::json!([1]), "{v}");
    assert!(
        v["policies"][0]["signed_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("Acme compliance (key ")),
        "{v}"
    );
    // A damaged signature is refused when the set loads.
    std::fs::write(
        project.join("acme-py.wasm.minisig"),
        std::fs::read(project.join("acme-py.wasm.minisig"))
            .unwrap()
            .iter()
            .map(|b| b ^ 1)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let run = exportctl_in(dir.path(), &["check", "--policies", &set, &shipment], None);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn both_sdks_reduce_company_names_alike() {
    use exportctl_sdk::entity_name;
    let names = [
        "ТОО «Шёлковый Путь»",
        "Shelkovyy Put LLP",
        "ОсОО «Тянь-Шань Компонент»",
        "Silk Road Logistics TOO",
        "Müller & Söhne GmbH",
        "L.L.C. Inter-Treid Elektro",
        "Երևան Էլեկտրոնիկա ՍՊԸ",
        "ООО «Экспедиция Север»",
        "A.Ş.",
        "Limited Liability Partnership",
        "Φειδιππίδης Α.Ε.",
        "Xi’an Like Int'l Co., Ltd.",
        "JSC \"Almaty Transit\"",
        "",
    ];
    let program = format!(
        "import json\n\
         from exportctl_sdk import entity_name\n\
         names = {names:?}\n\
         print(json.dumps([[entity_name.comparison_key(n), entity_name.words(n)] for n in names]))",
    );
    let python: serde_json::Value = serde_json::from_str(&python_with_sdk(&program)).unwrap();
    let rust = serde_json::json!(
        names
            .iter()
            .map(|n| serde_json::json!([entity_name::comparison_key(n), entity_name::words(n)]))
            .collect::<Vec<_>>()
    );
    assert_eq!(python, rust);
}

#[test]
fn a_memory_cap_below_a_python_policys_initial_memory_is_refused_at_load_with_the_fix() {
    let plugin = python_plugin(HOSTILE);
    let dir = temp_dir();
    let shipment = furniture();
    let entry = format!(
        "[[policy]]\nplugin = \"{}\"\nlimits = {{ memory_mib = 8 }}\n",
        plugin.display()
    );
    // The cap of every policy of the set is below the interpreter's 12.8 MiB.
    let alone = write(
        dir.path(),
        "alone.toml",
        format!("[trust]\nallow_unsigned = true\n\n{entry}"),
    );
    // Another policy's cap is above it: the plugin compiles, but its sandbox cannot start.
    let beside = write(
        dir.path(),
        "beside.toml",
        format!(
            "[trust]\nallow_unsigned = true\n\n[[policy]]\nplugin = \"kz-export-control\"\n\n{entry}"
        ),
    );
    for (set, says) in [
        (&alone, "memory has a minimum byte size of"),
        (&beside, "could not check its settings"),
    ] {
        let run = exportctl_in(dir.path(), &["check", "--policies", set, &shipment], None);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "raise the policy's `limits.memory_mib` (a Python policy starts with about 13 MiB)"
            ),
            "{}",
            run.stderr
        );
    }
}
