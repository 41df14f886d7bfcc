//! Who may call the service: bearer tokens, each with a name and roles.
//!
//! A token is `ecx_` and 64 hex digits (32 random bytes). The service keeps
//! only the SHA-256 of each: a token has 256 bits of entropy, so a fast hash
//! is enough (no password hashing needed), and a leaked configuration or token
//! file gives no token. A presented token is hashed and compared in constant
//! time with every known digest.
//!
//! Tokens come from the service configuration (`[[tokens]]`) and from the
//! token file of the data directory (`tokens.toml`, mode 0600), which
//! `exportctl serve token add | revoke` manage and a first start creates. The
//! service looks at the file's identity (inode, size, modification time: one
//! `stat`) at each authentication and re-reads it when it changed, so a token
//! added or revoked counts from the next request, no restart needed. A file
//! changed into one that cannot be used leaves the last good tokens in force,
//! with an error in the log (the CLI replaces the file atomically, so only a
//! hand edit can do that).
//!
//! Each route group declares the roles it needs in one place (`routes.rs`,
//! [`require`]); the authenticated [`Client`] is put in the request's
//! extensions for the handlers, and in the response's for the request log.

use super::problem::Problem;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use subtle::ConstantTimeEq;

/// What every token starts with, so a leaked one is recognisable (secret scanners).
pub const TOKEN_PREFIX: &str = "ecx_";

/// The token file's name in the data directory.
pub const TOKENS_FILE: &str = "tokens.toml";

/// What a client may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An ERP system: checks shipments.
    Check,
    /// A compliance officer: releases holds.
    Officer,
    /// Reads decisions, proofs and replays.
    Auditor,
    /// Reloads and rolls back policy sets.
    Admin,
}

impl Role {
    /// Every role, in the order a first start creates their tokens.
    pub const ALL: [Role; 4] = [Role::Check, Role::Officer, Role::Auditor, Role::Admin];

    /// The role's name in configuration and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Check => "check",
            Role::Officer => "officer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One token as configured: its name, its roles and the SHA-256 (hex) of the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// The client's name; decisions it asks for are recorded as `api:<name>`.
    pub name: String,
    /// What the client may do.
    pub roles: Vec<Role>,
    /// SHA-256 of the token, 64 hex digits.
    pub sha256: String,
}

/// The token file: `[[tokens]]` entries, as in the service configuration.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    #[serde(default)]
    tokens: Vec<TokenEntry>,
}

/// Why tokens cannot be read, written or used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// A token file could not be read or written.
    #[error("token file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A token file is not valid TOML of `[[tokens]]` entries.
    #[error("token file {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: toml::de::Error,
    },
    /// The token file could not be encoded.
    #[error("token file {path}: {source}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: toml::ser::Error,
    },
    /// Two tokens share a name (in one source or across the configuration and the file).
    #[error("token `{0}` is named twice: token names identify clients and must be unique")]
    Duplicate(String),
    /// A name that cannot identify a client in records and logs.
    #[error("`{0}` is not a token name: 1–64 characters, letters, digits, `-`, `_` and `.`")]
    BadName(String),
    /// A token without roles could do nothing.
    #[error("token `{0}` has no roles: give it at least one of check, officer, auditor, admin")]
    NoRoles(String),
    /// The stored digest is not a SHA-256.
    #[error("token `{0}`: `sha256` is not 64 hex digits (the SHA-256 of the token)")]
    BadDigest(String),
    /// `revoke` of a name the file does not hold.
    #[error("no token named `{name}` in {path}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The token file.
        path: PathBuf,
    },
    /// The system's random source failed.
    #[error("cannot generate a token: {0}")]
    Random(String),
}

/// A new token: `ecx_` and 32 random bytes in hex.
pub fn new_token() -> Result<String, TokenError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

/// SHA-256 of a token: what is stored and compared.
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An authenticated caller, in the request's extensions (and the response's,
/// for the request log).
#[derive(Debug, Clone)]
pub struct Client {
    /// The token's name.
    pub name: Arc<str>,
    roles: Vec<Role>,
}

