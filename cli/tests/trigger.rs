//! `checkly trigger` against the mock: reporters, exit codes, the request it
//! sends, timeouts, and Ctrl+C.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::assert::OutputAssertExt;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use checkly_mock::{FaultKind, FaultRule};
use common::{Mock, checkly, code, stderr, stdout};
use serde_json::{Value, json};

const FAST: f64 = 100.0;

#[test]
fn production_passes_with_the_list_reporter() {
    let mock = Mock::start(FAST);
    let run = mock.run(&["trigger", "-t", "production"]).code(0);
    snapshot!("production_list_stdout", stdout(&run));
    let err = stderr(&run);
    assert!(
        err.contains("Triggered test session \"Triggered Session\" (7 checks) in eu-central-1"),
        "{err}"
    );
    assert_eq!(
        err.matches("✔ PASSED").count(),
        7,
        "each result is shown once: {err}"
    );
}

#[test]
fn a_failing_check_exits_one() {
    let mock = Mock::start(FAST);
    let run = mock.run(&["trigger", "-t", "failing"]).code(1);
    snapshot!("failing_list_stdout", stdout(&run));
    assert!(
        stderr(&run).contains("✖ FAILED Staging search API"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn no_matching_checks_exits_one_unless_told_otherwise() {
    let mock = Mock::start(FAST);
    let run = mock.run(&["trigger", "-t", "no-such-tag"]).code(1);
    assert!(
        stderr(&run).contains("error: no matching checks"),
        "{}",
        stderr(&run)
    );
    assert_eq!(stdout(&run), "No matching checks: nothing was run\n");

    let run = mock
        .run(&["trigger", "-t", "no-such-tag", "--no-fail-on-no-matching"])
        .code(0);
    assert!(
        stderr(&run).contains("warning: no matching checks"),
        "{}",
        stderr(&run)
    );
    // The last of --fail-on-no-matching / --no-fail-on-no-matching wins.
    mock.run(&[
        "trigger",
        "-t",
        "no-such-tag",
        "--no-fail-on-no-matching",
        "--fail-on-no-matching",
    ])
    .code(1);
    mock.run(&[
        "trigger",
        "-t",
        "no-such-tag",
        "--fail-on-no-matching",
        "--no-fail-on-no-matching",
    ])
    .code(0);
}

#[test]
fn dot_ci_and_github_reporters() {
    let mock = Mock::start(FAST);
    let run = mock
        .run(&["trigger", "-t", "staging", "--retries", "2", "-r", "dot"])
        .code(1);
    snapshot!("staging_dot_stdout", stdout(&run));
    let run = mock
        .run(&["trigger", "-t", "staging", "--retries", "2", "-r", "ci"])
        .code(1);
    snapshot!("staging_ci_stdout", stdout(&run));
    let run = mock
        .run(&["trigger", "-t", "staging", "--retries", "2", "-r", "github"])
        .code(1);
    let out = stdout(&run);
    snapshot!("staging_github_stdout", out.clone());
    assert!(
        out.lines()
            .any(|l| l
                .starts_with("::error title=Staging search API (API%2C eu-central-1) FAILED::"))
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning title=Staging dashboard"))
    );
    let run = mock
        .run(&["trigger", "-t", "production", "-r", "github"])
        .code(0);
    assert!(
        stdout(&run).starts_with("::notice title=Checkly test session::"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn ci_is_the_default_reporter_under_ci() {
    let mock = Mock::start(FAST);
    let run = mock
        .cmd(&["trigger", "-t", "failing"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(code(&run), 1);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.starts_with("[FAIL] Staging search API | API | eu-central-1 | 2.0s | "),
        "{out}"
    );
}

#[test]
fn ci_is_detected_from_the_vendor_variables_too() {
    let mock = Mock::start(FAST);
    let reporter_line = |vars: &[(&str, &str)]| {
        let mut cmd = mock.cmd(&["trigger", "-t", "failing"]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let ci = "[FAIL] Staging search API";
    assert!(reporter_line(&[("GITHUB_ACTIONS", "true")]).starts_with(ci));
    assert!(reporter_line(&[("GITLAB_CI", "true")]).starts_with(ci));
    let local = reporter_line(&[("CI", "false")]);
    assert!(!local.starts_with(ci), "{local}");
    assert!(!reporter_line(&[]).starts_with(ci));
}

#[test]
fn json_report_follows_the_schema() {
    let mock = Mock::start(FAST);
    let run = mock
        .run(&["trigger", "-t", "staging", "--retries", "2", "-r", "json"])
        .code(1);
    let text = stdout(&run);
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["exitCode"], 1);
    assert_eq!(report["session"]["status"], "FAILED");
    assert_eq!(
        report["summary"],
        json!({"total": 4, "passed": 1, "flaky": 1, "degraded": 1, "failed": 1, "cancelled": 0})
    );
    let payments = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Payments API")
        .unwrap();
    assert_eq!(payments["attempts"], 2);
    assert_eq!(payments["status"], "PASSED");
    assert_eq!(payments["flaky"], true);
    assert_eq!(
        payments["failure"]["headline"],
        "connect ETIMEDOUT 10.20.4.17:443"
    );
    let failed = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Staging search API")
        .unwrap();
    let failure = &failed["failure"];
    assert_eq!(failure["detailError"], Value::Null);
    assert_eq!(
        failure["failedAssertions"][0],
        json!({"source": "STATUS_CODE", "property": null, "comparison": "EQUALS",
               "target": "200", "actual": "503"})
    );
    assert!(failure["logTail"].as_array().unwrap().len() <= 10);
    assert!(failure["logLines"].as_u64().unwrap() >= 1);
    assert_eq!(failure["errorGroups"][0]["new"], false);
    // A check that passed at once needs no explaining.
    let clean: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "PASSED" && r["flaky"] == false)
        .collect();
    assert_eq!(clean.len(), 1, "{report}");
    assert_eq!(clean[0]["failure"], Value::Null);
    snapshot!("staging_json_stdout", text);

    let run = mock
        .run(&[
            "trigger",
            "-t",
            "no-such-tag",
            "-r",
            "json",
            "--no-fail-on-no-matching",
        ])
        .code(0);
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(report["outcome"], "noMatchingChecks");
    assert_eq!(report["session"], Value::Null);
}

#[test]
fn junit_report_is_valid_xml_to_stdout_or_a_file() {
    let mock = Mock::start(FAST);
    let run = mock
        .run(&["trigger", "-t", "staging", "--retries", "2", "-r", "junit"])
        .code(1);
    let xml = stdout(&run);
    snapshot!("staging_junit_stdout", xml.clone());
    let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(parsed.test_suites.len(), 1);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.test_cases.len(), 4);
    assert_eq!(suite.failures, 1);
    let failed = suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str().starts_with("Staging search API"))
        .unwrap();
    match &failed.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } => {
            // The message says why; the body adds the error group and the link.
            let message = message.as_ref().unwrap().as_str();
            assert!(
                message.contains("after 3 attempts: STATUS_CODE EQUALS 200, got 503"),
                "{message}"
            );
            let description = description.as_ref().unwrap().as_str();
            assert!(
                description.contains("Result: https://app.checklyhq.com/test-sessions/"),
                "{description}"
            );
            assert!(description.contains("Known error since"), "{description}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }

    let dir = std::env::temp_dir().join(format!("checkly-cli-junit-{}", std::process::id()));
    let file = dir.join("nested/report.xml");
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "production",
            "--junit-file",
            file.to_str().unwrap(),
        ])
        .code(0);
    assert!(
        stdout(&run).contains("7 checks: 7 passed"),
        "list stays the default: {}",
        stdout(&run)
    );
    assert!(
        stderr(&run).contains("JUnit report written to"),
        "{}",
        stderr(&run)
    );
    let parsed =
        quick_junit::Report::deserialize_from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap();
    assert_eq!(parsed.test_suites[0].test_cases.len(), 7);
    assert_eq!(parsed.test_suites[0].failures, 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn several_reporters_at_once() {
    let mock = Mock::start(FAST);
    let run = mock
        .run(&["trigger", "-t", "failing", "-r", "dot,ci", "-r", "github"])
        .code(1);
    let out = stdout(&run);
    let dot = out.find("F\n").unwrap();
    let ci = out.find("[FAIL]").unwrap();
    let github = out.find("::error").unwrap();
    assert!(dot < ci && ci < github, "{out}");
}

#[test]
fn flaky_checks_pass_with_retries() {
    let mock = Mock::start(FAST);
    mock.run(&["trigger", "-t", "flaky"]).code(1);
    mock.run(&["trigger", "-t", "flaky", "--retries", "1"])
        .code(0);
    mock.run(&["trigger", "-t", "flaky", "--retry-strategy", "single-retry"])
        .code(0);
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "flaky",
            "--retry-strategy",
            "linear:max-retries=3,base-backoff=30,same-region=false",
        ])
        .code(0);
    let out = stdout(&run);
    assert!(out.contains("(flaky: passed on attempt 2)"), "{out}");
    assert!(out.contains("1 check: 1 flaky"), "{out}");
    // Why the first attempt failed, under the check's live line.
    assert!(
        stderr(&run).contains("Error: connect ETIMEDOUT"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn the_request_carries_every_flag() {
    let mock = Mock::start(FAST);
    let dir = std::env::temp_dir().join(format!("checkly-cli-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env_file = dir.join("vars.env");
    std::fs::write(
        &env_file,
        "# test\nexport FROM_FILE=1 # inline comment\nSHARED=file\nQUOTED=\"a\\tb\\n\\\"c\\\"\" # c\nLITERAL='x\\ny # z'\n",
    )
    .unwrap();
    mock.cmd(&[
        "trigger",
        "-t",
        "production,api",
        "--tags",
        "flaky",
        "--check-id",
        "dec0de00-0000-4000-8000-000000000001",
        "--location",
        "us-east-1",
        "-e",
        "SHARED=flag",
        "--env",
        "URL=https://x.test/?a=b",
        "--env-file",
        env_file.to_str().unwrap(),
        "-n",
        "Deploy 42",
        "--retry-strategy",
        "exponential:max-retries=2,max-duration=300,only-on=NETWORK_ERROR",
        "--refresh-cache",
        "--detach",
    ])
    .env("CHECKLY_REPO_BRANCH", "feature/x")
    .env("CHECKLY_REPO_SHA", "abc123")
    .env("CHECKLY_REPO_URL", "https://github.com/acme/shop")
    .env("CHECKLY_REPO_COMMIT_OWNER", "ada")
    .env("CHECKLY_REPO_COMMIT_MESSAGE", "Ship it")
    .env("CHECKLY_TEST_ENVIRONMENT", "staging")
    .assert()
    .code(0);
    std::fs::remove_dir_all(dir).unwrap();

    let triggers = mock.received_matching("POST", "/v1/test-sessions/trigger");
    assert_eq!(triggers.len(), 1);
    assert_eq!(
        triggers[0].body,
        json!({
            "name": "Deploy 42",
            "runLocation": "us-east-1",
            "target": {
                "matchTags": [["production", "api"], ["flaky"]],
                "checkId": ["dec0de00-0000-4000-8000-000000000001"],
                "allowDeactivated": false
            },
            "environmentVariables": [
                {"key": "FROM_FILE", "value": "1", "locked": false},
                {"key": "QUOTED", "value": "a\tb\n\"c\"", "locked": false},
                {"key": "LITERAL", "value": "x\\ny # z", "locked": false},
                {"key": "SHARED", "value": "flag", "locked": false},
                {"key": "URL", "value": "https://x.test/?a=b", "locked": false}
            ],
            "retryStrategy": {"type": "EXPONENTIAL", "maxRetries": 2, "maxDurationSeconds": 300, "onlyOn": ["NETWORK_ERROR"]},
            "refreshCache": true,
            "metadata": {
                "branchName": "feature/x",
                "commitId": "abc123",
                "repoUrl": "https://github.com/acme/shop",
                "commitOwner": "ada",
                "commitMessage": "Ship it",
                "environment": "staging"
            }
        })
    );
}

#[test]
fn defaults_and_ci_metadata() {
    let mock = Mock::start(FAST);
    mock.cmd(&[
        "trigger",
        "-t",
        "production",
        "-d",
        "--private-location",
        "my-dc",
    ])
    .env("GITHUB_SHA", "ghsha")
    .env("GITHUB_REF_NAME", "main")
    .env("GITHUB_SERVER_URL", "https://github.com")
    .env("GITHUB_REPOSITORY", "acme/shop")
    .env("GITHUB_ACTOR", "octocat")
    .assert()
    .code(0);
    let body = &mock.received_matching("POST", "/v1/test-sessions/trigger")[0].body;
    assert_eq!(body["name"], "Triggered Session");
    assert_eq!(body["runLocation"], "my-dc");
    assert_eq!(body.get("retryStrategy"), None);
    assert_eq!(
        body["metadata"],
        json!({"branchName": "main", "commitId": "ghsha", "repoUrl": "https://github.com/acme/shop", "commitOwner": "octocat"})
    );
    mock.run(&["trigger", "-t", "production", "-d", "--retries", "0"])
        .code(0);
    let body = &mock.received_matching("POST", "/v1/test-sessions/trigger")[1].body;
    assert_eq!(body["runLocation"], "eu-central-1");
    assert_eq!(
        body.get("retryStrategy"),
        Some(&serde_json::Value::Null),
        "--retries 0 sends null, as the official CLI does"
    );
}

#[test]
fn official_cli_invocations_parse_and_send_what_it_sends() {
    let mock = Mock::start(FAST);
    let a = "dec0de00-0000-4000-8000-000000000001";
    let b = "dec0de00-0000-4000-8000-000000000002";
    let run = mock
        .run(&[
            "trigger",
            "--check-id",
            &format!("{a},{b}"),
            "--retries",
            "5",
            "--record",
            "--no-record",
            "-c",
            "checkly.config.ts",
            "-d",
        ])
        .code(0);
    let err = stderr(&run);
    assert!(
        err.contains("note: --retries 5 is more than 3; using 3"),
        "{err}"
    );
    assert!(
        err.contains("note: --no-record has no effect here"),
        "{err}"
    );
    assert!(
        err.contains("note: --config checkly.config.ts is not read"),
        "{err}"
    );
    let body = &mock.received_matching("POST", "/v1/test-sessions/trigger")[0].body;
    assert_eq!(body["target"]["checkId"], json!([a, b]));
    assert_eq!(
        body["retryStrategy"],
        json!({"type": "FIXED", "maxRetries": 3, "baseBackoffSeconds": 0.0})
    );
    mock.run(&["trigger", "--check-id", a, "--record", "-d"])
        .code(0);
    let err = stderr(
        &mock
            .run(&["trigger", "--check-id", a, "--record", "-d"])
            .code(0),
    );
    assert!(!err.contains("note:"), "--record is the default: {err}");
}

#[test]
fn detach_does_not_wait() {
    let mock = Mock::start(1.0);
    let run = mock.run(&["trigger", "-t", "slow", "--detach"]).code(0);
    snapshot!("detach_list_stdout", stdout(&run));
    assert!(mock.received_matching("GET", "/completion").is_empty());
    let run = mock
        .run(&["trigger", "-t", "slow", "-d", "-r", "json"])
        .code(0);
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(
        (
            report["outcome"].as_str(),
            report["session"]["status"].as_str()
        ),
        (Some("detached"), Some("RUNNING"))
    );
}

#[test]
fn the_timeout_bounds_the_wait() {
    // At a tenth of real speed the `slow` session would take 200 s.
    let mock = Mock::start(0.1);
    let started = Instant::now();
    let run = mock
        .run(&["trigger", "-t", "slow", "--timeout", "1", "-r", "json"])
        .code(1);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stderr(&run).contains("error: timed out after 1 s"),
        "{}",
        stderr(&run)
    );
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(report["outcome"], "timedOut");
    assert_eq!(report["exitCode"], 1);
    assert_eq!(report["session"]["status"], "RUNNING");
    // Measured until now, not the API's last timeElapsed.
    assert!(
        report["session"]["durationMs"].as_u64().unwrap() >= 1000,
        "{report}"
    );
}

#[test]
fn junit_reports_why_a_run_failed() {
    let mock = Mock::start(0.1);
    let run = mock
        .run(&["trigger", "-t", "slow", "--timeout", "1", "-r", "junit"])
        .code(1);
    let parsed = quick_junit::Report::deserialize_from_str(&stdout(&run)).unwrap();
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.errors, 1, "{}", stdout(&run));
    assert_eq!(
        suite.test_cases[0].name.as_str(),
        "Full regression suite [eu-central-1]",
        "the unfinished check: {}",
        stdout(&run)
    );

    let run = mock
        .run(&["trigger", "-t", "no-such-tag", "-r", "junit"])
        .code(1);
    let parsed = quick_junit::Report::deserialize_from_str(&stdout(&run)).unwrap();
    let suite = &parsed.test_suites[0];
    assert_eq!((suite.tests, suite.errors), (1, 1), "{}", stdout(&run));
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "no-such-tag",
            "-r",
            "junit",
            "--no-fail-on-no-matching",
        ])
        .code(0);
    let parsed = quick_junit::Report::deserialize_from_str(&stdout(&run)).unwrap();
    assert_eq!(parsed.test_suites[0].tests, 0, "{}", stdout(&run));
}

#[test]
fn a_404_that_is_not_no_matching_checks_is_an_error() {
    let mock = Mock::start(FAST);
    // A wrong --api-url: the server answers 404 for an unknown route.
    let url = format!("{}/not-the-api", mock.server.url());
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "production",
            "--no-fail-on-no-matching",
            "--api-url",
            &url,
            "-r",
            "json",
        ])
        .code(1);
    let err = stderr(&run);
    assert!(
        err.starts_with("error: could not trigger the test session: Checkly answered 404"),
        "{err}"
    );
    assert!(!err.contains("no matching checks"), "{err}");
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(report["outcome"], "error");
    assert_eq!(report["exitCode"], 1);
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .starts_with("could not trigger the test session: Checkly answered 404"),
        "{report}"
    );

    let run = mock
        .run(&[
            "check-sessions",
            "trigger",
            "-t",
            "production",
            "--api-url",
            &url,
        ])
        .code(1);
    let err = stderr(&run);
    assert!(
        err.starts_with("error: could not trigger check sessions: Checkly answered 404"),
        "{err}"
    );
}

#[test]
fn errors_still_write_the_json_and_junit_reports() {
    let dir = std::env::temp_dir().join(format!("checkly-cli-error-{}", std::process::id()));
    let file = dir.join("report.xml");
    let json_file = dir.join("report.json");
    let run = checkly(&[
        "trigger",
        "--api-key",
        "k",
        "--account-id",
        "11111111-1111-4111-8111-111111111111",
        "--api-url",
        "http://127.0.0.1:9",
        "-r",
        "json,list",
        "--junit-file",
        file.to_str().unwrap(),
        "--json-file",
        json_file.to_str().unwrap(),
    ])
    .assert()
    .code(1);
    assert_eq!(
        stdout(&run),
        "",
        "the human reporters say nothing on an error"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert_eq!(report["outcome"], "error");
    assert_eq!(report["exitCode"], 1);
    assert_eq!(report["session"], Value::Null);
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("could not reach Checkly"),
        "{report}"
    );
    let parsed =
        quick_junit::Report::deserialize_from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap();
    assert_eq!(parsed.test_suites[0].errors, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_junit_files_exit_two_before_anything_runs() {
    let mock = Mock::start(FAST);
    let dir = std::env::temp_dir().join(format!("checkly-cli-badjunit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain_file = dir.join("a-file");
    std::fs::write(&plain_file, "").unwrap();
    let under_a_file = plain_file.join("report.xml");
    for path in ["", dir.to_str().unwrap(), under_a_file.to_str().unwrap()] {
        let run = mock
            .run(&["trigger", "-t", "production", "--junit-file", path])
            .code(2);
        assert!(
            stderr(&run).contains("--junit-file"),
            "{path:?}: {}",
            stderr(&run)
        );
        assert_eq!(stdout(&run), "", "{path:?}");
    }
    // A good path is left as it was until the report is written.
    let fresh = dir.join("sub/fresh.xml");
    mock.run(&[
        "trigger",
        "-t",
        "production",
        "-d",
        "--junit-file",
        fresh.to_str().unwrap(),
    ])
    .code(0);
    assert!(fresh.exists());
    std::fs::remove_dir_all(dir).unwrap();
    assert_eq!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .len(),
        1,
        "only the good run triggered"
    );
}

#[test]
fn secret_variables_are_sent_as_secrets_and_never_shown() {
    let mock = Mock::start(FAST);
    let dir = std::env::temp_dir().join(format!("checkly-cli-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secrets = dir.join("secrets.env");
    std::fs::write(
        &secrets,
        "DB_PASSWORD=\"hunter2-canary\nsecond line\"\nAPI_TOKEN=from-file\n",
    )
    .unwrap();
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "production",
            "-v",
            "-e",
            "PLAIN=visible",
            "--secret-env",
            "API_TOKEN=tok-canary",
            "--secret-env-file",
            secrets.to_str().unwrap(),
            "-r",
            "json",
        ])
        .code(0);
    std::fs::remove_dir_all(dir).unwrap();
    let body = &mock.received_matching("POST", "/v1/test-sessions/trigger")[0].body;
    assert_eq!(
        body["environmentVariables"],
        json!([
            {"key": "DB_PASSWORD", "value": "hunter2-canary\nsecond line", "locked": false, "secret": true},
            {"key": "PLAIN", "value": "visible", "locked": false},
            {"key": "API_TOKEN", "value": "tok-canary", "locked": false, "secret": true}
        ])
    );
    let shown = format!("{}{}", stdout(&run), stderr(&run));
    for canary in ["hunter2-canary", "tok-canary", "from-file"] {
        assert!(!shown.contains(canary), "{canary} shown: {shown}");
    }
}

#[test]
fn env_values_are_never_echoed() {
    let mock = Mock::start(FAST);
    for args in [
        &["trigger", "-t", "production", "-e", "TOKEN:s3cr3t"][..],
        &["trigger", "-t", "production", "--env=TOKEN:s3cr3t"][..],
        &["demo", "-t", "production", "-e", "TOKEN:s3cr3t"][..],
    ]
    .into_iter()
    .filter(|args| cfg!(feature = "demo") || args[0] != "demo")
    {
        let run = mock.run(args).code(2);
        let err = stderr(&run);
        assert!(
            err.ends_with(
                "error: invalid value for --env: expected KEY=VALUE (the value is not shown)\n"
            ),
            "{args:?}: {err}"
        );
        assert!(!err.contains("s3cr3t"), "{args:?}: {err}");
    }
    assert!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .is_empty()
    );
}

#[test]
fn timeouts_are_capped_in_every_command() {
    let id = "00000000-0000-4000-8000-000000000000";
    for command in [
        &["trigger"][..],
        &["demo"][..],
        &["test-sessions", "get", id][..],
        &["check-sessions", "trigger"][..],
        &["check-sessions", "wait", id][..],
    ]
    .into_iter()
    .filter(|command| cfg!(feature = "demo") || command[0] != "demo")
    {
        for (value, code_wanted) in [("86401", 2), ("18446744073709551615", 2), ("0", 2)] {
            let mut args = command.to_vec();
            args.extend(["--timeout", value]);
            let run = checkly(&args).assert().code(code_wanted);
            let err = stderr(&run);
            assert!(err.contains("--timeout"), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
        }
    }
    // The largest is fine.
    let mock = Mock::start(FAST);
    mock.run(&["trigger", "-t", "production", "--timeout", "86400"])
        .code(0);
}

#[test]
fn names_cannot_inject_lines() {
    let mock = Mock::start(FAST);
    let name = "Deploy\n::error title=x::injected\r\n\u{1b}[2Jgone";
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "failing",
            "-n",
            name,
            "-r",
            "list,dot,ci,github",
        ])
        .code(1);
    let (out, err) = (stdout(&run), stderr(&run));
    for line in out.lines().chain(err.lines()) {
        assert!(!line.starts_with("::error title=x"), "{out}{err}");
        assert!(!line.contains('\u{1b}') && !line.contains('\r'), "{line:?}");
    }
    assert!(
        out.contains(r"Deploy\n::error title=x::injected\r\n\u{1b}[2Jgone"),
        "{out}"
    );
}

#[test]
fn bad_flags_exit_two_naming_the_flag() {
    let mock = Mock::start(FAST);
    let cases: &[(&[&str], &str)] = &[
        (&["trigger", "--retries", "many"], "--retries"),
        (&["trigger", "-e", "NOEQUALS"], "--env"),
        (
            &[
                "trigger",
                "--retries",
                "1",
                "--retry-strategy",
                "single-retry",
            ],
            "--retry-strategy",
        ),
        (
            &["trigger", "--retry-strategy", "sometimes"],
            "--retry-strategy",
        ),
        (&["trigger", "--check-id", "not-a-uuid"], "--check-id"),
        (
            &["trigger", "--location", "x", "--private-location", "y"],
            "--private-location",
        ),
        (&["trigger", "-r", "xml"], "--reporter"),
        (&["trigger", "--timeout", "0"], "--timeout"),
        (&["trigger", "--no-such-flag"], "--no-such-flag"),
        // Caught by the library's validation before anything is sent:
        (
            &["trigger", "-t", "production", "-n", ""],
            "--test-session-name",
        ),
        (
            &["trigger", "-t", "production", "--location", ""],
            "--location",
        ),
        (
            &["trigger", "-t", "production", "--private-location", ""],
            "--private-location",
        ),
        (&["trigger", "-t", "production", "-e", "=value"], "--env"),
        (&["trigger", "-t", "production", "-e", "KEY="], "--env"),
        (
            &[
                "trigger",
                "-t",
                "production",
                "--retry-strategy",
                "fixed:max-retries=11",
            ],
            "--retry-strategy",
        ),
        (
            &[
                "trigger",
                "-t",
                "production",
                "--retry-strategy",
                "linear:max-duration=601",
            ],
            "--retry-strategy",
        ),
        (
            &["trigger", "--env-file", "/nonexistent/vars.env"],
            "--env-file",
        ),
    ];
    for (args, flag) in cases {
        let run = mock.run(args).code(2);
        let err = stderr(&run);
        assert!(
            err.contains(flag),
            "{args:?}: the message should name {flag}: {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("Error {"),
            "{args:?}: {err}"
        );
    }
    assert!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .is_empty(),
        "nothing was sent"
    );
}

#[test]
fn missing_or_bad_credentials() {
    let run = checkly(&["trigger", "-t", "production"]).assert().code(2);
    assert_eq!(
        stderr(&run),
        "error: missing --api-key: pass --api-key or set CHECKLY_API_KEY\n"
    );
    let run = checkly(&["trigger", "--api-key", "k"]).assert().code(2);
    assert!(stderr(&run).contains("--account-id"), "{}", stderr(&run));
    let run = checkly(&["trigger", "--api-key", "k", "--account-id", "nope"])
        .assert()
        .code(2);
    assert!(
        stderr(&run).contains("--account-id (CHECKLY_ACCOUNT_ID): must be a UUID"),
        "{}",
        stderr(&run)
    );
    let run = checkly(&[
        "trigger",
        "--api-key",
        "k",
        "--account-id",
        "11111111-1111-4111-8111-111111111111",
        "--api-url",
        "ftp://x",
    ])
    .assert()
    .code(2);
    assert!(stderr(&run).contains("--api-url"), "{}", stderr(&run));
}

#[test]
fn the_api_key_is_never_printed() {
    let mock = Mock::start(FAST);
    let secret = "cu_very_secret_key_123";
    for args in [
        &["trigger", "-t", "production", "-v"][..],
        &["-v", "test-sessions", "list"][..],
        &["check-sessions", "trigger", "-t", "production", "-v"][..],
    ] {
        let run = mock
            .cmd(args)
            .env("CHECKLY_API_KEY", secret)
            .assert()
            .code(1);
        let (out, err) = (stdout(&run), stderr(&run));
        assert!(err.contains("401"), "{args:?}: {err}");
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{args:?}: {out}{err}"
        );
    }
    let run = checkly(&["trigger", "--help"])
        .env("CHECKLY_API_KEY", secret)
        .assert()
        .code(0);
    assert!(!stdout(&run).contains(secret));
}

#[test]
fn errors_are_one_line_and_verbose_adds_the_causes() {
    // Nothing listens on port 9 of localhost.
    let args = [
        "trigger",
        "--api-key",
        "k",
        "--account-id",
        "11111111-1111-4111-8111-111111111111",
        "--api-url",
        "http://127.0.0.1:9",
    ];
    let run = checkly(&args).assert().code(1);
    let err = stderr(&run);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: could not trigger the test session: could not reach Checkly"),
        "{err}"
    );
    let mut verbose = args.to_vec();
    verbose.push("-v");
    let run = checkly(&verbose).assert().code(1);
    let err = stderr(&run);
    let mut lines = err.lines();
    let first = lines.next().unwrap();
    let causes: Vec<&str> = lines
        .filter_map(|l| l.strip_prefix("  caused by: "))
        .collect();
    assert!(!causes.is_empty(), "{err}");
    for cause in causes {
        assert!(!first.contains(cause), "repeated cause {cause:?}: {err}");
    }
}

/// Spawns `checkly trigger -t slow` against `mock` and returns once it has
/// triggered, with its stderr reader.
fn spawn_following(mock: &Mock) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = mock
        .cmd(&["trigger", "-t", "slow", "-r", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the CLI ended before triggering"
        );
        if line.starts_with("Triggered test session") {
            break;
        }
    }
    (child, err)
}

