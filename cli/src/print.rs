//! Every byte the CLI writes goes through here: reports to stdout, progress
//! and logs to stderr, and a spinner on stderr when it is a terminal.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use console::{Style, StyledObject};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Writes `error: {message}` to stderr.
pub fn error_line(message: &str) {
    let label = console::style("error:").for_stderr().red().bold();
    stderr_line(&format!("{label} {message}"));
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
    pub fn info(&self, line: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| stderr_line(line)),
            None => stderr_line(line),
        }
    }

    /// A line on stderr shown only with `-v`.
    pub fn debug(&self, line: &str) {
        if self.verbose {
            self.info(&err_style(line, &Style::new().dim()).to_string());
        }
    }

    /// A warning on stderr.
    pub fn warn(&self, line: &str) {
        let label = err_style("warning:", &Style::new().yellow().bold());
        self.info(&format!("{label} {line}"));
    }

    /// Report text on stdout.
    pub fn out(&self, text: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| stdout_text(text)),
            None => stdout_text(text),
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.stop_spinner();
    }
}
