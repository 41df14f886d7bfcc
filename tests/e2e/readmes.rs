//! Every bundled policy's README says what its metadata says: the header table (id,
//! version, jurisdiction, valid from, valid to) and every sentence that dates `valid_from`.
//!
//! The metadata is read from the binary (`exportctl policies --format json`), with a
//! policy set that enables every bundled plugin, so a plugin added to the bundle is
//! checked without touching this test. All disagreements of all plugins are reported at
//! once.

use crate::support::{exportctl, repo, temp_dir, write};
use std::collections::BTreeMap;

/// The metadata of every bundled plugin, by plugin name, as the binary prints it.
fn bundled_metadata() -> BTreeMap<String, serde_json::Value> {
    // The default set, plus any bundled plugin it does not enable.
    let default = std::fs::read_to_string(repo().join("policies/default.toml"))
        .unwrap_or_else(|e| panic!("policies/default.toml: {e}"));
    let mut set: toml::Table =
        toml::from_str(&default).unwrap_or_else(|e| panic!("policies/default.toml: {e}"));
    let listed: Vec<String> = set
        .get("policy")
        .and_then(toml::Value::as_array)
        .map(|policies| {
            policies
                .iter()
                .filter_map(|p| p.get("plugin")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let policies = set
        .entry("policy")
        .or_insert_with(|| toml::Value::Array(Vec::new()));
    if let toml::Value::Array(policies) = policies {
        for name in exportctl::bundled_plugins().filter(|n| !listed.iter().any(|l| l == n)) {
            let mut entry = toml::Table::new();
            entry.insert("plugin".into(), name.into());
            policies.push(toml::Value::Table(entry));
        }
    }
    let dir = temp_dir();
    let path = write(dir.path(), "all.toml", set.to_string());
    let run = exportctl(&["policies", "--policies", &path, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    run.verdicts()
        .into_iter()
        .filter_map(|m| Some((m["plugin"].as_str()?.to_owned(), m)))
        .collect()
}

/// The rows of the README's header table (`| | |` / `|---|---|`), key → value, with
/// backticks removed. `None` when the README has no such table.
fn header_table(readme: &str) -> Option<BTreeMap<String, String>> {
    let mut lines = readme.lines().skip_while(|l| l.trim() != "| | |");
    lines.next()?;
    if lines.next()?.trim() != "|---|---|" {
        return None;
    }
    let rows = lines
        .take_while(|l| l.trim_start().starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').splitn(2, '|').collect();
            let [key, value] = cells[..] else {
                return None;
            };
            Some((key.trim().to_owned(), value.trim().replace('`', "")))
        })
        .collect();
    Some(rows)
}

/// The dates written in `text`, as `YYYY-MM-DD`: ISO dates and `27 Aug 2022`.
fn dates_in(text: &str) -> Vec<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut dates = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let b = word.as_bytes();
        let iso = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(j, c)| j == 4 || j == 7 || c.is_ascii_digit());
        if iso {
            dates.push((*word).to_owned());
            continue;
        }
        let (Ok(day), Some(month), Some(year)) = (
            word.parse::<u8>(),
            words.get(i + 1).and_then(|m| {
                let m = m.get(..3)?.to_ascii_lowercase();
                MONTHS.iter().position(|n| *n == m)
            }),
            words
                .get(i + 2)
                .filter(|y| y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit())),
        ) else {
            continue;
        };
        if (1..=31).contains(&day) {
            dates.push(format!("{year}-{:02}-{day:02}", month + 1));
        }
    }
    dates
}

