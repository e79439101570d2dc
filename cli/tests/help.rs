//! Every `--help` page, snapshotted, so that a flag cannot change unnoticed.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::assert::OutputAssertExt;

use common::{checkly, stdout};

const COMMANDS: &[&[&str]] = &[
    &[],
    &["trigger"],
    &["test-sessions"],
    &["test-sessions", "list"],
    &["test-sessions", "get"],
    &["test-sessions", "cancel"],
    &["check-sessions"],
    &["check-sessions", "trigger"],
    &["check-sessions", "get"],
    &["check-sessions", "wait"],
    &["check-sessions", "cancel"],
    &["demo"],
    &["mock"],
];

#[test]
fn every_help_page() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let run = checkly(&args).env("COLUMNS", "100").assert().code(0);
        let name = if command.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", command.join("_"))
        };
        insta::assert_snapshot!(name, stdout(&run));
    }
}

#[test]
fn version_and_usage() {
    let run = checkly(&["--version"]).assert().code(0);
    assert_eq!(
        stdout(&run),
        format!("checkly {}\n", env!("CARGO_PKG_VERSION"))
    );
    // No command: usage error.
    checkly(&[]).assert().code(2);
}
