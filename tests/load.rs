//! The library under load, against the bundled mock in this process: many
//! sessions triggered and long-polled through one `Client`, ten thousand
//! list requests, memory that stays bounded, and rate limiting that slows
//! parallel waits without failing them. Each test is bounded by a timeout
//! so that it can never hang CI.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use checkly::types::{
    TestSessionStatus, TriggerTestSessionRequest, TriggerTestSessionRequestTarget,
};
use checkly::{Client, RetryConfig};
use checkly_mock::{FaultKind, FaultRule, MockConfig, MockServer};
use common::start_mock;
use futures::TryStreamExt;
use tokio::task::JoinSet;
use uuid::Uuid;

/// Sessions end within milliseconds of real time.
const SPEED: f64 = 500.0;
/// No test may take longer than this.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Each wait's own limit.
const WAIT: Duration = Duration::from_secs(60);
/// How many requests the mock's request log keeps (see its crate docs).
const REQUEST_LOG_LIMIT: usize = 10_000;

async fn bounded<F: Future<Output = ()>>(test: F) {
    tokio::time::timeout(TEST_TIMEOUT, test)
        .await
        .expect("the load test took longer than its timeout");
}

fn tagged(tags: &[&str], name: &str) -> TriggerTestSessionRequest {
    let mut request = TriggerTestSessionRequest::new(name, "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![tags.iter().map(|t| t.to_string()).collect()],
        ..Default::default()
    });
    request
}

/// How many test sessions the mock stores, counted through the API.
async fn stored_sessions(client: &Client) -> usize {
    let ids: Vec<String> = client
        .list_test_sessions()
        .limit(100)
        .into_paginator()
        .items()
        .map_ok(|entry| entry.id.to_string())
        .try_collect()
        .await
        .unwrap();
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "the listing repeated a session");
    ids.len()
}

