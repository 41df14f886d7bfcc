//! Signed, versioned distribution: a plugin loads only if a trusted publisher,
//! allowed for its policy id, signed exactly its bytes; every way around that is
//! refused with a message naming the failed check. Bundles verify offline as a
//! whole. Several versions of one policy are chosen by the shipment's law date.

use crate::support::{exportctl, repo, temp_dir, write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Components of real policies, built once: (kz-export-control, chpl-diversion,
/// eu-no-russia-clause 1.0.0, eu-no-russia-clause 2.0.0).
fn published() -> &'static [PathBuf; 4] {
    static BUILT: OnceLock<[PathBuf; 4]> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| repo().join("target"), PathBuf::from);
        let out = target.join("published-plugins");
        std::fs::create_dir_all(&out).unwrap();
        let build = |packages: &[&str], feature: Option<&str>| {
            let mut b = exportctl_builder::PluginBuild::new(&repo(), &target.join("plugins"));
            for p in packages {
                b = b.package(p);
            }
            if let Some(f) = feature {
                b = b.feature(f);
            }
            b.build().unwrap_or_else(|e| panic!("{e}"))
        };
        let main = build(&["kz-export-control", "chpl-diversion"], None);
        let v1 = build(&["no-russia-clause"], Some("no-russia-clause/v1"));
        let v2 = build(&["no-russia-clause"], None);
        let names = [
            "kz-export-control",
            "chpl-diversion",
            "no-russia-clause-1.0.0",
            "no-russia-clause-2.0.0",
        ];
        let bytes = [
            &main[0].component,
            &main[1].component,
            &v1[0].component,
            &v2[0].component,
        ];
        let paths = names.map(|n| out.join(format!("{n}.wasm")));
        for (path, bytes) in paths.iter().zip(bytes) {
            std::fs::write(path, bytes).unwrap();
        }
        paths
    })
}

/// A publisher's key pair made with `exportctl policy keygen`; returns (secret key
/// path, public key base64).
fn keygen(dir: &Path, name: &str) -> (String, String) {
    let base = dir.join(name);
    let run = exportctl(&[
        "policy",
        "keygen",
        "--unencrypted",
        &base.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let public = std::fs::read_to_string(format!("{}.pub", base.display())).unwrap();
    (
        format!("{}.key", base.display()),
        public.lines().last().unwrap_or_default().to_owned(),
    )
}

fn sign(key: &str, plugin: &Path) {
    let run = exportctl(&[
        "policy",
        "sign",
        "--key",
        key,
        &plugin.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// Copies a published plugin into `dir` (so tests can tamper with their copy).
fn copy(dir: &Path, which: usize, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(&published()[which], &path).unwrap();
    path
}

fn set(dir: &Path, trust: &str, plugin: &Path) -> String {
    write(
        dir,
        "set.toml",
        format!("{trust}\n[[policy]]\nplugin = \"{}\"\n", plugin.display()),
    )
}

fn publisher(name: &str, key: &str, policies: &str) -> String {
    format!(
        "[[trust.publisher]]\nname = \"{name}\"\npublic_key = \"{key}\"\npolicies = {policies}\n"
    )
}

fn drones() -> String {
    repo()
        .join("tests/examples/seed-drones-kg-via-kz-to-ru.json")
        .display()
        .to_string()
}

/// Runs `check` with the set and returns stderr, asserting the set was refused.
fn refused(set: &str) -> String {
    let run = exportctl(&["check", "--policies", set, &drones()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("is not trusted"), "{}", run.stderr);
    run.stderr
}

#[test]
fn a_plugin_signed_by_a_trusted_publisher_loads_and_the_verdict_names_the_signer() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&key, &plugin);
    let set = set(
        dir.path(),
        &publisher("KZ authority", &public, "[\"kz-*\"]"),
        &plugin,
    );
    let run = exportctl(&["check", "--policies", &set, &drones()]);
    assert_eq!(run.code, 5, "{run:?}");
    let v = &run.verdicts()[0];
    assert!(
        v["policies"][0]["signed_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("KZ authority (key ")),
        "{v}"
    );
    let verify = exportctl(&[
        "policy",
        "verify",
        &plugin.display().to_string(),
        "--policies",
        &set,
    ]);
    assert_eq!(verify.code, 0, "{verify:?}");
    assert!(
        verify.stdout.contains("ok: kz-export-control 1.0.0"),
        "{}",
        verify.stdout
    );
}

#[test]
fn a_flipped_byte_is_refused() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&key, &plugin);
    let mut bytes = std::fs::read(&plugin).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&plugin, bytes).unwrap();
    let err = refused(&set(
        dir.path(),
        &publisher("KZ authority", &public, "[\"kz-*\"]"),
        &plugin,
    ));
    assert!(err.contains("does not match the plugin's bytes"), "{err}");
}

#[test]
fn a_signature_from_an_untrusted_key_is_refused() {
    let dir = temp_dir();
    let (_, trusted) = keygen(dir.path(), "trusted");
    let (other_key, _) = keygen(dir.path(), "other");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&other_key, &plugin);
    let err = refused(&set(
        dir.path(),
        &publisher("KZ authority", &trusted, "[\"kz-*\"]"),
        &plugin,
    ));
    assert!(
        err.contains("which no trusted publisher of this policy set holds"),
        "{err}"
    );
}

#[test]
fn a_trusted_key_signing_an_id_it_may_not_sign_is_refused() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "eu");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&key, &plugin);
    let err = refused(&set(
        dir.path(),
        &publisher("EU Commission", &public, "[\"eu-*\", \"chpl-diversion\"]"),
        &plugin,
    ));
    assert!(
        err.contains("may sign only `eu-*`, `chpl-diversion`, not policy `kz-export-control`"),
        "{err}"
    );
}

