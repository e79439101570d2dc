//! Property-based fuzzing of the command line's value parsers (`cargo xtask
//! fuzz`): on any text, each returns `Ok` or `Err` and never panics.
//! `CHECKLY_FUZZ_CASES` cases per target (default 256).
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::parse::{
    parse_env_file, parse_env_pair, parse_retry_strategy, parse_tag_group, parse_time,
};

/// Cases per target: `CHECKLY_FUZZ_CASES`, 256 when unset.
fn cases() -> u32 {
    std::env::var("CHECKLY_FUZZ_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(256)
}

fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases())
    }
}

/// Text made of `pieces` (the syntax a parser looks for) and arbitrary
/// characters.
fn text(pieces: &'static [&'static str]) -> BoxedStrategy<String> {
    let piece = prop_oneof![
        4 => prop::sample::select(pieces).prop_map(str::to_owned),
        1 => "\\PC{0,4}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        4 => prop::collection::vec(piece, 0..24).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
    .boxed()
}

const TAGS: &[&str] = &[
    ",",
    "!",
    " ",
    "\t",
    "production",
    "api",
    "!slow",
    ",,",
    "é",
    "\u{0}",
];

const ENV: &[&str] = &[
    "=", "KEY", "API_URL", "export ", "export", "#", " #", "\"", "'", "\\", "\\n", "\\t", "\\\"",
    "\\\\", "\\x", "\n", "\r\n", "\r", " ", "\t", "value", "é", "=\"", "='", "\"\"", "''",
];

const RETRY: &[&str] = &[
    "fixed",
    "linear",
    "exponential",
    "single-retry",
    "single",
    "SINGLE_RETRY",
    ":",
    ",",
    "=",
    "max-retries",
    "max_retries",
    "max-duration",
    "base-backoff",
    "same-region",
    "only-on",
    "+",
    "NETWORK_ERROR",
    "network-error",
    "true",
    "no",
    "1",
    "0",
    "-1",
    "4294967296",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0.5",
    " ",
];

const TIMES: &[&str] = &[
    "2026",
    "-",
    "05",
    "01",
    "T",
    "12",
    ":",
    "00",
    "Z",
    "+",
    "02:00",
    ".",
    "123456789",
    "1777636800",
    "-",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999",
    "262143",
    " ",
    "z",
    "t",
    "13",
    "31",
    "60",
    "24",
    "0000",
    "+99:99",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_parse_tag_group(value in text(TAGS)) {
        if let Ok(group) = parse_tag_group(&value) {
            prop_assert!(!group.0.is_empty());
        }
    }

    #[test]
    fn fuzz_parse_env_pair(value in text(ENV)) {
        let _ = parse_env_pair(&value, "--env");
    }

    #[test]
    fn fuzz_parse_env_file(text in text(ENV)) {
        if let Err(e) = parse_env_file(&text, "--env-file") {
            prop_assert_eq!(e.flag, "--env-file");
        }
    }

    #[test]
    fn fuzz_parse_retry_strategy(value in text(RETRY)) {
        if let Ok(strategy) = parse_retry_strategy(&value) {
            // What parses encodes (the request carries it).
            serde_json::to_string(&strategy).unwrap();
        }
    }

    #[test]
    fn fuzz_parse_time(value in text(TIMES)) {
        if let Ok(at) = parse_time(&value) {
            let _ = at.to_rfc3339();
        }
    }
}
