//! One result in full, of a test session or of a check session: what ran,
//! and why it failed.

use uuid::Uuid;

use crate::call::call;
use crate::client::Client;
use crate::error::Result;
use crate::types::{CheckResult, FindOneTestSessionResultResponse};

impl Client {
    /// One result of a test session in full, with the detail object of its
    /// check kind (`apiCheckResult`, `browserCheckResult`, ...): the request
    /// error, assertions, errors and job log that say why it failed
    /// (`GET /v1/test-sessions/{id}/results/{resultId}`).
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, session: uuid::Uuid, result: uuid::Uuid) -> checkly::Result<()> {
    /// let detail = client.get_test_session_result(session, result).await?;
    /// if let Some(error) = detail.api_check_result.and_then(|api| api.request_error) {
    ///     eprintln!("request failed: {error}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_test_session_result(
        &self,
        session_id: Uuid,
        result_id: Uuid,
    ) -> Result<FindOneTestSessionResultResponse> {
        call(
            self.generated()
                .get_v1_testsessions_testsessionid_results_testsessionresultid()
                .test_session_id(session_id)
                .test_session_result_id(result_id)
                .send(),
        )
        .await
    }

    /// One check result in full (a check session's result: its `checkId`
    /// and `checkResultId`), with the detail object of its check kind; read
    /// why it failed with [`Failure::of_check_result`](crate::Failure::of_check_result)
    /// (`GET /v1/check-results/{checkId}/{checkResultId}`).
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client, check: uuid::Uuid, result: uuid::Uuid) -> checkly::Result<()> {
    /// let result = client.get_check_result(check, result).await?;
    /// if let Some(why) = checkly::Failure::of_check_result(&result).headline() {
    ///     eprintln!("failed: {why}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_check_result(&self, check_id: Uuid, result_id: Uuid) -> Result<CheckResult> {
        call(
            self.generated()
                .get_v1_checkresults_checkid_checkresultid()
                .check_id(check_id)
                .check_result_id(result_id)
                .send(),
        )
        .await
    }
}
