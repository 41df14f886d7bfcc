//! `POST /v1/check`: one shipment in, one verdict out — in enforce mode only
//! after its decision record is durable.
//!
//! The body is a shipment in the spec's format, or an envelope
//! `{ "request_id": "...", "shipment": {...}, "mode": "enforce" | "simulate" }`.
//! The shipment is read and validated by the SDK's reader and judged by the
//! same [`judge`] loop as `exportctl check`, so its verdict is the one `check`
//! prints. In enforce mode the record goes to the group-commit writer and the
//! answer waits for its ticket; a record that fails withholds the verdict (503).
//! A request id seen before with the same shipment answers the original
//! decision, read back from the store; with another shipment it is 409.

use super::auth::Client;
use super::log::LoggedDecision;
use super::metrics::Rejection;
use super::openapi::{ShipmentDoc, VerdictDoc};
use super::problem::{FieldError, Problem};
use super::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use exportctl::{
    CapturedDecision, DecisionRecorder, InvalidInput, JudgeOptions, Sink, Verdict, Worker, judge,
};
use exportctl_audit::{DecisionId, DecisionRecord, Receipt, RecordError, Ticket};
use exportctl_sdk::input::{self, InputFormat, InputLimits};
use exportctl_sdk::validated::Shipment;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::time::Instant;
use utoipa::openapi::schema::{OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// The name the SDK's reader gives the request's shipment in messages.
const ORIGIN: &str = "request";

/// Longest request id accepted (the shipment id's bound in the spec).
const MAX_REQUEST_ID: usize = 128;

/// Whether a check is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CheckMode {
    /// Judge and record; the verdict is answered only once the record is durable.
    Enforce,
    /// Judge only: nothing is recorded, and the answer says so.
    Simulate,
}

impl CheckMode {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            CheckMode::Enforce => "enforce",
            CheckMode::Simulate => "simulate",
        }
    }
}

/// A check request, read from its body.
#[derive(Debug)]
pub(super) struct CheckRequest {
    pub(super) request_id: Option<String>,
    pub(super) mode: CheckMode,
    /// The shipment document's bytes, exactly as sent.
    pub(super) shipment: Vec<u8>,
    /// The shipment came in an envelope: its field paths start with `shipment.`.
    pub(super) enveloped: bool,
}

/// The body of a check as the API document describes it: a bare shipment or
/// an [`Envelope`] (read by [`parse_request`], field by field).
pub struct CheckBody;

impl PartialSchema for CheckBody {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(ShipmentDoc::name()))
            .item(Ref::from_schema_name(Envelope::name()))
            .description(Some("A shipment, or an envelope around one"))
            .into()
    }
}

impl ToSchema for CheckBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((ShipmentDoc::name().into_owned(), ShipmentDoc::schema()));
        schemas.push((Envelope::name().into_owned(), Envelope::schema()));
        Envelope::schemas(schemas);
    }
}

/// A shipment with a request id and a mode.
#[derive(ToSchema)]
#[schema(as = CheckEnvelope)]
#[allow(dead_code)] // Described, not built: `parse_request` reads the fields.
struct Envelope {
    /// 1–128 printable characters; the same id again answers the original decision.
    request_id: Option<String>,
    /// `enforce` (default): judge and record; `simulate`: judge only.
    #[schema(value_type = Option<String>, pattern = "^(enforce|simulate)$")]
    mode: Option<String>,
    /// The shipment (`shipment.md`).
    shipment: ShipmentDoc,
}

/// What the judging thread hands back.
pub(super) enum Judged {
    /// A verdict and, in enforce mode, its decision taken down for the record.
    Verdict {
        verdict: Arc<Verdict>,
        captured: Option<CapturedDecision>,
    },
    /// The shipment was not judged.
    Invalid(Problem),
}

/// The answer to a check.
#[derive(Serialize, ToSchema)]
#[schema(as = CheckAnswer)]
pub(super) struct CheckResponse {
    /// `enforce` or `simulate`.
    pub(super) mode: &'static str,
    /// Whether a decision record exists for this verdict.
    pub(super) recorded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) decision_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) request_id: Option<String>,
    /// The policy set that judged.
    pub(super) policy_set: PolicySetJson,
    /// Where the record is in the audit log (enforce mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) record: Option<RecordJson>,
    /// The verdict exactly as `exportctl check` prints it (`verdict.md`).
    #[schema(value_type = VerdictDoc)]
    pub(super) verdict: AnswerVerdict,
}

