//! Why a check failed: each failed or degraded result's detail (errors,
//! failed assertions, the job log, read by [`checkly::Failure`]), the error
//! groups it belongs to (new in this run, or known since when), and, with
//! `--artifacts-dir`, its downloaded assets. Fetched once per result by an
//! [`Explainer`], kept on the row ([`ResultRow::why`]), and shown by every
//! reporter from there; [`lines`] is the text they share.
//!
//! A flaky check (passed on a retry) is explained by its last failed attempt.
//! A detail that cannot be fetched never fails the run: the row says so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use checkly::types::TestSessionErrorGroup;
use checkly::{Client, Failure, Verdict};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use uuid::Uuid;

use crate::print::sanitize;
use crate::session::ResultRow;

/// Lines of the job log shown under a failed check (all of them with `-v`).
pub const LOG_TAIL: usize = 10;

/// How many details are fetched at once at the end of a run.
const CONCURRENT_FETCHES: usize = 4;

/// Why one check failed, as far as the API says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Why {
    /// The result this explains (the row's, or for a flaky check its failed attempt).
    pub result_id: Uuid,
    /// What its detail says.
    pub failure: Failure,
    /// Why the detail could not be fetched, if it could not.
    pub unavailable: Option<String>,
    /// The error groups of the result.
    pub error_groups: Vec<ErrorGroupNote>,
    /// Its assets, downloaded with `--artifacts-dir`.
    pub artifacts: Vec<Artifact>,
}

/// One error group a failed result belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorGroupNote {
    /// The error group's id.
    pub id: Uuid,
    /// Its cleaned error message.
    pub message: String,
    /// First seen.
    pub first_seen: DateTime<Utc>,
    /// Last seen.
    pub last_seen: DateTime<Utc>,
    /// Whether it was first seen in this run (not before the session started).
    pub new: bool,
    /// The environments it was seen in.
    pub environments: Vec<String>,
}

/// One downloaded asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    /// Its type (`screenshot`, `trace`, `video`, `log`, ...).
    pub kind: String,
    /// Where it was written.
    pub path: PathBuf,
    /// Bytes written, or why it could not be downloaded.
    pub outcome: Result<u64, String>,
}

impl Why {
    /// The one line that says why, if the detail says.
    pub fn headline(&self) -> Option<String> {
        self.failure.headline()
    }

    /// The job log lines to show: the last [`LOG_TAIL`], or all of them
    /// with `full_log` (`-v`).
    pub fn shown_log(&self, full_log: bool) -> &[checkly::failure::LogLine] {
        if full_log {
            &self.failure.log
        } else {
            self.failure.log_tail(LOG_TAIL)
        }
    }
}

/// Whether a row gets explained: failed and degraded checks, and flaky ones
/// (by their failed attempt).
pub fn wanted(row: &ResultRow) -> Option<Uuid> {
    match row.verdict {
        Verdict::Failed | Verdict::Degraded => Some(row.id),
        _ if row.flaky => row.failed_attempt,
        _ => None,
    }
}

/// Fetches and keeps the explanations of results: one test session's
/// ([`Self::new`]: `explain`, `explain_all`), or check sessions'
/// ([`Self::for_check_sessions`]: `explain_check_result`).
#[derive(Debug)]
pub struct Explainer {
    client: Client,
    /// The test session whose results these are; `None` for check sessions.
    session_id: Option<Uuid>,
    /// Error groups first seen since then are new.
    session_started: DateTime<Utc>,
    artifacts_dir: Option<PathBuf>,
    cache: HashMap<Uuid, Why>,
    groups: HashMap<Uuid, Option<ErrorGroupNote>>,
}

impl Explainer {
    /// An explainer of the results of the session `session_id`, which
    /// started at `session_started`.
    pub fn new(client: Client, session_id: Uuid, session_started: DateTime<Utc>) -> Self {
        Self {
            client,
            session_id: Some(session_id),
            session_started,
            artifacts_dir: None,
            cache: HashMap::new(),
            groups: HashMap::new(),
        }
    }

    /// An explainer of check results (a check session's results), for check
    /// sessions started at `since` or later.
    pub fn for_check_sessions(client: Client, since: DateTime<Utc>) -> Self {
        Self {
            session_id: None,
            ..Self::new(client, Uuid::nil(), since)
        }
    }

