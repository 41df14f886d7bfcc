//! Signed checkpoints: a C2SP `tlog-checkpoint` body (origin, tree size, base64 root hash) in a
//! C2SP `signed-note` with one Ed25519 signature.
//!
//! Key id = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); signature line =
//! `— <name> base64(key id ‖ signature)`. Keys use the note key encodings:
//! `PRIVATE+KEY+<name>+<hex id>+base64(0x01 ‖ seed)` and `<name>+<hex id>+base64(0x01 ‖ public)`.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

const ALG_ED25519: u8 = 0x01;
const SIG_PREFIX: &str = "\u{2014} ";

/// A key could not be made, read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the key file failed.
    #[error("checkpoint key {path}: {source}")]
    Io {
        /// Key file.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The secret key file may be read by group or others.
    #[error(
        "checkpoint key {path}: mode {mode:o} lets group or others read the secret key; run chmod 600 {path}"
    )]
    Permissions {
        /// Key file.
        path: String,
        /// Its mode bits.
        mode: u32,
    },
    /// The key text is malformed.
    #[error("checkpoint key {what}: {reason}")]
    Malformed {
        /// Which key (file or name).
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// No randomness for a new key.
    #[error("cannot generate a checkpoint key: {0}")]
    Random(String),
}

/// A checkpoint is malformed or its signature does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    /// The note text does not follow the signed-note / tlog-checkpoint grammar.
    #[error("malformed checkpoint: {0}")]
    Malformed(String),
    /// No signature by the expected key name and key id.
    #[error("checkpoint is not signed by key {expected} (signed by: {found})")]
    UnknownKey {
        /// The verifier's `name+keyid`.
        expected: String,
        /// The `name+keyid` of the signatures present.
        found: String,
    },
    /// A signature by the expected key does not verify.
    #[error("checkpoint signature by {key} does not verify")]
    BadSignature {
        /// The key's `name+keyid`.
        key: String,
    },
    /// The checkpoint is for a different log.
    #[error("checkpoint origin is `{found}`, expected `{expected}`")]
    WrongOrigin {
        /// The verifier's name.
        expected: String,
        /// The checkpoint's origin line.
        found: String,
    },
}

fn key_id(name: &str, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, ALG_ED25519]);
    h.update(public.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn check_name(name: &str) -> Result<(), KeyError> {
    if name.is_empty()
        || name.contains(['+', ' ', '\n', '\t'])
        || name.chars().any(char::is_control)
    {
        return Err(KeyError::Malformed {
            what: format!("name `{name}`"),
            reason: "a key name is non-empty and has no `+`, spaces or control characters".into(),
        });
    }
    Ok(())
}

/// An Ed25519 key that signs checkpoints. Its name is also the log's origin line.
#[derive(Clone)]
pub struct CheckpointKey {
    name: String,
    signing: SigningKey,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckpointKey({})", self.verifier().to_key_string())
    }
}

