//! A record of any kind, as the log holds them side by side: what verification, proofs,
//! exports and `audit show` read when they must not assume decisions.

use serde::Deserialize;

use crate::canonical::CanonicalError;
use crate::exemption::ExemptionRecord;
use crate::hold_action::HoldActionRecord;
use crate::record::{DecisionId, DecisionRecord, EncodedRecord, RecordKind};
use crate::screening::ScreeningRecord;

/// A record the [`Recorder`](crate::Recorder) can make durable.
pub trait Recordable {
    /// The record's canonical bytes, leaf hash and index columns.
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError>;
}

impl Recordable for DecisionRecord {
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError> {
        self.encode()
    }
}

impl Recordable for ScreeningRecord {
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError> {
        self.encode()
    }
}

impl Recordable for HoldActionRecord {
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError> {
        self.encode()
    }
}

impl Recordable for ExemptionRecord {
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError> {
        self.encode()
    }
}

impl Recordable for AnyRecord {
    fn encode_record(&self) -> Result<EncodedRecord, CanonicalError> {
        match self {
            Self::Decision(r) => r.encode(),
            Self::Screening(r) => r.encode(),
            Self::HoldAction(r) => r.encode(),
            Self::Exemption(r) => r.encode(),
        }
    }
}

/// One record of the log, of whichever kind its `kind` field names.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyRecord {
    /// A verdict on one shipment.
    Decision(DecisionRecord),
    /// One party screened.
    Screening(ScreeningRecord),
    /// An officer's action on a hold.
    HoldAction(HoldActionRecord),
    /// An officer's exemption of a false positive, or its end.
    Exemption(ExemptionRecord),
}

/// Just the `kind` of a record; serde skips the rest unparsed.
#[derive(Deserialize)]
struct KindOnly {
    kind: RecordKind,
}

impl AnyRecord {
    /// The kind of the record in `bytes` (an unknown or missing kind is an error).
    pub fn kind_of(bytes: &[u8]) -> Result<RecordKind, serde_json::Error> {
        Ok(serde_json::from_slice::<KindOnly>(bytes)?.kind)
    }

    /// Parses canonical record bytes by their kind.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        Ok(match Self::kind_of(bytes)? {
            RecordKind::Decision => Self::Decision(DecisionRecord::decode(bytes)?),
            RecordKind::Screening => Self::Screening(ScreeningRecord::decode(bytes)?),
            RecordKind::HoldAction => Self::HoldAction(HoldActionRecord::decode(bytes)?),
            RecordKind::Exemption => Self::Exemption(ExemptionRecord::decode(bytes)?),
        })
    }

    /// Parses a record given as JSON (an inclusion proof's, an export's) by its kind.
    pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        Ok(match KindOnly::deserialize(&value)?.kind {
            RecordKind::Decision => Self::Decision(serde_json::from_value(value)?),
            RecordKind::Screening => Self::Screening(serde_json::from_value(value)?),
            RecordKind::HoldAction => Self::HoldAction(serde_json::from_value(value)?),
            RecordKind::Exemption => Self::Exemption(serde_json::from_value(value)?),
        })
    }

    /// The record's kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Decision(r) => r.kind,
            Self::Screening(r) => r.kind,
            Self::HoldAction(r) => r.kind,
            Self::Exemption(r) => r.kind,
        }
    }

    /// The record's id (a decision's or a screening's).
    pub fn id(&self) -> DecisionId {
        match self {
            Self::Decision(r) => r.decision_id,
            Self::Screening(r) => r.screening_id,
            Self::HoldAction(r) => r.action_id,
            Self::Exemption(r) => r.exemption_id,
        }
    }

    /// The record's time.
    pub fn time(&self) -> &str {
        match self {
            Self::Decision(r) => &r.time,
            Self::Screening(r) => &r.time,
            Self::HoldAction(r) => &r.time,
            Self::Exemption(r) => &r.time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_kind_and_refuses_unknown_ones() {
        let decision = crate::record::tests::example();
        let screening = crate::screening::tests::example();
        for record in [
            AnyRecord::Decision(decision),
            AnyRecord::Screening(screening),
            AnyRecord::HoldAction(crate::hold_action::tests::example()),
            AnyRecord::Exemption(crate::exemption::tests::example()),
        ] {
            let bytes = record.encode_record().unwrap().bytes;
            assert_eq!(AnyRecord::decode(&bytes).unwrap(), record);
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(AnyRecord::from_value(value).unwrap(), record);
        }
        let err = AnyRecord::decode(br#"{"kind":"hold_waiver"}"#).unwrap_err();
        assert!(err.to_string().contains("hold_waiver"), "{err}");
    }
}
