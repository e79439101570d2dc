//! Transform 5: the two anyOf schemas become hand-written types.

use serde_json::{Value, json};

/// The component replaced by `types::EnvironmentVariable` (by name, in
/// `generate`, so that fields hold the type itself rather than a newtype).
pub(super) const ENVIRONMENT_VARIABLE: &str = "TestSessionEnvironmentVariable";

/// Points `TriggerTestSessionRequest.retryStrategy` at `types::RetryStrategy`
/// and checks that both replaced schemas are still the anyOf they were.
pub(super) fn replace(spec: &mut Value) -> Result<(), String> {
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no components.schemas")?;
    let retry = schemas
        .get_mut("TriggerTestSessionRequest")
        .and_then(|s| s.pointer_mut("/properties/retryStrategy"))
        .ok_or("TriggerTestSessionRequest.retryStrategy is gone: revisit build/codegen/any_of.rs")?;
    if retry.get("anyOf").is_none() {
        return Err("retryStrategy is no longer an anyOf: revisit build/codegen/any_of.rs".into());
    }
    *retry = json!({ "x-rust-type": super::rust_type("RetryStrategy"), "nullable": true });
    let env = schemas
        .get(ENVIRONMENT_VARIABLE)
        .ok_or("TestSessionEnvironmentVariable is gone: revisit build/codegen/any_of.rs")?;
    if env.get("anyOf").is_none() {
        return Err("TestSessionEnvironmentVariable is no longer an anyOf".into());
    }
    Ok(())
}
