//! Holds over HTTP: the queue of decisions that are not `allow` (and of parties
//! whose screening found new matches), one hold with its history, an officer's
//! action on it, and the changes feed an ERP polls.
//!
//! The rules (four eyes, deny never released, licence_required let go only by
//! a licence the shipment is judged allowed with) are `exportctl_audit::hold`'s;
//! the store applies them again in the transaction that records the action, so
//! this module only asks them first to answer with a clear refusal. The
//! console's pages call the same functions ([`queue`], [`detail`], [`act`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exportctl_audit::hold::{Action, Held, Refusal, Subject};
use exportctl_audit::store::{HoldFilter, HoldRow};
use exportctl_audit::{
    AnyRecord, DecisionId, DecisionRecord, HoldActionRecord, PolicySetRef, RecordKind,
    RecordedInput, RecordedLicence, RecordedParty, Rejudgement, ScreeningRecord,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::audit_access::{read_store, record};
use super::auth::Client;
use super::problem::Problem;
use super::state::AppState;

/// Holds per page when the request does not say.
const DEFAULT_LIMIT: usize = 50;
/// Most holds, or changes, per page.
const MAX_LIMIT: usize = 500;
/// Longest comment kept with an action.
const MAX_COMMENT: usize = 2000;

/// What an officer asks to do to a hold (`POST /v1/holds/{id}/actions`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    /// `approve`, `release`, `reject`, `cancel` or `attach_licence`.
    pub action: String,
    /// One of the service's reason codes (`[holds] reason_codes`).
    pub reason_code: String,
    /// Free text kept with the action.
    #[serde(default)]
    pub comment: String,
    /// The licence (`attach_licence` only).
    pub licence: Option<LicenceRequest>,
    /// The caller's id for this action: a retry with the same id and the same
    /// action is answered with the first one's result.
    pub request_id: Option<String>,
}

/// A licence attached to a `licence_required` hold: it becomes an entry of the
/// shipment's `licences` (`shipment.md`) and the shipment is judged again.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceRequest {
    /// The licence's number.
    pub id: String,
    /// Who issued it: `EU`, `US`, `KZ`, `UK`, … or an alpha-2 code.
    pub jurisdiction: String,
    /// The lines it covers; absent: all.
    pub lines: Option<Vec<u32>>,
    /// Its last valid day (YYYY-MM-DD).
    pub valid_until: Option<String>,
}

/// A hold as the API and the console show it; `allowed_actions` are those the
/// asking officer may take now.
pub(super) fn hold_json(row: &HoldRow, officer: Option<&str>) -> Value {
    let (decision, shipment, screening, party) = match row.subject {
        Subject::Shipment => (Some(&row.hold_id), Some(&row.subject_id), None, None),
        Subject::Party => (None, None, Some(&row.hold_id), Some(&row.subject_id)),
    };
    json!({
        "hold_id": row.hold_id,
        "subject": row.subject.as_str(),
        "decision_id": decision,
        "shipment_id": shipment,
        "screening_id": screening,
        "party_id": party,
        "outcome": row.held.as_str(),
        "state": row.state.as_str(),
        "approved_by": row.state.approved_by(),
        "destination": row.destination,
        "hs_chapters": row.hs_chapters,
        "policies": row.policies,
        "opened_at": row.opened_time,
        "updated_at": row.updated_time,
        "allowed_actions": officer.map(|o| row.hold().allowed(o)),
    })
}