impl CheckpointKey {
    /// A new random key named `name` (e.g. `audit.example.com/decisions`).
    pub fn generate(name: &str) -> Result<Self, KeyError> {
        check_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self {
            name: name.to_owned(),
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn from_key_string(text: &str) -> Result<Self, KeyError> {
        let bad = |reason: &str| KeyError::Malformed {
            what: "secret key".into(),
            reason: reason.into(),
        };
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("does not start with PRIVATE+KEY+"))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected PRIVATE+KEY+name+id+key"));
        };
        check_name(name)?;
        let raw = B64.decode(b64).map_err(|_| bad("key is not base64"))?;
        let seed: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, seed)) => seed
                .try_into()
                .map_err(|_| bad("Ed25519 seed is not 32 bytes"))?,
            _ => return Err(bad("not an Ed25519 key")),
        };
        let key = Self {
            name: name.to_owned(),
            signing: SigningKey::from_bytes(&seed),
        };
        if hex::encode(key_id(name, &key.signing.verifying_key())) != id {
            return Err(bad("key id does not match the key"));
        }
        Ok(key)
    }

    /// The secret key in note encoding (keep it secret).
    pub fn to_key_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(&self.signing.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(key_id(&self.name, &self.signing.verifying_key())),
            B64.encode(raw)
        )
    }

    /// Writes the secret key to `path`, created with mode 0600; refuses to overwrite.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        writeln!(f, "{}", self.to_key_string()).map_err(io)?;
        f.sync_all().map_err(io)
    }

    /// Reads a secret key file; refuses one that group or others may read.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let io = |source| KeyError::Io {
            path: shown.clone(),
            source,
        };
        let mode = fs::metadata(path).map_err(io)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(KeyError::Permissions {
                path: shown,
                mode: mode & 0o777,
            });
        }
        let text = fs::read_to_string(path).map_err(io)?;
        Self::from_key_string(&text).map_err(|e| match e {
            KeyError::Malformed { reason, .. } => KeyError::Malformed {
                what: shown.clone(),
                reason,
            },
            other => other,
        })
    }

    /// The key name (the log origin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching public verifier.
    pub fn verifier(&self) -> CheckpointVerifier {
        let public = self.signing.verifying_key();
        CheckpointVerifier {
            id: key_id(&self.name, &public),
            name: self.name.clone(),
            public,
        }
    }

    /// Signs a note text (which must end in a newline) and returns the whole signed note.
    pub fn sign_note(&self, text: &str) -> String {
        let sig = self.signing.sign(text.as_bytes());
        let mut blob = key_id(&self.name, &self.signing.verifying_key()).to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("{text}\n{SIG_PREFIX}{} {}\n", self.name, B64.encode(blob))
    }

    /// Signs a checkpoint for a tree of `size` leaves with root `root`.
    pub fn sign_checkpoint(&self, size: u64, root: &Hash) -> Checkpoint {
        let note = self.sign_note(&format!("{}\n{size}\n{}\n", self.name, B64.encode(root)));
        Checkpoint {
            origin: self.name.clone(),
            size,
            root: *root,
            note,
        }
    }
}

/// The public half of a [`CheckpointKey`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointVerifier {
    name: String,
    id: [u8; 4],
    public: VerifyingKey,
}

impl CheckpointVerifier {
    /// Parses `<name>+<hex id>+<base64(0x01 ‖ public key)>`.
    pub fn from_key_string(text: &str) -> Result<Self, KeyError> {
        let bad = |reason: &str| KeyError::Malformed {
            what: "public key".into(),
            reason: reason.into(),
        };
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+id+key"));
        };
        check_name(name)?;
        let raw = B64.decode(b64).map_err(|_| bad("key is not base64"))?;
        let bytes: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, k)) => k
                .try_into()
                .map_err(|_| bad("Ed25519 key is not 32 bytes"))?,
            _ => return Err(bad("not an Ed25519 key")),
        };
        let public =
            VerifyingKey::from_bytes(&bytes).map_err(|_| bad("not a valid Ed25519 point"))?;
        let v = Self {
            id: key_id(name, &public),
            name: name.to_owned(),
            public,
        };
        if hex::encode(v.id) != id {
            return Err(bad("key id does not match the key"));
        }
        Ok(v)
    }

    /// The public key in note encoding.
    pub fn to_key_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.public.as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(self.id), B64.encode(raw))
    }

    /// The key name (the log origin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Verifies a signed note and returns its text (ending in a newline).
    pub fn open_note<'n>(&self, note: &'n str) -> Result<&'n str, CheckpointError> {
        let malformed = |m: &str| CheckpointError::Malformed(m.into());
        let split = note
            .rfind("\n\n")
            .ok_or_else(|| malformed("no blank line before the signatures"))?;
        let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
        if !sigs.ends_with('\n') || sigs.len() < 2 {
            return Err(malformed("signature lines must end in a newline"));
        }
        let mut found = Vec::new();
        for line in sigs.lines() {
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or_else(|| malformed("signature line does not start with `— `"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| malformed("signature line has no signature"))?;
            let blob = B64
                .decode(b64)
                .map_err(|_| malformed("signature is not base64"))?;
            if blob.len() < 4 {
                return Err(malformed("signature shorter than its key id"));
            }
            found.push(format!("{name}+{}", hex::encode(&blob[..4])));
            if name != self.name || blob[..4] != self.id {
                continue;
            }
            let key = format!("{}+{}", self.name, hex::encode(self.id));
            let sig: [u8; 64] = blob[4..]
                .try_into()
                .map_err(|_| CheckpointError::BadSignature { key: key.clone() })?;
            return self
                .public
                .verify_strict(text.as_bytes(), &Signature::from_bytes(&sig))
                .map(|()| text)
                .map_err(|_| CheckpointError::BadSignature { key });
        }
        Err(CheckpointError::UnknownKey {
            expected: format!("{}+{}", self.name, hex::encode(self.id)),
            found: if found.is_empty() {
                "none".into()
            } else {
                found.join(", ")
            },
        })
    }

    /// Verifies a signed checkpoint note and parses it.
    pub fn open_checkpoint(&self, note: &str) -> Result<Checkpoint, CheckpointError> {
        let text = self.open_note(note)?;
        let malformed = |m: &str| CheckpointError::Malformed(m.into());
        let mut lines = text.lines();
        let origin = lines.next().ok_or_else(|| malformed("no origin line"))?;
        if origin != self.name {
            return Err(CheckpointError::WrongOrigin {
                expected: self.name.clone(),
                found: origin.into(),
            });
        }
        let size = lines
            .next()
            .and_then(|l| {
                if l.starts_with('0') && l != "0" {
                    None
                } else {
                    l.parse::<u64>().ok()
                }
            })
            .ok_or_else(|| malformed("tree size is not a decimal number"))?;
        let root: Hash = lines
            .next()
            .and_then(|l| B64.decode(l).ok())
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| malformed("root hash is not 32 bytes of base64"))?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            note: note.to_owned(),
        })
    }
}

