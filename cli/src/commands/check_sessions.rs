//! `checkly check-sessions trigger|get|wait`, on Checkly's v2 check-session
//! endpoints.
//!
//! `trigger -o json` prints `{"sessions": [...]}` with and without `--wait`:
//! the sessions as triggered, or as finished. With `--wait` every session is
//! waited for, even when waiting for another fails; a session whose wait
//! failed is shown as last known (as triggered), its error is printed on
//! stderr (and, with `-o json`, listed under `"errors"`), and the command
//! exits 1.

use anyhow::Context;
use checkly::Client;
use checkly::types::{CheckSessionsV2TriggerRequest, CheckSessionsV2TriggerRequestTarget};
use serde::Serialize;
use uuid::Uuid;

use crate::cli::{
    CheckGetArgs, CheckSessionsCommand, CheckTriggerArgs, CheckWaitArgs, GlobalArgs, OutputFormat,
};
use crate::error::Exit;
use crate::print::{self, Printer};
use crate::report::table;
use crate::session::{CheckSessionView, human_duration};

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

/// The `-o json` document of `check-sessions trigger`.
#[derive(Debug, Serialize)]
struct Triggered<T: Serialize> {
    /// One per matching check: as triggered, or (with `--wait`) as finished.
    sessions: Vec<T>,
    /// With `--wait`: the sessions that could not be waited for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<WaitError>,
}

/// A check session that could not be waited for.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WaitError {
    check_session_id: Uuid,
    message: String,
}

async fn trigger(
    client: &Client,
    args: &CheckTriggerArgs,
    printer: &Printer,
) -> anyhow::Result<Exit> {
    let target = super::target(&args.tags, &args.check_ids).map(|(match_tags, check_id)| {
        CheckSessionsV2TriggerRequestTarget {
            match_tags,
            check_id,
        }
    });
    let request = CheckSessionsV2TriggerRequest {
        refresh_cache: args.refresh_cache,
        target,
    };
    let response = match client.trigger_check_sessions_v2(&request).await {
        Ok(response) => response,
        Err(e) if super::is_no_matching_checks(&e) => {
            printer.debug(&format!("the API answered: {e}"));
            print::error_line("no matching checks: no check matches the given tags or check ids");
            return Ok(Exit::Failure);
        }
        Err(e) => {
            return Err(super::trigger::trigger_failed(
                e,
                "check sessions",
                "look for them on the checks' pages in Checkly",
            ));
        }
    };
    let count = response.sessions.len();
    printer.info(&format!(
        "Triggered {count} check session{}",
        if count == 1 { "" } else { "s" }
    ));
    if !args.wait {
        match args.output {
            OutputFormat::Json => printer.out_json(&Triggered {
                sessions: response.sessions,
                errors: vec![],
            })?,
            OutputFormat::Table => {
                let views: Vec<CheckSessionView> =
                    response.sessions.into_iter().map(Into::into).collect();
                printer.out(&table::check_sessions(&views));
            }
        }
        return Ok(Exit::Success);
    }
    let max = args.timeout.duration();
    let waits = response.sessions.iter().map(|s| {
        let id = s.check_session_id;
        async move {
            client
                .wait_for_check_session_v2(id)
                .poll_seconds(POLL_SECONDS)
                .wait(max)
                .await
                .with_context(|| format!("waiting for check session {id}"))
        }
    });
    let waited = futures::future::join_all(waits).await;
    // Each session as finished, or as triggered when its wait failed.
    let mut sessions: Vec<serde_json::Value> = Vec::with_capacity(count);
    let mut views: Vec<CheckSessionView> = Vec::with_capacity(count);
    let mut errors: Vec<WaitError> = Vec::new();
    for (triggered, result) in response.sessions.into_iter().zip(waited) {
        match result {
            Ok(done) => {
                sessions.push(serde_json::to_value(&done.value)?);
                views.push(done.value.into());
            }
            Err(e) => {
                let (_, message) = crate::error::classify(&e);
                print::error_line(&message);
                errors.push(WaitError {
                    check_session_id: triggered.check_session_id,
                    message,
                });
                sessions.push(serde_json::to_value(&triggered)?);
                views.push(triggered.into());
            }
        }
    }
    let failed = !errors.is_empty();
    match args.output {
        OutputFormat::Json => printer.out_json(&Triggered { sessions, errors })?,
        OutputFormat::Table => printer.out(&table::check_sessions(&views)),
    }
    Ok(if failed {
        Exit::Failure
    } else {
        exit_for(&views)
    })
}

async fn get(client: &Client, args: &CheckGetArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let session = client
        .get_check_session_v2(args.id)
        .await
        .with_context(|| format!("could not fetch check session {}", args.id))?;
    match args.output {
        OutputFormat::Json => printer.out_json(&session)?,
        OutputFormat::Table => printer.out(&table::check_sessions(&[session.into()])),
    }
    Ok(Exit::Success)
}

async fn wait(client: &Client, args: &CheckWaitArgs, printer: &Printer) -> anyhow::Result<Exit> {
    let id: Uuid = args.id;
    let waited = client
        .wait_for_check_session_v2(id)
        .poll_seconds(POLL_SECONDS)
        .wait(args.timeout.duration())
        .await
        .with_context(|| format!("waiting for check session {id}"))?;
    let elapsed_ms = u64::try_from(waited.elapsed.as_millis()).unwrap_or(u64::MAX);
    printer.debug(&format!(
        "finished after {} and {} polls",
        human_duration(elapsed_ms),
        waited.polls
    ));
    let view = CheckSessionView::from(waited.value.clone());
    match args.output {
        OutputFormat::Json => printer.out_json(&waited.value)?,
        OutputFormat::Table => printer.out(&table::check_sessions(std::slice::from_ref(&view))),
    }
    Ok(exit_for(&[view]))
}
