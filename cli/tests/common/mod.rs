//! Shared by the CLI's integration tests: a mock API on its own runtime, the
//! `checkly` binary with a clean environment, and output filters.
#![allow(dead_code, clippy::unwrap_used)]

use std::process::{Command, Output};

use assert_cmd::assert::{Assert, OutputAssertExt};
use checkly_mock::{MockConfig, MockServer, ReceivedRequest};

/// A mock server serving from a runtime of its own, so that tests can run
/// the binary synchronously.
pub struct Mock {
    pub server: MockServer,
    pub runtime: tokio::runtime::Runtime,
}

impl Mock {
    /// A mock with the demo catalog at `speed`.
    pub fn start(speed: f64) -> Self {
        Self::with_config(MockConfig::default().with_speed(speed))
    }

    /// A mock with this configuration.
    pub fn with_config(config: MockConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start(config)).unwrap();
        Self { server, runtime }
    }

    /// `checkly ARGS` pointed at this mock through the environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = checkly(args);
        cmd.env("CHECKLY_API_URL", self.server.url())
            .env("CHECKLY_API_KEY", self.server.api_key())
            .env("CHECKLY_ACCOUNT_ID", self.server.account_id());
        cmd
    }

    /// Runs `checkly ARGS` against this mock.
    pub fn run(&self, args: &[&str]) -> Assert {
        self.cmd(args).assert()
    }

    /// The requests the mock received.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.server.received()
    }

    /// The received requests with this method whose path ends with `suffix`.
    pub fn received_matching(&self, method: &str, suffix: &str) -> Vec<ReceivedRequest> {
        self.received()
            .into_iter()
            .filter(|r| r.method == method && r.path.ends_with(suffix))
            .collect()
    }

    /// Triggers a test session through the library, returning its id.
    pub fn trigger(&self, tags: &[&str]) -> uuid::Uuid {
        use checkly::types::{TriggerTestSessionRequest, TriggerTestSessionRequestTarget};
        let client = self.client();
        let request = TriggerTestSessionRequest {
            name: "From the test".into(),
            run_location: "eu-central-1".into(),
            target: Some(TriggerTestSessionRequestTarget {
                match_tags: vec![tags.iter().map(|t| t.to_string()).collect()],
                check_id: vec![],
                allow_deactivated: false,
            }),
            environment_variables: vec![],
            retry_strategy: None,
            refresh_cache: false,
            metadata: None,
        };
        self.runtime
            .block_on(client.trigger_test_session(&request))
            .unwrap()
            .test_session_id
    }

    /// A library client for this mock.
    pub fn client(&self) -> checkly::Client {
        checkly::Client::builder()
            .api_key(self.server.api_key())
            .account_id(self.server.account_id())
            .base_url(self.server.url())
            .build()
            .unwrap()
    }
}

/// `checkly ARGS` with an empty environment (no CI, no credentials, no
/// colours) outside any git work tree.
pub fn checkly(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_checkly"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_DIR", "/nonexistent/checkly-cli-tests")
        .current_dir(std::env::temp_dir());
    cmd
}

/// Standard output as text.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The exit code.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// insta filters for volatile values: UUIDs, timestamps, local ports.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[UUID]",
        ),
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
            "[TIME]",
        ),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "[TIME]"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "[DAY]"),
        (r"\b\d{2}:\d{2}:\d{2}\.\d{3}\b", "[CLOCK]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
    ]
}

/// Snapshot `$value` with [`filters`] applied.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ filters => $crate::common::filters() }, {
            insta::assert_snapshot!($name, $value);
        });
    };
}
