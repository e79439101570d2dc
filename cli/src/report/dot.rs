//! The `dot` reporter: one character per check (`.` passed, `D` degraded,
//! `F` failed, `C` cancelled), then a summary line.

use checkly::Verdict;

use super::{Outcome, Report};
use crate::print::sanitize;

/// Renders the report as dots.
pub fn render(report: &Report) -> String {
    let dots: String = report
        .rows
        .iter()
        .map(|row| match row.verdict {
            _ if row.flaky => 'f',
            Verdict::Passed | Verdict::Flaky => '.',
            Verdict::Degraded => 'D',
            Verdict::Failed => 'F',
            Verdict::Cancelled => 'C',
            Verdict::Running | Verdict::NoResults => '?',
        })
        .collect();
    let mut out = String::new();
    if !dots.is_empty() {
        out.push_str(&dots);
        out.push('\n');
    }
    out.push_str(&report.headline());
    if report.outcome != Outcome::Detached && report.session.is_some() {
        out.push_str(" (");
        out.push_str(&report.summary().sentence());
        out.push(')');
    }
    out.push('\n');
    if let Some(session) = &report.session {
        out.push_str(&sanitize(&session.link));
        out.push('\n');
    }
    out
}
