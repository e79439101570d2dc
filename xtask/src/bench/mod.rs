//! `cargo xtask bench [--runs N] [--build-runs N] [--only NAME,...] [--no-write]`: every
//! benchmark in one harness.
//!
//! It builds what it measures (`cargo build --release -p checkly-cli -p
//! checkly-mock`, the `dist` profile's `checkly`, and the bench targets),
//! runs each benchmark `--runs` times (default 5), gathers the figures the
//! bench binaries print as `BENCH name=value unit [target<=X]` lines (see
//! [`figures`]) plus the process figures it measures itself ([`process`]:
//! the binary's size and start, `test-sessions list --all`, ours against
//! curl and the official CLI, and `checkly trigger` following a session
//! against a curl loop; [`downstream`]: the clean build of a program on the
//! library against one on plain reqwest), prints a table of each figure's
//! median and
//! min–max, and rewrites `BENCHMARKS.md` (unless `--no-write`). Every
//! comparison is a ratio against a baseline measured in the same run; one
//! that cannot run is skipped with a line saying why.

mod downstream;
pub mod figures;
mod follow;
pub mod process;
mod processes;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use figures::Collected;

/// The bench targets of the `checkly` package (`benches/*.rs`).
pub const BENCH_TARGETS: [&str; 4] = ["codec", "overhead", "paging", "follow_budget"];
/// The benchmarks `cargo xtask bench` measures itself.
pub const PROCESS_BENCHES: [&str; 5] = ["binary", "list-all", "compare", "follow", "downstream"];

/// The options of `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub runs: usize,
    /// How many of the runs include `downstream` (two clean release builds,
    /// ten minutes or more each run): the first ones.
    pub build_runs: usize,
    pub only: Option<Vec<String>>,
    pub write: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runs: 5,
            build_runs: 1,
            only: None,
            write: true,
        }
    }
}

impl Options {
    /// Parses the arguments after `bench`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--runs" => {
                    let n = iter.next().context("--runs needs a value")?;
                    options.runs = match n.parse() {
                        Ok(n) if (1..=100).contains(&n) => n,
                        _ => bail!("--runs must be a whole number from 1 to 100, not {n:?}"),
                    };
                }
                "--build-runs" => {
                    let n = iter.next().context("--build-runs needs a value")?;
                    options.build_runs = match n.parse() {
                        Ok(n) if (1..=100).contains(&n) => n,
                        _ => bail!("--build-runs must be a whole number from 1 to 100, not {n:?}"),
                    };
                }
                "--only" => {
                    let names: Vec<String> = iter
                        .next()
                        .context("--only needs a value")?
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    for name in &names {
                        if !BENCH_TARGETS.contains(&name.as_str())
                            && !PROCESS_BENCHES.contains(&name.as_str())
                        {
                            bail!(
                                "unknown benchmark {name:?}; known: {}, {}",
                                BENCH_TARGETS.join(", "),
                                PROCESS_BENCHES.join(", ")
                            );
                        }
                    }
                    options.only = Some(names);
                }
                "--no-write" => options.write = false,
                other => bail!("unexpected argument {other:?}"),
            }
        }
        Ok(options)
    }

    pub fn selected(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|n| n == name))
    }
}

/// What a run gathered, for the report.
#[derive(Debug, Default)]
pub struct Outcome {
    pub figures: Collected,
    /// `skipped: why` lines.
    pub skipped: Vec<String>,
    /// Bench binaries that exited non-zero (a target missed), with how often.
    pub failed: BTreeMap<String, usize>,
    /// Build steps: what, seconds, crates compiled.
    pub builds: Vec<(String, f64, usize)>,
    /// Which benchmarks ran.
    pub ran: Vec<String>,
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = target_dir(root);
    let mut outcome = Outcome::default();

    // `downstream` builds its own programs, not the workspace's binaries.
    let wants_process = PROCESS_BENCHES
        .iter()
        .any(|b| *b != "downstream" && options.selected(b));
    if wants_process {
        build(
            &mut outcome,
            root,
            &cargo,
            "release: checkly-cli, checkly-mock",
            &[
                "build",
                "--release",
                "-p",
                "checkly-cli",
                "-p",
                "checkly-mock",
            ],
        )?;
    }
    if options.selected("binary") {
        build(
            &mut outcome,
            root,
            &cargo,
            "dist: checkly-cli",
            &["build", "--profile", "dist", "-p", "checkly-cli"],
        )?;
    }
    let targets: Vec<&str> = BENCH_TARGETS
        .iter()
        .copied()
        .filter(|t| options.selected(t))
        .collect();
    let executables = if targets.is_empty() {
        BTreeMap::new()
    } else {
        bench_executables(&mut outcome, root, &cargo, &targets)?
    };

