//! Exit codes and turning errors into one clear `error: ...` line.
//!
//! Bad input exits 2 and names the flag: a [`UsageError`], a library
//! [`checkly::Error::Validation`] (its wire field is mapped back to the flag
//! that set it) or a [`checkly::Error::Config`] (missing or bad credentials).
//! Everything else exits 1.

use std::fmt;

use crate::print;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: all passed, or the command did what it was asked.
    Success,
    /// 1: a failure, an error, a timeout or no matching checks.
    Failure,
    /// 2: bad flags or bad input.
    Usage,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
        }
    }
}

/// Bad input, attributed to a flag (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// The flag (or variable) the bad value came from, e.g. `--env`.
    pub flag: String,
    /// What is wrong with it.
    pub message: String,
}

impl UsageError {
    /// A usage error for `flag`.
    pub fn new(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            flag: flag.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value for {}: {}", self.flag, self.message)
    }
}

impl std::error::Error for UsageError {}

/// A second Ctrl+C: stop at once (exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    /// The link of the session being followed; `None` when the trigger had
    /// not answered yet.
    pub session_link: Option<String>,
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.session_link {
            Some(link) => write!(
                f,
                "interrupted (Ctrl+C twice); stopped following the test session, which may still be running: {link}"
            ),
            None => f.write_str(
                "interrupted (Ctrl+C twice) while triggering; a test session may have started anyway",
            ),
        }
    }
}

impl std::error::Error for Interrupted {}

/// The flag (or variable) that sets a field of a request, by the field's wire
/// name as [`checkly::ValidationError::field`] gives it.
pub fn flag_for_field(field: &str) -> Option<&'static str> {
    let root = field.split(['.', '[']).next().unwrap_or(field);
    Some(match root {
        "name" => "--test-session-name",
        "runLocation" => "--location",
        "environmentVariables" => "--env",
        "retryStrategy" => "--retry-strategy",
        "refreshCache" => "--refresh-cache",
        "target" if field.starts_with("target.checkId") => "--check-id",
        "target" => "--tags",
        "metadata" => return metadata_variable(field),
        "limit" => "--limit",
        "textSearch" => "--search",
        "errorGroupId" => "--error-group-id",
        "nextId" => "--next-id",
        "from" => "--from",
        "to" => "--to",
        "branches" => "--branch",
        "users" => "--user",
        "statuses" => "--status",
        "providers" => "--provider",
        "sequenceId" => "--sequence-id",
        "maxWaitSeconds" => "--timeout",
        _ => return None,
    })
}

fn metadata_variable(field: &str) -> Option<&'static str> {
    Some(match field.strip_prefix("metadata.")? {
        "branchName" => "CHECKLY_REPO_BRANCH",
        "commitId" => "CHECKLY_REPO_SHA",
        "repoUrl" => "CHECKLY_REPO_URL",
        "commitOwner" => "CHECKLY_REPO_COMMIT_OWNER",
        "commitMessage" => "CHECKLY_REPO_COMMIT_MESSAGE",
        "environment" => "CHECKLY_TEST_ENVIRONMENT",
        _ => return None,
    })
}

/// The flag that sets a configuration variable of the library.
fn flag_for_setting(name: &str) -> &'static str {
    match name {
        checkly::ENV_API_KEY => "--api-key",
        checkly::ENV_ACCOUNT_ID => "--account-id",
        checkly::ENV_API_URL => "--api-url",
        _ => "a setting",
    }
}

/// A usage error for a library validation error, naming the flag.
pub fn usage_for_validation(e: &checkly::ValidationError) -> UsageError {
    match flag_for_field(&e.field) {
        Some(flag) => UsageError::new(flag, format!("`{}` {}", e.field, e.rule)),
        None => UsageError::new("the request", format!("`{}` {}", e.field, e.rule)),
    }
}

