//! The admin routes under `/__mock` (no authentication; not logged):
//!
//! - `GET /__mock/faults`: the rules in force, each with `remaining` hits
//!   (null: unlimited).
//! - `POST /__mock/faults`: adds a rule, given as `FaultRule` JSON
//!   (`{"method":"GET","pathPrefix":"/v1","times":2,"kind":{"type":"status","status":503}}`)
//!   or as a JSON string in the `--fault` syntax (`"GET:/v1=status:503x2"`);
//!   answers 201 with the rule.
//! - `DELETE /__mock/faults`: removes every rule; 204.
//! - `GET /__mock/requests`: the request log, oldest first (bodies over 64
//!   KiB cut short; see `ReceivedRequest::body`).
//! - `DELETE /__mock/requests`: empties it; 204.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::Value;

use super::json;
use crate::error::ApiError;
use crate::faults::FaultRule;
use crate::state::{AppState, lock};

/// The admin routes, to nest under `/__mock`.
pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(list_requests).delete(clear_requests))
}

async fn list_faults(State(state): State<Arc<AppState>>) -> Response {
    json(StatusCode::OK, &lock(&state.faults).list())
}

async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("body is not valid JSON: {e}")))?;
    let rule: FaultRule = match value {
        Value::String(spec) => spec.parse().map_err(ApiError::bad_request)?,
        other => serde_json::from_value(other)
            .map_err(|e| ApiError::bad_request(format!("body is not a FaultRule: {e}")))?,
    };
    rule.validate().map_err(ApiError::bad_request)?;
    lock(&state.faults).add(rule.clone());
    Ok(json(StatusCode::CREATED, &rule))
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> Response {
    lock(&state.faults).clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_requests(State(state): State<Arc<AppState>>) -> Response {
    let log: Vec<_> = lock(&state.received).iter().cloned().collect();
    json(StatusCode::OK, &log)
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> Response {
    lock(&state.received).clear();
    StatusCode::NO_CONTENT.into_response()
}
