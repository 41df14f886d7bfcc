//! One screening record: a business partner of the party master screened against the lists
//! by the screening policies of a set (contract 1.1.0), with every match or failure, so a
//! later rescreen compares with it and an auditor sees what was known on which day.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical::{CanonicalError, to_canonical_bytes};
use crate::merkle::leaf_hash;
use crate::record::{DecisionId, EncodedRecord, PolicySetRef, RecordKind};

/// The screened party, kept in full or as its digest only (`store_input = "full" | "digest"`,
/// as a decision's shipment).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordedParty {
    /// The party as screened, with the SHA-256 of its canonical bytes.
    Full {
        /// SHA-256 (hex) of the party's canonical bytes.
        sha256: String,
        /// The party as screened.
        party: Value,
    },
    /// Only the SHA-256 of the canonical party.
    Digest {
        /// SHA-256 (hex) of the party's canonical bytes.
        sha256: String,
    },
}

impl RecordedParty {
    /// Keeps the whole party.
    pub fn full(party: Value) -> Result<Self, CanonicalError> {
        let sha256 = party_digest(&party)?;
        Ok(Self::Full { sha256, party })
    }

    /// Keeps only the party's digest.
    pub fn digest_of(party: &Value) -> Result<Self, CanonicalError> {
        Ok(Self::Digest {
            sha256: party_digest(party)?,
        })
    }

    /// SHA-256 (hex) of the canonical party; equal parties have equal digests.
    pub fn sha256(&self) -> &str {
        match self {
            Self::Full { sha256, .. } | Self::Digest { sha256 } => sha256,
        }
    }
}

fn party_digest(party: &Value) -> Result<String, CanonicalError> {
    Ok(crate::canonical::sha256_hex(&to_canonical_bytes(
        "party", party,
    )?))
}

/// A list entry a party matched, as the policy reported it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedMatch {
    /// The rule.
    pub rule: String,
    /// What the match means for a shipment to or from the party (`allow`, `review`, …).
    pub outcome: String,
    /// The list.
    pub list: String,
    /// The list's edition.
    pub edition: String,
    /// The entry's key.
    pub entry: String,
    /// The listed name that matched.
    pub listed_name: String,
    /// Similarity of the names, 0 to 1.
    pub score: f64,
    /// The explanation.
    pub message: String,
    /// The legal basis, with the list edition.
    pub legal_basis: String,
}

/// One screening policy's part in a screening: its matches, or why it could not screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningPolicyEntry {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// SHA-256 (hex) of the exact plugin bytes run; the store keeps those bytes.
    pub plugin_sha256: String,
    /// Who signed the plugin, if it was signed.
    pub signer: Option<String>,
    /// Mode the policy ran in (`enforce`, `monitor`).
    pub mode: String,
    /// SHA-256 (hex) of the policy's canonical settings.
    pub settings_digest: String,
    /// The matches, best first (empty: nothing matched); `None` when the policy failed.
    pub matches: Option<Vec<RecordedMatch>>,
    /// The policy's error, if it could not screen the party (it then failed closed).
    pub error: Option<String>,
}

/// One thing a screening found against a party that a hold on it is about: an enforced
/// policy's match that is not `allow` (the policy and the entry's key), or an enforced
/// policy that could not screen the party (the policy, no entry). Two screenings have the
/// same hit when the same policy reports the same entry key, as a rescreen compares matches.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// The policy's id.
    pub policy: String,
    /// The list entry's key; `None` for a failed screening.
    pub entry: Option<String>,
}

/// One screening record. Field names and meaning are specified in `sdk/spec/audit-record.md`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRecord {
    /// Record kind (always `screening` here).
    pub kind: RecordKind,
    /// Time-ordered id of this screening (a UUIDv7, unique among all records' ids).
    pub screening_id: DecisionId,
    /// When the party was screened (see [`now`](crate::record::now)).
    pub time: String,
    /// Who asked: CLI user or API client name.
    pub requested_by: String,
    /// The caller's request id, for idempotent retries.
    pub request_id: Option<String>,
    /// The party's own id (the ERP's): the store finds a party's last screening by it.
    pub party_id: String,
    /// The law date the party was screened under.
    pub date: String,
    /// The party as screened, in full or as a digest.
    pub input: RecordedParty,
    /// The policy set.
    pub policy_set: PolicySetRef,
    /// Every screening policy in force on `date`, in set order.
    pub policies: Vec<ScreeningPolicyEntry>,
    /// The worst outcome of the enforced policies' matches and failures (`allow` when
    /// nothing matched).
    pub outcome: String,
    /// Version of the host that screened.
    pub host_version: String,
    /// Hash of the engine configuration the plugins ran under.
    pub engine_config_hash: String,
}

