//! The request budget of following a test session, against checkly-mock in
//! real time, with a baseline measured in the same run:
//!
//! - **ours**: [`Waiter::progress`](checkly::Waiter::progress) with 30 s
//!   completion long polls, as `checkly trigger` follows;
//! - **baseline**: the follower the CLI had before, a 2 s completion poll
//!   and a retrieve after each, about 60 requests a minute.
//!
//! Both follow a session of the same five checks (5 s to 80 s) at once. The
//! targets (Checkly allows 600 requests a minute per account, so ten CI jobs
//! of one account must stay well under it):
//!
//! - ours averages at most 10 requests a minute, and at most 1/5 of the
//!   baseline's rate;
//! - the end is noticed within 0.5 s of the session's `stoppedAt`;
//! - each result is shown at most [`MAX_RETRIEVE_INTERVAL`] + 1 s after it
//!   finished.
//!
//! Run with `cargo bench --bench follow_budget` (about 90 s). Also prints
//! `BENCH name=value unit` lines for `cargo xtask bench`. Exits non-zero when
//! a target is missed.

use std::collections::HashMap;
use std::time::Duration;

use checkly::types::{
    TestSessionResult, TestSessionStatus, TriggerTestSessionRequest,
    TriggerTestSessionRequestTarget,
};
use checkly::{Client, MAX_RETRIEVE_INTERVAL, Progress};
use checkly_mock::{Behaviour, Catalog, CheckDef, MockConfig, MockServer};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use uuid::Uuid;

/// The checks: how long each runs, in seconds.
const DURATIONS: [f64; 5] = [5.0, 20.0, 40.0, 60.0, 80.0];

/// What following one session cost and how late it showed things.
#[derive(Debug, Default)]
struct Followed {
    /// When each FINAL result was first seen, by result id.
    seen: HashMap<Uuid, DateTime<Utc>>,
    /// When the end was seen.
    ended: Option<DateTime<Utc>>,
}

fn catalog() -> Catalog {
    Catalog {
        checks: DURATIONS
            .iter()
            .enumerate()
            .map(|(i, seconds)| CheckDef {
                id: Uuid::from_u128(0xbe4c_0000_0000_4000_8000_0000_0000_0000 + i as u128),
                name: format!("Check of {seconds} s"),
                check_type: "API".into(),
                tags: vec!["budget".into()],
                activated: true,
                behaviour: Behaviour::Pass,
                duration_seconds: *seconds,
            })
            .collect(),
    }
}

async fn trigger(client: &Client) -> Uuid {
    let mut request = TriggerTestSessionRequest::new("Budget", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![vec!["budget".into()]],
        ..TriggerTestSessionRequestTarget::default()
    });
    client
        .trigger_test_session(&request)
        .await
        .expect("the mock triggers")
        .test_session_id
}

fn note(followed: &mut Followed, results: &[TestSessionResult]) {
    let now = Utc::now();
    for result in results {
        let finished = result.result_type != Some(checkly::types::ResultType::Pending)
            && result.status != TestSessionStatus::Running;
        if finished {
            followed
                .seen
                .entry(result.test_session_result_id)
                .or_insert(now);
        }
    }
}

/// Follows as `checkly trigger` does.
async fn follow_ours(client: Client, id: Uuid) -> Followed {
    let mut followed = Followed::default();
    let mut progress = client
        .wait_for_test_session(id)
        .poll_seconds(30)
        .progress(Duration::from_secs(300));
    while let Some(step) = progress.next().await {
        match step.expect("following works") {
            Progress::Update(now) => note(&mut followed, &now.results),
            Progress::Done(done) => {
                note(&mut followed, &done.value.results);
                followed.ended = Some(Utc::now());
            }
        }
    }
    followed
}

