//! The `checkly-mock` binary.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_checkly-mock");

#[test]
fn help_documents_every_flag_and_the_fault_syntax() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--host",
        "--port",
        "--api-key",
        "CHECKLY_MOCK_API_KEY",
        "--account-id",
        "--speed",
        "--checks",
        "--history",
        "--fault",
        "status:CODE",
        "retry-after",
        "delay:MILLIS",
        "drop",
        "truncated",
        "not-json",
        "unknown-enum",
        "extra-field",
        "html-error:CODE",
        "missing-field:NAME",
        "wrong-content-type",
        "rate-limit-reset:SECONDS",
        "redirect:LOCATION",
        "production",
        "failing",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
    let out = Command::new(BIN)
        .args(["--fault", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Kills the child process it holds when dropped, even if the test fails.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_and_prints_its_address() {
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--speed",
            "100",
            "--history",
            "5",
            "--api-key",
            "cli-key",
            "--fault",
            "GET:/v1/check-sessions=status:503x1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _child = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("checkly-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{url}{path}"))
            .bearer_auth("cli-key")
            .header("X-Checkly-Account", checkly_mock::DEFAULT_ACCOUNT_ID)
            .send()
    };
    let r = get("/v1/test-sessions").await.unwrap();
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["length"], 5);
    let r = get("/v1/check-sessions/00000000-0000-4000-8000-000000000000")
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let r = get("/v1/check-sessions/00000000-0000-4000-8000-000000000000")
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn loads_a_check_file() {
    let dir = std::env::temp_dir().join(format!("checkly-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"checks\": 3}").unwrap();
    let out = Command::new(BIN)
        .args(["--port", "0", "--checks"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid catalog"));
    let _ = std::fs::remove_dir_all(&dir);
}
