//! One test-session result in full (`FindOneTestSessionResultResponse`):
//! the result's fields, its attempt number and sequence id, and a detail
//! object for its check type that says what happened.
//!
//! API and URL checks get an `apiCheckResult` (request, response with
//! status, headers and timings, assertions with `source`, `property`,
//! `comparison`, `target`, `actual` and `passed`, or a `requestError`);
//! browser, multi-step, Playwright and agentic checks a
//! `browserCheckResult`, `multiStepCheckResult`, `playwrightCheckResult` or
//! `agenticCheckResult` with `errors` (`{message, stack}`). Every finished
//! detail has a `jobLog` of `{time, level, msg}` lines (`time` in unix
//! milliseconds) and `jobAssets` (the result's asset names); Playwright-like
//! URL fields point at the result's assets. TCP, ICMP, DNS and heartbeat
//! checks, running and cancelled results have no detail object. Failures
//! come from [`crate::failure`].

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::assets;
use crate::check_session::CheckSessionRecord;
use crate::clock::wall_at;
use crate::failure::{self, CheckRef, Failure, FailureKind, slug};
use crate::session::TestSessionRecord;
use crate::timeline::{Chain, ResultStatus, ResultView};
use crate::wire::{TestSessionResultDetail, timestamp};

/// The session a result belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    /// A test session's result.
    Test(&'a TestSessionRecord),
    /// A check session's result (a check result).
    Check(&'a CheckSessionRecord),
}

impl Owner<'_> {
    /// The session's id.
    pub fn id(&self) -> Uuid {
        match self {
            Owner::Test(s) => s.id,
            Owner::Check(s) => s.id,
        }
    }

    /// When the session started (wall clock).
    pub fn created(&self) -> DateTime<Utc> {
        match self {
            Owner::Test(s) => s.created,
            Owner::Check(s) => s.created,
        }
    }
}

/// A result and where it stands, for the detail and asset routes.
#[derive(Debug, Clone)]
pub(crate) struct ResultContext<'a> {
    /// Its session.
    pub owner: Owner<'a>,
    /// Its run.
    pub chain: &'a Chain,
    /// Its position in the run: 0 for the first attempt.
    pub index: usize,
    /// How it looks now.
    pub view: ResultView,
    /// The mock's own origin, e.g. `http://127.0.0.1:4010`, for asset URLs.
    pub base_url: String,
}

/// How a finished result ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// Passed.
    Passed,
    /// Passed, degraded.
    Degraded,
    /// Failed.
    Failed,
    /// Cancelled while running.
    Cancelled,
}

/// One line of a job log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// Unix milliseconds.
    pub time: i64,
    /// `INFO`, `WARN` or `ERROR`.
    pub level: &'static str,
    /// The text.
    pub msg: String,
}

impl ResultContext<'_> {
    /// The check it is a result of.
    pub fn check(&self) -> CheckRef<'_> {
        CheckRef {
            id: self.chain.check_id,
            name: &self.chain.check_name,
            check_type: &self.chain.check_type,
        }
    }

    /// How it ended; `None` while it runs.
    pub fn ending(&self) -> Option<Ending> {
        match self.view.status {
            ResultStatus::Running => None,
            ResultStatus::Cancelled => Some(Ending::Cancelled),
            ResultStatus::Failed => Some(Ending::Failed),
            ResultStatus::Passed if self.view.degraded => Some(Ending::Degraded),
            ResultStatus::Passed => Some(Ending::Passed),
        }
    }

    /// Simulated milliseconds it took (so far).
    pub fn duration_ms(&self) -> u64 {
        self.view.response_time().unwrap_or(0)
    }

    fn started(&self) -> DateTime<Utc> {
        wall_at(self.owner.created(), self.view.started_ms)
    }

    /// The unix milliseconds `fraction` of the way through the run.
    fn at(&self, fraction: f64) -> i64 {
        let offset = (self.duration_ms() as f64 * fraction) as i64;
        self.started().timestamp_millis().saturating_add(offset)
    }

    /// The failure, for a failed result.
    fn failure(&self) -> Option<Failure> {
        (self.ending() == Some(Ending::Failed)).then(|| failure::failure(self.check()))
    }
}

