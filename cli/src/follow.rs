//! Following a test session to its end, and Ctrl+C.
//!
//! The loop long-polls the completion endpoint with a short `maxWaitSeconds`.
//! Each 408 ("still running") is followed by one retrieve of the session, so
//! each check's FINAL result is shown as soon as it exists (once). `--timeout`
//! bounds the whole wait.
//!
//! The first Ctrl+C cancels the session (`cancel_test_session`) and keeps
//! following, so the cancelled results are still reported; a second one stops
//! at once with [`Interrupted`] (exit 1). Signals arrive on a channel so that
//! tests can send them without a process.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::Context;
use checkly::Client;
use checkly::types::ResultType;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::error::Interrupted;
use crate::print::Printer;
use crate::report::live_line;
use crate::session::{ResultRow, SessionView, is_final};

/// How to follow.
#[derive(Debug, Clone, Copy)]
pub struct FollowOptions {
    /// `maxWaitSeconds` of each completion poll (1 to 30).
    pub poll_seconds: u32,
    /// How long to follow at most.
    pub timeout: Duration,
}

/// How following ended.
#[derive(Debug, Clone)]
pub enum Followed {
    /// The session finished (passed, failed or cancelled).
    Finished(SessionView),
    /// The timeout passed first; the session as last seen.
    TimedOut(SessionView),
}

/// What a Ctrl+C means now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalAction {
    /// The first: cancel the session and keep reporting.
    Cancel,
    /// Any later one: stop now.
    Exit,
}

/// Counts Ctrl+C presses: the first cancels, the next exits.
#[derive(Debug, Default)]
pub struct CtrlC {
    presses: u32,
}

impl CtrlC {
    /// Records a press and says what to do.
    pub fn press(&mut self) -> SignalAction {
        self.presses += 1;
        if self.presses == 1 {
            SignalAction::Cancel
        } else {
            SignalAction::Exit
        }
    }
}

/// Installs the Ctrl+C (SIGINT) handler now and forwards every press to the
/// returned channel. Once installed, Ctrl+C no longer kills the process:
/// the follow loop decides.
pub fn ctrl_c_channel() -> anyhow::Result<mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut sigint = signal(SignalKind::interrupt()).context("could not listen for Ctrl+C")?;
        tokio::spawn(async move {
            while sigint.recv().await.is_some() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
    }
    Ok(rx)
}

/// Follows a session, printing each FINAL result once.
#[derive(Debug)]
pub struct Follower<'a> {
    client: &'a Client,
    printer: &'a Printer,
    options: FollowOptions,
    shown: HashSet<Uuid>,
    ctrl_c: CtrlC,
}

impl<'a> Follower<'a> {
    /// A follower using `client` and printing through `printer`.
    pub fn new(client: &'a Client, printer: &'a Printer, options: FollowOptions) -> Self {
        Self {
            client,
            printer,
            options,
            shown: HashSet::new(),
            ctrl_c: CtrlC::default(),
        }
    }

    /// Follows `session` until it finishes, the timeout passes, or a second
    /// signal arrives on `signals` (then `Err(Interrupted)`).
    pub async fn follow(
        &mut self,
        session: SessionView,
        signals: &mut mpsc::UnboundedReceiver<()>,
    ) -> anyhow::Result<Followed> {
        let id = session.id;
        let deadline = Instant::now() + self.options.timeout;
        let mut latest = session;
        let mut cancelling: Option<JoinHandle<checkly::Result<()>>> = None;
        self.show_new(&latest);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Followed::TimedOut(latest));
            }
            let left_seconds = u32::try_from(left.as_secs()).unwrap_or(u32::MAX)
                + u32::from(left.subsec_nanos() > 0);
            let wait = self.options.poll_seconds.min(left_seconds).max(1);
            let poll = self.client.await_test_session_completion(id, Some(wait));
            tokio::select! {
                // Signals first: a Ctrl+C is never lost behind a ready answer.
                biased;
                Some(()) = signals.recv() => match self.ctrl_c.press() {
                    SignalAction::Cancel => {
                        self.printer.warn("Ctrl+C: cancelling the test session (press Ctrl+C again to exit now)");
                        // In the background, so that a second Ctrl+C is heard even if the cancel hangs.
                        let client = self.client.clone();
                        cancelling = Some(tokio::spawn(async move { client.cancel_test_session(id, None).await }));
                    }
                    SignalAction::Exit => return Err(Interrupted.into()),
                },
                Some(cancelled) = join(&mut cancelling) => {
                    cancelling = None;
                    match cancelled {
                        Ok(Ok(())) => self.printer.info("Cancel requested; waiting for the session to stop"),
                        Ok(Err(e)) => self.printer.warn(&format!("could not cancel the test session: {e}")),
                        Err(e) => self.printer.warn(&format!("could not cancel the test session: {e}")),
                    }
                }
                answer = tokio::time::timeout_at(deadline, poll) => match answer {
                    Err(_) => return Ok(Followed::TimedOut(latest)),
                    Ok(Ok(done)) => {
                        let mut done = SessionView::from(done);
                        if done.results.is_empty() && !latest.results.is_empty() {
                            // An answer without results: take them from the retrieve endpoint.
                            done = self.client.get_test_session(id).await.context("could not fetch the finished test session")?.into();
                        }
                        self.show_new(&done);
                        return Ok(Followed::Finished(done));
                    }
                    Ok(Err(e)) if e.status().is_some_and(|s| s.as_u16() == 408) => {
                        let now = self.client.get_test_session(id).await.context("could not fetch the test session")?;
                        latest = now.into();
                        self.show_new(&latest);
                        if let Some(pause) = e.retry_after() {
                            tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
                        }
                    }
                    Ok(Err(e)) => return Err(anyhow::Error::new(e).context("could not follow the test session")),
                },
            }
        }
    }

    /// Prints the FINAL results not shown yet and updates the spinner.
    fn show_new(&mut self, session: &SessionView) {
        for result in session.results.iter().filter(|r| is_final(r)) {
            if self.shown.insert(result.test_session_result_id) {
                let row = ResultRow::new(result, session.attempts_of(result));
                self.printer.info(&live_line(&row));
            }
        }
        let checks = session
            .results
            .iter()
            .filter(|r| r.result_type != Some(ResultType::Attempt))
            .count();
        let done = session.results.iter().filter(|r| is_final(r)).count();
        self.printer
            .status(format!("{}: {done}/{checks} checks finished", session.name));
    }
}

