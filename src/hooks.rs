//! The generated client's hooks: auth headers, one tracing span per request,
//! and the seam where retries happen.

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::generated::Client as GeneratedClient;

/// State the generated client carries for the hooks.
#[derive(Debug, Clone)]
pub struct ClientState {
    pub(crate) api_key: SecretString,
    pub(crate) account_id: String,
}

impl ClientHooks<ClientState> for GeneratedClient {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = progenitor_client::ClientInfo::inner(self);
        let headers = request.headers_mut();
        headers.remove("api-version");
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", state.api_key.expose_secret()))
            .map_err(|_| progenitor_client::Error::InvalidRequest("the API key is not a valid HTTP header value".into()))?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        let mut account = HeaderValue::try_from(state.account_id.as_str())
            .map_err(|_| progenitor_client::Error::InvalidRequest("the account id is not a valid HTTP header value".into()))?;
        account.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-checkly-account"), account);
        Ok(())
    }
}
