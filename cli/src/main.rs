//! `checkly`: trigger, follow and gate on Checkly test sessions.
//!
//! A thin layer over the `checkly` library: every request goes through
//! [`checkly::Client`]. This file parses the command line, runs the command
//! on a tokio runtime and turns the outcome into an exit code:
//!
//! | code | meaning |
//! | ---- | ------- |
//! | 0 | every check passed (or the command succeeded) |
//! | 1 | a check failed, an error, a timeout, an interrupt, or no matching checks |
//! | 2 | a bad flag or bad input (the message names the flag) |

#![deny(missing_docs)]

mod cli;
mod commands;
mod error;
mod follow;
#[cfg(test)]
mod fuzz_tests;
mod logging;
mod metadata;
mod parse;
mod print;
mod report;
mod session;
mod why;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbose = cli.global.verbose;
    logging::init(verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            print::error_line(&format!("could not start the async runtime: {e}"));
            return ExitCode::from(Exit::Failure.code());
        }
    };
    let outcome = runtime.block_on(run(cli));
    // Do not wait for stray tasks (a pending cancel, the Ctrl+C listener).
    runtime.shutdown_background();
    match outcome {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            let exit = error::report(&err, verbose);
            ExitCode::from(exit.code())
        }
    }
}

/// Runs the command the user asked for.
async fn run(cli: Cli) -> anyhow::Result<Exit> {
    let global = cli.global;
    match cli.command {
        Command::Trigger(args) => commands::trigger::run(&global, args).await,
        Command::TestSessions(command) => commands::test_sessions::run(&global, command).await,
        Command::CheckSessions(command) => commands::check_sessions::run(&global, command).await,
        #[cfg(feature = "demo")]
        Command::Demo(args) => commands::demo::run(&global, args).await,
        #[cfg(feature = "demo")]
        Command::Mock(args) => commands::mock::run(&global, args).await,
    }
}
