//! The `json` reporter: one JSON document on stdout. Its schema is stable
//! and documented in `cli/REPORT_SCHEMA.md`; fields are only ever added, and
//! a breaking change bumps [`SCHEMA_VERSION`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::Report;
use crate::why::Why;

/// The version of the report's schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// How the run ended: passed, failed, cancelled, timedOut, detached,
    /// noMatchingChecks, error, interrupted.
    pub outcome: &'static str,
    /// The exit code of the run.
    pub exit_code: u8,
    /// For `error` and `interrupted`: what happened (the `error:` line's
    /// text); `null` otherwise.
    pub message: Option<String>,
    /// The session, `null` when no check matched (or the run ended before the
    /// trigger answered).
    pub session: Option<JsonSession>,
    /// Counts of the finished checks.
    pub summary: JsonSummary,
    /// One entry per finished check (FINAL result), sorted by name and location.
    pub results: Vec<JsonResult>,
}

/// The test session.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonSession {
    /// `testSessionId`.
    pub id: Uuid,
    /// The session's name.
    pub name: String,
    /// Link to the session in the Checkly app.
    pub link: String,
    /// RUNNING, PASSED, FAILED or CANCELLED (as the API said; other values may appear).
    pub status: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// RFC 3339, UTC; `null` while running.
    pub stopped_at: Option<String>,
    /// Milliseconds the session ran.
    pub duration_ms: u64,
}

/// Counts of the finished checks by status.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonSummary {
    /// All finished checks.
    pub total: usize,
    /// PASSED at the first try.
    pub passed: usize,
    /// PASSED on a retry, after an attempt that did not (flaky).
    pub flaky: usize,
    /// DEGRADED.
    pub degraded: usize,
    /// FAILED.
    pub failed: usize,
    /// CANCELLED.
    pub cancelled: usize,
}

/// One finished check.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonResult {
    /// `testSessionResultId`.
    pub result_id: Uuid,
    /// The check's id, `null` when the API did not say.
    pub check_id: Option<Uuid>,
    /// The check's name.
    pub name: String,
    /// API, BROWSER, MULTI_STEP, ... (as the API said; new values may appear).
    pub check_type: String,
    /// Where it ran, `null` when the API did not say.
    pub run_location: Option<String>,
    /// PASSED, DEGRADED, FAILED or CANCELLED.
    pub status: &'static str,
    /// Milliseconds it ran, `null` when unknown.
    pub duration_ms: Option<u64>,
    /// Link to the result in the Checkly app.
    pub link: String,
    /// Attempts it took (1 without retries).
    pub attempts: u32,
    /// The API's `hasErrors`.
    pub has_errors: bool,
    /// The API's `hasFailures`.
    pub has_failures: bool,
    /// The API's `isDegraded`.
    pub is_degraded: bool,
    /// The API's `aborted`.
    pub aborted: bool,
    /// RFC 3339, UTC, when known.
    pub started_at: Option<String>,
    /// RFC 3339, UTC, when known.
    pub stopped_at: Option<String>,
    /// Passed only on a retry, after an attempt that did not.
    pub flaky: bool,
    /// Why it failed (failed, degraded and flaky checks); `null` otherwise.
    pub failure: Option<JsonFailure>,
}

/// Why a check failed, from its result's detail.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonFailure {
    /// The result explained: the check's, or for a flaky check its failed attempt.
    pub result_id: Uuid,
    /// The line that best says why.
    pub headline: Option<String>,
    /// Why the detail could not be fetched; `null` when it was.
    pub detail_error: Option<String>,
    /// The errors (`message`, `stack`).
    pub errors: Vec<checkly::failure::ErrorText>,
    /// The assertions that did not pass.
    pub failed_assertions: Vec<checkly::failure::FailedAssertion>,
    /// The last lines of the job log (all of them with `-v`).
    pub log_tail: Vec<checkly::failure::LogLine>,
    /// How many lines the job log has.
    pub log_lines: usize,
    /// The error groups of the result.
    pub error_groups: Vec<JsonErrorGroup>,
    /// Downloaded assets (`--artifacts-dir`).
    pub artifacts: Vec<JsonArtifact>,
}