#[test]
fn a_signature_for_another_file_is_refused() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "reg");
    let kz = copy(dir.path(), 0, "kz.wasm");
    let chpl = copy(dir.path(), 1, "chpl.wasm");
    sign(&key, &chpl);
    std::fs::copy(
        dir.path().join("chpl.wasm.minisig"),
        dir.path().join("kz.wasm.minisig"),
    )
    .unwrap();
    let err = refused(&set(
        dir.path(),
        &publisher("Regulator", &public, "[\"kz-*\", \"chpl-*\"]"),
        &kz,
    ));
    assert!(err.contains("does not match the plugin's bytes"), "{err}");
}

#[test]
fn an_altered_trusted_comment_is_refused() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&key, &plugin);
    let sig_path = dir.path().join("kz.wasm.minisig");
    let sig = std::fs::read_to_string(&sig_path).unwrap();
    let altered = sig.replace("kz-export-control 1.0.0", "kz-export-control 9.0.0");
    assert_ne!(sig, altered);
    std::fs::write(&sig_path, altered).unwrap();
    let err = refused(&set(
        dir.path(),
        &publisher("KZ authority", &public, "[\"kz-*\"]"),
        &plugin,
    ));
    assert!(err.contains("trusted comment was altered"), "{err}");
    // The untrusted comment is not signed, by design of the format; changing it is harmless.
    std::fs::write(
        &sig_path,
        sig.replace("signature from exportctl policy sign", "anything"),
    )
    .unwrap();
    let run = exportctl(&[
        "check",
        "--policies",
        &dir.path().join("set.toml").display().to_string(),
        &drones(),
    ]);
    assert_eq!(run.code, 5, "{run:?}");
}

#[test]
fn a_missing_signature_is_refused() {
    let dir = temp_dir();
    let (_, public) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    let err = refused(&set(
        dir.path(),
        &publisher("KZ authority", &public, "[\"kz-*\"]"),
        &plugin,
    ));
    assert!(
        err.contains("no signature at") && err.contains("kz.wasm.minisig"),
        "{err}"
    );
}

