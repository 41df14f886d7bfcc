//! One hold-action record: an officer's action on the hold a decision (or a screening with new
//! hits, on its party) opened — approve, release, reject, cancel, or attach a licence and judge
//! the shipment again with it — in the
//! same log as the decision, with the state it led to, so the hold's whole history is
//! tamper-evident and a verifier can check it against the rules of [`crate::hold`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical::{CanonicalError, sha256_hex, to_canonical_bytes};
use crate::hold::{Action, Change};
use crate::merkle::leaf_hash;
use crate::record::{DecisionId, EncodedRecord, PolicySetRef, RecordKind};

/// A licence an officer attached to a `licence_required` hold, as the shipment's
/// `licences[]` entry it became (`sdk/spec/shipment.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedLicence {
    /// The licence's number.
    pub id: String,
    /// Who issued it (`EU`, `US`, `KZ`, … or an alpha-2 code).
    pub jurisdiction: String,
    /// The shipment lines it covers (`None`: all).
    pub lines: Option<Vec<u32>>,
    /// Its last valid day (ISO 8601), if it has one.
    pub valid_until: Option<String>,
}

/// The judgement of the shipment with the attached licence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejudgement {
    /// The law date applied (the decision's own).
    pub as_of: String,
    /// The policy set that judged it.
    pub policy_set: PolicySetRef,
    /// The verdict (`sdk/spec/verdict.md`); its `outcome` decides the hold.
    pub verdict: Value,
}

impl Rejudgement {
    /// The verdict's outcome (empty when the verdict has none, which the rules refuse).
    pub fn outcome(&self) -> &str {
        self.verdict
            .get("outcome")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// The digest of what an action asks (used for idempotent retries by request id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// SHA-256 (hex) of the canonical `{action, comment, hold, licence, reason_code}`.
    pub sha256: String,
}

/// One officer's action on a hold. Field names and meaning are specified in
/// `sdk/spec/audit-record.md`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldActionRecord {
    /// Record kind (always `hold_action` here).
    pub kind: RecordKind,
    /// Time-ordered id of this action (a UUIDv7, unique among all records' ids).
    pub action_id: DecisionId,
    /// When the officer acted.
    pub time: String,
    /// The officer (the API client's name).
    pub officer: String,
    /// The caller's request id, for idempotent retries.
    pub request_id: Option<String>,
    /// The decision (or screening) that opened the hold.
    pub hold: DecisionId,
    /// The held shipment's own id (a hold on a shipment; absent on a party hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_id: Option<String>,
    /// The held party's own id (a hold on a party; absent on a shipment hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
    /// `approve`, `release`, `reject`, `cancel` or `attach_licence`.
    pub action: String,
    /// The reason code, from the service's configured list.
    pub reason_code: String,
    /// The officer's comment (may be empty).
    pub comment: String,
    /// The licence attached (`attach_licence` only).
    pub licence: Option<RecordedLicence>,
    /// The judgement with that licence (`attach_licence` only).
    pub rejudgement: Option<Rejudgement>,
    /// The hold's state before the action.
    pub from: String,
    /// The hold's state after it.
    pub to: String,
    /// The outcome the hold is held for after it (a licence judged `review` turns a
    /// `licence_required` hold into a `review` one).
    pub held: String,
    /// The digest of what was asked.
    pub input: ActionInput,
}

impl HoldActionRecord {
    /// The digest of an action's request: equal requests have equal digests.
    pub fn input_of(
        hold: &DecisionId,
        action: &str,
        reason_code: &str,
        comment: &str,
        licence: Option<&RecordedLicence>,
    ) -> Result<ActionInput, CanonicalError> {
        let asked = serde_json::json!({
            "action": action,
            "comment": comment,
            "hold": hold.to_string(),
            "licence": licence,
            "reason_code": reason_code,
        });
        Ok(ActionInput {
            sha256: sha256_hex(&to_canonical_bytes("hold action", &asked)?),
        })
    }

    /// The rule-level action this record is (`None` for an unknown action name).
    pub fn rule_action(&self) -> Option<Action> {
        Action::from_parts(
            &self.action,
            self.rejudgement.as_ref().map(Rejudgement::outcome),
        )
    }

