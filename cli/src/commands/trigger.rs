//! `checkly trigger`: trigger a test session, follow it, report, and exit 0
//! only when every check passed.
//!
//! Ctrl+C (and SIGTERM, which CI runners send) is heard from before the
//! trigger request: the first press cancels
//! the session (if the trigger is still under way, the command waits for its
//! answer, to learn the session, and cancels it at once); a second press exits
//! 1 at once. When the run ends in an error (or that second Ctrl+C), the
//! `json` and `junit` reporters still write a document, with the outcome
//! `error` (or `interrupted`); bad flags (exit 2) write none.

use anyhow::Context;
use checkly::Client;
use checkly::types::{
    EnvironmentVariable, TriggerTestSessionRequest, TriggerTestSessionRequestTarget,
};
use checkly::{SessionVerdict, Verdict};

use crate::cli::{GlobalArgs, ReporterKind, TriggerArgs};
use crate::error::{Exit, Interrupted, UsageError, usage_for_validation};
use crate::follow::{FollowOptions, Followed, Follower, SignalAction, Signals};
use crate::metadata;
use crate::parse::{MAX_RETRIES_FLAG, parse_env_pair, read_env_file, retries_shorthand};
use crate::print::{self, Printer, sanitize};
use crate::report::{self, Destinations, Outcome, Report, ReportSettings};
use crate::session::SessionView;
use crate::why::Explainer;

/// Runs `trigger` with the credentials of `global`.
pub async fn run(global: &GlobalArgs, args: TriggerArgs) -> anyhow::Result<Exit> {
    let client = super::client(global)?;
    let mut printer = Printer::new(global.verbose);
    run_with_client(&client, &args, &mut printer, false).await
}

/// A built request and, for each environment variable, the flag it came from.
#[derive(Debug)]
pub struct Prepared {
    /// The request to send.
    pub request: TriggerTestSessionRequest,
    /// The flag each of `environmentVariables` came from (`--env`,
    /// `--env-file`, `--secret-env`, `--secret-env-file`), by index.
    pub env_sources: Vec<&'static str>,
}

