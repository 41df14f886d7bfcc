//! One decision record: everything needed to show later which checks ran on a shipment, under
//! which rules and plugin bytes, with what result, and to re-run it.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical::{CanonicalError, CanonicalJson, sha256_hex, write_canonical};
use crate::merkle::{Hash, leaf_hash};
use crate::store::IndexColumns;

/// A time-ordered decision id (UUIDv7): ids sort by creation time, so a range of ids is a
/// range of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DecisionId(uuid::Uuid);

impl DecisionId {
    /// A new id for a decision made now.
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

impl Default for DecisionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A string that is not a UUIDv7 decision id.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a decision id (a UUIDv7 such as 01936f3e-8b1c-7a5e-9d1f-2b3c4d5e6f70)")]
pub struct BadDecisionId(pub String);

impl FromStr for DecisionId {
    type Err = BadDecisionId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match uuid::Uuid::parse_str(s) {
            Ok(u) if u.get_version_num() == 7 => Ok(Self(u)),
            _ => Err(BadDecisionId(s.to_owned())),
        }
    }
}

impl TryFrom<String> for DecisionId {
    type Error = BadDecisionId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DecisionId> for String {
    fn from(id: DecisionId) -> Self {
        id.to_string()
    }
}

/// What a record is about, so a reader can tell records apart before looking at other
/// fields. Each kind has its own record type and its own fields (`sdk/spec/audit-record.md`);
/// a new kind adds a variant here, a type, and an arm in
/// [`AnyRecord`](crate::AnyRecord).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A verdict on one shipment ([`DecisionRecord`]).
    Decision,
    /// One business partner screened against the lists
    /// ([`ScreeningRecord`](crate::ScreeningRecord)).
    Screening,
    /// An officer's action on a hold ([`HoldActionRecord`](crate::HoldActionRecord)).
    HoldAction,
    /// An officer's exemption of a false positive, or its end
    /// ([`ExemptionRecord`](crate::ExemptionRecord)).
    Exemption,
}

impl RecordKind {
    /// The kind as records and the store's `kind` column spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Screening => "screening",
            Self::HoldAction => "hold_action",
            Self::Exemption => "exemption",
        }
    }
}

/// The judged input, kept in full or as its digest only (`store_input = "full" | "digest"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordedInput {
    /// The canonical validated shipment, with its SHA-256.
    Full {
        /// SHA-256 (hex) of the shipment's canonical bytes.
        sha256: String,
        /// The validated shipment.
        shipment: Value,
    },
    /// Only the SHA-256 of the canonical shipment; a replay needs the caller's copy.
    Digest {
        /// SHA-256 (hex) of the shipment's canonical bytes.
        sha256: String,
    },
}

impl RecordedInput {
    /// Keeps the whole shipment.
    pub fn full(shipment: Value) -> Result<Self, CanonicalError> {
        let sha256 = shipment_digest(&shipment)?;
        Ok(Self::Full { sha256, shipment })
    }

    /// Keeps only the shipment's digest.
    pub fn digest_of(shipment: &Value) -> Result<Self, CanonicalError> {
        Ok(Self::Digest {
            sha256: shipment_digest(shipment)?,
        })
    }

    /// SHA-256 (hex) of the canonical shipment; equal inputs have equal digests.
    pub fn sha256(&self) -> &str {
        match self {
            Self::Full { sha256, .. } | Self::Digest { sha256 } => sha256,
        }
    }
}

/// SHA-256 (hex) of a shipment's canonical bytes, written from the value itself (not from a
/// copy, as the generic [`to_canonical_bytes`](crate::canonical::to_canonical_bytes) would make).
fn shipment_digest(shipment: &Value) -> Result<String, CanonicalError> {
    let mut bytes = Vec::with_capacity(2048);
    write_canonical(shipment, &mut bytes).map_err(|source| CanonicalError {
        what: "shipment",
        source,
    })?;
    Ok(sha256_hex(&bytes))
}

/// The policy set a decision was judged under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySetRef {
    /// Digest of the policy set (its plugins, settings and modes).
    pub digest: String,
    /// The host's policy-set generation (increases on every reload).
    pub generation: u64,
}

