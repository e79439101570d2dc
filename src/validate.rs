//! Checking a request against the limits of the spec before it is sent.
//!
//! The limits are read from the vendored spec itself (embedded at build
//! time), so every `minLength`, `maxLength`, `minItems`, `maxItems`,
//! `minimum`, `maximum` and `required` it declares is enforced, and a spec
//! change changes the checks with it. String enums are not checked: they are
//! open (see [`crate::open_enum`]).

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Operation;

/// A request value that breaks a limit of the API. Nothing was sent.
///
/// ```
/// # fn show(err: checkly::ValidationError) {
/// eprintln!("{}: {}", err.field, err.rule); // e.g. "limit: must be at most 100 (got 500)"
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: `{field}` {rule}")]
#[non_exhaustive]
pub struct ValidationError {
    /// The field as it is named on the wire, e.g. `retryStrategy.maxRetries`
    /// or `environmentVariables[3].key`.
    pub field: String,
    /// The rule it breaks, with the limit, e.g. `must be at most 10 (got 11)`.
    pub rule: String,
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/spec.json")))
            .expect("build.rs wrote the spec as JSON")
    })
}

fn operation(operation: Operation) -> &'static Value {
    let operation_id = operation.id();
    spec()["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("operation {operation_id} is in the spec"))
}

fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(spec().pointer(pointer).unwrap_or(&Value::Null))
        }
        None => schema,
    }
}

/// Checks the JSON body of `operation`.
pub(crate) fn body(operation: Operation, body: &impl Serialize) -> Result<(), ValidationError> {
    let value = serde_json::to_value(body).map_err(|e| ValidationError {
        field: "body".into(),
        rule: format!("cannot be encoded as JSON: {e}"),
    })?;
    let schema =
        &self::operation(operation)["requestBody"]["content"]["application/json"]["schema"];
    first(check(resolve(schema), &value, Path::Root(""), false))
}

/// Checks the query parameters of `operation`, given by their wire names.
pub(crate) fn query(
    operation: Operation,
    params: &Map<String, Value>,
) -> Result<(), ValidationError> {
    let declared = self::operation(operation)["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut errors = Vec::new();
    for param in declared.iter().map(resolve) {
        let Some(name) = param["name"].as_str() else {
            continue;
        };
        if let Some(value) = params.get(name).filter(|v| !v.is_null()) {
            errors.extend(check(
                resolve(&param["schema"]),
                value,
                Path::Root(name),
                false,
            ));
        }
    }
    first(errors)
}

fn first(errors: Vec<Violation<'_>>) -> Result<(), ValidationError> {
    errors
        .into_iter()
        .next()
        .map_or(Ok(()), |v| Err(v.into_error()))
}

/// Where a value sits in the request: a query parameter's name, or `""` for
/// the body, then keys and indices. Rendered only when a rule is broken, so
/// that a valid request allocates no field names.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Key(Path::Root(""), key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A broken rule, worded only if it is the one reported: inside anyOf
/// branches most violations are expected and thrown away.
enum Rule<'a> {
    NotNull,
    OnlyNull,
    Required,
    OneOf(&'a [Value], &'a Value),
    Type(&'a str, &'a Value),
    AtLeast(&'a Value, &'a serde_json::Number),
    AtMost(&'a Value, &'a serde_json::Number),
    Count {
        at_least: bool,
        limit: u64,
        count: u64,
        how: Counted,
    },
}

impl std::fmt::Display for Rule<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::NotNull => f.write_str("must not be null"),
            Rule::OnlyNull => f.write_str("must be null"),
            Rule::Required => f.write_str("is required"),
            Rule::OneOf(allowed, got) => {
                write!(
                    f,
                    "must be one of {} (got {got})",
                    Value::from(allowed.to_vec())
                )
            }
            Rule::Type(expected, got) => {
                write!(f, "must be of type {expected} (got {})", kind(got))
            }
            Rule::AtLeast(min, got) => write!(f, "must be at least {min} (got {got})"),
            Rule::AtMost(max, got) => write!(f, "must be at most {max} (got {got})"),
            Rule::Count {
                at_least,
                limit,
                count,
                how: Counted { verb, unit, suffix },
            } => {
                let bound = if *at_least { "at least" } else { "at most" };
                let plural = if *limit == 1 { "" } else { "s" };
                write!(
                    f,
                    "must {verb} {bound} {limit} {unit}{plural}{suffix} (got {count})"
                )
            }
        }
    }
}

/// A broken rule at a field; `structural` when the value has the wrong shape
/// (missing required field, wrong type, enum), which rules an anyOf branch out.
struct Violation<'a> {
    field: String,
    rule: Rule<'a>,
    structural: bool,
}

