//! Property-based fuzzing of the response decoders (and the request
//! validators), on stable Rust with proptest. Run long with
//! `cargo xtask fuzz --cases N`; `cargo test` runs each target
//! [`CHECKLY_FUZZ_CASES`](checkly_mock::fuzz_support::cases) times (default 256).
//!
//! The properties, for every type: decoding arbitrary bytes, arbitrary JSON
//! or a mutated valid body returns `Ok` or `Err` and never panics; whatever
//! decodes encodes again, decodes back to an equal value, and its verdict
//! and checks (for session types) are computed without panicking.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Debug;

use checkly::SessionVerdict;
use checkly::types::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use checkly_mock::fuzz_support::{config, fuzz_input, mutated_input};
use common::{CHECK_ID, CHECK_SESSION_ID, RESULT_ID, SESSION_ID, check_session, result, session};

/// Decodes `bytes` as `T`; if it decodes, it encodes again and decodes
/// back to an equal value.
///
/// Equality is checked through a `serde_json::Value`: through text, serde_json
/// (without its `float_roundtrip` feature) may parse a float one ulp off,
/// e.g. `3.1929339388075438e-254` (found by `mutated::fuzz_result_detail`),
/// so the text round trip is only required to decode.
fn decodes<T>(bytes: &[u8]) -> Result<Option<T>, TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return Ok(None);
    };
    let encoded = serde_json::to_value(&value)
        .map_err(|e| TestCaseError::fail(format!("decoded but does not encode: {e}")))?;
    let again: T = serde_json::from_value(encoded.clone())
        .map_err(|e| TestCaseError::fail(format!("{encoded} does not decode again: {e}")))?;
    prop_assert_eq!(&again, &value, "round trip through {}", encoded);
    text_decodes::<T>(&value)?;
    Ok(Some(value))
}

/// `value`, printed, decodes again.
fn text_decodes<T: DeserializeOwned + Serialize>(value: &T) -> Result<(), TestCaseError> {
    let text = serde_json::to_string(value)
        .map_err(|e| TestCaseError::fail(format!("decoded but does not print: {e}")))?;
    serde_json::from_str::<T>(&text)
        .map_err(|e| TestCaseError::fail(format!("{text} does not decode again: {e}")))?;
    Ok(())
}

/// [`decodes`] for types without `PartialEq`: the encodings are compared.
fn decodes_encoded<T>(bytes: &[u8]) -> Result<Option<T>, TestCaseError>
where
    T: DeserializeOwned + Serialize,
{
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return Ok(None);
    };
    let first = serde_json::to_value(&value)
        .map_err(|e| TestCaseError::fail(format!("decoded but does not encode: {e}")))?;
    let again: T = serde_json::from_value(first.clone())
        .map_err(|e| TestCaseError::fail(format!("{first} does not decode again: {e}")))?;
    prop_assert_eq!(serde_json::to_value(&again).unwrap(), first);
    text_decodes::<T>(&value)?;
    Ok(Some(value))
}

/// [`decodes`], then the verdict and checks of whatever decoded.
fn session_decodes<T>(bytes: &[u8]) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug + SessionVerdict,
{
    if let Some(value) = decodes::<T>(bytes)? {
        let verdict = value.verdict();
        let checks = value.checks();
        let _ = (verdict.passed(), verdict.to_string(), value.passed());
        for check in &checks {
            let _ = (check.verdict.to_string(), check.attempts.len(), &check.name);
        }
    }
    Ok(())
}

fn test_session_samples() -> Vec<Value> {
    let mut with_attempts = session("FAILED");
    let mut attempt = result("FAILED");
    attempt["resultType"] = json!("ATTEMPT");
    with_attempts["results"]
        .as_array_mut()
        .unwrap()
        .push(attempt);
    with_attempts["metadata"] = json!({"environment": "production", "branchName": "main"});
    [
        "RUNNING",
        "PASSED",
        "FAILED",
        "DEGRADED",
        "CANCELLED",
        "TIMED_OUT",
    ]
    .into_iter()
    .map(session)
    .chain([with_attempts])
    .collect()
}

