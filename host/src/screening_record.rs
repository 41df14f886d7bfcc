//! Screening records from party screenings: what `exportctl rescreen --audit`
//! hands to an [`exportctl_audit::Recorder`] for each screened party, and how a
//! recorded screening is read back as the baseline of the next rescreen
//! (`sdk/spec/audit-record.md`, "Screening records").
//!
//! What is the same for every party screened by one loaded set (each policy's
//! signer and settings digest, the engine configuration hash) is computed once,
//! in [`ScreeningRecorder::new`].

use crate::host::Host;
use crate::policy_set::{Mode, StoreInput};
use crate::record::{HOST_VERSION, PolicyStatic, RecordBuildError, engine_config_hash};
use crate::screening::{ListMatch, PartyRecord, PartyScreening, ScreeningFailure};
use exportctl_audit::{
    DecisionId, PolicySetRef, RecordKind, RecordedMatch, RecordedParty, ScreeningPolicyEntry,
    ScreeningRecord,
};
use exportctl_sdk::{Date, Outcome};
use std::sync::Arc;

/// Builds the [`ScreeningRecord`] of each party screening of one loaded set.
pub struct ScreeningRecorder {
    host: Arc<Host>,
    requested_by: String,
    store_input: StoreInput,
    /// Per loaded policy (same index as the host's), what its entries repeat.
    policies: Vec<PolicyStatic>,
    engine_config_hash: String,
}

impl ScreeningRecorder {
    /// Prepares records for screenings by `host`, asked for by `requested_by`
    /// (`cli:USER`), keeping the party as `store_input` says.
    pub fn new(
        host: &Arc<Host>,
        requested_by: impl Into<String>,
        store_input: StoreInput,
    ) -> Result<ScreeningRecorder, RecordBuildError> {
        Ok(ScreeningRecorder {
            host: Arc::clone(host),
            requested_by: requested_by.into(),
            store_input,
            policies: host
                .policies
                .iter()
                .map(PolicyStatic::of)
                .collect::<Result<_, _>>()?,
            engine_config_hash: engine_config_hash(host)?,
        })
    }

    /// The record of `screening`, the screening of `party` under the law of
    /// `date` by this recorder's host: a new id, the time now, one entry per
    /// screening policy in force that day with its matches or its failure.
    pub fn record(
        &self,
        party: &PartyRecord,
        date: Date,
        screening: &PartyScreening,
    ) -> Result<ScreeningRecord, RecordBuildError> {
        let host = &self.host;
        let mut policies = Vec::new();
        for i in host.screeners_in_force(date) {
            let loaded = &host.policies[i];
            let report = &loaded.report;
            let failure = screening.failures.iter().find(|f| f.policy == *report.id);
            let matches = failure.is_none().then(|| {
                screening
                    .matches
                    .iter()
                    .filter(|m| m.policy == *report.id && m.version == *report.version)
                    .map(|m| RecordedMatch {
                        rule: m.rule.clone(),
                        outcome: m.outcome.as_str().to_owned(),
                        list: m.list.clone(),
                        edition: m.edition.clone(),
                        entry: m.entry.clone(),
                        listed_name: m.listed_name.clone(),
                        score: m.score,
                        message: m.message.clone(),
                        legal_basis: m.legal_basis.clone(),
                    })
                    .collect()
            });
            policies.push(ScreeningPolicyEntry {
                id: report.id.to_string(),
                version: report.version.to_string(),
                plugin_sha256: report.sha256.to_string(),
                signer: self.policies[i].signer.clone(),
                mode: mode_name(report.mode).to_owned(),
                settings_digest: self.policies[i].settings_digest.clone(),
                matches,
                error: failure.map(|f| f.reason.clone()),
            });
        }
        let value = serde_json::to_value(party).map_err(|source| RecordBuildError::Json {
            what: "party",
            shipment: party.id.clone(),
            source,
        })?;
        let input = match self.store_input {
            StoreInput::Full => RecordedParty::full(value)?,
            StoreInput::Digest => RecordedParty::digest_of(&value)?,
        };
        Ok(ScreeningRecord {
            kind: RecordKind::Screening,
            screening_id: DecisionId::new(),
            time: exportctl_audit::record::now(),
            requested_by: self.requested_by.clone(),
            request_id: None,
            party_id: party.id.clone(),
            date: date.to_string(),
            input,
            policy_set: PolicySetRef {
                digest: host.generation.set_digest.to_string(),
                generation: host.generation.number,
            },
            policies,
            outcome: screening.outcome.as_str().to_owned(),
            host_version: HOST_VERSION.to_owned(),
            engine_config_hash: self.engine_config_hash.clone(),
        })
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "enforce",
        Mode::Monitor => "monitor",
    }
}