/// The verdict of an answer: just judged, or read back from its record.
pub(super) enum AnswerVerdict {
    Judged(Arc<Verdict>),
    /// Already JSON: read back from a record, or converted for a batch.
    Json(serde_json::Value),
}

impl Serialize for AnswerVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AnswerVerdict::Judged(verdict) => verdict.serialize(s),
            AnswerVerdict::Json(value) => value.serialize(s),
        }
    }
}

/// The policy set a verdict was reached with.
#[derive(Serialize, ToSchema)]
#[schema(as = PolicySetGeneration)]
pub(super) struct PolicySetJson {
    /// The set's digest (lower-case hex SHA-256; `policy-set.md`, "Digest").
    pub(super) digest: String,
    /// The generation it was loaded as (1 at start, +1 per reload).
    pub(super) generation: u64,
}

/// Where a decision is in the audit log.
#[derive(Serialize, ToSchema)]
#[schema(as = RecordPosition)]
pub(super) struct RecordJson {
    /// The record's leaf index in the Merkle log.
    pub(super) leaf_index: u64,
    /// True when the request id was seen before: this is the original decision.
    pub(super) repeated: bool,
}

/// Judge one shipment.
///
/// The body is a shipment in the spec's format, or an envelope with a `request_id`
/// (idempotency: the same id again answers the original decision; with another
/// shipment it is 409) and a `mode`: `enforce` (default) records the decision and
/// answers only once the record is durable; `simulate` judges without a record and
/// says so.
///
/// The decision is recorded as asked for by `api:<token name>`.
///
/// For an ERP: release the order on `allow`; hold it on `review` (a compliance
/// officer looks), `licence_required` (release only with a licence) and `deny`
/// (never release).
#[utoipa::path(
    post,
    path = "/v1/check",
    tag = "check",
    request_body(content = CheckBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict, and in enforce mode its durable record", body = CheckResponse),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request id was used for a different shipment", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the configured limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input: every problem with its field path", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Saturated, timed out, or the record could not be made: no verdict (Retry-After)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["check"]))
)]
pub async fn check(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // The decision this request is about, for its log line, whether its
    // verdict is answered or withheld.
    let mut decision = None;
    let mut response = match check_inner(&state, &client, body, &mut decision).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    };
    if let Some(id) = decision {
        response.extensions_mut().insert(LoggedDecision(id));
    }
    response
}

async fn check_inner(
    state: &Arc<AppState>,
    client: &Client,
    body: Result<Bytes, BytesRejection>,
    decision: &mut Option<String>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            state.metrics.rejected(Rejection::TooLarge);
            Problem::too_large(state.config.body_bytes)
        }
        status => Problem::http(status, rejection.body_text()),
    })?;
    let request = parse_request(&body)?;
    let active = state.active();
    // Without a store an enforce-mode check is still read and judged, so that
    // invalid input is 422 either way; its verdict is then withheld (503).
    let (records, unrecordable) = match (request.mode, &active.records, &state.audit) {
        (CheckMode::Simulate, _, _) => (None, false),
        (CheckMode::Enforce, Some(records), Some(_)) => (
            Some(Requester {
                records: records.clone(),
                requested_by: client.requested_by(),
            }),
            false,
        ),
        (CheckMode::Enforce, _, _) => (None, true),
    };
    let limits = InputLimits {
        max_file_bytes: state.config.body_bytes as u64,
        ..InputLimits::default()
    };
    let request_id = request.request_id.clone();
    let enveloped = request.enveloped;
    let shipment = request.shipment;
    let exemptions = super::exemptions::in_force(state).await?;
    let judged = state
        .pool
        .run(Arc::clone(&active.host), move |worker| {
            judge_request(
                worker, &shipment, enveloped, &limits, records, request_id, exemptions,
            )
        })
        .await
        .map_err(|e| match e {
            super::pool::PoolError::Saturated(_) => {
                state.metrics.rejected(Rejection::Overloaded);
                Problem::overloaded(e.to_string())
            }
            super::pool::PoolError::Stopped => Problem::internal(e.to_string()),
        })?;
    let (verdict, captured) = match judged {
        Judged::Verdict { verdict, captured } => (verdict, captured),
        Judged::Invalid(problem) => return Err(problem),
    };
    let policy_set = PolicySetJson {
        digest: verdict.generation.set_digest.to_string(),
        generation: verdict.generation.number,
    };
    if unrecordable {
        return Err(Problem::not_recorded(
            "recording is off (`[audit] record = false`), so no enforce-mode verdict can be recorded; turn it on, or ask with \"mode\": \"simulate\"".to_owned(),
        ));
    }
    let Some(captured) = captured else {
        state.metrics.judged(&verdict, CheckMode::Simulate.as_str());
        return Ok(Json(CheckResponse {
            mode: CheckMode::Simulate.as_str(),
            recorded: false,
            decision_id: None,
            request_id: request.request_id,
            policy_set,
            record: None,
            verdict: AnswerVerdict::Judged(Arc::clone(&verdict)),
        })
        .into_response());
    };
    *decision = Some(captured.decision_id().to_string());
    let receipt = record(state, captured).await?;
    // A repeated request id answers the original decision: the log names that one.
    *decision = Some(receipt.decision_id.to_string());
    if receipt.repeated {
        let answer = original(state, receipt, request.request_id).await?;
        return Ok(Json(answer).into_response());
    }
    state.metrics.judged(&verdict, CheckMode::Enforce.as_str());
    Ok(Json(CheckResponse {
        mode: CheckMode::Enforce.as_str(),
        recorded: true,
        decision_id: Some(receipt.decision_id.to_string()),
        request_id: request.request_id,
        policy_set,
        record: Some(RecordJson {
            leaf_index: receipt.leaf_index,
            repeated: false,
        }),
        verdict: AnswerVerdict::Judged(Arc::clone(&verdict)),
    })
    .into_response())
}