/// One policy's part in a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// SHA-256 (hex) of the exact plugin bytes run; the store keeps those bytes.
    pub plugin_sha256: String,
    /// Who signed the plugin, if it was signed.
    pub signer: Option<String>,
    /// Mode the policy ran in (e.g. `enforce`, `monitor`).
    pub mode: String,
    /// SHA-256 (hex) of the policy's canonical settings.
    pub settings_digest: String,
    /// The policy's outcome, if it produced one.
    pub outcome: Option<String>,
    /// The policy's error, if it failed (it then failed closed).
    pub error: Option<String>,
}

/// One decision record. Field names and meaning are specified in `sdk/spec/audit-record.md`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRecord {
    /// Record kind (always `decision` here).
    pub kind: RecordKind,
    /// Time-ordered id of this decision.
    pub decision_id: DecisionId,
    /// When the decision was made, RFC 3339 UTC with microseconds (see [`now`]).
    pub time: String,
    /// Who asked: CLI user or API client name.
    pub requested_by: String,
    /// The caller's request id, for idempotent retries.
    pub request_id: Option<String>,
    /// The shipment's own id.
    pub shipment_id: String,
    /// The law date the shipment was judged at.
    pub as_of: String,
    /// The judged input, in full or as a digest.
    pub input: RecordedInput,
    /// The policy set.
    pub policy_set: PolicySetRef,
    /// Every policy that took part.
    pub policies: Vec<PolicyEntry>,
    /// The full verdict as returned to the caller.
    pub verdict: Value,
    /// Version of the host that judged.
    pub host_version: String,
    /// Hash of the engine configuration (limits, features) the plugins ran under.
    pub engine_config_hash: String,
}

/// The current time in the record format: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Fixed width, so
/// times sort as strings (export ranges rely on it).
pub fn now() -> String {
    let ts = jiff::Timestamp::now();
    format!(
        "{}.{:06}Z",
        ts.strftime("%Y-%m-%dT%H:%M:%S"),
        ts.subsec_microsecond()
    )
}

/// A record in its canonical bytes, with what the store indexes.
#[derive(Clone, Debug)]
pub struct EncodedRecord {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id: its decision id, or a screening's id (both UUIDv7, one column).
    pub decision_id: DecisionId,
    /// The screened party's id (a screening; or the held party of an action on a party
    /// hold): the store finds a party's last screening by it.
    pub party_id: Option<String>,
    /// The caller's request id.
    pub request_id: Option<String>,
    /// Digest of the judged input (idempotency compares it).
    pub input_sha256: String,
    /// The record's time.
    pub time: String,
    /// Canonical bytes (RFC 8785).
    pub bytes: Vec<u8>,
    /// RFC 6962 leaf hash of `bytes`.
    pub leaf_hash: Hash,
    /// What the record does to holds: a decision that is not `allow` opens one, a hold
    /// action changes one (the store keeps their states in the same transaction).
    pub hold: Option<crate::hold::Change>,
}

impl EncodedRecord {
    /// The `hold_id` column of a decision or a hold action: the hold the record opens or
    /// acts on. `None` for a screening, whose hold (if any) the store opens only when its
    /// hits are new, which it decides when it stores it.
    pub fn hold_id(&self) -> Option<DecisionId> {
        match &self.hold {
            Some(crate::hold::Change::Open(_)) => Some(self.decision_id),
            Some(crate::hold::Change::Act { hold, .. }) => Some(*hold),
            Some(crate::hold::Change::Screen(_)) | None => None,
        }
    }
}

