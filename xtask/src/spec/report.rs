//! The change report: what differs between two versions of the vendored
//! spec, each change marked `additive` or `breaking`.
//!
//! One line per change: `<mark>  <subject>: <what changed>`, where the
//! subject is `operation <operationId>[ parameter <in> <name> | request body
//! | response <status>]` or `schema <Name>[.<property>...]` (`[]` steps into
//! `items`, `{}` into `additionalProperties`, `.anyOf[i]` into a member).
//! Operations come first (by operationId), then schemas (by name).
//!
//! The rule (from a client's point of view; a schema reachable from a
//! parameter or request body is "in a request", one reachable from a
//! response is "in a response", and one in both is both):
//! - added operation, schema, property, enum value, response status or media
//!   type: additive; removed: breaking;
//! - a new parameter or property that is required in a request: breaking;
//! - newly required: breaking in a request, additive in a response only;
//!   no longer required: breaking in a response, additive in a request only;
//! - newly nullable: breaking in a response, additive in a request only; no
//!   longer nullable: breaking in a request, additive in a response only;
//! - type, format, `$ref` target or path/method changed: breaking;
//! - limits (`minimum`, `maxLength`, `minItems`, ...): tightened is
//!   breaking, loosened is additive; `pattern` added or changed is breaking,
//!   removed is additive;
//! - `deprecated` set or cleared, `default` changed: additive;
//! - any other keyword changed (e.g. `x-format`): breaking, to be safe.
//!
//! Prose (descriptions, summaries) is never reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_yaml_ng::{Mapping, Value};

use super::prose::is_prose_keyword;
use super::refs::{self, ComponentRef, deref};
use super::trim::operation_index;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Additive,
    Breaking,
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mark::Additive => "additive",
            Mark::Breaking => "breaking",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub mark: Mark,
    pub subject: String,
    pub detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}  {}: {}", self.mark, self.subject, self.detail)
    }
}

/// Renders the change lines and a summary line.
pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        out.push_str(&change.to_string());
        out.push('\n');
    }
    let breaking = changes.iter().filter(|c| c.mark == Mark::Breaking).count();
    if changes.is_empty() {
        out.push_str("no changes\n");
    } else {
        out.push_str(&format!(
            "{} change(s): {} additive, {} breaking\n",
            changes.len(),
            changes.len() - breaking,
            breaking
        ));
    }
    out
}

#[derive(Debug, Clone, Copy, Default)]
struct Side {
    request: bool,
    response: bool,
}

impl Side {
    const REQUEST: Side = Side {
        request: true,
        response: false,
    };
    const RESPONSE: Side = Side {
        request: false,
        response: true,
    };
}

/// The changes from `old` to `new`.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut usage = schema_usage(old);
    for (name, side) in schema_usage(new) {
        let entry = usage.entry(name).or_default();
        entry.request |= side.request;
        entry.response |= side.response;
    }
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    d.operations();
    d.schemas(&usage);
    d.changes
}

/// Which component schemas each side (request, response) reaches.
fn schema_usage(doc: &Value) -> BTreeMap<String, Side> {
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    for (path, method) in operation_index(doc).values() {
        let item = &doc["paths"][path.as_str()];
        let op = &item[method.as_str()];
        for params in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_sequence)
        {
            for p in params {
                refs::collect_refs(deref(doc, p), &mut request);
            }
        }
        if let Some(body) = op.get("requestBody") {
            refs::collect_refs(deref(doc, body), &mut request);
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_mapping) {
            for r in responses.values() {
                refs::collect_refs(deref(doc, r), &mut response);
            }
        }
    }
    let mut usage: BTreeMap<String, Side> = BTreeMap::new();
    for (roots, is_request) in [(request, true), (response, false)] {
        let mut todo: Vec<String> = roots.into_iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(r) = todo.pop() {
            if !seen.insert(r.clone()) {
                continue;
            }
            let Ok(target) = ComponentRef::parse(&r) else {
                continue;
            };
            let Some(value) = target.resolve(doc) else {
                continue;
            };
            if target.section == "schemas" {
                let side = usage.entry(target.name.clone()).or_default();
                if is_request {
                    side.request = true;
                } else {
                    side.response = true;
                }
            }
            let mut found = BTreeSet::new();
            refs::collect_refs(value, &mut found);
            todo.extend(found);
        }
    }
    usage
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => serde_json::to_string(other).unwrap_or_else(|_| "?".into()),
    }
}

