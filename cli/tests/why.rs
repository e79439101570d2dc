//! Why a check failed, against the mock: under each check's live line, in
//! the JUnit, JSON and GitHub reports, in `test-sessions get` (and
//! `--result`), plus the artifacts of `--artifacts-dir` and the files GitHub
//! Actions reads.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{Mock, stderr, stdout};
use serde_json::Value;

const FAST: f64 = 100.0;

/// A fresh folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("checkly-why-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_failed_check_says_why_under_its_line() {
    let mock = Mock::start(FAST);
    let run = mock.run(&["trigger", "-t", "failing"]).code(1);
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().collect();
    let check = lines
        .iter()
        .position(|l| l.contains("FAILED Staging search API"))
        .unwrap_or_else(|| panic!("{err}"));
    // The assertion, the error group, then the job log's tail, indented under it.
    assert_eq!(
        lines[check + 1].trim(),
        "Assertion failed: STATUS_CODE EQUALS 200, got 503"
    );
    assert!(
        lines[check + 2].trim().starts_with("Known error since "),
        "{err}"
    );
    assert_eq!(lines[check + 3].trim(), "Log:");
    assert!(
        err.contains("ERROR Assertion failed: expected status code to equal 200, but got 503"),
        "{err}"
    );
    snapshot!("failing_stderr", err);
    // The list reporter on stdout gives the one line that says why.
    let out = stdout(&run);
    assert!(
        out.contains("    STATUS_CODE EQUALS 200, got 503\n"),
        "{out}"
    );
    // One detail request for the one failed result, none for anything else.
    let details: Vec<_> = mock
        .received()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.contains("/results/"))
        .collect();
    assert_eq!(details.len(), 1, "{details:?}");
}

#[test]
fn passing_checks_cost_no_detail_requests() {
    let mock = Mock::start(FAST);
    mock.run(&["trigger", "-t", "production"]).code(0);
    let details = mock
        .received()
        .into_iter()
        .filter(|r| r.path.contains("/results/") || r.path.contains("error-groups"))
        .count();
    assert_eq!(details, 0);
}

