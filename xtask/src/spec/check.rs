//! `spec check`: the vendored spec is valid OpenAPI 3.0, self-contained,
//! exactly the listed operations, without unreferenced components, with no
//! prose but ours, and in normalized form.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::Value;

use super::METHODS;
use super::docs::{self, Docs};
use super::normalize;
use super::prose;
use super::read;
use super::refs::{self, ComponentRef};
use super::trim::operation_index;

/// Every problem found in `spec_text`; empty means it passes.
pub fn check(spec_text: &str, operations: &[String], docs: &Docs) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = match read::parse_document(spec_text) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("does not parse: {e:#}")],
    };

    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => problems.push(format!("openapi version is {other:?}, expected 3.0.x")),
    }
    if let Err(e) = serde_yaml_ng::from_value::<openapiv3::OpenAPI>(doc.clone()) {
        problems.push(format!("not a valid OpenAPI 3.0 document: {e}"));
    }

    // Every $ref resolves.
    let mut all_refs = BTreeSet::new();
    refs::collect_refs(&doc, &mut all_refs);
    for r in &all_refs {
        match ComponentRef::parse(r) {
            Ok(target) if target.resolve(&doc).is_some() => {}
            Ok(_) => problems.push(format!("dangling $ref {r}")),
            Err(e) => problems.push(format!("{e}")),
        }
    }

    // Exactly the listed operations.
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(*method)
                    && op.get("operationId").and_then(Value::as_str).is_none()
                {
                    problems.push(format!(
                        "{} {} has no operationId",
                        method.to_uppercase(),
                        path.as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    let index = operation_index(&doc);
    for id in operations {
        if !index.contains_key(id) {
            problems.push(format!(
                "operation {id} is listed in operations.txt but missing"
            ));
        }
    }
    for id in index.keys() {
        if !operations.contains(id) {
            problems.push(format!("operation {id} is not listed in operations.txt"));
        }
    }

    // No unreferenced component.
    let reachable = reachable_components(&doc);
    if let Some(components) = doc.get("components").and_then(Value::as_mapping) {
        for (section, entries) in components {
            let section = section.as_str().unwrap_or_default();
            for name in entries.as_mapping().into_iter().flat_map(|m| m.keys()) {
                let target = ComponentRef {
                    section: section.to_owned(),
                    name: name.as_str().unwrap_or_default().to_owned(),
                };
                if !reachable.contains(&target) {
                    problems.push(format!(
                        "component {section}/{} is not referenced",
                        target.name
                    ));
                }
            }
        }
    }

    // No prose but ours.
    let mut stripped = doc.clone();
    let actual: BTreeMap<String, Value> = prose::strip_document(&mut stripped)
        .into_iter()
        .map(|p| (p.pointer, p.value))
        .collect();
    let mut expected_doc = stripped;
    let _ = docs::merge(&mut expected_doc, docs);
    let expected: BTreeMap<String, Value> = prose::strip_document(&mut expected_doc)
        .into_iter()
        .map(|p| (p.pointer, p.value))
        .collect();
    for (pointer, value) in &actual {
        match expected.get(pointer) {
            None => problems.push(format!("prose at {pointer} that docs.yaml does not give")),
            Some(ours) if ours != value => {
                problems.push(format!("{pointer} differs from docs.yaml"))
            }
            Some(_) => {}
        }
    }
    for pointer in expected.keys() {
        if !actual.contains_key(pointer) {
            problems.push(format!("{pointer} is missing (docs.yaml gives it)"));
        }
    }

    // Normalized form.
    if problems.is_empty() {
        match normalize::to_yaml(&doc) {
            Ok(text) if text == spec_text => {}
            Ok(_) => problems.push(
                "not in normalized form (edited by hand? run `cargo xtask spec trim`)".into(),
            ),
            Err(e) => problems.push(format!("cannot render: {e}")),
        }
    }
    problems
}

/// Components reachable from the paths and the security requirements.
pub fn reachable_components(doc: &Value) -> BTreeSet<ComponentRef> {
    let mut reached = BTreeSet::new();
    let mut todo = BTreeSet::new();
    if let Some(paths) = doc.get("paths") {
        refs::collect_refs(paths, &mut todo);
    }
    let mut schemes = BTreeSet::new();
    refs::security_scheme_names(doc.get("security"), &mut schemes);
    for (path, method) in operation_index(doc).values() {
        refs::security_scheme_names(
            doc["paths"][path.as_str()][method.as_str()].get("security"),
            &mut schemes,
        );
    }
    for name in schemes {
        reached.insert(ComponentRef {
            section: "securitySchemes".into(),
            name,
        });
    }
    let mut todo: Vec<String> = todo.into_iter().collect();
    while let Some(r) = todo.pop() {
        let Ok(target) = ComponentRef::parse(&r) else {
            continue;
        };
        if reached.contains(&target) {
            continue;
        }
        if let Some(value) = target.resolve(doc) {
            let mut found = BTreeSet::new();
            refs::collect_refs(value, &mut found);
            todo.extend(found);
        }
        reached.insert(target);
    }
    reached
}
