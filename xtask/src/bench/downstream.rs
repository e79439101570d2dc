//! The `downstream` benchmark: what a user pays to depend on `checkly`.
//!
//! Two tiny programs, each its own cargo workspace under
//! `<target>/xtask-bench-downstream/`: `ours` lists test sessions through
//! `checkly::Client`, `plain` makes the same GET with reqwest (the library's
//! default features) and decodes it into `serde_json::Value`. Both start
//! from a copy of the workspace's `Cargo.lock`, so they build the versions
//! it pins. Each run builds both clean in release (the order alternating),
//! then sets the mtime of the library's `src/lib.rs` to now (its contents
//! are not touched) and rebuilds `ours` with `-v` to see whether the
//! library's build script ran again.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};

use super::Outcome;
use super::figures::{Figure, Target};

/// The library file whose mtime the `src/` change sets.
const TOUCHED: &str = "src/lib.rs";

/// The program on `checkly`.
const OURS_MAIN: &str = r#"//! Lists one page of test sessions through `checkly`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and, if set, CHECKLY_API_URL.
    let client = checkly::Client::from_env()?;
    let page = client.list_test_sessions().limit(20).send().await?;
    println!("{} test sessions", page.entries.len());
    Ok(())
}
"#;

/// The same request on plain reqwest and serde_json.
const PLAIN_MAIN: &str = r#"//! Lists one page of test sessions with plain reqwest.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("CHECKLY_API_URL")
        .unwrap_or_else(|_| "https://api.checklyhq.com".into());
    let key = std::env::var("CHECKLY_API_KEY")?;
    let account = std::env::var("CHECKLY_ACCOUNT_ID")?;
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/v1/test-sessions"))
        .query(&[("limit", "20")])
        .bearer_auth(key)
        .header("x-checkly-account", account)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let count = page["entries"].as_array().map_or(0, Vec::len);
    println!("{count} test sessions");
    Ok(())
}
"#;

/// The tokio both programs use for `#[tokio::main]`.
const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;

/// reqwest as the library takes it by default: the workspace's
/// `default-features = false, features = ["json", "query"]` plus the
/// library's default `rustls` feature (`rustls = ["reqwest/rustls"]`).
const REQWEST: &str = r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls"] }"#;

/// `s` as a TOML basic string.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A project's `Cargo.toml`: its own workspace (the empty `[workspace]`
/// table), so that cargo does not look for one above it.
pub fn manifest(name: &str, dependencies: &[String]) -> String {
    format!(
        "[package]\nname = {}\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n\n[workspace]\n",
        toml_string(name),
        dependencies.join("\n")
    )
}

/// The `ours` project's manifest: the library at `root`, default features.
pub fn ours_manifest(root: &Path) -> String {
    manifest(
        "downstream-ours",
        &[
            format!(
                "checkly = {{ path = {} }}",
                toml_string(&root.display().to_string())
            ),
            TOKIO.to_string(),
        ],
    )
}

/// The `plain` project's manifest.
pub fn plain_manifest() -> String {
    manifest(
        "downstream-plain",
        &[
            REQWEST.to_string(),
            r#"serde_json = "1""#.to_string(),
            TOKIO.to_string(),
        ],
    )
}

/// The packages cargo compiled, from its `Compiling NAME vX (...)` lines.
pub fn compiled(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("Compiling ")?.split(' ').next())
        .collect()
}

/// How many times `cargo -v` ran `package`'s build script: its `Running`
/// lines whose program is a `build-script-*` in `build/<package>-<hash>/`.
pub fn build_script_runs(stderr: &str, package: &str) -> usize {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("Running `"))
        .filter(|command| {
            command
                .split_whitespace()
                .map(|word| Path::new(word.trim_matches('`')))
                .any(|path| is_build_script(path, package))
        })
        .count()
}

fn is_build_script(path: &Path, package: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let hashed = dir
        .strip_prefix(package)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hash| !hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()));
    name.starts_with("build-script-") && hashed
}

/// `cargo -v`'s `Dirty PACKAGE ...: why` lines for `package`.
pub fn dirty_lines<'a>(stderr: &'a str, package: &str) -> Vec<&'a str> {
    let prefix = format!("Dirty {package} v");
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(&prefix))
        .collect()
}

/// A `Cargo.lock`'s packages from a registry or git, as `name version`
/// (path packages, which have no `source`, are left out).
pub fn locked_packages(lock: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if let (Some(name), Some(version), Some(_)) =
            (field("name"), field("version"), field("source"))
        {
            out.push(format!("{name} {version}"));
        }
    }
    out
}

