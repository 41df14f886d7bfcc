//! Console sessions: an officer signs in with their API token once, and the
//! browser then holds only a random session id in a cookie.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no other
//! site's page sends it), `Secure` when the service speaks TLS, and scoped to
//! `/ui`. The service keeps, per session, the SHA-256 of the id (a copy of the
//! table does not let anyone sign in), the digest of the token signed in with,
//! and the session's CSRF token, which every form carries back. Each request
//! looks the token up again, so revoking a token ends its sessions at once.
//! Sessions end after [`IDLE`] without a request; at most [`MAX_SESSIONS`] are
//! kept, the longest idle dropped first.

use super::super::auth::{Client, Role, Tokens, token_digest};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "exportctl_session";

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(30 * 60);

/// Most sessions kept at once.
pub const MAX_SESSIONS: usize = 10_000;

/// Roles that may use the console: officers act on holds, auditors read.
pub const CONSOLE_ROLES: &[Role] = &[Role::Officer, Role::Auditor];

/// Why signing in failed; each says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignInError {
    /// Not a token the service knows.
    #[error("this token is not one the service knows (wrong, or revoked)")]
    UnknownToken,
    /// A token without a console role.
    #[error(
        "token `{0}` has neither the officer nor the auditor role, which the console needs; \
         ask an administrator for an officer token"
    )]
    NoConsoleRole(String),
    /// Randomness was not available for the session id.
    #[error("no session could be made: the system's random source failed")]
    NoRandomness,
}

/// A request's signed-in officer.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who, with their roles as the token file says now.
    pub client: Client,
    /// The token every form of this session must carry.
    pub csrf: String,
}

impl SignedIn {
    /// Whether `presented` (a form's `csrf` field) is this session's token,
    /// compared in constant time.
    pub fn csrf_matches(&self, presented: &str) -> bool {
        presented.len() == self.csrf.len()
            && bool::from(presented.as_bytes().ct_eq(self.csrf.as_bytes()))
    }
}

struct Session {
    token: [u8; 32],
    csrf: String,
    seen: Instant,
}

/// Every live session.
pub struct Sessions {
    live: Mutex<HashMap<[u8; 32], Session>>,
    secure: bool,
}

impl Sessions {
    /// No sessions yet; `secure` when the service speaks TLS (the cookie then
    /// travels over HTTPS only).
    pub fn new(secure: bool) -> Sessions {
        Sessions {
            live: Mutex::new(HashMap::new()),
            secure,
        }
    }

    /// Signs in with `token`: a new session, and the `Set-Cookie` value that
    /// hands its id to the browser.
    pub fn sign_in(&self, tokens: &Tokens, token: &str) -> Result<(String, SignedIn), SignInError> {
        let digest = token_digest(token.trim());
        let client = tokens
            .authenticate_digest(&digest)
            .ok_or(SignInError::UnknownToken)?;
        if !client.has_any(CONSOLE_ROLES) {
            return Err(SignInError::NoConsoleRole(client.name.to_string()));
        }
        let id = random_hex()?;
        let csrf = random_hex()?;
        let now = Instant::now();
        let mut live = self.lock();
        live.retain(|_, s| now.duration_since(s.seen) < IDLE);
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live.iter().min_by_key(|(_, s)| s.seen).map(|(k, _)| *k)
        {
            live.remove(&oldest);
        }
        live.insert(
            key(&id),
            Session {
                token: digest,
                csrf: csrf.clone(),
                seen: now,
            },
        );
        Ok((self.cookie(&id, None), SignedIn { client, csrf }))
    }

    /// The session of a request's cookie, if it is live and its token still
    /// known; its idle time starts again.
    pub fn find(&self, tokens: &Tokens, headers: &HeaderMap) -> Option<SignedIn> {
        let id = cookie_value(headers)?;
        let now = Instant::now();
        let mut live = self.lock();
        let session = live.get_mut(&key(id))?;
        if now.duration_since(session.seen) >= IDLE {
            live.remove(&key(id));
            return None;
        }
        session.seen = now;
        let (token, csrf) = (session.token, session.csrf.clone());
        drop(live);
        let client = tokens.authenticate_digest(&token)?;
        Some(SignedIn { client, csrf })
    }