/// The completion endpoint's sessions have stopped.
fn finished_test_session_samples() -> Vec<Value> {
    let mut samples = test_session_samples();
    samples.retain(|s| s.get("stoppedAt").is_some());
    samples
}

fn check_session_samples() -> Vec<Value> {
    ["STARTED", "PROGRESS", "PASSED", "FAILED", "DEGRADED"]
        .into_iter()
        .map(check_session)
        .collect()
}

fn list_samples() -> Vec<Value> {
    let entry = json!({
        "id": SESSION_ID,
        "accountId": "11111111-1111-4111-8111-111111111111",
        "name": "Deploy 1",
        "provider": "GITHUB",
        "region": "eu-central-1",
        "startedAt": "2026-11-23T10:00:00Z",
        "created_at": "2026-11-23T10:00:00Z",
        "stoppedAt": "2026-11-23T10:01:00Z",
        "status": "FAILED",
        "passed": [CHECK_ID],
        "branchName": "main",
        "commitId": "0123456789abcdef",
        "commitOwner": "octocat",
        "commitMessage": "Fix the thing",
        "invoker": {"name": "Octo Cat", "picture": null}
    });
    vec![
        json!({"length": 1, "entries": [entry], "nextId": "c_1"}),
        json!({"length": 0, "entries": []}),
    ]
}

fn result_detail_samples() -> Vec<Value> {
    let mut detail = result("FAILED");
    let extra = json!({
        "id": RESULT_ID, "attempts": 2, "sequenceId": null, "traceId": null,
        "isCancelled": false, "overMaxResponseTime": false,
        "created_at": "2025-08-28T18:23:40.262Z",
        "apiCheckResult": {
            "requestError": "connect ECONNREFUSED 10.0.0.1:443",
            "assertions": [{"source": "STATUS_CODE", "target": "200", "actual": "503"}],
            "request": {"method": "GET"}, "response": {"status": 503},
            "jobLog": [{"msg": "starting"}]
        },
        "browserCheckResult": null
    });
    for (key, value) in extra.as_object().unwrap() {
        detail[key] = value.clone();
    }
    // A browser check: script errors and a job log in phases.
    let mut browser = detail.clone();
    browser["checkType"] = json!("BROWSER");
    browser["apiCheckResult"] = Value::Null;
    browser["browserCheckResult"] = json!({
        "errors": [{"message": "Timeout 30000ms exceeded", "stack": "at login.spec.ts:12"}, "plain"],
        "pages": [], "playwrightTestTraces": [], "playwrightTestVideos": [], "traceSummary": {},
        "jobLog": {"setup": ["a"], "request": [{"time": 1_777_636_801_250_i64, "level": "ERROR", "msg": "b"}]}
    });
    vec![detail, browser]
}

fn asset_samples() -> Vec<Value> {
    let asset = json!({
        "type": "screenshot", "name": "shot.png", "contentType": "image/png",
        "url": "https://assets.example/shot.png",
        "source": {"type": "test-session-result", "testSessionId": SESSION_ID, "resultId": RESULT_ID}
    });
    vec![
        json!({"assets": [asset], "truncated": false, "entriesReturned": 1, "entriesTotal": 1}),
        json!({"assets": [], "truncated": true}),
    ]
}

fn error_group_samples() -> Vec<Value> {
    vec![json!({
        "id": "00000000-0000-4000-8000-000000000001",
        "errorHash": "hash1",
        "cleanedErrorMessage": "Timeout exceeded",
        "rawErrorMessage": "Timeout 30000ms exceeded",
        "firstSeen": "2026-11-01T10:00:00Z",
        "lastSeen": "2026-11-30T10:00:00Z",
        "archivedUntilNextEvent": false,
        "environments": ["production"],
        "pwtMetadata": null,
        "rootCauseAnalyses": []
    })]
}

fn api_error_samples() -> Vec<Value> {
    vec![
        json!({"statusCode": 400, "error": "Bad Request", "message": "name is required"}),
        json!({"statusCode": 429, "error": "Too Many Requests", "message": "slow down"}),
    ]
}

