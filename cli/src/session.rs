//! One view of a test session, whichever endpoint it came from (trigger,
//! retrieve or completion), and the rows reporters show: one per FINAL result.
//! Whether a result, a check or a session passed is the library's rule
//! ([`checkly::verdict`]); this module only shapes what reporters show.

use checkly::types::{
    AwaitTestSessionCompletionResponse, CheckSessionStatus, CheckSessionsV2CheckSession,
    CheckSessionsV2CompletionResponse, CheckSessionsV2FindOneResponse, CheckType,
    FindOneTestSessionResponse, TestSessionResult, TestSessionStatus, TriggerTestSessionResponse,
};
use checkly::{CheckOutcome, CheckResult, SessionVerdict, Verdict};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A test session as last seen.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    /// `testSessionId`.
    pub id: Uuid,
    /// `name`.
    pub name: String,
    /// `testSessionLink`.
    pub link: String,
    /// `status`.
    pub status: TestSessionStatus,
    /// `startedAt`.
    pub started_at: DateTime<Utc>,
    /// `stoppedAt`, once finished.
    pub stopped_at: Option<DateTime<Utc>>,
    /// `timeElapsed`, in milliseconds.
    pub time_elapsed_ms: f64,
    /// Every result so far (FINAL, ATTEMPT and PENDING).
    pub results: Vec<TestSessionResult>,
}

macro_rules! session_from {
    ($($response:ty => $stopped:expr),+ $(,)?) => {$(
        impl From<$response> for SessionView {
            fn from(r: $response) -> Self {
                Self {
                    id: r.test_session_id,
                    name: r.name,
                    link: r.test_session_link,
                    status: r.status,
                    started_at: r.started_at,
                    stopped_at: $stopped(r.stopped_at),
                    time_elapsed_ms: r.time_elapsed,
                    results: r.results,
                }
            }
        }
    )+};
}

session_from! {
    TriggerTestSessionResponse => |s: Option<DateTime<Utc>>| s,
    FindOneTestSessionResponse => |s: Option<DateTime<Utc>>| s,
    AwaitTestSessionCompletionResponse => Some,
}

impl SessionView {
    /// The rows of the finished results, sorted by name, location and id.
    pub fn final_rows(&self) -> Vec<ResultRow> {
        let mut rows: Vec<ResultRow> = checkly::verdict::checks(&self.results)
            .iter()
            .map(ResultRow::of)
            .collect();
        rows.sort_by(|a, b| (&a.name, &a.location, a.id).cmp(&(&b.name, &b.location, b.id)));
        rows
    }

    /// Attempts a FINAL result took: its ATTEMPT results (same check, same
    /// location) plus itself.
    pub fn attempts_of(&self, result: &TestSessionResult) -> u32 {
        CheckOutcome::new(result.clone(), &self.results).attempt_count()
    }

    /// The session's verdict, by the library's rule.
    pub fn verdict(&self) -> Verdict {
        Verdict::of_test_session(&self.status, &self.results)
    }

    /// How long the session ran (or has run), in milliseconds: `stoppedAt -
    /// startedAt` once stopped; while RUNNING, now − `startedAt` (the API's
    /// `timeElapsed` is as old as the answer it came in, and may lag; it is
    /// still used if it is larger, e.g. when this machine's clock is behind).
    pub fn duration_ms(&self) -> u64 {
        self.duration_ms_at(Utc::now())
    }

    /// [`Self::duration_ms`] with `now` as the current time.
    pub fn duration_ms_at(&self, now: DateTime<Utc>) -> u64 {
        let reported = if self.time_elapsed_ms.is_finite() {
            self.time_elapsed_ms.max(0.0) as u64
        } else {
            0
        };
        match self.stopped_at {
            Some(stop) => millis(stop - self.started_at),
            None if self.status == TestSessionStatus::Running => {
                millis(now - self.started_at).max(reported)
            }
            None => reported,
        }
    }

