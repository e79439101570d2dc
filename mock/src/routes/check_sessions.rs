//! The check-session operations; the completion long poll is shared with
//! test sessions (see [`super::completion`]).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use chrono::Utc;
use uuid::Uuid;

use super::{Probe, Session, json, not_found, session_id};
use crate::check_session::CheckSessionRecord;
use crate::error::ApiError;
use crate::matching;
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
