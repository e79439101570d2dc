//! The waiters long-poll through 408s and stop at their limit.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use checkly::Error;
use checkly::clock::{Clock, ManualClock};
use checkly::types::{CheckSessionStatus, TestSessionStatus};
use common::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn still_running() -> ResponseTemplate {
    ResponseTemplate::new(408).set_body_json(api_error(408, "Request Time-out", "still running"))
}

/// A server answering `first` `times` times, then 200 with a session in `status`.
async fn running_then(first: ResponseTemplate, times: u64, status: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session(status)))
        .mount(&server)
        .await;
    server
}

/// Answers 408 `n` times, then 200; each 408 moves the fake clock on.
struct RunningThenDone {
    left: AtomicU32,
    clock: Arc<ManualClock>,
    step: Duration,
    done: serde_json::Value,
}

impl Respond for RunningThenDone {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.clock.advance(self.step);
        if self.left.load(Ordering::SeqCst) == 0 {
            return ResponseTemplate::new(200).set_body_json(&self.done);
        }
        self.left.fetch_sub(1, Ordering::SeqCst);
        still_running()
    }
}

#[tokio::test]
async fn waits_through_408s_until_the_session_is_done() {
    let server = MockServer::start().await;
    let clock = Arc::new(ManualClock::default());
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}/completion")))
        .and(query_param("maxWaitSeconds", "30"))
        .respond_with(RunningThenDone {
            left: AtomicU32::new(3),
            clock: clock.clone(),
            step: Duration::from_secs(30),
            done: session("PASSED"),
        })
        .expect(4)
        .mount(&server)
        .await;
    let done = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .clock(clock)
        .wait(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    assert_eq!(done.polls, 4);
    assert_eq!(done.elapsed, Duration::from_secs(120));
}

#[tokio::test]
async fn stops_at_the_max_wait_with_elapsed_time_and_polls() {
    let server = MockServer::start().await;
    let clock = Arc::new(ManualClock::default());
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}/completion")))
        .respond_with(RunningThenDone {
            left: AtomicU32::new(u32::MAX),
            clock: clock.clone(),
            step: Duration::from_secs(10),
            done: session("PASSED"),
        })
        .mount(&server)
        .await;
    let error = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .poll_seconds(10)
        .clock(clock.clone())
        .wait(Duration::from_secs(45))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "still not finished after 50s (5 polls; the limit was 45s)"
    );
    let Error::WaitTimeout {
        elapsed,
        polls,
        max_wait,
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (elapsed, polls, max_wait),
        (Duration::from_secs(50), 5, Duration::from_secs(45))
    );
    // The last poll asked only for the time that was left.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5);
    assert_eq!(requests[4].url.query(), Some("maxWaitSeconds=5"));
}

#[tokio::test]
async fn honours_retry_after_on_408() {
    let clock = Arc::new(ManualClock::default());
    let server = running_then(
        still_running().insert_header("retry-after", "7"),
        1,
        "FAILED",
    )
    .await;
    let done = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .clock(clock.clone())
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Failed);
    assert_eq!(
        clock.now(),
        Duration::from_secs(7),
        "slept for Retry-After on the fake clock"
    );
}

#[tokio::test]
async fn an_early_408_is_not_polled_in_a_tight_loop() {
    let clock = Arc::new(ManualClock::default());
    // The server answers 408 at once (the fake clock does not move).
    let server = running_then(still_running(), 3, "PASSED").await;
    let done = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .clock(clock.clone())
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.polls, 4);
    assert_eq!(
        clock.now(),
        3 * checkly::MIN_POLL_INTERVAL,
        "paused after each early 408"
    );
}

#[tokio::test]
async fn a_408_with_retry_after_zero_still_pauses() {
    let clock = Arc::new(ManualClock::default());
    let server = running_then(
        still_running().insert_header("retry-after", "0"),
        2,
        "PASSED",
    )
    .await;
    let done = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .clock(clock.clone())
        .wait(Duration::MAX)
        .await
        .unwrap();
    assert_eq!(done.polls, 3);
    assert_eq!(clock.now(), 2 * checkly::MIN_POLL_INTERVAL);
    // `Duration::MAX` asked for the longest poll, not an overflow.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("maxWaitSeconds=30"));
}

#[tokio::test]
async fn any_other_error_ends_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(api_error(
            404,
            "Not Found",
            "no such session",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .wait(Duration::from_secs(60))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.api_error().unwrap().message, "no such session");
}

/// Serves `/{version}/check-sessions/{id}/completion`: two 408s, then done.
async fn check_session_completion(version: &str, clock: Arc<ManualClock>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/{version}/check-sessions/{CHECK_SESSION_ID}/completion"
        )))
        .respond_with(RunningThenDone {
            left: AtomicU32::new(2),
            clock,
            step: Duration::from_secs(5),
            done: check_session("PASSED"),
        })
        .expect(3)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn check_sessions_wait_the_same_way() {
    let clock = Arc::new(ManualClock::default());
    let server = check_session_completion("v2", clock.clone()).await;
    let done = client(&server)
        .wait_for_check_session_v2(CHECK_SESSION_ID.parse().unwrap())
        .poll_seconds(5)
        .clock(clock)
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, CheckSessionStatus::Passed);
    assert_eq!(done.polls, 3);
}

#[tokio::test]
#[allow(deprecated)]
async fn v1_check_sessions_still_wait() {
    let clock = Arc::new(ManualClock::default());
    let server = check_session_completion("v1", clock.clone()).await;
    let done = client(&server)
        .wait_for_check_session(CHECK_SESSION_ID.parse().unwrap())
        .poll_seconds(5)
        .clock(clock)
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, CheckSessionStatus::Passed);
    assert_eq!(done.polls, 3);
}

#[tokio::test]
async fn poll_seconds_out_of_range_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .poll_seconds(31)
        .wait(Duration::from_secs(600))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`maxWaitSeconds` must be at most 30"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
