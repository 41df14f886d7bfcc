//! Who may publish plugins: the trust store of a policy set, and the check that a
//! trusted publisher, allowed for the plugin's policy id, signed exactly its bytes.
//!
//! Signatures are detached minisign signatures (Ed25519 over the BLAKE2b-512 hash
//! of the file, plus a signed "trusted comment"), so a regulator can sign with the
//! standard `minisign` tool (`minisign -Sm policy.wasm`) or `exportctl policy sign`.
//!
//! The check is built so that it cannot pass by accident:
//! - a signature is looked up by its key id, and must verify under that key;
//! - legacy (non-prehashed) signatures are refused;
//! - the trusted comment is covered by the global signature, so altering it fails;
//! - the publisher must be allowed to sign the policy id the plugin declares, which
//!   is checked after the plugin's metadata is read;
//! - an empty trust store trusts nobody; only an explicit `allow_unsigned = true`
//!   loads unsigned plugins, and never silently.

use minisign::{PublicKey, SignatureBox};
use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Who vouches for a loaded plugin's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// Built with this binary and embedded in it: as trusted as the binary.
    Bundled,
    /// A trusted publisher's signature verified.
    Publisher {
        /// The publisher's name in the trust store.
        name: String,
        /// The signing key's id.
        key_id: String,
    },
    /// Loaded without a signature because the set says `allow_unsigned = true`.
    Unsigned,
}

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Signer::Bundled => f.write_str("bundled"),
            Signer::Publisher { name, key_id } => write!(f, "{name} (key {key_id})"),
            Signer::Unsigned => f.write_str("unsigned"),
        }
    }
}

/// Largest signature file accepted (a minisign signature is ~300 bytes).
pub(crate) const MAX_SIGNATURE_BYTES: u64 = 16 << 10;

/// The publishers a policy set trusts.
#[derive(Clone, Default)]
pub struct TrustStore {
    publishers: Vec<Publisher>,
    /// Load plugins without a signature (authoring only; warned about).
    pub allow_unsigned: bool,
}

/// A named publisher key and the policy ids it may sign.
#[derive(Clone)]
pub struct Publisher {
    name: String,
    key: PublicKey,
    key_id: String,
    policies: Vec<IdPattern>,
}

/// A policy id, or a prefix ending in `*` (e.g. `kz-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdPattern {
    /// Exactly this id.
    Exact(String),
    /// Any id starting with this prefix.
    Prefix(String),
}

impl IdPattern {
    /// Parses `id` or `prefix*`. A bare `*` is refused: a publisher trusted for
    /// everything must be said explicitly, per policy family.
    pub fn parse(text: &str) -> Result<IdPattern, String> {
        match text.strip_suffix('*') {
            Some("") => Err(
                "`*` alone is not allowed; name the policy ids or an id prefix such as `kz-*`"
                    .to_owned(),
            ),
            Some(prefix) if is_id_text(prefix) => Ok(IdPattern::Prefix(prefix.to_owned())),
            None if is_id_text(text) => Ok(IdPattern::Exact(text.to_owned())),
            _ => Err(format!(
                "`{text}` is not a policy id or an id prefix ending in `*`"
            )),
        }
    }

    fn matches(&self, id: &str) -> bool {
        match self {
            IdPattern::Exact(exact) => exact == id,
            IdPattern::Prefix(prefix) => id.starts_with(prefix.as_str()),
        }
    }
}

