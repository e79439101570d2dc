//! The examples in `examples/`, run against the bundled mock: their exit
//! codes and the lines they print. `cargo test` builds the examples beside
//! this test's own binary (`target/<profile>/examples/`); they are run from
//! there, and only built with `cargo run --example` when missing (another
//! cargo invocation would rebuild the dependencies with other features).
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use checkly_mock::{MockConfig, MockServer};

/// The example `name`, built by `cargo test`, if it is there.
fn built_example(name: &str) -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // target/<profile>/deps/examples-<hash> -> target/<profile>/examples/<name>
    let path = exe
        .parent()?
        .parent()?
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

/// The example `NAME` with `ARGS`, pointed at `server`.
async fn run(server: &MockServer, name: &str, args: &[&str]) -> (i32, String) {
    let mut cmd = match built_example(name) {
        Some(path) => Command::new(path),
        None => {
            let mut cargo = Command::new(env!("CARGO"));
            cargo
                .args(["run", "--quiet", "--manifest-path"])
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
                .args(["--example", name, "--"]);
            cargo
        }
    };
    cmd.args(args)
        .env("CHECKLY_API_URL", server.url())
        .env("CHECKLY_API_KEY", server.api_key())
        .env("CHECKLY_ACCOUNT_ID", server.account_id());
    let output: Output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.code().is_some(), "{stderr}");
    (output.status.code().unwrap(), format!("{stdout}{stderr}"))
}

async fn mock(history: usize) -> MockServer {
    let config = MockConfig::default()
        .with_speed(500.0)
        .with_history(history);
    MockServer::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trigger_and_wait_gates_on_the_verdict() {
    let server = mock(0).await;
    let (code, out) = run(&server, "trigger_and_wait", &["production"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: PASSED"), "{out}");
    assert_eq!(out.matches("\nPASSED ").count(), 7, "{out}");

    let (code, out) = run(&server, "trigger_and_wait", &["failing"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED Staging search API"), "{out}");
    assert!(out.contains("verdict: FAILED"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sessions_of_branch_lists_only_those() {
    // History: statuses cycle over 7, branches over 5; of the first 20
    // sessions, `main` has 0, 5, 10 and 15, of which 5 and 15 failed.
    let server = mock(20).await;
    let (code, out) = run(&server, "failed_sessions_of_branch", &["main"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 failed sessions on main"), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_many_check_sessions_reports_each() {
    let server = mock(0).await;
    let (code, out) = run(&server, "wait_many_check_sessions", &["production,api"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("triggered 2 check sessions"), "{out}");
    assert_eq!(out.matches("PASSED ").count(), 2, "{out}");

    let (code, out) = run(&server, "wait_many_check_sessions", &["failing"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED Staging search API"), "{out}");
}
