//! `$ref` handling shared by the trim, the check and the report: collecting
//! references, and resolving `#/components/<section>/<name>`.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_yaml_ng::Value;

/// A reference into `components`: the section (`schemas`, `parameters`,
/// ...) and the component's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ComponentRef {
    pub section: String,
    pub name: String,
}

impl ComponentRef {
    /// Parses `#/components/<section>/<name>`; other forms are refused.
    pub fn parse(reference: &str) -> Result<Self> {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            bail!(
                "unsupported $ref {reference:?}: only #/components/<section>/<name> is supported"
            );
        };
        let Some((section, name)) = rest.split_once('/') else {
            bail!("unsupported $ref {reference:?}");
        };
        if name.contains('/') {
            bail!("unsupported $ref {reference:?}");
        }
        Ok(Self {
            section: section.to_owned(),
            name: name.replace("~1", "/").replace("~0", "~"),
        })
    }

    pub fn pointer(&self) -> String {
        format!(
            "#/components/{}/{}",
            self.section,
            super::prose::escape_segment(&self.name)
        )
    }

    /// The component in `doc`, if it exists.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.get("components")?
            .get(self.section.as_str())?
            .get(self.name.as_str())
    }
}

/// Every `$ref` string found anywhere inside `value`.
pub fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                if k.as_str() == Some("$ref") {
                    if let Some(r) = v.as_str() {
                        out.insert(r.to_owned());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Sequence(seq) => seq.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Names of the security schemes that `security` requirement lists in
/// `value` (the document's or an operation's) mention.
pub fn security_scheme_names(security: Option<&Value>, out: &mut BTreeSet<String>) {
    if let Some(list) = security.and_then(Value::as_sequence) {
        for requirement in list {
            if let Some(map) = requirement.as_mapping() {
                out.extend(map.keys().filter_map(|k| k.as_str().map(str::to_owned)));
            }
        }
    }
}

/// Resolves `value` through `$ref`s into `doc`'s components (parameters,
/// responses, request bodies); schemas are left as references.
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(r) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match ComponentRef::parse(r).ok().and_then(|r| r.resolve(doc)) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_component_refs() {
        let r = ComponentRef::parse("#/components/schemas/A~1B").expect("ref");
        assert_eq!(r.section, "schemas");
        assert_eq!(r.name, "A/B");
        assert_eq!(r.pointer(), "#/components/schemas/A~1B");
        assert!(ComponentRef::parse("other.yaml#/x").is_err());
    }
}
