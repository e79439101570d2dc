//! Why a result failed, read from its detail
//! ([`Client::get_test_session_result`](crate::Client::get_test_session_result)).
//!
//! The detail objects of the five check kinds are loosely typed upstream
//! (open objects, `errors` and `jobLog` of several shapes), and a test
//! session's result ([`Failure::of`]) and a check result
//! ([`Failure::of_check_result`]) type them differently; so this module reads
//! them from their JSON, leniently, in one place ([`Failure::of_json`]), and
//! gathers
//!
//! - **errors**: the `scheduleError`, an API check's `requestError`, and each
//!   entry of the `errors` of browser, multi-step, Playwright and agentic
//!   checks (a string, or an object with `message` and maybe `stack`);
//! - **failed assertions**: the assertions whose `passed` is `false`, with
//!   what was expected and what came (`source`, `property`, `comparison`,
//!   `target`, `actual`; agentic checks: `description` or `condition`, and
//!   `expected`);
//! - **the job log**: `jobLog` as one list of lines, whether it came as text,
//!   as an array of strings or `{time, level, msg}` objects, or as an object
//!   of phases (`setup`, `request`, ...), whose lines then carry the phase.
//!
//! Nothing here fails: a shape it does not know is shown as compact JSON.
//!
//! ```no_run
//! # async fn run(client: checkly::Client, session: uuid::Uuid, result: uuid::Uuid) -> checkly::Result<()> {
//! let detail = client.get_test_session_result(session, result).await?;
//! let failure = checkly::Failure::of(&detail);
//! if let Some(why) = failure.headline() {
//!     eprintln!("failed: {why}");
//! }
//! for line in failure.log_tail(10) {
//!     eprintln!("  {line}");
//! }
//! # Ok(()) }
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::types::{CheckResult, FindOneTestSessionResultResponse};

/// The detail objects of a result, one per check kind, in the order they are read.
pub const DETAIL_KEYS: [&str; 8] = [
    "apiCheckResult",
    "browserCheckResult",
    "multiStepCheckResult",
    "playwrightCheckResult",
    "agenticCheckResult",
    "grpcCheckResult",
    "sslCheckResult",
    "tracerouteCheckResult",
];

/// What a result's detail says about why it failed; see the [module docs](self).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Failure {
    /// Error texts, in the order the detail gives them (schedule error,
    /// request error, script errors).
    pub errors: Vec<ErrorText>,
    /// The assertions that did not pass.
    pub failed_assertions: Vec<FailedAssertion>,
    /// The whole job log, in order.
    pub log: Vec<LogLine>,
}

/// One error of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorText {
    /// The message.
    pub message: String,
    /// The stack trace, when the run gave one.
    pub stack: Option<String>,
}

/// An assertion that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FailedAssertion {
    /// What was asserted on: `STATUS_CODE`, `JSON_BODY`, `RESPONSE_TIME`, ...
    /// (for agentic checks, their `description`).
    pub source: String,
    /// The property within the source (a JSON path, a header name), if any.
    pub property: Option<String>,
    /// How it was compared: `EQUALS`, `LESS_THAN`, ...
    pub comparison: Option<String>,
    /// What was expected.
    pub target: Option<String>,
    /// What came.
    pub actual: Option<String>,
}

/// One line of a job log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogLine {
    /// When, if the line says (unix milliseconds or RFC 3339 upstream).
    pub time: Option<DateTime<Utc>>,
    /// `INFO`, `WARN`, `ERROR`, ..., if the line says.
    pub level: Option<String>,
    /// The phase of the run it belongs to, when the log came in phases.
    pub phase: Option<String>,
    /// The text.
    pub message: String,
}

impl Failure {
    /// Reads why a test session's result failed. A passing result gives an
    /// empty [`Failure`] apart from its log.
    pub fn of(detail: &FindOneTestSessionResultResponse) -> Self {
        Self::of_json(&serde_json::to_value(detail).unwrap_or_default())
    }