/// Hands the decision to the writer and waits, off the reactor, until it is durable.
async fn record(state: &AppState, captured: CapturedDecision) -> Result<Receipt, Problem> {
    let decision_id = captured.decision_id();
    let ticket = submit(state, captured)?;
    let handed = Instant::now();
    let waited = tokio::task::spawn_blocking(move || ticket.wait())
        .await
        .map_err(|e| Problem::internal(format!("waiting for the record failed: {e}")))?;
    state.metrics.waited(&waited, handed.elapsed());
    waited.map_err(|e| {
        tracing::warn!(decision_id = %decision_id, error = %e, "decision not recorded; verdict withheld");
        receipt_problem(e)
    })
}

/// What a record that was not committed means for its request.
pub(super) fn receipt_problem(e: RecordError) -> Problem {
    match e {
        RecordError::RequestIdConflict { .. } => Problem::request_id_conflict(e.to_string()),
        other => Problem::not_recorded(other.to_string()),
    }
}

/// Hands the decision to the writer; its ticket resolves once the record is durable.
pub(super) fn submit(state: &AppState, captured: CapturedDecision) -> Result<Ticket, Problem> {
    let Some(audit) = &state.audit else {
        return Err(Problem::not_recorded(
            "no audit store is configured".to_owned(),
        ));
    };
    let decision_id = captured.decision_id();
    let recorder = audit
        .recorder
        .read()
        .map_err(|_| Problem::internal("the recorder's lock is poisoned".to_owned()))?;
    let Some(recorder) = recorder.as_ref() else {
        return Err(Problem::not_recorded(format!(
            "audit store {}: the service is shutting down",
            audit.url
        )));
    };
    tracing::debug!(decision_id = %decision_id, "decision judged; recording it");
    recorder
        .submit_with(
            decision_id,
            // The record is built and encoded on the writer's thread.
            Box::new(move || captured.encode().map_err(|e| e.to_string())),
        )
        .map_err(|e| {
            tracing::warn!(decision_id = %decision_id, error = %e, "decision not recorded; verdict withheld");
            match e {
                RecordError::QueueFull { .. } => {
                    state.metrics.rejected(Rejection::Overloaded);
                    Problem::overloaded(e.to_string())
                }
                other => {
                    state.metrics.append_failed();
                    Problem::not_recorded(other.to_string())
                }
            }
        })
}

/// The answer to a repeated request id: the original decision, as recorded.
pub(super) async fn original(
    state: &Arc<AppState>,
    receipt: Receipt,
    request_id: Option<String>,
) -> Result<CheckResponse, Problem> {
    let state = Arc::clone(state);
    let decision_id: DecisionId = receipt.decision_id;
    let found = tokio::task::spawn_blocking(move || {
        let audit = state.audit.as_ref()?;
        let reader = audit.reader.lock().ok()?;
        Some(reader.find(&decision_id))
    })
    .await
    .map_err(|e| Problem::internal(format!("reading the original decision failed: {e}")))?;
    let body = match found {
        Some(Ok(Some((_, body)))) => body,
        Some(Ok(None)) => {
            return Err(Problem::internal(format!(
                "the store acknowledged decision {decision_id} but does not hold it"
            )));
        }
        Some(Err(e)) => return Err(Problem::not_recorded(e.to_string())),
        None => return Err(Problem::internal("no audit store to read".to_owned())),
    };
    let record = DecisionRecord::decode(&body).map_err(|e| {
        Problem::internal(format!("decision {decision_id} cannot be read back: {e}"))
    })?;
    Ok(CheckResponse {
        mode: CheckMode::Enforce.as_str(),
        recorded: true,
        decision_id: Some(decision_id.to_string()),
        request_id,
        policy_set: PolicySetJson {
            digest: record.policy_set.digest,
            generation: record.policy_set.generation,
        },
        record: Some(RecordJson {
            leaf_index: receipt.leaf_index,
            repeated: true,
        }),
        verdict: AnswerVerdict::Json(record.verdict),
    })
}

