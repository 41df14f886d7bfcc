//! The hold queue (`GET /ui/holds`), one hold's page (`GET /ui/holds/{id}`)
//! and an officer's action on it (`POST /ui/holds/{id}`): the same queue,
//! detail and action as the API's (`serve::holds`), as HTML forms.

use super::session::SignedIn;
use super::{Console, form_fields, page};
use crate::serve::auth::Role;
use crate::serve::holds::{self as api, ActRequest, LicenceRequest};
use crate::serve::problem::Problem;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use exportctl_audit::AnyRecord;
use exportctl_audit::hold::{Held, Subject};
use maud::{Markup, html};
use std::sync::Arc;

/// The queue, filtered as the form asks, oldest first.
pub async fn queue(console: &Arc<Console>, signed: &SignedIn, query: Option<&str>) -> Response {
    let fields = form_fields(query.unwrap_or_default().as_bytes());
    let filter = match api::parse_filter(query) {
        Ok(filter) => filter,
        Err(problem) => return problem_page(signed, &problem),
    };
    let rows = match api::queue(&console.app, filter).await {
        Ok(rows) => rows,
        Err(problem) => return problem_page(signed, &problem),
    };
    let value = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let body = html! {
        form method="get" action="/ui/holds" aria-label="Filter the holds" {
            label for="outcome" { "Outcome" }
            select id="outcome" name="outcome" {
                option value="" { "any" }
                @for held in [Held::Review, Held::LicenceRequired, Held::Deny] {
                    option value=(held.as_str()) selected[value("outcome") == held.as_str()] { (held.as_str()) }
                }
            }
            label for="state" { "State" }
            select id="state" name="state" {
                @for (v, text) in [("", "waiting (open, approved)"), ("open", "open"), ("approved", "approved"), ("all", "all")] {
                    option value=(v) selected[value("state") == v] { (text) }
                }
            }
            label for="policy" { "Policy" }
            input type="text" id="policy" name="policy" value=(value("policy"));
            label for="destination" { "Destination (alpha-2)" }
            input type="text" id="destination" name="destination" value=(value("destination"));
            label for="older_than_hours" { "Opened at least this many hours ago" }
            input type="text" id="older_than_hours" name="older_than_hours" inputmode="numeric" value=(value("older_than_hours"));
            button type="submit" { "Filter" }
        }
        @if rows.is_empty() {
            p { "No hold matches." }
        } @else {
            table {
                caption { (rows.len()) " holds, oldest first" }
                thead { tr {
                    th scope="col" { "Shipment or party" } th scope="col" { "Outcome" } th scope="col" { "State" }
                    th scope="col" { "Destination" } th scope="col" { "Policies" } th scope="col" { "Opened" }
                } }
                tbody {
                    @for row in &rows {
                        tr {
                            td {
                                a href={ "/ui/holds/" (row.hold_id) } { (row.subject_id) }
                                @if row.subject == Subject::Party { " (party)" }
                            }
                            td { (row.held.as_str()) }
                            td { (row.state.as_str()) }
                            td { (row.destination.as_deref().unwrap_or("-")) }
                            td { (row.policies.join(", ")) }
                            td { (row.opened_time) }
                        }
                    }
                }
            }
        }
    };
    page::page(StatusCode::OK, "Holds", Some(signed), body)
}

