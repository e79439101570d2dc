//! Every operation sends exactly the method, path, headers, query and body
//! the spec describes, and decodes the answer.
#![allow(clippy::unwrap_used)]

mod common;

use checkly::types::{
    AssetType, CheckSessionsV2TriggerRequest, CheckSessionsV2TriggerRequestTarget,
    EnvironmentVariable, TestSessionMetadata, TestSessionProvider, TestSessionStatus,
    TriggerCheckSessionRequestPayload, TriggerCheckSessionTarget, TriggerTestSessionRequest,
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
#[allow(deprecated)] // v1 stays covered
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
    let request = TriggerCheckSessionRequestPayload {
        target: Some(TriggerCheckSessionTarget {
            match_tags: vec![vec!["production".into(), "!skip-e2e".into()]],
            check_id: vec![CHECK_ID.into()],
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
#[allow(deprecated)] // v1 stays covered
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

#[tokio::test]
async fn v2_check_sessions_trigger_get_and_await() {
    let server = MockServer::start().await;
    let expected = json!({"target": {"matchTags": [["production"]], "checkId": [CHECK_ID]}, "refreshCache": true});
    Mock::given(method("POST"))
        .and(path("/v2/check-sessions/trigger"))
        .and(body_json(&expected))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"sessions": [check_session("STARTED")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/check-sessions/{CHECK_SESSION_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(check_session("PROGRESS")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v2/check-sessions/{CHECK_SESSION_ID}/completion"
        )))
        .and(query_param("maxWaitSeconds", "7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(check_session("DEGRADED")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = CheckSessionsV2TriggerRequest {
        target: Some(CheckSessionsV2TriggerRequestTarget {
            match_tags: vec![vec!["production".into()]],
            check_id: vec![id(CHECK_ID)],
        }),
        refresh_cache: true,
    };
    let started = client.trigger_check_sessions_v2(&request).await.unwrap();
    assert_eq!(started.sessions[0].check_session_id, id(CHECK_SESSION_ID));
    assert_eq!(
        started.sessions[0].run_source,
        Some(checkly::types::RunSource::TriggerApi)
    );
    let now = client
        .get_check_session_v2(id(CHECK_SESSION_ID))
        .await
        .unwrap();
    assert_eq!(now.status, checkly::types::CheckSessionStatus::Progress);
    assert!(!now.results[0].is_cancelled);
    let done = client
        .await_check_session_completion_v2(id(CHECK_SESSION_ID), Some(7))
        .await
        .unwrap();
    assert_eq!(done.status, checkly::types::CheckSessionStatus::Degraded);
    let too_long = client
        .await_check_session_completion_v2(id(CHECK_SESSION_ID), Some(31))
        .await
        .unwrap_err();
    assert!(
        too_long
            .to_string()
            .contains("`maxWaitSeconds` must be at most 30"),
        "{too_long}"
    );
    for request in server.received_requests().await.unwrap() {
        assert_auth(&request);
    }
}

#[tokio::test]
async fn cancel_check_session_sends_the_sequence_ids() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/v1/check-sessions/{CHECK_SESSION_ID}/cancel"
        )))
        .and(body_json(json!({"sequenceId": [RESULT_ID]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .cancel_check_session(id(CHECK_SESSION_ID), Some(vec![id(RESULT_ID)]))
        .await
        .unwrap();
    assert_auth(&only_request(&server).await);
    let empty = client(&server)
        .cancel_check_session(id(CHECK_SESSION_ID), Some(vec![]))
        .await
        .unwrap_err();
    assert!(empty.to_string().contains("`sequenceId`"), "{empty}");
}

#[tokio::test]
async fn result_detail_decodes_the_check_kind() {
    let server = MockServer::start().await;
    let mut detail = result("FAILED");
    let extra = json!({
        "id": RESULT_ID, "attempts": 2, "sequenceId": null, "traceId": null,
        "isCancelled": false, "overMaxResponseTime": false,
        "created_at": "2025-08-28T18:23:40.262Z",
        "apiCheckResult": {
            "requestError": "connect ECONNREFUSED 10.0.0.1:443",
            "assertions": [{"source": "STATUS_CODE", "target": "200", "actual": "503"}],
            "request": {"method": "GET"}, "response": {"status": 503},
            "jobLog": [{"msg": "starting"}],
            "somethingNew": true
        },
        "browserCheckResult": null
    });
    for (key, value) in extra.as_object().unwrap() {
        detail[key] = value.clone();
    }
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/test-sessions/{SESSION_ID}/results/{RESULT_ID}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail))
        .expect(1)
        .mount(&server)
        .await;
    let detail = client(&server)
        .get_test_session_result(id(SESSION_ID), id(RESULT_ID))
        .await
        .unwrap();
    let api = detail.api_check_result.unwrap();
    assert_eq!(
        api.request_error.as_deref(),
        Some("connect ECONNREFUSED 10.0.0.1:443")
    );
    assert_eq!(api.assertions.unwrap()[0]["actual"], "503");
    assert_eq!(
        api.extra["somethingNew"], true,
        "open objects keep unknown fields"
    );
    assert!(detail.browser_check_result.is_none());
    assert_eq!(detail.attempts, 2);
    assert_auth(&only_request(&server).await);
}

fn asset(server: &MockServer, name: &str, kind: &str) -> serde_json::Value {
    json!({
        "type": kind, "name": name, "contentType": "image/png",
        "url": format!("{}/assets/{name}", server.uri()),
        "source": {"type": "test-session-result", "testSessionId": SESSION_ID, "resultId": RESULT_ID}
    })
}

#[tokio::test]
async fn list_result_assets_sends_the_filters() {
    let server = MockServer::start().await;
    let manifest =
        json!({"assets": [asset(&server, "shot.png", "screenshot")], "truncated": false});
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/test-sessions/{SESSION_ID}/results/{RESULT_ID}/assets"
        )))
        .and(query_param("name", "*.png"))
        .respond_with(ResponseTemplate::new(200).set_body_json(manifest))
        .expect(1)
        .mount(&server)
        .await;
    let manifest = client(&server)
        .list_result_assets(id(SESSION_ID), id(RESULT_ID))
        .kind(AssetType::Screenshot)
        .kind(AssetType::Trace)
        .name("*.png")
        .send()
        .await
        .unwrap();
    assert_eq!(manifest.assets[0].type_, AssetType::Screenshot);
    let request = only_request(&server).await;
    assert_auth(&request);
    let kinds: Vec<_> = request
        .url
        .query_pairs()
        .filter(|(k, _)| k == "type")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(kinds, ["screenshot", "trace"]);
    let long = client(&server)
        .list_result_assets(id(SESSION_ID), id(RESULT_ID))
        .name("x".repeat(201))
        .send()
        .await
        .unwrap_err();
    assert!(
        long.to_string()
            .contains("`name` must be at most 200 characters"),
        "{long}"
    );
}