#[test]
fn a_key_id_swapped_into_a_foreign_signature_is_refused() {
    let dir = temp_dir();
    let (_, trusted) = keygen(dir.path(), "trusted");
    let (other_key, _) = keygen(dir.path(), "other");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&other_key, &plugin);
    // Put the trusted key's id into the other key's signature.
    use ct_codecs::{Base64, Decoder, Encoder};
    let trusted_bin = Base64::decode_to_vec(&trusted, None).unwrap();
    let sig_path = dir.path().join("kz.wasm.minisig");
    let sig = std::fs::read_to_string(&sig_path).unwrap();
    let mut lines: Vec<String> = sig.lines().map(str::to_owned).collect();
    let mut bin = Base64::decode_to_vec(&lines[1], None).unwrap();
    bin[2..10].copy_from_slice(&trusted_bin[2..10]);
    lines[1] = Base64::encode_to_string(&bin).unwrap();
    std::fs::write(&sig_path, lines.join("\n") + "\n").unwrap();
    let err = refused(&set(
        dir.path(),
        &publisher("KZ authority", &trusted, "[\"kz-*\"]"),
        &plugin,
    ));
    assert!(err.contains("does not match the plugin's bytes"), "{err}");
}

#[test]
fn an_empty_trust_store_trusts_nobody_and_allow_unsigned_is_explicit_and_warned() {
    let dir = temp_dir();
    let (key, _) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    sign(&key, &plugin);
    let err = refused(&set(dir.path(), "", &plugin));
    assert!(err.contains("trusts no publisher"), "{err}");

    let unsigned = copy(dir.path(), 0, "unsigned.wasm");
    let authoring = set(dir.path(), "[trust]\nallow_unsigned = true\n", &unsigned);
    let run = exportctl(&["check", "--policies", &authoring, &drones()]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr.contains("warning:") && run.stderr.contains("loaded unsigned"),
        "{}",
        run.stderr
    );
    assert_eq!(run.verdicts()[0]["policies"][0]["signed_by"], "unsigned");
}

#[test]
fn bundled_plugins_take_no_signature() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "set.toml",
        "[[policy]]\nplugin = \"kz-export-control\"\nsignature = \"x.minisig\"\n",
    );
    let run = exportctl(&["check", "--policies", &set, &drones()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("part of the binary"), "{}", run.stderr);
    let run = exportctl(&["check", &drones()]);
    assert_eq!(run.verdicts()[0]["policies"][0]["signed_by"], "bundled");
}

/// minisign, the standard tool, where installed (CI installs it): a regulator can
/// sign without our binary, and verify our signatures.
#[test]
fn a_secret_key_others_can_read_is_refused_for_signing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let (key, _) = keygen(dir.path(), "kz");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let plugin = copy(dir.path(), 0, "kz.wasm");
    let run = exportctl(&[
        "policy",
        "sign",
        "--key",
        &key,
        &plugin.display().to_string(),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("readable or writable by group or others (mode 644)"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("kz.wasm.minisig").exists());
}

#[test]
fn signatures_interoperate_with_the_minisign_tool() {
    let Ok(found) = std::process::Command::new("minisign").arg("-v").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install minisign (apt-get install minisign)"
        );
        eprintln!("minisign is not installed; skipping the interoperability check");
        return;
    };
    assert!(found.status.success() || !found.stdout.is_empty() || !found.stderr.is_empty());
    let dir = temp_dir();
    let plugin = copy(dir.path(), 0, "kz.wasm");
    let (sk, pk) = (dir.path().join("m.key"), dir.path().join("m.pub"));
    let status = std::process::Command::new("minisign")
        .args(["-G", "-W", "-f", "-s"])
        .arg(&sk)
        .arg("-p")
        .arg(&pk)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let status = std::process::Command::new("minisign")
        .args(["-S", "-s"])
        .arg(&sk)
        .arg("-m")
        .arg(&plugin)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let public = std::fs::read_to_string(&pk).unwrap();
    let set = set(
        dir.path(),
        &publisher(
            "Signed with minisign",
            public.lines().last().unwrap(),
            "[\"kz-*\"]",
        ),
        &plugin,
    );
    let run = exportctl(&["check", "--policies", &set, &drones()]);
    assert_eq!(run.code, 5, "{run:?}");

    // And the other way: minisign verifies a signature made by exportctl.
    let (key, public) = keygen(dir.path(), "ours");
    let ours = copy(dir.path(), 1, "chpl.wasm");
    sign(&key, &ours);
    let verified = std::process::Command::new("minisign")
        .arg("-Vm")
        .arg(&ours)
        .arg("-P")
        .arg(&public)
        .output()
        .unwrap();
    assert!(verified.status.success(), "{verified:?}");
}

