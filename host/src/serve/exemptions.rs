//! Exemptions over HTTP: an officer marks one finding of a recorded decision
//! (a party matching one list entry) as a false positive, with a reason and an
//! expiry capped by `[holds] max_exemption_days`; lists them; ends one early.
//! Each is an exemption record in the audit log, and every check the service
//! judges afterwards applies those in force (`exportctl::apply_exemptions`):
//! the finding is shown under `exempted`, not counted, until the exemption
//! expires, the list entry changes, or the party's name or country does.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exportctl::Exemption;
use exportctl_audit::{
    DecisionId, ExemptionGrant, ExemptionRecord, RecordKind, RecordedInput, Store,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::audit_access::{self, read_store};
use super::auth::Client;
use super::problem::Problem;
use super::state::AppState;

/// How long the exemptions read from the store serve checks before they are
/// read again (another host may have granted one).
const FRESH_FOR: Duration = Duration::from_secs(1);

/// The exemptions in force, as last read from the store.
#[derive(Default)]
pub struct ExemptionCache {
    read: RwLock<Option<(Instant, Arc<[Exemption]>)>>,
}

impl ExemptionCache {
    fn fresh(&self) -> Option<Arc<[Exemption]>> {
        let read = self
            .read
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read.as_ref()
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, e)| Arc::clone(e))
    }

    fn keep(&self, exemptions: Arc<[Exemption]>) {
        *self
            .read
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((Instant::now(), exemptions));
    }

    /// Forgets what was read: the next check reads the store again.
    fn forget(&self) {
        *self
            .read
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

/// The exemptions every check applies now (none without an audit store).
pub(super) async fn in_force(state: &Arc<AppState>) -> Result<Arc<[Exemption]>, Problem> {
    if let Some(fresh) = state.exemptions.fresh() {
        return Ok(fresh);
    }
    let Some(audit) = &state.audit else {
        return Ok(Arc::from(Vec::new()));
    };
    let url = audit.url.clone();
    let read = tokio::task::spawn_blocking(move || {
        let store = Store::open_existing(&url).map_err(|e| e.to_string())?;
        read_records(&store)
    })
    .await
    .map_err(|e| Problem::internal(format!("reading the exemptions failed: {e}")))?
    .map_err(|e| {
        Problem::not_recorded(format!(
            "the exemptions cannot be read, so nothing is judged: {e}"
        ))
    })?;
    let exemptions: Arc<[Exemption]> = exportctl_audit::exemption::in_force(&read)
        .into_iter()
        .filter_map(Exemption::from_record)
        .collect();
    state.exemptions.keep(Arc::clone(&exemptions));
    Ok(exemptions)
}

fn read_records(store: &Store) -> Result<Vec<ExemptionRecord>, String> {
    store
        .exemptions()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| {
            ExemptionRecord::decode(&r.bytes)
                .map_err(|e| format!("record at leaf index {}: {e}; run audit verify", r.index))
        })
        .collect()
}

/// What an officer asks to exempt (`POST /v1/exemptions`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The recorded decision whose finding is a false positive.
    pub decision_id: String,
    /// The finding's index in that decision's `verdict.findings`.
    pub finding: usize,
    /// Why the match is a false positive (mandatory).
    pub reason: String,
    /// Until when (YYYY-MM-DD: the start of that day, UTC; or RFC 3339).
    pub valid_until: String,
    /// Exempt the party under the ERP's id it carries (`ids.erp`) too; default:
    /// when it carries one.
    pub by_erp_id: Option<bool>,
}

/// Why an exemption is ended early (`POST /v1/exemptions/{id}/expire`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpireRequest {
    /// Why (mandatory).
    pub reason: String,
}

/// Records `record`; the cache is forgotten so the next check applies it.
async fn record(state: &Arc<AppState>, record: ExemptionRecord) -> Result<u64, Problem> {
    let receipt = audit_access::record(state, record).await?;
    state.exemptions.forget();
    Ok(receipt.leaf_index)
}

/// The end of the validity asked for, checked against now and the cap.
fn valid_until(text: &str, max_days: u32) -> Result<jiff::Timestamp, Problem> {
    let text = text.trim();
    let at: jiff::Timestamp = match text.parse() {
        Ok(ts) => ts,
        Err(_) => match text.parse::<jiff::civil::Date>() {
            Ok(date) if text.len() == 10 => format!("{date}T00:00:00Z")
                .parse()
                .map_err(|e: jiff::Error| Problem::invalid_field("valid_until", e.to_string()))?,
            _ => {
                return Err(Problem::invalid_field(
                    "valid_until",
                    format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"),
                ));
            }
        },
    };
    let now = jiff::Timestamp::now();
    if at <= now {
        return Err(Problem::invalid_field(
            "valid_until",
            format!("{at} is not in the future"),
        ));
    }
    let cap = now + jiff::SignedDuration::from_hours(24 * i64::from(max_days));
    if at > cap {
        return Err(Problem::invalid_field(
            "valid_until",
            format!(
                "{at} is more than {max_days} days away (`[holds] max_exemption_days`): exemptions must be looked at again"
            ),
        ));
    }
    Ok(at)
}

