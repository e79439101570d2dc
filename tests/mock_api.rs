//! The newer operations of the library (result detail, assets, error groups,
//! v2 check sessions, many-waits, check-session cancel) against the bundled
//! mock (`checkly-mock`) and its demo catalog.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use checkly::types::{
    AssetManifestEntry, AssetType, CheckSessionStatus, CheckSessionsV2TriggerRequest,
    CheckSessionsV2TriggerRequestTarget, CheckSessionsV2TriggerResponse, ResultType, RetryStrategy,
    SingleRetry, TestSessionStatus, TriggerTestSessionRequest, TriggerTestSessionRequestTarget,
};
use checkly::{Client, Error};
use checkly_mock::{MockConfig, MockServer};
use common::start_mock;
use futures::{StreamExt, TryStreamExt};
use uuid::Uuid;

const STATUS_503: &str = "Assertion failed: expected status code to equal 200, but got 503";
const TIMEOUT: &str = "connect ETIMEDOUT 10.20.4.17:443";
const SEARCH_GROUP: &str = "e7700000-0000-4000-8000-000000000008";
const PAYMENTS_GROUP: &str = "e7700000-0000-4000-8000-00000000000a";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A test session on checks with any of `tags` (one OR group per tag).
fn any_of(tags: &[&str], retry: bool) -> TriggerTestSessionRequest {
    let mut request = TriggerTestSessionRequest::new("mock-api", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: tags.iter().map(|t| vec![t.to_string()]).collect(),
        ..Default::default()
    });
    if retry {
        request.retry_strategy = Some(RetryStrategy::SingleRetry(SingleRetry::default()));
    }
    request
}

