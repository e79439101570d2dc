//! Listing every test session one page at a time, against a baseline
//! measured in the same run:
//!
//! - **ours**: `client.list_test_sessions().limit(100).into_paginator().items()`;
//! - **baseline**: a plain `reqwest` loop that sends the same headers,
//!   decodes each page into `serde_json::Value` and follows `nextId`.
//!
//! checkly-mock runs in this process with 1,000 and then 10,000 sessions of
//! history; each lister runs in a child process (this binary again) so that
//! its peak memory (`VmHWM` of `/proc/self/status`, read at its end) is its
//! own, not the mock's. Each child runs [`REPS`] times, order alternating.
//! Targets:
//!
//! - ours takes at most 1.10× the baseline's time for 10,000 sessions;
//! - memory is flat: ours peaks at most 1.5× higher at 10,000 sessions than
//!   at 1,000 (a lister that kept every session would grow about 10×).
//!
//! Run with `cargo bench --bench paging`. Prints `BENCH name=value unit`
//! lines for `cargo xtask bench`; exits non-zero when a target is missed.

use std::process::Command;
use std::time::{Duration, Instant};

use checkly::Client;
use checkly_mock::{MockConfig, MockServer};
use futures::TryStreamExt;
use serde_json::Value;

/// Runs of each lister per history size; the median is reported.
const REPS: usize = 3;
/// Sessions per page.
const LIMIT: u32 = 100;
const CHILD: &str = "CHECKLY_BENCH_PAGING_CHILD";

/// What one child printed.
#[derive(Debug, Clone, Copy)]
struct Listed {
    items: u64,
    elapsed: Duration,
    hwm_kib: u64,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    if let Ok(which) = std::env::var(CHILD) {
        let listed = runtime.block_on(child(&which));
        println!(
            "CHILD items={} us={} hwm_kib={}",
            listed.items,
            listed.elapsed.as_micros(),
            listed.hwm_kib
        );
        return;
    }
    let mut failures = 0;
    let mut figures = Vec::new();
    for history in [1_000usize, 10_000] {
        // The mock's tasks run on the runtime's workers while this thread
        // waits for the children.
        let server = runtime
            .block_on(MockServer::start(
                MockConfig::default().with_history(history),
            ))
            .expect("the mock starts");
        let (mut ours, mut baseline) = (Vec::new(), Vec::new());
        for rep in 0..REPS {
            let order = if rep % 2 == 0 {
                ["ours", "baseline"]
            } else {
                ["baseline", "ours"]
            };
            for which in order {
                let listed = spawn(which, &server);
                assert_eq!(listed.items, history as u64, "{which} listed them all");
                if which == "ours" {
                    ours.push(listed);
                } else {
                    baseline.push(listed);
                }
            }
        }
        figures.push((history, median(&mut ours), median(&mut baseline)));
        drop(server);
    }
    println!("paging: {LIMIT} a page, median of {REPS} child processes each");
    for (history, ours, baseline) in &figures {
        let per_s = |l: &Listed| l.items as f64 / l.elapsed.as_secs_f64();
        println!(
            "  {history} sessions: ours {:.0}/s, peak {:.1} MiB; baseline {:.0}/s, peak {:.1} MiB",
            per_s(ours),
            mib(ours),
            per_s(baseline),
            mib(baseline)
        );
        println!("BENCH paging.{history}.ours={:.0} sessions/s", per_s(ours));
        println!(
            "BENCH paging.{history}.baseline={:.0} sessions/s",
            per_s(baseline)
        );
        println!("BENCH paging.{history}.ours_peak={:.1} MiB", mib(ours));
        println!(
            "BENCH paging.{history}.baseline_peak={:.1} MiB",
            mib(baseline)
        );
    }
    let (_, small, small_base) = figures[0];
    let (_, big, big_base) = figures[1];
    let time_ratio = big.elapsed.as_secs_f64() / big_base.elapsed.as_secs_f64();
    let growth = big.hwm_kib as f64 / small.hwm_kib as f64;
    let base_growth = big_base.hwm_kib as f64 / small_base.hwm_kib as f64;
    let memory_ratio = big.hwm_kib as f64 / big_base.hwm_kib as f64;
    println!("BENCH paging.10000.time_ratio={time_ratio:.3} x target<=1.10");
    println!("BENCH paging.10000.peak_ratio={memory_ratio:.3} x");
    println!("BENCH paging.peak_growth.ours={growth:.3} x target<=1.5");
    println!("BENCH paging.peak_growth.baseline={base_growth:.3} x");
    for (ok, what) in [
        (time_ratio <= 1.10, "ours <= 1.10x the baseline's time"),
        (
            growth <= 1.5,
            "ours' peak memory grows <= 1.5x from 1k to 10k",
        ),
    ] {
        println!("  [{}] {what}", if ok { "ok" } else { "MISSED" });
        failures += usize::from(!ok);
    }
    if failures > 0 {
        eprintln!("paging: {failures} target(s) missed");
        std::process::exit(1);
    }
}