/// The packages of `project` (a `Cargo.lock`) that `workspace` does not pin.
pub fn unpinned(project: &str, workspace: &str) -> Vec<String> {
    let pinned = locked_packages(workspace);
    locked_packages(project)
        .into_iter()
        .filter(|p| !pinned.contains(p))
        .collect()
}

/// One of the two programs.
#[derive(Debug)]
struct Project {
    name: &'static str,
    dir: PathBuf,
}

impl Project {
    fn target(&self) -> PathBuf {
        self.dir.join("target")
    }

    fn cargo(&self, cargo: &str, args: &[&str]) -> Command {
        let mut command = Command::new(cargo);
        command
            .args(args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.target())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    /// Runs cargo, returning its wall time in seconds and its stderr.
    fn timed(&self, cargo: &str, args: &[&str]) -> Result<(f64, String)> {
        let started = Instant::now();
        let output = self
            .cargo(cargo, args)
            .output()
            .with_context(|| format!("running cargo {} in {}", args.join(" "), self.name))?;
        let seconds = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() {
            let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!(
                "cargo {} failed in {}:\n{}",
                args.join(" "),
                self.name,
                tail.join("\n")
            );
        }
        Ok((seconds, stderr))
    }

    fn remove_target(&self) -> Result<()> {
        match std::fs::remove_dir_all(self.target()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("removing {}", self.target().display()))
            }
            _ => Ok(()),
        }
    }

    /// A clean release build: seconds and the packages compiled.
    fn clean_build(&self, cargo: &str) -> Result<(f64, usize)> {
        self.remove_target()?;
        eprintln!("bench:   downstream: clean release build of {}", self.name);
        let (seconds, stderr) = self.timed(cargo, &["build", "--release", "--frozen"])?;
        let crates = compiled(&stderr).len();
        eprintln!(
            "bench:   downstream: {}: {seconds:.0} s, {crates} crates",
            self.name
        );
        Ok((seconds, crates))
    }
}

/// The two projects, across runs; dropping it removes them.
#[derive(Debug)]
pub struct Downstream {
    cargo: String,
    dir: PathBuf,
    lib_file: PathBuf,
    ours: Project,
    plain: Project,
    runs: usize,
    failed: bool,
}

impl Downstream {
    /// Writes the projects and resolves their lock files from the
    /// workspace's; else notes a `skipped:` line and returns `None`.
    pub fn start(
        root: &Path,
        target_dir: &Path,
        cargo: &str,
        outcome: &mut Outcome,
    ) -> Option<Self> {
        match Self::setup(root, target_dir, cargo) {
            Ok(downstream) => Some(downstream),
            Err(e) => {
                outcome.skipped.push(format!("skipped: downstream: {e:#}"));
                None
            }
        }
    }