impl DecisionRecord {
    /// The record's canonical bytes and leaf hash.
    pub fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        RecordView {
            kind: self.kind,
            decision_id: self.decision_id,
            time: &self.time,
            requested_by: &self.requested_by,
            request_id: self.request_id.as_deref(),
            shipment_id: &self.shipment_id,
            as_of: &self.as_of,
            input_sha256: self.input.sha256(),
            shipment: match &self.input {
                RecordedInput::Full { shipment, .. } => Some(shipment),
                RecordedInput::Digest { .. } => None,
            },
            facts: match &self.input {
                RecordedInput::Full { shipment, .. } => Some(shipment),
                RecordedInput::Digest { .. } => None,
            },
            policy_set: &self.policy_set,
            policies: &self.policies,
            verdict: &self.verdict,
            host_version: &self.host_version,
            engine_config_hash: &self.engine_config_hash,
        }
        .encode()
    }

    /// Parses canonical record bytes; unknown fields, and a record of another kind, are
    /// rejected.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let record: Self = serde_json::from_slice(bytes).map_err(|e| {
            // Say so when the bytes are simply another kind of record.
            match crate::any_record::AnyRecord::kind_of(bytes) {
                Ok(kind) if kind != RecordKind::Decision => {
                    serde::de::Error::custom(format!("a {} record, not a decision", kind.as_str()))
                }
                _ => e,
            }
        })?;
        if record.kind != RecordKind::Decision {
            return Err(serde::de::Error::custom(format!(
                "a {} record, not a decision",
                record.kind.as_str()
            )));
        }
        Ok(record)
    }
}

/// A decision record whose shipment and verdict are already canonical JSON: what a host
/// makes for each decision straight from its typed shipment and verdict, without a
/// `serde_json::Value` of either. It encodes to the bytes of the [`DecisionRecord`] it
/// decodes to (a test compares them).
#[derive(Clone, Debug)]
pub struct PreparedRecord {
    /// Record kind.
    pub kind: RecordKind,
    /// Time-ordered id of this decision.
    pub decision_id: DecisionId,
    /// When the decision was made (see [`now`]).
    pub time: String,
    /// Who asked.
    pub requested_by: String,
    /// The caller's request id.
    pub request_id: Option<String>,
    /// The shipment's own id.
    pub shipment_id: String,
    /// The law date.
    pub as_of: String,
    /// The validated shipment, canonical; its digest is kept either way.
    pub shipment: CanonicalJson,
    /// Keep the whole shipment (`store_input = "full"`) or only its digest.
    pub keep_shipment: bool,
    /// The policy set.
    pub policy_set: PolicySetRef,
    /// Every policy that took part.
    pub policies: Vec<PolicyEntry>,
    /// The full verdict, canonical.
    pub verdict: CanonicalJson,
    /// Version of the host that judged.
    pub host_version: String,
    /// Hash of the engine configuration.
    pub engine_config_hash: String,
}

impl PreparedRecord {
    /// The record's canonical bytes and leaf hash.
    pub fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        let input_sha256 = self.shipment.sha256();
        RecordView {
            kind: self.kind,
            decision_id: self.decision_id,
            time: &self.time,
            requested_by: &self.requested_by,
            request_id: self.request_id.as_deref(),
            shipment_id: &self.shipment_id,
            as_of: &self.as_of,
            input_sha256: &input_sha256,
            shipment: self.keep_shipment.then_some(&self.shipment),
            facts: Some(&self.shipment),
            policy_set: &self.policy_set,
            policies: &self.policies,
            verdict: &self.verdict,
            host_version: &self.host_version,
            engine_config_hash: &self.engine_config_hash,
        }
        .encode()
    }
}

/// A JSON part of a record: written canonically when the record is.
trait JsonPart {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;
    /// The fields of `T` in it (serde skips the rest), if it has them.
    fn pick<T: serde::de::DeserializeOwned>(&self) -> Option<T>;
}

impl JsonPart for Value {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_canonical(self, out)
    }
    fn pick<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(self).ok()
    }
}

impl JsonPart for CanonicalJson {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        out.extend_from_slice(self.as_bytes());
        Ok(())
    }
    fn pick<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.as_bytes()).ok()
    }
}

/// Every field of a record, borrowed, whatever form its shipment and verdict are in.
struct RecordView<'a, J: JsonPart> {
    kind: RecordKind,
    decision_id: DecisionId,
    time: &'a str,
    requested_by: &'a str,
    request_id: Option<&'a str>,
    shipment_id: &'a str,
    as_of: &'a str,
    input_sha256: &'a str,
    shipment: Option<&'a J>,
    /// The shipment a hold's facts are read from (kept or not).
    facts: Option<&'a J>,
    policy_set: &'a PolicySetRef,
    policies: &'a [PolicyEntry],
    verdict: &'a J,
    host_version: &'a str,
    engine_config_hash: &'a str,
}

