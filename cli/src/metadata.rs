//! Test session metadata (branch, commit, owner, message, repository URL,
//! environment), from the `CHECKLY_*` overrides, then the variables of
//! common CI systems, then `git` (if it is installed and this is a work tree).

use std::process::{Command, Stdio};

use checkly::types::TestSessionMetadata;

/// Reads a variable; empty values count as unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;
/// Runs `git` with these arguments; `None` when it fails.
pub type Git<'a> = &'a dyn Fn(&[&str]) -> Option<String>;

/// Metadata from the process environment and `git` in the current directory.
pub fn from_environment() -> Option<TestSessionMetadata> {
    collect(&|name| std::env::var(name).ok(), &run_git)
}

/// Metadata from `env` and `git`; `None` when nothing is known.
pub fn collect(env: Lookup<'_>, git: Git<'_>) -> Option<TestSessionMetadata> {
    let var = |name: &str| {
        env(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let first = |names: &[&str]| names.iter().find_map(|name| var(name));

    let commit_id = first(&[
        "CHECKLY_REPO_SHA",
        "CHECKLY_TEST_REPO_SHA",
        "GITHUB_SHA",
        "CI_COMMIT_SHA",
        "CIRCLE_SHA1",
        "BITBUCKET_COMMIT",
        "TRAVIS_COMMIT",
        "BUILDKITE_COMMIT",
        "BUILD_SOURCEVERSION",
        "VERCEL_GIT_COMMIT_SHA",
        "GIT_COMMIT",
    ])
    .or_else(|| git(&["rev-parse", "HEAD"]));

    let branch_name = first(&[
        "CHECKLY_REPO_BRANCH",
        "CHECKLY_TEST_REPO_BRANCH",
        "GITHUB_HEAD_REF",
        "GITHUB_REF_NAME",
        "CI_COMMIT_REF_NAME",
        "CIRCLE_BRANCH",
        "BITBUCKET_BRANCH",
        "TRAVIS_PULL_REQUEST_BRANCH",
        "TRAVIS_BRANCH",
        "BUILDKITE_BRANCH",
        "BUILD_SOURCEBRANCHNAME",
        "VERCEL_GIT_COMMIT_REF",
        "GIT_BRANCH",
    ])
    .map(|b| b.strip_prefix("origin/").map(str::to_string).unwrap_or(b))
    .or_else(|| git(&["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"));

    let github_url = match (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY")) {
        (Some(server), Some(repo)) => Some(format!("{}/{repo}", server.trim_end_matches('/'))),
        _ => None,
    };
    let vercel_url = match (
        var("VERCEL_GIT_PROVIDER").as_deref(),
        var("VERCEL_GIT_REPO_OWNER"),
        var("VERCEL_GIT_REPO_SLUG"),
    ) {
        (Some("github"), Some(owner), Some(slug)) => {
            Some(format!("https://github.com/{owner}/{slug}"))
        }
        (Some("gitlab"), Some(owner), Some(slug)) => {
            Some(format!("https://gitlab.com/{owner}/{slug}"))
        }
        _ => None,
    };
    let repo_url = var("CHECKLY_REPO_URL")
        .or_else(|| var("CHECKLY_TEST_REPO_URL"))
        .or(github_url)
        .or_else(|| {
            first(&[
                "CI_PROJECT_URL",
                "CIRCLE_REPOSITORY_URL",
                "BITBUCKET_GIT_HTTP_ORIGIN",
                "BUILDKITE_REPO",
                "BUILD_REPOSITORY_URI",
            ])
        })
        .or(vercel_url)
        .or_else(|| var("GIT_URL"))
        .or_else(|| git(&["remote", "get-url", "origin"]))
        .map(|url| without_credentials(&url));

    let commit_owner = first(&[
        "CHECKLY_REPO_COMMIT_OWNER",
        "CHECKLY_TEST_REPO_COMMIT_OWNER",
        "GITHUB_ACTOR",
        "CI_COMMIT_AUTHOR",
        "GITLAB_USER_LOGIN",
        "CIRCLE_USERNAME",
        "BUILDKITE_BUILD_AUTHOR",
        "BUILD_REQUESTEDFOR",
        "VERCEL_GIT_COMMIT_AUTHOR_LOGIN",
        "CHANGE_AUTHOR",
    ])
    .or_else(|| git(&["log", "-1", "--format=%an"]));

    let commit_message = first(&[
        "CHECKLY_REPO_COMMIT_MESSAGE",
        "CHECKLY_TEST_REPO_COMMIT_MESSAGE",
        "CI_COMMIT_TITLE",
        "TRAVIS_COMMIT_MESSAGE",
        "BUILDKITE_MESSAGE",
        "BUILD_SOURCEVERSIONMESSAGE",
        "VERCEL_GIT_COMMIT_MESSAGE",
    ])
    .or_else(|| git(&["log", "-1", "--format=%s"]))
    .map(|m| m.lines().next().unwrap_or_default().trim().to_string())
    .filter(|m| !m.is_empty());

    let environment = first(&[
        "CHECKLY_TEST_ENVIRONMENT",
        "CI_ENVIRONMENT_NAME",
        "VERCEL_ENV",
    ]);

    let metadata = TestSessionMetadata {
        branch_name,
        commit_id,
        commit_message,
        commit_owner,
        environment,
        github: None,
        repo_url,
    };
    (metadata != TestSessionMetadata::default()).then_some(metadata)
}

/// Runs `git` quietly; its trimmed output, or `None` when it is missing or fails.
fn run_git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Drops `user:password@` from a URL, so a token in a remote never leaves the machine.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn no_git(_: &[&str]) -> Option<String> {
        None
    }

    fn fake_git(args: &[&str]) -> Option<String> {
        Some(
            match args {
                ["rev-parse", "HEAD"] => "abc123",
                ["rev-parse", "--abbrev-ref", "HEAD"] => "feature/x",
                ["remote", "get-url", "origin"] => "https://bot:s3cret@example.com/org/repo.git",
                ["log", "-1", "--format=%an"] => "Ada",
                ["log", "-1", "--format=%s"] => "Fix the thing",
                _ => return None,
            }
            .to_string(),
        )
    }

    #[test]
    fn nothing_known_is_none() {
        assert_eq!(collect(&env(&[]), &no_git), None);
    }

    #[test]
    fn git_fills_everything_but_the_environment_and_drops_credentials() {
        let m = collect(&env(&[]), &fake_git).unwrap();
        assert_eq!(m.commit_id.as_deref(), Some("abc123"));
        assert_eq!(m.branch_name.as_deref(), Some("feature/x"));
        assert_eq!(
            m.repo_url.as_deref(),
            Some("https://example.com/org/repo.git")
        );
        assert_eq!(m.commit_owner.as_deref(), Some("Ada"));
        assert_eq!(m.commit_message.as_deref(), Some("Fix the thing"));
        assert_eq!(m.environment, None);
    }

    #[test]
    fn ci_variables_beat_git_and_checkly_variables_beat_both() {
        let vars = [
            ("GITHUB_SHA", "ghsha"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_HEAD_REF", ""),
            ("GITHUB_SERVER_URL", "https://github.com/"),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_ACTOR", "octocat"),
            ("CHECKLY_REPO_BRANCH", "release"),
            ("CHECKLY_TEST_ENVIRONMENT", "staging"),
            ("CHECKLY_REPO_COMMIT_MESSAGE", "Ship it\n\nlong body"),
        ];
        let m = collect(&env(&vars), &fake_git).unwrap();
        assert_eq!(m.commit_id.as_deref(), Some("ghsha"));
        assert_eq!(m.branch_name.as_deref(), Some("release"));
        assert_eq!(m.repo_url.as_deref(), Some("https://github.com/acme/shop"));
        assert_eq!(m.commit_owner.as_deref(), Some("octocat"));
        assert_eq!(m.commit_message.as_deref(), Some("Ship it"));
        assert_eq!(m.environment.as_deref(), Some("staging"));
    }

    #[test]
    fn the_older_checkly_test_repo_names_still_count() {
        let vars = [
            ("GITHUB_SHA", "ghsha"),
            ("CHECKLY_TEST_REPO_SHA", "oldsha"),
            ("CHECKLY_TEST_REPO_BRANCH", "old-branch"),
            ("CHECKLY_TEST_REPO_URL", "https://git.example.com/acme/shop"),
            ("CHECKLY_TEST_REPO_COMMIT_OWNER", "Grace"),
            ("CHECKLY_TEST_REPO_COMMIT_MESSAGE", "Old name"),
        ];
        let m = collect(&env(&vars), &no_git).unwrap();
        assert_eq!(m.commit_id.as_deref(), Some("oldsha"));
        assert_eq!(m.branch_name.as_deref(), Some("old-branch"));
        assert_eq!(
            m.repo_url.as_deref(),
            Some("https://git.example.com/acme/shop")
        );
        assert_eq!(m.commit_owner.as_deref(), Some("Grace"));
        assert_eq!(m.commit_message.as_deref(), Some("Old name"));
        // The current names win over the older ones.
        let both = [
            ("CHECKLY_REPO_SHA", "newsha"),
            ("CHECKLY_TEST_REPO_SHA", "oldsha"),
        ];
        let m = collect(&env(&both), &no_git).unwrap();
        assert_eq!(m.commit_id.as_deref(), Some("newsha"));
    }

    #[test]
    fn gitlab_and_circle_variables() {
        let gitlab = [
            ("CI_COMMIT_SHA", "glsha"),
            ("CI_COMMIT_REF_NAME", "mr-branch"),
            ("CI_PROJECT_URL", "https://gitlab.com/acme/shop"),
            ("GITLAB_USER_LOGIN", "tanuki"),
            ("CI_COMMIT_TITLE", "Merge"),
            ("CI_ENVIRONMENT_NAME", "review"),
        ];
        let m = collect(&env(&gitlab), &no_git).unwrap();
        assert_eq!(
            (
                m.commit_id.as_deref(),
                m.branch_name.as_deref(),
                m.repo_url.as_deref()
            ),
            (
                Some("glsha"),
                Some("mr-branch"),
                Some("https://gitlab.com/acme/shop")
            )
        );
        assert_eq!(
            (m.commit_owner.as_deref(), m.environment.as_deref()),
            (Some("tanuki"), Some("review"))
        );
        let circle = [
            ("CIRCLE_SHA1", "c1"),
            ("CIRCLE_BRANCH", "dev"),
            ("GIT_BRANCH", "origin/other"),
        ];
        let m = collect(&env(&circle), &no_git).unwrap();
        assert_eq!(
            (m.commit_id.as_deref(), m.branch_name.as_deref()),
            (Some("c1"), Some("dev"))
        );
    }

    #[test]
    fn detached_head_is_no_branch() {
        let git = |args: &[&str]| match args {
            ["rev-parse", "--abbrev-ref", "HEAD"] => Some("HEAD".to_string()),
            _ => None,
        };
        assert_eq!(
            collect(&env(&[("GIT_BRANCH", "origin/main")]), &git)
                .unwrap()
                .branch_name
                .as_deref(),
            Some("main")
        );
        assert_eq!(collect(&env(&[]), &git), None);
    }

    #[test]
    fn credentials_are_stripped() {
        assert_eq!(
            without_credentials("https://u:p@h.com/a@b"),
            "https://h.com/a@b"
        );
        assert_eq!(
            without_credentials("git@github.com:acme/shop.git"),
            "git@github.com:acme/shop.git"
        );
        assert_eq!(without_credentials("https://h.com/x"), "https://h.com/x");
    }
}