impl Client {
    /// Who a decision of this client is recorded as asked for by.
    pub fn requested_by(&self) -> String {
        format!("api:{}", self.name)
    }

    /// Whether the client has at least one of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles.contains(r))
    }
}

/// Every token the service accepts: the configuration's, and the token
/// file's as it is now.
#[derive(Debug)]
pub struct Tokens {
    configured: Vec<TokenEntry>,
    /// The token file, if tokens come from one too.
    file: Option<PathBuf>,
    current: RwLock<Loaded>,
}

/// The token set last read, and the identity of the file it was read from.
#[derive(Debug)]
struct Loaded {
    stamp: Option<FileStamp>,
    /// Whether an unchanged stamp proves an unchanged file: not while the
    /// file's modification time is within a second of when it was read, as
    /// a rewrite in the same clock tick, reusing the inode, with the same
    /// size, would have the same stamp (git's "racily clean" problem).
    settled: bool,
    set: Arc<TokenSet>,
}

/// Whether a file stamped `stamp` and read now can be trusted to change stamp
/// when it changes.
fn settled(stamp: Option<FileStamp>) -> bool {
    let Some(stamp) = stamp else {
        return true;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    stamp.mtime.0 < now.saturating_sub(1)
}

/// What tells a changed token file: a replaced file has another inode, an
/// edited one another size or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
}

fn stamp(path: &Path) -> Option<FileStamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(FileStamp {
        dev: m.dev(),
        ino: m.ino(),
        len: m.len(),
        mtime: (m.mtime(), m.mtime_nsec()),
    })
}

impl Tokens {
    /// Just the tokens of `entries`, fixed (tests of the guard).
    #[cfg(test)]
    pub fn new(entries: impl IntoIterator<Item = TokenEntry>) -> Result<Tokens, TokenError> {
        let configured: Vec<TokenEntry> = entries.into_iter().collect();
        let set = TokenSet::new(configured.iter().cloned())?;
        Ok(Tokens {
            configured,
            file: None,
            current: RwLock::new(Loaded {
                stamp: None,
                settled: true,
                set: Arc::new(set),
            }),
        })
    }

    /// The tokens of `configured` and of the token file `file` (none while it
    /// does not exist), names unique across both.
    pub fn with_file(configured: Vec<TokenEntry>, file: PathBuf) -> Result<Tokens, TokenError> {
        let stamp = stamp(&file);
        let set = TokenSet::read(&configured, &file)?;
        Ok(Tokens {
            configured,
            file: Some(file),
            current: RwLock::new(Loaded {
                stamp,
                settled: settled(stamp),
                set: Arc::new(set),
            }),
        })
    }

    /// How many tokens are accepted now.
    pub fn len(&self) -> usize {
        self.current().len()
    }

    /// Whether no token is accepted now (every API request is then 401).
    pub fn is_empty(&self) -> bool {
        self.current().known.is_empty()
    }

    /// The client whose token this is, by the token file as it is now.
    pub fn authenticate(&self, token: &str) -> Option<Client> {
        self.current().authenticate(token).cloned()
    }

    /// The client whose token has this digest ([`token_digest`]), by the token
    /// file as it is now: how a console session, which keeps only the digest,
    /// finds that its token was revoked.
    pub fn authenticate_digest(&self, digest: &[u8; 32]) -> Option<Client> {
        self.current().authenticate_digest(digest).cloned()
    }

