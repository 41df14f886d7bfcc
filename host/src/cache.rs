//! The compiled-code cache: Cranelift output of each plugin, kept on disk so a
//! host starts in milliseconds instead of recompiling every plugin.
//!
//! An entry is keyed by the sha256 of the plugin bytes and by the engine's
//! compatibility hash (wasmtime version and every code-generation setting), so
//! native code is never used by a different wasmtime or configuration; wasmtime
//! checks the same again when it loads an entry. The cache holds native code the
//! host will execute: its directory must be as well protected as the binary. The
//! host creates it private to the user (mode 0700) and refuses to use a directory
//! that others may write.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Where compiled plugins are kept.
#[derive(Debug, Clone)]
pub struct CodeCache {
    dir: PathBuf,
}

impl CodeCache {
    /// The cache of this user: `$EXPORTCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/exportctl`,
    /// else `$HOME/.cache/exportctl`. `None` when `EXPORTCTL_CACHE=off` or no
    /// directory can be found. The library never calls this itself: the caller
    /// picks a cache and passes it to [`HostBuilder::code_cache`](crate::HostBuilder::code_cache)
    /// (`exportctl` uses this one).
    pub fn from_env() -> Option<CodeCache> {
        if std::env::var_os("EXPORTCTL_CACHE").is_some_and(|v| v == "off") {
            return None;
        }
        let dir = std::env::var_os("EXPORTCTL_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("exportctl"))
            })
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/exportctl"))
            })?;
        Some(CodeCache { dir })
    }

    /// A cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> CodeCache {
        CodeCache { dir: dir.into() }
    }

    /// The compiled component for `bytes` (whose hash is `sha256`): from the cache
    /// if present and usable, otherwise compiled and stored. Cache problems never
    /// fail a load; they only cost a compilation.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<Component> {
        let Some(path) = self.entry(engine, sha256) else {
            return Component::new(engine, bytes);
        };
        if path.is_file() {
            // SAFETY: entries are written only by `store` below from
            // `Engine::precompile_component` output, in a directory private to this
            // user, under a key covering the plugin bytes and the engine's
            // compatibility hash; wasmtime re-checks version and configuration.
            #[expect(unsafe_code, reason = "loading native code this host compiled earlier")]
            let cached = unsafe { Component::deserialize_file(engine, &path) };
            if let Ok(component) = cached {
                return Ok(component);
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Ok(compiled) = component.serialize() {
            let _ = store(&path, &compiled);
        }
        Ok(component)
    }

    /// The file for a plugin, creating the private directory; `None` if the cache
    /// cannot be used safely.
    fn entry(&self, engine: &Engine, sha256: &str) -> Option<PathBuf> {
        let mut hasher = Sha256Hasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_key = hex::encode(hasher.0.finalize());
        let dir = self.dir.join(&engine_key[..32]);
        create_private_dir(&dir).ok()?;
        private_enough(&self.dir).then(|| dir.join(format!("{sha256}.cwasm")))
    }
}

/// Writes atomically: a concurrent reader sees the old entry or the whole new one.
fn store(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Whether nobody but the owner may write the cache directory.
#[cfg(unix)]
fn private_enough(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o022 == 0)
}

#[cfg(not(unix))]
fn private_enough(_dir: &Path) -> bool {
    true
}

/// Feeds `Hash` output into sha256, for a key that is stable across runs.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Only `write` is used; the digest is read from the inner hasher.
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_others_may_write_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = CodeCache::new(dir.path().join("cache"));
        let engine = Engine::default();
        assert!(cache.entry(&engine, "abc").is_some());
        std::fs::set_permissions(
            dir.path().join("cache"),
            std::fs::Permissions::from_mode(0o777),
        )
        .unwrap();
        assert!(cache.entry(&engine, "abc").is_none());
    }

    #[test]
    fn entries_are_keyed_by_engine_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CodeCache::new(dir.path());
        let plain = Engine::default();
        let mut config = wasmtime::Config::new();
        config.consume_fuel(true);
        let fuel = Engine::new(&config).unwrap();
        assert_ne!(cache.entry(&plain, "abc"), cache.entry(&fuel, "abc"));
        assert_eq!(
            cache.entry(&plain, "abc"),
            cache.entry(&Engine::default(), "abc")
        );
    }
}
