//! Following a test session to its end, Ctrl+C, and the live lines.
//!
//! The polling is the library's: [`checkly::Waiter::progress`] long-polls the
//! completion endpoint and retrieves the session on its own documented
//! schedule; each update shows the checks' FINAL results that are new (each
//! once). `--timeout` bounds the whole wait (a deadline here, beside the
//! stream's own limit), and every step of it listens for Ctrl+C.
//!
//! The first Ctrl+C cancels the session (`cancel_test_session`) and keeps
//! following, so the cancelled results are still reported; a second one stops
//! at once with [`Interrupted`] (exit 1). A Ctrl+C pressed while the trigger
//! request was still under way counts: the session is then cancelled as soon
//! as following starts (see [`Signals`]). Signals arrive on a channel so that
//! tests can send them without a process.

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use checkly::types::ResultType;
use checkly::{Client, Progress};
use console::Style;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::error::Interrupted;
use crate::print::{Printer, err_style, sanitize};
use crate::report::format::{details, row_label, row_mark};
use crate::session::{ResultRow, SessionView, is_final};
use crate::why::{self, Explainer};

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
        self.presses = self.presses.saturating_add(1);
        if self.presses == 1 {
            SignalAction::Cancel
        } else {
            SignalAction::Exit
        }
    }

    /// Whether Ctrl+C was pressed at all.
    pub fn pressed(&self) -> bool {
        self.presses > 0
    }
}

/// Ctrl+C presses, as they arrive, and how many there were.
#[derive(Debug)]
pub struct Signals {
    rx: Option<mpsc::UnboundedReceiver<()>>,
    ctrl_c: CtrlC,
}

impl Signals {
    /// Installs the Ctrl+C (SIGINT) handler now. Once installed, Ctrl+C no
    /// longer kills the process: the command decides.
    pub fn listen() -> anyhow::Result<Self> {
        Ok(Self::from_channel(ctrl_c_channel()?))
    }

    /// Presses arrive on `rx` (tests send them).
    pub fn from_channel(rx: mpsc::UnboundedReceiver<()>) -> Self {
        Self {
            rx: Some(rx),
            ctrl_c: CtrlC::default(),
        }
    }

    /// No presses ever: Ctrl+C keeps its default (the process stops).
    pub fn none() -> Self {
        Self {
            rx: None,
            ctrl_c: CtrlC::default(),
        }
    }

    /// Waits for the next press and says what it means (never returns when
    /// no press can come).
    pub async fn next(&mut self) -> SignalAction {
        let pressed = match self.rx.as_mut() {
            Some(rx) => rx.recv().await.is_some(),
            None => false,
        };
        if !pressed {
            self.rx = None;
            return std::future::pending().await;
        }
        self.ctrl_c.press()
    }

    /// Whether Ctrl+C was pressed already.
    pub fn pressed(&self) -> bool {
        self.ctrl_c.pressed()
    }
}

/// Installs the handlers now and forwards every Ctrl+C (SIGINT) and, on
/// Unix, every SIGTERM to the returned channel: a CI runner stops a cancelled
/// or timed-out job with SIGTERM, which then acts as the first Ctrl+C
/// (cancel the session, report what is known, exit 1); a second signal of
/// either kind exits at once.
fn ctrl_c_channel() -> anyhow::Result<mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        for (kind, what) in [
            (SignalKind::interrupt(), "Ctrl+C"),
            (SignalKind::terminate(), "SIGTERM"),
        ] {
            let mut signals =
                signal(kind).with_context(|| format!("could not listen for {what}"))?;
            let tx = tx.clone();
            tokio::spawn(async move {
                while signals.recv().await.is_some() {
                    if tx.send(()).is_err() {
                        break;
                    }
                }
            });
        }
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

/// `timeout` from now; a timeout too large for the clock is as good as never.
pub fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

/// How a raced step ended.
enum Step<T> {
    /// The step's own result.
    Done(T),
    /// The deadline passed first.
    TimedOut,
}

/// A cancel request under way in the background.
type Cancelling = Option<JoinHandle<checkly::Result<()>>>;

/// Follows a session, printing each FINAL result once.
#[derive(Debug)]
pub struct Follower<'a> {
    client: &'a Client,
    printer: &'a Printer,
    options: FollowOptions,
    shown: HashSet<Uuid>,
    latest: SessionView,
    explainer: Option<Explainer>,
}

impl<'a> Follower<'a> {
    /// A follower of `session` using `client` and printing through `printer`.
    pub fn new(
        client: &'a Client,
        printer: &'a Printer,
        options: FollowOptions,
        session: SessionView,
    ) -> Self {
        Self {
            client,
            printer,
            options,
            shown: HashSet::new(),
            latest: session,
            explainer: None,
        }
    }