    /// The checks not finished yet: results that are neither FINAL and
    /// finished, nor an ATTEMPT (a PENDING result, or a FINAL one still
    /// running), in the order of [`Self::final_rows`].
    pub fn unfinished(&self) -> Vec<&TestSessionResult> {
        let mut open: Vec<&TestSessionResult> = self
            .results
            .iter()
            .filter(|r| !r.is_final() && !r.is_attempt())
            .collect();
        open.sort_by(|a, b| {
            (&a.name, &a.run_location, a.test_session_result_id).cmp(&(
                &b.name,
                &b.run_location,
                b.test_session_result_id,
            ))
        });
        open
    }
}

/// The name reporters show for a result: its `name`, else its check id, else
/// "unnamed check".
pub fn result_name(result: &TestSessionResult) -> String {
    result
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| result.check_id.map(|id| id.to_string()))
        .unwrap_or_else(|| "unnamed check".to_string())
}

/// Whether a result is the final word on its check: FINAL (or untyped) and no longer running.
pub fn is_final(result: &TestSessionResult) -> bool {
    result.is_final()
}

/// One finished check, as reporters show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// `testSessionResultId`.
    pub id: Uuid,
    /// `checkId`.
    pub check_id: Option<Uuid>,
    /// `name` (or the check id, or "unnamed check").
    pub name: String,
    /// `checkType`.
    pub check_type: CheckType,
    /// `runLocation` ("" when absent).
    pub location: String,
    /// The verdict of this result (the library's; a pass after failed
    /// attempts shows as passed, with its `attempts`).
    pub verdict: Verdict,
    /// The result's `status` as sent.
    pub status: TestSessionStatus,
    /// How long it ran, in milliseconds, when known.
    pub duration_ms: Option<u64>,
    /// `testSessionResultLink`.
    pub link: String,
    /// Attempts it took (1 without retries).
    pub attempts: u32,
    /// Whether it passed only on a retry, after an attempt that did not
    /// (the library's [`Verdict::Flaky`]); `verdict` is then the FINAL
    /// result's own.
    pub flaky: bool,
    /// The last attempt that did not pass, when there was one.
    pub failed_attempt: Option<Uuid>,
    /// Why it failed, once an explainer fetched it (see `crate::why`).
    pub why: Option<crate::why::Why>,
    /// The raw result.
    pub result: TestSessionResult,
}

impl ResultRow {
    /// The row of one finished check: its FINAL result, with its attempts.
    pub fn of(check: &CheckOutcome) -> Self {
        let mut row = Self::new(&check.final_result, check.attempt_count());
        row.flaky = check.verdict == Verdict::Flaky;
        row.failed_attempt = check
            .last_failed_attempt()
            .map(|a| a.test_session_result_id);
        row
    }

    /// The row of one result, taken alone (`attempts` as counted elsewhere).
    pub fn new(result: &TestSessionResult, attempts: u32) -> Self {
        let verdict = result.verdict();
        let duration_ms = match (result.started_at, result.stopped_at) {
            (Some(start), Some(stop)) if stop >= start => Some(millis(stop - start)),
            _ => result
                .response_time
                .filter(|t| t.is_finite() && *t >= 0.0)
                .map(|t| t.round() as u64),
        };
        let name = result_name(result);
        Self {
            id: result.test_session_result_id,
            check_id: result.check_id,
            name,
            check_type: result.check_type.clone(),
            location: result.run_location.clone().unwrap_or_default(),
            verdict,
            status: result.status.clone(),
            duration_ms,
            link: result.test_session_result_link.clone(),
            attempts,
            flaky: false,
            failed_attempt: None,
            why: None,
            result: result.clone(),
        }
    }
}

/// A check session as last seen, whichever endpoint it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSessionView {
    /// `checkSessionId`.
    pub id: Uuid,
    /// `checkId`.
    pub check_id: Uuid,
    /// `name` (or the check id).
    pub name: String,
    /// `checkType`.
    pub check_type: CheckType,
    /// `status`.
    pub status: CheckSessionStatus,
    /// `checkSessionLink`.
    pub link: String,
    /// `runLocations`.
    pub run_locations: Vec<String>,
    /// `timeElapsed`, in milliseconds.
    pub time_elapsed_ms: f64,
    /// The verdict, by the library's rule.
    pub verdict: Verdict,
}

