//! Transform 5: the two anyOf schemas become hand-written types.

use serde_json::{Value, json};

/// The component replaced by `types::EnvironmentVariable` (by name, in
/// `generate`, so that fields hold the type itself rather than a newtype).
pub(super) const ENVIRONMENT_VARIABLE: &str = "TestSessionEnvironmentVariable";

/// Points `TriggerTestSessionRequest.retryStrategy` at `types::RetryStrategy`
/// and checks that both replaced schemas are still the anyOf they were. A
/// document without them (a synthetic one, in tests) needs no replacement;
/// one where they changed shape is an error, so that a person revisits the
/// hand-written types.
pub(super) fn replace(spec: &mut Value) -> Result<(), String> {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    if let Some(retry) = schemas
        .get_mut("TriggerTestSessionRequest")
        .and_then(|s| s.pointer_mut("/properties/retryStrategy"))
    {
        if retry.get("anyOf").is_none() {
            return Err(
                "retryStrategy is no longer an anyOf: revisit build/codegen/any_of.rs".into(),
            );
        }
        *retry = json!({ "x-rust-type": super::rust_type("RetryStrategy"), "nullable": true });
    }
    if let Some(env) = schemas.get(ENVIRONMENT_VARIABLE)
        && env.get("anyOf").is_none()
    {
        return Err(
            "TestSessionEnvironmentVariable is no longer an anyOf: revisit build/codegen/any_of.rs"
                .into(),
        );
    }
    Ok(())
}
