//! `checkly test-sessions list|get|cancel`.

use anyhow::Context;
use checkly::Client;
use checkly::types::{ListTestSessionsResponse, TestSessionProvider, TestSessionStatus};
use futures::TryStreamExt;

use crate::cli::{
    CancelArgs, GetArgs, GlobalArgs, ListArgs, OutputFormat, ProviderArg, StatusArg,
    TestSessionsCommand,
};
use crate::error::Exit;
use crate::follow::{FollowOptions, Followed, Follower, Signals};
use crate::print::{self, Printer, sanitize};
use crate::report::{Outcome, table};
use crate::session::SessionView;
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
    let page = if args.all {
        let entries: Vec<_> = request
            .into_paginator()
            .items()
            .try_collect()
            .await
            .context("could not list test sessions")?;
        ListTestSessionsResponse {
            length: entries.len() as u64,
            entries,
            next_id: None,
        }
    } else {
        request
            .send()
            .await
            .context("could not list test sessions")?
    };
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
