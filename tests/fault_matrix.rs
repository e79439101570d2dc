//! The fault matrix: one test per way the API (or what stands in front of
//! it) can misbehave, against the bundled mock's fault injection. Each
//! asserts what the caller gets and how many requests the server saw.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use checkly::clock::ManualClock;
use checkly::types::{CheckType, TestSessionStatus, TriggerTestSessionRequest};
use checkly::{Client, Error, RetryConfig};
use checkly_mock::{MockConfig, MockServer};
use common::start_mock;
use uuid::Uuid;

const LIST: &str = "/v1/test-sessions";
const TRIGGER: &str = "/v1/test-sessions/trigger";

/// Requests the server saw on exactly `path`.
fn seen(server: &MockServer, path: &str) -> usize {
    server.received().iter().filter(|r| r.path == path).count()
}

fn fault(server: &MockServer, spec: &str) {
    server.add_fault(spec.parse().unwrap());
}

fn production() -> TriggerTestSessionRequest {
    let mut request = TriggerTestSessionRequest::new("matrix", "eu-central-1");
    request.target = Some(checkly::types::TriggerTestSessionRequestTarget {
        match_tags: vec![vec!["production".into()]],
        ..Default::default()
    });
    request
}

/// The mock with a few finished sessions, and a quick-retry client.
async fn mock() -> (MockServer, Client) {
    start_mock(MockConfig::default().with_speed(500.0).with_history(3)).await
}

/// A client for `server` whose backoff may wait up to `max_backoff`.
fn patient(server: &MockServer, max_backoff: Duration) -> Client {
    Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(max_backoff),
        )
        .build()
        .unwrap()
}

/// A session of the mock's history, and the path that reads it.
async fn some_session(client: &Client) -> (Uuid, String) {
    let list = client.list_test_sessions().send().await.unwrap();
    let id = list.entries[0].id;
    (id, format!("/v1/test-sessions/{id}"))
}

