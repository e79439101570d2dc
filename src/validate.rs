//! Checking a request against the limits of the spec before it is sent.
//!
//! The limits are read from the vendored spec itself (embedded at build
//! time), so every `minLength`, `maxLength`, `minItems`, `maxItems`,
//! `minimum`, `maximum` and `required` it declares is enforced, and a spec
//! change changes the checks with it. String enums are not checked: they are
//! open (see [`crate::open_enum`]).

mod schema;

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Operation;
use schema::Schema;

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

/// The schemas an operation's request is checked against.
struct Compiled {
    /// The JSON body's (allows anything when there is none).
    body: Schema,
    /// Each declared parameter's, by its wire name.
    params: Vec<(&'static str, Schema)>,
}

/// The compiled schemas of `operation`, compiled once for all operations.
fn compiled(operation: Operation) -> &'static Compiled {
    static BY_OPERATION: OnceLock<Vec<Compiled>> = OnceLock::new();
    let all = BY_OPERATION.get_or_init(|| {
        let spec = spec();
        let objects: Vec<&'static Value> = spec["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .collect();
        Operation::ALL
            .iter()
            .map(|op| {
                let object = objects
                    .iter()
                    .copied()
                    .find(|object| object["operationId"] == op.id())
                    .unwrap_or_else(|| panic!("operation {} is in the spec", op.id()));
                let body = &object["requestBody"]["content"]["application/json"]["schema"];
                let params = object["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|param| schema::resolve(spec, param))
                    .filter_map(|param| {
                        let name = param["name"].as_str()?;
                        Some((name, Schema::compile(spec, &param["schema"])))
                    })
                    .collect();
                Compiled {
                    body: Schema::compile(spec, body),
                    params,
                }
            })
            .collect()
    });
    let index = Operation::ALL
        .iter()
        .position(|op| *op == operation)
        .expect("Operation::ALL lists every operation");
    &all[index]
}

/// Checks the JSON body of `operation`.
pub(crate) fn body(operation: Operation, body: &impl Serialize) -> Result<(), ValidationError> {
    let value = serde_json::to_value(body).map_err(|e| ValidationError {
        field: "body".into(),
        rule: format!("cannot be encoded as JSON: {e}"),
    })?;
    let mut first = First::default();
    check(
        &compiled(operation).body,
        &value,
        Path::Root(""),
        false,
        &mut first,
    );
    first.into_result()
}

/// Checks the query parameters of `operation`, given by their wire names.
pub(crate) fn query(
    operation: Operation,
    params: &Map<String, Value>,
) -> Result<(), ValidationError> {
    let mut first = First::default();
    for (name, schema) in &compiled(operation).params {
        if let Some(value) = params.get(*name).filter(|v| !v.is_null()) {
            check(schema, value, Path::Root(name), false, &mut first);
        }
    }
    first.into_result()
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

/// Where [`check`] reports each broken rule; `structural` when the value has
/// the wrong shape (missing required field, wrong type, enum), which rules an
/// anyOf branch out.
trait Sink<'a> {
    fn broken(&mut self, path: Path<'_>, rule: Rule<'a>, structural: bool);
}

/// How badly a value misses a schema: broken rules of shape first, then all.
/// Counting words nothing, so trying anyOf branches costs no allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    structural: usize,
    total: usize,
}

impl<'a> Sink<'a> for Score {
    fn broken(&mut self, _: Path<'_>, _: Rule<'a>, structural: bool) {
        self.structural += usize::from(structural);
        self.total += 1;
    }
}

/// The first broken rule, the one reported; the only one worded.
#[derive(Default)]
struct First(Option<ValidationError>);

impl<'a> Sink<'a> for First {
    fn broken(&mut self, path: Path<'_>, rule: Rule<'a>, _: bool) {
        if self.0.is_none() {
            let field = match path {
                Path::Root("") => "body".to_string(),
                path => path.to_string(),
            };
            let rule = rule.to_string();
            self.0 = Some(ValidationError { field, rule });
        }
    }
}

