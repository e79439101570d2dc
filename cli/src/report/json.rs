//! The `json` reporter: one JSON document on stdout. Its schema is stable
//! and documented in `cli/REPORT_SCHEMA.md`; fields are only ever added, and
//! a breaking change bumps [`SCHEMA_VERSION`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::Report;

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
    /// PASSED.
    pub passed: usize,
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
            })
            .collect(),
    }
}

/// Renders the report as pretty JSON plus a newline.
pub fn render(report: &Report) -> anyhow::Result<String> {
    crate::print::pretty_json(&document(report))
}
