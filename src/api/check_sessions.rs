//! Check sessions: trigger, retrieve, one completion long poll and cancel,
//! on v2 and on the v1 endpoints that Checkly now marks deprecated. Waiting
//! is in `crate::wait`.

use uuid::Uuid;

use crate::Operation;
use crate::call::call;
use crate::client::{Client, cancel_ids, max_wait_param};
use crate::error::Result;
use crate::types::{
    AwaitCheckSessionCompletionResponse, CheckSessionsV1CancelRequest,
    CheckSessionsV2CompletionResponse, CheckSessionsV2FindOneResponse,
    CheckSessionsV2TriggerRequest, CheckSessionsV2TriggerResponse, FindOneCheckSessionResponse,
    TriggerCheckSessionRequestPayload, TriggerCheckSessionResponse,
};
use crate::validate;

impl Client {
    /// Starts one check session per matching check
    /// (`POST /v2/check-sessions/trigger`). No matching check is
    /// [`Error::Api`](crate::Error::Api) with status 404. Never retried unless
    /// the server refused it with 429 or could not be reached.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client) -> checkly::Result<()> {
    /// use checkly::types::{CheckSessionsV2TriggerRequest, CheckSessionsV2TriggerRequestTarget};
    /// let request = CheckSessionsV2TriggerRequest {
    ///     target: Some(CheckSessionsV2TriggerRequestTarget {
    ///         match_tags: vec![vec!["production".into()]],
    ///         ..Default::default()
    ///     }),
    ///     ..Default::default()
    /// };
    /// for session in client.trigger_check_sessions_v2(&request).await?.sessions {
    ///     println!("{} {}", session.check_session_id, session.check_session_link);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn trigger_check_sessions_v2(
        &self,
        request: &CheckSessionsV2TriggerRequest,
    ) -> Result<CheckSessionsV2TriggerResponse> {
        request.validate()?;
        call(
            self.generated()
                .post_v2_checksessions_trigger()
                .body(request.clone())
                .send(),
        )
        .await
    }

    /// A check session as it is now, with its results so far
    /// (`GET /v2/check-sessions/{id}`).
    pub async fn get_check_session_v2(&self, id: Uuid) -> Result<CheckSessionsV2FindOneResponse> {
        call(
            self.generated()
                .get_v2_checksessions_checksessionid()
                .check_session_id(id)
                .send(),
        )
        .await
    }

    /// One completion long poll (`GET /v2/check-sessions/{id}/completion`);
    /// 408 while it still runs. To wait until the end, use
    /// [`wait_for_check_session_v2`](Self::wait_for_check_session_v2) or, for
    /// many, [`wait_for_check_sessions`](Self::wait_for_check_sessions).
    pub async fn await_check_session_completion_v2(
        &self,
        id: Uuid,
        max_wait_seconds: Option<u32>,
    ) -> Result<CheckSessionsV2CompletionResponse> {
        validate::query(
            Operation::GetV2ChecksessionsChecksessionidCompletion,
            &max_wait_param(max_wait_seconds),
        )?;
        let mut request = self
            .generated()
            .get_v2_checksessions_checksessionid_completion()
            .check_session_id(id);
        if let Some(seconds) = max_wait_seconds {
            request = request.max_wait_seconds(u64::from(seconds));
        }
        call(request.send()).await
    }

    /// Cancels a check session's runs still in progress: those in
    /// `sequence_ids`, or all of them when it is `None`
    /// (`POST /v1/check-sessions/{id}/cancel`; there is no v2 cancel).
    pub async fn cancel_check_session(
        &self,
        id: Uuid,
        sequence_ids: Option<Vec<Uuid>>,
    ) -> Result<()> {
        let body = CheckSessionsV1CancelRequest {
            sequence_id: cancel_ids(
                Operation::PostV1ChecksessionsChecksessionidCancel,
                sequence_ids,
            )?,
        };
        call(
            self.generated()
                .post_v1_checksessions_checksessionid_cancel()
                .check_session_id(id)
                .body(body)
                .send(),
        )
        .await
    }

    /// Starts one check session per matching check on the v1 endpoint
    /// (`POST /v1/check-sessions/trigger`).
    #[deprecated(
        note = "Checkly deprecates the v1 check-session trigger: use `trigger_check_sessions_v2`"
    )]
    pub async fn trigger_check_sessions(
        &self,
        request: &TriggerCheckSessionRequestPayload,
    ) -> Result<TriggerCheckSessionResponse> {
        request.validate()?;
        call(
            self.generated()
                .post_v1_checksessions_trigger()
                .body(request.clone())
                .send(),
        )
        .await
    }

    /// A check session as it is now, on the v1 endpoint
    /// (`GET /v1/check-sessions/{id}`).
    #[deprecated(
        note = "Checkly deprecates the v1 check-session retrieve: use `get_check_session_v2`"
    )]
    pub async fn get_check_session(&self, id: Uuid) -> Result<FindOneCheckSessionResponse> {
        call(
            self.generated()
                .get_v1_checksessions_checksessionid()
                .check_session_id(id.to_string())
                .send(),
        )
        .await
    }

    /// One completion long poll on the v1 endpoint
    /// (`GET /v1/check-sessions/{id}/completion`).
    #[deprecated(
        note = "Checkly deprecates the v1 check-session completion: use `await_check_session_completion_v2`"
    )]
    pub async fn await_check_session_completion(
        &self,
        id: Uuid,
        max_wait_seconds: Option<u32>,
    ) -> Result<AwaitCheckSessionCompletionResponse> {
        validate::query(
            Operation::GetV1ChecksessionsChecksessionidCompletion,
            &max_wait_param(max_wait_seconds),
        )?;
        let mut request = self
            .generated()
            .get_v1_checksessions_checksessionid_completion()
            .check_session_id(id.to_string());
        if let Some(seconds) = max_wait_seconds {
            request = request.max_wait_seconds(u64::from(seconds));
        }
        call(request.send()).await
    }
}

#[cfg(test)]
mod tests {
    /// The `#[deprecated]` marks above follow the spec: this fails when
    /// Checkly changes which check-session operations are deprecated.
    #[test]
    fn deprecated_marks_follow_the_spec() {
        let deprecated: Vec<_> = crate::Operation::ALL
            .iter()
            .filter(|op| op.deprecated())
            .map(|op| op.id())
            .collect();
        assert_eq!(
            deprecated,
            [
                "postV1ChecksessionsTrigger",
                "getV1ChecksessionsChecksessionid",
                "getV1ChecksessionsChecksessionidCompletion",
            ]
        );
    }
}
