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
use futures::stream::{BoxStream, FuturesUnordered, StreamExt};
use uuid::Uuid;

use crate::Operation;
use crate::client::{Client, max_wait_param};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::types::{
    AwaitCheckSessionCompletionResponse, AwaitTestSessionCompletionResponse,
    CheckSessionsV2CompletionResponse,
};
use crate::validate;

/// The longest `maxWaitSeconds` the API accepts.
pub const MAX_POLL_SECONDS: u32 = 30;

/// The pause after a 408 that came back early; see the module docs.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

type Poll<T> = fn(Client, Uuid, u32) -> BoxFuture<'static, Result<T>>;

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
    pub fn wait_for_test_session(&self, id: Uuid) -> Waiter<AwaitTestSessionCompletionResponse> {
        let operation = Operation::GetV1TestsessionsTestsessionidCompletion;
        Waiter::new(self, id, operation, |client, id, seconds| {
            Box::pin(async move {
                client
                    .await_test_session_completion(id, Some(seconds))
                    .await
            })
        })
    }

    /// Waits for a check session to finish (v2); see
    /// [`Client::wait_for_test_session`].
    pub fn wait_for_check_session_v2(&self, id: Uuid) -> Waiter<CheckSessionsV2CompletionResponse> {
        let operation = Operation::GetV2ChecksessionsChecksessionidCompletion;
        Waiter::new(self, id, operation, |client, id, seconds| {
            Box::pin(async move {
                client
                    .await_check_session_completion_v2(id, Some(seconds))
                    .await
            })
        })
    }

    /// Waits for a check session to finish on the deprecated v1 endpoint.
    #[deprecated(
        note = "Checkly deprecates the v1 check-session completion: use `wait_for_check_session_v2`"
    )]
    #[allow(deprecated)]
    pub fn wait_for_check_session(&self, id: Uuid) -> Waiter<AwaitCheckSessionCompletionResponse> {
        let operation = Operation::GetV1ChecksessionsChecksessionidCompletion;
        Waiter::new(self, id, operation, |client, id, seconds| {
            Box::pin(async move {
                client
                    .await_check_session_completion(id, Some(seconds))
                    .await
            })
        })
    }

    /// Waits for many check sessions (v2) at once, under one deadline; see
    /// [`WaitMany`].
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, ids: Vec<uuid::Uuid>) -> checkly::Result<()> {
    /// use std::time::Duration;
    /// use futures::StreamExt;
    /// let mut ended = client.wait_for_check_sessions(ids).wait(Duration::from_secs(600));
    /// while let Some((id, outcome)) = ended.next().await {
    ///     match outcome {
    ///         Ok(done) => println!("{id}: {}", done.value.status),
    ///         Err(error) => eprintln!("{id}: {error}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait_for_check_sessions(&self, ids: impl IntoIterator<Item = Uuid>) -> WaitMany {
        WaitMany {
            waiters: ids
                .into_iter()
                .map(|id| self.wait_for_check_session_v2(id))
                .collect(),
        }
    }
}

/// Waits for many check sessions under one deadline; made by
/// [`Client::wait_for_check_sessions`].
#[must_use]
#[derive(Debug)]
pub struct WaitMany {
    waiters: Vec<Waiter<CheckSessionsV2CompletionResponse>>,
}

impl WaitMany {
    /// The `maxWaitSeconds` of each poll; see [`Waiter::poll_seconds`].
    pub fn poll_seconds(self, seconds: u32) -> Self {
        self.each(|w| w.poll_seconds(seconds))
    }

    /// Measure time with this clock; see [`Waiter::clock`].
    pub fn clock(self, clock: Arc<dyn Clock>) -> Self {
        self.each(|w| w.clock(clock.clone()))
    }

    fn each(
        self,
        f: impl Fn(
            Waiter<CheckSessionsV2CompletionResponse>,
        ) -> Waiter<CheckSessionsV2CompletionResponse>,
    ) -> Self {
        Self {
            waiters: self.waiters.into_iter().map(f).collect(),
        }
    }

    /// Every session, with how its wait ended, in the order they end. All
    /// waits share the deadline `max`: a session still running then yields
    /// [`Error::WaitTimeout`]. One session's error does not stop the others.
    pub fn wait(
        self,
        max: Duration,
    ) -> BoxStream<'static, (Uuid, Result<Waited<CheckSessionsV2CompletionResponse>>)> {
        self.waiters
            .into_iter()
            .map(|waiter| {
                let id = waiter.id;
                async move { (id, waiter.wait(max).await) }
            })
            .collect::<FuturesUnordered<_>>()
            .boxed()
    }
}

/// Polls a completion endpoint until the session ends; see the module docs.
#[must_use]
pub struct Waiter<T> {
    client: Client,
    id: Uuid,
    operation: Operation,
    poll: Poll<T>,
    poll_seconds: u32,
    clock: Arc<dyn Clock>,
}

impl<T> std::fmt::Debug for Waiter<T> {
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

impl<T> Waiter<T> {
    fn new(client: &Client, id: Uuid, operation: Operation, poll: Poll<T>) -> Self {
        Self {
            client: client.clone(),
            id,
            operation,
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
        // The setting as given, before it is shortened to the time left.
        validate::query(self.operation, &max_wait_param(Some(self.poll_seconds)))?;
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
            match (self.poll)(self.client.clone(), self.id, seconds).await {
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