fn api_status(error: &Error) -> u16 {
    match error {
        Error::Api { status, .. } => status.as_u16(),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn status_429_with_retry_after_seconds() {
    let (server, client) = mock().await;
    // Longer than the client's longest backoff: it gives up at once and
    // hands the wait to the caller.
    fault(&server, "GET:/v1/test-sessions=status:429:retry-after=1x1");
    let error = client.list_test_sessions().send().await.unwrap_err();
    assert_eq!(api_status(&error), 429);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(error.is_retryable());
    assert_eq!(seen(&server, LIST), 1);
    // Within it: the client waits as asked and gets through.
    fault(&server, "GET:/v1/test-sessions=status:429:retry-after=1x1");
    patient(&server, Duration::from_secs(2))
        .list_test_sessions()
        .send()
        .await
        .unwrap();
    assert_eq!(seen(&server, LIST), 3);
}

#[tokio::test]
async fn status_429_with_an_http_date() {
    let (server, client) = mock().await;
    let later = (chrono::Utc::now() + chrono::TimeDelta::seconds(120)).to_rfc2822();
    fault(
        &server,
        &format!("GET:/v1/test-sessions=status:429:retry-after={later}x1"),
    );
    let error = client.list_test_sessions().send().await.unwrap_err();
    let wait = error.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert_eq!(seen(&server, LIST), 1);
    // A date already past means "now": retried at once.
    fault(
        &server,
        "GET:/v1/test-sessions=status:429:retry-after=Wed, 21 Oct 2015 07:28:00 GMTx1",
    );
    client.list_test_sessions().send().await.unwrap();
    assert_eq!(seen(&server, LIST), 3);
}

#[tokio::test]
async fn status_429_with_only_x_ratelimit_reset() {
    let (server, client) = mock().await;
    fault(&server, "GET:/v1/test-sessions=rate-limit-reset:60x1");
    let error = client.list_test_sessions().send().await.unwrap_err();
    assert_eq!(api_status(&error), 429);
    let wait = error.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    // Not retried: the reset is past the client's longest backoff.
    assert_eq!(seen(&server, LIST), 1);
    fault(&server, "GET:/v1/test-sessions=rate-limit-reset:0x1");
    client.list_test_sessions().send().await.unwrap();
    assert_eq!(seen(&server, LIST), 3);
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_to_success() {
    let (server, client) = mock().await;
    for (n, code) in [500, 502, 503, 504].into_iter().enumerate() {
        fault(&server, &format!("GET:/v1/test-sessions=status:{code}x2"));
        client.list_test_sessions().send().await.unwrap();
        assert_eq!(seen(&server, LIST), 3 * (n + 1), "{code}");
    }
}

#[tokio::test]
async fn status_503_past_the_attempt_limit() {
    let (server, client) = mock().await;
    fault(&server, "GET:/v1/test-sessions=status:503");
    let error = client.list_test_sessions().send().await.unwrap_err();
    assert_eq!(api_status(&error), 503);
    assert!(error.api_error().is_some(), "{error:?}");
    assert_eq!(seen(&server, LIST), 3);
}

#[tokio::test]
async fn a_dropped_connection_retries_a_read_but_not_a_trigger() {
    let (server, client) = mock().await;
    fault(&server, "GET:/v1/test-sessions=dropx1");
    client.list_test_sessions().send().await.unwrap();
    assert_eq!(seen(&server, LIST), 2);

    fault(&server, "POST:/v1/test-sessions/trigger=dropx1");
    let error = client
        .trigger_test_session(&production())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(seen(&server, TRIGGER), 1);
}

#[tokio::test]
async fn truncated_json() {
    let (server, client) = mock().await;
    let (id, path) = some_session(&client).await;
    fault(&server, &format!("GET:{path}=truncatedx1"));
    let error = client.get_test_session(id).await.unwrap_err();
    // The status and headers arrived; the body broke off. It is read after
    // the retries are over, so the call is not repeated.
    assert!(
        matches!(&error, Error::Transport(e) if e.is_body() || e.is_decode()),
        "{error:?}"
    );
    assert_eq!(seen(&server, &path), 1);
}

#[tokio::test]
async fn an_html_error_page() {
    let (server, client) = mock().await;
    // A proxy's 502 page: a server error, so a read is retried...
    fault(&server, "GET:/v1/test-sessions=html-error:502x1");
    client.list_test_sessions().send().await.unwrap();
    assert_eq!(seen(&server, LIST), 2);
    // ...and when it lasts the caller gets the status and the page's start.
    fault(&server, "GET:/v1/test-sessions=html-error:502");
    let error = client.list_test_sessions().send().await.unwrap_err();
    let Error::Api {
        status,
        api_error,
        body_excerpt,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 502);
    assert!(api_error.is_none());
    assert!(body_excerpt.starts_with("<html>"), "{body_excerpt}");
    assert_eq!(seen(&server, LIST), 5);
    server.clear_faults();
    // HTML with a success status does not decode.
    fault(&server, "GET:/v1/test-sessions=not-jsonx1");
    let error = client.list_test_sessions().send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { status, body_excerpt, .. } if status.as_u16() == 200 && body_excerpt.contains("<html")),
        "{error:?}"
    );
    assert_eq!(seen(&server, LIST), 6);
}

#[tokio::test]
async fn a_wrong_content_type() {
    let (server, client) = mock().await;
    let (id, path) = some_session(&client).await;
    fault(&server, &format!("GET:{path}=wrong-content-typex1"));
    // A JSON body is read as JSON whatever its label.
    let found = client.get_test_session(id).await.unwrap();
    assert_eq!(found.test_session_id, id);
    assert_eq!(seen(&server, &path), 1);
}

#[tokio::test]
async fn an_unknown_enum_value() {
    let (server, client) = mock().await;
    let (id, path) = some_session(&client).await;
    fault(&server, &format!("GET:{path}=unknown-enumx1"));
    let found = client.get_test_session(id).await.unwrap();
    assert!(!found.results.is_empty());
    assert!(
        found
            .results
            .iter()
            .all(|r| r.check_type == CheckType::Unknown("QUANTUM".into())),
        "{found:?}"
    );
    assert_eq!(seen(&server, &path), 1);
}

#[tokio::test]
async fn a_missing_required_field() {
    let (server, client) = mock().await;
    let (id, path) = some_session(&client).await;
    fault(
        &server,
        &format!("GET:{path}=missing-field:testSessionIdx1"),
    );
    let error = client.get_test_session(id).await.unwrap_err();
    let Error::Decode { status, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert!(error.to_string().contains("testSessionId"), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(seen(&server, &path), 1);
}

#[tokio::test]
async fn an_extra_field() {
    let (server, client) = mock().await;
    let (id, path) = some_session(&client).await;
    let plain = client.get_test_session(id).await.unwrap();
    fault(&server, &format!("GET:{path}=extra-fieldx1"));
    let found = client.get_test_session(id).await.unwrap();
    assert_eq!(found.test_session_id, id);
    assert_eq!(found.results.len(), plain.results.len());
    assert_eq!(found.results[0].check_type, plain.results[0].check_type);
    assert_eq!(seen(&server, &path), 2);
}

#[tokio::test]
async fn a_long_run_of_408s_keeps_the_waiter_polling() {
    let (server, client) = mock().await;
    let started = client.trigger_test_session(&production()).await.unwrap();
    let id = started.test_session_id;
    let completion = format!("/v1/test-sessions/{id}/completion");
    fault(&server, &format!("GET:{completion}=status:408x25"));
    // The pause after each early 408 passes on a manual clock.
    let done = client
        .wait_for_test_session(id)
        .clock(Arc::new(ManualClock::default()))
        .wait(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    // Every 408 was one poll, none retried by the client underneath.
    assert_eq!(seen(&server, &completion), 26);
    assert_eq!(done.polls, 26);
}

#[tokio::test]
async fn a_redirect_to_another_host() {
    let (server, client) = mock().await;
    let (elsewhere, _) = mock().await;
    let target = format!("{}/v1/test-sessions", elsewhere.url());
    fault(
        &server,
        &format!("GET:/v1/test-sessions=redirect:{target}x0"),
    );
    let error = client.list_test_sessions().send().await.unwrap_err();
    let Error::Redirect {
        status, location, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 307);
    assert_eq!(location, &target);
    assert_eq!(seen(&server, LIST), 1);
    assert!(
        elsewhere.received().is_empty(),
        "the other host saw {:?}",
        elsewhere.received()
    );
}

#[tokio::test]
async fn a_redirect_loop() {
    let (server, client) = mock().await;
    fault(
        &server,
        "GET:/v1/test-sessions=redirect:/v1/test-sessionsx0",
    );
    let error = client.list_test_sessions().send().await.unwrap_err();
    let Error::Redirect { reason, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(reason.contains("more than 5 redirects"), "{reason}");
    assert_eq!(seen(&server, LIST), 6);
}

#[tokio::test]
async fn a_trigger_answered_500_is_sent_once() {
    let (server, client) = mock().await;
    let sessions_before = client
        .list_test_sessions()
        .send()
        .await
        .unwrap()
        .entries
        .len();
    fault(&server, "POST:/v1/test-sessions/trigger=status:500");
    let error = client
        .trigger_test_session(&production())
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 500);
    assert_eq!(seen(&server, TRIGGER), 1);
    server.clear_faults();
    let sessions_after = client
        .list_test_sessions()
        .send()
        .await
        .unwrap()
        .entries
        .len();
    assert_eq!(
        sessions_after, sessions_before,
        "the faulted trigger stored nothing"
    );
}
