//! Did it pass? One rule for test sessions and check sessions.
//!
//! A session's results come as FINAL results (one per check and location,
//! the last word), ATTEMPT results (earlier tries, when retries are on) and
//! PENDING ones (still running). [`SessionVerdict::checks`] groups them: one
//! [`CheckOutcome`] per finished FINAL result, with the ATTEMPT results of
//! the same check (same `checkId`, else same `name`) in the same location.
//!
//! **A result** ([`CheckResult::verdict`]), in this order:
//!
//! 1. not finished (PENDING, or still RUNNING): [`Verdict::Running`];
//! 2. `aborted`, CANCELLED or `isCancelled`: [`Verdict::Cancelled`];
//! 3. `hasFailures`, `hasErrors` or FAILED: [`Verdict::Failed`];
//! 4. `isDegraded`: [`Verdict::Degraded`];
//! 5. otherwise [`Verdict::Passed`].
//!
//! **A check** ([`CheckOutcome::verdict`]) is its FINAL result's verdict,
//! except that a FINAL result that passed after an ATTEMPT that did not is
//! [`Verdict::Flaky`] (a degraded FINAL result stays [`Verdict::Degraded`]).
//!
//! **A session** ([`SessionVerdict::verdict`]), in this order:
//!
//! 1. the session is CANCELLED: [`Verdict::Cancelled`];
//! 2. a check failed or was cancelled: [`Verdict::Failed`], whatever the
//!    session's status says;
//! 3. the session still runs (RUNNING; for check sessions STARTED, PROGRESS,
//!    PROGRESS_FAILED, PROGRESS_DEGRADED): [`Verdict::Running`];
//! 4. a PASSED test session without any result at all:
//!    [`Verdict::NoResults`] (nothing matched, nothing ran; a check session
//!    is one check that did match, and is judged by its status and results);
//! 5. PASSED (or DEGRADED): the worst of its checks, Degraded over Flaky
//!    over Passed (a DEGRADED check session is at least Degraded); no
//!    finished check at all (only PENDING results) is [`Verdict::Passed`];
//! 6. anything else (FAILED, TIMED_OUT, a status this crate does not know):
//!    [`Verdict::Failed`].
//!
//! [`Verdict::passed`] is the gate: Passed, Degraded and Flaky pass; Failed,
//! Cancelled, Running and NoResults do not.
//!
//! ```no_run
//! use std::time::Duration;
//! use checkly::SessionVerdict;
//!
//! # async fn run(client: checkly::Client, id: uuid::Uuid) -> checkly::Result<()> {
//! let done = client.wait_for_test_session(id).wait(Duration::from_secs(600)).await?;
//! for check in done.value.checks() {
//!     println!("{} {:?} ({} attempts)", check.verdict, check.name, check.attempt_count());
//! }
//! if !done.value.passed() {
//!     std::process::exit(1);
//! }
//! # Ok(()) }
//! ```

use std::fmt;

use uuid::Uuid;

use crate::types::{
    AwaitTestSessionCompletionResponse, CheckSessionStatus, CheckSessionsV2CheckResult,
    CheckSessionsV2CheckSession, CheckSessionsV2CompletionResponse, CheckSessionsV2FindOneResponse,
    CheckType, FindOneTestSessionResponse, ResultType, TestSessionResult, TestSessionStatus,
    TriggerTestSessionResponse,
};

/// How a session, a check or a result ended; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Passed.
    Passed,
    /// Passed, but slower than its degraded threshold.
    Degraded,
    /// Passed on a retry after an attempt that did not.
    Flaky,
    /// Failed or errored.
    Failed,
    /// Cancelled or aborted.
    Cancelled,
    /// The session finished without any result: nothing ran.
    NoResults,
    /// Not finished yet.
    Running,
}

impl Verdict {
    /// Whether this is a pass (a green deploy): Passed, Degraded or Flaky.
    ///
    /// ```
    /// use checkly::Verdict;
    /// assert!(Verdict::Flaky.passed());
    /// assert!(!Verdict::NoResults.passed());
    /// ```
    pub fn passed(self) -> bool {
        matches!(self, Verdict::Passed | Verdict::Degraded | Verdict::Flaky)
    }

