//! Test sessions, check sessions, tag matching, long polls and auth.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use checkly_mock::{Behaviour, MockConfig};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------- matching

#[tokio::test]
async fn tags_and_within_a_group_or_across_groups() {
    let api = Api::fast().await;
    let s = api.trigger_tags(json!([["production", "browser"]])).await;
    assert_eq!(names(&s), vec!["Login flow", "Storefront end-to-end"]);

    let s = api.trigger_tags(json!([["failing"], ["flaky"]])).await;
    assert_eq!(names(&s), vec!["Payments API", "Staging search API"]);

    let s = api.trigger_tags(json!([["api", "!production"]])).await;
    assert_eq!(names(&s), vec!["Payments API", "Staging search API"]);
}

#[tokio::test]
async fn check_ids_deactivated_and_no_target() {
    let api = Api::fast().await;
    let s = api
        .trigger(json!({"name": "t", "runLocation": "x", "target": {"checkId": [demo_id(2), demo_id(12)]}}))
        .await;
    assert_eq!(names(&s), vec!["Public API health"]);

    let s = api
        .trigger(json!({"name": "t", "runLocation": "x", "target": {"checkId": [demo_id(12)], "allowDeactivated": true}}))
        .await;
    assert_eq!(names(&s), vec!["Legacy ping"]);

    // Tags and ids are a union.
    let s = api
        .trigger(json!({"name": "t", "runLocation": "x", "target": {"checkId": [demo_id(1)], "matchTags": [["failing"]]}}))
        .await;
    assert_eq!(names(&s), vec!["Homepage", "Staging search API"]);

    let s = api.trigger(json!({"name": "t", "runLocation": "x"})).await;
    assert_eq!(s["results"].as_array().unwrap().len(), 11);

    let s = api
        .trigger(json!({"name": "t", "runLocation": "x", "target": {"matchTags": [["production"]], "allowDeactivated": true}}))
        .await;
    assert!(names(&s).contains(&"Legacy ping".to_owned()));
}

#[tokio::test]
async fn no_match_is_404_and_stores_nothing() {
    let api = Api::fast().await;
    let (status, body) = api
        .post(
            "/v1/test-sessions/trigger",
            json!({"name": "t", "runLocation": "x", "target": {"matchTags": [["nope"]]}}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "No matching checks were found");
    assert_eq!(api.session_count().await, 0);
}

// ----------------------------------------------------------- state machine

#[tokio::test]
async fn trigger_answers_running_with_pending_results() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let s = api
        .trigger(json!({"name": "Smoke", "runLocation": "us-east-1", "target": {"matchTags": [["production"]]},
                        "metadata": {"branchName": "main", "environment": "prod"}}))
        .await;
    assert_eq!(s["status"], "RUNNING");
    assert_eq!(s["name"], "Smoke");
    assert!(s["stoppedAt"].is_null());
    assert_eq!(s["metadata"]["branchName"], "main");
    let id = s["testSessionId"].as_str().unwrap();
    assert_eq!(
        s["testSessionLink"],
        format!("https://app.checklyhq.com/test-sessions/{id}")
    );
    let results = s["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        assert_eq!(r["status"], "RUNNING");
        assert_eq!(r["resultType"], "PENDING");
        assert_eq!(r["runLocation"], "us-east-1");
        let rid = r["testSessionResultId"].as_str().unwrap();
        assert_eq!(
            r["testSessionResultLink"],
            format!("https://app.checklyhq.com/test-sessions/{id}/results/{rid}")
        );
        for key in [
            "checkType",
            "errorGroupIds",
            "hasErrors",
            "hasFailures",
            "isDegraded",
            "aborted",
        ] {
            assert!(!r[key].is_null(), "{key} missing in {r}");
        }
    }
    api.request(Method::POST, &format!("/v1/test-sessions/{id}/cancel"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn production_passes_failing_fails() {
    let api = Api::fast().await;
    let s = api.trigger_tags(json!([["production"]])).await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "PASSED", "{done}");
    assert!(done["stoppedAt"].is_string());
    assert!(done["timeElapsed"].as_u64().unwrap() >= 4000);
    // Ids are stable from trigger to end.
    let ids = |v: &Value| {
        let mut ids: Vec<String> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["testSessionResultId"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&s), ids(&done));
    assert!(
        done["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["resultType"] == "FINAL"
                && r["status"] == "PASSED"
                && r["responseTime"].is_number()
                && r["stoppedAt"].is_string())
    );

    let s = api.trigger_tags(json!([["failing"]])).await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "FAILED");
    let r = &done["results"][0];
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["hasFailures"], true);
    assert_eq!(done["errorGroupIds"].as_array().unwrap().len(), 1);
    assert_eq!(done["errorGroupIds"], r["errorGroupIds"]);

    let s = api.trigger_tags(json!([["degraded"]])).await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "PASSED");
    assert_eq!(done["results"][0]["isDegraded"], true);
}

