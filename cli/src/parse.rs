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

/// Parses one `--env` (or `--secret-env`) value like one dotenv line (see
/// [`parse_env_file`]): `KEY=VALUE`, the value may contain `=`, be quoted, or
/// end at an inline comment.
///
/// The error never shows the value: it may be a secret (clap is given the
/// flag as a plain string for the same reason, so that it does not echo it).
pub fn parse_env_pair(value: &str, flag: &'static str) -> Result<EnvPair, UsageError> {
    let shape = || UsageError::new(flag, "expected KEY=VALUE (the value is not shown)");
    if !value.contains('=') {
        return Err(shape());
    }
    let mut pairs = parse_dotenv(value).map_err(|(_, what)| UsageError::new(flag, what))?;
    match (pairs.pop(), pairs.is_empty()) {
        (Some(pair), true) => Ok(pair),
        _ => Err(shape()),
    }
}

/// Reads a dotenv file given to `flag`; see [`parse_env_file`] for the syntax.
pub fn read_env_file(path: &Path, flag: &'static str) -> anyhow::Result<Vec<EnvPair>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::new(flag, format!("cannot read {}: {e}", path.display())))?;
    parse_env_file(&text, flag).with_context(|| format!("in {}", path.display()))
}

/// Parses the text of a dotenv file given to `flag`:
///
/// - `KEY=VALUE` lines, with an optional `export ` prefix; blank lines and
///   lines starting with `#` are skipped;
/// - an unquoted value is trimmed, and ends at a `#` that follows a space or
///   tab (an inline comment; `A=b#c` keeps its `#`);
/// - a value in double quotes expands `\n`, `\t`, `\"` and `\\` (other
///   backslashes stay as they are) and may span lines;
/// - a value in single quotes is taken literally and may span lines;
/// - after a closing quote only spaces and a `#` comment may follow.
///
/// Errors name the line but never show a value (it may be a secret).
pub fn parse_env_file(text: &str, flag: &'static str) -> Result<Vec<EnvPair>, UsageError> {
    parse_dotenv(text).map_err(|(line, what)| UsageError::new(flag, format!("line {line}: {what}")))
}

/// The dotenv parser behind [`parse_env_file`] and [`parse_env_pair`]; an
/// error is the line it starts on and what is wrong.
fn parse_dotenv(text: &str) -> Result<Vec<EnvPair>, (usize, &'static str)> {
    let mut pairs = Vec::new();
    let mut rest = text;
    let mut line = 1;
    while !rest.is_empty() {
        let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
        let trimmed = first.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            rest = after;
            line += 1;
            continue;
        }
        let bad = |what| (line, what);
        let statement = trimmed
            .strip_prefix("export ")
            .map_or(trimmed, str::trim_start);
        let Some((key, _)) = statement.split_once('=') else {
            return Err(bad("expected KEY=VALUE, got a line without `=`"));
        };
        // `first` has no `=` before the key's: the value starts after it, and
        // a quoted value may run on over the lines that follow.
        let value_start = first.find('=').map_or(first.len(), |i| i + 1);
        let (value, remainder) = env_value(&rest[value_start..]).map_err(bad)?;
        pairs.push(EnvPair {
            key: key.trim().to_string(),
            value,
        });
        let consumed = rest.len() - remainder.len();
        line += rest[..consumed].matches('\n').count();
        rest = remainder;
    }
    Ok(pairs)
}

/// One value: `raw` runs from after the `=` to the end of the text. Returns
/// the value and the text after the line it ends on.
fn env_value(raw: &str) -> Result<(String, &str), &'static str> {
    let trimmed = raw.trim_start_matches([' ', '\t']);
    let mut chars = trimmed.char_indices();
    let (value, rest) = match chars.next() {
        Some((_, '"')) => {
            let mut value = String::new();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n')) => value.push('\n'),
                        Some((_, 't')) => value.push('\t'),
                        Some((_, '"')) => value.push('"'),
                        Some((_, '\\')) => value.push('\\'),
                        Some((_, other)) => {
                            value.push('\\');
                            value.push(other);
                        }
                        None => value.push('\\'),
                    },
                    c => value.push(c),
                }
            }
            let end = end.ok_or("the double quote is never closed")?;
            (value, &trimmed[end..])
        }
        Some((_, '\'')) => {
            let body = &trimmed[1..];
            let end = body.find('\'').ok_or("the single quote is never closed")?;
            (body[..end].to_string(), &body[end + 1..])
        }
        _ => {
            let (line, after) = raw.split_once('\n').unwrap_or((raw, ""));
            // An inline comment starts at a `#` after a space or tab.
            let mut end = line.len();
            let mut previous = None;
            for (i, c) in line.char_indices() {
                if c == '#' && previous.is_some_and(|p: char| p == ' ' || p == '\t') {
                    end = i;
                    break;
                }
                previous = Some(c);
            }
            return Ok((line[..end].trim().to_string(), after));
        }
    };
    let (tail, after) = rest.split_once('\n').unwrap_or((rest, ""));
    let tail = tail.trim();
    if tail.is_empty() || tail.starts_with('#') {
        Ok((value, after))
    } else {
        Err("unexpected text after the closing quote")
    }
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

/// The most retries `--retries` asks for, as in the official CLI.
pub const MAX_RETRIES_FLAG: u32 = 3;