    /// The upper-case word, e.g. `PASSED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "PASSED",
            Verdict::Degraded => "DEGRADED",
            Verdict::Flaky => "FLAKY",
            Verdict::Failed => "FAILED",
            Verdict::Cancelled => "CANCELLED",
            Verdict::NoResults => "NO_RESULTS",
            Verdict::Running => "RUNNING",
        }
    }

    /// The verdict of a test session with `status` and `results`.
    pub fn of_test_session(status: &TestSessionStatus, results: &[TestSessionResult]) -> Self {
        let state = match status {
            TestSessionStatus::Cancelled => State::Cancelled,
            TestSessionStatus::Running => State::Running,
            TestSessionStatus::Passed => State::Passed,
            _ => State::Other,
        };
        session(state, results, true)
    }

    /// The verdict of a check session with `status` and `results`.
    pub fn of_check_session(
        status: &CheckSessionStatus,
        results: &[CheckSessionsV2CheckResult],
    ) -> Self {
        use CheckSessionStatus as S;
        let state = match status {
            S::Cancelled => State::Cancelled,
            S::Started | S::Progress | S::ProgressFailed | S::ProgressDegraded => State::Running,
            S::Passed => State::Passed,
            S::Degraded => State::Degraded,
            _ => State::Other,
        };
        session(state, results, false)
    }

    /// How bad a passing verdict is, for the worst of a session's checks.
    fn rank(self) -> u8 {
        match self {
            Verdict::Degraded => 2,
            Verdict::Flaky => 1,
            _ => 0,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a session's status says, for [`session`].
enum State {
    Cancelled,
    Running,
    Passed,
    Degraded,
    Other,
}

/// Steps 1 to 6 of the session rule in the module docs.
/// `nothing_ran`: whether no result at all means nothing ran (test sessions).
fn session<R: CheckResult>(state: State, results: &[R], nothing_ran: bool) -> Verdict {
    if matches!(state, State::Cancelled) {
        return Verdict::Cancelled;
    }
    let checks = checks(results);
    if checks
        .iter()
        .any(|c| matches!(c.verdict, Verdict::Failed | Verdict::Cancelled))
    {
        return Verdict::Failed;
    }
    let floor = match state {
        State::Running => return Verdict::Running,
        State::Other => return Verdict::Failed,
        _ if nothing_ran && results.is_empty() => return Verdict::NoResults,
        State::Degraded => Verdict::Degraded,
        _ => Verdict::Passed,
    };
    checks.iter().map(|c| c.verdict).fold(
        floor,
        |worst, v| if v.rank() > worst.rank() { v } else { worst },
    )
}

/// One result of a session: a [`TestSessionResult`] or a
/// [`CheckSessionsV2CheckResult`].
pub trait CheckResult: Clone {
    /// The check's id, when sent.
    fn check_id(&self) -> Option<Uuid>;
    /// The check's name, when sent.
    fn name(&self) -> Option<&str>;
    /// The check's type.
    fn check_type(&self) -> &CheckType;
    /// Where it ran, when sent.
    fn run_location(&self) -> Option<&str>;
    /// `resultType`.
    fn result_type(&self) -> Option<&ResultType>;
    /// Whether it is still running (PENDING, or a RUNNING status).
    fn running(&self) -> bool;
    /// Whether it was cancelled or aborted.
    fn cancelled(&self) -> bool;
    /// Whether it failed or errored.
    fn failed(&self) -> bool;
    /// Whether it was degraded.
    fn degraded(&self) -> bool;

    /// This result's verdict: steps 1 to 5 of the result rule in the [module docs](self).
    fn verdict(&self) -> Verdict {
        if self.running() {
            Verdict::Running
        } else if self.cancelled() {
            Verdict::Cancelled
        } else if self.failed() {
            Verdict::Failed
        } else if self.degraded() {
            Verdict::Degraded
        } else {
            Verdict::Passed
        }
    }

    /// Whether this is the last word on its check: FINAL (or untyped) and finished.
    fn is_final(&self) -> bool {
        matches!(self.result_type(), None | Some(ResultType::Final)) && !self.running()
    }

    /// Whether this is an earlier try (ATTEMPT) of its check.
    fn is_attempt(&self) -> bool {
        self.result_type() == Some(&ResultType::Attempt)
    }

    /// Whether `other` is a result of the same check (same `checkId`, else
    /// same `name`) in the same location.
    fn same_check(&self, other: &Self) -> bool {
        let same = match (self.check_id(), other.check_id()) {
            (Some(a), Some(b)) => a == b,
            _ => self.name() == other.name(),
        };
        same && self.run_location() == other.run_location()
    }
}

impl CheckResult for TestSessionResult {
    fn check_id(&self) -> Option<Uuid> {
        self.check_id
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn check_type(&self) -> &CheckType {
        &self.check_type
    }
    fn run_location(&self) -> Option<&str> {
        self.run_location.as_deref()
    }
    fn result_type(&self) -> Option<&ResultType> {
        self.result_type.as_ref()
    }
    fn running(&self) -> bool {
        self.status == TestSessionStatus::Running || self.result_type == Some(ResultType::Pending)
    }
    fn cancelled(&self) -> bool {
        self.aborted || self.status == TestSessionStatus::Cancelled
    }
    fn failed(&self) -> bool {
        self.has_failures || self.has_errors || self.status == TestSessionStatus::Failed
    }
    fn degraded(&self) -> bool {
        self.is_degraded
    }
}

impl CheckResult for CheckSessionsV2CheckResult {
    fn check_id(&self) -> Option<Uuid> {
        Some(self.check_id)
    }
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
    fn check_type(&self) -> &CheckType {
        &self.check_type
    }
    fn run_location(&self) -> Option<&str> {
        Some(&self.run_location)
    }
    fn result_type(&self) -> Option<&ResultType> {
        self.result_type.as_ref()
    }
    fn running(&self) -> bool {
        self.result_type == Some(ResultType::Pending)
    }
    fn cancelled(&self) -> bool {
        self.aborted || self.is_cancelled
    }
    fn failed(&self) -> bool {
        self.has_failures || self.has_errors
    }
    fn degraded(&self) -> bool {
        self.is_degraded
    }
}

/// One finished check of a session: its FINAL result and the attempts before it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome<R = TestSessionResult> {
    /// `checkId`, when sent.
    pub check_id: Option<Uuid>,
    /// `name`, when sent.
    pub name: Option<String>,
    /// `checkType`.
    pub check_type: CheckType,
    /// `runLocation`, when sent.
    pub run_location: Option<String>,
    /// The FINAL result.
    pub final_result: R,
    /// The ATTEMPT results of the same check and location, as sent.
    pub attempts: Vec<R>,
    /// The check's verdict (never Running or NoResults).
    pub verdict: Verdict,
}

impl<R: CheckResult> CheckOutcome<R> {
    /// The outcome of `final_result`, with its attempts found among `results`.
    pub fn new(final_result: R, results: &[R]) -> Self {
        let attempts: Vec<R> = results
            .iter()
            .filter(|r| r.is_attempt() && r.same_check(&final_result))
            .cloned()
            .collect();
        let verdict = match final_result.verdict() {
            Verdict::Passed if attempts.iter().any(|a| !a.verdict().passed()) => Verdict::Flaky,
            other => other,
        };
        Self {
            check_id: final_result.check_id(),
            name: final_result.name().map(str::to_owned),
            check_type: final_result.check_type().clone(),
            run_location: final_result.run_location().map(str::to_owned),
            final_result,
            attempts,
            verdict,
        }
    }

    /// The last attempt that did not pass, if any (as sent: the latest last).
    pub fn last_failed_attempt(&self) -> Option<&R> {
        self.attempts.iter().rev().find(|a| !a.verdict().passed())
    }

    /// The result that says why the check did not plainly pass: the FINAL
    /// result of a failed or degraded check, the last failed attempt of a
    /// flaky one; `None` for a plain pass or a cancelled check.
    pub fn explaining_result(&self) -> Option<&R> {
        match self.verdict {
            Verdict::Failed | Verdict::Degraded => Some(&self.final_result),
            Verdict::Flaky => self.last_failed_attempt(),
            _ => None,
        }
    }

    /// How many tries the check took: its attempts plus the FINAL one.
    pub fn attempt_count(&self) -> u32 {
        u32::try_from(self.attempts.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }
}

/// One [`CheckOutcome`] per finished FINAL result among `results`, in the order sent.
pub fn checks<R: CheckResult>(results: &[R]) -> Vec<CheckOutcome<R>> {
    results
        .iter()
        .filter(|r| r.is_final())
        .map(|r| CheckOutcome::new(r.clone(), results))
        .collect()
}

/// The verdict of a session response; see the [module docs](self).
pub trait SessionVerdict {
    /// The kind of its results.
    type Result: CheckResult;

    /// The session's verdict.
    fn verdict(&self) -> Verdict;

    /// One outcome per finished check, in the order the results came.
    fn checks(&self) -> Vec<CheckOutcome<Self::Result>>;

    /// Whether the session passed: [`Verdict::passed`] of [`Self::verdict`].
    fn passed(&self) -> bool {
        self.verdict().passed()
    }
}

macro_rules! session_verdict {
    ($of:ident, $result:ty => $($response:ty),+) => {$(
        impl SessionVerdict for $response {
            type Result = $result;
            fn verdict(&self) -> Verdict {
                Verdict::$of(&self.status, &self.results)
            }
            fn checks(&self) -> Vec<CheckOutcome<$result>> {
                checks(&self.results)
            }
        }
    )+};
}

session_verdict!(of_test_session, TestSessionResult =>
    TriggerTestSessionResponse,
    FindOneTestSessionResponse,
    AwaitTestSessionCompletionResponse
);
session_verdict!(of_check_session, CheckSessionsV2CheckResult =>
    CheckSessionsV2CompletionResponse,
    CheckSessionsV2FindOneResponse
);

/// A triggered check session carries no results: its verdict is its status's.
impl SessionVerdict for CheckSessionsV2CheckSession {
    type Result = CheckSessionsV2CheckResult;
    fn verdict(&self) -> Verdict {
        Verdict::of_check_session(&self.status, &[])
    }
    fn checks(&self) -> Vec<CheckOutcome<CheckSessionsV2CheckResult>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use TestSessionStatus::{Cancelled, Failed, Passed, Running};

    /// A result of check `check` (a name) with `status` and `kind`.
    fn result(check: &str, status: TestSessionStatus, kind: &str) -> TestSessionResult {
        serde_json::from_value(serde_json::json!({
            "aborted": false,
            "checkType": "API",
            "errorGroupIds": [],
            "hasErrors": false,
            "hasFailures": status == Failed,
            "isDegraded": false,
            "name": check,
            "resultType": kind,
            "runLocation": "eu-central-1",
            "status": status.as_str(),
            "testSessionResultId": Uuid::new_v4(),
            "testSessionResultLink": "https://app.checklyhq.com/r",
        }))
        .unwrap()
    }

    fn fin(check: &str, status: TestSessionStatus) -> TestSessionResult {
        result(check, status, "FINAL")
    }

    fn of(status: TestSessionStatus, results: &[TestSessionResult]) -> Verdict {
        Verdict::of_test_session(&status, results)
    }

    #[test]
    fn results_fail_cancel_degrade_or_pass() {
        assert_eq!(fin("a", Passed).verdict(), Verdict::Passed);
        assert_eq!(fin("a", Failed).verdict(), Verdict::Failed);
        assert_eq!(fin("a", Cancelled).verdict(), Verdict::Cancelled);
        let mut errored = fin("a", Passed);
        errored.has_errors = true;
        assert_eq!(errored.verdict(), Verdict::Failed);
        let mut aborted = errored.clone();
        aborted.aborted = true;
        assert_eq!(aborted.verdict(), Verdict::Cancelled);
        let mut slow = fin("a", Passed);
        slow.is_degraded = true;
        assert_eq!(slow.verdict(), Verdict::Degraded);
        assert_eq!(result("a", Running, "PENDING").verdict(), Verdict::Running);
        assert!(!result("a", Passed, "PENDING").is_final());
    }

    #[test]
    fn sessions_follow_the_rule() {
        assert_eq!(of(Passed, &[fin("a", Passed)]), Verdict::Passed);
        // A failed check fails a session that says PASSED.
        assert_eq!(
            of(Passed, &[fin("a", Passed), fin("b", Failed)]),
            Verdict::Failed
        );
        assert_eq!(
            of(Passed, &[fin("a", Passed), fin("b", Cancelled)]),
            Verdict::Failed
        );
        assert_eq!(of(Failed, &[fin("a", Passed)]), Verdict::Failed);
        assert_eq!(of(Cancelled, &[fin("a", Failed)]), Verdict::Cancelled);
        assert_eq!(of(Running, &[fin("a", Passed)]), Verdict::Running);
        assert_eq!(of(Running, &[fin("a", Failed)]), Verdict::Failed);
        assert_eq!(of(Passed, &[]), Verdict::NoResults);
        // Only PENDING results: PASSED, as the API says.
        assert_eq!(
            of(Passed, &[result("p", Running, "PENDING")]),
            Verdict::Passed
        );
        let mut slow = fin("slow", Passed);
        slow.is_degraded = true;
        assert_eq!(of(Passed, &[fin("a", Passed), slow]), Verdict::Degraded);
        assert!(!of(Passed, &[]).passed());
        assert!(!of(Running, &[]).passed());
    }

    #[test]
    fn a_pass_after_a_failed_attempt_is_flaky() {
        let results = [
            result("retried", Failed, "ATTEMPT"),
            fin("retried", Passed),
            fin("steady", Passed),
        ];
        let outcomes = checks(&results);
        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0].verdict, Verdict::Flaky);
        assert_eq!(outcomes[0].attempt_count(), 2);
        assert_eq!(outcomes[0].name.as_deref(), Some("retried"));
        assert_eq!(outcomes[1].verdict, Verdict::Passed);
        assert_eq!(outcomes[1].attempt_count(), 1);
        assert_eq!(of(Passed, &results), Verdict::Flaky);
        assert!(of(Passed, &results).passed());
        // An attempt elsewhere is another check's.
        let mut elsewhere = result("retried", Failed, "ATTEMPT");
        elsewhere.run_location = Some("us-east-1".into());
        let results = [elsewhere, fin("retried", Passed)];
        assert_eq!(of(Passed, &results), Verdict::Passed);
        // Failing after retries is a failure, not flakiness.
        let results = [result("r", Failed, "ATTEMPT"), fin("r", Failed)];
        assert_eq!(checks(&results)[0].verdict, Verdict::Failed);
    }

    #[test]
    fn the_result_that_says_why() {
        let first = result("r", Failed, "ATTEMPT");
        let second = result("r", Failed, "ATTEMPT");
        let results = [first, second.clone(), fin("r", Passed), fin("ok", Passed)];
        let outcomes = checks(&results);
        // Flaky: its last failed attempt.
        let flaky = &outcomes[0];
        assert_eq!(flaky.last_failed_attempt(), Some(&second));
        assert_eq!(flaky.explaining_result(), Some(&second));
        // A plain pass: nothing to explain.
        assert_eq!(outcomes[1].explaining_result(), None);
        assert_eq!(outcomes[1].last_failed_attempt(), None);
        // Failed: the FINAL result.
        let failed = fin("f", Failed);
        let outcomes = checks(std::slice::from_ref(&failed));
        assert_eq!(outcomes[0].explaining_result(), Some(&failed));
    }

    #[test]
    fn unknown_statuses_do_not_pass() {
        let odd = TestSessionStatus::from("QUANTUM");
        assert_eq!(of(odd.clone(), &[fin("a", Passed)]), Verdict::Failed);
        // An unknown result status counts as finished; its flags decide.
        assert_eq!(fin("a", odd).verdict(), Verdict::Passed);
        let odd = CheckSessionStatus::from("QUANTUM");
        assert_eq!(Verdict::of_check_session(&odd, &[]), Verdict::Failed);
    }

    #[test]
    fn check_sessions_follow_the_same_rule() {
        use CheckSessionStatus as S;
        let of = |s: S| Verdict::of_check_session(&s, &[]);
        // A check session's status alone (the trigger's answer has no results).
        assert_eq!(of(S::Passed), Verdict::Passed);
        assert_eq!(of(S::Degraded), Verdict::Degraded);
        assert_eq!(of(S::Progress), Verdict::Running);
        assert_eq!(of(S::ProgressFailed), Verdict::Running);
        assert_eq!(of(S::TimedOut), Verdict::Failed);
        assert_eq!(of(S::Cancelled), Verdict::Cancelled);
        let result = |degraded: bool, failed: bool, kind: &str| -> CheckSessionsV2CheckResult {
            serde_json::from_value(serde_json::json!({
                "aborted": false,
                "checkId": Uuid::nil(),
                "checkResultId": Uuid::new_v4(),
                "checkResultLink": "l",
                "checkType": "API",
                "hasErrors": false,
                "hasFailures": failed,
                "isCancelled": false,
                "isDegraded": degraded,
                "name": "c",
                "resultType": kind,
                "runLocation": "eu-central-1",
            }))
            .unwrap()
        };
        let passed = [result(false, false, "FINAL")];
        assert_eq!(
            Verdict::of_check_session(&S::Passed, &passed),
            Verdict::Passed
        );
        assert_eq!(
            Verdict::of_check_session(&S::Degraded, &passed),
            Verdict::Degraded
        );
        let flaky = [
            result(false, true, "ATTEMPT"),
            result(false, false, "FINAL"),
        ];
        assert_eq!(
            Verdict::of_check_session(&S::Passed, &flaky),
            Verdict::Flaky
        );
        let failed = [result(false, true, "FINAL")];
        assert_eq!(
            Verdict::of_check_session(&S::Passed, &failed),
            Verdict::Failed
        );
    }
}