/// The party at `path` (`consignee`, `end_user`, `other_parties[1]`, …) of a
/// recorded shipment: (name, country, ERP id).
fn party_at(shipment: &Value, path: &str) -> Option<(String, String, Option<String>)> {
    let party = match path.split_once('[') {
        Some((field, rest)) => {
            let index: usize = rest.strip_suffix(']')?.parse().ok()?;
            shipment.get(field)?.get(index)?
        }
        None => shipment.get(path)?,
    };
    let name = party.get("name")?.as_str()?.to_owned();
    let country = party.get("country")?.as_str()?.to_owned();
    let erp = match party.get("ids") {
        Some(Value::Object(ids)) => ids.get("erp").and_then(Value::as_str).map(str::to_owned),
        // The canonical form keeps identifiers as a list of [key, value] pairs.
        Some(Value::Array(ids)) => ids.iter().find_map(|pair| match pair {
            Value::Array(kv) if kv.first().and_then(Value::as_str) == Some("erp") => {
                kv.get(1).and_then(Value::as_str).map(str::to_owned)
            }
            Value::Object(kv) if kv.get("key").and_then(Value::as_str) == Some("erp") => {
                kv.get("value").and_then(Value::as_str).map(str::to_owned)
            }
            _ => None,
        }),
        _ => None,
    };
    Some((name, country, erp))
}

/// Grants an exemption of finding `request.finding` of a recorded decision.
pub(super) async fn grant(
    state: &Arc<AppState>,
    officer: &str,
    request: GrantRequest,
) -> Result<(ExemptionRecord, u64), Problem> {
    if request.reason.trim().is_empty() {
        return Err(Problem::invalid_field(
            "reason",
            "an exemption needs a reason".to_owned(),
        ));
    }
    let until = valid_until(&request.valid_until, state.config.max_exemption_days)?;
    let id: DecisionId = request.decision_id.parse().map_err(|e| {
        Problem::invalid_field(
            "decision_id",
            format!("`{}` is not a decision id: {e}", request.decision_id),
        )
    })?;
    let decision = read_store(state, move |store| {
        let (_, bytes) = store
            .find(&id)
            .map_err(|e| Problem::internal(e.to_string()))?
            .ok_or_else(|| Problem::not_found(format!("no decision {id} in the audit store")))?;
        exportctl_audit::DecisionRecord::decode(&bytes)
            .map_err(|_| Problem::not_found(format!("{id} is not a decision")))
    })
    .await?;
    let finding = decision.verdict["findings"]
        .get(request.finding)
        .ok_or_else(|| {
            Problem::invalid_field(
                "finding",
                format!("decision {id} has no finding {}", request.finding),
            )
        })?;
    let subject = finding.get("subject").filter(|s| s.is_object()).ok_or_else(|| {
        Problem::invalid_field(
            "finding",
            "this finding names no list entry (its policy gives no subject: contract 1.2), so it cannot be exempted; only a screening match can".to_owned(),
        )
    })?;
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let RecordedInput::Full { shipment, .. } = &decision.input else {
        return Err(Problem::hold_refused(format!(
            "decision {id} keeps only the shipment's digest, so the party's name and country are unknown here"
        )));
    };
    let path = text(subject, "party");
    let (name, country, erp) = party_at(shipment, &path).ok_or_else(|| {
        Problem::internal(format!(
            "decision {id}: no party at `{path}` in the recorded shipment"
        ))
    })?;
    let erp_id = match request.by_erp_id {
        Some(false) => None,
        Some(true) if erp.is_none() => {
            return Err(Problem::invalid_field(
                "by_erp_id",
                format!("the party at `{path}` carries no ERP id (`ids.erp`)"),
            ));
        }
        _ => erp,
    };
    let grant = ExemptionGrant {
        decision: id,
        policy: text(finding, "policy"),
        rule: text(finding, "rule"),
        party: exportctl_audit::ExemptedParty {
            erp_id,
            name,
            country,
        },
        list: text(subject, "list"),
        edition: text(subject, "edition"),
        entry: text(subject, "entry"),
        fingerprint: text(subject, "fingerprint"),
        valid_until: until.to_string(),
    };
    let reason = request.reason.trim().to_owned();
    let record_ = ExemptionRecord {
        kind: RecordKind::Exemption,
        exemption_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        officer: officer.to_owned(),
        request_id: None,
        action: "grant".into(),
        input: ExemptionRecord::input_of("grant", Some(&grant), None, &reason)
            .map_err(|e| Problem::internal(e.to_string()))?,
        grant: Some(grant),
        expires: None,
        reason,
    };
    let leaf = record(state, record_.clone()).await?;
    Ok((record_, leaf))
}

