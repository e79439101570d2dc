//! What counts as Checkly's prose, in one place, and the structure-aware
//! walk that removes it.
//!
//! The walk follows the OpenAPI 3.0 object model (document, path item,
//! operation, parameter, request body, response, media type, header, schema)
//! so that a *property* named `description` or `title` inside `properties`
//! is kept: only the keyword is prose. Keywords not in [`PROSE_KEYWORDS`]
//! are kept, known or not (e.g. `x-format`, `x-constraint`).

use serde_yaml_ng::Value;

/// Keywords whose values are prose (or examples) written by Checkly. They are
/// removed wherever they appear as a keyword of an OpenAPI object.
pub const PROSE_KEYWORDS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "termsOfService",
    "contact",
    "license",
    "x-codeSamples",
    "x-code-samples",
    "x-displayName",
    "x-tagGroups",
    "x-logo",
];

/// One removed piece of prose: where it was (a JSON pointer) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Prose {
    pub pointer: String,
    pub value: Value,
}

/// Escapes one JSON-pointer segment.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

struct Stripper {
    removed: Vec<Prose>,
}

/// Removes every prose keyword from a whole document and returns what was
/// removed, in document order.
pub fn strip_document(doc: &mut Value) -> Vec<Prose> {
    let mut s = Stripper {
        removed: Vec::new(),
    };
    s.document(doc);
    s.removed
}

/// Removes prose from one operation (used by the trim before it collects
/// references, so that examples can never pull in a component).
pub fn strip_operation(op: &mut Value, pointer: &str) -> Vec<Prose> {
    let mut s = Stripper {
        removed: Vec::new(),
    };
    s.operation(op, pointer);
    s.removed
}

/// Removes prose from one component of `section` (`schemas`, `parameters`,
/// ...).
pub fn strip_component(section: &str, value: &mut Value, pointer: &str) -> Vec<Prose> {
    let mut s = Stripper {
        removed: Vec::new(),
    };
    s.component(section, value, pointer);
    s.removed
}

fn entries_mut(value: &mut Value) -> Vec<(String, &mut Value)> {
    match value.as_mapping_mut() {
        Some(map) => map
            .iter_mut()
            .filter_map(|(k, v)| k.as_str().map(|k| (k.to_owned(), v)))
            .collect(),
        None => Vec::new(),
    }
}

impl Stripper {
    fn keywords(&mut self, value: &mut Value, pointer: &str) {
        let Some(map) = value.as_mapping_mut() else {
            return;
        };
        for keyword in PROSE_KEYWORDS {
            if let Some(removed) = map.remove(*keyword) {
                self.removed.push(Prose {
                    pointer: child(pointer, keyword),
                    value: removed,
                });
            }
        }
    }

    fn with<F>(&mut self, value: &mut Value, pointer: &str, key: &str, f: F)
    where
        F: FnOnce(&mut Self, &mut Value, &str),
    {
        if let Some(v) = value.get_mut(key) {
            f(self, v, &child(pointer, key));
        }
    }

    fn each_entry<F>(&mut self, value: &mut Value, pointer: &str, mut f: F)
    where
        F: FnMut(&mut Self, &mut Value, &str),
    {
        for (k, v) in entries_mut(value) {
            f(self, v, &child(pointer, &k));
        }
    }

    fn each_item<F>(&mut self, value: &mut Value, pointer: &str, mut f: F)
    where
        F: FnMut(&mut Self, &mut Value, &str),
    {
        if let Some(seq) = value.as_sequence_mut() {
            for (i, v) in seq.iter_mut().enumerate() {
                f(self, v, &child(pointer, &i.to_string()));
            }
        }
    }

    fn document(&mut self, doc: &mut Value) {
        self.keywords(doc, "");
        if let Some(info) = doc.get_mut("info") {
            self.keywords(info, "/info");
        }
        self.with(doc, "", "servers", Self::servers);
        self.with(doc, "", "tags", |s, tags, p| {
            s.each_item(tags, p, |s, tag, p| s.keywords(tag, p));
        });
        self.with(doc, "", "paths", |s, paths, p| {
            s.each_entry(paths, p, Self::path_item);
        });
        if let Some(components) = doc.get_mut("components") {
            for (section, entries) in entries_mut(components) {
                let p = child("/components", &section);
                for (name, v) in entries_mut(entries) {
                    self.component(&section, v, &child(&p, &name));
                }
            }
        }
    }