/// V2 check sessions on checks with any of `tags`.
fn v2_any_of(tags: &[&str]) -> CheckSessionsV2TriggerRequest {
    CheckSessionsV2TriggerRequest {
        target: Some(CheckSessionsV2TriggerRequestTarget {
            match_tags: tags.iter().map(|t| vec![t.to_string()]).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The ids of the check sessions a v2 trigger started.
fn session_ids(started: &CheckSessionsV2TriggerResponse) -> Vec<Uuid> {
    started
        .sessions
        .iter()
        .map(|s| s.check_session_id)
        .collect()
}

/// Triggers a test session and waits for its end.
async fn finished(
    client: &Client,
    request: &TriggerTestSessionRequest,
) -> checkly::types::AwaitTestSessionCompletionResponse {
    let started = client.trigger_test_session(request).await.unwrap();
    client
        .wait_for_test_session(started.test_session_id)
        .wait(Duration::from_secs(60))
        .await
        .unwrap()
        .value
}

/// A folder under the system's temp dir, removed when dropped (also when
/// the test panics).
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path =
            std::env::temp_dir().join(format!("checkly-{label}-{}-{nanos}", std::process::id()));
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn failed_results_say_why_in_their_detail() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    // Without retries the flaky check fails too, on its request error.
    let done = finished(&client, &any_of(&["failing", "flaky"], false)).await;
    assert_eq!(done.status, TestSessionStatus::Failed);
    let failed: Vec<_> = done
        .results
        .iter()
        .filter(|r| {
            r.status == TestSessionStatus::Failed && r.result_type == Some(ResultType::Final)
        })
        .collect();
    let mut names: Vec<_> = failed.iter().filter_map(|r| r.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Payments API", "Staging search API"], "{done:?}");

    for result in failed {
        let detail = client
            .get_test_session_result(done.test_session_id, result.test_session_result_id)
            .await
            .unwrap();
        assert_eq!(detail.test_session_result_id, result.test_session_result_id);
        assert_eq!(detail.status, TestSessionStatus::Failed);
        assert!(detail.has_failures || detail.has_errors, "{detail:?}");
        assert_eq!(detail.name, result.name);
        let api = detail
            .api_check_result
            .as_ref()
            .expect("an API check's detail");
        let log = serde_json::to_string(api.job_log.as_ref().expect("a job log")).unwrap();
        match detail.name.as_deref() {
            Some("Staging search API") => {
                assert_eq!(api.request_error, None);
                let assertions = api.assertions.as_ref().expect("assertions");
                let status = assertions
                    .iter()
                    .find(|a| a["source"] == "STATUS_CODE")
                    .expect("a status-code assertion");
                assert_eq!(status["passed"], false, "{status:?}");
                assert_eq!(status["actual"], 503, "{status:?}");
                assert_eq!(status["target"], "200", "{status:?}");
                assert_eq!(api.response["status"], 503);
                assert!(log.contains(STATUS_503), "{log}");
                assert_eq!(
                    detail.error_group_ids,
                    [SEARCH_GROUP.parse::<Uuid>().unwrap()]
                );
            }
            Some("Payments API") => {
                assert_eq!(api.request_error.as_deref(), Some(TIMEOUT));
                assert!(log.contains(TIMEOUT), "{log}");
                assert_eq!(
                    detail.error_group_ids,
                    [PAYMENTS_GROUP.parse::<Uuid>().unwrap()]
                );
            }
            other => panic!("unexpected failed result {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_flaky_check_fails_an_attempt_then_passes() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let done = finished(&client, &any_of(&["flaky"], true)).await;
    assert_eq!(done.status, TestSessionStatus::Passed, "{done:?}");
    assert_eq!(done.results.len(), 2, "{done:?}");
    let of = |kind: ResultType| {
        let found: Vec<_> = done
            .results
            .iter()
            .filter(|r| r.result_type == Some(kind.clone()))
            .collect();
        assert_eq!(found.len(), 1, "{kind}: {done:?}");
        found[0].clone()
    };
    let attempt = of(ResultType::Attempt);
    let last = of(ResultType::Final);
    assert_eq!(attempt.status, TestSessionStatus::Failed);
    assert_eq!(last.status, TestSessionStatus::Passed);

    let attempt = client
        .get_test_session_result(done.test_session_id, attempt.test_session_result_id)
        .await
        .unwrap();
    let last = client
        .get_test_session_result(done.test_session_id, last.test_session_result_id)
        .await
        .unwrap();
    assert_eq!(attempt.result_type, Some(ResultType::Attempt));
    assert_eq!(attempt.attempts, 1);
    assert_eq!(
        attempt.api_check_result.unwrap().request_error.as_deref(),
        Some(TIMEOUT)
    );
    assert_eq!(last.result_type, Some(ResultType::Final));
    assert_eq!(last.status, TestSessionStatus::Passed);
    assert_eq!(last.attempts, 2);
    assert!(last.error_group_ids.is_empty());
    let api = last.api_check_result.unwrap();
    assert_eq!(api.request_error, None);
    assert_eq!(api.response["status"], 200);
    // Both results belong to one run, named by the FINAL result's id.
    assert_eq!(attempt.sequence_id, Some(last.test_session_result_id));
}

#[tokio::test]
async fn assets_filter_and_download() {
    let (server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    // The degraded browser check has every kind of asset, a video included.
    let done = finished(&client, &any_of(&["degraded"], false)).await;
    assert_eq!(done.results.len(), 1, "{done:?}");
    let result = &done.results[0];
    assert!(result.is_degraded, "{result:?}");
    let (session, id) = (done.test_session_id, result.test_session_result_id);

    let all = client.list_result_assets(session, id).send().await.unwrap();
    let mut names: Vec<_> = all.assets.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["job.log", "screenshot.png", "trace.zip", "video.webm"]
    );

    let shots = client
        .list_result_assets(session, id)
        .kind(AssetType::Screenshot)
        .send()
        .await
        .unwrap();
    assert!(!shots.assets.is_empty());
    assert!(
        shots
            .assets
            .iter()
            .all(|a| a.type_ == AssetType::Screenshot),
        "{shots:?}"
    );
    assert_eq!(shots.entries_returned, Some(shots.assets.len() as u64));

    let logs = client
        .list_result_assets(session, id)
        .name("*.log")
        .send()
        .await
        .unwrap();
    assert!(!logs.assets.is_empty());
    assert!(
        logs.assets
            .iter()
            .all(|a| a.name.ends_with(".log") && a.type_ == AssetType::Log),
        "{logs:?}"
    );

    let both = client
        .list_result_assets(session, id)
        .kind(AssetType::Screenshot)
        .kind(AssetType::Video)
        .send()
        .await
        .unwrap();
    let mut kinds: Vec<_> = both.assets.iter().map(|a| a.type_.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["screenshot", "video"]);

    // The screenshot, into memory.
    let shot = &shots.assets[0];
    let mut png = Vec::new();
    let written = client.download_asset(shot, &mut png).await.unwrap();
    assert_eq!(written, png.len() as u64);
    assert!(
        png.starts_with(PNG_SIGNATURE),
        "{:?}",
        &png[..png.len().min(16)]
    );

    // The video, to a file in a folder the download creates.
    let video: &AssetManifestEntry = all
        .assets
        .iter()
        .find(|a| a.type_ == AssetType::Video)
        .unwrap();
    let expected = direct_count(&server, &video.url).await;
    assert!(expected > 2 * 1024 * 1024, "{expected}");
    let dir = TempDir::new("mock-api-assets");
    let path = dir.0.join("nested").join(&video.name);
    let written = client.download_asset_to_file(video, &path).await.unwrap();
    assert_eq!(written, expected);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), expected);
    drop(dir);
    assert!(!path.exists());
}

/// The asset's size by a plain GET: its `Content-Length`, checked against
/// the bytes that come.
async fn direct_count(server: &MockServer, url: &str) -> u64 {
    let mut response = checkly::reqwest::Client::new()
        .get(url)
        .bearer_auth(server.api_key())
        .header("X-Checkly-Account", server.account_id())
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let declared = response.content_length().expect("a Content-Length");
    let mut counted = 0u64;
    while let Some(chunk) = response.chunk().await.unwrap() {
        counted += chunk.len() as u64;
    }
    assert_eq!(counted, declared);
    counted
}

#[tokio::test]
async fn error_groups_resolve_and_page_once_each() {
    let (server, client) =
        start_mock(MockConfig::default().with_speed(500.0).with_history(40)).await;
    let done = finished(&client, &any_of(&["failing", "flaky"], true)).await;
    let referenced: HashSet<Uuid> = done
        .results
        .iter()
        .filter(|r| r.status == TestSessionStatus::Failed)
        .flat_map(|r| r.error_group_ids.iter().copied())
        .collect();
    let expected: HashSet<Uuid> = [SEARCH_GROUP, PAYMENTS_GROUP]
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    assert_eq!(referenced, expected);
    for id in &referenced {
        let group = client.get_error_group(*id).await.unwrap();
        assert_eq!(group.id, *id);
        assert!(group.last_seen >= group.first_seen, "{group:?}");
        let raw = group.raw_error_message.as_deref();
        if id.to_string() == SEARCH_GROUP {
            assert_eq!(raw, Some(STATUS_503));
        } else {
            assert_eq!(raw, Some(TIMEOUT));
        }
    }
    let unknown = client.get_error_group(Uuid::nil()).await.unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));

    let one_page = client.list_error_groups().limit(100).send().await.unwrap();
    assert!(one_page.len() > 3, "{}", one_page.len());
    assert!(one_page.len() < 100, "the comparison needs one page");
    server.clear_received();
    let streamed: Vec<Uuid> = client
        .list_error_groups()
        .limit(1)
        .into_stream()
        .map_ok(|g| g.id)
        .try_collect()
        .await
        .unwrap();
    let unique: HashSet<_> = streamed.iter().collect();
    assert_eq!(unique.len(), streamed.len(), "a group came twice");
    assert_eq!(
        streamed,
        one_page.iter().map(|g| g.id).collect::<Vec<_>>(),
        "the same groups in the same order"
    );
    assert!(referenced.iter().all(|id| unique.contains(id)));
    // One request per group and a last, empty page.
    let pages = server
        .received()
        .iter()
        .filter(|r| r.path == "/v1/test-session-error-groups")
        .count();
    assert_eq!(pages, streamed.len() + 1);
}

#[tokio::test]
async fn v2_check_sessions_trigger_wait_many_and_get() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["production"]))
        .await
        .unwrap();
    // Checks 1-7; the deactivated check 12 does not run.
    assert_eq!(started.sessions.len(), 7, "{started:?}");
    let ids = session_ids(&started);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());

    let ended: Vec<_> = client
        .wait_for_check_sessions(ids.clone())
        .wait(Duration::from_secs(60))
        .collect()
        .await;
    let mut seen: HashMap<Uuid, usize> = HashMap::new();
    for (id, outcome) in &ended {
        *seen.entry(*id).or_default() += 1;
        let done = outcome.as_ref().unwrap();
        assert_eq!(done.value.check_session_id, *id);
        assert_eq!(done.value.status, CheckSessionStatus::Passed, "{id}");
        assert!(done.polls >= 1);
        assert!(!done.value.results.is_empty());
    }
    assert_eq!(seen.len(), ids.len(), "{seen:?}");
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    assert!(ids.iter().all(|id| seen.contains_key(id)));

    let one = client.get_check_session_v2(ids[0]).await.unwrap();
    assert_eq!(one.check_session_id, ids[0]);
    assert_eq!(one.status, CheckSessionStatus::Passed);
    assert!(one.stopped_at.is_some());
    let locations: HashSet<_> = one
        .results
        .iter()
        .map(|r| r.run_location.as_str())
        .collect();
    assert_eq!(locations, HashSet::from(["us-east-1", "eu-central-1"]));
    assert!(
        one.results
            .iter()
            .any(|r| r.result_type == Some(ResultType::Final) && !r.has_failures),
        "{one:?}"
    );

    let error = client
        .trigger_check_sessions_v2(&v2_any_of(&["no-such-tag"]))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
    assert!(
        error
            .api_error()
            .is_some_and(|e| e.message.contains("No matching checks")),
        "{error:?}"
    );
}