/// Triggers `n` sessions concurrently; their ids, in no particular order.
async fn trigger_many(client: &Client, n: usize, tags: &'static [&'static str]) -> Vec<Uuid> {
    let mut tasks = JoinSet::new();
    for i in 0..n {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .trigger_test_session(&tagged(tags, &format!("load {i}")))
                .await
                .unwrap()
                .test_session_id
        });
    }
    let mut ids = Vec::with_capacity(n);
    while let Some(id) = tasks.join_next().await {
        ids.push(id.unwrap());
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sessions_trigger_and_long_poll_to_the_end_through_one_client() {
    bounded(async {
        let (server, client) = start_mock(MockConfig::default().with_speed(SPEED)).await;
        let before = stored_sessions(&client).await;

        let mut tasks = JoinSet::new();
        for i in 0..200 {
            let client = client.clone();
            tasks.spawn(async move {
                // Alternate a passing and a failing target: both must end.
                let (tags, expected): (&[&str], _) = if i % 2 == 0 {
                    (&["production"], TestSessionStatus::Passed)
                } else {
                    (&["failing"], TestSessionStatus::Failed)
                };
                let started = client
                    .trigger_test_session(&tagged(tags, &format!("load {i}")))
                    .await?;
                let done = client
                    .wait_for_test_session(started.test_session_id)
                    .wait(WAIT)
                    .await?;
                Ok::<_, checkly::Error>((started.test_session_id, expected, done.value))
            });
        }
        let mut ids = HashSet::new();
        while let Some(joined) = tasks.join_next().await {
            let (id, expected, done) = joined.unwrap().unwrap();
            assert_eq!(done.test_session_id, id);
            assert_eq!(done.status, expected, "{id}");
            assert!(done.stopped_at >= done.started_at, "{id}");
            assert!(!done.results.is_empty(), "{id} has no results");
            assert!(ids.insert(id), "{id} came back twice");
        }
        assert_eq!(ids.len(), 200, "a session was lost");

        // Every one is stored, and final when asked again.
        assert_eq!(stored_sessions(&client).await, before + 200);
        for id in ids.iter().take(20) {
            let found = client.get_test_session(*id).await.unwrap();
            assert_ne!(found.status, TestSessionStatus::Running, "{id}");
        }
        assert_eq!(
            server
                .received()
                .iter()
                .filter(|r| r.method == "POST" && r.path == "/v1/test-sessions/trigger")
                .count(),
            200
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_list_requests_and_memory_stays_bounded() {
    bounded(async {
        let (server, client) =
            start_mock(MockConfig::default().with_speed(SPEED).with_history(60)).await;
        let before = stored_sessions(&client).await;
        assert_eq!(before, 60);

        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for task in 0..20u32 {
            let client = client.clone();
            tasks.spawn(async move {
                let mut seen = 0usize;
                for i in 0..500u32 {
                    // Small pages: the requests are the load, not the JSON.
                    let limit = 1 + (task + i) % 3;
                    let page = client
                        .list_test_sessions()
                        .limit(limit)
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("task {task}, request {i}: {e}"));
                    assert_eq!(page.entries.len(), limit as usize);
                    seen += page.entries.len();
                }
                seen
            });
        }
        let mut entries = 0;
        while let Some(seen) = tasks.join_next().await {
            entries += seen.unwrap();
        }
        assert!(entries >= 10_000, "{entries}");
        eprintln!("10 000 list requests in {:?}", started.elapsed());

        // Listing stores nothing, and the request log keeps its bound.
        assert_eq!(stored_sessions(&client).await, before);
        let log = server.received();
        assert_eq!(
            log.len(),
            REQUEST_LOG_LIMIT,
            "the request log must be full but not beyond its bound"
        );
        assert!(log.iter().all(|r| r.path == "/v1/test-sessions"));
        // The newest requests are the ones kept: the last are the listing
        // of `stored_sessions`, with a limit of 100.
        assert!(
            log.last().unwrap().query.contains("limit=100"),
            "{:?}",
            log.last()
        );

        // More sessions do not grow the log beyond its bound either.
        let ids = trigger_many(&client, 50, &["web"]).await;
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 50);
        assert_eq!(server.received().len(), REQUEST_LOG_LIMIT);
        assert_eq!(stored_sessions(&client).await, before + 50);
    })
    .await;
}

/// A client with the standard retries (which honour a `Retry-After` of up
/// to 20 s) but a short first backoff.
fn patient_client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

async fn wait_all(client: &Client, ids: &[Uuid]) -> Vec<Duration> {
    let mut tasks = JoinSet::new();
    for &id in ids {
        let client = client.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let done = client
                .wait_for_test_session(id)
                .wait(WAIT)
                .await
                .unwrap_or_else(|e| panic!("waiting for {id}: {e}"));
            assert_eq!(done.value.test_session_id, id);
            assert_ne!(done.value.status, TestSessionStatus::Running);
            (id, started.elapsed())
        });
    }
    let mut seen = HashSet::new();
    let mut elapsed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (id, took) = joined.unwrap();
        assert!(seen.insert(id));
        elapsed.push(took);
    }
    assert_eq!(seen.len(), ids.len());
    elapsed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_waits_finish_and_429s_slow_them_without_failing_them() {
    bounded(async {
        // Slow enough that the sessions are still running when the waits
        // start: the checks of `production` take up to 4 simulated seconds.
        let server = MockServer::start(MockConfig::default().with_speed(20.0))
            .await
            .unwrap();
        let client = patient_client(&server);

        // A hundred waits on one client.
        let ids = trigger_many(&client, 100, &["production"]).await;
        let plain = wait_all(&client, &ids).await;
        assert_eq!(plain.len(), 100);

        // Now the completion polls are rate limited, fifty times.
        let ids = trigger_many(&client, 100, &["production"]).await;
        server.clear_received();
        server.add_fault(
            FaultRule::new(FaultKind::Status {
                status: 429,
                retry_after: Some("1".to_owned()),
            })
            .on("GET", "/v1/test-sessions/*/completion")
            .times(50),
        );
        let limited = wait_all(&client, &ids).await;
        assert_eq!(limited.len(), 100);
        // The mock answered 50 of the polls with 429: at least 150 polls in
        // all, and the waits that were told to come back in a second did.
        let polls = server
            .received()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/completion"))
            .count();
        assert!(polls >= 150, "{polls} completion polls");
        let slowed = limited
            .iter()
            .filter(|took| **took >= Duration::from_secs(1))
            .count();
        assert!(slowed >= 50, "only {slowed} waits were slowed");
        // The rule is used up.
        let polls_before = polls;
        wait_all(&client, &ids[..10]).await;
        let polls_after = server
            .received()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/completion"))
            .count();
        assert_eq!(polls_after, polls_before + 10);
    })
    .await;
}
