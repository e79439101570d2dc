//! `checkly demo` (the whole flow, offline, at the demo's own speed) and
//! `checkly mock`.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::assert::OutputAssertExt;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{checkly, code, stderr, stdout};

#[test]
fn demo_production_passes() {
    let run = checkly(&["demo", "-t", "production"]).assert().code(0);
    let err = stderr(&run);
    assert!(
        err.starts_with("Demo: running against the bundled mock API at http://127.0.0.1:"),
        "{err}"
    );
    assert_eq!(err.matches("✔ PASSED").count(), 7, "{err}");
    snapshot!("demo_production_stdout", stdout(&run));
}

#[test]
fn demo_failing_fails() {
    let run = checkly(&["demo", "-t", "failing", "-r", "ci"])
        .assert()
        .code(1);
    assert!(
        stdout(&run).starts_with("[FAIL] Staging search API"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn demo_ignores_real_credentials() {
    // Well-formed but wrong credentials and an API URL nothing listens on:
    // used, they would fail the run.
    let run = checkly(&[
        "demo",
        "-t",
        "production",
        "--api-key",
        "cu_wrong_key",
        "--account-id",
        "22222222-2222-4222-8222-222222222222",
        "--api-url",
        "http://127.0.0.1:9",
    ])
    .env("CHECKLY_API_KEY", "cu_other_wrong_key")
    .assert()
    .code(0);
    assert!(stdout(&run).contains("PASSED"), "{}", stdout(&run));
}

#[test]
fn demo_detach_does_not_suggest_following() {
    let run = checkly(&["demo", "-t", "production", "-d"])
        .assert()
        .code(0);
    let out = stdout(&run);
    assert!(!out.contains("test-sessions get"), "{out}");
    assert!(out.contains("stops when `checkly demo` exits"), "{out}");
}

#[test]
fn mock_serves_until_ctrl_c() {
    let mut child = checkly(&["mock", "--port", "0", "--speed", "100", "--history", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut vars = Vec::new();
    let mut line = String::new();
    while vars.len() < 3 {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the mock ended early"
        );
        if let Some(var) = line.trim().strip_prefix("export ") {
            let (k, v) = var.split_once('=').unwrap();
            vars.push((k.to_string(), v.to_string()));
        }
    }
    let mut cmd = checkly(&["test-sessions", "list", "-o", "json"]);
    cmd.envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let run = cmd.assert().code(0);
    let page: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);

    let mut cmd = checkly(&["trigger", "-t", "production"]);
    cmd.envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    cmd.assert().code(0);

    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn mock_rejects_a_bad_speed() {
    let output = checkly(&["mock", "--speed", "0"]).output().unwrap();
    assert_eq!(code(&output), 2);
}
