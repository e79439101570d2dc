//! The three check-session operations.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use chrono::Utc;
use uuid::Uuid;

use super::{Probe, json, long_poll, path_id};
use crate::check_session::CheckSessionRecord;
use crate::error::ApiError;
use crate::matching;
use crate::query::QueryParams;
use crate::state::{AppState, lock};
use crate::validation;
use crate::wire::TriggerCheckSessionsResponse;

const ID: &str = "checkSessionId";

fn not_found(id: Uuid) -> ApiError {
    ApiError::not_found(format!("Check session {id} not found"))
}

/// `POST /v1/check-sessions/trigger`: one check session per matching check.
pub(super) async fn trigger(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req = validation::check_session_trigger(&body)?;
    let checks = matching::select(&state.catalog, req.target.as_ref());
    if checks.is_empty() {
        return Err(ApiError::not_found("No matching checks were found"));
    }
    let (now, wall) = (Instant::now(), Utc::now());
    let mut sessions = Vec::with_capacity(checks.len());
    {
        let mut store = lock(&state.store);
        for check in checks {
            let session = CheckSessionRecord::start(check, wall, now);
            sessions.push(session.render(
                session.sim_now(now, state.speed),
                &state.account_id,
                false,
            ));
            store.check_sessions.insert(session.id, session);
        }
    }
    Ok(json(
        StatusCode::CREATED,
        &TriggerCheckSessionsResponse { sessions },
    ))
}

/// `GET /v1/check-sessions/{checkSessionId}`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = path_id(path, ID)?;
    let store = lock(&state.store);
    let session = store.check_sessions.get(&id).ok_or_else(|| not_found(id))?;
    let t = session.sim_now(Instant::now(), state.speed);
    Ok(json(
        StatusCode::OK,
        &session.render(t, &state.account_id, true),
    ))
}

/// `GET /v1/check-sessions/{checkSessionId}/completion`.
pub(super) async fn completion(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = path_id(path, ID)?;
    let wait = validation::max_wait(&QueryParams::parse(query.as_deref().unwrap_or("")))?;
    long_poll(&state, wait, || {
        let store = lock(&state.store);
        let session = store.check_sessions.get(&id).ok_or_else(|| not_found(id))?;
        let t = session.sim_now(Instant::now(), state.speed);
        if session.is_done(t) {
            Ok(Probe::Done(json(
                StatusCode::OK,
                &session.render(t, &state.account_id, true),
            )))
        } else {
            Ok(Probe::Running(session.ends_at(state.speed)))
        }
    })
    .await
}
