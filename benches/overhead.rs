//! The library's cost per request, against a baseline measured in the same
//! run: the same `GET /v1/test-sessions/{id}` made through
//!
//! - **ours**: [`Client::get_test_session`], which validates, authorizes,
//!   retries, logs and decodes into the generated types;
//! - **baseline**: a plain `reqwest::Client` sending the same two headers and
//!   decoding into `serde_json::Value`,
//!
//! against checkly-mock in this process over loopback. Each round makes
//! [`REQUESTS`] requests one after another with each client (the order
//! alternating by round); the figure is the median over rounds of ours' time
//! over the baseline's in the same round (pairs close in time, so that a
//! shared machine's changing load cancels out). Target: at most 1.05× the
//! baseline.
//!
//! Run with `cargo bench --bench overhead`. Prints `BENCH name=value unit`
//! lines for `cargo xtask bench`; exits non-zero when the target is missed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use checkly::Client;
use checkly_mock::{MockConfig, MockServer};
use serde_json::Value;

/// Requests per client per round.
const REQUESTS: usize = 500;
/// Rounds; the median is reported.
const ROUNDS: usize = 11;
/// At most this many times the baseline.
const TARGET: f64 = 1.05;

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let ratio = runtime.block_on(run());
    if ratio > TARGET {
        eprintln!("overhead: {ratio:.3}× the baseline, target ≤ {TARGET}×");
        std::process::exit(1);
    }
}

async fn run() -> f64 {
    let server = MockServer::start(MockConfig::default().with_history(10))
        .await
        .expect("the mock starts");
    let client = Client::builder()
        .api_key(server.api_key())
        .account_id(server.account_id())
        .base_url(server.url())
        .build()
        .expect("a client");
    let page = client
        .list_test_sessions()
        .limit(1)
        .send()
        .await
        .expect("the mock lists");
    let id = page.entries[0].id;
    let plain = reqwest::Client::new();
    let url = format!("{}/v1/test-sessions/{id}", server.url());
    let bearer = format!("Bearer {}", server.api_key());
    let account = server.account_id().to_string();

    let ours = || async {
        let start = Instant::now();
        for _ in 0..REQUESTS {
            black_box(client.get_test_session(id).await.expect("ours gets"));
        }
        start.elapsed()
    };
    let baseline = || async {
        let start = Instant::now();
        for _ in 0..REQUESTS {
            let response = plain
                .get(&url)
                .header("authorization", &bearer)
                .header("x-checkly-account", &account)
                .send()
                .await
                .expect("the baseline gets")
                .error_for_status()
                .expect("a 200");
            black_box(response.json::<Value>().await.expect("JSON"));
        }
        start.elapsed()
    };
    // Warm both connections and the mock.
    ours().await;
    baseline().await;
    let (mut o, mut b) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            o.push(ours().await);
            b.push(baseline().await);
        } else {
            b.push(baseline().await);
            o.push(ours().await);
        }
    }
    let mut ratios: Vec<f64> = o
        .iter()
        .zip(&b)
        .map(|(o, b)| o.as_secs_f64() / b.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    let (o, b) = (median(&mut o), median(&mut b));
    let per = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS as f64;
    println!(
        "overhead: get_test_session x{REQUESTS}, median of {ROUNDS} rounds: ours {:.1} µs/request, baseline {:.1} µs/request",
        per(o),
        per(b)
    );
    println!("BENCH overhead.get.ours={:.2} us/req", per(o));
    println!("BENCH overhead.get.baseline={:.2} us/req", per(b));
    println!("BENCH overhead.get.ratio={ratio:.4} x target<={TARGET}");
    ratio
}