/// The queue's filters, read from a query string; each bad one is named.
pub(super) fn parse_filter(query: Option<&str>) -> Result<HoldFilter, Problem> {
    let mut filter = HoldFilter {
        states: vec!["open".into(), "approved".into()],
        limit: DEFAULT_LIMIT,
        ..HoldFilter::default()
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let value = value.trim().to_owned();
        if value.is_empty() {
            continue; // an empty form field is no filter
        }
        match &*key {
            "state" => {
                filter.states = if value == "all" {
                    vec![]
                } else {
                    let states: Vec<String> = value.split(',').map(str::to_owned).collect();
                    if let Some(bad) = states.iter().find(|s| !STATES.contains(&s.as_str())) {
                        return Err(Problem::bad_parameter(
                            "state",
                            format!("`{bad}` is not one of {}, or all", STATES.join(", ")),
                        ));
                    }
                    states
                }
            }
            "outcome" => {
                filter.held = Some(Held::from_outcome(&value).ok_or_else(|| {
                    Problem::bad_parameter(
                        "outcome",
                        format!("`{value}` is not one of review, licence_required, deny"),
                    )
                })?)
            }
            "policy" => filter.policy = Some(value),
            "destination" => {
                if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(Problem::bad_parameter(
                        "destination",
                        format!("`{value}` is not an ISO 3166-1 alpha-2 country code"),
                    ));
                }
                filter.destination = Some(value.to_ascii_uppercase());
            }
            "older_than_hours" => {
                let hours: i64 = value
                    .parse()
                    .ok()
                    .filter(|h| (0..=87_600).contains(h))
                    .ok_or_else(|| {
                        Problem::bad_parameter(
                            "older_than_hours",
                            format!("`{value}` is not a number of hours from 0 to 87600"),
                        )
                    })?;
                let cutoff = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours);
                filter.opened_before = Some(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string());
            }
            "after" => {
                filter.after_seq = Some(value.parse().map_err(|_| {
                    Problem::bad_parameter(
                        "after",
                        format!("`{value}` is not a `next` of a page before"),
                    )
                })?)
            }
            "limit" => filter.limit = page_size(&value)?,
            other => {
                return Err(Problem::bad_parameter(
                    other,
                    "unknown parameter (state, outcome, policy, destination, older_than_hours, after, limit)".to_owned(),
                ));
            }
        }
    }
    Ok(filter)
}

/// A `limit` parameter: a page of 1 to [`MAX_LIMIT`] holds or changes.
fn page_size(value: &str) -> Result<usize, Problem> {
    value
        .parse()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            Problem::bad_parameter(
                "limit",
                format!("`{value}` is not a number from 1 to {MAX_LIMIT}"),
            )
        })
}

const STATES: &[&str] = &[
    "open",
    "approved",
    "released",
    "licensed",
    "rejected",
    "cancelled",
];

fn hold_id(text: &str) -> Result<DecisionId, Problem> {
    text.parse().map_err(|e| {
        Problem::bad_parameter(
            "id",
            format!("`{text}` is not a hold (decision or screening) id: {e}"),
        )
    })
}

/// The holds `filter` selects, oldest first.
pub(super) async fn queue(
    state: &Arc<AppState>,
    filter: HoldFilter,
) -> Result<Vec<HoldRow>, Problem> {
    read_store(state, move |store| {
        store
            .holds(&filter)
            .map_err(|e| Problem::internal(e.to_string()))
    })
    .await
}

/// The record that opened a hold.
pub(super) enum Opened {
    /// A decision on a shipment.
    Decision(Box<DecisionRecord>),
    /// A screening of a party with new matches.
    Screening(Box<ScreeningRecord>),
}

/// One hold: its row, the record that opened it, every record of its history
/// (leaf index, record), and whether a checkpoint seals the opening record.
pub(super) struct Detail {
    pub(super) row: HoldRow,
    pub(super) opened: Opened,
    pub(super) history: Vec<(u64, AnyRecord)>,
    pub(super) sealed: bool,
}

/// The hold `id` with its history.
pub(super) async fn detail(state: &Arc<AppState>, id: &str) -> Result<Detail, Problem> {
    let id = hold_id(id)?;
    read_store(state, move |store| {
        let internal = |e: exportctl_audit::StoreError| Problem::internal(e.to_string());
        let row = store.hold(&id).map_err(internal)?.ok_or_else(|| {
            Problem::not_found(format!(
                "no hold {id}: its decision or screening is allow (or found nothing new), or is not recorded here"
            ))
        })?;
        let mut history = Vec::new();
        for r in store.hold_history(&id).map_err(internal)? {
            let record = AnyRecord::decode(&r.bytes).map_err(|e| {
                Problem::internal(format!(
                    "record at leaf index {} cannot be read: {e}",
                    r.index
                ))
            })?;
            history.push((r.index, record));
        }
        let opened = match history.first() {
            Some((_, AnyRecord::Decision(d))) => Opened::Decision(Box::new(d.clone())),
            Some((_, AnyRecord::Screening(s))) => Opened::Screening(Box::new(s.clone())),
            _ => {
                return Err(Problem::internal(format!(
                    "hold {id}: the record that opened it is missing from its history"
                )));
            }
        };
        let sealed_size = store
            .checkpoint_notes()
            .map_err(internal)?
            .last()
            .map_or(0, |(size, _)| *size);
        Ok(Detail {
            sealed: row.opened_seq < sealed_size,
            row,
            opened,
            history,
        })
    })
    .await
}

