//! `TestSessionEnvironmentVariable`: an environment variable of a test-session trigger.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An environment variable for the checks of a test session.
///
/// On the wire it is one of two shapes (an anyOf in the spec):
/// a plain variable `{"key","value","locked"}` whose value is a non-empty
/// string, or a secret one `{"key","value","locked","secret":true}` whose
/// value may be null. A secret value never appears in `Debug` output.
///
/// ```
/// use checkly::types::EnvironmentVariable;
/// let vars = vec![
///     EnvironmentVariable::plain("ENVIRONMENT_URL", "https://preview.example.com"),
///     EnvironmentVariable::secret("PASSWORD", "hunter2").locked(true),
/// ];
/// assert!(!format!("{vars:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub enum EnvironmentVariable {
    /// A variable whose value Checkly shows.
    Plain {
        /// The name, at least one character.
        key: String,
        /// The value, at least one character.
        value: String,
        /// Whether the value is hidden in the Checkly UI.
        locked: bool,
    },
    /// A variable whose value Checkly never shows again.
    Secret {
        /// The name, at least one character.
        key: String,
        /// The value; `None` sends `null`.
        value: Option<SecretString>,
        /// Whether the value is hidden in the Checkly UI.
        locked: bool,
    },
}

impl EnvironmentVariable {
    /// A plain variable.
    pub fn plain(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self::Plain {
            key: key.into(),
            value: value.into(),
            locked: false,
        }
    }

    /// A secret variable.
    pub fn secret(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self::Secret {
            key: key.into(),
            value: Some(SecretString::from(value.into())),
            locked: false,
        }
    }

    /// Sets `locked`.
    pub fn locked(mut self, locked: bool) -> Self {
        match &mut self {
            Self::Plain { locked: l, .. } | Self::Secret { locked: l, .. } => *l = locked,
        }
        self
    }

    /// The variable's name.
    pub fn key(&self) -> &str {
        match self {
            Self::Plain { key, .. } | Self::Secret { key, .. } => key,
        }
    }

    /// Whether this is a secret variable.
    pub fn is_secret(&self) -> bool {
        matches!(self, Self::Secret { .. })
    }
}

impl fmt::Debug for EnvironmentVariable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain { key, value, locked } => f
                .debug_struct("Plain")
                .field("key", key)
                .field("value", value)
                .field("locked", locked)
                .finish(),
            Self::Secret { key, value, locked } => f
                .debug_struct("Secret")
                .field("key", key)
                .field("value", &value.as_ref().map(|_| "[REDACTED]"))
                .field("locked", locked)
                .finish(),
        }
    }
}

impl PartialEq for EnvironmentVariable {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Plain {
                    key: k1,
                    value: v1,
                    locked: l1,
                },
                Self::Plain {
                    key: k2,
                    value: v2,
                    locked: l2,
                },
            ) => k1 == k2 && v1 == v2 && l1 == l2,
            (
                Self::Secret {
                    key: k1,
                    value: v1,
                    locked: l1,
                },
                Self::Secret {
                    key: k2,
                    value: v2,
                    locked: l2,
                },
            ) => {
                k1 == k2
                    && l1 == l2
                    && v1.as_ref().map(ExposeSecret::expose_secret)
                        == v2.as_ref().map(ExposeSecret::expose_secret)
            }
            _ => false,
        }
    }
}

#[derive(Serialize)]
struct WireOut<'a> {
    key: &'a str,
    value: Option<&'a str>,
    locked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<bool>,
}

impl Serialize for EnvironmentVariable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let wire = match self {
            Self::Plain { key, value, locked } => WireOut {
                key,
                value: Some(value),
                locked: *locked,
                secret: None,
            },
            Self::Secret { key, value, locked } => WireOut {
                key,
                value: value.as_ref().map(ExposeSecret::expose_secret),
                locked: *locked,
                secret: Some(true),
            },
        };
        wire.serialize(serializer)
    }
}

#[derive(Deserialize)]
struct WireIn {
    key: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    locked: bool,
    #[serde(default)]
    secret: bool,
}

impl<'de> Deserialize<'de> for EnvironmentVariable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WireIn {
            key,
            value,
            locked,
            secret,
        } = WireIn::deserialize(deserializer)?;
        if secret {
            return Ok(Self::Secret {
                key,
                value: value.map(SecretString::from),
                locked,
            });
        }
        match value {
            Some(value) => Ok(Self::Plain { key, value, locked }),
            None => Err(serde::de::Error::custom(format!(
                "environment variable {key:?} is not secret, so its value must be a string"
            ))),
        }
    }
}
