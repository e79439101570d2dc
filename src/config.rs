//! Configuration and credentials: [`ClientBuilder`] and [`Client::from_env`].

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::hooks::ClientState;
use crate::retry::RetryConfig;

/// Checkly's API, used unless a base URL is given.
pub const DEFAULT_BASE_URL: &str = "https://api.checklyhq.com";
/// The variable holding the API key.
pub const ENV_API_KEY: &str = "CHECKLY_API_KEY";
/// The variable holding the account id.
pub const ENV_ACCOUNT_ID: &str = "CHECKLY_ACCOUNT_ID";
/// The variable that may hold another base URL (a mock, a proxy).
pub const ENV_API_URL: &str = "CHECKLY_API_URL";

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// let client = checkly::Client::builder()
///     .api_key("cu_1234")
///     .account_id("11111111-1111-4111-8111-111111111111")
///     .timeout(Duration::from_secs(90))
///     .build()?;
/// # Ok::<(), checkly::Error>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    account_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: RetryConfig,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("account_id", &self.account_id)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Settings read by `lookup` (normally the process environment):
    /// [`ENV_API_KEY`], [`ENV_ACCOUNT_ID`] and, if set, [`ENV_API_URL`].
    /// Missing values are reported by [`build`](Self::build).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            api_key: lookup(ENV_API_KEY).map(SecretString::from),
            account_id: lookup(ENV_ACCOUNT_ID),
            base_url: lookup(ENV_API_URL).filter(|url| !url.trim().is_empty()),
            ..Self::default()
        }
    }

    /// The API key (`Authorization: Bearer`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The account id (`X-Checkly-Account`), a UUID.
    pub fn account_id(mut self, id: impl Into<String>) -> Self {
        self.account_id = Some(id.into());
        self
    }

    /// Another base URL than [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Limit for each request, the completion long poll included (default 60 s,
    /// twice the longest long poll).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `checkly-rs/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// A ready `reqwest::Client`; timeouts and user agent are then its own.
    ///
    /// Without one, [`build`](Self::build) makes a client that reads its proxy
    /// from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, and uses
    /// the TLS stack of the crate's features (`rustls` by default,
    /// `native-tls`). Pass your own for another proxy, extra root
    /// certificates or client certificates; [`checkly::reqwest`](crate::reqwest)
    /// is the version this crate uses:
    ///
    /// ```
    /// let http = checkly::reqwest::Client::builder()
    ///     .proxy(checkly::reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     .build()?;
    /// let client = checkly::Client::builder()
    ///     .api_key("cu_1234")
    ///     .account_id("11111111-1111-4111-8111-111111111111")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed requests are retried (default [`RetryConfig::standard`]).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let api_key = self
            .api_key
            .map(|key| SecretString::from(key.expose_secret().trim().to_string()))
            .filter(|key| !key.expose_secret().is_empty())
            .ok_or_else(|| missing(ENV_API_KEY, "the API key"))?;
        if reqwest::header::HeaderValue::from_str(api_key.expose_secret()).is_err() {
            return Err(Error::Config {
                name: ENV_API_KEY,
                problem: "holds characters that cannot be sent in an HTTP header".into(),
            });
        }
        let account_id = self
            .account_id
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .ok_or_else(|| missing(ENV_ACCOUNT_ID, "the account id"))?;
        if uuid::Uuid::parse_str(&account_id).is_err() {
            return Err(Error::Config {
                name: ENV_ACCOUNT_ID,
                // The value is not echoed: a key pasted here would leak.
                problem: "must be a UUID (find it under Account settings)".into(),
            });
        }
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => {
                return Err(Error::Config {
                    name: ENV_API_URL,
                    problem: format!("must be an http(s) URL (got {base_url:?})"),
                });
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(Duration::from_secs(60)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .user_agent(
                    self.user_agent
                        .unwrap_or_else(|| format!("checkly-rs/{}", env!("CARGO_PKG_VERSION"))),
                )
                .build()
                .map_err(Error::Transport)?,
        };
        let state = ClientState {
            api_key,
            account_id,
            retry: self.retry,
        };
        Ok(Client::from_generated(
            crate::generated::Client::new_with_client(&base_url, http, state),
        ))
    }
}

fn missing(name: &'static str, what: &str) -> Error {
    Error::Config {
        name,
        problem: format!("is not set: {what} is required (set {name} or pass it to the builder)"),
    }
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CHECKLY_API_KEY`, `CHECKLY_ACCOUNT_ID` and,
    /// if set, `CHECKLY_API_URL`.
    ///
    /// ```no_run
    /// let client = checkly::Client::from_env()?;
    /// # Ok::<(), checkly::Error>(())
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok()).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "11111111-1111-4111-8111-111111111111";

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn config_error(result: Result<Client>) -> (&'static str, String) {
        match result {
            Err(Error::Config { name, problem }) => (name, problem),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn missing_variables_are_named() {
        let (name, problem) = config_error(ClientBuilder::from_lookup(env(&[])).build());
        assert_eq!(name, "CHECKLY_API_KEY");
        assert!(problem.contains("is not set"), "{problem}");
        let (name, _) =
            config_error(ClientBuilder::from_lookup(env(&[("CHECKLY_API_KEY", "k")])).build());
        assert_eq!(name, "CHECKLY_ACCOUNT_ID");
        let (name, problem) = config_error(
            ClientBuilder::from_lookup(env(&[
                ("CHECKLY_API_KEY", "k"),
                ("CHECKLY_ACCOUNT_ID", "nope"),
            ]))
            .build(),
        );
        assert_eq!(name, "CHECKLY_ACCOUNT_ID");
        assert!(problem.contains("UUID"), "{problem}");
        let (name, _) = config_error(
            ClientBuilder::from_lookup(env(&[
                ("CHECKLY_API_KEY", "k"),
                ("CHECKLY_ACCOUNT_ID", ACCOUNT),
                ("CHECKLY_API_URL", "ftp://x"),
            ]))
            .build(),
        );
        assert_eq!(name, "CHECKLY_API_URL");
    }

    #[test]
    fn environment_configures_the_client() {
        let client = ClientBuilder::from_lookup(env(&[
            ("CHECKLY_API_KEY", "cu_secret_key"),
            ("CHECKLY_ACCOUNT_ID", ACCOUNT),
            ("CHECKLY_API_URL", "http://127.0.0.1:9/"),
        ]))
        .build()
        .expect("complete settings build");
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let builder = Client::builder()
            .api_key("cu_secret_key")
            .account_id(ACCOUNT);
        assert!(!format!("{builder:?}").contains("cu_secret_key"));
        let client = builder.build().expect("builds");
        let shown = format!("{client:?}");
        assert!(!shown.contains("cu_secret_key"), "{shown}");
        assert!(shown.contains(ACCOUNT), "{shown}");
    }
}
