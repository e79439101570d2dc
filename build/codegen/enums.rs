//! Transforms 4 and 6: open string enums, and string limits left to the
//! validator.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The open enums found: Rust name → wire values, in spec order.
pub(super) type Enums = BTreeMap<&'static str, Vec<String>>;

/// Where the walk is: the component schema (if any) and the property or
/// parameter names from it down to the current node.
#[derive(Clone, Default)]
struct Ctx {
    component: Option<String>,
    path: Vec<String>,
}

impl Ctx {
    fn property(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    fn parent(&self) -> &str {
        self.path
            .len()
            .checked_sub(2)
            .map_or("", |i| self.path[i].as_str())
    }

    fn in_retry_strategy(&self) -> bool {
        self.path.iter().any(|p| p == "retryStrategy")
    }

    fn component(&self) -> &str {
        self.component.as_deref().unwrap_or("")
    }
}

/// The Rust name of the open enum for a string enum found at `ctx`, or
/// `None` for enums that a hand-written type already covers. An enum this
/// table does not know is an error, so that a spec change forces a naming
/// decision.
fn name(ctx: &Ctx) -> Result<Option<&'static str>, String> {
    if ctx.in_retry_strategy() {
        return match ctx.property() {
            "onlyOn" => Ok(Some("RetryCondition")),
            "type" => Ok(None), // the tag of the hand-written RetryStrategy
            other => Err(format!(
                "unnamed enum `{other}` in retryStrategy: add it to enums::name"
            )),
        };
    }
    Ok(Some(match (ctx.parent(), ctx.property()) {
        (_, "status") if ctx.component().contains("CheckSession") => "CheckSessionStatus",
        (_, "status" | "statuses") => "TestSessionStatus",
        (_, "providers" | "provider") => "TestSessionProvider",
        (_, "checkType") => "CheckType",
        (_, "resultType") => "ResultType",
        (_, "runSource") => "RunSource",
        ("", "type") if ctx.component() == "AgenticStep" => "AgenticStepType",
        ("", "category") if ctx.component() == "AgenticSuggestion" => "AgenticSuggestionCategory",
        ("response", "bodyEncoding") => "BodyEncoding",
        ("source", "type") => "AssetSourceType",
        ("", "type")
            if ctx.component().starts_with("AssetManifest") || ctx.component().is_empty() =>
        {
            "AssetType"
        }
        (parent, property) => {
            return Err(format!(
                "unnamed string enum at `{parent}.{property}` of {:?}: add it to enums::name",
                ctx.component
            ));
        }
    }))
}

/// Rewrites every string enum of `spec` into a reference to an open enum and
/// drops string length limits; returns the enums found.
pub(super) fn open(spec: &mut Value) -> Result<Enums, String> {
    let mut enums = Enums::new();
    walk(spec, &mut Ctx::default(), &mut enums)?;
    Ok(enums)
}

fn walk(node: &mut Value, ctx: &mut Ctx, enums: &mut Enums) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("string")) {
                map.remove("minLength");
                map.remove("maxLength");
                if let Some(Value::Array(values)) = map.get("enum")
                    && let Some(name) = name(ctx)?
                {
                    let has_null = values.iter().any(Value::is_null);
                    let values = values
                        .iter()
                        .filter(|v| !v.is_null())
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| format!("enum {name} has a value that is not a string"))?;
                    merge(enums.entry(name).or_default(), values);
                    let nullable = map.get("nullable") == Some(&Value::Bool(true)) || has_null;
                    map.clear();
                    if nullable {
                        // typify ignores `nullable` beside `x-rust-type`; on an
                        // `allOf` of it, it gives `Option` (a required field
                        // that may be null).
                        map.insert(
                            "allOf".into(),
                            json!([{ "x-rust-type": super::rust_type(name) }]),
                        );
                        map.insert("nullable".into(), Value::Bool(true));
                    } else {
                        map.insert("x-rust-type".into(), super::rust_type(name));
                    }
                    return Ok(());
                }
            }
            // A parameter object names the schema below it.
            let param_name = match (map.get("name"), map.get("schema")) {
                (Some(Value::String(name)), Some(_)) => Some(name.clone()),
                _ => None,
            };
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("schemas", Value::Object(schemas)) => {
                        for (name, schema) in schemas.iter_mut() {
                            let mut inner = Ctx {
                                component: Some(name.clone()),
                                path: Vec::new(),
                            };
                            walk(schema, &mut inner, enums)?;
                        }
                    }
                    ("properties", Value::Object(props)) => {
                        for (name, schema) in props.iter_mut() {
                            let mut inner = ctx.clone();
                            inner.path.push(name.clone());
                            walk(schema, &mut inner, enums)?;
                        }
                    }
                    ("schema", child) if param_name.is_some() => {
                        let mut inner = ctx.clone();
                        inner.path = param_name.clone().into_iter().collect();
                        walk(child, &mut inner, enums)?;
                    }
                    (_, child) => walk(child, &mut ctx.clone(), enums)?,
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, ctx, enums)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The union of `known` and `values`, in the order of the longer list (a
/// subset such as the completion's FAILED|PASSED|CANCELLED must not reorder
/// it).
fn merge(known: &mut Vec<String>, values: Vec<String>) {
    let (mut merged, rest) = if values.len() > known.len() {
        (values, std::mem::take(known))
    } else {
        (std::mem::take(known), values)
    };
    for value in rest {
        if !merged.contains(&value) {
            merged.push(value);
        }
    }
    *known = merged;
}

/// The `open_enum!` invocations for `enums`.
pub(super) fn source(enums: &Enums) -> String {
    let mut out =
        String::from("// Generated by build.rs from openapi/checkly.yaml. Do not edit.\n");
    for (name, values) in enums {
        out.push_str(&format!(
            "crate::open_enum::open_enum! {{\n    /// The `{name}` values the spec knows, plus `Unknown` for any other.\n    {name} {{\n"
        ));
        for value in values {
            out.push_str(&format!("        {} = {value:?},\n", pascal_case(value)));
        }
        out.push_str("    }\n}\n");
    }
    out
}

/// `TIMED_OUT` → `TimedOut`, `check-result` → `CheckResult`.
pub(super) fn pascal_case(wire: &str) -> String {
    wire.split(['_', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
