//! From the vendored spec to Rust source, with progenitor.
//!
//! The spec is Checkly's own structure for the operations we use (trimmed by
//! `cargo xtask spec trim`, never edited by hand). Before handing it to
//! progenitor, [`generate`] applies these transforms to an in-memory copy,
//! each because progenitor 0.15 or typify refuses the construct or renders
//! it as a type nobody could use. Each lives in its own module and is tested
//! there:
//!
//! 1. [`headers`]: the `x-checkly-account` header parameter is dropped from
//!    every operation: the client's hooks send it (with the API key), so it
//!    is not an argument of each call.
//! 2. [`errors`]: every error answer (4xx, 5xx and `default`) is
//!    `ApiError`. Upstream declares a different `ApiError`-shaped schema per
//!    status on some operations (`UnauthorizedError`, ...), which progenitor
//!    refuses (one error type per operation); each of those has the
//!    `statusCode`/`error`/`message` of `ApiError`, so nothing is lost. An
//!    error response without content gets that schema too, and a success
//!    answer (such as a 204) with an empty schema gets none.
//! 3. [`aliases`]: a component that is not an object (an array, a string
//!    enum, a scalar) is inlined where it is referenced. Upstream names such
//!    components `Model24`, `matchTags`, ...; typify would make each a
//!    newtype, where the plain `Vec`/enum is what a user wants.
//! 4. [`enums`]: every string enum becomes an open enum (`x-rust-type`
//!    pointing at an `open_enum!` type generated here): the known values as
//!    variants plus `Unknown(String)`, so a value Checkly adds later still
//!    decodes. Enums are named by the table in [`enums::name`]; one name used
//!    in several places takes the union of their values. `null` in an enum
//!    list stands for the property's nullability, which it keeps.
//! 5. [`any_of`]: `TriggerTestSessionRequest.retryStrategy` and
//!    `TestSessionEnvironmentVariable` are anyOf schemas that typify turns
//!    into flattened structs of `serde_json::Value`s that lose data. They
//!    point at the hand-written `types::RetryStrategy` and
//!    `types::EnvironmentVariable`, whose wire forms are tested.
//! 6. [`enums`] also removes `minLength`/`maxLength` from strings, so that
//!    typify emits plain `String`s instead of newtypes whose errors name
//!    neither field nor limit. `crate::validate` checks every limit against
//!    the unmodified spec before a request is sent.
//! 7. [`query`]: `number` query parameters become `integer`, so that they
//!    are sent as `20` rather than `20.0`; all of them are whole numbers.
//! 8. [`nullable`]: a component marked `nullable` (the open result-detail
//!    objects) loses the mark, and every property that references it gets
//!    `allOf: [$ref]` plus `nullable`, which typify renders as `Option`.
//! 9. [`prune`]: components no longer referenced after the transforms (the
//!    per-status error schemas) are removed.
//!
//! Besides the client, [`operations`] writes the table of operations
//! (`checkly::Operation`) from the unmodified spec.

mod aliases;
mod any_of;
mod enums;
mod errors;
mod headers;
mod nullable;
pub mod operations;
mod prune;
mod query;

use serde_json::{Value, json};

/// Everything generated from one spec.
#[derive(Debug)]
pub struct Generated {
    /// The unmodified spec as JSON, for the validator.
    pub spec_json: String,
    /// The progenitor client.
    pub client: String,
    /// The open enums, as `open_enum!` invocations.
    pub open_enums: String,
    /// The table of operations.
    pub operations: String,
}

/// Generates the client from the text of a spec (YAML or JSON).
pub fn generate(text: &str) -> Result<Generated, String> {
    let spec: Value = serde_yaml_ng::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let operations = operations::source(&spec)?;
    let mut codegen = spec.clone();
    let open_enums = transform(&mut codegen)?;
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(codegen).map_err(|e| format!("not OpenAPI 3.0: {e}"))?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote_path("crate::hooks::ClientState"))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq")
        .with_crate("checkly", progenitor::CrateVers::Any, None)
        .with_replacement(
            any_of::ENVIRONMENT_VARIABLE,
            "::checkly::types::EnvironmentVariable",
            std::iter::empty(),
        );
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .map_err(|e| format!("progenitor failed: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor emitted invalid Rust: {e}"))?;
    Ok(Generated {
        spec_json: spec.to_string(),
        client: prettyplease::unparse(&file),
        open_enums,
        operations,
    })
}

/// Applies every transform to `spec`; returns the open enums' source.
fn transform(spec: &mut Value) -> Result<String, String> {
    headers::drop_account_header(spec);
    errors::one_error_type(spec)?;
    prune::unreferenced(spec);
    aliases::inline(spec)?;
    nullable::move_to_properties(spec);
    let enums = enums::open(spec)?;
    any_of::replace(spec)?;
    query::whole_numbers(spec);
    Ok(enums::source(&enums))
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a valid Rust path")
}

/// The `x-rust-type` of a hand-written or generated type of this crate.
fn rust_type(name: &str) -> Value {
    json!({ "crate": "checkly", "version": "*", "path": format!("checkly::types::{name}") })
}

/// Every operation object of the spec, with its path and method.
fn operations_mut(spec: &mut Value) -> impl Iterator<Item = &mut serde_json::Map<String, Value>> {
    spec.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(method, _)| operations::METHODS.contains(&method.as_str()))
                .map(|(_, op)| op)
        })
        .filter_map(Value::as_object_mut)
}

/// Calls `visit` on every `$ref` string in `node`.
fn each_ref(node: &Value, visit: &mut impl FnMut(&str)) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => visit(reference),
                    _ => each_ref(child, visit),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| each_ref(item, visit)),
        _ => {}
    }
}

/// The component name of a local schema reference.
fn schema_ref(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

#[cfg(test)]
mod tests;
