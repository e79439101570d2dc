//! Secrets, end to end: a canary API key and canary secret variables run
//! through every command, reporter and error path of the CLI against the
//! mock, with tracing at its loudest, and must never show up in anything the
//! process wrote — its standard output and error, and every file in the
//! directories it could write to (its current directory, the JUnit file's,
//! the GitHub Actions summary and output files).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use checkly_mock::{FaultKind, FaultRule, MockConfig};
use common::{Mock, code};
use serde_json::Value;

/// The API key the mock accepts and the CLI sends.
const CANARY_KEY: &str = "cu_CANARY_KEY_9f8e7d";
/// The value of `--secret-env TOKEN=…`.
const CANARY_SECRET: &str = "CANARY-SECRET-VALUE-5c4b";
/// The value of a variable read from `--secret-env-file`.
const CANARY_FILE_SECRET: &str = "CANARY-FILE-SECRET-3a2b";
/// Every canary, and distinctive pieces of them (a shortened or partly
/// masked print would still show these).
const CANARIES: &[&str] = &[
    CANARY_KEY,
    "CANARY_KEY_9f8e7d",
    CANARY_SECRET,
    "SECRET-VALUE-5c4b",
    CANARY_FILE_SECRET,
    "FILE-SECRET-3a2b",
];

/// Speed of the mock: the demo's checks end within milliseconds.
const SPEED: f64 = 500.0;
/// No single run may take longer than this.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// A fresh directory tree for one run: `cwd/` (the process's current
/// directory), `out/` (JUnit file, GitHub files) and `in/` (the secret env
/// file, which holds the canary on purpose and so is not scanned).
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!(
            "checkly-secrets-{}-{n}-{label}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        for sub in ["cwd", "out", "in"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        std::fs::write(
            root.join("in/secrets.env"),
            format!("FILE_TOKEN={CANARY_FILE_SECRET}\n"),
        )
        .unwrap();
        Self { root }
    }

    fn cwd(&self) -> PathBuf {
        self.root.join("cwd")
    }

    fn out(&self, name: &str) -> PathBuf {
        self.root.join("out").join(name)
    }

    fn secret_file(&self) -> String {
        self.root
            .join("in/secrets.env")
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// Every file under `cwd/` and `out/`, with its contents as text.
    fn written_files(&self) -> Vec<(PathBuf, String)> {
        let mut files = Vec::new();
        for dir in [self.root.join("cwd"), self.root.join("out")] {
            collect_files(&dir, &mut files, 0);
        }
        files
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn collect_files(dir: &Path, files: &mut Vec<(PathBuf, String)>, depth: usize) {
    assert!(depth < 8, "directory tree too deep at {}", dir.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, files, depth + 1);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

/// What one run left behind.
struct Run {
    args: Vec<String>,
    output: Output,
    files: Vec<(PathBuf, String)>,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn code(&self) -> i32 {
        code(&self.output)
    }

    /// Fails if any canary is anywhere in what the run wrote.
    fn assert_no_canary(&self) {
        let mut places = vec![
            ("stdout".to_owned(), self.stdout()),
            ("stderr".to_owned(), self.stderr()),
        ];
        places.extend(
            self.files
                .iter()
                .map(|(path, text)| (path.display().to_string(), text.clone())),
        );
        for (place, text) in &places {
            for canary in CANARIES {
                assert!(
                    !text.contains(canary),
                    "{:?}: {canary} leaked into {place}:\n{text}",
                    self.args
                );
            }
        }
    }

    /// Fails unless the run exited with `expected` and said something.
    fn assert_ran(&self, expected: i32) {
        assert_eq!(
            self.code(),
            expected,
            "{:?}\nstdout: {}\nstderr: {}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        assert!(
            !self.stdout().is_empty() || !self.stderr().is_empty(),
            "{:?} wrote nothing",
            self.args
        );
    }
}

/// A mock that accepts the canary key.
fn canary_mock() -> Mock {
    Mock::with_config(
        MockConfig::default()
            .with_speed(SPEED)
            .with_api_key(CANARY_KEY),
    )
}

/// Runs `checkly ARGS` against `mock` with the canary key, `-v` and
/// `RUST_LOG=trace`, GitHub Actions' file variables pointing into the
/// sandbox, and the sandbox's `cwd/` as current directory. `{secrets}` in
/// an argument is replaced by the secret env file's path, `{out}` by the
/// sandbox's `out/` directory.
fn run_in(mock: &Mock, sandbox: &Sandbox, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
    let out_dir = sandbox.root.join("out");
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{secrets}", &sandbox.secret_file())
                .replace("{out}", out_dir.to_str().unwrap())
        })
        .collect();
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = mock.cmd(&arg_refs);
    cmd.env("CHECKLY_API_KEY", CANARY_KEY)
        .env("RUST_LOG", "trace")
        .env("GITHUB_STEP_SUMMARY", sandbox.out("step-summary.md"))
        .env("GITHUB_OUTPUT", sandbox.out("github-output.txt"))
        .current_dir(sandbox.cwd());
    for (key, value) in extra_env {
        cmd.env(key, value);
    }
    let output = assert_cmd::Command::from_std(cmd)
        .timeout(RUN_TIMEOUT)
        .output()
        .unwrap();
    Run {
        args,
        output,
        files: sandbox.written_files(),
    }
}

/// The secret flags every trigger gets.
fn with_secrets<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend([
        "-v",
        "-e",
        "PLAIN=visible-value",
        "--secret-env",
        "TOKEN=CANARY-SECRET-VALUE-5c4b",
        "--secret-env-file",
        "{secrets}",
    ]);
    all
}

