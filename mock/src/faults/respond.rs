//! The broken answers the fault kinds produce.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::rule::status_has_body;
use crate::error::ApiError;

/// The status a successful answer to this request would have.
pub(crate) fn success_status(method: &str, path: &str) -> StatusCode {
    if method.eq_ignore_ascii_case("POST") && path.ends_with("/trigger") {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// The answer of a `status` fault: 500 for a status a rule may not have
/// (see [`FaultRule::validate`](super::FaultRule::validate)); a retry-after
/// that is no valid header value is left out. A 429 always carries
/// `Retry-After` (default `1`) and `X-RateLimit-Reset`.
pub(crate) fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let code = StatusCode::from_u16(status)
        .ok()
        .filter(|_| status_has_body(status))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response =
        ApiError::new(code, format!("Injected fault: status {}", code.as_u16())).into_response();
    let given = retry_after.and_then(|r| HeaderValue::from_str(r).ok().map(|v| (r, v)));
    let retry_after = match given {
        None if code == StatusCode::TOO_MANY_REQUESTS => Some(("1", HeaderValue::from_static("1"))),
        other => other,
    };
    if let Some((_, value)) = &retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, value.clone());
    }
    if code == StatusCode::TOO_MANY_REQUESTS {
        let now = Utc::now();
        let reset = retry_after
            .and_then(|(r, _)| retry_at(r, now))
            .unwrap_or_else(|| now.timestamp().saturating_add(1));
        response
            .headers_mut()
            .insert("x-ratelimit-reset", HeaderValue::from(reset));
    }
    response
}

/// The unix time a `Retry-After` value points at: `now` plus its seconds,
/// or the time of its HTTP date; `None` when it is neither.
fn retry_at(value: &str, now: DateTime<Utc>) -> Option<i64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let secs = value.parse::<i64>().unwrap_or(i64::MAX);
        return Some(now.timestamp().saturating_add(secs));
    }
    http_date(value).map(|date| date.timestamp())
}

/// The answer of an `html-error` fault: `status` (500 for one a rule may
/// not have) with a proxy's HTML error page.
pub(crate) fn html_error_response(status: u16) -> Response {
    let code = StatusCode::from_u16(status)
        .ok()
        .filter(|_| status_has_body(status))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = format!(
        "<html><head><title>{code}</title></head><body><center><h1>{code}</h1></center><hr><center>nginx</center></body></html>"
    );
    with_body(code, "text/html; charset=utf-8", Body::from(page))
}

/// The answer of a `rate-limit-reset` fault: 429 with an `ApiError` body
/// and `X-RateLimit-Reset` `seconds` from now, without `Retry-After`.
pub(crate) fn rate_limit_reset_response(seconds: u64) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Injected fault: rate limited (see X-RateLimit-Reset)",
    )
    .into_response();
    let secs = i64::try_from(seconds).unwrap_or(i64::MAX);
    let reset = Utc::now().timestamp().saturating_add(secs);
    response
        .headers_mut()
        .insert("x-ratelimit-reset", HeaderValue::from(reset));
    response
}

/// The answer of a `redirect` fault: 307 to `location` (500 when it is not
/// a valid header value, which [`FaultRule::validate`](super::FaultRule::validate) refuses).
pub(crate) fn redirect_response(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Injected fault: invalid redirect location",
        )
        .into_response(),
    }
}