macro_rules! check_session_from {
    ($($response:ty),+ $(,)?) => {$(
        impl From<$response> for CheckSessionView {
            fn from(r: $response) -> Self {
                Self {
                    verdict: r.verdict(),
                    id: r.check_session_id,
                    check_id: r.check_id,
                    name: r.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| r.check_id.to_string()),
                    check_type: r.check_type,
                    status: r.status,
                    link: r.check_session_link,
                    run_locations: r.run_locations,
                    time_elapsed_ms: r.time_elapsed,
                }
            }
        }
    )+};
}

check_session_from!(
    CheckSessionsV2CheckSession,
    CheckSessionsV2FindOneResponse,
    CheckSessionsV2CompletionResponse
);

impl CheckSessionView {
    /// Whether the check session passed (by [`Verdict::passed`]).
    pub fn passed(&self) -> bool {
        self.verdict.passed()
    }
}

fn millis(delta: chrono::TimeDelta) -> u64 {
    u64::try_from(delta.num_milliseconds()).unwrap_or(0)
}

/// Formats milliseconds for people: `850ms`, `4.2s`, `2m 05s`.
pub fn human_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        let secs = ms / 1000;
        format!("{}m {:02}s", secs / 60, secs % 60)
    }
}

/// Sessions and results built in tests.
#[cfg(test)]
pub mod fixtures {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A FINAL result of an API check named `name` in eu-central-1, with
    /// `status` (FAILED also sets `hasFailures`; RUNNING makes it PENDING).
    pub fn result(name: &str, status: TestSessionStatus) -> TestSessionResult {
        let id = Uuid::new_v4();
        let running = status == TestSessionStatus::Running;
        serde_json::from_value(serde_json::json!({
            "aborted": false,
            "checkId": Uuid::new_v4(),
            "checkType": "API",
            "errorGroupIds": [],
            "hasErrors": false,
            "hasFailures": status == TestSessionStatus::Failed,
            "isDegraded": false,
            "name": name,
            "resultType": if running { "PENDING" } else { "FINAL" },
            "runLocation": "eu-central-1",
            "status": status.as_str(),
            "testSessionResultId": id,
            "testSessionResultLink": format!("https://app.checklyhq.com/results/{id}"),
        }))
        .unwrap()
    }

    /// A session with `status` and `results`.
    pub fn session(status: TestSessionStatus, results: Vec<TestSessionResult>) -> SessionView {
        let started_at = Utc::now() - chrono::TimeDelta::seconds(10);
        let stopped_at = (status != TestSessionStatus::Running).then(Utc::now);
        SessionView {
            id: Uuid::new_v4(),
            name: "Session".into(),
            link: "https://app.checklyhq.com/test-sessions/x".into(),
            status,
            started_at,
            stopped_at,
            time_elapsed_ms: 10_000.0,
            results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A RUNNING session that started `ago` before `now`, whose answer said
    /// `elapsed_ms` had passed.
    fn running(now: DateTime<Utc>, ago: chrono::TimeDelta, elapsed_ms: f64) -> SessionView {
        SessionView {
            id: Uuid::nil(),
            name: "s".into(),
            link: "l".into(),
            status: TestSessionStatus::Running,
            started_at: now - ago,
            stopped_at: None,
            time_elapsed_ms: elapsed_ms,
            results: vec![],
        }
    }

    #[test]
    fn a_running_session_lasts_until_now() {
        let now = Utc::now();
        // The API's timeElapsed is stale (1 s); the session started 90 s ago.
        let session = running(now, chrono::TimeDelta::seconds(90), 1_000.0);
        assert_eq!(session.duration_ms_at(now), 90_000);
        // A clock behind the server's: the API's figure wins.
        let session = running(now, chrono::TimeDelta::seconds(-5), 3_000.0);
        assert_eq!(session.duration_ms_at(now), 3_000);
        // Stopped: stoppedAt - startedAt.
        let mut stopped = running(now, chrono::TimeDelta::seconds(90), 1_000.0);
        stopped.status = TestSessionStatus::Passed;
        stopped.stopped_at = Some(now - chrono::TimeDelta::seconds(30));
        assert_eq!(stopped.duration_ms_at(now), 60_000);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(850), "850ms");
        assert_eq!(human_duration(4_249), "4.2s");
        assert_eq!(human_duration(125_000), "2m 05s");
    }
}
