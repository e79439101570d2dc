//! The HTTP routes: the API operations, the asset downloads, the account
//! route the official CLI reads, the `/__mock` admin routes, and JSON
//! 404/405 answers.

mod accounts;
mod admin;
mod check_sessions;
mod error_groups;
mod results;
mod test_sessions;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use uuid::Uuid;

use crate::check_session::CheckSessionRecord;
use crate::error::ApiError;
use crate::middleware;
use crate::query::QueryParams;
use crate::session::TestSessionRecord;
use crate::state::{AppState, Store, lock, stopped};
use crate::validation;

/// The whole application.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/v1/test-sessions/trigger", post(test_sessions::trigger))
        .route("/v1/test-sessions", get(test_sessions::list))
        .route("/v1/test-sessions/{id}", get(test_sessions::get_one))
        .route(
            "/v1/test-sessions/{id}/completion",
            get(completion::<TestSessionRecord>),
        )
        .route("/v1/test-sessions/{id}/cancel", post(test_sessions::cancel))
        .route(
            "/v1/test-sessions/{id}/results/{result}",
            get(results::get_one),
        )
        .route(
            "/v1/test-sessions/{id}/results/{result}/assets",
            get(results::manifest),
        )
        .route("/__assets/{id}/{result}/{name}", get(results::download))
        .route("/v1/test-session-error-groups", get(error_groups::list))
        .route(
            "/v1/test-session-error-groups/{id}",
            get(error_groups::get_one),
        )
        .route(
            "/v1/check-results/{check}/{result}",
            get(results::check_result),
        )
        .route("/v1/check-sessions/trigger", post(check_sessions::trigger))
        .route("/v1/check-sessions/{id}", get(check_sessions::get_one))
        .route(
            "/v1/check-sessions/{id}/completion",
            get(completion::<CheckSessionRecord>),
        )
        .route(
            "/v1/check-sessions/{id}/cancel",
            post(check_sessions::cancel),
        )
        .route(
            "/v2/check-sessions/trigger",
            post(check_sessions::trigger_v2),
        )
        .route("/v2/check-sessions/{id}", get(check_sessions::get_one))
        .route(
            "/v2/check-sessions/{id}/completion",
            get(check_sessions::completion_v2),
        )
        .route("/next/accounts/{id}", get(accounts::get_one))
        .route_layer(from_fn_with_state(state.clone(), middleware::auth));
    Router::new()
        .merge(api)
        .nest("/__mock", admin::router())
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), middleware::front))
        .with_state(state)
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("Route {method}:{} not found", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} is not allowed on {}", uri.path()),
    )
}

/// The decoded query string, as an extractor (never fails).
impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(QueryParams::parse(parts.uri.query().unwrap_or("")))
    }
}

/// A kind of stored session, as the routes shared by both kinds see it.
pub(crate) trait Session: Send + Sync + 'static {
    /// Its name in messages, e.g. `"Test session"`.
    const NAME: &'static str;
    /// The name of its id's path parameter, e.g. `"testSessionId"`.
    const ID_PARAM: &'static str;
    /// The stored session with this id.
    fn find(store: &Store, id: Uuid) -> Option<&Self>;
    /// What a completion long poll finds at real time `now`.
    fn probe(&self, now: Instant, state: &AppState) -> Probe;
}

/// The session id in the path, or 400 naming the parameter.
fn session_id<S: Session>(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let name = S::ID_PARAM;
    let Path(raw) = path.map_err(|_| validation::bad(format!("{name} must be a UUID")))?;
    validation::path_uuid(&raw, name)
}

/// 404 for a session id nothing is stored under.
fn not_found<S: Session>(id: Uuid) -> ApiError {
    ApiError::not_found(format!("{} {id} not found", S::NAME))
}

/// `GET /v1/test-sessions/{testSessionId}/completion` and
/// `GET /v1/check-sessions/{checkSessionId}/completion`.
async fn completion<S: Session>(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let id = session_id::<S>(path)?;
    let wait = validation::max_wait(&query, false)?;
    long_poll(&state, wait, || {
        let store = lock(&state.store);
        let session = S::find(&store, id).ok_or_else(|| not_found::<S>(id))?;
        Ok(session.probe(Instant::now(), &state))
    })
    .await
}

/// What a long poll finds when it looks at a session.
pub(crate) enum Probe {
    /// Finished: answer this.
    Done(Response),
    /// Still running; it will end at this real instant unless it changes
    /// (`None`: no planned end, so only a change or the deadline wakes the
    /// poll).
    Running(Option<Instant>),
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
            Probe::Running(ends_at) => ends_at.map(tokio::time::Instant::from_std),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::request_timeout(
                "The session is still running; ask again",
            ));
        }
        let wake = ends_at.map_or(deadline, |end| end.min(deadline));
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::sync::watch;

    use super::*;
    use crate::catalog::Catalog;

    fn state() -> (AppState, watch::Sender<bool>) {
        let (stop, shutdown) = watch::channel(false);
        let (changes, _) = watch::channel(0);
        let state = AppState {
            api_key: String::new(),
            account_id: String::new(),
            speed: 1.0,
            catalog: Catalog::default(),
            started: chrono::Utc::now(),
            store: Mutex::default(),
            faults: Mutex::default(),
            received: Mutex::default(),
            changes,
            shutdown,
        };
        (state, stop)
    }

    #[tokio::test]
    async fn without_a_planned_end_the_poll_sleeps_until_its_deadline() {
        let (state, _stop) = state();
        let mut probes = 0;
        let started = Instant::now();
        let answer = long_poll(&state, Duration::from_millis(300), || {
            probes += 1;
            Ok(Probe::Running(None))
        })
        .await;
        assert_eq!(answer.expect_err("408").status_code, 408);
        assert!(started.elapsed() >= Duration::from_millis(300));
        // Once before sleeping, once at the deadline; a spinning poll would
        // have probed thousands of times.
        assert!(probes <= 3, "{probes} probes");
    }

    #[tokio::test]
    async fn without_a_planned_end_a_change_still_wakes_the_poll() {
        let (state, _stop) = state();
        let state = Arc::new(state);
        let mut probes = 0;
        let notifier = {
            let state = state.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                state.notify_change();
            })
        };
        let answer = long_poll(&state, Duration::from_secs(30), || {
            probes += 1;
            Ok(if probes == 1 {
                Probe::Running(None)
            } else {
                Probe::Done(StatusCode::OK.into_response())
            })
        })
        .await;
        assert_eq!(
            answer.expect("woken by the change").status(),
            StatusCode::OK
        );
        assert_eq!(probes, 2);
        notifier.await.expect("notifier");
    }
}
