//! `retryStrategy` of a test-session trigger.
use super::RetryCondition;
use serde::{Deserialize, Serialize};

/// How Checkly retries a failed check of a test session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RetryStrategy {
    /// `FIXED`
    Fixed(BackoffRetry),
    /// `LINEAR`
    Linear(BackoffRetry),
    /// `EXPONENTIAL`
    Exponential(BackoffRetry),
    /// `SINGLE_RETRY`
    SingleRetry(SingleRetry),
}

/// The settings of FIXED, LINEAR and EXPONENTIAL retries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackoffRetry {
    /// Seconds before the first retry (server default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_backoff_seconds: Option<f64>,
    /// Retry in the same region (server default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_region: Option<bool>,
    /// Retry only on these kinds of failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_on: Option<Vec<RetryCondition>>,
    /// Retries at most, 1 to 10 (server default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Seconds all retries may take, 0 to 600 (server default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_seconds: Option<u32>,
}

/// The settings of a SINGLE_RETRY strategy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SingleRetry {
    /// Seconds before the retry (server default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_backoff_seconds: Option<f64>,
    /// Retry in the same region (server default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_region: Option<bool>,
    /// Retry only on these kinds of failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_on: Option<Vec<RetryCondition>>,
}
