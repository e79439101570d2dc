//! Request handling shared by every route: the request log and fault
//! injection (in front of everything but `/__mock`), and authentication (on
//! the API routes).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::ApiError;
use crate::faults::{self, FaultKind};
use crate::state::{AppState, ReceivedRequest, lock, stopped};

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 2 * 1024 * 1024;

/// The largest response body `unknown-enum` and the other rewriting faults change.
const MAX_REWRITE: usize = 16 * 1024 * 1024;

/// The largest request body the request log stores whole.
const MAX_LOGGED_BODY: usize = 64 * 1024;

/// A request body as the request log stores it (see [`ReceivedRequest::body`]).
fn body_value(bytes: &[u8]) -> serde_json::Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    if bytes.len() > MAX_LOGGED_BODY {
        // Cut before a UTF-8 continuation byte, so no character is split.
        let mut end = MAX_LOGGED_BODY;
        while end > 0 && bytes[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        let head = String::from_utf8_lossy(&bytes[..end]);
        return serde_json::json!({"truncated": true, "bytes": bytes.len(), "head": head});
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// Logs the request and applies the first matching fault rule.
pub(crate) async fn front(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/__mock" || path.starts_with("/__mock/") {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_owned();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body must be at most {MAX_BODY} bytes"),
        )
        .into_response();
    };
    state.record(ReceivedRequest {
        method: method.clone(),
        path: path.clone(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        body: body_value(&bytes),
    });
    let req = Request::from_parts(parts, Body::from(bytes));
    let fault = lock(&state.faults).take(&method, &path);
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault {
        FaultKind::Status {
            status,
            retry_after,
        } => faults::status_response(status, retry_after.as_deref()),
        FaultKind::Delay { millis } => {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(millis)) => next.run(req).await,
                () = stopped(state.shutdown.clone()) => ApiError::shutting_down().into_response(),
            }
        }
        FaultKind::Drop => faults::drop_response(),
        FaultKind::Truncated => faults::truncated_response(faults::success_status(&method, &path)),
        FaultKind::NotJson => faults::not_json_response(faults::success_status(&method, &path)),
        FaultKind::UnknownEnum => rewrite_json(next.run(req).await, faults::add_unknowns).await,
        FaultKind::HtmlError { status } => faults::html_error_response(status),
        FaultKind::ExtraField => rewrite_json(next.run(req).await, faults::add_fields).await,
        FaultKind::MissingField { field } => {
            rewrite_json(next.run(req).await, |v| faults::remove_field(v, &field)).await
        }
        FaultKind::WrongContentType => {
            let mut response = next.run(req).await;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        FaultKind::RateLimitReset { seconds } => faults::rate_limit_reset_response(seconds),
        FaultKind::Redirect { location } => faults::redirect_response(&location),
    }
}

/// Rewrites a JSON answer with `edit` (for the faults that alter a normal
/// answer); other answers pass as they are.
async fn rewrite_json(response: Response, edit: impl FnOnce(&mut serde_json::Value)) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REWRITE).await else {
        return ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "answer too large to rewrite",
        )
        .into_response();
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    edit(&mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(Bytes::from(value.to_string())))
}

/// Requires `Authorization: Bearer <api key>` (else 401) and
/// `X-Checkly-Account: <account id>` (else 403).
pub(crate) async fn auth(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let v = v.trim();
            v.get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .and_then(|_| v.get(7..))
                .map(str::trim)
        });
    match key {
        None => {
            return ApiError::unauthorized("Missing Authorization header with a Bearer API key")
                .into_response();
        }
        Some(k) if k != state.api_key => {
            return ApiError::unauthorized("Invalid API key").into_response();
        }
        Some(_) => {}
    }
    let account = headers
        .get("x-checkly-account")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match account {
        None => ApiError::forbidden("Missing X-Checkly-Account header").into_response(),
        Some(a) if !a.eq_ignore_ascii_case(&state.account_id) => {
            ApiError::forbidden("The API key has no access to this account").into_response()
        }
        Some(_) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn logged_bodies_stay_small_and_valid_json() {
        assert_eq!(body_value(b" \n"), Value::Null);
        assert_eq!(body_value(br#"{"a":1}"#), json!({"a": 1}));
        assert_eq!(body_value(b"plain"), json!("plain"));
        // Exactly the limit is kept whole.
        let exact = format!("\"{}\"", "y".repeat(MAX_LOGGED_BODY - 2));
        assert_eq!(
            body_value(exact.as_bytes()),
            json!("y".repeat(MAX_LOGGED_BODY - 2))
        );
        // One byte more is cut, here inside a two-byte 'é'.
        let mut big = vec![b'x'; MAX_LOGGED_BODY - 1];
        big.extend("é and more".as_bytes());
        let v = body_value(&big);
        assert_eq!(v["truncated"], true);
        assert_eq!(v["bytes"], big.len());
        let head = v["head"].as_str().expect("head");
        assert_eq!(head, "x".repeat(MAX_LOGGED_BODY - 1));
        assert!(serde_json::to_string(&v).expect("JSON").len() < MAX_LOGGED_BODY + 100);
    }
}
