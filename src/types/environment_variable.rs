//! An environment variable of a test-session trigger.
use secrecy::SecretString;

/// x
#[derive(Clone, Debug)]
pub enum EnvironmentVariable {
    /// plain
    Plain { key: String, value: String, locked: bool },
    /// secret
    Secret { key: String, value: Option<SecretString>, locked: bool },
}
impl PartialEq for EnvironmentVariable { fn eq(&self, _o: &Self) -> bool { true } }
impl serde::Serialize for EnvironmentVariable { fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_unit() } }
impl<'de> serde::Deserialize<'de> for EnvironmentVariable { fn deserialize<D: serde::Deserializer<'de>>(_d: D) -> Result<Self, D::Error> { todo!() } }
