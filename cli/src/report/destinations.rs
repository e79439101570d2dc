//! Where each report goes, decided once before the run: the JUnit file, the
//! JSON file, the GitHub markdown summary, and the GitHub Actions files
//! (`$GITHUB_STEP_SUMMARY`, `$GITHUB_OUTPUT`).
//!
//! - `json`: `--json-file`, else `CHECKLY_REPORTER_JSON_OUTPUT`, else stdout
//!   when it is the only reporter writing to stdout, else
//!   `./checkly-json-report.json` (the official CLI's file), so that the
//!   document never interleaves with another reporter's output.
//! - `github`: the workflow commands on stdout, and the markdown summary to
//!   `CHECKLY_REPORTER_GITHUB_OUTPUT`, else `./checkly-github-report.md`, as
//!   the official CLI does; appended to `$GITHUB_STEP_SUMMARY` when set.
//! - `$GITHUB_OUTPUT`, when set (whatever the reporters): `test-session-id`,
//!   `test-session-url`, `status`, `outcome` and the counts, for later steps.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Report;
use crate::cli::ReporterKind;
use crate::error::UsageError;

/// The variable naming the JSON report's file.
pub const ENV_JSON_OUTPUT: &str = "CHECKLY_REPORTER_JSON_OUTPUT";
/// The variable naming the GitHub markdown summary's file.
pub const ENV_GITHUB_OUTPUT: &str = "CHECKLY_REPORTER_GITHUB_OUTPUT";
/// The JSON report's file when it cannot go to stdout.
pub const DEFAULT_JSON_FILE: &str = "checkly-json-report.json";
/// The GitHub markdown summary's file.
pub const DEFAULT_GITHUB_FILE: &str = "checkly-github-report.md";

/// Where the reports of one run go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destinations {
    /// The JUnit file (`--junit-file`); stdout when `None`.
    pub junit: Option<PathBuf>,
    /// The JSON file; stdout when `None`.
    pub json: Option<PathBuf>,
    /// The GitHub markdown summary's file (with the `github` reporter).
    pub github_markdown: Option<PathBuf>,
    /// `$GITHUB_STEP_SUMMARY`, appended to (with the `github` reporter).
    pub step_summary: Option<PathBuf>,
    /// `$GITHUB_OUTPUT`, appended to.
    pub github_output: Option<PathBuf>,
}

impl Destinations {
    /// Decides, from the flags, the reporters chosen and `env` (a variable's
    /// value by name; empty values count as unset).
    pub fn decide(
        kinds: &[ReporterKind],
        junit_file: Option<&Path>,
        json_file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let on_stdout = |kind: &ReporterKind| match kind {
            ReporterKind::Junit => junit_file.is_none(),
            ReporterKind::Json => false,
            _ => true,
        };
        let json = kinds.contains(&ReporterKind::Json).then(|| {
            json_file
                .map(Path::to_path_buf)
                .or_else(|| var(ENV_JSON_OUTPUT))
                .or_else(|| {
                    kinds
                        .iter()
                        .any(on_stdout)
                        .then(|| PathBuf::from(DEFAULT_JSON_FILE))
                })
        });
        let github = kinds.contains(&ReporterKind::Github);
        Self {
            junit: junit_file.map(Path::to_path_buf),
            json: json.flatten(),
            github_markdown: github.then(|| {
                var(ENV_GITHUB_OUTPUT).unwrap_or_else(|| PathBuf::from(DEFAULT_GITHUB_FILE))
            }),
            step_summary: if github {
                var("GITHUB_STEP_SUMMARY")
            } else {
                None
            },
            github_output: var("GITHUB_OUTPUT"),
        }
    }

    /// [`Self::decide`] with the process's environment.
    pub fn from_env(
        kinds: &[ReporterKind],
        junit_file: Option<&Path>,
        json_file: Option<&Path>,
    ) -> Self {
        Self::decide(kinds, junit_file, json_file, |name| {
            std::env::var(name).ok()
        })
    }

    /// Checks, before anything runs, that each report file can be written.
    pub fn check(&self) -> Result<(), UsageError> {
        if let Some(path) = &self.junit {
            check_writable(path, "--junit-file")?;
        }
        if let Some(path) = &self.json {
            check_writable(path, "--json-file")?;
        }
        if let Some(path) = &self.github_markdown {
            check_writable(path, ENV_GITHUB_OUTPUT)?;
        }
        Ok(())
    }
}

