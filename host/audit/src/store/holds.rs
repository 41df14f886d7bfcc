//! The holds' current states, kept by the store beside the log in the same transaction as
//! the records that change them: a decision that is not `allow` opens one, so does a
//! screening with new hits on its party, and a hold action moves it — if the rules of [`crate::hold`] allow it given the state read inside that
//! transaction, so two officers acting at once on two hosts cannot both succeed where only
//! one may. The table is an index of the log: the log alone decides (`audit verify` folds
//! the actions again).

use std::collections::{BTreeSet, HashMap};

use crate::hold::{Change, Held, Hold, PartyOpening, State, Subject};
use crate::record::EncodedRecord;
use crate::screening::Hit;

/// One hold as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldRow {
    /// The hold's id: the id of the decision (or screening) that opened it.
    pub hold_id: String,
    /// What it holds: a shipment or a party.
    pub subject: Subject,
    /// The held shipment's own id, or the held party's.
    pub subject_id: String,
    /// The outcome it is held for.
    pub held: Held,
    /// Where it is.
    pub state: State,
    /// The shipment's destination country, where the record keeps it.
    pub destination: Option<String>,
    /// The HS chapters of its lines, where the record keeps them.
    pub hs_chapters: Vec<String>,
    /// The policies that objected.
    pub policies: Vec<String>,
    /// Leaf index of the decision that opened it.
    pub opened_seq: u64,
    /// When it was opened (the decision's time).
    pub opened_time: String,
    /// Leaf index of the last record that changed it.
    pub updated_seq: u64,
    /// When it last changed.
    pub updated_time: String,
}

impl HoldRow {
    /// The rules' view of it.
    pub fn hold(&self) -> Hold {
        Hold::resume(self.held, self.state.clone()).on(self.subject)
    }
}

/// Which holds a listing shows, oldest first.
#[derive(Clone, Debug, Default)]
pub struct HoldFilter {
    /// Only these states (`open`, `approved`, …); empty: every state.
    pub states: Vec<String>,
    /// Only holds for this outcome.
    pub held: Option<Held>,
    /// Only holds a policy with this id objected to.
    pub policy: Option<String>,
    /// Only holds of shipments to this country.
    pub destination: Option<String>,
    /// Only holds opened before this time (RFC 3339, as records write it): older than an age.
    pub opened_before: Option<String>,
    /// Only holds opened after the one at this leaf index (the previous page's last).
    pub after_seq: Option<u64>,
    /// At most this many.
    pub limit: usize,
}

/// The row `rec` (at leaf index `seq`) leaves behind, given the hold's `current` row, or
/// why the rules refuse it.
pub(crate) fn next_row(
    current: Option<&HoldRow>,
    rec: &EncodedRecord,
    seq: u64,
) -> Result<Option<HoldRow>, String> {
    match &rec.hold {
        None | Some(Change::Screen(_)) => Ok(None),
        Some(Change::Open(opening)) => Ok(Some(HoldRow {
            hold_id: rec.decision_id.to_string(),
            subject: Subject::Shipment,
            subject_id: opening.shipment_id.clone(),
            held: opening.held,
            state: State::Open,
            destination: opening.destination.clone(),
            hs_chapters: opening.hs_chapters.clone(),
            policies: opening.policies.clone(),
            opened_seq: seq,
            opened_time: rec.time.clone(),
            updated_seq: seq,
            updated_time: rec.time.clone(),
        })),
        Some(Change::Act {
            hold,
            officer,
            action,
            to,
        }) => {
            let current = current.ok_or_else(|| {
                format!("decision {hold} opened no hold (it is allow, or unknown)")
            })?;
            let mut rules = current.hold();
            rules.apply(officer, action).map_err(|r| r.to_string())?;
            if rules.state().as_str() != to {
                return Err(format!(
                    "the action says the hold goes to `{to}`, but the rules take it to `{}`",
                    rules.state().as_str()
                ));
            }
            Ok(Some(HoldRow {
                held: rules.held(),
                state: rules.state().clone(),
                updated_seq: seq,
                updated_time: rec.time.clone(),
                ..current.clone()
            }))
        }
    }
}

/// The hold a screening (`rec`, at leaf index `seq`) opens on its party, given the hits of
/// the party's screening before it (`None`: never screened before): one when it has a new
/// hit ([`PartyOpening::opens`]).
pub(crate) fn party_row(
    rec: &EncodedRecord,
    opening: &PartyOpening,
    previous: Option<&BTreeSet<Hit>>,
    seq: u64,
) -> Option<HoldRow> {
    opening.opens(previous).then(|| HoldRow {
        hold_id: rec.decision_id.to_string(),
        subject: Subject::Party,
        subject_id: opening.party_id.clone(),
        held: opening.held,
        state: State::Open,
        destination: None,
        hs_chapters: vec![],
        policies: opening.policies.clone(),
        opened_seq: seq,
        opened_time: rec.time.clone(),
        updated_seq: seq,
        updated_time: rec.time.clone(),
    })
}

/// The hits of a stored screening (the party's screening before a new one).
pub(crate) fn stored_hits(
    store: &str,
    seq: u64,
    body: &[u8],
) -> Result<BTreeSet<Hit>, super::StoreError> {
    crate::ScreeningRecord::decode(body)
        .map(|s| s.hits())
        .map_err(|e| super::StoreError::Damaged {
            store: store.to_owned(),
            detail: format!("record at leaf index {seq}: {e}; run audit verify"),
        })
}

