//! One file per command. Each returns the exit code it earned, or an error
//! that [`crate::error::classify`] turns into one.

pub mod check_sessions;
pub mod demo;
pub mod mock;
pub mod test_sessions;
pub mod trigger;

use checkly::Client;

use crate::cli::GlobalArgs;

/// The API client from `--api-key`, `--account-id` and `--api-url` (or
/// their variables, which clap has already read).
pub fn client(global: &GlobalArgs) -> anyhow::Result<Client> {
    let mut builder = Client::builder();
    if let Some(key) = &global.api_key {
        builder = builder.api_key(key.as_str());
    }
    if let Some(account) = &global.account_id {
        builder = builder.account_id(account.as_str());
    }
    if let Some(url) = global.api_url.as_deref().filter(|u| !u.trim().is_empty()) {
        builder = builder.base_url(url);
    }
    Ok(builder.build()?)
}
