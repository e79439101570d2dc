//! The generated client's hooks: auth headers in `pre`; one tracing span,
//! retries and status recording around every request in `exec`.

use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::Operation;
use crate::generated::Client as GeneratedClient;
use crate::retry::RetryConfig;

/// What the generated client carries for its hooks. Its `Debug` never shows
/// the API key.
#[derive(Debug, Clone)]
pub struct ClientState {
    pub(crate) api_key: SecretString,
    pub(crate) account_id: String,
    pub(crate) retry: RetryConfig,
    /// Each request's timeout; `None` leaves it to the call deadline.
    pub(crate) request_timeout: Option<Duration>,
    /// Each call's deadline, retries included.
    pub(crate) call_timeout: Duration,
}

/// How long the server may hold a completion request when it names no
/// `maxWaitSeconds` (the spec's maximum).
const LONG_POLL_DEFAULT: Duration = Duration::from_secs(30);

/// How long the server may hold this request before it answers: the
/// `maxWaitSeconds` of a completion long poll, else nothing.
fn server_hold(operation: Option<Operation>, url: &reqwest::Url) -> Duration {
    if !operation.is_some_and(|op| op.path().ends_with("/completion")) {
        return Duration::ZERO;
    }
    url.query_pairs()
        .find(|(name, _)| name == "maxWaitSeconds")
        .and_then(|(_, value)| value.parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map_or(LONG_POLL_DEFAULT, |seconds| {
            Duration::from_secs_f64(seconds.min(LONG_POLL_DEFAULT.as_secs_f64()))
        })
}

impl ClientState {
    /// Sets the two auth headers, both marked sensitive so that no `Debug`
    /// of the request shows them.
    pub(crate) fn authorize(&self, headers: &mut HeaderMap) -> Result<(), String> {
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", self.api_key.expose_secret()))
            .map_err(|_| "CHECKLY_API_KEY is not a valid HTTP header value".to_string())?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        let mut account = HeaderValue::try_from(self.account_id.as_str())
            .map_err(|_| "CHECKLY_ACCOUNT_ID is not a valid HTTP header value".to_string())?;
        account.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-checkly-account"), account);
        Ok(())
    }
}

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        // progenitor adds `api-version`; Checkly's API does not use it.
        headers.remove("api-version");
        self.inner()
            .authorize(headers)
            .map_err(progenitor_client::Error::InvalidRequest)?;
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let operation = Operation::from_method_name(info.operation_id);
        let span = tracing::debug_span!(
            "checkly.request",
            operation = operation.map_or(info.operation_id, Operation::id),
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
        );
        let retry = &self.inner().retry;
        // An operation missing from the table (impossible for generated
        // code) is treated as one whose repetition could duplicate work.
        let idempotent = operation.is_some_and(|op| !op.repeat_duplicates());
        // A long poll is held by the server on purpose: its hold comes on top
        // of both limits.
        let state = self.inner();
        let hold = server_hold(operation, request.url());
        let deadline = state.call_timeout + hold;
        let limits = crate::retry::Limits {
            request_timeout: state.request_timeout.map(|t| t + hold),
            deadline: tokio::time::Instant::now() + deadline,
        };
        async {
            let (answer, attempts) =
                crate::retry::execute(self.client(), retry, request, idempotent, limits).await;
            crate::call::record_attempts(deadline, attempts);
            match &answer {
                Ok(response) => {
                    tracing::Span::current().record("status", response.status().as_u16());
                    crate::call::record(response);
                }
                Err(error) => tracing::debug!(%error, "request failed"),
            }
            answer
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_completion_requests_are_held() {
        let url = |q: &str| reqwest::Url::parse(&format!("http://127.0.0.1/x{q}")).expect("url");
        let completion = Some(Operation::GetV1TestsessionsTestsessionidCompletion);
        assert_eq!(
            server_hold(completion, &url("?maxWaitSeconds=2")),
            Duration::from_secs(2)
        );
        assert_eq!(server_hold(completion, &url("")), LONG_POLL_DEFAULT);
        assert_eq!(
            server_hold(completion, &url("?maxWaitSeconds=99")),
            LONG_POLL_DEFAULT
        );
        assert_eq!(
            server_hold(
                Some(Operation::GetV2ChecksessionsChecksessionidCompletion),
                &url("?maxWaitSeconds=1.5")
            ),
            Duration::from_millis(1500)
        );
        assert_eq!(
            server_hold(
                Some(Operation::GetV1TestsessionsTestsessionid),
                &url("?maxWaitSeconds=2")
            ),
            Duration::ZERO
        );
        assert_eq!(server_hold(None, &url("")), Duration::ZERO);
    }
}