/// What an action did: the hold after it, its record and leaf index.
pub(super) struct Acted {
    pub(super) row: HoldRow,
    pub(super) record: HoldActionRecord,
    pub(super) leaf_index: u64,
    pub(super) repeated: bool,
}

/// Does `request` to hold `id` as `officer`, recording it; refused (409) when
/// the rules refuse it, now or when the store records it.
pub(super) async fn act(
    state: &Arc<AppState>,
    officer: &str,
    id: &str,
    request: ActRequest,
) -> Result<Acted, Problem> {
    if !state.config.reason_codes.contains(&request.reason_code) {
        return Err(Problem::invalid_field(
            "reason_code",
            format!(
                "`{}` is not one of this service's reason codes: {}",
                request.reason_code,
                state.config.reason_codes.join(", ")
            ),
        ));
    }
    if request.comment.chars().count() > MAX_COMMENT {
        return Err(Problem::invalid_field(
            "comment",
            format!("longer than {MAX_COMMENT} characters"),
        ));
    }
    let named = Action::from_parts(&request.action, Some("allow"));
    if named.is_none() {
        return Err(Problem::invalid_field(
            "action",
            format!(
                "`{}` is not one of approve, release, reject, cancel, attach_licence",
                request.action
            ),
        ));
    }
    let licence_asked = request.action == "attach_licence";
    match (&request.licence, licence_asked) {
        (None, true) => return Err(Problem::invalid_field(
            "licence",
            "attach_licence needs the licence: id, jurisdiction, optional lines and valid_until"
                .to_owned(),
        )),
        (Some(_), false) => {
            return Err(Problem::invalid_field(
                "licence",
                format!(
                    "a licence is attached only with attach_licence, not {}",
                    request.action
                ),
            ));
        }
        _ => {}
    }
    let detail = detail(state, id).await?;
    let hold = detail.row.hold();
    let refused = Problem::hold_refused;
    // Ask the rules first, for a clear answer; the store asks them again when
    // it records the action. A retry (a request id) goes to the store either
    // way: it answers a recorded one with its first result.
    let retry = request.request_id.is_some();
    let precheck = |action: &Action| match hold.check(officer, action) {
        Err(r) if !retry => Err(refused(r.to_string())),
        _ => Ok(()),
    };
    let (action, licence, rejudgement) = match &request.licence {
        None => {
            let action = named.unwrap_or(Action::Cancel);
            precheck(&action)?;
            (action, None, None)
        }
        Some(licence) => {
            precheck(&Action::AttachLicence {
                rejudged: "allow".into(),
            })?;
            let Opened::Decision(decision) = &detail.opened else {
                return Err(refused(Refusal::PartyNeedsNoLicence.to_string()));
            };
            let (recorded, rejudgement) = rejudge(state, decision, licence).await?;
            let action = Action::AttachLicence {
                rejudged: rejudgement.outcome().to_owned(),
            };
            (action, Some(recorded), Some(rejudgement))
        }
    };
    let mut after = hold.clone();
    if let Err(r) = after.apply(officer, &action)
        && !retry
    {
        return Err(refused(r.to_string()));
    }
    let hold_decision: DecisionId = detail
        .row
        .hold_id
        .parse()
        .map_err(|e| Problem::internal(format!("hold id: {e}")))?;
    let action_record = HoldActionRecord {
        kind: RecordKind::HoldAction,
        action_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        officer: officer.to_owned(),
        request_id: request.request_id.clone(),
        hold: hold_decision,
        shipment_id: (detail.row.subject == Subject::Shipment)
            .then(|| detail.row.subject_id.clone()),
        party_id: (detail.row.subject == Subject::Party).then(|| detail.row.subject_id.clone()),
        action: request.action.clone(),
        reason_code: request.reason_code.clone(),
        comment: request.comment.clone(),
        input: HoldActionRecord::input_of(
            &hold_decision,
            &request.action,
            &request.reason_code,
            &request.comment,
            licence.as_ref(),
        )
        .map_err(|e| Problem::internal(e.to_string()))?,
        licence,
        rejudgement,
        from: hold.state().as_str().to_owned(),
        to: after.state().as_str().to_owned(),
        held: after.held().as_str().to_owned(),
    };
    let receipt = record(state, action_record).await?;
    let id = hold_decision;
    let (row, record) = read_store(state, move |store| {
        let row = store
            .hold(&id)
            .map_err(|e| Problem::internal(e.to_string()))?
            .ok_or_else(|| Problem::internal(format!("hold {id} vanished")))?;
        let (_, bytes) = store
            .find(&receipt.decision_id)
            .map_err(|e| Problem::internal(e.to_string()))?
            .ok_or_else(|| Problem::internal("the recorded action is missing".to_owned()))?;
        let record =
            HoldActionRecord::decode(&bytes).map_err(|e| Problem::internal(e.to_string()))?;
        Ok((row, record))
    })
    .await?;
    Ok(Acted {
        row,
        record,
        leaf_index: receipt.leaf_index,
        repeated: receipt.repeated,
    })
}

