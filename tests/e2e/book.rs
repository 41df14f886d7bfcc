//! The book (`book/`) stays true to the product: every chapter is in its table of
//! contents, every `{{#include}}` finds its file and anchor, every Rust block is
//! included from a crate that is compiled and tested, every `exportctl` command shown
//! is one the command line accepts (subcommand and flags), every policy set parses as
//! one, every TOML and JSON example parses — and the first chapter's commands run as
//! written, with its files, and give what the chapter says.

use crate::support::repo;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

fn book() -> PathBuf {
    repo().join("book/src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()))
}

/// The chapters SUMMARY.md links, relative to `book/src`.
fn chapters() -> Vec<PathBuf> {
    let summary = read(&book().join("SUMMARY.md"));
    summary
        .lines()
        .filter_map(|line| {
            let start = line.find("](")? + 2;
            let end = start + line[start..].find(')')?;
            Some(PathBuf::from(&line[start..end]))
        })
        .collect()
}

/// `{{#include PATH}}` or `{{#include PATH:ANCHOR}}` in `line`: the path (relative
/// to the chapter) and the anchor.
fn include(line: &str) -> Option<(String, Option<String>)> {
    let start = line.find("{{#include ")? + "{{#include ".len();
    let end = start + line[start..].find("}}")?;
    let target = line[start..end].trim();
    Some(match target.split_once(':') {
        Some((path, anchor)) => (path.to_owned(), Some(anchor.to_owned())),
        None => (target.to_owned(), None),
    })
}

/// The part of `text` between `ANCHOR: name` and `ANCHOR_END: name`, without the
/// lines that mark anchors, as mdBook takes it; `None` when the anchor is missing.
fn anchored(text: &str, name: &str) -> Option<String> {
    let begin = format!("ANCHOR: {name}");
    let end = format!("ANCHOR_END: {name}");
    let mut lines = text.lines().skip_while(|l| !l.contains(&begin));
    lines.next()?;
    let mut out = String::new();
    for line in lines {
        if line.contains(&end) {
            return Some(out);
        }
        if !line.contains("ANCHOR: ") && !line.contains("ANCHOR_END: ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    None
}

/// A chapter's text with its includes resolved; an include that finds no file or
/// anchor is a problem. Line ranges are refused: they drift silently.
fn resolve(chapter: &Path, problems: &mut Vec<String>) -> String {
    let dir = chapter.parent().unwrap_or(Path::new("."));
    let mut out = String::new();
    for (n, line) in read(chapter).lines().enumerate() {
        let Some((path, anchor)) = include(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let at = format!("{}:{}", chapter.display(), n + 1);
        let file = dir.join(&path);
        let Ok(text) = std::fs::read_to_string(&file) else {
            problems.push(format!("{at}: `{path}` does not exist"));
            continue;
        };
        match anchor {
            None => out.push_str(&text),
            Some(anchor) if anchor.chars().all(|c| c.is_ascii_digit() || c == ':') => {
                problems.push(format!(
                    "{at}: `{path}:{anchor}` is a line range: use an anchor"
                ));
            }
            Some(anchor) => match anchored(&text, &anchor) {
                Some(part) => out.push_str(&part),
                None => problems.push(format!("{at}: `{path}` has no anchor `{anchor}`")),
            },
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// A fenced code block: its language, its text, the line it starts on and the
/// `<!-- file: NAME -->` marker before it, if any.
struct Block {
    language: String,
    text: String,
    line: usize,
    file: Option<String>,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    let mut file = None;
    while let Some((n, line)) = lines.next() {
        if let Some(name) = line
            .strip_prefix("<!-- file: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        {
            file = Some(name.to_owned());
            continue;
        }
        let Some(language) = line.trim_start().strip_prefix("```") else {
            if !line.trim().is_empty() {
                file = None;
            }
            continue;
        };
        let mut text = String::new();
        for (_, line) in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        blocks.push(Block {
            language: language.trim().to_owned(),
            text,
            line: n + 1,
            file: file.take(),
        });
    }
    blocks
}

/// The commands of a shell block: `$ ` prompts stripped, continuations joined,
/// comments dropped, each with its `# exits N` status (0 when not given).
fn commands(block: &str) -> Vec<(String, i32)> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        let line = line.strip_prefix("$ ").unwrap_or(line);
        if let Some(rest) = line.strip_suffix('\\') {
            pending.push_str(rest);
            continue;
        }
        pending.push_str(line);
        let full = std::mem::take(&mut pending);
        let (command, comment) = match full.find(" #") {
            Some(at) => (
                full[..at].trim().to_owned(),
                full[at + 2..].trim().to_owned(),
            ),
            None => (full.trim().to_owned(), String::new()),
        };
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        let status = comment
            .strip_prefix("exits ")
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        out.push((command, status));
    }
    out
}

/// Words of a command, quotes removed; stops at the first pipe, redirection or
/// command separator.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in command.split_whitespace() {
        if ["|", ">", ">>", "<", "&&", ";", "||"].contains(&word) {
            break;
        }
        out.push(word.trim_matches(|c| c == '"' || c == '\'').to_owned());
    }
    out
}

/// `exportctl ARGS --help`: its text, or `None` when clap refuses `ARGS`.
fn help(args: &[&str], cache: &mut HashMap<String, Option<String>>) -> Option<String> {
    cache
        .entry(args.join(" "))
        .or_insert_with(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_exportctl"))
                .args(args)
                .arg("--help")
                .output()
                .unwrap_or_else(|e| panic!("cannot run exportctl: {e}"));
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .clone()
}

/// Whether `exportctl` accepts the subcommand and every flag of `words`.
fn check_command(
    words: &[String],
    cache: &mut HashMap<String, Option<String>>,
) -> Result<(), String> {
    let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let Some(first) = args.first().filter(|a| !a.starts_with('-')) else {
        return Ok(()); // `exportctl --version` and the like
    };
    let mut path = vec![*first];
    let mut text =
        help(&path, cache).ok_or_else(|| format!("`exportctl {first}` is not a command"))?;
    // Nested subcommands (`policy new`): as deep as clap knows them.
    for arg in &args[1..] {
        if arg.starts_with('-') {
            break;
        }
        let mut deeper = path.clone();
        deeper.push(arg);
        match help(&deeper, cache) {
            Some(t) if t.contains(&format!("Usage: exportctl {}", deeper.join(" "))) => {
                path = deeper;
                text = t;
            }
            _ => break,
        }
    }
    for arg in args.iter().filter(|a| a.starts_with("--") && **a != "--") {
        let flag = arg.split('=').next().unwrap_or(arg);
        let known = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .any(|w| w == flag);
        if !known && flag != "--help" {
            return Err(format!(
                "`exportctl {}` has no flag `{flag}`",
                path.join(" ")
            ));
        }
    }
    Ok(())
}

#[test]
fn every_chapter_is_listed_and_every_code_block_is_checked() {
    let mut problems = Vec::new();
    let listed: BTreeSet<PathBuf> = chapters().into_iter().collect();
    let mut on_disk = BTreeSet::new();
    for dir in [book(), book().join("reference")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") && !path.ends_with("SUMMARY.md") {
                on_disk.insert(path.strip_prefix(book()).unwrap().to_path_buf());
            }
        }
    }
    for missing in listed.difference(&on_disk) {
        problems.push(format!(
            "SUMMARY.md lists `{}`, which does not exist",
            missing.display()
        ));
    }
    for unlisted in on_disk.difference(&listed) {
        problems.push(format!("`{}` is not in SUMMARY.md", unlisted.display()));
    }

    let mut cache = HashMap::new();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for chapter in &listed {
        let path = book().join(chapter);
        let name = chapter.display().to_string();
        // Rust is never written into the book: it is included from compiled crates.
        for block in blocks(&read(&path)) {
            if block.language.starts_with("rust") {
                let literal = block.text.lines().any(|l| {
                    let l = l.trim();
                    !(l.is_empty()
                        || l.starts_with("{{#include ")
                        || l.starts_with("//")
                        || l == "}")
                });
                if literal || !block.text.contains("{{#include ") {
                    problems.push(format!(
                        "{name}:{}: a Rust block must be included from a crate's source ({{{{#include PATH:ANCHOR}}}})",
                        block.line
                    ));
                }
            }
        }
        let text = resolve(&path, &mut problems);
        for block in blocks(&text) {
            let at = format!("{name} (block at resolved line {})", block.line);
            let language = block.language.split(',').next().unwrap_or_default();
            let kind = ["rust", "json", "toml", "sh", "console"]
                .into_iter()
                .find(|k| *k == language)
                .unwrap_or("other");
            *counts.entry(kind).or_default() += 1;
            match language {
                "json" => {
                    // A schematic example (`json,schematic`) elides with `…`: what is
                    // left must still be JSON.
                    let text = if block.language.ends_with(",schematic") {
                        without_elisions(&block.text)
                    } else {
                        block.text.clone()
                    };
                    let parses = serde_json::from_str::<serde_json::Value>(&text).is_ok()
                        || text
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok());
                    if !parses {
                        problems.push(format!("{at}: JSON that does not parse:\n{}", block.text));
                    }
                }
                "toml" => match toml::from_str::<toml::Table>(&block.text) {
                    Err(e) => problems.push(format!("{at}: TOML that does not parse: {e}")),
                    Ok(table)
                        if ["policy", "host", "trust"]
                            .iter()
                            .any(|k| table.contains_key(*k)) =>
                    {
                        if let Err(e) = exportctl::PolicySetConfig::parse(&block.text, &at, &book())
                        {
                            problems.push(format!("{at}: a policy set that does not load: {e}"));
                        }
                    }
                    Ok(_) => {}
                },
                "sh" | "console" => {
                    for (command, _) in commands(&block.text) {
                        let words = words(&command);
                        if words.first().is_some_and(|w| w == "exportctl")
                            && let Err(e) = check_command(&words, &mut cache)
                        {
                            problems.push(format!("{at}: {e}: {command}"));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems in the book:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The checks above ran on something: the book shows every kind of block.
    for kind in ["rust", "json", "toml", "sh", "console"] {
        assert!(
            counts.get(kind).is_some_and(|n| *n > 0),
            "no {kind} block was checked: {counts:?}"
        );
    }
}

#[test]
fn the_first_policy_chapter_runs_as_written() {
    let chapter = read(&book().join("first-policy.md"));
    let blocks = blocks(&chapter);
    let files: Vec<&Block> = blocks.iter().filter(|b| b.file.is_some()).collect();
    let script: Vec<(String, i32)> = blocks
        .iter()
        .filter(|b| b.language == "console")
        .flat_map(|b| commands(&b.text))
        .collect();
    assert!(
        script.len() >= 6,
        "the chapter shows no commands: {script:?}"
    );

    let root = crate::support::temp_dir();
    let target = crate::policy_new::shared_target();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cwd = root.path().to_path_buf();
    let mut last = None;
    for (command, status) in &script {
        let words = words(command);
        // A file the chapter shows is written where the reader would save it, once
        // the key it names exists.
        for block in &files {
            let name = block.file.as_deref().unwrap_or_default();
            let path = root.path().join(name);
            if !path.exists() && words.iter().any(|w| w == name) {
                std::fs::write(&path, with_public_key(&block.text, root.path())).unwrap();
            }
        }
        let (program, args) = words.split_first().expect("a command has a program");
        if program == "cd" {
            cwd = cwd.join(&args[0]);
            continue;
        }
        let mut run = match program.as_str() {
            "exportctl" => Command::new(env!("CARGO_BIN_EXE_exportctl")),
            "cargo" => Command::new(&cargo),
            other => panic!("the chapter runs `{other}`, which this test does not know"),
        };
        let out = run
            .args(args)
            .current_dir(&cwd)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_NET_OFFLINE", "true")
            .env("EXPORTCTL_KEY_PASSWORD", "correct horse battery staple")
            .output()
            .unwrap_or_else(|e| panic!("cannot run `{command}`: {e}"));
        assert_eq!(
            out.status.code(),
            Some(*status),
            "`{command}` in {}:\n{}\n{}",
            cwd.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        last = Some(String::from_utf8_lossy(&out.stdout).into_owned());
    }

    // What the chapter says the last command prints.
    let verdict: serde_json::Value =
        serde_json::from_str(last.as_deref().unwrap_or_default().trim()).expect("one verdict");
    assert_eq!(verdict["outcome"], "review", "{verdict}");
    assert_eq!(
        crate::support::rules(&verdict),
        ["section-1-destination"],
        "{verdict}"
    );
    let finding = &verdict["findings"][0];
    assert_eq!(finding["policy"], "acme-rules", "{verdict}");
    assert_eq!(
        finding["legal_basis"],
        "Internal Compliance Programme §1 Destinations under review"
    );
    assert!(
        verdict["policies"][0]["signed_by"]
            .as_str()
            .is_some_and(|s| s.starts_with("Acme compliance")),
        "{verdict}"
    );
}

/// `text` without its elisions: `, …` goes, and an object that holds only an
/// elision (`{…}`, `{ … the record … }`) becomes `{}`.
fn without_elisions(text: &str) -> String {
    let mut out = text.to_owned();
    while let Some(at) = out.find('…') {
        let before = out[..at].trim_end();
        if before.ends_with(',') {
            let start = before.len() - 1;
            out.replace_range(start..at + '…'.len_utf8(), "");
            continue;
        }
        let open = out[..at].rfind('{');
        let close = out[at..].find('}').map(|c| at + c);
        match (open, close) {
            (Some(open), Some(close)) if !out[open..=close].contains('"') => {
                out.replace_range(open..=close, "{}");
            }
            // An elision inside a string ("3f1c…") is a value like any other.
            _ => out.replace_range(at..at + '…'.len_utf8(), "..."),
        }
    }
    out
}

/// The shown policy set with the public key `policy keygen` wrote in `dir`, when
/// there is one.
fn with_public_key(text: &str, dir: &Path) -> String {
    let Ok(public) = std::fs::read_to_string(dir.join("publisher.pub")) else {
        return text.to_owned();
    };
    let key = public.lines().last().unwrap_or_default().trim();
    text.lines()
        .map(|line| {
            if line.starts_with("public_key = ") {
                format!("public_key = \"{key}\"\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}
