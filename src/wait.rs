//! Waiting for a session to finish: repeated completion long polls.
//!
//! Each poll asks the server to hold the request up to `maxWaitSeconds`
//! (30 by default, less when less time is left). A 408 means "still
//! running": the waiter asks again at once, after `Retry-After` if the server
//! sent one, or after [`MIN_POLL_INTERVAL`] if the 408 came back in less than
//! half the time asked for (a server or proxy that does not hold the request
//! must not be polled in a tight loop).
//! Any other error ends the wait. When `max` has passed the waiter stops with
//! [`Error::WaitTimeout`], which reports the time spent and the polls made.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use uuid::Uuid;

use crate::client::Client;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::types::{AwaitCheckSessionCompletionResponse, AwaitTestSessionCompletionResponse};

/// The longest `maxWaitSeconds` the API accepts.
pub const MAX_POLL_SECONDS: u32 = 30;

/// The pause after a 408 that came back early; see the module docs.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

type Poll<'a, T> = fn(&'a Client, Uuid, u32) -> BoxFuture<'a, Result<T>>;

impl Client {
    /// Waits for a test session to finish.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, id: uuid::Uuid) -> checkly::Result<()> {
    /// use std::time::Duration;
    /// let done = client.wait_for_test_session(id).wait(Duration::from_secs(600)).await?;
    /// println!("{:?} after {:?} and {} polls", done.value.status, done.elapsed, done.polls);
    /// # Ok(()) }
    /// ```
    pub fn wait_for_test_session(
        &self,
        id: Uuid,
    ) -> Waiter<'_, AwaitTestSessionCompletionResponse> {
        Waiter::new(self, id, |client, id, seconds| {
            Box::pin(client.await_test_session_completion(id, Some(seconds)))
        })
    }

    /// Waits for a check session to finish; see [`Client::wait_for_test_session`].
    pub fn wait_for_check_session(
        &self,
        id: Uuid,
    ) -> Waiter<'_, AwaitCheckSessionCompletionResponse> {
        Waiter::new(self, id, |client, id, seconds| {
            Box::pin(client.await_check_session_completion(id, Some(seconds)))
        })
    }
}

/// Polls a completion endpoint until the session ends; see the module docs.
#[must_use]
pub struct Waiter<'a, T> {
    client: &'a Client,
    id: Uuid,
    poll: Poll<'a, T>,
    poll_seconds: u32,
    clock: Arc<dyn Clock>,
}

impl<T> std::fmt::Debug for Waiter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiter")
            .field("id", &self.id)
            .field("poll_seconds", &self.poll_seconds)
            .finish_non_exhaustive()
    }
}

/// A finished wait.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Waited<T> {
    /// The completion endpoint's answer.
    pub value: T,
    /// Time spent waiting.
    pub elapsed: Duration,
    /// Completion requests made.
    pub polls: u32,
}

impl<'a, T> Waiter<'a, T> {
    fn new(client: &'a Client, id: Uuid, poll: Poll<'a, T>) -> Self {
        Self {
            client,
            id,
            poll,
            poll_seconds: MAX_POLL_SECONDS,
            clock: Arc::new(SystemClock::default()),
        }
    }

    /// The `maxWaitSeconds` of each poll, 1 to 30 (default 30); a value out
    /// of range is a [`ValidationError`](crate::ValidationError) from
    /// [`wait`](Self::wait), before any request.
    pub fn poll_seconds(mut self, seconds: u32) -> Self {
        self.poll_seconds = seconds;
        self
    }

    /// Measure time with this clock (tests use [`crate::clock::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Polls until the session has finished or `max` has passed. Polls at
    /// least once, even when `max` is zero. The limit is checked between
    /// polls: one poll (with its own retries) may end after it.
    pub async fn wait(self, max: Duration) -> Result<Waited<T>> {
        let start = self.clock.now();
        let mut polls = 0;
        loop {
            let elapsed = self.clock.now().saturating_sub(start);
            if polls > 0 && elapsed >= max {
                return Err(Error::WaitTimeout {
                    elapsed,
                    polls,
                    max_wait: max,
                });
            }
            let left = max.saturating_sub(elapsed);
            let left_seconds = left
                .as_secs()
                .saturating_add(u64::from(left.subsec_nanos() > 0));
            let left_seconds = u32::try_from(left_seconds).unwrap_or(u32::MAX);
            let seconds = self.poll_seconds.min(left_seconds).max(1);
            polls += 1;
            let asked_at = self.clock.now();
            match (self.poll)(self.client, self.id, seconds).await {
                Ok(value) => {
                    let elapsed = self.clock.now().saturating_sub(start);
                    return Ok(Waited {
                        value,
                        elapsed,
                        polls,
                    });
                }
                Err(error) if error.status().is_some_and(|s| s.as_u16() == 408) => {
                    let took = self.clock.now().saturating_sub(asked_at);
                    let early = took < Duration::from_secs(u64::from(seconds)) / 2;
                    let mut pause = error.retry_after().unwrap_or(Duration::ZERO);
                    if early {
                        pause = pause.max(MIN_POLL_INTERVAL);
                    }
                    let left = max.saturating_sub(self.clock.now().saturating_sub(start));
                    if !pause.is_zero() && !left.is_zero() {
                        self.clock.sleep(pause.min(left)).await;
                    }
                }
                Err(error) => return Err(error),
            }
        }
    }
}
