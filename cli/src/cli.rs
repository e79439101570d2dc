//! The command line: every command and flag (clap derive). Value parsers
//! live in [`crate::parse`].

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

#[cfg(feature = "demo")]
use crate::parse::parse_speed;
use crate::parse::{TagGroup, parse_retry_strategy, parse_tag_group, parse_time};
use checkly::types::RetryStrategy;

/// Trigger, follow and gate on Checkly test sessions.
///
/// Credentials come from --api-key/--account-id or CHECKLY_API_KEY/CHECKLY_ACCOUNT_ID.
/// Try it offline with `checkly demo -t production`.
#[derive(Debug, Parser)]
#[command(
    name = "checkly",
    version,
    propagate_version = true,
    verbatim_doc_comment
)]
#[cfg_attr(
    not(feature = "demo"),
    command(long_about = "Trigger, follow and gate on Checkly test sessions.\n\n\
        Credentials come from --api-key/--account-id or CHECKLY_API_KEY/CHECKLY_ACCOUNT_ID.")
)]
pub struct Cli {
    /// Flags every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Credentials, API location and verbosity, accepted by every command.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Checkly API key (never printed)
    #[arg(
        long,
        global = true,
        env = "CHECKLY_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Checkly account id (a UUID)
    #[arg(
        long,
        global = true,
        env = "CHECKLY_ACCOUNT_ID",
        hide_env_values = true,
        value_name = "UUID"
    )]
    pub account_id: Option<String>,
    /// Base URL of the API [default: https://api.checklyhq.com]
    #[arg(
        long,
        global = true,
        env = "CHECKLY_API_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub api_url: Option<String>,
    /// Print more: request details, and the cause chain of errors
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Trigger a test session, follow it, report, and exit 0 only if every check passed
    Trigger(TriggerArgs),
    /// List, show and cancel test sessions
    #[command(subcommand)]
    TestSessions(TestSessionsCommand),
    /// Trigger, show and wait for check sessions
    #[command(subcommand)]
    CheckSessions(CheckSessionsCommand),
    /// Run `trigger` offline against the bundled mock API (try `-t production` or `-t failing`)
    ///
    /// Starts the bundled mock API in this process, with a sped-up clock, and runs the trigger
    /// flow against it with the mock's credentials (--api-key, --account-id and --api-url are
    /// ignored). Demo tags: production (all pass), failing, flaky (passes with --retries 1),
    /// degraded, slow, staging, api, browser.
    #[cfg(feature = "demo")]
    #[command(verbatim_doc_comment)]
    Demo(DemoArgs),
    /// Serve the bundled mock API in the foreground
    //
    // Its flags are the `checkly-mock` binary's (one definition, `checkly_mock::MockArgs`),
    // but for --api-key and --account-id, which are the client's: the mock keeps its default
    // credentials and prints them.
    #[cfg(feature = "demo")]
    #[command(after_help = checkly_mock::MOCK_AFTER_HELP)]
    Mock(checkly_mock::MockArgs),
}

/// The reporters of `trigger`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum ReporterKind {
    /// One line per check, then a summary
    List,
    /// One character per check, then a summary
    Dot,
    /// Plain ASCII lines for CI logs
    Ci,
    /// GitHub Actions workflow annotations
    Github,
    /// A JSON document (see REPORT_SCHEMA.md)
    Json,
    /// JUnit XML (to --junit-file, or stdout)
    Junit,
}

/// The longest `--timeout`, in seconds (a day).
pub const MAX_TIMEOUT_SECONDS: u64 = 86_400;

/// `--timeout`, the same in every command that waits.
#[derive(Debug, Clone, Copy, Args)]
pub struct TimeoutArg {
    /// Give up waiting after this many seconds, 1 to 86400 (exit 1)
    #[arg(
        long = "timeout",
        value_name = "SECONDS",
        default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECONDS)
    )]
    pub seconds: u64,
}

