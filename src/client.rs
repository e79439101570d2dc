//! [`Client`]: the handle every operation hangs off. The operations
//! themselves live in `crate::api`, one module per part of the API; each is
//! validated before it is sent and mapped to [`Error`](crate::Error).

use std::fmt;

use progenitor_client::ClientInfo;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::generated;

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

    pub(crate) fn state(&self) -> &crate::hooks::ClientState {
        self.api.inner()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        self.api.client()
    }
}

/// The `maxWaitSeconds` query parameter, for validation.
pub(crate) fn max_wait_param(seconds: Option<u32>) -> Map<String, Value> {
    let mut params = Map::new();
    if let Some(seconds) = seconds {
        params.insert("maxWaitSeconds".into(), json!(seconds));
    }
    params
}

/// The `sequenceId` list of a cancel (`None`: everything still running),
/// validated in its wire form first, so that `Some(vec![])` fails rather
/// than turning into "cancel everything" (the generated type omits an empty
/// list).
pub(crate) fn cancel_ids(
    operation: crate::Operation,
    ids: Option<Vec<Uuid>>,
) -> crate::Result<Vec<Uuid>> {
    let wire = match &ids {
        Some(ids) => json!({ "sequenceId": ids }),
        None => json!({}),
    };
    crate::validate::body(operation, &wire)?;
    Ok(ids.unwrap_or_default())
}