fn mib(listed: &Listed) -> f64 {
    listed.hwm_kib as f64 / 1024.0
}

fn median(runs: &mut [Listed]) -> Listed {
    runs.sort_by_key(|l| l.elapsed);
    let mid = runs[runs.len() / 2];
    // The peak memory's median, apart from the time's.
    let mut hwm: Vec<u64> = runs.iter().map(|l| l.hwm_kib).collect();
    hwm.sort_unstable();
    Listed {
        hwm_kib: hwm[hwm.len() / 2],
        ..mid
    }
}

fn spawn(which: &str, server: &MockServer) -> Listed {
    let output = Command::new(std::env::current_exe().expect("this binary"))
        .env(CHILD, which)
        .env("CHECKLY_API_URL", server.url())
        .env("CHECKLY_API_KEY", server.api_key())
        .env("CHECKLY_ACCOUNT_ID", server.account_id())
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{which} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("CHILD "))
        .expect("the child's figures");
    let field = |name: &str| -> u64 {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    Listed {
        items: field("items"),
        elapsed: Duration::from_micros(field("us")),
        hwm_kib: field("hwm_kib"),
    }
}

/// The peak resident set of this process, from `/proc/self/status`.
fn hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

async fn child(which: &str) -> Listed {
    let var = |name: &str| std::env::var(name).expect(name);
    let (url, key, account) = (
        var("CHECKLY_API_URL"),
        var("CHECKLY_API_KEY"),
        var("CHECKLY_ACCOUNT_ID"),
    );
    let start = Instant::now();
    let items = if which == "ours" {
        let client = Client::builder()
            .api_key(key)
            .account_id(account)
            .base_url(url)
            .build()
            .expect("a client");
        client
            .list_test_sessions()
            .limit(LIMIT)
            .into_paginator()
            .items()
            .try_fold(0u64, |n, entry| async move {
                std::hint::black_box(entry);
                Ok(n + 1)
            })
            .await
            .expect("ours lists")
    } else {
        let plain = reqwest::Client::new();
        let mut cursor: Option<String> = None;
        let mut items = 0u64;
        loop {
            let mut request = plain
                .get(format!("{url}/v1/test-sessions"))
                .query(&[("limit", LIMIT.to_string())])
                .header("authorization", format!("Bearer {key}"))
                .header("x-checkly-account", &account);
            if let Some(cursor) = &cursor {
                request = request.query(&[("nextId", cursor)]);
            }
            let page: Value = request
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .expect("the baseline lists")
                .json()
                .await
                .expect("JSON");
            items += page["entries"].as_array().map_or(0, |e| e.len() as u64);
            match page["nextId"].as_str().filter(|c| !c.is_empty()) {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        items
    };
    Listed {
        items,
        elapsed: start.elapsed(),
        hwm_kib: hwm_kib(),
    }
}