    /// Say why each failed, degraded or flaky check failed, under its line,
    /// as it finishes (one request per such result, through `explainer`).
    pub fn with_explainer(mut self, explainer: Explainer) -> Self {
        self.explainer = Some(explainer);
        self
    }

    /// The explainer, with what it fetched (for the reports).
    pub fn take_explainer(&mut self) -> Option<Explainer> {
        self.explainer.take()
    }

    /// The session as last seen (also after an error).
    pub fn latest(&self) -> &SessionView {
        &self.latest
    }

    /// Follows the session until it finishes, the timeout passes, or a second
    /// Ctrl+C arrives on `signals` (then `Err(Interrupted)`). When Ctrl+C was
    /// pressed before (while triggering), the session is cancelled at once.
    pub async fn follow(&mut self, signals: &mut Signals) -> anyhow::Result<Followed> {
        let id = self.latest.id;
        let deadline = deadline_after(self.options.timeout);
        let mut cancelling: Cancelling = None;
        let first = self.latest.clone();
        self.show_new(&first).await;
        if signals.pressed() {
            self.printer
                .warn("Ctrl+C: cancelling the test session (press Ctrl+C again to exit now)");
            cancelling = Some(self.start_cancel(id));
        }
        let mut progress = self
            .client
            .wait_for_test_session(id)
            .poll_seconds(self.options.poll_seconds)
            .progress(self.options.timeout);
        loop {
            let step = match self
                .race(progress.next(), deadline, signals, &mut cancelling)
                .await?
            {
                Step::Done(step) => step,
                Step::TimedOut => return Ok(self.timed_out()),
            };
            match step {
                Some(Ok(Progress::Update(now))) => {
                    let now = SessionView::from(now);
                    self.show_new(&now).await;
                    self.latest = now;
                }
                Some(Ok(Progress::Done(done))) => {
                    let mut done = SessionView::from(done.value);
                    if done.results.is_empty() && !self.latest.results.is_empty() {
                        // An answer without results: take them from the retrieve endpoint.
                        let fetch = self.client.get_test_session(id);
                        done = match self.race(fetch, deadline, signals, &mut cancelling).await? {
                            Step::Done(fetched) => fetched
                                .context("could not fetch the finished test session")?
                                .into(),
                            Step::TimedOut => return Ok(self.timed_out()),
                        };
                    }
                    self.show_new(&done).await;
                    self.latest = done.clone();
                    return Ok(Followed::Finished(done));
                }
                Some(Err(checkly::Error::WaitTimeout { .. })) => return Ok(self.timed_out()),
                Some(Err(e)) => {
                    return Err(anyhow::Error::new(e).context("could not follow the test session"));
                }
                None => anyhow::bail!("following the test session ended without its end"),
            }
        }
    }

    /// Runs `step` until it ends or `deadline` passes, meanwhile handling
    /// Ctrl+C (the first starts the cancel, a later one is `Err(Interrupted)`)
    /// and reporting how a cancel under way ended.
    async fn race<F: Future>(
        &mut self,
        step: F,
        deadline: Instant,
        signals: &mut Signals,
        cancelling: &mut Cancelling,
    ) -> anyhow::Result<Step<F::Output>> {
        let step = tokio::time::timeout_at(deadline, step);
        tokio::pin!(step);
        loop {
            tokio::select! {
                // Signals first: a Ctrl+C is never lost behind a ready answer.
                biased;
                action = signals.next() => match action {
                    SignalAction::Cancel => {
                        self.printer.warn("Ctrl+C: cancelling the test session (press Ctrl+C again to exit now)");
                        *cancelling = Some(self.start_cancel(self.latest.id));
                    }
                    SignalAction::Exit => return Err(self.interrupted().into()),
                },
                Some(cancelled) = join(cancelling) => {
                    *cancelling = None;
                    let cancelled = match cancelled {
                        Ok(result) => result.map_err(anyhow::Error::from),
                        Err(e) => Err(anyhow::Error::from(e)),
                    };
                    match cancelled {
                        Ok(()) => self.printer.info("Cancel requested; waiting for the session to stop"),
                        Err(e) => self.printer.warn(&format!("could not cancel the test session: {e}")),
                    }
                }
                out = &mut step => return Ok(match out {
                    Ok(value) => Step::Done(value),
                    Err(_) => Step::TimedOut,
                }),
            }
        }
    }

    /// Starts the cancel in the background, so that a second Ctrl+C is heard
    /// even if the cancel hangs.
    fn start_cancel(&self, id: Uuid) -> JoinHandle<checkly::Result<()>> {
        let client = self.client.clone();
        tokio::spawn(async move { client.cancel_test_session(id, None).await })
    }

