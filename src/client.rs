//! [`Client`]: one method per operation of the API, each validated before it
//! is sent and mapped to [`Error`](crate::Error).

use std::fmt;

use progenitor_client::ClientInfo;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::call::call;
use crate::error::Result;
use crate::generated;
use crate::types::{
    AwaitCheckSessionCompletionResponse, AwaitTestSessionCompletionResponse,
    CancelTestSessionRequest, FindOneCheckSessionResponse, FindOneTestSessionResponse,
    TriggerCheckSessionsRequest, TriggerCheckSessionsResponse, TriggerTestSessionRequest,
    TriggerTestSessionResponse,
};
use crate::validate;

/// A client for Checkly's test-session and check-session API.
///
/// Cheap to clone (it shares one connection pool). Build one with
/// [`Client::from_env`] or [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    api: generated::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.api.inner();
        f.debug_struct("Client")
            .field("base_url", &self.api.baseurl())
            .field("account_id", &state.account_id)
            .field("api_key", &"[REDACTED]")
            .field("retry", &state.retry)
            .finish()
    }
}

impl Client {
    pub(crate) fn from_generated(api: generated::Client) -> Self {
        Self { api }
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.api.baseurl()
    }

    /// The generated client, for what this one does not wrap. It sends what it
    /// is given: the limits checked by this client (see [`ValidationError`](crate::ValidationError)) are not checked there.
    pub fn generated(&self) -> &generated::Client {
        &self.api
    }

    /// Starts a test session (`POST /v1/test-sessions/trigger`). Never retried
    /// unless the server refused it with 429 or could not be reached.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client) -> checkly::Result<()> {
    /// use checkly::types::{TriggerTestSessionRequest, TriggerTestSessionRequestTarget};
    /// let mut request = TriggerTestSessionRequest::new("Deploy 42", "eu-central-1");
    /// request.target = Some(TriggerTestSessionRequestTarget {
    ///     match_tags: vec![vec!["production".into()]],
    ///     ..Default::default()
    /// });
    /// let session = client.trigger_test_session(&request).await?;
    /// println!("{}", session.test_session_link);
    /// # Ok(()) }
    /// ```
    pub async fn trigger_test_session(
        &self,
        request: &TriggerTestSessionRequest,
    ) -> Result<TriggerTestSessionResponse> {
        request.validate()?;
        call(
            self.api
                .post_v1_testsessions_trigger()
                .body(request.clone())
                .send(),
        )
        .await
    }

    /// A test session as it is now, with the results it has so far
    /// (`GET /v1/test-sessions/{id}`).
    pub async fn get_test_session(&self, id: Uuid) -> Result<FindOneTestSessionResponse> {
        call(
            self.api
                .get_v1_testsessions_testsessionid()
                .test_session_id(id)
                .send(),
        )
        .await
    }

    /// One completion long poll (`GET /v1/test-sessions/{id}/completion`):
    /// the final session, or [`Error::Api`](crate::Error::Api) with status
    /// 408 while it still runs after `max_wait_seconds` (1 to 30). To wait
    /// until the end, use [`wait_for_test_session`](Self::wait_for_test_session).
    pub async fn await_test_session_completion(
        &self,
        id: Uuid,
        max_wait_seconds: Option<u32>,
    ) -> Result<AwaitTestSessionCompletionResponse> {
        let operation = "getV1TestsessionsTestsessionidCompletion";
        validate::query(operation, &max_wait_param(max_wait_seconds))?;
        let mut request = self
            .api
            .get_v1_testsessions_testsessionid_completion()
            .test_session_id(id);
        if let Some(seconds) = max_wait_seconds {
            request = request.max_wait_seconds(u64::from(seconds));
        }
        call(request.send()).await
    }

    /// Cancels the results of a test session that are still running: those in
    /// `sequence_ids`, or all of them when it is `None`
    /// (`POST /v1/test-sessions/{id}/cancel`).
    pub async fn cancel_test_session(
        &self,
        id: Uuid,
        sequence_ids: Option<Vec<Uuid>>,
    ) -> Result<()> {
        // Validate the wire form first: `Some(vec![])` must fail, not turn into
        // "cancel everything" (the generated type omits an empty list).
        let wire = match &sequence_ids {
            Some(ids) => json!({ "sequenceId": ids }),
            None => json!({}),
        };
        validate::body("postV1TestsessionsTestsessionidCancel", &wire)?;
        let body = CancelTestSessionRequest {
            sequence_id: sequence_ids.unwrap_or_default(),
        };
        call(
            self.api
                .post_v1_testsessions_testsessionid_cancel()
                .test_session_id(id)
                .body(body)
                .send(),
        )
        .await
    }

    /// Starts one check session per matching check (`POST /v1/check-sessions/trigger`).
    /// No matching check is [`Error::Api`](crate::Error::Api) with status 404.
    pub async fn trigger_check_sessions(
        &self,
        request: &TriggerCheckSessionsRequest,
    ) -> Result<TriggerCheckSessionsResponse> {
        request.validate()?;
        call(
            self.api
                .post_v1_checksessions_trigger()
                .body(request.clone())
                .send(),
        )
        .await
    }

    /// A check session as it is now (`GET /v1/check-sessions/{id}`).
    pub async fn get_check_session(&self, id: Uuid) -> Result<FindOneCheckSessionResponse> {
        call(
            self.api
                .get_v1_checksessions_checksessionid()
                .check_session_id(id)
                .send(),
        )
        .await
    }

    /// One completion long poll for a check session; see
    /// [`await_test_session_completion`](Self::await_test_session_completion).
    pub async fn await_check_session_completion(
        &self,
        id: Uuid,
        max_wait_seconds: Option<u32>,
    ) -> Result<AwaitCheckSessionCompletionResponse> {
        let operation = "getV1ChecksessionsChecksessionidCompletion";
        validate::query(operation, &max_wait_param(max_wait_seconds))?;
        let mut request = self
            .api
            .get_v1_checksessions_checksessionid_completion()
            .check_session_id(id);
        if let Some(seconds) = max_wait_seconds {
            request = request.max_wait_seconds(u64::from(seconds));
        }
        call(request.send()).await
    }
}

fn max_wait_param(seconds: Option<u32>) -> Map<String, Value> {
    let mut params = Map::new();
    if let Some(seconds) = seconds {
        params.insert("maxWaitSeconds".into(), json!(seconds));
    }
    params
}
