//! The trim: keep the listed operations and the components they reference,
//! transitively, and nothing else; strip Checkly's prose on the way.
//!
//! Only what the kept operations reference is ever resolved, so a dangling
//! `$ref` elsewhere in the upstream document is harmless. A listed operation
//! that upstream lacks, or a kept `$ref` that dangles, is an error.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde_yaml_ng::{Mapping, Value};

use super::METHODS;
use super::prose::{self, escape_segment};
use super::refs::{self, ComponentRef};

/// Parses `operations.txt`: one operationId a line; blank lines and `#`
/// comments (whole-line or trailing) are ignored; duplicates are an error.
pub fn parse_operation_list(text: &str) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.contains(char::is_whitespace) {
            bail!(
                "operations list line {}: {line:?} is not one operationId",
                n + 1
            );
        }
        if !seen.insert(line.to_owned()) {
            bail!("operations list line {}: {line} is listed twice", n + 1);
        }
        ids.push(line.to_owned());
    }
    Ok(ids)
}

/// Where each operationId of `doc` lives: (path, method).
pub fn operation_index(doc: &Value) -> BTreeMap<String, (String, String)> {
    let mut index = BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            for method in METHODS {
                if let Some(id) = item
                    .get(*method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                {
                    index.insert(id.to_owned(), (path.to_owned(), (*method).to_owned()));
                }
            }
        }
    }
    index
}

/// Trims `upstream` to `operations`. The result has no prose at all; the
/// caller merges ours in and normalizes.
pub fn trim(upstream: &Value, operations: &[String]) -> Result<Value> {
    let index = operation_index(upstream);
    let missing: Vec<&str> = operations
        .iter()
        .filter(|id| !index.contains_key(*id))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        bail!(
            "listed operation(s) missing upstream: {}",
            missing.join(", ")
        );
    }

    // Paths: only the kept methods, plus path-level parameters.
    let mut paths = Mapping::new();
    let mut pending: Vec<(String, String)> = Vec::new(); // ($ref, where it was seen)
    let mut security_names = BTreeSet::new();
    refs::security_scheme_names(upstream.get("security"), &mut security_names);
    let mut tag_names = BTreeSet::new();
    for id in operations {
        let (path, method) = &index[id];
        let item = &upstream["paths"][path.as_str()];
        let pointer = format!("/paths/{}", escape_segment(path));
        let entry = paths.entry(Value::String(path.clone())).or_insert_with(|| {
            let mut new_item = Mapping::new();
            if let Some(params) = item.get("parameters") {
                let mut params = params.clone();
                let mut wrapper = Value::Mapping(Mapping::new());
                wrapper["parameters"] = params.clone();
                let _ = prose::strip_operation(&mut wrapper, &pointer);
                params = wrapper["parameters"].clone();
                new_item.insert("parameters".into(), params);
            }
            Value::Mapping(new_item)
        });
        if let Some(params) = entry.get("parameters") {
            push_refs(params, &format!("{pointer}/parameters"), &mut pending);
        }
        let mut op = item[method.as_str()].clone();
        let op_pointer = format!("{pointer}/{method}");
        let _ = prose::strip_operation(&mut op, &op_pointer);
        push_refs(&op, &format!("operation {id}"), &mut pending);
        refs::security_scheme_names(op.get("security"), &mut security_names);
        if let Some(tags) = op.get("tags").and_then(Value::as_sequence) {
            tag_names.extend(tags.iter().filter_map(|t| t.as_str().map(str::to_owned)));
        }
        entry[method.as_str()] = op;
    }

    // Components, transitively.
    let mut kept: BTreeMap<ComponentRef, Value> = BTreeMap::new();
    while let Some((reference, seen_in)) = pending.pop() {
        let target = ComponentRef::parse(&reference).with_context(|| format!("in {seen_in}"))?;
        if kept.contains_key(&target) {
            continue;
        }
        let Some(component) = target.resolve(upstream) else {
            bail!("dangling $ref {reference} (referenced from {seen_in})");
        };
        let mut component = component.clone();
        let _ = prose::strip_component(&target.section, &mut component, &target.pointer());
        push_refs(
            &component,
            &format!("{}/{}", target.section, target.name),
            &mut pending,
        );
        kept.insert(target, component);
    }
    for name in &security_names {
        let target = ComponentRef {
            section: "securitySchemes".into(),
            name: name.clone(),
        };
        let Some(scheme) = target.resolve(upstream) else {
            bail!("security requirement names an unknown scheme {name:?}");
        };
        let mut scheme = scheme.clone();
        let _ = prose::strip_component("securitySchemes", &mut scheme, &target.pointer());
        kept.insert(target, scheme);
    }

    let mut components = Mapping::new();
    for (target, value) in kept {
        let section = components
            .entry(Value::String(target.section))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        section[target.name.as_str()] = value;
    }

    let mut out = Mapping::new();
    out.insert(
        "openapi".into(),
        upstream.get("openapi").cloned().unwrap_or("3.0.0".into()),
    );
    let mut info = Mapping::new();
    if let Some(version) = upstream.get("info").and_then(|i| i.get("version")) {
        info.insert("version".into(), version.clone());
    }
    out.insert("info".into(), Value::Mapping(info));
    if let Some(servers) = upstream.get("servers") {
        let mut wrapper = Value::Mapping(Mapping::new());
        wrapper["servers"] = servers.clone();
        let _ = prose::strip_document(&mut wrapper);
        out.insert("servers".into(), wrapper["servers"].clone());
    }
    if let Some(security) = upstream.get("security") {
        out.insert("security".into(), security.clone());
    }
    if !tag_names.is_empty() {
        let tags = tag_names
            .into_iter()
            .map(|name| {
                let mut tag = Mapping::new();
                tag.insert("name".into(), Value::String(name));
                Value::Mapping(tag)
            })
            .collect();
        out.insert("tags".into(), Value::Sequence(tags));
    }
    out.insert("paths".into(), Value::Mapping(paths));
    if !components.is_empty() {
        out.insert("components".into(), Value::Mapping(components));
    }
    Ok(Value::Mapping(out))
}

fn push_refs(value: &Value, seen_in: &str, pending: &mut Vec<(String, String)>) {
    let mut found = BTreeSet::new();
    refs::collect_refs(value, &mut found);
    pending.extend(found.into_iter().rev().map(|r| (r, seen_in.to_owned())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_list_allows_comments_and_refuses_duplicates() {
        let ids = parse_operation_list("# header\nopA\n\nopB # trailing\n").expect("list");
        assert_eq!(ids, ["opA", "opB"]);
        let err = parse_operation_list("opA\nopA\n").expect_err("duplicate");
        assert!(err.to_string().contains("listed twice"), "{err}");
    }
}
