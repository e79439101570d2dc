//! `checkly-mock`: serves the mock Checkly API until Ctrl+C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use checkly_mock::{
    Catalog, DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, FaultRule, MockConfig, MockServer,
};
use clap::Parser;

const AFTER_HELP: &str = "\
Fault SPEC syntax:  [METHOD:]PATH-PREFIX=KIND[xTIMES]
  KIND is one of
    status:CODE[:retry-after=VALUE]  answer CODE (200..=599 but 204, 205, 304) with an ApiError body
                                     (and Retry-After: VALUE; a 429 always has one, 1 by default)
    delay:MILLIS                     wait, then answer normally
    drop                             close the connection without answering
    truncated                        send half of a JSON body, then close the connection
    not-json                         answer <html>oops</html> as text/html
    unknown-enum                     answer normally, with checkType \"GRPC\" and unknown fields added
  METHOD is optional (any method when omitted or *); PATH-PREFIX matches every path starting with it;
  xTIMES limits the rule to the next TIMES matching requests (omitted or x0: every request).
  Examples:
    --fault 'GET:/v1/test-sessions=status:503x2'
    --fault 'POST:/v1/test-sessions/trigger=status:429:retry-after=1x1'
    --fault '/v1=delay:500'
    --fault 'GET:/v1/check-sessions=drop'

Demo catalog tags: production (all pass), failing (fails), flaky (fails, then passes on a retry),
degraded, slow (20 s), staging, api, browser, web, e2e, infra, checkout, legacy (deactivated).

Admin routes (no auth): GET|POST|DELETE /__mock/faults, GET|DELETE /__mock/requests.";

/// A stateful local fake of Checkly's test-session and check-session API.
#[derive(Debug, Parser)]
#[command(name = "checkly-mock", version, about, after_help = AFTER_HELP)]
struct Cli {
    /// Host name or IP address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4010)]
    port: u16,

    /// The API key clients must send as `Authorization: Bearer <key>`.
    #[arg(long, env = "CHECKLY_MOCK_API_KEY", default_value = DEFAULT_API_KEY, hide_env_values = true)]
    api_key: String,

    /// The account id clients must send as `X-Checkly-Account`.
    #[arg(long, default_value = DEFAULT_ACCOUNT_ID, value_parser = parse_account_id)]
    account_id: String,

    /// How many times faster than real time checks run (e.g. 10: a 2 s check takes 0.2 s).
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    speed: f64,

    /// Load the checks from a JSON or YAML file instead of the demo catalog.
    #[arg(long, value_name = "FILE")]
    checks: Option<PathBuf>,

    /// Preload this many finished test sessions into the session list (at most 100000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=100_000)
    )]
    history: usize,

    /// Inject a fault (repeatable); see the SPEC syntax below.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    faults: Vec<FaultRule>,
}

/// A UUID in its hyphenated form, as `MockServer::bind` wants it.
fn parse_account_id(s: &str) -> Result<String, String> {
    if s.len() != 36 {
        return Err("not a hyphenated UUID (8-4-4-4-12 hex digits)".to_owned());
    }
    uuid::Uuid::try_parse(s)
        .map(|_| s.to_owned())
        .map_err(|e| format!("not a UUID: {e}"))
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number greater than 0")),
    }
}

fn parse_fault(s: &str) -> Result<FaultRule, String> {
    s.parse()
}

async fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))
}

async fn run(cli: Cli) -> Result<(), String> {
    let catalog = match &cli.checks {
        Some(path) => Catalog::from_path(path)?,
        None => Catalog::demo(),
    };
    let config = MockConfig {
        api_key: cli.api_key,
        account_id: cli.account_id,
        speed: cli.speed,
        catalog,
        history: cli.history,
        faults: cli.faults,
    };
    let addr = resolve(&cli.host, cli.port).await?;
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
        assert_eq!(cli.faults.len(), 2);
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
        assert_eq!(most.history, 100_000);
        assert!(Cli::try_parse_from(["checkly-mock", "--history", "100001"]).is_err());
        assert!(Cli::try_parse_from(["checkly-mock", "--history", "-1"]).is_err());
        assert!(Cli::try_parse_from(["checkly-mock", "--fault", "nope"]).is_err());
    }
}
