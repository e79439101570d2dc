//! Our descriptions (`openapi/docs.yaml`) and their merge into the trimmed
//! spec.
//!
//! docs.yaml is keyed by upstream names:
//!
//! ```yaml
//! info: { title: ..., description: ... }
//! securitySchemes: { Bearer: ... }
//! responses: { '401': ... }          # default response descriptions by status
//! parameters: { Name: ... }          # components.parameters, if any
//! operations:
//!   postV1TestsessionsTrigger:
//!     summary: ...                   # optional
//!     description: ...
//!     parameters: { maxWaitSeconds: ... }
//!     requestBody: ...               # optional
//!     responses: { '201': ... }      # overrides the defaults
//! schemas:
//!   TriggerTestSessionRequest:
//!     description: ...
//!     properties: { name: ..., target.matchTags: ... }
//! ```
//!
//! A property path is dotted: each segment names a property, looked up
//! through `items` and inline `allOf`/`anyOf`/`oneOf` members (every match is
//! described, so both variants of an `anyOf` get it). A property that is a
//! `$ref` cannot carry a description (OpenAPI 3.0 ignores siblings of
//! `$ref`): describe the referenced schema instead. YAML anchors and merge
//! keys (`<<: *props`) may be used to share text; top-level keys starting
//! with `x-` are ignored, so they can hold the anchored originals.
//!
//! Response objects must have a description in OpenAPI 3.0; one without any
//! of ours gets an empty one and is listed as undocumented.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_yaml_ng::Value;

use super::METHODS;