impl Violation<'_> {
    fn into_error(self) -> ValidationError {
        let field = if self.field.is_empty() {
            "body".to_string()
        } else {
            self.field
        };
        ValidationError {
            field,
            rule: self.rule.to_string(),
        }
    }
}

fn err<'a>(path: Path<'_>, rule: Rule<'a>) -> Violation<'a> {
    Violation {
        field: path.to_string(),
        rule,
        structural: false,
    }
}

fn shape<'a>(path: Path<'_>, rule: Rule<'a>) -> Violation<'a> {
    Violation {
        structural: true,
        ..err(path, rule)
    }
}

fn score(errors: &[Violation<'_>]) -> (usize, usize) {
    (errors.iter().filter(|v| v.structural).count(), errors.len())
}

/// Every violation of `schema` by `value`, at `path`. String enums are only
/// checked inside anyOf/oneOf branches (`in_branch`), where they tell the
/// branches apart; elsewhere they are open.
fn check<'a>(
    schema: &'a Value,
    value: &'a Value,
    path: Path<'_>,
    in_branch: bool,
) -> Vec<Violation<'a>> {
    let schema = resolve(schema);
    if value.is_null() {
        let branches = schema["anyOf"].as_array().or(schema["oneOf"].as_array());
        let nullable = match branches {
            Some(branches) => branches.iter().any(|b| resolve(b)["nullable"] == true),
            None => schema["nullable"] == true || schema.get("type").is_none(),
        };
        return if nullable {
            Vec::new()
        } else {
            vec![shape(path, Rule::NotNull)]
        };
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema[key].as_array() {
            // Valid when any branch is; otherwise report the closest branch.
            let mut best: Option<Vec<Violation>> = None;
            for branch in branches {
                // A branch that is only `nullable: true` stands for null alone.
                let errors = if is_only_null(branch) {
                    vec![shape(path, Rule::OnlyNull)]
                } else {
                    check(branch, value, path, true)
                };
                if errors.is_empty() {
                    return errors;
                }
                if best.as_ref().is_none_or(|b| score(&errors) < score(b)) {
                    best = Some(errors);
                }
            }
            return best.unwrap_or_default();
        }
    }
    let mut errors = Vec::new();
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            errors.extend(check(part, value, path, in_branch));
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && (in_branch || !value.is_string())
        && !allowed.contains(value)
    {
        errors.push(shape(path, Rule::OneOf(allowed, value)));
    }
    match (schema["type"].as_str(), value) {
        (Some("string"), Value::String(s)) => {
            let len = s.chars().count() as u64;
            errors.extend(count_limits(
                schema,
                ["minLength", "maxLength"],
                len,
                STRING,
                path,
            ));
        }
        (Some("number" | "integer"), Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let minimum = &schema["minimum"];
            if minimum.as_f64().is_some_and(|min| x < min) {
                errors.push(err(path, Rule::AtLeast(minimum, n)));
            }
            let maximum = &schema["maximum"];
            if maximum.as_f64().is_some_and(|max| x > max) {
                errors.push(err(path, Rule::AtMost(maximum, n)));
            }
        }
        (Some("boolean"), Value::Bool(_)) | (None, _) => {}
        (Some("array"), Value::Array(items)) => {
            let len = items.len() as u64;
            errors.extend(count_limits(
                schema,
                ["minItems", "maxItems"],
                len,
                ARRAY,
                path,
            ));
            for (i, item) in items.iter().enumerate() {
                errors.extend(check(
                    &schema["items"],
                    item,
                    Path::Index(&path, i),
                    in_branch,
                ));
            }
        }
        (Some("object"), Value::Object(fields)) => {
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !fields.contains_key(name) {
                    errors.push(shape(Path::Key(&path, name), Rule::Required));
                }
            }
            if let Some(properties) = schema["properties"].as_object() {
                for (name, value) in fields {
                    if let Some(property) = properties.get(name) {
                        errors.extend(check(property, value, Path::Key(&path, name), in_branch));
                    }
                }
            }
        }
        (Some(expected), other) => {
            errors.push(shape(path, Rule::Type(expected, other)));
        }
    }
    errors
}

/// How a count is worded: the verb, the unit and what follows it.
#[derive(Clone, Copy)]
struct Counted {
    verb: &'static str,
    unit: &'static str,
    suffix: &'static str,
}

const STRING: Counted = Counted {
    verb: "be",
    unit: "character",
    suffix: " long",
};
const ARRAY: Counted = Counted {
    verb: "have",
    unit: "item",
    suffix: "",
};

