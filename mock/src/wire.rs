//! The JSON shapes the mock answers with, written from the OpenAPI spec
//! independently of the client library.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use uuid::Uuid;

/// An RFC 3339 timestamp with milliseconds, as the real API writes them.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `TestSessionMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata {
    /// `environment` (omitted when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// `repoUrl`.
    pub repo_url: Option<String>,
    /// `commitId`.
    pub commit_id: Option<String>,
    /// `commitOwner`.
    pub commit_owner: Option<String>,
    /// `commitMessage`.
    pub commit_message: Option<String>,
    /// `branchName`.
    pub branch_name: Option<String>,
}

/// `TestSessionResult`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestSessionResult {
    pub test_session_result_id: Uuid,
    pub test_session_result_link: String,
    pub check_id: Option<Uuid>,
    pub check_type: String,
    pub name: String,
    pub run_location: String,
    pub error_group_ids: Vec<Uuid>,
    pub result_type: &'static str,
    pub status: &'static str,
    pub has_errors: bool,
    pub has_failures: bool,
    pub is_degraded: bool,
    pub aborted: bool,
    pub response_time: Option<u64>,
    pub started_at: Option<String>,
    pub stopped_at: Option<String>,
}

/// `TriggerTestSessionResponse`, `FindOneTestSessionResponse` and
/// `AwaitTestSessionCompletionResponse` (they share their fields).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestSession {
    pub test_session_id: Uuid,
    pub test_session_link: String,
    pub name: String,
    pub status: &'static str,
    pub error_group_ids: Vec<Uuid>,
    pub started_at: String,
    pub stopped_at: Option<String>,
    pub time_elapsed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    pub results: Vec<TestSessionResult>,
}

/// `TestSessionListEntry.invoker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Invoker {
    pub name: String,
    pub picture: Option<String>,
}

/// `TestSessionListEntry`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListEntry {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub provider: String,
    pub region: String,
    pub started_at: String,
    #[serde(rename = "created_at")]
    pub created_at: String,
    pub project_id: Option<Uuid>,
    pub private_location_id: Option<Uuid>,
    pub error_group_ids: Vec<Uuid>,
    pub running: Vec<Uuid>,
    pub passed: Vec<Uuid>,
    pub failed: Vec<Uuid>,
    pub cancelled: Vec<Uuid>,
    pub status: &'static str,
    pub invoker: Option<Invoker>,
    pub repo_url: Option<String>,
    pub commit_id: Option<String>,
    pub commit_owner: Option<String>,
    pub commit_message: Option<String>,
    pub branch_name: Option<String>,
    pub environment: Option<String>,
    pub stopped_at: Option<String>,
    #[serde(rename = "updated_at")]
    pub updated_at: Option<String>,
}

/// `ListTestSessionsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListResponse {
    pub length: usize,
    pub entries: Vec<ListEntry>,
    pub next_id: Option<String>,
}

/// `FindOneTestSessionResultResponse`: a result with everything known of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestSessionResultDetail {
    #[serde(flatten)]
    pub result: TestSessionResult,
    pub id: Uuid,
    pub private_location_id: Option<Uuid>,
    pub file_path: Option<String>,
    pub is_cancelled: bool,
    pub over_max_response_time: bool,
    pub attempts: u32,
    pub sequence_id: Option<Uuid>,
    pub schedule_error: Option<String>,
    pub trace_id: Option<String>,
    #[serde(rename = "created_at")]
    pub created_at: String,
    #[serde(rename = "updated_at")]
    pub updated_at: Option<String>,
    /// The check-type detail: `apiCheckResult`, `browserCheckResult`,
    /// `multiStepCheckResult`, `playwrightCheckResult` or
    /// `agenticCheckResult` (none for other types, or unfinished results).
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// `AssetManifestEntry.source`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssetSource {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub check_id: Uuid,
    pub check_name: String,
    pub check_type: String,
    pub result_id: Uuid,
    pub test_session_id: Uuid,
}

/// `AssetManifestEntry`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssetEntry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'static str,
    pub url: String,
    pub content_type: &'static str,
    pub source: AssetSource,
}

/// `AssetManifest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssetManifest {
    pub assets: Vec<AssetEntry>,
    pub truncated: bool,
    pub entries_returned: usize,
    pub entries_total: usize,
}

/// `TestSessionErrorGroupPlaywrightMetadata`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PwtMetadata {
    pub project_name: String,
    pub spec_id: String,
    pub test_file: String,
    pub test_title: String,
    pub suite_path: Vec<String>,
}

/// `TestSessionErrorGroup`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorGroup {
    pub id: Uuid,
    pub project_id: Option<Uuid>,
    pub environments: Option<Vec<String>>,
    pub error_hash: String,
    pub raw_error_message: Option<String>,
    pub cleaned_error_message: String,
    pub first_seen: String,
    pub last_seen: String,
    pub archived_until_next_event: bool,
    pub pwt_metadata: Option<Vec<PwtMetadata>>,
    pub root_cause_analyses: Vec<serde_json::Value>,
}

/// A check session's result: `CheckSessionsV2CheckResult`, and v1's
/// `CheckSessionConciseCheckResult`, which declares the same fields.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckSessionResult {
    pub check_result_id: Uuid,
    pub check_result_link: String,
    pub check_id: Uuid,
    pub check_type: String,
    pub name: String,
    pub run_location: String,
    /// FINAL, ATTEMPT, or null while the run is going.
    pub result_type: Option<&'static str>,
    pub has_errors: bool,
    pub has_failures: bool,
    pub is_degraded: bool,
    pub aborted: bool,
    pub is_cancelled: bool,
    pub response_time: Option<u64>,
    pub started_at: Option<String>,
    pub stopped_at: Option<String>,
}

/// A check session: `CheckSessionsV2CheckSession` and v1's `CheckSession`
/// (the same fields), with `results` for retrieve and completion.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckSession {
    pub check_session_id: Uuid,
    pub check_session_link: String,
    pub check_id: Uuid,
    pub check_type: String,
    pub name: String,
    pub status: &'static str,
    pub started_at: String,
    pub stopped_at: Option<String>,
    pub time_elapsed: u64,
    pub run_locations: Vec<String>,
    pub run_source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<CheckSessionResult>>,
}

/// `TriggerCheckSessionResponse` (v1) and `CheckSessionsV2TriggerResponse`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TriggerCheckSessionsResponse {
    pub sessions: Vec<CheckSession>,
}
