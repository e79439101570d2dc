//! The `list` reporter: a headline, one line per check with its link, a
//! summary and the session's link.

use std::fmt::Write as _;

use console::Style;

use super::format::{details, row_mark, why_headline};
use super::{Outcome, Report};
use crate::error::Exit;
use crate::print::{out_style, sanitize};

/// Renders the report for people.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let headline_style = if report.outcome == Outcome::Passed {
        Style::new().green().bold()
    } else if report.exit() == Exit::Success {
        Style::new().bold()
    } else {
        Style::new().red().bold()
    };
    let _ = writeln!(out, "{}", out_style(report.headline(), &headline_style));
    for row in &report.rows {
        let (symbol, style) = row_mark(row, true);
        let _ = writeln!(
            out,
            "  {} {} {}",
            out_style(symbol, &style),
            sanitize(&row.name),
            out_style(details(row), &Style::new().dim())
        );
        if let Some(why) = why_headline(row) {
            let _ = writeln!(out, "    {why}");
        }
        let _ = writeln!(
            out,
            "    {}",
            out_style(sanitize(&row.link), &Style::new().dim())
        );
    }
    if let Some(session) = &report.session {
        if report.outcome != Outcome::Detached {
            let mut summary = report.summary().sentence();
            let unfinished = session.unfinished().len();
            if report.outcome == Outcome::TimedOut && unfinished > 0 {
                let _ = write!(summary, " ({unfinished} unfinished)");
            }
            let _ = writeln!(out, "{summary}");
        }
        let _ = writeln!(out, "Session: {}", sanitize(&session.link));
        if report.outcome == Outcome::Detached {
            if report.settings.demo {
                let _ = writeln!(
                    out,
                    "The demo's mock API stops when `checkly demo` exits, so this session cannot be followed."
                );
            } else {
                let _ = writeln!(
                    out,
                    "Follow it with: checkly test-sessions get {} --watch",
                    session.id
                );
            }
        }
    }
    out
}
