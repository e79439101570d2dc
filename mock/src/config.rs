//! How a mock server is set up.

use crate::catalog::Catalog;
use crate::faults::FaultRule;

/// The account id the mock uses unless told otherwise.
pub const DEFAULT_ACCOUNT_ID: &str = "11111111-1111-4111-8111-111111111111";

/// The largest [`MockConfig::history`] a server accepts.
pub(crate) const MAX_HISTORY: usize = 100_000;

/// The API key the mock accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "mock-api-key";

/// The settings of a [`MockServer`](crate::MockServer).
#[derive(Debug, Clone, PartialEq)]
pub struct MockConfig {
    /// The API key clients must send as `Authorization: Bearer <key>`.
    pub api_key: String,
    /// The account id clients must send as `X-Checkly-Account`: a UUID in
    /// its hyphenated form.
    pub account_id: String,
    /// How much faster than real time sessions run: at speed 100 a check of
    /// 2 simulated seconds ends after 20 real milliseconds. Must be finite
    /// and greater than 0.
    pub speed: f64,
    /// The account's checks.
    pub catalog: Catalog,
    /// How many finished test sessions to preload (see the crate docs), at
    /// most 100 000.
    pub history: usize,
    /// Fault rules in force from the start.
    pub faults: Vec<FaultRule>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            speed: 1.0,
            catalog: Catalog::demo(),
            history: 0,
            faults: Vec::new(),
        }
    }
}

impl MockConfig {
    /// Sets [`speed`](Self::speed).
    pub fn with_speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// Sets [`history`](Self::history).
    pub fn with_history(mut self, history: usize) -> Self {
        self.history = history;
        self
    }

    /// Sets [`catalog`](Self::catalog).
    pub fn with_catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = catalog;
        self
    }

    /// Adds a fault rule.
    pub fn with_fault(mut self, fault: FaultRule) -> Self {
        self.faults.push(fault);
        self
    }

    /// Sets [`api_key`](Self::api_key).
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// Sets [`account_id`](Self::account_id).
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }
}

/// The `after_help` of every command that serves the mock: the fault SPEC
/// syntax, the demo catalog's tags and the admin routes.
pub const MOCK_AFTER_HELP: &str = "\
Fault SPEC syntax:  [METHOD:]PATH-PREFIX=KIND[xTIMES]
  KIND is one of
    status:CODE[:retry-after=VALUE]  answer CODE (200..=599 but 204, 205, 304) with an ApiError body
                                     (and Retry-After: VALUE; a 429 always has one, 1 by default)
    delay:MILLIS                     wait, then answer normally
    drop                             close the connection without answering
    truncated                        send half of a JSON body, then close the connection
    not-json                         answer <html>oops</html> as text/html
    unknown-enum                     answer normally, with checkType \"QUANTUM\" and unknown fields added
    html-error:CODE                  answer CODE with a proxy's HTML error page
    extra-field                      answer normally, with unknown fields added
    missing-field:NAME               answer normally, without the top-level field NAME
    wrong-content-type               answer normally, as text/plain
    rate-limit-reset:SECONDS         answer 429 with only X-RateLimit-Reset (now + SECONDS), no Retry-After
    redirect:LOCATION                answer 307 with that Location (a URL elsewhere, or a path here)
  METHOD is optional (any method when omitted or *); PATH-PREFIX matches every path starting with it;
  xTIMES limits the rule to the next TIMES matching requests (omitted or x0: every request).
  Examples:
    --fault 'GET:/v1/test-sessions=status:503x2'
    --fault 'POST:/v1/test-sessions/trigger=status:429:retry-after=1x1'
    --fault '/v1=delay:500'
    --fault 'GET:/v1/check-sessions=drop'

Demo catalog tags: production (all pass), failing (fails), flaky (fails, then passes on a retry),
degraded, slow (20 s), staging, api, browser, web, e2e, infra, checkout, legacy (deactivated).

Admin routes (no auth): GET|POST|DELETE /__mock/faults, GET|DELETE /__mock/requests.";

/// The flags of a mock server, one definition for the `checkly-mock` binary
/// and the CLI's `checkly mock`: both flatten this struct (with
/// [`MOCK_AFTER_HELP`] as their `after_help`).
///
/// The credentials the mock accepts are not here but in
/// [`MockCredentialArgs`]: `checkly mock` already has `--api-key` and
/// `--account-id` (the client's, global), so there the mock keeps its
/// defaults, which it prints.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct MockArgs {
    /// Host name or IP address to listen on.
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, short = 'p', value_name = "PORT", default_value_t = 4010)]
    pub port: u16,

    /// How many times faster than real time checks run (e.g. 10: a 2 s check takes 0.2 s).
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,

    /// Load the checks from a JSON or YAML file instead of the demo catalog.
    #[arg(long, value_name = "FILE")]
    pub checks: Option<std::path::PathBuf>,

    /// Preload this many finished test sessions into the session list (at most 100000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_HISTORY as u64)
    )]
    pub history: usize,

    /// Inject a fault (repeatable); see the SPEC syntax below.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    pub faults: Vec<FaultRule>,
}

/// The credentials a mock server accepts, as flags of the `checkly-mock`
/// binary (see [`MockArgs`] for why they are apart).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct MockCredentialArgs {
    /// The API key clients must send as `Authorization: Bearer <key>`.
    #[arg(long, value_name = "KEY", env = "CHECKLY_MOCK_API_KEY", default_value = DEFAULT_API_KEY, hide_env_values = true)]
    pub api_key: String,

    /// The account id clients must send as `X-Checkly-Account`.
    #[arg(long, value_name = "UUID", default_value = DEFAULT_ACCOUNT_ID, value_parser = parse_account_id)]
    pub account_id: String,
}

impl MockArgs {
    /// The server's settings with the default credentials: the catalog of
    /// `--checks` (or the demo catalog), speed, history and faults.
    ///
    /// # Errors
    ///
    /// The `--checks` file cannot be read or is not a catalog.
    pub fn config(&self) -> Result<MockConfig, String> {
        let catalog = match &self.checks {
            Some(path) => Catalog::from_path(path)?,
            None => Catalog::demo(),
        };
        Ok(MockConfig {
            speed: self.speed,
            catalog,
            history: self.history,
            faults: self.faults.clone(),
            ..MockConfig::default()
        })
    }

    /// The address to listen on: `--host` resolved, with `--port`.
    ///
    /// # Errors
    ///
    /// The host name does not resolve.
    pub async fn addr(&self) -> Result<std::net::SocketAddr, String> {
        let host = self.host.as_str();
        tokio::net::lookup_host((host, self.port))
            .await
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .next()
            .ok_or_else(|| format!("{host} has no address"))
    }
}

impl MockCredentialArgs {
    /// Sets the credentials of `config`.
    pub fn apply(&self, config: MockConfig) -> MockConfig {
        config
            .with_api_key(self.api_key.clone())
            .with_account_id(self.account_id.clone())
    }
}

/// A UUID in its hyphenated form, as `MockServer::bind` wants it.
fn parse_account_id(s: &str) -> Result<String, String> {
    if s.len() != 36 {
        return Err("not a hyphenated UUID (8-4-4-4-12 hex digits)".to_owned());
    }
    uuid::Uuid::try_parse(s)
        .map(|_| s.to_owned())
        .map_err(|e| format!("not a UUID: {e}"))
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number greater than 0")),
    }
}

fn parse_fault(s: &str) -> Result<FaultRule, String> {
    s.parse()
}