    /// Reads why a check result failed (a check session's result, from
    /// [`Client::get_check_result`](crate::Client::get_check_result)).
    pub fn of_check_result(result: &CheckResult) -> Self {
        Self::of_json(&serde_json::to_value(result).unwrap_or_default())
    }

    /// Reads a result in full as JSON, whichever endpoint it came from: its
    /// `scheduleError`, then each detail object (`apiCheckResult`,
    /// `browserCheckResult`, ...; see [`DETAIL_KEYS`]) with its
    /// `requestError`, `errors`, `assertions` and `jobLog`. Anything else is
    /// ignored; nothing here fails.
    pub fn of_json(result: &Value) -> Self {
        let mut failure = Failure::default();
        if let Some(error) = result.get("scheduleError").and_then(Value::as_str) {
            failure.push_error(error, None);
        }
        for key in DETAIL_KEYS {
            let Some(Value::Object(detail)) = result.get(key) else {
                continue;
            };
            if let Some(error) = detail.get("requestError").and_then(Value::as_str) {
                failure.push_error(error, None);
            }
            if let Some(Value::Array(errors)) = detail.get("errors") {
                failure.errors_of(errors);
            }
            if let Some(Value::Array(assertions)) = detail.get("assertions") {
                failure.assertions(assertions.iter().filter_map(Value::as_object));
            }
            failure.log(detail.get("jobLog"));
        }
        failure
    }

    /// Whether the detail said nothing about a failure (no error, no failed
    /// assertion); the log may still have lines.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.failed_assertions.is_empty()
    }

    /// The one line that best says why: the first error's first line, else
    /// the first failed assertion.
    pub fn headline(&self) -> Option<String> {
        self.errors
            .iter()
            .map(|e| e.message.lines().next().unwrap_or_default().trim())
            .find(|line| !line.is_empty())
            .map(str::to_owned)
            .or_else(|| self.failed_assertions.first().map(ToString::to_string))
    }

    /// The last `n` lines of the job log.
    pub fn log_tail(&self, n: usize) -> &[LogLine] {
        &self.log[self.log.len().saturating_sub(n)..]
    }

    fn push_error(&mut self, message: &str, stack: Option<&str>) {
        let message = message.trim_end();
        if message.is_empty() {
            return;
        }
        // A stack that only repeats the message adds nothing.
        let stack = stack
            .map(str::trim_end)
            .filter(|s| !s.is_empty() && *s != message)
            .map(str::to_owned);
        let error = ErrorText {
            message: message.to_owned(),
            stack,
        };
        if !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    fn errors_of<'a>(&mut self, errors: impl IntoIterator<Item = &'a Value>) {
        for error in errors {
            match error {
                Value::String(message) => self.push_error(message, None),
                Value::Object(map) => {
                    let message = text_of(map, &["message", "error", "name"])
                        .unwrap_or_else(|| compact(error));
                    let stack = text_of(map, &["stack"]);
                    self.push_error(&message, stack.as_deref());
                }
                Value::Null => {}
                other => self.push_error(&compact(other), None),
            }
        }
    }

    fn assertions<'a>(&mut self, assertions: impl IntoIterator<Item = &'a Map<String, Value>>) {
        for assertion in assertions {
            if assertion.get("passed") != Some(&Value::Bool(false)) {
                continue;
            }
            let source = text_of(assertion, &["source", "description", "condition"])
                .unwrap_or_else(|| "assertion".to_owned());
            self.failed_assertions.push(FailedAssertion {
                source,
                property: text_of(assertion, &["property"]).filter(|p| !p.is_empty()),
                comparison: text_of(assertion, &["comparison"]),
                target: text_of(assertion, &["target", "expected"]),
                actual: text_of(assertion, &["actual"]),
            });
        }
    }

    fn log(&mut self, log: Option<&Value>) {
        if let Some(log) = log {
            lines_of(log, None, &mut self.log);
        }
    }
}

