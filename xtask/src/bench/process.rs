//! Wall time and peak memory of a process.
//!
//! The wall time is from spawn to exit, measured here, with output to
//! /dev/null. The peak resident set is what `/usr/bin/time -f %M` reports
//! (the kernel's `maxrss` of the child); without `/usr/bin/time`,
//! `/proc/<pid>/status` `VmHWM` is polled until the process exits, which can
//! miss the last milliseconds.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const TIME: &str = "/usr/bin/time";

/// How a command is started: a program, its arguments and environment.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl Cmd {
    pub fn new(program: impl Into<String>, args: &[&str]) -> Self {
        Self {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    pub fn envs(mut self, env: &[(String, String)]) -> Self {
        self.env.extend_from_slice(env);
        self
    }

    fn command(&self, wrapped: Option<&Path>) -> Command {
        let mut command = match wrapped {
            Some(out) => {
                let mut command = Command::new(TIME);
                command
                    .arg("-f")
                    .arg("%M")
                    .arg("-o")
                    .arg(out)
                    .arg(&self.program);
                command
            }
            None => Command::new(&self.program),
        };
        command
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        command
    }

    /// Runs it, returning its stdout; fails unless it exits 0.
    pub fn output(&self) -> Result<String> {
        let output = self
            .command(None)
            .output()
            .with_context(|| format!("running {}", self.program))?;
        if !output.status.success() {
            bail!(
                "{} {} exited with {}: {}",
                self.program,
                self.args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// The wall time of one run, output discarded; fails unless it exits 0.
    pub fn wall(&self) -> Result<Duration> {
        let start = Instant::now();
        let status = self
            .command(None)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("running {}", self.program))?;
        let elapsed = start.elapsed();
        if !status.success() {
            bail!("{} exited with {status}", self.program);
        }
        Ok(elapsed)
    }

    /// The peak resident set of one run, in KiB.
    pub fn peak_kib(&self, scratch: &Path) -> Result<u64> {
        if Path::new(TIME).exists() {
            let out = scratch.join("time.out");
            let status = self
                .command(Some(&out))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .context("running /usr/bin/time")?;
            if !status.success() {
                bail!("{} exited with {status}", self.program);
            }
            let text = std::fs::read_to_string(&out).context("reading /usr/bin/time's output")?;
            return text
                .lines()
                .rev()
                .find_map(|l| l.trim().parse().ok())
                .context("no peak memory in /usr/bin/time's output");
        }
        let mut child = self
            .command(None)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("running {}", self.program))?;
        let status_file = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        loop {
            if let Some(status) = child.try_wait()? {
                if !status.success() {
                    bail!("{} exited with {status}", self.program);
                }
                return Ok(peak);
            }
            if let Some(hwm) = std::fs::read_to_string(&status_file)
                .ok()
                .as_deref()
                .and_then(vm_hwm_kib)
            {
                peak = peak.max(hwm);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The `VmHWM` of a `/proc/<pid>/status` text, in KiB.
pub fn vm_hwm_kib(status: &str) -> Option<u64> {
    status.lines().find_map(|l| {
        l.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm() {
        let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    5120 kB\nVmRSS:\t 4000 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(5120));
        assert_eq!(vm_hwm_kib("Name:\tx\n"), None);
    }
}
