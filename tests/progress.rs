//! The progress waiter: updates when the session changes, the end through
//! the long poll, and its request schedule, on the fake clock.
//!
//! `ManualClock::sleep` moves the clock at once, so the two tracks of the
//! waiter (the long poll and the retrieve) both move it: simulated time here
//! is at least the real schedule's, and the counts per simulated minute are
//! upper bounds checked against the documented budget. The exact figures of
//! the retrieve schedule are unit-tested in `src/retrieve_schedule.rs`.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use checkly::clock::{Clock, ManualClock};
use checkly::types::TestSessionStatus;
use checkly::{Error, Progress, ProgressStream};
use common::*;
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn completion_path() -> String {
    format!("/v1/test-sessions/{SESSION_ID}/completion")
}

fn still_running() -> ResponseTemplate {
    ResponseTemplate::new(408).set_body_json(api_error(408, "Request Time-out", "still running"))
}

/// A running session with `results` results.
fn running(results: usize) -> Value {
    let mut body = session("RUNNING");
    body["results"] = json!(vec![result("PASSED"); results]);
    body
}

/// The completion long poll: 408 (moving the fake clock by `hold`, as a
/// server holding the request would) until `done_after` says so, then done.
struct Completion {
    clock: Arc<ManualClock>,
    hold: Duration,
    done_after: Box<dyn Fn() -> bool + Send + Sync>,
}

impl Respond for Completion {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if (self.done_after)() {
            return ResponseTemplate::new(200).set_body_json(session("PASSED"));
        }
        self.clock.advance(self.hold);
        still_running()
    }
}

/// The retrieve: `body(n)` on the n-th request (from 0).
struct Retrieve {
    calls: Arc<AtomicU32>,
    body: fn(u32) -> Value,
}

impl Respond for Retrieve {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json((self.body)(n))
    }
}

/// A server with these two routes, counting retrieves in `calls`.
async fn server_counting(
    completion: Completion,
    body: fn(u32) -> Value,
    calls: Arc<AtomicU32>,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(completion_path()))
        .respond_with(completion)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(Retrieve { calls, body })
        .mount(&server)
        .await;
    server
}

/// A server with these two routes.
async fn server(completion: Completion, body: fn(u32) -> Value) -> MockServer {
    server_counting(completion, body, Arc::default()).await
}

fn progress(server: &MockServer, clock: Arc<ManualClock>, max: Duration) -> ProgressStream {
    client(server)
        .wait_for_test_session(SESSION_ID.parse().unwrap())
        .clock(clock)
        .progress(max)
}

/// Every step until the stream ends (in a spawned task: the stream is
/// `'static` and `Send`).
async fn collect(stream: ProgressStream) -> Vec<checkly::Result<Progress>> {
    tokio::spawn(stream.collect::<Vec<_>>()).await.unwrap()
}

/// (completion requests, retrieve requests) the server received.
async fn counts(server: &MockServer) -> (usize, usize) {
    let requests = server.received_requests().await.unwrap();
    let completions = requests
        .iter()
        .filter(|r| r.url.path() == completion_path())
        .count();
    (completions, requests.len() - completions)
}

#[tokio::test]
async fn updates_when_a_result_appears_and_not_when_nothing_changed() {
    let clock = Arc::new(ManualClock::default());
    // No results for 3 retrieves, then one result from then on; the
    // session ends once the retrieve has been asked 8 times.
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let completion = Completion {
        clock: clock.clone(),
        hold: Duration::from_secs(30),
        done_after: Box::new(move || seen.load(Ordering::SeqCst) >= 8),
    };
    let server = server_counting(completion, |n| running(usize::from(n >= 3)), calls.clone()).await;
    let steps = collect(progress(&server, clock, Duration::from_secs(3600))).await;
    let steps: Vec<_> = steps.into_iter().map(Result::unwrap).collect();
    let updates: Vec<usize> = steps
        .iter()
        .filter_map(|step| match step {
            Progress::Update(session) => Some(session.results.len()),
            Progress::Done(_) => None,
        })
        .collect();
    assert_eq!(updates, [0, 1], "the first look, then the new result only");
    let Some(Progress::Done(done)) = steps.last() else {
        panic!("the last step is the end: {steps:?}")
    };
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    assert!(calls.load(Ordering::SeqCst) >= 8);
}

