//! Where the library's tracing goes: stderr. `RUST_LOG` decides when set
//! (e.g. `RUST_LOG=checkly=trace`); otherwise `-v` shows the library's
//! debug events (one `checkly.request` line per request, with its
//! operation, method, path and status, and every `retrying` notice), and
//! without `-v` only warnings, such as the library's notice that a 429 makes
//! it wait as the API asked. The API key never appears: the library marks
//! both auth headers sensitive.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// The filter used when `RUST_LOG` is not set.
fn default_filter(verbose: bool) -> &'static str {
    if verbose {
        "warn,checkly=debug"
    } else {
        "warn"
    }
}

/// Sends tracing to stderr, filtered as the module docs say. Without `-v`
/// or `RUST_LOG` a warning is one plain line (`WARN rate limited ...`), with
/// no time stamp or module path.
pub fn init(verbose: bool) {
    let from_env = EnvFilter::try_from_default_env().ok();
    let plain = !verbose && from_env.is_none();
    let filter = from_env.unwrap_or_else(|| EnvFilter::new(default_filter(verbose)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // A request span's fields (status included) are printed when it closes.
        .with_span_events(FmtSpan::CLOSE);
    // A second subscriber (never set here) would be an error worth ignoring.
    let _ = if plain {
        builder.without_time().with_target(false).try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_by_default_and_the_library_with_verbose() {
        assert_eq!(default_filter(false), "warn");
        assert_eq!(default_filter(true), "warn,checkly=debug");
        // Both parse as filters.
        for verbose in [false, true] {
            assert!(EnvFilter::try_new(default_filter(verbose)).is_ok());
        }
    }
}