/// Judges the held shipment again, as recorded (its canonical, validated
/// form), with `licence` added to its `licences`, under the active set.
async fn rejudge(
    state: &Arc<AppState>,
    decision: &DecisionRecord,
    licence: &LicenceRequest,
) -> Result<(RecordedLicence, Rejudgement), Problem> {
    let RecordedInput::Full { shipment, .. } = &decision.input else {
        return Err(Problem::hold_refused(format!(
            "decision {} keeps only the shipment's digest (store_input = \"digest\"), so it cannot be judged again here: check the shipment again with the licence in its `licences`",
            decision.decision_id
        )));
    };
    let recorded = checked_licence(licence)?;
    // The canonical form of a licence, as the recorded shipment writes one.
    let entry = json!({
        "id": recorded.id,
        "jurisdiction": recorded.jurisdiction,
        "lines": recorded.lines,
        "valid_until": recorded.valid_until,
    });
    let mut shipment = shipment.clone();
    match shipment.get_mut("licences").and_then(Value::as_array_mut) {
        Some(list) => list.push(entry),
        None => {
            return Err(Problem::internal(format!(
                "decision {}: the recorded shipment has no licences list",
                decision.decision_id
            )));
        }
    }
    let active = state.active();
    let id = decision.decision_id;
    let verdict = state
        .pool
        .run(Arc::clone(&active.host), move |worker| {
            exportctl_sdk::validated::Shipment::deserialize(&shipment)
                .map(|parsed| worker.evaluate(&parsed))
                .map_err(|e| format!("decision {id}: the recorded shipment cannot be read: {e}"))
        })
        .await
        .map_err(|e| Problem::overloaded(e.to_string()))?
        .map_err(Problem::internal)?;
    let as_of = verdict.as_of.to_string();
    let policy_set = PolicySetRef {
        digest: verdict.generation.set_digest.to_string(),
        generation: verdict.generation.number,
    };
    let verdict = serde_json::to_value(&verdict).map_err(|e| Problem::internal(e.to_string()))?;
    Ok((
        recorded,
        Rejudgement {
            as_of,
            policy_set,
            verdict,
        },
    ))
}

