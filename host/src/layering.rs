//! The library's modules depend on each other without a circle: each can be
//! read, tested and replaced knowing only the modules below it. The test reads
//! the sources (the command line under `cli/` belongs to the binary and is left
//! out), takes every `crate::module` a module names outside its unit tests, and
//! looks for a cycle among the top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules it names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let rel = path.strip_prefix(&src).unwrap_or(&path).to_path_buf();
            let first = rel
                .components()
                .next()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_owned()
                })
                .unwrap_or_default();
            if ["cli", "main", "lib", "layering"].contains(&first.as_str()) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            // Unit tests sit at the end of a file and may use anything.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let deps = graph.entry(first.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // Lower case: a module (`crate::Limits` would be a re-export).
                let line = code[..i].rsplit('\n').next().unwrap_or_default();
                let in_doc = line.trim_start().starts_with("//");
                if !in_doc && name.starts_with(|c: char| c.is_ascii_lowercase()) && name != first {
                    deps.insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle through `from`, if there is one.
fn cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    let current = path.last().cloned()?;
    for next in graph.get(&current).into_iter().flatten() {
        if let Some(start) = path.iter().position(|m| m == next) {
            let mut found = path[start..].to_vec();
            found.push(next.clone());
            return Some(found);
        }
        if done.contains(next) {
            continue;
        }
        path.push(next.clone());
        if let Some(found) = cycle(graph, path, done) {
            return Some(found);
        }
        path.pop();
    }
    done.insert(current);
    None
}

#[test]
fn only_the_code_cache_constructor_the_caller_picks_reads_the_environment() {
    // A library user passes everything a host is loaded with; `CodeCache::from_env`
    // is one constructor among others, called by the binary, never by the library.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut readers = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let rel = path
                .strip_prefix(&src)
                .unwrap_or(&path)
                .display()
                .to_string();
            // The binary's front ends (`cli/`, `serve/`) pick the cache, as main.rs does.
            if rel.starts_with("cli")
                || rel.starts_with("serve")
                || rel == "main.rs"
                || rel == "layering.rs"
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            if code.contains("env::var") {
                readers.push(rel.clone());
            }
            if rel != "cache.rs" && code.contains("from_env()") {
                readers.push(format!("{rel} (calls from_env)"));
            }
        }
    }
    assert_eq!(readers, ["cache.rs"]);
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = dependencies();
    // The modules the circles of issue 9 ran through are all read.
    for module in [
        "engine", "plugin", "sandbox", "bindings", "verdict", "report", "host",
    ] {
        assert!(graph.contains_key(module), "{module} not found: {graph:?}");
    }
    assert!(graph["engine"].contains("bindings") && graph["plugin"].contains("engine"));
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        let mut path = vec![module.clone()];
        if let Some(found) = cycle(&graph, &mut path, &mut done) {
            panic!("dependency circle: {}", found.join(" → "));
        }
    }
}