#[tokio::test]
async fn partial_results_while_running() {
    let cat = catalog(vec![
        check(1, "quick", &[], Behaviour::Pass, 0.5),
        check(2, "long", &[], Behaviour::Pass, 120.0),
    ]);
    let api = Api::start(MockConfig::default().with_catalog(cat).with_speed(20.0)).await;
    let s = api.trigger(json!({"name": "t", "runLocation": "x"})).await;
    let id = s["testSessionId"].as_str().unwrap();
    let start = Instant::now();
    let partial = loop {
        let (_, v) = api.get(&format!("/v1/test-sessions/{id}")).await;
        if v["results"][0]["resultType"] == "FINAL" {
            break v;
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(partial["status"], "RUNNING");
    assert!(partial["stoppedAt"].is_null());
    assert_eq!(partial["results"][0]["status"], "PASSED");
    assert_eq!(partial["results"][1]["status"], "RUNNING");
    assert_eq!(partial["results"][1]["resultType"], "PENDING");
    assert!(partial["results"][1]["stoppedAt"].is_null());
    assert!(partial["timeElapsed"].as_u64().unwrap() >= 500);
    let (status, _) = api
        .send(api.request(Method::POST, &format!("/v1/test-sessions/{id}/cancel")))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn retries_produce_attempts_before_final() {
    let api = Api::fast().await;
    let s = api
        .trigger(
            json!({"name": "t", "runLocation": "x", "target": {"matchTags": [["failing"]]},
                        "retryStrategy": {"type": "FIXED", "maxRetries": 3}}),
        )
        .await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    let kinds: Vec<&str> = done["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resultType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["ATTEMPT", "ATTEMPT", "ATTEMPT", "FINAL"]);
    assert!(
        done["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "FAILED")
    );
    // The FINAL result keeps the id the PENDING one had.
    assert_eq!(
        done["results"][3]["testSessionResultId"],
        s["results"][0]["testSessionResultId"]
    );

    let s = api
        .trigger(
            json!({"name": "t", "runLocation": "x", "target": {"matchTags": [["flaky"]]},
                        "retryStrategy": {"type": "SINGLE_RETRY"}}),
        )
        .await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "PASSED");
    assert_eq!(done["results"][0]["resultType"], "ATTEMPT");
    assert_eq!(done["results"][0]["status"], "FAILED");
    assert_eq!(done["results"][1]["resultType"], "FINAL");
    assert_eq!(done["results"][1]["status"], "PASSED");

    let s = api.trigger_tags(json!([["flaky"]])).await;
    let done = api.wait_done(s["testSessionId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["results"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cancel_all_and_by_sequence_id() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let s = api.trigger_tags(json!([["slow"]])).await;
    let id = s["testSessionId"].as_str().unwrap();
    let (status, body) = api
        .send(
            api.request(Method::POST, &format!("/v1/test-sessions/{id}/cancel"))
                .json(&json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(body, Value::Null);
    let (_, v) = api.get(&format!("/v1/test-sessions/{id}")).await;
    assert_eq!(v["status"], "CANCELLED");
    assert_eq!(v["results"][0]["status"], "CANCELLED");
    assert_eq!(v["results"][0]["resultType"], "FINAL");
    assert_eq!(v["results"][0]["aborted"], true);
    assert!(v["stoppedAt"].is_string());

    // By sequence id: only that run stops; the session stays RUNNING.
    let s = api
        .trigger_tags(json!([["slow"], ["production", "browser"]]))
        .await;
    let id = s["testSessionId"].as_str().unwrap();
    let slow = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Full regression suite")
        .unwrap()["testSessionResultId"]
        .clone();
    let (status, _) = api
        .post(
            &format!("/v1/test-sessions/{id}/cancel"),
            json!({"sequenceId": [slow]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, v) = api.get(&format!("/v1/test-sessions/{id}")).await;
    assert_eq!(v["status"], "RUNNING");
    let cancelled: Vec<_> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "CANCELLED")
        .collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["testSessionResultId"], slow);

    // Unknown sequence id, unknown session.
    let (status, body) = api
        .post(
            &format!("/v1/test-sessions/{id}/cancel"),
            json!({"sequenceId": ["00000000-0000-4000-8000-000000000000"]}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = api
        .post(
            "/v1/test-sessions/00000000-0000-4000-8000-000000000000/cancel",
            json!({}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    api.request(Method::POST, &format!("/v1/test-sessions/{id}/cancel"))
        .send()
        .await
        .unwrap();
}

// --------------------------------------------------------------- long poll

#[tokio::test]
async fn long_poll_408_while_running() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let s = api.trigger_tags(json!([["slow"]])).await;
    let id = s["testSessionId"].as_str().unwrap();
    let start = Instant::now();
    let (status, body) = api
        .get(&format!(
            "/v1/test-sessions/{id}/completion?maxWaitSeconds=1"
        ))
        .await;
    let waited = start.elapsed();
    assert_api_error(status, &body, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(body["error"], "Request Time-out");
    // It held the request for the whole second (the server's deadline
    // starts after the client's clock), and not much longer.
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
}

#[tokio::test]
async fn long_poll_returns_when_the_session_ends() {
    // Production checks take at most 4 s simulated: 200 ms at speed 20,
    // far from the 30 s the poll may wait.
    let api = Api::start(MockConfig::default().with_speed(20.0)).await;
    let s = api.trigger_tags(json!([["production"]])).await;
    assert_eq!(s["status"], "RUNNING");
    let id = s["testSessionId"].as_str().unwrap();
    let start = Instant::now();
    let (status, body) = api
        .get(&format!(
            "/v1/test-sessions/{id}/completion?maxWaitSeconds=30"
        ))
        .await;
    let waited = start.elapsed();
    // Only the ended session can say PASSED, so the poll waited for it,
    // and it answered long before its deadline.
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "PASSED");
    assert!(body["stoppedAt"].is_string());
    assert!(body["timeElapsed"].as_u64().unwrap() >= 4000, "{body}");
    assert!(waited < Duration::from_secs(15), "{waited:?}");

    // Already finished: answers at once, not after the default 30 s.
    let start = Instant::now();
    let (status, _) = api.get(&format!("/v1/test-sessions/{id}/completion")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(start.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn cancel_wakes_a_long_poll() {
    // One check of an hour: nothing but the cancel can end the session
    // before the poll's 30 s deadline.
    let cat = catalog(vec![check(1, "hour", &[], Behaviour::Pass, 3600.0)]);
    let api = std::sync::Arc::new(
        Api::start(MockConfig::default().with_catalog(cat).with_speed(1.0)).await,
    );
    let s = api.trigger(json!({"name": "t", "runLocation": "x"})).await;
    let id = s["testSessionId"].as_str().unwrap().to_owned();
    let completion = format!("/v1/test-sessions/{id}/completion");
    let poller = {
        let api = api.clone();
        let path = format!("{completion}?maxWaitSeconds=30");
        tokio::spawn(async move {
            let start = Instant::now();
            let out = api.get(&path).await;
            (out, start.elapsed())
        })
    };
    // Cancel only once the poll has reached the server, and give its
    // handler a moment to start waiting.
    let start = Instant::now();
    while !api.server.received().iter().any(|r| r.path == completion) {
        assert!(start.elapsed() < Duration::from_secs(10), "no poll arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cancel = format!("/v1/test-sessions/{id}/cancel");
    let (status, _) = api.post(&cancel, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let ((status, body), waited) = poller.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "CANCELLED");
    assert!(waited < Duration::from_secs(20), "{waited:?}");
    let log = api.server.received();
    let at = |path: &str| log.iter().position(|r| r.path == path).unwrap();
    assert!(at(&completion) < at(&cancel), "{log:?}");
}

#[tokio::test]
async fn long_poll_parameter_and_unknown_session() {
    let api = Api::fast().await;
    let (status, body) = api
        .get("/v1/test-sessions/00000000-0000-4000-8000-000000000000/completion")
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let s = api.trigger_tags(json!([["production"]])).await;
    let id = s["testSessionId"].as_str().unwrap();
    for (q, msg) in [
        ("maxWaitSeconds=0", "maxWaitSeconds must be >= 1"),
        ("maxWaitSeconds=31", "maxWaitSeconds must be <= 30"),
        ("maxWaitSeconds=soon", "maxWaitSeconds must be a number"),
    ] {
        let (status, body) = api
            .get(&format!("/v1/test-sessions/{id}/completion?{q}"))
            .await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], msg);
    }
}

// ---------------------------------------------------------- check sessions

#[tokio::test]
async fn check_sessions_trigger_get_and_complete() {
    let api = Api::start(MockConfig::default().with_speed(50.0)).await;
    let (status, body) = api
        .post(
            "/v1/check-sessions/trigger",
            json!({"target": {"matchTags": [["production", "api"]]}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let first = &sessions[0];
    assert_eq!(first["checkId"], demo_id(2));
    assert_eq!(first["status"], "STARTED");
    assert_eq!(first["runLocations"], json!(["us-east-1", "eu-central-1"]));
    assert!(first.get("results").is_none());
    let csid = first["checkSessionId"].as_str().unwrap();
    assert_eq!(
        first["checkSessionLink"],
        format!(
            "https://app.checklyhq.com/accounts/{}/checks/{}/check-sessions/{csid}",
            api.server.account_id(),
            demo_id(2)
        )
    );

    let (status, now) = api.get(&format!("/v1/check-sessions/{csid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(now["results"].is_array());

    let (status, done) = api
        .get(&format!(
            "/v1/check-sessions/{csid}/completion?maxWaitSeconds=10"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "PASSED");
    assert!(done["stoppedAt"].is_string());
    let results = done["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["resultType"] == "FINAL" && r["checkResultLink"].is_string())
    );

    // A failing check: ATTEMPT then FINAL in each location.
    let (_, body) = api
        .post(
            "/v1/check-sessions/trigger",
            json!({"target": {"checkId": [demo_id(8)]}}),
        )
        .await;
    let csid = body["sessions"][0]["checkSessionId"].as_str().unwrap();
    let (_, done) = api
        .get(&format!(
            "/v1/check-sessions/{csid}/completion?maxWaitSeconds=10"
        ))
        .await;
    assert_eq!(done["status"], "FAILED");
    let kinds: Vec<_> = done["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resultType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, vec!["ATTEMPT", "FINAL", "ATTEMPT", "FINAL"]);
}

#[tokio::test]
async fn check_session_errors() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let (status, body) = api
        .post(
            "/v1/check-sessions/trigger",
            json!({"target": {"matchTags": [["nope"]]}}),
        )
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = api
        .get("/v1/check-sessions/00000000-0000-4000-8000-000000000000")
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = api.get("/v1/check-sessions/not-a-uuid").await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "checkSessionId must be a UUID");

    // Long poll on a slow check: 408.
    let (_, body) = api
        .post(
            "/v1/check-sessions/trigger",
            json!({"target": {"matchTags": [["slow"]]}}),
        )
        .await;
    let csid = body["sessions"][0]["checkSessionId"].as_str().unwrap();
    let (status, body) = api
        .get(&format!(
            "/v1/check-sessions/{csid}/completion?maxWaitSeconds=1"
        ))
        .await;
    assert_api_error(status, &body, StatusCode::REQUEST_TIMEOUT);

    // No body at all means every activated check.
    let (status, body) = api
        .send(api.request(Method::POST, "/v1/check-sessions/trigger"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["sessions"].as_array().unwrap().len(), 11);
}

// -------------------------------------------------------------------- auth

#[tokio::test]
async fn auth_401_and_403() {
    let api = Api::fast().await;
    let url = api.url("/v1/test-sessions");
    let r = api.http.get(&url).send().await.unwrap();
    let status = r.status();
    assert_api_error(status, &r.json().await.unwrap(), StatusCode::UNAUTHORIZED);

    let r = api
        .http
        .get(&url)
        .bearer_auth("wrong")
        .header("X-Checkly-Account", api.server.account_id())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_api_error(status, &body, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "Unauthorized");

    let r = api
        .http
        .get(&url)
        .bearer_auth(api.server.api_key())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_api_error(status, &body, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "Forbidden");

    let r = api
        .http
        .get(&url)
        .bearer_auth(api.server.api_key())
        .header("X-Checkly-Account", "22222222-2222-4222-8222-222222222222")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Unauthenticated triggers store nothing.
    let r = api
        .http
        .post(api.url("/v1/test-sessions/trigger"))
        .json(&json!({"name": "t", "runLocation": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api.session_count().await, 0);
}

#[tokio::test]
async fn account_unknown_routes_and_methods() {
    let api = Api::fast().await;
    let (status, body) = api
        .get(&format!("/next/accounts/{}", api.server.account_id()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], api.server.account_id());
    assert_eq!(body["name"], "Mock account");

    let (status, body) = api.get("/v2/nothing-here").await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = api
        .send(api.request(Method::DELETE, "/v1/test-sessions"))
        .await;
    assert_api_error(status, &body, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn custom_keys_and_dropping_stops_the_server() {
    let config = MockConfig {
        api_key: "k".into(),
        account_id: "33333333-3333-4333-8333-333333333333".into(),
        ..MockConfig::default()
    };
    let api = Api::start(config).await;
    assert_eq!(api.server.api_key(), "k");
    assert!(api.server.url().starts_with("http://127.0.0.1:"));
    assert!(!api.server.url().ends_with('/'));
    let (status, _) = api.get("/v1/test-sessions").await;
    assert_eq!(status, StatusCode::OK);
    let url = api.url("/v1/test-sessions");
    let Api { server, http } = api;
    drop(server);
    // The server stops soon after; wait for that rather than a fixed time.
    let fresh = reqwest::Client::new();
    let start = Instant::now();
    while fresh.get(&url).send().await.is_ok() {
        assert!(start.elapsed() < Duration::from_secs(10), "still serving");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(http);
}

#[tokio::test]
async fn invalid_configurations_are_refused() {
    let refused = |config: MockConfig| async move {
        let err = checkly_mock::MockServer::start(config).await.err().unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
        err.to_string()
    };
    refused(MockConfig::default().with_speed(0.0)).await;
    refused(MockConfig::default().with_speed(f64::NAN)).await;
    for account in [
        "",
        "acme",
        "11111111111141118111111111111111",
        "{11111111-1111-4111-8111-111111111111}",
    ] {
        let err = refused(MockConfig::default().with_account_id(account)).await;
        assert!(err.contains("account id"), "{err}");
    }
    let err = refused(MockConfig::default().with_history(100_001)).await;
    assert!(err.contains("history"), "{err}");
    let err = refused(
        MockConfig::default().with_fault(checkly_mock::FaultRule::new(
            checkly_mock::FaultKind::Status {
                status: 429,
                retry_after: Some("1\r\nX-Injected: yes".into()),
            },
        )),
    )
    .await;
    assert!(err.contains("retryAfter"), "{err}");
    // Upper-case hex is a UUID too.
    let upper = MockConfig::default().with_account_id("ABCDEF00-1111-4111-8111-111111111111");
    assert!(checkly_mock::MockServer::start(upper).await.is_ok());
}