/// One hold: the shipment and each finding with its legal basis (or the party
/// and its list matches), the proof status, the history, and the actions this
/// officer may take.
pub async fn show(
    console: &Arc<Console>,
    signed: &SignedIn,
    id: &str,
    notice: Option<&str>,
) -> Response {
    let detail = match api::detail(&console.app, id).await {
        Ok(detail) => detail,
        Err(problem) => return problem_page(signed, &problem),
    };
    let officer = signed.client.has_any(&[Role::Officer]);
    let allowed = if officer {
        detail.row.hold().allowed(&signed.client.name)
    } else {
        vec![]
    };
    let subject_label = match detail.row.subject {
        Subject::Shipment => "Shipment",
        Subject::Party => "Party",
    };
    let (found, as_recorded) = match &detail.opened {
        api::Opened::Decision(decision) => (
            findings(decision, &detail.row.hold_id, officer, signed),
            match &decision.input {
                exportctl_audit::RecordedInput::Full { shipment, .. } => {
                    serde_json::to_string_pretty(shipment).unwrap_or_default()
                }
                exportctl_audit::RecordedInput::Digest { sha256 } => {
                    format!("(only its digest is kept: sha256 {sha256})")
                }
            },
        ),
        api::Opened::Screening(screening) => (
            party_matches(screening),
            match &screening.input {
                exportctl_audit::RecordedParty::Full { party, .. } => {
                    serde_json::to_string_pretty(party).unwrap_or_default()
                }
                exportctl_audit::RecordedParty::Digest { sha256 } => {
                    format!("(only its digest is kept: sha256 {sha256})")
                }
            },
        ),
    };
    let body = html! {
        @if let Some(notice) = notice {
            p class="error" role="alert" { (notice) }
        }
        dl {
            dt { (subject_label) } dd { (detail.row.subject_id) }
            dt { "Held for" } dd { strong id="held" { (detail.row.held.as_str()) } }
            dt { "State" } dd { strong id="state" { (detail.row.state.as_str()) } }
            @if let Some(by) = detail.row.state.approved_by() {
                dt { "Approved by" } dd { (by) }
            }
            dt { (match detail.row.subject { Subject::Shipment => "Decision", Subject::Party => "Screening" }) }
            dd { (detail.row.hold_id) }
            dt { "Inclusion proof" } dd {
                @if detail.sealed {
                    "sealed by a signed checkpoint (the record's inclusion proof is available)"
                } @else {
                    "not yet sealed by a checkpoint"
                }
            }
        }
        (found)
        h2 { "History" }
        ol {
            @for (index, record) in &detail.history {
                li { (history_line(*index, record)) }
            }
        }
        h2 { "Act" }
        @if allowed.is_empty() {
            p { "Nothing you may do to this hold now." }
        } @else {
            form method="post" action={ "/ui/holds/" (detail.row.hold_id) } aria-label="Act on this hold" {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="action" { "Action" }
                select id="action" name="action" {
                    @for a in &allowed { option value=(a) { (a) } }
                }
                label for="reason_code" { "Reason code" }
                select id="reason_code" name="reason_code" {
                    @for code in &console.app.config.reason_codes { option value=(code) { (code) } }
                }
                label for="comment" { "Comment" }
                textarea id="comment" name="comment" rows="3" cols="60" {}
                @if allowed.contains(&"attach_licence") {
                    fieldset {
                        legend { "Licence (attach_licence only)" }
                        label for="licence_id" { "Licence number" }
                        input type="text" id="licence_id" name="licence_id";
                        label for="licence_jurisdiction" { "Jurisdiction (EU, US, UK or alpha-2)" }
                        input type="text" id="licence_jurisdiction" name="licence_jurisdiction";
                        label for="licence_valid_until" { "Valid until (YYYY-MM-DD, optional)" }
                        input type="text" id="licence_valid_until" name="licence_valid_until";
                    }
                }
                button type="submit" { "Record the action" }
            }
        }
        h2 { (subject_label) " as " (match detail.row.subject { Subject::Shipment => "judged", Subject::Party => "screened" }) }
        pre { (as_recorded) }
    };
    page::page(
        StatusCode::OK,
        &format!("Hold on {}", detail.row.subject_id),
        Some(signed),
        body,
    )
}

/// A shipment hold's findings, each with a form to exempt a false positive.
fn findings(
    decision: &exportctl_audit::DecisionRecord,
    hold_id: &str,
    officer: bool,
    signed: &SignedIn,
) -> Markup {
    let verdict = &decision.verdict;
    let findings = verdict["findings"].as_array().cloned().unwrap_or_default();
    html! {
        h2 { "Findings" }
        table {
            thead { tr { th scope="col" { "Policy" } th scope="col" { "Rule" } th scope="col" { "Outcome" } th scope="col" { "Message" } th scope="col" { "Legal basis" } th scope="col" { "False positive" } } }
            tbody {
                @for (i, f) in findings.iter().enumerate() {
                    tr {
                        td { (f["policy"].as_str().unwrap_or("")) }
                        td { (f["rule"].as_str().unwrap_or("")) }
                        td { (f["outcome"].as_str().unwrap_or("")) }
                        td { (f["message"].as_str().unwrap_or("")) }
                        td { (f["legal_basis"].as_str().unwrap_or("")) }
                        td {
                            @if officer && f["subject"].is_object() {
                                form method="post" action="/ui/exemptions" aria-label={ "Exempt finding " (i + 1) } {
                                    input type="hidden" name="csrf" value=(signed.csrf);
                                    input type="hidden" name="decision_id" value=(hold_id);
                                    input type="hidden" name="finding" value=(i);
                                    label for={ "reason-" (i) } { "Why it is a false positive" }
                                    input type="text" id={ "reason-" (i) } name="reason" required;
                                    label for={ "until-" (i) } { "Until (YYYY-MM-DD)" }
                                    input type="text" id={ "until-" (i) } name="valid_until" required;
                                    button type="submit" { "Exempt this match" }
                                }
                            } @else {
                                "-"
                            }
                        }
                    }
                }
            }
        }
        @let exempted = verdict["exempted"].as_array().cloned().unwrap_or_default();
        @if !exempted.is_empty() {
            h2 { "Exempted (shown, not counted)" }
            ul {
                @for e in &exempted {
                    li { (e["rule"].as_str().unwrap_or("")) ": " (e["message"].as_str().unwrap_or("")) " — exemption " (e["exemption"].as_str().unwrap_or("")) }
                }
            }
        }
    }
}

