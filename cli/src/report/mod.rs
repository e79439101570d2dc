//! Reports of a `trigger` run: one [`Report`], rendered by each reporter the
//! user chose (`list`, `dot`, `ci`, `github`, `json`, `junit`) to stdout (or,
//! for JUnit, to `--junit-file`). The live, per-check lines on stderr are
//! [`live_line`]'s.

mod ci;
mod dot;
mod github;
pub mod json;
mod junit;
mod list;
pub mod table;

use std::path::Path;

use anyhow::Context;
use console::Style;

use crate::cli::ReporterKind;
use crate::error::Exit;
use crate::print::{Printer, err_style};
use crate::session::{ResultRow, SessionView, Verdict, human_duration};

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
        }
    }
}

/// Counts of the finished checks by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Finished checks.
    pub total: usize,
    /// Passed (not degraded).
    pub passed: usize,
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
                Verdict::Passed => s.passed += 1,
                Verdict::Degraded => s.degraded += 1,
                Verdict::Failed => s.failed += 1,
                Verdict::Cancelled => s.cancelled += 1,
            }
        }
        s
    }

    /// `3 checks: 2 passed, 1 failed` (zero counts left out).
    pub fn sentence(&self) -> String {
        let noun = if self.total == 1 { "check" } else { "checks" };
        let parts: Vec<String> = [
            (self.passed, "passed"),
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

/// Everything reporters need about a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// How it ended.
    pub outcome: Outcome,
    /// The session as last seen (none when nothing matched).
    pub session: Option<SessionView>,
    /// One row per FINAL result, sorted.
    pub rows: Vec<ResultRow>,
    /// Whether "no matching checks" fails the run.
    pub fail_on_no_matching: bool,
    /// The `--timeout` in seconds, for the timeout message.
    pub timeout_seconds: u64,
}

impl Report {
    /// A report of `session` (if any) ending with `outcome`.
    pub fn new(
        outcome: Outcome,
        session: Option<SessionView>,
        fail_on_no_matching: bool,
        timeout_seconds: u64,
    ) -> Self {
        let rows = session
            .as_ref()
            .map(SessionView::final_rows)
            .unwrap_or_default();
        Self {
            outcome,
            session,
            rows,
            fail_on_no_matching,
            timeout_seconds,
        }
    }

    /// The counts of the rows.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.rows)
    }

    /// The exit code this run earns.
    pub fn exit(&self) -> Exit {
        match self.outcome {
            Outcome::Passed | Outcome::Detached => Exit::Success,
            Outcome::NoMatchingChecks if !self.fail_on_no_matching => Exit::Success,
            _ => Exit::Failure,
        }
    }

    /// One sentence saying how the run ended, e.g. `Test session "Deploy" PASSED in 4.2s`.
    pub fn headline(&self) -> String {
        let Some(session) = &self.session else {
            return "No matching checks: nothing was run".to_string();
        };
        let name = &session.name;
        match self.outcome {
            Outcome::Detached => format!("Test session \"{name}\" started (not waiting: --detach)"),
            Outcome::TimedOut => format!(
                "Test session \"{name}\" still RUNNING after the {} s timeout",
                self.timeout_seconds
            ),
            Outcome::NoMatchingChecks => {
                format!("Test session \"{name}\" ran no checks: no matching checks")
            }
            _ => format!(
                "Test session \"{name}\" {} in {}",
                session.status,
                human_duration(session.duration_ms())
            ),
        }
    }
}

/// The reporters to use: those asked for (in order, without repeats), JUnit
/// added when `--junit-file` is given, and the default (`ci` when the `CI`
/// variable is set, else `list`) when none was asked for.
pub fn choose(asked: &[ReporterKind], junit_file: Option<&Path>, ci: bool) -> Vec<ReporterKind> {
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
    if junit_file.is_some() && !kinds.contains(&ReporterKind::Junit) {
        kinds.push(ReporterKind::Junit);
    }
    kinds
}

/// Whether the `CI` variable says we run in CI.
pub fn running_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Renders `report` with each reporter: to stdout, or JUnit to `junit_file`.
pub fn emit(
    report: &Report,
    kinds: &[ReporterKind],
    junit_file: Option<&Path>,
    printer: &Printer,
) -> anyhow::Result<()> {
    for kind in kinds {
        match kind {
            ReporterKind::List => printer.out(&list::render(report)),
            ReporterKind::Dot => printer.out(&dot::render(report)),
            ReporterKind::Ci => printer.out(&ci::render(report)),
            ReporterKind::Github => printer.out(&github::render(report)),
            ReporterKind::Json => printer.out(&json::render(report)?),
            ReporterKind::Junit => {
                let xml = junit::render(report)?;
                match junit_file {
                    Some(path) => {
                        write_file(path, &xml)?;
                        printer.info(&format!("JUnit report written to {}", path.display()));
                    }
                    None => printer.out(&xml),
                }
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    std::fs::write(path, text)
        .with_context(|| format!("could not write the JUnit report to {}", path.display()))
}

/// The symbol and style of a verdict (`unicode` for the list reporter).
pub fn mark(verdict: Verdict, unicode: bool) -> (&'static str, Style) {
    let (u, a, style) = match verdict {
        Verdict::Passed => ("✔", "PASS", Style::new().green()),
        Verdict::Degraded => ("▲", "DEGR", Style::new().yellow()),
        Verdict::Failed => ("✖", "FAIL", Style::new().red()),
        Verdict::Cancelled => ("⊘", "CANC", Style::new().dim()),
    };
    (if unicode { u } else { a }, style)
}

/// `(API, eu-central-1)` plus ` 1.2s` and ` (2 attempts)` when known.
pub fn details(row: &ResultRow) -> String {
    let mut text = if row.location.is_empty() {
        format!("({})", row.check_type)
    } else {
        format!("({}, {})", row.check_type, row.location)
    };
    if let Some(ms) = row.duration_ms {
        text.push(' ');
        text.push_str(&human_duration(ms));
    }
    if row.attempts > 1 {
        text.push_str(&format!(" ({} attempts)", row.attempts));
    }
    text
}

/// The line shown on stderr when a check finishes.
pub fn live_line(row: &ResultRow) -> String {
    let (symbol, style) = mark(row.verdict, true);
    format!(
        "{} {} {} {} {}",
        err_style(symbol, &style),
        err_style(row.verdict.as_str(), &style),
        row.name,
        row_details_dim(row),
        err_style(&row.link, &Style::new().dim()),
    )
}

fn row_details_dim(row: &ResultRow) -> String {
    err_style(details(row), &Style::new().dim()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporters_are_chosen_once_with_ci_default_and_junit_file() {
        use ReporterKind::*;
        assert_eq!(choose(&[], None, false), [List]);
        assert_eq!(choose(&[], None, true), [Ci]);
        assert_eq!(choose(&[Json, List, Json], None, true), [Json, List]);
        assert_eq!(
            choose(&[Dot], Some(Path::new("r.xml")), false),
            [Dot, Junit]
        );
        assert_eq!(choose(&[], Some(Path::new("r.xml")), false), [List, Junit]);
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
