//! The `junit` reporter: JUnit XML built with `quick-junit`. One test suite
//! (the session) with one test case per finished check: a failed check is a
//! `<failure>` whose message carries the result's link, a cancelled one is
//! `<skipped>`.
//!
//! A failed run never shows as a green (or empty) suite:
//!
//! - on a timeout, each check still unfinished is a test case with an
//!   `<error type="timeout">`, named after the check and its location;
//! - when the run fails and no test case says so (no matching checks with
//!   `--fail-on-no-matching`, a timeout before any check was listed, a
//!   cancelled session whose checks are all `<skipped>`, an error or a second
//!   Ctrl+C), one test case named `test session` carries an `<error>` saying
//!   why (its `type` is the outcome, e.g. `noMatchingChecks`).

use std::time::Duration;

use checkly::Verdict;
use checkly::types::{CheckSessionsV2CompletionResponse, TestSessionResult};
use quick_junit::{
    NonSuccessKind, Property, Report as JunitReport, TestCase, TestCaseStatus, TestRerun, TestSuite,
};

use super::format::why_headline;
use super::{Outcome, Report};
use crate::error::Exit;
use crate::print::sanitize;
use crate::session::{ResultRow, result_name};
use crate::why::{self, Why};

/// The name of the test case that says why a run failed when no other does.
pub const SESSION_CASE: &str = "test session";

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let suite_name = match (&report.session, report.outcome) {
        (Some(session), _) => sanitize(&session.name).into_owned(),
        (None, Outcome::NoMatchingChecks) => "No matching checks".to_string(),
        (None, _) => "Checkly test session".to_string(),
    };
    let mut suite = TestSuite::new(suite_name);
    if let Some(session) = &report.session {
        suite.set_timestamp(session.started_at);
        suite.set_time(Duration::from_millis(session.duration_ms()));
        suite.add_property(Property::new("testSessionId", session.id.to_string()));
        suite.add_property(Property::new(
            "testSessionLink",
            sanitize(&session.link).as_ref(),
        ));
        suite.add_property(Property::new(
            "status",
            sanitize(session.status.as_str()).as_ref(),
        ));
    }
    suite.add_property(Property::new("outcome", report.outcome.as_str()));
    let mut reported_failure = false;
    for row in &report.rows {
        reported_failure |= row.verdict == Verdict::Failed;
        suite.add_test_case(row_case(row, report.settings.full_log));
    }
    if report.outcome == Outcome::TimedOut
        && let Some(session) = &report.session
    {
        for result in session.unfinished() {
            reported_failure = true;
            suite.add_test_case(unfinished_case(result, report.settings.timeout_seconds));
        }
    }
    if report.exit() == Exit::Failure && !reported_failure {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(why(report));
        status.set_type(report.outcome.as_str());
        let mut case = TestCase::new(SESSION_CASE, status);
        case.set_classname("checkly.session");
        suite.add_test_case(case);
    }
    let mut junit = JunitReport::new("checkly");
    junit.add_test_suite(suite);
    let mut xml = junit.to_string()?;
    if !xml.ends_with('\n') {
        xml.push('\n');
    }
    Ok(xml)
}

/// Why the run failed, for the `test session` test case.
fn why(report: &Report) -> String {
    match report.outcome {
        Outcome::NoMatchingChecks => {
            "no matching checks: no check matches the given tags or check ids".to_string()
        }
        Outcome::TimedOut => format!(
            "timed out after {} s before any check finished: {}",
            report.settings.timeout_seconds,
            report.headline()
        ),
        Outcome::Cancelled => format!("the test session was cancelled: {}", report.headline()),
        _ => report.headline(),
    }
}

