//! Maintenance tasks: `cargo xtask <task>`.
//!
//! - `codegen [PATH]`: builds the `checkly` crate and copies the client that
//!   progenitor generated from `openapi/checkly.yaml` to a readable file
//!   (default `target/codegen/checkly.rs`) for review.
//! - `spec trim --from PATH [--out PATH] [--base PATH] [--report PATH]
//!   [--dry-run] [--operations PATH] [--docs PATH]`: reads Checkly's whole
//!   public OpenAPI document (a local JSON or YAML file, told apart by
//!   content; URLs are not supported, download it first), keeps the
//!   operations listed in `openapi/operations.txt` and the components they
//!   reference, strips Checkly's prose, merges our descriptions from
//!   `openapi/docs.yaml`, and writes the normalized result (default
//!   `openapi/checkly.yaml`). It prints a change report against `--base`
//!   (default `openapi/checkly.yaml`, read before it is overwritten), each
//!   line marked `additive` or `breaking`, then the undocumented and stale
//!   docs entries. `--report` also writes the report to a file; `--dry-run`
//!   prints it and writes nothing.
//! - `spec check [--spec PATH] [--operations PATH] [--docs PATH]`: the spec
//!   (default `openapi/checkly.yaml`) parses as OpenAPI 3.0, every `$ref`
//!   resolves, its operations are exactly the listed ones, every component
//!   is referenced, its only prose is docs.yaml's, and it is in normalized
//!   form. Exits non-zero with the list of problems.
//! - `fuzz [--cases N] [--dev]`: runs the property-based fuzz targets (the
//!   proptest tests named `fuzz_*` of `checkly`, `checkly-cli` and
//!   `checkly-mock`: response decoding, the CLI's parsers, the mock's request
//!   validation) with `CHECKLY_FUZZ_CASES=N` cases each (default 100000),
//!   optimized (`--release`; `--dev` for the dev profile), then prints the
//!   targets, the total cases and the wall time. Plain `cargo test` runs the
//!   same targets at 256 cases each. A failure prints the minimal input:
//!   make it a unit test next to the fix.
//! - `bench [--runs N] [--build-runs N] [--only NAME,...] [--no-write]`:
//!   builds in release what it measures, runs every benchmark N times
//!   (default 5; `downstream`, two clean builds, `--build-runs` times,
//!   default 1), prints each figure's median and min–max and rewrites
//!   `BENCHMARKS.md`; see `xtask::bench`. Slow (about 15 minutes at 5 runs,
//!   plus 10 to 20 minutes a build run): not part of CI.
//!
//! The rules (normalization, the report's marks, docs.yaml's shape) are
//! documented in `xtask::spec::{normalize, report, docs}`.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};
use xtask::{bench, spec};

const USAGE: &str = "\
usage:
  cargo xtask codegen [PATH]
  cargo xtask spec trim --from PATH [--out PATH] [--base PATH] [--report PATH] [--dry-run]
                        [--operations PATH] [--docs PATH]
  cargo xtask spec check [--spec PATH] [--operations PATH] [--docs PATH]
  cargo xtask fuzz [--cases N] [--dev]
  cargo xtask bench [--runs N] [--build-runs N] [--only NAME,...] [--no-write]

spec trim --from takes a local JSON or YAML file (URLs are not supported).
Defaults: --out and --base openapi/checkly.yaml, --operations openapi/operations.txt,
--docs openapi/docs.yaml (relative to the workspace root).
bench --only takes codec, overhead, paging, follow_budget, binary, list-all, compare, follow,\ndownstream.";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") if args.len() <= 2 => {
            codegen(args.get(1).map(PathBuf::from))?;
            Ok(ExitCode::SUCCESS)
        }
        Some("spec") => match args.get(1).map(String::as_str) {
            Some("trim") => spec_trim(&args[2..]),
            Some("check") => spec_check(&args[2..]),
            _ => usage_error("spec needs a subcommand: trim or check"),
        },
        Some("fuzz") => fuzz(&args[1..]),
        Some("bench") => match bench::Options::parse(&args[1..]) {
            Ok(options) => {
                bench::run(&spec::workspace_root(), &options)?;
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => usage_error(&e.to_string()),
        },
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => usage_error(&format!("unknown task or arguments: {other:?}")),
        None => usage_error("no task given"),
    }
}

fn usage_error(message: &str) -> Result<ExitCode> {
    eprintln!("error: {message}\n{USAGE}");
    Ok(ExitCode::from(2))
}

/// Parses `--flag VALUE` pairs and bare `--switch`es.
fn flags<'a>(
    args: &'a [String],
    with_value: &[&str],
    switches: &[&str],
) -> Result<Vec<(&'a str, Option<&'a str>)>> {
    let mut out = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if with_value.contains(&arg.as_str()) {
            let value = iter
                .next()
                .with_context(|| format!("{arg} needs a value"))?;
            out.push((arg.as_str(), Some(value.as_str())));
        } else if switches.contains(&arg.as_str()) {
            out.push((arg.as_str(), None));
        } else {
            bail!("unexpected argument {arg:?}");
        }
    }
    Ok(out)
}

