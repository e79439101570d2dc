//! The crate's one error type.

use std::time::Duration;

use reqwest::StatusCode;

use crate::types::ApiError;
use crate::validate::ValidationError;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest excerpt of a response body kept in an error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// Everything that can go wrong calling the Checkly API.
///
/// ```
/// # fn show(err: checkly::Error) {
/// if let Some(status) = err.status() {
///     eprintln!("Checkly answered {status}");
/// }
/// if err.is_retryable() {
///     eprintln!("worth another try later");
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting (environment variable or builder value) is missing or unusable.
    #[error("{name} {problem}")]
    Config {
        /// The setting, e.g. `CHECKLY_API_KEY`.
        name: &'static str,
        /// What is wrong with it.
        problem: String,
    },

    /// The request breaks a limit of the API; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// The request could not be built (progenitor's `InvalidRequest`); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// Checkly answered with an error status.
    #[error("{}", api_message(*.status, .api_error.as_ref(), .body_excerpt))]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The decoded error body, when the body was an `ApiError`.
        api_error: Option<ApiError>,
        /// The start of the body (at most 200 characters); re-encoded from
        /// `api_error` when the body was one.
        body_excerpt: String,
        /// The `Retry-After` the server sent, if any.
        retry_after: Option<Duration>,
    },

    /// A success answer whose body does not match the spec.
    #[error(
        "Checkly answered {status} with a body that does not decode: {source} (body starts: {body_excerpt:?})"
    )]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The start of the body as received.
        body_excerpt: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },

    /// The request or the response could not be carried (connection, TLS,
    /// timeout). See [`Error::may_have_reached_checkly`]: only a failure to
    /// connect proves the request never arrived.
    #[error("{}", transport_message(.0))]
    Transport(#[source] reqwest::Error),

    /// Checkly answered with a redirect the client does not follow: to
    /// another origin (scheme, host or port), which would carry the API key
    /// elsewhere, or one hop past the limit (a loop). Only clients made by
    /// [`ClientBuilder`](crate::ClientBuilder) stop there; a client passed to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
    /// keeps its own redirect policy.
    #[error(
        "Checkly answered {status} redirecting to {location:?}, which was not followed: {reason}"
    )]
    Redirect {
        /// The redirect's status (301, 302, 303, 307 or 308).
        status: StatusCode,
        /// Its `Location` header as sent (empty when it had none).
        location: String,
        /// Why it was not followed.
        reason: String,
    },

    /// A call (its retries included) ran out of time.
    #[error(
        "gave up after the call's deadline of {} ({attempts} attempts; raise it with ClientBuilder::call_timeout): {source}",
        seconds(*.deadline)
    )]
    Deadline {
        /// The deadline that was reached.
        deadline: Duration,
        /// Requests sent, the first included.
        attempts: u32,
        /// The error of the last attempt, cut short by the deadline.
        #[source]
        source: reqwest::Error,
    },

    /// A waiter gave up before the session finished.
    #[error(
        "still not finished after {} ({polls} polls; the limit was {})",
        seconds(*.elapsed),
        seconds(*.max_wait)
    )]
    WaitTimeout {
        /// Time spent waiting.
        elapsed: Duration,
        /// Completion requests made.
        polls: u32,
        /// The limit that was reached.
        max_wait: Duration,
    },

    /// The list endpoint handed back a cursor it had already given.
    #[error("the list of test sessions repeated the cursor {cursor:?}; stopping to avoid a loop")]
    RepeatedCursor {
        /// The repeated `nextId`.
        cursor: String,
    },

    /// Writing a download failed (the file or writer refused it).
    #[error("could not write the download: {0}")]
    Io(#[source] std::io::Error),

    /// An error raised by a client hook.
    #[error("{0}")]
    Hook(String),
}

/// A duration for people: `2.0s`, `600s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn transport_message(error: &reqwest::Error) -> String {
    if error.is_connect() {
        format!("could not reach Checkly: {error}")
    } else {
        format!("the request was sent but no answer came back from Checkly: {error}")
    }
}

fn api_message(status: StatusCode, api_error: Option<&ApiError>, excerpt: &str) -> String {
    match api_error {
        Some(e) => format!("Checkly answered {status}: {}: {}", e.error, e.message),
        None if excerpt.is_empty() => format!("Checkly answered {status} with an empty body"),
        None => format!("Checkly answered {status}: {excerpt:?}"),
    }
}

impl Error {
    /// The HTTP status of the answer behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The decoded `ApiError` body, when Checkly sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { api_error, .. } => api_error.as_ref(),
            _ => None,
        }
    }

    /// How long the server asked us to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether Checkly may have received the request, and so acted on it: a
    /// trigger that failed this way may have started a session. False only
    /// when nothing was sent: a failure to connect, or a request refused
    /// before sending (configuration, validation).
    ///
    /// ```
    /// # fn show(err: checkly::Error) {
    /// if err.may_have_reached_checkly() {
    ///     eprintln!("the session may exist: look for it before triggering again");
    /// }
    /// # }
    /// ```
    pub fn may_have_reached_checkly(&self) -> bool {
        match self {
            Error::Transport(e) => !e.is_connect(),
            Error::Api { .. } | Error::Decode { .. } | Error::WaitTimeout { .. } => true,
            Error::RepeatedCursor { .. } | Error::Io(_) | Error::Redirect { .. } => true,
            // An attempt may have been under way when time ran out.
            Error::Deadline { .. } => true,
            Error::Config { .. } | Error::Validation(_) | Error::InvalidRequest(_) => false,
            Error::Hook(_) => false,
        }
    }

    /// Whether the same request may succeed later: connection failures and
    /// timeouts (a [`Deadline`](Error::Deadline) too), 408, 429, 500, 502, 503 and 504.
    ///
    /// For a trigger this is not a licence to send it again: after a 5xx, a
    /// 408 or a timeout the server may have started the session anyway. Only
    /// a 429 or a failure to connect proves it did not; the client's own
    /// retries ([`RetryConfig`](crate::RetryConfig)) keep to that.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Error::Deadline { .. } => true,
            Error::Api { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }
}

/// Statuses after which the same request may succeed.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The first [`EXCERPT_CHARS`] characters of a body, lossily decoded.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}