    /// The current set: re-read if the token file changed since it was read.
    fn current(&self) -> Arc<TokenSet> {
        let read = |lock: &RwLock<Loaded>| match lock.read() {
            Ok(loaded) => (loaded.stamp, loaded.settled, Arc::clone(&loaded.set)),
            Err(poisoned) => {
                let loaded = poisoned.into_inner();
                (loaded.stamp, loaded.settled, Arc::clone(&loaded.set))
            }
        };
        let (seen, was_settled, set) = read(&self.current);
        let Some(file) = &self.file else {
            return set;
        };
        let now = stamp(file);
        if now == seen && was_settled {
            return set;
        }
        let mut loaded = match self.current.write() {
            Ok(loaded) => loaded,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Another request may have re-read it meanwhile.
        if loaded.stamp != now || !loaded.settled {
            // Logged once per change, not per re-read of a file not yet settled.
            let changed = loaded.stamp != now;
            match TokenSet::read(&self.configured, file) {
                Ok(set) => {
                    if changed {
                        tracing::info!(tokens = set.len(), "token file {} re-read", file.display());
                    }
                    loaded.set = Arc::new(set);
                }
                Err(e) if changed => tracing::error!(
                    "{e}: the tokens read before stay in force until the file is fixed"
                ),
                Err(_) => {}
            }
            // Noted either way, so that a broken file is reported once, not per request.
            loaded.stamp = now;
            loaded.settled = settled(now);
        }
        Arc::clone(&loaded.set)
    }
}

/// The tokens accepted at one moment.
#[derive(Debug, Default)]
pub struct TokenSet {
    known: Vec<([u8; 32], Client)>,
}

impl TokenSet {
    /// The configuration's tokens and those of `file` (none if it does not exist).
    fn read(configured: &[TokenEntry], file: &Path) -> Result<TokenSet, TokenError> {
        let in_file = read_file(file)?.unwrap_or_default();
        TokenSet::new(configured.iter().cloned().chain(in_file))
    }

    /// The tokens of `entries`: names unique and valid, each with roles and a digest.
    fn new(entries: impl IntoIterator<Item = TokenEntry>) -> Result<TokenSet, TokenError> {
        let mut known: Vec<([u8; 32], Client)> = Vec::new();
        for entry in entries {
            check_entry(&entry)?;
            if known.iter().any(|(_, c)| *c.name == *entry.name) {
                return Err(TokenError::Duplicate(entry.name));
            }
            let mut digest = [0u8; 32];
            hex::decode_to_slice(&entry.sha256, &mut digest)
                .map_err(|_| TokenError::BadDigest(entry.name.clone()))?;
            known.push((
                digest,
                Client {
                    name: entry.name.into(),
                    roles: entry.roles,
                },
            ));
        }
        Ok(TokenSet { known })
    }

    /// How many tokens are accepted.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// The client whose token this is. Every digest is compared, each in
    /// constant time, so the answer's timing does not tell which matched.
    pub fn authenticate(&self, token: &str) -> Option<&Client> {
        self.authenticate_digest(&token_digest(token))
    }