/// Classifies `err`: the exit code and the one-line message.
pub fn classify(err: &anyhow::Error) -> (Exit, String) {
    for cause in err.chain() {
        if let Some(usage) = cause.downcast_ref::<UsageError>() {
            return (Exit::Usage, usage.to_string());
        }
        match cause.downcast_ref::<checkly::Error>() {
            Some(checkly::Error::Validation(v)) => {
                return (Exit::Usage, usage_for_validation(v).to_string());
            }
            Some(checkly::Error::Config { name, problem }) => {
                let flag = flag_for_setting(name);
                let message = if problem.starts_with("is not set") {
                    format!("missing {flag}: pass {flag} or set {name}")
                } else {
                    format!("invalid value for {flag} ({name}): {problem}")
                };
                return (Exit::Usage, message);
            }
            _ => {}
        }
    }
    let mut chain = err.chain();
    let top = chain.next().map(ToString::to_string).unwrap_or_default();
    let message = match chain.next() {
        Some(cause) => format!("{top}: {cause}"),
        None => top,
    };
    (Exit::Failure, message)
}

/// Prints `err` as `error: ...` on stderr (with `verbose`, each cause the
/// line does not already show, on a line of its own) and returns its exit
/// code.
pub fn report(err: &anyhow::Error, verbose: bool) -> Exit {
    let (exit, message) = classify(err);
    print::error_line(&message);
    if verbose {
        for cause in causes_not_in(err, &message) {
            print::stderr_line(&format!("  caused by: {}", print::sanitize(&cause)));
        }
    }
    exit
}

/// The causes of `err` (below the top) whose text `line` does not contain.
fn causes_not_in(err: &anyhow::Error, line: &str) -> Vec<String> {
    err.chain()
        .skip(1)
        .map(|cause| cause.to_string())
        .filter(|cause| !line.contains(cause.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_fields_map_to_flags() {
        assert_eq!(flag_for_field("name"), Some("--test-session-name"));
        assert_eq!(flag_for_field("runLocation"), Some("--location"));
        assert_eq!(flag_for_field("environmentVariables[0].key"), Some("--env"));
        assert_eq!(
            flag_for_field("retryStrategy.maxRetries"),
            Some("--retry-strategy")
        );
        assert_eq!(flag_for_field("target.matchTags[0][1]"), Some("--tags"));
        assert_eq!(flag_for_field("target.checkId[0]"), Some("--check-id"));
        assert_eq!(
            flag_for_field("metadata.commitMessage"),
            Some("CHECKLY_REPO_COMMIT_MESSAGE")
        );
        assert_eq!(flag_for_field("textSearch"), Some("--search"));
        assert_eq!(flag_for_field("somethingNew"), None);
    }

    #[test]
    fn config_errors_are_usage_errors_naming_the_flag() {
        let err = anyhow::Error::new(checkly::Error::Config {
            name: checkly::ENV_API_KEY,
            problem: "is not set: the API key is required".into(),
        });
        let (exit, message) = classify(&err);
        assert_eq!(exit, Exit::Usage);
        assert_eq!(
            message,
            "missing --api-key: pass --api-key or set CHECKLY_API_KEY"
        );
    }

    #[test]
    fn verbose_shows_only_causes_the_line_lacks() {
        let err = anyhow::anyhow!("connection refused")
            .context("could not reach Checkly: error sending request")
            .context("could not trigger the test session");
        let (_, line) = classify(&err);
        assert_eq!(
            line,
            "could not trigger the test session: could not reach Checkly: error sending request"
        );
        assert_eq!(causes_not_in(&err, &line), ["connection refused"]);
    }

    #[test]
    fn other_errors_exit_one_with_their_first_cause() {
        let err = anyhow::anyhow!("root cause").context("could not do it");
        assert_eq!(
            classify(&err),
            (Exit::Failure, "could not do it: root cause".to_string())
        );
        let usage = anyhow::Error::new(UsageError::new("--env", "bad")).context("outer");
        assert_eq!(
            classify(&usage),
            (Exit::Usage, "invalid value for --env: bad".to_string())
        );
    }
}
