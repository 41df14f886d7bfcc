//! Section 1: how long `Host::load` takes for the default set and for each
//! policy alone, compiling and with a code cache hit. Each series of loads runs
//! in a child process of this benchmark, so the code cache can be switched by
//! environment variables, as a user switches it.

use crate::BoxError;
use crate::policies::one_policy;
use crate::table::{header, ms, row, section};
use crate::timing::{Stat, time_each};
use exportctl::{CodeCache, Host, PluginSource, PolicySetConfig};
use std::hint::black_box;

/// Host loads timed for the load table.
const LOAD_REPS: usize = 3;

/// Prints section 1.
pub fn table() -> Result<(), BoxError> {
    section("1. Load + compile (Host::load; a new Host, engine and instance pool each time)");
    header(&["compile", "code cache hit"]);
    let compile = load_times(&[("EXPORTCTL_CACHE", "off")])?;
    let cache = tempfile::tempdir()?;
    let cached = load_times(&[("EXPORTCTL_CACHE_DIR", &cache.path().display().to_string())])?;
    for ((label, compile), (_, cached)) in compile.iter().zip(&cached) {
        row(label, &[ms(*compile), ms(*cached)]);
    }
    Ok(())
}

/// Argument that makes the benchmark only time `Host::load` (in a child process,
/// so the code cache can be switched by environment).
pub const MEASURE_LOAD: &str = "--measure-load";

/// Times `Host::load` in a child process with `env`: the default set, then each
/// policy alone. With a code cache, one untimed load first fills it.
fn load_times(env: &[(&str, &str)]) -> Result<Vec<(String, Stat)>, BoxError> {
    let mut child = std::process::Command::new(std::env::current_exe()?);
    child.arg(MEASURE_LOAD).env_remove("EXPORTCTL_CACHE");
    for (key, value) in env {
        child.env(key, value);
    }
    let out = child.output()?;
    if !out.status.success() {
        return Err(format!(
            "load timing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    String::from_utf8(out.stdout)?
        .lines()
        .map(|line| {
            let mut f = line.split('\t');
            match (f.next(), f.next().map(str::parse), f.next().map(str::parse)) {
                (Some(label), Some(Ok(median)), Some(Ok(min))) => {
                    Ok((label.to_owned(), Stat { median, min }))
                }
                _ => Err(format!("unexpected load timing line {line:?}").into()),
            }
        })
        .collect()
}

/// The child side of [`load_times`].
pub fn measure_load(config: &PolicySetConfig) -> Result<(), BoxError> {
    let mut sets = vec![(
        format!("default set ({} policies)", config.policies.len()),
        config.clone(),
    )];
    for entry in &config.policies {
        if let PluginSource::Bundled(name) = &entry.plugin {
            sets.push((format!("{name} alone"), one_policy(config, entry)));
        }
    }
    // The library reads no environment: the cache the child was started with is
    // passed in, as the CLI does.
    let cached = CodeCache::from_env().is_some();
    let load = |set: &PolicySetConfig| {
        Host::builder(set.clone())
            .code_cache(CodeCache::from_env())
            .build()
    };
    for (label, set) in &sets {
        if cached {
            black_box(load(set)?);
        }
        let stat = time_each(LOAD_REPS, || {
            black_box(load(set)?);
            Ok(())
        })?;
        println!("{label}\t{}\t{}", stat.median, stat.min);
    }
    Ok(())
}