    /// The explanation of the check result `result_id` of check `check_id`,
    /// fetched now unless it was already: the result in full
    /// (`get_check_result`), then its error groups.
    pub async fn explain_check_result(&mut self, check_id: Uuid, result_id: Uuid) -> &Why {
        if !self.cache.contains_key(&result_id) {
            let (failure, groups) = match self.client.get_check_result(check_id, result_id).await {
                Ok(full) => (
                    Ok(Failure::of_check_result(&full)),
                    full.error_group_ids.unwrap_or_default(),
                ),
                Err(e) => (
                    Err(format!("could not fetch the check result's detail: {e}")),
                    Vec::new(),
                ),
            };
            let why = self.why_of(result_id, failure, &groups).await;
            self.cache.insert(result_id, why);
        }
        &self.cache[&result_id]
    }

    /// The explanation of result `id`, if it was fetched.
    pub fn cached(&self, id: Uuid) -> Option<&Why> {
        self.cache.get(&id)
    }

    /// Download the assets of failed results into `dir` (see [`Self::download_artifacts`]).
    pub fn artifacts_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.artifacts_dir = dir;
        self
    }

    /// The explanation of `row`, fetched now unless it was already; `None`
    /// for a row that needs none.
    pub async fn explain(&mut self, row: &ResultRow) -> Option<&Why> {
        let id = wanted(row)?;
        if !self.cache.contains_key(&id) {
            let why = self.fetch(id, &row.result.error_group_ids).await;
            self.cache.insert(id, why);
        }
        self.cache.get(&id)
    }

    /// Explains every row that needs it (those not fetched yet, a few at a
    /// time), downloads artifacts when asked, and puts each explanation on
    /// its row.
    pub async fn explain_all(&mut self, rows: &mut [ResultRow]) {
        let missing: Vec<(Uuid, Vec<Uuid>)> = rows
            .iter()
            .filter_map(|row| {
                let id = wanted(row)?;
                (!self.cache.contains_key(&id)).then(|| (id, row.result.error_group_ids.clone()))
            })
            .collect();
        let client = self.client.clone();
        let Some(session_id) = self.session_id else {
            return;
        };
        let details: Vec<(Uuid, Vec<Uuid>, Result<Failure, String>)> =
            futures::stream::iter(missing)
                .map(|(id, groups)| {
                    let client = client.clone();
                    async move { (id, groups, fetch_failure(&client, session_id, id).await) }
                })
                .buffer_unordered(CONCURRENT_FETCHES)
                .collect()
                .await;
        for (id, groups, failure) in details {
            let why = self.why_of(id, failure, &groups).await;
            self.cache.insert(id, why);
        }
        if self.artifacts_dir.is_some() {
            self.download_artifacts(rows).await;
        }
        for row in rows.iter_mut() {
            row.why = wanted(row).and_then(|id| self.cache.get(&id).cloned());
        }
    }

    /// Downloads the assets of each failed row into one folder per check
    /// under the artifacts folder (`<check>-<location>/`), streamed to disk.
    async fn download_artifacts(&mut self, rows: &[ResultRow]) {
        let (Some(dir), Some(session_id)) = (self.artifacts_dir.clone(), self.session_id) else {
            return;
        };
        for row in rows.iter().filter(|r| r.verdict == Verdict::Failed) {
            let folder = dir.join(folder_name(row));
            let artifacts = match self
                .client
                .list_result_assets(session_id, row.id)
                .send()
                .await
            {
                Ok(manifest) => {
                    let mut artifacts = Vec::with_capacity(manifest.assets.len());
                    let mut taken: Vec<String> = Vec::new();
                    for asset in &manifest.assets {
                        let name = unique(file_name(&asset.name), &mut taken);
                        let path = folder.join(name);
                        let outcome = self
                            .client
                            .download_asset_to_file(asset, &path)
                            .await
                            .map_err(|e| crate::error::classify(&anyhow::Error::new(e)).1);
                        artifacts.push(Artifact {
                            kind: asset.type_.to_string(),
                            path,
                            outcome,
                        });
                    }
                    artifacts
                }
                Err(e) => vec![Artifact {
                    kind: "assets".into(),
                    path: folder,
                    outcome: Err(format!("could not list the assets: {e}")),
                }],
            };
            if let Some(why) = self.cache.get_mut(&row.id) {
                why.artifacts = artifacts;
            }
        }
    }

    async fn fetch(&mut self, id: Uuid, groups: &[Uuid]) -> Why {
        let failure = match self.session_id {
            Some(session) => fetch_failure(&self.client, session, id).await,
            None => Err("not a test session's result".to_string()),
        };
        self.why_of(id, failure, groups).await
    }

    async fn why_of(&mut self, id: Uuid, failure: Result<Failure, String>, groups: &[Uuid]) -> Why {
        let (failure, unavailable) = match failure {
            Ok(failure) => (failure, None),
            Err(e) => (Failure::default(), Some(e)),
        };
        let mut error_groups = Vec::new();
        for group in groups {
            if !self.groups.contains_key(group) {
                let note = self
                    .client
                    .get_error_group(*group)
                    .await
                    .ok()
                    .map(|g| note_of(&g, self.session_started));
                self.groups.insert(*group, note);
            }
            if let Some(Some(note)) = self.groups.get(group) {
                error_groups.push(note.clone());
            }
        }
        Why {
            result_id: id,
            failure,
            unavailable,
            error_groups,
            artifacts: Vec::new(),
        }
    }
}

