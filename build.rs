//! Generates the API client from `openapi/checkly.yaml` with progenitor.
//!
//! The spec is written exactly as Checkly documents its API. Before handing it
//! to progenitor, this script applies three transforms to an in-memory copy
//! (the vendored file is never changed), each because progenitor/typify cannot
//! produce a usable type from the spec as written:
//!
//! 1. **Open enums.** Every string enum becomes a reference (`x-rust-type`) to
//!    an enum generated here with the `open_enum!` macro (`src/open_enum.rs`):
//!    known values as variants plus `Unknown(String)`, so a value Checkly adds
//!    later still decodes. Enums are named by the table in [`enum_name`]; the
//!    same name used in several places takes the union of their values.
//! 2. **Hand-written anyOf types.** `TriggerTestSessionRequest.retryStrategy`
//!    and `TestSessionEnvironmentVariable` are anyOf schemas that typify turns
//!    into flattened structs of `serde_json::Value`s that lose data. They point
//!    at `types::RetryStrategy` and `types::EnvironmentVariable` instead,
//!    whose wire forms are tested against the spec.
//! 3. **String limits.** `minLength`/`maxLength` are removed so that typify
//!    emits plain `String`s instead of newtypes whose errors name neither
//!    field nor limit. `crate::validate` checks every limit against the
//!    unmodified spec before a request is sent.
//!
//! 4. **Whole-number query parameters.** `number` query parameters
//!    (`from`, `to`, `maxWaitSeconds`) become `integer`, so that they are sent
//!    as `20` rather than `20.0`; all three are whole seconds.
//!
//! Outputs in `OUT_DIR`: `codegen.rs` (the client), `open_enums.rs` and
//! `spec.json` (the unmodified spec, for the validator).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

const SPEC: &str = "openapi/checkly.yaml";

fn main() {
    println!("cargo:rerun-if-changed=openapi");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let text = std::fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("reading {SPEC}: {e}"));
    let spec: Value =
        serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parsing {SPEC}: {e}"));
    write(&out_dir.join("spec.json"), &spec.to_string());

    let mut codegen_spec = spec.clone();
    let mut enums = BTreeMap::new();
    let mut ctx = Ctx::default();
    transform(&mut codegen_spec, &mut ctx, &mut enums);
    replace_any_of_types(&mut codegen_spec);
    write(&out_dir.join("open_enums.rs"), &open_enums_source(&enums));

    let openapi: openapiv3::OpenAPI = serde_json::from_value(codegen_spec)
        .unwrap_or_else(|e| panic!("{SPEC} is not valid OpenAPI 3.0: {e}"));
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote_path("crate::hooks::ClientState"))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq")
        .with_crate("checkly", progenitor::CrateVers::Any, None)
        .with_replacement(
            "TestSessionEnvironmentVariable",
            "::checkly::types::EnvironmentVariable",
            std::iter::empty(),
        );
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .unwrap_or_else(|e| panic!("progenitor failed on {SPEC}: {e}"));
    let file: syn::File = syn::parse2(tokens).expect("progenitor emits valid Rust");
    write(&out_dir.join("codegen.rs"), &prettyplease::unparse(&file));
}

fn write(path: &std::path::Path, contents: &str) {
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a valid Rust path")
}

/// Where the walk is: the component schema (if any) and the nearest property
/// or parameter name.
#[derive(Clone, Default)]
struct Ctx {
    component: Option<String>,
    property: Option<String>,
    in_retry_strategy: bool,
}

/// The Rust name of the open enum for a string enum found at `ctx`, or `None`
/// for enums that a hand-written type already covers. Panics on an enum this
/// table does not know, so that a spec change forces a naming decision.
fn enum_name(ctx: &Ctx) -> Option<&'static str> {
    let property = ctx.property.as_deref().unwrap_or("");
    if ctx.in_retry_strategy {
        return match property {
            "onlyOn" => Some("RetryCondition"),
            "type" => None, // the tag of the hand-written RetryStrategy
            other => panic!("unnamed enum `{other}` in retryStrategy: add it to enum_name"),
        };
    }
    Some(match property {
        "status" if ctx.component.as_deref() == Some("CheckSession") => "CheckSessionStatus",
        "status" | "statuses" => "TestSessionStatus",
        "providers" => "TestSessionProvider",
        "checkType" => "CheckType",
        "resultType" => "ResultType",
        other => panic!(
            "unnamed string enum at property `{other}` of {:?}: add it to enum_name in build.rs",
            ctx.component
        ),
    })
}

