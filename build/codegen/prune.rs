//! Transform 9: nothing unreferenced reaches progenitor.

use std::collections::BTreeSet;

use serde_json::Value;

/// Removes the component schemas that nothing reachable from the paths
/// references (the per-status error schemas once `errors` has run).
pub(super) fn unreferenced(spec: &mut Value) {
    let schemas = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut used = BTreeSet::new();
    let mut pending = Vec::new();
    super::each_ref(&spec["paths"], &mut |r| pending.push(r.to_string()));
    while let Some(reference) = pending.pop() {
        let Some(name) = super::schema_ref(&reference) else {
            continue;
        };
        if used.insert(name.to_string()) {
            super::each_ref(&schemas[name], &mut |r| pending.push(r.to_string()));
        }
    }
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| used.contains(name));
    }
}
