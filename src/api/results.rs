//! One result of a test session in full: what ran, and why it failed.

use uuid::Uuid;

use crate::call::call;
use crate::client::Client;
use crate::error::Result;
use crate::types::FindOneTestSessionResultResponse;

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
}
