//! The contract's minor versions (`sdk/wit/policy.wit`): a plugin built for 1.0.0
//! or 1.1.0 loads and judges unchanged in this host (1.2.0), a 1.1.0 party
//! screener still screens, and the optional exports (the party screener of
//! 1.1.0, the keyed evaluator of 1.2.0) are offered by the plugins that
//! implement them.

use crate::support::{exportctl, repo, rules, temp_dir, write};

/// `kz-export-control` as built for contract 1.0.0 (`tests/fixtures/contract-1.0`).
const KZ_1_0: &str = "tests/fixtures/contract-1.0/kz-export-control.wasm";

/// `kz-export-control` as built for contract 1.1.0 (`tests/fixtures/contract-1.1`).
const KZ_1_1: &str = "tests/fixtures/contract-1.1/kz-export-control.wasm";

/// The test suite's party screener as built for contract 1.1.0.
const SCREENER_1_1: &str = "tests/fixtures/contract-1.1/hostile-screener.wasm";

#[test]
fn plugins_built_for_contracts_1_0_and_1_1_load_and_judge_as_their_rebuild_does() {
    // The old plugins read wire format 1 (postcard), the rebuild format 2: the same
    // findings word for word show the host writes both faithfully.
    for (fixture, version) in [(KZ_1_0, "1.0.0"), (KZ_1_1, "1.1.0")] {
        let dir = temp_dir();
        let old = write(
            dir.path(),
            "old.toml",
            format!(
                "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
                repo().join(fixture).display()
            ),
        );
        let new = write(
            dir.path(),
            "new.toml",
            "[[policy]]\nplugin = \"kz-export-control\"\n",
        );
        let examples: Vec<String> = [
            "de-furniture-to-kz",
            "de-microcontrollers-kz-end-user-ru",
            "seed-drones-kg-via-kz-to-ru",
        ]
        .iter()
        .map(|e| format!("tests/examples/{e}.json"))
        .collect();
        let judge = |set: &str| {
            let mut args = vec!["check", "--policies", set];
            args.extend(examples.iter().map(String::as_str));
            exportctl(&args)
        };
        let (old, new) = (judge(&old), judge(&new));
        assert_eq!(old.code, new.code, "{version}: {}", old.stderr);
        let (old, new) = (old.verdicts(), new.verdicts());
        assert_eq!(old.len(), 3);
        for (o, n) in old.iter().zip(&new) {
            assert_eq!(o["outcome"], n["outcome"]);
            assert_eq!(rules(o), rules(n));
            assert_eq!(
                o["findings"], n["findings"],
                "{version}: same findings, word for word"
            );
        }
        assert!(
            old.iter().any(|v| v["outcome"] == "deny"),
            "the fixture really judges"
        );

        let inspect = exportctl(&["policy", "inspect", fixture]);
        assert_eq!(inspect.code, 0, "{}", inspect.stderr);
        assert!(
            inspect.stdout.contains(&format!("contract:  {version}")),
            "{}",
            inspect.stdout
        );
        assert!(
            inspect
                .stdout
                .contains("wire:      shipment wire format 1\n"),
            "a plugin without `shipment-reader` reads format 1: {}",
            inspect.stdout
        );
        assert!(
            inspect.stdout.contains(&format!(
                "exports:   exportctl:policy/evaluator@{version}\n"
            )),
            "{}",
            inspect.stdout
        );
    }
}

#[test]
fn a_party_screener_built_for_contract_1_1_still_screens() {
    let dir = temp_dir();
    let set = write(
        dir.path(),
        "screener.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
            repo().join(SCREENER_1_1).display()
        ),
    );
    let master = write(
        dir.path(),
        "parties.csv",
        "id,name,country\nP-1,LISTED,DE\nP-2,Clean,DE\n",
    );
    let run = exportctl(&[
        "rescreen",
        "--parties",
        &master,
        "--policies",
        &set,
        "--against",
        &set,
        "--full",
        "--date",
        "2026-09-01",
    ]);
    assert_eq!(run.code, 3, "the listed party needs review: {}", run.stderr);
    let out: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(
        (&out[0]["party"], &out[0]["entry"]),
        (&"P-1".into(), &"W-1".into())
    );
    let inspect = exportctl(&["policy", "inspect", SCREENER_1_1]);
    assert!(
        inspect.stdout.contains(
            "exports:   exportctl:policy/party-screener@1.1.0, exportctl:policy/evaluator@1.1.0\n"
        ),
        "{}",
        inspect.stdout
    );
}

#[test]
fn only_plugins_that_implement_it_export_the_party_screener() {
    let built = exportctl(&["policies", "--format", "json"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let policies: Vec<serde_json::Value> = built
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(policies.len(), 7);
    let mut screeners = Vec::new();
    for p in &policies {
        let exports: Vec<&str> = p["exports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert!(exports.contains(&"exportctl:policy/evaluator@1.4.0"), "{p}");
        assert!(
            exports.contains(&"exportctl:policy/subject-evaluator@1.4.0"),
            "every plugin built with the SDK keys its findings: {p}"
        );
        assert!(
            exports.contains(&"exportctl:policy/shipment-reader@1.4.0"),
            "every plugin built with the SDK says which wire format it reads: {p}"
        );
        assert!(
            exports.contains(&"exportctl:policy/rule-catalogue@1.4.0"),
            "every plugin built with the SDK declares its rules: {p}"
        );
        assert_eq!(
            p["contract_version"],
            exportctl_sdk::CONTRACT_VERSION,
            "{p}"
        );
        assert_eq!(p["wire_format"], 2, "{p}");
        let screens = exports.contains(&"exportctl:policy/party-screener@1.4.0");
        assert_eq!(p["screens_parties"], screens, "{p}");
        if screens {
            screeners.push(p["id"].as_str().unwrap());
        }
    }
    assert_eq!(screeners, ["party-screening"]);
}
