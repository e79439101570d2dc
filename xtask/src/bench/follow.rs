//! The `follow` benchmark: the release `checkly trigger` following a session
//! to its end against a real-time `checkly-mock`, and beside it, on the same
//! mock and at the same time, what a script without this CLI does: trigger
//! with curl, then `GET` the session with curl every 2 s until its status is
//! final. Two scenarios run at once: `minute` (5 checks, 10 s to 60 s) and
//! `hundred` (100 checks, 5 s to 45 s), all passing.
//!
//! The requests of each follower are counted in the mock's request log:
//! those whose path holds its session's id, and its trigger (known by the
//! session name in the body). The rate is per minute of the session's own
//! `startedAt`–`stoppedAt`; the exit latency is the wall-clock (UTC) time
//! the follower exited minus the session's `stoppedAt`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Outcome;
use super::figures::Target;
use super::processes::{ACCOUNT_ID, API_KEY, Mock, figure};

/// How often the baseline retrieves the session.
const BASELINE_POLL: Duration = Duration::from_secs(2);
/// The longest a follower may take (each session lasts at most 60 s).
const TIMEOUT: Duration = Duration::from_secs(300);
/// The path of the trigger.
const TRIGGER: &str = "/v1/test-sessions/trigger";
/// `rate_ratio`'s bound: the library's budget (at most 10 requests a minute
/// plus a burst of 2 retrieves and the trigger) over the baseline's 30 a
/// minute plus its trigger, 10/31 for a minute and 9/23 for 45 s, rounded up.
const RATE_RATIO_TARGET: f64 = 0.4;

/// The most requests `checkly trigger` may make for a session of `seconds`
/// by the library's documented schedule (`src/wait.rs`,
/// `src/retrieve_schedule.rs`): the trigger, a 30 s long poll after
/// another, and retrieves from 2 s on, at most one per 10 s with a burst
/// of 2.
pub fn budget(seconds: f64) -> f64 {
    let polls = (seconds / 30.0).ceil().max(1.0);
    // Every 2 s at the most, and 2 + one per 10 s after the first.
    let retrieves = (seconds / 2.0)
        .floor()
        .min(2.0 + ((seconds - 2.0) / 10.0).floor())
        .max(0.0);
    1.0 + polls + retrieves
}

/// The follower's requests by kind: `1 trigger, 2 completion, 7 retrieve`.
pub fn breakdown(requests: &[&Logged]) -> String {
    let (mut trigger, mut completion, mut retrieve, mut other) = (0, 0, 0, 0);
    for request in requests {
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", TRIGGER) => trigger += 1,
            ("GET", path) if path.ends_with("/completion") => completion += 1,
            ("GET", path) if path.starts_with("/v1/test-sessions/") => retrieve += 1,
            _ => other += 1,
        }
    }
    let mut text = format!("{trigger} trigger, {completion} completion, {retrieve} retrieve");
    if other > 0 {
        text.push_str(&format!(", {other} other"));
    }
    text
}

/// A session to follow: its tag and how long each of its checks runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub tag: &'static str,
    pub durations: Vec<f64>,
}

/// `minute`: 5 checks ending at 60 s; `hundred`: 100 checks over 5–45 s.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            tag: "minute",
            durations: vec![10.0, 20.0, 30.0, 45.0, 60.0],
        },
        Scenario {
            tag: "hundred",
            durations: (0..100).map(|i| 5.0 + 40.0 * f64::from(i) / 99.0).collect(),
        },
    ]
}

/// The `--checks` catalog of the scenarios' checks (every check passes).
pub fn catalog(scenarios: &[Scenario]) -> Value {
    let mut checks = Vec::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        for (i, seconds) in scenario.durations.iter().enumerate() {
            checks.push(json!({
                "id": format!("f0110000-0000-4000-8000-{:06x}{:06x}", s + 1, i),
                "name": format!("{} check {} ({seconds:.1} s)", scenario.tag, i + 1),
                "checkType": "API",
                "tags": [scenario.tag],
                "behaviour": "pass",
                "durationSeconds": seconds,
            }));
        }
    }
    json!({ "checks": checks })
}

/// One request of the mock's log, as far as attribution needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub method: String,
    pub path: String,
    /// The `name` of a JSON body, if any (a trigger's session name).
    pub name: Option<String>,
}

