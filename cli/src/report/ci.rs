//! The `ci` reporter: plain ASCII lines, no colour, no spinner symbols, one
//! line per check and a final summary; easy to grep in CI logs.

use std::fmt::Write as _;

use super::format::{row_mark, why_headline};
use super::{Outcome, Report};
use crate::print::sanitize;
use crate::session::human_duration;

/// Renders the report for CI logs.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for row in &report.rows {
        let (tag, _) = row_mark(row, false);
        let duration = row
            .duration_ms
            .map(human_duration)
            .unwrap_or_else(|| "-".into());
        let location = if row.location.is_empty() {
            "-".into()
        } else {
            sanitize(&row.location)
        };
        let _ = write!(
            out,
            "[{tag}] {} | {} | {location} | {duration}",
            sanitize(&row.name),
            sanitize(row.check_type.as_str())
        );
        if row.attempts > 1 {
            let _ = write!(out, " | {} attempts", row.attempts);
        }
        let _ = writeln!(out, " | {}", sanitize(&row.link));
        if let Some(why) = why_headline(row) {
            let _ = writeln!(out, "       {why}");
        }
    }
    let _ = write!(out, "{}", report.headline());
    if report.outcome != Outcome::Detached && report.session.is_some() {
        let _ = write!(out, ". {}", report.summary().sentence());
    }
    out.push('\n');
    if let Some(session) = &report.session {
        let _ = writeln!(out, "Session: {}", sanitize(&session.link));
    }
    out
}
