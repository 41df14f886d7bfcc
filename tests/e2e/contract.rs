//! The contract's minor versions (`sdk/wit/policy.wit`): a plugin built for 1.0.0
//! loads and judges unchanged in this host (1.1.0), and the optional party
//! screener of 1.1.0 is offered only by the plugins that implement it.

use crate::support::{exportctl, repo, rules, temp_dir, write};

/// `kz-export-control` as built for contract 1.0.0 (`tests/fixtures/contract-1.0`).
const KZ_1_0: &str = "tests/fixtures/contract-1.0/kz-export-control.wasm";

#[test]
fn a_plugin_built_for_contract_1_0_loads_and_judges_as_its_rebuild_does() {
    let dir = temp_dir();
    let old = write(
        dir.path(),
        "old.toml",
        format!(
            "[trust]\nallow_unsigned = true\n[[policy]]\nplugin = \"{}\"\n",
            repo().join(KZ_1_0).display()
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
    assert_eq!(old.code, new.code, "{}", old.stderr);
    let (old, new) = (old.verdicts(), new.verdicts());
    assert_eq!(old.len(), 3);
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(o["outcome"], n["outcome"]);
        assert_eq!(rules(o), rules(n));
        assert_eq!(o["findings"], n["findings"], "same findings, word for word");
    }
    assert!(
        old.iter().any(|v| v["outcome"] == "deny"),
        "the fixture really judges"
    );

    let inspect = exportctl(&["policy", "inspect", KZ_1_0]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect.stdout.contains("contract:  1.0.0"),
        "{}",
        inspect.stdout
    );
    assert!(
        inspect
            .stdout
            .contains("exports:   exportctl:policy/evaluator@1.0.0\n"),
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
        assert!(exports.contains(&"exportctl:policy/evaluator@1.1.0"), "{p}");
        assert_eq!(p["contract_version"], "1.1.0", "{p}");
        let screens = exports.contains(&"exportctl:policy/party-screener@1.1.0");
        assert_eq!(p["screens_parties"], screens, "{p}");
        if screens {
            screeners.push(p["id"].as_str().unwrap());
        }
    }
    assert_eq!(screeners, ["party-screening"]);
}