/// Ends exemption `id` now.
pub(super) async fn expire(
    state: &Arc<AppState>,
    officer: &str,
    id: &str,
    reason: &str,
) -> Result<(ExemptionRecord, u64), Problem> {
    if reason.trim().is_empty() {
        return Err(Problem::invalid_field(
            "reason",
            "ending an exemption needs a reason".to_owned(),
        ));
    }
    let target: DecisionId = id
        .parse()
        .map_err(|e| Problem::bad_parameter("id", format!("`{id}` is not an exemption id: {e}")))?;
    let records = read_store(state, |store| {
        read_records(store).map_err(Problem::internal)
    })
    .await?;
    if !exportctl_audit::exemption::in_force(&records)
        .iter()
        .any(|r| r.exemption_id == target)
    {
        return Err(Problem::not_found(format!("no exemption {id} in force")));
    }
    let reason = reason.trim().to_owned();
    let record_ = ExemptionRecord {
        kind: RecordKind::Exemption,
        exemption_id: DecisionId::new(),
        time: exportctl_audit::record::now(),
        officer: officer.to_owned(),
        request_id: None,
        action: "expire".into(),
        input: ExemptionRecord::input_of("expire", None, Some(&target), &reason)
            .map_err(|e| Problem::internal(e.to_string()))?,
        grant: None,
        expires: Some(target),
        reason,
    };
    let leaf = record(state, record_.clone()).await?;
    Ok((record_, leaf))
}

/// Every grant with its status now: `in_force`, `expired` (its time passed) or
/// `ended` (an officer ended it), newest first.
pub(super) async fn listing(state: &Arc<AppState>) -> Result<Vec<Value>, Problem> {
    let records = read_store(state, |store| {
        read_records(store).map_err(Problem::internal)
    })
    .await?;
    let ended: std::collections::HashMap<DecisionId, &ExemptionRecord> = records
        .iter()
        .filter_map(|r| r.expires.map(|t| (t, r)))
        .collect();
    let now = jiff::Timestamp::now();
    let mut out: Vec<Value> = records
        .iter()
        .filter_map(|r| r.grant.as_ref().map(|g| (r, g)))
        .map(|(r, g)| {
            let status = match ended.get(&r.exemption_id) {
                Some(_) => "ended",
                None if g
                    .valid_until
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|t| t <= now) =>
                {
                    "expired"
                }
                None => "in_force",
            };
            json!({
                "exemption_id": r.exemption_id.to_string(),
                "status": status,
                "granted_by": r.officer,
                "granted_at": r.time,
                "reason": r.reason,
                "ended_by": ended.get(&r.exemption_id).map(|e| &e.officer),
                "grant": g,
            })
        })
        .collect();
    out.reverse();
    Ok(out)
}

/// Every exemption, newest first, with its status.
#[utoipa::path(
    get,
    path = "/v1/exemptions",
    tag = "holds",
    responses(
        (status = 200, description = "`{\"exemptions\": [...]}`", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer", "auditor"]))
)]
pub async fn list(State(state): State<Arc<AppState>>) -> Response {
    match listing(&state).await {
        Ok(list) => Json(json!({ "exemptions": list })).into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// Marks one finding of a recorded decision as a false positive.
///
/// The finding must name a list entry (`subject`, contract 1.2). The exemption
/// is for that party (name and country, and its ERP id when it carries one)
/// and that entry as listed (its fingerprint), until `valid_until` (at most
/// `[holds] max_exemption_days` away). Later checks show the finding under
/// `exempted` instead of counting it.
#[utoipa::path(
    post,
    path = "/v1/exemptions",
    tag = "holds",
    request_body = GrantRequest,
    responses(
        (status = 201, description = "Recorded: `{\"exemption\", \"leaf_index\"}`", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the officer role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad field, named (no reason, expiry past or beyond the cap, a finding without subject)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer"]))
)]
pub async fn grant_handler(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    body: Result<Json<GrantRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let answer = async {
        let Json(request) = body.map_err(|e| Problem::invalid_field("", e.body_text()))?;
        grant(&state, &client.name, request).await
    };
    match answer.await {
        Ok((record, leaf)) => (
            StatusCode::CREATED,
            Json(json!({"exemption": record, "leaf_index": leaf})),
        )
            .into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// Ends an exemption before its time.
#[utoipa::path(
    post,
    path = "/v1/exemptions/{id}/expire",
    tag = "holds",
    params(("id" = String, Path, description = "The exemption's id")),
    request_body = ExpireRequest,
    responses(
        (status = 201, description = "Recorded", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the officer role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such exemption in force", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["officer"]))
)]
pub async fn expire_handler(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<Client>,
    Path(id): Path<String>,
    body: Result<Json<ExpireRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let answer = async {
        let Json(request) = body.map_err(|e| Problem::invalid_field("", e.body_text()))?;
        expire(&state, &client.name, &id, &request.reason).await
    };
    match answer.await {
        Ok((record, leaf)) => (
            StatusCode::CREATED,
            Json(json!({"exemption": record, "leaf_index": leaf})),
        )
            .into_response(),
        Err(problem) => problem.into_response(),
    }
}
