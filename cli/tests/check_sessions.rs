//! `checkly check-sessions trigger|get|wait` against the mock.
#![allow(clippy::unwrap_used)]

mod common;

use checkly_mock::{FaultKind, FaultRule};
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
    let body = &mock.received_matching("POST", "/v2/check-sessions/trigger")[0].body;
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

#[test]
fn trigger_json_has_the_same_shape_with_and_without_wait() {
    let mock = Mock::start(100.0);
    for wait in [false, true] {
        let mut args = vec![
            "check-sessions",
            "trigger",
            "--check-id",
            "dec0de00-0000-4000-8000-000000000008",
            "-o",
            "json",
        ];
        if wait {
            args.push("--wait");
        }
        let run = mock.run(&args).code(if wait { 1 } else { 0 });
        let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
        let sessions = out["sessions"]
            .as_array()
            .unwrap_or_else(|| panic!("{out}"));
        assert_eq!(sessions.len(), 1, "{out}");
        assert!(sessions[0]["checkSessionId"].is_string(), "{out}");
        assert_eq!(out.get("errors"), None, "{out}");
        if wait {
            assert_eq!(sessions[0]["status"], "FAILED", "{out}");
        }
    }
}

#[test]
fn trigger_wait_reports_every_session_when_one_wait_fails() {
    let mock = Mock::start(100.0);
    // The first completion poll (of one of the two sessions) answers 404.
    mock.server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 404,
            retry_after: None,
        })
        .on("GET", "/v2/check-sessions/")
        .times(1),
    );
    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "-t",
            "production,api",
            "--wait",
        ])
        .code(1);
    let out = stdout(&run);
    assert_eq!(out.lines().count(), 3, "a header and both checks: {out}");
    assert_eq!(out.matches("PASSED").count(), 1, "{out}");
    let err = stderr(&run);
    assert!(
        err.contains("error: waiting for check session ") && err.contains("404"),
        "{err}"
    );

    mock.server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 404,
            retry_after: None,
        })
        .on("GET", "/v2/check-sessions/")
        .times(1),
    );
    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "-t",
            "production,api",
            "--wait",
            "-o",
            "json",
        ])
        .code(1);
    let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(out["sessions"].as_array().unwrap().len(), 2, "{out}");
    let errors = out["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("404"),
        "{out}"
    );
}