/// The job log of a finished result (empty while it runs).
pub(crate) fn job_log(ctx: &ResultContext<'_>) -> Vec<LogLine> {
    let Some(ending) = ctx.ending() else {
        return Vec::new();
    };
    let check = ctx.check();
    let ms = ctx.duration_ms();
    let line = |fraction: f64, level, msg: String| LogLine {
        time: ctx.at(fraction),
        level,
        msg,
    };
    let mut log = vec![line(
        0.0,
        "INFO",
        format!(
            "Starting {} check \"{}\" in {} (attempt {})",
            check.check_type,
            check.name,
            ctx.chain.location,
            ctx.index + 1
        ),
    )];
    let failure = ctx.failure();
    let request = failure
        .as_ref()
        .and_then(|f| f.request.clone())
        .or_else(|| {
            matches!(check.check_type, "API" | "URL").then(|| ("GET", failure::endpoint(check)))
        });
    if let Some((method, url)) = request {
        log.push(line(0.05, "INFO", format!("{method} {url}")));
    }
    match (&failure, ending) {
        (Some(f), _) => {
            if let FailureKind::Assertion {
                status,
                status_text,
                ..
            } = f.kind
            {
                log.push(line(
                    0.9,
                    "INFO",
                    format!("Received {status} {status_text} after {ms} ms"),
                ));
            }
            log.push(line(0.95, "ERROR", f.message.clone()));
        }
        (None, Ending::Degraded) => {
            log.push(line(0.95, "WARN", failure::degradation(check, ms)));
        }
        (None, Ending::Cancelled) => {
            log.push(line(1.0, "WARN", "The run was cancelled".to_owned()));
        }
        (None, _) => {}
    }
    let verdict = match ending {
        Ending::Passed => "passed",
        Ending::Degraded => "passed, degraded",
        Ending::Failed => "failed",
        Ending::Cancelled => "was cancelled",
    };
    log.push(line(1.0, "INFO", format!("Check {verdict} after {ms} ms")));
    if ctx.view.result_type == crate::timeline::ResultType::Attempt {
        log.push(line(1.0, "INFO", "Retrying".to_owned()));
    }
    log
}

/// The job log as a text file, one `TIME LEVEL MSG` line each.
pub(crate) fn job_log_text(ctx: &ResultContext<'_>) -> String {
    let mut out = String::new();
    for l in job_log(ctx) {
        let time =
            DateTime::<Utc>::from_timestamp_millis(l.time).map_or_else(String::new, timestamp);
        out.push_str(&format!("{time} {:<5} {}\n", l.level, l.msg));
    }
    out
}

fn log_json(ctx: &ResultContext<'_>) -> Value {
    Value::Array(
        job_log(ctx)
            .into_iter()
            .map(|l| json!({"time": l.time, "level": l.level, "msg": l.msg}))
            .collect(),
    )
}

/// `errors`: the failure as a thrown error (none for a result that did not fail).
fn errors(failure: Option<&Failure>) -> Value {
    let errors: Vec<Value> = failure
        .map(|f| {
            let stack = match &f.kind {
                FailureKind::Script { stack } => format!("{}\n{stack}", f.message),
                _ => f.message.clone(),
            };
            json!({"message": f.message, "stack": stack})
        })
        .into_iter()
        .collect();
    Value::Array(errors)
}

