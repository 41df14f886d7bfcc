//! The recorded decisions, read from the audit store on a connection of their
//! own (opened per request, off the reactor; the writer's stays with the writer):
//!
//! - `GET /v1/decisions/{id}` — the record as stored (canonical JSON), its leaf
//!   index and whether a checkpoint seals it yet;
//! - `GET /v1/decisions?shipment=&party=&destination=&outcome=&from=&to=&limit=&cursor=`
//!   — newest first, a page at a time; `next_cursor` (opaque) continues;
//! - `GET /v1/decisions/{id}/proof` — the inclusion proof against the latest
//!   checkpoint, as `exportctl audit proof` writes it (`audit verify-proof`
//!   checks it offline);
//! - `POST /v1/decisions/{id}/replay` — judged again with the recorded set
//!   (rebuilt from the store) or, with `{"policies": "active"}`, with the active
//!   generation: identical, or every difference.
//!
//! The store indexes decision id, request id and time only. The other filters
//! are applied to each record read newest first within the time range, and one
//! page reads at most [`MAX_SCAN`] records: a page cut short by that bound says
//! so (`scan_limit_reached`) and its `next_cursor` continues the scan.

use super::audit_access::read_store;
use super::problem::Problem;
use super::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exportctl_audit::{AnyRecord, DecisionId, DecisionRecord, ProofError, RecordKind, Store};
use exportctl_sdk::Date;
use serde_json::{Value, json};
use std::sync::Arc;

/// Most records one listing request reads.
pub const MAX_SCAN: usize = 10_000;
/// Page size when `limit` is not given, and the largest allowed.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;
/// What an opaque cursor starts with (the rest is hex).
const CURSOR_TAG: &str = "c1";

fn decision_id(text: &str) -> Result<DecisionId, Problem> {
    text.parse()
        .map_err(|e| Problem::bad_parameter("id", format!("`{text}` is not a decision id: {e}")))
}

fn unknown(id: &DecisionId) -> Problem {
    Problem::not_found(format!("no decision {id} in the audit store"))
}

/// The record with `id`, decoded: (leaf index, record, its JSON).
fn find(store: &Store, id: &DecisionId) -> Result<(u64, DecisionRecord, Value), Problem> {
    let (index, bytes) = store
        .find(id)
        .map_err(|e| Problem::internal(e.to_string()))?
        .ok_or_else(|| unknown(id))?;
    let damaged = |e: String| {
        Problem::internal(format!(
            "decision {id} at leaf index {index} cannot be read: {e}"
        ))
    };
    // The log holds party screenings too; this API serves decisions only.
    if AnyRecord::kind_of(&bytes).map_err(|e| damaged(e.to_string()))? != RecordKind::Decision {
        return Err(unknown(id));
    }
    let record = DecisionRecord::decode(&bytes).map_err(|e| damaged(e.to_string()))?;
    let json = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    Ok((index, record, json))
}

/// The size of the latest checkpoint (0 when none).
fn sealed_size(store: &Store) -> Result<u64, Problem> {
    Ok(store
        .checkpoint_notes()
        .map_err(|e| Problem::internal(e.to_string()))?
        .last()
        .map_or(0, |(size, _)| *size))
}

/// One recorded decision.
///
/// `{"decision_id", "leaf_index", "sealed", "record"}`: the record as stored
/// (`audit-record.md`), its leaf in the log, and whether a checkpoint covers it.
#[utoipa::path(
    get,
    path = "/v1/decisions/{id}",
    tag = "decisions",
    params(("id" = String, Path, description = "The decision id (UUIDv7)")),
    responses(
        (status = 200, description = "The record", body = Object),
        (status = 400, description = "Not a decision id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor"]))
)]
pub async fn show(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let answer = async {
        let id = decision_id(&id)?;
        read_store(&state, move |store| {
            let (index, _, record) = find(store, &id)?;
            let sealed = index < sealed_size(store)?;
            Ok(json!({
                "decision_id": id.to_string(),
                "leaf_index": index,
                "sealed": sealed,
                "record": record,
            }))
        })
        .await
    };
    respond(answer.await)
}

/// The decision's inclusion proof against the latest checkpoint.
///
/// The document `exportctl audit proof` writes; `exportctl audit verify-proof`
/// checks it offline with the log's public key.
#[utoipa::path(
    get,
    path = "/v1/decisions/{id}/proof",
    tag = "decisions",
    params(("id" = String, Path, description = "The decision id (UUIDv7)")),
    responses(
        (status = 200, description = "The proof and the signed checkpoint", body = Object),
        (status = 400, description = "Not a decision id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No checkpoint covers it yet (Retry-After)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor"]))
)]
pub async fn proof(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let answer = async {
        let id = decision_id(&id)?;
        read_store(&state, move |store| {
            let proof = exportctl_audit::prove(store, &id).map_err(|e| match e {
                ProofError::UnknownDecision { .. } => unknown(&id),
                ProofError::NotSealed { .. } => Problem {
                    retry_after: Some(1),
                    ..Problem::http(
                        StatusCode::CONFLICT,
                        format!("{e}: no checkpoint covers it yet; retry after the next one"),
                    )
                },
                other => Problem::internal(other.to_string()),
            })?;
            serde_json::to_value(&proof).map_err(|e| Problem::internal(e.to_string()))
        })
        .await
    };
    respond(answer.await)
}