#[test]
fn a_bundle_directory_verifies_offline_as_a_whole() {
    let dir = temp_dir();
    let bundle = dir.path().join("bundle");
    std::fs::create_dir(&bundle).unwrap();
    let (key, public) = keygen(dir.path(), "reg");
    let kz = copy(&bundle, 0, "kz-export-control.wasm");
    let chpl = copy(&bundle, 1, "chpl-diversion.wasm");
    sign(&key, &kz);
    sign(&key, &chpl);
    write(
        &bundle,
        "policies.toml",
        format!(
            "{}\n[[policy]]\nplugin = \"kz-export-control.wasm\"\n[[policy]]\nplugin = \"chpl-diversion.wasm\"\n",
            publisher("Regulator", &public, "[\"kz-*\", \"chpl-*\"]")
        ),
    );
    // Copied elsewhere (as to an air-gapped host), it still verifies: paths are relative.
    let moved = dir.path().join("air-gapped");
    std::fs::rename(&bundle, &moved).unwrap();
    let run = exportctl(&["policy", "verify", &moved.display().to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("ok: ")).count(),
        2,
        "{}",
        run.stdout
    );
    // One tampered file fails the whole bundle.
    let mut bytes = std::fs::read(moved.join("chpl-diversion.wasm")).unwrap();
    bytes[100] ^= 0x80;
    std::fs::write(moved.join("chpl-diversion.wasm"), bytes).unwrap();
    let run = exportctl(&["policy", "verify", &moved.display().to_string()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("chpl-diversion.wasm") && run.stderr.contains("does not match"),
        "{}",
        run.stderr
    );
}

#[test]
fn inspect_shows_metadata_hash_interface_and_signature_status() {
    let dir = temp_dir();
    let (key, public) = keygen(dir.path(), "kz");
    let plugin = copy(dir.path(), 0, "kz.wasm");
    let run = exportctl(&["policy", "inspect", &plugin.display().to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    for expected in [
        "policy:    kz-export-control 1.0.0",
        "sha256:    ",
        "contract:  1.4.0",
        "wire:      shipment wire format 2",
        "imports:   exportctl:policy/host@1.4.0",
        "exportctl:policy/rule-catalogue@1.4.0",
        "exportctl:policy/shipment-reader@1.4.0",
        "exportctl:policy/subject-evaluator@1.4.0",
        "exportctl:policy/evaluator@1.4.0",
        "rules:     6 declared",
        "  kz-military-export-suspension — military goods exported from Kazakhstan while the 2022 suspension lasts",
        "signature: none",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {}", run.stdout);
    }
    sign(&key, &plugin);
    let set = set(
        dir.path(),
        &publisher("KZ authority", &public, "[\"kz-*\"]"),
        &plugin,
    );
    let run = exportctl(&[
        "policy",
        "inspect",
        &plugin.display().to_string(),
        "--policies",
        &set,
    ]);
    assert!(
        run.stdout.contains("signature: valid, by `KZ authority`"),
        "{}",
        run.stdout
    );
    // A refused plugin is still described, with the reason it would be refused.
    let wasi = crate::support::hostile("wasi-clock");
    let run = exportctl(&["policy", "inspect", &wasi.display().to_string()]);
    assert!(
        run.stdout.contains("loadable:  no") && run.stdout.contains("wasi:clocks/wall-clock@0.2.0"),
        "{}",
        run.stdout
    );
}

/// A chip sale from Germany to Kazakhstan without a no-Russia clause.
fn chips_without_clause(dir: &Path, date: &str) -> String {
    write(
        dir,
        &format!("chips-{date}.json"),
        format!(
            r#"{{"id":"CHIPS-{date}","date":"{date}","exporter":{{"name":"Rhein Elektronik GmbH","country":"DE"}},
               "consignee":{{"name":"Astana Tech TOO","country":"KZ"}},"origin_country":"DE","destination_country":"KZ",
               "contract":{{"no_russia_clause":false}},
               "lines":[{{"line":1,"description":"microcontrollers","hs_code":"8542.31","quantity":100,"value":{{"amount":"900","currency":"EUR"}}}}]}}"#
        ),
    )
}

#[test]
fn the_version_in_force_on_the_shipment_date_decides() {
    let dir = temp_dir();
    let [_, _, v1, v2] = published();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n[[policy]]\nplugin = \"{}\"\n",
            v2.display(),
            v1.display()
        ),
    );
    let cases = [
        ("2023-12-17", None, None),
        (
            "2024-03-19",
            Some("1.0.0"),
            Some("eu-art12g-clause-announced"),
        ),
        (
            "2024-03-20",
            Some("2.0.0"),
            Some("eu-art12g-no-russia-clause"),
        ),
    ];
    for (date, version, rule) in cases {
        let run = exportctl(&[
            "check",
            "--policies",
            &set,
            &chips_without_clause(dir.path(), date),
        ]);
        let v = &run.verdicts()[0];
        let report = &v["policies"][0];
        assert_eq!(
            v["policies"].as_array().map(Vec::len),
            Some(1),
            "one report per policy id: {v}"
        );
        match version {
            Some(version) => {
                assert_eq!(report["version"], version, "{date}: {v}");
                assert_eq!(report["in_force"], true);
                assert_eq!(v["findings"][0]["rule"].as_str(), rule, "{date}: {v}");
                assert_eq!((v["outcome"].as_str(), run.code), (Some("review"), 3));
            }
            None => {
                assert_eq!(
                    report["in_force"], false,
                    "{date}: no version was law yet: {v}"
                );
                assert_eq!(report["outcome"], "not_in_force", "{date}: {v}");
                // Nothing judged it, so it is not allowed (`verdict.md`).
                assert_eq!(v["findings"][0]["rule"], "not-judged", "{date}: {v}");
                assert_eq!((v["outcome"].as_str(), run.code), (Some("review"), 3));
            }
        }
    }
    // --as-of picks the version for another date.
    let run = exportctl(&[
        "check",
        "--policies",
        &set,
        "--as-of",
        "2024-01-10",
        &chips_without_clause(dir.path(), "2024-06-01"),
    ]);
    assert_eq!(run.verdicts()[0]["policies"][0]["version"], "1.0.0");
}