fn api_detail(ctx: &ResultContext<'_>, common: Map<String, Value>) -> Value {
    let check = ctx.check();
    let failure = ctx.failure();
    let ms = ctx.duration_ms();
    let url = failure
        .as_ref()
        .and_then(|f| f.request.clone())
        .map_or_else(|| failure::endpoint(check), |(_, u)| u);
    let mut detail = Map::new();
    detail.insert(
        "request".into(),
        json!({"method": "GET", "url": url, "headers": {
            "accept": "application/json",
            "user-agent": "Checkly/1.0 (https://www.checklyhq.com)"}}),
    );
    let (status, status_text, body) = match failure.as_ref().map(|f| &f.kind) {
        Some(FailureKind::Request) => {
            detail.insert("assertions".into(), json!([]));
            detail.insert(
                "requestError".into(),
                json!(failure.as_ref().map(|f| f.message.clone())),
            );
            detail.extend(common);
            return Value::Object(detail);
        }
        Some(FailureKind::Assertion {
            status,
            status_text,
            body,
        }) => (*status, *status_text, body.clone()),
        _ => (200, "OK", r#"{"status":"ok"}"#.to_owned()),
    };
    let threshold = if ctx.ending() == Some(Ending::Degraded) {
        ms * 3 / 4 / 100 * 100
    } else {
        ms.max(1000) * 2
    };
    detail.insert(
        "assertions".into(),
        json!([
            {"source": "STATUS_CODE", "property": "", "comparison": "EQUALS",
             "target": "200", "actual": status, "passed": status == 200},
            {"source": "RESPONSE_TIME", "property": "", "comparison": "LESS_THAN",
             "target": threshold.to_string(), "actual": ms, "passed": ms < threshold},
        ]),
    );
    let part = |p: u64| ms * p / 100;
    detail.insert(
        "response".into(),
        json!({
            "status": status,
            "statusText": status_text,
            "headers": {"content-type": "application/json", "x-request-id": ctx.view.id},
            "body": body,
            "timings": {"dns": part(2), "tcp": part(3), "tls": part(5),
                        "firstByte": part(80), "download": part(10), "total": ms},
        }),
    );
    detail.insert("requestError".into(), Value::Null);
    detail.extend(common);
    Value::Object(detail)
}

/// The fields every script detail has (`errors`, times, runtime).
fn script_common(ctx: &ResultContext<'_>, failure: Option<&Failure>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("errors".into(), errors(failure));
    m.insert("startTime".into(), json!(ctx.at(0.0)));
    m.insert("endTime".into(), json!(ctx.at(1.0)));
    m.insert("runtimeVersion".into(), json!("2025.04"));
    m
}

/// The URLs of this result's assets of one kind.
fn asset_urls(ctx: &ResultContext<'_>, kind: &str) -> Value {
    Value::Array(
        assets::list(ctx)
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| json!(assets::url(ctx, a.name)))
            .collect(),
    )
}

fn browser_detail(ctx: &ResultContext<'_>, common: Map<String, Value>) -> Value {
    let failure = ctx.failure();
    let ms = ctx.duration_ms();
    let mut m = Map::new();
    m.insert("type".into(), json!("PLAYWRIGHT"));
    let script_errors = u32::from(failure.is_some());
    m.insert(
        "traceSummary".into(),
        json!({"consoleErrors": 0, "networkErrors": 0, "documentErrors": 0,
               "userScriptErrors": script_errors}),
    );
    let lcp_score = if ctx.ending() == Some(Ending::Degraded) {
        "POOR"
    } else {
        "GOOD"
    };
    m.insert(
        "pages".into(),
        json!([{"url": format!("https://app.acme.test/{}", slug(&ctx.chain.check_name)),
                "webVitals": {"LCP": {"value": ms * 9 / 10, "score": lcp_score},
                              "CLS": {"value": 0.02, "score": "GOOD"},
                              "TTFB": {"value": ms / 10, "score": "GOOD"}}}]),
    );
    m.extend(script_common(ctx, failure.as_ref()));
    m.insert("playwrightTestVideos".into(), asset_urls(ctx, "video"));
    m.insert("playwrightTestTraces".into(), asset_urls(ctx, "trace"));
    m.extend(common);
    Value::Object(m)
}

fn multi_step_detail(ctx: &ResultContext<'_>, common: Map<String, Value>) -> Value {
    let failure = ctx.failure();
    let mut m = script_common(ctx, failure.as_ref());
    m.insert("playwrightTestVideos".into(), asset_urls(ctx, "video"));
    m.insert("playwrightTestTraces".into(), asset_urls(ctx, "trace"));
    m.extend(common);
    Value::Object(m)
}

