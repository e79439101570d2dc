//! `checkly trigger`: trigger a test session, follow it, report, and exit 0
//! only when every check passed.

use std::time::Duration;

use checkly::Client;
use checkly::types::{
    EnvironmentVariable, TestSessionStatus, TriggerTestSessionRequest,
    TriggerTestSessionRequestTarget,
};

use crate::cli::{GlobalArgs, TriggerArgs};
use crate::error::{Exit, UsageError, usage_for_validation};
use crate::follow::{FollowOptions, Followed, Follower, ctrl_c_channel};
use crate::metadata;
use crate::parse::{read_env_file, retries_shorthand};
use crate::print::{self, Printer};
use crate::report::{self, Outcome, Report};
use crate::session::SessionView;

/// Runs `trigger` with the credentials of `global`.
pub async fn run(global: &GlobalArgs, args: TriggerArgs) -> anyhow::Result<Exit> {
    let client = super::client(global)?;
    let mut printer = Printer::new(global.verbose);
    run_with_client(&client, &args, &mut printer).await
}

/// A built request and, for each environment variable, the flag it came from.
#[derive(Debug)]
pub struct Prepared {
    /// The request to send.
    pub request: TriggerTestSessionRequest,
    /// `--env` or `--env-file`, by index of `environmentVariables`.
    pub env_sources: Vec<&'static str>,
}

