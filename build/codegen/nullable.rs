//! Transform 8: nullability belongs on the property, not the component.

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// Removes `nullable` from object components and marks every property that
/// references such a component `allOf: [$ref]` plus `nullable: true`.
pub(super) fn move_to_properties(spec: &mut Value) {
    let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") else {
        return;
    };
    let mut nullable = BTreeSet::new();
    for (name, schema) in schemas.iter_mut() {
        if let Some(map) = schema.as_object_mut()
            && map.remove("nullable") == Some(Value::Bool(true))
        {
            nullable.insert(format!("#/components/schemas/{name}"));
        }
    }
    if !nullable.is_empty() {
        mark(spec, &nullable);
    }
}

fn mark(node: &mut Value, nullable: &BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && nullable.contains(reference)
            {
                let reference = reference.clone();
                map.remove("$ref");
                map.insert("allOf".into(), json!([{ "$ref": reference }]));
                map.insert("nullable".into(), Value::Bool(true));
                return;
            }
            map.values_mut().for_each(|child| mark(child, nullable));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mark(item, nullable)),
        _ => {}
    }
}