/// Asserts that the mock got the canaries as secret variables in every
/// trigger body it saw since the last clear, and at least one trigger.
fn assert_secrets_were_sent(mock: &Mock) {
    let triggers = mock.received_matching("POST", "/v1/test-sessions/trigger");
    assert!(!triggers.is_empty(), "no trigger reached the mock");
    for trigger in &triggers {
        let vars = trigger.body["environmentVariables"].as_array().unwrap();
        for (key, value) in [("TOKEN", CANARY_SECRET), ("FILE_TOKEN", CANARY_FILE_SECRET)] {
            let var = vars
                .iter()
                .find(|v| v["key"] == key)
                .unwrap_or_else(|| panic!("{key} not sent: {vars:?}"));
            assert_eq!(var["value"], value, "{var}");
            assert_eq!(var["secret"], Value::Bool(true), "{var}");
        }
        let plain = vars.iter().find(|v| v["key"] == "PLAIN").unwrap();
        assert_ne!(plain["secret"], Value::Bool(true), "{plain}");
    }
}

#[test]
fn every_reporter_keeps_the_secrets() {
    let mock = canary_mock();
    // production passes, failing fails with an error message, flaky and
    // degraded add the other result shapes.
    let tags = [
        "trigger",
        "-t",
        "production",
        "-t",
        "failing",
        "-t",
        "flaky",
        "-t",
        "degraded",
    ];
    let reporters: &[&[&str]] = &[
        &["-r", "list"],
        &["-r", "dot"],
        &["-r", "ci"],
        &["-r", "github"],
        &["-r", "json"],
        &["-r", "junit"],
        &["-r", "junit", "--junit-file", "{out}/junit.xml"],
        &[
            "-r",
            "list,dot,ci,github,json",
            "--junit-file",
            "{out}/all/junit.xml",
        ],
        // The JSON file, and the failed checks' artifacts downloaded.
        &[
            "-r",
            "list",
            "--json-file",
            "{out}/report.json",
            "--artifacts-dir",
            "{out}/artifacts",
        ],
    ];
    for reporter in reporters {
        mock.server.clear_received();
        let sandbox = Sandbox::new("reporter");
        let mut args = with_secrets(&tags);
        args.extend_from_slice(reporter);
        // CI and GITHUB_ACTIONS set, as in a workflow, for the reporters that
        // look at them.
        let run = run_in(
            &mock,
            &sandbox,
            &args,
            &[("CI", "true"), ("GITHUB_ACTIONS", "true")],
        );
        run.assert_ran(1);
        run.assert_no_canary();
        assert_secrets_were_sent(&mock);
        assert!(
            mock.received()
                .iter()
                .any(|r| r.method == "GET" && r.path.starts_with("/v1/test-sessions/")),
            "{reporter:?}: the run was not followed"
        );
        if reporter.contains(&"--junit-file") {
            let junit = run
                .files
                .iter()
                .find(|(path, _)| path.ends_with("junit.xml"))
                .unwrap_or_else(|| panic!("{reporter:?}: no JUnit file: {:?}", run.files));
            assert!(junit.1.contains("<testsuite"), "{}", junit.1);
            assert!(junit.1.contains("Staging search API"), "{}", junit.1);
        }
        if reporter.contains(&"--artifacts-dir") {
            let written = |suffix: &str| run.files.iter().any(|(p, _)| p.ends_with(suffix));
            assert!(written("report.json"), "{:?}", run.files);
            assert!(
                written("Staging-search-API-eu-central-1/job.log"),
                "{:?}",
                run.files
            );
        }
        if reporter != &["-r", "junit", "--junit-file", "{out}/junit.xml"] {
            assert!(!run.stdout().is_empty(), "{reporter:?}: empty report");
        }
        // Tracing was on: the requests were logged, headers and all.
        assert!(
            run.stderr().contains("TRACE") || run.stderr().contains("DEBUG"),
            "{reporter:?}: no tracing: {}",
            run.stderr()
        );
    }
}