/// Reads `GET /__mock/requests`: a JSON array of `{method, path, query, body}`.
pub fn parse_log(text: &str) -> Result<Vec<Logged>> {
    let entries: Vec<Value> =
        serde_json::from_str(text).context("the request log is not a JSON array")?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |name: &str| {
                entry[name]
                    .as_str()
                    .map(str::to_string)
                    .with_context(|| format!("request {i} of the log has no {name}"))
            };
            Ok(Logged {
                method: field("method")?,
                path: field("path")?,
                name: entry["body"]["name"].as_str().map(str::to_string),
            })
        })
        .collect()
}

/// Whether `request` belongs to the session `id` triggered as `name`.
pub fn belongs(request: &Logged, id: &str, name: &str) -> bool {
    request.path.split('/').any(|segment| segment == id)
        || (request.method == "POST"
            && request.path == TRIGGER
            && request.name.as_deref() == Some(name))
}

/// What a session's document says about its end.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionTimes {
    pub status: String,
    pub started: DateTime<Utc>,
    pub stopped: Option<DateTime<Utc>>,
}

impl SessionTimes {
    /// Any status but RUNNING is final.
    pub fn is_final(&self) -> bool {
        self.status != "RUNNING"
    }

    /// `stoppedAt − startedAt`, when it stopped.
    pub fn seconds(&self) -> Option<f64> {
        Some((self.stopped? - self.started).num_milliseconds() as f64 / 1000.0)
    }
}

