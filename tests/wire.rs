//! The wire forms of requests and the decoding of responses the spec does not
//! fully know yet.
#![allow(clippy::unwrap_used)]

mod common;

use checkly::types::{
    BackoffRetry, CheckType, EnvironmentVariable, FindOneTestSessionResponse, RetryCondition,
    RetryStrategy, SingleRetry, TestSessionStatus, TriggerTestSessionRequest,
};
use serde_json::{Value, json};

fn request_with(strategy: Option<RetryStrategy>, vars: Vec<EnvironmentVariable>) -> Value {
    let mut request = TriggerTestSessionRequest::new("Deploy 42", "eu-central-1");
    request.retry_strategy = strategy;
    request.environment_variables = vars;
    serde_json::to_value(&request).unwrap()
}

fn backoff() -> BackoffRetry {
    BackoffRetry {
        base_backoff_seconds: Some(30.0),
        same_region: Some(false),
        only_on: Some(vec![RetryCondition::NetworkError]),
        max_retries: Some(3),
        max_duration_seconds: Some(300),
    }
}

#[test]
fn retry_strategy_variants() {
    let variants = [
        ("fixed", Some(RetryStrategy::Fixed(backoff()))),
        (
            "linear",
            Some(RetryStrategy::Linear(BackoffRetry {
                max_retries: Some(2),
                ..Default::default()
            })),
        ),
        ("exponential", Some(RetryStrategy::Exponential(backoff()))),
        (
            "single_retry",
            Some(RetryStrategy::SingleRetry(SingleRetry {
                base_backoff_seconds: Some(60.0),
                same_region: Some(true),
                only_on: Some(vec![]),
            })),
        ),
        ("no_retries", Some(RetryStrategy::NoRetries)),
        ("none", None),
    ];
    for (name, strategy) in variants {
        let wire = request_with(strategy.clone(), vec![]);
        insta::assert_json_snapshot!(format!("retry_strategy_{name}"), wire);
        let back: TriggerTestSessionRequest = serde_json::from_value(wire).unwrap();
        if strategy == Some(RetryStrategy::NoRetries) {
            // serde reads a `null` field as `None`: the request means the same.
            assert_eq!(back.retry_strategy, None);
        } else {
            // What goes out comes back as the same value.
            assert_eq!(back.retry_strategy, strategy);
        }
    }
    assert_eq!(
        serde_json::from_str::<RetryStrategy>("null").unwrap(),
        RetryStrategy::NoRetries
    );
}

#[test]
fn retry_strategy_rejects_what_the_spec_does_not_allow() {
    let bad = json!({"name": "n", "runLocation": "l", "retryStrategy": {"type": "NOPE"}});
    assert!(serde_json::from_value::<TriggerTestSessionRequest>(bad).is_err());
    let null = json!({"name": "n", "runLocation": "l", "retryStrategy": null});
    let parsed: TriggerTestSessionRequest = serde_json::from_value(null).unwrap();
    assert_eq!(parsed.retry_strategy, None);
}

#[test]
fn environment_variable_variants() {
    let vars = vec![
        EnvironmentVariable::plain("ENVIRONMENT_URL", "https://preview.example.com"),
        EnvironmentVariable::plain("DEBUG", "1").locked(true),
        EnvironmentVariable::secret("PASSWORD", "hunter2").locked(true),
        EnvironmentVariable::Secret {
            key: "INHERITED".into(),
            value: None,
            locked: false,
        },
    ];
    let wire = request_with(None, vars.clone());
    insta::assert_json_snapshot!("environment_variables", wire["environmentVariables"]);
    let back: TriggerTestSessionRequest = serde_json::from_value(wire).unwrap();
    assert_eq!(back.environment_variables, vars);
}

#[test]
fn environment_variables_decode_both_shapes() {
    let plain: EnvironmentVariable =
        serde_json::from_value(json!({"key": "A", "value": "x", "secret": false})).unwrap();
    assert_eq!(plain, EnvironmentVariable::plain("A", "x"));
    let secret: EnvironmentVariable =
        serde_json::from_value(json!({"key": "S", "value": "y", "secret": true})).unwrap();
    assert!(secret.is_secret());
    let error = serde_json::from_value::<EnvironmentVariable>(json!({"key": "A", "value": null}))
        .unwrap_err();
    assert!(error.to_string().contains("not secret"), "{error}");
}

#[test]
fn secrets_never_show_in_debug() {
    let mut request = TriggerTestSessionRequest::new("n", "l");
    request.environment_variables = vec![EnvironmentVariable::secret("PASSWORD", "hunter2")];
    let shown = format!("{request:?} {request:#?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("PASSWORD"));
}

#[test]
fn unknown_enum_values_and_fields_decode_and_are_kept() {
    let mut body = common::session("PASSED");
    body["status"] = json!("QUEUED");
    body["results"][0]["checkType"] = json!("QUANTUM");
    body["results"][0]["resultType"] = json!("SCHEDULED");
    body["metadata"] =
        json!({"environment": "prod", "github": {"reporting": true, "runId": "42", "newKey": 1}});
    body["someFutureField"] = json!({"nested": true});
    let session: FindOneTestSessionResponse = serde_json::from_value(body).unwrap();
    assert_eq!(session.status, TestSessionStatus::Unknown("QUEUED".into()));
    assert!(!session.status.is_known());
    assert_eq!(
        session.results[0].check_type,
        CheckType::Unknown("QUANTUM".into())
    );
    assert_eq!(session.results[0].check_type.as_str(), "QUANTUM");
    // Re-encoding keeps the unknown values as they came.
    let again = serde_json::to_value(&session).unwrap();
    assert_eq!(again["status"], "QUEUED");
    assert_eq!(again["results"][0]["checkType"], "QUANTUM");
    assert_eq!(again["results"][0]["resultType"], "SCHEDULED");
}

#[test]
fn known_enum_values_map_to_variants() {
    for wire in CheckType::KNOWN {
        let value: CheckType = serde_json::from_value(json!(wire)).unwrap();
        assert!(value.is_known(), "{wire}");
        assert_eq!(value.to_string(), *wire);
    }
    assert_eq!(
        "MULTI_STEP".parse::<CheckType>().unwrap(),
        CheckType::MultiStep
    );
}
