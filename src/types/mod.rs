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