impl<J: JsonPart> RecordView<'_, J> {
    fn encode(&self) -> Result<EncodedRecord, CanonicalError> {
        if self.kind != RecordKind::Decision {
            return Err(CanonicalError {
                what: "decision record",
                source: serde::ser::Error::custom(format!(
                    "kind `{}` in a decision record",
                    self.kind.as_str()
                )),
            });
        }
        let mut bytes = Vec::with_capacity(8192);
        self.write(&mut bytes).map_err(|source| CanonicalError {
            what: "decision record",
            source,
        })?;
        Ok(EncodedRecord {
            kind: self.kind,
            decision_id: self.decision_id,
            party_id: None,
            request_id: self.request_id.map(str::to_owned),
            input_sha256: self.input_sha256.to_owned(),
            time: self.time.to_owned(),
            leaf_hash: leaf_hash(&bytes),
            bytes,
            hold: self.opening().map(crate::hold::Change::Open),
        })
    }

    /// The hold this decision opens: none for `allow` (or a verdict without an outcome,
    /// which no host writes).
    fn opening(&self) -> Option<crate::hold::Opening> {
        let held = crate::hold::Held::from_outcome(&self.verdict.pick::<OutcomeOf>()?.outcome)?;
        let facts = self
            .facts
            .and_then(|s| s.pick::<ShipmentFacts>())
            .unwrap_or_default();
        let mut hs_chapters: Vec<String> = facts
            .lines
            .iter()
            .filter_map(|l| l.hs_code.as_deref())
            .filter(|hs| hs.len() >= 2 && hs.is_char_boundary(2))
            .map(|hs| hs[..2].to_owned())
            .collect();
        hs_chapters.sort();
        hs_chapters.dedup();
        Some(crate::hold::Opening {
            held,
            shipment_id: self.shipment_id.to_owned(),
            destination: facts.destination_country,
            hs_chapters,
            policies: self
                .policies
                .iter()
                .filter(|p| p.outcome.as_deref().is_some_and(|o| o != "allow"))
                .map(|p| p.id.clone())
                .collect(),
        })
    }

    /// Writes the record's RFC 8785 form field by field, in the keys' sorted order (the
    /// shipment and verdict canonical in themselves), so no copy of the whole record is
    /// made. The bytes equal [`to_canonical_bytes`](crate::canonical::to_canonical_bytes)
    /// of the record (a test compares them), so the leaf hash is the one the spec defines.
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let mut obj = CanonicalObject::new(out);
        obj.str("as_of", self.as_of)?;
        obj.str("decision_id", &self.decision_id.to_string())?;
        obj.str("engine_config_hash", self.engine_config_hash)?;
        obj.str("host_version", self.host_version)?;
        obj.key("input")?;
        {
            let mut input = CanonicalObject::new(obj.out);
            input.str("sha256", self.input_sha256)?;
            if let Some(shipment) = self.shipment {
                input.key("shipment")?;
                shipment.write(input.out)?;
            }
            input.str(
                "store",
                if self.shipment.is_some() {
                    "full"
                } else {
                    "digest"
                },
            )?;
            input.end();
        }
        obj.str("kind", self.kind.as_str())?;
        obj.key("policies")?;
        obj.out.push(b'[');
        for (i, p) in self.policies.iter().enumerate() {
            if i > 0 {
                obj.out.push(b',');
            }
            let mut entry = CanonicalObject::new(obj.out);
            entry.opt_str("error", p.error.as_deref())?;
            entry.str("id", &p.id)?;
            entry.str("mode", &p.mode)?;
            entry.opt_str("outcome", p.outcome.as_deref())?;
            entry.str("plugin_sha256", &p.plugin_sha256)?;
            entry.str("settings_digest", &p.settings_digest)?;
            entry.opt_str("signer", p.signer.as_deref())?;
            entry.str("version", &p.version)?;
            entry.end();
        }
        obj.out.push(b']');
        obj.key("policy_set")?;
        {
            let mut set = CanonicalObject::new(obj.out);
            set.str("digest", &self.policy_set.digest)?;
            set.key("generation")?;
            write_canonical(&Value::from(self.policy_set.generation), set.out)?;
            set.end();
        }
        obj.opt_str("request_id", self.request_id)?;
        obj.str("requested_by", self.requested_by)?;
        obj.str("shipment_id", self.shipment_id)?;
        obj.str("time", self.time)?;
        obj.key("verdict")?;
        self.verdict.write(obj.out)?;
        obj.end();
        Ok(())
    }
}