/// An HTTP date (RFC 9110 §5.6.7): IMF-fixdate, or the obsolete RFC 850
/// and asctime forms.
fn http_date(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(date) = DateTime::parse_from_rfc2822(value) {
        return Some(date.with_timezone(&Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| naive.and_utc())
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
    add_fields(value);
    rewrite(value, true);
}

/// Adds the unknown fields of [`add_unknowns`], leaving enum values alone.
pub(crate) fn add_fields(value: &mut Value) {
    if let Value::Object(top) = value {
        top.insert("futureField".to_owned(), json!({"introducedIn": "v2"}));
    }
    rewrite(value, false);
}

/// Removes `field` from the top-level object of a JSON answer.
pub(crate) fn remove_field(value: &mut Value, field: &str) {
    if let Value::Object(top) = value {
        top.remove(field);
    }
}

/// A `checkType` no version of the spec knows.
pub(crate) const UNKNOWN_CHECK_TYPE: &str = "QUANTUM";

fn rewrite(value: &mut Value, enums: bool) {
    match value {
        Value::Object(map) => {
            if let Some(check_type) = map.get_mut("checkType")
                && enums
                && check_type.is_string()
            {
                *check_type = Value::String(UNKNOWN_CHECK_TYPE.to_owned());
            }
            if let Some(Value::Object(meta)) = map.get_mut("metadata") {
                meta.insert(
                    "github".to_owned(),
                    json!({"reporting": true, "runId": "123456789", "prNumber": 42, "sha": "0f1e2d3c"}),
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
                rewrite(v, enums);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, enums)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    fn reset(response: &Response) -> i64 {
        header(response, "x-ratelimit-reset")
            .and_then(|v| v.parse().ok())
            .expect("x-ratelimit-reset")
    }

    #[test]
    fn http_dates_in_every_form() {
        for date in [
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
        ] {
            assert_eq!(
                http_date(date).map(|d| d.timestamp()),
                Some(1_445_412_480),
                "{date}"
            );
        }
        assert_eq!(
            http_date("Sun Nov  6 08:49:37 1994").map(|d| d.timestamp()),
            Some(784_111_777)
        );
        assert_eq!(http_date("soon"), None);
        let now = Utc::now();
        assert_eq!(retry_at("120", now), Some(now.timestamp() + 120));
        assert_eq!(retry_at("-5", now), None);
        assert_eq!(retry_at("99999999999999999999999", now), Some(i64::MAX));
    }

    #[test]
    fn a_429_always_says_when_to_come_back() {
        let before = Utc::now().timestamp();
        let r = status_response(429, None);
        let after = Utc::now().timestamp();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&r, "retry-after"), Some("1"));
        assert!((before + 1..=after + 1).contains(&reset(&r)));

        let r = status_response(429, Some("30"));
        assert_eq!(header(&r, "retry-after"), Some("30"));
        assert!((before + 30..=after + 31).contains(&reset(&r)));

        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        let r = status_response(429, Some(date));
        assert_eq!(header(&r, "retry-after"), Some(date));
        assert_eq!(reset(&r), 1_445_412_480);

        // Neither seconds nor a date: sent verbatim, reset in a second.
        let r = status_response(429, Some("later"));
        assert_eq!(header(&r, "retry-after"), Some("later"));
        assert!((before + 1..=after + 2).contains(&reset(&r)));

        // Other statuses: Retry-After only when given, no reset.
        let r = status_response(503, None);
        assert_eq!(header(&r, "retry-after"), None);
        assert_eq!(header(&r, "x-ratelimit-reset"), None);
        // Statuses a rule may not have answer 500.
        for bad in [42, 204, 304, 700] {
            assert_eq!(
                status_response(bad, None).status(),
                StatusCode::INTERNAL_SERVER_ERROR
            );
        }
    }

    #[test]
    fn unknowns_are_added() {
        let mut v = json!({"checkType":"API","metadata":{},"results":[{"testSessionResultId":"x","checkType":"URL"}]});
        add_unknowns(&mut v);
        assert_eq!(v["checkType"], UNKNOWN_CHECK_TYPE);
        assert_eq!(v["results"][0]["checkType"], UNKNOWN_CHECK_TYPE);
        assert_eq!(v["results"][0]["futureField"], 1);
        assert!(v["metadata"]["github"].is_object());
        assert!(v["futureField"].is_object());
        assert_eq!(success_status("post", "/v1/check-sessions/trigger"), 201);

        let mut v =
            json!({"checkType":"API","results":[{"testSessionResultId":"x","checkType":"URL"}]});
        add_fields(&mut v);
        assert_eq!(v["checkType"], "API");
        assert_eq!(v["results"][0]["checkType"], "URL");
        assert_eq!(v["results"][0]["futureField"], 1);
        assert!(v["futureField"].is_object());
        remove_field(&mut v, "checkType");
        assert!(v.get("checkType").is_none());
        assert_eq!(v["results"][0]["checkType"], "URL");
    }

    #[test]
    fn rate_limit_reset_and_redirect_answers() {
        let before = Utc::now().timestamp();
        let r = rate_limit_reset_response(3);
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&r, "retry-after"), None);
        let after = Utc::now().timestamp();
        assert!((before + 3..=after + 3).contains(&reset(&r)));
        let r = html_error_response(502);
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
        assert!(header(&r, "content-type").is_some_and(|v| v.starts_with("text/html")));
        assert_eq!(
            html_error_response(204).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let r = redirect_response("http://localhost:1/v1/x");
        assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(header(&r, "location"), Some("http://localhost:1/v1/x"));
        assert_eq!(
            redirect_response("a\nb").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(success_status("GET", "/v1/test-sessions"), 200);
    }
}