/// `cargo xtask fuzz`: the `fuzz_` tests with `CHECKLY_FUZZ_CASES` cases each.
fn fuzz(args: &[String]) -> Result<ExitCode> {
    let parsed = match flags(args, &["--cases"], &["--dev"]) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e.to_string()),
    };
    let mut cases: u64 = 100_000;
    let mut release = true;
    for (flag, value) in parsed {
        match (flag, value) {
            ("--cases", Some(n)) => match n.parse() {
                Ok(n) if n > 0 && n <= u64::from(u32::MAX) => cases = n,
                _ => {
                    return usage_error(&format!(
                        "--cases must be a whole number from 1, not {n:?}"
                    ));
                }
            },
            ("--dev", _) => release = false,
            _ => {}
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(spec::workspace_root()).arg("test");
    if release {
        command.arg("--release");
    }
    command
        .args([
            "--tests",
            "-p",
            "checkly",
            "-p",
            "checkly-cli",
            "-p",
            "checkly-mock",
        ])
        .args(["--", "fuzz_"])
        .env("CHECKLY_FUZZ_CASES", cases.to_string())
        .stdout(Stdio::piped());
    let started = std::time::Instant::now();
    let mut child = command.spawn().context("running cargo test")?;
    let stdout = child.stdout.take().context("cargo test's output")?;
    let mut targets = 0u64;
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
        let line = line.context("reading cargo test's output")?;
        println!("{line}");
        targets += passed(&line);
    }
    let status = child.wait().context("waiting for cargo test")?;
    let elapsed = started.elapsed().as_secs();
    println!(
        "fuzz: {targets} targets passed x {cases} cases = {} cases in {}m{:02}s",
        targets * cases,
        elapsed / 60,
        elapsed % 60
    );
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The `N passed` of a `test result:` line, else 0.
fn passed(line: &str) -> u64 {
    line.strip_prefix("test result: ")
        .and_then(|rest| {
            rest.split("; ")
                .find_map(|part| part.strip_suffix(" passed"))
        })
        .and_then(|part| part.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn spec_trim(args: &[String]) -> Result<ExitCode> {
    let parsed = match flags(
        args,
        &[
            "--from",
            "--out",
            "--base",
            "--report",
            "--operations",
            "--docs",
        ],
        &["--dry-run"],
    ) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e.to_string()),
    };
    let Some(from) = parsed
        .iter()
        .find(|(k, _)| *k == "--from")
        .and_then(|(_, v)| *v)
    else {
        return usage_error("spec trim needs --from PATH");
    };
    if from.starts_with("http://") || from.starts_with("https://") {
        return usage_error("--from must be a local file; URLs are not supported");
    }
    let root = spec::workspace_root();
    let mut options = spec::TrimOptions::new(&root, PathBuf::from(from));
    for (flag, value) in parsed {
        let path = value.map(PathBuf::from);
        match (flag, path) {
            ("--out", Some(p)) => options.out = p,
            ("--base", Some(p)) => options.base = p,
            ("--report", Some(p)) => options.report = Some(p),
            ("--operations", Some(p)) => options.operations = p,
            ("--docs", Some(p)) => options.docs = p,
            ("--dry-run", _) => options.dry_run = true,
            _ => {}
        }
    }
    let report = spec::run_trim(&options)?;
    print!("{report}");
    if !options.dry_run {
        eprintln!("wrote {}", options.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn spec_check(args: &[String]) -> Result<ExitCode> {
    let parsed = match flags(args, &["--spec", "--operations", "--docs"], &[]) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e.to_string()),
    };
    let root = spec::workspace_root();
    let mut spec_path = root.join(spec::SPEC);
    let mut operations = root.join(spec::OPERATIONS);
    let mut docs = root.join(spec::DOCS);
    for (flag, value) in parsed {
        let path = PathBuf::from(value.unwrap_or_default());
        match flag {
            "--spec" => spec_path = path,
            "--operations" => operations = path,
            "--docs" => docs = path,
            _ => {}
        }
    }
    let problems = spec::run_check(&spec_path, &operations, &docs)?;
    if problems.is_empty() {
        println!("{}: ok", spec_path.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}: {} problem(s)", spec_path.display(), problems.len());
        for problem in &problems {
            eprintln!("  - {problem}");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn codegen(target: Option<PathBuf>) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--package", "checkly", "--message-format=json"])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    if !output.status.success() {
        bail!("cargo build failed");
    }
    let out_dir = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "build-script-executed")
        .filter(|msg| {
            msg["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("checkly"))
        })
        .find_map(|msg| msg["out_dir"].as_str().map(PathBuf::from))
        .context("cargo did not report the build script's OUT_DIR")?;
    let target = target.unwrap_or_else(|| PathBuf::from("target/codegen/checkly.rs"));
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut text = String::from(
        "// Generated by progenitor from openapi/checkly.yaml (via build.rs). For review only.\n\n",
    );
    text.push_str(
        &std::fs::read_to_string(out_dir.join("codegen.rs")).context("reading codegen.rs")?,
    );
    text.push_str("\n// ---- open enums (build.rs) ----\n");
    text.push_str(
        &std::fs::read_to_string(out_dir.join("open_enums.rs")).context("reading open_enums.rs")?,
    );
    std::fs::write(&target, text).with_context(|| format!("writing {}", target.display()))?;
    println!("{}", target.display());
    Ok(())
}