/// An error group a failed result belongs to.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonErrorGroup {
    /// The error group's id.
    pub id: Uuid,
    /// Its cleaned message.
    pub message: String,
    /// RFC 3339, UTC.
    pub first_seen: String,
    /// RFC 3339, UTC.
    pub last_seen: String,
    /// First seen in this run.
    pub new: bool,
    /// Where it was seen.
    pub environments: Vec<String>,
}

/// A downloaded asset.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonArtifact {
    /// `screenshot`, `trace`, `video`, `log`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it was written.
    pub path: String,
    /// Bytes written; `null` when the download failed.
    pub bytes: Option<u64>,
    /// Why the download failed; `null` when it did not.
    pub error: Option<String>,
}

/// The JSON of why a result failed (the job log's tail, or all of it with `full_log`).
pub fn failure(why: &Why, full_log: bool) -> JsonFailure {
    let log = why.shown_log(full_log);
    JsonFailure {
        result_id: why.result_id,
        headline: why.headline(),
        detail_error: why.unavailable.clone(),
        errors: why.failure.errors.clone(),
        failed_assertions: why.failure.failed_assertions.clone(),
        log_tail: log.to_vec(),
        log_lines: why.failure.log.len(),
        error_groups: why
            .error_groups
            .iter()
            .map(|g| JsonErrorGroup {
                id: g.id,
                message: g.message.clone(),
                first_seen: time(g.first_seen),
                last_seen: time(g.last_seen),
                new: g.new,
                environments: g.environments.clone(),
            })
            .collect(),
        artifacts: why
            .artifacts
            .iter()
            .map(|a| JsonArtifact {
                kind: a.kind.clone(),
                path: a.path.display().to_string(),
                bytes: a.outcome.as_ref().ok().copied(),
                error: a.outcome.as_ref().err().cloned(),
            })
            .collect(),
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The document of `report`.
pub fn document(report: &Report) -> JsonReport {
    let summary = report.summary();
    JsonReport {
        schema_version: SCHEMA_VERSION,
        outcome: report.outcome.as_str(),
        exit_code: report.exit().code(),
        message: report.message.clone(),
        session: report.session.as_ref().map(|s| JsonSession {
            id: s.id,
            name: s.name.clone(),
            link: s.link.clone(),
            status: s.status.to_string(),
            started_at: time(s.started_at),
            stopped_at: s.stopped_at.map(time),
            duration_ms: s.duration_ms(),
        }),
        summary: JsonSummary {
            total: summary.total,
            passed: summary.passed,
            flaky: summary.flaky,
            degraded: summary.degraded,
            failed: summary.failed,
            cancelled: summary.cancelled,
        },
        results: report
            .rows
            .iter()
            .map(|row| JsonResult {
                result_id: row.id,
                check_id: row.check_id,
                name: row.name.clone(),
                check_type: row.check_type.to_string(),
                run_location: row.result.run_location.clone(),
                status: row.verdict.as_str(),
                duration_ms: row.duration_ms,
                link: row.link.clone(),
                attempts: row.attempts,
                has_errors: row.result.has_errors,
                has_failures: row.result.has_failures,
                is_degraded: row.result.is_degraded,
                aborted: row.result.aborted,
                started_at: row.result.started_at.map(time),
                stopped_at: row.result.stopped_at.map(time),
                flaky: row.flaky,
                failure: row
                    .why
                    .as_ref()
                    .map(|why| failure(why, report.settings.full_log)),
            })
            .collect(),
    }
}

/// Renders the report as pretty JSON plus a newline.
pub fn render(report: &Report) -> anyhow::Result<String> {
    crate::print::pretty_json(&document(report))
}
