//! Decision records from verdicts: what `exportctl check --audit` (and later a
//! server) hands to an [`exportctl_audit::Recorder`] for each judged shipment
//! (`sdk/spec/audit-record.md`).
//!
//! What is the same for every shipment judged by one loaded set (each policy's
//! signer and settings digest, the engine configuration hash) is computed once,
//! in [`DecisionRecorder::new`]; a record then copies it and adds the shipment,
//! the verdict and the per-policy outcomes.

use crate::host::{Host, LoadedPolicy};
use crate::policy_set::{Mode, StoreInput};
use crate::verdict::Verdict;
use exportctl_audit::canonical::{CanonicalError, sha256_hex, to_canonical_bytes};
use exportctl_audit::{
    CanonicalJson, DecisionId, DecisionRecord, EncodedRecord, PolicyEntry, PolicySetRef,
    PreparedRecord, RecordKind,
};
use exportctl_sdk::validated::Shipment;
use std::collections::HashMap;
use std::sync::Arc;

/// The host's version, as records name it.
pub const HOST_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A record could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RecordBuildError {
    /// Settings, shipment or verdict could not be encoded canonically.
    #[error(transparent)]
    Encode(#[from] CanonicalError),
    /// The shipment or verdict could not be turned into JSON.
    #[error("{what} of shipment `{shipment}` cannot be encoded as JSON: {source}")]
    Json {
        /// `shipment` or `verdict`.
        what: &'static str,
        /// The shipment id.
        shipment: String,
        /// Cause.
        #[source]
        source: serde_json::Error,
    },
    /// The verdict names a policy the host did not load (a verdict of another set).
    #[error(
        "verdict on shipment `{shipment}` names policy `{policy}` {version} ({sha256}), which this host did not load"
    )]
    UnknownPolicy {
        /// The shipment id.
        shipment: String,
        /// Policy id.
        policy: String,
        /// Policy version.
        version: String,
        /// Plugin sha256.
        sha256: String,
    },
}

/// What a record says of one loaded policy, whatever the shipment (or party).
pub(crate) struct PolicyStatic {
    pub(crate) signer: Option<String>,
    pub(crate) settings_digest: String,
}

impl PolicyStatic {
    /// The signer and settings digest of `p`.
    pub(crate) fn of(p: &LoadedPolicy) -> Result<PolicyStatic, RecordBuildError> {
        let settings: serde_json::Value =
            serde_json::from_str(&p.settings_json).map_err(|source| RecordBuildError::Json {
                what: "settings",
                shipment: String::new(),
                source,
            })?;
        Ok(PolicyStatic {
            signer: match &*p.report.signed_by {
                "unsigned" => None,
                other => Some(other.to_owned()),
            },
            settings_digest: sha256_hex(&to_canonical_bytes("policy settings", &settings)?),
        })
    }
}

/// Builds the [`DecisionRecord`] of each verdict of one loaded set.
#[derive(Clone)]
pub struct DecisionRecorder {
    fixed: Arc<Fixed>,
}

/// What every record of one loaded set shares.
struct Fixed {
    requested_by: String,
    store_input: StoreInput,
    /// Keyed by (id, version, plugin sha256), the identity a verdict gives.
    policies: HashMap<(String, String, String), PolicyStatic>,
    engine_config_hash: String,
}

/// A decision taken down at the moment it was made — its id, time, shipment and
/// verdict — whose record is built later, perhaps on another thread
/// ([`DecisionRecorder::capture`], [`CapturedDecision::encode`]).
pub struct CapturedDecision {
    fixed: Arc<Fixed>,
    /// Who asked, when not the recorder's own `requested_by` (an API client).
    requested_by: Option<String>,
    decision_id: DecisionId,
    time: String,
    request_id: Option<String>,
    shipment: CanonicalJson,
    verdict: Arc<Verdict>,
}

