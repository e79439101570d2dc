//! `checkly test-sessions list|get|cancel` against the mock.
#![allow(clippy::unwrap_used)]

mod common;

use checkly_mock::MockConfig;
use common::{Mock, stderr, stdout};
use serde_json::Value;

fn with_history(n: usize) -> Mock {
    Mock::with_config(MockConfig::default().with_speed(100.0).with_history(n))
}

#[test]
fn list_shows_a_table_and_hints_at_the_next_page() {
    let mock = with_history(8);
    let run = mock.run(&["test-sessions", "list", "--limit", "5"]).code(0);
    let out = stdout(&run);
    assert!(out.starts_with("ID  "), "{out}");
    assert_eq!(out.lines().count(), 6, "a header and 5 sessions: {out}");
    snapshot!("list_table_stdout", out);
    assert!(
        stderr(&run).contains("More test sessions: pass --next-id "),
        "{}",
        stderr(&run)
    );
}

#[test]
fn list_json_follows_the_cursor_with_all() {
    let mock = with_history(12);
    let run = mock
        .run(&["test-sessions", "list", "--limit", "5", "-o", "json"])
        .code(0);
    let page: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(page["entries"].as_array().unwrap().len(), 5);
    let cursor = page["nextId"].as_str().unwrap().to_string();

    let run = mock
        .run(&[
            "test-sessions",
            "list",
            "--limit",
            "5",
            "--next-id",
            &cursor,
            "-o",
            "json",
        ])
        .code(0);
    let second: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_ne!(second["entries"][0]["id"], page["entries"][0]["id"]);

    let run = mock
        .run(&[
            "test-sessions",
            "list",
            "--limit",
            "5",
            "--all",
            "--output",
            "json",
        ])
        .code(0);
    let all: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(all["entries"].as_array().unwrap().len(), 12);
    assert_eq!(all["length"], 12);
    assert_eq!(
        mock.received_matching("GET", "/v1/test-sessions").len(),
        2 + 3
    );
}

#[test]
fn list_sends_every_filter() {
    let mock = with_history(10);
    mock.run(&[
        "test-sessions",
        "list",
        "--status",
        "failed,PASSED",
        "--status",
        "cancelled",
        "--branch",
        "main",
        "--branch",
        "release/2.3",
        "--user",
        "alice",
        "--provider",
        "api",
        "--provider",
        "GITHUB",
        "--no-users",
        "--search",
        "checkout",
        "--error-group-id",
        "eg-1",
        "--from",
        "2026-01-01T00:00:00Z",
        "--to",
        "1800000000",
        "--limit",
        "7",
    ])
    .code(0);
    let query = &mock.received_matching("GET", "/v1/test-sessions")[0].query;
    for part in [
        "statuses=FAILED",
        "statuses=PASSED",
        "statuses=CANCELLED",
        "branches=main",
        "branches=release%2F2.3",
        "users=alice",
        "providers=API",
        "providers=GITHUB",
        "noUsers=true",
        "textSearch=checkout",
        "errorGroupId=eg-1",
        "from=1767225600",
        "to=1800000000",
        "limit=7",
    ] {
        assert!(
            query.split('&').any(|p| p == part),
            "{part} missing from {query}"
        );
    }
}

#[test]
fn list_filters_work_against_the_history() {
    let mock = with_history(15);
    let run = mock
        .run(&[
            "test-sessions",
            "list",
            "--status",
            "failed",
            "--all",
            "-o",
            "json",
        ])
        .code(0);
    let all: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let entries = all["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries.iter().all(|e| e["status"] == "FAILED"),
        "{entries:?}"
    );
}

#[test]
fn list_input_errors_exit_two() {
    let mock = with_history(1);
    for (args, flag) in [
        (&["test-sessions", "list", "--search", "ab"][..], "--search"),
        (&["test-sessions", "list", "--limit", "101"][..], "--limit"),
        (
            &["test-sessions", "list", "--status", "maybe"][..],
            "--status",
        ),
        (
            &["test-sessions", "list", "--from", "yesterday"][..],
            "--from",
        ),
        (
            &["test-sessions", "list", "--all", "--next-id", "c_1"][..],
            "--next-id",
        ),
        (
            &["test-sessions", "list", "--provider", "gitlab"][..],
            "--provider",
        ),
    ] {
        let run = mock.run(args).code(2);
        assert!(stderr(&run).contains(flag), "{args:?}: {}", stderr(&run));
    }
}

#[test]
fn get_shows_a_session_as_a_table_or_json() {
    let mock = Mock::start(100.0);
    let id = mock.trigger(&["failing"]);
    let id = id.to_string();
    // Wait for the end through the CLI.
    let run = mock.run(&["test-sessions", "get", &id, "--watch"]).code(1);
    snapshot!("get_watch_failing_stdout", stdout(&run));
    assert!(
        stderr(&run).contains("✖ FAILED Staging search API"),
        "{}",
        stderr(&run)
    );

    let run = mock.run(&["test-sessions", "get", &id]).code(0);
    snapshot!("get_failing_stdout", stdout(&run));
    let run = mock
        .run(&["test-sessions", "get", &id, "-o", "json"])
        .code(0);
    let session: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(session["testSessionId"], id.as_str());
    assert_eq!(session["status"], "FAILED");
}

#[test]
fn get_watch_passes_for_passing_sessions() {
    let mock = Mock::start(100.0);
    let id = mock.trigger(&["production"]).to_string();
    mock.run(&["test-sessions", "get", &id, "--watch", "-o", "json"])
        .code(0);
}

#[test]
fn get_errors() {
    let mock = Mock::start(100.0);
    let run = mock.run(&["test-sessions", "get", "not-a-uuid"]).code(2);
    assert!(stderr(&run).contains("<ID>"), "{}", stderr(&run));
    let run = mock
        .run(&[
            "test-sessions",
            "get",
            "00000000-0000-4000-8000-000000000000",
        ])
        .code(1);
    let err = stderr(&run);
    assert!(err.starts_with("error: could not fetch test session 00000000-0000-4000-8000-000000000000: Checkly answered 404"), "{err}");
}

#[test]
fn cancel_cancels_all_or_some_results() {
    let mock = Mock::start(1.0);
    let id = mock.trigger(&["slow"]).to_string();
    let run = mock.run(&["test-sessions", "cancel", &id]).code(0);
    assert!(
        stderr(&run).contains(&format!("Cancelled test session {id}")),
        "{}",
        stderr(&run)
    );
    let cancels = mock.received_matching("POST", &format!("/v1/test-sessions/{id}/cancel"));
    assert_eq!(cancels.len(), 1);
    assert!(
        cancels[0].body.get("sequenceId").is_none(),
        "{:?}",
        cancels[0].body
    );
    let run = mock
        .run(&["test-sessions", "get", &id, "-o", "json"])
        .code(0);
    let session: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(session["status"], "CANCELLED");

    let id = mock.trigger(&["staging"]);
    let session = mock
        .runtime
        .block_on(mock.client().get_test_session(id))
        .unwrap();
    let sequence = session.results[0].test_session_result_id.to_string();
    let id = id.to_string();
    mock.run(&["test-sessions", "cancel", &id, "--sequence-id", &sequence])
        .code(0);
    let cancels = mock.received_matching("POST", &format!("/v1/test-sessions/{id}/cancel"));
    assert_eq!(cancels[0].body["sequenceId"][0], sequence.as_str());

    let run = mock
        .run(&[
            "test-sessions",
            "cancel",
            "00000000-0000-4000-8000-000000000000",
        ])
        .code(1);
    assert!(stderr(&run).contains("404"), "{}", stderr(&run));
}
