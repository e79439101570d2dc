//! Running one generated operation and turning its outcome into [`crate::Error`].
//!
//! progenitor reports an error answer whose body is not an `ApiError` as
//! `InvalidResponsePayload` without its status. The `exec` hook therefore
//! records the status and `Retry-After` of every answer in a task-local that
//! [`call`] sets up, so that every error keeps its status.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};

use crate::error::{Error, Result, excerpt};
use crate::retry::Attempts;
use crate::types::ApiError;

/// What the last answer of the current call looked like.
#[derive(Clone, Copy, Debug)]
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
}

/// What the `exec` hook saw of the current call.
#[derive(Clone, Copy, Debug, Default)]
struct Observed {
    answer: Option<Answer>,
    /// The call's deadline and how its attempts went.
    limits: Option<(Duration, Attempts)>,
}

tokio::task_local! {
    static OBSERVED: RefCell<Observed>;
}

/// Called by the `exec` hook with every answer.
pub(crate) fn record(response: &reqwest::Response) {
    let answer = Answer {
        status: response.status(),
        retry_after: retry_after(response.headers()),
    };
    // Outside `call` (the generated client used directly) there is nothing to record into.
    let _ = OBSERVED.try_with(|cell| cell.borrow_mut().answer = Some(answer));
}

/// Called by the `exec` hook once the retries are over.
pub(crate) fn record_attempts(deadline: Duration, attempts: Attempts) {
    let _ = OBSERVED.try_with(|cell| cell.borrow_mut().limits = Some((deadline, attempts)));
}

/// A transport error, or [`Error::Deadline`] when the call's deadline caused it.
fn transport(error: reqwest::Error, observed: &Observed) -> Error {
    match observed.limits {
        Some((deadline, attempts)) => transport_error(error, deadline, attempts),
        None => Error::Transport(error),
    }
}

/// A transport error of a call with `deadline`: [`Error::Deadline`] when the
/// deadline cut the last attempt short or stopped the retries.
pub(crate) fn transport_error(
    error: reqwest::Error,
    deadline: Duration,
    attempts: Attempts,
) -> Error {
    if (attempts.last_capped && error.is_timeout()) || attempts.stopped_by_deadline {
        Error::Deadline {
            deadline,
            attempts: attempts.sent,
            source: error,
        }
    } else {
        Error::Transport(error)
    }
}

/// The error of a redirect the client did not follow (the builder's redirect
/// policy stops at another origin and after `MAX_REDIRECTS` hops).
async fn redirect(response: reqwest::Response) -> Error {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let from = response.url().clone();
    let reason = match from.join(&location) {
        _ if location.is_empty() => "the answer has no Location".to_string(),
        Ok(target) if crate::config::same_origin(&from, &target) => format!(
            "more than {} redirects in a row (a loop?)",
            crate::config::MAX_REDIRECTS
        ),
        Ok(target) => format!(
            "it leads to another origin ({}) than the base URL's ({}); the API key is only sent to the base URL",
            origin(&target),
            origin(&from)
        ),
        Err(e) => format!("the Location is not a URL ({e})"),
    };
    Error::Redirect {
        status,
        location,
        reason,
    }
}

fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

/// Awaits a generated operation and converts its result.
pub(crate) async fn call<T, F>(operation: F) -> Result<T>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ApiError>>>,
{
    OBSERVED
        .scope(RefCell::new(Observed::default()), async move {
            match operation.await {
                Ok(value) => Ok(value.into_inner()),
                Err(error) => {
                    let observed = OBSERVED.with(|cell| *cell.borrow());
                    Err(convert(error, &observed).await)
                }
            }
        })
        .await
}

async fn convert(error: progenitor_client::Error<ApiError>, observed: &Observed) -> Error {
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(message) => Error::InvalidRequest(message),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
            transport(e, observed)
        }
        P::ErrorResponse(value) => {
            let status = value.status();
            let retry_after = retry_after(value.headers());
            let api_error = value.into_inner();
            let body = serde_json::to_vec(&api_error).unwrap_or_default();
            Error::Api {
                status,
                api_error: Some(api_error),
                body_excerpt: excerpt(&body),
                retry_after,
            }
        }
        P::InvalidResponsePayload(body, source) => {
            // `exec` always records; a missing record can only mean a 2xx.
            let answer = observed.answer;
            let status = answer.map_or(StatusCode::OK, |o| o.status);
            if status.is_client_error() || status.is_server_error() {
                Error::Api {
                    status,
                    api_error: None,
                    body_excerpt: excerpt(&body),
                    retry_after: answer.and_then(|o| o.retry_after),
                }
            } else {
                Error::Decode {
                    status,
                    body_excerpt: excerpt(&body),
                    source,
                }
            }
        }
        P::UnexpectedResponse(response) if response.status().is_redirection() => {
            redirect(response).await
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let retry_after = retry_after(response.headers());
            match response.bytes().await {
                Ok(body) => Error::Api {
                    status,
                    api_error: serde_json::from_slice(&body).ok(),
                    body_excerpt: excerpt(&body),
                    retry_after,
                },
                Err(e) => transport(e, observed),
            }
        }
        P::Custom(message) => Error::Hook(message),
    }
}

/// `Retry-After` as whole seconds or as an HTTP date; without one,
/// `X-RateLimit-Reset` (the unix time the limit resets, in seconds).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let Some(value) = headers.get(RETRY_AFTER) else {
        return rate_limit_reset(headers);
    };
    let value = value.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// `X-RateLimit-Reset` as the wait until that unix time.
fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let reset: i64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let at = chrono::DateTime::from_timestamp(reset, 0)?;
    let wait = at - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(value).expect("valid header"),
        );
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after(&headers("7")), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(120)).to_rfc2822();
        let wait = retry_after(&headers(&soon)).expect("a date parses");
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn rate_limit_reset_counts_when_retry_after_is_absent() {
        let reset = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                "x-ratelimit-reset",
                HeaderValue::from_str(value).expect("valid header"),
            );
            h
        };
        let in_a_minute = (chrono::Utc::now().timestamp() + 60).to_string();
        let wait = retry_after(&reset(&in_a_minute)).expect("a unix time parses");
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(retry_after(&reset("1445412480")), Some(Duration::ZERO));
        assert_eq!(retry_after(&reset("soon")), None);
        // Retry-After wins when both are there.
        let mut both = reset(&in_a_minute);
        both.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&both), Some(Duration::from_secs(2)));
    }
}