    fn timed_out(&self) -> Followed {
        Followed::TimedOut(self.latest.clone())
    }

    fn interrupted(&self) -> Interrupted {
        Interrupted {
            session_link: Some(self.latest.link.clone()),
        }
    }

    /// Prints the FINAL results not shown yet (with why each failed, when
    /// there is an explainer) and updates the spinner.
    async fn show_new(&mut self, session: &SessionView) {
        for check in checkly::verdict::checks(&session.results) {
            if !self.shown.insert(check.final_result.test_session_result_id) {
                continue;
            }
            let row = ResultRow::of(&check);
            self.printer.info(&live_line(&row));
            let full_log = self.printer.verbose();
            if let Some(explainer) = self.explainer.as_mut()
                && let Some(why) = explainer.explain(&row).await
            {
                for line in why::lines(why, full_log) {
                    self.printer.info(&format!("    {line}"));
                }
            }
        }
        let checks = session
            .results
            .iter()
            .filter(|r| r.result_type != Some(ResultType::Attempt))
            .count();
        let done = session.results.iter().filter(|r| is_final(r)).count();
        self.printer.status(format!(
            "{}: {done}/{checks} checks finished",
            sanitize(&session.name)
        ));
    }
}

/// The line shown on stderr when a check finishes (API text sanitized).
pub fn live_line(row: &ResultRow) -> String {
    let (symbol, style) = row_mark(row, true);
    let dim = Style::new().dim();
    format!(
        "{} {} {} {} {}",
        err_style(symbol, &style),
        err_style(row_label(row), &style),
        sanitize(&row.name),
        err_style(details(row), &dim),
        err_style(sanitize(&row.link), &dim),
    )
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
    use checkly_mock::{FaultKind, FaultRule, MockConfig, MockServer};

    #[test]
    fn first_ctrl_c_cancels_later_ones_exit() {
        let mut ctrl_c = CtrlC::default();
        assert!(!ctrl_c.pressed());
        assert_eq!(ctrl_c.press(), SignalAction::Cancel);
        assert!(ctrl_c.pressed());
        assert_eq!(ctrl_c.press(), SignalAction::Exit);
        assert_eq!(ctrl_c.press(), SignalAction::Exit);
    }

    /// A mock at `speed`, a client for it, and a triggered session of the
    /// checks tagged `tag` (`slow`: 20 simulated seconds).
    async fn session_at(speed: f64, tag: &str) -> (MockServer, Client, SessionView) {
        let server = MockServer::start(MockConfig::default().with_speed(speed))
            .await
            .expect("the mock starts");
        let client = Client::builder()
            .api_key(server.api_key())
            .account_id(server.account_id())
            .base_url(server.url())
            .build()
            .expect("the client builds");
        let request = TriggerTestSessionRequest {
            name: tag.into(),
            run_location: "eu-central-1".into(),
            target: Some(TriggerTestSessionRequestTarget {
                match_tags: vec![vec![tag.into()]],
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

    /// The `slow` session at real speed (20 s).
    async fn slow_session() -> (MockServer, Client, SessionView) {
        session_at(1.0, "slow").await
    }

    fn options(timeout: Duration) -> FollowOptions {
        FollowOptions {
            poll_seconds: 1,
            timeout,
        }
    }

    /// Signals, and the sender that presses Ctrl+C `presses` times at once.
    fn pressed(presses: usize) -> (mpsc::UnboundedSender<()>, Signals) {
        let (tx, rx) = mpsc::unbounded_channel();
        for _ in 0..presses {
            tx.send(()).expect("the channel is open");
        }
        (tx, Signals::from_channel(rx))
    }

    /// Makes retrieves of `session` (not its completion polls) stall for 10 s.
    fn stall_retrieves(server: &MockServer, session: &SessionView) {
        let path = format!("/v1/test-sessions/{}", session.id);
        server.add_fault(
            FaultRule::new(FaultKind::Delay { millis: 0 }).on("GET", &format!("{path}/completion")),
        );
        server.add_fault(FaultRule::new(FaultKind::Delay { millis: 10_000 }).on("GET", &path));
    }

    /// Sends two Ctrl+C once `server` has received a GET of `path`.
    async fn press_twice_after_get(server: &MockServer, path: &str, tx: mpsc::UnboundedSender<()>) {
        while !server
            .received()
            .iter()
            .any(|r| r.method == "GET" && r.path == path)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = tx.send(());
        let _ = tx.send(());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_first_signal_cancels_and_following_goes_on() {
        let (server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (_tx, mut signals) = pressed(1);
        let followed = Follower::new(
            &client,
            &printer,
            options(Duration::from_secs(30)),
            session.clone(),
        )
        .follow(&mut signals)
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
    async fn a_signal_before_following_cancels_at_once() {
        let (server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (_tx, mut signals) = pressed(1);
        // The press was read while triggering.
        assert_eq!(signals.next().await, SignalAction::Cancel);
        let followed = Follower::new(&client, &printer, options(Duration::from_secs(30)), session)
            .follow(&mut signals)
            .await
            .expect("following succeeds");
        assert!(
            matches!(followed, Followed::Finished(ref s) if s.status == TestSessionStatus::Cancelled),
            "{followed:?}"
        );
        assert_eq!(
            server
                .received()
                .iter()
                .filter(|r| r.path.ends_with("/cancel"))
                .count(),
            1
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_second_signal_interrupts() {
        let (_server, client, session) = slow_session().await;
        let printer = Printer::new(false);
        let (_tx, mut signals) = pressed(2);
        let err = Follower::new(&client, &printer, options(Duration::from_secs(30)), session)
            .follow(&mut signals)
            .await
            .expect_err("the second signal stops following");
        assert!(err.downcast_ref::<Interrupted>().is_some(), "{err:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_timeout_bounds_following() {
        // At a quarter of real speed the session would take 80 s.
        let (_server, client, session) = session_at(0.25, "slow").await;
        let printer = Printer::new(false);
        let mut signals = Signals::none();
        let started = Instant::now();
        let followed = Follower::new(&client, &printer, options(Duration::from_secs(1)), session)
            .follow(&mut signals)
            .await
            .expect("following succeeds");
        assert!(
            matches!(followed, Followed::TimedOut(ref s) if s.status == TestSessionStatus::Running),
            "{followed:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_timeout_bounds_a_stalled_retrieve() {
        let (server, client, session) = slow_session().await;
        stall_retrieves(&server, &session);
        let printer = Printer::new(false);
        let mut signals = Signals::none();
        let started = Instant::now();
        let followed = Follower::new(&client, &printer, options(Duration::from_secs(2)), session)
            .follow(&mut signals)
            .await
            .expect("following succeeds");
        assert!(matches!(followed, Followed::TimedOut(_)), "{followed:?}");
        // A 1 s poll, then the retrieve that would stall 10 s.
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
    }

    /// Follows `session`, pressing Ctrl+C twice once the session has been
    /// retrieved, and checks that following stops within `bound`.
    async fn interrupted_within(
        server: &MockServer,
        client: &Client,
        session: SessionView,
        bound: Duration,
    ) {
        let retrieve = format!("/v1/test-sessions/{}", session.id);
        let (tx, mut signals) = pressed(0);
        let printer = Printer::new(false);
        let started = Instant::now();
        let mut follower =
            Follower::new(client, &printer, options(Duration::from_secs(60)), session);
        let (followed, ()) = tokio::join!(
            follower.follow(&mut signals),
            press_twice_after_get(server, &retrieve, tx)
        );
        let err = followed.expect_err("the second signal stops following");
        assert!(err.downcast_ref::<Interrupted>().is_some(), "{err:?}");
        assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_interrupts_a_stalled_retrieve() {
        let (server, client, session) = slow_session().await;
        stall_retrieves(&server, &session);
        interrupted_within(&server, &client, session, Duration::from_secs(6)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_interrupts_the_retry_after_pause() {
        let (server, client, session) = slow_session().await;
        // The first poll answers 408 asking for a 30 s pause.
        server.add_fault(
            FaultRule::new(FaultKind::Status {
                status: 408,
                retry_after: Some("30".into()),
            })
            .on(
                "GET",
                &format!("/v1/test-sessions/{}/completion", session.id),
            )
            .times(1),
        );
        interrupted_within(&server, &client, session, Duration::from_secs(10)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_huge_timeout_does_not_overflow() {
        let (_server, client, session) = session_at(100.0, "production").await;
        let printer = Printer::new(false);
        let mut signals = Signals::none();
        let followed = Follower::new(&client, &printer, options(Duration::MAX), session)
            .follow(&mut signals)
            .await
            .expect("following succeeds");
        assert!(
            matches!(followed, Followed::Finished(ref s) if s.status == TestSessionStatus::Passed),
            "{followed:?}"
        );
    }

    #[test]
    fn live_lines_are_sanitized() {
        let session = crate::session::fixtures::session(
            TestSessionStatus::Failed,
            vec![crate::session::fixtures::result(
                "Evil\n::error::injected\u{1b}[2J",
                TestSessionStatus::Failed,
            )],
        );
        let line = live_line(&session.final_rows()[0]);
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line:?}");
        assert!(line.contains("Evil\\n::error::injected"), "{line}");
    }
}
