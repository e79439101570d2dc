//! Lenient reading of an OpenAPI document, JSON or YAML (told apart by
//! content: a document whose first non-blank character is `{` is JSON).
//!
//! Checkly's published JSON holds raw control characters (newlines, tabs)
//! inside string literals, which strict JSON refuses; [`escape_control_chars`]
//! rewrites them as `\u00XX` escapes before parsing. Mapping keys that YAML
//! reads as numbers or booleans (`200:`) are turned back into strings so
//! status codes always look the same.

use anyhow::{Context, Result};
use serde_yaml_ng::{Mapping, Value};

/// Parses `text` as JSON or YAML, whichever it is.
pub fn parse_document(text: &str) -> Result<Value> {
    let value = if text.trim_start().starts_with('{') {
        let cleaned = escape_control_chars(text);
        serde_json::from_str::<Value>(&cleaned).context("parsing the document as JSON")?
    } else {
        serde_yaml_ng::from_str::<Value>(text).context("parsing the document as YAML")?
    };
    Ok(stringify_keys(value))
}

/// Reads and parses the file at `path`.
pub fn read_document(path: &std::path::Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_document(&text).with_context(|| format!("in {}", path.display()))
}

/// Replaces raw control characters inside JSON string literals by `\u00XX`
/// escapes; everything outside strings is left alone.
pub fn escape_control_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if (c as u32) < 0x20 {
                out.push_str(&format!("\\u{:04x}", c as u32));
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

fn stringify_keys(value: Value) -> Value {
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other,
                    };
                    (key, stringify_keys(v))
                })
                .collect::<Mapping>(),
        ),
        Value::Sequence(seq) => Value::Sequence(seq.into_iter().map(stringify_keys).collect()),
        Value::Tagged(tagged) => stringify_keys(tagged.value),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_control_characters_in_strings_are_escaped() {
        let text = "{\"a\": \"line one\nline\ttwo\", \"b\": \"q\\\"\n\"}";
        let value = parse_document(text).expect("lenient parse");
        assert_eq!(value["a"].as_str(), Some("line one\nline\ttwo"));
        assert_eq!(value["b"].as_str(), Some("q\"\n"));
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let value = parse_document("responses:\n  200: ok\n").expect("yaml");
        assert_eq!(value["responses"]["200"].as_str(), Some("ok"));
    }
}
