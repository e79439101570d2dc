//! Request validation against the spec's rules. Every rejection is a 400
//! `ApiError` whose message starts with the offending field's path, e.g.
//! `retryStrategy.maxRetries must be <= 10`. Unknown fields are ignored.

use std::time::Duration;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::assets::ASSET_TYPES;
use crate::error::ApiError;
use crate::matching::Target;
use crate::query::QueryParams;
use crate::wire::Metadata;

/// A valid `TriggerTestSessionRequest`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TestSessionTrigger {
    /// `name`.
    pub name: String,
    /// `runLocation`.
    pub run_location: String,
    /// `target`, if given (and not null).
    pub target: Option<Target>,
    /// Retries per failed run, from `retryStrategy`.
    pub retries: u32,
    /// `metadata`, if given.
    pub metadata: Option<Metadata>,
}

/// A valid `TriggerCheckSessionsRequest`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckSessionTrigger {
    /// `target`, if given (and not null).
    pub target: Option<Target>,
}

/// A valid `CancelTestSessionRequest`: `None` cancels every running result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CancelRequest {
    /// `sequenceId`.
    pub sequence_ids: Option<Vec<Uuid>>,
}

type Obj = Map<String, Value>;

/// 400 with this message.
pub(crate) fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
}

/// Parses a JSON object body; an empty body is an empty object.
pub(crate) fn object_body(bytes: &[u8]) -> Result<Obj, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Obj::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad("body must be a JSON object")),
        Err(e) => Err(bad(format!("body is not valid JSON: {e}"))),
    }
}

/// A UUID in the hyphenated form the spec's `format: uuid` means.
pub(crate) fn parse_uuid(s: &str) -> Option<Uuid> {
    if s.len() != 36 {
        return None;
    }
    Uuid::try_parse(s).ok()
}

/// A path parameter that must be a UUID.
pub(crate) fn path_uuid(s: &str, name: &str) -> Result<Uuid, ApiError> {
    parse_uuid(s).ok_or_else(|| bad(format!("{name} must be a UUID")))
}