fn retry_strategy_samples() -> Vec<Value> {
    vec![
        json!({"type": "LINEAR", "maxRetries": 3, "baseBackoffSeconds": 30, "maxDurationSeconds": 600, "sameRegion": true, "onlyOn": ["NETWORK_ERROR"]}),
        json!({"type": "SINGLE_RETRY", "baseBackoffSeconds": 5, "sameRegion": false}),
        json!({"type": "EXPONENTIAL"}),
        Value::Null,
    ]
}

fn environment_variable_samples() -> Vec<Value> {
    vec![
        json!({"key": "API_URL", "value": "https://example.com", "locked": false}),
        json!({"key": "TOKEN", "value": "s3cr3t", "secret": true}),
        json!({"key": "TOKEN", "value": null, "secret": true, "locked": true}),
    ]
}

fn trigger_request_samples() -> Vec<Value> {
    vec![
        json!({
            "name": "Deploy 42", "runLocation": "eu-central-1",
            "target": {"matchTags": [["production", "!slow"]], "checkId": [CHECK_ID]},
            "environmentVariables": environment_variable_samples(),
            "retryStrategy": retry_strategy_samples()[0],
            "refreshCache": true,
            "metadata": {"environment": "production", "branchName": "main", "commitId": "abc"}
        }),
        json!({"name": "x", "runLocation": "us-east-1"}),
    ]
}

fn check_trigger_samples() -> Vec<Value> {
    vec![
        json!({"target": {"matchTags": [["production"]], "checkId": [CHECK_SESSION_ID]}, "refreshCache": true}),
        json!({}),
    ]
}

/// The seeds of every mutated target, each decoding as its type.
#[test]
fn seeds_decode() {
    fn all<T: DeserializeOwned>(values: Vec<Value>) {
        for value in values {
            if let Err(e) = serde_json::from_value::<T>(value.clone()) {
                panic!(
                    "{} does not decode {value}: {e}",
                    std::any::type_name::<T>()
                );
            }
        }
    }
    all::<FindOneTestSessionResponse>(test_session_samples());
    all::<AwaitTestSessionCompletionResponse>(finished_test_session_samples());
    all::<TriggerTestSessionResponse>(test_session_samples());
    all::<ListTestSessionsResponse>(list_samples());
    all::<FindOneTestSessionResultResponse>(result_detail_samples());
    all::<AssetManifest>(asset_samples());
    all::<TestSessionErrorGroup>(error_group_samples());
    all::<CheckSessionsV2FindOneResponse>(check_session_samples());
    all::<CheckSessionsV2CompletionResponse>(check_session_samples());
    all::<FindOneCheckSessionResponse>(check_session_samples());
    all::<CheckSessionsV2TriggerResponse>(vec![json!({"sessions": check_session_samples()})]);
    all::<TriggerCheckSessionResponse>(vec![json!({"sessions": check_session_samples()})]);
    all::<ApiError>(api_error_samples());
    all::<RetryStrategy>(retry_strategy_samples());
    all::<EnvironmentVariable>(environment_variable_samples());
    all::<TriggerTestSessionRequest>(trigger_request_samples());
    all::<CheckSessionsV2TriggerRequest>(check_trigger_samples());
    all::<TriggerCheckSessionRequestPayload>(check_trigger_samples());
}

fn error_groups(bytes: &[u8]) -> Result<(), TestCaseError> {
    decodes::<TestSessionErrorGroup>(bytes)?;
    decodes::<Vec<TestSessionErrorGroup>>(bytes)?;
    Ok(())
}

fn check_sessions_v2_trigger(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(response) = decodes::<CheckSessionsV2TriggerResponse>(bytes)? {
        for session in &response.sessions {
            let _ = (session.verdict(), session.checks());
        }
    }
    Ok(())
}

fn trigger_request(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(request) = decodes::<TriggerTestSessionRequest>(bytes)? {
        let _ = request.validate();
    }
    Ok(())
}

fn check_trigger_request(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(request) = decodes::<CheckSessionsV2TriggerRequest>(bytes)? {
        let _ = request.validate();
    }
    if let Some(request) = decodes::<TriggerCheckSessionRequestPayload>(bytes)? {
        let _ = request.validate();
    }
    Ok(())
}