/// Which set a replay uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplayWith {
    Recorded,
    Active,
}

fn replay_with(body: &[u8]) -> Result<ReplayWith, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ReplayWith::Recorded);
    }
    let bad = |path: &str, message: String| {
        Problem::invalid_input(
            format!("{path}: {message}"),
            vec![super::problem::FieldError {
                path: path.to_owned(),
                message,
            }],
        )
    };
    let value: serde_json::Map<String, Value> = serde_json::from_slice(body)
        .map_err(|e| bad("", format!("a replay request is a JSON object: {e}")))?;
    let mut with = ReplayWith::Recorded;
    for (key, v) in value {
        match (key.as_str(), v.as_str()) {
            ("policies", Some("recorded")) => with = ReplayWith::Recorded,
            ("policies", Some("active")) => with = ReplayWith::Active,
            ("policies", _) => {
                return Err(bad(
                    "policies",
                    format!("{v} is not `recorded` or `active`"),
                ));
            }
            _ => {
                return Err(bad(
                    &key,
                    "unknown field: a replay request has only `policies`".to_owned(),
                ));
            }
        }
    }
    Ok(with)
}

/// Judge a recorded decision's shipment again.
///
/// With the recorded policy set (default, or `{"policies": "recorded"}`):
/// `result` is `identical` or the `differences`. With `{"policies": "active"}`:
/// what the active generation would say now.
#[utoipa::path(
    post,
    path = "/v1/decisions/{id}/replay",
    tag = "decisions",
    params(("id" = String, Path, description = "The decision id (UUIDv7)")),
    request_body(content = Object, content_type = "application/json", description = "Optional: `{\"policies\": \"recorded\" | \"active\"}`"),
    responses(
        (status = 200, description = "The replayed verdict and its differences from the recorded one", body = Object),
        (status = 400, description = "Not a decision id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The record keeps only its input's digest", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a replay request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor"]))
)]
pub async fn replay(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let answer = async {
        let id = decision_id(&id)?;
        let with = replay_with(&body)?;
        let host = (with == ReplayWith::Active).then(|| Arc::clone(&state.active().host));
        read_store(&state, move |store| {
            let (_, record, _) = find(store, &id)?;
            let replayed = crate::cli::replay_one(store, &record, host)
                .map_err(Problem::internal)?
                .ok_or_else(|| {
                    Problem::http(
                        StatusCode::CONFLICT,
                        format!(
                            "decision {id} keeps only its input's sha256 ({}): it cannot be replayed without the shipment",
                            record.input.sha256()
                        ),
                    )
                })?;
            let result = if replayed.differences.is_empty() {
                "identical"
            } else {
                "differs"
            };
            Ok(json!({
                "decision_id": id.to_string(),
                "policies": match with { ReplayWith::Recorded => "recorded", ReplayWith::Active => "active" },
                "recorded_policy_set": {
                    "digest": record.policy_set.digest,
                    "generation": record.policy_set.generation,
                },
                "policy_set": { "digest": replayed.policy_set.0, "generation": replayed.policy_set.1 },
                "result": result,
                "differences": replayed.differences.into_iter().map(|(path, recorded, replayed)| json!({
                    "path": path, "recorded": recorded, "replayed": replayed,
                })).collect::<Vec<_>>(),
                "verdict": replayed.verdict,
            }))
        })
        .await
    };
    respond(answer.await)
}

/// The listing's filters, read from the query string.
#[derive(Debug, Default, PartialEq, Eq)]
struct Filters {
    shipment: Option<String>,
    /// Lower-case: matched against party names and aliases (case-insensitive,
    /// part of the name) and party ids (whole value).
    party: Option<String>,
    destination: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: usize,
    before: Option<u64>,
}

const OUTCOMES: [&str; 4] = ["allow", "review", "licence_required", "deny"];

/// A time bound: an RFC 3339 time or a date (records' times compare as text).
fn time_bound(name: &str, text: &str) -> Result<String, Problem> {
    let date_ok = text.get(..10).and_then(Date::parse).is_some();
    let rest_ok = text
        .get(10..)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('T'));
    if date_ok && rest_ok {
        Ok(text.to_owned())
    } else {
        Err(Problem::bad_parameter(
            name,
            format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"),
        ))
    }
}

