//! The benchmarks `cargo xtask bench` measures itself, on processes: the
//! `checkly` binary's size and start time (release against dist), `checkly
//! test-sessions list --all` at 1,000 and 10,000 sessions, and `checkly`
//! against curl and the official CLI on the same loopback `checkly-mock`;
//! and [`follow`](super::follow), run from here.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::figures::{Figure, Target};
use super::follow::Follow;
use super::process::Cmd;
use super::{Options, Outcome};

pub(super) const API_KEY: &str = "bench-api-key";
pub(super) const ACCOUNT_ID: &str = "be4c0000-0000-4000-8000-000000000001";
/// `checkly --version` runs per binary per run.
const START_SAMPLES: usize = 21;
/// Runs of each command per run in the comparisons.
const SAMPLES: usize = 5;
/// The official CLI starts node: fewer runs.
const OFFICIAL_SAMPLES: usize = 3;

/// A `checkly-mock` process.
#[derive(Debug)]
pub(super) struct Mock {
    child: Child,
    pub(super) url: String,
}

impl Mock {
    fn start(exe: &Path, history: usize) -> Result<Self> {
        let history = history.to_string();
        Self::start_with(exe, &["--speed", "100", "--history", history.as_str()])
    }

    /// Starts it on a free port with the bench's credentials and `args`.
    pub(super) fn start_with(exe: &Path, args: &[&str]) -> Result<Self> {
        let mut child = Command::new(exe)
            .args(["--port", "0"])
            .args(args)
            .args(["--api-key", API_KEY, "--account-id", ACCOUNT_ID])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting checkly-mock")?;
        let stdout = child.stdout.take().context("checkly-mock's output")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading checkly-mock's output")?;
        let Some(url) = line.trim().strip_prefix("checkly-mock listening on ") else {
            let _ = child.kill();
            bail!("checkly-mock printed {line:?}");
        };
        Ok(Self {
            url: url.to_string(),
            child,
        })
    }

