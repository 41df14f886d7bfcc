//! `GET /ui`: the dashboard. The audit report's charts over the service's
//! own store (decisions per day by outcome, held decisions by destination and
//! by HS chapter, findings by policy and rule), each beside its numbers.

use super::page::{message, page};
use super::session::SignedIn;
use axum::http::StatusCode;
use axum::response::Response;
use exportctl_audit::Store;
use exportctl_audit::report::html::write_sections;
use exportctl_audit::report::{TimeRange, aggregate};
use maud::{PreEscaped, html};

/// The dashboard of the store at `store_url` (`None`: no store configured).
pub async fn show(
    signed: &SignedIn,
    store_url: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Response {
    let Some(url) = store_url else {
        return message(
            StatusCode::OK,
            "Dashboard",
            Some(signed),
            "No audit store is configured ([audit] in the service's configuration), so there are no \
             recorded decisions to count.",
        );
    };
    let counted = tokio::task::spawn_blocking(move || {
        let range = TimeRange::parse(from.as_deref(), to.as_deref())
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
        let store = Store::open_existing(&url)
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let report = aggregate(&store, &range)
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let sections = write_sections(&report)
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        Ok::<_, (StatusCode, String)>((report.records, sections))
    })
    .await;
    match counted {
        Ok(Ok((records, sections))) => page(
            StatusCode::OK,
            "Dashboard",
            Some(signed),
            html! {
                p { "Decisions counted: " strong id="records" { (records) } }
                form method="get" action="/ui" {
                    label for="from" { "From (date or RFC 3339 time, UTC)" }
                    input id="from" name="from" type="text";
                    label for="to" { "To (excluded)" }
                    input id="to" name="to" type="text";
                    button type="submit" { "Count" }
                }
                // Drawn by the audit report, which escapes every recorded text.
                (PreEscaped(sections))
            },
        ),
        Ok(Err((status, text))) => message(status, "Dashboard", Some(signed), &text),
        Err(e) => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Dashboard",
            Some(signed),
            &format!("counting failed: {e}"),
        ),
    }
}
