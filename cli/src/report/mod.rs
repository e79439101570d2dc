//! Reports of a `trigger` run: the model ([`Outcome`], [`Report`]) and the
//! dispatch to each reporter the user chose (`list`, `dot`, `ci`, `github`,
//! `json`, `junit`), to stdout or, for JUnit, to `--junit-file`. What the
//! reporters share (verdict marks, a row's details) is in [`format`]; the
//! live per-check lines on stderr are `crate::follow`'s.

mod ci;
pub mod destinations;
mod dot;
pub mod format;
mod github;
pub mod json;
pub mod junit;
mod list;
pub mod table;

use std::path::Path;

use checkly::Verdict;

pub use self::destinations::Destinations;
use crate::cli::ReporterKind;
use crate::error::Exit;
use crate::print::{Printer, sanitize};
use crate::session::{ResultRow, SessionView, human_duration};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The session finished and every check passed (degraded counts as passed).
    Passed,
    /// The session finished with a failure.
    Failed,
    /// The session was cancelled.
    Cancelled,
    /// `--timeout` passed before the session finished.
    TimedOut,
    /// `--detach`: triggered, not followed.
    Detached,
    /// No check matched the target.
    NoMatchingChecks,
    /// An error ended the run (only the `json` and `junit` reporters report it).
    Error,
    /// A second Ctrl+C ended the run (only the `json` and `junit` reporters report it).
    Interrupted,
}

impl Outcome {
    /// The name in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::TimedOut => "timedOut",
            Outcome::Detached => "detached",
            Outcome::NoMatchingChecks => "noMatchingChecks",
            Outcome::Error => "error",
            Outcome::Interrupted => "interrupted",
        }
    }

    /// How a finished session ended, by the library's [`checkly::verdict`]
    /// rule (`trigger` and `test-sessions get --watch` decide alike): a pass
    /// (degraded and flaky included) is [`Outcome::Passed`], a session
    /// without any result [`Outcome::NoMatchingChecks`], a cancelled one
    /// [`Outcome::Cancelled`], anything else (still running included)
    /// [`Outcome::Failed`].
    pub fn of(done: &SessionView) -> Self {
        match done.verdict() {
            Verdict::Passed | Verdict::Degraded | Verdict::Flaky => Outcome::Passed,
            Verdict::NoResults => Outcome::NoMatchingChecks,
            Verdict::Cancelled => Outcome::Cancelled,
            Verdict::Failed | Verdict::Running => Outcome::Failed,
        }
    }

    /// The exit code this outcome earns.
    pub fn exit(self, fail_on_no_matching: bool) -> Exit {
        match self {
            Outcome::Passed | Outcome::Detached => Exit::Success,
            Outcome::NoMatchingChecks if !fail_on_no_matching => Exit::Success,
            _ => Exit::Failure,
        }
    }
}

/// Counts of the finished checks by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Finished checks.
    pub total: usize,
    /// Passed at the first try (not degraded).
    pub passed: usize,
    /// Passed on a retry, after an attempt that did not (not degraded).
    pub flaky: usize,
    /// Passed but degraded.
    pub degraded: usize,
    /// Failed.
    pub failed: usize,
    /// Cancelled or aborted.
    pub cancelled: usize,
}

impl Summary {
    /// Counts `rows`.
    pub fn of(rows: &[ResultRow]) -> Self {
        let mut s = Summary {
            total: rows.len(),
            ..Summary::default()
        };
        for row in rows {
            match row.verdict {
                Verdict::Passed | Verdict::Flaky if row.flaky => s.flaky += 1,
                Verdict::Passed | Verdict::Flaky => s.passed += 1,
                Verdict::Degraded => s.degraded += 1,
                Verdict::Failed => s.failed += 1,
                Verdict::Cancelled => s.cancelled += 1,
                // Rows are finished results: neither comes up.
                Verdict::Running | Verdict::NoResults => {}
            }
        }
        s
    }

