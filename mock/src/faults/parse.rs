//! The `--fault` text syntax (see the module documentation).

use std::str::FromStr;

use super::rule::{FaultKind, FaultRule};

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
            "extra-field" => FaultKind::ExtraField,
            "wrong-content-type" => FaultKind::WrongContentType,
            other => {
                if let Some(field) = other.strip_prefix("missing-field:") {
                    FaultKind::MissingField {
                        field: field.to_owned(),
                    }
                } else if let Some(code) = other.strip_prefix("html-error:") {
                    let status = code
                        .parse()
                        .map_err(|_| format!("fault {spec:?}: {code:?} is not a status code"))?;
                    FaultKind::HtmlError { status }
                } else if let Some(location) = other.strip_prefix("redirect:") {
                    FaultKind::Redirect {
                        location: location.to_owned(),
                    }
                } else if let Some(secs) = other.strip_prefix("rate-limit-reset:") {
                    let seconds = secs.parse().map_err(|_| {
                        format!("fault {spec:?}: rate-limit-reset needs whole seconds")
                    })?;
                    FaultKind::RateLimitReset { seconds }
                } else if let Some(ms) = other.strip_prefix("delay:") {
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
                        "fault {spec:?}: unknown kind {other:?} (status:CODE[:retry-after=V], delay:MS, drop, truncated, not-json, unknown-enum, html-error:CODE, extra-field, missing-field:NAME, wrong-content-type, rate-limit-reset:SECS, redirect:LOCATION)"
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
        assert_eq!(parse("/x=extra-field").kind, FaultKind::ExtraField);
        assert_eq!(
            parse("/x=html-error:503x2").kind,
            FaultKind::HtmlError { status: 503 }
        );
        assert_eq!(
            parse("/x=wrong-content-typex1").kind,
            FaultKind::WrongContentType
        );
        assert_eq!(
            parse("/x=missing-field:testSessionId").kind,
            FaultKind::MissingField {
                field: "testSessionId".into()
            }
        );
        assert_eq!(
            parse("/x=rate-limit-reset:2x1").kind,
            FaultKind::RateLimitReset { seconds: 2 }
        );
        let r = parse("GET:/v1=redirect:http://localhost:8080/v1/a?b=cx2");
        assert_eq!(
            r.kind,
            FaultKind::Redirect {
                location: "http://localhost:8080/v1/a?b=c".into()
            }
        );
        assert_eq!(r.times, 2);
        for bad in [
            "nothing",
            "GET/x=drop",
            "G3T:/x=drop",
            "GET:x=drop",
            "/x=explode",
            "/x=status:abc",
            "/x=status:42",
            "/x=status:204",
            "/x=status:304",
            "/x=status:429:retry-after=1\u{1}",
            "/x=delay:soon",
            "/x=dropx99999999999",
            "/x=rate-limit-reset:soon",
            "/x=redirect:",
            "/x=html-error:204",
            "/x=html-error:abc",
            "/x=missing-field:",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad} should fail");
        }
    }
}
