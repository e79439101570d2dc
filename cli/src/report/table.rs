//! Tables and detail views of `test-sessions` and `check-sessions`.

use std::fmt::Write as _;

use checkly::types::{ResultType, TestSessionListEntry};

use super::format::{details, mark};
use crate::print::{out_style, sanitize};
use crate::session::{CheckSessionView, ResultRow, SessionView, human_duration, is_final};

/// Aligns `rows` under `headers`, two spaces apart; the last column is not
/// padded. Cells are sanitized.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| sanitize(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            if i == last {
                text.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The `test-sessions list` table.
pub fn test_sessions(entries: &[TestSessionListEntry]) -> String {
    if entries.is_empty() {
        return "No test sessions found.\n".to_string();
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let status = e
                .status
                .as_ref()
                .map_or_else(|| "-".to_string(), ToString::to_string);
            let duration = e
                .stopped_at
                .map(|stop| {
                    human_duration(
                        u64::try_from((stop - e.started_at).num_milliseconds()).unwrap_or(0),
                    )
                })
                .unwrap_or_else(|| "-".into());
            vec![
                e.id.to_string(),
                status,
                e.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                duration,
                e.branch_name.clone().unwrap_or_else(|| "-".into()),
                e.name.clone(),
            ]
        })
        .collect();
    table(
        &[
            "ID",
            "STATUS",
            "STARTED (UTC)",
            "DURATION",
            "BRANCH",
            "NAME",
        ],
        &rows,
    )
}

/// The `test-sessions get` view: the session, then each result.
pub fn test_session(session: &SessionView) -> String {
    let mut out = String::new();
    let stopped = session
        .stopped_at
        .map_or_else(|| "-".to_string(), |t| t.to_rfc3339());
    let fields = [
        ("Test session", session.id.to_string()),
        ("Name", session.name.clone()),
        ("Status", session.status.to_string()),
        ("Started", session.started_at.to_rfc3339()),
        ("Stopped", stopped),
        ("Duration", human_duration(session.duration_ms())),
        ("Link", session.link.clone()),
    ];
    for (label, value) in fields {
        let _ = writeln!(out, "{label:<13} {}", sanitize(&value));
    }
    let _ = writeln!(out, "Results ({}):", session.results.len());
    let mut results: Vec<_> = session.results.iter().collect();
    results.sort_by(|a, b| {
        (&a.name, &a.run_location, a.started_at).cmp(&(&b.name, &b.run_location, b.started_at))
    });
    for result in results {
        let row = ResultRow::new(result, session.attempts_of(result));
        let kind = sanitize(result.result_type.as_ref().map_or("", ResultType::as_str));
        if is_final(result) {
            let (symbol, style) = mark(row.verdict, true);
            let _ = writeln!(
                out,
                "  {} {:<9} {} {} {kind}",
                out_style(symbol, &style),
                row.verdict.as_str(),
                sanitize(&row.name),
                details(&row)
            );
        } else {
            let _ = writeln!(
                out,
                "  … {:<9} {} {} {kind}",
                sanitize(result.status.as_str()),
                sanitize(&row.name),
                details(&row)
            );
        }
        let _ = writeln!(out, "    {}", sanitize(&row.link));
    }
    out
}

/// The `check-sessions` table.
pub fn check_sessions(sessions: &[CheckSessionView]) -> String {
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.status.to_string(),
                s.check_type.to_string(),
                s.run_locations.join(","),
                s.name.clone(),
                s.link.clone(),
            ]
        })
        .collect();
    table(
        &["ID", "STATUS", "TYPE", "LOCATIONS", "CHECK", "LINK"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align() {
        let rows = vec![vec![
            "a".to_string(),
            "long value".to_string(),
            "x".to_string(),
        ]];
        assert_eq!(
            table(&["ONE", "TWO", "THREE"], &rows),
            "ONE  TWO         THREE\na    long value  x\n"
        );
    }
}