impl TimeoutArg {
    /// The timeout as a duration.
    pub fn duration(self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

/// Flags of `trigger` (and `demo`).
#[derive(Debug, Clone, Args)]
pub struct TriggerArgs {
    /// Run the checks with these tags (commas: AND; repeating the flag: OR)
    ///
    /// `-t production,api -t smoke` runs the checks tagged both production and api, and those
    /// tagged smoke. A tag written `!name` excludes the checks tagged `name`.
    #[arg(short = 't', long = "tags", value_name = "TAG[,TAG...]", value_parser = parse_tag_group, verbatim_doc_comment)]
    pub tags: Vec<TagGroup>,
    /// Run only the checks that failed in this earlier test session
    #[arg(long, value_name = "SESSION_ID", conflicts_with_all = ["tags", "check_ids"])]
    pub rerun_failed: Option<Uuid>,
    /// Run this check (repeatable or comma separated)
    #[arg(
        long = "check-id",
        value_name = "UUID[,UUID...]",
        value_delimiter = ','
    )]
    pub check_ids: Vec<Uuid>,
    /// Public location to run the checks in
    #[arg(
        short = 'l',
        long,
        value_name = "REGION",
        default_value = "eu-central-1"
    )]
    pub location: String,
    /// Private location (slug) to run the checks in, instead of --location
    #[arg(long, value_name = "SLUG", conflicts_with = "location")]
    pub private_location: Option<String>,
    /// Environment variable for the checks (repeatable)
    // A plain string: clap would echo a bad value in its error, and values may be secrets.
    // `crate::parse::parse_env_pair` splits it, without ever showing the value.
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Read environment variables from a dotenv file (KEY=VALUE lines; --env wins)
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// Secret environment variable for the checks (repeatable; sent as secret, never shown)
    #[arg(long = "secret-env", value_name = "KEY=VALUE")]
    pub secret_env: Vec<String>,
    /// Read secret environment variables from a dotenv file (--secret-env and --env win)
    #[arg(long, value_name = "PATH")]
    pub secret_env_file: Option<PathBuf>,
    /// Name of the test session
    #[arg(
        short = 'n',
        long,
        value_name = "NAME",
        default_value = "Triggered Session"
    )]
    pub test_session_name: String,
    /// Retry failed checks up to N times, at once (FIXED, no backoff; 0 = no retries; at most 3)
    ///
    /// As the official CLI: sends `{"type":"FIXED","maxRetries":N,"baseBackoffSeconds":0}`,
    /// or `null` for 0; a larger N is lowered to 3 with a note.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "retry_strategy",
        verbatim_doc_comment
    )]
    pub retries: Option<u32>,
    /// Retry strategy, e.g. `linear:max-retries=3,base-backoff=30` or `single-retry`
    ///
    /// TYPE[:KEY=VALUE,...] where TYPE is fixed, linear, exponential or single-retry.
    /// Keys (optional; the API's defaults apply to those left out):
    ///   max-retries=N        retries at most, 1 to 10 (not for single-retry)
    ///   base-backoff=SECS    seconds before the first retry
    ///   max-duration=SECS    seconds all retries may take, 0 to 600 (not for single-retry)
    ///   same-region=BOOL     retry in the same region (true or false)
    ///   only-on=COND[+COND]  retry only on these failures, e.g. NETWORK_ERROR
    /// Not together with --retries.
    #[arg(long, value_name = "STRATEGY", value_parser = parse_retry_strategy, verbatim_doc_comment)]
    pub retry_strategy: Option<RetryStrategy>,
    /// `--timeout`.
    #[command(flatten)]
    pub timeout: TimeoutArg,
    /// Exit 1 when no check matches (the default)
    #[arg(long, overrides_with = "no_fail_on_no_matching")]
    pub fail_on_no_matching: bool,
    /// Exit 0 when no check matches
    #[arg(long, overrides_with = "fail_on_no_matching")]
    pub no_fail_on_no_matching: bool,
    /// Ignore cached dependencies and install them afresh
    #[arg(long)]
    pub refresh_cache: bool,
    /// Do not wait for the results: print the session and exit 0
    #[arg(short, long)]
    pub detach: bool,
    /// How to report (repeatable or comma separated) [default: ci when CI is set, else list]
    #[arg(
        short = 'r',
        long = "reporter",
        value_name = "REPORTER",
        value_enum,
        value_delimiter = ','
    )]
    pub reporters: Vec<ReporterKind>,
    /// Write the JUnit report to this file (implies `--reporter junit`)
    #[arg(long, value_name = "PATH")]
    pub junit_file: Option<PathBuf>,
    /// Write the JSON report to this file (implies `--reporter json`) [env: CHECKLY_REPORTER_JSON_OUTPUT]
    #[arg(long, value_name = "PATH")]
    pub json_file: Option<PathBuf>,
    /// Download the assets of failed checks (screenshots, traces, videos, logs) here, one folder per check
    #[arg(long, value_name = "DIR")]
    pub artifacts_dir: Option<PathBuf>,
    /// Accepted for scripts of the official CLI (sessions are always recorded)
    #[arg(long, overrides_with = "no_record")]
    pub record: bool,
    /// Accepted for scripts of the official CLI; prints a note (the API records every session)
    #[arg(long, overrides_with = "record")]
    pub no_record: bool,
    /// Accepted for scripts of the official CLI; not read (checks are chosen by --tags, --check-id)
    #[arg(short = 'c', long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Seconds each completion long poll may wait (1 to 30)
    #[arg(long, hide = true, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub poll_seconds: u32,
}