/// A party hold's list matches and failed screenings. Releasing it (two
/// officers) says the match is not this party; it lets no shipment go.
fn party_matches(screening: &exportctl_audit::ScreeningRecord) -> Markup {
    html! {
        p { "A screening of the party master found list matches for this business partner that its screening before did not. Approve and release it (two officers) if the match is not this party; reject it if it is. Shipments to or from it are judged on their own either way." }
        h2 { "Matches" }
        table {
            thead { tr { th scope="col" { "Policy" } th scope="col" { "Mode" } th scope="col" { "Outcome" } th scope="col" { "List" } th scope="col" { "Entry" } th scope="col" { "Listed name" } th scope="col" { "Score" } th scope="col" { "Message" } th scope="col" { "Legal basis" } } }
            tbody {
                @for p in &screening.policies {
                    @for m in p.matches.iter().flatten() {
                        tr {
                            td { (p.id) } td { (p.mode) } td { (m.outcome) }
                            td { (m.list) " (" (m.edition) ")" } td { (m.entry) }
                            td { (m.listed_name) } td { (format!("{:.3}", m.score)) }
                            td { (m.message) } td { (m.legal_basis) }
                        }
                    }
                }
            }
        }
        @let failed: Vec<_> = screening.policies.iter().filter_map(|p| p.error.as_ref().map(|e| (&p.id, e))).collect();
        @if !failed.is_empty() {
            h2 { "Could not screen" }
            ul { @for (policy, error) in &failed { li { (policy) ": " (error) } } }
        }
    }
}

fn history_line(index: u64, record: &AnyRecord) -> Markup {
    match record {
        AnyRecord::HoldAction(a) => html! {
            (a.time) ": " strong { (a.action) } " by " (a.officer) " (" (a.from) " → " (a.to)
            ", reason " (a.reason_code)
            @if !a.comment.is_empty() { ": " (a.comment) }
            ") — leaf " (index)
        },
        AnyRecord::Screening(s) => html! {
            (s.time) ": screening recorded, new matches, hold opened — leaf " (index)
        },
        other => html! {
            (other.time()) ": decision recorded, hold opened — leaf " (index)
        },
    }
}

/// An officer's action from the hold page's form; back to the page with the
/// result (303), or the page again with the refusal.
pub async fn act(console: &Arc<Console>, signed: &SignedIn, id: &str, body: &[u8]) -> Response {
    let fields = match officer_form(signed, body) {
        Ok(fields) => fields,
        Err(refused) => return *refused,
    };
    let field = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let action = field("action").unwrap_or_default();
    let licence = (action == "attach_licence").then(|| LicenceRequest {
        id: field("licence_id").unwrap_or_default(),
        jurisdiction: field("licence_jurisdiction").unwrap_or_default(),
        lines: None,
        valid_until: field("licence_valid_until"),
    });
    let request = ActRequest {
        action,
        reason_code: field("reason_code").unwrap_or_default(),
        comment: fields.get("comment").cloned().unwrap_or_default(),
        licence,
        request_id: None,
    };
    match api::act(&console.app, &signed.client.name, id, request).await {
        Ok(acted) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&format!("/ui/holds/{}", acted.row.hold_id))
            {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(problem) => {
            let mut page = show(console, signed, id, Some(&problem.detail)).await;
            *page.status_mut() =
                StatusCode::from_u16(problem.status).unwrap_or(StatusCode::CONFLICT);
            page
        }
    }
}

fn problem_page(signed: &SignedIn, problem: &Problem) -> Response {
    page::message(
        StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        problem.title,
        Some(signed),
        &problem.detail,
    )
}

