//! `retryStrategy` of a test-session trigger.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RetryCondition;

/// How Checkly retries a failed check of a test session: one of the spec's
/// anyOf branches, or `null`.
///
/// On the wire: `{"type":"FIXED"|"LINEAR"|"EXPONENTIAL", ...}`,
/// `{"type":"SINGLE_RETRY", ...}`, or `null` ([`RetryStrategy::NoRetries`]).
/// Leaving the field out (`retry_strategy: None`) sends nothing at all.
///
/// ```
/// use checkly::types::{BackoffRetry, RetryStrategy};
/// let strategy = RetryStrategy::Linear(BackoffRetry { max_retries: Some(3), ..Default::default() });
/// assert_eq!(serde_json::to_string(&strategy).unwrap(), r#"{"type":"LINEAR","maxRetries":3}"#);
/// assert_eq!(serde_json::to_string(&RetryStrategy::NoRetries).unwrap(), "null");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum RetryStrategy {
    /// `FIXED`: the same backoff before every retry.
    Fixed(BackoffRetry),
    /// `LINEAR`: a backoff growing linearly.
    Linear(BackoffRetry),
    /// `EXPONENTIAL`: a backoff doubling each time.
    Exponential(BackoffRetry),
    /// `SINGLE_RETRY`: one retry.
    SingleRetry(SingleRetry),
    /// `null`: an explicit "no retry strategy".
    NoRetries,
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

/// The object branches, internally tagged by `type`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
enum Tagged<B, S> {
    Fixed(B),
    Linear(B),
    Exponential(B),
    SingleRetry(S),
}

impl Serialize for RetryStrategy {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let tagged: Tagged<&BackoffRetry, &SingleRetry> = match self {
            Self::Fixed(b) => Tagged::Fixed(b),
            Self::Linear(b) => Tagged::Linear(b),
            Self::Exponential(b) => Tagged::Exponential(b),
            Self::SingleRetry(s) => Tagged::SingleRetry(s),
            Self::NoRetries => return serializer.serialize_none(),
        };
        tagged.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RetryStrategy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            match Option::<Tagged<BackoffRetry, SingleRetry>>::deserialize(deserializer)? {
                None => Self::NoRetries,
                Some(Tagged::Fixed(b)) => Self::Fixed(b),
                Some(Tagged::Linear(b)) => Self::Linear(b),
                Some(Tagged::Exponential(b)) => Self::Exponential(b),
                Some(Tagged::SingleRetry(s)) => Self::SingleRetry(s),
            },
        )
    }
}