#[tokio::test]
async fn many_waits_share_one_deadline() {
    // At half speed the staging checks take 6 s and more.
    let (server, client) = start_mock(MockConfig::default().with_speed(0.5)).await;
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["staging"]))
        .await
        .unwrap();
    let ids = session_ids(&started);
    assert!(ids.len() >= 3, "{started:?}");
    server.clear_received();

    let max = Duration::from_millis(1500);
    let began = Instant::now();
    let ended: Vec<_> = client
        .wait_for_check_sessions(ids.clone())
        .poll_seconds(1)
        .wait(max)
        .collect()
        .await;
    let took = began.elapsed();
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(took >= max, "{took:?}");

    let mut seen = HashSet::new();
    let mut total_polls = 0;
    for (id, outcome) in ended {
        assert!(seen.insert(id), "{id} came twice");
        match outcome {
            Err(Error::WaitTimeout {
                elapsed,
                polls,
                max_wait,
            }) => {
                assert_eq!(max_wait, max);
                assert!(elapsed >= max, "{elapsed:?}");
                assert!(polls >= 2, "a 1 s poll ends before 1.5 s: {polls}");
                total_polls += polls;
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    assert_eq!(seen, ids.iter().copied().collect::<HashSet<_>>());
    let completions = server
        .received()
        .iter()
        .filter(|r| r.path.ends_with("/completion"))
        .count();
    assert_eq!(completions as u32, total_polls);
}

#[tokio::test]
async fn a_cancelled_check_session_ends_cancelled() {
    // At speed 1 the slow check runs for 20 s.
    let (_server, client) = start_mock(MockConfig::default().with_speed(1.0)).await;
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["slow"]))
        .await
        .unwrap();
    assert_eq!(started.sessions.len(), 1, "{started:?}");
    let id = started.sessions[0].check_session_id;

    let still_running = client
        .await_check_session_completion_v2(id, Some(1))
        .await
        .unwrap_err();
    assert_eq!(still_running.status().map(|s| s.as_u16()), Some(408));

    // An empty list would mean "cancel nothing"; it never reaches the server.
    let error = client
        .cancel_check_session(id, Some(vec![]))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");

    let began = Instant::now();
    client.cancel_check_session(id, None).await.unwrap();
    let done = client
        .wait_for_check_session_v2(id)
        .wait(Duration::from_secs(30))
        .await
        .unwrap();
    assert!(
        began.elapsed() < Duration::from_secs(15),
        "the wait ran to the check's end: {:?}",
        began.elapsed()
    );
    assert_eq!(done.value.status, CheckSessionStatus::Cancelled);
    assert_eq!(done.value.results.len(), 2, "{:?}", done.value);
    assert!(
        done.value
            .results
            .iter()
            .all(|r| r.is_cancelled && r.aborted && r.result_type == Some(ResultType::Final)),
        "{:?}",
        done.value
    );
    let again = client.get_check_session_v2(id).await.unwrap();
    assert_eq!(again.status, CheckSessionStatus::Cancelled);
}

