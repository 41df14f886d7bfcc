//! `POST /v1/check/batch`: many shipments, one answer with one entry per item,
//! in order.
//!
//! The body is `{ "items": [ … ] }` or a bare JSON array; each item is what
//! `POST /v1/check` takes (a shipment, or the envelope with `request_id` and
//! `mode`). At most `[limits] batch_items` items (default 1,000; more is 413).
//! Each entry is the item's decision, as `/v1/check` answers it, or a problem
//! with the field paths within the batch body (`items[3].lines[0].hs_code`); an
//! invalid item does not stop the others. The whole batch is judged with the
//! generation active when it arrives, split across the judging threads; in
//! enforce mode every decision goes to the writer before any is waited for, so
//! they share commits, and the answer is sent once every record is durable.

use super::auth::Client;
use super::check::{
    self, AnswerVerdict, CheckMode, CheckResponse, Judged, PolicySetJson, RecordJson, Requester,
};
use super::problem::Problem;
use super::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use exportctl::CapturedDecision;
use exportctl_audit::{Receipt, RecordError, Ticket};
use exportctl_sdk::input::InputLimits;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The outcome of one item so far.
enum Entry {
    /// Answered: a decision (as `/v1/check` gives it).
    Done(Value),
    /// Refused, with the status and problem of its own.
    Failed(Problem),
    /// Judged in enforce mode; waits for its record.
    Recording {
        request_id: Option<String>,
        verdict: Value,
        policy_set: (String, u64),
        ticket: Ticket,
    },
}