    /// The client whose token has this digest, compared as in [`authenticate`](Self::authenticate).
    pub fn authenticate_digest(&self, presented: &[u8; 32]) -> Option<&Client> {
        let mut found = None;
        for (digest, client) in &self.known {
            if bool::from(digest.ct_eq(presented)) {
                found = Some(client);
            }
        }
        found
    }
}

fn check_entry(entry: &TokenEntry) -> Result<(), TokenError> {
    if !valid_name(&entry.name) {
        return Err(TokenError::BadName(entry.name.clone()));
    }
    if entry.roles.is_empty() {
        return Err(TokenError::NoRoles(entry.name.clone()));
    }
    Ok(())
}

/// The roles a route group needs (any one of them), and the tokens to check.
#[derive(Clone)]
pub struct Guard {
    tokens: Arc<Tokens>,
    any_of: &'static [Role],
}

/// A guard for a route group that needs one of `any_of`; apply it with
/// `route_layer(middleware::from_fn_with_state(require(..), authorize))`.
pub fn require(tokens: &Arc<Tokens>, any_of: &'static [Role]) -> Guard {
    Guard {
        tokens: Arc::clone(tokens),
        any_of,
    }
}

/// 401 without a known bearer token, 403 when its client lacks the group's
/// roles; else the request goes on with its [`Client`] in the extensions.
pub async fn authorize(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    let Some(token) = bearer(request.headers()) else {
        return Problem::unauthorized(
            "this endpoint needs a token: send `Authorization: Bearer <token>`".to_owned(),
        )
        .into_response();
    };
    let Some(client) = guard.tokens.authenticate(token) else {
        return Problem::unauthorized(
            "the bearer token is not one this service knows (wrong, or revoked)".to_owned(),
        )
        .into_response();
    };
    if !client.has_any(guard.any_of) {
        let needed: Vec<&str> = guard.any_of.iter().map(|r| r.as_str()).collect();
        return Problem::forbidden(format!(
            "token `{}` does not have the role this endpoint needs ({})",
            client.name,
            needed.join(" or ")
        ))
        .into_response();
    }
    request.extensions_mut().insert(client.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(client);
    response
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive, RFC 6750).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Reads a token file; `None` when it does not exist.
pub fn read_file(path: &Path) -> Result<Option<Vec<TokenEntry>>, TokenError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(TokenError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let file: TokenFile = toml::from_str(&text).map_err(|source| TokenError::Parse {
        path: path.to_owned(),
        source,
    })?;
    Ok(Some(file.tokens))
}

/// Replaces the token file: written beside it with mode 0600, then renamed
/// over it, so a crash leaves the old file or the new one, never half of one.
fn write_file(path: &Path, tokens: Vec<TokenEntry>) -> Result<(), TokenError> {
    let io = |source| TokenError::Io {
        path: path.to_owned(),
        source,
    };
    let text = toml::to_string(&TokenFile { tokens }).map_err(|source| TokenError::Encode {
        path: path.to_owned(),
        source,
    })?;
    let header = "# exportctl serve: API tokens, kept only as SHA-256 digests.\n\
                  # Managed with `exportctl serve token add | revoke`.\n\n";
    let tmp = path.with_extension("toml.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io)?;
    f.write_all(header.as_bytes())
        .and_then(|()| f.write_all(text.as_bytes()))
        .and_then(|()| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Adds a token named `name` with `roles` to the token file (created if
/// missing) and returns the token, which is stored nowhere else.
pub fn add(path: &Path, name: &str, roles: &[Role]) -> Result<String, TokenError> {
    let mut tokens = read_file(path)?.unwrap_or_default();
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    let token = new_token()?;
    let entry = TokenEntry {
        name: name.to_owned(),
        roles,
        sha256: hex::encode(token_digest(&token)),
    };
    check_entry(&entry)?;
    if tokens.iter().any(|t| t.name == name) {
        return Err(TokenError::Duplicate(name.to_owned()));
    }
    tokens.push(entry);
    write_file(path, tokens)?;
    Ok(token)
}

/// Removes the token named `name` from the token file.
pub fn revoke(path: &Path, name: &str) -> Result<(), TokenError> {
    let mut tokens = read_file(path)?.unwrap_or_default();
    let before = tokens.len();
    tokens.retain(|t| t.name != name);
    if tokens.len() == before {
        return Err(TokenError::Unknown {
            name: name.to_owned(),
            path: path.to_owned(),
        });
    }
    write_file(path, tokens)
}

/// A first start's tokens: one per role, named `local-<role>`, written to the
/// token file; returns (name, role, token) for printing once.
pub fn create_first(path: &Path) -> Result<Vec<(String, Role, String)>, TokenError> {
    let mut entries = Vec::new();
    let mut created = Vec::new();
    for role in Role::ALL {
        let token = new_token()?;
        let name = format!("local-{role}");
        entries.push(TokenEntry {
            name: name.clone(),
            roles: vec![role],
            sha256: hex::encode(token_digest(&token)),
        });
        created.push((name, role, token));
    }
    write_file(path, entries)?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, roles: &[Role], token: &str) -> TokenEntry {
        TokenEntry {
            name: name.to_owned(),
            roles: roles.to_vec(),
            sha256: hex::encode(token_digest(token)),
        }
    }

    #[test]
    fn a_token_is_known_by_its_digest_only() {
        let token = new_token().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(token.starts_with(TOKEN_PREFIX));
        assert_eq!(token.len(), TOKEN_PREFIX.len() + 64);
        let tokens = Tokens::new([entry("erp", &[Role::Check], &token)])
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            tokens.authenticate(&token).map(|c| c.name.to_string()),
            Some("erp".to_owned())
        );
        assert!(tokens.authenticate("ecx_wrong").is_none());
        assert!(tokens.authenticate(&token[..token.len() - 1]).is_none());
    }

    #[test]
    fn names_are_unique_and_tokens_need_roles() {
        assert!(matches!(
            Tokens::new([
                entry("a", &[Role::Check], "x"),
                entry("a", &[Role::Admin], "y")
            ]),
            Err(TokenError::Duplicate(_))
        ));
        assert!(matches!(
            Tokens::new([entry("a", &[], "x")]),
            Err(TokenError::NoRoles(_))
        ));
        assert!(matches!(
            Tokens::new([entry("a b", &[Role::Check], "x")]),
            Err(TokenError::BadName(_))
        ));
        let mut bad = entry("a", &[Role::Check], "x");
        bad.sha256.pop();
        assert!(matches!(Tokens::new([bad]), Err(TokenError::BadDigest(_))));
    }

    #[test]
    fn a_changed_token_file_counts_from_the_next_authentication() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join(TOKENS_FILE);
        let erp = add(&path, "erp", &[Role::Check]).unwrap_or_else(|e| unreachable!("{e}"));
        let configured = vec![entry("ops", &[Role::Admin], "ecx_ops")];
        let tokens =
            Tokens::with_file(configured, path.clone()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(tokens.len(), 2);
        assert!(tokens.authenticate(&erp).is_some());
        // Added and revoked while the service runs.
        let audit = add(&path, "audit", &[Role::Auditor]).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate(&audit).is_some());
        revoke(&path, "erp").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate(&erp).is_none());
        // A broken file keeps the last good tokens; the configuration's stay.
        std::fs::write(&path, "[[tokens]]\nname = ").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate(&audit).is_some());
        assert!(tokens.authenticate("ecx_ops").is_some());
        // Rewritten in place at once with the same size: the stamp may not
        // change within a clock tick, the tokens still do.
        let file_of = |token: &str| {
            format!(
                "[[tokens]]\nname = \"x\"\nroles = [\"check\"]\nsha256 = \"{}\"\n",
                hex::encode(token_digest(token))
            )
        };
        std::fs::write(&path, file_of("ecx_a")).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate("ecx_a").is_some());
        let tick = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(&path, file_of("ecx_b")).unwrap_or_else(|e| unreachable!("{e}"));
        // As if in the same tick of a coarse file-system clock.
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(tick))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate("ecx_b").is_some());
        assert!(tokens.authenticate("ecx_a").is_none());
        // No file: only the configuration's.
        std::fs::remove_file(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(tokens.authenticate("ecx_b").is_none());
        assert!(tokens.authenticate("ecx_ops").is_some());
    }

    #[test]
    fn the_bearer_scheme_is_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("bearer ecx_1"),
        );
        assert_eq!(bearer(&headers), Some("ecx_1"));
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("Basic ecx_1"),
        );
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn add_and_revoke_keep_only_digests_in_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join(TOKENS_FILE);
        let token = add(&path, "erp-prod", &[Role::Check]).unwrap_or_else(|e| unreachable!("{e}"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(!text.contains(&token));
        assert!(text.contains(&hex::encode(token_digest(&token))));
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| unreachable!("{e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            add(&path, "erp-prod", &[Role::Admin]),
            Err(TokenError::Duplicate(_))
        ));
        revoke(&path, "erp-prod").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(matches!(
            revoke(&path, "erp-prod"),
            Err(TokenError::Unknown { .. })
        ));
        assert_eq!(read_file(&path).ok().flatten().map(|t| t.len()), Some(0));
    }
}