async fn fetch_failure(client: &Client, session: Uuid, result: Uuid) -> Result<Failure, String> {
    client
        .get_test_session_result(session, result)
        .await
        .map(|detail| Failure::of(&detail))
        .map_err(|e| format!("could not fetch the result's detail: {e}"))
}

pub fn note_of(group: &TestSessionErrorGroup, session_started: DateTime<Utc>) -> ErrorGroupNote {
    ErrorGroupNote {
        id: group.id,
        message: group.cleaned_error_message.clone(),
        first_seen: group.first_seen,
        last_seen: group.last_seen,
        new: group.first_seen >= session_started,
        environments: group.environments.clone().unwrap_or_default(),
    }
}

/// `<check>-<location>`, made of letters, digits, `-`, `_` and `.` only.
fn folder_name(row: &ResultRow) -> String {
    let base = if row.location.is_empty() {
        row.name.clone()
    } else {
        format!("{}-{}", row.name, row.location)
    };
    let safe = safe_name(&base);
    if safe.is_empty() {
        row.id.to_string()
    } else {
        safe
    }
}

/// The last path segment of an asset's name, made safe to write (never
/// `..`, never a path).
fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let safe = safe_name(last);
    if safe.is_empty() || safe.chars().all(|c| c == '.') {
        "asset".to_string()
    } else {
        safe
    }
}

fn safe_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 100 {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// `name`, or `name-2`, `name-3`, ... when taken already.
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{n}.{ext}"),
            _ => format!("{name}-{n}"),
        };
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The lines shown under a check's line (sanitized, not indented): the
/// errors, the failed assertions, the error groups, the last
/// [`LOG_TAIL`] lines of the job log (all with `full_log`), and the
/// artifacts.
pub fn lines(why: &Why, full_log: bool) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(unavailable) = &why.unavailable {
        out.push(sanitize(unavailable).into_owned());
    }
    for error in &why.failure.errors {
        let mut text = error.message.lines();
        if let Some(first) = text.next() {
            out.push(format!("Error: {}", sanitize(first)));
        }
        out.extend(text.map(|l| format!("  {}", sanitize(l))));
        if full_log && let Some(stack) = &error.stack {
            out.extend(stack.lines().map(|l| format!("  {}", sanitize(l))));
        }
    }
    for assertion in &why.failure.failed_assertions {
        out.push(format!(
            "Assertion failed: {}",
            sanitize(&assertion.to_string())
        ));
    }
    for group in &why.error_groups {
        out.push(error_group_line(group));
    }
    let log = why.shown_log(full_log);
    if !log.is_empty() {
        let skipped = why.failure.log.len() - log.len();
        if skipped > 0 {
            out.push(format!(
                "Log (last {} of {} lines; -v shows all):",
                log.len(),
                why.failure.log.len()
            ));
        } else {
            out.push("Log:".to_string());
        }
        out.extend(
            log.iter()
                .map(|l| format!("  {}", sanitize(&l.to_string()))),
        );
    }
    for artifact in &why.artifacts {
        out.push(artifact_line(artifact));
    }
    out
}

