//! `GET /next/accounts/{accountId}`: just enough of the account for the
//! official CLI to run against the mock. It answers the configured account
//! whatever id the path names (authentication already checked the header).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::json;
use crate::state::AppState;

/// `GET /next/accounts/{accountId}`.
pub(super) async fn get_one(State(state): State<Arc<AppState>>) -> Response {
    json(
        StatusCode::OK,
        &json!({"id": state.account_id, "name": "Mock account"}),
    )
}