/// The long poll's `maxWaitSeconds`: a number (an integer, for v2 check
/// sessions) from 1 to 30, 30 when absent.
pub(crate) fn max_wait(query: &QueryParams, integer: bool) -> Result<Duration, ApiError> {
    let Some(raw) = query.get("maxWaitSeconds") else {
        return Ok(Duration::from_secs(30));
    };
    let secs = if integer {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| bad("maxWaitSeconds must be an integer"))? as f64
    } else {
        parse_number(raw).ok_or_else(|| bad("maxWaitSeconds must be a number"))?
    };
    if secs < 1.0 {
        return Err(bad("maxWaitSeconds must be >= 1"));
    }
    if secs > 30.0 {
        return Err(bad("maxWaitSeconds must be <= 30"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A valid asset-manifest query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssetQuery {
    /// `type`, each one of [`ASSET_TYPES`] (empty: every type).
    pub types: Vec<String>,
    /// `name`, a glob.
    pub name: Option<String>,
}

/// Validates the asset manifest's `type` (repeatable) and `name` (at most
/// 200 characters).
pub(crate) fn asset_query(query: &QueryParams) -> Result<AssetQuery, ApiError> {
    let types = query
        .get_all("type")
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            if ASSET_TYPES.contains(&t) {
                Ok(t.to_owned())
            } else {
                Err(bad(format!(
                    "type[{i}] must be one of {}, not {t:?}",
                    ASSET_TYPES.join(", ")
                )))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let name = query.get("name").map(str::to_owned);
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(bad("name must be at most 200 characters long"));
    }
    Ok(AssetQuery { types, name })
}

/// The error-group list's `limit` (an integer from 1 to 100, default 10)
/// and `page` (a number > 0, default 1, rounded up) as `(limit, page)`.
pub(crate) fn error_group_page(query: &QueryParams) -> Result<(usize, usize), ApiError> {
    let limit = match query.get("limit") {
        None => 10,
        Some(raw) => {
            let n: i64 = raw
                .trim()
                .parse()
                .map_err(|_| bad("limit must be an integer"))?;
            if n < 1 {
                return Err(bad("limit must be >= 1"));
            }
            if n > 100 {
                return Err(bad("limit must be <= 100"));
            }
            // 1..=100 here.
            n as usize
        }
    };
    let page = match query.get("page") {
        None => 1,
        Some(raw) => {
            let n = parse_number(raw).ok_or_else(|| bad("page must be a number"))?;
            if n <= 0.0 {
                return Err(bad("page must be > 0"));
            }
            // Finite and positive; pages past usize::MAX saturate.
            n.ceil().min(usize::MAX as f64) as usize
        }
    };
    Ok((limit, page))
}

/// A finite decimal number.
pub(crate) fn parse_number(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    let looks_numeric = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if !looks_numeric {
        return None;
    }
    raw.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The field, treating JSON `null` as absent.
fn field<'a>(obj: &'a Obj, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn required_string(obj: &Obj, key: &str, path: &str) -> Result<String, ApiError> {
    match obj.get(key) {
        None => Err(bad(format!("{path} is required"))),
        Some(Value::String(s)) if s.is_empty() => Err(bad(format!("{path} must not be empty"))),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(format!("{path} must be a string"))),
    }
}

fn optional_bool(obj: &Obj, key: &str, path: &str) -> Result<Option<bool>, ApiError> {
    match field(obj, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(format!("{path} must be a boolean"))),
    }
}

fn optional_number(
    obj: &Obj,
    key: &str,
    path: &str,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<Option<f64>, ApiError> {
    let Some(value) = field(obj, key) else {
        return Ok(None);
    };
    let n = value
        .as_f64()
        .ok_or_else(|| bad(format!("{path} must be a number")))?;
    if let Some(min) = min
        && n < min
    {
        return Err(bad(format!("{path} must be >= {min}")));
    }
    if let Some(max) = max
        && n > max
    {
        return Err(bad(format!("{path} must be <= {max}")));
    }
    Ok(Some(n))
}

fn nullable_string(obj: &Obj, key: &str, path: &str) -> Result<Option<String>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{path} must be a string or null"))),
    }
}

fn as_object<'a>(value: &'a Value, path: &str) -> Result<&'a Obj, ApiError> {
    value
        .as_object()
        .ok_or_else(|| bad(format!("{path} must be an object")))
}

fn as_array<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, ApiError> {
    value
        .as_array()
        .ok_or_else(|| bad(format!("{path} must be an array")))
}

fn uuid_list(value: &Value, path: &str) -> Result<Vec<Uuid>, ApiError> {
    as_array(value, path)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .and_then(parse_uuid)
                .ok_or_else(|| bad(format!("{path}[{i}] must be a UUID")))
        })
        .collect()
}