/// The licence as the shipment format requires it (`shipment.md`), or the
/// field that is wrong.
fn checked_licence(licence: &LicenceRequest) -> Result<RecordedLicence, Problem> {
    let id = licence.id.trim();
    if id.is_empty() || id.chars().count() > 200 {
        return Err(Problem::invalid_field(
            "licence.id",
            "must be 1 to 200 characters".to_owned(),
        ));
    }
    let jurisdiction = licence.jurisdiction.trim().to_ascii_uppercase();
    if jurisdiction.len() != 2 || !jurisdiction.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Problem::invalid_field(
            "licence.jurisdiction",
            format!(
                "`{}` is not EU, US, UK or an ISO 3166-1 alpha-2 code",
                licence.jurisdiction
            ),
        ));
    }
    if let Some(day) = &licence.valid_until
        && exportctl_sdk::Date::parse(day).is_none()
    {
        return Err(Problem::invalid_field(
            "licence.valid_until",
            format!("`{day}` is not a date (YYYY-MM-DD)"),
        ));
    }
    if licence.lines.as_ref().is_some_and(Vec::is_empty) {
        return Err(Problem::invalid_field(
            "licence.lines",
            "an empty list covers nothing; leave it out to cover every line".to_owned(),
        ));
    }
    Ok(RecordedLicence {
        id: id.to_owned(),
        jurisdiction,
        lines: licence.lines.clone(),
        valid_until: licence.valid_until.clone(),
    })
}

/// The holds waiting for officers (or any, with `state`), oldest first.
///
/// `{"holds": [...], "next": "…"|null}`: each hold with its outcome, state,
/// destination, HS chapters, the policies that objected, when it was opened and
/// last changed, and the actions the asking officer may take. Filters:
/// `state` (comma-separated, default `open,approved`; `all`), `outcome`,
/// `policy`, `destination`, `older_than_hours`; `after` = the `next` of the
/// page before.
#[utoipa::path(
    get,
    path = "/v1/holds",
    tag = "holds",
    params(
        ("state" = Option<String>, Query, description = "open, approved, released, licensed, rejected, cancelled (comma-separated) or all; default open,approved"),
        ("outcome" = Option<String>, Query, description = "review, licence_required or deny"),
        ("policy" = Option<String>, Query, description = "A policy id that objected"),
        ("destination" = Option<String>, Query, description = "ISO 3166-1 alpha-2"),
        ("older_than_hours" = Option<u32>, Query, description = "Opened at least this many hours ago"),
        ("after" = Option<String>, Query, description = "`next` of the page before"),
        ("limit" = Option<u32>, Query, description = "Holds per page (default 50, at most 500)"),
    ),
    responses(
        (status = 200, description = "A page of holds, oldest first", body = Object),
        (status = 400, description = "A bad parameter, named", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer", "auditor"]))
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    RawQuery(query): RawQuery,
) -> Response {
    let answer = async {
        let filter = parse_filter(query.as_deref())?;
        let limit = filter.limit;
        let rows = queue(&state, filter).await?;
        let next = (rows.len() == limit)
            .then(|| rows.last().map(|r| r.opened_seq.to_string()))
            .flatten();
        Ok(json!({
            "holds": rows.iter().map(|r| hold_json(r, Some(&client.name))).collect::<Vec<_>>(),
            "next": next,
        }))
    };
    respond(answer.await, StatusCode::OK)
}

/// One hold with its history.
///
/// `{"hold", "party", "sealed", "history"}`: the hold (as listed), for a hold
/// on a party the party as screened with its matches and failures (else
/// null), whether a checkpoint seals the record that opened it, and every
/// record of its history in order (`{"leaf_index", "record"}`: the decision or
/// screening, then each action).
#[utoipa::path(
    get,
    path = "/v1/holds/{id}",
    tag = "holds",
    params(("id" = String, Path, description = "The hold's id: its decision's id")),
    responses(
        (status = 200, description = "The hold", body = Object),
        (status = 400, description = "Not a decision id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such hold", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer", "auditor"]))
)]
pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    Path(id): Path<String>,
) -> Response {
    let answer = async {
        let d = detail(&state, &id).await?;
        let history: Vec<Value> = d
            .history
            .iter()
            .map(|(index, record)| Ok(json!({"leaf_index": index, "record": record_json(record)?})))
            .collect::<Result<_, Problem>>()?;
        let party = match &d.opened {
            Opened::Screening(s) => party_json(s),
            Opened::Decision(_) => Value::Null,
        };
        Ok(json!({
            "hold": hold_json(&d.row, Some(&client.name)),
            "party": party,
            "sealed": d.sealed,
            "history": history,
        }))
    };
    respond(answer.await, StatusCode::OK)
}

