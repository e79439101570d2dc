//! The API's request and response types.
//!
//! Most are generated from the spec; the open enums come from `build.rs` via
//! [`open_enum!`](crate::open_enum), and the two anyOf types are hand-written.

mod environment_variable;
mod retry_strategy;

pub use crate::generated::types::*;
pub use environment_variable::EnvironmentVariable;
pub use retry_strategy::{BackoffRetry, RetryStrategy, SingleRetry};

include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));

impl TriggerTestSessionRequest {
    /// Checks the request against every limit of the spec, as
    /// [`Client::trigger_test_session`](crate::Client::trigger_test_session)
    /// does before sending it.
    ///
    /// ```
    /// let request = checkly::types::TriggerTestSessionRequest::new("", "eu-central-1");
    /// let error = request.validate().unwrap_err();
    /// assert_eq!(error.field, "name");
    /// ```
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        crate::validate::body(crate::Operation::PostV1TestsessionsTrigger, self)
    }

    /// A request with the two required fields set and everything else empty.
    ///
    /// ```
    /// use checkly::types::{TriggerTestSessionRequest, TriggerTestSessionRequestTarget};
    /// let mut request = TriggerTestSessionRequest::new("Deploy 42", "eu-central-1");
    /// request.target = Some(TriggerTestSessionRequestTarget {
    ///     match_tags: vec![vec!["production".into()]],
    ///     ..Default::default()
    /// });
    /// ```
    pub fn new(name: impl Into<String>, run_location: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            run_location: run_location.into(),
            environment_variables: Vec::new(),
            metadata: None,
            refresh_cache: false,
            retry_strategy: None,
            target: None,
        }
    }
}

impl TriggerCheckSessionRequestPayload {
    /// Checks the request against every limit of the spec, as
    /// [`Client::trigger_check_sessions`](crate::Client::trigger_check_sessions)
    /// does before sending it.
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        crate::validate::body(crate::Operation::PostV1ChecksessionsTrigger, self)
    }
}

impl CheckSessionsV2TriggerRequest {
    /// Checks the request against every limit of the spec, as
    /// [`Client::trigger_check_sessions_v2`](crate::Client::trigger_check_sessions_v2)
    /// does before sending it.
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        crate::validate::body(crate::Operation::PostV2ChecksessionsTrigger, self)
    }
}
