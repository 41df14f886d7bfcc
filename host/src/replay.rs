//! Rebuilding the host that reached a recorded decision: from the policy set's
//! canonical form (`sdk/spec/policy-set.md`, "Digest") and the plugin bytes an
//! audit store keeps, a [`Host`] with the same plugins, settings, modes, limits,
//! fail outcome, instance modes (the set's and each policy's own) and
//! unknown-field handling.
//!
//! Trust: the form is checked against the set digest the record names and every
//! plugin's bytes against their sha256, both inside a log whose records are
//! hash-chained and signed, so signatures are not checked again (the signature
//! files are not in the store, and a publisher's key may have been retired since).
//! Each plugin instead carries the signer the record names, so a replayed
//! verdict's `signed_by` reads as the recorded one.

use crate::cache::CodeCache;
use crate::error::LoadError;
use crate::host::Host;
use crate::limits::Limits;
use crate::load::GivenPlugin;
use crate::policy_set::{InstanceMode, Mode, PluginSource, PolicyEntry, PolicySetConfig};
use crate::trust::{Signer, TrustStore};
use exportctl_sdk::Outcome;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A policy set as a record names it.
#[derive(Debug, Clone, Copy)]
pub struct RecordedSet<'a> {
    /// The set digest the record names.
    pub digest: &'a str,
    /// The canonical form the store keeps under that digest.
    pub form: &'a str,
    /// The generation number the rebuilt host (and its verdicts) carries.
    pub generation: u64,
}

/// Why a recorded set could not be rebuilt. Each names the digest or plugin.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    /// The stored form does not hash to the digest it is kept under.
    #[error("policy set {digest}: the stored canonical form hashes to {found} (edited?)")]
    FormDigest {
        /// The digest the record names.
        digest: String,
        /// The sha256 of the stored form.
        found: String,
    },
    /// The stored form is not a canonical form this host reads.
    #[error("policy set {digest}: the stored canonical form cannot be read: {reason}")]
    Form {
        /// The digest.
        digest: String,
        /// What is wrong.
        reason: String,
    },
    /// A plugin's bytes could not be had.
    #[error("plugin sha256 {sha256}: {reason}")]
    Plugin {
        /// The plugin's sha256.
        sha256: String,
        /// Why (not kept, or the store failed).
        reason: String,
    },
    /// The bytes kept for a plugin hash to something else.
    #[error("plugin sha256 {sha256}: the stored bytes hash to {found} (replaced?)")]
    PluginDigest {
        /// The sha256 the set names.
        sha256: String,
        /// The sha256 of the stored bytes.
        found: String,
    },
    /// The record names a signer in a form no verdict writes.
    #[error(
        "plugin sha256 {sha256}: recorded signer `{signer}` is not `bundled`, `unsigned` or `NAME (key ID)`"
    )]
    Signer {
        /// The plugin's sha256.
        sha256: String,
        /// The recorded signer.
        signer: String,
    },
    /// The plugins did not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The rebuilt set's canonical form differs from the stored one: the host
    /// would not be the one that decided.
    #[error("policy set {digest}: the rebuilt set differs from the stored form: {rebuilt}")]
    Differs {
        /// The digest.
        digest: String,
        /// The rebuilt form.
        rebuilt: String,
    },
}

