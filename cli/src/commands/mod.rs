//! One file per command. Each returns the exit code it earned, or an error
//! that [`crate::error::classify`] turns into one.

pub mod check_sessions;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "demo")]
pub mod mock;
pub mod test_sessions;
pub mod trigger;

use checkly::Client;
use uuid::Uuid;

use crate::cli::GlobalArgs;
use crate::parse::TagGroup;

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

/// The checks to run, from `--tags` and `--check-id`: `matchTags` and
/// `checkId` of a trigger's `target`, or `None` (every activated check) when
/// neither flag was given.
pub fn target(tags: &[TagGroup], check_ids: &[Uuid]) -> Option<(Vec<Vec<String>>, Vec<Uuid>)> {
    let match_tags: Vec<Vec<String>> = tags.iter().map(|group| group.0.clone()).collect();
    (!match_tags.is_empty() || !check_ids.is_empty()).then(|| (match_tags, check_ids.to_vec()))
}

/// Whether a trigger's error says that no check matched: a 404 whose body
/// is the API's error object and whose message speaks of matching (the API
/// says "No matching checks were found"). Any other 404 (a wrong
/// `--api-url`, a proxy's page) is an error like any other.
pub fn is_no_matching_checks(e: &checkly::Error) -> bool {
    e.status().is_some_and(|s| s.as_u16() == 404)
        && e.api_error()
            .is_some_and(|body| body.message.to_ascii_lowercase().contains("match"))
}
