//! `exportctl policy new` and `policy build`: a policy crate created outside the
//! repository passes its own tests, builds into a component (the same bytes from
//! another directory), is signed, and judges shipments in a policy set that trusts
//! its key; bad names and occupied directories are refused with exit status 2.

use crate::support::{exportctl_in, repo, temp_dir, write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A target directory shared by every run of these tests, so the SDK and its
/// dependencies stay compiled between runs.
pub(crate) fn shared_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo().join("target"), PathBuf::from)
        .join("policy-new")
}

/// `cargo test --release` in the crate, offline; panics with cargo's output on failure.
fn cargo_test(crate_dir: &Path, target: &Path) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--release"])
        .current_dir(crate_dir)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "cargo test failed in the new crate:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The shipment of one of the crate's own case files.
fn case_shipment(crate_dir: &Path, case: &str) -> String {
    let path = crate_dir.join("tests/cases/acme-rules").join(case);
    let text = std::fs::read_to_string(&path).unwrap();
    let case: serde_json::Value = serde_json::from_str(&text).unwrap();
    case["shipment"].to_string()
}

#[test]
fn a_new_policy_tests_builds_signs_and_judges_shipments_outside_the_repository() {
    let started = Instant::now();
    let dir = temp_dir();
    assert!(
        !dir.path().starts_with(repo()),
        "the crate must live outside the repository"
    );
    let run = exportctl_in(dir.path(), &["policy", "new", "acme-rules"], None);
    assert_eq!(run.code, 0, "{run:?}");
    let crate_dir = dir.path().join("acme-rules");
    for file in [".gitignore", "README.md", "src/lib.rs", "tests/cases.rs"] {
        assert!(crate_dir.join(file).is_file(), "no {file}");
    }

    // The code handed to the author is already formatted as rustfmt would.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let fmt = Command::new(&cargo)
        .args(["fmt", "--check"])
        .current_dir(&crate_dir)
        .output()
        .unwrap();
    assert!(
        fmt.status.success(),
        "the new crate is not formatted:\n{}",
        String::from_utf8_lossy(&fmt.stdout)
    );

    let target = shared_target();
    let tests = cargo_test(&crate_dir, &target);
    for test in [
        "every_case_gives_its_expected_outcome_and_rules ... ok",
        "the_cases_cover_every_rule_and_outcome ... ok",
        "a_bad_setting_is_named ... ok",
    ] {
        assert!(tests.contains(test), "{test} did not run:\n{tests}");
    }
    let tested = started.elapsed();

    let keygen = exportctl_in(
        dir.path(),
        &["policy", "keygen", "--unencrypted", "publisher"],
        None,
    );
    assert_eq!(keygen.code, 0, "{keygen:?}");
    let public = std::fs::read_to_string(dir.path().join("publisher.pub")).unwrap();
    let public = public.lines().last().unwrap();
    let key = dir.path().join("publisher.key").display().to_string();
    let target_arg = target.display().to_string();
    let build = exportctl_in(
        &crate_dir,
        &[
            "policy",
            "build",
            "--target-dir",
            &target_arg,
            "--sign",
            &key,
        ],
        None,
    );
    assert_eq!(build.code, 0, "{build:?}");
    let plugin = crate_dir.join("acme-rules.wasm");
    assert!(
        build
            .stdout
            .contains(&format!("component: {}", plugin.display())),
        "{}",
        build.stdout
    );
    let bytes = std::fs::read(&plugin).unwrap();
    let sha256 = exportctl::Plugin::sha256_of(&bytes);
    assert!(
        build.stdout.contains(&format!("sha256:    {sha256}")),
        "{}",
        build.stdout
    );
    assert!(crate_dir.join("acme-rules.wasm.minisig").is_file());
    let built = started.elapsed();

    // The crate's own cases pass in the sandbox too, with coverage of its rules.
    let in_sandbox = exportctl_in(
        &crate_dir,
        &["test", "--plugin", "acme-rules.wasm", "--coverage"],
        None,
    );
    assert_eq!(in_sandbox.code, 0, "{in_sandbox:?}");
    assert!(
        in_sandbox.stdout.contains("3 cases: 3 passed, 0 failed"),
        "{}",
        in_sandbox.stdout
    );
    assert!(
        in_sandbox.stdout.contains("section-1-destination"),
        "{}",
        in_sandbox.stdout
    );

    // Reproducible: the same sources and lock file elsewhere give the same bytes.
    let twin = dir.path().join("elsewhere/twin");
    let run = exportctl_in(
        dir.path(),
        &["policy", "new", "acme-rules", "--dir", "elsewhere/twin"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    std::fs::copy(crate_dir.join("Cargo.lock"), twin.join("Cargo.lock")).unwrap();
    let rebuild = exportctl_in(
        &twin,
        &["policy", "build", "--target-dir", &target_arg],
        None,
    );
    assert_eq!(rebuild.code, 0, "{rebuild:?}");
    assert!(
        rebuild.stdout.contains(&format!("sha256:    {sha256}")),
        "a rebuild in another directory differs:\n{}\n{}",
        build.stdout,
        rebuild.stdout
    );
    let rebuilt = started.elapsed();

    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "[[trust.publisher]]\nname = \"Acme compliance\"\npublic_key = \"{public}\"\n\
             policies = [\"acme-rules\"]\n\n[[policy]]\nplugin = \"{}\"\n\n\
             [policy.settings]\ndestinations = [\"AE\", \"TR\"]\n",
            plugin.display()
        ),
    );
    let listed = write(
        dir.path(),
        "to-ae.json",
        case_shipment(&crate_dir, "listed-destination-review.json"),
    );
    let run = exportctl_in(dir.path(), &["check", "--policies", &set, &listed], None);
    assert_eq!(run.code, 3, "{run:?}");
    let v = &run.verdicts()[0];
    assert_eq!(v["outcome"], "review", "{v}");
    assert_eq!(crate::support::rules(v), ["section-1-destination"], "{v}");
    assert_eq!(v["findings"][0]["policy"], "acme-rules", "{v}");
    assert_eq!(
        v["findings"][0]["legal_basis"],
        "Internal Compliance Programme §1 Destinations under review",
        "{v}"
    );
    assert!(
        v["policies"][0]["signed_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("Acme compliance (key ")),
        "{v}"
    );

    let unlisted = write(
        dir.path(),
        "to-ch.json",
        case_shipment(&crate_dir, "unlisted-destination-allow.json"),
    );
    let run = exportctl_in(dir.path(), &["check", "--policies", &set, &unlisted], None);
    assert_eq!(run.code, 0, "{run:?}");
    let v = &run.verdicts()[0];
    assert_eq!(v["outcome"], "allow", "{v}");
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    assert_eq!(v["policies"][0]["outcome"], "allow", "{v}");
    eprintln!(
        "policy new → cargo test: {:.1?}; → policy build --sign: {:.1?}; rebuild elsewhere: {:.1?}; total {:.1?}",
        tested,
        built - tested,
        rebuilt - built,
        started.elapsed()
    );
}

#[test]
fn a_name_that_is_not_kebab_case_is_refused_and_nothing_is_written() {
    let dir = temp_dir();
    for name in [
        "Acme-Rules",
        "acme_rules",
        "acme--rules",
        "acme-",
        "1acme",
        "-acme",
    ] {
        let run = exportctl_in(dir.path(), &["policy", "new", "--", name], None);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(
            run.stderr.contains(&format!(
                "NAME `{name}` is not a valid policy id: use kebab-case"
            )),
            "{name}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_existing_non_empty_directory_is_refused_and_left_alone() {
    let dir = temp_dir();
    let occupied = dir.path().join("acme-rules");
    std::fs::create_dir(&occupied).unwrap();
    write(&occupied, "notes.txt", "keep me");
    let run = exportctl_in(dir.path(), &["policy", "new", "acme-rules"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "`acme-rules` exists and is not empty; refusing to write a policy crate into it"
        ),
        "{}",
        run.stderr
    );
    let other = dir.path().join("elsewhere");
    std::fs::create_dir(&other).unwrap();
    write(&other, "Cargo.toml", "[package]\nname = \"x\"\n");
    let run = exportctl_in(
        dir.path(),
        &["policy", "new", "acme-rules", "--dir", "elsewhere"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("`elsewhere` exists and is not empty"),
        "{}",
        run.stderr
    );
    let entries: Vec<_> = std::fs::read_dir(&occupied).unwrap().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        std::fs::read_to_string(occupied.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn an_empty_directory_is_used_and_a_wrong_sdk_path_is_refused() {
    let dir = temp_dir();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let run = exportctl_in(
        dir.path(),
        &[
            "policy",
            "new",
            "acme-rules",
            "--dir",
            "empty",
            "--sdk-path",
            "nowhere",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("--sdk-path `nowhere` is not the exportctl SDK"),
        "{}",
        run.stderr
    );
    let sdk = repo().join("sdk").display().to_string();
    let run = exportctl_in(
        dir.path(),
        &[
            "policy",
            "new",
            "acme-rules",
            "--dir",
            "empty",
            "--sdk-path",
            &sdk,
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let manifest = std::fs::read_to_string(dir.path().join("empty/Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&manifest).unwrap();
    let canonical = repo().join("sdk").canonicalize().unwrap();
    assert_eq!(
        manifest["dependencies"]["exportctl-sdk"]["path"].as_str(),
        Some(canonical.display().to_string().as_str())
    );
    assert_eq!(manifest["package"]["name"].as_str(), Some("acme-rules"));
    assert!(manifest.contains_key("workspace"));
}

#[test]
fn building_a_directory_without_a_crate_names_the_manifest() {
    let dir = temp_dir();
    let run = exportctl_in(dir.path(), &["policy", "build"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("Cargo.toml") && run.stderr.contains("exportctl policy new"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_registry_sdk_version_is_written_for_both_dependencies() {
    let dir = temp_dir();
    let run = exportctl_in(
        dir.path(),
        &["policy", "new", "acme-rules", "--sdk-version", "0.1.0"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let manifest = std::fs::read_to_string(dir.path().join("acme-rules/Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&manifest).unwrap();
    let sdk = &manifest["dependencies"]["exportctl-sdk"];
    assert_eq!(sdk.get("version").and_then(|v| v.as_str()), Some("0.1.0"));
    assert!(sdk.get("path").is_none(), "{sdk}");
    let testing = &manifest["dev-dependencies"]["exportctl-sdk"];
    assert_eq!(
        testing.get("version").and_then(|v| v.as_str()),
        Some("0.1.0")
    );
    assert_eq!(testing["features"], toml::Value::from(vec!["testing"]));
}

#[test]
fn building_without_the_wasm_target_says_how_to_add_it() {
    let dir = temp_dir();
    let run = exportctl_in(dir.path(), &["policy", "new", "acme-rules"], None);
    assert_eq!(run.code, 0, "{run:?}");
    // A toolchain whose sysroot has no wasm32-unknown-unknown library.
    let sysroot = dir.path().join("sysroot");
    std::fs::create_dir_all(sysroot.join("lib/rustlib/x86_64-unknown-linux-gnu")).unwrap();
    let rustc = dir.path().join("rustc");
    std::fs::write(&rustc, format!("#!/bin/sh\necho '{}'\n", sysroot.display())).unwrap();
    let mut permissions = std::fs::metadata(&rustc).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&rustc, permissions).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_exportctl"))
        .args(["policy", "build"])
        .current_dir(dir.path().join("acme-rules"))
        .env("RUSTC", &rustc)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the Rust target wasm32-unknown-unknown is not installed")
            && stderr.contains("run `rustup target add wasm32-unknown-unknown`"),
        "{stderr}"
    );
    assert!(!dir.path().join("acme-rules/acme-rules.wasm").exists());
}
