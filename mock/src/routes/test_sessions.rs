//! The five test-session operations.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use uuid::Uuid;

use super::{Probe, json, long_poll, path_id};
use crate::error::ApiError;
use crate::listing::ListQuery;
use crate::matching;
use crate::query::QueryParams;
use crate::session::{TestSessionRecord, TestStatus};
use crate::state::{AppState, lock};
use crate::timeline::Chain;
use crate::validation;

const ID: &str = "testSessionId";

fn not_found(id: Uuid) -> ApiError {
    ApiError::not_found(format!("Test session {id} not found"))
}

/// `POST /v1/test-sessions/trigger`.
pub(super) async fn trigger(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req = validation::test_session_trigger(&body)?;
    let checks = matching::select(&state.catalog, req.target.as_ref());
    if checks.is_empty() {
        return Err(ApiError::not_found("No matching checks were found"));
    }
    let chains = checks
        .iter()
        .map(|c| {
            Chain::plan(
                c,
                c.behaviour,
                &req.run_location,
                0,
                req.retries,
                Uuid::new_v4,
            )
        })
        .collect();
    let now = Instant::now();
    let session = TestSessionRecord {
        id: Uuid::new_v4(),
        seq: 0,
        name: req.name,
        run_location: req.run_location,
        provider: "API".to_owned(),
        metadata: req.metadata,
        invoker: None,
        created: Utc::now(),
        origin: Some(now),
        chains,
    };
    let body = {
        let mut store = lock(&state.store);
        let stored = store.insert_test_session(session);
        stored.render(stored.sim_now(now, state.speed))
    };
    Ok(json(StatusCode::CREATED, &body))
}

/// `GET /v1/test-sessions`.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(&QueryParams::parse(query.as_deref().unwrap_or("")))?;
    let page = {
        let store = lock(&state.store);
        query.page(
            &store.test_sessions,
            Instant::now(),
            state.speed,
            &state.account_id,
        )
    };
    Ok(json(StatusCode::OK, &page))
}

/// `GET /v1/test-sessions/{testSessionId}`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = path_id(path, ID)?;
    let store = lock(&state.store);
    let session = store.test_session(id).ok_or_else(|| not_found(id))?;
    let body = session.render(session.sim_now(Instant::now(), state.speed));
    Ok(json(StatusCode::OK, &body))
}

/// `GET /v1/test-sessions/{testSessionId}/completion`.
pub(super) async fn completion(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = path_id(path, ID)?;
    let wait = validation::max_wait(&QueryParams::parse(query.as_deref().unwrap_or("")))?;
    long_poll(&state, wait, || {
        let store = lock(&state.store);
        let session = store.test_session(id).ok_or_else(|| not_found(id))?;
        let t = session.sim_now(Instant::now(), state.speed);
        if session.status(t) == TestStatus::Running {
            let ends_at = session.ends_at(state.speed).unwrap_or_else(Instant::now);
            Ok(Probe::Running(ends_at))
        } else {
            Ok(Probe::Done(json(StatusCode::OK, &session.render(t))))
        }
    })
    .await
}

/// `POST /v1/test-sessions/{testSessionId}/cancel`.
pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = path_id(path, ID)?;
    let req = validation::cancel(&body)?;
    {
        let mut store = lock(&state.store);
        let session = store.test_session_mut(id).ok_or_else(|| not_found(id))?;
        if let Some(ids) = &req.sequence_ids
            && let Some(unknown) = ids.iter().find(|s| !session.has_sequence(**s))
        {
            return Err(ApiError::not_found(format!(
                "sequenceId {unknown} is not a result of test session {id}"
            )));
        }
        let t = session.sim_now(Instant::now(), state.speed);
        session.cancel(t, req.sequence_ids.as_deref());
    }
    state.notify_change();
    Ok(StatusCode::NO_CONTENT.into_response())
}
