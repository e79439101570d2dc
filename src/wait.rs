//! Waiting for a session to finish: repeated completion long polls, and,
//! for [`Waiter::progress`], retrieves of the session while it runs. This is
//! the project's one poll loop ([`Waiter::wait`] is the same loop without the
//! retrieves).
//!
//! Each poll asks the server to hold the request up to `maxWaitSeconds`
//! (30 by default, less when less time is left). A 408 means "still
//! running": the waiter asks again at once, after `Retry-After` if the server
//! sent one, or after [`MIN_POLL_INTERVAL`] if the 408 came back in less than
//! half the time asked for (a server or proxy that does not hold the request
//! must not be polled in a tight loop).
//! Any other error ends the wait. When `max` has passed the waiter stops with
//! [`Error::WaitTimeout`], which reports the time spent and the polls made.
//!
//! # The progress schedule and its request budget
//!
//! [`Waiter::progress`] keeps one long poll under way all the time (it is not
//! interrupted by retrieves), so the end is seen as soon as the server
//! answers it: within the round trip, well under 0.5 s of the session
//! finishing. Beside it, `get_test_session` runs on an adaptive interval:
//! [`FIRST_RETRIEVE_INTERVAL`] (2 s) at first and after every change,
//! doubling while nothing changes up to [`MAX_RETRIEVE_INTERVAL`] (15 s), and
//! never more than one per [`RETRIEVE_PERIOD`] (10 s) on average with a
//! burst of [`RETRIEVE_BURST`] (2). With a server that holds each long poll
//! its 30 s, that is at most 10 requests a minute on average while the
//! session runs (2 long polls and 6 retrieves a minute, plus the burst at the
//! start), however often the session changes.
//! A server that answers 408 at once costs one long poll a second more (at
//! most 60 a minute; `Retry-After` longer than that is honoured).
//!
//! [`FIRST_RETRIEVE_INTERVAL`]: crate::FIRST_RETRIEVE_INTERVAL
//! [`MAX_RETRIEVE_INTERVAL`]: crate::MAX_RETRIEVE_INTERVAL
//! [`RETRIEVE_PERIOD`]: crate::RETRIEVE_PERIOD
//! [`RETRIEVE_BURST`]: crate::RETRIEVE_BURST

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::{self, BoxFuture, Either};
use futures::stream::{self, BoxStream, FuturesUnordered, StreamExt};
use uuid::Uuid;

use crate::Operation;
use crate::client::{Client, max_wait_param};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::retrieve_schedule::RetrieveSchedule;
use crate::types::{
    AwaitCheckSessionCompletionResponse, AwaitTestSessionCompletionResponse,
    CheckSessionsV2CompletionResponse, FindOneTestSessionResponse, TestSessionStatus,
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
    pub async fn wait(self, max: Duration) -> Result<Waited<T>>
    where
        T: Send + 'static,
    {
        let mut run = self.run::<()>(max, None);
        loop {
            match run.next().await {
                Some(Ok(Progress::Done(done))) => return Ok(done),
                Some(Ok(Progress::Update(()))) => {}
                Some(Err(error)) => return Err(error),
                None => unreachable!("a wait ends with its answer or an error"),
            }
        }
    }

    /// The one poll loop: the completion long poll, and with `watch` the
    /// retrieve on its schedule, concurrently; see the module docs.
    fn run<U: Clone + Send + 'static>(
        self,
        max: Duration,
        watch: Option<Watch<U, T>>,
    ) -> BoxStream<'static, Result<Progress<U, T>>>
    where
        T: Send + 'static,
    {
        // The setting as given, before it is shortened to the time left.
        if let Err(error) =
            validate::query(self.operation, &max_wait_param(Some(self.poll_seconds)))
        {
            return stream::once(future::ready(Err(error.into()))).boxed();
        }
        let start = self.clock.now();
        let asker = Asker {
            client: self.client.clone(),
            id: self.id,
            poll: self.poll,
            poll_seconds: self.poll_seconds,
            clock: self.clock.clone(),
            start,
            max,
        };
        let state = Run {
            completion: asker.ask(Duration::ZERO, true),
            asker,
            polls: 0,
            watch: watch.map(|watch| Watching {
                watch,
                schedule: RetrieveSchedule::new(start),
                last: None,
                next: None,
            }),
            finished: false,
        };
        stream::unfold(state, |mut state| async move {
            let item = state.step().await?;
            Some((item, state))
        })
        .boxed()
    }
}

