//! `checkly check-sessions trigger|get|wait|cancel`, on Checkly's v2
//! check-session endpoints (cancel is v1: there is no v2 cancel).
//!
//! # Waiting
//!
//! `trigger --wait` and `wait ID [ID...]` wait for every session at once,
//! through the library's [`Client::wait_for_check_sessions`]: one `--timeout`
//! for all of them. Each session is reported on stderr *as it ends*: one line
//! (verdict mark, name, status, duration, locations, link), and under it one
//! line per result that did not plainly pass (failed, degraded, cancelled or
//! flaky: location, verdict, duration, `checkResultLink`), each followed by
//! why it failed: the check result's detail (`get_check_result`, read by
//! [`checkly::Failure::of_check_result`]) and error groups, through
//! [`crate::why`], as `trigger` shows them (a flaky one by its failed
//! attempt). A session whose
//! wait failed (an error, or the timeout) is reported with its error as it
//! comes, and the others are still waited for. Then the final table (or
//! `-o json`) goes to stdout, in the order the sessions were given.
//!
//! `-o json` prints `{"sessions": [...], "errors": [...]}`: for `trigger`,
//! the sessions as triggered (without `--wait`) or as finished, a session
//! whose wait failed being shown as triggered; for `wait`, the sessions that
//! ended. `"errors"` (left out when empty) lists the sessions whose wait
//! failed (`checkSessionId`, `message`, `timedOut`), and `"failures"` (left
//! out when empty) why each failed, degraded or flaky result failed
//! (`checkSessionId`, `checkId`, `checkResultId`, `runLocation`, `verdict`,
//! and `failure` as in the test-session JSON report). `--junit-file` writes a
//! JUnit report: one suite per session, one case per location.
//!
//! The exit code is 0 only when every session passed by
//! [`checkly::Verdict::passed`] (passed, degraded or a flaky pass) and no
//! wait failed; else 1.
//!
//! The first Ctrl+C (or SIGTERM) cancels every session not ended yet and
//! keeps waiting, so that the cancellations are reported; a second one stops
//! at once ([`WaitInterrupted`], exit 1). Signals arrive through
//! [`Signals`], a channel, so tests can send them.
//!
//! # Cancelling
//!
//! `cancel ID [ID...]` cancels each session (all of its runs still in
//! progress) and prints one line per cancelled session on stdout, or the
//! error of that one on stderr; exit 1 unless every cancel succeeded.
//! `-o json` prints `{"cancelled": [ids], "errors": [...]}`.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use anyhow::Context;
use checkly::types::{
    CheckSessionsV2CheckResult, CheckSessionsV2CompletionResponse, CheckSessionsV2TriggerRequest,
    CheckSessionsV2TriggerRequestTarget,
};
use checkly::{CheckOutcome, Client, Verdict};
use console::Style;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::Serialize;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::cli::{
    CheckCancelArgs, CheckGetArgs, CheckSessionsCommand, CheckTriggerArgs, CheckWaitArgs,
    GlobalArgs, OutputFormat,
};
use crate::error::Exit;
use crate::follow::{SignalAction, Signals};
use crate::print::{self, Printer, err_style, sanitize};
use crate::report::format::mark;
use crate::report::table;
use crate::session::{CheckSessionView, human_duration};
use crate::why::{Explainer, Why};

/// `maxWaitSeconds` of each completion poll.
const POLL_SECONDS: u32 = 5;

/// Runs a `check-sessions` subcommand.
pub async fn run(global: &GlobalArgs, command: CheckSessionsCommand) -> anyhow::Result<Exit> {
    let client = super::client(global)?;
    let printer = Printer::new(global.verbose);
    match command {
        CheckSessionsCommand::Trigger(args) => {
            let mut signals = if args.wait {
                Signals::listen()?
            } else {
                Signals::none()
            };
            trigger(&client, &args, &printer, &mut signals).await
        }
        CheckSessionsCommand::Get(args) => get(&client, &args, &printer).await,
        CheckSessionsCommand::Wait(args) => {
            let mut signals = Signals::listen()?;
            wait(&client, &args, &printer, &mut signals).await
        }
        CheckSessionsCommand::Cancel(args) => cancel(&client, &args, &printer).await,
    }
}

