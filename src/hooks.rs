//! The generated client's hooks: auth headers in `pre`; one tracing span,
//! retries and status recording around every request in `exec`.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

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

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = self.inner();
        let headers = request.headers_mut();
        // progenitor adds `api-version`; Checkly's API does not use it.
        headers.remove("api-version");
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", state.api_key.expose_secret()))
            .map_err(|_| invalid("CHECKLY_API_KEY is not a valid HTTP header value"))?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        let mut account = HeaderValue::try_from(state.account_id.as_str())
            .map_err(|_| invalid("CHECKLY_ACCOUNT_ID is not a valid HTTP header value"))?;
        account.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-checkly-account"), account);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "checkly.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
        );
        let retry = &self.inner().retry;
        async {
            let answer =
                crate::retry::execute(self.client(), retry, request, info.operation_id).await;
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

fn invalid<E>(message: &str) -> progenitor_client::Error<E> {
    progenitor_client::Error::InvalidRequest(message.to_string())
}