/// [`decodes`], then what [`checkly::Failure`] reads from whatever decoded.
fn result_detail(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(detail) = decodes::<FindOneTestSessionResultResponse>(bytes)? {
        let failure = checkly::Failure::of(&detail);
        let _ = (
            failure.headline(),
            failure.is_empty(),
            failure.log_tail(5).len(),
        );
        for assertion in &failure.failed_assertions {
            let _ = assertion.to_string();
        }
        for line in &failure.log {
            let _ = line.to_string();
        }
    }
    Ok(())
}

/// [`decodes_encoded`], then what [`checkly::Failure`] reads from a check result.
fn check_result(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(result) = decodes_encoded::<CheckResult>(bytes)? {
        let failure = checkly::Failure::of_check_result(&result);
        let _ = (failure.headline(), failure.log_tail(5).len());
    }
    Ok(())
}

fn check_result_samples() -> Vec<Value> {
    vec![json!({
        "id": RESULT_ID, "name": "API", "checkId": CHECK_ID, "hasFailures": true,
        "hasErrors": true, "isDegraded": false, "isCancelled": false,
        "runLocation": "eu-central-1", "resultType": "FINAL", "traceId": null,
        "attempts": 1, "errorGroupIds": [],
        "apiCheckResult": {
            "requestError": null,
            "assertions": [{"source": "STATUS_CODE", "target": "200", "actual": 503, "passed": false}],
            "request": {"method": "GET", "url": "https://x.test"},
            "response": {"status": 503, "headers": {"a": "b"}, "timings": null},
            "jobLog": {"request": [{"time": 1, "level": "ERROR", "msg": "boom"}]}
        },
        "agenticCheckResult": {"assertions": [{"condition": "ok", "passed": false}],
            "steps": [{"type": "tool_call", "name": "open", "sequenceNumber": 1}]}
    })]
}

fn sessions_of(values: Vec<Value>) -> Vec<Value> {
    vec![json!({ "sessions": values })]
}

/// Two targets per entry: `arbitrary::NAME` (arbitrary bytes and JSON,
/// printed with the seeds' keys and strings in the mix) and `mutated::NAME`
/// (the seeds, mutated and truncated).
macro_rules! targets {
    ($($name:ident: $check:expr, $seeds:expr;)+) => {
        mod arbitrary {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                $(
                    #[test]
                    fn $name(input in fuzz_input(&$seeds)) {
                        ($check)(&input)?;
                    }
                )+
            }
        }
        mod mutated {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                $(
                    #[test]
                    fn $name(input in mutated_input($seeds)) {
                        ($check)(&input)?;
                    }
                )+
            }
        }
    };
}

targets! {
    fuzz_find_one_test_session: session_decodes::<FindOneTestSessionResponse>, test_session_samples();
    fuzz_await_test_session: session_decodes::<AwaitTestSessionCompletionResponse>, finished_test_session_samples();
    fuzz_trigger_test_session: session_decodes::<TriggerTestSessionResponse>, test_session_samples();
    fuzz_list_test_sessions: decodes::<ListTestSessionsResponse>, list_samples();
    fuzz_result_detail: result_detail, result_detail_samples();
    fuzz_asset_manifest: decodes::<AssetManifest>, asset_samples();
    fuzz_check_result: check_result, check_result_samples();
    fuzz_error_group: error_groups, error_group_samples();
    fuzz_check_session_v2_find_one: session_decodes::<CheckSessionsV2FindOneResponse>, check_session_samples();
    fuzz_check_session_v2_completion: session_decodes::<CheckSessionsV2CompletionResponse>, check_session_samples();
    fuzz_check_session_v2_trigger: check_sessions_v2_trigger, sessions_of(check_session_samples());
    fuzz_find_one_check_session: decodes::<FindOneCheckSessionResponse>, check_session_samples();
    fuzz_trigger_check_session: decodes::<TriggerCheckSessionResponse>, sessions_of(check_session_samples());
    fuzz_api_error: decodes::<ApiError>, api_error_samples();
    fuzz_retry_strategy: decodes::<RetryStrategy>, retry_strategy_samples();
    fuzz_environment_variable: decodes_encoded::<EnvironmentVariable>, environment_variable_samples();
    fuzz_trigger_request: trigger_request, trigger_request_samples();
    fuzz_check_trigger_request: check_trigger_request, check_trigger_samples();
}
