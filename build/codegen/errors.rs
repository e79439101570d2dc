//! Transform 2: one error type, `ApiError`, for every error answer.

use serde_json::{Value, json};

/// The error schema every error answer is decoded as.
pub(super) const API_ERROR: &str = "ApiError";

/// Points the content of every 4xx, 5xx and `default` response at
/// `ApiError` (adding the schema if the spec lacks it), and drops an empty
/// schema from success answers such as a 204.
///
/// Fails when a replaced schema is not `ApiError`-shaped (an object whose
/// properties are among `statusCode`, `error`, `message` and an open
/// `attributes`): then something would be lost and a person must decide.
pub(super) fn one_error_type(spec: &mut Value) -> Result<(), String> {
    let schemas = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let reference = json!({ "$ref": format!("#/components/schemas/{API_ERROR}") });
    for op in super::operations_mut(spec) {
        let id = op["operationId"].as_str().unwrap_or("?").to_string();
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            let is_error =
                status == "default" || status.starts_with('4') || status.starts_with('5');
            let Some(response) = response.as_object_mut() else {
                continue;
            };
            if !is_error {
                strip_empty_schemas(response);
                continue;
            }
            if let Some(Value::Object(content)) = response.get("content") {
                for media in content.values() {
                    check_shape(&schemas, &media["schema"])
                        .map_err(|e| format!("{id} {status}: {e}"))?;
                }
            }
            response.insert(
                "content".into(),
                json!({ "application/json": { "schema": reference.clone() } }),
            );
        }
    }
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no components.schemas")?;
    schemas.entry(API_ERROR).or_insert_with(|| {
        json!({
            "type": "object",
            "required": ["statusCode", "error", "message"],
            "properties": {
                "statusCode": { "type": "number" },
                "error": { "type": "string" },
                "message": { "type": "string" },
            },
        })
    });
    Ok(())
}

/// A JSON answer whose schema is `{}` carries nothing to decode.
fn strip_empty_schemas(response: &mut serde_json::Map<String, Value>) {
    let empty = match response.get("content") {
        Some(Value::Object(content)) => content
            .values()
            .all(|media| media.get("schema").is_none_or(|s| s == &json!({}))),
        _ => false,
    };
    if empty {
        response.remove("content");
    }
}

fn check_shape(schemas: &Value, schema: &Value) -> Result<(), String> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name =
                super::schema_ref(reference).ok_or(format!("unsupported $ref {reference}"))?;
            &schemas[name]
        }
        None => schema,
    };
    let Some(properties) = schema["properties"].as_object() else {
        return Err(format!(
            "error schema is not an object with properties: {schema}"
        ));
    };
    for name in properties.keys() {
        if !["statusCode", "error", "message", "attributes"].contains(&name.as_str()) {
            return Err(format!(
                "error schema has a property `{name}` that ApiError does not carry"
            ));
        }
    }
    Ok(())
}
