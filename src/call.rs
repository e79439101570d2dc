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
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, Result, excerpt};
use crate::types::ApiError;

/// What the last answer of the current call looked like.
#[derive(Clone, Copy, Debug)]
struct Observed {
    status: StatusCode,
    retry_after: Option<Duration>,
}

tokio::task_local! {
    static OBSERVED: RefCell<Option<Observed>>;
}

/// Called by the `exec` hook with every answer.
pub(crate) fn record(response: &reqwest::Response) {
    let observed = Observed {
        status: response.status(),
        retry_after: retry_after(response.headers()),
    };
    // Outside `call` (the generated client used directly) there is nothing to record into.
    let _ = OBSERVED.try_with(|cell| *cell.borrow_mut() = Some(observed));
}

/// Awaits a generated operation and converts its result.
pub(crate) async fn call<T, F>(operation: F) -> Result<T>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ApiError>>>,
{
    OBSERVED
        .scope(RefCell::new(None), async move {
            match operation.await {
                Ok(value) => Ok(value.into_inner()),
                Err(error) => {
                    let observed = OBSERVED.with(|cell| *cell.borrow());
                    Err(convert(error, observed).await)
                }
            }
        })
        .await
}

async fn convert(error: progenitor_client::Error<ApiError>, observed: Option<Observed>) -> Error {
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(message) => Error::InvalidRequest(message),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
            Error::Transport(e)
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
            let status = observed.map_or(StatusCode::OK, |o| o.status);
            if status.is_client_error() || status.is_server_error() {
                Error::Api {
                    status,
                    api_error: None,
                    body_excerpt: excerpt(&body),
                    retry_after: observed.and_then(|o| o.retry_after),
                }
            } else {
                Error::Decode {
                    status,
                    body_excerpt: excerpt(&body),
                    source,
                }
            }
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
                Err(e) => Error::Transport(e),
            }
        }
        P::Custom(message) => Error::Hook(message),
    }
}

/// `Retry-After` as whole seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
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
}