    /// `3 checks: 2 passed, 1 failed` (zero counts left out).
    pub fn sentence(&self) -> String {
        let noun = if self.total == 1 { "check" } else { "checks" };
        let parts: Vec<String> = [
            (self.passed, "passed"),
            (self.flaky, "flaky"),
            (self.degraded, "degraded"),
            (self.failed, "failed"),
            (self.cancelled, "cancelled"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
        if parts.is_empty() {
            format!("{} {noun}", self.total)
        } else {
            format!("{} {noun}: {}", self.total, parts.join(", "))
        }
    }
}

/// The settings of a run that reports show.
#[derive(Debug, Clone, Copy)]
pub struct ReportSettings {
    /// Whether "no matching checks" fails the run.
    pub fail_on_no_matching: bool,
    /// The `--timeout` in seconds, for the timeout message.
    pub timeout_seconds: u64,
    /// Whether this is `checkly demo` (its mock is gone once it exits).
    pub demo: bool,
    /// Whether to show the whole job log of a failed check (`-v`), not its tail.
    pub full_log: bool,
}

/// Everything reporters need about a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// How it ended.
    pub outcome: Outcome,
    /// The session as last seen (none when nothing matched, or when the run
    /// ended before the trigger answered).
    pub session: Option<SessionView>,
    /// One row per FINAL result, sorted.
    pub rows: Vec<ResultRow>,
    /// The settings of the run.
    pub settings: ReportSettings,
    /// For [`Outcome::Error`] and [`Outcome::Interrupted`]: what happened.
    pub message: Option<String>,
}

impl Report {
    /// A report of `session` (if any) ending with `outcome`.
    pub fn new(outcome: Outcome, session: Option<SessionView>, settings: ReportSettings) -> Self {
        let rows = session
            .as_ref()
            .map(SessionView::final_rows)
            .unwrap_or_default();
        Self {
            outcome,
            session,
            rows,
            settings,
            message: None,
        }
    }

    /// The report of a run an error (or a second Ctrl+C) ended: `message` says what.
    pub fn ended_by(
        outcome: Outcome,
        session: Option<SessionView>,
        settings: ReportSettings,
        message: String,
    ) -> Self {
        Self {
            message: Some(message),
            ..Self::new(outcome, session, settings)
        }
    }

    /// The counts of the rows.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.rows)
    }

    /// The exit code this run earns.
    pub fn exit(&self) -> Exit {
        self.outcome.exit(self.settings.fail_on_no_matching)
    }

    /// One sentence saying how the run ended, e.g. `Test session "Deploy"
    /// PASSED in 4.2s` (names sanitized).
    pub fn headline(&self) -> String {
        if let Some(message) = &self.message {
            return sanitize(message).into_owned();
        }
        let Some(session) = &self.session else {
            return "No matching checks: nothing was run".to_string();
        };
        let name = sanitize(&session.name);
        match self.outcome {
            Outcome::Detached => format!("Test session \"{name}\" started (not waiting: --detach)"),
            Outcome::TimedOut => format!(
                "Test session \"{name}\" still RUNNING after the {} s timeout",
                self.settings.timeout_seconds
            ),
            Outcome::NoMatchingChecks => {
                format!("Test session \"{name}\" ran no checks: no matching checks")
            }
            _ => format!(
                "Test session \"{name}\" {} in {}",
                sanitize(session.status.as_str()),
                human_duration(session.duration_ms())
            ),
        }
    }
}

