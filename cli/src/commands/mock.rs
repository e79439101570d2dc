//! `checkly mock`: serve the bundled mock API in the foreground until Ctrl+C.
//!
//! The flags are `checkly_mock::MockArgs`, the same struct the `checkly-mock`
//! binary flattens; the credentials are the mock's defaults.

use anyhow::Context;
use checkly_mock::{MockArgs, MockServer};

use crate::cli::GlobalArgs;
use crate::error::Exit;
use crate::print::Printer;

/// Runs `mock`: prints the URL and the variables to export, then serves.
pub async fn run(global: &GlobalArgs, args: MockArgs) -> anyhow::Result<Exit> {
    let printer = Printer::new(global.verbose);
    let config = args.config().map_err(anyhow::Error::msg)?;
    let addr = args.addr().await.map_err(anyhow::Error::msg)?;
    let server = MockServer::bind(config, addr)
        .await
        .with_context(|| format!("could not serve the mock API on {addr}"))?;
    printer.out(&format!(
        "Mock Checkly API listening on {url} ({speed}x speed)\n\
         Point the CLI at it with:\n  \
         export CHECKLY_API_URL={url}\n  \
         export CHECKLY_API_KEY={key}\n  \
         export CHECKLY_ACCOUNT_ID={account}\n",
        url = server.url(),
        speed = args.speed,
        key = server.api_key(),
        account = server.account_id(),
    ));
    printer.info("Serving until Ctrl+C.");
    tokio::select! {
        () = server.wait() => anyhow::bail!("the mock API stopped"),
        signal = tokio::signal::ctrl_c() => {
            signal.context("could not wait for Ctrl+C")?;
            printer.info("Stopped.");
            Ok(Exit::Success)
        }
    }
}
