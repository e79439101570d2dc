//! Fault injection: rules that make matching requests fail in a chosen way,
//! their text syntax, and the broken answers they produce.
//!
//! # Text syntax (`--fault SPEC`)
//!
//! ```text
//! SPEC  = [METHOD ":"] PATH-PREFIX "=" KIND ["x" TIMES]
//! KIND  = "status:" CODE [":retry-after=" VALUE]
//!       | "delay:" MILLIS | "drop" | "truncated" | "not-json" | "unknown-enum"
//!       | "html-error:" CODE | "extra-field" | "missing-field:" NAME | "wrong-content-type"
//!       | "rate-limit-reset:" SECONDS | "redirect:" LOCATION
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
//!   `…=unknown-enum`, `…=extra-field`, `…=wrong-content-type`.
//! - `GET:/v1/test-sessions/=missing-field:testSessionId`: the answer
//!   lacks a required field.
//! - `/v1=rate-limit-reset:2x1`: one 429 saying when to come back only by
//!   `X-RateLimit-Reset`.
//! - `GET:/v1=redirect:http://127.0.0.1:9999/v1/test-sessions`: a redirect
//!   to another origin; `GET:/v1/x=redirect:/v1/x` loops. A location that
//!   ends in `x` and digits needs an explicit `x0` after it.
//!
//! A rule is refused (by the parser, [`FaultRule::validate`], the admin
//! route with 400, and [`MockServer::bind`](crate::MockServer::bind)) when
//! its status is not one that carries a body (outside 200..=599, or 204, 205
//! or 304), or its retry-after value is not a valid header value (e.g. it
//! holds a line break).
//!
//! # What each kind does
//!
//! A faulted request is recorded in the request log but otherwise has no
//! effect on the mock's state, except `delay` (waits, then handles the
//! request normally) and `unknown-enum`, `extra-field`, `missing-field` and
//! `wrong-content-type` (handle it normally, then rewrite the answer).
//!
//! - `status`: that status with an `ApiError` body, plus `Retry-After` when
//!   given. A 429 always has a `Retry-After` (`1` when the rule gives none,
//!   as the real API always sends one) and an `X-RateLimit-Reset`: the unix
//!   time the `Retry-After` points at (now plus its seconds, or the time of
//!   its HTTP date), or now plus one second when it is neither.
//! - `drop`: the connection closes before any byte of an answer is sent.
//! - `truncated`: 201 for `POST …/trigger`, else 200, a `Content-Length` of
//!   the whole JSON body, half the body, then the connection closes.
//! - `not-json`: the same status, `Content-Type: text/html`, body
//!   `<html>oops</html>`.
//! - `unknown-enum`: the normal answer with every `checkType` value replaced
//!   by `"QUANTUM"`, a `github` object added to every `metadata` object, and a
//!   field `"futureField"` added to the top-level object and to every
//!   session, result and list entry — what a newer API version looks like.
//! - `html-error`: that status with a proxy's HTML error page
//!   (`Content-Type: text/html`).
//! - `extra-field`: the unknown fields of `unknown-enum`, enum values kept.
//! - `missing-field`: the normal answer without that top-level field.
//! - `wrong-content-type`: the normal answer as `Content-Type: text/plain`.
//! - `rate-limit-reset`: 429 with an `ApiError` body and `X-RateLimit-Reset`
//!   (now plus the seconds), no `Retry-After`.
//! - `redirect`: `307 Temporary Redirect` with that `Location`, no body.

mod parse;
mod respond;
mod rule;

pub(crate) use respond::{
    add_fields, add_unknowns, drop_response, html_error_response, not_json_response,
    rate_limit_reset_response, redirect_response, remove_field, status_response, success_status,
    truncated_response,
};
pub(crate) use rule::FaultSet;
pub use rule::{FaultKind, FaultRule};
