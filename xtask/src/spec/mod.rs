//! `cargo xtask spec trim` and `cargo xtask spec check`: the vendored
//! subset of Checkly's OpenAPI document.
//!
//! One concern a module: [`read`] (lenient JSON/YAML), [`prose`] (what is
//! Checkly's prose, and stripping it), [`refs`] (`$ref`s), [`trim`] (the
//! subset), [`docs`] (our descriptions), [`normalize`] (stable output),
//! [`report`] (the change report) and [`check`].

pub mod check;
pub mod docs;
pub mod normalize;
pub mod prose;
pub mod read;
pub mod refs;
pub mod report;
pub mod trim;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_yaml_ng::Value;

pub use docs::{Docs, DocsReport};

/// The methods of a path item, in the order the spec lists them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The workspace root (the xtask crate's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Default locations, relative to the workspace root.
pub const SPEC: &str = "openapi/checkly.yaml";
pub const OPERATIONS: &str = "openapi/operations.txt";
pub const DOCS: &str = "openapi/docs.yaml";

/// The result of a trim, before anything is written.
#[derive(Debug, Clone)]
pub struct Trimmed {
    /// The normalized document, with our descriptions.
    pub doc: Value,
    /// Its YAML text, exactly as it is written.
    pub yaml: String,
    /// Undocumented and stale items.
    pub docs_report: DocsReport,
}

/// Trims `upstream` to `operations`, merges `docs` and normalizes.
pub fn trim_document(upstream: &Value, operations: &[String], docs: &Docs) -> Result<Trimmed> {
    let mut doc = trim::trim(upstream, operations)?;
    let docs_report = docs::merge(&mut doc, docs);
    normalize::normalize(&mut doc);
    let yaml = normalize::to_yaml(&doc)?;
    Ok(Trimmed {
        doc,
        yaml,
        docs_report,
    })
}

/// The full report text: the changes from `old` (if any) to `new`, then
/// the docs findings.
pub fn full_report(old: Option<&Value>, trimmed: &Trimmed) -> String {
    let empty = Value::Mapping(Default::default());
    let changes = report::diff(old.unwrap_or(&empty), &trimmed.doc);
    let mut out = report::render(&changes);
    let docs = trimmed.docs_report.render();
    if !docs.is_empty() {
        out.push('\n');
        out.push_str(&docs);
    }
    out
}

/// Options of `spec trim`.
#[derive(Debug, Clone)]
pub struct TrimOptions {
    pub from: PathBuf,
    pub out: PathBuf,
    /// The spec the report compares against.
    pub base: PathBuf,
    pub operations: PathBuf,
    pub docs: PathBuf,
    pub report: Option<PathBuf>,
    pub dry_run: bool,
}

impl TrimOptions {
    /// The defaults for `--from from`, relative to `root`.
    pub fn new(root: &Path, from: PathBuf) -> Self {
        Self {
            from,
            out: root.join(SPEC),
            base: root.join(SPEC),
            operations: root.join(OPERATIONS),
            docs: root.join(DOCS),
            report: None,
            dry_run: false,
        }
    }
}

/// Runs `spec trim`; returns the report text (also written to
/// `options.report` if set). With `dry_run`, writes nothing at all.
pub fn run_trim(options: &TrimOptions) -> Result<String> {
    let upstream = read::read_document(&options.from)?;
    let operations = read_operations(&options.operations)?;
    let docs = Docs::read(&options.docs)?;
    let trimmed = trim_document(&upstream, &operations, &docs)?;
    let old = if options.base.exists() {
        Some(read::read_document(&options.base).context("reading the base spec for the report")?)
    } else {
        None
    };
    let text = full_report(old.as_ref(), &trimmed);
    if !options.dry_run {
        if let Some(parent) = options.out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&options.out, &trimmed.yaml)
            .with_context(|| format!("writing {}", options.out.display()))?;
        if let Some(path) = &options.report {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(text)
}

/// Reads and parses an operations list.
pub fn read_operations(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    trim::parse_operation_list(&text).with_context(|| format!("in {}", path.display()))
}

/// Runs `spec check` on the file at `spec`; returns the problems.
pub fn run_check(spec: &Path, operations: &Path, docs: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let operations = read_operations(operations)?;
    let docs = Docs::read(docs)?;
    Ok(check::check(&text, &operations, &docs))
}
