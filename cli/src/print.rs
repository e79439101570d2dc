//! Every byte the CLI writes goes through here: reports to stdout, progress
//! and logs to stderr, and a spinner on stderr when it is a terminal.
//!
//! Text that comes from the API (check and session names, locations, links,
//! error messages) goes through [`sanitize`] before any human-readable
//! output, so that a control character in it cannot start a new line (and,
//! in CI, a workflow command such as `::error::`) or drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use console::{Style, StyledObject};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Whether `c` is escaped by [`sanitize`]: control characters, and the
/// invisible characters that reorder or hide text (bidi controls, zero-width
/// characters).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` with every control (or invisible formatting) character escaped:
/// a newline becomes `\n`, a tab `\t`, a carriage return `\r`, anything
/// else `\u{..}`. Text without one is returned as it is.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `value` as pretty JSON plus a newline.
pub fn pretty_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// Writes `error: {message}` to stderr (`message` sanitized).
pub fn error_line(message: &str) {
    let label = console::style("error:").for_stderr().red().bold();
    stderr_line(&format!("{label} {}", sanitize(message)));
}

/// Writes one line to stderr, ignoring a closed pipe.
pub fn stderr_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes `text` to stdout as is, ignoring a closed pipe.
pub fn stdout_text(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Styles `text` for stdout (plain when stdout is not a terminal).
pub fn out_style<D>(text: D, style: &Style) -> StyledObject<D> {
    style.clone().for_stdout().apply_to(text)
}

/// Styles `text` for stderr (plain when stderr is not a terminal).
pub fn err_style<D>(text: D, style: &Style) -> StyledObject<D> {
    style.clone().for_stderr().apply_to(text)
}

/// Progress and log output on stderr, with an optional spinner.
#[derive(Debug)]
pub struct Printer {
    verbose: bool,
    spinner: Option<ProgressBar>,
}

impl Printer {
    /// A printer; `verbose` enables [`Printer::debug`].
    pub fn new(verbose: bool) -> Self {
        Self {
            verbose,
            spinner: None,
        }
    }

    /// Whether `-v` was given.
    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// Starts a spinner showing `message`, if stderr is a terminal.
    pub fn start_spinner(&mut self, message: String) {
        if self.spinner.is_some() || !std::io::stderr().is_terminal() {
            return;
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        spinner.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_message(message);
        spinner.enable_steady_tick(Duration::from_millis(100));
        self.spinner = Some(spinner);
    }

    /// Updates the spinner's message (nothing without a spinner).
    pub fn status(&self, message: String) {
        if let Some(spinner) = &self.spinner {
            spinner.set_message(message);
        }
    }

    /// Removes the spinner.
    pub fn stop_spinner(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
        }
    }

    /// A progress or log line on stderr, above the spinner if there is one.
    /// It is written as is: text from the API in it must be sanitized.
    pub fn info(&self, line: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| stderr_line(line)),
            None => stderr_line(line),
        }
    }

    /// A line on stderr shown only with `-v` (`line` sanitized).
    pub fn debug(&self, line: &str) {
        if self.verbose {
            self.info(&err_style(sanitize(line), &Style::new().dim()).to_string());
        }
    }

    /// A warning on stderr (`line` sanitized).
    pub fn warn(&self, line: &str) {
        let label = err_style("warning:", &Style::new().yellow().bold());
        self.info(&format!("{label} {}", sanitize(line)));
    }

    /// Report text on stdout.
    pub fn out(&self, text: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| stdout_text(text)),
            None => stdout_text(text),
        }
    }

    /// `value` as pretty JSON (plus a newline) on stdout.
    pub fn out_json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        self.out(&pretty_json(value)?);
        Ok(())
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.stop_spinner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_control_and_invisible_characters() {
        assert!(matches!(sanitize("Plain name · ok ✔"), Cow::Borrowed(_)));
        assert_eq!(
            sanitize("a\n::error::b\r\tc\u{1b}[31md\u{202e}e\u{7f}"),
            "a\\n::error::b\\r\\tc\\u{1b}[31md\\u{202e}e\\u{7f}"
        );
        assert!(!sanitize("x\ny").contains('\n'));
    }
}