    /// Ends the request's session; the `Set-Cookie` value that clears it.
    pub fn sign_out(&self, headers: &HeaderMap) -> String {
        if let Some(id) = cookie_value(headers) {
            self.lock().remove(&key(id));
        }
        self.cookie("", Some(0))
    }

    /// How many sessions are live (idle ones not yet swept count too).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn cookie(&self, id: &str, max_age: Option<u64>) -> String {
        let mut cookie = format!("{COOKIE_NAME}={id}; Path=/ui; HttpOnly; SameSite=Strict");
        if self.secure {
            cookie.push_str("; Secure");
        }
        if let Some(age) = max_age {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        cookie
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        // A poisoned table is still a table of complete sessions.
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn key(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

/// 32 random bytes as hex.
fn random_hex() -> Result<String, SignInError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| SignInError::NoRandomness)?;
    Ok(hex::encode(bytes))
}

/// The session id of the request's `Cookie` headers.
fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::super::auth::{TokenEntry, token_digest};
    use super::*;
    use axum::http::HeaderValue;

    fn tokens() -> Tokens {
        let entry = |name: &str, role: Role, token: &str| TokenEntry {
            name: name.into(),
            roles: vec![role],
            sha256: hex::encode(token_digest(token)),
        };
        Tokens::new([
            entry("alice", Role::Officer, "ecx_alice"),
            entry("audit", Role::Auditor, "ecx_audit"),
            entry("erp", Role::Check, "ecx_erp"),
        ])
        .unwrap()
    }

    fn request_with(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {pair}")).unwrap(),
        );
        headers
    }

    #[test]
    fn an_officer_signs_in_and_is_found_by_the_cookie() {
        let (sessions, tokens) = (Sessions::new(false), tokens());
        let (cookie, signed) = sessions.sign_in(&tokens, "ecx_alice").unwrap();
        assert!(cookie.starts_with("exportctl_session="));
        assert!(cookie.contains("; Path=/ui; HttpOnly; SameSite=Strict"));
        assert!(!cookie.contains("Secure"));
        let found = sessions.find(&tokens, &request_with(&cookie)).unwrap();
        assert_eq!(&*found.client.name, "alice");
        assert_eq!(found.csrf, signed.csrf);
        assert!(found.csrf_matches(&signed.csrf));
        assert!(!found.csrf_matches(""));
        assert!(!found.csrf_matches(&"0".repeat(64)));
    }

    #[test]
    fn the_cookie_is_secure_over_tls() {
        let (cookie, _) = Sessions::new(true).sign_in(&tokens(), "ecx_audit").unwrap();
        assert!(cookie.ends_with("; Secure"));
    }

    #[test]
    fn wrong_and_check_role_tokens_cannot_sign_in() {
        let (sessions, tokens) = (Sessions::new(false), tokens());
        assert_eq!(
            sessions.sign_in(&tokens, "ecx_nobody").unwrap_err(),
            SignInError::UnknownToken
        );
        assert_eq!(
            sessions.sign_in(&tokens, "ecx_erp").unwrap_err(),
            SignInError::NoConsoleRole("erp".into())
        );
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn unknown_or_signed_out_sessions_are_not_found() {
        let (sessions, tokens) = (Sessions::new(false), tokens());
        let (cookie, _) = sessions.sign_in(&tokens, "ecx_alice").unwrap();
        let forged = format!("{COOKIE_NAME}={}", "ab".repeat(32));
        assert!(sessions.find(&tokens, &request_with(&forged)).is_none());
        assert!(sessions.find(&tokens, &HeaderMap::new()).is_none());
        let cleared = sessions.sign_out(&request_with(&cookie));
        assert!(cleared.contains("Max-Age=0"));
        assert!(sessions.find(&tokens, &request_with(&cookie)).is_none());
    }

    #[test]
    fn a_revoked_token_ends_its_sessions() {
        let sessions = Sessions::new(false);
        let (cookie, _) = sessions.sign_in(&tokens(), "ecx_alice").unwrap();
        let without_alice = Tokens::new([TokenEntry {
            name: "audit".into(),
            roles: vec![Role::Auditor],
            sha256: hex::encode(token_digest("ecx_audit")),
        }])
        .unwrap();
        assert!(
            sessions
                .find(&without_alice, &request_with(&cookie))
                .is_none()
        );
    }
}
