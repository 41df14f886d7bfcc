//! The messages on the queue (`sdk/spec/queue.md`): a chunk of documents for a
//! worker, the results of one chunk, and the job's closing message that says how
//! many chunks were published. JSON, versioned by `format_version`; unknown
//! fields are refused, so a message of another version is never half-read.

use exportctl::PartyScreening;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The version of every message below. Version 2 routes chunks by policy set
/// and names the set in every message.
pub(crate) const FORMAT_VERSION: u32 = 2;

/// What the items of a chunk are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Shipment documents (`shipment.md`), judged as `check` judges them.
    Shipments,
    /// Parties of the party master (`party-master.md`, as JSON), screened
    /// with the set's party screeners (`rescreen --nats`).
    Parties,
}

/// Documents for one worker to judge.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Chunk {
    pub format_version: u32,
    pub kind: Kind,
    /// The digest of the policy set to judge with (as on the chunk's subject).
    pub set: String,
    /// The job (`[A-Za-z0-9_-]`, at most 64).
    pub job: String,
    /// The chunk's number in its job, from 0.
    pub chunk: u64,
    /// `batch --as-of`: the law date for every shipment (YYYY-MM-DD); for
    /// parties, the screening date (`rescreen --date`), never null.
    pub as_of: Option<String>,
    /// `batch --strict`.
    pub strict: bool,
    pub items: Vec<Item>,
}

/// One document of a chunk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Item {
    /// The document's place among all inputs of the job, from 0: its decision's
    /// request id is `job:<job>:item:<index>`.
    pub index: u64,
    /// Where the document was read (`day.jsonl:7`), as errors and warnings name it.
    pub origin: String,
    /// The shipment document, as read, or the party.
    pub document: Box<RawValue>,
}

/// What became of each item of one chunk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChunkResult {
    pub format_version: u32,
    /// The digest of the set the worker judged with.
    pub set: String,
    pub job: String,
    pub chunk: u64,
    /// One per item, in the chunk's order.
    pub items: Vec<ItemResult>,
}

/// What became of one item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "ItemWire", into = "ItemWire")]
pub(crate) enum ItemResult {
    /// Judged: the verdict exactly as `check` prints it.
    Judged {
        /// The item's index.
        index: u64,
        /// The label errors and warnings use for the shipment.
        label: String,
        /// The verdict, as `check` prints it.
        verdict: Box<RawValue>,
        /// sha256 of the validated shipment's wire encoding (`batch --out`'s
        /// `input_sha256`).
        input_sha256: String,
        /// The recorded decision (`worker --audit`); on a redelivered chunk,
        /// the decision first recorded for this item.
        decision_id: Option<String>,
    },
    /// A party screened: its matches and failures.
    Screened {
        /// The item's index.
        index: u64,
        /// The screening.
        screening: PartyScreening,
        /// The recorded screening (`worker --audit`); on a redelivered chunk,
        /// the screening first recorded for this item.
        screening_id: Option<String>,
    },
    /// Not judged: every problem, one per line, as `check` reports them.
    Invalid {
        /// The item's index.
        index: u64,
        /// The problems.
        errors: Vec<String>,
    },
}

/// [`ItemResult`] as JSON: `result` says which fields it has. (serde's tagged
/// enums buffer their content, which would lose the verdict's exact text.)
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemWire {
    result: Outcome,
    index: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "is_invalid")]
    decision_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    screening: Option<PartyScreening>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    screening_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<String>>,
}

fn is_invalid(decision_id: &Option<Option<String>>) -> bool {
    decision_id.is_none()
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Judged,
    Screened,
    Invalid,
}

impl From<ItemResult> for ItemWire {
    fn from(result: ItemResult) -> ItemWire {
        match result {
            ItemResult::Judged {
                index,
                label,
                verdict,
                input_sha256,
                decision_id,
            } => ItemWire {
                result: Outcome::Judged,
                index,
                label: Some(label),
                verdict: Some(verdict),
                input_sha256: Some(input_sha256),
                decision_id: Some(decision_id),
                screening: None,
                screening_id: None,
                errors: None,
            },
            ItemResult::Screened {
                index,
                screening,
                screening_id,
            } => ItemWire {
                result: Outcome::Screened,
                index,
                label: None,
                verdict: None,
                input_sha256: None,
                decision_id: None,
                screening: Some(screening),
                screening_id,
                errors: None,
            },
            ItemResult::Invalid { index, errors } => ItemWire {
                result: Outcome::Invalid,
                index,
                label: None,
                verdict: None,
                input_sha256: None,
                decision_id: None,
                screening: None,
                screening_id: None,
                errors: Some(errors),
            },
        }
    }
}

impl TryFrom<ItemWire> for ItemResult {
    type Error = String;

