//! Triggers one check session per check matching tags (the v2 API) and
//! waits for all of them under one deadline, printing each as it ends:
//! exit 0 when every one passed, 1 otherwise.
//!
//! ```text
//! CHECKLY_API_KEY=... CHECKLY_ACCOUNT_ID=... cargo run --example wait_many_check_sessions -- production
//! ```

use std::process::ExitCode;
use std::time::Duration;

use checkly::SessionVerdict;
use checkly::types::{CheckSessionsV2TriggerRequest, CheckSessionsV2TriggerRequestTarget};
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let tags = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "production".into());
    // CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and, if set, CHECKLY_API_URL.
    let client = checkly::Client::from_env()?;

    let request = CheckSessionsV2TriggerRequest {
        target: Some(CheckSessionsV2TriggerRequestTarget {
            match_tags: vec![tags.split(',').map(str::to_owned).collect()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let triggered = client.trigger_check_sessions_v2(&request).await?.sessions;
    println!("triggered {} check sessions", triggered.len());

    let ids = triggered.iter().map(|s| s.check_session_id);
    let mut ended = client
        .wait_for_check_sessions(ids)
        .wait(Duration::from_secs(600));
    let mut all_passed = true;
    while let Some((id, outcome)) = ended.next().await {
        match outcome {
            Ok(done) => {
                let verdict = done.value.verdict();
                all_passed &= verdict.passed();
                let name = done.value.name.as_deref().unwrap_or("unnamed check");
                println!("{verdict} {name} {id}");
            }
            Err(error) => {
                all_passed = false;
                println!("ERROR {id}: {error}");
            }
        }
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