impl TriggerArgs {
    /// Whether "no matching checks" fails the run.
    pub fn fail_on_no_matching(&self) -> bool {
        !self.no_fail_on_no_matching
    }
}

/// `test-sessions` subcommands.
#[derive(Debug, Subcommand)]
pub enum TestSessionsCommand {
    /// List test sessions, newest first
    List(ListArgs),
    /// Show one test session and its results
    Get(GetArgs),
    /// Cancel a running test session (or some of its results)
    Cancel(CancelArgs),
}

/// Output formats of the listing and showing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human readable
    Table,
    /// The API's JSON
    Json,
}

/// Test-session statuses, as filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatusArg {
    /// Still running
    Running,
    /// Finished with a failure
    Failed,
    /// Finished, every check passed
    Passed,
    /// Cancelled
    Cancelled,
}

/// Test-session providers, as filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProviderArg {
    /// GitHub integration
    Github,
    /// Vercel integration
    Vercel,
    /// The API (this tool)
    Api,
    /// Trigger
    Trigger,
    /// The Playwright reporter
    PwReporter,
}

/// Flags of `test-sessions list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only sessions with this status (repeatable or comma separated)
    #[arg(
        long,
        value_name = "STATUS",
        value_enum,
        ignore_case = true,
        value_delimiter = ','
    )]
    pub status: Vec<StatusArg>,
    /// Only sessions of this Git branch (repeatable)
    #[arg(long, value_name = "BRANCH")]
    pub branch: Vec<String>,
    /// Only sessions of this commit owner or invoking user (repeatable)
    #[arg(long, value_name = "USER")]
    pub user: Vec<String>,
    /// Only sessions from this provider (repeatable or comma separated)
    #[arg(
        long,
        value_name = "PROVIDER",
        value_enum,
        ignore_case = true,
        value_delimiter = ','
    )]
    pub provider: Vec<ProviderArg>,
    /// Also include sessions with no commit owner and no invoking user
    #[arg(long)]
    pub no_users: bool,
    /// Free text search (3 to 200 characters)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only sessions that saw this error group
    #[arg(long, value_name = "ID")]
    pub error_group_id: Option<String>,
    /// Only sessions created at or after this time (RFC 3339 or unix seconds)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub from: Option<DateTime<Utc>>,
    /// Only sessions created before this time (RFC 3339 or unix seconds)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub to: Option<DateTime<Utc>>,
    /// Sessions per page (1 to 100; the API's default is 20)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: Option<u32>,
    /// Follow the cursor and list every page
    #[arg(long)]
    pub all: bool,
    /// Start at this cursor (the `nextId` of an earlier page)
    #[arg(long, value_name = "CURSOR", conflicts_with = "all")]
    pub next_id: Option<String>,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Flags of `test-sessions get`.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The test session id
    #[arg(value_name = "ID")]
    pub id: Uuid,
    /// Follow the session until it finishes, up to --timeout (exit 1 unless it passed)
    #[arg(long, short = 'w', conflicts_with = "result")]
    pub watch: bool,
    /// Show one result of the session in full: its errors, assertions, whole log, error groups and assets
    #[arg(long, value_name = "RESULT_ID")]
    pub result: Option<Uuid>,
    /// `--timeout`.
    #[command(flatten)]
    pub timeout: TimeoutArg,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Seconds each completion long poll may wait (1 to 30)
    #[arg(long, hide = true, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub poll_seconds: u32,
}