/// Grants an exemption from a hold page's finding form; back to the hold page.
pub async fn exempt(console: &Arc<Console>, signed: &SignedIn, body: &[u8]) -> Response {
    let fields = match officer_form(signed, body) {
        Ok(fields) => fields,
        Err(refused) => return *refused,
    };
    let field = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let decision = field("decision_id");
    let request = crate::serve::exemptions::GrantRequest {
        decision_id: decision.clone(),
        finding: field("finding").parse().unwrap_or(usize::MAX),
        reason: field("reason"),
        valid_until: field("valid_until"),
        by_erp_id: None,
    };
    match crate::serve::exemptions::grant(&console.app, &signed.client.name, request).await {
        Ok(_) => redirect(&format!("/ui/holds/{decision}")),
        Err(problem) => {
            let mut page = show(console, signed, &decision, Some(&problem.detail)).await;
            *page.status_mut() =
                StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            page
        }
    }
}

/// The exemptions, newest first, each in force with a form to end it.
pub async fn exemptions(
    console: &Arc<Console>,
    signed: &SignedIn,
    notice: Option<&str>,
) -> Response {
    let list = match crate::serve::exemptions::listing(&console.app).await {
        Ok(list) => list,
        Err(problem) => return problem_page(signed, &problem),
    };
    let officer = signed.client.has_any(&[Role::Officer]);
    let text = |v: &serde_json::Value, path: &str| {
        v.pointer(path)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let body = html! {
        @if let Some(notice) = notice {
            p class="error" role="alert" { (notice) }
        }
        p { "Exempt a match from its finding on a hold's page. An exemption covers one party and one list entry as listed, until its date; it stops covering when it expires, when the entry changes in a new list edition, or when the party's name or country changes." }
        @if list.is_empty() {
            p { "No exemptions." }
        } @else {
            table {
                caption { (list.len()) " exemptions, newest first" }
                thead { tr {
                    th scope="col" { "Status" } th scope="col" { "Party" } th scope="col" { "Policy / rule" }
                    th scope="col" { "List entry" } th scope="col" { "Until" } th scope="col" { "Reason" } th scope="col" { "Granted by" } th scope="col" { "End it" }
                } }
                tbody {
                    @for e in &list {
                        tr {
                            td { (text(e, "/status")) }
                            td { (text(e, "/grant/party/name")) " (" (text(e, "/grant/party/country")) ")" }
                            td { (text(e, "/grant/policy")) " / " (text(e, "/grant/rule")) }
                            td { (text(e, "/grant/entry")) " — " (text(e, "/grant/list")) }
                            td { (text(e, "/grant/valid_until")) }
                            td { (text(e, "/reason")) }
                            td { (text(e, "/granted_by")) }
                            td {
                                @if officer && text(e, "/status") == "in_force" {
                                    @let id = text(e, "/exemption_id");
                                    form method="post" action={ "/ui/exemptions/" (id) "/expire" } aria-label={ "End exemption " (id) } {
                                        input type="hidden" name="csrf" value=(signed.csrf);
                                        label for={ "end-" (id) } { "Why end it" }
                                        input type="text" id={ "end-" (id) } name="reason" required;
                                        button type="submit" { "End now" }
                                    }
                                } @else { "-" }
                            }
                        }
                    }
                }
            }
        }
    };
    page::page(StatusCode::OK, "Exemptions", Some(signed), body)
}

/// Ends an exemption from the exemptions page's form.
pub async fn end_exemption(
    console: &Arc<Console>,
    signed: &SignedIn,
    id: &str,
    body: &[u8],
) -> Response {
    let fields = match officer_form(signed, body) {
        Ok(fields) => fields,
        Err(refused) => return *refused,
    };
    let reason = fields.get("reason").cloned().unwrap_or_default();
    match crate::serve::exemptions::expire(&console.app, &signed.client.name, id, &reason).await {
        Ok(_) => redirect("/ui/exemptions"),
        Err(problem) => {
            let mut page = exemptions(console, signed, Some(&problem.detail)).await;
            *page.status_mut() =
                StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            page
        }
    }
}

/// The fields of a form an officer posted, or the page refusing it: a form
/// without this session's CSRF token, or from a session without the officer
/// role (auditors see holds and exemptions; only officers change them).
fn officer_form(
    signed: &SignedIn,
    body: &[u8],
) -> Result<std::collections::HashMap<String, String>, Box<Response>> {
    let fields = form_fields(body);
    if !signed.csrf_matches(fields.get("csrf").map(String::as_str).unwrap_or_default()) {
        return Err(Box::new(super::csrf_refused(signed)));
    }
    if !signed.client.has_any(&[Role::Officer]) {
        return Err(Box::new(page::message(
            StatusCode::FORBIDDEN,
            "Not an officer",
            Some(signed),
            "Only a token with the officer role may act on holds or exemptions; auditors see them.",
        )));
    }
    Ok(fields)
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