/// A verdict's outcome; serde skips the rest.
#[derive(Deserialize)]
pub(crate) struct OutcomeOf {
    pub(crate) outcome: String,
}

/// What a hold is filtered by, from the judged shipment; serde skips the rest.
#[derive(Default, Deserialize)]
struct ShipmentFacts {
    destination_country: Option<String>,
    #[serde(default)]
    lines: Vec<LineFacts>,
}

#[derive(Deserialize)]
struct LineFacts {
    hs_code: Option<String>,
}

/// Writes one JSON object whose keys the caller gives in RFC 8785 order (all record keys
/// are ASCII, so byte order is UTF-16 order).
struct CanonicalObject<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> CanonicalObject<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, first: true }
    }

    fn key(&mut self, key: &str) -> Result<(), serde_json::Error> {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.push(b':');
        Ok(())
    }

    fn str(&mut self, key: &str, value: &str) -> Result<(), serde_json::Error> {
        self.key(key)?;
        serde_json::to_writer(&mut *self.out, value)
    }

    fn opt_str(&mut self, key: &str, value: Option<&str>) -> Result<(), serde_json::Error> {
        match value {
            Some(v) => self.str(key, v),
            None => {
                self.key(key)?;
                self.out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    fn end(self) {
        self.out.push(b'}');
    }
}

/// The record fields the store copies into index columns; serde skips the rest unparsed.
/// A screening's id (`screening_id`) has the `decision_id` column, as every record's id.
#[derive(serde::Deserialize)]
pub(crate) struct IndexedFields<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(
        borrow,
        alias = "screening_id",
        alias = "action_id",
        alias = "exemption_id"
    )]
    decision_id: Cow<'a, str>,
    /// A hold action's hold.
    #[serde(borrow, default)]
    hold: Option<Cow<'a, str>>,
    /// A decision's verdict, of which only the outcome is read.
    #[serde(default)]
    verdict: Option<OutcomeOf>,
    /// A screening's outcome.
    #[serde(borrow, default)]
    outcome: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    party_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    input: InputDigest<'a>,
}

#[derive(serde::Deserialize)]
struct InputDigest<'a> {
    #[serde(borrow)]
    sha256: Cow<'a, str>,
}

