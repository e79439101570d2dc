//! The `github` reporter: GitHub Actions workflow commands. One
//! `::error title=...::...` per failed check, a `::warning` per degraded
//! one, and a `::notice` (or `::error` when the run fails) with the summary.

use std::fmt::Write as _;

use checkly::Verdict;

use super::format::{row_label, why_headline};
use super::{Outcome, Report};
use crate::error::Exit;
use crate::print::sanitize;
use crate::session::{ResultRow, human_duration};
use crate::why;

/// Renders the report as workflow commands.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for row in &report.rows {
        let command = match row.verdict {
            Verdict::Failed | Verdict::Cancelled => "error",
            Verdict::Degraded => "warning",
            _ if row.flaky => "warning",
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
            row_label(row)
        );
        let mut message = if row.flaky {
            format!("{name} passed on attempt {} (flaky)", row.attempts)
        } else {
            format!("{name} {}", row.verdict.as_str().to_lowercase())
        };
        if let Some(ms) = row.duration_ms {
            let _ = write!(message, " after {}", human_duration(ms));
        }
        if row.attempts > 1 && !row.flaky {
            let _ = write!(message, " ({} attempts)", row.attempts);
        }
        if let Some(why) = why_headline(row) {
            let _ = write!(message, ": {why}");
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
/// The markdown summary (for `$GITHUB_STEP_SUMMARY` and the report file):
/// the headline with the session's link and the counts, a table of the
/// checks (status, duration, location, link, and the error of each failure),
/// then each failure's errors and log tail, folded.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let icon = if report.exit() == Exit::Success {
        "✅"
    } else {
        "❌"
    };
    let _ = writeln!(out, "## {icon} {}\n", md(&report.headline()));
    if let Some(session) = &report.session {
        let mut line = format!("[Open the test session in Checkly]({})", url(&session.link));
        if report.outcome != Outcome::Detached {
            let _ = write!(line, " · {}", md(&report.summary().sentence()));
        }
        let _ = writeln!(out, "{line}\n");
    }
    if report.rows.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "| | Check | Status | Duration | Location | Result | Error |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for row in &report.rows {
        let duration = row.duration_ms.map(human_duration).unwrap_or_default();
        let mut status = row_label(row).to_string();
        if row.attempts > 1 {
            let _ = write!(status, " ({} attempts)", row.attempts);
        }
        let _ = writeln!(
            out,
            "| {} | {} | {status} | {duration} | {} | [result]({}) | {} |",
            icon_of(row),
            md(&row.name),
            md(&row.location),
            url(&row.link),
            why_headline(row).map(|w| md(&w)).unwrap_or_default(),
        );
    }
    for row in report.rows.iter().filter(|r| r.why.is_some()) {
        let Some(detail) = &row.why else { continue };
        let lines = why::lines(detail, report.settings.full_log);
        if lines.is_empty() {
            continue;
        }
        let what = if row.flaky {
            "failed attempt"
        } else {
            row.verdict.as_str()
        };
        let _ = writeln!(
            out,
            "\n<details><summary>{} ({}): {}</summary>\n\n<pre>",
            html(&row.name),
            html(&row.location),
            html(what)
        );
        for line in lines {
            let _ = writeln!(out, "{}", html(&line));
        }
        let _ = writeln!(out, "</pre>\n</details>");
    }
    out
}

fn icon_of(row: &ResultRow) -> &'static str {
    match row.verdict {
        _ if row.flaky => "⚠️",
        Verdict::Passed | Verdict::Flaky => "✅",
        Verdict::Degraded => "🟡",
        Verdict::Failed => "❌",
        Verdict::Cancelled => "⊘",
        Verdict::Running | Verdict::NoResults => "…",
    }
}

/// Text made safe inside a markdown table cell: sanitized, one line, no
/// markup (`|`, `*`, `_`, `` ` ``, `[`, `]`, `<`, `>` escaped).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text made safe inside HTML (`<pre>`, `<summary>`).
fn html(text: &str) -> String {
    sanitize(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A link target: only http(s) URLs, with the characters that would end a
/// markdown link escaped.
fn url(link: &str) -> String {
    let link = sanitize(link);
    if !(link.starts_with("https://") || link.starts_with("http://")) {
        return "#".to_string();
    }
    link.replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

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
    fn markdown_escapes_api_text() {
        assert_eq!(md("a|b *c* <x> & #1"), "a\\|b \\*c\\* &lt;x&gt; &amp; \\#1");
        assert_eq!(url("javascript:alert(1)"), "#");
        assert_eq!(url("https://x.test/a (b)"), "https://x.test/a%20%28b%29");
        assert_eq!(html("<script>&"), "&lt;script&gt;&amp;");
    }

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
    }
}
