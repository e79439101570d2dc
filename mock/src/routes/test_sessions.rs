//! The test-session operations; the completion long poll is shared with
//! check sessions (see [`super::completion`]).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use uuid::Uuid;

use super::{Probe, Session, json, not_found, session_id};
use crate::error::ApiError;
use crate::listing::ListQuery;
use crate::matching;
use crate::query::QueryParams;
use crate::session::{TestSessionRecord, TestStatus};
use crate::state::{AppState, Store, lock};
use crate::timeline::Chain;
use crate::validation;

impl Session for TestSessionRecord {
    const NAME: &'static str = "Test session";
    const ID_PARAM: &'static str = "testSessionId";

    fn find(store: &Store, id: Uuid) -> Option<&Self> {
        store.test_session(id)
    }

    fn probe(&self, now: Instant, state: &AppState) -> Probe {
        let t = self.sim_now(now, state.speed);
        if self.status(t) == TestStatus::Running {
            // Preloaded history has no planned end (it is never running,
            // but a poll on one would then just wait for its deadline).
            Probe::Running(self.ends_at(state.speed))
        } else {
            Probe::Done(json(StatusCode::OK, &self.render(t)))
        }
    }
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
    query: QueryParams,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(&query)?;
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
    let id = session_id::<TestSessionRecord>(path)?;
    let store = lock(&state.store);
    let session = store
        .test_session(id)
        .ok_or_else(|| not_found::<TestSessionRecord>(id))?;
    let body = session.render(session.sim_now(Instant::now(), state.speed));
    Ok(json(StatusCode::OK, &body))
}

/// `POST /v1/test-sessions/{testSessionId}/cancel`.
pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = session_id::<TestSessionRecord>(path)?;
    let req = validation::cancel(&body)?;
    {
        let mut store = lock(&state.store);
        let session = store
            .test_session_mut(id)
            .ok_or_else(|| not_found::<TestSessionRecord>(id))?;
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
