//! Errors as `application/problem+json` (RFC 9457): a type URI, a title, the
//! status, what went wrong, and for invalid input every field path at fault.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:exportctl:problem:<kind>`: what kind of problem, stable for clients.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: &'static str,
    /// The HTTP status, repeated in the body as RFC 9457 asks.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// For invalid input: every problem, each with its field path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds after which a retry may succeed (also sent as `Retry-After`).
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after: Option<u32>,
    /// The `WWW-Authenticate` challenge of a 401 or 403 (RFC 6750).
    #[serde(skip)]
    pub challenge: Option<&'static str>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field path within the request body, e.g. `shipment.lines[0].hs_code`;
    /// empty for a problem with the body as a whole.
    pub path: String,
    /// What is wrong, as `exportctl check` says it.
    pub message: String,
}

impl Problem {
    fn new(status: StatusCode, kind: &str, title: &'static str, detail: String) -> Problem {
        Problem {
            kind: format!("urn:exportctl:problem:{kind}"),
            title,
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
            retry_after: None,
            challenge: None,
        }
    }

    /// 401: no bearer token, or one the service does not know.
    pub fn unauthorized(detail: String) -> Problem {
        Problem {
            challenge: Some("Bearer realm=\"exportctl\""),
            ..Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required",
                detail,
            )
        }
    }

    /// 403: the client's token lacks the role the endpoint needs.
    pub fn forbidden(detail: String) -> Problem {
        Problem {
            challenge: Some("Bearer realm=\"exportctl\", error=\"insufficient_scope\""),
            ..Problem::new(StatusCode::FORBIDDEN, "forbidden", "Role missing", detail)
        }
    }

    /// 422: the request is well-formed HTTP but not a valid check request.
    pub fn invalid_input(detail: String, errors: Vec<FieldError>) -> Problem {
        Problem {
            errors,
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                "Invalid input",
                detail,
            )
        }
    }

    /// 422: one field of the request is wrong; `path` names it (empty: the body).
    pub fn invalid_field(path: &str, message: String) -> Problem {
        let detail = if path.is_empty() {
            message.clone()
        } else {
            format!("{path}: {message}")
        };
        Problem::invalid_input(
            detail,
            vec![FieldError {
                path: path.to_owned(),
                message,
            }],
        )
    }

    /// 409: a request id reused for a different shipment.
    pub fn request_id_conflict(detail: String) -> Problem {
        Problem::new(
            StatusCode::CONFLICT,
            "request-id-conflict",
            "Request id already used for a different shipment",
            detail,
        )
    }

    /// 409: an action on a hold that the hold rules refuse (four eyes, a deny
    /// hold approved, a hold already finished, …); the detail says what to do.
    pub fn hold_refused(detail: String) -> Problem {
        Problem::new(
            StatusCode::CONFLICT,
            "hold-refused",
            "Refused by the hold rules",
            detail,
        )
    }

    /// 422: a policy set that did not load or verify; the running one keeps serving.
    pub fn policy_set_refused(detail: String) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "policy-set-refused",
            "Policy set refused; the running generation keeps serving",
            detail,
        )
    }

    /// 404: no such resource (e.g. an unknown decision id).
    pub fn not_found(detail: String) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 400: a bad query or path parameter, named in `errors`.
    pub fn bad_parameter(name: &str, message: String) -> Problem {
        Problem {
            errors: vec![FieldError {
                path: name.to_owned(),
                message: message.clone(),
            }],
            ..Problem::new(
                StatusCode::BAD_REQUEST,
                "bad-parameter",
                "Bad parameter",
                format!("{name}: {message}"),
            )
        }
    }

    /// 413: the body is larger than the configured limit.
    pub fn too_large(limit: usize) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "Request body too large",
            format!("the request body is larger than the limit of {limit} bytes"),
        )
    }

    /// 413: a batch with more items than the configured limit.
    pub fn too_many_items(found: usize, limit: usize) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-many-items",
            "Too many items in the batch",
            format!(
                "the batch has {found} items, more than the limit of {limit} (`[limits] batch_items`); split it"
            ),
        )
    }

    /// 503: the decision could not be recorded, so no verdict is given.
    pub fn not_recorded(detail: String) -> Problem {
        Problem {
            retry_after: Some(1),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-recorded",
                "Decision not recorded; verdict withheld",
                detail,
            )
        }
    }

    /// 503: too much work in flight; retry later (back-pressure, nothing dropped silently).
    pub fn overloaded(detail: String) -> Problem {
        Problem {
            retry_after: Some(1),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "Service saturated; retry later",
                detail,
            )
        }
    }

    /// 503: the request took longer than the configured timeout.
    pub fn timed_out(detail: String) -> Problem {
        Problem {
            retry_after: Some(1),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "Request timed out",
                detail,
            )
        }
    }

    /// 500: the service itself failed (a bug, never the caller's input).
    pub fn internal(detail: String) -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            detail,
        )
    }

    /// 415/400 and others from the HTTP layer, with their own status.
    pub fn http(status: StatusCode, detail: String) -> Problem {
        Problem::new(
            status,
            "bad-request",
            status.canonical_reason().unwrap_or("Bad request"),
            detail,
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(challenge) = self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}