/// Flags of `test-sessions cancel`.
#[derive(Debug, Clone, Args)]
pub struct CancelArgs {
    /// The test session id
    #[arg(value_name = "ID")]
    pub id: Uuid,
    /// Cancel only this result sequence (repeatable); without it, everything still running
    #[arg(long = "sequence-id", value_name = "UUID")]
    pub sequence_ids: Vec<Uuid>,
}

/// `check-sessions` subcommands.
#[derive(Debug, Subcommand)]
pub enum CheckSessionsCommand {
    /// Start one check session per matching check
    Trigger(CheckTriggerArgs),
    /// Show a check session
    Get(CheckGetArgs),
    /// Wait for check sessions to finish, reporting each as it ends (exit 1 unless all passed)
    Wait(CheckWaitArgs),
    /// Cancel check sessions still running (exit 1 unless every cancel succeeded)
    Cancel(CheckCancelArgs),
}

/// Flags of `check-sessions trigger`.
#[derive(Debug, Clone, Args)]
pub struct CheckTriggerArgs {
    /// Run the checks with these tags (commas: AND; repeating the flag: OR; `!tag`: NOT)
    #[arg(short = 't', long = "tags", value_name = "TAG[,TAG...]", value_parser = parse_tag_group)]
    pub tags: Vec<TagGroup>,
    /// Run this check (repeatable)
    #[arg(long = "check-id", value_name = "UUID")]
    pub check_ids: Vec<Uuid>,
    /// Ignore cached dependencies and install them afresh
    #[arg(long)]
    pub refresh_cache: bool,
    /// Wait for every session to finish, up to --timeout, reporting each as it ends (exit 1
    /// unless all passed)
    #[arg(long, short = 'w')]
    pub wait: bool,
    /// With --wait: write a JUnit report of the sessions to this file (one suite per session)
    #[arg(long, value_name = "PATH", requires = "wait")]
    pub junit_file: Option<PathBuf>,
    /// `--timeout`.
    #[command(flatten)]
    pub timeout: TimeoutArg,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Flags of `check-sessions get`.
#[derive(Debug, Clone, Args)]
pub struct CheckGetArgs {
    /// The check session id
    #[arg(value_name = "ID")]
    pub id: Uuid,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Flags of `check-sessions wait`.
#[derive(Debug, Clone, Args)]
pub struct CheckWaitArgs {
    /// The check session ids, waited for at once under one --timeout
    #[arg(value_name = "ID", required = true, num_args = 1..)]
    pub ids: Vec<Uuid>,
    /// Write a JUnit report of the sessions to this file (one suite per session)
    #[arg(long, value_name = "PATH")]
    pub junit_file: Option<PathBuf>,
    /// `--timeout`.
    #[command(flatten)]
    pub timeout: TimeoutArg,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Flags of `check-sessions cancel`.
#[derive(Debug, Clone, Args)]
pub struct CheckCancelArgs {
    /// The check session ids
    #[arg(value_name = "ID", required = true, num_args = 1..)]
    pub ids: Vec<Uuid>,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Flags of `demo`: those of `trigger`, plus the mock's speed.
#[cfg(feature = "demo")]
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// How much faster than real time the mock runs checks
    #[arg(long, value_name = "FACTOR", default_value_t = 10.0, value_parser = parse_speed)]
    pub speed: f64,
    /// The trigger flags
    #[command(flatten)]
    pub trigger: TriggerArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