/// The title used when docs.yaml has none.
pub const FALLBACK_TITLE: &str = "Checkly Public API (subset)";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Docs {
    #[serde(default)]
    pub info: InfoDocs,
    #[serde(default)]
    pub security_schemes: BTreeMap<String, String>,
    #[serde(default)]
    pub responses: BTreeMap<String, String>,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub operations: BTreeMap<String, OperationDocs>,
    #[serde(default)]
    pub schemas: BTreeMap<String, SchemaDocs>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoDocs {
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationDocs {
    pub summary: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    pub request_body: Option<String>,
    #[serde(default)]
    pub responses: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaDocs {
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

impl Docs {
    /// Parses docs.yaml text (anchors and merge keys allowed).
    pub fn parse(text: &str) -> Result<Self> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let mut value = super::read::parse_document(text)?;
        // A merged-in mapping may hold merge keys of its own: apply until
        // none is left.
        for _ in 0..8 {
            value.apply_merge().context("docs.yaml merge keys")?;
            if !has_merge_key(&value) {
                break;
            }
        }
        // Top-level `x-` keys hold anchors for sharing text; not entries.
        if let Some(map) = value.as_mapping_mut() {
            map.retain(|k, _| !k.as_str().is_some_and(|k| k.starts_with("x-")));
        }
        serde_yaml_ng::from_value(value).context("docs.yaml does not have the expected shape")
    }

    /// Reads docs.yaml; a missing file means no docs.
    pub fn read(path: &std::path::Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).with_context(|| format!("in {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }
}

fn has_merge_key(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map
            .iter()
            .any(|(k, v)| k.as_str() == Some("<<") || has_merge_key(v)),
        Value::Sequence(seq) => seq.iter().any(has_merge_key),
        _ => false,
    }
}

/// What the merge found missing or left over.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DocsReport {
    /// Kept items without a description of ours.
    pub undocumented: Vec<String>,
    /// docs.yaml entries for things not in the spec.
    pub stale: Vec<String>,
}

impl DocsReport {
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.undocumented {
            out.push_str(&format!("undocumented: {line}\n"));
        }
        for line in &self.stale {
            out.push_str(&format!("stale: {line}\n"));
        }
        out
    }
}

fn set(value: &mut Value, key: &str, text: &str) {
    if let Some(map) = value.as_mapping_mut() {
        map.insert(key.into(), Value::String(text.to_owned()));
    }
}

fn is_ref(value: &Value) -> bool {
    value.get("$ref").is_some()
}

/// Merges `docs` into a prose-free `doc` as `description`/`summary` (and
/// `info.title`), and reports what is undocumented or stale.
pub fn merge(doc: &mut Value, docs: &Docs) -> DocsReport {
    let mut report = DocsReport::default();

    // info
    if doc.get("info").is_none() {
        doc["info"] = Value::Mapping(Default::default());
    }
    let title = docs.info.title.as_deref().unwrap_or_else(|| {
        report.undocumented.push("info.title".into());
        FALLBACK_TITLE
    });
    set(&mut doc["info"], "title", title);
    match &docs.info.description {
        Some(d) => set(&mut doc["info"], "description", d),
        None => report.undocumented.push("info.description".into()),
    }

    // security schemes and component parameters
    merge_named(
        doc,
        "securitySchemes",
        &docs.security_schemes,
        "security scheme",
        &mut report,
    );
    merge_named(
        doc,
        "parameters",
        &docs.parameters,
        "parameter",
        &mut report,
    );

    // operations
    let mut seen_ops = BTreeSet::new();
    let mut used_codes = BTreeSet::new();
    let empty = OperationDocs::default();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            let path_params = item.get("parameters").cloned();
            for method in METHODS {
                let Some(op) = item.get_mut(*method) else {
                    continue;
                };
                let Some(id) = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                else {
                    continue;
                };
                seen_ops.insert(id.clone());
                let od = docs.operations.get(&id).unwrap_or(&empty);
                merge_operation(
                    op,
                    &id,
                    od,
                    path_params.as_ref(),
                    docs,
                    &mut used_codes,
                    &mut report,
                );
            }
            // Path-level parameters take the text any of the path's
            // operations gives for that name.
            let ids: Vec<String> = METHODS
                .iter()
                .filter_map(|m| {
                    item.get(*m)?
                        .get("operationId")?
                        .as_str()
                        .map(str::to_owned)
                })
                .collect();
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_sequence_mut) {
                for param in params.iter_mut().filter(|p| !is_ref(p)) {
                    let Some(name) = param.get("name").and_then(Value::as_str).map(str::to_owned)
                    else {
                        continue;
                    };
                    let text = ids
                        .iter()
                        .filter_map(|id| docs.operations.get(id)?.parameters.get(&name))
                        .next();
                    match text {
                        Some(text) => set(param, "description", text),
                        None => report
                            .undocumented
                            .push(format!("path parameter {name} (of {})", ids.join(", "))),
                    }
                }
            }
        }
    }
    for id in docs.operations.keys() {
        if !seen_ops.contains(id) {
            report
                .stale
                .push(format!("operations.{id} (no such operation)"));
        }
    }
    for code in docs.responses.keys() {
        if !used_codes.contains(code) {
            report
                .stale
                .push(format!("responses.{code} (no response has this status)"));
        }
    }

    // component responses (named): described by responses.<name>, or empty.
    if let Some(responses) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("responses"))
        .and_then(Value::as_mapping_mut)
    {
        for (name, response) in responses.iter_mut() {
            let name = name.as_str().unwrap_or_default().to_owned();
            let text = docs.responses.get(&name).cloned().unwrap_or_default();
            if text.is_empty() {
                report.undocumented.push(format!("response {name}"));
            }
            set(response, "description", &text);
        }
    }

    // schemas
    let mut seen_schemas = BTreeSet::new();
    let empty = SchemaDocs::default();
    if let Some(schemas) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let Some(name) = name.as_str().map(str::to_owned) else {
                continue;
            };
            seen_schemas.insert(name.clone());
            let sd = docs.schemas.get(&name).unwrap_or(&empty);
            merge_schema(schema, &name, sd, &mut report);
        }
    }
    for name in docs.schemas.keys() {
        if !seen_schemas.contains(name) {
            report
                .stale
                .push(format!("schemas.{name} (no such schema)"));
        }
    }
    report
}

fn merge_named(
    doc: &mut Value,
    section: &str,
    texts: &BTreeMap<String, String>,
    what: &str,
    report: &mut DocsReport,
) {
    let mut seen = BTreeSet::new();
    if let Some(entries) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut(section))
        .and_then(Value::as_mapping_mut)
    {
        for (name, value) in entries.iter_mut() {
            let Some(name) = name.as_str() else { continue };
            seen.insert(name.to_owned());
            match texts.get(name) {
                Some(text) if !is_ref(value) => set(value, "description", text),
                Some(_) => report
                    .stale
                    .push(format!("{section}.{name} (a $ref cannot be described)")),
                None => report.undocumented.push(format!("{what} {name}")),
            }
        }
    }
    for name in texts.keys() {
        if !seen.contains(name) {
            report
                .stale
                .push(format!("{section}.{name} (no such {what})"));
        }
    }
}

