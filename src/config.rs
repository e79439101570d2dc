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
/// The variable that, set to `1` (or `true`, `yes`), allows a plain
/// `http://` base URL on a host other than loopback, like
/// [`ClientBuilder::allow_insecure_http`].
pub const ENV_ALLOW_INSECURE_HTTP: &str = "CHECKLY_ALLOW_INSECURE_HTTP";

/// Default limit of each request (completion long polls get their
/// `maxWaitSeconds` on top).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default deadline of a call, its retries included (completion long polls
/// get their `maxWaitSeconds` on top).
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed in a row, all within the base URL's origin.
pub(crate) const MAX_REDIRECTS: usize = 5;

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
    call_timeout: Option<Duration>,
    allow_insecure_http: bool,
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
            .field("call_timeout", &self.call_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Settings read by `lookup` (normally the process environment):
    /// [`ENV_API_KEY`], [`ENV_ACCOUNT_ID`] and, if set, [`ENV_API_URL`] and
    /// [`ENV_ALLOW_INSECURE_HTTP`]. Missing values are reported by
    /// [`build`](Self::build).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let allow_insecure_http = lookup(ENV_ALLOW_INSECURE_HTTP).is_some_and(|v| {
            matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
        });
        Self {
            api_key: lookup(ENV_API_KEY).map(SecretString::from),
            account_id: lookup(ENV_ACCOUNT_ID),
            base_url: lookup(ENV_API_URL).filter(|url| !url.trim().is_empty()),
            allow_insecure_http,
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

    /// Another base URL than [`DEFAULT_BASE_URL`]. A plain `http://` URL is
    /// refused by [`build`](Self::build) unless its host is loopback
    /// (`localhost`, 127.0.0.0/8, `::1`) or
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set: the API
    /// key would cross the network in clear text.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Limit for each request (default [`DEFAULT_TIMEOUT`], 10 s). A
    /// completion long poll gets its `maxWaitSeconds` (30 s when not given)
    /// on top, so that the server's hold never times it out. Applies to a
    /// client given by [`http_client`](Self::http_client) too, per request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Deadline of a whole call, its retries and their backoff included
    /// (default [`DEFAULT_CALL_TIMEOUT`], 30 s; a completion long poll gets
    /// its `maxWaitSeconds` on top). No attempt outlives it and no retry
    /// starts that could not finish before it; a call that reaches it fails
    /// with [`Error::Deadline`].
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// Allows a plain `http://` base URL on a host other than loopback
    /// (default `false`; also set by [`ENV_ALLOW_INSECURE_HTTP`]). The API
    /// key then crosses the network unencrypted: only for a trusted network.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Limit for opening a connection (default [`DEFAULT_CONNECT_TIMEOUT`], 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `checkly-rs/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// A ready `reqwest::Client`; its connect timeout, user agent and redirect
    /// policy are then its own (the builder's client follows redirects only
    /// within the base URL's origin, at most 5 in a row, and answers others
    /// with [`Error::Redirect`]). The call deadline applies to it, and so
    /// does [`timeout`](Self::timeout) when set, as each request's timeout.
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
        let url = match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            _ => {
                return Err(Error::Config {
                    name: ENV_API_URL,
                    problem: format!("must be an http(s) URL (got {base_url:?})"),
                });
            }
        };
        if url.scheme() == "http" && !is_loopback(&url) && !self.allow_insecure_http {
            return Err(Error::Config {
                name: ENV_API_URL,
                problem: format!(
                    "is plain http to {}, which would send the API key unencrypted: use https, \
                     or set {ENV_ALLOW_INSECURE_HTTP}=1 (ClientBuilder::allow_insecure_http) \
                     for a trusted network",
                    url.host_str().unwrap_or_default()
                ),
            });
        }
        let (http, request_timeout) = match self.http {
            Some(http) => (http, self.timeout),
            None => {
                let http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(redirect_policy())
                    .user_agent(
                        self.user_agent
                            .unwrap_or_else(|| format!("checkly-rs/{}", env!("CARGO_PKG_VERSION"))),
                    )
                    .build()
                    .map_err(Error::Transport)?;
                (http, Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)))
            }
        };
        let state = ClientState {
            api_key,
            account_id,
            retry: self.retry,
            request_timeout,
            call_timeout: self.call_timeout.unwrap_or(DEFAULT_CALL_TIMEOUT),
        };
        Ok(Client::from_generated(
            crate::generated::Client::new_with_client(&base_url, http, state),
        ))
    }
}

/// Whether the URL's host is this machine: `localhost`, 127.0.0.0/8 or
/// `::1`. Names under `localhost` are not trusted: a resolver may send them
/// elsewhere.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    host.trim_end_matches('.').eq_ignore_ascii_case("localhost")
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.origin() == b.origin()
}

/// Follows a redirect only within the origin of the first URL, and at most
/// [`MAX_REDIRECTS`] in a row; otherwise hands the redirect answer back,
/// for [`Error::Redirect`].
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let leaves = attempt
            .previous()
            .first()
            .is_some_and(|first| !same_origin(first, attempt.url()));
        if leaves || attempt.previous().len() > MAX_REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
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
    /// if set, `CHECKLY_API_URL` and `CHECKLY_ALLOW_INSECURE_HTTP`.
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
    fn plain_http_is_for_loopback_or_an_explicit_opt_in() {
        let build = |url: &str, vars: &[(&str, &str)]| {
            let mut all = vec![("CHECKLY_API_KEY", "k"), ("CHECKLY_ACCOUNT_ID", ACCOUNT)];
            all.push(("CHECKLY_API_URL", url));
            all.extend_from_slice(vars);
            ClientBuilder::from_lookup(env(&all)).build()
        };
        let (name, problem) = config_error(build("http://api.example.com/", &[]));
        assert_eq!(name, "CHECKLY_API_URL");
        assert!(problem.contains("api.example.com"), "{problem}");
        assert!(problem.contains("use https"), "{problem}");
        assert!(problem.contains("CHECKLY_ALLOW_INSECURE_HTTP"), "{problem}");
        config_error(build("http://10.0.0.8:8080", &[]));
        config_error(build("http://localhost.example.com", &[]));
        config_error(build("http://api.localhost", &[]));
        config_error(build(
            "http://api.example.com",
            &[("CHECKLY_ALLOW_INSECURE_HTTP", "0")],
        ));
        for ok in [
            "http://localhost:3000",
            "http://LOCALHOST",
            "http://localhost.:8080",
            "http://127.0.0.1:9",
            "http://127.8.9.10",
            "http://[::1]:9",
            "https://api.example.com",
        ] {
            assert!(build(ok, &[]).is_ok(), "{ok}");
        }
        for yes in ["1", "true", "YES"] {
            assert!(
                build(
                    "http://api.example.com",
                    &[("CHECKLY_ALLOW_INSECURE_HTTP", yes)]
                )
                .is_ok(),
                "{yes}"
            );
        }
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
