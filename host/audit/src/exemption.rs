//! One exemption record: an officer marking a screening match as a false positive for one
//! party and one list entry, until a time, with the reason (`grant`); or ending such a grant
//! before its time (`expire`). Exemptions are kept in the same log as the decisions they
//! change, so an auditor sees who silenced which match, why and until when.

use serde::{Deserialize, Serialize};

use crate::canonical::{CanonicalError, sha256_hex, to_canonical_bytes};
use crate::hold_action::ActionInput;
use crate::merkle::leaf_hash;
use crate::record::{DecisionId, EncodedRecord, RecordKind};

/// The party an exemption is for, as it was when exempted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExemptedParty {
    /// The ERP's id of the party (`ids.erp`), when the exemption is recorded under it.
    pub erp_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
}

/// What a grant exempts: one finding's subject, as the decision it was taken from shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExemptionGrant {
    /// The decision whose finding the officer judged a false positive.
    pub decision: DecisionId,
    /// The finding's policy.
    pub policy: String,
    /// The finding's rule.
    pub rule: String,
    /// The party.
    pub party: ExemptedParty,
    /// The list.
    pub list: String,
    /// The list's edition when exempted.
    pub edition: String,
    /// The entry's key.
    pub entry: String,
    /// The entry's fingerprint when exempted: a changed entry counts again.
    pub fingerprint: String,
    /// The first moment it no longer holds (RFC 3339, UTC).
    pub valid_until: String,
}

/// One exemption record. Field names and meaning are specified in
/// `sdk/spec/audit-record.md`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExemptionRecord {
    /// Record kind (always `exemption` here).
    pub kind: RecordKind,
    /// Time-ordered id of this record; a grant's id is the exemption's id.
    pub exemption_id: DecisionId,
    /// When the officer acted.
    pub time: String,
    /// The officer.
    pub officer: String,
    /// The caller's request id, for idempotent retries.
    pub request_id: Option<String>,
    /// `grant` or `expire`.
    pub action: String,
    /// What is exempted (`grant` only).
    pub grant: Option<ExemptionGrant>,
    /// The grant this ends (`expire` only).
    pub expires: Option<DecisionId>,
    /// Why (mandatory).
    pub reason: String,
    /// The digest of what was asked.
    pub input: ActionInput,
}

impl ExemptionRecord {
    /// The digest of a request: equal requests have equal digests.
    pub fn input_of(
        action: &str,
        grant: Option<&ExemptionGrant>,
        expires: Option<&DecisionId>,
        reason: &str,
    ) -> Result<ActionInput, CanonicalError> {
        let asked = serde_json::json!({
            "action": action, "expires": expires.map(ToString::to_string),
            "grant": grant, "reason": reason,
        });
        Ok(ActionInput {
            sha256: sha256_hex(&to_canonical_bytes("exemption", &asked)?),
        })
    }

    /// The record's canonical bytes (RFC 8785) and leaf hash.
    pub fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        let refuse = |why: String| CanonicalError {
            what: "exemption record",
            source: serde::ser::Error::custom(why),
        };
        if self.kind != RecordKind::Exemption {
            return Err(refuse(format!(
                "kind `{}` in an exemption record",
                self.kind.as_str()
            )));
        }
        match (self.action.as_str(), &self.grant, &self.expires) {
            ("grant", Some(_), None) | ("expire", None, Some(_)) => {}
            (action, ..) => {
                return Err(refuse(format!(
                    "action `{action}` needs exactly a grant (grant) or the grant it ends (expire)"
                )));
            }
        }
        if self.reason.trim().is_empty() {
            return Err(refuse("an exemption needs a reason".into()));
        }
        let bytes = to_canonical_bytes("exemption record", self)?;
        Ok(EncodedRecord {
            kind: RecordKind::Exemption,
            decision_id: self.exemption_id,
            party_id: None,
            request_id: self.request_id.clone(),
            input_sha256: self.input.sha256.clone(),
            time: self.time.clone(),
            leaf_hash: leaf_hash(&bytes),
            bytes,
            hold: None,
        })
    }

    /// Parses canonical record bytes; unknown fields, and a record of another kind, are
    /// rejected.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let record: Self = serde_json::from_slice(bytes)?;
        if record.kind != RecordKind::Exemption {
            return Err(serde::de::Error::custom(format!(
                "a {} record, not an exemption",
                record.kind.as_str()
            )));
        }
        Ok(record)
    }
}

/// The grants of `records` (in log order) not ended by a later `expire`: the exemptions
/// in force, whatever their `valid_until` (the judge compares that with its clock).
pub fn in_force(records: &[ExemptionRecord]) -> Vec<&ExemptionRecord> {
    let ended: std::collections::HashSet<DecisionId> =
        records.iter().filter_map(|r| r.expires).collect();
    records
        .iter()
        .filter(|r| r.grant.is_some() && !ended.contains(&r.exemption_id))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn example() -> ExemptionRecord {
        let grant = ExemptionGrant {
            decision: "01938a4c-5e00-7000-8000-000000000001".parse().unwrap(),
            policy: "party-screening".into(),
            rule: "csl-sdn".into(),
            party: ExemptedParty {
                erp_id: None,
                name: "Orion Trading LLC".into(),
                country: "US".into(),
            },
            list: "Specially Designated Nationals (SDN) - Treasury Department".into(),
            edition: "CSL generated 2026-07-31".into(),
            entry: "SDN:36714".into(),
            fingerprint: "ab".repeat(32),
            valid_until: "2027-06-01T00:00:00Z".into(),
        };
        ExemptionRecord {
            kind: RecordKind::Exemption,
            exemption_id: "01938a4c-5e00-7000-8000-000000000004".parse().unwrap(),
            time: "2026-12-02T12:00:00.000001Z".into(),
            officer: "alice".into(),
            request_id: None,
            action: "grant".into(),
            input: ExemptionRecord::input_of(
                "grant",
                Some(&grant),
                None,
                "Different company: registry extract on file",
            )
            .unwrap(),
            grant: Some(grant),
            expires: None,
            reason: "Different company: registry extract on file".into(),
        }
    }

    #[test]
    fn round_trips_and_refuses_a_grant_without_reason_or_shape() {
        let r = example();
        let enc = r.encode().unwrap();
        assert_eq!(ExemptionRecord::decode(&enc.bytes).unwrap(), r);
        assert_eq!(enc.kind, RecordKind::Exemption);
        let fields = crate::record::IndexedFields::read(&enc.bytes).unwrap();
        assert_eq!(fields.hold_id(), None);
        let mut no_reason = r.clone();
        no_reason.reason = " ".into();
        assert!(no_reason.encode().is_err());
        let mut both = r.clone();
        both.expires = Some(r.exemption_id);
        assert!(both.encode().is_err());
    }

    #[test]
    fn an_expire_ends_its_grant() {
        let grant = example();
        let mut other = example();
        other.exemption_id = DecisionId::new();
        let expire = ExemptionRecord {
            exemption_id: DecisionId::new(),
            action: "expire".into(),
            grant: None,
            expires: Some(grant.exemption_id),
            ..example()
        };
        assert!(expire.encode().is_ok());
        let records = vec![grant.clone(), other.clone(), expire];
        let live: Vec<DecisionId> = in_force(&records).iter().map(|r| r.exemption_id).collect();
        assert_eq!(live, [other.exemption_id]);
    }
}
