//! Keeps the tutorial (README.md) true to the crate: every code block it shows is
//! copied from a file of the crate and must still be found there word for word, and
//! the example policy set and shipment it runs give the findings it shows.

#![allow(clippy::panic, reason = "a failing check fails the test")]

use company_rules::CompanyRules;
use exportctl_sdk::{Outcome, Policy, Shipment, configure};
use std::path::{Path, PathBuf};

/// The marker a README code block is preceded by: `<!-- from: src/lib.rs -->`, with
/// the path relative to this crate.
const MARKER: (&str, &str) = ("<!-- from: ", " -->");

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()))
}

/// A code block of the README: its language, its text, and the file it claims to be
/// copied from.
struct Block {
    line: usize,
    language: String,
    text: String,
    from: Option<PathBuf>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().enumerate();
    let mut from = None;
    while let Some((n, line)) = lines.next() {
        if let Some(path) = line
            .strip_prefix(MARKER.0)
            .and_then(|rest| rest.strip_suffix(MARKER.1))
        {
            from = Some(crate_dir().join(path));
            continue;
        }
        let Some(language) = line.strip_prefix("```") else {
            from = None;
            continue;
        };
        let mut text = String::new();
        for (_, line) in lines.by_ref() {
            if line == "```" {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        blocks.push(Block {
            line: n + 1,
            language: language.to_owned(),
            text,
            from: from.take(),
        });
    }
    blocks
}

#[test]
fn every_code_block_of_the_tutorial_is_copied_from_the_crate() {
    let readme = read(&crate_dir().join("README.md"));
    let blocks = blocks(&readme);
    let mut checked = 0;
    let mut failures = Vec::new();
    for block in &blocks {
        match &block.from {
            Some(path) => {
                if !read(path).contains(&block.text) {
                    failures.push(format!(
                        "README.md:{}: this block is not (any longer) in `{}`",
                        block.line,
                        path.display()
                    ));
                }
                checked += 1;
            }
            // Shell commands, program output and the TOML users write by hand are
            // not copies of a file; Rust, JSON and manifests must be.
            None if ["sh", "text", "toml"].contains(&block.language.as_str()) => {}
            None => failures.push(format!(
                "README.md:{}: a `{}` block without a `<!-- from: … -->` marker",
                block.line, block.language
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 10, "only {checked} copied blocks found");
}

/// The settings of the `company_rules.wasm` entry of the example policy set, as the
/// host hands them to the plugin (JSON).
fn example_settings() -> String {
    let text = read(&crate_dir().join("examples/my-set.toml"));
    let set: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("my-set.toml: {e}"));
    let entry = set["policy"]
        .as_array()
        .and_then(|policies| {
            policies.iter().find(|p| {
                p.get("plugin").and_then(toml::Value::as_str) == Some("company_rules.wasm")
            })
        })
        .unwrap_or_else(|| panic!("my-set.toml has no company_rules.wasm entry"));
    assert_eq!(
        entry.get("mode").and_then(toml::Value::as_str),
        Some("monitor")
    );
    let settings = entry
        .get("settings")
        .unwrap_or_else(|| panic!("no [policy.settings]"));
    serde_json::to_string(settings).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_example_policy_set_and_shipment_give_the_findings_the_tutorial_shows() {
    let policy = configure::<CompanyRules>(&example_settings())
        .unwrap_or_else(|e| panic!("the example settings are refused: {e}"));
    let shipment = Shipment::from_json(&read(&crate_dir().join("examples/shipment.json")))
        .unwrap_or_else(|e| panic!("examples/shipment.json: {e}"));
    let findings = policy.evaluate(&shipment);
    let summary: Vec<(&str, Outcome, &[u32])> = findings
        .iter()
        .map(|f| (f.rule(), f.outcome(), f.get_lines()))
        .collect();
    assert_eq!(
        summary,
        [
            ("icp-4-2-restricted-goods", Outcome::Review, &[1][..]),
            ("icp-4-3-review-destination", Outcome::Review, &[][..]),
            ("icp-5-1-end-use-statement", Outcome::Review, &[1, 2][..]),
        ]
    );
    let readme = read(&crate_dir().join("README.md"));
    for f in &findings {
        assert!(
            readme.contains(f.message()),
            "README.md does not show the message of {}: {}",
            f.rule(),
            f.message()
        );
    }
}
