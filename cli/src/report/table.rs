//! Tables and detail views of `test-sessions` and `check-sessions`.

use std::fmt::Write as _;

use checkly::Failure;
use checkly::types::{
    AssetManifestEntry, FindOneTestSessionResultResponse, ResultType, TestSessionErrorGroup,
    TestSessionListEntry,
};

use super::format::{details, mark};
use crate::print::{out_style, sanitize};
use crate::session::{CheckSessionView, ResultRow, SessionView, human_duration, is_final};
use crate::why;

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

/// The `test-sessions get` view: the session, then each result, with why
/// each failed (from `explained`, the session's explained rows; see
/// `crate::why`).
pub fn test_session(session: &SessionView, explained: &[ResultRow], full_log: bool) -> String {
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
        let why = explained
            .iter()
            .find(|r| r.id == row.id)
            .and_then(|r| r.why.as_ref());
        for line in why
            .map(|w| crate::why::lines(w, full_log))
            .unwrap_or_default()
        {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// The `test-sessions get ID --result RID` view: one result in full, with
/// its errors (and stacks), failed assertions, error groups, whole job log
/// and assets.
pub fn test_session_result(
    detail: &FindOneTestSessionResultResponse,
    groups: &[Result<TestSessionErrorGroup, String>],
    assets: &Result<Vec<AssetManifestEntry>, String>,
) -> String {
    let mut out = String::new();
    let failure = Failure::of(detail);
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_string(), |t| t.to_rfc3339())
    };
    let name = detail
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| detail.check_id.map(|id| id.to_string()))
        .unwrap_or_else(|| "unnamed check".into());
    let fields = [
        ("Result", detail.id.to_string()),
        ("Check", name),
        ("Type", detail.check_type.to_string()),
        ("Location", detail.run_location.clone().unwrap_or_default()),
        ("Status", detail.status.to_string()),
        ("Attempt", detail.attempts.to_string()),
        ("Started", time(detail.started_at)),
        ("Stopped", time(detail.stopped_at)),
        ("Link", detail.test_session_result_link.clone()),
    ];
    for (label, value) in fields {
        let _ = writeln!(out, "{label:<9} {}", sanitize(&value));
    }
    if !failure.errors.is_empty() {
        let _ = writeln!(out, "Errors:");
        for error in &failure.errors {
            for line in error.message.lines() {
                let _ = writeln!(out, "  {}", sanitize(line));
            }
            for line in error.stack.iter().flat_map(|s| s.lines()) {
                let _ = writeln!(out, "    {}", sanitize(line));
            }
        }
    }
    if !failure.failed_assertions.is_empty() {
        let _ = writeln!(out, "Failed assertions:");
        for assertion in &failure.failed_assertions {
            let _ = writeln!(out, "  {}", sanitize(&assertion.to_string()));
        }
    }
    if !groups.is_empty() {
        let _ = writeln!(out, "Error groups:");
        let since = detail.started_at.unwrap_or(detail.created_at);
        for group in groups {
            let line = match group {
                Ok(group) => why::error_group_line(&why::note_of(group, since)),
                Err(e) => sanitize(e).into_owned(),
            };
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "Log ({} lines):", failure.log.len());
    for line in &failure.log {
        let _ = writeln!(out, "  {}", sanitize(&line.to_string()));
    }
    match assets {
        Ok(assets) => {
            let _ = writeln!(out, "Assets ({}):", assets.len());
            for asset in assets {
                let _ = writeln!(
                    out,
                    "  {:<10} {} {}",
                    sanitize(asset.type_.as_str()),
                    sanitize(&asset.name),
                    sanitize(&asset.url)
                );
            }
        }
        Err(e) => {
            let _ = writeln!(out, "Assets: {}", sanitize(e));
        }
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