impl ScreeningRecord {
    /// What a hold on the party would be about: every enforced policy's match that is not
    /// `allow`, and every enforced policy that failed. Monitor-mode policies count for
    /// nothing, as in `outcome`.
    pub fn hits(&self) -> BTreeSet<Hit> {
        let mut hits = BTreeSet::new();
        for p in self.policies.iter().filter(|p| p.mode == "enforce") {
            match &p.matches {
                None => {
                    hits.insert(Hit {
                        policy: p.id.clone(),
                        entry: None,
                    });
                }
                Some(matches) => hits.extend(matches.iter().filter(|m| m.outcome != "allow").map(
                    |m| Hit {
                        policy: p.id.clone(),
                        entry: Some(m.entry.clone()),
                    },
                )),
            }
        }
        hits
    }

    /// What the record may do to holds: a screening that is not `allow` opens a hold on its
    /// party if its hits are new ([`PartyOpening::opens`](crate::hold::PartyOpening::opens)).
    fn party_opening(&self) -> Option<crate::hold::PartyOpening> {
        let held = crate::hold::Held::from_outcome(&self.outcome)?;
        let hits = self.hits();
        let mut policies: Vec<String> = hits.iter().map(|h| h.policy.clone()).collect();
        policies.dedup();
        Some(crate::hold::PartyOpening {
            held,
            party_id: self.party_id.clone(),
            policies,
            hits,
        })
    }

