//! `GET /v1/policies`: the active policy set — each policy with its version,
//! plugin sha256, signer, mode and instance mode; the set's digest, generation and load time;
//! the generation before it; and the dated list editions the policies declare,
//! with their age today (the reading of sources the verdicts' `data-age`
//! warnings use).

use super::generations::describe;
use super::problem::Problem;
use super::state::AppState;
use axum::Json;
use axum::extract::State;
use exportctl::Mode;
use exportctl_sdk::Date;
use serde_json::{Value, json};
use std::sync::Arc;

/// The active policy set.
///
/// Its policies (id, version, plugin sha256, signer, mode, instance mode, the
/// rules each declares: `null` for a plugin built before contract 1.4.0), digest, generation,
/// when it was loaded, the previous generation, and each policy's list
/// editions with their age.
#[utoipa::path(
    get,
    path = "/v1/policies",
    tag = "policies",
    responses(
        (status = 200, description = "The active set", body = Object),
        (status = 401, description = "No token, or not a valid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the role", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor", "admin"]))
)]
pub async fn policies(State(state): State<Arc<AppState>>) -> Json<Value> {
    let active = state.active();
    let host = &active.host;
    let policies: Vec<Value> = host
        .policies()
        .map(|p| {
            let m = p.plugin.metadata();
            json!({
                "id": m.id,
                "name": m.name,
                "version": m.version.to_string(),
                "sha256": p.plugin.sha256(),
                "signed_by": p.signer.to_string(),
                "mode": match p.mode { Mode::Enforce => "enforce", Mode::Monitor => "monitor" },
                "instance": p.instance.as_str(),
                "valid_from": m.valid_from.to_string(),
                "valid_to": m.valid_to.map(|d| d.to_string()),
                "rules": p.plugin.rules(),
            })
        })
        .collect();
    let now = exportctl_audit::record::now();
    // `now()` is RFC 3339: its first ten characters are today's date (UTC).
    let today = now.get(..10).and_then(Date::parse);
    let editions: Vec<Value> = today
        .map(|today| {
            host.editions(today)
                .into_iter()
                .map(|e| {
                    json!({
                        "policy": e.policy,
                        "source": e.source,
                        "edition": e.edition.to_string(),
                        "age_days": e.age_days,
                        "stale": e.stale,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut body = describe(&active);
    body["policies"] = Value::Array(policies);
    body["warnings"] = json!(host.warnings());
    body["editions"] = Value::Array(editions);
    body["editions_as_of"] = json!(today.map(|d| d.to_string()));
    body["previous"] = state.previous().as_deref().map_or(Value::Null, describe);
    Json(body)
}