/// A recorded screening that cannot be read back as a screening: a field
/// outside what records hold.
#[derive(Debug, thiserror::Error)]
#[error("screening {screening_id} of party `{party}`: {field}: {reason}")]
pub struct BadScreeningRecord {
    /// The record's id.
    pub screening_id: DecisionId,
    /// The party.
    pub party: String,
    /// The field, e.g. `policies[0].mode`.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl PartyScreening {
    /// The screening a record holds, as [`PartyScreener::screen`](crate::PartyScreener::screen)
    /// returned it: a later rescreen compares with it.
    pub fn from_record(record: &ScreeningRecord) -> Result<PartyScreening, BadScreeningRecord> {
        let bad = |field: String, reason: String| BadScreeningRecord {
            screening_id: record.screening_id,
            party: record.party_id.clone(),
            field,
            reason,
        };
        let outcome = |field: String, text: &str| {
            serde_json::from_value::<Outcome>(serde_json::Value::from(text))
                .map_err(|e| bad(field, e.to_string()))
        };
        let mut screening = PartyScreening {
            party: record.party_id.clone(),
            outcome: outcome("outcome".into(), &record.outcome)?,
            matches: Vec::new(),
            failures: Vec::new(),
        };
        for (n, p) in record.policies.iter().enumerate() {
            let mode = match p.mode.as_str() {
                "enforce" => Mode::Enforce,
                "monitor" => Mode::Monitor,
                other => {
                    return Err(bad(
                        format!("policies[{n}].mode"),
                        format!("`{other}` is not enforce or monitor"),
                    ));
                }
            };
            match (&p.matches, &p.error) {
                (_, Some(reason)) => screening.failures.push(ScreeningFailure {
                    policy: p.id.clone(),
                    mode,
                    reason: reason.clone(),
                }),
                (Some(matches), None) => {
                    for (k, m) in matches.iter().enumerate() {
                        screening.matches.push(ListMatch {
                            policy: p.id.clone(),
                            version: p.version.clone(),
                            mode,
                            rule: m.rule.clone(),
                            outcome: outcome(
                                format!("policies[{n}].matches[{k}].outcome"),
                                &m.outcome,
                            )?,
                            list: m.list.clone(),
                            edition: m.edition.clone(),
                            entry: m.entry.clone(),
                            listed_name: m.listed_name.clone(),
                            score: m.score,
                            message: m.message.clone(),
                            legal_basis: m.legal_basis.clone(),
                        });
                    }
                }
                (None, None) => {
                    return Err(bad(
                        format!("policies[{n}]"),
                        "neither matches nor an error".into(),
                    ));
                }
            }
        }
        Ok(screening)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded() -> ScreeningRecord {
        let entry = |id: &str, matches, error: Option<&str>| ScreeningPolicyEntry {
            id: id.into(),
            version: "0.2.0".into(),
            plugin_sha256: "00".repeat(32),
            signer: None,
            mode: "enforce".into(),
            settings_digest: "11".repeat(32),
            matches,
            error: error.map(str::to_owned),
        };
        ScreeningRecord {
            kind: RecordKind::Screening,
            screening_id: DecisionId::new(),
            time: exportctl_audit::record::now(),
            requested_by: "cli:test".into(),
            request_id: None,
            party_id: "C-1".into(),
            date: "2026-09-01".into(),
            input: RecordedParty::digest_of(&serde_json::json!({"id": "C-1"})).unwrap(),
            policy_set: PolicySetRef {
                digest: "ab".into(),
                generation: 1,
            },
            policies: vec![
                entry(
                    "party-screening",
                    Some(vec![RecordedMatch {
                        rule: "csl-strong".into(),
                        outcome: "licence_required".into(),
                        list: "Entity List".into(),
                        edition: "2026-07-31".into(),
                        entry: "EL:APEX".into(),
                        listed_name: "APEX".into(),
                        score: 0.97,
                        message: "matches".into(),
                        legal_basis: "15 CFR 744.11".into(),
                    }]),
                    None,
                ),
                entry("other-screen", None, Some("trap: out of fuel")),
            ],
            outcome: "deny".into(),
            host_version: HOST_VERSION.into(),
            engine_config_hash: "22".repeat(32),
        }
    }

    /// A recorded screening reads back as the screener's result: each match with
    /// its policy, version and mode, each failure with its reason.
    #[test]
    fn a_recorded_screening_reads_back_as_screened() {
        let s = PartyScreening::from_record(&recorded()).unwrap();
        assert_eq!((s.party.as_str(), s.outcome), ("C-1", Outcome::Deny));
        assert_eq!(s.matches.len(), 1);
        let m = &s.matches[0];
        assert_eq!(
            (m.policy.as_str(), m.version.as_str(), m.mode, m.outcome),
            (
                "party-screening",
                "0.2.0",
                Mode::Enforce,
                Outcome::LicenceRequired
            )
        );
        assert_eq!((m.entry.as_str(), m.score), ("EL:APEX", 0.97));
        assert_eq!(s.failures.len(), 1);
        assert_eq!(s.failures[0].policy, "other-screen");
        assert_eq!(s.failures[0].reason, "trap: out of fuel");
    }

    /// A field outside what records hold is named, not guessed.
    #[test]
    fn a_bad_field_is_named() {
        let mut bad = recorded();
        bad.policies[1].mode = "audit".into();
        let e = PartyScreening::from_record(&bad).unwrap_err();
        assert!(e.to_string().contains("policies[1].mode"), "{e}");
        let mut bad = recorded();
        if let Some(m) = &mut bad.policies[0].matches {
            m[0].outcome = "maybe".into();
        }
        let e = PartyScreening::from_record(&bad).unwrap_err();
        assert!(
            e.to_string().contains("policies[0].matches[0].outcome"),
            "{e}"
        );
    }
}
