//! The operations of the API as methods on [`Client`](crate::Client), one
//! module per part of the API.

mod assets;
mod check_sessions;
mod error_groups;
mod results;
mod test_sessions;

pub use assets::ListResultAssets;
pub use error_groups::ListErrorGroups;