#[test]
fn detached_and_timed_out_runs_keep_the_secrets() {
    let mock = canary_mock();
    let sandbox = Sandbox::new("detach");
    let run = run_in(
        &mock,
        &sandbox,
        &with_secrets(&["trigger", "-t", "production", "--detach"]),
        &[],
    );
    run.assert_ran(0);
    run.assert_no_canary();

    // The slow check takes 20 simulated seconds: at real speed the
    // one-second timeout hits first.
    let slow = Mock::with_config(
        MockConfig::default()
            .with_speed(1.0)
            .with_api_key(CANARY_KEY),
    );
    let sandbox = Sandbox::new("timeout");
    let run = run_in(
        &slow,
        &sandbox,
        &with_secrets(&[
            "trigger",
            "-t",
            "slow",
            "--timeout",
            "1",
            "--poll-seconds",
            "1",
            "-r",
            "json",
        ]),
        &[],
    );
    run.assert_ran(1);
    run.assert_no_canary();
    assert_secrets_were_sent(&mock);
    assert_secrets_were_sent(&slow);
}

#[test]
fn session_commands_keep_the_secrets() {
    let mock = canary_mock();
    let sandbox = Sandbox::new("sessions");
    let run = run_in(
        &mock,
        &sandbox,
        &with_secrets(&["trigger", "-t", "production", "-r", "json"]),
        &[],
    );
    run.assert_ran(0);
    assert_secrets_were_sent(&mock);
    let report: Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let id = report_session_id(&report);

    let commands: &[(&[&str], i32)] = &[
        (&["-v", "test-sessions", "list"], 0),
        (&["-v", "test-sessions", "list", "-o", "json"], 0),
        (&["-v", "test-sessions", "list", "--all", "--limit", "1"], 0),
        (&["-v", "test-sessions", "get", &id], 0),
        (&["-v", "test-sessions", "get", &id, "-o", "json"], 0),
        (&["-v", "test-sessions", "get", &id, "--watch"], 0),
        (
            &[
                "-v",
                "check-sessions",
                "trigger",
                "-t",
                "production",
                "--wait",
            ],
            0,
        ),
        (
            &[
                "-v",
                "check-sessions",
                "trigger",
                "-t",
                "failing",
                "--wait",
                "-o",
                "json",
            ],
            1,
        ),
    ];
    for (args, expected) in commands {
        let sandbox = Sandbox::new("session-command");
        let run = run_in(&mock, &sandbox, args, &[]);
        run.assert_ran(*expected);
        run.assert_no_canary();
    }
    // The listing really showed the session, and the check sessions really
    // ran.
    let sandbox = Sandbox::new("list-json");
    let run = run_in(
        &mock,
        &sandbox,
        &["test-sessions", "list", "-o", "json"],
        &[],
    );
    assert!(run.stdout().contains(&id), "{}", run.stdout());
    assert!(
        !mock
            .received_matching("POST", "/check-sessions/trigger")
            .is_empty()
    );
}

fn report_session_id(report: &Value) -> String {
    // Find the first string field named like a test session id, wherever
    // the report puts it.
    fn find(value: &Value) -> Option<String> {
        match value {
            Value::Object(map) => map
                .iter()
                .find_map(|(k, v)| match (k.as_str(), v) {
                    ("testSessionId" | "id", Value::String(s)) if s.len() == 36 => Some(s.clone()),
                    _ => None,
                })
                .or_else(|| map.values().find_map(find)),
            Value::Array(items) => items.iter().find_map(find),
            _ => None,
        }
    }
    find(report).unwrap_or_else(|| panic!("no session id in {report}"))
}