/// The test case of one finished check.
fn row_case(row: &ResultRow, full_log: bool) -> TestCase {
    let name = sanitize(&row.name);
    let link = sanitize(&row.link);
    let headline = why_headline(row);
    let status = match row.verdict {
        Verdict::Passed | Verdict::Degraded | Verdict::Flaky => {
            let mut status = TestCaseStatus::success();
            if row.flaky {
                // Surefire's convention: a pass after a failed try is a
                // success with a `<flakyFailure>`.
                let mut rerun = TestRerun::new(NonSuccessKind::Failure);
                rerun.set_message(match &headline {
                    Some(why) => format!(
                        "{name} failed before passing on attempt {}: {why}",
                        row.attempts
                    ),
                    None => format!("{name} failed before passing on attempt {}", row.attempts),
                });
                rerun.set_type(sanitize(row.check_type.as_str()).as_ref());
                if let Some(why) = &row.why {
                    rerun.set_system_out(why::lines(why, full_log).join("\n"));
                }
                status.add_rerun(rerun);
            }
            status
        }
        Verdict::Failed => {
            let attempts = if row.attempts > 1 {
                format!(" after {} attempts", row.attempts)
            } else {
                String::new()
            };
            let message = match &headline {
                Some(why) => format!("{name} failed{attempts}: {why}"),
                None => format!("{name} failed{attempts}: {link}"),
            };
            failure(message, row.check_type.as_str(), row.why.as_ref(), &link)
        }
        Verdict::Cancelled => cancelled(&link),
        Verdict::Running | Verdict::NoResults => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("not finished: {link}"));
            status
        }
    };
    let mut case = TestCase::new(case_name(&row.name, &row.location), status);
    case.set_classname(classname(row.check_type.as_str()));
    if let Some(ms) = row.duration_ms {
        case.set_time(Duration::from_millis(ms));
    }
    if !row.flaky
        && let Some(out) = row.why.as_ref().map(|why| system_out(why, full_log))
        && !out.is_empty()
    {
        case.set_system_out(out);
    }
    case.add_property(Property::new("link", link.as_ref()));
    case.add_property(Property::new("attempts", row.attempts.to_string()));
    if row.verdict == Verdict::Degraded {
        case.add_property(Property::new("degraded", "true"));
    }
    if row.flaky {
        case.add_property(Property::new("flaky", "true"));
    }
    case
}

/// The errors, failed assertions and error groups of a failure (no log).
/// A `<failure>` with `message`, the check's type, and as its text why it
/// failed (when known) and the result's link.
fn failure(message: String, check_type: &str, why: Option<&Why>, link: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(message);
    status.set_type(sanitize(check_type).as_ref());
    let mut text = why.map(why_text).unwrap_or_default();
    text.push(format!("Result: {link}"));
    status.set_description(text.join("\n"));
    status
}

/// A `<skipped>` for a cancelled check.
fn cancelled(link: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(format!("cancelled: {link}"));
    status
}

fn why_text(why: &Why) -> Vec<String> {
    let mut text: Vec<String> = Vec::new();
    if let Some(unavailable) = &why.unavailable {
        text.push(sanitize(unavailable).into_owned());
    }
    for error in &why.failure.errors {
        text.push(sanitize(&error.message).into_owned());
        if let Some(stack) = &error.stack {
            text.push(sanitize(stack).into_owned());
        }
    }
    for assertion in &why.failure.failed_assertions {
        text.push(format!(
            "Assertion failed: {}",
            sanitize(&assertion.to_string())
        ));
    }
    text.extend(why.error_groups.iter().map(why::error_group_line));
    text
}

/// A check's `system-out`: the job log's tail (all of it with `full_log`),
/// then one `[[ATTACHMENT|path]]` line per downloaded artifact, the line CI
/// JUnit viewers (Jenkins, GitLab) read.
fn system_out(why: &Why, full_log: bool) -> String {
    let log = why.shown_log(full_log);
    let mut lines: Vec<String> = log
        .iter()
        .map(|l| sanitize(&l.to_string()).into_owned())
        .collect();
    for artifact in why.artifacts.iter().filter(|a| a.outcome.is_ok()) {
        lines.push(format!(
            "[[ATTACHMENT|{}]]",
            sanitize(&artifact.path.display().to_string())
        ));
    }
    lines.join("\n")
}

