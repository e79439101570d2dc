//! The simulated run of one check in one location: its attempts, its final
//! result, and what a client sees of it at a given simulated time.
//!
//! All times here are simulated milliseconds since the session started. The
//! attempts of a run follow each other without backoff; every attempt takes
//! the check's duration, stretched by 15 % per location index so that
//! locations finish at different times.

use uuid::Uuid;

use crate::catalog::{Behaviour, CheckDef};

/// How one attempt or final run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Passed.
    Passed,
    /// Passed, but degraded.
    Degraded,
    /// Failed.
    Failed,
}

/// One attempt, or the final run, of a check in a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// The result id; the final step's id is the run's sequence id.
    pub id: Uuid,
    /// Whether this is a retried attempt (ATTEMPT) rather than the FINAL run.
    pub attempt: bool,
    /// Start, simulated ms.
    pub start_ms: u64,
    /// End, simulated ms.
    pub end_ms: u64,
    /// How it ends.
    pub outcome: Outcome,
}

/// The run of one check in one location, with its retries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chain {
    /// The check's id.
    pub check_id: Uuid,
    /// The check's name.
    pub check_name: String,
    /// The check's type.
    pub check_type: String,
    /// Where it runs.
    pub location: String,
    /// Attempts, then the final step.
    pub steps: Vec<Step>,
    /// When it was cancelled, if it was cancelled before it ended.
    pub cancelled_at: Option<u64>,
}

/// The kind of a result as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultType {
    /// The last result of the run.
    Final,
    /// A failed attempt that was retried.
    Attempt,
    /// The run is still going.
    Pending,
}

impl ResultType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Final => "FINAL",
            Self::Attempt => "ATTEMPT",
            Self::Pending => "PENDING",
        }
    }
}

/// The status of a result as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultStatus {
    /// Still running.
    Running,
    /// Passed (possibly degraded).
    Passed,
    /// Failed.
    Failed,
    /// Cancelled.
    Cancelled,
}

impl ResultStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// One result as a client sees it at some time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResultView {
    /// Result id.
    pub id: Uuid,
    /// FINAL, ATTEMPT or PENDING.
    pub result_type: ResultType,
    /// RUNNING, PASSED, FAILED or CANCELLED.
    pub status: ResultStatus,
    /// Passed but degraded.
    pub degraded: bool,
    /// Cancelled while running.
    pub aborted: bool,
    /// Start, simulated ms.
    pub started_ms: u64,
    /// End, simulated ms, once ended.
    pub stopped_ms: Option<u64>,
}

impl ResultView {
    /// Failed results report failures (and errors).
    pub fn failed(&self) -> bool {
        self.status == ResultStatus::Failed
    }