/// Awaits the task, if there is one; `None` at once otherwise.
async fn join<T>(task: &mut Option<JoinHandle<T>>) -> Option<Result<T, tokio::task::JoinError>> {
    match task {
        Some(handle) => Some(handle.await),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use checkly::types::{
        TestSessionStatus, TriggerTestSessionRequest, TriggerTestSessionRequestTarget,
    };
    use checkly_mock::{MockConfig, MockServer};

    #[test]
    fn first_ctrl_c_cancels_later_ones_exit() {
        let mut ctrl_c = CtrlC::default();
        assert_eq!(ctrl_c.press(), SignalAction::Cancel);
        assert_eq!(ctrl_c.press(), SignalAction::Exit);
        assert_eq!(ctrl_c.press(), SignalAction::Exit);
    }

    /// A mock at real speed, a client for it, and a triggered `slow` session (20 s).
    async fn slow_session() -> (MockServer, Client, SessionView) {
        let server = MockServer::start(MockConfig::default())
            .await
            .expect("the mock starts");
        let client = Client::builder()
            .api_key(server.api_key())
            .account_id(server.account_id())
            .base_url(server.url())
            .build()
            .expect("the client builds");
        let request = TriggerTestSessionRequest {
            name: "slow".into(),
            run_location: "eu-central-1".into(),
            target: Some(TriggerTestSessionRequestTarget {
                match_tags: vec![vec!["slow".into()]],
                ..TriggerTestSessionRequestTarget::default()
            }),
            environment_variables: vec![],
            retry_strategy: None,
            refresh_cache: false,
            metadata: None,
        };
        let session = client
            .trigger_test_session(&request)
            .await
            .expect("the trigger succeeds");
        (server, client, session.into())
    }

    fn options(timeout: Duration) -> FollowOptions {
        FollowOptions {
            poll_seconds: 1,
            timeout,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_first_signal_cancels_and_following_goes_on() {
        let (server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (tx, mut rx) = mpsc::unbounded_channel();
        tx.send(()).expect("the channel is open");
        let followed = Follower::new(&client, &printer, options(Duration::from_secs(30)))
            .follow(session.clone(), &mut rx)
            .await
            .expect("following succeeds");
        let Followed::Finished(done) = followed else {
            panic!("expected the session to finish: {followed:?}")
        };
        assert_eq!(done.status, TestSessionStatus::Cancelled);
        assert_eq!(
            done.final_rows().len(),
            1,
            "the cancelled result is reported"
        );
        let cancels: Vec<_> = server
            .received()
            .into_iter()
            .filter(|r| r.path.ends_with("/cancel"))
            .collect();
        assert_eq!(cancels.len(), 1);
        assert_eq!(
            cancels[0].path,
            format!("/v1/test-sessions/{}/cancel", session.id)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_second_signal_interrupts() {
        let (_server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (tx, mut rx) = mpsc::unbounded_channel();
        tx.send(()).expect("the channel is open");
        tx.send(()).expect("the channel is open");
        let err = Follower::new(&client, &printer, options(Duration::from_secs(30)))
            .follow(session, &mut rx)
            .await
            .expect_err("the second signal stops following");
        assert!(err.downcast_ref::<Interrupted>().is_some(), "{err:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_timeout_bounds_following() {
        let (_server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (_tx, mut rx) = mpsc::unbounded_channel();
        let started = Instant::now();
        let followed = Follower::new(&client, &printer, options(Duration::from_millis(1500)))
            .follow(session, &mut rx)
            .await
            .expect("following succeeds");
        assert!(
            matches!(followed, Followed::TimedOut(ref s) if s.status == TestSessionStatus::Running),
            "{followed:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
}
