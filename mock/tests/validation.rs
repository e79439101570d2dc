//! Requests that break the spec: 400 naming the field, nothing stored.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn base() -> Value {
    json!({"name": "n", "runLocation": "eu-central-1"})
}

fn with(key: &str, value: Value) -> Value {
    let mut body = base();
    body[key] = value;
    body
}

#[tokio::test]
async fn trigger_bodies_that_break_the_spec() {
    let api = Api::fast().await;
    let vars: Vec<Value> = (0..51)
        .map(|i| json!({"key": format!("K{i}"), "value": "v"}))
        .collect();
    let cases = vec![
        (json!({"runLocation": "x"}), "name is required"),
        (with("name", json!("")), "name must not be empty"),
        (with("name", json!(5)), "name must be a string"),
        (
            with("runLocation", json!("")),
            "runLocation must not be empty",
        ),
        (
            with("environmentVariables", json!(vars)),
            "environmentVariables must contain at most 50 items",
        ),
        (
            with("environmentVariables", json!([{"key": "", "value": "v"}])),
            "environmentVariables[0].key must not be empty",
        ),
        (
            with(
                "environmentVariables",
                json!([{"key": "A", "value": "a"}, {"key": "B", "value": ""}]),
            ),
            "environmentVariables[1].value must not be empty",
        ),
        (
            with("environmentVariables", json!([{"key": "A"}])),
            "environmentVariables[0].value is required",
        ),
        (
            with("retryStrategy", json!({"type": "FIXED", "maxRetries": 11})),
            "retryStrategy.maxRetries must be <= 10",
        ),
        (
            with("retryStrategy", json!({"type": "LINEAR", "maxRetries": 0})),
            "retryStrategy.maxRetries must be >= 1",
        ),
        (
            with(
                "retryStrategy",
                json!({"type": "EXPONENTIAL", "maxDurationSeconds": 601}),
            ),
            "retryStrategy.maxDurationSeconds must be <= 600",
        ),
        (
            with("retryStrategy", json!({"type": "SOMETIMES"})),
            "retryStrategy.type must be one of FIXED, LINEAR, EXPONENTIAL, SINGLE_RETRY",
        ),
        (
            with("retryStrategy", json!({"maxRetries": 2})),
            "retryStrategy.type is required",
        ),
        (
            with("metadata", json!({"environment": ""})),
            "metadata.environment must not be empty",
        ),
        (
            with("metadata", json!({"branchName": 3})),
            "metadata.branchName must be a string or null",
        ),
        (
            with("target", json!({"checkId": ["abc"]})),
            "target.checkId[0] must be a UUID",
        ),
        (
            with("target", json!({"matchTags": [[""]]})),
            "target.matchTags[0][0] must not be empty",
        ),
        (
            with("target", json!({"matchTags": ["production"]})),
            "target.matchTags[0] must be an array",
        ),
        (
            with("refreshCache", json!("yes")),
            "refreshCache must be a boolean",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = api.post("/v1/test-sessions/trigger", body.clone()).await;
        assert_api_error(status, &answer, StatusCode::BAD_REQUEST);
        assert_eq!(answer["message"], message, "{body}");
        assert_eq!(answer["error"], "Bad Request");
    }
    // Malformed JSON and non-objects.
    for raw in ["{", "[]", "\"x\""] {
        let (status, answer) = api
            .send(
                api.request(Method::POST, "/v1/test-sessions/trigger")
                    .header("content-type", "application/json")
                    .body(raw),
            )
            .await;
        assert_api_error(status, &answer, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        api.session_count().await,
        0,
        "rejected triggers store nothing"
    );

    // Unknown fields are ignored; nullable fields may be null.
    let mut ok = with("someFutureField", json!({"a": 1}));
    ok["retryStrategy"] = Value::Null;
    ok["metadata"] = json!({"branchName": null, "environment": "prod"});
    ok["environmentVariables"] =
        json!([{"key": "S", "value": "", "secret": true}, {"key": "P", "value": null}]);
    api.trigger(ok).await;
    assert_eq!(api.session_count().await, 1);
}

#[tokio::test]
async fn path_and_cancel_errors() {
    let api = Api::fast().await;
    for path in [
        "/v1/test-sessions/not-a-uuid",
        "/v1/test-sessions/123/completion",
        "/v1/test-sessions/dec0de0000004000800000000000000a",
    ] {
        let (status, body) = api.get(path).await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], "testSessionId must be a UUID");
    }
    let s = api.trigger_tags(json!([["slow"]])).await;
    let id = s["testSessionId"].as_str().unwrap();
    let cancel = format!("/v1/test-sessions/{id}/cancel");
    let (status, body) = api.post(&cancel, json!({"sequenceId": []})).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "sequenceId must contain at least 1 item");
    let (status, body) = api.post(&cancel, json!({"sequenceId": ["nope"]})).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "sequenceId[0] must be a UUID");
    let (status, body) = api.post("/v1/test-sessions/nope/cancel", json!({})).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    // None of that cancelled anything.
    let (_, v) = api.get(&format!("/v1/test-sessions/{id}")).await;
    assert_eq!(v["status"], "RUNNING");
    api.post(&cancel, json!({})).await;
}

#[tokio::test]
async fn check_session_trigger_errors() {
    let api = Api::fast().await;
    let (status, body) = api
        .post(
            "/v1/check-sessions/trigger",
            json!({"target": {"checkId": ["x"]}}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "target.checkId[0] must be a UUID");
}