/// The `-o json` document of `check-sessions trigger` and `wait`.
#[derive(Debug, Serialize)]
struct Sessions<T: Serialize> {
    /// One per session: as triggered, or as finished.
    sessions: Vec<T>,
    /// The sessions that could not be waited for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<WaitError>,
    /// Why each failed, degraded or flaky result failed (with `--wait`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failures: Vec<ResultFailure>,
}

/// Why one result of a check session failed (`-o json`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultFailure {
    /// The session.
    check_session_id: Uuid,
    /// The check.
    check_id: Uuid,
    /// The FINAL result of that location.
    check_result_id: Uuid,
    /// Where it ran.
    run_location: String,
    /// Its verdict (`FAILED`, `DEGRADED`, `FLAKY`).
    verdict: &'static str,
    /// Why, as in the test-session JSON report's `results[].failure`.
    failure: crate::report::json::JsonFailure,
}

/// The failures of the ended sessions, as explained by `explainer`.
fn failures(
    sessions: &[&CheckSessionsV2CompletionResponse],
    explainer: &Explainer,
    full_log: bool,
) -> Vec<ResultFailure> {
    let mut out = Vec::new();
    for session in sessions {
        for (outcome, explained) in explained_outcomes(session) {
            if let Some(why) = explainer.cached(explained) {
                out.push(ResultFailure {
                    check_session_id: session.check_session_id,
                    check_id: session.check_id,
                    check_result_id: outcome.final_result.check_result_id,
                    run_location: outcome.final_result.run_location.clone(),
                    verdict: outcome.verdict.as_str(),
                    failure: crate::report::json::failure(why, full_log),
                });
            }
        }
    }
    out
}

/// The outcomes of a session that get explained (failed, degraded, flaky),
/// each with the result that says why: its FINAL result, or for a flaky
/// one its last failed attempt. Sorted by location.
fn explained_outcomes(
    session: &CheckSessionsV2CompletionResponse,
) -> Vec<(CheckOutcome<CheckSessionsV2CheckResult>, Uuid)> {
    let mut outcomes = checkly::verdict::checks(&session.results);
    outcomes.sort_by(|a, b| {
        (&a.run_location, a.final_result.check_result_id)
            .cmp(&(&b.run_location, b.final_result.check_result_id))
    });
    outcomes
        .into_iter()
        .filter_map(|o| {
            let id = o.explaining_result()?.check_result_id;
            Some((o, id))
        })
        .collect()
}

/// A check session that could not be waited for.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitError {
    /// The session.
    pub check_session_id: Uuid,
    /// What went wrong (one line).
    pub message: String,
    /// Whether `--timeout` passed first.
    pub timed_out: bool,
}

/// A second Ctrl+C while waiting for check sessions: stop at once (exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitInterrupted {
    /// The sessions that had not ended (empty while still triggering).
    pub not_ended: Vec<Uuid>,
}

impl fmt::Display for WaitInterrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.not_ended.is_empty() {
            return f.write_str(
                "interrupted (Ctrl+C twice) while triggering; check sessions may have started anyway",
            );
        }
        let ids: Vec<String> = self.not_ended.iter().map(Uuid::to_string).collect();
        write!(
            f,
            "interrupted (Ctrl+C twice); stopped waiting for {} check session{}, which may still be running: {}",
            ids.len(),
            plural(ids.len()),
            ids.join(", ")
        )
    }
}

impl std::error::Error for WaitInterrupted {}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

