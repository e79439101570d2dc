//! `checkly test-sessions list|get|cancel`.

use anyhow::Context;
use checkly::Client;
use checkly::types::{TestSessionListEntry, TestSessionProvider, TestSessionStatus};
use futures::StreamExt;

use crate::cli::{
    CancelArgs, GetArgs, GlobalArgs, ListArgs, OutputFormat, ProviderArg, StatusArg,
    TestSessionsCommand,
};
use crate::error::Exit;
use crate::follow::{FollowOptions, Followed, Follower, Signals};
use crate::print::{self, Printer, sanitize};
use crate::report::{Outcome, table};
use crate::session::{SessionView, human_duration};
use crate::why::Explainer;
use uuid::Uuid;

/// Runs a `test-sessions` subcommand.
pub async fn run(global: &GlobalArgs, command: TestSessionsCommand) -> anyhow::Result<Exit> {
    let client = super::client(global)?;
    let mut printer = Printer::new(global.verbose);
    match command {
        TestSessionsCommand::List(args) => list(&client, &args, &printer).await,
        TestSessionsCommand::Get(args) => get(&client, &args, &mut printer).await,
        TestSessionsCommand::Cancel(args) => cancel(&client, &args, &printer).await,
    }
}

fn status(arg: StatusArg) -> TestSessionStatus {
    match arg {
        StatusArg::Running => TestSessionStatus::Running,
        StatusArg::Failed => TestSessionStatus::Failed,
        StatusArg::Passed => TestSessionStatus::Passed,
        StatusArg::Cancelled => TestSessionStatus::Cancelled,
    }
}

fn provider(arg: ProviderArg) -> TestSessionProvider {
    match arg {
        ProviderArg::Github => TestSessionProvider::Github,
        ProviderArg::Vercel => TestSessionProvider::Vercel,
        ProviderArg::Api => TestSessionProvider::Api,
        ProviderArg::Trigger => TestSessionProvider::Trigger,
        ProviderArg::PwReporter => TestSessionProvider::PwReporter,
    }
}

async fn list(client: &Client, args: &ListArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let mut request = client
        .list_test_sessions()
        .statuses(args.status.iter().copied().map(status));
    for branch in &args.branch {
        request = request.branch(branch.as_str());
    }
    for user in &args.user {
        request = request.user(user.as_str());
    }
    for p in &args.provider {
        request = request.provider(provider(*p));
    }
    if args.no_users {
        request = request.no_users(true);
    }
    if let Some(text) = &args.search {
        request = request.text_search(text.as_str());
    }
    if let Some(id) = &args.error_group_id {
        request = request.error_group_id(id.as_str());
    }
    if let Some(from) = args.from {
        request = request.from(from);
    }
    if let Some(to) = args.to {
        request = request.to(to);
    }
    if let Some(limit) = args.limit {
        request = request.limit(limit);
    }
    if let Some(cursor) = &args.next_id {
        request = request.next_id(cursor.as_str());
    }
    if args.all {
        list_all(request, args.output, printer).await?;
        return Ok(Exit::Success);
    }
    let page = request
        .send()
        .await
        .context("could not list test sessions")?;
    match args.output {
        OutputFormat::Json => printer.out_json(&page)?,
        OutputFormat::Table => {
            printer.out(&table::test_sessions(&page.entries));
            if let Some(cursor) = page.next_id.as_deref().filter(|c| !c.is_empty()) {
                printer.info(&format!(
                    "More test sessions: pass --next-id {cursor} (or --all)"
                ));
            }
        }
    }
    Ok(Exit::Success)
}

/// `test-sessions list --all`, streamed: each page is printed as soon as it
/// arrives and then dropped, so the CLI holds one page (at most 100
/// sessions) whatever the total.
///
/// - `-o json` prints the document `pretty_json` would print for the whole
///   list (`{"entries": [...], "length": N}`, no `nextId`), byte for byte:
///   the entries are written one page at a time, `length` after them.
/// - `-o table` cannot align on rows it has not seen, so it uses fixed column
///   widths ([`ALL_WIDTHS`]: a UUID, the longest status, a timestamp, a
///   duration, 24 characters of branch) instead of the widths of the rows;
///   a longer cell pushes the rest of its own row only.
///
/// An error after the first page leaves the pages printed so far on stdout
/// (the JSON then unfinished) and exits non-zero, as any failed request does.
async fn list_all(
    request: checkly::ListTestSessions,
    output: OutputFormat,
    printer: &Printer,
) -> anyhow::Result<()> {
    let mut pages = request.into_paginator().pages();
    let mut count: u64 = 0;
    while let Some(page) = pages.next().await {
        let page = page.context("could not list test sessions")?;
        let text = match output {
            OutputFormat::Json => json_entries(&page.entries, count == 0)?,
            OutputFormat::Table => table_rows(&page.entries, count == 0),
        };
        count += page.entries.len() as u64;
        printer.out(&text);
    }
    printer.out(&match output {
        OutputFormat::Json => json_end(count),
        OutputFormat::Table if count == 0 => table::test_sessions(&[]),
        OutputFormat::Table => String::new(),
    });
    Ok(())
}

