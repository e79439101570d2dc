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

/// `CheckSessionResult`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckSessionResult {
    pub check_result_id: Uuid,
    pub check_result_link: String,
    pub check_id: Uuid,
    pub check_type: String,
    pub name: String,
    pub run_location: String,
    pub result_type: &'static str,
    pub has_errors: bool,
    pub has_failures: bool,
    pub is_degraded: bool,
    pub aborted: bool,
}

/// `CheckSession`, with `results` for retrieve and completion.
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
    pub run_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<CheckSessionResult>>,
}

/// `TriggerCheckSessionsResponse`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TriggerCheckSessionsResponse {
    pub sessions: Vec<CheckSession>,
}
