//! The `list` reporter: a headline, one line per check with its link, a
//! summary and the session's link.

use std::fmt::Write as _;

use console::Style;

use super::{Outcome, Report, details, mark};
use crate::print::out_style;

/// Renders the report for people.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let headline_style = match report.outcome {
        Outcome::Passed => Style::new().green().bold(),
        Outcome::Detached => Style::new().bold(),
        Outcome::NoMatchingChecks if !report.fail_on_no_matching => Style::new().bold(),
        _ => Style::new().red().bold(),
    };
    let _ = writeln!(out, "{}", out_style(report.headline(), &headline_style));
    for row in &report.rows {
        let (symbol, style) = mark(row.verdict, true);
        let _ = writeln!(
            out,
            "  {} {} {}",
            out_style(symbol, &style),
            row.name,
            out_style(details(row), &Style::new().dim())
        );
        let _ = writeln!(out, "    {}", out_style(&row.link, &Style::new().dim()));
    }
    if let Some(session) = &report.session {
        if report.outcome != Outcome::Detached {
            let mut summary = report.summary().sentence();
            let running = session
                .results
                .iter()
                .filter(|r| !crate::session::is_final(r))
                .count();
            if report.outcome == Outcome::TimedOut && running > 0 {
                let _ = write!(summary, " ({running} unfinished)");
            }
            let _ = writeln!(out, "{summary}");
        }
        let _ = writeln!(out, "Session: {}", session.link);
        if report.outcome == Outcome::Detached {
            let _ = writeln!(
                out,
                "Follow it with: checkly test-sessions get {} --watch",
                session.id
            );
        }
    }
    out
}