    pub(super) fn env(&self) -> Vec<(String, String)> {
        [
            ("CHECKLY_API_URL", self.url.as_str()),
            ("CHECKLY_API_KEY", API_KEY),
            ("CHECKLY_ACCOUNT_ID", ACCOUNT_ID),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the process benchmarks need across runs.
#[derive(Debug)]
pub struct Env {
    scratch: PathBuf,
    release: PathBuf,
    dist: PathBuf,
    binary: bool,
    list_all: bool,
    compare: bool,
    small: Option<Mock>,
    big: Option<Mock>,
    session_id: String,
    curl: Option<String>,
    official: Option<PathBuf>,
    follow: Option<Follow>,
}

pub(super) fn figure(
    outcome: &mut Outcome,
    name: &str,
    value: f64,
    unit: &str,
    target: Option<Target>,
) {
    outcome.figures.add(Figure {
        name: name.to_string(),
        value,
        unit: unit.to_string(),
        target,
    });
}

fn median_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

impl Env {
    /// Starts the mocks and finds the tools the selected benchmarks need,
    /// noting a `skipped:` line for each comparison that cannot run.
    pub fn start(
        root: &Path,
        target_dir: &Path,
        scratch: &Path,
        options: &Options,
        outcome: &mut Outcome,
    ) -> Result<Self> {
        let release = target_dir.join("release");
        let mut env = Env {
            scratch: scratch.to_path_buf(),
            release: release.join("checkly"),
            dist: target_dir.join("dist").join("checkly"),
            binary: options.selected("binary"),
            list_all: options.selected("list-all"),
            compare: options.selected("compare"),
            small: None,
            big: None,
            session_id: String::new(),
            curl: None,
            official: None,
            follow: None,
        };
        if env.list_all || env.compare {
            let mock = release.join("checkly-mock");
            env.big = Some(Mock::start(&mock, 10_000)?);
            if env.list_all {
                env.small = Some(Mock::start(&mock, 1_000)?);
            }
            if env.list_all
                && let Err(e) = env.check_list_all()
            {
                outcome
                    .skipped
                    .push(format!("skipped: list-all: its output is wrong: {e:#}"));
                env.list_all = false;
            }
        }
        if env.compare {
            let big = env.big.as_ref().context("the mock")?;
            let page = Cmd::new(
                env.release.display().to_string(),
                &["test-sessions", "list", "--limit", "1", "-o", "json"],
            )
            .envs(&big.env())
            .output()?;
            let page: serde_json::Value = serde_json::from_str(&page).context("list's JSON")?;
            env.session_id = page["entries"][0]["id"]
                .as_str()
                .context("a session id")?
                .to_string();
            env.curl = match Command::new("curl").arg("--version").output() {
                Ok(out) if out.status.success() => Some("curl".into()),
                _ => {
                    outcome
                        .skipped
                        .push("skipped: ours vs curl: curl is not installed".into());
                    None
                }
            };
            env.official = official_cli(root, target_dir, &env, outcome);
        }
        if options.selected("follow") {
            env.follow = Follow::start(&release, scratch, outcome)?;
        }
        Ok(env)
    }

    /// `list --all` prints every session, in both formats.
    fn check_list_all(&self) -> Result<()> {
        let mocks = [
            (self.small.as_ref(), 1_000usize),
            (self.big.as_ref(), 10_000),
        ];
        for (mock, history) in mocks {
            let Some(mock) = mock else { continue };
            let json = self.checkly_all(mock, "json").output()?;
            let doc: serde_json::Value = serde_json::from_str(&json).context("--all's JSON")?;
            let table = self.checkly_all(mock, "table").output()?;
            if doc["length"] != history || table.lines().count() != history + 1 {
                bail!(
                    "list --all printed {} JSON entries and {} table lines for {history} sessions",
                    doc["length"],
                    table.lines().count()
                );
            }
        }
        Ok(())
    }

    fn checkly_all(&self, mock: &Mock, format: &str) -> Cmd {
        Cmd::new(
            self.release.display().to_string(),
            &[
                "test-sessions",
                "list",
                "--all",
                "--limit",
                "100",
                "-o",
                format,
            ],
        )
        .envs(&mock.env())
    }

    /// One run of each selected process benchmark.
    pub fn run_once(&mut self, outcome: &mut Outcome) -> Result<()> {
        // A benchmark whose run fails is noted as skipped; the rest run.
        let mut failures = Vec::new();
        if self.binary {
            eprintln!("bench:   binary");
            if let Err(e) = self.binary_once(outcome) {
                failures.push(format!("skipped: binary (a run failed): {e:#}"));
            }
        }
        if self.list_all {
            eprintln!("bench:   list-all");
            if let Err(e) = self.list_all_once(outcome) {
                failures.push(format!("skipped: list-all (a run failed): {e:#}"));
            }
        }
        if self.compare {
            eprintln!("bench:   compare");
            if let Err(e) = self.compare_once(outcome) {
                failures.push(format!("skipped: compare (a run failed): {e:#}"));
            }
        }
        if let Some(follow) = &self.follow {
            eprintln!("bench:   follow");
            if let Err(e) = follow.run_once(outcome) {
                failures.push(format!("skipped: follow (a run failed): {e:#}"));
            }
        }
        for line in failures {
            eprintln!("bench:   {line}");
            if !outcome.skipped.contains(&line) {
                outcome.skipped.push(line);
            }
        }
        Ok(())
    }

    fn binary_once(&self, outcome: &mut Outcome) -> Result<()> {
        let size = |path: &Path| -> Result<f64> {
            Ok(std::fs::metadata(path)
                .with_context(|| format!("{} is not built", path.display()))?
                .len() as f64
                / (1024.0 * 1024.0))
        };
        let (release_size, dist_size) = (size(&self.release)?, size(&self.dist)?);
        let release = Cmd::new(self.release.display().to_string(), &["--version"]);
        let dist = Cmd::new(self.dist.display().to_string(), &["--version"]);
        let (mut r, mut d) = (Vec::new(), Vec::new());
        for i in 0..START_SAMPLES {
            if i % 2 == 0 {
                r.push(release.wall()?);
                d.push(dist.wall()?);
            } else {
                d.push(dist.wall()?);
                r.push(release.wall()?);
            }
        }
        let (r, d) = (median_ms(r), median_ms(d));
        figure(outcome, "binary.size.release", release_size, "MiB", None);
        figure(outcome, "binary.size.dist", dist_size, "MiB", None);
        figure(
            outcome,
            "binary.size.ratio",
            dist_size / release_size,
            "x",
            Some(Target::AtMost(1.0)),
        );
        figure(outcome, "binary.start.release", r, "ms", None);
        figure(outcome, "binary.start.dist", d, "ms", None);
        figure(
            outcome,
            "binary.start.ratio",
            d / r,
            "x",
            Some(Target::AtMost(1.05)),
        );
        Ok(())
    }

    fn list_all_once(&self, outcome: &mut Outcome) -> Result<()> {
        let (small, big) = (
            self.small.as_ref().context("the small mock")?,
            self.big.as_ref().context("the big mock")?,
        );
        let mut ours_ms = Vec::new();
        for format in ["table", "json"] {
            let peak_small = self.checkly_all(small, format).peak_kib(&self.scratch)?;
            let peak_big = self.checkly_all(big, format).peak_kib(&self.scratch)?;
            let wall: Vec<Duration> = (0..3)
                .map(|_| self.checkly_all(big, format).wall())
                .collect::<Result<_>>()?;
            figure(
                outcome,
                &format!("list_all.{format}.1000.peak"),
                mib(peak_small),
                "MiB",
                None,
            );
            figure(
                outcome,
                &format!("list_all.{format}.10000.peak"),
                mib(peak_big),
                "MiB",
                None,
            );
            figure(
                outcome,
                &format!("list_all.{format}.peak_growth"),
                peak_big as f64 / peak_small as f64,
                "x",
                Some(Target::AtMost(1.5)),
            );
            let ms = median_ms(wall);
            ours_ms.push((format, ms));
            figure(
                outcome,
                &format!("list_all.{format}.10000.wall"),
                ms,
                "ms",
                None,
            );
        }
        if let Some(curl) = &self.curl {
            // The baseline: the same 100 pages with one curl a page, as a
            // script would, following nextId.
            let started = std::time::Instant::now();
            let mut cursor: Option<String> = None;
            let mut pages = 0;
            loop {
                let mut url = format!("{}/v1/test-sessions?limit=100", big.url);
                if let Some(c) = &cursor {
                    url.push_str("&nextId=");
                    url.push_str(c);
                }
                let page = self.curl_cmd(curl, &url).output()?;
                let page: serde_json::Value = serde_json::from_str(&page).context("a page")?;
                pages += 1;
                match page["nextId"].as_str().filter(|c| !c.is_empty()) {
                    Some(next) => cursor = Some(next.to_string()),
                    None => break,
                }
            }
            let curl_ms = started.elapsed().as_secs_f64() * 1000.0;
            if pages != 100 {
                bail!("curl listed {pages} pages, not 100");
            }
            figure(outcome, "list_all.curl.10000.wall", curl_ms, "ms", None);
            for (format, ms) in &ours_ms {
                figure(
                    outcome,
                    &format!("list_all.{format}.10000.wall_ratio"),
                    ms / curl_ms,
                    "x curl",
                    None,
                );
            }
        }
        Ok(())
    }

    fn curl_cmd(&self, curl: &str, url: &str) -> Cmd {
        let bearer = format!("Authorization: Bearer {API_KEY}");
        let account = format!("X-Checkly-Account: {ACCOUNT_ID}");
        Cmd::new(
            curl.to_string(),
            &["-sSf", "-H", bearer.as_str(), "-H", account.as_str(), url],
        )
    }

    fn compare_once(&self, outcome: &mut Outcome) -> Result<()> {
        let big = self.big.as_ref().context("the mock")?;
        let ours = self.release.display().to_string();
        let id = self.session_id.as_str();
        let cases: [(&str, Vec<&str>, Vec<&str>, String); 2] = [
            (
                "list",
                vec!["test-sessions", "list", "--limit", "20", "-o", "json"],
                vec!["test-sessions", "list", "--limit", "20", "-o", "json"],
                format!("{}/v1/test-sessions?limit=20", big.url),
            ),
            (
                "get",
                vec!["test-sessions", "get", id, "-o", "json"],
                vec!["test-sessions", "get", id, "-o", "json"],
                format!("{}/v1/test-sessions/{id}", big.url),
            ),
        ];
        for (name, our_args, official_args, url) in cases {
            let ours = Cmd::new(ours.clone(), &our_args).envs(&big.env());
            let mut tools: Vec<(&str, Cmd, usize)> = vec![("ours", ours, SAMPLES)];
            if let Some(curl) = &self.curl {
                tools.push(("curl", self.curl_cmd(curl, &url), SAMPLES));
            }
            if let Some(official) = &self.official {
                let cmd = Cmd::new(official.display().to_string(), &official_args)
                    .envs(&official_env(big));
                tools.push(("official", cmd, OFFICIAL_SAMPLES));
            }
            let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
            for i in 0..SAMPLES {
                for (t, (_, cmd, samples)) in tools.iter().enumerate() {
                    if i < *samples {
                        walls[t].push(cmd.wall()?);
                    }
                }
            }
            let measured: Vec<(&str, f64, u64)> = tools
                .iter()
                .zip(walls)
                .map(|((tool, cmd, _), wall)| {
                    Ok((*tool, median_ms(wall), cmd.peak_kib(&self.scratch)?))
                })
                .collect::<Result<_>>()?;
            let curl = measured
                .iter()
                .find(|(tool, _, _)| *tool == "curl")
                .copied();
            for (tool, ms, kib) in &measured {
                figure(
                    outcome,
                    &format!("compare.{name}.{tool}.wall"),
                    *ms,
                    "ms",
                    None,
                );
                figure(
                    outcome,
                    &format!("compare.{name}.{tool}.peak"),
                    mib(*kib),
                    "MiB",
                    None,
                );
            }
            for (tool, ms, kib) in &measured {
                if let (Some((_, c_ms, c_kib)), false) = (curl, *tool == "curl") {
                    figure(
                        outcome,
                        &format!("compare.{name}.{tool}.wall_ratio"),
                        ms / c_ms,
                        "x curl",
                        None,
                    );
                    figure(
                        outcome,
                        &format!("compare.{name}.{tool}.peak_ratio"),
                        *kib as f64 / c_kib as f64,
                        "x curl",
                        None,
                    );
                }
            }
        }
        Ok(())
    }

    pub fn stop(self) {
        drop(self);
    }
}

/// The environment the official CLI reads to talk to `mock`.
fn official_env(mock: &Mock) -> Vec<(String, String)> {
    let mut env = mock.env();
    for (k, v) in [
        ("CHECKLY_ENV", "local"),
        ("CHECKLY_SKIP_AUTH", "1"),
        ("CHECKLY_SKIP_NEW_VERSION_CHECK", "true"),
        ("CHECKLY_NO_DOTENV", "1"),
    ] {
        env.push((k.to_string(), v.to_string()));
    }
    env
}

/// The official CLI's executable, installed by
/// `scripts/install-official-cli.sh` when missing, if it lists sessions of
/// the mock; else a `skipped:` line and `None`.
fn official_cli(
    root: &Path,
    target_dir: &Path,
    env: &Env,
    outcome: &mut Outcome,
) -> Option<PathBuf> {
    let exe = target_dir.join("official-cli/node_modules/.bin/checkly");
    let mut skip = |why: String| {
        outcome
            .skipped
            .push(format!("skipped: ours vs the official CLI: {why}"));
        None
    };
    if !exe.exists() {
        eprintln!("bench: installing the official CLI (scripts/install-official-cli.sh)");
        let status = Command::new("bash")
            .arg(root.join("scripts/install-official-cli.sh"))
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(root)
            .stdout(Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) || !exe.exists() {
            return skip("scripts/install-official-cli.sh could not install it (npm)".into());
        }
    }
    let big = env.big.as_ref()?;
    let probe = Cmd::new(
        exe.display().to_string(),
        &["test-sessions", "list", "--limit", "1", "-o", "json"],
    )
    .envs(&official_env(big))
    .output();
    match probe {
        Ok(text) if text.contains(&env.session_id) => Some(exe),
        Ok(text) => skip(format!(
            "it did not list the mock's sessions: {:?}",
            text.chars().take(120).collect::<String>()
        )),
        Err(e) => skip(format!("it cannot talk to the mock: {e:#}")),
    }
}