/// Judge up to 1,000 shipments in one request.
///
/// The body is `{"items": [ … ]}` or a bare JSON array; each item is what
/// `/v1/check` takes (a shipment, or an envelope with `request_id` and `mode`).
/// The answer has one entry per item, in order: `{"index", "status": 200,
/// "decision"}` with the decision as `/v1/check` answers it, or `{"index",
/// "status", "problem"}` with the item's field paths; invalid items do not stop
/// the others. One generation judges the whole batch; in enforce mode the
/// answer comes once every decision is durable. `summary` counts items,
/// decisions and problems.
#[utoipa::path(
    post,
    path = "/v1/check/batch",
    tag = "check",
    request_body(content = Object, content_type = "application/json", description = "`{\"items\": [CheckBody, …]}` or `[CheckBody, …]`"),
    responses(
        (status = 200, description = "One entry per item, in order, and a summary", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the body limit or `[limits] batch_items`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a batch (each item's own problems are in the 200 answer)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Saturated, timed out, or the records could not be made: no verdicts", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["check"]))
)]
pub async fn batch(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match batch_inner(&state, &client, body).await {
        Ok(items) => Json(items).into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// Reads the batch body: its items' raw JSON and the path prefix of an item.
fn parse_items(body: &[u8], max: usize) -> Result<(Vec<Box<RawValue>>, &'static str), Problem> {
    let not_a_batch = |detail: String| {
        Problem::invalid_input(
            detail.clone(),
            vec![super::problem::FieldError {
                path: String::new(),
                message: detail,
            }],
        )
    };
    let (items, prefix) = match serde_json::from_slice::<Vec<Box<RawValue>>>(body) {
        Ok(items) => (items, ""),
        Err(_) => {
            let mut fields = serde_json::from_slice::<BTreeMap<String, Box<RawValue>>>(body)
                .map_err(|e| {
                    not_a_batch(format!(
                        "request:{}:{}: a batch is {{\"items\": [...]}} or a JSON array: {e}",
                        e.line(),
                        e.column()
                    ))
                })?;
            let Some(items) = fields.remove("items") else {
                return Err(not_a_batch(
                    "a batch is {\"items\": [...]} or a JSON array; `items` is missing".to_owned(),
                ));
            };
            if let Some(other) = fields.keys().next() {
                return Err(Problem::invalid_input(
                    format!("{other}: unknown field: a batch has only `items`"),
                    vec![super::problem::FieldError {
                        path: other.clone(),
                        message: "unknown field: a batch has only `items`".to_owned(),
                    }],
                ));
            }
            let items = serde_json::from_str::<Vec<Box<RawValue>>>(items.get()).map_err(|e| {
                Problem::invalid_input(
                    format!("items: not an array: {e}"),
                    vec![super::problem::FieldError {
                        path: "items".to_owned(),
                        message: format!("not an array: {e}"),
                    }],
                )
            })?;
            (items, "items")
        }
    };
    if items.len() > max {
        return Err(Problem::too_many_items(items.len(), max));
    }
    Ok((items, prefix))
}

/// Puts an item's paths under its place in the batch body.
fn locate(mut problem: Problem, prefix: &str, index: usize) -> Problem {
    let at = format!("{prefix}[{index}]");
    for error in &mut problem.errors {
        error.path = if error.path.is_empty() {
            at.clone()
        } else {
            format!("{at}.{}", error.path)
        };
    }
    problem.detail = format!("{at}: {}", problem.detail);
    problem
}

async fn batch_inner(
    state: &Arc<AppState>,
    client: &Client,
    body: Result<Bytes, BytesRejection>,
) -> Result<Value, Problem> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::too_large(state.config.body_bytes),
        status => Problem::http(status, rejection.body_text()),
    })?;
    let (items, prefix) = parse_items(&body, state.config.batch_items)?;
    // One generation for the whole batch.
    let active = state.active();
    let recordable = active.records.is_some() && state.audit.is_some();
    let limits = InputLimits {
        max_file_bytes: state.config.body_bytes as u64,
        ..InputLimits::default()
    };
    let mut entries: Vec<Option<Entry>> = (0..items.len()).map(|_| None).collect();
    let mut to_judge = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match check::parse_request(item.get().as_bytes()) {
            Ok(request) => to_judge.push((index, request)),
            Err(problem) => entries[index] = Some(Entry::Failed(locate(problem, prefix, index))),
        }
    }
    // The same exemptions for every item of the batch.
    let exemptions = super::exemptions::in_force(state).await?;
    // As many jobs as judging threads, each judging its share in order.
    let threads = state.config.workers.max(1);
    let per_job = to_judge.len().div_ceil(threads).max(1);
    let mut jobs = tokio::task::JoinSet::new();
    let mut rest = to_judge;
    while !rest.is_empty() {
        let share: Vec<_> = rest.drain(..per_job.min(rest.len())).collect();
        let state = Arc::clone(state);
        let host = Arc::clone(&active.host);
        let exemptions = Arc::clone(&exemptions);
        // Every decision of the batch is recorded as asked for by its client.
        let records = active.records.clone().map(|records| Requester {
            records,
            requested_by: client.requested_by(),
        });
        jobs.spawn(async move {
            let indices: Vec<usize> = share.iter().map(|(i, _)| *i).collect();
            let judged = state
                .pool
                .run(host, move |worker| {
                    share
                        .into_iter()
                        .map(|(index, request)| {
                            let records = match request.mode {
                                CheckMode::Enforce if recordable => records.clone(),
                                _ => None,
                            };
                            let judged = check::judge_request(
                                worker,
                                &request.shipment,
                                request.enveloped,
                                &limits,
                                records,
                                request.request_id.clone(),
                                Arc::clone(&exemptions),
                            );
                            (index, request.mode, request.request_id, judged)
                        })
                        .collect::<Vec<_>>()
                })
                .await;
            (indices, judged)
        });
    }
    while let Some(done) = jobs.join_next().await {
        let (indices, judged) =
            done.map_err(|e| Problem::internal(format!("a batch job failed: {e}")))?;
        let judged = match judged {
            Ok(judged) => judged,
            Err(e) => {
                // The pool refused the job: each of its items gets that answer.
                let problem = match e {
                    super::pool::PoolError::Saturated(_) => Problem::overloaded(e.to_string()),
                    super::pool::PoolError::Stopped => Problem::internal(e.to_string()),
                };
                for index in indices {
                    entries[index] = Some(Entry::Failed(problem.clone()));
                }
                continue;
            }
        };
        for (index, mode, request_id, judged) in judged {
            entries[index] = Some(
                settle(state, mode, request_id, judged, recordable)
                    .unwrap_or_else(|problem| Entry::Failed(locate(problem, prefix, index))),
            );
        }
    }
    // Every record has been handed to the writer; now wait for them all at once.
    let mut waiting = Vec::new();
    let mut tickets = Vec::new();
    let mut answers: Vec<Option<Entry>> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        match entry {
            Some(Entry::Recording {
                request_id,
                verdict,
                policy_set,
                ticket,
            }) => {
                waiting.push((index, request_id, verdict, policy_set));
                tickets.push(ticket);
                answers.push(None);
            }
            other => answers.push(other),
        }
    }
    let handed = std::time::Instant::now();
    let receipts: Vec<Result<Receipt, RecordError>> =
        tokio::task::spawn_blocking(move || tickets.into_iter().map(Ticket::wait).collect())
            .await
            .map_err(|e| Problem::internal(format!("waiting for the records failed: {e}")))?;
    for ((index, request_id, verdict, (digest, generation)), receipt) in
        waiting.into_iter().zip(receipts)
    {
        state.metrics.waited(&receipt, handed.elapsed());
        let entry = match receipt {
            Ok(receipt) if receipt.repeated => {
                match check::original(state, receipt, request_id).await {
                    Ok(answer) => Entry::Done(to_value(&answer)),
                    Err(problem) => Entry::Failed(locate(problem, prefix, index)),
                }
            }
            Ok(receipt) => {
                state
                    .metrics
                    .judged_json(&verdict, CheckMode::Enforce.as_str());
                Entry::Done(to_value(&CheckResponse {
                    mode: CheckMode::Enforce.as_str(),
                    recorded: true,
                    decision_id: Some(receipt.decision_id.to_string()),
                    request_id,
                    policy_set: PolicySetJson { digest, generation },
                    record: Some(RecordJson {
                        leaf_index: receipt.leaf_index,
                        repeated: false,
                    }),
                    verdict: AnswerVerdict::Json(verdict),
                }))
            }
            Err(e) => Entry::Failed(locate(check::receipt_problem(e), prefix, index)),
        };
        answers[index] = Some(entry);
    }
    let generation = active.host.generation();
    let mut decisions = 0usize;
    let out: Vec<Value> = answers
        .into_iter()
        .enumerate()
        .map(|(index, entry)| match entry {
            Some(Entry::Done(decision)) => {
                decisions += 1;
                json!({ "index": index, "status": 200, "decision": decision })
            }
            Some(Entry::Failed(problem)) => {
                json!({ "index": index, "status": problem.status, "problem": to_value(&problem) })
            }
            Some(Entry::Recording { .. }) | None => json!({
                "index": index,
                "status": 500,
                "problem": to_value(&Problem::internal("the item was lost".to_owned())),
            }),
        })
        .collect();
    let problems = out.len() - decisions;
    Ok(json!({
        "policy_set": { "digest": &*generation.set_digest, "generation": generation.number },
        "summary": { "items": out.len(), "decisions": decisions, "problems": problems },
        "items": out,
    }))
}

