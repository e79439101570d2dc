//! Test sessions: trigger, retrieve, one completion long poll, cancel.
//! Listing is in `crate::pagination`, waiting in `crate::wait`.

use uuid::Uuid;

use crate::Operation;
use crate::call::call;
use crate::client::{Client, cancel_ids, max_wait_param};
use crate::error::Result;
use crate::types::{
    AwaitTestSessionCompletionResponse, FindOneTestSessionResponse, TestSessionsV1CancelRequest,
    TriggerTestSessionRequest, TriggerTestSessionResponse,
};
use crate::validate;

impl Client {
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
            self.generated()
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
            self.generated()
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
        validate::query(
            Operation::GetV1TestsessionsTestsessionidCompletion,
            &max_wait_param(max_wait_seconds),
        )?;
        let mut request = self
            .generated()
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
        let body = TestSessionsV1CancelRequest {
            sequence_id: cancel_ids(
                Operation::PostV1TestsessionsTestsessionidCancel,
                sequence_ids,
            )?,
        };
        call(
            self.generated()
                .post_v1_testsessions_testsessionid_cancel()
                .test_session_id(id)
                .body(body)
                .send(),
        )
        .await
    }
}