/// Appends the lines of one job log value (of any shape) to `out`.
fn lines_of(log: &Value, phase: Option<&str>, out: &mut Vec<LogLine>) {
    let line = |message: String| LogLine {
        time: None,
        level: None,
        phase: phase.map(str::to_owned),
        message,
    };
    match log {
        Value::Null => {}
        Value::String(text) => out.extend(text.lines().map(|l| line(l.to_owned()))),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(map) if text_of(map, &["msg", "message", "text"]).is_some() => {
                        let message = text_of(map, &["msg", "message", "text"]).unwrap_or_default();
                        let level = text_of(map, &["level"]);
                        let time = map.get("time").and_then(time_of);
                        out.extend(message.lines().map(|m| LogLine {
                            time,
                            level: level.clone(),
                            ..line(m.to_owned())
                        }));
                    }
                    Value::String(_) | Value::Array(_) | Value::Null => lines_of(item, phase, out),
                    other => out.push(line(compact(other))),
                }
            }
        }
        // An object of phases: each phase's lines in turn, tagged with it.
        Value::Object(phases) => {
            let mut ordered: Vec<(&String, &Value)> = phases.iter().collect();
            ordered.sort_by_key(|(name, _)| phase_rank(name));
            for (name, lines) in ordered {
                let nested = match phase {
                    Some(outer) => format!("{outer}.{name}"),
                    None => name.clone(),
                };
                lines_of(lines, Some(&nested), out);
            }
        }
        other => out.push(line(compact(other))),
    }
}

/// Where a phase goes in the log: setup first, teardown last, the others
/// (in name order, as the map keeps them) between.
fn phase_rank(name: &str) -> u8 {
    match name.to_ascii_lowercase().as_str() {
        "setup" | "before" | "presetup" => 0,
        "teardown" | "after" | "postteardown" => 2,
        _ => 1,
    }
}

/// The first of `keys` that `map` holds as text (numbers and booleans
/// printed; other values as compact JSON).
fn text_of(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match map.get(*key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(compact(other)),
    })
}

/// A log line's time: unix milliseconds, or RFC 3339 text.
fn time_of(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .and_then(DateTime::from_timestamp_millis),
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    }
}

fn compact(value: &Value) -> String {
    value.to_string()
}

impl fmt::Display for FailedAssertion {
    /// `STATUS_CODE EQUALS 200, got 503` (or `JSON_BODY $.status EQUALS
    /// "ok", got "down"`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(property) = &self.property {
            write!(f, " {property}")?;
        }
        if let Some(comparison) = &self.comparison {
            write!(f, " {comparison}")?;
        }
        if let Some(target) = &self.target {
            write!(f, " {target}")?;
        }
        match &self.actual {
            Some(actual) => write!(f, ", got {actual}"),
            None => f.write_str(": failed"),
        }
    }
}

