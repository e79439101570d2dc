//! Fault injection: rules that make matching requests fail in a chosen way,
//! their text syntax, and the broken answers they produce.
//!
//! # Text syntax (`--fault SPEC`)
//!
//! ```text
//! SPEC  = [METHOD ":"] PATH-PREFIX "=" KIND ["x" TIMES]
//! KIND  = "status:" CODE [":retry-after=" VALUE]
//!       | "delay:" MILLIS | "drop" | "truncated" | "not-json" | "unknown-enum"
//! ```
//!
//! `METHOD` is an HTTP method (or `*` for any; omitted means any);
//! `PATH-PREFIX` starts with `/` and matches every path that starts with it;
//! `TIMES` is how many matching requests the rule hits, `0` or omitted for
//! all of them. Examples:
//!
//! - `GET:/v1/test-sessions=status:503x2`: the next two GETs under
//!   `/v1/test-sessions` answer 503.
//! - `POST:/v1/test-sessions/trigger=status:429:retry-after=1x1`: one 429
//!   with `Retry-After: 1` (the value is sent verbatim; an HTTP date works).
//! - `/v1=delay:500`: every request waits 500 ms, then is handled normally.
//! - `GET:/v1/check-sessions=drop`, `…=truncated`, `…=not-json`,
//!   `…=unknown-enum`.
//!
//! # What each kind does
//!
//! A faulted request is recorded in the request log but otherwise has no
//! effect on the mock's state, except `delay` (waits, then handles the
//! request normally) and `unknown-enum` (handles it normally, then rewrites
//! the answer).
//!
//! - `status`: that status with an `ApiError` body, plus `Retry-After` when
//!   given (and `X-RateLimit-Reset` on a 429).
//! - `drop`: the connection closes before any byte of an answer is sent.
//! - `truncated`: 201 for `POST …/trigger`, else 200, a `Content-Length` of
//!   the whole JSON body, half the body, then the connection closes.
//! - `not-json`: the same status, `Content-Type: text/html`, body
//!   `<html>oops</html>`.
//! - `unknown-enum`: the normal answer with every `checkType` value replaced
//!   by `"GRPC"`, a `github` object added to every `metadata` object, and a
//!   field `"futureField"` added to the top-level object and to every
//!   session, result and list entry — what a newer API version looks like.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::ApiError;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FaultKind {
    /// Answer this status with an `ApiError` body.
    Status {
        /// The HTTP status, 200..=599.
        status: u16,
        /// Sent verbatim as `Retry-After`: seconds (`"2"`) or an HTTP date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// Wait, then handle the request normally.
    Delay {
        /// How long to wait, real milliseconds.
        millis: u64,
    },
    /// Close the connection without answering.
    Drop,
    /// Send half of a JSON body under a `Content-Length` for all of it.
    Truncated,
    /// Answer HTML instead of JSON.
    NotJson,
    /// Handle normally, then rewrite enum values and add unknown fields.
    UnknownEnum,
}

/// A fault rule: which requests it hits, how often, and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// The HTTP method it hits (any when `None` or `"*"`), case-insensitive.
    #[serde(default)]
    pub method: Option<String>,
    /// It hits paths that start with this (every path when empty).
    #[serde(default)]
    pub path_prefix: String,
    /// How many requests it hits; 0 means every matching request.
    #[serde(default)]
    pub times: u32,
    /// What it does.
    pub kind: FaultKind,
}