impl DecisionRecorder {
    /// Prepares records for verdicts of `host`, asked for by `requested_by`
    /// (`cli:USER`, an API client's name), keeping the input as `store_input` says.
    pub fn new(
        host: &Host,
        requested_by: impl Into<String>,
        store_input: StoreInput,
    ) -> Result<DecisionRecorder, RecordBuildError> {
        let mut policies = HashMap::new();
        for p in &host.policies {
            policies.insert(
                (
                    p.report.id.to_string(),
                    p.report.version.to_string(),
                    p.report.sha256.to_string(),
                ),
                PolicyStatic::of(p)?,
            );
        }
        Ok(DecisionRecorder {
            fixed: Arc::new(Fixed {
                requested_by: requested_by.into(),
                store_input,
                policies,
                engine_config_hash: engine_config_hash(host)?,
            }),
        })
    }

    /// The bytes of every plugin of `host`, each once: what a store keeps so a
    /// replay runs the exact code a record names.
    pub fn plugin_bytes(host: &Host) -> impl Iterator<Item = &[u8]> {
        let mut seen = std::collections::HashSet::new();
        host.policies
            .iter()
            .filter(move |p| seen.insert(p.plugin.sha256()))
            .map(|p| p.plugin.bytes())
    }

    /// The record of `verdict` on `shipment`: a new decision id, the time now.
    /// `verdict` must come from the host this recorder was made for.
    pub fn record(
        &self,
        shipment: &Shipment<'_>,
        verdict: &Verdict,
        request_id: Option<String>,
    ) -> Result<DecisionRecord, RecordBuildError> {
        let encoded = self
            .capture(shipment, Arc::new(verdict.clone()), request_id)?
            .encode()?;
        DecisionRecord::decode(&encoded.bytes).map_err(|source| RecordBuildError::Json {
            what: "record",
            shipment: verdict.shipment.clone(),
            source,
        })
    }

    /// Takes down a decision now: a new decision id, the time, the shipment in
    /// canonical JSON (the one thing that cannot wait, as it borrows the
    /// caller's document) and the verdict. The rest of its record — the
    /// per-policy entries, the verdict's encoding, the leaf hash — is left to
    /// [`CapturedDecision::encode`], which a caller judging on one thread runs on
    /// another.
    pub fn capture(
        &self,
        shipment: &Shipment<'_>,
        verdict: Arc<Verdict>,
        request_id: Option<String>,
    ) -> Result<CapturedDecision, RecordBuildError> {
        self.capture_for(None, shipment, verdict, request_id)
    }

    /// [`capture`](Self::capture) for a decision asked for by `requested_by`
    /// (e.g. `api:erp-prod`, the authenticated client of one request) instead
    /// of the name this recorder was made with.
    pub fn capture_as(
        &self,
        requested_by: impl Into<String>,
        shipment: &Shipment<'_>,
        verdict: Arc<Verdict>,
        request_id: Option<String>,
    ) -> Result<CapturedDecision, RecordBuildError> {
        self.capture_for(Some(requested_by.into()), shipment, verdict, request_id)
    }

    fn capture_for(
        &self,
        requested_by: Option<String>,
        shipment: &Shipment<'_>,
        verdict: Arc<Verdict>,
        request_id: Option<String>,
    ) -> Result<CapturedDecision, RecordBuildError> {
        Ok(CapturedDecision {
            fixed: Arc::clone(&self.fixed),
            requested_by,
            decision_id: DecisionId::new(),
            time: exportctl_audit::record::now(),
            request_id,
            shipment: CanonicalJson::of("shipment", shipment)?,
            verdict,
        })
    }
}

impl CapturedDecision {
    /// The id the record will carry.
    pub fn decision_id(&self) -> DecisionId {
        self.decision_id
    }