    fn setup(root: &Path, target_dir: &Path, cargo: &str) -> Result<Self> {
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving {}", root.display()))?;
        let dir = target_dir.join("xtask-bench-downstream");
        let downstream = Downstream {
            cargo: cargo.to_string(),
            ours: Project {
                name: "ours",
                dir: dir.join("ours"),
            },
            plain: Project {
                name: "plain",
                dir: dir.join("plain"),
            },
            lib_file: root.join(TOUCHED),
            dir,
            runs: 0,
            failed: false,
        };
        let _ = std::fs::remove_dir_all(&downstream.dir);
        let lock_path = root.join("Cargo.lock");
        let lock = std::fs::read_to_string(&lock_path)
            .with_context(|| format!("reading {}", lock_path.display()))?;
        for (project, manifest, main) in [
            (&downstream.ours, ours_manifest(&root), OURS_MAIN),
            (&downstream.plain, plain_manifest(), PLAIN_MAIN),
        ] {
            let src = project.dir.join("src");
            std::fs::create_dir_all(&src).with_context(|| format!("creating {}", src.display()))?;
            for (path, text) in [
                (project.dir.join("Cargo.toml"), manifest.as_str()),
                (src.join("main.rs"), main),
                (project.dir.join("Cargo.lock"), lock.as_str()),
            ] {
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            // Not `--locked`: the copied lock lacks the project's own
            // package and has entries it does not use, so cargo must
            // rewrite it; it keeps every version the lock pins. After this
            // the builds run `--frozen` (locked and offline).
            eprintln!(
                "bench: downstream: cargo fetch in {} (Cargo.lock copied from the workspace)",
                project.name
            );
            project.timed(cargo, &["fetch"])?;
            let written = project.dir.join("Cargo.lock");
            let written = std::fs::read_to_string(&written)
                .with_context(|| format!("reading {}", written.display()))?;
            let newer = unpinned(&written, &lock);
            if !newer.is_empty() {
                bail!(
                    "{} resolved versions the workspace's Cargo.lock does not pin: {}",
                    project.name,
                    newer.join(", ")
                );
            }
        }
        Ok(downstream)
    }

    /// One run: both clean builds, then the `src/` change; a failure is
    /// noted as skipped and ends the benchmark.
    pub fn run_once(&mut self, outcome: &mut Outcome) {
        if self.failed {
            return;
        }
        eprintln!("bench:   downstream");
        if let Err(e) = self.measure(outcome) {
            let line = format!("skipped: downstream (a run failed): {e:#}");
            eprintln!("bench:   {line}");
            outcome.skipped.push(line);
            self.failed = true;
        }
        self.runs += 1;
        let _ = self.ours.remove_target();
        let _ = self.plain.remove_target();
    }

    fn measure(&self, outcome: &mut Outcome) -> Result<()> {
        let cargo = self.cargo.as_str();
        let ((ours_s, ours_crates), (plain_s, plain_crates)) = if self.runs.is_multiple_of(2) {
            let ours = self.ours.clean_build(cargo)?;
            (ours, self.plain.clean_build(cargo)?)
        } else {
            let plain = self.plain.clean_build(cargo)?;
            (self.ours.clean_build(cargo)?, plain)
        };
        let (rebuild_s, stderr) = self.rebuild_after_src_change()?;
        let runs = build_script_runs(&stderr, "checkly");
        let recompiled = compiled(&stderr);
        eprintln!(
            "bench:   downstream: after a {TOUCHED} mtime change: {rebuild_s:.0} s, \
             compiled {}, checkly's build script ran {runs} time(s)",
            recompiled.join(", ")
        );
        if runs > 0 {
            for line in dirty_lines(&stderr, "checkly") {
                eprintln!("bench:   downstream:   {line}");
            }
        }
        if !recompiled.contains(&"checkly") {
            bail!("setting the mtime of {TOUCHED} did not recompile checkly");
        }
        let mut add = |name: &str, value: f64, unit: &str, target: Option<Target>| {
            outcome.figures.add(Figure {
                name: format!("downstream.{name}"),
                value,
                unit: unit.to_string(),
                target,
            });
        };
        add("ours.build", ours_s, "s", None);
        add("plain.build", plain_s, "s", None);
        add(
            "build_ratio",
            ours_s / plain_s,
            "x plain",
            Some(Target::AtMost(1.5)),
        );
        add("ours.crates", ours_crates as f64, "crates", None);
        add("plain.crates", plain_crates as f64, "crates", None);
        add(
            "crates_ratio",
            ours_crates as f64 / plain_crates as f64,
            "x plain",
            None,
        );
        add(
            "src_change.build_script_runs",
            runs as f64,
            "runs",
            Some(Target::AtMost(0.0)),
        );
        add("src_change.crates", recompiled.len() as f64, "crates", None);
        add("src_change.rebuild", rebuild_s, "s", None);
        add(
            "src_change.rebuild_ratio",
            rebuild_s / ours_s,
            "x clean",
            None,
        );
        Ok(())
    }

    /// Sets the mtime of the library's `src/lib.rs` to now and rebuilds
    /// `ours` with `-v`: seconds and cargo's output. The old mtime is put
    /// back after, unless the file changed meanwhile.
    fn rebuild_after_src_change(&self) -> Result<(f64, String)> {
        let file = std::fs::File::options()
            .write(true)
            .open(&self.lib_file)
            .with_context(|| format!("opening {}", self.lib_file.display()))?;
        let before = file
            .metadata()
            .and_then(|m| m.modified())
            .with_context(|| format!("the mtime of {}", self.lib_file.display()))?;
        let now = SystemTime::now();
        file.set_modified(now)
            .with_context(|| format!("setting the mtime of {}", self.lib_file.display()))?;
        eprintln!("bench:   downstream: rebuild of ours after a {TOUCHED} mtime change");
        let rebuilt = self
            .ours
            .timed(&self.cargo, &["build", "--release", "--frozen", "-v"]);
        if file.metadata().and_then(|m| m.modified()).ok() == Some(now) {
            let _ = file.set_modified(before);
        }
        rebuilt
    }
}

impl Drop for Downstream {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_their_own_workspace() {
        let ours = ours_manifest(Path::new("/work/a \"b\"\\c"));
        assert!(
            ours.contains(r#"checkly = { path = "/work/a \"b\"\\c" }"#),
            "{ours}"
        );
        assert!(ours.contains("name = \"downstream-ours\""), "{ours}");
        assert!(ours.trim_end().ends_with("[workspace]"), "{ours}");
        let plain = plain_manifest();
        assert!(plain.contains(REQWEST) && plain.contains(TOKIO), "{plain}");
        assert!(plain.contains("serde_json = \"1\""), "{plain}");
        assert!(!plain.contains("checkly"), "{plain}");
        assert!(plain.trim_end().ends_with("[workspace]"), "{plain}");
        assert_eq!(toml_string("a\tb"), "\"a\\u0009b\"");
    }