/// The screenings already stored, read in leaf order, opening the holds their new hits open
/// (migration 6: screenings were stored before they opened holds). Keeps the last hits of
/// each party that has any.
#[derive(Default)]
pub(crate) struct ScreeningBackfill {
    last_hits: HashMap<String, BTreeSet<Hit>>,
}

impl ScreeningBackfill {
    /// The hold the stored screening at `seq` opens, if any.
    pub(crate) fn next(
        &mut self,
        store: &str,
        seq: u64,
        body: &[u8],
    ) -> Result<Option<HoldRow>, super::StoreError> {
        let damaged = |detail: String| super::StoreError::Damaged {
            store: store.to_owned(),
            detail: format!("record at leaf index {seq}: {detail}; run audit verify"),
        };
        let record = crate::ScreeningRecord::decode(body).map_err(|e| damaged(e.to_string()))?;
        let encoded = record.encode().map_err(|e| damaged(e.to_string()))?;
        let row = match &encoded.hold {
            Some(Change::Screen(opening)) => {
                party_row(&encoded, opening, self.last_hits.get(&record.party_id), seq)
            }
            _ => None,
        };
        let hits = record.hits();
        if hits.is_empty() {
            self.last_hits.remove(&record.party_id);
        } else {
            self.last_hits.insert(record.party_id, hits);
        }
        Ok(row)
    }
}

/// A stored decision's bytes encoded again, to learn the hold it opens (migration 5 opens
/// the holds of decisions stored before holds existed). `None` when it opens none.
pub(crate) fn reencode_decision(
    store: &str,
    seq: u64,
    body: &[u8],
) -> Result<Option<EncodedRecord>, super::StoreError> {
    let damaged = |detail: String| super::StoreError::Damaged {
        store: store.to_owned(),
        detail: format!("record at leaf index {seq}: {detail}; run audit verify"),
    };
    let record = crate::DecisionRecord::decode(body).map_err(|e| damaged(e.to_string()))?;
    let encoded = record.encode().map_err(|e| damaged(e.to_string()))?;
    Ok(encoded.hold.is_some().then_some(encoded))
}

/// A list column (`policies`, `hs_chapters`) as stored: space-separated with spaces at
/// both ends, so `LIKE '% id %'` finds one entry.
pub(crate) fn join_list(items: &[String]) -> String {
    format!(" {} ", items.join(" "))
}

/// A stored list column back to its entries.
pub(crate) fn split_list(column: &str) -> Vec<String> {
    column.split_whitespace().map(str::to_owned).collect()
}

/// The hold of a stored row's columns, or why they are damaged.
pub(crate) fn held_and_state(
    subject: &str,
    held: &str,
    state: &str,
    approved_by: Option<&str>,
) -> Result<(Subject, Held, State), String> {
    let subject =
        Subject::from_name(subject).ok_or_else(|| format!("unknown hold subject `{subject}`"))?;
    let h = Held::from_outcome(held).ok_or_else(|| format!("unknown held outcome `{held}`"))?;
    let s = State::from_parts(state, approved_by)
        .ok_or_else(|| format!("unknown hold state `{state}`"))?;
    Ok((subject, h, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hold::{Action, Opening};
    use crate::record::DecisionId;

    fn encoded(change: Change, id: DecisionId) -> EncodedRecord {
        EncodedRecord {
            kind: crate::RecordKind::Decision,
            decision_id: id,
            party_id: None,
            request_id: None,
            input_sha256: String::new(),
            time: "2026-12-03T10:00:00.000000Z".into(),
            bytes: vec![],
            leaf_hash: [0; 32],
            hold: Some(change),
        }
    }

    #[test]
    fn actions_move_the_row_only_as_the_rules_allow() {
        let id = DecisionId::new();
        let open = encoded(
            Change::Open(Opening {
                held: Held::Review,
                shipment_id: "S-1".into(),
                destination: Some("KZ".into()),
                hs_chapters: vec!["85".into()],
                policies: vec!["chpl-diversion".into()],
            }),
            id,
        );
        let row = next_row(None, &open, 7).unwrap().unwrap();
        assert_eq!((row.state.clone(), row.opened_seq), (State::Open, 7));
        let act = |officer: &str, action: Action, to: &str| {
            encoded(
                Change::Act {
                    hold: id,
                    officer: officer.into(),
                    action,
                    to: to.into(),
                },
                DecisionId::new(),
            )
        };
        let approved = next_row(Some(&row), &act("a", Action::Approve, "approved"), 8)
            .unwrap()
            .unwrap();
        assert_eq!(approved.state, State::Approved { by: "a".into() });
        let err = next_row(Some(&approved), &act("a", Action::Release, "released"), 9).unwrap_err();
        assert!(err.contains("four eyes"), "{err}");
        let err = next_row(Some(&approved), &act("b", Action::Release, "open"), 9).unwrap_err();
        assert!(err.contains("rules take it to `released`"), "{err}");
        let err = next_row(None, &act("b", Action::Release, "released"), 9).unwrap_err();
        assert!(err.contains("opened no hold"), "{err}");
        let released = next_row(Some(&approved), &act("b", Action::Release, "released"), 9)
            .unwrap()
            .unwrap();
        assert_eq!((released.state, released.updated_seq), (State::Released, 9));
    }

    #[test]
    fn list_columns_round_trip() {
        let items = vec!["a".to_owned(), "b-c".to_owned()];
        assert_eq!(join_list(&items), " a b-c ");
        assert_eq!(split_list(&join_list(&items)), items);
        assert!(split_list(&join_list(&[])).is_empty());
    }
}
