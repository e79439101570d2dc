//! The fault rules, what they hit, and the set of rules in force.

use std::fmt;

use axum::http::HeaderValue;
use serde::{Deserialize, Serialize};

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
        /// The HTTP status: 200..=599 except 204, 205 and 304, which carry
        /// no body.
        status: u16,
        /// Sent verbatim as `Retry-After`: seconds (`"2"`) or an HTTP date.
        /// Must be a valid header value. A 429 without it sends
        /// `Retry-After: 1`.
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
    /// Answer this status with an HTML page, as a proxy in front of the API
    /// would.
    HtmlError {
        /// The HTTP status, with the limits of [`FaultKind::Status`].
        status: u16,
    },
    /// Handle normally, then add unknown fields (enum values stay).
    ExtraField,
    /// Handle normally, then remove this field from the top-level object.
    MissingField {
        /// The JSON field name, e.g. `testSessionId`.
        field: String,
    },
    /// Handle normally, then send the JSON body as `Content-Type: text/plain`.
    WrongContentType,
    /// Answer 429 with only `X-RateLimit-Reset` (no `Retry-After`).
    RateLimitReset {
        /// The reset is this many seconds from now.
        seconds: u64,
    },
    /// Answer `307 Temporary Redirect` to this location.
    Redirect {
        /// The `Location` header, sent verbatim: an absolute URL (another
        /// origin) or a path (this one; the same path makes a loop).
        /// Must be a valid header value.
        location: String,
    },
}

/// A fault rule: which requests it hits, how often, and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// The HTTP method it hits (any when `None` or `"*"`), case-insensitive.
    #[serde(default)]
    pub method: Option<String>,
    /// It hits paths that start with this (every path when empty); a `*`
    /// segment stands for any one segment, e.g. `/v1/test-sessions/*/completion`.
    #[serde(default)]
    pub path_prefix: String,
    /// How many requests it hits; 0 means every matching request.
    #[serde(default)]
    pub times: u32,
    /// What it does.
    pub kind: FaultKind,
}

/// Whether `path` starts with `prefix`, a `*` segment of which matches any
/// one non-empty segment.
fn prefix_matches(prefix: &str, path: &str) -> bool {
    if !prefix.split('/').any(|segment| segment == "*") {
        return path.starts_with(prefix);
    }
    let wanted: Vec<&str> = prefix.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if got.len() < wanted.len() {
        return false;
    }
    let last = wanted.len() - 1;
    wanted
        .iter()
        .zip(&got)
        .enumerate()
        .all(|(i, (w, g))| match *w {
            "*" => !g.is_empty(),
            w if i == last => g.starts_with(w),
            w => w == *g,
        })
}