/// A party hold's party and what its screening found: the party as screened
/// (`null` when the store keeps only its digest), each enforced or monitored
/// policy's matches, and each policy that could not screen it.
pub(super) fn party_json(screening: &ScreeningRecord) -> Value {
    let party = match &screening.input {
        RecordedParty::Full { party, .. } => party.clone(),
        RecordedParty::Digest { .. } => Value::Null,
    };
    let mut matches = Vec::new();
    let mut failures = Vec::new();
    for p in &screening.policies {
        match (&p.matches, &p.error) {
            (Some(found), _) => matches.extend(found.iter().map(|m| {
                json!({
                    "policy": p.id, "mode": p.mode, "rule": m.rule, "outcome": m.outcome,
                    "list": m.list, "edition": m.edition, "entry": m.entry,
                    "listed_name": m.listed_name, "score": m.score, "message": m.message,
                    "legal_basis": m.legal_basis,
                })
            })),
            (None, error) => failures.push(json!({"policy": p.id, "mode": p.mode, "error": error})),
        }
    }
    json!({
        "party_id": screening.party_id,
        "party": party,
        "date": screening.date,
        "outcome": screening.outcome,
        "matches": matches,
        "failures": failures,
    })
}

fn record_json(record: &AnyRecord) -> Result<Value, Problem> {
    let value = match record {
        AnyRecord::Decision(r) => serde_json::to_value(r),
        AnyRecord::Screening(r) => serde_json::to_value(r),
        AnyRecord::HoldAction(r) => serde_json::to_value(r),
        AnyRecord::Exemption(r) => serde_json::to_value(r),
    };
    value.map_err(|e| Problem::internal(e.to_string()))
}

/// Acts on a hold: approve, release, reject, cancel or attach a licence.
///
/// A hold on a party (a screening's new match) is released by two officers
/// whatever its outcome, or rejected; a licence is refused (409).
///
/// Each action is a record in the audit log (who, when, reason code, comment).
/// Four eyes: the officer who approved cannot release. A `deny` hold is only
/// rejected or cancelled; a `licence_required` one is let go by attaching the
/// licence: the shipment is judged again with it and the hold closes as
/// `licensed` only if that judgement allows (a `review` turns it into a review
/// hold). 409 with the reason when the rules refuse the action.
#[utoipa::path(
    post,
    path = "/v1/holds/{id}/actions",
    tag = "holds",
    params(("id" = String, Path, description = "The hold's id: its decision's id")),
    request_body = ActRequest,
    responses(
        (status = 201, description = "Recorded: the hold after it, the action's record", body = Object),
        (status = 200, description = "A retry of a recorded action (same request id): its result", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the officer role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such hold", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The rules refuse it (four eyes, deny, finished, …), or the request id was used for another action", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad action, reason code, comment or licence, named", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The action could not be recorded", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer"]))
)]
pub async fn act_handler(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    Path(id): Path<String>,
    body: Result<Json<ActRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let answer = async {
        let Json(request) = body.map_err(|e| {
            Problem::invalid_input(
                e.body_text(),
                vec![super::problem::FieldError {
                    path: String::new(),
                    message: e.body_text(),
                }],
            )
        })?;
        let acted = act(&state, &client.name, &id, request).await?;
        Ok::<_, Problem>((
            if acted.repeated {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            },
            json!({
                "hold": hold_json(&acted.row, Some(&client.name)),
                "leaf_index": acted.leaf_index,
                "action": acted.record,
            }),
        ))
    };
    match answer.await {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// Every change to holds after a cursor, in order: what an ERP polls.
///
/// `{"changes": [...], "next": "…", "more": bool}`. Each change: `cursor`,
/// `hold_id`, `subject` (`shipment` or `party`), `shipment_id` or `party_id`
/// (the other null), `event` (`opened`, or the action), `state` after
/// it, `outcome` held for, `time`, and for an action `officer`, `reason_code`,
/// `comment`. Start without `since`; then pass the `next` of the last page.
/// Cursors are leaf indices of the audit log, assigned and committed in order,
/// so a poller that always continues from `next` never misses a change.
#[utoipa::path(
    get,
    path = "/v1/holds/changes",
    tag = "holds",
    params(
        ("since" = Option<String>, Query, description = "`next` of the page before; absent: from the first change"),
        ("limit" = Option<u32>, Query, description = "Changes per page (default 50, at most 500)"),
    ),
    responses(
        (status = 200, description = "A page of changes, oldest first", body = Object),
        (status = 400, description = "A bad parameter, named", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["check", "officer", "auditor"]))
)]
pub async fn changes(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let answer = async {
        let mut since = None;
        let mut limit = DEFAULT_LIMIT;
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match &*key {
                "since" => {
                    since = Some(value.parse::<u64>().map_err(|_| {
                        Problem::bad_parameter(
                            "since",
                            format!("`{value}` is not a `next` of a page before"),
                        )
                    })?)
                }
                "limit" => limit = page_size(&value)?,
                other => {
                    return Err(Problem::bad_parameter(
                        other,
                        "unknown parameter (since, limit)".to_owned(),
                    ));
                }
            }
        }
        let page = changes_after(&state, since, limit).await?;
        let next = page
            .last()
            .and_then(|c| c["cursor"].as_str().map(str::to_owned))
            .or_else(|| since.map(|s| s.to_string()));
        Ok(json!({
            "more": page.len() == limit,
            "changes": page,
            "next": next,
        }))
    };
    respond(answer.await, StatusCode::OK)
}