/// What becomes of one judged item: simulate answers now, enforce hands its
/// record to the writer.
fn settle(
    state: &AppState,
    mode: CheckMode,
    request_id: Option<String>,
    judged: Judged,
    recordable: bool,
) -> Result<Entry, Problem> {
    let (verdict, captured) = match judged {
        Judged::Verdict { verdict, captured } => (verdict, captured),
        Judged::Invalid(problem) => return Err(problem),
    };
    let policy_set = (
        verdict.generation.set_digest.to_string(),
        verdict.generation.number,
    );
    if mode == CheckMode::Enforce && !recordable {
        return Err(Problem::not_recorded(
            "no audit store is configured, so no enforce-mode verdict can be recorded; ask with \"mode\": \"simulate\"".to_owned(),
        ));
    }
    let verdict_json = to_value(&*verdict);
    let Some(captured): Option<CapturedDecision> = captured else {
        state.metrics.judged(&verdict, CheckMode::Simulate.as_str());
        return Ok(Entry::Done(to_value(&CheckResponse {
            mode: CheckMode::Simulate.as_str(),
            recorded: false,
            decision_id: None,
            request_id,
            policy_set: PolicySetJson {
                digest: policy_set.0,
                generation: policy_set.1,
            },
            record: None,
            verdict: AnswerVerdict::Json(verdict_json),
        })));
    };
    let ticket = check::submit(state, captured)?;
    Ok(Entry::Recording {
        request_id,
        verdict: verdict_json,
        policy_set,
        ticket,
    })
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