impl Waiter<AwaitTestSessionCompletionResponse> {
    /// Waits like [`wait`](Self::wait) and reports progress on the way: a
    /// [`Progress::Update`] with the session (`client.get_test_session(id)`)
    /// whenever its status or results changed (the first retrieve always
    /// counts as a change), then [`Progress::Done`] (from the long poll, or
    /// from a retrieve that shows the session ended), or an error (such as
    /// [`Error::WaitTimeout`]); the stream ends after either. Dropping the
    /// stream stops the wait.
    ///
    /// The schedule: one completion long poll is always under way, so the
    /// end arrives within a round trip of the server answering it. Beside
    /// it, the session is retrieved after [`FIRST_RETRIEVE_INTERVAL`] (2 s),
    /// the interval doubling while nothing changes up to
    /// [`MAX_RETRIEVE_INTERVAL`] (15 s) and going back to 2 s after a change,
    /// but never more than one retrieve per [`RETRIEVE_PERIOD`] (10 s) on
    /// average (a burst of [`RETRIEVE_BURST`]). Against a server that holds
    /// each long poll its 30 s that is at most 10 requests a minute on
    /// average while the session runs. 408s that come back early are paced
    /// by [`MIN_POLL_INTERVAL`], and `Retry-After` is honoured.
    ///
    /// [`FIRST_RETRIEVE_INTERVAL`]: crate::FIRST_RETRIEVE_INTERVAL
    /// [`MAX_RETRIEVE_INTERVAL`]: crate::MAX_RETRIEVE_INTERVAL
    /// [`RETRIEVE_PERIOD`]: crate::RETRIEVE_PERIOD
    /// [`RETRIEVE_BURST`]: crate::RETRIEVE_BURST
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, id: uuid::Uuid) -> checkly::Result<()> {
    /// use std::time::Duration;
    /// use checkly::Progress;
    /// use futures::StreamExt;
    /// let mut progress = client.wait_for_test_session(id).progress(Duration::from_secs(600));
    /// while let Some(step) = progress.next().await {
    ///     match step? {
    ///         Progress::Update(session) => println!("{} results", session.results.len()),
    ///         Progress::Done(done) => println!("{:?}", done.value.status),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn progress(self, max: Duration) -> ProgressStream {
        self.run(
            max,
            Some(Watch {
                retrieve: |client, id| Box::pin(async move { client.get_test_session(id).await }),
                changed: |before, now| before.status != now.status || before.results != now.results,
                ended: ended_test_session,
            }),
        )
    }
}

/// What [`Waiter::progress`] yields.
pub type ProgressStream = BoxStream<
    'static,
    Result<Progress<FindOneTestSessionResponse, AwaitTestSessionCompletionResponse>>,
>;

/// A step of a wait that reports progress; see [`Waiter::progress`].
#[derive(Clone, Debug, PartialEq)]
pub enum Progress<U = FindOneTestSessionResponse, T = AwaitTestSessionCompletionResponse> {
    /// The session changed while it runs.
    Update(U),
    /// The session finished: the last step.
    Done(Waited<T>),
}

/// A retrieved test session as the completion endpoint would answer it,
/// once it has ended.
fn ended_test_session(
    session: &FindOneTestSessionResponse,
) -> Option<AwaitTestSessionCompletionResponse> {
    if session.status == TestSessionStatus::Running {
        return None;
    }
    let stopped_at = session.stopped_at?;
    let session = session.clone();
    Some(AwaitTestSessionCompletionResponse {
        error_group_ids: session.error_group_ids,
        metadata: session.metadata,
        name: session.name,
        results: session.results,
        started_at: session.started_at,
        status: session.status,
        stopped_at,
        test_session_id: session.test_session_id,
        test_session_link: session.test_session_link,
        time_elapsed: session.time_elapsed,
    })
}

/// How to retrieve the session, tell whether it changed, and whether it
/// ended (as the completion endpoint would say).
struct Watch<U, T> {
    retrieve: fn(Client, Uuid) -> BoxFuture<'static, Result<U>>,
    changed: fn(&U, &U) -> bool,
    ended: fn(&U) -> Option<T>,
}

/// A watch under way.
struct Watching<U, T> {
    watch: Watch<U, T>,
    schedule: RetrieveSchedule,
    last: Option<U>,
    /// The retrieve under way (its pause, then the request).
    next: Option<BoxFuture<'static, Result<U>>>,
}

/// Makes the completion polls of one wait.
struct Asker<T> {
    client: Client,
    id: Uuid,
    poll: Poll<T>,
    poll_seconds: u32,
    clock: Arc<dyn Clock>,
    start: Duration,
    max: Duration,
}

impl<T> Clone for Asker<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            id: self.id,
            poll: self.poll,
            poll_seconds: self.poll_seconds,
            clock: self.clock.clone(),
            start: self.start,
            max: self.max,
        }
    }
}

/// How one completion poll (after its pause) ended.
enum Asked<T> {
    /// `max` had passed before it was sent.
    TimedOut { elapsed: Duration },
    /// Its answer, the `maxWaitSeconds` asked for and the time it took.
    Answer {
        result: Result<T>,
        seconds: u32,
        took: Duration,
    },
}