/// A signed checkpoint: the log had `size` records with Merkle root `root`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (the key name).
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The whole signed note, as written and verified.
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    // golang.org/x/mod/sumdb/note documentation example (Ed25519 is deterministic).
    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    // C2SP signed-note specification, "Verifier keys" example.
    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    #[test]
    fn reference_examples() {
        let key = CheckpointKey::from_key_string(GO_SKEY).unwrap();
        assert_eq!(key.to_key_string(), GO_SKEY);
        assert_eq!(key.verifier().to_key_string(), GO_VKEY);
        assert_eq!(key.sign_note(GO_TEXT), GO_NOTE);
        let v = CheckpointVerifier::from_key_string(GO_VKEY).unwrap();
        assert_eq!(v.open_note(GO_NOTE).unwrap(), GO_TEXT);
        let spec = CheckpointVerifier::from_key_string(SPEC_VKEY).unwrap();
        assert_eq!(
            spec.open_note(SPEC_NOTE).unwrap(),
            "This is an example message.\n"
        );
    }

    #[test]
    fn checkpoint_round_trip_and_tampering() {
        let key = CheckpointKey::generate("audit.example/log").unwrap();
        let v = key.verifier();
        let cp = key.sign_checkpoint(42, &[7; 32]);
        assert!(cp.note.starts_with("audit.example/log\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n\u{2014} audit.example/log "));
        assert_eq!(v.open_checkpoint(&cp.note).unwrap(), cp);
        let tampered = cp.note.replacen("\n42\n", "\n43\n", 1);
        assert!(matches!(
            v.open_checkpoint(&tampered),
            Err(CheckpointError::BadSignature { .. })
        ));
        let other = CheckpointKey::generate("audit.example/log").unwrap();
        assert!(matches!(
            other.verifier().open_checkpoint(&cp.note),
            Err(CheckpointError::UnknownKey { .. })
        ));
    }

    #[test]
    fn secret_key_file_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let key = CheckpointKey::generate("audit.example/log").unwrap();
        key.save(&path).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            CheckpointKey::load(&path).unwrap().to_key_string(),
            key.to_key_string()
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = CheckpointKey::load(&path).unwrap_err();
        assert!(
            matches!(err, KeyError::Permissions { mode: 0o640, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("audit.key"));
    }
}