#[test]
fn github_reporter_writes_the_summary_step_summary_and_outputs() {
    let mock = Mock::start(FAST);
    let dir = scratch("github");
    let step_summary = dir.join("step-summary.md");
    std::fs::write(&step_summary, "earlier step\n").unwrap();
    let outputs = dir.join("outputs.txt");
    let run = mock
        .cmd(&["trigger", "-t", "staging", "--retries", "2", "-r", "github"])
        .current_dir(&dir)
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let markdown = read(&dir.join("checkly-github-report.md"));
    assert!(
        markdown.starts_with("## ❌ Test session \"Triggered Session\" FAILED"),
        "{markdown}"
    );
    assert!(
        markdown.contains("4 checks: 1 passed, 1 flaky, 1 degraded, 1 failed"),
        "{markdown}"
    );
    let failed_row = markdown
        .lines()
        .find(|l| l.contains("| Staging search API |"))
        .unwrap_or_else(|| panic!("{markdown}"));
    assert!(
        failed_row.contains("| FAILED (3 attempts) |"),
        "{failed_row}"
    );
    assert!(failed_row.contains("| eu-central-1 |"), "{failed_row}");
    assert!(
        failed_row.contains("[result](https://app.checklyhq.com/"),
        "{failed_row}"
    );
    assert!(
        failed_row.ends_with("| STATUS\\_CODE EQUALS 200, got 503 |"),
        "{failed_row}"
    );
    assert!(
        markdown.contains("| ⚠️ | Payments API | FLAKY (2 attempts) |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("<details><summary>Staging search API"),
        "{markdown}"
    );
    snapshot!("staging_github_markdown", markdown.clone());
    // Appended to the step summary, not replacing it.
    assert_eq!(read(&step_summary), format!("earlier step\n{markdown}"));
    let outputs = read(&outputs);
    let value = |key: &str| {
        outputs
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} in {outputs}"))
            .to_string()
    };
    assert_eq!(value("status"), "FAILED");
    assert_eq!(value("passed"), "1");
    assert_eq!(value("failed"), "1");
    assert_eq!(value("flaky"), "1");
    assert!(value("test-session-url").starts_with("https://app.checklyhq.com/test-sessions/"));
    let id = value("test-session-id");
    assert!(value("test-session-url").ends_with(&id));
    // The annotations still go to stdout.
    let annotations = String::from_utf8_lossy(&run.stdout);
    assert!(
        annotations.contains("::error title=Staging search API"),
        "{annotations}"
    );

    // CHECKLY_REPORTER_GITHUB_OUTPUT moves the file; no GITHUB_* set, no Actions files.
    let elsewhere = dir.join("reports/gh.md");
    let run = mock
        .cmd(&["trigger", "-t", "production", "-r", "github"])
        .current_dir(&dir)
        .env("CHECKLY_REPORTER_GITHUB_OUTPUT", &elsewhere)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(
        read(&elsewhere).starts_with("## ✅ "),
        "{}",
        read(&elsewhere)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn json_never_interleaves_with_another_reporter() {
    let mock = Mock::start(FAST);
    let dir = scratch("json");
    // Beside `list` on stdout: the official CLI's file.
    let run = mock
        .cmd(&["trigger", "-t", "production", "-r", "list,json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(!out.contains("schemaVersion"), "{out}");
    let report: Value = serde_json::from_str(&read(&dir.join("checkly-json-report.json"))).unwrap();
    assert_eq!(report["outcome"], "passed");
    // CHECKLY_REPORTER_JSON_OUTPUT, then --json-file (which implies -r json).
    let by_env = dir.join("env.json");
    let by_flag = dir.join("out/flag.json");
    let run = mock
        .cmd(&[
            "trigger",
            "-t",
            "production",
            "--json-file",
            by_flag.to_str().unwrap(),
        ])
        .current_dir(&dir)
        .env("CHECKLY_REPORTER_JSON_OUTPUT", &by_env)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(!by_env.exists());
    let report: Value = serde_json::from_str(&read(&by_flag)).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert!(String::from_utf8_lossy(&run.stdout).contains("7 checks: 7 passed"));
    // Alone on stdout, as before.
    let run = mock
        .run(&["trigger", "-t", "production", "-r", "json"])
        .code(0);
    let report: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(report["outcome"], "passed");
    // A file that cannot be written is a usage error before anything runs.
    let triggers = mock.received_matching("POST", "/trigger").len();
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "production",
            "--json-file",
            dir.to_str().unwrap(),
        ])
        .code(2);
    assert!(stderr(&run).contains("--json-file"), "{}", stderr(&run));
    assert_eq!(mock.received_matching("POST", "/trigger").len(), triggers);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn artifacts_of_failed_checks_are_downloaded_and_attached() {
    let mock = Mock::start(FAST);
    let dir = scratch("artifacts");
    let artifacts = dir.join("artifacts");
    let junit = dir.join("junit.xml");
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "failing",
            "--artifacts-dir",
            artifacts.to_str().unwrap(),
            "--junit-file",
            junit.to_str().unwrap(),
        ])
        .code(1);
    let folder = artifacts.join("Staging-search-API-eu-central-1");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["job.log", "screenshot.png", "trace.zip"]);
    // The files hold what the mock serves.
    assert!(read(&folder.join("job.log")).contains("Staging search API"));
    assert!(
        std::fs::metadata(folder.join("screenshot.png"))
            .unwrap()
            .len()
            > 0
    );
    let err = stderr(&run);
    assert!(
        err.contains("3 artifacts of failed checks written to"),
        "{err}"
    );
    // Each listed, with its type and size.
    let listed = format!(
        "Artifact: screenshot {}",
        folder.join("screenshot.png").display()
    );
    assert!(err.contains(&listed), "{err}");
    // JUnit points at each with the line CI viewers read.
    let xml = read(&junit);
    for name in &names {
        let line = format!("[[ATTACHMENT|{}]]", folder.join(name).display());
        assert!(xml.contains(&line), "{line} in {xml}");
    }
    // Only failed results' assets are fetched.
    let listed = mock
        .received()
        .into_iter()
        .filter(|r| r.path.ends_with("/assets"))
        .count();
    assert_eq!(listed, 1);
    // A file in the way is a usage error before anything runs.
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let run = mock
        .run(&[
            "trigger",
            "-t",
            "failing",
            "--artifacts-dir",
            file.to_str().unwrap(),
        ])
        .code(2);
    assert!(stderr(&run).contains("--artifacts-dir"), "{}", stderr(&run));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn test_sessions_get_says_why_and_shows_one_result_in_full() {
    let mock = Mock::start(FAST);
    let dir = scratch("get");
    let json = dir.join("r.json");
    mock.run(&[
        "trigger",
        "-t",
        "failing",
        "--json-file",
        json.to_str().unwrap(),
    ])
    .code(1);
    let report: Value = serde_json::from_str(&read(&json)).unwrap();
    let session = report["session"]["id"].as_str().unwrap().to_string();
    let result = report["results"][0]["resultId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = mock.run(&["test-sessions", "get", &session]).code(0);
    let out = stdout(&run);
    assert!(
        out.contains("    Assertion failed: STATUS_CODE EQUALS 200, got 503\n"),
        "{out}"
    );
    assert!(out.contains("Known error since"), "{out}");

    let run = mock
        .run(&["test-sessions", "get", &session, "--result", &result])
        .code(0);
    let out = stdout(&run);
    assert!(
        out.contains("Failed assertions:\n  STATUS_CODE EQUALS 200, got 503\n"),
        "{out}"
    );
    assert!(out.contains("Assets (3):"), "{out}");
    assert!(out.contains("Log (5 lines):"), "{out}");
    snapshot!("failing_result_in_full", out);

    let run = mock
        .run(&[
            "test-sessions",
            "get",
            &session,
            "--result",
            &result,
            "-o",
            "json",
        ])
        .code(0);
    let detail: Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(detail["id"], result.as_str());
    assert!(detail["apiCheckResult"]["assertions"].is_array());

    // An unknown result: the API's 404, exit 1.
    let run = mock
        .run(&[
            "test-sessions",
            "get",
            &session,
            "--result",
            "00000000-0000-4000-8000-000000000000",
        ])
        .code(1);
    assert!(stderr(&run).contains("404"), "{}", stderr(&run));
    std::fs::remove_dir_all(dir).unwrap();
}