    /// The decision's record, encoded: its canonical bytes and leaf hash.
    pub fn encode(self) -> Result<EncodedRecord, RecordBuildError> {
        let CapturedDecision {
            fixed,
            requested_by,
            decision_id,
            time,
            request_id,
            shipment,
            verdict,
        } = self;
        let mut policies = Vec::with_capacity(verdict.policies.len());
        for report in &verdict.policies {
            let key = (
                report.id.to_string(),
                report.version.to_string(),
                report.sha256.to_string(),
            );
            let Some(known) = fixed.policies.get(&key) else {
                return Err(RecordBuildError::UnknownPolicy {
                    shipment: verdict.shipment.clone(),
                    policy: key.0,
                    version: key.1,
                    sha256: key.2,
                });
            };
            policies.push(PolicyEntry {
                id: key.0,
                version: key.1,
                plugin_sha256: key.2,
                signer: known.signer.clone(),
                mode: match report.mode {
                    Mode::Enforce => "enforce",
                    Mode::Monitor => "monitor",
                }
                .to_owned(),
                settings_digest: known.settings_digest.clone(),
                outcome: Some(report.state().to_owned()),
                error: report.error.as_ref().map(ToString::to_string),
            });
        }
        let record = PreparedRecord {
            kind: RecordKind::Decision,
            decision_id,
            time,
            requested_by: requested_by.unwrap_or_else(|| fixed.requested_by.clone()),
            request_id,
            shipment_id: verdict.shipment.clone(),
            as_of: verdict.as_of.to_string(),
            shipment,
            keep_shipment: fixed.store_input == StoreInput::Full,
            policy_set: PolicySetRef {
                digest: verdict.generation.set_digest.to_string(),
                generation: verdict.generation.number,
            },
            policies,
            verdict: CanonicalJson::of("verdict", &*verdict)?,
            host_version: HOST_VERSION.to_owned(),
            engine_config_hash: fixed.engine_config_hash.clone(),
        };
        Ok(record.encode()?)
    }
}

/// SHA-256 of the canonical JSON of everything about how plugins ran that is
/// not in the set digest's policy entries: the host version, what a failing
/// policy yields, sandbox reuse, strict input, and each policy's limits — with
/// its instance mode only where it differs from the set's, so the hash of a set
/// whose policies all run in its mode is what it was before per-policy modes.
pub(crate) fn engine_config_hash(host: &Host) -> Result<String, CanonicalError> {
    let limits: Vec<serde_json::Value> = host
        .policies
        .iter()
        .map(|p| {
            let mut entry = serde_json::json!({
                "policy": &*p.report.id,
                "version": &*p.report.version,
                "fuel": p.limits.fuel,
                "memory_bytes": p.limits.memory_bytes,
            });
            if p.instance != host.instance_mode
                && let Some(object) = entry.as_object_mut()
            {
                object.insert("instance".to_owned(), p.instance.as_str().into());
            }
            entry
        })
        .collect();
    let config = serde_json::json!({
        "host_version": HOST_VERSION,
        "fail_outcome": host.fail_outcome.as_str(),
        "instance_mode": host.instance_mode.as_str(),
        "strict_input": host.strict_input,
        "limits": limits,
    });
    Ok(sha256_hex(&to_canonical_bytes(
        "engine configuration",
        &config,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy_set::PolicySetConfig;

    fn hash_of(text: &str) -> String {
        let config = PolicySetConfig::parse(text, "t.toml", std::path::Path::new("."))
            .unwrap_or_else(|e| panic!("{e}"));
        let host = Host::load(&config).unwrap_or_else(|e| panic!("{e}"));
        engine_config_hash(&host).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A policy's mode counts only where it differs from the set's: naming the
    /// set's own mode changes nothing, another one changes the hash.
    #[test]
    fn a_policys_instance_mode_changes_the_hash_only_when_it_differs() {
        let set = |instance: &str| {
            format!(
                "[host]\ninstance = \"fresh\"\n[[policy]]\nplugin = \"company-rules\"\n{instance}\n"
            )
        };
        let plain = hash_of(&set(""));
        assert_eq!(plain, hash_of(&set("instance = \"fresh\"")));
        let reused = hash_of(&set("instance = \"reused\""));
        assert_ne!(plain, reused);
        // Not the same as the whole set reused either: the entry says which
        // policy differs from the set.
        assert_ne!(
            reused,
            hash_of("[host]\ninstance = \"reused\"\n[[policy]]\nplugin = \"company-rules\"\n")
        );
    }
}
