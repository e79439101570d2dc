//! The HTTP routes: the eight API operations, the account route the official
//! CLI reads, the `/__mock` admin routes, and JSON 404/405 answers.

mod accounts;
mod admin;
mod check_sessions;
mod test_sessions;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::middleware;
use crate::state::{AppState, stopped};

/// The whole application.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/v1/test-sessions/trigger", post(test_sessions::trigger))
        .route("/v1/test-sessions", get(test_sessions::list))
        .route("/v1/test-sessions/{id}", get(test_sessions::get_one))
        .route(
            "/v1/test-sessions/{id}/completion",
            get(test_sessions::completion),
        )
        .route("/v1/test-sessions/{id}/cancel", post(test_sessions::cancel))
        .route("/v1/check-sessions/trigger", post(check_sessions::trigger))
        .route("/v1/check-sessions/{id}", get(check_sessions::get_one))
        .route(
            "/v1/check-sessions/{id}/completion",
            get(check_sessions::completion),
        )
        .route("/next/accounts/{id}", get(accounts::get_one))
        .route_layer(from_fn_with_state(state.clone(), middleware::auth));
    Router::new()
        .merge(api)
        .nest("/__mock", admin::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), middleware::front))
        .with_state(state)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("Route {method}:{} not found", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} is not allowed on {}", uri.path()),
    )
}

/// A UUID path parameter named `name` in errors.
fn path_id(path: Result<Path<String>, PathRejection>, name: &str) -> Result<uuid::Uuid, ApiError> {
    let Path(raw) = path.map_err(|_| ApiError::bad_request(format!("{name} must be a UUID")))?;
    crate::validation::path_uuid(&raw, name)
}

/// What a long poll finds when it looks at a session.
pub(crate) enum Probe {
    /// Finished: answer this.
    Done(Response),
    /// Still running; it will end at this real instant unless it changes.
    Running(Instant),
}

/// Answers as soon as `probe` finds the session finished, or 408 after `wait`.
/// Wakes when the session's planned end passes and whenever a session
/// changes (a cancel), so the answer comes promptly.
async fn long_poll<F>(state: &AppState, wait: Duration, mut probe: F) -> Result<Response, ApiError>
where
    F: FnMut() -> Result<Probe, ApiError>,
{
    let deadline = tokio::time::Instant::now() + wait;
    let mut changes = state.changes.subscribe();
    loop {
        changes.borrow_and_update();
        let ends_at = match probe()? {
            Probe::Done(response) => return Ok(response),
            Probe::Running(ends_at) => tokio::time::Instant::from_std(ends_at),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::request_timeout(
                "The session is still running; ask again",
            ));
        }
        let wake = ends_at.min(deadline);
        tokio::select! {
            () = tokio::time::sleep_until(wake) => {}
            _ = changes.changed() => {}
            () = stopped(state.shutdown.clone()) => return Err(ApiError::shutting_down()),
        }
    }
}

/// `(status, json)` as a response.
fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    (status, axum::Json(body)).into_response()
}