/// `target` of either trigger; `allowDeactivated` is only read for test sessions.
fn target(value: &Value, read_allow_deactivated: bool) -> Result<Target, ApiError> {
    let obj = as_object(value, "target")?;
    let mut target = Target::default();
    if let Some(groups) = field(obj, "matchTags") {
        for (i, group) in as_array(groups, "target.matchTags")?.iter().enumerate() {
            let path = format!("target.matchTags[{i}]");
            let tags = as_array(group, &path)?
                .iter()
                .enumerate()
                .map(|(j, tag)| match tag {
                    Value::String(s) if s.is_empty() => {
                        Err(bad(format!("{path}[{j}] must not be empty")))
                    }
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(bad(format!("{path}[{j}] must be a string"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            target.match_tags.push(tags);
        }
    }
    if let Some(ids) = field(obj, "checkId") {
        target.check_ids = uuid_list(ids, "target.checkId")?;
    }
    if read_allow_deactivated {
        target.allow_deactivated =
            optional_bool(obj, "allowDeactivated", "target.allowDeactivated")?.unwrap_or(false);
    }
    Ok(target)
}

fn environment_variables(value: &Value) -> Result<(), ApiError> {
    let vars = as_array(value, "environmentVariables")?;
    if vars.len() > 50 {
        return Err(bad("environmentVariables must contain at most 50 items"));
    }
    for (i, var) in vars.iter().enumerate() {
        let path = format!("environmentVariables[{i}]");
        let obj = as_object(var, &path)?;
        required_string(obj, "key", &format!("{path}.key"))?;
        optional_bool(obj, "locked", &format!("{path}.locked"))?;
        let secret = optional_bool(obj, "secret", &format!("{path}.secret"))?.unwrap_or(false);
        let value_path = format!("{path}.value");
        match obj.get("value") {
            None => return Err(bad(format!("{value_path} is required"))),
            Some(_) if secret => {}
            Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {
                return Err(bad(format!("{value_path} must not be empty")));
            }
            Some(Value::String(_)) => {}
            Some(_) => return Err(bad(format!("{value_path} must be a string or null"))),
        }
    }
    Ok(())
}

/// The number of retries a `retryStrategy` allows (0 without one).
fn retry_strategy(value: &Value) -> Result<u32, ApiError> {
    let obj = as_object(value, "retryStrategy")?;
    let kind = match obj.get("type") {
        None | Some(Value::Null) => return Err(bad("retryStrategy.type is required")),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(bad("retryStrategy.type must be a string")),
    };
    optional_number(
        obj,
        "baseBackoffSeconds",
        "retryStrategy.baseBackoffSeconds",
        None,
        None,
    )?;
    optional_bool(obj, "sameRegion", "retryStrategy.sameRegion")?;
    if let Some(only_on) = field(obj, "onlyOn") {
        for (i, v) in as_array(only_on, "retryStrategy.onlyOn")?
            .iter()
            .enumerate()
        {
            if v.as_str() != Some("NETWORK_ERROR") {
                return Err(bad(format!(
                    "retryStrategy.onlyOn[{i}] must be one of NETWORK_ERROR"
                )));
            }
        }
    }
    match kind {
        "SINGLE_RETRY" => Ok(1),
        "FIXED" | "LINEAR" | "EXPONENTIAL" => {
            let max_retries = optional_number(
                obj,
                "maxRetries",
                "retryStrategy.maxRetries",
                Some(1.0),
                Some(10.0),
            )?
            .unwrap_or(2.0);
            optional_number(
                obj,
                "maxDurationSeconds",
                "retryStrategy.maxDurationSeconds",
                Some(0.0),
                Some(600.0),
            )?;
            // 1.0 <= max_retries <= 10.0 here.
            Ok(max_retries.floor() as u32)
        }
        _ => Err(bad(
            "retryStrategy.type must be one of FIXED, LINEAR, EXPONENTIAL, SINGLE_RETRY",
        )),
    }
}

fn metadata(value: &Value) -> Result<Metadata, ApiError> {
    let obj = as_object(value, "metadata")?;
    let environment = match field(obj, "environment") {
        None => None,
        Some(Value::String(s)) if s.is_empty() => {
            return Err(bad("metadata.environment must not be empty"));
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad("metadata.environment must be a string")),
    };
    Ok(Metadata {
        environment,
        repo_url: nullable_string(obj, "repoUrl", "metadata.repoUrl")?,
        commit_id: nullable_string(obj, "commitId", "metadata.commitId")?,
        commit_owner: nullable_string(obj, "commitOwner", "metadata.commitOwner")?,
        commit_message: nullable_string(obj, "commitMessage", "metadata.commitMessage")?,
        branch_name: nullable_string(obj, "branchName", "metadata.branchName")?,
    })
}

/// Validates `POST /v1/test-sessions/trigger`.
pub(crate) fn test_session_trigger(bytes: &[u8]) -> Result<TestSessionTrigger, ApiError> {
    let body = object_body(bytes)?;
    let name = required_string(&body, "name", "name")?;
    let run_location = required_string(&body, "runLocation", "runLocation")?;
    let target = field(&body, "target")
        .map(|t| target(t, true))
        .transpose()?;
    if let Some(vars) = field(&body, "environmentVariables") {
        environment_variables(vars)?;
    }
    let retries = field(&body, "retryStrategy")
        .map(retry_strategy)
        .transpose()?
        .unwrap_or(0);
    optional_bool(&body, "refreshCache", "refreshCache")?;
    let metadata = field(&body, "metadata").map(metadata).transpose()?;
    Ok(TestSessionTrigger {
        name,
        run_location,
        target,
        retries,
        metadata,
    })
}

/// Validates `POST /v1/check-sessions/trigger` (an empty body means `{}`).
pub(crate) fn check_session_trigger(bytes: &[u8]) -> Result<CheckSessionTrigger, ApiError> {
    let body = object_body(bytes)?;
    let target = field(&body, "target")
        .map(|t| target(t, false))
        .transpose()?;
    optional_bool(&body, "refreshCache", "refreshCache")?;
    Ok(CheckSessionTrigger { target })
}

/// Validates `POST /v1/test-sessions/{id}/cancel` (an empty body means `{}`).
pub(crate) fn cancel(bytes: &[u8]) -> Result<CancelRequest, ApiError> {
    let body = object_body(bytes)?;
    let sequence_ids = match field(&body, "sequenceId") {
        None => None,
        Some(v) => {
            let ids = uuid_list(v, "sequenceId")?;
            if ids.is_empty() {
                return Err(bad("sequenceId must contain at least 1 item"));
            }
            Some(ids)
        }
    };
    Ok(CancelRequest { sequence_ids })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trigger_err(body: &str) -> String {
        test_session_trigger(body.as_bytes())
            .expect_err("should be rejected")
            .message
    }

    #[test]
    fn minimal_trigger() {
        let t = test_session_trigger(br#"{"name":"n","runLocation":"eu-central-1","extra":1}"#)
            .expect("valid");
        assert_eq!(t.name, "n");
        assert_eq!(t.retries, 0);
        assert!(t.target.is_none());
    }

    #[test]
    fn trigger_rules_name_the_field() {
        assert_eq!(trigger_err(""), "name is required");
        assert_eq!(trigger_err("[1]"), "body must be a JSON object");
        assert!(trigger_err("{").starts_with("body is not valid JSON"));
        assert_eq!(
            trigger_err(r#"{"name":"","runLocation":"x"}"#),
            "name must not be empty"
        );
        assert_eq!(trigger_err(r#"{"name":"n"}"#), "runLocation is required");
        assert_eq!(
            trigger_err(
                r#"{"name":"n","runLocation":"x","retryStrategy":{"type":"FIXED","maxRetries":11}}"#
            ),
            "retryStrategy.maxRetries must be <= 10"
        );
        assert_eq!(
            trigger_err(
                r#"{"name":"n","runLocation":"x","retryStrategy":{"type":"FIXED","maxRetries":0}}"#
            ),
            "retryStrategy.maxRetries must be >= 1"
        );
        assert_eq!(
            trigger_err(r#"{"name":"n","runLocation":"x","retryStrategy":{"type":"NEVER"}}"#),
            "retryStrategy.type must be one of FIXED, LINEAR, EXPONENTIAL, SINGLE_RETRY"
        );
        assert_eq!(
            trigger_err(
                r#"{"name":"n","runLocation":"x","retryStrategy":{"type":"LINEAR","maxDurationSeconds":601}}"#
            ),
            "retryStrategy.maxDurationSeconds must be <= 600"
        );
        assert_eq!(
            trigger_err(r#"{"name":"n","runLocation":"x","metadata":{"environment":""}}"#),
            "metadata.environment must not be empty"
        );
        assert_eq!(
            trigger_err(
                r#"{"name":"n","runLocation":"x","environmentVariables":[{"key":"","value":"v"}]}"#
            ),
            "environmentVariables[0].key must not be empty"
        );
        assert_eq!(
            trigger_err(
                r#"{"name":"n","runLocation":"x","environmentVariables":[{"key":"K","value":""}]}"#
            ),
            "environmentVariables[0].value must not be empty"
        );
        assert_eq!(
            trigger_err(r#"{"name":"n","runLocation":"x","target":{"checkId":["nope"]}}"#),
            "target.checkId[0] must be a UUID"
        );
        assert_eq!(
            trigger_err(r#"{"name":"n","runLocation":"x","target":{"matchTags":[["a",""]]}}"#),
            "target.matchTags[0][1] must not be empty"
        );
        let many: Vec<String> = (0..51)
            .map(|i| format!(r#"{{"key":"K{i}","value":"v"}}"#))
            .collect();
        assert_eq!(
            trigger_err(&format!(
                r#"{{"name":"n","runLocation":"x","environmentVariables":[{}]}}"#,
                many.join(",")
            )),
            "environmentVariables must contain at most 50 items"
        );
    }

    #[test]
    fn retries_and_secrets() {
        let t = test_session_trigger(
            br#"{"name":"n","runLocation":"x","retryStrategy":{"type":"SINGLE_RETRY"},
                "environmentVariables":[{"key":"S","value":"","secret":true},{"key":"P","value":null}]}"#,
        )
        .expect("valid");
        assert_eq!(t.retries, 1);
        let t = test_session_trigger(
            br#"{"name":"n","runLocation":"x","retryStrategy":{"type":"EXPONENTIAL"}}"#,
        )
        .expect("valid");
        assert_eq!(t.retries, 2);
        let t = test_session_trigger(br#"{"name":"n","runLocation":"x","retryStrategy":null}"#)
            .expect("valid");
        assert_eq!(t.retries, 0);
    }

    #[test]
    fn cancel_rules() {
        assert_eq!(cancel(b"").expect("valid").sequence_ids, None);
        assert_eq!(cancel(b"{}").expect("valid").sequence_ids, None);
        assert_eq!(
            cancel(br#"{"sequenceId":[]}"#).expect_err("empty").message,
            "sequenceId must contain at least 1 item"
        );
        assert_eq!(
            cancel(br#"{"sequenceId":["x"]}"#).expect_err("bad").message,
            "sequenceId[0] must be a UUID"
        );
    }

    #[test]
    fn max_wait_rules() {
        let q = |s: &str| max_wait(&QueryParams::parse(s), false);
        assert_eq!(q("").expect("default"), Duration::from_secs(30));
        assert_eq!(q("maxWaitSeconds=2").expect("ok"), Duration::from_secs(2));
        assert_eq!(
            q("maxWaitSeconds=0.5").expect_err("low").message,
            "maxWaitSeconds must be >= 1"
        );
        assert_eq!(
            q("maxWaitSeconds=31").expect_err("high").message,
            "maxWaitSeconds must be <= 30"
        );
        assert_eq!(
            q("maxWaitSeconds=inf").expect_err("nan").message,
            "maxWaitSeconds must be a number"
        );
    }

    #[test]
    fn v2_waits_are_integers() {
        let q = |s: &str| max_wait(&QueryParams::parse(s), true);
        assert_eq!(q("maxWaitSeconds=3").expect("ok"), Duration::from_secs(3));
        assert_eq!(
            q("maxWaitSeconds=1.5").expect_err("fraction").message,
            "maxWaitSeconds must be an integer"
        );
        assert_eq!(
            q("maxWaitSeconds=0").expect_err("low").message,
            "maxWaitSeconds must be >= 1"
        );
    }

    #[test]
    fn asset_and_error_group_queries() {
        let a = |s: &str| asset_query(&QueryParams::parse(s));
        let ok = a("type=log&type[]=trace&name=*.zip").expect("valid");
        assert_eq!(ok.types, vec!["log", "trace"]);
        assert_eq!(ok.name.as_deref(), Some("*.zip"));
        assert!(
            a("type=log&type=gif")
                .expect_err("enum")
                .message
                .starts_with("type[1] must be one of log, trace")
        );
        let long = format!("name={}", "a".repeat(201));
        assert_eq!(
            a(&long).expect_err("long").message,
            "name must be at most 200 characters long"
        );
        let e = |s: &str| error_group_page(&QueryParams::parse(s));
        assert_eq!(e("").expect("defaults"), (10, 1));
        assert_eq!(e("limit=100&page=2.5").expect("ok"), (100, 3));
        assert_eq!(e("limit=0").expect_err("low").message, "limit must be >= 1");
        assert_eq!(
            e("limit=1.5").expect_err("int").message,
            "limit must be an integer"
        );
        assert_eq!(e("page=0").expect_err("page").message, "page must be > 0");
        assert_eq!(
            e("page=x").expect_err("page").message,
            "page must be a number"
        );
    }

    #[test]
    fn uuids_must_be_hyphenated() {
        assert!(parse_uuid("dec0de00-0000-4000-8000-000000000001").is_some());
        assert!(parse_uuid("dec0de0000004000800000000000000a").is_none());
        assert!(path_uuid("x", "testSessionId").is_err());
    }
}
