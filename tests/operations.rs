//! Every operation sends exactly the method, path, headers, query and body
//! the spec describes, and decodes the answer.
#![allow(clippy::unwrap_used)]

mod common;

use checkly::types::{
    EnvironmentVariable, TestSessionMetadata, TestSessionProvider, TestSessionStatus,
    TriggerCheckSessionsRequest, TriggerCheckSessionsRequestTarget, TriggerTestSessionRequest,
    TriggerTestSessionRequestTarget,
};
use common::*;
use serde_json::json;
use uuid::Uuid;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn id(s: &str) -> Uuid {
    s.parse().unwrap()
}

/// The requests the server saw, after the test.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn assert_auth(request: &Request) {
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        &format!("Bearer {API_KEY}")
    );
    assert_eq!(
        request.headers.get("x-checkly-account").unwrap(),
        ACCOUNT_ID
    );
    assert!(
        request.headers.get("api-version").is_none(),
        "progenitor's api-version header is removed"
    );
}

#[tokio::test]
async fn trigger_test_session_sends_the_body() {
    let server = MockServer::start().await;
    let expected = json!({
        "name": "Deploy 42",
        "runLocation": "eu-central-1",
        "target": {"matchTags": [["production", "!skip"], ["api"]], "checkId": [CHECK_ID], "allowDeactivated": false},
        "environmentVariables": [
            {"key": "ENVIRONMENT_URL", "value": "https://preview.example.com", "locked": false},
            {"key": "TOKEN", "value": "s3cr3t", "locked": true, "secret": true}
        ],
        "refreshCache": true,
        "metadata": {"environment": "preview", "branchName": "main", "commitId": "abc123"}
    });
    Mock::given(method("POST"))
        .and(path("/v1/test-sessions/trigger"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(201).set_body_json(session("RUNNING")))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = TriggerTestSessionRequest::new("Deploy 42", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![
            vec!["production".into(), "!skip".into()],
            vec!["api".into()],
        ],
        check_id: vec![id(CHECK_ID)],
        allow_deactivated: false,
    });
    request.environment_variables = vec![
        EnvironmentVariable::plain("ENVIRONMENT_URL", "https://preview.example.com"),
        EnvironmentVariable::secret("TOKEN", "s3cr3t").locked(true),
    ];
    request.refresh_cache = true;
    request.metadata = Some(TestSessionMetadata {
        environment: Some("preview".into()),
        branch_name: Some("main".into()),
        commit_id: Some("abc123".into()),
        ..Default::default()
    });
    let session = client(&server)
        .trigger_test_session(&request)
        .await
        .unwrap();
    assert_eq!(session.test_session_id, id(SESSION_ID));
    assert_eq!(session.status, TestSessionStatus::Running);
    assert_auth(&only_request(&server).await);
}

#[tokio::test]
async fn get_test_session() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("PASSED")))
        .mount(&server)
        .await;
    let session = client(&server)
        .get_test_session(id(SESSION_ID))
        .await
        .unwrap();
    assert_eq!(session.status, TestSessionStatus::Passed);
    assert_eq!(session.results[0].name.as_deref(), Some("Homepage API"));
    let request = only_request(&server).await;
    assert_auth(&request);
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn list_test_sessions_encodes_every_filter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/test-sessions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"length": 0, "entries": [], "nextId": null})),
        )
        .mount(&server)
        .await;
    let from = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let to = chrono::DateTime::from_timestamp(1_700_086_400, 0).unwrap();
    let page = client(&server)
        .list_test_sessions()
        .from(from)
        .to(to)
        .limit(50)
        .statuses([TestSessionStatus::Failed, TestSessionStatus::Passed])
        .branch("main")
        .branch("release/1.2")
        .user("octocat")
        .provider(TestSessionProvider::Github)
        .provider(TestSessionProvider::Api)
        .no_users(true)
        .text_search("deploy")
        .error_group_id("eg-1")
        .next_id("cursor-1")
        .send()
        .await
        .unwrap();
    assert_eq!(page.length, 0);
    let request = only_request(&server).await;
    assert_auth(&request);
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    pairs.sort();
    let expected: Vec<(String, String)> = [
        ("branches", "main"),
        ("branches", "release/1.2"),
        ("errorGroupId", "eg-1"),
        ("from", "1700000000"),
        ("limit", "50"),
        ("nextId", "cursor-1"),
        ("noUsers", "true"),
        ("providers", "API"),
        ("providers", "GITHUB"),
        ("statuses", "FAILED"),
        ("statuses", "PASSED"),
        ("textSearch", "deploy"),
        ("to", "1700086400"),
        ("users", "octocat"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(pairs, expected);
    // Arrays are repeated keys, in the order given.
    let raw = request.url.query().unwrap();
    assert!(raw.contains("statuses=FAILED&statuses=PASSED"), "{raw}");
}

#[tokio::test]
async fn completion_sends_max_wait_seconds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}/completion")))
        .and(query_param("maxWaitSeconds", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("FAILED")))
        .expect(1)
        .mount(&server)
        .await;
    let done = client(&server)
        .await_test_session_completion(id(SESSION_ID), Some(20))
        .await
        .unwrap();
    assert_eq!(done.status, TestSessionStatus::Failed);
    assert_auth(&only_request(&server).await);
}

#[tokio::test]
async fn cancel_sends_sequence_ids_or_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}/cancel")))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .cancel_test_session(id(SESSION_ID), None)
        .await
        .unwrap();
    client
        .cancel_test_session(id(SESSION_ID), Some(vec![id(RESULT_ID)]))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_auth(&requests[0]);
    assert_eq!(
        requests[0].body_json::<serde_json::Value>().unwrap(),
        json!({})
    );
    assert_eq!(
        requests[1].body_json::<serde_json::Value>().unwrap(),
        json!({"sequenceId": [RESULT_ID]})
    );
}

#[tokio::test]
async fn trigger_check_sessions() {
    let server = MockServer::start().await;
    let expected = json!({"target": {"matchTags": [["production", "!skip-e2e"]], "checkId": [CHECK_ID]}, "refreshCache": false});
    Mock::given(method("POST"))
        .and(path("/v1/check-sessions/trigger"))
        .and(body_json(&expected))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"sessions": [check_session("STARTED")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let request = TriggerCheckSessionsRequest {
        target: Some(TriggerCheckSessionsRequestTarget {
            match_tags: vec![vec!["production".into(), "!skip-e2e".into()]],
            check_id: vec![id(CHECK_ID)],
        }),
        refresh_cache: false,
    };
    let answer = client(&server)
        .trigger_check_sessions(&request)
        .await
        .unwrap();
    assert_eq!(answer.sessions.len(), 1);
    assert_eq!(
        answer.sessions[0].run_locations,
        ["us-east-1", "eu-central-1"]
    );
    assert_auth(&only_request(&server).await);
}

#[tokio::test]
async fn get_and_await_check_session() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/check-sessions/{CHECK_SESSION_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(check_session("PROGRESS")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/check-sessions/{CHECK_SESSION_ID}/completion"
        )))
        .and(query_param("maxWaitSeconds", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(check_session("PASSED")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let now = client
        .get_check_session(id(CHECK_SESSION_ID))
        .await
        .unwrap();
    assert_eq!(now.status, checkly::types::CheckSessionStatus::Progress);
    assert_eq!(now.results.len(), 1);
    let done = client
        .await_check_session_completion(id(CHECK_SESSION_ID), Some(5))
        .await
        .unwrap();
    assert_eq!(done.status, checkly::types::CheckSessionStatus::Passed);
    for request in server.received_requests().await.unwrap() {
        assert_auth(&request);
    }
}
