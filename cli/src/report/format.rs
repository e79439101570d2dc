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

/// The symbol and style of a row: its verdict's, except that a flaky check
/// (passed on a retry) has its own.
pub fn row_mark(row: &ResultRow, unicode: bool) -> (&'static str, Style) {
    if row.flaky {
        (if unicode { "⚠" } else { "FLKY" }, Style::new().yellow())
    } else {
        mark(row.verdict, unicode)
    }
}

/// The word for a row's verdict: `FLAKY` for a flaky check, else the verdict's.
pub fn row_label(row: &ResultRow) -> &'static str {
    if row.flaky {
        Verdict::Flaky.as_str()
    } else {
        row.verdict.as_str()
    }
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
    if row.flaky {
        text.push_str(&format!(" (flaky: passed on attempt {})", row.attempts));
    } else if row.attempts > 1 {
        text.push_str(&format!(" ({} attempts)", row.attempts));
    }
    text
}

/// The one line that says why a row failed (sanitized): its detail's
/// headline, or why the detail could not be fetched.
pub fn why_headline(row: &ResultRow) -> Option<String> {
    let why = row.why.as_ref()?;
    why.failure
        .headline()
        .or_else(|| why.unavailable.clone())
        .map(|text| sanitize(&text).into_owned())
}
