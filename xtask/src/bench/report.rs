//! The table `cargo xtask bench` prints and the `BENCHMARKS.md` it writes.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::figures::{Stats, number};
use super::{Options, Outcome};

/// The sections of the report: figure name prefixes, a title and the method.
/// A figure goes to the section of the longest prefix it starts with.
const SECTIONS: &[(&[&str], &str, &str)] = &[
    (
        &["overhead."],
        "Library request overhead (`benches/overhead.rs`)",
        "The same `GET /v1/test-sessions/{id}` 500 times in a row through \
         `Client::get_test_session` (ours: validation, auth hook, retry policy, tracing span, \
         decoding into the generated types), through a plain `reqwest::Client` sending the \
         same two headers and decoding into `serde_json::Value` (`baseline`), and through that \
         plain client with the per-request timeout ours sets (10 s, `baseline_timeout`), against \
         checkly-mock in the same process over loopback. 11 rounds a run, the order rotating; a \
         ratio is the median over rounds of ours' time over a baseline's in the same round. \
         Target: `ratio_timeout` ≤ 1.05×. `ratio`, against the bare client, also counts the \
         timeout's cost: one tokio timer armed and cancelled per request, which wakes the \
         runtime's timer driver. Profiled by hand with callgrind and perf: ours executes fewer \
         instructions per request than the baseline on the calling thread (typed decoding is \
         cheaper than building a `Value`), the same on the runtime's workers, and as many \
         thread wake-ups as the baseline with a timeout. The timeout keeps a hung connection \
         from stalling a CI job, so it stays.",
    ),
    (
        &["paging."],
        "Paging 10,000 sessions (`benches/paging.rs`)",
        "`list_test_sessions().limit(100).into_paginator().items()` (ours) against a plain \
         reqwest loop that decodes each page into `serde_json::Value` and follows `nextId` \
         (baseline), each in a child process so that its peak resident memory (`VmHWM` read at \
         its end) is its own and not the in-process mock's; 1,000 and 10,000 sessions of \
         history, 3 children of each a run. `time_ratio` is ours' time over the baseline's at \
         10,000 (target ≤ 1.10×); `peak_growth` is the peak at 10,000 over the peak at 1,000 \
         (flat memory: target ≤ 1.5×, where keeping every session would grow about 10×).",
    ),
    (
        &["list_all."],
        "`checkly test-sessions list --all` (measured by xtask)",
        "The release `checkly` listing every session of a `checkly-mock --history 1000` and \
         `--history 10000` process, 100 a page, in `-o table` and `-o json`, output to /dev/null. \
         Peak memory is `/usr/bin/time -f %M` (the kernel's maxrss); wall time is the median of \
         3. Since this issue the CLI prints each page as it arrives (JSON with the same document \
         as before, byte for byte; the table with fixed column widths), so `peak_growth` \
         (10,000 over 1,000) should stay near 1× (target ≤ 1.5×). `list_all.curl.10000.wall` is \
         the baseline for the wall time: the same 100 pages fetched by one `curl` process a page, \
         following `nextId`, as a shell script would.",
    ),
    (
        &["compare."],
        "`checkly` against curl and the official CLI (measured by xtask)",
        "The same loopback `checkly-mock --history 10000`: `test-sessions list --limit 20 -o json` \
         and `test-sessions get ID -o json` by the release `checkly` (ours), by `curl -sSf` with \
         the same two headers (the baseline: one HTTP request, no decoding), and by the official \
         Checkly CLI 8.23 (npm package `checkly`, installed by `scripts/install-official-cli.sh` \
         into `target/official-cli`; it has the same `test-sessions list|get` commands), run with \
         `CHECKLY_ENV=local CHECKLY_API_URL=… CHECKLY_SKIP_AUTH=1 \
         CHECKLY_SKIP_NEW_VERSION_CHECK=true`. Wall time is the median of 5 runs (3 for the \
         official CLI, which starts node) a run; peak memory is `/usr/bin/time -f %M`. Ratios \
         are against curl.",
    ),
    (
        &["binary."],
        "The binary: `release` against `dist` (measured by xtask)",
        "`target/release/checkly` (the default release profile) against `target/dist/checkly` \
         (`[profile.dist]` in the root Cargo.toml: release plus `strip = true`, \
         `lto = \"thin\"`, `codegen-units = 1`, panic still `unwind`), both built in the same \
         run. Size on disk; start time is the wall time of `checkly --version`, the median of \
         21 runs of each a run, interleaved. Ratios are dist over release.",
    ),
    (
        &["downstream."],
        "What a user pays to depend on it (measured by xtask)",
        "Two programs, each its own cargo workspace under `target/xtask-bench-downstream/` \
         (`xtask/src/bench/downstream.rs`): `ours` depends on `checkly` (a path dependency on \
         this checkout, default features) and tokio and lists one page of test sessions through \
         `checkly::Client`; `plain` (the baseline) depends on reqwest with the library's default \
         features (`json`, `query`, `rustls`), serde_json and tokio and makes the same GET, \
         decoding it into `serde_json::Value`. Both start from a copy of the workspace's \
         `Cargo.lock` (`cargo fetch` adds the project itself and drops what it does not use; the \
         benchmark is skipped if a version is not one the workspace pins), then build `--frozen`. Each run \
         builds both clean (`cargo build --release`, its target dir removed first), the order \
         alternating; `crates` counts cargo's `Compiling` lines. `build_ratio` is ours' wall time \
         over plain's (target ≤ 1.5×). Then the mtime of the library's `src/lib.rs` is set to \
         now (its contents untouched) and `ours` rebuilt with `-v`: \
         `src_change.build_script_runs` counts the runs of the library's build script in that \
         output (target 0: `build/main.rs` prints `cargo:rerun-if-changed` for \
         `openapi/checkly.yaml` and `build/` only, so progenitor does not run again on a change \
         under `src/`); `src_change.rebuild_ratio` is that rebuild over the clean build of ours.",
    ),
    (
        &["codec."],
        "Decoding and validation (`benches/codec.rs`)",
        "Decoding a 100-entry list page into the generated types over decoding it into \
         `serde_json::Value` (target ≤ 3×), and validating a trigger request (20 environment \
         variables, tags, a retry strategy) against the spec over encoding it to JSON (target ≤ \
         25×); each the median of 11 rounds of 200. The validator compiles each operation's \
         schemas from the embedded spec once, and tries anyOf branches by counting broken rules \
         without wording them; before that it walked the spec's JSON for every request (31.5×).",
    ),
    (
        &["follow."],
        "Following a session (`benches/follow_budget.rs`)",
        "The library's waiter (30 s completion long polls) and the CLI's old follower (a 2 s \
         poll and a retrieve after each) follow sessions of the same five checks (5 s to 80 s) \
         against checkly-mock in real time, at once: requests a minute (ours ≤ 10, and ≤ 1/5 of \
         the baseline's: `rate_ratio` ≤ 0.2), how late the end was noticed after `stoppedAt` \
         (≤ 500 ms) and the slowest result shown after it finished.",
    ),
    (
        &["follow.minute.", "follow.hundred."],
        "Following a session with `checkly trigger` (measured by xtask)",
        FOLLOW_METHOD,
    ),
];