impl<'a> IndexedFields<'a> {
    /// Reads the indexed fields of canonical record bytes.
    pub(crate) fn read(bytes: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The record's kind, as written.
    pub(crate) fn kind(&self) -> &str {
        &self.kind
    }

    /// The outcome a decision is held for (`None`: allow, or not a decision).
    pub(crate) fn held(&self) -> Option<crate::hold::Held> {
        crate::hold::Held::from_outcome(&self.verdict.as_ref()?.outcome)
    }

    /// The outcome a screening may hold its party for (`None`: allow, or not a screening).
    pub(crate) fn party_held(&self) -> Option<crate::hold::Held> {
        if self.kind != "screening" {
            return None;
        }
        crate::hold::Held::from_outcome(self.outcome.as_deref()?)
    }

    /// The record's own id (a decision's, screening's, action's or exemption's).
    pub(crate) fn id(&self) -> &str {
        &self.decision_id
    }

    /// Whether `column` is a `hold_id` this record may have: the hold a decision opens or a
    /// hold action acts on; for a screening, none, or its own id if it is not `allow` (the
    /// store opened a hold because its hits were new, which only a fold of the log can
    /// check: `verify` does).
    fn may_have_hold_id(&self, column: Option<&str>) -> bool {
        if self.kind == "screening" {
            return column.is_none()
                || (column == Some(&*self.decision_id) && self.party_held().is_some());
        }
        self.hold_id() == column
    }

    /// The hold the record opens (a decision that is not `allow`: its own id) or acts on;
    /// `None` for a screening (see [`Self::may_have_hold_id`]).
    pub(crate) fn hold_id(&self) -> Option<&str> {
        match &self.verdict {
            Some(v) if crate::hold::Held::from_outcome(&v.outcome).is_some() => {
                Some(&self.decision_id)
            }
            Some(_) => None,
            None => self.hold.as_deref(),
        }
    }

    /// The first index column that does not match these fields, if any.
    pub(crate) fn differs_from(&self, columns: &IndexColumns) -> Option<&'static str> {
        if self.kind != columns.kind {
            Some("kind")
        } else if self.decision_id != columns.decision_id {
            Some("decision_id")
        } else if self.party_id.as_deref() != columns.party_id.as_deref() {
            Some("party_id")
        } else if !self.may_have_hold_id(columns.hold_id.as_deref()) {
            Some("hold_id")
        } else if self.request_id.as_deref() != columns.request_id.as_deref() {
            Some("request_id")
        } else if self.time != columns.time {
            Some("time")
        } else if self.input.sha256 != columns.input_sha256 {
            Some("input_sha256")
        } else {
            None
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::canonical::to_canonical_bytes;
    use serde_json::json;

    /// The example record of `sdk/spec/audit-record.md`.
    pub(crate) fn example() -> DecisionRecord {
        DecisionRecord {
            kind: RecordKind::Decision,
            decision_id: "01938a4c-5e00-7000-8000-000000000001".parse().unwrap(),
            time: "2026-12-02T10:15:30.123456Z".into(),
            requested_by: "cli:alice".into(),
            request_id: Some("erp-4711".into()),
            shipment_id: "SHP-2026-0042".into(),
            as_of: "2026-12-01".into(),
            input: RecordedInput::digest_of(&json!({"id": "SHP-2026-0042"})).unwrap(),
            policy_set: PolicySetRef {
                digest: "4e1243bd22c66e76c2ba9eddc1f91394e57f9f83".into(),
                generation: 3,
            },
            policies: vec![PolicyEntry {
                id: "eu-russia-belarus".into(),
                version: "0.1.0".into(),
                plugin_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .into(),
                signer: Some("regulator.example".into()),
                mode: "enforce".into(),
                settings_digest: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
                    .into(),
                outcome: Some("deny".into()),
                error: None,
            }],
            verdict: json!({"outcome": "deny", "reasons": [{"policy": "eu-russia-belarus",
                "rule": "art-2", "citation": "Regulation (EU) No 833/2014, Art. 2(1)"}]}),
            host_version: "0.1.0".into(),
            engine_config_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                .into(),
        }
    }

    #[test]
    fn decision_ids_are_v7_and_time_ordered() {
        let a = DecisionId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = DecisionId::new();
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
        assert!(
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
                .parse::<DecisionId>()
                .is_err()
        );
    }

    #[test]
    fn record_round_trips_through_canonical_bytes() {
        let r = example();
        let enc = r.encode().unwrap();
        let back = DecisionRecord::decode(&enc.bytes).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.encode().unwrap().bytes, enc.bytes);
    }

    /// The field-by-field encoding gives the bytes of the generic canonicalizer, for full and
    /// digest inputs, missing and present options, non-ASCII text and large numbers.
    #[test]
    fn direct_encoding_equals_the_generic_canonical_form() {
        let mut records = vec![example()];
        let mut full = example();
        full.input = RecordedInput::full(json!({
            "id": "SHP-é😀\u{7}", "lines": [{"hs": "8542.31", "value": 1.5e21}],
            "z": {"\u{fb33}": 1, "\u{1f600}": 2}, "n": u64::MAX
        }))
        .unwrap();
        full.request_id = None;
        full.policies[0].signer = None;
        full.policies[0].outcome = None;
        full.policies[0].error = Some("trap: \"fuel\" </script>".into());
        full.policy_set.generation = u64::MAX;
        full.verdict = json!({"findings": [{"message": "Ünïcode \n", "b": null}], "a": -0.0});
        records.push(full);
        for r in records {
            assert_eq!(
                String::from_utf8(r.encode().unwrap().bytes).unwrap(),
                String::from_utf8(to_canonical_bytes("record", &r).unwrap()).unwrap()
            );
        }
    }

    /// A prepared record (shipment and verdict canonical already) encodes to the bytes of the
    /// decision record it decodes to, keeping the shipment or only its digest.
    #[test]
    fn prepared_records_encode_as_the_records_they_decode_to() {
        let shipment = json!({"id": "SHP-é", "lines": [{"hs": "8542.31", "n": 2}], "a": null});
        let verdict =
            json!({"shipment": "SHP-é", "outcome": "deny", "findings": [{"z": 1, "a": 2}]});
        for keep_shipment in [true, false] {
            let r = example();
            let prepared = PreparedRecord {
                kind: r.kind,
                decision_id: r.decision_id,
                time: r.time.clone(),
                requested_by: r.requested_by.clone(),
                request_id: None,
                shipment_id: r.shipment_id.clone(),
                as_of: r.as_of.clone(),
                shipment: CanonicalJson::of("shipment", &shipment).unwrap(),
                keep_shipment,
                policy_set: r.policy_set.clone(),
                policies: r.policies.clone(),
                verdict: CanonicalJson::of("verdict", &verdict).unwrap(),
                host_version: r.host_version.clone(),
                engine_config_hash: r.engine_config_hash.clone(),
            };
            let enc = prepared.encode().unwrap();
            let decoded = DecisionRecord::decode(&enc.bytes).unwrap();
            assert_eq!(decoded.verdict, verdict);
            assert_eq!(
                decoded.input.sha256(),
                RecordedInput::digest_of(&shipment).unwrap().sha256()
            );
            match &decoded.input {
                RecordedInput::Full { shipment: s, .. } => assert!(keep_shipment && s == &shipment),
                RecordedInput::Digest { .. } => assert!(!keep_shipment),
            }
            let again = decoded.encode().unwrap();
            assert_eq!(again.bytes, enc.bytes);
            assert_eq!(again.leaf_hash, enc.leaf_hash);
            assert_eq!(enc.input_sha256, decoded.input.sha256());
        }
    }

    #[test]
    fn a_decision_record_of_another_kind_is_not_encoded() {
        let mut r = example();
        r.kind = RecordKind::Screening;
        assert!(r.encode().is_err());
    }

    #[test]
    fn full_and_digest_inputs_share_the_digest() {
        let s = json!({"b": 1, "a": 2});
        let full = RecordedInput::full(s.clone()).unwrap();
        let dig = RecordedInput::digest_of(&s).unwrap();
        assert_eq!(full.sha256(), dig.sha256());
        assert_eq!(dig.sha256(), sha256_hex(br#"{"a":2,"b":1}"#));
    }

    #[test]
    fn now_is_fixed_width() {
        let t = now();
        assert_eq!(t.len(), "2026-12-02T10:15:30.123456Z".len(), "{t}");
        assert!(t.ends_with('Z'));
    }

    /// Golden: the spec's example record always encodes to these bytes and this leaf hash
    /// (`sdk/spec/audit-record.md`; checked independently with Python's json + hashlib).
    #[test]
    fn golden_example_bytes_and_leaf_hash() {
        let enc = example().encode().unwrap();
        assert_eq!(String::from_utf8(enc.bytes).unwrap(), GOLDEN_BYTES);
        assert_eq!(
            hex::encode(enc.leaf_hash),
            "de64e8013d619cbcde47cca657391aa4b61c0e1ad4418683c9b17796b87fa4eb"
        );
    }

    const GOLDEN_BYTES: &str = r#"{"as_of":"2026-12-01","decision_id":"01938a4c-5e00-7000-8000-000000000001","engine_config_hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","host_version":"0.1.0","input":{"sha256":"a1f37e4537ada7fddd43f366e2c04153db6f5061074895623d286905ecffe95b","store":"digest"},"kind":"decision","policies":[{"error":null,"id":"eu-russia-belarus","mode":"enforce","outcome":"deny","plugin_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","settings_digest":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","signer":"regulator.example","version":"0.1.0"}],"policy_set":{"digest":"4e1243bd22c66e76c2ba9eddc1f91394e57f9f83","generation":3},"request_id":"erp-4711","requested_by":"cli:alice","shipment_id":"SHP-2026-0042","time":"2026-12-02T10:15:30.123456Z","verdict":{"outcome":"deny","reasons":[{"citation":"Regulation (EU) No 833/2014, Art. 2(1)","policy":"eu-russia-belarus","rule":"art-2"}]}}"#;
}
