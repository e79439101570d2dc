//! Transform 3: components that are not objects are inlined where used.

use std::collections::BTreeMap;

use serde_json::Value;

/// Whether a component schema is an alias (an array, an enum, a scalar)
/// rather than an object or a composition worth a named type.
fn is_alias(schema: &Value) -> bool {
    let composite = [
        "properties",
        "anyOf",
        "oneOf",
        "allOf",
        "additionalProperties",
    ]
    .iter()
    .any(|key| schema.get(key).is_some());
    !composite && schema["type"] != "object"
}

/// Replaces every `$ref` to an alias component by the component itself, and
/// removes the aliases from `components.schemas`.
pub(super) fn inline(spec: &mut Value) -> Result<(), String> {
    let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    let aliases: BTreeMap<String, Value> = schemas
        .iter()
        .filter(|(_, schema)| is_alias(schema))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    schemas.retain(|name, _| !aliases.contains_key(name));
    // An alias may reference another; each pass inlines one level.
    for _ in 0..=aliases.len() {
        if !replace(spec, &aliases) {
            return Ok(());
        }
    }
    Err("aliases reference each other in a cycle".into())
}

/// One pass; whether anything was replaced.
fn replace(node: &mut Value, aliases: &BTreeMap<String, Value>) -> bool {
    match node {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(super::schema_ref)
                .and_then(|name| aliases.get(name));
            if let Some(target) = target {
                let mut inlined = target.clone();
                map.remove("$ref");
                if let Value::Object(inlined_map) = &mut inlined {
                    // Siblings of the reference (nullable, ...) win.
                    inlined_map.extend(std::mem::take(map));
                }
                *node = inlined;
                return true;
            }
            let mut changed = false;
            for child in map.values_mut() {
                changed |= replace(child, aliases);
            }
            changed
        }
        Value::Array(items) => {
            let mut changed = false;
            for item in items {
                changed |= replace(item, aliases);
            }
            changed
        }
        _ => false,
    }
}
