//! Transform 1: the account header is the hooks' job, not a call argument.

use serde_json::Value;

/// The header that names the account; sent by `crate::hooks` on every request.
const ACCOUNT_HEADER: &str = "x-checkly-account";

/// Drops the `x-checkly-account` header parameter from every operation.
pub(super) fn drop_account_header(spec: &mut Value) {
    for op in super::operations_mut(spec) {
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            params.retain(|p| {
                !(p["in"] == "header"
                    && p["name"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(ACCOUNT_HEADER)))
            });
            if params.is_empty() {
                op.remove("parameters");
            }
        }
    }
}