fn interrupt(child: &std::process::Child) {
    signal(child, "-INT");
}

fn signal(child: &std::process::Child, which: &str) {
    let status = Command::new("kill")
        .args([which, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigterm_cancels_the_session_reports_and_exits_one() {
    let mock = Mock::start(1.0);
    let (child, mut err) = spawn_following(&mock);
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "-TERM");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 1, "{rest}");
    assert!(rest.contains("cancelling the test session"), "{rest}");
    assert_eq!(mock.received_matching("POST", "/cancel").len(), 1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "cancelled");
    assert_eq!(report["session"]["status"], "CANCELLED");
}

#[test]
fn the_first_ctrl_c_cancels_the_session_and_keeps_reporting() {
    let mock = Mock::start(1.0);
    let (child, mut err) = spawn_following(&mock);
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 1, "{rest}");
    assert!(rest.contains("cancelling the test session"), "{rest}");
    let cancels = mock.received_matching("POST", "/cancel");
    assert_eq!(cancels.len(), 1, "one cancel request");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "cancelled");
    assert_eq!(report["session"]["status"], "CANCELLED");
    assert_eq!(report["results"][0]["status"], "CANCELLED");
    assert!(
        cancels[0]
            .path
            .contains(report["session"]["id"].as_str().unwrap())
    );
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let mock = Mock::start(1.0);
    let (child, mut err) = spawn_following(&mock);
    // The cancel hangs, so the session is still running at the second signal.
    mock.server.add_fault(
        FaultRule::new(FaultKind::Delay { millis: 10_000 }).on("POST", "/v1/test-sessions/"),
    );
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(300));
    let second = Instant::now();
    interrupt(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        second.elapsed() < Duration::from_secs(3),
        "the stalled cancel (10 s) is not awaited: {:?}",
        second.elapsed()
    );
    assert_eq!(code(&output), 1, "{rest}");
    assert!(rest.contains("error: interrupted"), "{rest}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "interrupted");
    assert_eq!(report["exitCode"], 1);
    assert_eq!(report["session"]["status"], "RUNNING");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .starts_with("interrupted"),
        "{report}"
    );
}