fn playwright_detail(ctx: &ResultContext<'_>, common: Map<String, Value>) -> Value {
    let failure = ctx.failure();
    let mut m = Map::new();
    m.insert("errors".into(), errors(failure.as_ref()));
    let traces: Vec<Value> = assets::list(ctx)
        .iter()
        .filter(|a| a.kind == "trace")
        .map(|a| json!({"name": a.name, "url": assets::url(ctx, a.name)}))
        .collect();
    m.insert("playwrightTraceFiles".into(), Value::Array(traces));
    m.insert("playwrightTestVideos".into(), asset_urls(ctx, "video"));
    m.insert("playwrightTestTraces".into(), asset_urls(ctx, "trace"));
    if let Some(report) = asset_urls(ctx, "report").as_array().and_then(|a| a.first()) {
        m.insert("playwrightTestJsonReportFile".into(), report.clone());
    }
    m.extend(common);
    Value::Object(m)
}

fn agentic_detail(ctx: &ResultContext<'_>, common: Map<String, Value>) -> Value {
    let failure = ctx.failure();
    let passed = failure.is_none();
    let mut m = Map::new();
    m.insert(
        "prompt".into(),
        json!(format!(
            "Open the shop, buy the cheapest item and check that the order is confirmed ({})",
            ctx.chain.check_name
        )),
    );
    m.insert(
        "assertions".into(),
        json!([{"description": "the order confirmation page shows an order number",
                "passed": passed}]),
    );
    m.insert("suggestions".into(), json!([]));
    m.insert(
        "steps".into(),
        json!([
            {"index": 1, "action": "open the shop", "status": "PASSED"},
            {"index": 2, "action": "add the cheapest item to the cart", "status": "PASSED"},
            {"index": 3, "action": "check out", "status": "PASSED"},
            {"index": 4, "action": "verify confirmation", "status": if passed { "PASSED" } else { "FAILED" }},
        ]),
    );
    m.insert("errors".into(), errors(failure.as_ref()));
    m.insert(
        "artifactManifest".into(),
        json!({"files": assets::list(ctx).iter().map(|a| a.name).collect::<Vec<_>>()}),
    );
    m.extend(common);
    Value::Object(m)
}

/// The detail field and object for the result's check type, if it has one.
fn details(ctx: &ResultContext<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    if !matches!(
        ctx.ending(),
        Some(Ending::Passed | Ending::Degraded | Ending::Failed)
    ) {
        return out;
    }
    let mut common = Map::new();
    common.insert("jobLog".into(), log_json(ctx));
    common.insert(
        "jobAssets".into(),
        json!(assets::list(ctx).iter().map(|a| a.name).collect::<Vec<_>>()),
    );
    common.insert("pcapDataUrl".into(), Value::Null);
    let (key, value) = match ctx.chain.check_type.as_str() {
        "API" | "URL" => ("apiCheckResult", api_detail(ctx, common)),
        "BROWSER" => ("browserCheckResult", browser_detail(ctx, common)),
        "MULTI_STEP" => ("multiStepCheckResult", multi_step_detail(ctx, common)),
        "PLAYWRIGHT" => ("playwrightCheckResult", playwright_detail(ctx, common)),
        "AGENTIC" => ("agenticCheckResult", agentic_detail(ctx, common)),
        _ => return out,
    };
    out.insert(key.to_owned(), value);
    out
}

/// A test session's result in full (`session` is `ctx`'s owner).
pub(crate) fn render(
    ctx: &ResultContext<'_>,
    session: &TestSessionRecord,
) -> TestSessionResultDetail {
    let result = session.result(ctx.chain, &ctx.view);
    let created = timestamp(ctx.started());
    let updated = ctx
        .view
        .stopped_ms
        .map(|ms| timestamp(wall_at(ctx.owner.created(), ms)));
    let file_path = (ctx.chain.check_type == "PLAYWRIGHT")
        .then(|| format!("tests/{}.spec.ts", slug(&ctx.chain.check_name)));
    TestSessionResultDetail {
        result,
        id: ctx.view.id,
        private_location_id: None,
        file_path,
        is_cancelled: ctx.view.status == ResultStatus::Cancelled,
        over_max_response_time: false,
        attempts: u32::try_from(ctx.index + 1).unwrap_or(u32::MAX),
        sequence_id: Some(ctx.chain.sequence_id()),
        schedule_error: None,
        trace_id: Some(ctx.view.id.simple().to_string()),
        created_at: created,
        updated_at: updated,
        details: details(ctx),
    }
}