/// Follows as the CLI did before: a 2 s poll, then a retrieve, again.
async fn follow_baseline(client: Client, id: Uuid) -> Followed {
    let mut followed = Followed::default();
    loop {
        match client.await_test_session_completion(id, Some(2)).await {
            Ok(done) => {
                note(&mut followed, &done.results);
                followed.ended = Some(Utc::now());
                return followed;
            }
            Err(e) if e.status().map(|s| s.as_u16()) == Some(408) => {}
            Err(e) => panic!("baseline poll failed: {e}"),
        }
        let now = client.get_test_session(id).await.expect("retrieve works");
        note(&mut followed, &now.results);
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let failures = runtime.block_on(run());
    if failures > 0 {
        eprintln!("follow_budget: {failures} target(s) missed");
        std::process::exit(1);
    }
}

async fn run() -> usize {
    let server = MockServer::start(MockConfig::default().with_catalog(catalog()))
        .await
        .expect("the mock starts");
    let client = Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .build()
        .expect("a client");
    let ours_id = trigger(&client).await;
    let baseline_id = trigger(&client).await;
    let started = std::time::Instant::now();
    let (ours, baseline) = tokio::join!(
        follow_ours(client.clone(), ours_id),
        follow_baseline(client.clone(), baseline_id)
    );
    let wall = started.elapsed();
    let finished = client.get_test_session(ours_id).await.expect("retrieve");
    let requests = |id: Uuid| {
        server
            .received()
            .iter()
            .filter(|r| r.path.contains(&id.to_string()))
            .count()
    };
    let per_minute = |id: Uuid| requests(id) as f64 * 60.0 / wall.as_secs_f64();
    let (ours_rate, baseline_rate) = (per_minute(ours_id), per_minute(baseline_id));
    let stopped = finished.stopped_at.expect("the session stopped");
    let end_latency = ours
        .ended
        .map(|at| (at - stopped).num_milliseconds())
        .unwrap_or(i64::MAX);
    let result_latency = finished
        .results
        .iter()
        .filter_map(|r| {
            Some((*ours.seen.get(&r.test_session_result_id)? - r.stopped_at?).num_milliseconds())
        })
        .max()
        .unwrap_or(i64::MAX);
    let seen_all = ours.seen.len() == DURATIONS.len() && baseline.seen.len() == DURATIONS.len();
    let max_result_ms = i64::try_from((MAX_RETRIEVE_INTERVAL + Duration::from_secs(1)).as_millis())
        .unwrap_or(i64::MAX);

    println!(
        "follow_budget: a session of {} checks over {:.0} s",
        DURATIONS.len(),
        wall.as_secs_f64()
    );
    println!(
        "  ours:     {} requests, {ours_rate:.1}/min",
        requests(ours_id)
    );
    println!(
        "  baseline: {} requests, {baseline_rate:.1}/min (2 s poll + retrieve)",
        requests(baseline_id)
    );
    println!("  ratio ours/baseline: {:.2}", ours_rate / baseline_rate);
    println!("  end noticed after: {end_latency} ms");
    println!("  slowest result shown after: {result_latency} ms");
    // For `cargo xtask bench`.
    println!("BENCH follow.ours={ours_rate:.2} req/min target<=10");
    println!("BENCH follow.baseline={baseline_rate:.2} req/min");
    println!(
        "BENCH follow.rate_ratio={:.4} x target<=0.2",
        ours_rate / baseline_rate
    );
    println!("BENCH follow.end_latency={end_latency} ms target<=500");
    println!("BENCH follow.result_latency={result_latency} ms target<={max_result_ms}");
    let checks = [
        (ours_rate <= 10.0, "ours <= 10 requests/min"),
        (ours_rate <= baseline_rate / 5.0, "ours <= baseline / 5"),
        ((0..=500).contains(&end_latency), "end noticed within 0.5 s"),
        (
            result_latency <= max_result_ms,
            "each result shown within MAX_RETRIEVE_INTERVAL + 1 s",
        ),
        (seen_all, "every result seen by both followers"),
    ];
    let mut failures = 0;
    for (ok, what) in checks {
        println!("  [{}] {what}", if ok { "ok" } else { "MISSED" });
        failures += usize::from(!ok);
    }
    failures
}
