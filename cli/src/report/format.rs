//! What the human-read reporters (and the live lines) share: the mark of a
//! verdict and the details of a row, sanitized.

use console::Style;

use crate::print::sanitize;
use checkly::Verdict;

use crate::session::{ResultRow, human_duration};

/// The symbol and style of a verdict (`unicode` for the list reporter).
pub fn mark(verdict: Verdict, unicode: bool) -> (&'static str, Style) {
    let (u, a, style) = match verdict {
        // A pass after failed attempts shows as a pass with its attempt count.
        Verdict::Passed | Verdict::Flaky => ("✔", "PASS", Style::new().green()),
        Verdict::Degraded => ("▲", "DEGR", Style::new().yellow()),
        Verdict::Failed => ("✖", "FAIL", Style::new().red()),
        Verdict::Cancelled => ("⊘", "CANC", Style::new().dim()),
        Verdict::Running | Verdict::NoResults => ("…", "....", Style::new().dim()),
    };
    (if unicode { u } else { a }, style)
}

/// `(API, eu-central-1)` plus ` 1.2s` and ` (2 attempts)` when known.
pub fn details(row: &ResultRow) -> String {
    let check_type = sanitize(row.check_type.as_str());
    let mut text = if row.location.is_empty() {
        format!("({check_type})")
    } else {
        format!("({check_type}, {})", sanitize(&row.location))
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