#[tokio::test]
async fn the_end_arrives_through_the_long_poll() {
    let clock = Arc::new(ManualClock::default());
    let polls = Arc::new(AtomicU32::new(0));
    let counted = polls.clone();
    let completion = Completion {
        clock: clock.clone(),
        hold: Duration::from_secs(30),
        // The second long poll finds the session done.
        done_after: Box::new(move || counted.fetch_add(1, Ordering::SeqCst) >= 1),
    };
    // The retrieve never shows the end.
    let server = server(completion, |_| running(0)).await;
    let mut stream = progress(&server, clock, Duration::from_secs(600));
    let mut done = None;
    while let Some(step) = stream.next().await {
        if let Progress::Done(waited) = step.unwrap() {
            done = Some(waited);
            break;
        }
    }
    let done = done.unwrap();
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    assert_eq!(done.polls, 2);
    assert!(stream.next().await.is_none(), "the stream ends after Done");
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .filter(|r| r.url.path() == completion_path())
            .all(|r| r.url.query() == Some("maxWaitSeconds=30")),
        "each long poll asks for the full 30 s"
    );
}

/// Runs a progress wait of one simulated minute against a completion that
/// answers `completion` at once; returns the completion requests made.
async fn completions_in_a_minute(completion: ResponseTemplate) -> usize {
    let clock = Arc::new(ManualClock::default());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(completion_path()))
        .respond_with(completion)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/test-sessions/{SESSION_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(running(0)))
        .mount(&server)
        .await;
    let steps = collect(progress(&server, clock.clone(), Duration::from_secs(60))).await;
    let Some(Err(Error::WaitTimeout { polls, .. })) = steps.last() else {
        panic!("the minute ends the wait: {steps:?}")
    };
    let (completions, _) = counts(&server).await;
    assert_eq!(polls.to_owned() as usize, completions);
    assert!(clock.now() >= Duration::from_secs(60));
    completions
}

#[tokio::test]
async fn a_408_at_once_is_polled_at_most_once_a_second() {
    let completions = completions_in_a_minute(still_running()).await;
    assert!(
        completions <= 61,
        "{completions} completion requests in a minute"
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let completions =
        completions_in_a_minute(still_running().insert_header("retry-after", "20")).await;
    assert!(
        completions <= 4,
        "{completions} completion requests in a minute"
    );
}

/// The requests of a 10-minute simulated wait against a server holding each
/// long poll 30 s, with retrieves answering `body`, per minute.
async fn requests_per_minute(body: fn(u32) -> Value) -> f64 {
    let clock = Arc::new(ManualClock::default());
    let completion = Completion {
        clock: clock.clone(),
        hold: Duration::from_secs(30),
        done_after: Box::new(|| false),
    };
    let server = server(completion, body).await;
    let steps = collect(progress(&server, clock.clone(), Duration::from_secs(600))).await;
    assert!(
        matches!(steps.last(), Some(Err(Error::WaitTimeout { .. }))),
        "{:?}",
        steps.last()
    );
    let (completions, retrieves) = counts(&server).await;
    let minutes = clock.now().as_secs_f64() / 60.0;
    let per_minute = (completions + retrieves) as f64 / minutes;
    eprintln!(
        "{completions} long polls, {retrieves} retrieves in {minutes:.1} min: {per_minute:.1}/min"
    );
    per_minute
}

#[tokio::test]
async fn at_most_10_requests_a_minute_while_nothing_changes() {
    assert!(requests_per_minute(|_| running(0)).await <= 10.0);
}

#[tokio::test]
async fn at_most_10_requests_a_minute_while_everything_changes() {
    // A new result on every retrieve.
    let per_minute = requests_per_minute(|n| running(n as usize)).await;
    assert!(per_minute <= 10.0, "{per_minute}");
}

#[tokio::test]
async fn a_retrieve_that_shows_the_end_ends_the_wait_when_the_long_poll_cannot() {
    let clock = Arc::new(ManualClock::default());
    let completion = Completion {
        clock: clock.clone(),
        hold: Duration::ZERO,
        done_after: Box::new(|| false),
    };
    // Running for two retrieves, then passed.
    let server = server(completion, |n| {
        if n < 2 { running(1) } else { session("PASSED") }
    })
    .await;
    let steps = collect(progress(&server, clock, Duration::from_secs(600))).await;
    let Some(Ok(Progress::Done(done))) = steps.last() else {
        panic!("{steps:?}")
    };
    assert_eq!(done.value.status, TestSessionStatus::Passed);
    assert_eq!(done.value.results.len(), 1);
}