#[test]
fn error_paths_keep_the_secrets() {
    // The key is rejected: 401 from a mock that expects another key.
    let other = Mock::start(SPEED);
    let sandbox = Sandbox::new("401");
    let run = run_in(
        &other,
        &sandbox,
        &with_secrets(&["trigger", "-t", "production"]),
        &[],
    );
    run.assert_ran(1);
    assert!(run.stderr().contains("401"), "{}", run.stderr());
    run.assert_no_canary();
    // The mock saw the canary key, so the 401 was about it.
    let auth = other.received_matching("POST", "/v1/test-sessions/trigger");
    assert!(!auth.is_empty());

    let mock = canary_mock();
    // A wrong account id: 403.
    let sandbox = Sandbox::new("account");
    let run = run_in(
        &mock,
        &sandbox,
        &with_secrets(&[
            "trigger",
            "-t",
            "production",
            "--account-id",
            "22222222-2222-4222-8222-222222222222",
        ]),
        &[],
    );
    run.assert_ran(1);
    assert!(
        run.stderr().contains("403") || run.stderr().contains("401"),
        "{}",
        run.stderr()
    );
    run.assert_no_canary();
    assert_secrets_were_sent(&mock);

    // Faults on the trigger and on following it.
    let faults = [
        FaultRule::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .on("POST", "/v1/test-sessions/trigger"),
        FaultRule::new(FaultKind::Drop).on("POST", "/v1/test-sessions/trigger"),
        FaultRule::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .on("GET", "/v1/test-sessions/"),
        FaultRule::new(FaultKind::Drop).on("GET", "/v1/test-sessions/"),
        FaultRule::new(FaultKind::NotJson).on("GET", "/v1/test-sessions/"),
    ];
    for fault in faults {
        mock.server.clear_faults();
        mock.server.clear_received();
        mock.server.add_fault(fault.clone());
        let sandbox = Sandbox::new("fault");
        let run = run_in(
            &mock,
            &sandbox,
            &with_secrets(&["trigger", "-t", "production", "-r", "list,json"]),
            &[],
        );
        assert_ne!(run.code(), 0, "{fault:?}: {}", run.stderr());
        assert!(!run.stderr().is_empty(), "{fault:?}");
        run.assert_no_canary();
        assert_secrets_were_sent(&mock);
    }
    mock.server.clear_faults();

    // The same faults on the session commands.
    let sandbox = Sandbox::new("fault-list");
    mock.server
        .add_fault(FaultRule::new(FaultKind::Drop).on("GET", "/v1/test-sessions"));
    let run = run_in(&mock, &sandbox, &["-v", "test-sessions", "list"], &[]);
    run.assert_ran(1);
    run.assert_no_canary();
    mock.server.clear_faults();

    // Nothing listens on port 9.
    let sandbox = Sandbox::new("unreachable");
    let run = run_in(
        &mock,
        &sandbox,
        &with_secrets(&[
            "trigger",
            "-t",
            "production",
            "--api-url",
            "http://127.0.0.1:9",
        ]),
        &[],
    );
    run.assert_ran(1);
    run.assert_no_canary();
}

#[test]
fn usage_errors_keep_the_secrets() {
    let mock = canary_mock();
    let cases: &[&[&str]] = &[
        // An unknown flag after the secrets.
        &["trigger", "-t", "production", "--no-such-flag"],
        // A secret without `=`: clap must not echo it, nor our parser.
        &["trigger", "-t", "production", "--secret-env", CANARY_SECRET],
        &["trigger", "-t", "production", "-e", CANARY_SECRET],
        // A bad value elsewhere.
        &["trigger", "-t", "production", "-r", "nope"],
        // The key as a flag, with a bad flag next to it.
        &[
            "trigger",
            "--api-key",
            CANARY_KEY,
            "-t",
            "production",
            "--bogus",
        ],
    ];
    for case in cases {
        let sandbox = Sandbox::new("usage");
        let run = run_in(&mock, &sandbox, &with_secrets(case), &[]);
        run.assert_ran(2);
        run.assert_no_canary();
    }
    // Nothing was triggered.
    assert!(
        mock.received_matching("POST", "/v1/test-sessions/trigger")
            .is_empty()
    );
    // A secret env file that does not parse.
    let sandbox = Sandbox::new("bad-file");
    std::fs::write(
        sandbox.root.join("in/secrets.env"),
        format!("FILE_TOKEN={CANARY_FILE_SECRET}\nthis line is {CANARY_SECRET} broken\n"),
    )
    .unwrap();
    let run = run_in(
        &mock,
        &sandbox,
        &with_secrets(&["trigger", "-t", "production"]),
        &[],
    );
    assert_ne!(run.code(), 0, "{}", run.stderr());
    assert!(!run.stderr().is_empty());
    run.assert_no_canary();
}
