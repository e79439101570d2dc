//! Value parsers for the command line: tag groups, `KEY=VALUE` pairs,
//! dotenv files, the compact `--retry-strategy` syntax and timestamps.
//!
//! Parsers used by clap return `Err(String)`; clap turns that into a usage
//! error naming the flag (exit 2).

use std::path::Path;

use anyhow::Context;
use checkly::types::{BackoffRetry, RetryCondition, RetryStrategy, SingleRetry};
use chrono::{DateTime, TimeZone, Utc};

use crate::error::UsageError;

/// One `--tags` value: the tags a check must all have (a `!tag` must be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup(pub Vec<String>);

/// Parses `a,b,!c` into one group.
pub fn parse_tag_group(value: &str) -> Result<TagGroup, String> {
    let tags: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_string)
        .collect();
    if tags.is_empty() {
        return Err("expected at least one tag, e.g. `production` or `production,api`".into());
    }
    if let Some(bad) = tags.iter().find(|tag| *tag == "!") {
        return Err(format!(
            "`{bad}` is not a tag: write `!name` to exclude checks tagged `name`"
        ));
    }
    Ok(TagGroup(tags))
}

/// One `--env` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPair {
    /// The variable's name (may be empty: the API's validation names it).
    pub key: String,
    /// Its value.
    pub value: String,
}

/// Parses `KEY=VALUE` (the value may contain `=`).
pub fn parse_env_pair(value: &str) -> Result<EnvPair, String> {
    match value.split_once('=') {
        Some((key, val)) => Ok(EnvPair {
            key: key.trim().to_string(),
            value: val.to_string(),
        }),
        None => Err(format!("expected KEY=VALUE, got `{value}` (no `=`)")),
    }
}

/// Reads a dotenv file: `KEY=VALUE` lines, `#` comments, blank lines, an
/// optional `export ` prefix and optional matching quotes around the value.
pub fn read_env_file(path: &Path) -> anyhow::Result<Vec<EnvPair>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError::new("--env-file", format!("cannot read {}: {e}", path.display()))
    })?;
    parse_env_file(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses the text of a dotenv file; see [`read_env_file`].
pub fn parse_env_file(text: &str) -> Result<Vec<EnvPair>, UsageError> {
    let mut pairs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            return Err(UsageError::new(
                "--env-file",
                format!(
                    "line {}: expected KEY=VALUE, got a line without `=`",
                    index + 1
                ),
            ));
        };
        let value = value.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        pairs.push(EnvPair {
            key: key.trim().to_string(),
            value: unquoted.to_string(),
        });
    }
    Ok(pairs)
}

/// Parses the compact retry strategy syntax:
///
/// ```text
/// fixed|linear|exponential[:max-retries=N,base-backoff=SECS,max-duration=SECS,same-region=BOOL,only-on=COND[+COND]]
/// single-retry[:base-backoff=SECS,same-region=BOOL,only-on=COND[+COND]]
/// ```
///
/// Unset keys are left to the API's defaults. Limits (max-retries 1 to 10,
/// max-duration 0 to 600) are checked by the library before sending.
pub fn parse_retry_strategy(value: &str) -> Result<RetryStrategy, String> {
    let (kind, settings) = value.split_once(':').unwrap_or((value, ""));
    let kind = kind.trim().to_ascii_lowercase().replace('_', "-");
    let single = match kind.as_str() {
        "fixed" | "linear" | "exponential" => false,
        "single-retry" | "single" => true,
        other => {
            return Err(format!(
                "unknown strategy `{other}`: expected fixed, linear, exponential or single-retry"
            ));
        }
    };
    let mut backoff = BackoffRetry::default();
    for setting in settings.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, val) = setting
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE in `{setting}`"))?;
        let (key, val) = (
            key.trim().to_ascii_lowercase().replace('_', "-"),
            val.trim(),
        );
        match key.as_str() {
            "max-retries" if !single => backoff.max_retries = Some(number(&key, val)?),
            "max-duration" if !single => backoff.max_duration_seconds = Some(number(&key, val)?),
            "max-retries" | "max-duration" => {
                return Err(format!(
                    "`{key}` does not apply to single-retry (it retries once)"
                ));
            }
            "base-backoff" => {
                let secs: f64 = val
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                    .ok_or_else(|| format!("`{key}` must be a number of seconds, got `{val}`"))?;
                backoff.base_backoff_seconds = Some(secs);
            }
            "same-region" => {
                backoff.same_region = Some(match val.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => true,
                    "false" | "no" | "0" => false,
                    _ => return Err(format!("`{key}` must be true or false, got `{val}`")),
                });
            }
            "only-on" => {
                let conditions: Vec<RetryCondition> = val
                    .split('+')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| RetryCondition::from(c.to_ascii_uppercase().replace('-', "_")))
                    .collect();
                if conditions.is_empty() {
                    return Err(format!(
                        "`{key}` needs a condition, e.g. only-on=NETWORK_ERROR"
                    ));
                }
                backoff.only_on = Some(conditions);
            }
            other => {
                let keys = if single {
                    "base-backoff, same-region, only-on"
                } else {
                    "max-retries, base-backoff, max-duration, same-region, only-on"
                };
                return Err(format!("unknown setting `{other}`: expected one of {keys}"));
            }
        }
    }
    Ok(match kind.as_str() {
        "fixed" => RetryStrategy::Fixed(backoff),
        "linear" => RetryStrategy::Linear(backoff),
        "exponential" => RetryStrategy::Exponential(backoff),
        _ => RetryStrategy::SingleRetry(SingleRetry {
            base_backoff_seconds: backoff.base_backoff_seconds,
            same_region: backoff.same_region,
            only_on: backoff.only_on,
        }),
    })
}