/// The `--all` table's column widths, but the last (NAME, not padded).
const ALL_WIDTHS: [usize; 5] = [36, 9, 19, 8, 24];

/// `entries` as rows of the fixed-width `--all` table, under its header when
/// `first` (and there are entries).
fn table_rows(entries: &[TestSessionListEntry], first: bool) -> String {
    let mut out = String::new();
    let mut line = |cells: [&str; 6]| {
        for (cell, width) in cells.iter().zip(ALL_WIDTHS) {
            let cell = sanitize(cell);
            out.push_str(&cell);
            let pad = width.saturating_sub(cell.chars().count());
            out.extend(std::iter::repeat_n(' ', pad + 2));
        }
        out.push_str(&sanitize(cells[5]));
        let end = out.trim_end_matches(' ').len();
        out.truncate(end);
        out.push('\n');
    };
    if first && !entries.is_empty() {
        line([
            "ID",
            "STATUS",
            "STARTED (UTC)",
            "DURATION",
            "BRANCH",
            "NAME",
        ]);
    }
    for e in entries {
        let status = e
            .status
            .as_ref()
            .map_or_else(|| "-".to_string(), ToString::to_string);
        let duration = e.stopped_at.map_or_else(
            || "-".to_string(),
            |stop| {
                human_duration(u64::try_from((stop - e.started_at).num_milliseconds()).unwrap_or(0))
            },
        );
        line([
            &e.id.to_string(),
            &status,
            &e.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            &duration,
            e.branch_name.as_deref().unwrap_or("-"),
            &e.name,
        ]);
    }
    out
}

/// `entries` as the next part of the `--all` JSON document: its opening
/// before the first, else a comma.
fn json_entries(entries: &[TestSessionListEntry], first: bool) -> anyhow::Result<String> {
    let mut out = String::new();
    for (i, entry) in entries.iter().enumerate() {
        out.push_str(if first && i == 0 {
            "{\n  \"entries\": [\n"
        } else {
            ",\n"
        });
        // Pretty JSON has no raw newline inside a string: indenting each line
        // nests the entry two levels down, as `pretty_json` of the page would.
        for (n, line) in serde_json::to_string_pretty(entry)?.lines().enumerate() {
            if n > 0 {
                out.push('\n');
            }
            out.push_str("    ");
            out.push_str(line);
        }
    }
    Ok(out)
}

/// The end of the `--all` JSON document after `count` entries.
fn json_end(count: u64) -> String {
    if count == 0 {
        "{\n  \"entries\": [],\n  \"length\": 0\n}\n".to_string()
    } else {
        format!("\n  ],\n  \"length\": {count}\n}}\n")
    }
}

async fn get(client: &Client, args: &GetArgs, printer: &mut Printer) -> anyhow::Result<Exit> {
    let fetch = || async {
        client
            .get_test_session(args.id)
            .await
            .with_context(|| format!("could not fetch test session {}", args.id))
    };
    if let Some(result) = args.result {
        return show_result(client, args.id, result, args.output, printer).await;
    }
    let session = fetch().await?;
    if !args.watch {
        match args.output {
            OutputFormat::Json => printer.out_json(&session)?,
            OutputFormat::Table => {
                let view = SessionView::from(session);
                printer.out(&explained_table(client, &view, printer.verbose()).await);
            }
        }
        return Ok(Exit::Success);
    }
    let view = SessionView::from(session);
    // Watching someone's session: Ctrl+C keeps its default (stop), it cancels nothing.
    let mut no_signals = Signals::none();
    let options = FollowOptions {
        poll_seconds: args.poll_seconds,
        timeout: args.timeout.duration(),
    };
    printer.start_spinner(format!("{}: following", sanitize(&view.name)));
    let followed = Follower::new(client, printer, options, view)
        .follow(&mut no_signals)
        .await;
    printer.stop_spinner();
    let (done, exit) = match followed? {
        // Pass or fail as `trigger` would (with its default --fail-on-no-matching).
        Followed::Finished(done) => {
            let exit = Outcome::of(&done).exit(true);
            (done, exit)
        }
        Followed::TimedOut(latest) => {
            print::error_line(&format!(
                "timed out after {} s: test session {} is still running",
                args.timeout.seconds, latest.id
            ));
            (latest, Exit::Failure)
        }
    };
    match args.output {
        OutputFormat::Json => printer.out_json(&fetch().await?)?,
        OutputFormat::Table => {
            printer.out(&explained_table(client, &done, printer.verbose()).await);
        }
    }
    Ok(exit)
}

