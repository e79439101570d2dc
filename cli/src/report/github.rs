//! The `github` reporter: GitHub Actions workflow commands. One
//! `::error title=...::...` per failed check, a `::warning` per degraded
//! one, and a `::notice` (or `::error` when the run fails) with the summary.

use std::fmt::Write as _;

use checkly::Verdict;

use super::{Outcome, Report};
use crate::error::Exit;
use crate::print::sanitize;
use crate::session::human_duration;

/// Renders the report as workflow commands.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for row in &report.rows {
        let command = match row.verdict {
            Verdict::Failed | Verdict::Cancelled => "error",
            Verdict::Degraded => "warning",
            Verdict::Passed | Verdict::Flaky | Verdict::Running | Verdict::NoResults => continue,
        };
        let location = if row.location.is_empty() {
            String::new()
        } else {
            format!(", {}", sanitize(&row.location))
        };
        let name = sanitize(&row.name);
        let title = format!(
            "{name} ({}{location}) {}",
            sanitize(row.check_type.as_str()),
            row.verdict.as_str()
        );
        let mut message = format!("{name} {}", row.verdict.as_str().to_lowercase());
        if let Some(ms) = row.duration_ms {
            let _ = write!(message, " after {}", human_duration(ms));
        }
        if row.attempts > 1 {
            let _ = write!(message, " ({} attempts)", row.attempts);
        }
        let _ = write!(message, ". Result: {}", sanitize(&row.link));
        let _ = writeln!(
            out,
            "::{command} title={}::{}",
            property(&title),
            data(&message)
        );
    }
    let command = if report.exit() == Exit::Success {
        "notice"
    } else {
        "error"
    };
    let mut message = report.headline();
    if report.outcome != Outcome::Detached && report.session.is_some() {
        let _ = write!(message, ". {}", report.summary().sentence());
    }
    if let Some(session) = &report.session {
        let _ = write!(message, ". {}", sanitize(&session.link));
    }
    let _ = writeln!(
        out,
        "::{command} title=Checkly test session::{}",
        data(&message)
    );
    out
}

/// Escapes a workflow command's message (its text is already sanitized;
/// this is the second line of defence).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
    }
}
