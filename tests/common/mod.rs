//! Shared helpers of the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use checkly::{Client, RetryConfig};
use serde_json::{Value, json};
use wiremock::MockServer;

pub const API_KEY: &str = "cu_test_key_1234567890";
pub const ACCOUNT_ID: &str = "11111111-1111-4111-8111-111111111111";
pub const SESSION_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
pub const RESULT_ID: &str = "7a1b6e34-5d11-4d0a-9a8e-0c1f2d3e4f50";
pub const CHECK_ID: &str = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a";
pub const CHECK_SESSION_ID: &str = "8166fa86-c9b4-4162-8541-d380c6c212d8";

/// A client for `server` with quick retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .account_id(ACCOUNT_ID)
        .base_url(server.uri())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

/// A client that never retries.
pub fn client_without_retries(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .account_id(ACCOUNT_ID)
        .base_url(server.uri())
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

pub fn result(status: &str) -> Value {
    json!({
        "testSessionResultId": RESULT_ID,
        "testSessionResultLink": format!("https://app.checklyhq.com/test-sessions/{SESSION_ID}/results/{RESULT_ID}"),
        "checkId": CHECK_ID,
        "checkType": "API",
        "name": "Homepage API",
        "runLocation": "eu-central-1",
        "errorGroupIds": [],
        "resultType": "FINAL",
        "status": status,
        "hasErrors": false,
        "hasFailures": status == "FAILED",
        "isDegraded": false,
        "aborted": false
    })
}

/// A test session body (trigger, retrieve and completion share the shape).
pub fn session(status: &str) -> Value {
    let mut body = json!({
        "testSessionId": SESSION_ID,
        "testSessionLink": format!("https://app.checklyhq.com/test-sessions/{SESSION_ID}"),
        "name": "Deploy 42",
        "status": status,
        "errorGroupIds": [],
        "startedAt": "2026-11-23T10:00:00Z",
        "timeElapsed": 1234,
        "results": [result(if status == "RUNNING" { "RUNNING" } else { status })]
    });
    if status != "RUNNING" {
        body["stoppedAt"] = json!("2026-11-23T10:00:01.234Z");
    }
    body
}

pub fn check_session(status: &str) -> Value {
    json!({
        "checkSessionId": CHECK_SESSION_ID,
        "checkSessionLink": format!("https://app.checklyhq.com/accounts/{ACCOUNT_ID}/checks/{CHECK_ID}/check-sessions/{CHECK_SESSION_ID}"),
        "checkId": CHECK_ID,
        "checkType": "API",
        "name": "Example API Check",
        "status": status,
        "startedAt": "2025-08-28T18:23:40.262Z",
        "stoppedAt": "2025-08-28T18:28:40.993Z",
        "timeElapsed": 300731,
        "runLocations": ["us-east-1", "eu-central-1"],
        "runSource": "TRIGGER_API",
        "results": [{
            "checkResultId": RESULT_ID,
            "checkResultLink": "https://app.checklyhq.com/r",
            "checkId": CHECK_ID,
            "checkType": "API",
            "name": "Example API Check",
            "runLocation": "us-east-1",
            "resultType": "FINAL",
            "hasErrors": false,
            "hasFailures": false,
            "isDegraded": false,
            "isCancelled": false,
            "aborted": false
        }]
    })
}

pub fn api_error(status: u16, error: &str, message: &str) -> Value {
    json!({ "statusCode": status, "error": error, "message": message })
}

/// The bundled mock, started with `config`, and a client for it with quick
/// retries.
pub async fn start_mock(config: checkly_mock::MockConfig) -> (checkly_mock::MockServer, Client) {
    let server = checkly_mock::MockServer::start(config).await.unwrap();
    let client = Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    (server, client)
}
