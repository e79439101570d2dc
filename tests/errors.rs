//! Error answers become typed errors that keep the status; retries happen
//! only where they cannot duplicate a trigger.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use checkly::Error;
use checkly::types::{
    CheckSessionsV2TriggerRequest, TriggerCheckSessionRequestPayload, TriggerTestSessionRequest,
};
use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn trigger_request() -> TriggerTestSessionRequest {
    TriggerTestSessionRequest::new("Deploy 42", "eu-central-1")
}

async fn server_answering(body: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(body)
        .mount(&server)
        .await;
    server
}

fn api(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(api_error(
        status,
        "Some Error",
        &format!("message {status}"),
    ))
}

#[tokio::test]
#[allow(deprecated)] // the v1 check-session operations stay covered
async fn every_declared_error_status_is_mapped() {
    let session = SESSION_ID.parse().unwrap();
    let check_session = CHECK_SESSION_ID.parse().unwrap();
    for status in [400u16, 401, 402, 403, 404, 408, 429] {
        let server = server_answering(api(status)).await;
        let client = client_without_retries(&server);
        let errors = vec![
            client
                .trigger_test_session(&trigger_request())
                .await
                .unwrap_err(),
            client.get_test_session(session).await.unwrap_err(),
            client.list_test_sessions().send().await.unwrap_err(),
            client
                .await_test_session_completion(session, None)
                .await
                .unwrap_err(),
            client.cancel_test_session(session, None).await.unwrap_err(),
            client
                .trigger_check_sessions(&TriggerCheckSessionRequestPayload::default())
                .await
                .unwrap_err(),
            client.get_check_session(check_session).await.unwrap_err(),
            client
                .await_check_session_completion(check_session, None)
                .await
                .unwrap_err(),
            client
                .cancel_check_session(check_session, None)
                .await
                .unwrap_err(),
            client
                .trigger_check_sessions_v2(&CheckSessionsV2TriggerRequest::default())
                .await
                .unwrap_err(),
            client
                .get_check_session_v2(check_session)
                .await
                .unwrap_err(),
            client
                .await_check_session_completion_v2(check_session, None)
                .await
                .unwrap_err(),
            client
                .get_test_session_result(session, session)
                .await
                .unwrap_err(),
            client
                .list_result_assets(session, session)
                .send()
                .await
                .unwrap_err(),
            client.get_error_group(session).await.unwrap_err(),
            client.list_error_groups().send().await.unwrap_err(),
        ];
        for error in errors {
            assert_eq!(
                error.status().map(|s| s.as_u16()),
                Some(status),
                "{error:?}"
            );
            // Declared statuses decode the ApiError; undeclared ones are read leniently.
            let decoded = error
                .api_error()
                .unwrap_or_else(|| panic!("{status}: {error:?}"));
            assert_eq!(decoded.message, format!("message {status}"));
            assert!(
                error.to_string().contains(&format!("message {status}")),
                "{error}"
            );
            assert_eq!(
                error.is_retryable(),
                matches!(status, 408 | 429),
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn a_non_json_error_body_keeps_status_and_excerpt() {
    let body = format!("<html><body>{}</body></html>", "Bad gateway ".repeat(40));
    let server = server_answering(
        ResponseTemplate::new(429)
            .set_body_string(body.clone())
            .insert_header("retry-after", "3"),
    )
    .await;
    let error = client_without_retries(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    let Error::Api {
        status,
        api_error,
        body_excerpt,
        retry_after,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 429);
    assert!(api_error.is_none());
    assert!(
        body_excerpt.starts_with("<html><body>Bad gateway"),
        "{body_excerpt}"
    );
    assert_eq!(
        body_excerpt.chars().count(),
        201,
        "200 characters and an ellipsis"
    );
    assert_eq!(*retry_after, Some(Duration::from_secs(3)));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_undeclared_status_is_an_api_error() {
    let server = server_answering(ResponseTemplate::new(500).set_body_string("boom")).await;
    let error = client_without_retries(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.to_string().contains("boom"), "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_is_a_decode_error() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_string("{\"testSessionId\": 42"))
            .await;
    let error = client_without_retries(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    let Error::Decode {
        status,
        body_excerpt,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body_excerpt, "{\"testSessionId\": 42");
    assert!(
        std::error::Error::source(&error).is_some(),
        "the serde error is kept as source"
    );
}

#[tokio::test]
async fn connection_failures_are_transport_errors() {
    // Nothing listens on this port once the listener is gone.
    let uri = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = checkly::Client::builder()
        .api_key(API_KEY)
        .account_id(ACCOUNT_ID)
        .base_url(uri)
        .retry_config(checkly::RetryConfig::disabled())
        .build()
        .unwrap();
    let error = client
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!error.may_have_reached_checkly(), "nothing was sent");
    assert!(
        error.to_string().starts_with("could not reach Checkly"),
        "{error}"
    );
    assert!(error.is_retryable());
    assert!(!error.to_string().contains(API_KEY));
}

#[tokio::test]
async fn reads_are_retried_after_503_then_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session("PASSED")))
        .mount(&server)
        .await;
    let found = client(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(found.name, "Deploy 42");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn retries_give_up_after_max_attempts_with_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let error = client(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "RetryConfig::standard makes 3 attempts"
    );
}

#[tokio::test]
async fn a_trigger_is_never_resent_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/test-sessions/trigger"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let error = client(&server)
        .trigger_test_session(&trigger_request())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a trigger is sent once"
    );
}

#[tokio::test]
async fn a_trigger_refused_with_429_is_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(api(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(session("RUNNING")))
        .mount(&server)
        .await;
    let started = client(&server)
        .trigger_test_session(&trigger_request())
        .await
        .unwrap();
    assert_eq!(started.test_session_id.to_string(), SESSION_ID);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn invalid_input_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut request = trigger_request();
    request.name = String::new();
    let error = client.trigger_test_session(&request).await.unwrap_err();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (v.field.as_str(), v.rule.as_str()),
        ("name", "must be at least 1 character long (got 0)")
    );

    let mut request = trigger_request();
    request.environment_variables = (0..51)
        .map(|i| checkly::types::EnvironmentVariable::plain(format!("K{i}"), "v"))
        .collect();
    let error = client.trigger_test_session(&request).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: `environmentVariables` must have at most 50 items (got 51)"
    );

    let mut request = trigger_request();
    request.retry_strategy = Some(checkly::types::RetryStrategy::Fixed(
        checkly::types::BackoffRetry {
            max_retries: Some(11),
            ..Default::default()
        },
    ));
    let error = client.trigger_test_session(&request).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: `retryStrategy.maxRetries` must be at most 10 (got 11)"
    );

    let error = client
        .cancel_test_session(SESSION_ID.parse().unwrap(), Some(vec![]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: `sequenceId` must have at least 1 item (got 0)"
    );

    let error = client
        .await_test_session_completion(SESSION_ID.parse().unwrap(), Some(0))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`maxWaitSeconds` must be at least 1"),
        "{error}"
    );

    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_max_backoff_ends_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(api(429).insert_header("retry-after", "60"))
        .mount(&server)
        .await;
    let error = client(&server)
        .get_test_session(SESSION_ID.parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no retry sooner than the server asked"
    );
}