/// The method of the `follow` section (long: two followers, two scenarios).
const FOLLOW_METHOD: &str = "The release `checkly trigger --tags TAG --json-file F` (ours, output to \
     /dev/null) and what a script without it would run (the baseline: one `curl` POST of \
     `/v1/test-sessions/trigger`, then one `curl` GET of `/v1/test-sessions/{id}` every 2 s until \
     the status is final; xtask runs the curl processes, as a shell loop would) follow a session \
     each, at the same time, on one `checkly-mock --speed 1 --checks FILE` (real time). Two \
     scenarios, all four followers at once: `minute` (5 checks of 10 s to 60 s) and `hundred` \
     (100 checks of 5 s to 45 s), every check passing. Requests are counted in the mock's request \
     log (`GET /__mock/requests`, emptied before each run): a follower's are those whose path \
     holds its session's id, and its trigger (told apart by the session name in the body); a \
     request of no followed session fails the run. `rate` is requests (the trigger included) a \
     minute of the session's `stoppedAt − startedAt`; `exit_latency` is the wall-clock (UTC) time \
     the process or the loop exited minus `stoppedAt`. Targets, from the library's documented \
     schedule (`src/wait.rs`): `ours.requests` at most its budget for the session's length (the \
     trigger, a 30 s long poll after another, retrieves from 2 s on at most one per 10 s with a \
     burst of 2: 10 for 60 s, 9 for 45 s); `rate_ratio` ≤ 0.4 (that budget against the \
     baseline's 30 a minute, 10/31 and 9/23; the 0.2 of `follow_budget` is against a baseline \
     of 60 a minute, a 2 s long poll and a retrieve after each); `ours.exit_latency` ≤ 1000 ms \
     (the end is seen when the long poll answers, then the report is written).";

/// The longest of `prefixes` that `name` starts with, by length (0: none).
fn matched(prefixes: &[&str], name: &str) -> usize {
    prefixes
        .iter()
        .filter(|p| name.starts_with(**p))
        .map(|p| p.len())
        .max()
        .unwrap_or(0)
}