fn parse_filters(query: Option<&str>) -> Result<Filters, Problem> {
    let mut filters = Filters {
        limit: DEFAULT_LIMIT,
        ..Filters::default()
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let value = value.into_owned();
        let nonempty = |v: String| {
            if v.is_empty() {
                Err(Problem::bad_parameter(&key, "must not be empty".to_owned()))
            } else {
                Ok(v)
            }
        };
        match &*key {
            "shipment" => filters.shipment = Some(nonempty(value)?),
            "party" => filters.party = Some(nonempty(value)?.to_lowercase()),
            "destination" => {
                if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(Problem::bad_parameter(
                        "destination",
                        format!("`{value}` is not an ISO 3166-1 alpha-2 country code"),
                    ));
                }
                filters.destination = Some(value.to_ascii_uppercase());
            }
            "outcome" => {
                if !OUTCOMES.contains(&value.as_str()) {
                    return Err(Problem::bad_parameter(
                        "outcome",
                        format!("`{value}` is not one of {}", OUTCOMES.join(", ")),
                    ));
                }
                filters.outcome = Some(value);
            }
            "from" => filters.from = Some(time_bound("from", &value)?),
            "to" => filters.to = Some(time_bound("to", &value)?),
            "limit" => {
                filters.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        Problem::bad_parameter(
                            "limit",
                            format!("`{value}` is not a number from 1 to {MAX_LIMIT}"),
                        )
                    })?;
            }
            "cursor" => {
                filters.before = Some(read_cursor(&value).ok_or_else(|| {
                    Problem::bad_parameter(
                        "cursor",
                        "not a cursor this service gave (pass `next_cursor` back as it is)"
                            .to_owned(),
                    )
                })?);
            }
            other => {
                return Err(Problem::bad_parameter(
                    other,
                    "unknown parameter: the listing takes shipment, party, destination, outcome, from, to, limit and cursor".to_owned(),
                ));
            }
        }
    }
    Ok(filters)
}

/// A cursor: the leaf index the next page starts below.
fn cursor(before: u64) -> String {
    format!("{CURSOR_TAG}{}", hex::encode(before.to_be_bytes()))
}