impl FaultRule {
    /// A rule hitting every request, every time, with `kind`.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            method: None,
            path_prefix: String::new(),
            times: 0,
            kind,
        }
    }

    /// Restricts the rule to one method and a path prefix.
    pub fn on(mut self, method: &str, path_prefix: &str) -> Self {
        self.method = Some(method.to_owned());
        self.path_prefix = path_prefix.to_owned();
        self
    }

    /// Restricts the rule to the first `times` matching requests (0: all).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Whether the rule hits a request.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = match self.method.as_deref() {
            None | Some("*") | Some("") => true,
            Some(m) => m.eq_ignore_ascii_case(method),
        };
        method_ok && path.starts_with(&self.path_prefix)
    }

    /// Checks the rule's values (a `status` must be 200..=599).
    pub fn validate(&self) -> Result<(), String> {
        if let FaultKind::Status { status, .. } = self.kind
            && !(200..=599).contains(&status)
        {
            return Err(format!(
                "status {status} is not a final HTTP status (200..=599)"
            ));
        }
        Ok(())
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.method {
            write!(f, "{m}:")?;
        }
        write!(f, "{}=", self.path_prefix)?;
        match &self.kind {
            FaultKind::Status {
                status,
                retry_after: None,
            } => write!(f, "status:{status}")?,
            FaultKind::Status {
                status,
                retry_after: Some(r),
            } => write!(f, "status:{status}:retry-after={r}")?,
            FaultKind::Delay { millis } => write!(f, "delay:{millis}")?,
            FaultKind::Drop => f.write_str("drop")?,
            FaultKind::Truncated => f.write_str("truncated")?,
            FaultKind::NotJson => f.write_str("not-json")?,
            FaultKind::UnknownEnum => f.write_str("unknown-enum")?,
        }
        if self.times > 0 {
            write!(f, "x{}", self.times)?;
        }
        Ok(())
    }
}

impl FromStr for FaultRule {
    type Err = String;

    /// Parses the text syntax described in the module documentation.
    fn from_str(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        let (target, action) = spec
            .split_once('=')
            .ok_or_else(|| format!("fault {spec:?}: expected [METHOD:]PATH=KIND[xTIMES]"))?;
        let (method, path_prefix) = if target.is_empty() || target.starts_with('/') {
            (None, target)
        } else {
            let (m, p) = target
                .split_once(':')
                .ok_or_else(|| format!("fault {spec:?}: the path must start with '/'"))?;
            if m != "*" && (m.is_empty() || !m.chars().all(|c| c.is_ascii_alphabetic())) {
                return Err(format!("fault {spec:?}: {m:?} is not an HTTP method"));
            }
            if !p.starts_with('/') {
                return Err(format!("fault {spec:?}: the path must start with '/'"));
            }
            (Some(m.to_ascii_uppercase()), p)
        };
        let (kind_text, times) = match action.rsplit_once('x') {
            Some((k, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                let times = n
                    .parse()
                    .map_err(|_| format!("fault {spec:?}: x{n} is too many times"))?;
                (k, times)
            }
            _ => (action, 0),
        };
        let kind = match kind_text {
            "drop" => FaultKind::Drop,
            "truncated" => FaultKind::Truncated,
            "not-json" => FaultKind::NotJson,
            "unknown-enum" => FaultKind::UnknownEnum,
            other => {
                if let Some(ms) = other.strip_prefix("delay:") {
                    let millis = ms
                        .parse()
                        .map_err(|_| format!("fault {spec:?}: delay needs milliseconds"))?;
                    FaultKind::Delay { millis }
                } else if let Some(rest) = other.strip_prefix("status:") {
                    let (code, retry_after) = match rest.split_once(":retry-after=") {
                        Some((code, r)) => (code, Some(r.to_owned())),
                        None => (rest, None),
                    };
                    let status = code
                        .parse()
                        .map_err(|_| format!("fault {spec:?}: {code:?} is not a status code"))?;
                    FaultKind::Status {
                        status,
                        retry_after,
                    }
                } else {
                    return Err(format!(
                        "fault {spec:?}: unknown kind {other:?} (status:CODE[:retry-after=V], delay:MS, drop, truncated, not-json, unknown-enum)"
                    ));
                }
            }
        };
        let rule = Self {
            method,
            path_prefix: path_prefix.to_owned(),
            times,
            kind,
        };
        rule.validate()
            .map_err(|e| format!("fault {spec:?}: {e}"))?;
        Ok(rule)
    }
}

/// A rule in force, with how many more requests it hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActiveFault {
    /// The rule.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Hits left; `None` for a rule without limit.
    pub remaining: Option<u32>,
}