    #[test]
    fn plain_takes_reqwest_as_the_library_does_by_default() {
        let manifest = include_str!("../../../Cargo.toml");
        assert!(
            manifest.contains(
                r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query"] }"#
            ),
            "the workspace's reqwest changed: update REQWEST"
        );
        assert!(manifest.contains("default = [\"rustls\"]"));
        assert!(manifest.contains("rustls = [\"reqwest/rustls\"]"));
    }

    /// `cargo build -v` after a change under `build/` (the shape of cargo
    /// 1.95's output, the rustc arguments cut).
    const RERAN: &str = "\
       Dirty checkly v0.1.0 (/w): the file `build/main.rs` has changed (1796178312.26s, 4s after last build at 1796178308.27s)
   Compiling checkly v0.1.0 (/w)
     Running `/bin/rustc --crate-name build_script_main --edition=2024 build/main.rs --crate-type bin -C extra-filename=-0223380ab64fe26a --out-dir /t/release/build/checkly-0223380ab64fe26a`
     Running `/t/release/build/checkly-0223380ab64fe26a/build-script-main`
     Running `/t/release/build/checkly-mock-0a1b2c3d4e5f6789/build-script-build`
     Running `/bin/rustc --crate-name checkly --edition=2024 src/lib.rs --crate-type lib --out-dir /t/release/deps`
       Fresh tokio v1.48.0
   Compiling downstream-ours v0.0.0 (/t/ours)
    Finished `release` profile [optimized] target(s) in 30.1s
";

    /// The same after a change under `src/`: no build script run.
    const NOT_RERUN: &str = "\
       Dirty checkly v0.1.0 (/w): the file `src/lib.rs` has changed (1796178312.11s, 4s after last build at 1796178308.43s)
   Compiling checkly v0.1.0 (/w)
     Running `/bin/rustc --crate-name checkly --edition=2024 src/lib.rs --crate-type lib --out-dir /t/release/deps`
    Finished `release` profile [optimized] target(s) in 0.11s
";

    #[test]
    fn reads_verbose_cargo_output() {
        assert_eq!(compiled(RERAN), ["checkly", "downstream-ours"]);
        assert_eq!(build_script_runs(RERAN, "checkly"), 1);
        assert_eq!(build_script_runs(RERAN, "checkly-mock"), 1);
        assert_eq!(build_script_runs(RERAN, "tokio"), 0);
        assert_eq!(compiled(NOT_RERUN), ["checkly"]);
        assert_eq!(build_script_runs(NOT_RERUN, "checkly"), 0);
        assert_eq!(dirty_lines(RERAN, "checkly").len(), 1);
        assert!(dirty_lines(RERAN, "checkly")[0].contains("build/main.rs"));
        assert_eq!(
            compiled("    Finished `release` profile\n"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn finds_versions_the_workspace_does_not_pin() {
        let workspace = "version = 4\n\n\
            [[package]]\nname = \"checkly\"\nversion = \"0.1.0\"\ndependencies = [\n \"serde\",\n]\n\n\
            [[package]]\nname = \"serde\"\nversion = \"1.0.200\"\n\
            source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"ab\"\n\n\
            [[package]]\nname = \"tokio\"\nversion = \"1.48.0\"\n\
            source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        assert_eq!(
            locked_packages(workspace),
            ["serde 1.0.200", "tokio 1.48.0"]
        );
        let project = workspace
            .replace("1.48.0", "1.49.0")
            .replace("\"checkly\"", "\"downstream-ours\"");
        assert_eq!(unpinned(workspace, workspace), Vec::<String>::new());
        assert_eq!(unpinned(&project, workspace), ["tokio 1.49.0"]);
    }
}