#[tokio::test]
async fn download_asset_streams_with_credentials_only_to_the_api_origin() {
    let server = MockServer::start().await;
    let body: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/assets/shot.png"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body.clone()))
        .mount(&server)
        .await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assets/shot.png"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"elsewhere".to_vec()))
        .mount(&other)
        .await;
    let client = client(&server);
    let entry: checkly::types::AssetManifestEntry =
        serde_json::from_value(asset(&server, "shot.png", "screenshot")).unwrap();
    let mut out = Vec::new();
    let written = client.download_asset(&entry, &mut out).await.unwrap();
    assert_eq!(written, body.len() as u64);
    assert_eq!(out, body);
    assert_auth(&only_request(&server).await);

    let foreign: checkly::types::AssetManifestEntry =
        serde_json::from_value(asset(&other, "shot.png", "screenshot")).unwrap();
    let dir = std::env::temp_dir().join(format!("checkly-assets-{}", std::process::id()));
    let file = dir.join("nested/shot.png");
    client
        .download_asset_to_file(&foreign, &file)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), b"elsewhere");
    let seen = only_request(&other).await;
    assert!(
        seen.headers.get("authorization").is_none(),
        "no API key to another host"
    );
    assert!(seen.headers.get("x-checkly-account").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failed_download_is_a_typed_error_and_leaves_no_file() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(api_error(
            404,
            "Not Found",
            "no such asset",
        )))
        .mount(&server)
        .await;
    let entry: checkly::types::AssetManifestEntry =
        serde_json::from_value(asset(&server, "gone.png", "screenshot")).unwrap();
    let file = std::env::temp_dir().join(format!("checkly-gone-{}.png", std::process::id()));
    let error = client(&server)
        .download_asset_to_file(&entry, &file)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.api_error().unwrap().message, "no such asset");
    assert!(!file.exists());
}

fn error_group(n: u32) -> serde_json::Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "errorHash": format!("hash{n}"),
        "cleanedErrorMessage": "Timeout exceeded",
        "rawErrorMessage": "Timeout 30000ms exceeded",
        "firstSeen": "2026-11-01T10:00:00Z",
        "lastSeen": "2026-11-30T10:00:00Z",
        "archivedUntilNextEvent": false,
        "environments": ["production"],
        "pwtMetadata": null,
        "rootCauseAnalyses": []
    })
}

#[tokio::test]
async fn error_groups_get_and_list_every_page() {
    let server = MockServer::start().await;
    for (page, count) in [(1u32, 2u32), (2, 2), (3, 1)] {
        let groups: Vec<_> = (0..count).map(|i| error_group(page * 10 + i)).collect();
        Mock::given(method("GET"))
            .and(path("/v1/test-session-error-groups"))
            .and(query_param("limit", "2"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(groups))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(
            "/v1/test-session-error-groups/00000000-0000-4000-8000-000000000007",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(error_group(7)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    use futures::TryStreamExt;
    let all: Vec<_> = client
        .list_error_groups()
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let hashes: Vec<_> = all.iter().map(|g| g.error_hash.as_str()).collect();
    assert_eq!(hashes, ["hash10", "hash11", "hash20", "hash21", "hash30"]);
    let one = client
        .get_error_group(id("00000000-0000-4000-8000-000000000007"))
        .await
        .unwrap();
    assert_eq!(one.cleaned_error_message, "Timeout exceeded");
    let zero = client
        .list_error_groups()
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert!(
        zero.to_string().contains("`limit` must be at least 1"),
        "{zero}"
    );
}