    /// The record's canonical bytes (RFC 8785) and leaf hash.
    pub fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        if self.kind != RecordKind::Screening {
            return Err(CanonicalError {
                what: "screening record",
                source: serde::ser::Error::custom(format!(
                    "kind `{}` in a screening record",
                    self.kind.as_str()
                )),
            });
        }
        let bytes = to_canonical_bytes("screening record", self)?;
        Ok(EncodedRecord {
            kind: RecordKind::Screening,
            decision_id: self.screening_id,
            party_id: Some(self.party_id.clone()),
            request_id: self.request_id.clone(),
            input_sha256: self.input.sha256().to_owned(),
            time: self.time.clone(),
            leaf_hash: leaf_hash(&bytes),
            bytes,
            hold: self.party_opening().map(crate::hold::Change::Screen),
        })
    }

    /// Parses canonical record bytes; unknown fields, and a record of another kind, are
    /// rejected.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let record: Self =
            serde_json::from_slice(bytes).map_err(
                |e| match crate::any_record::AnyRecord::kind_of(bytes) {
                    Ok(kind) if kind != RecordKind::Screening => serde::de::Error::custom(format!(
                        "a {} record, not a screening",
                        kind.as_str()
                    )),
                    _ => e,
                },
            )?;
        if record.kind != RecordKind::Screening {
            return Err(serde::de::Error::custom(format!(
                "a {} record, not a screening",
                record.kind.as_str()
            )));
        }
        Ok(record)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The example screening record of `sdk/spec/audit-record.md`.
    pub(crate) fn example() -> ScreeningRecord {
        ScreeningRecord {
            kind: RecordKind::Screening,
            screening_id: "01938a4c-5e00-7000-8000-000000000002".parse().unwrap(),
            time: "2026-12-02T10:16:00.000001Z".into(),
            requested_by: "cli:alice".into(),
            request_id: None,
            party_id: "C-1002".into(),
            date: "2026-12-01".into(),
            input: RecordedParty::full(json!({
                "id": "C-1002", "role": "customer", "name": "Orion Trading FZE",
                "country": "AE", "aliases": [], "address": null
            }))
            .unwrap(),
            policy_set: PolicySetRef {
                digest: "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83".into(),
                generation: 3,
            },
            policies: vec![ScreeningPolicyEntry {
                id: "us-entity-list".into(),
                version: "0.2.0".into(),
                plugin_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .into(),
                signer: None,
                mode: "enforce".into(),
                settings_digest: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
                    .into(),
                matches: Some(vec![RecordedMatch {
                    rule: "entity-list".into(),
                    outcome: "deny".into(),
                    list: "Entity List (EL) - Bureau of Industry and Security [EL]".into(),
                    edition: "2026-11-28".into(),
                    entry: "EL-4711".into(),
                    listed_name: "Orion Trading FZE".into(),
                    score: 0.97,
                    message: "`Orion Trading FZE` matches an Entity List entry".into(),
                    legal_basis: "15 CFR 744.11, Supp. No. 4 to Part 744 (2026-11-28)".into(),
                }]),
                error: None,
            }],
            outcome: "deny".into(),
            host_version: "0.1.0".into(),
            engine_config_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                .into(),
        }
    }

    #[test]
    fn round_trips_through_canonical_bytes_and_indexes_its_party() {
        let r = example();
        let enc = r.encode().unwrap();
        assert_eq!(ScreeningRecord::decode(&enc.bytes).unwrap(), r);
        assert_eq!(enc.kind, RecordKind::Screening);
        assert_eq!(enc.party_id.as_deref(), Some("C-1002"));
        assert_eq!(enc.decision_id, r.screening_id);
        assert_eq!(enc.input_sha256, r.input.sha256());
        let mut failed = r.clone();
        failed.input = RecordedParty::digest_of(&json!({"id": "C-1002"})).unwrap();
        failed.policies[0].matches = None;
        failed.policies[0].error = Some("trap: out of fuel".into());
        let enc = failed.encode().unwrap();
        assert_eq!(ScreeningRecord::decode(&enc.bytes).unwrap(), failed);
    }

    #[test]
    fn hits_are_the_enforced_matches_and_failures_and_only_new_ones_open_a_hold() {
        let deny = example();
        let hits = deny.hits();
        let el = Hit {
            policy: "us-entity-list".into(),
            entry: Some("EL-4711".into()),
        };
        assert_eq!(hits, BTreeSet::from([el.clone()]));
        let Some(crate::hold::Change::Screen(opening)) = deny.encode().unwrap().hold else {
            panic!("a deny screening may open a hold");
        };
        assert!(opening.opens(None), "first screening: its hits are new");
        assert!(
            !opening.opens(Some(&hits)),
            "the same match again is not new"
        );
        assert!(
            opening.opens(Some(&BTreeSet::new())),
            "came back after it cleared"
        );
        let mut monitor = example();
        monitor.policies[0].mode = "monitor".into();
        assert!(monitor.hits().is_empty());
        let mut failed = example();
        failed.policies[0].matches = None;
        failed.policies[0].error = Some("trap".into());
        assert_eq!(
            failed.hits(),
            BTreeSet::from([Hit {
                policy: "us-entity-list".into(),
                entry: None
            }])
        );
        let mut clean = example();
        clean.policies[0].matches = Some(vec![]);
        clean.outcome = "allow".into();
        assert!(
            clean.encode().unwrap().hold.is_none(),
            "allow opens nothing"
        );
    }

    #[test]
    fn a_decision_is_not_a_screening_nor_the_other_way_round() {
        let decision = crate::record::tests::example().encode().unwrap();
        assert!(ScreeningRecord::decode(&decision.bytes).is_err());
        let screening = example().encode().unwrap();
        let err = crate::DecisionRecord::decode(&screening.bytes).unwrap_err();
        assert!(err.to_string().contains("screening"), "{err}");
        let mut wrong = example();
        wrong.kind = RecordKind::Decision;
        assert!(wrong.encode().is_err());
    }

    /// Golden: the spec's example screening record always encodes to these bytes and this
    /// leaf hash (`sdk/spec/audit-record.md`; checked independently with Python's json +
    /// hashlib).
    #[test]
    fn golden_example_bytes_and_leaf_hash() {
        let enc = example().encode().unwrap();
        assert_eq!(String::from_utf8(enc.bytes).unwrap(), GOLDEN_BYTES);
        assert_eq!(hex::encode(enc.leaf_hash), GOLDEN_LEAF_HASH);
    }

    const GOLDEN_BYTES: &str = r#"{"date":"2026-12-01","engine_config_hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","host_version":"0.1.0","input":{"party":{"address":null,"aliases":[],"country":"AE","id":"C-1002","name":"Orion Trading FZE","role":"customer"},"sha256":"cb1e1daf06b28715e50ffaf359c432c6bdd980eb8017ea2c2f7d2ab8e13fff6c","store":"full"},"kind":"screening","outcome":"deny","party_id":"C-1002","policies":[{"error":null,"id":"us-entity-list","matches":[{"edition":"2026-11-28","entry":"EL-4711","legal_basis":"15 CFR 744.11, Supp. No. 4 to Part 744 (2026-11-28)","list":"Entity List (EL) - Bureau of Industry and Security [EL]","listed_name":"Orion Trading FZE","message":"`Orion Trading FZE` matches an Entity List entry","outcome":"deny","rule":"entity-list","score":0.97}],"mode":"enforce","plugin_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","settings_digest":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","signer":null,"version":"0.2.0"}],"policy_set":{"digest":"4e1243bd22c66e76c2ba9eddc1f91394e57f9f83","generation":3},"request_id":null,"requested_by":"cli:alice","screening_id":"01938a4c-5e00-7000-8000-000000000002","time":"2026-12-02T10:16:00.000001Z"}"#;
    const GOLDEN_LEAF_HASH: &str =
        "1192b68d02d16566ce8f7f85c80789ba1488f55ca0a2d12bbca54edc8f1d6aa4";
}