fn timestamp(doc: &Value, field: &str) -> Result<Option<DateTime<Utc>>> {
    match &doc[field] {
        Value::Null => Ok(None),
        Value::String(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .with_context(|| format!("{field} {text:?} is not an RFC 3339 time")),
        other => bail!("{field} is {other}, not a time"),
    }
}

/// Reads `GET /v1/test-sessions/{id}`: `status`, `startedAt`, `stoppedAt`.
pub fn parse_session(text: &str) -> Result<SessionTimes> {
    let doc: Value = serde_json::from_str(text).context("the session is not JSON")?;
    Ok(SessionTimes {
        status: doc["status"]
            .as_str()
            .context("the session has no status")?
            .to_string(),
        started: timestamp(&doc, "startedAt")?.context("the session has no startedAt")?,
        stopped: timestamp(&doc, "stoppedAt")?,
    })
}

/// The `testSessionId` of a trigger's answer.
pub fn trigger_id(text: &str) -> Result<String> {
    let doc: Value = serde_json::from_str(text).context("the trigger's answer is not JSON")?;
    doc["testSessionId"]
        .as_str()
        .map(str::to_string)
        .context("the trigger's answer has no testSessionId")
}

/// The `session.id` of `checkly trigger --json-file`'s report.
pub fn report_id(text: &str) -> Result<String> {
    let doc: Value = serde_json::from_str(text).context("the JSON report is not JSON")?;
    doc["session"]["id"]
        .as_str()
        .map(str::to_string)
        .context("the JSON report has no session.id")
}

/// How one follower ended: its session, and when it exited.
#[derive(Debug, Clone)]
struct Ended {
    id: String,
    name: String,
    exited: DateTime<Utc>,
}

/// The follow benchmark's mock and tools, across runs.
#[derive(Debug)]
pub struct Follow {
    mock: Mock,
    checkly: PathBuf,
    curl: String,
    scratch: PathBuf,
    scenarios: Vec<Scenario>,
}

impl Follow {
    /// Starts the mock with the scenarios' catalog at speed 1; `None` (and a
    /// `skipped:` line) without curl.
    pub fn start(release: &Path, scratch: &Path, outcome: &mut Outcome) -> Result<Option<Self>> {
        let curl = "curl".to_string();
        if !matches!(Command::new(&curl).arg("--version").output(), Ok(o) if o.status.success()) {
            outcome.skipped.push(
                "skipped: follow: curl is not installed (the baseline is a curl loop)".into(),
            );
            return Ok(None);
        }
        let scenarios = scenarios();
        let file = scratch.join("follow-checks.json");
        std::fs::write(&file, catalog(&scenarios).to_string())
            .with_context(|| format!("writing {}", file.display()))?;
        let checks = file.display().to_string();
        let mock = Mock::start_with(
            &release.join("checkly-mock"),
            &["--speed", "1", "--checks", checks.as_str()],
        )?;
        Ok(Some(Self {
            mock,
            checkly: release.join("checkly"),
            curl,
            scratch: scratch.to_path_buf(),
            scenarios,
        }))
    }

    /// curl with the account's headers; its stdout, or an error unless it
    /// exits 0.
    fn curl(&self, args: &[&str]) -> Result<String> {
        let bearer = format!("Authorization: Bearer {API_KEY}");
        let account = format!("X-Checkly-Account: {ACCOUNT_ID}");
        let output = Command::new(&self.curl)
            .args(["-sSf", "-H", bearer.as_str(), "-H", account.as_str()])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .context("running curl")?;
        if !output.status.success() {
            bail!(
                "curl {} exited with {}: {}",
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn session(&self, id: &str) -> Result<SessionTimes> {
        let text = self.curl(&[&format!("{}/v1/test-sessions/{id}", self.mock.url)])?;
        parse_session(&text).with_context(|| format!("test session {id}"))
    }

    /// The release `checkly trigger --tags TAG`, output to /dev/null.
    fn ours(&self, tag: &str) -> Result<Ended> {
        let name = format!("follow ours {tag}");
        let report = self.scratch.join(format!("follow-{tag}.json"));
        let _ = std::fs::remove_file(&report);
        let mut command = Command::new(&self.checkly);
        command
            .args([
                "trigger",
                "--tags",
                tag,
                "--test-session-name",
                name.as_str(),
            ])
            .args(["--timeout", &TIMEOUT.as_secs().to_string()])
            .arg("--json-file")
            .arg(&report)
            .envs(self.mock.env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let status = command
            .status()
            .with_context(|| format!("running {}", self.checkly.display()))?;
        let exited = Utc::now();
        if !status.success() {
            bail!("checkly trigger --tags {tag} exited with {status}");
        }
        let text = std::fs::read_to_string(&report)
            .with_context(|| format!("reading {}", report.display()))?;
        Ok(Ended {
            id: report_id(&text)?,
            name,
            exited,
        })
    }

    /// The baseline: a curl trigger, then a curl `GET` every 2 s until final.
    fn baseline(&self, tag: &str) -> Result<Ended> {
        let name = format!("follow baseline {tag}");
        let body = json!({
            "name": name,
            "runLocation": "eu-central-1",
            "target": { "matchTags": [[tag]] },
        })
        .to_string();
        let url = &self.mock.url;
        let answer = self.curl(&[
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data",
            body.as_str(),
            &format!("{url}{TRIGGER}"),
        ])?;
        let id = trigger_id(&answer)?;
        let started = Instant::now();
        loop {
            std::thread::sleep(BASELINE_POLL);
            if self.session(&id)?.is_final() {
                return Ok(Ended {
                    id,
                    name,
                    exited: Utc::now(),
                });
            }
            if started.elapsed() > TIMEOUT {
                bail!("the baseline's session {id} did not end in {TIMEOUT:?}");
            }
        }
    }

    /// One run: every scenario's two followers at once, then the figures.
    pub fn run_once(&self, outcome: &mut Outcome) -> Result<()> {
        self.curl(&[
            "-X",
            "DELETE",
            &format!("{}/__mock/requests", self.mock.url),
        ])
        .context("clearing the mock's request log")?;
        let ended: Vec<(Result<Ended>, Result<Ended>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .scenarios
                .iter()
                .map(|s| {
                    (
                        scope.spawn(move || self.ours(s.tag)),
                        scope.spawn(move || self.baseline(s.tag)),
                    )
                })
                .collect();
            handles
                .into_iter()
                .map(|(ours, baseline)| (joined(ours.join()), joined(baseline.join())))
                .collect()
        });
        let log = parse_log(&self.curl(&[&format!("{}/__mock/requests", self.mock.url)])?)?;
        let mut followers = Vec::new();
        for (scenario, (ours, baseline)) in self.scenarios.iter().zip(ended) {
            let ours = ours.with_context(|| format!("ours, {}", scenario.tag))?;
            let baseline = baseline.with_context(|| format!("the baseline, {}", scenario.tag))?;
            followers.push((scenario.tag, ours, baseline));
        }
        let strays: Vec<String> = log
            .iter()
            .filter(|r| {
                !followers
                    .iter()
                    .any(|(_, o, b)| belongs(r, &o.id, &o.name) || belongs(r, &b.id, &b.name))
            })
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        if !strays.is_empty() {
            bail!(
                "{} request(s) of the log belong to no followed session: {}",
                strays.len(),
                strays.join(", ")
            );
        }
        for (tag, ours, baseline) in &followers {
            let ours = self.measure(&log, ours)?;
            let baseline = self.measure(&log, baseline)?;
            let name = |what: &str| format!("follow.{tag}.{what}");
            figure(outcome, &name("ours.rate"), ours.rate, "req/min", None);
            figure(
                outcome,
                &name("baseline.rate"),
                baseline.rate,
                "req/min",
                None,
            );
            figure(
                outcome,
                &name("rate_ratio"),
                ours.rate / baseline.rate,
                "x",
                Some(Target::AtMost(RATE_RATIO_TARGET)),
            );
            figure(
                outcome,
                &name("ours.exit_latency"),
                ours.exit_ms,
                "ms",
                Some(Target::AtMost(1000.0)),
            );
            figure(
                outcome,
                &name("baseline.exit_latency"),
                baseline.exit_ms,
                "ms",
                None,
            );
            figure(
                outcome,
                &name("ours.requests"),
                ours.requests,
                "requests",
                Some(Target::AtMost(budget(nominal(&self.scenarios, tag)))),
            );
            figure(
                outcome,
                &name("baseline.requests"),
                baseline.requests,
                "requests",
                None,
            );
        }
        Ok(())
    }

    /// A follower's requests, rate and exit latency.
    fn measure(&self, log: &[Logged], ended: &Ended) -> Result<Measured> {
        let session = self.session(&ended.id)?;
        if session.status != "PASSED" {
            bail!(
                "test session {} ended {}, not PASSED",
                ended.id,
                session.status
            );
        }
        let stopped = session
            .stopped
            .context("a final session has no stoppedAt")?;
        let seconds = session.seconds().unwrap_or(0.0);
        if seconds <= 0.0 {
            bail!("test session {} ran {seconds} s", ended.id);
        }
        let mine: Vec<&Logged> = log
            .iter()
            .filter(|r| belongs(r, &ended.id, &ended.name))
            .collect();
        eprintln!(
            "bench:   follow: {}: {} over {seconds:.1} s, exited {} ms after stoppedAt",
            ended.name,
            breakdown(&mine),
            (ended.exited - stopped).num_milliseconds()
        );
        let requests = mine.len() as f64;
        Ok(Measured {
            requests,
            rate: requests * 60.0 / seconds,
            exit_ms: (ended.exited - stopped).num_milliseconds() as f64,
        })
    }
}

/// How long the scenario `tag`'s session should run: its longest check.
fn nominal(scenarios: &[Scenario], tag: &str) -> f64 {
    scenarios
        .iter()
        .filter(|s| s.tag == tag)
        .flat_map(|s| s.durations.iter().copied())
        .fold(0.0, f64::max)
}

/// A follower's figures.
#[derive(Debug, Clone, Copy)]
struct Measured {
    requests: f64,
    rate: f64,
    exit_ms: f64,
}

/// A thread's result, its panic an error.
fn joined<T>(result: std::thread::Result<Result<T>>) -> Result<T> {
    result.unwrap_or_else(|_| bail!("a follower's thread panicked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_unique_ids_and_each_scenario_its_tag() {
        let scenarios = scenarios();
        let doc = catalog(&scenarios);
        let checks = doc["checks"].as_array().expect("checks");
        assert_eq!(checks.len(), 105);
        let mut ids: Vec<&str> = checks.iter().filter_map(|c| c["id"].as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 105);
        assert!(ids.iter().all(|id| id.len() == 36));
        let tagged = |tag: &str| {
            checks
                .iter()
                .filter(|c| c["tags"] == json!([tag]))
                .map(|c| c["durationSeconds"].as_f64().expect("seconds"))
                .collect::<Vec<f64>>()
        };
        let minute = tagged("minute");
        assert_eq!(minute.len(), 5);
        assert_eq!(minute.iter().copied().fold(0.0, f64::max), 60.0);
        let hundred = tagged("hundred");
        assert_eq!(hundred.len(), 100);
        assert_eq!(hundred[0], 5.0);
        assert!((hundred[99] - 45.0).abs() < 1e-9);
        assert!(checks.iter().all(|c| c["behaviour"] == "pass"));
    }

    #[test]
    fn reads_the_request_log_and_attributes_it() {
        let log = parse_log(
            r#"[
              {"method":"POST","path":"/v1/test-sessions/trigger","query":"",
               "body":{"name":"follow ours minute","runLocation":"eu-central-1"}},
              {"method":"POST","path":"/v1/test-sessions/trigger","query":"",
               "body":{"name":"follow baseline minute"}},
              {"method":"GET","path":"/v1/test-sessions/aaa/completion","query":"maxWaitSeconds=30","body":null},
              {"method":"GET","path":"/v1/test-sessions/aaa","query":"","body":null},
              {"method":"GET","path":"/v1/test-sessions/aaab","query":"","body":null}
            ]"#,
        )
        .expect("a log");
        assert_eq!(log.len(), 5);
        assert_eq!(log[0].name.as_deref(), Some("follow ours minute"));
        assert_eq!(log[2].name, None);
        let ours: Vec<usize> = (0..log.len())
            .filter(|&i| belongs(&log[i], "aaa", "follow ours minute"))
            .collect();
        assert_eq!(ours, [0, 2, 3], "an id is a whole path segment");
        assert!(belongs(&log[1], "bbb", "follow baseline minute"));
        assert!(!belongs(&log[1], "bbb", "follow ours minute"));
    }

    #[test]
    fn the_budget_follows_the_documented_schedule() {
        // 2 long polls; retrieves at 2, 4, 12, 22, 32, 42 and 52 s.
        assert_eq!(budget(60.0), 10.0);
        assert_eq!(budget(45.0), 9.0);
        // benches/follow_budget.rs: 80 s, at most 10 a minute on average.
        assert_eq!(budget(80.0), 13.0);
        assert_eq!(budget(1.0), 2.0, "no retrieve before 2 s");
        assert_eq!(budget(3.0), 3.0, "retrieves no closer than 2 s");
        let scenarios = scenarios();
        assert_eq!(nominal(&scenarios, "minute"), 60.0);
        assert!((nominal(&scenarios, "hundred") - 45.0).abs() < 1e-9);
    }

    #[test]
    fn breaks_the_requests_down_by_kind() {
        let request = |method: &str, path: &str| Logged {
            method: method.into(),
            path: path.into(),
            name: None,
        };
        let log = [
            request("POST", TRIGGER),
            request("GET", "/v1/test-sessions/aaa/completion"),
            request("GET", "/v1/test-sessions/aaa"),
            request("GET", "/v1/test-sessions/aaa"),
            request("POST", "/v1/test-sessions/aaa/cancel"),
        ];
        let all: Vec<&Logged> = log.iter().collect();
        assert_eq!(
            breakdown(&all),
            "1 trigger, 1 completion, 2 retrieve, 1 other"
        );
        assert_eq!(breakdown(&all[..3]), "1 trigger, 1 completion, 1 retrieve");
    }

    #[test]
    fn a_bad_log_is_an_error() {
        assert!(parse_log("{}").is_err());
        assert!(parse_log("not json").is_err());
        let err = parse_log(r#"[{"method":"GET"}]"#).expect_err("no path");
        assert!(format!("{err:#}").contains("no path"), "{err:#}");
        assert_eq!(parse_log("[]").expect("empty"), []);
    }

    #[test]
    fn reads_the_session_document() {
        let running = parse_session(
            r#"{"status":"RUNNING","startedAt":"2026-03-01T10:00:00.000Z","stoppedAt":null,
                "results":[{"status":"PASSED"}]}"#,
        )
        .expect("a session");
        assert!(!running.is_final());
        assert_eq!(running.seconds(), None);
        let done = parse_session(
            r#"{"status":"PASSED","startedAt":"2026-03-01T10:00:00.000Z",
                "stoppedAt":"2026-03-01T10:01:00.250Z"}"#,
        )
        .expect("a session");
        assert!(done.is_final());
        assert_eq!(done.seconds(), Some(60.25));
        for bad in [
            r#"{"startedAt":"2026-03-01T10:00:00Z"}"#,
            r#"{"status":"PASSED","stoppedAt":null}"#,
            r#"{"status":"PASSED","startedAt":"yesterday"}"#,
            r#"{"status":"PASSED","startedAt":"2026-03-01T10:00:00Z","stoppedAt":5}"#,
            "[]",
        ] {
            assert!(parse_session(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_the_session_ids() {
        assert_eq!(
            trigger_id(r#"{"testSessionId":"abc","name":"x"}"#).expect("id"),
            "abc"
        );
        assert!(trigger_id(r#"{"id":"abc"}"#).is_err());
        assert_eq!(
            report_id(r#"{"schemaVersion":1,"session":{"id":"def"}}"#).expect("id"),
            "def"
        );
        assert!(report_id(r#"{"session":null}"#).is_err());
        assert!(report_id("").is_err());
    }
}