/// Spawns `checkly trigger -t slow -r json` against `mock`, whose trigger
/// stalls `stall_ms`, and returns once the trigger request has arrived.
fn spawn_triggering(mock: &Mock, stall_ms: u64) -> std::process::Child {
    mock.server.add_fault(
        FaultRule::new(FaultKind::Delay { millis: stall_ms })
            .on("POST", "/v1/test-sessions/trigger")
            .times(1),
    );
    let child = mock
        .cmd(&["trigger", "-t", "slow", "-r", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waiting = Instant::now();
    while mock
        .received_matching("POST", "/v1/test-sessions/trigger")
        .is_empty()
    {
        assert!(
            waiting.elapsed() < Duration::from_secs(20),
            "no trigger request"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    child
}

#[test]
fn ctrl_c_during_the_trigger_cancels_the_session_it_starts() {
    let mock = Mock::start(1.0);
    let child = spawn_triggering(&mock, 2_000);
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(code(&output), 1, "{err}");
    assert!(
        err.contains("cancelled as soon as the trigger answers"),
        "{err}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "cancelled", "{report}");
    let cancels = mock.received_matching("POST", "/cancel");
    assert_eq!(cancels.len(), 1, "one cancel request");
    assert!(
        cancels[0]
            .path
            .contains(report["session"]["id"].as_str().unwrap())
    );
}

#[test]
fn a_second_ctrl_c_during_the_trigger_exits_at_once() {
    let mock = Mock::start(1.0);
    let child = spawn_triggering(&mock, 10_000);
    let started = Instant::now();
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the stalled trigger (10 s) is not awaited: {:?}",
        started.elapsed()
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(code(&output), 1, "{err}");
    assert!(
        err.contains("error: interrupted (Ctrl+C twice) while triggering"),
        "{err}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "interrupted");
    assert_eq!(report["session"], Value::Null);
}

#[test]
fn a_completion_that_only_answers_408_at_once_is_polled_at_most_once_a_second() {
    let mock = Mock::start(FAST);
    mock.server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 408,
            retry_after: None,
        })
        .on("GET", "/v1/test-sessions/*/completion"),
    );
    let started = Instant::now();
    mock.run(&["trigger", "-t", "production"]).code(0);
    let elapsed = started.elapsed().as_secs_f64();
    let completions = mock.received_matching("GET", "/completion").len();
    let retrieves = mock
        .received()
        .into_iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.starts_with("/v1/test-sessions/")
                && !r.path.ends_with("/completion")
        })
        .count();
    eprintln!("{completions} completion requests and {retrieves} retrieves in {elapsed:.1} s");
    assert!(completions >= 1, "the long poll was asked");
    assert!(
        completions as f64 <= elapsed.ceil() + 1.0,
        "{completions} completion requests in {elapsed:.1} s"
    );
}

#[test]
fn a_trigger_without_an_answer_says_the_session_may_exist_and_is_not_resent() {
    let mock = Mock::start(FAST);
    // The connection closes after the request arrived, before any answer.
    mock.server.add_fault(
        FaultRule::new(FaultKind::Drop)
            .on("POST", "/v1/test-sessions/trigger")
            .times(1),
    );
    let run = mock.run(&["trigger", "-t", "production"]).code(1);
    let err = stderr(&run);
    assert!(
        err.starts_with("error: the trigger was sent but no answer came back, so the test session may have started (it was not sent again; look for it with `checkly test-sessions list`)"),
        "{err}"
    );
    assert!(!err.contains("could not reach Checkly"), "{err}");
    assert_eq!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .len(),
        1,
        "a trigger is never sent twice"
    );
}

