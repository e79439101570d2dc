//! The library against the bundled mock (`checkly-mock`): whole flows and
//! the faults it injects.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use checkly::types::{
    CheckSessionStatus, CheckType, TestSessionStatus, TriggerCheckSessionRequestPayload,
    TriggerCheckSessionTarget, TriggerTestSessionRequest, TriggerTestSessionRequestTarget,
};
use checkly::{Client, Error, RetryConfig};
use checkly_mock::{FaultKind, FaultRule, MockConfig, MockServer};
use common::start_mock;
use futures::TryStreamExt;

fn tagged(tags: &[&str]) -> TriggerTestSessionRequest {
    let mut request = TriggerTestSessionRequest::new("e2e", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![tags.iter().map(|t| t.to_string()).collect()],
        ..Default::default()
    });
    request
}

#[tokio::test]
async fn trigger_wait_and_inspect_a_passing_session() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let started = client
        .trigger_test_session(&tagged(&["production"]))
        .await
        .unwrap();
    assert_eq!(started.status, TestSessionStatus::Running);
    assert!(!started.results.is_empty());
    let done = client
        .wait_for_test_session(started.test_session_id)
        .poll_seconds(5)
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    assert!(done.value.stopped_at >= done.value.started_at);
    let found = client
        .get_test_session(started.test_session_id)
        .await
        .unwrap();
    assert_eq!(found.status, TestSessionStatus::Passed);
    assert_eq!(found.results.len(), done.value.results.len());
}

#[tokio::test]
async fn a_failing_tag_fails_and_cancel_stops_a_running_session() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let failing = client
        .trigger_test_session(&tagged(&["failing"]))
        .await
        .unwrap();
    let done = client
        .wait_for_test_session(failing.test_session_id)
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Failed);

    let (_server, slow_client) = start_mock(MockConfig::default().with_speed(1.0)).await;
    let slow = slow_client
        .trigger_test_session(&tagged(&["slow"]))
        .await
        .unwrap();
    slow_client
        .cancel_test_session(slow.test_session_id, None)
        .await
        .unwrap();
    let done = slow_client
        .wait_for_test_session(slow.test_session_id)
        .wait(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Cancelled);
}

#[tokio::test]
async fn the_waiter_long_polls_through_408s() {
    // At speed 1 the slow check takes ~20 s: polls of 1 s each answer 408.
    let (server, client) = start_mock(MockConfig::default().with_speed(1.0)).await;
    let slow = client
        .trigger_test_session(&tagged(&["slow"]))
        .await
        .unwrap();
    let error = client
        .wait_for_test_session(slow.test_session_id)
        .poll_seconds(1)
        .wait(Duration::from_secs(2))
        .await
        .unwrap_err();
    let Error::WaitTimeout { polls, elapsed, .. } = error else {
        panic!("{error:?}")
    };
    assert!(polls >= 2, "{polls}");
    assert!(elapsed >= Duration::from_secs(2));
    let completions = server
        .received()
        .iter()
        .filter(|r| r.path.ends_with("/completion"))
        .count();
    assert_eq!(completions as u32, polls);
}

#[tokio::test]
async fn paging_over_history_reaches_every_session_once() {
    let (_server, client) = start_mock(MockConfig::default().with_history(45)).await;
    let ids: Vec<uuid::Uuid> = client
        .list_test_sessions()
        .limit(10)
        .into_paginator()
        .items()
        .map_ok(|entry| entry.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 45);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 45);
    let failed: Vec<_> = client
        .list_test_sessions()
        .status(TestSessionStatus::Failed)
        .limit(100)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(!failed.is_empty() && failed.len() < 45);
    assert!(
        failed
            .iter()
            .all(|e| e.status == Some(TestSessionStatus::Failed))
    );
}