/// What the header table says that `metadata` does not.
fn header_disagreements(
    table: &BTreeMap<String, String>,
    metadata: &serde_json::Value,
) -> Vec<String> {
    let mut found = Vec::new();
    let field = |name: &str| metadata[name].as_str().unwrap_or_default().to_owned();
    let valid_from = field("valid_from");
    let valid_to = metadata["valid_to"].as_str().map(str::to_owned);

    for (key, expected) in [
        ("id", field("id")),
        ("version", field("version")),
        ("jurisdiction", field("jurisdiction")),
    ] {
        match table.get(key) {
            Some(value) if *value == expected => {}
            Some(value) => found.push(format!(
                "header `{key}` is `{value}`, the metadata says `{expected}`"
            )),
            None => found.push(format!("header table has no `{key}` row")),
        }
    }
    match table.get("valid from") {
        Some(value) if value.starts_with(&valid_from) => {}
        Some(value) => found.push(format!(
            "header `valid from` is `{value}`, the metadata says `{valid_from}`"
        )),
        None => found.push("header table has no `valid from` row".to_owned()),
    }
    match (table.get("valid to"), &valid_to) {
        (Some(value), Some(to)) if value.starts_with(to.as_str()) => {}
        (None, None) => {}
        (Some(value), None) if dates_in(value).is_empty() => {}
        (value, to) => found.push(format!(
            "header `valid to` is {value:?}, the metadata says {to:?}"
        )),
    }

    found
}

/// What `readme` says that `metadata` does not.
fn disagreements(readme: &str, metadata: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    let field = |name: &str| metadata[name].as_str().unwrap_or_default().to_owned();
    let id = field("id");
    let valid_from = field("valid_from");

    let title = readme
        .lines()
        .find(|l| l.starts_with("# "))
        .unwrap_or_default();
    if !title
        .strip_prefix("# ")
        .is_some_and(|t| t == id || t.starts_with(&format!("{id} ")))
    {
        found.push(format!(
            "title `{title}` does not name the policy id `{id}`"
        ));
    }

    match header_table(readme) {
        Some(table) => found.extend(header_disagreements(&table, metadata)),
        None => found.push(
            "no header table (`| | |` / `|---|---|` with id, version, jurisdiction, valid from)"
                .to_owned(),
        ),
    }

    // Prose that dates the policy's start must give the metadata's date.
    for (n, line) in readme.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        // The header row itself was checked above.
        let header_row = lower.trim_start().starts_with("| valid ");
        if header_row || !(lower.contains("valid_from") || lower.contains("valid from")) {
            continue;
        }
        let dates = dates_in(line);
        if !dates.is_empty() && !dates.contains(&valid_from) {
            found.push(format!(
                "line {}: dates valid_from {} but the metadata says {valid_from}: `{}`",
                n + 1,
                dates.join(", "),
                line.trim()
            ));
        }
    }
    found
}

#[test]
fn every_bundled_readme_agrees_with_its_metadata() {
    let metadata = bundled_metadata();
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in exportctl::bundled_plugins() {
        let Some(m) = metadata.get(name) else {
            failures.push(format!("{name}: `exportctl policies` does not list it"));
            continue;
        };
        let path = repo().join("plugins").join(name).join("README.md");
        let readme = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{name}: {}: {e}", path.display()));
                continue;
            }
        };
        checked += 1;
        failures.extend(
            disagreements(&readme, m)
                .into_iter()
                .map(|d| format!("{name}: plugins/{name}/README.md: {d}")),
        );
    }
    assert!(checked > 0, "no bundled plugin was checked");
    assert!(
        failures.is_empty(),
        "{} disagreement(s) between READMEs and metadata:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_readme_check_catches_drift() {
    let metadata = serde_json::json!({
        "id": "p", "version": "1.0.0", "jurisdiction": "KZ",
        "valid_from": "2007-07-21", "valid_to": null,
    });
    let good = "# p\n\n| | |\n|---|---|\n| id | `p` |\n| version | 1.0.0 |\n| jurisdiction | KZ |\n\
                | valid from | 2007-07-21 (Law No. 300-III) |\n\n- **valid_from 21 Jul 2007**: …\n";
    assert_eq!(disagreements(good, &metadata), Vec::<String>::new());
    let drifted = good
        .replace("| valid from | 2007-07-21", "| valid from | 2022-08-27")
        .replace("valid_from 21 Jul 2007", "valid_from 27 Aug 2022");
    let found = disagreements(&drifted, &metadata);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[1].contains("dates valid_from 2022-08-27"),
        "{found:#?}"
    );
    assert_eq!(
        disagreements("# p\n\nno table\n", &metadata).len(),
        1,
        "a README without a header table is a disagreement, not a skip"
    );
    let versioned = good.replace("| version | 1.0.0 |", "| version | 1.1.0 |");
    assert!(disagreements(&versioned, &metadata)[0].contains("`version`"));
}