/// Whether figure `name` goes to the section of `prefixes`: it matches one
/// and no other section has a longer match.
fn in_section(prefixes: &[&str], name: &str) -> bool {
    let own = matched(prefixes, name);
    own > 0
        && SECTIONS
            .iter()
            .all(|(other, _, _)| matched(other, name) <= own)
}

/// The machine a run was on.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub date: String,
    pub cpus: String,
    pub cpu_model: String,
    pub memory: String,
    pub os: String,
    pub rustc: String,
}

fn command_line(program: &str, args: &[&str], root: &Path) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(root)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

impl Machine {
    pub fn probe(root: &Path) -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let unknown = || "unknown".to_string();
        let memory = read("/proc/meminfo")
            .lines()
            .find_map(|l| {
                let kib: f64 = l
                    .strip_prefix("MemTotal:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse()
                    .ok()?;
                Some(format!("{:.1} GiB", kib / (1024.0 * 1024.0)))
            })
            .unwrap_or_else(unknown);
        let cpu_model = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| {
                Some(
                    l.strip_prefix("model name")?
                        .split_once(':')?
                        .1
                        .trim()
                        .to_string(),
                )
            })
            .unwrap_or_else(unknown);
        let os = read("/etc/os-release")
            .lines()
            .find_map(|l| {
                Some(
                    l.strip_prefix("PRETTY_NAME=")?
                        .trim_matches('"')
                        .to_string(),
                )
            })
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
        Machine {
            date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"], root)
                .unwrap_or_else(unknown),
            cpus: std::thread::available_parallelism()
                .map_or_else(|_| unknown(), |n| n.to_string()),
            cpu_model,
            memory,
            os: if kernel.is_empty() {
                os
            } else {
                format!("{os}, Linux {kernel}")
            },
            rustc: command_line("rustc", &["--version"], root).unwrap_or_else(unknown),
        }
    }
}

fn spread(stats: &Stats) -> String {
    if stats.runs < 2 {
        "–".to_string()
    } else {
        format!("{}–{}", number(stats.min), number(stats.max))
    }
}

fn target(stats: &Stats) -> (String, &'static str) {
    match stats.target {
        Some(target) => (
            target.to_string(),
            if target.met(stats.median) {
                "yes"
            } else {
                "**no**"
            },
        ),
        None => (String::new(), ""),
    }
}

/// The plain-text table printed at the end of a run.
pub fn table(outcome: &Outcome) -> String {
    let stats = outcome.figures.stats();
    let width = stats.iter().map(|(n, _)| n.len()).max().unwrap_or(6).max(6);
    let mut out = format!(
        "{:width$}  {:>10}  {:>19}  {:10}  {}\n",
        "figure", "median", "min–max", "unit", "target"
    );
    for (name, s) in &stats {
        let (bound, met) = target(s);
        let met = met.trim_matches('*');
        let _ = writeln!(
            out,
            "{name:width$}  {:>10}  {:>19}  {:10}  {bound} {met}",
            number(s.median),
            spread(s),
            s.unit,
        );
    }
    out
}