    /// Milliseconds it took, once ended.
    pub fn response_time(&self) -> Option<u64> {
        self.stopped_ms.map(|s| s.saturating_sub(self.started_ms))
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChainState {
    /// Still running.
    Running,
    /// Ended with a passed final result.
    Passed {
        /// The final result was degraded.
        degraded: bool,
    },
    /// Ended with a failed final result.
    Failed,
    /// Cancelled before it ended.
    Cancelled,
}

impl ChainState {
    /// Whether the run has ended.
    pub fn is_done(self) -> bool {
        self != Self::Running
    }
}

/// The longest simulated run the mock plans: one day.
const MAX_STEP_MS: u64 = 24 * 60 * 60 * 1000;

/// Simulated milliseconds one attempt of `check` takes in location `location_index`.
pub(crate) fn step_duration_ms(check: &CheckDef, location_index: usize) -> u64 {
    let secs = if check.duration_seconds.is_finite() {
        check.duration_seconds.max(0.0)
    } else {
        0.0
    };
    let stretch = 1.0 + 0.15 * location_index.min(100) as f64;
    let ms = (secs * 1000.0 * stretch).round();
    if ms >= MAX_STEP_MS as f64 {
        MAX_STEP_MS
    } else {
        // `ms` is finite, non-negative and below MAX_STEP_MS here.
        ms as u64
    }
}

/// The outcomes of the attempts and the final step for a behaviour and a
/// number of retries.
pub(crate) fn plan_outcomes(behaviour: Behaviour, retries: u32) -> Vec<Outcome> {
    match behaviour {
        Behaviour::Pass => vec![Outcome::Passed],
        Behaviour::Degraded => vec![Outcome::Degraded],
        Behaviour::Fail => vec![Outcome::Failed; retries as usize + 1],
        Behaviour::FailThenPass if retries >= 1 => vec![Outcome::Failed, Outcome::Passed],
        Behaviour::FailThenPass => vec![Outcome::Failed],
    }
}

impl Chain {
    /// Plans the run of `check` in `location` with `retries` retries;
    /// `new_id` supplies the result ids, the final step's last.
    pub fn plan(
        check: &CheckDef,
        behaviour: Behaviour,
        location: &str,
        location_index: usize,
        retries: u32,
        mut new_id: impl FnMut() -> Uuid,
    ) -> Self {
        let step_ms = step_duration_ms(check, location_index);
        let outcomes = plan_outcomes(behaviour, retries);
        let last = outcomes.len().saturating_sub(1);
        let steps = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| Step {
                id: new_id(),
                attempt: i < last,
                start_ms: step_ms.saturating_mul(i as u64),
                end_ms: step_ms.saturating_mul(i as u64 + 1),
                outcome,
            })
            .collect();
        Self {
            check_id: check.id,
            check_name: check.name.clone(),
            check_type: check.check_type.clone(),
            location: location.to_owned(),
            steps,
            cancelled_at: None,
        }
    }

    /// The run's sequence id: the id of its final (or pending) result.
    pub fn sequence_id(&self) -> Uuid {
        self.steps.last().map_or(Uuid::nil(), |s| s.id)
    }

    /// When the run ends (or ended), simulated ms.
    pub fn end_ms(&self) -> u64 {
        let natural = self.steps.last().map_or(0, |s| s.end_ms);
        self.cancelled_at.map_or(natural, |c| c.min(natural))
    }

    /// Where the run stands at `t`.
    pub fn state(&self, t: u64) -> ChainState {
        if let Some(c) = self.cancelled_at
            && t >= c
        {
            return ChainState::Cancelled;
        }
        match self.steps.last() {
            Some(last) if t < last.end_ms => ChainState::Running,
            Some(last) => match last.outcome {
                Outcome::Failed => ChainState::Failed,
                Outcome::Passed => ChainState::Passed { degraded: false },
                Outcome::Degraded => ChainState::Passed { degraded: true },
            },
            None => ChainState::Passed { degraded: false },
        }
    }

    /// Cancels the run at `t` if it is still running then; returns whether it did.
    pub fn cancel(&mut self, t: u64) -> bool {
        if self.state(t).is_done() {
            return false;
        }
        self.cancelled_at = Some(t);
        true
    }

    /// The results a client sees at `t`: ended attempts, then the final or
    /// pending result (whose id is the sequence id).
    pub fn results(&self, t: u64) -> Vec<ResultView> {
        let horizon = match self.cancelled_at {
            Some(c) if t >= c => c,
            _ => t,
        };
        let mut out = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            if step.end_ms <= horizon {
                out.push(ResultView {
                    id: step.id,
                    result_type: if step.attempt {
                        ResultType::Attempt
                    } else {
                        ResultType::Final
                    },
                    status: if step.outcome == Outcome::Failed {
                        ResultStatus::Failed
                    } else {
                        ResultStatus::Passed
                    },
                    degraded: step.outcome == Outcome::Degraded,
                    aborted: false,
                    started_ms: step.start_ms,
                    stopped_ms: Some(step.end_ms),
                });
                continue;
            }
            // The step running at `horizon`: shown under the sequence id.
            let cancelled = self.cancelled_at.is_some_and(|c| t >= c);
            out.push(ResultView {
                id: self.sequence_id(),
                result_type: if cancelled {
                    ResultType::Final
                } else {
                    ResultType::Pending
                },
                status: if cancelled {
                    ResultStatus::Cancelled
                } else {
                    ResultStatus::Running
                },
                degraded: false,
                aborted: cancelled,
                started_ms: step.start_ms.min(horizon),
                stopped_ms: cancelled.then_some(horizon),
            });
            break;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, demo_check_id};

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 0u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    fn check(n: u16) -> CheckDef {
        Catalog::demo()
            .get(demo_check_id(n))
            .cloned()
            .expect("demo check")
    }

    #[test]
    fn pass_runs_then_passes() {
        let c = check(2); // 1.5 s
        let chain = Chain::plan(&c, c.behaviour, "eu-central-1", 0, 0, ids());
        assert_eq!(chain.state(0), ChainState::Running);
        let r = chain.results(10);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].result_type, ResultType::Pending);
        assert_eq!(r[0].status, ResultStatus::Running);
        assert_eq!(chain.state(1500), ChainState::Passed { degraded: false });
        let r = chain.results(1500);
        assert_eq!(r[0].result_type, ResultType::Final);
        assert_eq!(r[0].response_time(), Some(1500));
        assert_eq!(r[0].id, chain.sequence_id());
    }

    #[test]
    fn fail_with_retries_shows_attempts_first() {
        let c = check(8); // fail, 2 s
        let chain = Chain::plan(&c, c.behaviour, "l", 0, 2, ids());
        assert_eq!(chain.steps.len(), 3);
        let r = chain.results(2500);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].result_type, ResultType::Attempt);
        assert_eq!(r[0].status, ResultStatus::Failed);
        assert_eq!(r[1].result_type, ResultType::Pending);
        assert_eq!(chain.end_ms(), 6000);
        let r = chain.results(6000);
        assert_eq!(
            r.iter().map(|v| v.result_type).collect::<Vec<_>>(),
            vec![ResultType::Attempt, ResultType::Attempt, ResultType::Final]
        );
        assert_eq!(chain.state(6000), ChainState::Failed);
    }

    #[test]
    fn fail_then_pass_needs_a_retry() {
        assert_eq!(
            plan_outcomes(Behaviour::FailThenPass, 0),
            vec![Outcome::Failed]
        );
        assert_eq!(
            plan_outcomes(Behaviour::FailThenPass, 3),
            vec![Outcome::Failed, Outcome::Passed]
        );
    }

    #[test]
    fn cancel_ends_the_run() {
        let c = check(11); // 20 s
        let mut chain = Chain::plan(&c, c.behaviour, "l", 0, 0, ids());
        assert!(chain.cancel(5000));
        assert!(!chain.cancel(6000));
        assert_eq!(chain.state(5000), ChainState::Cancelled);
        assert_eq!(chain.end_ms(), 5000);
        let r = chain.results(9000);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].status, ResultStatus::Cancelled);
        assert_eq!(r[0].result_type, ResultType::Final);
        assert!(r[0].aborted);
        assert_eq!(r[0].stopped_ms, Some(5000));
    }

    #[test]
    fn locations_are_stretched() {
        let c = check(6); // 1 s
        assert_eq!(step_duration_ms(&c, 0), 1000);
        assert_eq!(step_duration_ms(&c, 1), 1150);
        let weird = CheckDef {
            duration_seconds: f64::NAN,
            ..c
        };
        assert_eq!(step_duration_ms(&weird, 0), 0);
    }
}
