//! Lists the failed test sessions of a branch, following the `nextId`
//! cursor page after page.
//!
//! ```text
//! CHECKLY_API_KEY=... CHECKLY_ACCOUNT_ID=... cargo run --example failed_sessions_of_branch -- main
//! ```

use checkly::types::TestSessionStatus;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let branch = std::env::args().nth(1).unwrap_or_else(|| "main".into());
    // CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and, if set, CHECKLY_API_URL.
    let client = checkly::Client::from_env()?;

    let mut failed = client
        .list_test_sessions()
        .branch(branch.as_str())
        .status(TestSessionStatus::Failed)
        .into_paginator()
        .items();
    let mut count = 0;
    while let Some(entry) = failed.try_next().await? {
        println!("{} {}", entry.id, entry.name);
        count += 1;
    }
    println!("{count} failed sessions on {branch}");
    Ok(())
}