/// Builds the trigger request from the flags, an `--env-file` and the
/// metadata of git and CI.
pub fn prepare(args: &TriggerArgs) -> anyhow::Result<Prepared> {
    // Files first, then flags; a flag's key replaces the same key from a file.
    let mut pairs: Vec<(String, String, &'static str)> = Vec::new();
    for (path, flag) in [
        (&args.env_file, "--env-file"),
        (&args.secret_env_file, "--secret-env-file"),
    ] {
        if let Some(path) = path {
            for pair in read_env_file(path, flag)? {
                pairs.push((pair.key, pair.value, flag));
            }
        }
    }
    let flags = args
        .env
        .iter()
        .map(|text| (text, "--env"))
        .chain(args.secret_env.iter().map(|text| (text, "--secret-env")));
    for (text, flag) in flags {
        let pair = parse_env_pair(text, flag)?;
        pairs.retain(|(key, _, source)| !(source.ends_with("-file") && *key == pair.key));
        pairs.push((pair.key, pair.value, flag));
    }
    let env_sources = pairs.iter().map(|(_, _, source)| *source).collect();
    let environment_variables = pairs
        .into_iter()
        .map(|(key, value, source)| {
            if source.starts_with("--secret-env") {
                EnvironmentVariable::secret(key, value)
            } else {
                EnvironmentVariable::plain(key, value)
            }
        })
        .collect();

    let target = super::target(&args.tags, &args.check_ids).map(|(match_tags, check_id)| {
        TriggerTestSessionRequestTarget {
            match_tags,
            check_id,
            allow_deactivated: false,
        }
    });
    let retry_strategy = match (&args.retry_strategy, args.retries) {
        (Some(strategy), _) => Some(strategy.clone()),
        (None, Some(retries)) => {
            let (strategy, clamped) = retries_shorthand(retries);
            if clamped {
                print::stderr_line(&format!(
                    "note: --retries {retries} is more than {MAX_RETRIES_FLAG}; using {MAX_RETRIES_FLAG}"
                ));
            }
            Some(strategy)
        }
        (None, None) => None,
    };
    if args.no_record {
        print::stderr_line(
            "note: --no-record has no effect here: Checkly's API records every test session",
        );
    }
    if let Some(path) = &args.config {
        print::stderr_line(&format!(
            "note: --config {} is not read: checks are chosen by --tags and --check-id",
            sanitize(&path.display().to_string())
        ));
    }
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

/// The error of a trigger that failed. When the request may have reached
/// Checkly without an answer coming back, the session may exist: say so and
/// how to find it (the client never sends a trigger twice on its own).
pub fn trigger_failed(error: checkly::Error, what: &str, find: &str) -> anyhow::Error {
    let ambiguous =
        matches!(error, checkly::Error::Transport(_)) && error.may_have_reached_checkly();
    let context = if ambiguous {
        format!(
            "the trigger was sent but no answer came back, so {what} may have started \
             (it was not sent again; {find})"
        )
    } else {
        format!("could not trigger {what}")
    };
    anyhow::Error::new(error).context(context)
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

/// Triggers, follows and reports with `client`; shared with `demo` (`demo`
/// true: the session cannot be followed once the command exits).
pub async fn run_with_client(
    client: &Client,
    args: &TriggerArgs,
    printer: &mut Printer,
    demo: bool,
) -> anyhow::Result<Exit> {
    // Bad input first, before anything is sent: exit 2, no report.
    let mut prepared = prepare(args)?;
    if let Some(dir) = &args.artifacts_dir {
        crate::why::check_artifacts_dir(dir)?;
    }
    if let Some(earlier) = args.rerun_failed {
        let failed = failed_checks(client, earlier).await?;
        if failed.is_empty() {
            printer.info(&format!(
                "No check failed in test session {earlier}: nothing to rerun"
            ));
            return Ok(Exit::Success);
        }
        printer.info(&format!(
            "Rerunning the {} check{} that failed in test session {earlier}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        ));
        prepared.request.target = Some(TriggerTestSessionRequestTarget {
            check_id: failed,
            ..TriggerTestSessionRequestTarget::default()
        });
    }
    let kinds = report::choose(
        &args.reporters,
        args.junit_file.as_deref(),
        args.json_file.as_deref(),
        report::running_in_ci(),
    );
    let destinations = Destinations::from_env(
        &kinds,
        args.junit_file.as_deref(),
        args.json_file.as_deref(),
    );
    destinations.check()?;
    let run = Run {
        kinds,
        destinations,
        settings: ReportSettings {
            fail_on_no_matching: args.fail_on_no_matching(),
            timeout_seconds: args.timeout.seconds,
            demo,
            full_log: printer.verbose(),
        },
    };
    let mut seen = None;
    match trigger_and_follow(client, args, &prepared, printer, &run, &mut seen).await {
        Ok(report) => {
            report::emit(&report, &run.kinds, &run.destinations, printer)?;
            Ok(report.exit())
        }
        Err(err) => {
            run.report_error(&err, seen, printer);
            Err(err)
        }
    }
}

/// The checks whose verdict is [`Verdict::Failed`] in test session `id`
/// (for `--rerun-failed`; degraded, flaky and cancelled checks are not
/// rerun), each once, in the session's order.
async fn failed_checks(client: &Client, id: uuid::Uuid) -> anyhow::Result<Vec<uuid::Uuid>> {
    let session = client
        .get_test_session(id)
        .await
        .with_context(|| format!("could not fetch test session {id} to rerun its failed checks"))?;
    let mut failed = Vec::new();
    for check in session.checks() {
        if let Some(id) = check
            .check_id
            .filter(|id| check.verdict == Verdict::Failed && !failed.contains(id))
        {
            failed.push(id);
        }
    }
    Ok(failed)
}

/// What the reports of a run need besides the session.
#[derive(Debug)]
struct Run {
    kinds: Vec<ReporterKind>,
    destinations: Destinations,
    settings: ReportSettings,
}

impl Run {
    /// Writes the machine-read reports of a run `err` ended (not for bad
    /// input, exit 2: like a bad flag, that writes no report). A failure to
    /// write is a warning: `err` is what the run ends with.
    fn report_error(&self, err: &anyhow::Error, session: Option<SessionView>, printer: &Printer) {
        let (exit, message) = crate::error::classify(err);
        if exit == Exit::Usage {
            return;
        }
        let outcome = if err.downcast_ref::<Interrupted>().is_some() {
            Outcome::Interrupted
        } else {
            Outcome::Error
        };
        let report = Report::ended_by(outcome, session, self.settings, message);
        if let Err(e) = report::emit_machine(&report, &self.kinds, &self.destinations, printer) {
            printer.warn(&format!("could not write the report: {e:#}"));
        }
    }
}

/// Triggers and (unless `--detach`) follows; `seen` keeps the session as
/// last seen, for the report of a run an error ends.
async fn trigger_and_follow(
    client: &Client,
    args: &TriggerArgs,
    prepared: &Prepared,
    printer: &mut Printer,
    run: &Run,
    seen: &mut Option<SessionView>,
) -> anyhow::Result<Report> {
    let settings = run.settings;
    describe_request(printer, &prepared.request);
    // Listen for Ctrl+C before anything is sent, so that the first one can
    // cancel whatever the trigger starts. With --detach it keeps its default.
    let mut signals = if args.detach {
        Signals::none()
    } else {
        Signals::listen()?
    };
    let triggered = {
        let trigger = client.trigger_test_session(&prepared.request);
        tokio::pin!(trigger);
        loop {
            tokio::select! {
                biased;
                action = signals.next() => match action {
                    SignalAction::Cancel => printer.warn(
                        "Ctrl+C: the test session will be cancelled as soon as the trigger answers \
                         (press Ctrl+C again to exit now)",
                    ),
                    SignalAction::Exit => return Err(Interrupted { session_link: None }.into()),
                },
                answer = &mut trigger => break answer,
            }
        }
    };
    let triggered = match triggered {
        Ok(triggered) => triggered,
        Err(e) if super::is_no_matching_checks(&e) => {
            printer.debug(&format!("the API answered: {e}"));
            no_matching_message(printer, settings.fail_on_no_matching);
            return Ok(Report::new(Outcome::NoMatchingChecks, None, settings));
        }
        Err(checkly::Error::Validation(v)) => return Err(trigger_usage(args, prepared, &v).into()),
        Err(e) => {
            return Err(trigger_failed(
                e,
                "the test session",
                "look for it with `checkly test-sessions list`",
            ));
        }
    };
    let session = SessionView::from(triggered);
    *seen = Some(session.clone());
    let checks = session.results.len();
    let noun = if checks == 1 { "check" } else { "checks" };
    printer.info(&format!(
        "Triggered test session \"{}\" ({checks} {noun}) in {}",
        sanitize(&session.name),
        sanitize(&prepared.request.run_location)
    ));
    printer.info(&format!("  {}", sanitize(&session.link)));

    if args.detach {
        return Ok(Report::new(Outcome::Detached, Some(session), settings));
    }
    printer.start_spinner(format!(
        "{}: waiting for {checks} {noun}",
        sanitize(&session.name)
    ));
    let options = FollowOptions {
        poll_seconds: args.poll_seconds,
        timeout: args.timeout.duration(),
    };
    let explainer = Explainer::new(client.clone(), session.id, session.started_at)
        .artifacts_dir(args.artifacts_dir.clone());
    let mut follower = Follower::new(client, printer, options, session).with_explainer(explainer);
    let followed = follower.follow(&mut signals).await;
    *seen = Some(follower.latest().clone());
    let explainer = follower.take_explainer();
    printer.stop_spinner();
    let mut report = match followed? {
        Followed::Finished(done) => {
            let outcome = Outcome::of(&done);
            if outcome == Outcome::NoMatchingChecks {
                no_matching_message(printer, settings.fail_on_no_matching);
            }
            Report::new(outcome, Some(done), settings)
        }
        Followed::TimedOut(latest) => {
            print::error_line(&format!(
                "timed out after {} s waiting for test session \"{}\"; it may still be running: {}",
                settings.timeout_seconds, latest.name, latest.link
            ));
            Report::new(Outcome::TimedOut, Some(latest), settings)
        }
    };
    if let Some(mut explainer) = explainer {
        explainer.explain_all(&mut report.rows).await;
        if let Some(dir) = &args.artifacts_dir {
            let artifacts: Vec<&crate::why::Artifact> = report
                .rows
                .iter()
                .filter_map(|r| r.why.as_ref())
                .flat_map(|w| &w.artifacts)
                .collect();
            for artifact in &artifacts {
                printer.info(&format!("  {}", crate::why::artifact_line(artifact)));
            }
            let count = artifacts.iter().filter(|a| a.outcome.is_ok()).count();
            printer.info(&format!(
                "{count} artifact{} of failed checks written to {}",
                if count == 1 { "" } else { "s" },
                dir.display()
            ));
        }
    }
    Ok(report)
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