/// Reads the body: a bare shipment, or the envelope around one.
pub(super) fn parse_request(body: &[u8]) -> Result<CheckRequest, Problem> {
    let bare = CheckRequest {
        request_id: None,
        mode: CheckMode::Enforce,
        shipment: body.to_vec(),
        enveloped: false,
    };
    // Anything that is not a JSON object with a `shipment` key is a bare
    // shipment: the SDK's reader then reports what is wrong with it, with line
    // and column for a syntax error.
    let Ok(fields) = serde_json::from_slice::<BTreeMap<String, Box<RawValue>>>(body) else {
        return Ok(bare);
    };
    if !fields.contains_key("shipment") {
        return Ok(bare);
    }
    let mut errors = Vec::new();
    let mut request = CheckRequest {
        enveloped: true,
        ..bare
    };
    for (key, value) in fields {
        match key.as_str() {
            "shipment" => request.shipment = value.get().as_bytes().to_vec(),
            "request_id" => match serde_json::from_str::<String>(value.get()) {
                Ok(id) if valid_request_id(&id) => request.request_id = Some(id),
                _ => errors.push(FieldError {
                    path: key,
                    message: format!(
                        "{} is not a request id: a string of 1–{MAX_REQUEST_ID} printable characters",
                        value.get()
                    ),
                }),
            },
            "mode" => match serde_json::from_str::<String>(value.get()).as_deref() {
                Ok("enforce") => request.mode = CheckMode::Enforce,
                Ok("simulate") => request.mode = CheckMode::Simulate,
                _ => errors.push(FieldError {
                    path: key,
                    message: format!(
                        "{} is not a mode: `enforce` or `simulate`",
                        value.get()
                    ),
                }),
            },
            _ => errors.push(FieldError {
                path: key,
                message: "unknown field: a check request has `request_id`, `shipment` and `mode`"
                    .to_owned(),
            }),
        }
    }
    if errors.is_empty() {
        return Ok(request);
    }
    let detail = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    Err(Problem::invalid_input(detail, errors))
}

fn valid_request_id(id: &str) -> bool {
    let n = id.chars().count();
    (1..=MAX_REQUEST_ID).contains(&n) && !id.chars().any(char::is_control)
}

/// Reads, validates and judges the request's shipment on a judging thread,
/// through the same [`judge`] loop as `exportctl check`.
#[allow(
    clippy::too_many_arguments,
    reason = "one request's parts, each named at the two call sites"
)]
pub(super) fn judge_request(
    worker: &mut Worker,
    shipment: &[u8],
    enveloped: bool,
    limits: &InputLimits,
    records: Option<Requester>,
    request_id: Option<String>,
    exemptions: Arc<[exportctl::Exemption]>,
) -> Judged {
    let field = |path: Option<&str>| match (enveloped, path) {
        (true, Some(p)) => format!("shipment.{p}"),
        (true, None) => "shipment".to_owned(),
        (false, p) => p.unwrap_or_default().to_owned(),
    };
    // The usual request, one shipment object, is read in place (its text is not
    // copied); anything else goes through the file reader, whose errors and
    // document count the response reports.
    let in_place = std::str::from_utf8(shipment)
        .ok()
        .and_then(|text| input::read_json_object(text, ORIGIN, limits).ok());
    let read = match in_place {
        Some(doc) => Ok(vec![Ok(doc)]),
        None => input::read_entries(shipment, ORIGIN, InputFormat::Json, limits),
    };
    let entries = match read {
        Ok(entries) => entries,
        Err(e) => {
            let error = FieldError {
                path: field(e.path()),
                message: e.to_string(),
            };
            return Judged::Invalid(Problem::invalid_input(e.to_string(), vec![error]));
        }
    };
    if entries.len() != 1 {
        return Judged::Invalid(Problem::invalid_input(
            format!(
                "expected one shipment object, found {} documents",
                entries.len()
            ),
            vec![FieldError {
                path: field(None),
                message: "expected one shipment object".to_owned(),
            }],
        ));
    }
    let source = entries
        .into_iter()
        .map(|entry| entry.map_err(InvalidInput::Read));
    let mut sink = One {
        records,
        request_id,
        field: &field,
        out: None,
    };
    let options = JudgeOptions {
        limits: *limits,
        exemptions,
        ..JudgeOptions::default()
    };
    match judge(source, worker, &options, &mut sink) {
        Ok(_) => sink.out.unwrap_or_else(|| {
            Judged::Invalid(Problem::internal(
                "the shipment was neither judged nor refused".to_owned(),
            ))
        }),
        Err(stopped) => Judged::Invalid(Problem::internal(format!(
            "the decision could not be taken down: {}",
            stopped.error
        ))),
    }
}

