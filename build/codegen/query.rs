//! Transform 7: number query parameters are sent as whole numbers.

use serde_json::{Value, json};

/// Makes every `number` query parameter an `integer` (`from`, `to`,
/// `maxWaitSeconds`, `page`: all whole numbers), so that `20` is sent rather
/// than `20.0`.
pub(super) fn whole_numbers(spec: &mut Value) {
    for op in super::operations_mut(spec) {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for param in params.iter_mut().filter(|p| p["in"] == "query") {
            if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut)
                && schema.get("type") == Some(&json!("number"))
            {
                schema.insert("type".into(), json!("integer"));
            }
        }
    }
}
