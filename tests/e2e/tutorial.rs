//! The policy-authoring tutorial (`plugins/company-rules/README.md`) shows what
//! `exportctl` prints; here the binary runs the tutorial's own commands on its own
//! files and must print exactly that, so the shown output cannot drift from the code.

use crate::support::{exportctl_in, repo, temp_dir};
use exportctl::Limits;
use std::path::Path;

/// The company-rules component as the tutorial's build step makes it: the plugin
/// this host bundles is built from the same crate with the same profile.
const COMPANY_RULES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/company-rules.wasm"));

/// The tutorial's directory of examples, relative to the repository.
const EXAMPLES: &str = "plugins/company-rules/examples";

fn readme() -> String {
    std::fs::read_to_string(repo().join("plugins/company-rules/README.md"))
        .unwrap_or_else(|e| panic!("cannot read the tutorial: {e}"))
}

/// The first ```text block after the line that holds `command` in a ```sh block.
fn shown_output(readme: &str, command: &str) -> String {
    let at = readme
        .find(command)
        .unwrap_or_else(|| panic!("the tutorial no longer shows `{command}`"));
    let rest = &readme[at..];
    let start = rest
        .find("```text\n")
        .unwrap_or_else(|| panic!("no output shown after `{command}`"))
        + "```text\n".len();
    let end = rest[start..]
        .find("```")
        .unwrap_or_else(|| panic!("unterminated output block after `{command}`"));
    rest[start..start + end].to_owned()
}

/// A copy of the repository's layout with just the tutorial's files, the plugin
/// built where its step 7 puts it, so the commands run verbatim.
fn tutorial_tree(dir: &Path) {
    let examples = dir.join(EXAMPLES);
    std::fs::create_dir_all(&examples).unwrap();
    for file in ["my-set.toml", "shipment.json"] {
        std::fs::copy(repo().join(EXAMPLES).join(file), examples.join(file)).unwrap();
    }
    std::fs::write(examples.join("company_rules.wasm"), COMPANY_RULES).unwrap();
}

/// The command of a ```sh line, as arguments after `exportctl`.
fn args(command: &str) -> Vec<&str> {
    command
        .strip_prefix("exportctl ")
        .unwrap_or_else(|| panic!("not an exportctl command: {command}"))
        .split_whitespace()
        .collect()
}

/// A sha256 line's value replaced, so a rebuilt plugin does not count as drift
/// (the digest changes with every SDK change; its presence and form are checked).
fn mask_sha256(text: &str) -> String {
    text.lines()
        .map(|line| match line.split_once("sha256:") {
            Some((head, value)) => {
                let value = value.trim();
                assert!(
                    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()),
                    "not a sha256: {line}"
                );
                format!("{head}sha256:       <sha256>")
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_tutorials_check_prints_what_the_tutorial_shows() {
    let readme = readme();
    let command = "exportctl check --format text --policies plugins/company-rules/examples/my-set.toml plugins/company-rules/examples/shipment.json";
    let shown = shown_output(&readme, command);
    let dir = temp_dir();
    tutorial_tree(dir.path());
    let run = exportctl_in(dir.path(), &args(command), None);
    // The tutorial shows the warning (stderr) above the verdict (stdout), as a
    // terminal does.
    let printed = format!("{}{}", run.stderr, run.stdout);
    assert_eq!(
        printed, shown,
        "the tutorial's step 9 shows other output than `{command}` prints"
    );
    assert!(
        readme.contains("The verdict is `ALLOW` and the exit status 0"),
        "the tutorial no longer states the exit status this test checks"
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_tutorials_policy_listing_begins_as_the_tutorial_shows() {
    let readme = readme();
    let command = "exportctl policies --policies plugins/company-rules/examples/my-set.toml";
    let shown = shown_output(&readme, command);
    // The tutorial shows the start of one policy's entry and elides the rest with "…".
    let shown = shown
        .strip_suffix("  …\n")
        .unwrap_or_else(|| panic!("the listing no longer ends with `  …`: {shown}"));
    let dir = temp_dir();
    tutorial_tree(dir.path());
    let run = exportctl_in(dir.path(), &args(command), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The tutorial shows one policy of the set: the listing from its first line on.
    let first = shown.lines().next().unwrap_or_default();
    let from = run
        .stdout
        .find(first)
        .unwrap_or_else(|| panic!("`{command}` lists no `{first}`:\n{}", run.stdout));
    let printed: String = run.stdout[from..]
        .lines()
        .take(shown.lines().count())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        mask_sha256(&printed),
        mask_sha256(shown),
        "the tutorial's step 9 lists the policy otherwise than `{command}` does"
    );
}

#[test]
fn the_tutorial_states_the_hosts_default_limits() {
    // `1234567` → `1_234_567`, as TOML numbers are written in the tutorial.
    let grouped = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('_');
            }
            out.push(c);
        }
        out
    };
    let claim = format!(
        "overrides the host's defaults ({} fuel, {} MiB)",
        grouped(Limits::DEFAULT_FUEL),
        Limits::DEFAULT_MEMORY_BYTES >> 20
    );
    assert!(
        readme().contains(&claim),
        "the tutorial's policy set does not say `{claim}`"
    );
}

#[test]
fn the_tutorials_settings_error_is_what_the_host_prints() {
    let readme = readme();
    let shown = shown_output(&readme, "A policy set with bad settings does not load.");
    // The tutorial's own set (step 8) with the four mistakes the message names.
    let dir = temp_dir();
    tutorial_tree(dir.path());
    let set = dir.path().join(EXAMPLES).join("my-set.toml");
    let text = std::fs::read_to_string(&set).unwrap();
    let mut bad = text.clone();
    for (good, wrong) in [
        (r#"["8526", "93", "8542.31"]"#, r#"["8526", "93", "85A1"]"#),
        (
            r#"restricted_outcome = "review""#,
            r#"restricted_outcome = "licence_required""#,
        ),
        (r#"["AE", "AM", "TR"]"#, r#"["UAE", "AM", "TR"]"#),
        (r#"currency = "EUR" }"#, r#"currency = "EURO" }"#),
    ] {
        assert!(
            bad.contains(good),
            "the tutorial's set no longer has {good}"
        );
        bad = bad.replace(good, wrong);
    }
    std::fs::write(&set, bad).unwrap();
    let dir = dir.path().join(EXAMPLES);
    let run = exportctl_in(&dir, &["policies", "--policies", "my-set.toml"], None);
    assert_ne!(
        run.code, 0,
        "a set with bad settings loaded: {}",
        run.stdout
    );
    let error = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line: {}", run.stderr));
    assert_eq!(
        format!("{error}\n"),
        shown,
        "the tutorial's settings error is not what the host prints"
    );
}