impl fmt::Display for LogLine {
    /// `12:00:01.250 ERROR [setup] message` (parts the line lacks are left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(time) = self.time {
            write!(f, "{} ", time.format("%H:%M:%S%.3f"))?;
        }
        if let Some(level) = &self.level {
            write!(f, "{level} ")?;
        }
        if let Some(phase) = &self.phase {
            write!(f, "[{phase}] ")?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn detail(extra: Value) -> FindOneTestSessionResultResponse {
        let mut base = json!({
            "aborted": false, "attempts": 1, "checkType": "API",
            "created_at": "2026-05-01T12:00:00.000Z", "errorGroupIds": [],
            "hasErrors": false, "hasFailures": true,
            "id": "00000000-0000-0000-0000-000000000001", "isCancelled": false,
            "isDegraded": false, "overMaxResponseTime": false, "resultType": "FINAL",
            "status": "FAILED",
            "testSessionResultId": "00000000-0000-0000-0000-000000000001",
            "testSessionResultLink": "https://app.checklyhq.com/r/1",
            "traceId": null,
        });
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn api_checks_give_the_request_error_and_failed_assertions() {
        let d = detail(json!({"apiCheckResult": {
            "request": {}, "response": {}, "requestError": null,
            "assertions": [
                {"source": "STATUS_CODE", "property": "", "comparison": "EQUALS",
                 "target": "200", "actual": 503, "passed": false},
                {"source": "RESPONSE_TIME", "comparison": "LESS_THAN",
                 "target": "2000", "actual": 120, "passed": true},
                {"source": "JSON_BODY", "property": "$.status", "comparison": "EQUALS",
                 "target": "ok", "actual": "down", "passed": false},
            ],
            "jobLog": [{"time": 1_777_636_801_250_i64, "level": "ERROR", "msg": "boom\nsecond"}],
        }}));
        let f = Failure::of(&d);
        assert!(f.errors.is_empty());
        assert_eq!(f.failed_assertions.len(), 2);
        assert_eq!(
            f.failed_assertions[0].to_string(),
            "STATUS_CODE EQUALS 200, got 503"
        );
        assert_eq!(
            f.failed_assertions[1].to_string(),
            "JSON_BODY $.status EQUALS ok, got down"
        );
        assert_eq!(f.headline().unwrap(), "STATUS_CODE EQUALS 200, got 503");
        assert_eq!(f.log.len(), 2);
        assert_eq!(f.log[0].to_string(), "12:00:01.250 ERROR boom");
        assert_eq!(f.log[1].message, "second");

        let d = detail(json!({"apiCheckResult": {
            "request": {}, "response": {}, "requestError": "connect ECONNREFUSED 10.0.0.1:443",
        }}));
        let f = Failure::of(&d);
        assert_eq!(f.headline().unwrap(), "connect ECONNREFUSED 10.0.0.1:443");
        assert!(!f.is_empty());
    }

    #[test]
    fn script_errors_keep_message_and_stack_once() {
        let d = detail(json!({"checkType": "BROWSER", "browserCheckResult": {
            "errors": [
                {"message": "Timeout 30000ms exceeded", "stack": "Timeout 30000ms exceeded\n  at page.click (login.spec.ts:12)"},
                {"message": "Timeout 30000ms exceeded", "stack": "Timeout 30000ms exceeded\n  at page.click (login.spec.ts:12)"},
                "plain text error",
                {"message": "same", "stack": "same"},
                42,
            ],
            "pages": [], "playwrightTestTraces": [], "playwrightTestVideos": [], "traceSummary": {},
        }}));
        let f = Failure::of(&d);
        assert_eq!(f.errors.len(), 4, "{f:?}");
        assert!(
            f.errors[0]
                .stack
                .as_deref()
                .unwrap()
                .contains("login.spec.ts:12")
        );
        assert_eq!(f.errors[1].message, "plain text error");
        assert_eq!(f.errors[2].stack, None);
        assert_eq!(f.errors[3].message, "42");
        assert_eq!(f.headline().unwrap(), "Timeout 30000ms exceeded");
    }

    #[test]
    fn job_logs_of_every_shape_become_lines() {
        let mut out = Vec::new();
        lines_of(
            &json!({"setup": ["a", "b"], "request": "c\nd", "teardown": [{"msg": "e", "level": "WARN", "time": "2026-05-01T12:00:00Z"}]}),
            None,
            &mut out,
        );
        let shown: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "[setup] a",
                "[setup] b",
                "[request] c",
                "[request] d",
                "12:00:00.000 WARN [teardown] e",
            ]
        );
        let f = Failure {
            log: out,
            ..Failure::default()
        };
        assert_eq!(f.log_tail(2).len(), 2);
        assert_eq!(f.log_tail(2)[1].message, "e");
        assert_eq!(f.log_tail(99).len(), 5);
        assert!(f.is_empty());
        assert_eq!(f.headline(), None);
    }

    #[test]
    fn agentic_assertions_and_schedule_errors() {
        let d = detail(json!({
            "checkType": "AGENTIC",
            "scheduleError": "no capacity in eu-central-1",
            "agenticCheckResult": {
                "assertions": [{"description": "the order is confirmed", "passed": false}],
                "errors": null,
            },
        }));
        let f = Failure::of(&d);
        assert_eq!(f.errors[0].message, "no capacity in eu-central-1");
        assert_eq!(
            f.failed_assertions[0].to_string(),
            "the order is confirmed: failed"
        );
    }
}