/// The strategy `--retries N` stands for, as the official CLI sends it:
/// FIXED with `maxRetries` N and no backoff (without `baseBackoffSeconds` the
/// API would wait 60 s between retries), `null` for 0. N above
/// [`MAX_RETRIES_FLAG`] is lowered to it; the second value says so.
pub fn retries_shorthand(retries: u32) -> (RetryStrategy, bool) {
    let clamped = retries > MAX_RETRIES_FLAG;
    let retries = retries.min(MAX_RETRIES_FLAG);
    let strategy = if retries == 0 {
        RetryStrategy::NoRetries
    } else {
        RetryStrategy::Fixed(BackoffRetry {
            max_retries: Some(retries),
            base_backoff_seconds: Some(0.0),
            ..BackoffRetry::default()
        })
    };
    (strategy, clamped)
}

/// Parses a speed factor: a finite number greater than 0.
#[cfg(feature = "demo")]
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
            parse_env_pair("A=b=c", "--env").unwrap(),
            EnvPair {
                key: "A".into(),
                value: "b=c".into()
            }
        );
        assert_eq!(parse_env_pair("=v", "--env").unwrap().key, "");
        let err = parse_env_pair("TOKEN:s3cr3t", "--env").unwrap_err();
        assert_eq!(err.flag, "--env");
        assert!(err.message.contains("KEY=VALUE"), "{}", err.message);
        assert!(
            !err.to_string().contains("s3cr3t"),
            "the value is never shown: {err}"
        );
    }

    fn flat(text: &str) -> Vec<(String, String)> {
        parse_env_file(text, "--env-file")
            .unwrap()
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn quoted_values_span_lines_and_errors_keep_their_line() {
        assert_eq!(
            flat("KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nNEXT='a\nb' # c\nLAST=1\n"),
            pairs(&[
                ("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----"),
                ("NEXT", "a\nb"),
                ("LAST", "1")
            ])
        );
        let err = parse_env_file("A=\"x\ny\"\nB='p\nq'\nnope\n", "--env-file").unwrap_err();
        assert!(err.message.starts_with("line 5: "), "{}", err.message);
        assert_eq!(
            flat("EMPTY=\nNEXT=2"),
            pairs(&[("EMPTY", ""), ("NEXT", "2")])
        );
    }

    #[test]
    fn an_env_flag_is_read_like_a_dotenv_line() {
        let pair = |text| parse_env_pair(text, "--env").unwrap();
        assert_eq!(pair("A=\"two words\"").value, "two words");
        assert_eq!(pair("A='$HOME'").value, "$HOME");
        assert_eq!(pair("A=b #c").value, "b");
        assert_eq!(pair("A=b#c").value, "b#c");
        assert_eq!(pair("export A=1").key, "A");
        let err = parse_env_pair("S=\"SECRETV", "--secret-env").unwrap_err();
        assert_eq!(err.flag, "--secret-env");
        assert!(!err.to_string().contains("SECRETV"), "{err}");
        assert!(
            parse_env_pair("A=1\nB=2", "--env").is_err(),
            "one pair per flag"
        );
    }

    #[test]
    fn env_files() {
        assert_eq!(
            flat("# comment\n\nexport A=1\nB = \"two words\"\nC='x'\nD=\n"),
            pairs(&[("A", "1"), ("B", "two words"), ("C", "x"), ("D", "")])
        );
        let err = parse_env_file("A=1\nnope\n", "--env-file").unwrap_err();
        assert_eq!(err.flag, "--env-file");
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn env_file_inline_comments_end_unquoted_values() {
        assert_eq!(
            flat("A=1 # one\nB=x\t# tab\nC=#ff0000\nD=a#b\nE= # nothing\nF=  spaced  \n"),
            pairs(&[
                ("A", "1"),
                ("B", "x"),
                ("C", "#ff0000"),
                ("D", "a#b"),
                ("E", ""),
                ("F", "spaced")
            ])
        );
    }

    #[test]
    fn env_file_double_quotes_expand_escapes_single_quotes_do_not() {
        assert_eq!(
            flat(concat!(
                r#"A="line1\nline2\tend""#,
                "\n",
                r#"B="say \"hi\" \\ done" # comment"#,
                "\n",
                r#"C='raw\n \" # not a comment'"#,
                "\n",
                r#"D="keep \$HOME and # this""#,
                "\n",
            )),
            pairs(&[
                ("A", "line1\nline2\tend"),
                ("B", r#"say "hi" \ done"#),
                ("C", r#"raw\n \" # not a comment"#),
                ("D", r"keep \$HOME and # this"),
            ])
        );
        for bad in [
            "A=\"SECRETV",
            "A='SECRETV",
            "A=\"SECRETV\" trailing",
            "A=\"SECRETV\\\"",
        ] {
            let err = parse_env_file(bad, "--env-file").unwrap_err();
            assert_eq!(err.flag, "--env-file");
            assert!(
                err.message.starts_with("line 1: "),
                "{bad}: {}",
                err.message
            );
            assert!(
                !err.message.contains("SECRETV"),
                "no value shown: {}",
                err.message
            );
        }
    }

    #[test]
    fn retries_send_the_official_wire_form() {
        let wire = |n| serde_json::to_value(retries_shorthand(n).0).unwrap();
        assert_eq!(wire(0), serde_json::Value::Null);
        assert_eq!(
            wire(2),
            serde_json::json!({"type": "FIXED", "maxRetries": 2, "baseBackoffSeconds": 0.0})
        );
        assert_eq!(wire(7), wire(3));
        assert!(retries_shorthand(7).1 && !retries_shorthand(3).1);
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
    fn retries_shorthand_is_fixed_without_backoff() {
        assert_eq!(retries_shorthand(0), (RetryStrategy::NoRetries, false));
        assert_eq!(
            retries_shorthand(2),
            (
                RetryStrategy::Fixed(BackoffRetry {
                    max_retries: Some(2),
                    base_backoff_seconds: Some(0.0),
                    ..BackoffRetry::default()
                }),
                false
            )
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