    fn try_from(wire: ItemWire) -> Result<ItemResult, String> {
        if let Outcome::Screened = wire.result {
            return match wire.screening {
                Some(screening)
                    if wire.label.is_none()
                        && wire.verdict.is_none()
                        && wire.input_sha256.is_none()
                        && wire.decision_id.is_none()
                        && wire.errors.is_none() =>
                {
                    Ok(ItemResult::Screened {
                        index: wire.index,
                        screening,
                        screening_id: wire.screening_id,
                    })
                }
                _ => Err(format!(
                    "item {}: the fields do not fit its `result`",
                    wire.index
                )),
            };
        }
        if wire.screening.is_some() || wire.screening_id.is_some() {
            return Err(format!(
                "item {}: the fields do not fit its `result`",
                wire.index
            ));
        }
        match (wire.result, wire.errors) {
            (Outcome::Judged, None) => Ok(ItemResult::Judged {
                index: wire.index,
                label: wire.label.ok_or("a judged item without `label`")?,
                verdict: wire.verdict.ok_or("a judged item without `verdict`")?,
                input_sha256: wire
                    .input_sha256
                    .ok_or("a judged item without `input_sha256`")?,
                decision_id: wire.decision_id.flatten(),
            }),
            (Outcome::Invalid, Some(errors))
                if wire.label.is_none()
                    && wire.verdict.is_none()
                    && wire.input_sha256.is_none()
                    && wire.decision_id.is_none() =>
            {
                Ok(ItemResult::Invalid {
                    index: wire.index,
                    errors,
                })
            }
            _ => Err(format!(
                "item {}: the fields do not fit its `result`",
                wire.index
            )),
        }
    }
}

impl ItemResult {
    /// The item's index.
    pub(crate) fn index(&self) -> u64 {
        match self {
            ItemResult::Judged { index, .. }
            | ItemResult::Screened { index, .. }
            | ItemResult::Invalid { index, .. } => *index,
        }
    }
}

/// Published last by `batch --nats`: how many chunks and items the job has.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Published {
    pub format_version: u32,
    /// The digest of the set the job was published for.
    pub set: String,
    pub job: String,
    pub chunks: u64,
    pub items: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_reads_back_and_refuses_unknown_fields() {
        let text = r#"{"format_version":2,"kind":"shipments","set":"ab","job":"j1","chunk":3,"as_of":null,"strict":false,"items":[{"index":7,"origin":"a.jsonl:8","document":{"id":"SO-1"}}]}"#;
        let chunk: Chunk = serde_json::from_str(text).unwrap();
        assert_eq!((chunk.chunk, chunk.items[0].index), (3, 7));
        assert_eq!(chunk.items[0].document.get(), r#"{"id":"SO-1"}"#);
        assert_eq!(serde_json::to_string(&chunk).unwrap(), text);
        let other = text.replace("\"strict\"", "\"extra\":1,\"strict\"");
        assert!(serde_json::from_str::<Chunk>(&other).is_err());
        let other = text.replace("shipments", "orders");
        assert!(serde_json::from_str::<Chunk>(&other).is_err());
    }

    #[test]
    fn a_judged_item_keeps_its_verdict_text() {
        let text = r#"{"format_version":2,"set":"ab","job":"j1","chunk":0,"items":[{"result":"judged","index":0,"label":"S (a:1)","verdict":{"z":1,"a":[2]},"input_sha256":"ab","decision_id":null}]}"#;
        let result: ChunkResult = serde_json::from_str(text).unwrap();
        let ItemResult::Judged { verdict, .. } = &result.items[0] else {
            panic!("not judged");
        };
        assert_eq!(verdict.get(), r#"{"z":1,"a":[2]}"#);
        assert_eq!(serde_json::to_string(&result).unwrap(), text);
        let mixed = text.replace(r#""decision_id":null"#, r#""errors":[]"#);
        assert!(serde_json::from_str::<ChunkResult>(&mixed).is_err());
    }

    #[test]
    fn a_screened_party_reads_back_and_refuses_a_verdict_beside_it() {
        let text = r#"{"format_version":2,"set":"ab","job":"j1","chunk":0,"items":[{"result":"screened","index":4,"screening":{"party":"C-1","outcome":"allow","matches":[],"failures":[]}}]}"#;
        let result: ChunkResult = serde_json::from_str(text).unwrap();
        let ItemResult::Screened {
            index,
            screening,
            screening_id,
        } = &result.items[0]
        else {
            panic!("not screened");
        };
        assert_eq!((*index, screening.party.as_str()), (4, "C-1"));
        assert_eq!(*screening_id, None);
        assert_eq!(serde_json::to_string(&result).unwrap(), text);
        // A worker that records names the screening it recorded.
        let recorded = text.replace(
            r#""index":4,"#,
            r#""index":4,"screening_id":"01938a4c-5e00-7000-8000-000000000002","#,
        );
        let result: ChunkResult = serde_json::from_str(&recorded).unwrap();
        assert!(matches!(
            &result.items[0],
            ItemResult::Screened { screening_id: Some(id), .. } if id.ends_with("0002")
        ));
        let on_a_failure = r#"{"format_version":2,"set":"ab","job":"j1","chunk":0,"items":[{"result":"invalid","index":4,"screening_id":"x","errors":["e"]}]}"#;
        assert!(serde_json::from_str::<ChunkResult>(on_a_failure).is_err());
        let mixed = text.replace(r#""index":4,"#, r#""index":4,"label":"x","#);
        assert!(serde_json::from_str::<ChunkResult>(&mixed).is_err());
        let judged = text.replace("screened", "judged");
        assert!(serde_json::from_str::<ChunkResult>(&judged).is_err());
    }

    #[test]
    fn results_are_tagged() {
        let text = r#"{"format_version":2,"set":"ab","job":"j1","chunk":0,"items":[{"result":"invalid","index":2,"errors":["x"]}]}"#;
        let result: ChunkResult = serde_json::from_str(text).unwrap();
        assert_eq!(result.items[0].index(), 2);
        assert_eq!(serde_json::to_string(&result).unwrap(), text);
    }
}