/// Whether a `status` fault may answer `status`: a final status whose
/// answer has a body (so not 204, 205 or 304).
pub(crate) fn status_has_body(status: u16) -> bool {
    (200..=599).contains(&status) && !matches!(status, 204 | 205 | 304)
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
        method_ok && prefix_matches(&self.path_prefix, path)
    }

    /// Checks the rule's values: a `status` must be 200..=599 and not one
    /// without a body (204, 205, 304), and its `retry_after` a valid header
    /// value; a `redirect` location a non-empty valid header value; a
    /// `missing-field` name non-empty.
    pub fn validate(&self) -> Result<(), String> {
        if let FaultKind::Status {
            status,
            retry_after,
        } = &self.kind
        {
            if !(200..=599).contains(status) {
                return Err(format!(
                    "status {status} is not a final HTTP status (200..=599)"
                ));
            }
            if !status_has_body(*status) {
                return Err(format!(
                    "status {status} cannot carry the ApiError body (not 204, 205 or 304)"
                ));
            }
            if let Some(r) = retry_after
                && HeaderValue::from_str(r).is_err()
            {
                return Err(format!("retryAfter {r:?} is not a valid header value"));
            }
        }
        if let FaultKind::HtmlError { status } = &self.kind
            && !status_has_body(*status)
        {
            return Err(format!(
                "status {status} cannot carry an HTML page (200..=599 but 204, 205, 304)"
            ));
        }
        if let FaultKind::Redirect { location } = &self.kind
            && (location.is_empty() || HeaderValue::from_str(location).is_err())
        {
            return Err(format!(
                "location {location:?} is not a valid Location header value"
            ));
        }
        if let FaultKind::MissingField { field } = &self.kind
            && field.is_empty()
        {
            return Err("missing-field needs a field name".to_owned());
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
            FaultKind::HtmlError { status } => write!(f, "html-error:{status}")?,
            FaultKind::ExtraField => f.write_str("extra-field")?,
            FaultKind::MissingField { field } => write!(f, "missing-field:{field}")?,
            FaultKind::WrongContentType => f.write_str("wrong-content-type")?,
            FaultKind::RateLimitReset { seconds } => write!(f, "rate-limit-reset:{seconds}")?,
            FaultKind::Redirect { location } => write!(f, "redirect:{location}")?,
        }
        if self.times > 0 {
            write!(f, "x{}", self.times)?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> FaultRule {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn a_star_segment_matches_any_one_segment() {
        let rule = parse("GET:/v1/test-sessions/*/completion=status:408");
        assert!(rule.matches("GET", "/v1/test-sessions/3c90c3cc/completion"));
        assert!(!rule.matches("GET", "/v1/test-sessions/3c90c3cc"));
        assert!(!rule.matches("GET", "/v1/test-sessions//completion"));
        assert!(!rule.matches("GET", "/v1/check-sessions/3c90c3cc/completion"));
        // The last segment is still a prefix.
        assert!(parse("/v1/*/ab=drop").matches("GET", "/v1/x/abc"));
    }

    fn status(status: u16, retry_after: Option<&str>) -> FaultRule {
        FaultRule::new(FaultKind::Status {
            status,
            retry_after: retry_after.map(str::to_owned),
        })
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
            "/a=extra-field",
            "GET:/v1=html-error:502x3",
            "GET:/v1=missing-field:testSessionIdx1",
            "/a=wrong-content-type",
            "/a=rate-limit-reset:3x2",
            "/a=redirect:http://localhost:9/v1/test-sessions",
            "/a=redirect:/a",
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
    fn validate_refuses_bodyless_statuses_and_bad_header_values() {
        for ok in [200, 201, 400, 429, 503, 599] {
            assert!(status(ok, None).validate().is_ok(), "{ok}");
        }
        for bad in [0, 100, 101, 199, 204, 205, 304, 600] {
            assert!(status(bad, None).validate().is_err(), "{bad}");
        }
        assert!(status(429, Some("1")).validate().is_ok());
        assert!(
            status(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"))
                .validate()
                .is_ok()
        );
        for bad in ["1\n2", "1\r\nX-Injected: yes", "a\u{7f}"] {
            let err = status(429, Some(bad)).validate().expect_err(bad);
            assert!(err.starts_with("retryAfter"), "{err}");
        }
        assert!(FaultRule::new(FaultKind::Drop).validate().is_ok());
        let redirect = |location: &str| {
            FaultRule::new(FaultKind::Redirect {
                location: location.to_owned(),
            })
        };
        assert!(redirect("http://localhost:1/x").validate().is_ok());
        for bad in ["", "/a\r\nX-Injected: yes"] {
            let err = redirect(bad).validate().expect_err(bad);
            assert!(err.starts_with("location"), "{err}");
        }
        let missing = FaultRule::new(FaultKind::MissingField {
            field: String::new(),
        });
        assert!(missing.validate().is_err());
        for bad in [204, 700] {
            let html = FaultRule::new(FaultKind::HtmlError { status: bad });
            assert!(html.validate().is_err(), "{bad}");
        }
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
}