fn unfinished_case(result: &TestSessionResult, timeout_seconds: u64) -> TestCase {
    let name = result_name(result);
    let location = result.run_location.clone().unwrap_or_default();
    let link = sanitize(&result.test_session_result_link);
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(format!(
        "{} did not finish within the {timeout_seconds} s timeout (still {}): {link}",
        sanitize(&name),
        sanitize(result.status.as_str())
    ));
    status.set_type("timeout");
    let mut case = TestCase::new(case_name(&name, &location), status);
    case.set_classname(classname(result.check_type.as_str()));
    case.add_property(Property::new("link", link.as_ref()));
    case
}

/// `name [location]`, or `name` when the location is unknown.
fn case_name(name: &str, location: &str) -> String {
    if location.is_empty() {
        sanitize(name).into_owned()
    } else {
        format!("{} [{}]", sanitize(name), sanitize(location))
    }
}

fn classname(check_type: &str) -> String {
    format!("checkly.{}", sanitize(check_type).to_lowercase())
}

/// The JUnit report of waited-for check sessions: one test suite per
/// session (named after its check), one test case per location (its FINAL
/// result: `<failure>` saying why, `<flakyFailure>` for a pass on a retry,
/// `<skipped>` when cancelled), and for each session whose wait failed, a
/// suite with one `<error>` case. `why` gives the explanation of a result
/// by the id of the result that says why.
pub fn check_sessions<'a>(
    sessions: &[&CheckSessionsV2CompletionResponse],
    failed_waits: &[(uuid::Uuid, String)],
    why: impl Fn(uuid::Uuid) -> Option<&'a Why>,
    full_log: bool,
) -> anyhow::Result<String> {
    let mut junit = JunitReport::new("checkly check sessions");
    for session in sessions {
        let name = session
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| session.check_id.to_string());
        let mut suite = TestSuite::new(sanitize(&name).into_owned());
        suite.set_timestamp(session.started_at);
        suite.add_property(Property::new(
            "checkSessionId",
            session.check_session_id.to_string(),
        ));
        suite.add_property(Property::new(
            "checkSessionLink",
            sanitize(&session.check_session_link).as_ref(),
        ));
        suite.add_property(Property::new(
            "status",
            sanitize(&session.status.to_string()).as_ref(),
        ));
        for outcome in checkly::verdict::checks(&session.results) {
            let result = &outcome.final_result;
            let detail = outcome
                .explaining_result()
                .and_then(|r| why(r.check_result_id));
            let headline = detail.and_then(|w| w.headline().or_else(|| w.unavailable.clone()));
            let link = sanitize(&result.check_result_link);
            let status = match outcome.verdict {
                Verdict::Failed => {
                    let message = match &headline {
                        Some(h) => format!("{} failed: {}", sanitize(&name), sanitize(h)),
                        None => format!("{} failed: {link}", sanitize(&name)),
                    };
                    failure(message, &result.check_type.to_string(), detail, &link)
                }
                Verdict::Cancelled => cancelled(&link),
                _ => {
                    let mut status = TestCaseStatus::success();
                    if outcome.verdict == Verdict::Flaky {
                        let mut rerun = TestRerun::new(NonSuccessKind::Failure);
                        rerun.set_message(match &headline {
                            Some(h) => format!("failed before passing on a retry: {}", sanitize(h)),
                            None => "failed before passing on a retry".to_string(),
                        });
                        if let Some(w) = detail {
                            rerun.set_system_out(why::lines(w, full_log).join("\n"));
                        }
                        status.add_rerun(rerun);
                    }
                    status
                }
            };
            let mut case = TestCase::new(case_name(&name, &result.run_location), status);
            case.set_classname(classname(&result.check_type.to_string()));
            if let Some(w) = detail.filter(|_| outcome.verdict != Verdict::Flaky) {
                let out = system_out(w, full_log);
                if !out.is_empty() {
                    case.set_system_out(out);
                }
            }
            case.add_property(Property::new("link", link.as_ref()));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    for (id, message) in failed_waits {
        let mut suite = TestSuite::new(format!("check session {id}"));
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(sanitize(message).into_owned());
        let mut case = TestCase::new("check session", status);
        case.set_classname("checkly.session");
        suite.add_test_case(case);
        junit.add_test_suite(suite);
    }
    let mut xml = junit.to_string()?;
    if !xml.ends_with('\n') {
        xml.push('\n');
    }
    Ok(xml)
}