/// Up to `limit` changes after leaf index `since`, as the feed writes them.
pub(super) async fn changes_after(
    state: &Arc<AppState>,
    since: Option<u64>,
    limit: usize,
) -> Result<Vec<Value>, Problem> {
    read_store(state, move |store| {
        let records = store
            .hold_changes(since, limit)
            .map_err(|e| Problem::internal(e.to_string()))?;
        records
            .iter()
            .map(|r| {
                let record = AnyRecord::decode(&r.bytes).map_err(|e| {
                    Problem::internal(format!(
                        "record at leaf index {} cannot be read: {e}",
                        r.index
                    ))
                })?;
                Ok(change_json(r.index, &record))
            })
            .collect()
    })
    .await
}

/// One change of the feed (and of a webhook's body).
pub(super) fn change_json(index: u64, record: &AnyRecord) -> Value {
    match record {
        AnyRecord::HoldAction(a) => json!({
            "cursor": index.to_string(),
            "hold_id": a.hold.to_string(),
            "subject": if a.party_id.is_some() { "party" } else { "shipment" },
            "shipment_id": a.shipment_id,
            "party_id": a.party_id,
            "event": a.action,
            "state": a.to,
            "outcome": a.held,
            "officer": a.officer,
            "reason_code": a.reason_code,
            "comment": a.comment,
            "time": a.time,
        }),
        other => {
            let (subject, shipment, party, outcome) = match other {
                AnyRecord::Decision(d) => (
                    Subject::Shipment,
                    Some(d.shipment_id.clone()),
                    None,
                    d.verdict.get("outcome").cloned().unwrap_or(Value::Null),
                ),
                AnyRecord::Screening(s) => (
                    Subject::Party,
                    None,
                    Some(s.party_id.clone()),
                    Value::String(s.outcome.clone()),
                ),
                _ => (Subject::Shipment, None, None, Value::Null),
            };
            json!({
                "cursor": index.to_string(),
                "hold_id": other.id().to_string(),
                "subject": subject.as_str(),
                "shipment_id": shipment,
                "party_id": party,
                "event": "opened",
                "state": "open",
                "outcome": outcome,
                "time": other.time(),
            })
        }
    }
}

fn respond(answer: Result<Value, Problem>, status: StatusCode) -> Response {
    match answer {
        Ok(body) => (status, Json(body)).into_response(),
        Err(problem) => problem.into_response(),
    }
}
