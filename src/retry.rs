//! Retrying requests that failed for a passing reason.
//!
//! Runs inside the generated client's `exec` hook, so every operation goes
//! through it. A request is sent again only when that cannot duplicate its
//! effect: reads and cancels (idempotent) after a connection failure, a
//! timeout, 429, 500, 502, 503 or 504; a trigger (an operation whose
//! [`Operation::repeat_duplicates`](crate::Operation::repeat_duplicates) is
//! true) only after 429 or a failure to connect, where the server cannot have
//! acted on it. 408 is left to the waiters, for which it means "still
//! running".

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::{Request, Response, StatusCode};
use tokio::time::Instant;

/// How requests are retried.
///
/// ```
/// use std::time::Duration;
/// let retry = checkly::RetryConfig::standard()
///     .with_max_attempts(5)
///     .with_max_backoff(Duration::from_secs(10));
/// # let _ = retry;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Three attempts, backing off exponentially from 500 ms up to 20 s, with
    /// jitter. A longer `Retry-After` from the server wins; one longer than
    /// the maximum backoff ends the retries.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// One attempt: never retry.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between attempts, `Retry-After` included.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// Why an attempt is worth repeating.
enum Retry {
    Answer(Response),
    Transport(reqwest::Error),
}

/// The time limits of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Each attempt's timeout; `None` gives each attempt the time left.
    pub request_timeout: Option<Duration>,
    /// When the call, retries and backoff included, must be over.
    pub deadline: Instant,
}

/// What [`execute`] did besides its result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attempts {
    /// Requests sent, the first included.
    pub sent: u32,
    /// The last attempt's timeout was cut to the time left before the deadline.
    pub last_capped: bool,
    /// Retries stopped because the next one would not finish before the deadline.
    pub stopped_by_deadline: bool,
}

/// The timeout of an attempt starting at `now`, and whether the deadline cut it.
fn attempt_timeout(limits: Limits, now: Instant) -> (Duration, bool) {
    let left = limits.deadline.saturating_duration_since(now);
    match limits.request_timeout {
        Some(timeout) if timeout < left => (timeout, false),
        _ => (left, true),
    }
}

/// Sends `request`, retrying as the module docs describe, within `limits`.
pub(crate) async fn execute(
    client: &reqwest::Client,
    config: &RetryConfig,
    mut request: Request,
    idempotent: bool,
    limits: Limits,
) -> (reqwest::Result<Response>, Attempts) {
    let sent = AtomicU32::new(0);
    let last_capped = AtomicBool::new(false);
    let stopped_by_deadline = AtomicBool::new(false);
    let summary = || Attempts {
        sent: sent.load(Ordering::Relaxed),
        last_capped: last_capped.load(Ordering::Relaxed),
        stopped_by_deadline: stopped_by_deadline.load(Ordering::Relaxed),
    };
    let template = match request.try_clone() {
        Some(template) if config.max_attempts > 1 => template,
        // A streaming body cannot be sent twice.
        _ => {
            let (timeout, capped) = attempt_timeout(limits, Instant::now());
            *request.timeout_mut() = Some(timeout);
            let result = client.execute(request).await;
            let attempts = Attempts {
                sent: 1,
                last_capped: capped,
                stopped_by_deadline: false,
            };
            return (result, attempts);
        }
    };
    let mut first = Some(request);
    let attempt = || {
        let mut request = first
            .take()
            .or_else(|| template.try_clone())
            .expect("a request that cloned once clones again");
        let (timeout, capped) = attempt_timeout(limits, Instant::now());
        *request.timeout_mut() = Some(timeout);
        sent.fetch_add(1, Ordering::Relaxed);
        last_capped.store(capped, Ordering::Relaxed);
        async move {
            match client.execute(request).await {
                Ok(answer) if retry_status(answer.status(), idempotent) => {
                    Err(Retry::Answer(answer))
                }
                Ok(answer) => Ok(answer),
                Err(error) => Err(Retry::Transport(error)),
            }
        }
    };
    let backoff = ExponentialBuilder::default()
        .with_min_delay(config.initial_backoff)
        .with_max_delay(config.max_backoff)
        .with_max_times(config.max_attempts as usize - 1)
        .with_jitter();
    let max_backoff = config.max_backoff;
    let outcome = attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|retry| match retry {
            Retry::Answer(_) => true,
            Retry::Transport(e) => {
                e.is_connect() || (idempotent && (e.is_timeout() || e.is_request()))
            }
        })
        .adjust(|retry, delay| {
            let server = match retry {
                Retry::Answer(answer) => crate::call::retry_after(answer.headers()),
                Retry::Transport(_) => None,
            };
            let delay = match server {
                // Coming back sooner than the server asked only burns rate limit:
                // give up and let the caller see the error with its `retry_after`.
                Some(wait) if wait > max_backoff => None,
                Some(wait) => delay.map(|d| d.max(wait)),
                None => delay,
            }?;
            // An attempt that could not start before the deadline is not made.
            if Instant::now() + delay >= limits.deadline {
                stopped_by_deadline.store(true, Ordering::Relaxed);
                return None;
            }
            Some(delay)
        })
        .notify(|retry, delay| match retry {
            // Worth a word even when nobody asked for debug output: the
            // caller is slowed down on purpose.
            Retry::Answer(a) if a.status() == StatusCode::TOO_MANY_REQUESTS => tracing::warn!(
                status = 429,
                ?delay,
                "rate limited by the Checkly API: waiting {:.1} s as it asked, then retrying",
                delay.as_secs_f64()
            ),
            Retry::Answer(a) => tracing::debug!(status = a.status().as_u16(), ?delay, "retrying"),
            Retry::Transport(e) => tracing::debug!(error = %e, ?delay, "retrying"),
        })
        .await;
    let result = match outcome {
        Ok(answer) | Err(Retry::Answer(answer)) => Ok(answer),
        Err(Retry::Transport(error)) => Err(error),
    };
    (result, summary())
}

fn retry_status(status: StatusCode, idempotent: bool) -> bool {
    match status.as_u16() {
        429 => true,
        500 | 502 | 503 | 504 => idempotent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_retry_only_when_the_server_cannot_have_acted() {
        assert!(retry_status(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(!retry_status(StatusCode::SERVICE_UNAVAILABLE, false));
        assert!(retry_status(StatusCode::SERVICE_UNAVAILABLE, true));
        assert!(!retry_status(StatusCode::REQUEST_TIMEOUT, true));
        assert!(!retry_status(StatusCode::NOT_FOUND, true));
    }

    #[test]
    fn attempts_never_outlive_the_deadline() {
        let now = Instant::now();
        let limits = Limits {
            request_timeout: Some(Duration::from_secs(10)),
            deadline: now + Duration::from_secs(30),
        };
        assert_eq!(
            attempt_timeout(limits, now),
            (Duration::from_secs(10), false)
        );
        assert_eq!(
            attempt_timeout(limits, now + Duration::from_secs(25)),
            (Duration::from_secs(5), true)
        );
        assert_eq!(
            attempt_timeout(limits, now + Duration::from_secs(40)),
            (Duration::ZERO, true)
        );
        let unbounded = Limits {
            request_timeout: None,
            ..limits
        };
        assert_eq!(
            attempt_timeout(unbounded, now),
            (Duration::from_secs(30), true)
        );
    }

    #[test]
    fn attempts_are_at_least_one() {
        assert_eq!(
            RetryConfig::standard().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    }
}