/// `New error` / `Known error since ...` with the group's message.
pub fn error_group_line(group: &ErrorGroupNote) -> String {
    let message = sanitize(&group.message);
    if group.new {
        format!("New error (first seen in this run): {message}")
    } else {
        let mut line = format!(
            "Known error since {} (last seen {}",
            day(group.first_seen),
            day(group.last_seen)
        );
        if !group.environments.is_empty() {
            line.push_str(&format!(
                ", in {}",
                sanitize(&group.environments.join(", "))
            ));
        }
        line.push_str(&format!("): {message}"));
        line
    }
}

/// `Artifact: trace out/login-eu-central-1/trace.zip (1.2 KB)`.
pub fn artifact_line(artifact: &Artifact) -> String {
    let kind = sanitize(&artifact.kind);
    let path = artifact.path.display().to_string();
    match &artifact.outcome {
        Ok(bytes) => format!("Artifact: {kind} {} ({bytes} bytes)", sanitize(&path)),
        Err(e) => format!("Artifact: {kind} {}: {}", sanitize(&path), sanitize(e)),
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Checks, before anything runs, that `dir` can hold artifacts (it is
/// created if missing).
pub fn check_artifacts_dir(dir: &Path) -> Result<(), crate::error::UsageError> {
    let bad = |what: String| crate::error::UsageError::new("--artifacts-dir", what);
    if dir.as_os_str().is_empty() {
        return Err(bad("expected a folder, got an empty path".into()));
    }
    if dir.is_file() {
        return Err(bad(format!("{} is a file, not a folder", dir.display())));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| bad(format!("cannot create the folder {}: {e}", dir.display())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn asset_names_never_leave_the_folder() {
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(file_name(".."), "asset");
        assert_eq!(file_name(""), "asset");
        assert_eq!(file_name("shot 1.png"), "shot-1.png");
        let mut taken = Vec::new();
        assert_eq!(unique("a.png".into(), &mut taken), "a.png");
        assert_eq!(unique("a.png".into(), &mut taken), "a-2.png");
        assert_eq!(unique("a.png".into(), &mut taken), "a-3.png");
        assert_eq!(safe_name("Login flow / EU"), "Login-flow-EU");
    }

    #[test]
    fn lines_show_the_log_tail_unless_asked_for_all() {
        let detail: checkly::types::FindOneTestSessionResultResponse =
            serde_json::from_value(serde_json::json!({
                "aborted": false, "attempts": 1, "checkType": "API",
                "created_at": "2026-05-01T12:00:00.000Z", "errorGroupIds": [],
                "hasErrors": true, "hasFailures": true,
                "id": "00000000-0000-0000-0000-000000000001", "isCancelled": false,
                "isDegraded": false, "overMaxResponseTime": false, "resultType": "FINAL",
                "status": "FAILED", "traceId": null,
                "testSessionResultId": "00000000-0000-0000-0000-000000000001",
                "testSessionResultLink": "https://app.checklyhq.com/r/1",
                "apiCheckResult": {
                    "request": {}, "response": {}, "requestError": "boom\u{1b}[31m",
                    "jobLog": (1..=25).map(|i| format!("line {i}")).collect::<Vec<_>>(),
                },
            }))
            .unwrap();
        let why = Why {
            failure: Failure::of(&detail),
            ..Why::default()
        };
        let short = lines(&why, false);
        assert_eq!(short[0], "Error: boom\\u{1b}[31m");
        assert_eq!(short[1], "Log (last 10 of 25 lines; -v shows all):");
        assert_eq!(short.len(), 2 + LOG_TAIL);
        assert_eq!(short.last().unwrap(), "  line 25");
        let full = lines(&why, true);
        assert_eq!(full[1], "Log:");
        assert_eq!(full.len(), 2 + 25);
    }

    #[test]
    fn error_groups_say_new_or_known() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let mut group = ErrorGroupNote {
            id: Uuid::nil(),
            message: "Timeout exceeded".into(),
            first_seen: at("2026-11-01T10:00:00Z"),
            last_seen: at("2026-11-30T09:30:00Z"),
            new: false,
            environments: vec!["production".into()],
        };
        assert_eq!(
            error_group_line(&group),
            "Known error since 2026-11-01 10:00 UTC (last seen 2026-11-30 09:30 UTC, in production): Timeout exceeded"
        );
        group.new = true;
        assert_eq!(
            error_group_line(&group),
            "New error (first seen in this run): Timeout exceeded"
        );
    }
}