/// The canonical form, read back (`set_digest.rs` writes it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Form {
    format: String,
    host: FormHost,
    policies: Vec<FormPolicy>,
    trust: FormTrust,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormHost {
    data_age_warning_days: u32,
    fail_outcome: Outcome,
    instance: InstanceMode,
    unknown_fields: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormPolicy {
    /// Only in forms of sets whose entry gives one.
    #[serde(default)]
    instance: Option<InstanceMode>,
    limits: FormLimits,
    mode: Mode,
    settings: Value,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormLimits {
    fuel: u64,
    memory_bytes: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormTrust {
    allow_unsigned: bool,
    /// Names and key ids only (no keys): compared as stored, not rebuilt.
    #[serde(rename = "publishers")]
    _publishers: Vec<Value>,
}

/// The format tag this host reads (`set_digest.rs`).
const FORMAT: &str = "exportctl-policy-set-digest/1";

impl Host {
    /// Rebuilds the host a record names: `set` is its digest and stored form,
    /// `plugin(sha256)` returns the stored bytes of one plugin (or why not),
    /// `signed_by(sha256)` the signer the record names for it (as a verdict's
    /// `signed_by`: `bundled`, `NAME (key ID)`, `unsigned`; `None` for a plugin
    /// the record does not name, which is then listed as unsigned but never
    /// appears in that record's verdict).
    ///
    /// The form must hash to the digest, each plugin's bytes to their sha256, and
    /// the rebuilt host must give back the same form; signatures are not checked
    /// again (see the module documentation).
    pub fn rebuild(
        set: RecordedSet<'_>,
        cache: Option<CodeCache>,
        mut plugin: impl FnMut(&str) -> Result<Vec<u8>, String>,
        signed_by: impl Fn(&str) -> Option<String>,
    ) -> Result<Arc<Host>, RebuildError> {
        let found = hex::encode(Sha256::digest(set.form.as_bytes()));
        if found != set.digest {
            return Err(RebuildError::FormDigest {
                digest: set.digest.to_owned(),
                found,
            });
        }
        let bad_form = |reason: String| RebuildError::Form {
            digest: set.digest.to_owned(),
            reason,
        };
        let form: Form = serde_json::from_str(set.form).map_err(|e| bad_form(e.to_string()))?;
        if form.format != FORMAT {
            return Err(bad_form(format!(
                "format `{}`, this host reads `{FORMAT}`",
                form.format
            )));
        }
        let strict_input = match form.host.unknown_fields.as_str() {
            "invalid" => true,
            "warn" => false,
            other => return Err(bad_form(format!("unknown_fields `{other}`"))),
        };
        let mut entries = Vec::with_capacity(form.policies.len());
        let mut given = Vec::with_capacity(form.policies.len());
        for p in &form.policies {
            let bytes = plugin(&p.sha256).map_err(|reason| RebuildError::Plugin {
                sha256: p.sha256.clone(),
                reason,
            })?;
            let found = hex::encode(Sha256::digest(&bytes));
            if found != p.sha256 {
                return Err(RebuildError::PluginDigest {
                    sha256: p.sha256.clone(),
                    found,
                });
            }
            let signer = match signed_by(&p.sha256) {
                Some(text) => parse_signer(&text).ok_or_else(|| RebuildError::Signer {
                    sha256: p.sha256.clone(),
                    signer: text,
                })?,
                None => Signer::Unsigned,
            };
            let name = format!("sha256:{}", p.sha256);
            entries.push(PolicyEntry {
                plugin: PluginSource::Bundled(name.clone()),
                signature: None,
                enabled: true,
                mode: p.mode,
                settings_json: p.settings.to_string(),
                limits: Limits {
                    fuel: p.limits.fuel,
                    memory_bytes: p.limits.memory_bytes,
                },
                instance: p.instance,
            });
            given.push(Some(GivenPlugin {
                name,
                bytes,
                signer,
            }));
        }
        let trust = TrustStore::new(Vec::new(), form.trust.allow_unsigned).map_err(bad_form)?;
        let config = PolicySetConfig {
            origin: format!("<recorded policy set {}>", set.digest),
            fail_outcome: form.host.fail_outcome,
            instance_mode: form.host.instance,
            policies: entries,
            trust,
            strict_input,
            data_age_days: form.host.data_age_warning_days,
            overrides: Vec::new(),
            audit: None,
            text: String::new(),
        };
        let mut host = Host::builder(config)
            .code_cache(cache)
            .generation(set.generation)
            .given_plugins(given)
            .build()?;
        // The publishers' keys are not in the form (and not needed: nothing is
        // verified), so the rebuilt form is compared with the trust part taken
        // from the stored one; everything that decides a verdict must match.
        let mut rebuilt: Value = serde_json::from_str(host.canonical_form())
            .map_err(|e| bad_form(format!("rebuilt form: {e}")))?;
        let stored: Value = serde_json::from_str(set.form).map_err(|e| bad_form(e.to_string()))?;
        if let (Some(r), Some(t)) = (rebuilt.as_object_mut(), stored.get("trust")) {
            r.insert("trust".to_owned(), t.clone());
        }
        if rebuilt != stored {
            return Err(RebuildError::Differs {
                digest: set.digest.to_owned(),
                rebuilt: rebuilt.to_string(),
            });
        }
        let Some(inner) = Arc::get_mut(&mut host) else {
            return Err(bad_form("the rebuilt host is shared".to_owned()));
        };
        inner.canonical_form = set.form.to_owned();
        inner.generation.set_digest = set.digest.into();
        Ok(host)
    }
}

/// A signer as a verdict writes it (`Signer`'s `Display`), read back.
fn parse_signer(text: &str) -> Option<Signer> {
    match text {
        "bundled" => Some(Signer::Bundled),
        "unsigned" => Some(Signer::Unsigned),
        _ => {
            let (name, rest) = text.rsplit_once(" (key ")?;
            let key_id = rest.strip_suffix(')')?;
            Some(Signer::Publisher {
                name: name.to_owned(),
                key_id: key_id.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signers_read_back_as_written() {
        for signer in [
            Signer::Bundled,
            Signer::Unsigned,
            Signer::Publisher {
                name: "Regulator (EU)".into(),
                key_id: "A1B2C3D4E5F60718".into(),
            },
        ] {
            assert_eq!(parse_signer(&signer.to_string()), Some(signer));
        }
        assert_eq!(parse_signer("someone"), None);
    }

    fn bundled_host() -> Arc<Host> {
        let config = PolicySetConfig::bundled_default().unwrap_or_else(|e| panic!("{e}"));
        Host::builder(config)
            .generation(4)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn bytes_of(host: &Host) -> std::collections::HashMap<String, Vec<u8>> {
        host.policies
            .iter()
            .map(|p| (p.plugin.sha256().to_owned(), p.plugin.bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_rebuilt_host_has_the_same_form_digest_and_policies() {
        let host = bundled_host();
        let bytes = bytes_of(&host);
        let rebuilt = Host::rebuild(
            RecordedSet {
                digest: &host.generation().set_digest,
                form: host.canonical_form(),
                generation: 4,
            },
            None,
            |sha| bytes.get(sha).cloned().ok_or_else(|| "not kept".to_owned()),
            |_| Some("bundled".to_owned()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rebuilt.generation(), host.generation());
        assert_eq!(rebuilt.canonical_form(), host.canonical_form());
        let modes = |h: &Host| {
            h.policies()
                .map(|p| {
                    (
                        p.plugin.sha256().to_owned(),
                        p.mode,
                        p.limits,
                        p.settings_json.to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(modes(&rebuilt).len(), modes(&host).len());
        for (a, b) in modes(&rebuilt).iter().zip(modes(&host)) {
            assert_eq!((&a.0, a.1, a.2), (&b.0, b.1, b.2));
            let (x, y): (Value, Value) = (
                serde_json::from_str(&a.3).unwrap_or_default(),
                serde_json::from_str(&b.3).unwrap_or_default(),
            );
            assert_eq!(x, y, "same settings");
        }
        assert_eq!(rebuilt.strict_input(), host.strict_input());
    }

    /// Every host option and per-policy choice the form holds comes back: fail
    /// outcome, reused instances and a policy run fresh in that set, strict
    /// input, data age, a monitor-mode policy, its own limits and changed
    /// settings.
    #[test]
    fn a_non_default_set_comes_back_with_its_options() {
        let text = r#"
[host]
fail_outcome = "deny"
instance = "reused"
unknown_fields = "invalid"
data_age_warning_days = 7

[[policy]]
plugin = "company-rules"
mode = "monitor"
[policy.limits]
fuel = 123_456_789
memory_mib = 32
[policy.settings]
review_destinations = ["AE", "TR"]

[[policy]]
plugin = "us-ear"

[[policy]]
plugin = "eu-dual-use"
instance = "fresh"
"#;
        let config = PolicySetConfig::parse(text, "t.toml", std::path::Path::new("."))
            .unwrap_or_else(|e| panic!("{e}"));
        let host = Host::builder(config)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = bytes_of(&host);
        let rebuilt = Host::rebuild(
            RecordedSet {
                digest: &host.generation().set_digest,
                form: host.canonical_form(),
                generation: 9,
            },
            None,
            |sha| bytes.get(sha).cloned().ok_or_else(|| "not kept".to_owned()),
            |_| Some("bundled".to_owned()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rebuilt.fail_outcome, Outcome::Deny);
        assert_eq!(rebuilt.instance_mode, InstanceMode::Reused);
        let instances = |h: &Host| {
            h.policies()
                .map(|p| (p.plugin.metadata().id.clone(), p.instance))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            instances(&rebuilt),
            [
                ("company-rules".to_owned(), InstanceMode::Reused),
                ("us-ear".to_owned(), InstanceMode::Reused),
                ("eu-dual-use".to_owned(), InstanceMode::Fresh),
            ]
        );
        assert_eq!(instances(&rebuilt), instances(&host));
        // What a record of the rebuilt host says about how plugins ran is what
        // the original's said, per-policy modes included.
        let engine =
            |h: &Host| crate::record::engine_config_hash(h).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(engine(&rebuilt), engine(&host));
        assert!(rebuilt.strict_input);
        assert_eq!(rebuilt.data_age_days, 7);
        let first = rebuilt
            .policies()
            .next()
            .unwrap_or_else(|| panic!("no policy"));
        assert_eq!(first.mode, Mode::Monitor);
        assert_eq!(
            first.limits,
            Limits {
                fuel: 123_456_789,
                memory_bytes: 32 << 20
            }
        );
        let settings: Value = serde_json::from_str(first.settings_json).unwrap_or_default();
        assert_eq!(
            settings["review_destinations"],
            serde_json::json!(["AE", "TR"])
        );
        assert_eq!(rebuilt.generation().number, 9);
        assert_eq!(
            rebuilt.generation().set_digest,
            host.generation().set_digest
        );
    }

    #[test]
    fn replaced_bytes_and_an_edited_form_are_refused() {
        let host = bundled_host();
        let bytes = bytes_of(&host);
        let digest = host.generation().set_digest.to_string();
        let victim = host.policies[0].plugin.sha256().to_owned();
        let err = Host::rebuild(
            RecordedSet {
                digest: &digest,
                form: host.canonical_form(),
                generation: 1,
            },
            None,
            |sha| {
                if sha == victim {
                    Ok(b"other bytes".to_vec())
                } else {
                    bytes.get(sha).cloned().ok_or_else(|| "not kept".to_owned())
                }
            },
            |_| None,
        )
        .err()
        .unwrap_or_else(|| panic!("replaced bytes were accepted"));
        assert!(
            matches!(&err, RebuildError::PluginDigest { sha256, .. } if *sha256 == victim),
            "{err}"
        );
        let edited = host.canonical_form().replace("\"enforce\"", "\"monitor\"");
        let err = Host::rebuild(
            RecordedSet {
                digest: &digest,
                form: &edited,
                generation: 1,
            },
            None,
            |sha| bytes.get(sha).cloned().ok_or_else(|| "not kept".to_owned()),
            |_| None,
        )
        .err()
        .unwrap_or_else(|| panic!("an edited form was accepted"));
        assert!(matches!(err, RebuildError::FormDigest { .. }), "{err}");
    }
}
