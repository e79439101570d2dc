//! Transport rules: no credentials over plain http to another machine, no
//! redirects off the base URL's origin, one deadline per call, and long
//! polls that the per-request timeout does not cut.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use checkly::{Client, ClientBuilder, Error, RetryConfig};
use common::*;
use uuid::Uuid;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(API_KEY)
        .account_id(ACCOUNT_ID)
        .base_url(base_url)
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

fn session_id() -> Uuid {
    SESSION_ID.parse().unwrap()
}

#[test]
fn plain_http_to_another_machine_is_refused_at_build() {
    let error = builder("http://example.com").build().unwrap_err();
    let Error::Config { name, problem } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*name, "CHECKLY_API_URL");
    let shown = error.to_string();
    assert!(shown.contains("example.com"), "{shown}");
    assert!(shown.contains("use https"), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(problem.contains("allow_insecure_http"), "{problem}");

    let client = builder("http://example.com")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://example.com");
    builder("https://example.com").build().unwrap();
}

#[tokio::test]
async fn plain_http_to_loopback_is_fine() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("PASSED")))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    assert!(client.base_url().starts_with("http://127.0.0.1:"));
    client.get_test_session(session_id()).await.unwrap();
    // `localhost` names the same machine.
    let port = server.address().port();
    builder(&format!("http://localhost:{port}"))
        .build()
        .unwrap();
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let target = format!("{}/v1/test-sessions/{SESSION_ID}", elsewhere.uri());
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", target.as_str()))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("PASSED")))
        .mount(&elsewhere)
        .await;
    let client = builder(&api.uri()).build().unwrap();
    let error = client.get_test_session(session_id()).await.unwrap_err();
    let Error::Redirect {
        status,
        location,
        reason,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 307);
    assert_eq!(location, &target);
    assert!(reason.contains("another origin"), "{reason}");
    assert!(error.to_string().contains(&target), "{error}");
    assert_eq!(api.received_requests().await.unwrap().len(), 1);
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the other origin saw a request (and the API key)"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/moved"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("PASSED")))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let found = client.get_test_session(session_id()).await.unwrap();
    assert_eq!(found.test_session_id, session_id());
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let server = MockServer::start().await;
    let here = format!("/v1/test-sessions/{SESSION_ID}");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", here.as_str()))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client.get_test_session(session_id()).await.unwrap_err();
    let Error::Redirect {
        location, reason, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(location, &here);
    assert!(reason.contains("more than 5 redirects"), "{reason}");
    // The first request and five redirects followed, not retried.
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn a_slow_server_fails_the_call_at_its_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(session("PASSED"))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;

    // Three attempts of 200 ms fit in the deadline: each is retried, the
    // last one's timeout is the error.
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .call_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = client.get_test_session(session_id()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // Many attempts do not: the deadline ends the call.
    let many = RetryConfig::standard()
        .with_max_attempts(50)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(20));
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .call_timeout(Duration::from_millis(700))
        .retry_config(many)
        .build()
        .unwrap();
    let before = server.received_requests().await.unwrap().len();
    let start = Instant::now();
    let error = client.get_test_session(session_id()).await.unwrap_err();
    // The server would hold each request 30 s; nothing near that passed.
    assert!(start.elapsed() < Duration::from_secs(10), "{error}");
    let Error::Deadline {
        deadline, attempts, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*deadline, Duration::from_millis(700));
    let seen = server.received_requests().await.unwrap().len() - before;
    assert_eq!(*attempts as usize, seen);
    assert!((2..50).contains(&seen), "{seen} attempts");
    assert!(error.is_retryable());
    let shown = error.to_string();
    assert!(
        shown.contains("deadline of 0.7s") && shown.contains("call_timeout"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_long_poll_outlasts_the_per_request_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}/completion")))
        .and(query_param("maxWaitSeconds", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(session("PASSED"))
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(session("PASSED"))
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .timeout(Duration::from_secs(1))
        .call_timeout(Duration::from_secs(1))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let done = client
        .wait_for_test_session(session_id())
        .poll_seconds(2)
        .wait(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(done.value.test_session_id, session_id());

    // The same hold on an ordinary read is past its timeout.
    let error = client.get_test_session(session_id()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Deadline { attempts: 1, .. }),
        "{error:?}"
    );
}