#[test]
fn rerun_failed_triggers_only_the_checks_that_failed() {
    let mock = Mock::start(FAST);
    let first = mock
        .run(&["trigger", "-t", "staging", "-r", "json"])
        .code(1);
    let report: Value = serde_json::from_str(&stdout(&first)).unwrap();
    let earlier = report["session"]["id"].as_str().unwrap().to_string();
    let mut failed: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "FAILED")
        .map(|r| r["checkId"].as_str().unwrap())
        .collect();
    failed.sort_unstable();
    assert_eq!(failed.len(), 2, "{report}");

    let run = mock
        .run(&["trigger", "--rerun-failed", &earlier, "-d"])
        .code(0);
    assert!(
        stderr(&run).contains(&format!(
            "Rerunning the 2 checks that failed in test session {earlier}"
        )),
        "{}",
        stderr(&run)
    );
    let triggers = mock.received_matching("POST", "/v1/test-sessions/trigger");
    assert_eq!(triggers.len(), 2);
    let mut rerun: Vec<&str> = triggers[1].body["target"]["checkId"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    rerun.sort_unstable();
    assert_eq!(rerun, failed, "only the failed checks, degraded ones not");
    assert_eq!(triggers[1].body["target"].get("matchTags"), None);

    let passing = mock
        .run(&["trigger", "-t", "production", "-r", "json"])
        .code(0);
    let report: Value = serde_json::from_str(&stdout(&passing)).unwrap();
    let id = report["session"]["id"].as_str().unwrap().to_string();
    let run = mock.run(&["trigger", "--rerun-failed", &id]).code(0);
    assert!(
        stderr(&run).contains("nothing to rerun"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .len(),
        3
    );
    mock.run(&["trigger", "--rerun-failed", &id, "-t", "x"])
        .code(2);
}