/// The session's table, with why each failed, degraded or flaky check failed.
async fn explained_table(client: &Client, session: &SessionView, full_log: bool) -> String {
    let mut rows = session.final_rows();
    Explainer::new(client.clone(), session.id, session.started_at)
        .explain_all(&mut rows)
        .await;
    table::test_session(session, &rows, full_log)
}

/// `test-sessions get ID --result RID`: one result in full (`-o json`: the API's document).
async fn show_result(
    client: &Client,
    session: Uuid,
    result: Uuid,
    output: OutputFormat,
    printer: &Printer,
) -> anyhow::Result<Exit> {
    let detail = client
        .get_test_session_result(session, result)
        .await
        .with_context(|| format!("could not fetch result {result} of test session {session}"))?;
    match output {
        OutputFormat::Json => printer.out_json(&detail)?,
        OutputFormat::Table => {
            let assets = match client.list_result_assets(session, result).send().await {
                Ok(manifest) => Ok(manifest.assets),
                Err(e) => Err(format!("could not list the assets: {e}")),
            };
            let mut groups = Vec::new();
            for id in &detail.error_group_ids {
                match client.get_error_group(*id).await {
                    Ok(group) => groups.push(Ok(group)),
                    Err(e) => groups.push(Err(format!("error group {id}: {e}"))),
                }
            }
            printer.out(&table::test_session_result(&detail, &groups, &assets));
        }
    }
    Ok(Exit::Success)
}

async fn cancel(client: &Client, args: &CancelArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let sequence_ids = (!args.sequence_ids.is_empty()).then(|| args.sequence_ids.clone());
    let count = args.sequence_ids.len();
    client
        .cancel_test_session(args.id, sequence_ids)
        .await
        .with_context(|| format!("could not cancel test session {}", args.id))?;
    if count == 0 {
        printer.info(&format!("Cancelled test session {}", args.id));
    } else {
        printer.info(&format!(
            "Cancelled {count} result sequence(s) of test session {}",
            args.id
        ));
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use checkly::types::ListTestSessionsResponse;
    use serde_json::json;

    use super::*;

    fn entry(i: u32) -> TestSessionListEntry {
        serde_json::from_value(json!({
            "id": format!("3c90c3cc-0d44-4b50-8888-8dd2573605{i:02}"),
            "accountId": "11111111-1111-4111-8111-111111111111",
            "name": format!("Deploy \"{i}\"\nnext"),
            "provider": "GITHUB",
            "region": "eu-central-1",
            "startedAt": "2026-11-23T10:00:00Z",
            "created_at": "2026-11-23T10:00:00Z",
            "stoppedAt": "2026-11-23T10:01:05Z",
            "status": "PASSED",
            "branchName": "main",
            "invoker": {"name": "Octo Cat", "picture": null}
        }))
        .unwrap()
    }

    /// What `printer.out_json` printed for `--all` before it streamed.
    fn collected(entries: &[TestSessionListEntry]) -> String {
        print::pretty_json(&ListTestSessionsResponse {
            length: entries.len() as u64,
            entries: entries.to_vec(),
            next_id: None,
        })
        .unwrap()
    }

    fn streamed(pages: &[&[TestSessionListEntry]]) -> String {
        let mut out = String::new();
        let mut count = 0;
        for page in pages {
            out.push_str(&json_entries(page, count == 0).unwrap());
            count += page.len() as u64;
        }
        out + &json_end(count)
    }

    #[test]
    fn streamed_json_is_the_collected_document() {
        let all: Vec<_> = (0..5).map(entry).collect();
        assert_eq!(streamed(&[]), collected(&[]));
        assert_eq!(streamed(&[&[], &[]]), collected(&[]));
        assert_eq!(streamed(&[&all[..1]]), collected(&all[..1]));
        assert_eq!(
            streamed(&[&all[..2], &[], &all[2..3], &all[3..]]),
            collected(&all)
        );
    }

    #[test]
    fn the_all_table_has_fixed_columns() {
        let mut long = entry(2);
        long.branch_name = Some("a-branch-name-longer-than-the-column".into());
        let first = table_rows(&[entry(1)], true);
        let later = table_rows(&[long, entry(3)], false);
        let lines: Vec<&str> = first.lines().chain(later.lines()).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].starts_with("ID  "), "{}", lines[0]);
        let name_at = lines[0].find("NAME").unwrap();
        assert_eq!(lines[1].find("Deploy"), Some(name_at), "{first}");
        assert_eq!(lines[3].find("Deploy"), Some(name_at), "{later}");
        assert!(
            lines[1].contains("1m 05s") && lines[1].contains("\\n"),
            "{first}"
        );
        assert!(table_rows(&[], true).is_empty());
    }
}
