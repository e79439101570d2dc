//! The request schemas of the vendored spec, compiled once into the rules
//! that [`super`] checks, with every `$ref` followed: checking a request then
//! reads plain fields instead of looking keys up in JSON maps.

use std::collections::BTreeMap;

use serde_json::Value;

/// The rules of one schema that [`super::check`] enforces. An absent rule
/// allows anything; [`Schema::default`] allows every value.
#[derive(Debug, Default)]
pub(super) struct Schema {
    /// `nullable: true`.
    pub nullable: bool,
    /// A schema that is only `nullable: true`: as an anyOf branch it stands
    /// for null alone.
    pub only_null: bool,
    /// `type`.
    pub ty: Option<&'static str>,
    /// `anyOf`, else `oneOf`: valid when any branch is.
    pub branches: Option<Vec<Schema>>,
    /// `allOf`: valid when every part is.
    pub all_of: Vec<Schema>,
    /// `enum`.
    pub allowed: Option<&'static [Value]>,
    /// `minimum` and `maximum`, as written and as a number.
    pub minimum: Option<(&'static Value, f64)>,
    pub maximum: Option<(&'static Value, f64)>,
    /// `minLength`, `maxLength`.
    pub length: [Option<u64>; 2],
    /// `minItems`, `maxItems`.
    pub item_count: [Option<u64>; 2],
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// `required`.
    pub required: Vec<&'static str>,
    /// `properties`.
    pub properties: BTreeMap<&'static str, Schema>,
}

impl Schema {
    /// Compiles `schema`, a part of `spec`. A `$ref` that leads back to
    /// itself is checked down to where it repeats, and allows anything below.
    pub fn compile(spec: &'static Value, schema: &'static Value) -> Schema {
        compile(spec, schema, &mut Vec::new())
    }
}

/// `value`, or what its `$ref` points to in `spec` (Null when it points
/// nowhere), followed until it is not a reference.
pub(super) fn resolve(spec: &'static Value, value: &'static Value) -> &'static Value {
    let mut seen = Vec::new();
    let mut value = value;
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        if seen.contains(&reference) {
            return &Value::Null;
        }
        seen.push(reference);
        value = target(spec, reference);
    }
    value
}

fn target(spec: &'static Value, reference: &str) -> &'static Value {
    spec.pointer(reference.trim_start_matches('#'))
        .unwrap_or(&Value::Null)
}

fn compile(spec: &'static Value, schema: &'static Value, seen: &mut Vec<&'static str>) -> Schema {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if seen.contains(&reference) {
            return Schema::default();
        }
        seen.push(reference);
        let compiled = compile(spec, target(spec, reference), seen);
        seen.pop();
        return compiled;
    }
    let mut each = |key: &str| -> Vec<Schema> {
        schema[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|part| compile(spec, part, seen))
            .collect()
    };
    let branches = if schema["anyOf"].is_array() {
        Some(each("anyOf"))
    } else if schema["oneOf"].is_array() {
        Some(each("oneOf"))
    } else {
        None
    };
    let all_of = each("allOf");
    let bound = |key: &str| {
        let written = &schema[key];
        written.as_f64().map(|number| (written, number))
    };
    let count = |key: &str| schema[key].as_u64();
    Schema {
        nullable: schema["nullable"] == true,
        only_null: schema
            .as_object()
            .is_some_and(|o| o.len() == 1 && o.get("nullable") == Some(&Value::Bool(true))),
        ty: schema["type"].as_str(),
        branches,
        all_of,
        allowed: schema["enum"].as_array().map(Vec::as_slice),
        minimum: bound("minimum"),
        maximum: bound("maximum"),
        length: [count("minLength"), count("maxLength")],
        item_count: [count("minItems"), count("maxItems")],
        items: schema
            .get("items")
            .map(|items| Box::new(compile(spec, items, seen))),
        required: schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect(),
        properties: schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, property)| (name.as_str(), compile(spec, property, seen)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leak(value: Value) -> &'static Value {
        Box::leak(Box::new(value))
    }

    #[test]
    fn references_are_followed_and_cycles_stop() {
        let spec = leak(json!({
            "components": {"schemas": {
                "Name": {"type": "string", "minLength": 1, "maxLength": 9},
                "Alias": {"$ref": "#/components/schemas/Name"},
                "Node": {"type": "object", "required": ["next"],
                         "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            }}
        }));
        let alias = Schema::compile(spec, leak(json!({"$ref": "#/components/schemas/Alias"})));
        assert_eq!(alias.ty, Some("string"));
        assert_eq!(alias.length, [Some(1), Some(9)]);
        let node = Schema::compile(spec, leak(json!({"$ref": "#/components/schemas/Node"})));
        assert_eq!(node.required, ["next"]);
        let next = &node.properties["next"];
        assert_eq!(next.ty, None, "the repeat allows anything");
        assert!(next.properties.is_empty());
        let nowhere = Schema::compile(spec, leak(json!({"$ref": "#/components/schemas/Nope"})));
        assert_eq!(nowhere.ty, None);
        assert_eq!(
            resolve(spec, leak(json!({"$ref": "#/components/schemas/Alias"})))["maxLength"],
            9
        );
    }

    #[test]
    fn branches_bounds_and_null() {
        let spec = leak(json!({}));
        let schema = Schema::compile(
            spec,
            leak(
                json!({"anyOf": [{"type": "number", "minimum": 1, "maximum": 10}, {"nullable": true}]}),
            ),
        );
        let branches = schema.branches.as_ref().expect("anyOf");
        assert_eq!(branches[0].minimum.map(|(_, n)| n), Some(1.0));
        assert_eq!(branches[0].maximum.map(|(_, n)| n), Some(10.0));
        assert!(branches[1].only_null && branches[1].nullable);
        assert!(!branches[0].only_null);
    }
}