/// How an enforce-mode decision is recorded: the set's recorder, and who asked.
#[derive(Clone)]
pub(super) struct Requester {
    pub(super) records: DecisionRecorder,
    /// `api:<token name>`.
    pub(super) requested_by: String,
}

/// The sink of one request: keeps the verdict (and takes the decision down for
/// its record while the shipment is at hand), or the reason it was not judged.
struct One<'a> {
    records: Option<Requester>,
    request_id: Option<String>,
    field: &'a dyn Fn(Option<&str>) -> String,
    out: Option<Judged>,
}

impl Sink for One<'_> {
    fn verdict(&mut self, label: &str, _verdict: &Verdict) -> io::Result<()> {
        // `judge` always calls `judged`, which has the shipment a record needs.
        Err(io::Error::other(format!(
            "{label}: a verdict without its shipment cannot be recorded"
        )))
    }

    fn judged(
        &mut self,
        _label: &str,
        shipment: &Shipment<'_>,
        verdict: &Verdict,
    ) -> io::Result<()> {
        let verdict = Arc::new(verdict.clone());
        let captured = match &self.records {
            Some(Requester {
                records,
                requested_by,
            }) => Some(
                records
                    .capture_as(
                        requested_by.clone(),
                        shipment,
                        Arc::clone(&verdict),
                        self.request_id.take(),
                    )
                    .map_err(io::Error::other)?,
            ),
            None => None,
        };
        self.out = Some(Judged::Verdict { verdict, captured });
        Ok(())
    }

    fn invalid(&mut self, error: &InvalidInput) -> io::Result<()> {
        let errors = match error {
            InvalidInput::Shipment {
                unknown, errors, ..
            } => unknown
                .iter()
                .map(|u| FieldError {
                    path: (self.field)(Some(&u.path)),
                    message: "unknown field (strict mode: unknown fields are invalid input)"
                        .to_owned(),
                })
                .chain(errors.iter().map(|e| FieldError {
                    path: (self.field)(e.path()),
                    message: e.message().to_owned(),
                }))
                .collect(),
            InvalidInput::Read(e) => vec![FieldError {
                path: (self.field)(e.path()),
                message: e.to_string(),
            }],
            other => vec![FieldError {
                path: (self.field)(None),
                message: other.to_string(),
            }],
        };
        self.out = Some(Judged::Invalid(Problem::invalid_input(
            error.messages().join("; "),
            errors,
        )));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_is_told_from_a_bare_shipment() {
        let bare =
            parse_request(br#"{"id": "S-1", "lines": []}"#).unwrap_or_else(|_| unreachable!());
        assert!(!bare.enveloped);
        assert_eq!(bare.mode, CheckMode::Enforce);
        let wrapped = parse_request(
            br#"{"request_id": "erp-1", "mode": "simulate", "shipment": {"id": "S-1", "amount": 4250.00}}"#,
        )
        .unwrap_or_else(|_| unreachable!());
        assert!(wrapped.enveloped);
        assert_eq!(wrapped.mode, CheckMode::Simulate);
        assert_eq!(wrapped.request_id.as_deref(), Some("erp-1"));
        // The shipment's bytes are passed on as sent: decimals keep their digits.
        assert_eq!(wrapped.shipment, br#"{"id": "S-1", "amount": 4250.00}"#);
    }

    #[test]
    fn a_bad_envelope_names_each_field() {
        let Err(problem) =
            parse_request(br#"{"shipment": {}, "mode": "dry", "request_id": "", "extra": 1}"#)
        else {
            unreachable!("accepted a bad envelope");
        };
        let paths: Vec<&str> = problem.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["extra", "mode", "request_id"]);
        assert_eq!(problem.status, 422);
    }
}