/// The rules in force, first match wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultSet {
    rules: Vec<ActiveFault>,
}

impl FaultSet {
    /// Adds a rule after the existing ones.
    pub fn add(&mut self, rule: FaultRule) {
        let remaining = (rule.times > 0).then_some(rule.times);
        self.rules.push(ActiveFault { rule, remaining });
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The rules in force.
    pub fn list(&self) -> Vec<ActiveFault> {
        self.rules.clone()
    }

    /// The fault for this request, using up one hit of the first matching rule.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let pos = self
            .rules
            .iter()
            .position(|f| f.rule.matches(method, path))?;
        let kind = self.rules[pos].rule.kind.clone();
        if let Some(left) = self.rules[pos].remaining.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.rules.remove(pos);
            }
        }
        Some(kind)
    }
}

/// The status a successful answer to this request would have.
pub(crate) fn success_status(method: &str, path: &str) -> StatusCode {
    if method.eq_ignore_ascii_case("POST") && path.ends_with("/trigger") {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// The answer of a `status` fault (500 for a status outside 200..=599).
pub(crate) fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let code = StatusCode::from_u16(status)
        .ok()
        .filter(|_| (200..=599).contains(&status))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response =
        ApiError::new(code, format!("Injected fault: status {}", code.as_u16())).into_response();
    if let Some(value) = retry_after.and_then(|r| HeaderValue::from_str(r).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    if code == StatusCode::TOO_MANY_REQUESTS {
        let wait: i64 = retry_after.and_then(|r| r.trim().parse().ok()).unwrap_or(1);
        let reset = chrono::Utc::now().timestamp().saturating_add(wait);
        if let Ok(value) = HeaderValue::from_str(&reset.to_string()) {
            response.headers_mut().insert("x-ratelimit-reset", value);
        }
    }
    response
}

fn with_body(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The answer of a `drop` fault: a body that fails at once, so the server
/// closes the connection before sending anything.
pub(crate) fn drop_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected fault: drop"))
    });
    with_body(
        StatusCode::OK,
        "application/json",
        Body::from_stream(stream),
    )
}

/// The answer of a `truncated` fault.
pub(crate) fn truncated_response(status: StatusCode) -> Response {
    let full = json!({
        "statusCode": status.as_u16(),
        "message": "This answer is cut short by an injected fault",
        "padding": "0123456789".repeat(20),
    })
    .to_string();
    let total = full.len();
    let half = Bytes::from(full).slice(..total / 2);
    let stream = futures::stream::unfold(Some(half), |state| async move {
        match state {
            Some(chunk) => Some((Ok::<Bytes, std::io::Error>(chunk), None)),
            None => {
                // Let the half body reach the client before the connection closes.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Some((
                    Err(std::io::Error::other("injected fault: truncated")),
                    None,
                ))
            }
        }
    });
    let mut response = with_body(status, "application/json", Body::from_stream(stream));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    response
}

/// The answer of a `not-json` fault.
pub(crate) fn not_json_response(status: StatusCode) -> Response {
    with_body(
        status,
        "text/html; charset=utf-8",
        Body::from("<html>oops</html>"),
    )
}

/// Rewrites a JSON answer the way a newer API version would differ.
pub(crate) fn add_unknowns(value: &mut Value) {
    if let Value::Object(top) = value {
        top.insert("futureField".to_owned(), json!({"introducedIn": "v2"}));
    }
    rewrite(value);
}

