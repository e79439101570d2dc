//! The test-session error groups (see [`crate::error_groups`]).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::json;
use crate::error::ApiError;
use crate::error_groups;
use crate::query::QueryParams;
use crate::state::{AppState, lock};
use crate::validation;
use crate::wire::ErrorGroup;

fn all(state: &AppState) -> Vec<ErrorGroup> {
    let store = lock(&state.store);
    error_groups::collect(
        &store,
        &state.catalog,
        state.started,
        Instant::now(),
        state.speed,
    )
}

/// `GET /v1/test-session-error-groups?limit=&page=`: one page of groups.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let (limit, page) = validation::error_group_page(&query)?;
    let skip = (page - 1).saturating_mul(limit);
    let groups: Vec<ErrorGroup> = all(&state).into_iter().skip(skip).take(limit).collect();
    Ok(json(StatusCode::OK, &groups))
}

/// `GET /v1/test-session-error-groups/{id}`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(raw) = path.map_err(|_| validation::bad("id must be a UUID"))?;
    let id = validation::path_uuid(&raw, "id")?;
    let group = all(&state)
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Error group {id} not found")))?;
    Ok(json(StatusCode::OK, &group))
}