/// The lower and upper limits named by `keys` on a count of characters or items.
fn count_limits<'a>(
    schema: &Value,
    keys: [&str; 2],
    count: u64,
    how: Counted,
    path: Path<'_>,
) -> Vec<Violation<'a>> {
    let limit = |key: &str| schema[key].as_u64();
    let mut errors = Vec::new();
    if let Some(min) = limit(keys[0]).filter(|&min| count < min) {
        let rule = Rule::Count {
            at_least: true,
            limit: min,
            count,
            how,
        };
        errors.push(err(path, rule));
    }
    if let Some(max) = limit(keys[1]).filter(|&max| count > max) {
        let rule = Rule::Count {
            at_least: false,
            limit: max,
            count,
            how,
        };
        errors.push(err(path, rule));
    }
    errors
}

fn is_only_null(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.get("nullable") == Some(&Value::Bool(true)))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trigger(body: Value) -> Result<(), ValidationError> {
        super::body(Operation::PostV1TestsessionsTrigger, &body)
    }

    fn fails(result: Result<(), ValidationError>, field: &str, rule: &str) {
        let e = result.expect_err("the value breaks a limit");
        assert_eq!(e.field, field);
        assert!(
            e.rule.contains(rule),
            "{:?} should contain {rule:?}",
            e.rule
        );
    }

    #[test]
    fn trigger_limits() {
        assert_eq!(
            trigger(json!({"name": "n", "runLocation": "eu-central-1"})),
            Ok(())
        );
        fails(
            trigger(json!({"name": "", "runLocation": "x"})),
            "name",
            "at least 1 character",
        );
        fails(trigger(json!({"runLocation": "x"})), "name", "is required");
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "retryStrategy": {"type": "FIXED", "maxRetries": 11}}),
            ),
            "retryStrategy.maxRetries",
            "at most 10 (got 11)",
        );
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "retryStrategy": {"type": "LINEAR", "maxRetries": 0}}),
            ),
            "retryStrategy.maxRetries",
            "at least 1 (got 0)",
        );
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "retryStrategy": {"type": "EXPONENTIAL", "maxDurationSeconds": 601}}),
            ),
            "retryStrategy.maxDurationSeconds",
            "at most 600",
        );
        assert_eq!(
            trigger(json!({"name": "n", "runLocation": "x", "retryStrategy": null})),
            Ok(())
        );
        fails(
            trigger(json!({"name": "n", "runLocation": "x", "metadata": {"environment": ""}})),
            "metadata.environment",
            "at least 1 character",
        );
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "target": {"matchTags": [["ok", ""]]}}),
            ),
            "target.matchTags[0][1]",
            "at least 1 character",
        );
    }

    #[test]
    fn environment_variable_limits() {
        let vars: Vec<Value> = (0..51)
            .map(|i| json!({"key": format!("K{i}"), "value": "v"}))
            .collect();
        fails(
            trigger(json!({"name": "n", "runLocation": "x", "environmentVariables": vars})),
            "environmentVariables",
            "at most 50 items (got 51)",
        );
        let ok = json!([{"key": "A", "value": "v"}, {"key": "S", "value": null, "secret": true, "locked": true}]);
        assert_eq!(
            trigger(json!({"name": "n", "runLocation": "x", "environmentVariables": ok})),
            Ok(())
        );
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "environmentVariables": [{"key": "", "value": "v"}]}),
            ),
            "environmentVariables[0].key",
            "at least 1 character",
        );
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "environmentVariables": [{"key": "K", "value": ""}]}),
            ),
            "environmentVariables[0].value",
            "at least 1 character",
        );
    }

    #[test]
    fn query_and_cancel_limits() {
        let q = |pairs: Value| {
            query(
                Operation::GetV1Testsessions,
                pairs.as_object().expect("an object"),
            )
        };
        assert_eq!(q(json!({"limit": 100, "textSearch": "abc"})), Ok(()));
        fails(q(json!({"limit": 101})), "limit", "at most 100 (got 101)");
        fails(
            q(json!({"textSearch": "ab"})),
            "textSearch",
            "at least 3 characters",
        );
        fails(
            q(json!({"textSearch": "a".repeat(201)})),
            "textSearch",
            "at most 200 characters",
        );
        fails(q(json!({"nextId": ""})), "nextId", "at least 1 character");
        fails(
            q(json!({"errorGroupId": ""})),
            "errorGroupId",
            "at least 1 character",
        );
        let wait = |n: Value| {
            query(
                Operation::GetV1TestsessionsTestsessionidCompletion,
                json!({"maxWaitSeconds": n}).as_object().expect("object"),
            )
        };
        fails(wait(json!(0)), "maxWaitSeconds", "at least 1");
        fails(wait(json!(31)), "maxWaitSeconds", "at most 30");
        assert_eq!(wait(json!(30)), Ok(()));
        fails(
            body(
                Operation::PostV1TestsessionsTestsessionidCancel,
                &json!({"sequenceId": []}),
            ),
            "sequenceId",
            "at least 1 item",
        );
        assert_eq!(
            body(Operation::PostV1TestsessionsTestsessionidCancel, &json!({})),
            Ok(())
        );
    }
}
