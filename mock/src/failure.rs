//! Why a check's runs fail: the error each check reports, in the words a
//! real run would use. The demo's failing checks have their own story; any
//! other check fails with an error typical of its check type, named after
//! the check. The same check always reports the same error, so its error
//! group (and the group's hash) stays the same across sessions.

use uuid::Uuid;

use crate::catalog::demo_check_id;

/// What goes wrong in a failed run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// An HTTP request answered, but an assertion on it failed.
    Assertion {
        /// The status the endpoint answered.
        status: u16,
        /// Its reason phrase.
        status_text: &'static str,
        /// The response body.
        body: String,
    },
    /// The request never got an answer (`requestError`).
    Request,
    /// A script (browser, multi-step, Playwright, agentic) threw.
    Script {
        /// The error's stack trace, first line excluded.
        stack: String,
    },
    /// A check without a script or request detail (TCP, ICMP, DNS, heartbeat).
    Probe,
}

/// The error a failing check reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The message as the run reports it (`rawErrorMessage`, `errors[].message`).
    pub message: String,
    /// What kind of failure it is, with its details.
    pub kind: FailureKind,
    /// The request the check makes, `METHOD URL` (API-like checks).
    pub request: Option<(&'static str, String)>,
}

/// The check a result belongs to, as a run knows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckRef<'a> {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: &'a str,
    /// Its check type.
    pub check_type: &'a str,
}

/// A lower-case, dash-separated form of a check name, for URLs and files.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("check");
    }
    out
}

/// The message with its run-specific numbers taken out, as error groups
/// show it (`cleanedErrorMessage`): every run of digits becomes `<num>`.
pub(crate) fn cleaned(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str("<num>");
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// The URL an API-like check calls.
pub(crate) fn endpoint(check: CheckRef<'_>) -> String {
    if check.id == demo_check_id(8) {
        "https://staging-api.acme.test/v1/search?q=shoes".to_owned()
    } else if check.id == demo_check_id(10) {
        "https://staging-api.acme.test/v1/payments/health".to_owned()
    } else {
        format!("https://api.acme.test/{}", slug(check.name))
    }
}

/// The error `check` fails with.
pub(crate) fn failure(check: CheckRef<'_>) -> Failure {
    let slug = slug(check.name);
    let api_request = || Some(("GET", endpoint(check)));
    if check.id == demo_check_id(8) {
        return Failure {
            message: "Assertion failed: expected status code to equal 200, but got 503".to_owned(),
            kind: FailureKind::Assertion {
                status: 503,
                status_text: "Service Unavailable",
                body: r#"{"error":"search index unavailable","retryable":true}"#.to_owned(),
            },
            request: api_request(),
        };
    }
    if check.id == demo_check_id(10) {
        return Failure {
            message: "connect ETIMEDOUT 10.20.4.17:443".to_owned(),
            kind: FailureKind::Request,
            request: api_request(),
        };
    }
    if check.id == demo_check_id(12) {
        return Failure {
            message: "Ping to legacy.acme.test failed: 4 of 4 packets lost (100% packet loss)"
                .to_owned(),
            kind: FailureKind::Probe,
            request: None,
        };
    }
    match check.check_type {
        "API" | "URL" => Failure {
            message: "Assertion failed: expected status code to equal 200, but got 500".to_owned(),
            kind: FailureKind::Assertion {
                status: 500,
                status_text: "Internal Server Error",
                body: r#"{"error":"internal error"}"#.to_owned(),
            },
            request: api_request(),
        },
        "BROWSER" => Failure {
            message: format!(
                "TimeoutError: locator.click: Timeout 30000ms exceeded waiting for locator('[data-test=\"{slug}-submit\"]')"
            ),
            kind: FailureKind::Script {
                stack: format!(
                    "    at /check/{slug}.spec.js:18:35\n    at async Runner.run (/runner/index.js:112:7)"
                ),
            },
            request: None,
        },
        "MULTI_STEP" => Failure {
            message: "Error: Request failed with status code 502 in step 2 (POST /cart/checkout)"
                .to_owned(),
            kind: FailureKind::Script {
                stack: format!(
                    "    at /check/{slug}.spec.js:27:11\n    at async Runner.run (/runner/index.js:112:7)"
                ),
            },
            request: None,
        },
        "PLAYWRIGHT" => Failure {
            message: "Error: expect(page).toHaveTitle(expected) failed: expected \"Storefront\", received \"502 Bad Gateway\"".to_owned(),
            kind: FailureKind::Script {
                stack: format!(
                    "    at /tests/{slug}.spec.ts:42:24\n    at async TestRunner.run (/runner/pw.js:88:5)"
                ),
            },
            request: None,
        },
        "AGENTIC" => Failure {
            message: "Assertion not met: the order confirmation page should show an order number"
                .to_owned(),
            kind: FailureKind::Script {
                stack: "    at step 4 (verify confirmation)".to_owned(),
            },
            request: None,
        },
        "TCP" => Failure {
            message: format!("connect ECONNREFUSED {slug}.acme.test:5432"),
            kind: FailureKind::Probe,
            request: None,
        },
        "ICMP" => Failure {
            message: format!(
                "Ping to {slug}.acme.test failed: 4 of 4 packets lost (100% packet loss)"
            ),
            kind: FailureKind::Probe,
            request: None,
        },
        "DNS" => Failure {
            message: format!("DNS lookup of {slug}.acme.test failed: NXDOMAIN"),
            kind: FailureKind::Probe,
            request: None,
        },
        _ => Failure {
            message: "No ping received within the expected period of 24 hours (grace 30 minutes)"
                .to_owned(),
            kind: FailureKind::Probe,
            request: None,
        },
    }
}

/// Why a degraded run that took `ms` simulated milliseconds was degraded:
/// it was over a threshold of three quarters of that, rounded down to 100 ms.
pub(crate) fn degradation(check: CheckRef<'_>, ms: u64) -> String {
    let threshold = ms * 3 / 4 / 100 * 100;
    match check.check_type {
        "API" | "URL" => {
            format!("Response time {ms} ms is over the degraded threshold of {threshold} ms")
        }
        _ => format!("Page load took {ms} ms, over the degraded threshold of {threshold} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(n: u16, name: &'static str, check_type: &'static str) -> Failure {
        failure(CheckRef {
            id: demo_check_id(n),
            name,
            check_type,
        })
    }

    #[test]
    fn demo_checks_have_their_own_errors() {
        let search = demo(8, "Staging search API", "API");
        assert!(search.message.contains("got 503"));
        assert!(matches!(
            search.kind,
            FailureKind::Assertion { status: 503, .. }
        ));
        let payments = demo(10, "Payments API", "API");
        assert_eq!(payments.message, "connect ETIMEDOUT 10.20.4.17:443");
        assert_eq!(payments.kind, FailureKind::Request);
        assert!(
            demo(12, "Legacy ping", "ICMP")
                .message
                .contains("100% packet loss")
        );
    }

    #[test]
    fn every_type_fails_somehow() {
        for t in crate::catalog::CHECK_TYPES {
            let f = failure(CheckRef {
                id: Uuid::nil(),
                name: "My Check!",
                check_type: t,
            });
            assert!(!f.message.is_empty(), "{t}");
        }
        assert_eq!(slug("My Check! (v2)"), "my-check-v2");
        assert_eq!(slug("!!"), "check");
        assert_eq!(
            cleaned("connect ETIMEDOUT 10.20.4.17:443"),
            "connect ETIMEDOUT <num>.<num>.<num>.<num>:<num>"
        );
    }
}
