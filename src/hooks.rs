//! The generated client's hooks: auth headers in `pre`; one tracing span,
//! retries and status recording around every request in `exec`.

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
        async {
            let answer = crate::retry::execute(self.client(), retry, request, idempotent).await;
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
