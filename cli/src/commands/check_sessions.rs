//! `checkly check-sessions trigger|get|wait`.

use std::time::Duration;

use anyhow::Context;
use checkly::Client;
use checkly::types::{TriggerCheckSessionsRequest, TriggerCheckSessionsRequestTarget};
use uuid::Uuid;

use crate::cli::{
    CheckGetArgs, CheckSessionsCommand, CheckTriggerArgs, CheckWaitArgs, GlobalArgs, OutputFormat,
};
use crate::error::Exit;
use crate::print::{self, Printer};
use crate::report::table;
use crate::session::CheckSessionView;

/// `maxWaitSeconds` of each completion poll.
const POLL_SECONDS: u32 = 5;

/// Runs a `check-sessions` subcommand.
pub async fn run(global: &GlobalArgs, command: CheckSessionsCommand) -> anyhow::Result<Exit> {
    let client = super::client(global)?;
    let printer = Printer::new(global.verbose);
    match command {
        CheckSessionsCommand::Trigger(args) => trigger(&client, &args, &printer).await,
        CheckSessionsCommand::Get(args) => get(&client, &args, &printer).await,
        CheckSessionsCommand::Wait(args) => wait(&client, &args, &printer).await,
    }
}

fn exit_for(sessions: &[CheckSessionView]) -> Exit {
    if sessions.iter().all(CheckSessionView::passed) {
        Exit::Success
    } else {
        Exit::Failure
    }
}

async fn trigger(
    client: &Client,
    args: &CheckTriggerArgs,
    printer: &Printer,
) -> anyhow::Result<Exit> {
    let match_tags: Vec<Vec<String>> = args.tags.iter().map(|g| g.0.clone()).collect();
    let target = (!match_tags.is_empty() || !args.check_ids.is_empty()).then(|| {
        TriggerCheckSessionsRequestTarget {
            match_tags,
            check_id: args.check_ids.clone(),
        }
    });
    let request = TriggerCheckSessionsRequest {
        refresh_cache: args.refresh_cache,
        target,
    };
    let response = match client.trigger_check_sessions(&request).await {
        Ok(response) => response,
        Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => {
            printer.debug(&format!("the API answered: {e}"));
            print::error_line("no matching checks: no check matches the given tags or check ids");
            return Ok(Exit::Failure);
        }
        Err(e) => return Err(anyhow::Error::new(e).context("could not trigger check sessions")),
    };
    let count = response.sessions.len();
    printer.info(&format!(
        "Triggered {count} check session{}",
        if count == 1 { "" } else { "s" }
    ));
    if !args.wait {
        match args.output {
            OutputFormat::Json => printer.out(&(serde_json::to_string_pretty(&response)? + "\n")),
            OutputFormat::Table => {
                let views: Vec<CheckSessionView> =
                    response.sessions.into_iter().map(Into::into).collect();
                printer.out(&table::check_sessions(&views));
            }
        }
        return Ok(Exit::Success);
    }
    let max = Duration::from_secs(args.timeout);
    let waits = response.sessions.iter().map(|s| {
        let id = s.check_session_id;
        async move {
            client
                .wait_for_check_session(id)
                .poll_seconds(POLL_SECONDS)
                .wait(max)
                .await
                .with_context(|| format!("check session {id}"))
        }
    });
    let done: Vec<_> = futures::future::try_join_all(waits)
        .await?
        .into_iter()
        .map(|w| w.value)
        .collect();
    let views: Vec<CheckSessionView> = done.iter().cloned().map(Into::into).collect();
    match args.output {
        OutputFormat::Json => printer.out(&(serde_json::to_string_pretty(&done)? + "\n")),
        OutputFormat::Table => printer.out(&table::check_sessions(&views)),
    }
    Ok(exit_for(&views))
}

async fn get(client: &Client, args: &CheckGetArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let session = client
        .get_check_session(args.id)
        .await
        .with_context(|| format!("could not fetch check session {}", args.id))?;
    match args.output {
        OutputFormat::Json => printer.out(&(serde_json::to_string_pretty(&session)? + "\n")),
        OutputFormat::Table => printer.out(&table::check_sessions(&[session.into()])),
    }
    Ok(Exit::Success)
}

async fn wait(client: &Client, args: &CheckWaitArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let id: Uuid = args.id;
    let waited = client
        .wait_for_check_session(id)
        .poll_seconds(POLL_SECONDS)
        .wait(Duration::from_secs(args.timeout))
        .await
        .with_context(|| format!("waiting for check session {id}"))?;
    printer.debug(&format!(
        "finished after {:?} and {} polls",
        waited.elapsed, waited.polls
    ));
    let view = CheckSessionView::from(waited.value.clone());
    match args.output {
        OutputFormat::Json => printer.out(&(serde_json::to_string_pretty(&waited.value)? + "\n")),
        OutputFormat::Table => printer.out(&table::check_sessions(std::slice::from_ref(&view))),
    }
    Ok(exit_for(&[view]))
}
