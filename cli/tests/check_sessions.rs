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

/// [`common::filters`] plus durations (`850ms`, `4.2s`, `2m 05s`).
fn filters_with_durations() -> Vec<(&'static str, &'static str)> {
    let mut filters = common::filters();
    filters.push((r"\b\d+m \d{2}s\b", "[DURATION]"));
    filters.push((r"\b\d+(\.\d+)?(ms|s)\b", "[DURATION]"));
    filters
}

/// Snapshot `$value` with [`filters_with_durations`] applied.
macro_rules! snapshot_timed {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ filters => filters_with_durations() }, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

/// Triggers check sessions for `tags` (no wait) and returns their ids in
/// trigger order.
fn trigger_ids(mock: &Mock, tags: &[&str]) -> Vec<String> {
    let mut args = vec!["check-sessions", "trigger"];
    for tag in tags {
        args.extend(["-t", tag]);
    }
    args.extend(["-o", "json"]);
    let run = mock.run(&args).code(0);
    let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
    out["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["checkSessionId"].as_str().unwrap().to_string())
        .collect()
}

/// The lines of `err` that report an ended session (not indented, with a mark).
fn session_lines(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with(['✔', '✖', '▲', '⊘', '…']))
        .collect()
}

#[test]
fn cancel_one_and_several() {
    let mock = Mock::start(1.0);
    let ids = trigger_ids(&mock, &["slow", "staging"]);
    assert_eq!(ids.len(), 4, "{ids:?}");

    let run = mock.run(&["check-sessions", "cancel", &ids[0]]).code(0);
    assert_eq!(
        stdout(&run),
        format!("Cancelled check session {}\n", ids[0])
    );
    let cancels = mock.received_matching("POST", "/cancel");
    assert_eq!(cancels.len(), 1);
    assert_eq!(
        cancels[0].path,
        format!("/v1/check-sessions/{}/cancel", ids[0])
    );
    let run = mock
        .run(&["check-sessions", "get", &ids[0], "-o", "json"])
        .code(0);
    let session: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(session["status"], "CANCELLED", "{session}");

    // Several, one of them unknown: the others are still cancelled.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let run = mock
        .run(&["check-sessions", "cancel", &ids[1], unknown, &ids[2]])
        .code(1);
    assert_eq!(
        stdout(&run),
        format!(
            "Cancelled check session {}\nCancelled check session {}\n",
            ids[1], ids[2]
        )
    );
    let err = stderr(&run);
    assert!(
        err.contains(&format!("error: could not cancel check session {unknown}"))
            && err.contains("404"),
        "{err}"
    );
    assert_eq!(mock.received_matching("POST", "/cancel").len(), 4);

    let run = mock
        .run(&["check-sessions", "cancel", &ids[3], unknown, "-o", "json"])
        .code(1);
    let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(out["cancelled"], serde_json::json!([ids[3]]), "{out}");
    assert_eq!(out["errors"][0]["checkSessionId"], unknown, "{out}");
    assert!(
        out["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("404"),
        "{out}"
    );
    let run = mock
        .run(&["check-sessions", "cancel", &ids[3], "-o", "json"])
        .code(0);
    let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(out.get("errors"), None, "{out}");

    // Bad ids, or none, are usage errors, before any request.
    let before = mock.received_matching("POST", "/cancel").len();
    let run = mock
        .run(&["check-sessions", "cancel", &ids[0], "not-a-uuid"])
        .code(2);
    assert!(stderr(&run).contains("not-a-uuid"), "{}", stderr(&run));
    mock.run(&["check-sessions", "cancel"]).code(2);
    assert_eq!(mock.received_matching("POST", "/cancel").len(), before);
}

#[test]
fn trigger_wait_reports_each_session_as_it_ends() {
    // Real time: the sessions end seconds apart, in a known order.
    let mock = Mock::start(1.0);
    let run = mock
        .run(&["check-sessions", "trigger", "-t", "api", "--wait"])
        .code(1);
    let err = stderr(&run);
    snapshot_timed!("trigger_wait_api_stderr", err.clone());
    snapshot!("trigger_wait_api_stdout", stdout(&run));
    let ended: Vec<&str> = session_lines(&err);
    assert_eq!(ended.len(), 4, "{err}");
    // The failed session's results are listed under it, with their links.
    let failed = err
        .lines()
        .position(|l| l.starts_with('✖'))
        .unwrap_or_else(|| panic!("{err}"));
    let under: Vec<&str> = err
        .lines()
        .skip(failed + 1)
        .take_while(|l| l.starts_with(' '))
        .collect();
    let results: Vec<&&str> = under.iter().filter(|l| !l.starts_with("     ")).collect();
    assert_eq!(results.len(), 2, "{err}");
    for line in &results {
        assert!(line.starts_with("    ✖ FAILED "), "{err}");
        assert!(line.contains("/results/"), "{err}");
    }
    // Each with why it failed, from the check result's detail.
    let why: Vec<&&str> = under
        .iter()
        .filter(|l| l.trim() == "Assertion failed: STATUS_CODE EQUALS 200, got 503")
        .collect();
    assert_eq!(why.len(), 2, "{err}");
}

#[test]
fn waited_sessions_say_why_in_json_and_junit() {
    let mock = Mock::start(100.0);
    let dir = std::env::temp_dir().join(format!("checkly-cs-junit-{}", std::process::id()));
    let junit = dir.join("cs.xml");
    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "-t",
            "staging",
            "--wait",
            "-o",
            "json",
            "--junit-file",
            junit.to_str().unwrap(),
        ])
        .code(1);
    let out: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let failures = out["failures"].as_array().unwrap();
    let search: Vec<&Value> = failures
        .iter()
        .filter(|f| f["verdict"] == "FAILED")
        .collect();
    assert_eq!(search.len(), 2, "{out}");
    assert_eq!(
        search[0]["failure"]["headline"],
        "STATUS_CODE EQUALS 200, got 503"
    );
    assert!(
        failures.iter().any(|f| f["verdict"] == "FLAKY"
            && f["failure"]["headline"] == "connect ETIMEDOUT 10.20.4.17:443"),
        "{out}"
    );
    let parsed =
        quick_junit::Report::deserialize_from_str(&std::fs::read_to_string(&junit).unwrap())
            .unwrap();
    assert_eq!(parsed.test_suites.len(), 4);
    assert_eq!(parsed.failures, 2);
    let search = parsed
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == "Staging search API")
        .unwrap();
    for case in &search.test_cases {
        match &case.status {
            quick_junit::TestCaseStatus::NonSuccess { message, .. } => assert_eq!(
                message.as_ref().unwrap().as_str(),
                "Staging search API failed: STATUS_CODE EQUALS 200, got 503"
            ),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
    let payments = parsed
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == "Payments API")
        .unwrap();
    assert!(
        payments.test_cases.iter().all(|c| matches!(
            &c.status,
            quick_junit::TestCaseStatus::Success { flaky_runs } if flaky_runs.len() == 1
        )),
        "{payments:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sessions_are_reported_while_the_others_still_run() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    // Public API health ends after 1.5 s, the Full regression suite after 20.
    let mock = Mock::start(1.0);
    let ids = trigger_ids(&mock, &["slow", "production,api"]);
    let started = Instant::now();
    let mut child = mock
        .cmd(&[
            "check-sessions",
            "wait",
            &ids[0],
            &ids[2],
            "--timeout",
            "60",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = BufReader::new(child.stderr.take().unwrap());
    let mut lines: Vec<(Duration, String)> = Vec::new();
    for line in err.lines() {
        lines.push((started.elapsed(), line.unwrap()));
    }
    let status = child.wait().unwrap();
    let total = started.elapsed();
    assert_eq!(status.code(), Some(0), "{lines:?}");
    let ended: Vec<&(Duration, String)> =
        lines.iter().filter(|(_, l)| l.starts_with('✔')).collect();
    assert_eq!(ended.len(), 2, "{lines:?}");
    assert!(ended[0].1.contains("Public API health"), "{lines:?}");
    assert!(ended[1].1.contains("Full regression suite"), "{lines:?}");
    assert!(
        ended[0].0 + Duration::from_secs(10) < total,
        "the first was reported as it ended, not at the end: {lines:?} in {total:?}"
    );
}

#[test]
fn trigger_wait_passing_set_exits_zero() {
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
    let err = stderr(&run);
    let ended = session_lines(&err);
    assert_eq!(ended.len(), 2, "{err}");
    assert!(ended.iter().all(|l| l.starts_with("✔ ")), "{err}");
    assert!(!err.contains("    "), "no result lines for passes: {err}");
}

#[test]
fn wait_for_several_ids() {
    let mock = Mock::start(100.0);
    let ids = trigger_ids(&mock, &["production,api", "failing"]);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let mut args = vec!["check-sessions", "wait"];
    args.extend(ids.iter().map(String::as_str));
    let run = mock.run(&args).code(1);
    let out = stdout(&run);
    assert_eq!(out.lines().count(), 4, "a header and three sessions: {out}");
    assert_eq!(out.matches("PASSED").count(), 2, "{out}");
    assert_eq!(out.matches("FAILED").count(), 1, "{out}");
    // The table is in the order given.
    for (line, id) in out.lines().skip(1).zip(&ids) {
        assert!(line.starts_with(id.as_str()), "{out}");
    }
    assert_eq!(session_lines(&stderr(&run)).len(), 3, "{}", stderr(&run));

    args.extend(["-o", "json"]);
    let run = mock.run(&args).code(1);
    let doc: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "{doc}");
    assert_eq!(doc.get("errors"), None, "{doc}");

    // The passing ones only: exit 0.
    let run = mock
        .run(&["check-sessions", "wait", &ids[0], &ids[1]])
        .code(0);
    assert_eq!(
        stdout(&run).matches("PASSED").count(),
        2,
        "{}",
        stdout(&run)
    );
}

#[test]
fn the_timeout_is_shared_and_reports_the_late_ones() {
    let mock = Mock::start(1.0);
    let ids = trigger_ids(&mock, &["slow", "production,api"]);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let slow = &ids[2];
    let run = mock
        .run(&["check-sessions", "get", slow, "-o", "json"])
        .code(0);
    let session: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(session["name"], "Full regression suite", "{session}");
    let started = std::time::Instant::now();
    let mut args = vec!["check-sessions", "wait", "--timeout", "8", "-o", "json"];
    args.extend(ids.iter().map(String::as_str));
    let run = mock.run(&args).code(1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "one deadline for all: {:?}",
        started.elapsed()
    );
    let err = stderr(&run);
    assert!(
        err.contains(&format!(
            "error: timed out waiting for check session {slow}: still not finished"
        )),
        "{err}"
    );
    assert_eq!(
        session_lines(&err).len(),
        2,
        "the two fast ones ended: {err}"
    );
    let doc: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{doc}");
    assert!(sessions.iter().all(|s| s["status"] == "PASSED"), "{doc}");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["checkSessionId"], slow.as_str(), "{doc}");
    assert_eq!(errors[0]["timedOut"], true, "{doc}");
}
