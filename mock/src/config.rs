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