/// Builds the trigger request from the flags, an `--env-file` and the
/// metadata of git and CI.
pub fn prepare(args: &TriggerArgs) -> anyhow::Result<Prepared> {
    let mut pairs: Vec<(String, String, &'static str)> = Vec::new();
    if let Some(path) = &args.env_file {
        for pair in read_env_file(path)? {
            pairs.push((pair.key, pair.value, "--env-file"));
        }
    }
    for pair in &args.env {
        // --env wins over the same key from --env-file.
        pairs.retain(|(key, _, source)| !(*source == "--env-file" && *key == pair.key));
        pairs.push((pair.key.clone(), pair.value.clone(), "--env"));
    }
    let env_sources = pairs.iter().map(|(_, _, source)| *source).collect();
    let environment_variables = pairs
        .into_iter()
        .map(|(key, value, _)| EnvironmentVariable::plain(key, value))
        .collect();

    let match_tags: Vec<Vec<String>> = args.tags.iter().map(|group| group.0.clone()).collect();
    let target = (!match_tags.is_empty() || !args.check_ids.is_empty()).then(|| {
        TriggerTestSessionRequestTarget {
            match_tags,
            check_id: args.check_ids.clone(),
            allow_deactivated: false,
        }
    });
    let retry_strategy = match (&args.retry_strategy, args.retries) {
        (Some(strategy), _) => Some(strategy.clone()),
        (None, Some(retries)) => retries_shorthand(retries),
        (None, None) => None,
    };
    let run_location = args
        .private_location
        .clone()
        .unwrap_or_else(|| args.location.clone());
    let request = TriggerTestSessionRequest {
        name: args.test_session_name.clone(),
        run_location,
        target,
        environment_variables,
        retry_strategy,
        refresh_cache: args.refresh_cache,
        metadata: metadata::from_environment(),
    };
    Ok(Prepared {
        request,
        env_sources,
    })
}

/// The usage error for a validation error of the trigger request, naming
/// exactly the flag that set the field.
fn trigger_usage(
    args: &TriggerArgs,
    prepared: &Prepared,
    e: &checkly::ValidationError,
) -> UsageError {
    let mut usage = usage_for_validation(e);
    if let Some(rest) = e.field.strip_prefix("environmentVariables[") {
        let index: Option<usize> = rest.split(']').next().and_then(|i| i.parse().ok());
        if let Some(source) = index.and_then(|i| prepared.env_sources.get(i)) {
            usage.flag = (*source).to_string();
        }
    } else if e.field == "runLocation" && args.private_location.is_some() {
        usage.flag = "--private-location".into();
    } else if e.field.starts_with("retryStrategy") && args.retries.is_some() {
        usage.flag = "--retries".into();
    }
    usage
}

/// Triggers, follows and reports with `client`; shared with `demo`.
pub async fn run_with_client(
    client: &Client,
    args: &TriggerArgs,
    printer: &mut Printer,
) -> anyhow::Result<Exit> {
    let prepared = prepare(args)?;
    let kinds = report::choose(
        &args.reporters,
        args.junit_file.as_deref(),
        report::running_in_ci(),
    );
    let fail_on_no_matching = args.fail_on_no_matching();
    let finish = |printer: &Printer, report: Report| -> anyhow::Result<Exit> {
        report::emit(&report, &kinds, args.junit_file.as_deref(), printer)?;
        Ok(report.exit())
    };
    describe_request(printer, &prepared.request);
    // Listen for Ctrl+C before anything runs, so that the first one can cancel.
    let mut signals = if args.detach {
        None
    } else {
        Some(ctrl_c_channel()?)
    };

    let triggered = match client.trigger_test_session(&prepared.request).await {
        Ok(triggered) => triggered,
        Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => {
            printer.debug(&format!("the API answered: {e}"));
            no_matching_message(printer, fail_on_no_matching);
            return finish(
                printer,
                Report::new(
                    Outcome::NoMatchingChecks,
                    None,
                    fail_on_no_matching,
                    args.timeout,
                ),
            );
        }
        Err(checkly::Error::Validation(v)) => return Err(trigger_usage(args, &prepared, &v).into()),
        Err(e) => return Err(anyhow::Error::new(e).context("could not trigger the test session")),
    };
    let session = SessionView::from(triggered);
    let checks = session.results.len();
    let noun = if checks == 1 { "check" } else { "checks" };
    printer.info(&format!(
        "Triggered test session \"{}\" ({checks} {noun}) in {}",
        session.name, prepared.request.run_location
    ));
    printer.info(&format!("  {}", session.link));

    if args.detach {
        return finish(
            printer,
            Report::new(
                Outcome::Detached,
                Some(session),
                fail_on_no_matching,
                args.timeout,
            ),
        );
    }
    let Some(signals) = signals.as_mut() else {
        anyhow::bail!("internal error: no Ctrl+C listener while following");
    };
    printer.start_spinner(format!("{}: waiting for {checks} {noun}", session.name));
    let options = FollowOptions {
        poll_seconds: args.poll_seconds,
        timeout: Duration::from_secs(args.timeout),
    };
    let followed = Follower::new(client, printer, options)
        .follow(session, signals)
        .await;
    printer.stop_spinner();
    let report = match followed? {
        Followed::Finished(done) => {
            let outcome = outcome_of(&done);
            if outcome == Outcome::NoMatchingChecks {
                no_matching_message(printer, fail_on_no_matching);
            }
            Report::new(outcome, Some(done), fail_on_no_matching, args.timeout)
        }
        Followed::TimedOut(latest) => {
            print::error_line(&format!(
                "timed out after {} s waiting for test session \"{}\"; it may still be running: {}",
                args.timeout, latest.name, latest.link
            ));
            Report::new(
                Outcome::TimedOut,
                Some(latest),
                fail_on_no_matching,
                args.timeout,
            )
        }
    };
    finish(printer, report)
}

fn no_matching_message(printer: &Printer, fail: bool) {
    let message = "no matching checks: no check matches the given tags or check ids";
    if fail {
        print::error_line(message);
    } else {
        printer.warn(&format!(
            "{message} (not failing: --no-fail-on-no-matching)"
        ));
    }
}

/// How a finished session ended.
pub fn outcome_of(done: &SessionView) -> Outcome {
    let rows = done.final_rows();
    match done.status {
        TestSessionStatus::Cancelled => Outcome::Cancelled,
        _ if rows.is_empty() && done.status == TestSessionStatus::Passed => {
            Outcome::NoMatchingChecks
        }
        TestSessionStatus::Passed if rows.iter().all(|r| !r.verdict.is_failure()) => {
            Outcome::Passed
        }
        _ => Outcome::Failed,
    }
}

/// With `-v`: what is about to be sent (variable values left out).
fn describe_request(printer: &Printer, request: &TriggerTestSessionRequest) {
    if !printer.verbose() {
        return;
    }
    printer.debug(&format!("test session name: {}", request.name));
    printer.debug(&format!("run location: {}", request.run_location));
    match &request.target {
        Some(target) => {
            let groups: Vec<String> = target.match_tags.iter().map(|g| g.join(" AND ")).collect();
            if !groups.is_empty() {
                printer.debug(&format!("tags: ({})", groups.join(") OR (")));
            }
            for id in &target.check_id {
                printer.debug(&format!("check id: {id}"));
            }
        }
        None => printer.debug("target: every activated check"),
    }
    let keys: Vec<&str> = request
        .environment_variables
        .iter()
        .map(|v| v.key())
        .collect();
    if !keys.is_empty() {
        printer.debug(&format!("environment variables: {}", keys.join(", ")));
    }
    if let Some(strategy) = &request.retry_strategy {
        let json = serde_json::to_string(strategy).unwrap_or_default();
        printer.debug(&format!("retry strategy: {json}"));
    }
    if let Some(metadata) = &request.metadata {
        let json = serde_json::to_string(metadata).unwrap_or_default();
        printer.debug(&format!("metadata: {json}"));
    }
}
