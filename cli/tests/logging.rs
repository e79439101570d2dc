//! `-v` and `RUST_LOG` show the library's request spans and retry notices on
//! stderr, never the API key; without either, nothing but warnings.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::assert::OutputAssertExt;
use checkly_mock::{FaultKind, FaultRule};
use common::{Mock, stderr, stdout};

#[test]
fn verbose_trace_shows_requests_and_retries_but_never_the_key() {
    let mock = Mock::start(100.0);
    // One 429 first, to see the retry notice.
    mock.server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 429,
            retry_after: Some("0".into()),
        })
        .on("GET", "/v1/test-sessions")
        .times(1),
    );
    let run = mock
        .cmd(&["-v", "test-sessions", "list"])
        .env("RUST_LOG", "trace")
        .assert()
        .code(0);
    let (out, err) = (stdout(&run), stderr(&run));
    let key = mock.server.api_key();
    assert!(!key.is_empty());
    assert!(!err.contains(key) && !out.contains(key), "{err}");
    assert!(err.contains("checkly.request"), "{err}");
    assert!(err.contains("status=200"), "{err}");
    assert!(
        err.contains("retrying") && err.contains("status=429"),
        "{err}"
    );
}

#[test]
fn verbose_alone_shows_the_library_at_debug() {
    let mock = Mock::start(100.0);
    let run = mock.run(&["-v", "test-sessions", "list"]).code(0);
    let err = stderr(&run);
    assert!(err.contains("checkly.request"), "{err}");
    assert!(err.contains("method=GET"), "{err}");
    assert!(!err.contains(mock.server.api_key()), "{err}");
}

#[test]
fn without_verbose_no_request_lines() {
    let mock = Mock::start(100.0);
    let run = mock.run(&["test-sessions", "list"]).code(0);
    let err = stderr(&run);
    assert!(!err.contains("checkly.request"), "{err}");
}

#[test]
fn a_rate_limit_says_so_on_stderr_without_verbose() {
    let mock = Mock::start(100.0);
    mock.server.add_fault(
        FaultRule::new(FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
        })
        .on("GET", "/v1/test-sessions")
        .times(1),
    );
    let run = mock.run(&["test-sessions", "list"]).code(0);
    let err = stderr(&run);
    let notice = err
        .lines()
        .find(|l| l.contains("rate limited by the Checkly API"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(notice.contains("waiting 1.0 s as it asked"), "{notice}");
    // One plain line: no time stamp, no module path.
    assert!(notice.trim_start().starts_with("WARN"), "{notice}");
    assert!(!notice.contains("checkly::"), "{notice}");
    assert_eq!(mock.received_matching("GET", "/v1/test-sessions").len(), 2);
}