fn rewrite(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(check_type) = map.get_mut("checkType")
                && check_type.is_string()
            {
                *check_type = Value::String("GRPC".to_owned());
            }
            if let Some(Value::Object(meta)) = map.get_mut("metadata") {
                meta.insert(
                    "github".to_owned(),
                    json!({"runId": 123_456_789, "prNumber": 42, "sha": "0f1e2d3c"}),
                );
            }
            let is_item = ["testSessionResultId", "checkResultId", "checkSessionId"]
                .iter()
                .any(|k| map.contains_key(*k))
                || (map.contains_key("id") && map.contains_key("provider"));
            if is_item {
                map.insert("futureField".to_owned(), json!(1));
            }
            for v in map.values_mut() {
                rewrite(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> FaultRule {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn spec_syntax() {
        assert_eq!(
            parse("GET:/v1/test-sessions=status:503x2"),
            FaultRule::new(FaultKind::Status {
                status: 503,
                retry_after: None
            })
            .on("GET", "/v1/test-sessions")
            .times(2)
        );
        let r = parse("POST:/v1/test-sessions/trigger=status:429:retry-after=1x1");
        assert_eq!(
            r.kind,
            FaultKind::Status {
                status: 429,
                retry_after: Some("1".into())
            }
        );
        assert_eq!(r.times, 1);
        let d = parse("/v1=status:503:retry-after=Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(d.method, None);
        assert_eq!(
            d.kind,
            FaultKind::Status {
                status: 503,
                retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into())
            }
        );
        assert_eq!(
            parse("/v1=delay:500").kind,
            FaultKind::Delay { millis: 500 }
        );
        assert_eq!(parse("get:/=drop").method.as_deref(), Some("GET"));
        assert_eq!(parse("*:/x=truncated").kind, FaultKind::Truncated);
        assert_eq!(parse("/x=not-json").kind, FaultKind::NotJson);
        assert_eq!(parse("=unknown-enum").path_prefix, "");
        assert_eq!(parse("/x=unknown-enumx3").times, 3);
        for bad in [
            "nothing",
            "GET/x=drop",
            "G3T:/x=drop",
            "GET:x=drop",
            "/x=explode",
            "/x=status:abc",
            "/x=status:42",
            "/x=delay:soon",
            "/x=dropx99999999999",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn display_roundtrips() {
        for s in [
            "GET:/v1/test-sessions=status:503x2",
            "POST:/v1/test-sessions/trigger=status:429:retry-after=1x1",
            "/v1=delay:500",
            "=drop",
            "/a=truncated",
            "/a=not-json",
            "/a=unknown-enumx4",
        ] {
            assert_eq!(parse(s).to_string(), s);
        }
    }

    #[test]
    fn serde_form() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"method":"GET","pathPrefix":"/v1","times":1,"kind":{"type":"status","status":503,"retryAfter":"2"}}"#,
        )
        .expect("valid rule");
        assert_eq!(rule, parse("GET:/v1=status:503:retry-after=2x1"));
        let drop: FaultRule =
            serde_json::from_str(r#"{"kind":{"type":"notJson"}}"#).expect("valid rule");
        assert_eq!(drop, FaultRule::new(FaultKind::NotJson));
    }

    #[test]
    fn set_counts_hits() {
        let mut set = FaultSet::default();
        set.add(parse("GET:/v1=status:503x2"));
        set.add(parse("/v1=drop"));
        assert_eq!(
            set.take("POST", "/v1/x"),
            Some(FaultKind::Drop),
            "method filter skips the first rule"
        );
        assert!(matches!(
            set.take("get", "/v1/x"),
            Some(FaultKind::Status { .. })
        ));
        assert!(matches!(
            set.take("GET", "/v1/x"),
            Some(FaultKind::Status { .. })
        ));
        assert_eq!(set.take("GET", "/v1/x"), Some(FaultKind::Drop));
        assert_eq!(set.take("GET", "/other"), None);
        assert_eq!(set.list().len(), 1);
        set.clear();
        assert_eq!(set.take("GET", "/v1"), None);
    }

    #[test]
    fn unknowns_are_added() {
        let mut v = json!({"checkType":"API","metadata":{},"results":[{"testSessionResultId":"x","checkType":"URL"}]});
        add_unknowns(&mut v);
        assert_eq!(v["checkType"], "GRPC");
        assert_eq!(v["results"][0]["checkType"], "GRPC");
        assert_eq!(v["results"][0]["futureField"], 1);
        assert!(v["metadata"]["github"].is_object());
        assert!(v["futureField"].is_object());
    }
}