async fn trigger(
    client: &Client,
    args: &CheckTriggerArgs,
    printer: &Printer,
    signals: &mut Signals,
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
    let answer = {
        let trigger = client.trigger_check_sessions_v2(&request);
        tokio::pin!(trigger);
        loop {
            tokio::select! {
                biased;
                action = signals.next() => match action {
                    SignalAction::Cancel => printer.warn(
                        "Ctrl+C: the check sessions will be cancelled as soon as the trigger answers \
                         (press Ctrl+C again to exit now)",
                    ),
                    SignalAction::Exit => return Err(WaitInterrupted { not_ended: vec![] }.into()),
                },
                answer = &mut trigger => break answer,
            }
        }
    };
    let response = match answer {
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
    printer.info(&format!("Triggered {count} check session{}", plural(count)));
    if !args.wait {
        match args.output {
            OutputFormat::Json => printer.out_json(&Sessions {
                sessions: response.sessions,
                errors: vec![],
                failures: vec![],
            })?,
            OutputFormat::Table => {
                let views: Vec<CheckSessionView> =
                    response.sessions.into_iter().map(Into::into).collect();
                printer.out(&table::check_sessions(&views));
            }
        }
        return Ok(Exit::Success);
    }
    let ids: Vec<Uuid> = response
        .sessions
        .iter()
        .map(|s| s.check_session_id)
        .collect();
    let options = WaitOptions {
        poll_seconds: POLL_SECONDS,
        timeout: args.timeout.duration(),
    };
    let since = response
        .sessions
        .iter()
        .map(|s| s.started_at)
        .min()
        .unwrap_or_else(chrono::Utc::now);
    let mut explainer = Explainer::for_check_sessions(client.clone(), since);
    let ended = wait_all(client, printer, &ids, options, signals, &mut explainer).await?;
    let done: Vec<&CheckSessionsV2CompletionResponse> = ended
        .iter()
        .filter_map(|(_, e)| match e {
            Ended::Done(done) => Some(done.as_ref()),
            Ended::Failed(_) => None,
        })
        .collect();
    let failures = failures(&done, &explainer, printer.verbose());
    write_junit(args.junit_file.as_deref(), &ended, &explainer, printer)?;
    // Each session as finished, or as triggered when its wait failed.
    let mut sessions: Vec<serde_json::Value> = Vec::with_capacity(count);
    let mut views: Vec<CheckSessionView> = Vec::with_capacity(count);
    let mut errors: Vec<WaitError> = Vec::new();
    for (triggered, (_, ended)) in response.sessions.into_iter().zip(ended) {
        match ended {
            Ended::Done(done) => {
                sessions.push(serde_json::to_value(&done)?);
                views.push((*done).into());
            }
            Ended::Failed(error) => {
                errors.push(error);
                sessions.push(serde_json::to_value(&triggered)?);
                views.push(triggered.into());
            }
        }
    }
    let failed = !errors.is_empty() || !views.iter().all(CheckSessionView::passed);
    match args.output {
        OutputFormat::Json => printer.out_json(&Sessions {
            sessions,
            errors,
            failures,
        })?,
        OutputFormat::Table => printer.out(&table::check_sessions(&views)),
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

/// With `--junit-file`: the JUnit report of the waited-for sessions.
fn write_junit(
    path: Option<&std::path::Path>,
    ended: &[(Uuid, Ended)],
    explainer: &Explainer,
    printer: &Printer,
) -> anyhow::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for (id, ended) in ended {
        match ended {
            Ended::Done(session) => done.push(session.as_ref()),
            Ended::Failed(error) => failed.push((*id, error.message.clone())),
        }
    }
    let xml = crate::report::junit::check_sessions(
        &done,
        &failed,
        |id| explainer.cached(id),
        printer.verbose(),
    )?;
    crate::report::destinations::write_file(path, &xml, "JUnit report")?;
    printer.info(&format!("JUnit report written to {}", path.display()));
    Ok(())
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

async fn wait(
    client: &Client,
    args: &CheckWaitArgs,
    printer: &Printer,
    signals: &mut Signals,
) -> anyhow::Result<Exit> {
    let options = WaitOptions {
        poll_seconds: POLL_SECONDS,
        timeout: args.timeout.duration(),
    };
    let since = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let mut explainer = Explainer::for_check_sessions(client.clone(), since);
    let ended = wait_all(client, printer, &args.ids, options, signals, &mut explainer).await?;
    write_junit(args.junit_file.as_deref(), &ended, &explainer, printer)?;
    let mut sessions: Vec<CheckSessionsV2CompletionResponse> = Vec::new();
    let mut errors: Vec<WaitError> = Vec::new();
    for (_, ended) in ended {
        match ended {
            Ended::Done(done) => sessions.push(*done),
            Ended::Failed(error) => errors.push(error),
        }
    }
    let views: Vec<CheckSessionView> = sessions.iter().cloned().map(Into::into).collect();
    let failed = !errors.is_empty() || !views.iter().all(CheckSessionView::passed);
    let failures = failures(
        &sessions.iter().collect::<Vec<_>>(),
        &explainer,
        printer.verbose(),
    );
    match args.output {
        OutputFormat::Json => printer.out_json(&Sessions {
            sessions,
            errors,
            failures,
        })?,
        OutputFormat::Table if views.is_empty() => {}
        OutputFormat::Table => printer.out(&table::check_sessions(&views)),
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

/// The `-o json` document of `check-sessions cancel`.
#[derive(Debug, Serialize)]
struct Cancelled {
    /// The sessions cancelled, in the order given.
    cancelled: Vec<Uuid>,
    /// The sessions that could not be cancelled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<CancelError>,
}

/// A check session that could not be cancelled.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelError {
    check_session_id: Uuid,
    message: String,
}

async fn cancel(
    client: &Client,
    args: &CheckCancelArgs,
    printer: &Printer,
) -> anyhow::Result<Exit> {
    let ids = unique(&args.ids);
    let answers = futures::future::join_all(ids.iter().map(|&id| async move {
        client
            .cancel_check_session(id, None)
            .await
            .with_context(|| format!("could not cancel check session {id}"))
    }))
    .await;
    let mut document = Cancelled {
        cancelled: Vec::new(),
        errors: Vec::new(),
    };
    let mut text = String::new();
    for (&id, answer) in ids.iter().zip(answers) {
        match answer {
            Ok(()) => {
                text.push_str(&format!("Cancelled check session {id}\n"));
                document.cancelled.push(id);
            }
            Err(e) => {
                let (_, message) = crate::error::classify(&e);
                print::error_line(&message);
                document.errors.push(CancelError {
                    check_session_id: id,
                    message,
                });
            }
        }
    }
    match args.output {
        OutputFormat::Json => printer.out_json(&document)?,
        OutputFormat::Table => printer.out(&text),
    }
    Ok(if document.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// `ids` without repeats, in their first order.
fn unique(ids: &[Uuid]) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// How to wait.
#[derive(Debug, Clone, Copy)]
pub struct WaitOptions {
    /// `maxWaitSeconds` of each completion poll (1 to 30).
    pub poll_seconds: u32,
    /// How long to wait for all of them at most.
    pub timeout: Duration,
}

/// How the wait for one session ended.
#[derive(Debug, Clone)]
pub enum Ended {
    /// It ended: passed, failed, degraded or cancelled.
    Done(Box<CheckSessionsV2CompletionResponse>),
    /// Its wait failed or timed out.
    Failed(WaitError),
}

/// A cancel request under way in the background.
type CancelTask = JoinHandle<(Uuid, checkly::Result<()>)>;

/// Waits for every session of `ids` at once (one deadline, `options.timeout`),
/// reporting each on stderr as it ends; see the module docs. Returns how each
/// ended, in the order of `ids` (without repeats). The first Ctrl+C on
/// `signals` (or one pressed before) cancels the sessions not ended yet;
/// a second is `Err(WaitInterrupted)`.
pub async fn wait_all(
    client: &Client,
    printer: &Printer,
    ids: &[Uuid],
    options: WaitOptions,
    signals: &mut Signals,
    explainer: &mut Explainer,
) -> anyhow::Result<Vec<(Uuid, Ended)>> {
    let ids = unique(ids);
    let mut not_ended: Vec<Uuid> = ids.clone();
    let mut ended: Vec<(Uuid, Ended)> = Vec::with_capacity(ids.len());
    let mut cancels: FuturesUnordered<CancelTask> = FuturesUnordered::new();
    if signals.pressed() {
        warn_cancelling(printer);
        start_cancels(client, &not_ended, &mut cancels);
    }
    let mut stream = client
        .wait_for_check_sessions(ids.iter().copied())
        .poll_seconds(options.poll_seconds)
        .wait(options.timeout);
    loop {
        tokio::select! {
            // Signals first: a Ctrl+C is never lost behind a ready answer.
            biased;
            action = signals.next() => match action {
                SignalAction::Cancel => {
                    warn_cancelling(printer);
                    start_cancels(client, &not_ended, &mut cancels);
                }
                SignalAction::Exit => return Err(WaitInterrupted { not_ended }.into()),
            },
            Some(cancelled) = cancels.next(), if !cancels.is_empty() => match cancelled {
                Ok((id, Ok(()))) => printer.info(&format!(
                    "Cancel requested for check session {id}; waiting for it to stop"
                )),
                Ok((id, Err(e))) => printer.warn(&format!("could not cancel check session {id}: {e}")),
                Err(e) => printer.warn(&format!("could not cancel a check session: {e}")),
            },
            next = stream.next() => {
                let Some((id, outcome)) = next else { break };
                not_ended.retain(|other| *other != id);
                let outcome = match outcome {
                    Ok(done) => {
                        for (_, result) in explained_outcomes(&done.value) {
                            explainer.explain_check_result(done.value.check_id, result).await;
                        }
                        let full_log = printer.verbose();
                        printer.info(&ended_lines(&done.value, |id| explainer.cached(id), full_log));
                        Ended::Done(Box::new(done.value))
                    }
                    Err(e) => {
                        let error = wait_error(id, e);
                        print::error_line(&error.message);
                        Ended::Failed(error)
                    }
                };
                ended.push((id, outcome));
            }
        }
    }
    // In the order given (the stream yields each once).
    let mut ordered = Vec::with_capacity(ids.len());
    for id in ids {
        match ended.iter().position(|(other, _)| *other == id) {
            Some(at) => ordered.push(ended.swap_remove(at)),
            None => ordered.push((
                id,
                Ended::Failed(WaitError {
                    check_session_id: id,
                    message: format!("waiting for check session {id} ended without an answer"),
                    timed_out: false,
                }),
            )),
        }
    }
    Ok(ordered)
}

fn warn_cancelling(printer: &Printer) {
    printer.warn(
        "Ctrl+C: cancelling the check sessions not ended yet (press Ctrl+C again to exit now)",
    );
}

/// Starts cancelling each of `ids` in the background, so that a second
/// Ctrl+C is heard even if a cancel hangs.
fn start_cancels(client: &Client, ids: &[Uuid], cancels: &mut FuturesUnordered<CancelTask>) {
    for &id in ids {
        let client = client.clone();
        cancels.push(tokio::spawn(async move {
            (id, client.cancel_check_session(id, None).await)
        }));
    }
}

/// The report of a failed wait.
fn wait_error(id: Uuid, e: checkly::Error) -> WaitError {
    let timed_out = matches!(e, checkly::Error::WaitTimeout { .. });
    let context = if timed_out {
        format!("timed out waiting for check session {id}")
    } else {
        format!("waiting for check session {id}")
    };
    let (_, message) = crate::error::classify(&anyhow::Error::new(e).context(context));
    WaitError {
        check_session_id: id,
        message,
        timed_out,
    }
}

/// The lines shown on stderr when a session ends: the session, then one per
/// result that did not plainly pass (API text sanitized), each with why it
/// failed when `why` knows (by the id of the result that says why).
pub fn ended_lines<'a>(
    session: &CheckSessionsV2CompletionResponse,
    why: impl Fn(Uuid) -> Option<&'a Why>,
    full_log: bool,
) -> String {
    let view = CheckSessionView::from(session.clone());
    let (symbol, style) = mark(view.verdict, true);
    let dim = Style::new().dim();
    let duration = finite_ms(view.time_elapsed_ms).map(human_duration);
    let mut line = format!(
        "{} {} {}",
        err_style(symbol, &style),
        sanitize(&view.name),
        err_style(sanitize(&view.status.to_string()), &style),
    );
    let mut details: Vec<String> = Vec::new();
    details.extend(duration);
    if !view.run_locations.is_empty() {
        details.push(format!("({})", sanitize(&view.run_locations.join(","))));
    }
    details.push(sanitize(&view.link).into_owned());
    line.push(' ');
    line.push_str(&err_style(details.join(" "), &dim).to_string());
    let mut outcomes = checkly::verdict::checks(&session.results);
    outcomes.sort_by(|a, b| {
        (&a.run_location, a.final_result.check_result_id)
            .cmp(&(&b.run_location, b.final_result.check_result_id))
    });
    let explained = explained_outcomes(session);
    for outcome in outcomes.iter().filter(|o| o.verdict != Verdict::Passed) {
        line.push('\n');
        line.push_str(&result_line(&outcome.final_result, outcome.verdict));
        let id = explained
            .iter()
            .find(|(o, _)| o.final_result.check_result_id == outcome.final_result.check_result_id)
            .map(|(_, id)| *id);
        if let Some(why) = id.and_then(&why) {
            for text in crate::why::lines(why, full_log) {
                line.push_str("\n        ");
                line.push_str(&text);
            }
        }
    }
    line
}

/// `    ✖ FAILED eu-central-1 2.0s https://...` for one result.
fn result_line(result: &CheckSessionsV2CheckResult, verdict: Verdict) -> String {
    let (symbol, style) = mark(verdict, true);
    let dim = Style::new().dim();
    let duration = match (result.started_at, result.stopped_at) {
        (Some(start), Some(stop)) if stop >= start => {
            u64::try_from((stop - start).num_milliseconds()).ok()
        }
        _ => result.response_time.and_then(finite_ms),
    };
    let location = if result.run_location.trim().is_empty() {
        "unknown location".to_string()
    } else {
        sanitize(&result.run_location).into_owned()
    };
    let mut details = location;
    if let Some(ms) = duration {
        details.push(' ');
        details.push_str(&human_duration(ms));
    }
    format!(
        "    {} {} {} {}",
        err_style(symbol, &style),
        err_style(verdict.as_str(), &style),
        details,
        err_style(sanitize(&result.check_result_link), &dim),
    )
}

/// Milliseconds from the API, when they make sense.
fn finite_ms(ms: f64) -> Option<u64> {
    (ms.is_finite() && ms >= 0.0).then(|| ms.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    use checkly::types::CheckSessionStatus;
    use checkly_mock::{MockConfig, MockServer};
    use tokio::sync::mpsc;

    /// A mock at real speed, a client for it, and the ids of the check
    /// sessions triggered for `tags` (each inner list: AND; OR between them).
    async fn sessions(tags: &[&[&str]]) -> (MockServer, Client, Vec<Uuid>) {
        let server = MockServer::start(MockConfig::default().with_speed(1.0))
            .await
            .expect("the mock starts");
        let client = Client::builder()
            .api_key(server.api_key())
            .account_id(server.account_id())
            .base_url(server.url())
            .build()
            .expect("the client builds");
        let request = CheckSessionsV2TriggerRequest {
            refresh_cache: false,
            target: Some(CheckSessionsV2TriggerRequestTarget {
                match_tags: tags
                    .iter()
                    .map(|group| group.iter().map(|t| (*t).to_string()).collect())
                    .collect(),
                check_id: vec![],
            }),
        };
        let triggered = client
            .trigger_check_sessions_v2(&request)
            .await
            .expect("the trigger succeeds");
        let ids = triggered
            .sessions
            .iter()
            .map(|s| s.check_session_id)
            .collect();
        (server, client, ids)
    }

    fn options(timeout: Duration) -> WaitOptions {
        WaitOptions {
            poll_seconds: 1,
            timeout,
        }
    }

    /// Signals, and the sender that presses Ctrl+C `presses` times at once.
    fn pressed(presses: usize) -> (mpsc::UnboundedSender<()>, Signals) {
        let (tx, rx) = mpsc::unbounded_channel();
        for _ in 0..presses {
            tx.send(()).expect("the channel is open");
        }
        (tx, Signals::from_channel(rx))
    }

    fn cancel_paths(server: &MockServer) -> Vec<String> {
        server
            .received()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/cancel"))
            .map(|r| r.path)
            .collect()
    }

    fn status(ended: &Ended) -> Option<CheckSessionStatus> {
        match ended {
            Ended::Done(done) => Some(done.status.clone()),
            Ended::Failed(_) => None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_cancels_the_sessions_not_ended_and_waiting_goes_on() {
        // Public API health and Checkout journey end within seconds; the
        // Full regression suite takes 20 s.
        let (server, client, ids) = sessions(&[&["slow"], &["production", "api"]]).await;
        assert_eq!(ids.len(), 3);
        let printer = Printer::new(false);
        let mut explainer = Explainer::for_check_sessions(client.clone(), chrono::Utc::now());
        let (tx, mut signals) = pressed(0);
        let started = tokio::time::Instant::now();
        let press = async {
            // Once both fast sessions have ended (at about 6 s), as the API says.
            loop {
                let mut ended = 0;
                for id in &ids {
                    let session = client.get_check_session_v2(*id).await.expect("retrieve");
                    ended +=
                        usize::from(checkly::SessionVerdict::verdict(&session) != Verdict::Running);
                }
                if ended >= 2 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            tx.send(()).expect("the channel is open");
        };
        let (ended, ()) = tokio::join!(
            wait_all(
                &client,
                &printer,
                &ids,
                options(Duration::from_secs(60)),
                &mut signals,
                &mut explainer
            ),
            press
        );
        let ended = ended.expect("waiting succeeds");
        assert!(
            started.elapsed() < Duration::from_secs(18),
            "cancelled before the slow one ended: {:?}",
            started.elapsed()
        );
        let order: Vec<Uuid> = ended.iter().map(|(id, _)| *id).collect();
        assert_eq!(order, ids, "in the order given");
        let statuses: Vec<_> = ended.iter().map(|(_, e)| status(e)).collect();
        assert_eq!(
            statuses,
            [
                Some(CheckSessionStatus::Passed),
                Some(CheckSessionStatus::Passed),
                Some(CheckSessionStatus::Cancelled),
            ],
            "{ended:?}"
        );
        // Only the one still running was cancelled.
        assert_eq!(
            cancel_paths(&server),
            [format!("/v1/check-sessions/{}/cancel", ids[2])]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_ctrl_c_before_waiting_cancels_every_session_at_once() {
        let (server, client, ids) = sessions(&[&["slow"], &["staging", "api"]]).await;
        assert_eq!(ids.len(), 3);
        let printer = Printer::new(false);
        let mut explainer = Explainer::for_check_sessions(client.clone(), chrono::Utc::now());
        let (_tx, mut signals) = pressed(1);
        // The press was read while triggering.
        assert_eq!(signals.next().await, SignalAction::Cancel);
        let ended = wait_all(
            &client,
            &printer,
            &ids,
            options(Duration::from_secs(60)),
            &mut signals,
            &mut explainer,
        )
        .await
        .expect("waiting succeeds");
        assert!(
            ended
                .iter()
                .all(|(_, e)| status(e) == Some(CheckSessionStatus::Cancelled)),
            "{ended:?}"
        );
        let mut cancelled = cancel_paths(&server);
        cancelled.sort();
        let mut wanted: Vec<String> = ids
            .iter()
            .map(|id| format!("/v1/check-sessions/{id}/cancel"))
            .collect();
        wanted.sort();
        assert_eq!(cancelled, wanted);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_second_ctrl_c_stops_at_once() {
        let (_server, client, ids) = sessions(&[&["slow"]]).await;
        let printer = Printer::new(false);
        let mut explainer = Explainer::for_check_sessions(client.clone(), chrono::Utc::now());
        let (_tx, mut signals) = pressed(2);
        let started = tokio::time::Instant::now();
        let err = wait_all(
            &client,
            &printer,
            &ids,
            options(Duration::from_secs(60)),
            &mut signals,
            &mut explainer,
        )
        .await
        .expect_err("the second Ctrl+C stops waiting");
        let interrupted = err
            .downcast_ref::<WaitInterrupted>()
            .unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(interrupted.not_ended, ids);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(err.to_string().contains(&ids[0].to_string()), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn timed_out_sessions_are_reported_and_the_others_waited_for() {
        let (_server, client, ids) = sessions(&[&["slow"], &["production", "api"]]).await;
        let printer = Printer::new(false);
        let mut explainer = Explainer::for_check_sessions(client.clone(), chrono::Utc::now());
        let mut signals = Signals::none();
        let ended = wait_all(
            &client,
            &printer,
            &ids,
            options(Duration::from_secs(8)),
            &mut signals,
            &mut explainer,
        )
        .await
        .expect("waiting succeeds");
        match &ended[2].1 {
            Ended::Failed(error) => {
                assert!(error.timed_out, "{error:?}");
                assert_eq!(error.check_session_id, ids[2]);
                assert!(error.message.contains("timed out"), "{error:?}");
            }
            other => panic!("expected a timeout: {other:?}"),
        }
        assert!(matches!(ended[0].1, Ended::Done(_)), "{ended:?}");
        assert!(matches!(ended[1].1, Ended::Done(_)), "{ended:?}");
    }

    #[test]
    fn ended_lines_show_the_failed_results_sanitized() {
        let session: CheckSessionsV2CompletionResponse =
            serde_json::from_value(serde_json::json!({
                "checkId": "dec0de00-0000-4000-8000-000000000008",
                "checkSessionId": "5e55e55e-0000-4000-8000-000000000001",
                "checkSessionLink": "https://app.checklyhq.com/s/1",
                "checkType": "API",
                "name": "Evil\n::error::injected",
                "results": [
                    {
                        "aborted": false, "checkId": "dec0de00-0000-4000-8000-000000000008",
                        "checkResultId": "7e57e57e-0000-4000-8000-000000000001",
                        "checkResultLink": "https://app.checklyhq.com/r/1",
                        "checkType": "API", "hasErrors": false, "hasFailures": true,
                        "isCancelled": false, "isDegraded": false, "name": "Evil",
                        "resultType": "FINAL", "runLocation": "us-east-1", "responseTime": 1200.0
                    },
                    {
                        "aborted": false, "checkId": "dec0de00-0000-4000-8000-000000000008",
                        "checkResultId": "7e57e57e-0000-4000-8000-000000000002",
                        "checkResultLink": "https://app.checklyhq.com/r/2",
                        "checkType": "API", "hasErrors": false, "hasFailures": false,
                        "isCancelled": false, "isDegraded": false, "name": "Evil",
                        "resultType": "FINAL", "runLocation": "eu-central-1"
                    }
                ],
                "runLocations": ["us-east-1", "eu-central-1"],
                "runSource": "TRIGGER_API",
                "startedAt": "2025-01-01T00:00:00Z",
                "status": "FAILED",
                "stoppedAt": "2025-01-01T00:00:02Z",
                "timeElapsed": 2000.0
            }))
            .expect("a valid completion");
        let lines = ended_lines(&session, |_| None, false);
        assert_eq!(
            lines,
            "✖ Evil\\n::error::injected FAILED 2.0s (us-east-1,eu-central-1) https://app.checklyhq.com/s/1\n    \
             ✖ FAILED us-east-1 1.2s https://app.checklyhq.com/r/1"
        );
    }
}