fn read_cursor(text: &str) -> Option<u64> {
    let bytes = hex::decode(text.strip_prefix(CURSOR_TAG)?).ok()?;
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

/// Whether a party of the recorded shipment has the name (part, any case) or id.
fn has_party(shipment: &Value, wanted: &str) -> bool {
    let parties = ["exporter", "consignee", "end_user"]
        .iter()
        .filter_map(|k| shipment.get(*k))
        .chain(
            shipment
                .get("other_parties")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    parties.into_iter().any(|party| {
        let names = party.get("name").into_iter().chain(
            party
                .get("aliases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        let by_name = names
            .filter_map(Value::as_str)
            .any(|n| n.to_lowercase().contains(wanted));
        let by_id = party
            .get("ids")
            .and_then(Value::as_object)
            .is_some_and(|ids| {
                ids.values()
                    .filter_map(Value::as_str)
                    .any(|v| v.to_lowercase() == wanted)
            });
        by_name || by_id
    })
}

/// Whether a record passes the filters other than time.
fn matches(record: &Value, filters: &Filters) -> bool {
    let shipment = record.pointer("/input/shipment");
    // Screenings and hold actions share the log; this lists decisions.
    record.get("kind").and_then(Value::as_str) == Some("decision")
        && filters
            .shipment
            .as_deref()
            .is_none_or(|s| record.get("shipment_id").and_then(Value::as_str) == Some(s))
        && filters
            .outcome
            .as_deref()
            .is_none_or(|o| record.pointer("/verdict/outcome").and_then(Value::as_str) == Some(o))
        && filters.destination.as_deref().is_none_or(|d| {
            shipment
                .and_then(|s| s.get("destination_country"))
                .and_then(Value::as_str)
                .is_some_and(|c| c.eq_ignore_ascii_case(d))
        })
        && filters
            .party
            .as_deref()
            .is_none_or(|p| shipment.is_some_and(|s| has_party(s, p)))
}

/// One listed decision.
fn summary(index: u64, record: &Value) -> Value {
    json!({
        "decision_id": record.get("decision_id"),
        "leaf_index": index,
        "time": record.get("time"),
        "shipment_id": record.get("shipment_id"),
        "request_id": record.get("request_id"),
        "requested_by": record.get("requested_by"),
        "destination": record.pointer("/input/shipment/destination_country"),
        "outcome": record.pointer("/verdict/outcome"),
        "policy_set": record.get("policy_set"),
    })
}

/// Recorded decisions, newest first, a page at a time.
///
/// `{"order": "newest_first", "decisions": [ … ], "scanned", "scan_limit_reached",
/// "next_cursor"}`. Pass `next_cursor` back as `cursor` for the next page. The
/// party, destination and outcome filters are checked record by record, at most
/// 10,000 per page: a page cut short says `scan_limit_reached` and its cursor
/// continues.
#[utoipa::path(
    get,
    path = "/v1/decisions",
    tag = "decisions",
    params(
        ("shipment" = Option<String>, Query, description = "The shipment id"),
        ("party" = Option<String>, Query, description = "A party's name (part, any case) or id"),
        ("destination" = Option<String>, Query, description = "ISO 3166-1 alpha-2"),
        ("outcome" = Option<String>, Query, description = "allow, review, licence_required or deny"),
        ("from" = Option<String>, Query, description = "Recorded at or after: YYYY-MM-DD or RFC 3339"),
        ("to" = Option<String>, Query, description = "Recorded before: YYYY-MM-DD or RFC 3339"),
        ("limit" = Option<u32>, Query, description = "Decisions per page (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "A page of decisions", body = Object),
        (status = 400, description = "A bad parameter, named", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor"]))
)]
pub async fn list(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let answer = async {
        let filters = parse_filters(query.as_deref())?;
        read_store(&state, move |store| {
            let mut found = Vec::new();
            let mut scanned = 0usize;
            let mut last = None;
            let mut damaged = None;
            let walked = store
                .for_each_record_newest_first(
                    filters.before,
                    filters.from.as_deref(),
                    filters.to.as_deref(),
                    |r| {
                        scanned += 1;
                        last = Some(r.index);
                        match serde_json::from_slice::<Value>(&r.bytes) {
                            Ok(record) if matches(&record, &filters) => {
                                found.push(summary(r.index, &record));
                            }
                            Ok(_) => {}
                            Err(e) => {
                                damaged = Some(format!("record at leaf index {}: {e}", r.index));
                                return Err(());
                            }
                        }
                        if found.len() == filters.limit || scanned == MAX_SCAN {
                            Err(())
                        } else {
                            Ok(())
                        }
                    },
                )
                .map_err(|e| Problem::internal(e.to_string()))?;
            if let Some(e) = damaged {
                return Err(Problem::internal(e));
            }
            // Stopped early (page full or scan bound): more may follow below.
            let more = walked.is_err() && last.is_some_and(|i| i > 0);
            let scan_limit_reached = scanned == MAX_SCAN && found.len() < filters.limit;
            Ok(json!({
                "order": "newest_first",
                "decisions": found,
                "scanned": scanned,
                "scan_limit_reached": scan_limit_reached,
                "next_cursor": if more { last.map(cursor) } else { None },
            }))
        })
        .await
    };
    respond(answer.await)
}

fn respond(answer: Result<Value, Problem>) -> Response {
    match answer {
        Ok(body) => Json(body).into_response(),
        Err(problem) => problem.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_a_foreign_one_is_refused() {
        assert_eq!(read_cursor(&cursor(4711)), Some(4711));
        assert_eq!(read_cursor("4711"), None);
        assert_eq!(read_cursor("c1zz"), None);
    }

    #[test]
    fn filters_name_the_bad_parameter() {
        let f = parse_filters(Some(
            "destination=kz&outcome=deny&party=Almaty%20Interiors&limit=2",
        ))
        .unwrap_or_else(|p| unreachable!("{}", p.detail));
        assert_eq!(f.destination.as_deref(), Some("KZ"));
        assert_eq!(f.party.as_deref(), Some("almaty interiors"));
        assert_eq!(f.limit, 2);
        for (query, name) in [
            ("outcome=maybe", "outcome"),
            ("limit=0", "limit"),
            ("from=yesterday", "from"),
            ("destination=KAZ", "destination"),
            ("cursor=abc", "cursor"),
            ("sort=asc", "sort"),
        ] {
            let Err(p) = parse_filters(Some(query)) else {
                unreachable!("{query} accepted");
            };
            assert_eq!(
                (p.status, p.errors[0].path.as_str()),
                (400, name),
                "{query}"
            );
        }
    }

    #[test]
    fn a_party_matches_by_name_alias_or_id() {
        let shipment = json!({
            "exporter": {"name": "Rhein Elektronik GmbH"},
            "consignee": {"name": "Astana Tech Supply TOO", "ids": {"bin": "123456789012"}},
            "other_parties": [{"name": "Silk Route Logistics LLP", "aliases": ["SRL"]}],
        });
        assert!(has_party(&shipment, "astana tech"));
        assert!(has_party(&shipment, "srl"));
        assert!(has_party(&shipment, "123456789012"));
        assert!(!has_party(&shipment, "12345"));
        assert!(!has_party(&shipment, "moebelwerk"));
    }
}