/// `GET /v2/check-sessions/{id}` of a session still running: the spec lets
/// a running result's `resultType` be null (required, `nullable: true`).
#[tokio::test]
async fn a_running_v2_check_session_decodes() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(1.0)).await;
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["slow"]))
        .await
        .unwrap();
    let id = started.sessions[0].check_session_id;
    let running = client.get_check_session_v2(id).await;
    client.cancel_check_session(id, None).await.unwrap();
    let running = running.unwrap();
    assert_eq!(running.status, CheckSessionStatus::Started);
    assert_eq!(running.stopped_at, None);
}

/// A check session started on v1 has no `runSource`; v2 sends it as null
/// (required, `nullable: true` in the spec).
#[tokio::test]
#[allow(deprecated)]
async fn a_v1_check_session_reads_through_v2() {
    use checkly::types::{TriggerCheckSessionRequestPayload, TriggerCheckSessionTarget};
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let request = TriggerCheckSessionRequestPayload {
        target: Some(TriggerCheckSessionTarget {
            match_tags: vec![vec!["failing".into()]],
            check_id: vec![],
        }),
        refresh_cache: false,
    };
    let started = client.trigger_check_sessions(&request).await.unwrap();
    let id: Uuid = started.sessions[0].check_session_id.parse().unwrap();
    let done = client
        .wait_for_check_session_v2(id)
        .wait(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(done.value.status, CheckSessionStatus::Failed);
    let found = client.get_check_session_v2(id).await.unwrap();
    assert_eq!(found.status, CheckSessionStatus::Failed);
}

/// `Waiter::poll_seconds` documents that a value out of 1..=30 is a
/// `ValidationError` from `wait`, before any request.
#[tokio::test]
async fn poll_seconds_zero_is_rejected() {
    let (server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["failing"]))
        .await
        .unwrap();
    server.clear_received();
    let outcome = client
        .wait_for_check_session_v2(started.sessions[0].check_session_id)
        .poll_seconds(0)
        .wait(Duration::from_secs(60))
        .await;
    assert!(matches!(outcome, Err(Error::Validation(_))), "{outcome:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn check_results_say_why_a_check_session_failed() {
    let (_server, client) = start_mock(MockConfig::default().with_speed(500.0)).await;
    // Every demo check: passing, failing, flaky and degraded ones, of every type.
    let started = client
        .trigger_check_sessions_v2(&v2_any_of(&["production", "staging", "failing"]))
        .await
        .unwrap();
    let ids = session_ids(&started);
    let ended: Vec<_> = client
        .wait_for_check_sessions(ids)
        .wait(Duration::from_secs(60))
        .collect()
        .await;
    let mut explained = 0;
    for (_, outcome) in ended {
        let done = outcome.unwrap().value;
        for result in &done.results {
            let full = client
                .get_check_result(result.check_id, result.check_result_id)
                .await
                .unwrap();
            assert_eq!(
                full.id.as_deref(),
                Some(result.check_result_id.to_string().as_str())
            );
            assert_eq!(
                full.run_location.as_deref(),
                Some(result.run_location.as_str())
            );
            let failure = checkly::Failure::of_check_result(&full);
            if result.has_failures {
                explained += 1;
                let headline = failure.headline().unwrap_or_else(|| panic!("{full:?}"));
                if result.name == "Staging search API" {
                    assert_eq!(headline, "STATUS_CODE EQUALS 200, got 503");
                    // An API check result's log comes in phases.
                    assert!(
                        failure
                            .log
                            .iter()
                            .all(|l| l.phase.as_deref() == Some("request")),
                        "{failure:?}"
                    );
                    assert!(failure.log.iter().any(|l| l.message == STATUS_503));
                }
            } else {
                assert!(failure.is_empty(), "{} {failure:?}", result.name);
            }
        }
    }
    assert!(explained >= 2, "failed results: {explained}");
    // A result of another check: 404.
    let error = client
        .get_check_result(Uuid::nil(), Uuid::nil())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
}
