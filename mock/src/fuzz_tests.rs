//! Property-based fuzzing of the mock's request validation (`cargo xtask
//! fuzz`): on arbitrary and mutated bodies and query strings, each validator
//! returns `Ok` or a 400 and never panics. `CHECKLY_FUZZ_CASES` cases per
//! target (default 256).
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::fuzz_support::{config, fuzz_input, mutated_input};
use crate::listing::ListQuery;
use crate::query::QueryParams;
use crate::validation;

const CHECK_ID: &str = "a4cd4ad9-4815-4a9e-92d2-0a7c562ee69a";

fn trigger_samples() -> Vec<Value> {
    vec![
        json!({
            "name": "Deploy 42", "runLocation": "eu-central-1",
            "target": {"matchTags": [["production", "!slow"]], "checkId": [CHECK_ID]},
            "environmentVariables": [
                {"key": "API_URL", "value": "https://example.com", "locked": false},
                {"key": "TOKEN", "value": "s3cr3t", "secret": true}
            ],
            "retryStrategy": {"type": "LINEAR", "maxRetries": 3, "baseBackoffSeconds": 30,
                "maxDurationSeconds": 600, "sameRegion": true, "onlyOn": ["NETWORK_ERROR"]},
            "refreshCache": true,
            "metadata": {"environment": "production", "repoUrl": "https://github.com/o/r",
                "commitId": "abc", "commitOwner": "octocat", "commitMessage": "m", "branchName": "main"}
        }),
        json!({"name": "x", "runLocation": "us-east-1", "retryStrategy": {"type": "SINGLE_RETRY"}}),
    ]
}

fn check_trigger_samples() -> Vec<Value> {
    vec![
        json!({"target": {"matchTags": [["production"]], "checkId": [CHECK_ID]}, "refreshCache": false}),
        json!({}),
    ]
}

fn cancel_samples() -> Vec<Value> {
    vec![json!({"sequenceId": [CHECK_ID]}), json!({})]
}

fn bodies(bytes: &[u8]) {
    if let Err(e) = validation::test_session_trigger(bytes) {
        let _ = format!("{e:?}");
    }
    let _ = validation::check_session_trigger(bytes);
    let _ = validation::cancel(bytes);
}

/// Query strings of the parameters the mock reads, with percent escapes,
/// brackets and numbers of every shape.
fn query() -> BoxedStrategy<String> {
    const PIECES: &[&str] = &[
        "&",
        "=",
        "+",
        "%",
        "%2",
        "%20",
        "%ZZ",
        "%C3%A9",
        "%FF",
        "%00",
        "[]",
        "[0]",
        "[",
        "]",
        "maxWaitSeconds",
        "limit",
        "page",
        "from",
        "to",
        "statuses",
        "type",
        "name",
        "nextId",
        "branch",
        "environment",
        "errorGroup",
        "30",
        "1",
        "0",
        "-1",
        "1e3",
        "1e309",
        "NaN",
        "inf",
        "0.0000001",
        "29.9999999999",
        "1.5",
        "+1",
        "-0",
        ".",
        "e",
        "9223372036854775808",
        "18446744073709551616",
        "c_",
        "c_12",
        "PASSED",
        "screenshot",
        "*",
        "?",
        "é",
    ];
    let piece = prop_oneof![
        5 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,4}",
    ];
    prop_oneof![
        5 => prop::collection::vec(piece, 0..24).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_test_session_trigger_arbitrary(body in fuzz_input(&trigger_samples())) {
        bodies(&body);
    }

    #[test]
    fn fuzz_test_session_trigger_mutated(body in mutated_input(trigger_samples())) {
        bodies(&body);
    }

    #[test]
    fn fuzz_check_session_trigger_mutated(body in mutated_input(check_trigger_samples())) {
        bodies(&body);
    }

    #[test]
    fn fuzz_cancel_mutated(body in mutated_input(cancel_samples())) {
        bodies(&body);
    }

    #[test]
    fn fuzz_query_validation(raw in query()) {
        let query = QueryParams::parse(&raw);
        for integer in [false, true] {
            if let Ok(wait) = validation::max_wait(&query, integer) {
                prop_assert!(wait.as_secs_f64() >= 1.0 && wait.as_secs_f64() <= 30.0);
            }
        }
        let _ = validation::asset_query(&query);
        if let Ok((limit, page)) = validation::error_group_page(&query) {
            prop_assert!((1..=100).contains(&limit) && page >= 1);
        }
        let _ = ListQuery::parse(&query);
        for id in [query.get("nextId"), query.get("name")].into_iter().flatten() {
            let _ = (validation::parse_uuid(id), crate::listing::decode_cursor(id));
        }
    }
}