fn merge_operation(
    op: &mut Value,
    id: &str,
    od: &OperationDocs,
    path_params: Option<&Value>,
    docs: &Docs,
    used_codes: &mut BTreeSet<String>,
    report: &mut DocsReport,
) {
    if let Some(summary) = &od.summary {
        set(op, "summary", summary);
    }
    match &od.description {
        Some(d) => set(op, "description", d),
        None => report.undocumented.push(format!("operation {id}")),
    }

    let mut param_names = BTreeSet::new();
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_sequence_mut) {
        for param in params.iter_mut() {
            if is_ref(param) {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            param_names.insert(name.clone());
            match od.parameters.get(&name) {
                Some(text) => set(param, "description", text),
                None => report
                    .undocumented
                    .push(format!("operation {id} parameter {name}")),
            }
        }
    }
    if let Some(params) = path_params.and_then(Value::as_sequence) {
        param_names.extend(
            params
                .iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned)),
        );
    }
    for name in od.parameters.keys() {
        if !param_names.contains(name) {
            report.stale.push(format!(
                "operations.{id}.parameters.{name} (no such parameter)"
            ));
        }
    }

    match (op.get_mut("requestBody"), &od.request_body) {
        (Some(body), Some(text)) if !is_ref(body) => set(body, "description", text),
        (None, Some(_)) => report
            .stale
            .push(format!("operations.{id}.requestBody (no request body)")),
        _ => {}
    }

    let mut codes = BTreeSet::new();
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) {
        for (code, response) in responses.iter_mut() {
            let code = code.as_str().unwrap_or_default().to_owned();
            codes.insert(code.clone());
            used_codes.insert(code.clone());
            if is_ref(response) {
                continue;
            }
            let text = od
                .responses
                .get(&code)
                .or_else(|| docs.responses.get(&code))
                .cloned()
                .unwrap_or_default();
            if text.is_empty() {
                report
                    .undocumented
                    .push(format!("operation {id} response {code}"));
            }
            set(response, "description", &text);
        }
    }
    for code in od.responses.keys() {
        if !codes.contains(code) {
            report.stale.push(format!(
                "operations.{id}.responses.{code} (no such response)"
            ));
        }
    }
}

fn merge_schema(schema: &mut Value, name: &str, sd: &SchemaDocs, report: &mut DocsReport) {
    match &sd.description {
        Some(text) if !is_ref(schema) => set(schema, "description", text),
        Some(_) => report
            .stale
            .push(format!("schemas.{name} (a $ref cannot be described)")),
        None if !is_ref(schema) => report.undocumented.push(format!("schema {name}")),
        None => {}
    }
    for (path, text) in &sd.properties {
        let segments: Vec<&str> = path.split('.').collect();
        let mut targets = Vec::new();
        find_properties(schema, &segments, &mut targets);
        if targets.is_empty() {
            report.stale.push(format!(
                "schemas.{name}.properties.{path} (no such property)"
            ));
            continue;
        }
        for target in targets {
            if is_ref(target) {
                report.stale.push(format!(
                    "schemas.{name}.properties.{path} (a $ref; describe the referenced schema)"
                ));
            } else {
                set(target, "description", text);
            }
        }
    }
    let mut missing = Vec::new();
    for (prop, is_reference) in top_level_properties(schema) {
        if !is_reference && !sd.properties.contains_key(&prop) && !missing.contains(&prop) {
            missing.push(prop);
        }
    }
    if !missing.is_empty() {
        report
            .undocumented
            .push(format!("schema {name} properties {}", missing.join(", ")));
    }
}

/// Every schema that the dotted property path `segments` names inside
/// `schema`.
fn find_properties<'a>(schema: &'a mut Value, segments: &[&str], out: &mut Vec<&'a mut Value>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(schema);
        return;
    };
    let Value::Mapping(map) = schema else { return };
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            Some("properties") => {
                if let Value::Mapping(props) = value {
                    for (prop, sub) in props.iter_mut() {
                        if prop.as_str() == Some(*first) {
                            find_properties(sub, rest, out);
                        }
                    }
                }
            }
            Some("items") => find_properties(value, segments, out),
            Some("allOf" | "anyOf" | "oneOf") => {
                if let Value::Sequence(members) = value {
                    for member in members.iter_mut() {
                        find_properties(member, segments, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The properties a component schema has at its top level (through `items`
/// and inline compositions), with whether each is a `$ref`.
fn top_level_properties(schema: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_mapping) {
        for (k, v) in props {
            if let Some(k) = k.as_str() {
                out.push((k.to_owned(), is_ref(v)));
            }
        }
    }
    if let Some(items) = schema.get("items") {
        out.extend(top_level_properties(items));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_sequence) {
            for member in members {
                out.extend(top_level_properties(member));
            }
        }
    }
    out
}
