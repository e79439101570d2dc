//! The normalized, stable form of the vendored spec.
//!
//! The rule:
//! - a mapping whose keys are *names* (`paths`, each `components` section,
//!   `properties`, `responses`, `content`, `headers`, `encoding`, `links`,
//!   `callbacks`, `variables`, `mapping`, `scopes`) is sorted by name
//!   (byte order, so `200` < `201` < `default`);
//! - any other mapping (the OpenAPI objects themselves) lists its keywords in
//!   the fixed order of [`KEYWORD_ORDER`], then unknown keywords by name;
//!   this also puts the methods of a path item in the order get, put, post,
//!   delete, options, head, patch, trace;
//! - a schema's `required` list is sorted, deduplicated and placed right
//!   after `additionalProperties`;
//! - every other sequence (parameters, `enum`, `allOf`, tags, ...) keeps
//!   upstream's order, which carries meaning;
//! - values of `enum`, `default`, `example(s)` and `x-` extensions are
//!   left exactly as they are.
//!
//! Emitted as block YAML by `serde_yaml_ng`, after a fixed header comment.

use serde_yaml_ng::{Mapping, Value};

/// Keys whose value, when a mapping, is keyed by names.
const NAME_MAPS: &[&str] = &[
    "paths",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "properties",
    "content",
    "encoding",
    "variables",
    "mapping",
    "scopes",
];

/// Keys whose values are data, never reordered.
const OPAQUE: &[&str] = &["enum", "default", "example", "examples"];

/// The fixed order of keywords in an OpenAPI object.
pub const KEYWORD_ORDER: &[&str] = &[
    "openapi",
    "info",
    "title",
    "version",
    "servers",
    "url",
    "security",
    "paths",
    "components",
    "$ref",
    "operationId",
    "name",
    "in",
    "summary",
    "description",
    "tags",
    "deprecated",
    "required",
    "style",
    "explode",
    "allowReserved",
    "parameters",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "requestBody",
    "responses",
    "type",
    "format",
    "nullable",
    "readOnly",
    "writeOnly",
    "enum",
    "default",
    "multipleOf",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "items",
    "properties",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "discriminator",
    "schema",
    "content",
    "headers",
    "scheme",
    "bearerFormat",
];

fn keyword_rank(key: &str, value: &Value) -> (usize, String) {
    // A schema's `required` list goes after its properties; a parameter's
    // or request body's `required: true` stays near the top.
    if key == "required" && value.is_sequence() {
        return (after("additionalProperties"), key.to_owned());
    }
    let rank = KEYWORD_ORDER
        .iter()
        .position(|k| *k == key)
        .unwrap_or(KEYWORD_ORDER.len());
    (rank, key.to_owned())
}

fn after(key: &str) -> usize {
    KEYWORD_ORDER.iter().position(|k| *k == key).unwrap_or(0)
}

fn key_str(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other).unwrap_or_default(),
    }
}

/// Normalizes a whole document in place.
pub fn normalize(doc: &mut Value) {
    object(doc);
}

fn object(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by_cached_key(|(k, v)| keyword_rank(&key_str(k), v));
            for (k, v) in &mut entries {
                let key = key_str(k);
                if OPAQUE.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                if key == "required" {
                    if let Value::Sequence(list) = v {
                        list.sort_by_key(key_str);
                        list.dedup();
                    }
                    continue;
                }
                if NAME_MAPS.contains(&key.as_str()) && v.is_mapping() {
                    name_map(v);
                } else {
                    object(v);
                }
            }
            *map = entries.into_iter().collect::<Mapping>();
        }
        Value::Sequence(seq) => seq.iter_mut().for_each(object),
        _ => {}
    }
}

fn name_map(value: &mut Value) {
    if let Value::Mapping(map) = value {
        let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
        entries.sort_by_cached_key(|(k, _)| key_str(k));
        for (_, v) in &mut entries {
            object(v);
        }
        *map = entries.into_iter().collect::<Mapping>();
    }
}

/// The header written above the generated YAML.
pub const HEADER: &str = "\
# Generated by `cargo xtask spec trim` from Checkly's public OpenAPI document.
# Do not edit by hand: list operations in openapi/operations.txt and write
# descriptions in openapi/docs.yaml, then run the trim again.
";

/// Renders a normalized document as the vendored YAML text.
pub fn to_yaml(doc: &Value) -> anyhow::Result<String> {
    let mut normalized = doc.clone();
    normalize(&mut normalized);
    let body = serde_yaml_ng::to_string(&normalized)?;
    Ok(format!("{HEADER}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_in_fixed_order_names_sorted_required_sorted() {
        let mut doc: Value = serde_yaml_ng::from_str(
            "paths:\n  /b: {post: {responses: {}, operationId: b}, get: {operationId: a}}\n  /a: {}\ncomponents:\n  schemas:\n    Z: {required: [b, a], properties: {y: {type: string}, type: {format: uuid, type: string}}, type: object}\n    A: {enum: [z, a]}\n",
        )
        .expect("yaml");
        normalize(&mut doc);
        let text = serde_yaml_ng::to_string(&doc).expect("yaml");
        insta::assert_snapshot!(text);
    }
}
