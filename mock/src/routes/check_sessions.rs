//! The check-session operations: v1 (trigger, retrieve, cancel; its
//! completion long poll is shared with test sessions, see
//! [`super::completion`]) and v2 (trigger, retrieve, completion). Both
//! versions see the same stored sessions.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use uuid::Uuid;

use super::{Probe, Session, json, long_poll, not_found, session_id};
use crate::check_session::CheckSessionRecord;
use crate::error::ApiError;
use crate::matching;
use crate::query::QueryParams;
use crate::state::{AppState, Store, lock};
use crate::validation;
use crate::wire::TriggerCheckSessionsResponse;

impl Session for CheckSessionRecord {
    const NAME: &'static str = "Check session";
    const ID_PARAM: &'static str = "checkSessionId";

    fn find(store: &Store, id: Uuid) -> Option<&Self> {
        store.check_sessions.get(&id)
    }

    fn probe(&self, now: Instant, state: &AppState) -> Probe {
        let t = self.sim_now(now, state.speed);
        if self.is_done(t) {
            Probe::Done(json(
                StatusCode::OK,
                &self.render(t, &state.account_id, true),
            ))
        } else {
            Probe::Running(Some(self.ends_at(state.speed)))
        }
    }
}

/// Starts one check session per check `body` targets; 404 when none matches.
fn start_sessions(
    state: &AppState,
    body: &[u8],
    run_source: Option<&'static str>,
) -> Result<Vec<(CheckSessionRecord, u64)>, ApiError> {
    let req = validation::check_session_trigger(body)?;
    let checks = matching::select(&state.catalog, req.target.as_ref());
    if checks.is_empty() {
        return Err(ApiError::not_found("No matching checks were found"));
    }
    let (now, wall) = (Instant::now(), Utc::now());
    let mut started = Vec::with_capacity(checks.len());
    let mut store = lock(&state.store);
    for check in checks {
        let session = CheckSessionRecord::start(check, wall, now, run_source);
        let t = session.sim_now(now, state.speed);
        store.check_sessions.insert(session.id, session.clone());
        started.push((session, t));
    }
    Ok(started)
}

/// `POST /v1/check-sessions/trigger`: one check session per matching check.
pub(super) async fn trigger(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    triggered(&state, &body, None)
}

/// `POST /v2/check-sessions/trigger`: like v1, with `runSource` `TRIGGER_API`.
pub(super) async fn trigger_v2(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    triggered(&state, &body, Some("TRIGGER_API"))
}

/// The trigger's answer: the sessions started, as both versions show them.
fn triggered(
    state: &AppState,
    body: &[u8],
    run_source: Option<&'static str>,
) -> Result<Response, ApiError> {
    let sessions = start_sessions(state, body, run_source)?
        .iter()
        .map(|(s, t)| s.render(*t, &state.account_id, false))
        .collect();
    Ok(json(
        StatusCode::CREATED,
        &TriggerCheckSessionsResponse { sessions },
    ))
}

/// `GET /v1/check-sessions/{checkSessionId}` and `GET /v2/check-sessions/{checkSessionId}`
/// (the same answer).
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = session_id::<CheckSessionRecord>(path)?;
    let store = lock(&state.store);
    let session = store
        .check_sessions
        .get(&id)
        .ok_or_else(|| not_found::<CheckSessionRecord>(id))?;
    let t = session.sim_now(Instant::now(), state.speed);
    Ok(json(
        StatusCode::OK,
        &session.render(t, &state.account_id, true),
    ))
}

/// `GET /v2/check-sessions/{checkSessionId}/completion`: the v1 long poll
/// with the v2 shape and an integer `maxWaitSeconds`.
pub(super) async fn completion_v2(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let id = session_id::<CheckSessionRecord>(path)?;
    let wait = validation::max_wait(&query, true)?;
    long_poll(&state, wait, || {
        let store = lock(&state.store);
        let session = store
            .check_sessions
            .get(&id)
            .ok_or_else(|| not_found::<CheckSessionRecord>(id))?;
        let t = session.sim_now(Instant::now(), state.speed);
        Ok(if session.is_done(t) {
            Probe::Done(json(
                StatusCode::OK,
                &session.render(t, &state.account_id, true),
            ))
        } else {
            Probe::Running(Some(session.ends_at(state.speed)))
        })
    })
    .await
}

/// `POST /v1/check-sessions/{checkSessionId}/cancel`: cancels the
/// locations still running (all, or the listed `sequenceId`s; one not in
/// the session is a 404); 204.
pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = session_id::<CheckSessionRecord>(path)?;
    let req = validation::cancel(&body)?;
    {
        let mut store = lock(&state.store);
        let session = store
            .check_sessions
            .get_mut(&id)
            .ok_or_else(|| not_found::<CheckSessionRecord>(id))?;
        if let Some(ids) = &req.sequence_ids
            && let Some(unknown) = ids.iter().find(|s| !session.has_sequence(**s))
        {
            return Err(ApiError::not_found(format!(
                "sequenceId {unknown} is not a result of check session {id}"
            )));
        }
        let t = session.sim_now(Instant::now(), state.speed);
        session.cancel(t, req.sequence_ids.as_deref());
    }
    state.notify_change();
    Ok(StatusCode::NO_CONTENT.into_response())
}
