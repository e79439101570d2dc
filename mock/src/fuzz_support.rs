//! The strategies of the fuzz targets: arbitrary bytes and JSON, and
//! mutations of valid bodies.
//!
//! Behind the `fuzz` feature, for the fuzz tests of the `checkly` crate as
//! well as this crate's own.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::{Map, Value};

/// Cases per target: `CHECKLY_FUZZ_CASES`, 256 when unset.
pub fn cases() -> u32 {
    std::env::var("CHECKLY_FUZZ_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(256)
}

/// [`cases`] cases, no regression files (a failure becomes a unit test).
pub fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases())
    }
}

/// Every object key and string of `seeds`, for the generators to reuse.
fn vocabulary(seeds: &[Value]) -> (Vec<String>, Vec<String>) {
    fn walk(value: &Value, keys: &mut Vec<String>, strings: &mut Vec<String>) {
        match value {
            Value::String(s) => strings.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| walk(v, keys, strings)),
            Value::Object(map) => {
                for (k, v) in map {
                    keys.push(k.clone());
                    walk(v, keys, strings);
                }
            }
            _ => {}
        }
    }
    let (mut keys, mut strings) = (vec!["type".to_owned()], vec![String::new()]);
    seeds.iter().for_each(|s| walk(s, &mut keys, &mut strings));
    keys.sort();
    keys.dedup();
    strings.sort();
    strings.dedup();
    (keys, strings)
}

/// Strings: arbitrary ones, the seeds' ones, and the seeds' ones bent
/// (case, a suffix, cut short).
fn text(strings: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        3 => "\\PC{0,12}",
        1 => any::<String>(),
        3 => prop::sample::select(strings.clone()),
        2 => (prop::sample::select(strings), any::<Index>(), 0..4u8).prop_map(|(s, at, how)| {
            match how {
                0 => s.to_lowercase(),
                1 => format!("{s}_X"),
                2 => s.chars().take(at.index(s.chars().count() + 1)).collect(),
                _ => s.chars().rev().collect(),
            }
        }),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-3i64..300).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            0.5,
            -0.0,
            1e300,
            -1e300,
            4294967296.0,
            1.8446744073709552e19
        ])
        .prop_map(Value::from),
    ]
    .boxed()
}

/// JSON values of depth at most 4, made of the seeds' keys and strings
/// among arbitrary ones.
pub fn json(seeds: &[Value]) -> BoxedStrategy<Value> {
    let (keys, strings) = vocabulary(seeds);
    let key = prop_oneof![3 => prop::sample::select(keys), 1 => "\\PC{0,8}"];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text(strings).prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// Arbitrary bytes, arbitrary JSON text, and arbitrary text of JSON's
/// punctuation.
pub fn fuzz_input(seeds: &[Value]) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..128),
        1 => "[\\[\\]{}\":,0-9a-z.eE+\\- \\\\]{0,64}".prop_map(String::into_bytes),
        4 => json(seeds).prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
    ]
    .boxed()
}

/// One change to a JSON tree, at the node `at` picks among the fitting ones.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes a key of an object.
    Drop(Index, Index),
    /// Replaces any node with another value (often of another type).
    Replace(Index, Value),
    /// Adds a (usually unknown) key to an object.
    Insert(Index, String, Value),
    /// Replaces a string (often an enum's) with another string.
    Flip(Index, String),
    /// Empties an array or repeats one of its elements.
    Resize(Index, Index, bool),
}

fn mutation(seeds: &[Value]) -> BoxedStrategy<Mutation> {
    let (_, strings) = vocabulary(seeds);
    let small = json(seeds);
    prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(a, k)| Mutation::Drop(a, k)),
        (any::<Index>(), small.clone()).prop_map(|(a, v)| Mutation::Replace(a, v)),
        (any::<Index>(), "\\PC{0,10}", small).prop_map(|(a, k, v)| Mutation::Insert(a, k, v)),
        (any::<Index>(), text(strings)).prop_map(|(a, s)| Mutation::Flip(a, s)),
        (any::<Index>(), any::<Index>(), any::<bool>())
            .prop_map(|(a, e, clear)| Mutation::Resize(a, e, clear)),
    ]
    .boxed()
}

/// The JSON pointers of the nodes of `value` that `fits`.
fn pointers(value: &Value, fits: fn(&Value) -> bool) -> Vec<String> {
    fn walk(value: &Value, at: String, fits: fn(&Value) -> bool, out: &mut Vec<String>) {
        if fits(value) {
            out.push(at.clone());
        }
        match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{at}/{i}"), fits, out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    walk(v, format!("{at}/{k}"), fits, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), fits, &mut out);
    out
}

fn node<'a>(value: &'a mut Value, at: &Index, fits: fn(&Value) -> bool) -> Option<&'a mut Value> {
    let all = pointers(value, fits);
    if all.is_empty() {
        return None;
    }
    let pointer = all[at.index(all.len())].clone();
    value.pointer_mut(&pointer)
}

fn apply(value: &mut Value, mutation: Mutation) {
    match mutation {
        Mutation::Drop(at, key) => {
            if let Some(Value::Object(map)) =
                node(value, &at, |v| v.as_object().is_some_and(|m| !m.is_empty()))
            {
                let k = map.keys().nth(key.index(map.len())).cloned();
                if let Some(k) = k {
                    map.remove(&k);
                }
            }
        }
        Mutation::Replace(at, new) => {
            if let Some(v) = node(value, &at, |_| true) {
                *v = new;
            }
        }
        Mutation::Insert(at, key, new) => {
            if let Some(Value::Object(map)) = node(value, &at, Value::is_object) {
                map.insert(key, new);
            }
        }
        Mutation::Flip(at, text) => {
            if let Some(v) = node(value, &at, Value::is_string) {
                *v = Value::String(text);
            }
        }
        Mutation::Resize(at, element, clear) => {
            if let Some(Value::Array(items)) =
                node(value, &at, |v| v.as_array().is_some_and(|a| !a.is_empty()))
            {
                if clear {
                    items.clear();
                } else {
                    let copy = items[element.index(items.len())].clone();
                    items.push(copy);
                }
            }
        }
    }
}

/// A seed with one to four mutations, printed compact or pretty, and
/// sometimes cut at an arbitrary byte.
pub fn mutated_input(seeds: Vec<Value>) -> BoxedStrategy<Vec<u8>> {
    let mutations = prop::collection::vec(mutation(&seeds), 0..5);
    (
        prop::sample::select(seeds),
        mutations,
        any::<bool>(),
        prop::option::weighted(0.2, any::<Index>()),
    )
        .prop_map(|(mut value, mutations, pretty, cut)| {
            for m in mutations {
                apply(&mut value, m);
            }
            let mut bytes = if pretty {
                serde_json::to_vec_pretty(&value)
            } else {
                serde_json::to_vec(&value)
            }
            .unwrap_or_default();
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
        .boxed()
}