impl<T: Send + 'static> Asker<T> {
    fn elapsed(&self) -> Duration {
        self.clock.now().saturating_sub(self.start)
    }

    /// A completion poll after `pause`; unless it is the `first`, none once
    /// `max` has passed.
    fn ask(&self, pause: Duration, first: bool) -> BoxFuture<'static, Asked<T>> {
        let asker = self.clone();
        Box::pin(async move {
            if !pause.is_zero() {
                asker.clock.sleep(pause).await;
            }
            let elapsed = asker.elapsed();
            if !first && elapsed >= asker.max {
                return Asked::TimedOut { elapsed };
            }
            let left = asker.max.saturating_sub(elapsed);
            let left_seconds = left
                .as_secs()
                .saturating_add(u64::from(left.subsec_nanos() > 0));
            let left_seconds = u32::try_from(left_seconds).unwrap_or(u32::MAX);
            let seconds = asker.poll_seconds.min(left_seconds).max(1);
            let asked_at = asker.clock.now();
            let result = (asker.poll)(asker.client.clone(), asker.id, seconds).await;
            let took = asker.clock.now().saturating_sub(asked_at);
            Asked::Answer {
                result,
                seconds,
                took,
            }
        })
    }

    /// The pause before asking again after a 408 that took `took`.
    fn pause_after(&self, error: &Error, seconds: u32, took: Duration) -> Duration {
        let early = took < Duration::from_secs(u64::from(seconds)) / 2;
        let mut pause = error.retry_after().unwrap_or(Duration::ZERO);
        if early {
            pause = pause.max(MIN_POLL_INTERVAL);
        }
        pause.min(self.max.saturating_sub(self.elapsed()))
    }
}

/// The state of [`Waiter::run`].
struct Run<T, U> {
    asker: Asker<T>,
    /// The completion poll under way, kept across retrieves.
    completion: BoxFuture<'static, Asked<T>>,
    polls: u32,
    watch: Option<Watching<U, T>>,
    finished: bool,
}

impl<T: Send + 'static, U: Clone + Send + 'static> Run<T, U> {
    /// The next item of the stream; `None` once it has ended.
    async fn step(&mut self) -> Option<Result<Progress<U, T>>> {
        loop {
            if self.finished {
                return None;
            }
            let retrieve = match self.watch.as_mut() {
                Some(watching) => {
                    let next = watching.next.take();
                    next.unwrap_or_else(|| watching.start(&self.asker))
                }
                None => future::pending().boxed(),
            };
            let completion = std::mem::replace(&mut self.completion, future::pending().boxed());
            match future::select(completion, retrieve).await {
                Either::Left((asked, retrieve)) => {
                    if let Some(watching) = self.watch.as_mut() {
                        watching.next = Some(retrieve);
                    }
                    if let Some(end) = self.answered(asked) {
                        self.finished = true;
                        return Some(end);
                    }
                }
                Either::Right((retrieved, completion)) => {
                    self.completion = completion;
                    let Some(watching) = self.watch.as_mut() else {
                        continue;
                    };
                    match retrieved {
                        Ok(now) => {
                            if let Some(value) = (watching.watch.ended)(&now) {
                                // Seen ended before the long poll said so (a
                                // completion endpoint that only answers 408).
                                self.finished = true;
                                return Some(Ok(Progress::Done(Waited {
                                    value,
                                    elapsed: self.asker.elapsed(),
                                    polls: self.polls,
                                })));
                            }
                            if let Some(update) = watching.seen(now) {
                                return Some(Ok(Progress::Update(update)));
                            }
                        }
                        Err(error) => {
                            self.finished = true;
                            return Some(Err(error));
                        }
                    }
                }
            }
        }
    }

    /// Handles a completion answer: the end of the wait, or `None` after a
    /// 408 (the next poll is then under way).
    fn answered(&mut self, asked: Asked<T>) -> Option<Result<Progress<U, T>>> {
        let (result, seconds, took) = match asked {
            Asked::TimedOut { elapsed } => {
                return Some(Err(Error::WaitTimeout {
                    elapsed,
                    polls: self.polls,
                    max_wait: self.asker.max,
                }));
            }
            Asked::Answer {
                result,
                seconds,
                took,
            } => (result, seconds, took),
        };
        self.polls += 1;
        match result {
            Ok(value) => Some(Ok(Progress::Done(Waited {
                value,
                elapsed: self.asker.elapsed(),
                polls: self.polls,
            }))),
            Err(error) if error.status().is_some_and(|s| s.as_u16() == 408) => {
                let pause = self.asker.pause_after(&error, seconds, took);
                self.completion = self.asker.ask(pause, false);
                None
            }
            Err(error) => Some(Err(error)),
        }
    }
}

impl<U: Clone + Send + 'static, T> Watching<U, T> {
    /// The next retrieve, at its scheduled time.
    fn start(&mut self, asker: &Asker<T>) -> BoxFuture<'static, Result<U>> {
        let at = self.schedule.next();
        let clock = asker.clock.clone();
        let client = asker.client.clone();
        let (id, retrieve) = (asker.id, self.watch.retrieve);
        Box::pin(async move {
            let pause = at.saturating_sub(clock.now());
            if !pause.is_zero() {
                clock.sleep(pause).await;
            }
            retrieve(client, id).await
        })
    }

    /// Records a retrieved session; `Some` when it changed.
    fn seen(&mut self, now: U) -> Option<U> {
        let changed = self
            .last
            .as_ref()
            .is_none_or(|last| (self.watch.changed)(last, &now));
        self.schedule.seen(changed);
        if !changed {
            return None;
        }
        self.last = Some(now.clone());
        Some(now)
    }
}