fn is_id_text(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl fmt::Display for IdPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdPattern::Exact(id) => f.write_str(id),
            IdPattern::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

impl Publisher {
    /// A publisher from its name, minisign public key (the base64 line of a `.pub`
    /// file, or the whole file) and allowed policy ids.
    pub fn new(name: &str, public_key: &str, policies: &[String]) -> Result<Publisher, String> {
        let line = public_key
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .unwrap_or("");
        let key = PublicKey::from_base64(line)
            .map_err(|e| format!("public key of `{name}` is not a minisign public key: {e}"))?;
        let key_id = key_id_hex(key.keynum());
        if policies.is_empty() {
            return Err(format!(
                "publisher `{name}` may sign no policy: list its policy ids in `policies`"
            ));
        }
        let policies = policies
            .iter()
            .map(|p| IdPattern::parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Publisher {
            name: name.to_owned(),
            key,
            key_id,
            policies,
        })
    }

    /// The publisher's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id, as minisign prints it (16 upper-case hex digits).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The id of a minisign key number as this host prints key ids.
    pub fn key_id_of(keynum: &[u8]) -> String {
        key_id_hex(keynum)
    }

    /// The policy ids (or prefixes) the key may sign.
    pub(crate) fn patterns(&self) -> &[IdPattern] {
        &self.policies
    }

    /// Whether this publisher may sign the policy `id`.
    pub fn allows(&self, id: &str) -> bool {
        self.policies.iter().any(|p| p.matches(id))
    }

    /// The policy ids it may sign, for messages.
    pub fn allowed(&self) -> String {
        self.policies
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why a plugin's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// There is no signature and unsigned plugins are not allowed.
    Missing {
        /// Where it was looked for.
        path: String,
    },
    /// The signature file is not a minisign signature.
    Malformed {
        /// The parser's explanation.
        reason: String,
    },
    /// The signature uses the legacy, non-prehashed algorithm.
    Legacy,
    /// No trusted publisher holds the signing key.
    UnknownKey {
        /// The signature's key id.
        key_id: String,
    },
    /// The signature does not match the bytes (or its trusted comment was altered).
    Invalid {
        /// The publisher whose key it claims.
        publisher: String,
        /// The key id.
        key_id: String,
    },
    /// The trust store is empty and unsigned plugins are not allowed.
    NoPublishers,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Missing { path } => write!(
                f,
                "no signature at `{path}`; sign the plugin (`exportctl policy sign` or `minisign -Sm`), or set `allow_unsigned = true` in [trust] while authoring"
            ),
            SignatureError::Malformed { reason } => {
                write!(f, "the signature is not a minisign signature: {reason}")
            }
            SignatureError::Legacy => write!(
                f,
                "the signature uses minisign's legacy algorithm; re-sign with a current minisign (prehashed, the default)"
            ),
            SignatureError::UnknownKey { key_id } => write!(
                f,
                "signed with key ID {key_id}, which no trusted publisher of this policy set holds"
            ),
            SignatureError::Invalid { publisher, key_id } => write!(
                f,
                "the signature by `{publisher}` (key ID {key_id}) does not match the plugin's bytes or its trusted comment was altered"
            ),
            SignatureError::NoPublishers => write!(
                f,
                "the policy set trusts no publisher; add a [[trust.publisher]] with its public key, or set `allow_unsigned = true` in [trust] while authoring"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Why a plugin's bytes are not trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The signature is missing or does not verify.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The signature file could not be read.
    #[error("cannot read `{path}`")]
    ReadSignature {
        /// The signature file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The signature file is larger than any signature.
    #[error("`{path}` is too large for a signature")]
    SignatureTooLarge {
        /// The signature file.
        path: PathBuf,
    },
    /// The publisher's key may not sign this policy id.
    #[error(
        "publisher `{publisher}` signed it, but may sign only {allowed}, not policy `{policy}`"
    )]
    OutOfScope {
        /// The publisher.
        publisher: String,
        /// The ids it may sign.
        allowed: String,
        /// The policy id of the plugin.
        policy: String,
    },
}

/// Reads a detached signature; `None` if the file does not exist.
pub(crate) fn read_signature(path: &Path) -> Result<Option<String>, TrustError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(TrustError::ReadSignature {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut text = String::new();
    file.take(MAX_SIGNATURE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|source| TrustError::ReadSignature {
            path: path.to_owned(),
            source,
        })?;
    if text.len() as u64 > MAX_SIGNATURE_BYTES {
        return Err(TrustError::SignatureTooLarge {
            path: path.to_owned(),
        });
    }
    Ok(Some(text))
}

impl TrustStore {
    /// Checks that whoever signed a plugin may sign its policy id: a publisher's
    /// key vouches only for the ids it was trusted with. Bundled and (allowed)
    /// unsigned plugins have no publisher to check.
    pub(crate) fn check_scope(&self, signer: &Signer, policy: &str) -> Result<(), TrustError> {
        let Signer::Publisher { name, .. } = signer else {
            return Ok(());
        };
        match self.publishers.iter().find(|p| &p.name == name) {
            Some(p) if !p.allows(policy) => Err(TrustError::OutOfScope {
                publisher: name.clone(),
                allowed: p.allowed(),
                policy: policy.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// A trust store of `publishers`. Two publishers sharing one key are refused:
    /// the signature could not say which of them signed.
    pub fn new(publishers: Vec<Publisher>, allow_unsigned: bool) -> Result<TrustStore, String> {
        for (i, p) in publishers.iter().enumerate() {
            if let Some(other) = publishers[..i]
                .iter()
                .find(|o| o.key_id == p.key_id || o.name == p.name)
            {
                return Err(format!(
                    "publishers `{}` and `{}` share a name or key ID {}",
                    other.name, p.name, p.key_id
                ));
            }
        }
        Ok(TrustStore {
            publishers,
            allow_unsigned,
        })
    }

    /// The trusted publishers.
    pub fn publishers(&self) -> &[Publisher] {
        &self.publishers
    }

    /// Checks `signature` (the text of a `.minisig` file, if there is one) over
    /// `bytes`, and returns the publisher who signed. `Ok(None)` only for an unsigned
    /// plugin when unsigned plugins are explicitly allowed.
    pub fn verify(
        &self,
        bytes: &[u8],
        signature: Option<&str>,
        signature_path: &str,
    ) -> Result<Option<&Publisher>, SignatureError> {
        let Some(signature) = signature else {
            return if self.allow_unsigned {
                Ok(None)
            } else if self.publishers.is_empty() {
                Err(SignatureError::NoPublishers)
            } else {
                Err(SignatureError::Missing {
                    path: signature_path.to_owned(),
                })
            };
        };
        let signature =
            SignatureBox::from_string(signature).map_err(|e| SignatureError::Malformed {
                reason: e.to_string(),
            })?;
        if !signature.is_prehashed() {
            return Err(SignatureError::Legacy);
        }
        let key_id = key_id_hex(signature.keynum());
        let Some(publisher) = self.publishers.iter().find(|p| p.key_id == key_id) else {
            return Err(if self.publishers.is_empty() {
                SignatureError::NoPublishers
            } else {
                SignatureError::UnknownKey { key_id }
            });
        };
        minisign::verify(
            &publisher.key,
            &signature,
            Cursor::new(bytes),
            true,
            false,
            false,
        )
        .map_err(|_| SignatureError::Invalid {
            publisher: publisher.name.clone(),
            key_id,
        })?;
        Ok(Some(publisher))
    }
}

/// A key id as minisign prints it: the 8 key-number bytes, little-endian, as hex.
pub(crate) fn key_id_hex(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ct_codecs::{Base64, Decoder, Encoder};
    use minisign::KeyPair;

    fn keypair() -> KeyPair {
        KeyPair::generate_unencrypted_keypair().unwrap()
    }

    fn sign(kp: &KeyPair, bytes: &[u8], trusted: &str) -> String {
        minisign::sign(
            Some(&kp.pk),
            &kp.sk,
            Cursor::new(bytes),
            Some(trusted),
            None,
        )
        .unwrap()
        .to_string()
    }

    fn store(kp: &KeyPair, policies: &[&str]) -> TrustStore {
        let policies: Vec<String> = policies.iter().map(|s| (*s).to_owned()).collect();
        TrustStore::new(
            vec![Publisher::new("Regulator", &kp.pk.to_base64(), &policies).unwrap()],
            false,
        )
        .unwrap()
    }

    #[test]
    fn accepts_exactly_the_signed_bytes() {
        let kp = keypair();
        let store = store(&kp, &["kz-*"]);
        let sig = sign(&kp, b"plugin", "policy kz-export-control 1.0.0");
        let who = store
            .verify(b"plugin", Some(&sig), "p.minisig")
            .unwrap()
            .map(Publisher::name);
        assert_eq!(who, Some("Regulator"));
        assert!(matches!(
            store.verify(b"plugiN", Some(&sig), "p.minisig"),
            Err(SignatureError::Invalid { .. })
        ));
    }

    #[test]
    fn refuses_an_altered_trusted_comment() {
        let kp = keypair();
        let sig = sign(&kp, b"plugin", "policy kz-export-control 1.0.0");
        let altered = sig.replace("1.0.0", "9.9.9");
        assert_ne!(altered, sig);
        assert!(matches!(
            store(&kp, &["kz-*"]).verify(b"plugin", Some(&altered), "p"),
            Err(SignatureError::Invalid { .. })
        ));
    }

    #[test]
    fn refuses_unknown_keys_missing_signatures_and_an_empty_store() {
        let (trusted, other) = (keypair(), keypair());
        let sig = sign(&other, b"plugin", "c");
        assert!(matches!(
            store(&trusted, &["a"]).verify(b"plugin", Some(&sig), "p"),
            Err(SignatureError::UnknownKey { .. })
        ));
        assert!(matches!(
            store(&trusted, &["a"]).verify(b"plugin", None, "p.minisig"),
            Err(SignatureError::Missing { .. })
        ));
        let empty = TrustStore::default();
        assert_eq!(
            empty.verify(b"plugin", Some(&sig), "p").err(),
            Some(SignatureError::NoPublishers)
        );
        assert_eq!(
            empty.verify(b"plugin", None, "p").err(),
            Some(SignatureError::NoPublishers)
        );
        let authoring = TrustStore {
            allow_unsigned: true,
            ..TrustStore::default()
        };
        assert!(authoring.verify(b"plugin", None, "p").unwrap().is_none());
        assert!(matches!(
            store(&trusted, &["a"]).verify(b"plugin", Some("garbage"), "p"),
            Err(SignatureError::Malformed { .. })
        ));
    }

    #[test]
    fn a_key_id_swapped_into_a_signature_is_refused() {
        // A signature by `other`, relabelled with the trusted key's id: the lookup
        // finds the trusted key, and verification under it fails.
        let (trusted, other) = (keypair(), keypair());
        let sig = SignatureBox::from_string(&sign(&other, b"plugin", "c")).unwrap();
        let mut bin = Base64::decode_to_vec(sig.to_string().lines().nth(1).unwrap(), None).unwrap();
        bin[2..10].copy_from_slice(trusted.pk.keynum());
        let forged = sig
            .to_string()
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 1 {
                    Base64::encode_to_string(&bin).unwrap()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matches!(
            store(&trusted, &["a"]).verify(b"plugin", Some(&forged), "p"),
            Err(SignatureError::Invalid { .. })
        ));
    }

    #[test]
    fn id_patterns() {
        assert!(
            IdPattern::parse("kz-*")
                .unwrap()
                .matches("kz-export-control")
        );
        assert!(
            !IdPattern::parse("kz-*")
                .unwrap()
                .matches("eu-russia-belarus")
        );
        assert!(
            IdPattern::parse("chpl-diversion")
                .unwrap()
                .matches("chpl-diversion")
        );
        assert!(
            !IdPattern::parse("chpl-diversion")
                .unwrap()
                .matches("chpl-diversion-2")
        );
        assert!(IdPattern::parse("*").is_err());
        assert!(IdPattern::parse("Kz*").is_err());
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let kp = keypair();
        let p = Publisher::new("A", &kp.pk.to_base64(), &["a".to_owned()]).unwrap();
        let q = Publisher::new("B", &kp.pk.to_base64(), &["b".to_owned()]).unwrap();
        assert!(TrustStore::new(vec![p, q], false).is_err());
    }
}