/// The deprecated v1 check-session endpoints keep working.
#[tokio::test]
#[allow(deprecated)]
async fn v1_check_sessions_run_to_the_end() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let request = TriggerCheckSessionRequestPayload {
        target: Some(TriggerCheckSessionTarget {
            match_tags: vec![vec!["production".into()]],
            check_id: vec![],
        }),
        refresh_cache: false,
    };
    let started = client.trigger_check_sessions(&request).await.unwrap();
    assert!(!started.sessions.is_empty());
    for session in started.sessions {
        let done = client
            .wait_for_check_session(session.check_session_id.parse().unwrap())
            .wait(Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            done.value.status,
            CheckSessionStatus::Passed,
            "{}",
            session.check_session_id
        );
    }
    let nothing = TriggerCheckSessionRequestPayload {
        target: Some(TriggerCheckSessionTarget {
            match_tags: vec![vec!["no-such-tag".into()]],
            check_id: vec![],
        }),
        refresh_cache: false,
    };
    let error = client.trigger_check_sessions(&nothing).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn wrong_credentials_are_401_and_403() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = |key: &str, account: &str| {
        Client::builder()
            .api_key(key)
            .account_id(account)
            .base_url(server.url())
            .build()
            .unwrap()
    };
    let error = client("wrong", server.account_id())
        .list_test_sessions()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let other_account = "22222222-2222-4222-8222-222222222222";
    let error = client(server.api_key(), other_account)
        .list_test_sessions()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert!(error.api_error().is_some());
}

#[tokio::test]
async fn reads_survive_injected_503s_and_429s() {
    let (server, client) = start_mock(MockConfig::default()).await;
    server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 503,
            retry_after: None,
        })
        .on("GET", "/v1/test-sessions")
        .times(2),
    );
    client.list_test_sessions().send().await.unwrap();
    assert_eq!(server.received().len(), 3);

    server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 429,
            retry_after: Some("0".into()),
        })
        .on("POST", "/v1/test-sessions/trigger")
        .times(1),
    );
    client
        .trigger_test_session(&tagged(&["production"]))
        .await
        .unwrap();
    let triggers = server
        .received()
        .iter()
        .filter(|r| r.path == "/v1/test-sessions/trigger")
        .count();
    assert_eq!(
        triggers, 2,
        "a 429 means the trigger was refused, so it is sent again"
    );
}

#[tokio::test]
async fn a_trigger_hit_by_a_server_error_is_not_sent_twice() {
    let (server, client) = start_mock(MockConfig::default()).await;
    server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 502,
            retry_after: None,
        })
        .on("POST", "/v1/test-sessions/trigger")
        .times(1),
    );
    let error = client
        .trigger_test_session(&tagged(&["production"]))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn broken_answers_are_typed_errors() {
    let (server, client) = start_mock(MockConfig::default().with_history(3)).await;
    let no_retry = Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();

    server.add_fault(
        FaultRule::new(FaultKind::Drop)
            .on("GET", "/v1/test-sessions")
            .times(1),
    );
    let error = no_retry.list_test_sessions().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        error.may_have_reached_checkly(),
        "the request arrived: {error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the request was sent but no answer came back"),
        "{error}"
    );

    server.add_fault(
        FaultRule::new(FaultKind::NotJson)
            .on("GET", "/v1/test-sessions")
            .times(1),
    );
    let error = no_retry.list_test_sessions().send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { status, body_excerpt, .. } if status.as_u16() == 200 && body_excerpt.contains("<html")),
        "{error:?}"
    );

    server.add_fault(
        FaultRule::new(FaultKind::Truncated)
            .on("GET", "/v1/test-sessions")
            .times(1),
    );
    let error = no_retry.list_test_sessions().send().await.unwrap_err();
    assert!(
        matches!(error, Error::Transport(_) | Error::Decode { .. }),
        "{error:?}"
    );

    // The default client retries a dropped read and gets through.
    server.add_fault(
        FaultRule::new(FaultKind::Drop)
            .on("GET", "/v1/test-sessions")
            .times(1),
    );
    client.list_test_sessions().send().await.unwrap();
}

#[tokio::test]
async fn values_the_spec_does_not_know_still_decode() {
    let (server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let started = client
        .trigger_test_session(&tagged(&["production"]))
        .await
        .unwrap();
    server.add_fault(
        FaultRule::new(FaultKind::UnknownEnum)
            .on("GET", "/v1/test-sessions/")
            .times(1),
    );
    let found = client
        .get_test_session(started.test_session_id)
        .await
        .unwrap();
    assert!(
        found
            .results
            .iter()
            .any(|r| matches!(r.check_type, CheckType::Unknown(_))),
        "{found:?}"
    );
}

#[tokio::test]
async fn bad_input_never_reaches_the_server() {
    let (server, client) = start_mock(MockConfig::default()).await;
    let mut request = tagged(&["production"]);
    request.run_location = String::new();
    let error = client.trigger_test_session(&request).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`runLocation` must be at least 1 character"),
        "{error}"
    );
    assert!(server.received().is_empty());
}
