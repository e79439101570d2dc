//! `checkly check-sessions trigger|get|wait` against the mock.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Mock, stderr, stdout};
use serde_json::Value;

#[test]
fn trigger_lists_the_sessions() {
    let mock = Mock::start(100.0);
    let run = mock
        .run(&["check-sessions", "trigger", "-t", "production,api"])
        .code(0);
    let out = stdout(&run);
    assert!(out.starts_with("ID "), "{out}");
    assert_eq!(out.lines().count(), 3, "a header and two checks: {out}");
    assert!(
        stderr(&run).contains("Triggered 2 check sessions"),
        "{}",
        stderr(&run)
    );
    let body = &mock.received_matching("POST", "/v1/check-sessions/trigger")[0].body;
    assert_eq!(
        body["target"]["matchTags"],
        serde_json::json!([["production", "api"]])
    );
}

#[test]
fn trigger_wait_gates_on_the_results() {
    let mock = Mock::start(100.0);
    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "-t",
            "production,api",
            "--wait",
        ])
        .code(0);
    snapshot!("trigger_wait_production_stdout", stdout(&run));
    mock.run(&["check-sessions", "trigger", "-t", "failing", "--wait"])
        .code(1);
    let run = mock
        .run(&["check-sessions", "trigger", "-t", "no-such-tag"])
        .code(1);
    assert!(
        stderr(&run).contains("no matching checks"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn get_and_wait() {
    let mock = Mock::start(100.0);
    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "--check-id",
            "dec0de00-0000-4000-8000-000000000008",
            "-o",
            "json",
        ])
        .code(0);
    let triggered: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let id = triggered["sessions"][0]["checkSessionId"]
        .as_str()
        .unwrap()
        .to_string();

    let run = mock
        .run(&["check-sessions", "wait", &id, "--timeout", "30"])
        .code(1);
    assert!(stdout(&run).contains("FAILED"), "{}", stdout(&run));
    let run = mock
        .run(&["check-sessions", "get", &id, "-o", "json"])
        .code(0);
    let session: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(session["checkSessionId"], id.as_str());
    assert_eq!(session["status"], "FAILED");
    let run = mock.run(&["check-sessions", "get", &id]).code(0);
    snapshot!("get_failing_stdout", stdout(&run));
}

#[test]
fn wait_times_out() {
    let mock = Mock::start(1.0);
    let run = mock
        .run(&["check-sessions", "trigger", "-t", "slow", "-o", "json"])
        .code(0);
    let triggered: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let id = triggered["sessions"][0]["checkSessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = mock
        .run(&["check-sessions", "wait", &id, "--timeout", "1"])
        .code(1);
    assert!(
        stderr(&run).contains("still not finished"),
        "{}",
        stderr(&run)
    );
}
