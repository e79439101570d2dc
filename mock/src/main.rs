//! `checkly-mock`: serves the mock Checkly API until Ctrl+C.

use std::io::Write;
use std::process::ExitCode;

use checkly_mock::{MOCK_AFTER_HELP, MockArgs, MockCredentialArgs, MockServer};
use clap::Parser;

/// A stateful local fake of Checkly's test-session and check-session API.
#[derive(Debug, Parser)]
#[command(name = "checkly-mock", version, about, after_help = MOCK_AFTER_HELP)]
struct Cli {
    /// The server's flags, shared with `checkly mock`.
    #[command(flatten)]
    server: MockArgs,

    /// The credentials the server accepts.
    #[command(flatten)]
    credentials: MockCredentialArgs,
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.credentials.apply(cli.server.config()?);
    let addr = cli.server.addr().await?;
    let server = MockServer::bind(config, addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "checkly-mock listening on {}", server.url())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
    }
    tokio::select! {
        () = server.wait() => Err("the server stopped".to_owned()),
        signal = tokio::signal::ctrl_c() => signal.map_err(|e| format!("cannot wait for Ctrl+C: {e}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("checkly-mock: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "checkly-mock",
            "--port",
            "0",
            "--speed",
            "50",
            "--fault",
            "GET:/v1=status:503x2",
            "--fault",
            "/v1=drop",
        ])
        .expect("valid flags");
        assert_eq!(cli.server.faults.len(), 2);
        assert!(Cli::try_parse_from(["checkly-mock", "--speed", "0"]).is_err());
        assert!(Cli::try_parse_from(["checkly-mock", "--account-id", "x"]).is_err());
        assert!(
            Cli::try_parse_from([
                "checkly-mock",
                "--account-id",
                "11111111111141118111111111111111"
            ])
            .is_err()
        );
        let most = Cli::try_parse_from(["checkly-mock", "--history", "100000"]).expect("valid");
        assert_eq!(most.server.history, 100_000);
        assert!(Cli::try_parse_from(["checkly-mock", "--history", "100001"]).is_err());
        assert!(Cli::try_parse_from(["checkly-mock", "--history", "-1"]).is_err());
        assert!(Cli::try_parse_from(["checkly-mock", "--fault", "nope"]).is_err());
    }
}
