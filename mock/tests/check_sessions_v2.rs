//! Check-session cancel (v1) and the v2 check-session routes.
#![allow(clippy::unwrap_used)]

mod common;

use checkly_mock::MockConfig;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

fn target(tag: &str) -> Value {
    json!({"target": {"matchTags": [[tag]]}})
}

/// Starts one check session on `tag` through `version` and returns its id.
async fn start(api: &Api, version: &str, tag: &str) -> (String, Value) {
    let (status, body) = api
        .post(&format!("/{version}/check-sessions/trigger"), target(tag))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["sessions"][0]["checkSessionId"].as_str().unwrap();
    (id.to_owned(), body)
}

#[tokio::test]
async fn v1_cancel_stops_a_running_check_session() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let (id, _) = start(&api, "v1", "slow").await;
    let cancel = format!("/v1/check-sessions/{id}/cancel");

    for (body, message) in [
        (
            json!({"sequenceId": []}),
            "sequenceId must contain at least 1 item",
        ),
        (json!({"sequenceId": ["x"]}), "sequenceId[0] must be a UUID"),
    ] {
        let (status, err) = api.post(&cancel, body).await;
        assert_api_error(status, &err, StatusCode::BAD_REQUEST);
        assert_eq!(err["message"], message);
    }
    let (status, err) = api.post(&cancel, json!({"sequenceId": [UNKNOWN]})).await;
    assert_api_error(status, &err, StatusCode::NOT_FOUND);
    let (status, err) = api
        .post(&format!("/v1/check-sessions/{UNKNOWN}/cancel"), json!({}))
        .await;
    assert_api_error(status, &err, StatusCode::NOT_FOUND);
    let (status, err) = api.send(api.http.post(api.url(&cancel))).await;
    assert_api_error(status, &err, StatusCode::UNAUTHORIZED);
    let (_, running) = api.get(&format!("/v1/check-sessions/{id}")).await;
    assert_eq!(running["status"], "STARTED");

    // No body at all cancels every location.
    let (status, body) = api.send(api.request(Method::POST, &cancel)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, done) = api
        .get(&format!(
            "/v1/check-sessions/{id}/completion?maxWaitSeconds=2"
        ))
        .await;
    assert_eq!(done["status"], "CANCELLED");
    let results = done["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["aborted"] == true), "{done}");
    // Cancelling again changes nothing.
    let (status, _) = api.post(&cancel, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn v1_cancel_by_sequence_id_cancels_one_location() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let (id, _) = start(&api, "v1", "slow").await;
    let (_, v2) = api.get(&format!("/v2/check-sessions/{id}")).await;
    let first = v2["results"][0]["checkResultId"].as_str().unwrap();
    let (status, _) = api
        .post(
            &format!("/v1/check-sessions/{id}/cancel"),
            json!({"sequenceId": [first]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, v2) = api.get(&format!("/v2/check-sessions/{id}")).await;
    let results = v2["results"].as_array().unwrap();
    assert_eq!(results[0]["isCancelled"], true);
    assert_eq!(results[0]["resultType"], "FINAL");
    assert_eq!(results[1]["isCancelled"], false);
    assert_eq!(results[1]["resultType"], Value::Null);
    api.post(&format!("/v1/check-sessions/{id}/cancel"), json!({}))
        .await;
}

#[tokio::test]
async fn v2_trigger_get_and_complete() {
    let api = Api::fast().await;
    let (id, started) = start(&api, "v2", "failing").await;
    let session = &started["sessions"][0];
    assert_eq!(session["runSource"], "TRIGGER_API");
    assert_eq!(session["name"], "Staging search API");
    assert!(session.get("results").is_none(), "{session}");
    assert_eq!(
        session["runLocations"],
        json!(["us-east-1", "eu-central-1"])
    );

    let (status, done) = api
        .get(&format!(
            "/v2/check-sessions/{id}/completion?maxWaitSeconds=5"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "FAILED");
    assert!(done["stoppedAt"].is_string());
    let results = done["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let types: Vec<&str> = results
        .iter()
        .map(|r| r["resultType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ATTEMPT", "FINAL", "ATTEMPT", "FINAL"]);
    for r in results {
        assert_eq!(r["hasFailures"], true);
        assert_eq!(r["isCancelled"], false);
        assert!(
            r["responseTime"].is_u64() && r["startedAt"].is_string() && r["stoppedAt"].is_string()
        );
    }
    let (status, got) = api.get(&format!("/v2/check-sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["results"], done["results"]);
    // The v1 routes see the same session.
    let (status, v1) = api.get(&format!("/v1/check-sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v1["status"], "FAILED");

    // A flaky check passes on its retry.
    let (flaky, _) = start(&api, "v2", "flaky").await;
    let (_, done) = api
        .get(&format!("/v2/check-sessions/{flaky}/completion"))
        .await;
    assert_eq!(done["status"], "PASSED");
}

#[tokio::test]
async fn v2_long_poll_408_and_errors() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let (id, _) = start(&api, "v2", "slow").await;
    let (_, running) = api.get(&format!("/v2/check-sessions/{id}")).await;
    assert_eq!(running["status"], "STARTED");
    assert_eq!(running["stoppedAt"], Value::Null);
    assert!(
        (running["results"].as_array().unwrap())
            .iter()
            .all(|r| r["resultType"].is_null())
    );
    let completion = format!("/v2/check-sessions/{id}/completion");
    let (status, body) = api.get(&format!("{completion}?maxWaitSeconds=1")).await;
    assert_api_error(status, &body, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(body["error"], "Request Time-out");
    for (query, message) in [
        ("maxWaitSeconds=1.5", "maxWaitSeconds must be an integer"),
        ("maxWaitSeconds=31", "maxWaitSeconds must be <= 30"),
        ("maxWaitSeconds=0", "maxWaitSeconds must be >= 1"),
    ] {
        let (status, body) = api.get(&format!("{completion}?{query}")).await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], message);
    }
    // A cancel (v1) ends the v2 long poll.
    api.post(&format!("/v1/check-sessions/{id}/cancel"), json!({}))
        .await;
    let (status, done) = api.get(&completion).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(done["status"], "CANCELLED");

    for path in [
        format!("/v2/check-sessions/{UNKNOWN}"),
        format!("/v2/check-sessions/{UNKNOWN}/completion"),
    ] {
        let (status, body) = api.get(&path).await;
        assert_api_error(status, &body, StatusCode::NOT_FOUND);
    }
    let (status, body) = api.get("/v2/check-sessions/nope").await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "checkSessionId must be a UUID");
    let (status, body) = api.post("/v2/check-sessions/trigger", target("nope")).await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "No matching checks were found");
    let (status, body) = api
        .post(
            "/v2/check-sessions/trigger",
            json!({"target": {"checkId": ["x"]}}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "target.checkId[0] must be a UUID");
    let (status, body) = api
        .send(api.http.post(api.url("/v2/check-sessions/trigger")))
        .await;
    assert_api_error(status, &body, StatusCode::UNAUTHORIZED);
}