    /// The record's canonical bytes (RFC 8785) and leaf hash.
    pub fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        let refuse = |why: String| CanonicalError {
            what: "hold action record",
            source: serde::ser::Error::custom(why),
        };
        if self.kind != RecordKind::HoldAction {
            return Err(refuse(format!(
                "kind `{}` in a hold action record",
                self.kind.as_str()
            )));
        }
        let action = self
            .rule_action()
            .ok_or_else(|| refuse(format!("unknown hold action `{}`", self.action)))?;
        let bytes = to_canonical_bytes("hold action record", self)?;
        Ok(EncodedRecord {
            kind: RecordKind::HoldAction,
            decision_id: self.action_id,
            party_id: self.party_id.clone(),
            request_id: self.request_id.clone(),
            input_sha256: self.input.sha256.clone(),
            time: self.time.clone(),
            leaf_hash: leaf_hash(&bytes),
            bytes,
            hold: Some(Change::Act {
                hold: self.hold,
                officer: self.officer.clone(),
                action,
                to: self.to.clone(),
            }),
        })
    }

    /// Parses canonical record bytes; unknown fields, and a record of another kind, are
    /// rejected.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let record: Self =
            serde_json::from_slice(bytes).map_err(
                |e| match crate::any_record::AnyRecord::kind_of(bytes) {
                    Ok(kind) if kind != RecordKind::HoldAction => serde::de::Error::custom(
                        format!("a {} record, not a hold action", kind.as_str()),
                    ),
                    _ => e,
                },
            )?;
        if record.kind != RecordKind::HoldAction {
            return Err(serde::de::Error::custom(format!(
                "a {} record, not a hold action",
                record.kind.as_str()
            )));
        }
        Ok(record)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The example hold action record of `sdk/spec/audit-record.md`.
    pub(crate) fn example() -> HoldActionRecord {
        let hold: DecisionId = "01938a4c-5e00-7000-8000-000000000001".parse().unwrap();
        HoldActionRecord {
            kind: RecordKind::HoldAction,
            action_id: "01938a4c-5e00-7000-8000-000000000003".parse().unwrap(),
            time: "2026-12-02T11:00:00.000001Z".into(),
            officer: "alice".into(),
            request_id: None,
            hold,
            shipment_id: Some("SHP-2026-0042".into()),
            party_id: None,
            action: "approve".into(),
            reason_code: "end-use-verified".into(),
            comment: "End-use statement on file".into(),
            licence: None,
            rejudgement: None,
            from: "open".into(),
            to: "approved".into(),
            held: "review".into(),
            input: HoldActionRecord::input_of(
                &hold,
                "approve",
                "end-use-verified",
                "End-use statement on file",
                None,
            )
            .unwrap(),
        }
    }

    #[test]
    fn round_trips_and_carries_its_change_to_the_store() {
        let r = example();
        let enc = r.encode().unwrap();
        assert_eq!(HoldActionRecord::decode(&enc.bytes).unwrap(), r);
        assert_eq!(enc.kind, RecordKind::HoldAction);
        assert_eq!(enc.hold_id(), Some(r.hold));
        assert_eq!(
            enc.hold,
            Some(Change::Act {
                hold: r.hold,
                officer: "alice".into(),
                action: Action::Approve,
                to: "approved".into()
            })
        );
        let fields = crate::record::IndexedFields::read(&enc.bytes).unwrap();
        assert_eq!(fields.hold_id(), Some(r.hold.to_string().as_str()));
    }

    #[test]
    fn an_unknown_action_or_kind_is_not_encoded() {
        let mut r = example();
        r.action = "waive".into();
        assert!(r.encode().is_err());
        let mut r = example();
        r.action = "attach_licence".into(); // no judgement with the licence
        assert!(r.encode().is_err());
        let mut r = example();
        r.kind = RecordKind::Decision;
        assert!(r.encode().is_err());
        let decision = crate::record::tests::example().encode().unwrap();
        assert!(HoldActionRecord::decode(&decision.bytes).is_err());
    }

    #[test]
    fn equal_requests_have_equal_input_digests() {
        let hold = DecisionId::new();
        let a = HoldActionRecord::input_of(&hold, "reject", "r", "c", None).unwrap();
        let b = HoldActionRecord::input_of(&hold, "reject", "r", "c", None).unwrap();
        let c = HoldActionRecord::input_of(&hold, "reject", "r", "other", None).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    /// Golden: the spec's example hold action always encodes to these bytes and this leaf
    /// hash (`sdk/spec/audit-record.md`; checked independently with Python's json + hashlib).
    #[test]
    fn golden_example_bytes_and_leaf_hash() {
        let enc = example().encode().unwrap();
        assert_eq!(String::from_utf8(enc.bytes).unwrap(), GOLDEN_BYTES);
        assert_eq!(hex::encode(enc.leaf_hash), GOLDEN_LEAF_HASH);
    }

    const GOLDEN_BYTES: &str = r#"{"action":"approve","action_id":"01938a4c-5e00-7000-8000-000000000003","comment":"End-use statement on file","from":"open","held":"review","hold":"01938a4c-5e00-7000-8000-000000000001","input":{"sha256":"5372d10988e62b7a3c005a4fa730bb431b53ef722d591911dfffb78623f85c19"},"kind":"hold_action","licence":null,"officer":"alice","reason_code":"end-use-verified","rejudgement":null,"request_id":null,"shipment_id":"SHP-2026-0042","time":"2026-12-02T11:00:00.000001Z","to":"approved"}"#;
    const GOLDEN_LEAF_HASH: &str =
        "c81ea2469581ea656de978d55232658db7fc4a295e5a1e7864d15be53019c530";
}
