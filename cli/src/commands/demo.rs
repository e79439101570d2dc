//! `checkly demo`: the `trigger` flow, offline, against the bundled mock.
//!
//! Starts `checkly_mock::MockServer` in this process on a free local port
//! with a sped-up clock (`--speed`, default 10: the demo catalog's checks take
//! 1 to 20 simulated seconds, so a run takes well under a few seconds), builds
//! a client with the mock's own credentials (any `--api-key`, `--account-id`
//! and `--api-url` are ignored) and runs exactly what `checkly trigger` runs.
//! `demo -t production` passes (exit 0), `demo -t failing` fails (exit 1),
//! `demo -t flaky --retries 1` passes on a retry.

use anyhow::Context;
use checkly::Client;
use checkly_mock::{MockConfig, MockServer};

use crate::cli::{DemoArgs, GlobalArgs};
use crate::commands::trigger;
use crate::error::Exit;
use crate::print::Printer;

/// Runs `demo`.
pub async fn run(global: &GlobalArgs, args: DemoArgs) -> anyhow::Result<Exit> {
    let server = MockServer::start(MockConfig::default().with_speed(args.speed))
        .await
        .context("could not start the bundled mock API")?;
    let mut printer = Printer::new(global.verbose);
    printer.info(&format!(
        "Demo: running against the bundled mock API at {} ({}x speed); nothing leaves this machine",
        server.url(),
        args.speed
    ));
    let client = Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .build()?;
    let mut trigger_args = args.trigger;
    // Short polls, so that results show as they finish even at high speed.
    trigger_args.poll_seconds = 1;
    let exit = trigger::run_with_client(&client, &trigger_args, &mut printer, true).await;
    drop(server);
    exit
}