/// A check result in full (`CheckResult`, `GET /v1/check-results/{checkId}/{checkResultId}`):
/// the result's fields and the detail object of its check type, in the
/// shapes that schema gives them (an API check's `jobLog` is an object of
/// phases; agentic assertions have a `condition` and `expected`).
pub(crate) fn render_check_result(ctx: &ResultContext<'_>) -> Value {
    let view = &ctx.view;
    let at = |ms: u64| timestamp(wall_at(ctx.owner.created(), ms));
    let failed = view.failed();
    let mut out = Map::new();
    out.insert("id".into(), json!(view.id));
    out.insert("name".into(), json!(ctx.chain.check_name));
    out.insert("checkId".into(), json!(ctx.chain.check_id));
    out.insert("hasFailures".into(), json!(failed));
    out.insert("hasErrors".into(), json!(failed));
    out.insert("isDegraded".into(), json!(view.degraded));
    out.insert(
        "isCancelled".into(),
        json!(view.status == ResultStatus::Cancelled),
    );
    out.insert("overMaxResponseTime".into(), json!(false));
    out.insert("runLocation".into(), json!(ctx.chain.location));
    out.insert("startedAt".into(), json!(at(view.started_ms)));
    out.insert("stoppedAt".into(), json!(view.stopped_ms.map(at)));
    out.insert("created_at".into(), json!(at(view.started_ms)));
    out.insert("responseTime".into(), json!(view.response_time()));
    out.insert("checkRunId".into(), json!(view.started_ms));
    out.insert("attempts".into(), json!(ctx.index + 1));
    let result_type = match view.result_type {
        crate::timeline::ResultType::Attempt => "ATTEMPT",
        _ => "FINAL",
    };
    out.insert("resultType".into(), json!(result_type));
    out.insert("sequenceId".into(), json!(ctx.chain.sequence_id()));
    out.insert("traceId".into(), json!(view.id.simple().to_string()));
    let groups: Vec<Uuid> = if failed {
        vec![crate::error_groups::error_group_id(ctx.chain.check_id)]
    } else {
        Vec::new()
    };
    out.insert("errorGroupIds".into(), json!(groups));
    for (key, mut detail) in details(ctx) {
        if let Value::Object(map) = &mut detail {
            match key.as_str() {
                "apiCheckResult" => {
                    if let Some(log) = map.remove("jobLog") {
                        map.insert("jobLog".into(), json!({ "request": log }));
                    }
                }
                "agenticCheckResult" => {
                    agentic_as_check_result(map);
                    for field in ["jobAssets", "jobLog", "pcapDataUrl"] {
                        map.remove(field);
                    }
                }
                "browserCheckResult" | "playwrightCheckResult" => {
                    map.remove("pcapDataUrl");
                }
                "multiStepCheckResult" => {
                    map.remove("pcapDataUrl");
                    map.remove("playwrightTestVideos");
                }
                _ => {}
            }
        }
        out.insert(key, detail);
    }
    Value::Object(out)
}

/// An agentic detail in the check-result shapes: assertions with a
/// `condition`, steps with a `type`, `name` and `sequenceNumber`.
fn agentic_as_check_result(map: &mut Map<String, Value>) {
    if let Some(Value::Array(assertions)) = map.get_mut("assertions") {
        for assertion in assertions.iter_mut() {
            if let Value::Object(a) = assertion {
                let condition = a.remove("description").unwrap_or(Value::Null);
                let passed = a.get("passed").and_then(Value::as_bool).unwrap_or(false);
                a.insert("condition".into(), condition);
                a.insert("expected".into(), json!("true"));
                a.insert("actual".into(), json!(passed.to_string()));
            }
        }
    }
    if let Some(Value::Array(steps)) = map.get_mut("steps") {
        for step in steps.iter_mut() {
            if let Value::Object(st) = step {
                let action = st.remove("action").unwrap_or(Value::Null);
                let status = st.remove("status").unwrap_or(Value::Null);
                let index = st.remove("index").unwrap_or(Value::Null);
                st.insert("type".into(), json!("tool_call"));
                st.insert("name".into(), action);
                st.insert("output".into(), status);
                st.insert("sequenceNumber".into(), index);
            }
        }
    }
}