impl First {
    fn into_result(self) -> Result<(), ValidationError> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Reports to `sink` every rule of `schema` that `value` breaks, at `path`.
/// String enums are only checked inside anyOf/oneOf branches (`in_branch`),
/// where they tell the branches apart; elsewhere they are open.
fn check<'a>(
    schema: &'a Schema,
    value: &'a Value,
    path: Path<'_>,
    in_branch: bool,
    sink: &mut impl Sink<'a>,
) {
    if value.is_null() {
        let nullable = match &schema.branches {
            Some(branches) => branches.iter().any(|b| b.nullable),
            None => schema.nullable || schema.ty.is_none(),
        };
        if !nullable {
            sink.broken(path, Rule::NotNull, true);
        }
        return;
    }
    if let Some(branches) = &schema.branches {
        // Valid when any branch is; otherwise report the closest branch.
        let mut best: Option<(Score, &Schema)> = None;
        for branch in branches {
            let mut score = Score::default();
            check_branch(branch, value, path, &mut score);
            if score.total == 0 {
                return;
            }
            if best.is_none_or(|(closest, _)| score < closest) {
                best = Some((score, branch));
            }
        }
        if let Some((_, branch)) = best {
            check_branch(branch, value, path, sink);
        }
        return;
    }
    for part in &schema.all_of {
        check(part, value, path, in_branch, sink);
    }
    if let Some(allowed) = schema.allowed
        && (in_branch || !value.is_string())
        && !allowed.contains(value)
    {
        sink.broken(path, Rule::OneOf(allowed, value), true);
    }
    match (schema.ty, value) {
        (Some("string"), Value::String(s)) => {
            let len = s.chars().count() as u64;
            count_limits(schema.length, len, STRING, path, sink);
        }
        (Some("number" | "integer"), Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if let Some((minimum, min)) = schema.minimum
                && x < min
            {
                sink.broken(path, Rule::AtLeast(minimum, n), false);
            }
            if let Some((maximum, max)) = schema.maximum
                && x > max
            {
                sink.broken(path, Rule::AtMost(maximum, n), false);
            }
        }
        (Some("boolean"), Value::Bool(_)) | (None, _) => {}
        (Some("array"), Value::Array(items)) => {
            count_limits(schema.item_count, items.len() as u64, ARRAY, path, sink);
            if let Some(schema) = &schema.items {
                for (i, item) in items.iter().enumerate() {
                    check(schema, item, Path::Index(&path, i), in_branch, sink);
                }
            }
        }
        (Some("object"), Value::Object(fields)) => {
            for name in &schema.required {
                if !fields.contains_key(*name) {
                    sink.broken(Path::Key(&path, name), Rule::Required, true);
                }
            }
            for (name, value) in fields {
                if let Some(property) = schema.properties.get(name.as_str()) {
                    check(property, value, Path::Key(&path, name), in_branch, sink);
                }
            }
        }
        (Some(expected), other) => {
            sink.broken(path, Rule::Type(expected, other), true);
        }
    }
}

/// One anyOf/oneOf branch; a branch that is only `nullable: true` stands for
/// null alone.
fn check_branch<'a>(
    branch: &'a Schema,
    value: &'a Value,
    path: Path<'_>,
    sink: &mut impl Sink<'a>,
) {
    if branch.only_null {
        sink.broken(path, Rule::OnlyNull, true);
    } else {
        check(branch, value, path, true, sink);
    }
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

/// The lower and upper `limits` on a count of characters or items.
fn count_limits<'a>(
    limits: [Option<u64>; 2],
    count: u64,
    how: Counted,
    path: Path<'_>,
    sink: &mut impl Sink<'a>,
) {
    if let Some(min) = limits[0].filter(|&min| count < min) {
        let rule = Rule::Count {
            at_least: true,
            limit: min,
            count,
            how,
        };
        sink.broken(path, rule, false);
    }
    if let Some(max) = limits[1].filter(|&max| count > max) {
        let rule = Rule::Count {
            at_least: false,
            limit: max,
            count,
            how,
        };
        sink.broken(path, rule, false);
    }
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
    fn the_closest_anyof_branch_is_the_one_reported() {
        // retryStrategy is one of three objects or null: a bad `type` is
        // closest to an object branch, and reported with the allowed values.
        fails(
            trigger(
                json!({"name": "n", "runLocation": "x", "retryStrategy": {"type": "NOPE", "maxRetries": 2}}),
            ),
            "retryStrategy.type",
            "must be one of [\"FIXED\",\"LINEAR\",\"EXPONENTIAL\"] (got \"NOPE\")",
        );
        fails(
            trigger(json!({"name": "n", "runLocation": "x", "retryStrategy": 3})),
            "retryStrategy",
            "must be of type object (got number)",
        );
        fails(
            trigger(json!({"name": 5, "runLocation": "x"})),
            "name",
            "must be of type string (got number)",
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