/// The reporters to use: those asked for (in order, without repeats), JUnit
/// added when `--junit-file` is given and JSON when `--json-file` is, and
/// the default (`ci` in CI, else `list`) when none was asked for.
pub fn choose(
    asked: &[ReporterKind],
    junit_file: Option<&Path>,
    json_file: Option<&Path>,
    ci: bool,
) -> Vec<ReporterKind> {
    let mut kinds: Vec<ReporterKind> = Vec::new();
    for kind in asked {
        if !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    if kinds.is_empty() {
        kinds.push(if ci {
            ReporterKind::Ci
        } else {
            ReporterKind::List
        });
    }
    for (file, kind) in [
        (junit_file, ReporterKind::Junit),
        (json_file, ReporterKind::Json),
    ] {
        if file.is_some() && !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// Whether we run in CI, detected as the official CLI does (`ci_info`, the
/// port of its `ci-info`: `CI` and the variables of each CI vendor), except
/// that `CI=false` or `CI=0` says no.
pub fn running_in_ci() -> bool {
    let denied = std::env::var("CI").is_ok_and(|v| v == "0" || v.eq_ignore_ascii_case("false"));
    !denied && ci_info::is_ci()
}

/// Renders `report` with each reporter, each to its destination (see
/// [`destinations`]), and appends the run's outputs to `$GITHUB_OUTPUT`.
pub fn emit(
    report: &Report,
    kinds: &[ReporterKind],
    to: &Destinations,
    printer: &Printer,
) -> anyhow::Result<()> {
    for kind in kinds {
        match kind {
            ReporterKind::List => printer.out(&list::render(report)),
            ReporterKind::Dot => printer.out(&dot::render(report)),
            ReporterKind::Ci => printer.out(&ci::render(report)),
            ReporterKind::Github => {
                printer.out(&github::render(report));
                let markdown = github::markdown(report);
                if let Some(path) = &to.github_markdown {
                    destinations::write_file(path, &markdown, "GitHub summary")?;
                    printer.info(&format!("GitHub summary written to {}", path.display()));
                }
                if let Some(path) = &to.step_summary {
                    destinations::append_file(path, &markdown, "$GITHUB_STEP_SUMMARY")?;
                }
            }
            ReporterKind::Json => {
                let json = json::render(report)?;
                match &to.json {
                    Some(path) => {
                        destinations::write_file(path, &json, "JSON report")?;
                        printer.info(&format!("JSON report written to {}", path.display()));
                    }
                    None => printer.out(&json),
                }
            }
            ReporterKind::Junit => {
                let xml = junit::render(report)?;
                match &to.junit {
                    Some(path) => {
                        destinations::write_file(path, &xml, "JUnit report")?;
                        printer.info(&format!("JUnit report written to {}", path.display()));
                    }
                    None => printer.out(&xml),
                }
            }
        }
    }
    write_github_output(report, to)
}

/// Renders the report of a run that ended in an error with the machine-read
/// reporters only (`json` and `junit`), so that a consumer of `-r json` or of
/// the JUnit file still gets a document, and fills `$GITHUB_OUTPUT`; the
/// human-read reporters are left out, as the error line on stderr already
/// says it all.
pub fn emit_machine(
    report: &Report,
    kinds: &[ReporterKind],
    to: &Destinations,
    printer: &Printer,
) -> anyhow::Result<()> {
    let machine: Vec<ReporterKind> = kinds
        .iter()
        .copied()
        .filter(|k| matches!(k, ReporterKind::Json | ReporterKind::Junit))
        .collect();
    emit(report, &machine, to, printer)
}

fn write_github_output(report: &Report, to: &Destinations) -> anyhow::Result<()> {
    match &to.github_output {
        Some(path) => destinations::append_file(
            path,
            &destinations::github_outputs(report),
            "$GITHUB_OUTPUT",
        ),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reporters_are_chosen_once_with_ci_default_and_junit_file() {
        use ReporterKind::*;
        assert_eq!(choose(&[], None, None, false), [List]);
        assert_eq!(choose(&[], None, None, true), [Ci]);
        assert_eq!(choose(&[Json, List, Json], None, None, true), [Json, List]);
        assert_eq!(
            choose(&[Dot], Some(Path::new("r.xml")), None, false),
            [Dot, Junit]
        );
        assert_eq!(
            choose(
                &[],
                Some(Path::new("r.xml")),
                Some(Path::new("r.json")),
                false
            ),
            [List, Junit, Json]
        );
    }

    use crate::session::fixtures::{result, session};
    use checkly::types::TestSessionStatus::{Cancelled, Failed, Passed, Running};

    fn settings() -> ReportSettings {
        ReportSettings {
            fail_on_no_matching: true,
            timeout_seconds: 60,
            demo: false,
            full_log: false,
        }
    }

    #[test]
    fn outcomes_of_finished_sessions() {
        let ok = || result("ok", Passed);
        assert_eq!(Outcome::of(&session(Passed, vec![ok()])), Outcome::Passed);
        // A failed check fails the run even when the session says PASSED.
        let mixed = session(Passed, vec![ok(), result("bad", Failed)]);
        assert_eq!(Outcome::of(&mixed), Outcome::Failed);
        assert_eq!(Outcome::of(&mixed).exit(true), Exit::Failure);
        assert_eq!(
            Outcome::of(&session(Passed, vec![ok(), result("c", Cancelled)])),
            Outcome::Failed
        );
        assert_eq!(
            Outcome::of(&session(Cancelled, vec![ok()])),
            Outcome::Cancelled
        );
        assert_eq!(Outcome::of(&session(Failed, vec![ok()])), Outcome::Failed);
        // PASSED without FINAL results: passed, as the API says.
        let pending = session(Passed, vec![result("p", Running)]);
        assert_eq!(Outcome::of(&pending), Outcome::Passed);
        // No result at all: nothing matched.
        let empty = session(Passed, vec![]);
        assert_eq!(Outcome::of(&empty), Outcome::NoMatchingChecks);
        assert_eq!(Outcome::NoMatchingChecks.exit(true), Exit::Failure);
        assert_eq!(Outcome::NoMatchingChecks.exit(false), Exit::Success);
        assert_eq!(Outcome::Error.exit(false), Exit::Failure);
        assert_eq!(Outcome::Interrupted.exit(false), Exit::Failure);
    }

    #[test]
    fn human_reporters_sanitize_api_text() {
        let evil = "Evil\n::error::injected\u{1b}]0;title\u{7}";
        let mut s = session(Failed, vec![result(evil, Failed)]);
        s.name = "Session\r\n::warning::x".into();
        let report = Report::new(Outcome::Failed, Some(s), settings());
        for (name, text) in [
            ("list", list::render(&report)),
            ("dot", dot::render(&report)),
            ("ci", ci::render(&report)),
            ("github", github::render(&report)),
            ("junit", junit::render(&report).unwrap()),
        ] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'),
                "{name}: {text:?}"
            );
            for line in text.lines() {
                let line = line.trim_start();
                assert!(
                    !line.starts_with("::error::injected") && !line.starts_with("::warning::x"),
                    "{name}: {text}"
                );
            }
        }
        let table = table::test_session(report.session.as_ref().unwrap(), &report.rows, false);
        assert!(!table.contains('\u{1b}'), "{table:?}");
        assert!(table.contains("Evil\\n::error::injected"), "{table}");
    }

    #[test]
    fn junit_reports_unfinished_checks_on_a_timeout() {
        let s = session(
            Running,
            vec![result("Done", Passed), result("Slow check", Running)],
        );
        let report = Report::new(Outcome::TimedOut, Some(s), settings());
        let xml = junit::render(&report).unwrap();
        let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        let cases = &parsed.test_suites[0].test_cases;
        assert_eq!(cases.len(), 2, "{xml}");
        let slow = cases
            .iter()
            .find(|c| c.name.as_str() == "Slow check [eu-central-1]")
            .unwrap_or_else(|| panic!("{xml}"));
        match &slow.status {
            quick_junit::TestCaseStatus::NonSuccess {
                kind, message, ty, ..
            } => {
                assert_eq!(*kind, quick_junit::NonSuccessKind::Error);
                assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("timeout"));
                let message = message.as_ref().unwrap().as_str();
                assert!(message.contains("60 s timeout"), "{message}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// The single `test session` case of `report`'s JUnit XML, and how many cases there are.
    fn session_case(report: &Report) -> (usize, Option<String>) {
        let xml = junit::render(report).unwrap();
        let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        let cases = &parsed.test_suites[0].test_cases;
        let message = cases
            .iter()
            .find(|c| c.name.as_str() == junit::SESSION_CASE)
            .map(|c| match &c.status {
                quick_junit::TestCaseStatus::NonSuccess {
                    kind: quick_junit::NonSuccessKind::Error,
                    message,
                    ..
                } => message.as_ref().unwrap().to_string(),
                other => panic!("expected an error, got {other:?}"),
            });
        (cases.len(), message)
    }

    #[test]
    fn junit_never_shows_a_failed_run_as_an_empty_suite() {
        let no_match = Report::new(Outcome::NoMatchingChecks, None, settings());
        let (cases, message) = session_case(&no_match);
        assert_eq!(cases, 1);
        assert!(message.unwrap().contains("no matching checks"));
        // Not failing: an empty, green suite is right.
        let lenient = ReportSettings {
            fail_on_no_matching: false,
            ..settings()
        };
        let no_match = Report::new(Outcome::NoMatchingChecks, None, lenient);
        assert_eq!(session_case(&no_match), (0, None));
        // A timeout before any check was listed.
        let timed_out = Report::new(
            Outcome::TimedOut,
            Some(session(Running, vec![])),
            settings(),
        );
        let (cases, message) = session_case(&timed_out);
        assert_eq!(cases, 1);
        assert!(message.unwrap().contains("timed out after 60 s"));
        // Cancelled: the skipped checks alone would look green.
        let cancelled = Report::new(
            Outcome::Cancelled,
            Some(session(Cancelled, vec![result("c", Cancelled)])),
            settings(),
        );
        let (cases, message) = session_case(&cancelled);
        assert_eq!(cases, 2);
        assert!(message.unwrap().contains("cancelled"));
        // An error.
        let error = Report::ended_by(
            Outcome::Error,
            None,
            settings(),
            "could not trigger the test session: boom".into(),
        );
        let (cases, message) = session_case(&error);
        assert_eq!(cases, 1);
        assert_eq!(
            message.as_deref(),
            Some("could not trigger the test session: boom")
        );
        // A failure already says it: no extra case.
        let failed = Report::new(
            Outcome::Failed,
            Some(session(Failed, vec![result("bad", Failed)])),
            settings(),
        );
        assert_eq!(session_case(&failed), (1, None));
    }

    #[test]
    fn summaries_skip_zero_counts() {
        let s = Summary {
            total: 3,
            passed: 2,
            failed: 1,
            ..Summary::default()
        };
        assert_eq!(s.sentence(), "3 checks: 2 passed, 1 failed");
        assert_eq!(Summary::default().sentence(), "0 checks");
    }
}