/// `BENCHMARKS.md`.
pub fn markdown(outcome: &Outcome, options: &Options, machine: &Machine) -> String {
    let mut command = format!("cargo xtask bench --runs {}", options.runs);
    if options.build_runs != Options::default().build_runs {
        let _ = write!(command, " --build-runs {}", options.build_runs);
    }
    if let Some(only) = &options.only {
        let _ = write!(command, " --only {}", only.join(","));
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (`xtask/src/bench/`); do not edit by hand, run it again. \
         Every figure is the median over the runs, with the spread (min–max) across them; every \
         comparison is a ratio against a baseline measured in the same run, on the same machine. \
         None of it runs in `cargo test` or CI: nothing asserts on a duration. Each bench also \
         runs on its own (`cargo bench --bench codec|overhead|paging|follow_budget`) and prints \
         the same `BENCH name=value unit` lines that xtask gathers.\n\n\
         ## How it was run\n\n\
         - command: `{command}` ({runs} run(s) of each benchmark, {build_runs} of `downstream`, \
         whose two clean builds take ten minutes or more; ran: {ran})\n\
         - date: {date}\n\
         - machine: {cpus} CPUs (`nproc`; {cpu_model}), {memory} memory, {os}; shared with other \
         builds, so absolute times are noisy and the ratios are what to read\n\
         - rustc: {rustc}\n",
        runs = options.runs,
        build_runs = options.build_runs.min(options.runs),
        ran = outcome.ran.join(", "),
        date = machine.date,
        cpus = machine.cpus,
        cpu_model = machine.cpu_model,
        memory = machine.memory,
        os = machine.os,
        rustc = machine.rustc,
    );
    if !outcome.builds.is_empty() {
        out.push_str(
            "- build steps of this run (incremental: 0 crates compiled when up to date):\n",
        );
        for (what, seconds, compiled) in &outcome.builds {
            let _ = writeln!(
                out,
                "  - {what}: {seconds:.0} s, {compiled} crates compiled"
            );
        }
    }
    for line in &outcome.skipped {
        let _ = writeln!(out, "- {line}");
    }
    for (bench, times) in &outcome.failed {
        let _ = writeln!(
            out,
            "- `{bench}` exited non-zero (a target missed) in {times} of {} runs",
            options.runs
        );
    }
    let stats = outcome.figures.stats();
    for (prefixes, title, method) in SECTIONS {
        let rows: Vec<&(String, Stats)> = stats
            .iter()
            .filter(|(n, _)| in_section(prefixes, n))
            .collect();
        let _ = write!(out, "\n## {title}\n\n{method}\n\n");
        if rows.is_empty() {
            out.push_str("Not run this time.\n");
            continue;
        }
        out.push_str("| figure | median | min–max | unit | target | met |\n");
        out.push_str("| --- | ---: | ---: | --- | --- | --- |\n");
        for (name, s) in rows {
            let (bound, met) = target(s);
            let _ = writeln!(
                out,
                "| `{name}` | {} | {} | {} | {bound} | {met} |",
                number(s.median),
                spread(s),
                s.unit
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::figures::{Figure, Target};
    use super::*;

    #[test]
    fn the_report_lists_each_figure_under_its_section() {
        let mut outcome = Outcome::default();
        for value in [1.01, 1.03, 0.99] {
            outcome.figures.add(Figure {
                name: "overhead.get.ratio".into(),
                value,
                unit: "x".into(),
                target: Some(Target::AtMost(1.05)),
            });
        }
        outcome
            .skipped
            .push("skipped: ours vs the official CLI: npm failed".into());
        outcome.ran = vec!["overhead".into()];
        let machine = Machine {
            date: "2026-12-01 10:00 UTC".into(),
            cpus: "2".into(),
            cpu_model: "a CPU".into(),
            memory: "23.4 GiB".into(),
            os: "Debian".into(),
            rustc: "rustc 1.95.0".into(),
        };
        let options = Options {
            runs: 3,
            ..Options::default()
        };
        let text = markdown(&outcome, &options, &machine);
        assert!(text.contains("`cargo xtask bench --runs 3`"), "{text}");
        assert!(
            text.contains("| `overhead.get.ratio` | 1.01 | 0.990–1.03 | x | ≤ 1.05 | yes |"),
            "{text}"
        );
        assert!(text.contains("- skipped: ours vs the official CLI: npm failed"));
        assert!(
            text.contains("## What a user pays to depend on it (measured by xtask)"),
            "{text}"
        );
        assert!(!text.contains("Not measured yet"), "{text}");
        let table = table(&outcome);
        assert!(table.contains("overhead.get.ratio"), "{table}");
    }

    #[test]
    fn a_figure_goes_to_the_section_of_its_longest_prefix() {
        assert!(in_section(&["follow."], "follow.rate_ratio"));
        assert!(!in_section(&["follow."], "follow.minute.rate_ratio"));
        let cli = &["follow.minute.", "follow.hundred."];
        assert!(in_section(cli, "follow.minute.rate_ratio"));
        assert!(in_section(cli, "follow.hundred.ours.requests"));
        assert!(!in_section(cli, "follow.rate_ratio"));
        assert!(!in_section(&["codec."], "overhead.get.ratio"));
        let mut outcome = Outcome::default();
        outcome.figures.add(Figure {
            name: "follow.minute.rate_ratio".into(),
            value: 0.32,
            unit: "x".into(),
            target: Some(Target::AtMost(0.4)),
        });
        let machine = Machine {
            date: String::new(),
            cpus: String::new(),
            cpu_model: String::new(),
            memory: String::new(),
            os: String::new(),
            rustc: String::new(),
        };
        let text = markdown(&outcome, &Options::default(), &machine);
        let budget = text
            .find("(`benches/follow_budget.rs`)")
            .expect("its section");
        let cli = text
            .find("with `checkly trigger`")
            .expect("the CLI's section");
        let row = text
            .find("| `follow.minute.rate_ratio` |")
            .expect("the row");
        assert!(budget < cli && cli < row, "{text}");
        assert_eq!(text.matches("| `follow.minute.rate_ratio` |").count(), 1);
    }
}