fn show_opt(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".into(), show)
}

fn describe_type(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return format!("$ref {}", r.rsplit('/').next().unwrap_or(r));
    }
    show_opt(schema.get("type"))
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn mapping(value: Option<&Value>) -> Mapping {
    value
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default()
}

fn string_set(value: Option<&Value>) -> BTreeSet<String> {
    value
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn mark_if(breaking: bool) -> Mark {
    if breaking {
        Mark::Breaking
    } else {
        Mark::Additive
    }
}

/// Limits: (keyword, whether a larger value is tighter).
const LIMITS: &[(&str, bool)] = &[
    ("minimum", true),
    ("maximum", false),
    ("minLength", true),
    ("maxLength", false),
    ("minItems", true),
    ("maxItems", false),
    ("minProperties", true),
    ("maxProperties", false),
];

/// Schema keywords the differ looks at itself; the rest is compared as a
/// whole.
const HANDLED: &[&str] = &[
    "$ref",
    "type",
    "format",
    "nullable",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "required",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
];

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn push(&mut self, mark: Mark, subject: &str, detail: impl Into<String>) {
        self.changes.push(Change {
            mark,
            subject: subject.to_owned(),
            detail: detail.into(),
        });
    }

    fn operations(&mut self) {
        let old_ops = operation_index(self.old);
        let new_ops = operation_index(self.new);
        let ids: BTreeSet<&String> = old_ops.keys().chain(new_ops.keys()).collect();
        for id in ids {
            let subject = format!("operation {id}");
            match (old_ops.get(id), new_ops.get(id)) {
                (None, Some((path, method))) => self.push(
                    Mark::Additive,
                    &subject,
                    format!("added ({} {path})", method.to_uppercase()),
                ),
                (Some((path, method)), None) => self.push(
                    Mark::Breaking,
                    &subject,
                    format!("removed ({} {path})", method.to_uppercase()),
                ),
                (Some(old_at), Some(new_at)) => {
                    if old_at != new_at {
                        self.push(
                            Mark::Breaking,
                            &subject,
                            format!(
                                "moved from {} {} to {} {}",
                                old_at.1.to_uppercase(),
                                old_at.0,
                                new_at.1.to_uppercase(),
                                new_at.0
                            ),
                        );
                    }
                    self.operation(&subject, old_at, new_at);
                }
                (None, None) => {}
            }
        }
    }

    fn operation(&mut self, subject: &str, old_at: &(String, String), new_at: &(String, String)) {
        let (old, new) = (self.old, self.new);
        let old_item = &old["paths"][old_at.0.as_str()];
        let new_item = &new["paths"][new_at.0.as_str()];
        let old_op = &old_item[old_at.1.as_str()];
        let new_op = &new_item[new_at.1.as_str()];
        self.deprecated(old_op, new_op, subject);

        // Parameters, by (in, name).
        let params = |doc: &Value, item: &Value, op: &Value| -> BTreeMap<(String, String), Value> {
            let mut out = BTreeMap::new();
            for list in [item.get("parameters"), op.get("parameters")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_sequence)
            {
                for p in list {
                    let p = deref(doc, p);
                    let key = (show_opt(p.get("in")), show_opt(p.get("name")));
                    out.insert(key, p.clone());
                }
            }
            out
        };
        let old_params = params(old, old_item, old_op);
        let new_params = params(new, new_item, new_op);
        let keys: BTreeSet<&(String, String)> =
            old_params.keys().chain(new_params.keys()).collect();
        for key in keys {
            let at = format!("{subject} parameter {} {}", key.0, key.1);
            match (old_params.get(key), new_params.get(key)) {
                (None, Some(p)) => self.added_request_item(p, &at),
                (Some(_), None) => self.push(Mark::Breaking, &at, "removed"),
                (Some(o), Some(n)) => {
                    self.required_flag(o, n, &at);
                    self.deprecated(o, n, &at);
                    if let (Some(os), Some(ns)) = (o.get("schema"), n.get("schema")) {
                        self.schema(os, ns, &at, Side::REQUEST);
                    }
                }
                (None, None) => {}
            }
        }

        // Request body.
        let at = format!("{subject} request body");
        match (
            old_op.get("requestBody").map(|b| deref(old, b)),
            new_op.get("requestBody").map(|b| deref(new, b)),
        ) {
            (None, Some(b)) => self.added_request_item(b, &at),
            (Some(_), None) => self.push(Mark::Breaking, &at, "removed"),
            (Some(o), Some(n)) => {
                self.required_flag(o, n, &at);
                self.content(o, n, &at, Side::REQUEST);
            }
            (None, None) => {}
        }

        // Responses.
        let old_responses = mapping(old_op.get("responses"));
        let new_responses = mapping(new_op.get("responses"));
        let codes: BTreeSet<String> = old_responses
            .keys()
            .chain(new_responses.keys())
            .map(show)
            .collect();
        for code in codes {
            let at = format!("{subject} response {code}");
            match (
                old_responses.get(code.as_str()).map(|r| deref(old, r)),
                new_responses.get(code.as_str()).map(|r| deref(new, r)),
            ) {
                (None, Some(_)) => self.push(Mark::Additive, &at, "added"),
                (Some(_), None) => self.push(Mark::Breaking, &at, "removed"),
                (Some(o), Some(n)) => self.content(o, n, &at, Side::RESPONSE),
                (None, None) => {}
            }
        }
    }

    fn content(&mut self, old: &Value, new: &Value, at: &str, side: Side) {
        let old_content = mapping(old.get("content"));
        let new_content = mapping(new.get("content"));
        let types: BTreeSet<String> = old_content
            .keys()
            .chain(new_content.keys())
            .map(show)
            .collect();
        for media in types {
            match (
                old_content.get(media.as_str()),
                new_content.get(media.as_str()),
            ) {
                (None, Some(_)) => {
                    self.push(Mark::Additive, at, format!("media type {media} added"))
                }
                (Some(_), None) => {
                    self.push(Mark::Breaking, at, format!("media type {media} removed"))
                }
                (Some(o), Some(n)) => match (o.get("schema"), n.get("schema")) {
                    (Some(os), Some(ns)) => self.schema(os, ns, at, side),
                    (None, Some(_)) => self.push(Mark::Additive, at, "schema added"),
                    (Some(_), None) => self.push(Mark::Breaking, at, "schema removed"),
                    (None, None) => {}
                },
                (None, None) => {}
            }
        }
    }

    /// A parameter or request body that appeared: breaking when required.
    fn added_request_item(&mut self, item: &Value, at: &str) {
        let required = flag(item, "required");
        let detail = if required {
            "added (required)"
        } else {
            "added"
        };
        self.push(mark_if(required), at, detail);
    }

    fn required_flag(&mut self, old: &Value, new: &Value, at: &str) {
        match (flag(old, "required"), flag(new, "required")) {
            (false, true) => self.push(Mark::Breaking, at, "now required"),
            (true, false) => self.push(Mark::Additive, at, "no longer required"),
            _ => {}
        }
    }

    fn deprecated(&mut self, old: &Value, new: &Value, at: &str) {
        match (flag(old, "deprecated"), flag(new, "deprecated")) {
            (false, true) => self.push(Mark::Additive, at, "deprecated"),
            (true, false) => self.push(Mark::Additive, at, "no longer deprecated"),
            _ => {}
        }
    }

    fn schemas(&mut self, usage: &BTreeMap<String, Side>) {
        let old = mapping(self.old.get("components").and_then(|c| c.get("schemas")));
        let new = mapping(self.new.get("components").and_then(|c| c.get("schemas")));
        let names: BTreeSet<String> = old.keys().chain(new.keys()).map(show).collect();
        for name in names {
            let at = format!("schema {name}");
            match (old.get(name.as_str()), new.get(name.as_str())) {
                (None, Some(_)) => self.push(Mark::Additive, &at, "added"),
                (Some(_), None) => self.push(Mark::Breaking, &at, "removed"),
                (Some(o), Some(n)) => {
                    let side = usage.get(&name).copied().unwrap_or(Side {
                        request: true,
                        response: true,
                    });
                    self.schema(o, n, &at, side);
                }
                (None, None) => {}
            }
        }
    }

    fn schema(&mut self, old: &Value, new: &Value, at: &str, side: Side) {
        let old_ref = old.get("$ref");
        let new_ref = new.get("$ref");
        if old_ref.is_some() || new_ref.is_some() {
            if old_ref != new_ref {
                self.push(
                    Mark::Breaking,
                    at,
                    format!("type {} -> {}", describe_type(old), describe_type(new)),
                );
            }
            return;
        }
        if old.get("type") != new.get("type") {
            self.push(
                Mark::Breaking,
                at,
                format!("type {} -> {}", describe_type(old), describe_type(new)),
            );
        }
        if old.get("format") != new.get("format") {
            self.push(
                Mark::Breaking,
                at,
                format!(
                    "format {} -> {}",
                    show_opt(old.get("format")),
                    show_opt(new.get("format"))
                ),
            );
        }
        match (flag(old, "nullable"), flag(new, "nullable")) {
            (false, true) => self.push(mark_if(side.response), at, "now nullable"),
            (true, false) => self.push(mark_if(side.request), at, "no longer nullable"),
            _ => {}
        }
        self.enum_values(old, new, at);
        for (key, larger_is_tighter) in LIMITS {
            let (o, n) = (number(old, key), number(new, key));
            let tightened = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n > o) == *larger_is_tighter,
                _ => continue,
            };
            self.push(
                mark_if(tightened),
                at,
                format!(
                    "{key} {} -> {} ({})",
                    show_opt(old.get(*key)),
                    show_opt(new.get(*key)),
                    if tightened { "tightened" } else { "loosened" }
                ),
            );
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum"] {
            match (flag(old, key), flag(new, key)) {
                (false, true) => self.push(Mark::Breaking, at, format!("{key} set (tightened)")),
                (true, false) => self.push(Mark::Additive, at, format!("{key} cleared (loosened)")),
                _ => {}
            }
        }
        match (old.get("pattern"), new.get("pattern")) {
            (o, n) if o == n => {}
            (o, None) => self.push(
                Mark::Additive,
                at,
                format!("pattern {} removed", show_opt(o)),
            ),
            (o, n) => self.push(
                Mark::Breaking,
                at,
                format!("pattern {} -> {}", show_opt(o), show_opt(n)),
            ),
        }
        if old.get("default") != new.get("default") {
            self.push(
                Mark::Additive,
                at,
                format!(
                    "default {} -> {}",
                    show_opt(old.get("default")),
                    show_opt(new.get("default"))
                ),
            );
        }
        self.deprecated(old, new, at);
        self.properties(old, new, at, side);
        match (old.get("items"), new.get("items")) {
            (Some(o), Some(n)) => self.schema(o, n, &format!("{at}[]"), side),
            (None, None) => {}
            (o, n) => self.push(
                Mark::Breaking,
                at,
                format!(
                    "items {} -> {}",
                    o.map_or("(none)".into(), describe_type),
                    n.map_or("(none)".into(), describe_type)
                ),
            ),
        }
        match (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            (Some(o), Some(n)) if o.is_mapping() && n.is_mapping() => {
                self.schema(o, n, &format!("{at}{{}}"), side)
            }
            (o, n) if o != n => {
                let closed = n == Some(&Value::Bool(false));
                self.push(
                    mark_if(closed),
                    at,
                    format!(
                        "additionalProperties {} -> {}",
                        o.map_or("(none)".into(), describe_type),
                        n.map_or("(none)".into(), describe_type)
                    ),
                );
            }
            _ => {}
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            let empty = Vec::new();
            let o = old.get(key).and_then(Value::as_sequence).unwrap_or(&empty);
            let n = new.get(key).and_then(Value::as_sequence).unwrap_or(&empty);
            for i in 0..o.len().max(n.len()) {
                let member = format!("{at}.{key}[{i}]");
                match (o.get(i), n.get(i)) {
                    (Some(om), Some(nm)) => self.schema(om, nm, &member, side),
                    (None, Some(_)) => self.push(Mark::Additive, &member, "added"),
                    (Some(_), None) => self.push(Mark::Breaking, &member, "removed"),
                    (None, None) => {}
                }
            }
        }
        let old_map = mapping(Some(old));
        let new_map = mapping(Some(new));
        let others: BTreeSet<String> = old_map
            .keys()
            .chain(new_map.keys())
            .map(show)
            .filter(|k| !HANDLED.contains(&k.as_str()) && !is_prose_keyword(k))
            .collect();
        for key in others {
            let (o, n) = (old_map.get(key.as_str()), new_map.get(key.as_str()));
            if o != n {
                self.push(
                    Mark::Breaking,
                    at,
                    format!("{key} {} -> {}", show_opt(o), show_opt(n)),
                );
            }
        }
    }

    fn enum_values(&mut self, old: &Value, new: &Value, at: &str) {
        let empty = Vec::new();
        let o = old
            .get("enum")
            .and_then(Value::as_sequence)
            .unwrap_or(&empty);
        let n = new
            .get("enum")
            .and_then(Value::as_sequence)
            .unwrap_or(&empty);
        if o.is_empty() && !n.is_empty() {
            self.push(Mark::Breaking, at, "now an enum");
            return;
        }
        if n.is_empty() && !o.is_empty() {
            self.push(Mark::Additive, at, "no longer an enum");
            return;
        }
        for v in n.iter().filter(|v| !o.contains(v)) {
            self.push(Mark::Additive, at, format!("enum value {} added", show(v)));
        }
        for v in o.iter().filter(|v| !n.contains(v)) {
            self.push(
                Mark::Breaking,
                at,
                format!("enum value {} removed", show(v)),
            );
        }
    }

    fn properties(&mut self, old: &Value, new: &Value, at: &str, side: Side) {
        let old_props = mapping(old.get("properties"));
        let new_props = mapping(new.get("properties"));
        let old_required = string_set(old.get("required"));
        let new_required = string_set(new.get("required"));
        let mut names: Vec<String> = old_props.keys().map(show).collect();
        for n in new_props.keys().map(show) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names.sort();
        for name in names {
            let sub = format!("{at}.{name}");
            match (old_props.get(name.as_str()), new_props.get(name.as_str())) {
                (None, Some(_)) => {
                    let required = new_required.contains(&name);
                    self.push(
                        mark_if(required && side.request),
                        at,
                        if required {
                            format!("property {name} added (required)")
                        } else {
                            format!("property {name} added")
                        },
                    );
                }
                (Some(_), None) => {
                    self.push(Mark::Breaking, at, format!("property {name} removed"))
                }
                (Some(o), Some(n)) => {
                    match (old_required.contains(&name), new_required.contains(&name)) {
                        (false, true) => self.push(
                            mark_if(side.request),
                            at,
                            format!("property {name} now required"),
                        ),
                        (true, false) => self.push(
                            mark_if(side.response),
                            at,
                            format!("property {name} no longer required"),
                        ),
                        _ => {}
                    }
                    self.schema(o, n, &sub, side);
                }
                (None, None) => {}
            }
        }
        // `required` entries without a property (allowed in OpenAPI).
        for name in new_required.difference(&old_required) {
            if !new_props.contains_key(name.as_str()) {
                self.push(
                    mark_if(side.request),
                    at,
                    format!("property {name} now required"),
                );
            }
        }
        for name in old_required.difference(&new_required) {
            if !old_props.contains_key(name.as_str()) && !new_props.contains_key(name.as_str()) {
                self.push(
                    mark_if(side.response),
                    at,
                    format!("property {name} no longer required"),
                );
            }
        }
    }
}