/// Checks that `path` can be written: its folder is created if missing, and
/// the file opened for writing (a file this creates is removed again). A
/// usage error naming `what` (the flag or variable) otherwise.
pub fn check_writable(path: &Path, what: &str) -> Result<(), UsageError> {
    let bad = |why: String| UsageError::new(what, why);
    if path.as_os_str().is_empty() {
        return Err(bad("expected a file path, got an empty one".into()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| bad(format!("cannot create the folder {}: {e}", dir.display())))?;
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| bad(format!("cannot write {}: {e}", path.display())))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Writes `text` to `path` (its folder created), replacing it.
pub fn write_file(path: &Path, text: &str, what: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    std::fs::write(path, text)
        .with_context(|| format!("could not write the {what} to {}", path.display()))
}

/// Appends `text` to `path` (created if missing).
pub fn append_file(path: &Path, text: &str, what: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("could not open {what} {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not append to {what} {}", path.display()))
}

/// The `$GITHUB_OUTPUT` lines of a run: `key=value`, one per line.
pub fn github_outputs(report: &Report) -> String {
    let summary = report.summary();
    let session = report.session.as_ref();
    let one_line = |text: &str| text.replace(['\r', '\n'], " ");
    let pairs: [(&str, String); 10] = [
        (
            "test-session-id",
            session.map(|s| s.id.to_string()).unwrap_or_default(),
        ),
        (
            "test-session-url",
            session.map(|s| one_line(&s.link)).unwrap_or_default(),
        ),
        (
            "status",
            session
                .map(|s| one_line(s.status.as_str()))
                .unwrap_or_default(),
        ),
        ("outcome", report.outcome.as_str().to_string()),
        ("total", summary.total.to_string()),
        ("passed", summary.passed.to_string()),
        ("failed", summary.failed.to_string()),
        ("flaky", summary.flaky.to_string()),
        ("degraded", summary.degraded.to_string()),
        ("cancelled", summary.cancelled.to_string()),
    ];
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReporterKind::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn json_goes_to_stdout_only_when_alone_there() {
        let none = env(&[]);
        assert_eq!(Destinations::decide(&[Json], None, None, &none).json, None);
        // JUnit to a file leaves stdout to JSON.
        let d = Destinations::decide(&[Json, Junit], Some(Path::new("j.xml")), None, &none);
        assert_eq!(d.json, None);
        // Another reporter on stdout: the official CLI's file.
        let d = Destinations::decide(&[List, Json], None, None, &none);
        assert_eq!(d.json, Some(PathBuf::from(DEFAULT_JSON_FILE)));
        // The variable, then the flag.
        let vars = env(&[(ENV_JSON_OUTPUT, "out/r.json")]);
        let d = Destinations::decide(&[Json], None, None, &vars);
        assert_eq!(d.json, Some(PathBuf::from("out/r.json")));
        let d = Destinations::decide(&[Json], None, Some(Path::new("flag.json")), &vars);
        assert_eq!(d.json, Some(PathBuf::from("flag.json")));
        // No json reporter: no file, whatever the variable says.
        assert_eq!(Destinations::decide(&[List], None, None, &vars).json, None);
    }

    #[test]
    fn github_writes_markdown_and_the_actions_files() {
        let vars = env(&[
            ("GITHUB_STEP_SUMMARY", "/tmp/summary"),
            ("GITHUB_OUTPUT", "/tmp/output"),
        ]);
        let d = Destinations::decide(&[Github], None, None, &vars);
        assert_eq!(d.github_markdown, Some(PathBuf::from(DEFAULT_GITHUB_FILE)));
        assert_eq!(d.step_summary, Some(PathBuf::from("/tmp/summary")));
        assert_eq!(d.github_output, Some(PathBuf::from("/tmp/output")));
        // Without the github reporter: only $GITHUB_OUTPUT.
        let d = Destinations::decide(&[List], None, None, &vars);
        assert_eq!(d.github_markdown, None);
        assert_eq!(d.step_summary, None);
        assert_eq!(d.github_output, Some(PathBuf::from("/tmp/output")));
        let vars = env(&[(ENV_GITHUB_OUTPUT, "reports/gh.md"), ("GITHUB_OUTPUT", "")]);
        let d = Destinations::decide(&[Github], None, None, &vars);
        assert_eq!(d.github_markdown, Some(PathBuf::from("reports/gh.md")));
        assert_eq!(d.github_output, None);
    }
}