fn transform(node: &mut Value, ctx: &mut Ctx, enums: &mut BTreeMap<&'static str, Vec<String>>) {
    match node {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("string")) {
                map.remove("minLength");
                map.remove("maxLength");
                if let Some(Value::Array(values)) = map.get("enum")
                    && let Some(name) = enum_name(ctx)
                {
                    let values: Vec<String> = values
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .expect("string enum values are strings")
                                .to_string()
                        })
                        .collect();
                    let known = enums.entry(name).or_default();
                    // The union, in the order of the longest list (a subset such as
                    // the completion's FAILED|PASSED|CANCELLED must not reorder it).
                    let (mut merged, rest) = if values.len() > known.len() {
                        (values, std::mem::take(known))
                    } else {
                        (std::mem::take(known), values)
                    };
                    for value in rest {
                        if !merged.contains(&value) {
                            merged.push(value);
                        }
                    }
                    *known = merged;
                    let nullable = map.get("nullable").cloned();
                    map.clear();
                    map.insert("x-rust-type".into(), rust_type(name));
                    if let Some(nullable) = nullable {
                        map.insert("nullable".into(), nullable);
                    }
                    return;
                }
            }
            // A parameter object names the schema below it.
            let param_name = match (map.get("name"), map.get("schema")) {
                (Some(Value::String(name)), Some(_)) => Some(name.clone()),
                _ => None,
            };
            if map.get("in") == Some(&json!("query"))
                && let Some(schema) = map.get_mut("schema").and_then(Value::as_object_mut)
                && schema.get("type") == Some(&json!("number"))
            {
                schema.insert("type".into(), json!("integer"));
            }
            for (key, child) in map.iter_mut() {
                let mut inner = ctx.clone();
                if key == "schema" && param_name.is_some() {
                    inner.property = param_name.clone();
                }
                if key == "retryStrategy" {
                    inner.in_retry_strategy = true;
                }
                transform_child(key, child, &mut inner, enums);
            }
        }
        Value::Array(items) => {
            for item in items {
                transform(item, ctx, enums);
            }
        }
        _ => {}
    }
}

fn transform_child(
    key: &str,
    child: &mut Value,
    ctx: &mut Ctx,
    enums: &mut BTreeMap<&'static str, Vec<String>>,
) {
    // components.schemas: each entry starts a new component.
    if key == "schemas"
        && let Value::Object(schemas) = child
    {
        {
            for (name, schema) in schemas.iter_mut() {
                let mut inner = Ctx {
                    component: Some(name.clone()),
                    ..Ctx::default()
                };
                transform(schema, &mut inner, enums);
            }
            return;
        }
    }
    if key == "properties"
        && let Value::Object(props) = child
    {
        {
            for (name, schema) in props.iter_mut() {
                let mut inner = ctx.clone();
                inner.property = Some(name.clone());
                if name == "retryStrategy" {
                    inner.in_retry_strategy = true;
                }
                transform(schema, &mut inner, enums);
            }
            return;
        }
    }
    transform(child, ctx, enums);
}

fn rust_type(name: &str) -> Value {
    json!({ "crate": "checkly", "version": "*", "path": format!("checkly::types::{name}") })
}

/// Transform 2: the two anyOf schemas become hand-written types.
fn replace_any_of_types(spec: &mut Value) {
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the spec has components.schemas");
    let retry = schemas
        .get_mut("TriggerTestSessionRequest")
        .and_then(|s| s.pointer_mut("/properties/retryStrategy"))
        .expect("TriggerTestSessionRequest.retryStrategy exists");
    assert!(
        retry.get("anyOf").is_some(),
        "retryStrategy is no longer an anyOf: revisit build.rs"
    );
    *retry = json!({ "x-rust-type": rust_type("RetryStrategy"), "nullable": true });
    let env = schemas
        .get("TestSessionEnvironmentVariable")
        .expect("TestSessionEnvironmentVariable exists");
    assert!(
        env.get("anyOf").is_some(),
        "TestSessionEnvironmentVariable is no longer an anyOf"
    );
    // Replaced by name in `main` (`with_replacement`), so that fields hold
    // `EnvironmentVariable` itself rather than a newtype around it.
}

fn open_enums_source(enums: &BTreeMap<&'static str, Vec<String>>) -> String {
    let mut out =
        String::from("// Generated by build.rs from openapi/checkly.yaml. Do not edit.\n");
    for (name, values) in enums {
        out.push_str(&format!(
            "crate::open_enum::open_enum! {{\n    /// The `{name}` values the spec knows, plus `Unknown` for any other.\n    {name} {{\n"
        ));
        for value in values {
            out.push_str(&format!("        {} = {value:?},\n", pascal_case(value)));
        }
        out.push_str("    }\n}\n");
    }
    out
}

fn pascal_case(wire: &str) -> String {
    wire.split(['_', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
