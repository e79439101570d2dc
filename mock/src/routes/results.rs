//! One test-session result in full, its asset manifest, and the asset
//! downloads the manifest points at (`/__assets/…`, behind the same
//! authentication as the API).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::{json, not_found};
use crate::asset_bytes;
use crate::assets::{self, Body as AssetBody};
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::result_detail::{self, Owner, ResultContext};
use crate::session::TestSessionRecord;
use crate::state::{AppState, Store, lock};
use crate::validation;

/// The mock's origin as the client reached it: `http://` and the `Host`.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The session and result ids in the path, or 400 naming the parameter.
fn ids(path: Result<Path<Vec<String>>, PathRejection>) -> Result<Vec<String>, ApiError> {
    path.map(|Path(parts)| parts)
        .map_err(|_| validation::bad("testSessionId must be a UUID"))
}

/// The result `result_id` of session `session_id`, as it stands now.
fn find<'a>(
    store: &'a Store,
    state: &AppState,
    session_id: Uuid,
    result_id: Uuid,
    base_url: String,
) -> Result<ResultContext<'a>, ApiError> {
    let session = store
        .test_session(session_id)
        .ok_or_else(|| not_found::<TestSessionRecord>(session_id))?;
    let t = session.sim_now(Instant::now(), state.speed);
    let (chain, index, view) = session.find_result(t, result_id).ok_or_else(|| {
        ApiError::not_found(format!(
            "Test session result {result_id} not found in test session {session_id}"
        ))
    })?;
    Ok(ResultContext {
        owner: Owner::Test(session),
        chain,
        index,
        view,
        base_url,
    })
}

/// The two ids of a result path, validated.
fn result_ids(parts: &[String]) -> Result<(Uuid, Uuid), ApiError> {
    let (Some(sid), Some(rid)) = (parts.first(), parts.get(1)) else {
        return Err(validation::bad("testSessionResultId must be a UUID"));
    };
    Ok((
        validation::path_uuid(sid, "testSessionId")?,
        validation::path_uuid(rid, "testSessionResultId")?,
    ))
}

/// `GET /v1/test-sessions/{testSessionId}/results/{testSessionResultId}`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<Vec<String>>, PathRejection>,
) -> Result<Response, ApiError> {
    let (sid, rid) = result_ids(&ids(path)?)?;
    let store = lock(&state.store);
    let ctx = find(&store, &state, sid, rid, origin(&headers))?;
    match ctx.owner {
        Owner::Test(session) => Ok(json(StatusCode::OK, &result_detail::render(&ctx, session))),
        Owner::Check(_) => Err(not_found::<TestSessionRecord>(sid)),
    }
}

/// `GET /v1/check-results/{checkId}/{checkResultId}`: a check session's
/// result in full.
pub(super) async fn check_result(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<Vec<String>>, PathRejection>,
) -> Result<Response, ApiError> {
    let parts = path
        .map(|Path(parts)| parts)
        .map_err(|_| validation::bad("checkId must be a UUID"))?;
    let [check, result] = parts.as_slice() else {
        return Err(validation::bad("checkResultId must be a UUID"));
    };
    let check_id = validation::path_uuid(check, "checkId")?;
    let result_id = validation::path_uuid(result, "checkResultId")?;
    let store = lock(&state.store);
    let now = Instant::now();
    let found = store
        .check_sessions
        .values()
        .filter(|s| s.check_id == check_id)
        .find_map(|session| {
            let t = session.sim_now(now, state.speed);
            session.chains.iter().find_map(|chain| {
                chain
                    .results(t)
                    .into_iter()
                    .enumerate()
                    .find(|(_, r)| r.id == result_id)
                    .map(|(index, view)| ResultContext {
                        owner: Owner::Check(session),
                        chain,
                        index,
                        view,
                        base_url: origin(&headers),
                    })
            })
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Check result {result_id} not found for check {check_id}"
            ))
        })?;
    Ok(json(
        StatusCode::OK,
        &result_detail::render_check_result(&found),
    ))
}

/// `GET /v1/test-sessions/{testSessionId}/results/{testSessionResultId}/assets`.
pub(super) async fn manifest(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<Vec<String>>, PathRejection>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let (sid, rid) = result_ids(&ids(path)?)?;
    let query = validation::asset_query(&query)?;
    let store = lock(&state.store);
    let ctx = find(&store, &state, sid, rid, origin(&headers))?;
    let manifest = assets::manifest(&ctx, &query.types, query.name.as_deref());
    Ok(json(StatusCode::OK, &manifest))
}

/// `GET /__assets/{testSessionId}/{testSessionResultId}/{name}`: the
/// asset's bytes with its content type and length; the large one streamed.
pub(super) async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<Vec<String>>, PathRejection>,
) -> Result<Response, ApiError> {
    let parts = ids(path)?;
    let (sid, rid) = result_ids(&parts)?;
    let name = parts.get(2).cloned().unwrap_or_default();
    let (content_type, body) = {
        let store = lock(&state.store);
        let ctx = find(&store, &state, sid, rid, origin(&headers))?;
        let asset = assets::list(&ctx)
            .into_iter()
            .find(|a| a.name == name)
            .ok_or_else(|| {
                ApiError::not_found(format!("Asset {name:?} not found for result {rid}"))
            })?;
        (asset.content_type, assets::body(&ctx, &asset))
    };
    let (length, body) = match body {
        AssetBody::Small(bytes) => (bytes.len(), Body::from(bytes)),
        AssetBody::Large(size) => {
            let chunks = futures::stream::iter(
                (0..)
                    .map_while(move |n| asset_bytes::large_chunk(size, n))
                    .map(Ok::<_, std::io::Error>),
            );
            (size, Body::from_stream(chunks))
        }
    };
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