    let scratch = target_dir.join("xtask-bench");
    std::fs::create_dir_all(&scratch).context("creating target/xtask-bench")?;
    let mut env = processes::Env::start(root, &target_dir, &scratch, options, &mut outcome)?;
    let mut downstream = options
        .selected("downstream")
        .then(|| downstream::Downstream::start(root, &target_dir, &cargo, &mut outcome))
        .flatten();
    for run in 1..=options.runs {
        eprintln!("bench: run {run} of {}", options.runs);
        for target in &targets {
            let exe = &executables[*target];
            eprintln!("bench:   {target}");
            let started = Instant::now();
            let output = Command::new(exe)
                .arg("--bench")
                .current_dir(root)
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
                .with_context(|| format!("running the {target} bench"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let mut found = 0;
            for line in stdout.lines() {
                if let Some(figure) = figures::parse_line(line) {
                    outcome.figures.add(figure);
                    found += 1;
                }
            }
            if !output.status.success() {
                *outcome.failed.entry((*target).to_string()).or_default() += 1;
            }
            eprintln!(
                "bench:   {target}: {found} figures in {:.0} s{}",
                started.elapsed().as_secs_f64(),
                if output.status.success() {
                    ""
                } else {
                    " (exited non-zero: a target missed)"
                }
            );
            if found == 0 {
                eprintln!("{stdout}");
                let line = format!("skipped: {target}: it printed no BENCH line (it failed)");
                if !outcome.skipped.contains(&line) {
                    outcome.skipped.push(line);
                }
            }
        }
        env.run_once(&mut outcome)?;
        if let Some(downstream) = downstream.as_mut().filter(|_| run <= options.build_runs) {
            downstream.run_once(&mut outcome);
        }
    }
    env.stop();
    // Removes the downstream projects and their builds.
    drop(downstream);
    outcome.ran = BENCH_TARGETS
        .iter()
        .chain(PROCESS_BENCHES.iter())
        .filter(|b| options.selected(b))
        .map(|b| b.to_string())
        .collect();
    let table = report::table(&outcome);
    println!("{table}");
    for line in &outcome.skipped {
        println!("{line}");
    }
    if options.write {
        let text = report::markdown(&outcome, options, &report::Machine::probe(root));
        std::fs::write(root.join("BENCHMARKS.md"), text).context("writing BENCHMARKS.md")?;
        println!("wrote BENCHMARKS.md");
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// The cargo target directory (`CARGO_TARGET_DIR`, else `target/`).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    }
}

/// Runs one cargo build step, noting its time and how many crates it
/// compiled (0: it was up to date).
fn build(outcome: &mut Outcome, root: &Path, cargo: &str, what: &str, args: &[&str]) -> Result<()> {
    eprintln!("bench: cargo {}", args.join(" "));
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        eprintln!("{stderr}");
        bail!("cargo {} failed", args.join(" "));
    }
    let compiled = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    outcome.builds.push((what.to_string(), seconds, compiled));
    Ok(())
}

/// Builds the bench targets and returns their executables by name.
fn bench_executables(
    outcome: &mut Outcome,
    root: &Path,
    cargo: &str,
    targets: &[&str],
) -> Result<BTreeMap<String, PathBuf>> {
    let mut args = vec![
        "bench",
        "-p",
        "checkly",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ];
    for target in targets {
        args.push("--bench");
        args.push(target);
    }
    eprintln!("bench: cargo {}", args.join(" "));
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(&args)
        .current_dir(root)
        .stderr(Stdio::piped())
        .output()
        .context("running cargo bench --no-run")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        eprintln!("{stderr}");
        bail!("cargo bench --no-run failed");
    }
    let compiled = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    outcome.builds.push((
        "bench targets (cargo bench's profile)".into(),
        started.elapsed().as_secs_f64(),
        compiled,
    ));
    let mut found = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_bench = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "bench"));
        if let (true, Some(name), Some(exe)) = (
            is_bench,
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            found.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    for target in targets {
        if !found.contains_key(*target) {
            bail!("cargo did not build the {target} bench");
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_options() {
        assert_eq!(Options::parse(&[]).expect("ok"), Options::default());
        let options = Options::parse(&args(&[
            "--runs",
            "3",
            "--only",
            "codec,binary",
            "--no-write",
        ]))
        .expect("ok");
        assert_eq!(options.runs, 3);
        assert_eq!(options.build_runs, 1, "downstream runs once unless asked");
        let more = Options::parse(&args(&["--build-runs", "2"])).expect("ok");
        assert_eq!(more.build_runs, 2);
        assert!(!options.write);
        assert!(options.selected("codec") && options.selected("binary"));
        assert!(!options.selected("paging"));
        assert!(Options::default().selected("paging"));
        let downstream = Options::parse(&args(&["--only", "downstream"])).expect("ok");
        assert!(downstream.selected("downstream") && !downstream.selected("binary"));
        for bad in [
            &["--runs", "0"][..],
            &["--build-runs", "0"],
            &["--build-runs"],
            &["--runs"],
            &["--only", "nope"],
            &["--fast"],
        ] {
            assert!(Options::parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