#[test]
fn overlapping_versions_of_one_policy_are_refused() {
    let dir = temp_dir();
    let [_, _, v1, v2] = published();
    let set = write(
        dir.path(),
        "set.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n[[policy]]\nplugin = \"{}\"\n",
            v2.display(),
            v2.display()
        ),
    );
    let run = exportctl(&["check", "--policies", &set, &drones()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("eu-no-russia-clause") && run.stderr.contains("overlap"),
        "{}",
        run.stderr
    );
    let _ = v1;
}

#[test]
fn the_compiled_code_cache_is_used_and_a_damaged_entry_is_recompiled() {
    let dir = temp_dir();
    let cache = dir.path().join("cache");
    let run = |cache: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_exportctl"))
            .args(["check", &drones()])
            .env("EXPORTCTL_CACHE_DIR", cache)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let cold = run(&cache);
    let entries = || -> Vec<PathBuf> {
        std::fs::read_dir(&cache)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|engine_dir| {
                std::fs::read_dir(engine_dir.path())
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .map(|e| e.path())
            .collect()
    };
    let files = entries();
    assert_eq!(
        files.len(),
        exportctl::bundled_plugins().count(),
        "one entry per bundled plugin: {files:?}"
    );
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".cwasm") && name.len() == 64 + 6,
            "keyed by the plugin's sha256: {name}"
        );
    }
    assert_eq!(run(&cache), cold, "a warm start gives the same verdict");
    // A damaged entry is not trusted: it fails wasmtime's checks and is recompiled.
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        std::fs::write(f, &bytes[..bytes.len() / 3]).unwrap();
    }
    assert_eq!(run(&cache), cold);
    assert!(
        entries()
            .iter()
            .all(|f| std::fs::metadata(f).unwrap().len() > 1000),
        "entries were rewritten"
    );
}