    fn component(&mut self, section: &str, value: &mut Value, pointer: &str) {
        match section {
            "schemas" => self.schema(value, pointer),
            "parameters" | "headers" => self.parameter(value, pointer),
            "responses" => self.response(value, pointer),
            "requestBodies" => self.request_body(value, pointer),
            "pathItems" => self.path_item(value, pointer),
            _ => self.keywords(value, pointer),
        }
    }

    fn servers(&mut self, servers: &mut Value, pointer: &str) {
        self.each_item(servers, pointer, |s, server, p| {
            s.keywords(server, p);
            s.with(server, p, "variables", |s, vars, p| {
                s.each_entry(vars, p, |s, var, p| s.keywords(var, p));
            });
        });
    }

    fn path_item(&mut self, item: &mut Value, pointer: &str) {
        self.keywords(item, pointer);
        self.with(item, pointer, "servers", Self::servers);
        self.with(item, pointer, "parameters", |s, params, p| {
            s.each_item(params, p, Self::parameter);
        });
        for method in super::METHODS {
            self.with(item, pointer, method, Self::operation);
        }
    }

    fn operation(&mut self, op: &mut Value, pointer: &str) {
        self.keywords(op, pointer);
        self.with(op, pointer, "servers", Self::servers);
        self.with(op, pointer, "parameters", |s, params, p| {
            s.each_item(params, p, Self::parameter);
        });
        self.with(op, pointer, "requestBody", Self::request_body);
        self.with(op, pointer, "responses", |s, responses, p| {
            s.each_entry(responses, p, Self::response);
        });
        self.with(op, pointer, "callbacks", |s, callbacks, p| {
            s.each_entry(callbacks, p, |s, callback, p| {
                s.each_entry(callback, p, Self::path_item);
            });
        });
    }

    fn parameter(&mut self, param: &mut Value, pointer: &str) {
        self.keywords(param, pointer);
        self.with(param, pointer, "schema", Self::schema);
        self.with(param, pointer, "content", Self::content);
    }

    fn request_body(&mut self, body: &mut Value, pointer: &str) {
        self.keywords(body, pointer);
        self.with(body, pointer, "content", Self::content);
    }

    fn response(&mut self, response: &mut Value, pointer: &str) {
        self.keywords(response, pointer);
        self.with(response, pointer, "headers", |s, headers, p| {
            s.each_entry(headers, p, Self::parameter);
        });
        self.with(response, pointer, "content", Self::content);
        self.with(response, pointer, "links", |s, links, p| {
            s.each_entry(links, p, |s, link, p| s.keywords(link, p));
        });
    }

    fn content(&mut self, content: &mut Value, pointer: &str) {
        self.each_entry(content, pointer, |s, media, p| {
            s.keywords(media, p);
            s.with(media, p, "schema", Self::schema);
            s.with(media, p, "encoding", |s, encodings, p| {
                s.each_entry(encodings, p, |s, encoding, p| {
                    s.keywords(encoding, p);
                    s.with(encoding, p, "headers", |s, headers, p| {
                        s.each_entry(headers, p, Self::parameter);
                    });
                });
            });
        });
    }

    fn schema(&mut self, schema: &mut Value, pointer: &str) {
        self.keywords(schema, pointer);
        self.with(schema, pointer, "properties", |s, props, p| {
            s.each_entry(props, p, Self::schema);
        });
        for key in ["items", "not"] {
            self.with(schema, pointer, key, Self::schema);
        }
        if schema
            .get("additionalProperties")
            .is_some_and(Value::is_mapping)
        {
            self.with(schema, pointer, "additionalProperties", Self::schema);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            self.with(schema, pointer, key, |s, list, p| {
                s.each_item(list, p, Self::schema);
            });
        }
    }
}

/// Whether `key` is one of [`PROSE_KEYWORDS`].
pub fn is_prose_keyword(key: &str) -> bool {
    PROSE_KEYWORDS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_property_named_like_a_prose_keyword_is_kept() {
        let mut doc: Value = serde_yaml_ng::from_str(
            "components:\n  schemas:\n    A:\n      description: theirs\n      properties:\n        title: {type: string, title: theirs}\n        description: {type: string, example: x}\n",
        )
        .expect("yaml");
        let removed = strip_document(&mut doc);
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert!(props.get("title").is_some());
        assert!(props.get("description").is_some());
        assert!(
            doc["components"]["schemas"]["A"]
                .get("description")
                .is_none()
        );
        assert_eq!(removed.len(), 3);
        assert_eq!(
            removed[1].pointer,
            "/components/schemas/A/properties/title/title"
        );
    }
}
