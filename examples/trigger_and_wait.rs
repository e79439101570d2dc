//! Triggers a test session for the checks matching tags, waits for it, and
//! gates on its verdict: exit 0 when it passed, 1 when it did not.
//!
//! ```text
//! CHECKLY_API_KEY=... CHECKLY_ACCOUNT_ID=... cargo run --example trigger_and_wait -- production,api
//! ```

use std::process::ExitCode;
use std::time::Duration;

use checkly::SessionVerdict;
use checkly::types::{TriggerTestSessionRequest, TriggerTestSessionRequestTarget};

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // Checks carrying every one of these tags (default: production).
    let tags = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "production".into());
    // CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and, if set, CHECKLY_API_URL.
    let client = checkly::Client::from_env()?;

    let mut request = TriggerTestSessionRequest::new("Deploy gate", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![tags.split(',').map(str::to_owned).collect()],
        ..Default::default()
    });
    let session = client.trigger_test_session(&request).await?;
    println!("triggered {}", session.test_session_link);

    let done = client
        .wait_for_test_session(session.test_session_id)
        .wait(Duration::from_secs(600))
        .await?;
    for check in done.value.checks() {
        let name = check.name.as_deref().unwrap_or("unnamed check");
        println!(
            "{} {name} ({} attempts)",
            check.verdict,
            check.attempt_count()
        );
    }
    let verdict = done.value.verdict();
    println!("verdict: {verdict}");
    Ok(if verdict.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