fn number(key: &str, val: &str) -> Result<u32, String> {
    val.parse()
        .map_err(|_| format!("`{key}` must be a whole number, got `{val}`"))
}

/// The strategy `--retries N` stands for: FIXED with `maxRetries` N, none for 0.
pub fn retries_shorthand(retries: u32) -> Option<RetryStrategy> {
    (retries > 0).then(|| {
        RetryStrategy::Fixed(BackoffRetry {
            max_retries: Some(retries),
            ..BackoffRetry::default()
        })
    })
}

/// Parses a speed factor: a finite number greater than 0.
pub fn parse_speed(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(speed) if speed.is_finite() && speed > 0.0 => Ok(speed),
        _ => Err(format!("expected a number greater than 0, got `{value}`")),
    }
}

/// Parses a time given as RFC 3339 (`2026-05-01T12:00:00Z`), a date
/// (`2026-05-01`, midnight UTC) or unix seconds (`1777636800`).
pub fn parse_time(value: &str) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return Utc
            .timestamp_opt(seconds, 0)
            .single()
            .ok_or_else(|| format!("`{value}` is out of range for unix seconds"));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let midnight = date.and_hms_opt(0, 0, 0).ok_or("invalid date")?;
        return Ok(Utc.from_utc_datetime(&midnight));
    }
    Err(format!(
        "expected RFC 3339 (2026-05-01T12:00:00Z), a date (2026-05-01) or unix seconds, got `{value}`"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tag_groups() {
        assert_eq!(
            parse_tag_group("a, b,!c").unwrap(),
            TagGroup(vec!["a".into(), "b".into(), "!c".into()])
        );
        assert!(parse_tag_group(" , ").is_err());
        assert!(parse_tag_group("a,!").is_err());
    }

    #[test]
    fn env_pairs() {
        assert_eq!(
            parse_env_pair("A=b=c").unwrap(),
            EnvPair {
                key: "A".into(),
                value: "b=c".into()
            }
        );
        assert_eq!(parse_env_pair("=v").unwrap().key, "");
        assert!(
            parse_env_pair("NOEQUALS")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
    }

    #[test]
    fn env_files() {
        let pairs =
            parse_env_file("# comment\n\nexport A=1\nB = \"two words\"\nC='x'\nD=\n").unwrap();
        let flat: Vec<_> = pairs
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            flat,
            [("A", "1"), ("B", "two words"), ("C", "x"), ("D", "")]
        );
        let err = parse_env_file("A=1\nnope\n").unwrap_err();
        assert_eq!(err.flag, "--env-file");
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn retry_strategies() {
        let linear = parse_retry_strategy(
            "linear:max-retries=3,base-backoff=30,max-duration=600,same-region=false,only-on=NETWORK_ERROR",
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&linear).unwrap(),
            serde_json::json!({"type": "LINEAR", "maxRetries": 3, "baseBackoffSeconds": 30.0,
                "maxDurationSeconds": 600, "sameRegion": false, "onlyOn": ["NETWORK_ERROR"]})
        );
        assert_eq!(
            serde_json::to_value(parse_retry_strategy("single-retry").unwrap()).unwrap(),
            serde_json::json!({"type": "SINGLE_RETRY"})
        );
        assert_eq!(
            serde_json::to_value(parse_retry_strategy("SINGLE_RETRY:base-backoff=5").unwrap())
                .unwrap(),
            serde_json::json!({"type": "SINGLE_RETRY", "baseBackoffSeconds": 5.0})
        );
        assert_eq!(
            serde_json::to_value(parse_retry_strategy("exponential").unwrap()).unwrap(),
            serde_json::json!({"type": "EXPONENTIAL"})
        );
        assert!(
            parse_retry_strategy("sometimes")
                .unwrap_err()
                .contains("unknown strategy")
        );
        assert!(
            parse_retry_strategy("fixed:max-retries=x")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            parse_retry_strategy("fixed:colour=red")
                .unwrap_err()
                .contains("unknown setting")
        );
        assert!(
            parse_retry_strategy("single-retry:max-retries=2")
                .unwrap_err()
                .contains("single-retry")
        );
        assert!(
            parse_retry_strategy("fixed:same-region=maybe")
                .unwrap_err()
                .contains("true or false")
        );
        assert!(
            parse_retry_strategy("fixed:max-retries")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
    }

    #[test]
    fn retries_shorthand_is_fixed() {
        assert_eq!(retries_shorthand(0), None);
        assert_eq!(
            retries_shorthand(2),
            Some(RetryStrategy::Fixed(BackoffRetry {
                max_retries: Some(2),
                ..BackoffRetry::default()
            }))
        );
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("0").unwrap().timestamp(), 0);
        assert_eq!(
            parse_time("2026-05-01T12:00:00+02:00").unwrap().timestamp(),
            1_777_629_600
        );
        assert_eq!(parse_time("2026-05-01").unwrap().timestamp(), 1_777_593_600);
        assert!(parse_time("yesterday").is_err());
    }
}
