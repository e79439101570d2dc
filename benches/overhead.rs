//! The library's cost per request, against a baseline measured in the same
//! run: the same `GET /v1/test-sessions/{id}` made through
//!
//! - **ours**: [`Client::get_test_session`], which validates, authorizes,
//!   retries, logs and decodes into the generated types;
//! - **baseline**: a plain `reqwest::Client` sending the same two headers and
//!   decoding into `serde_json::Value`;
//! - **baseline with a timeout**: the same, with the per-request timeout ours
//!   sets ([`checkly::DEFAULT_TIMEOUT`]),
//!
//! against checkly-mock in this process over loopback. Each round makes
//! [`REQUESTS`] requests one after another with each client (the order
//! rotating by round); a ratio is the median over rounds of ours' time over a
//! baseline's in the same round (close in time, so that a shared machine's
//! changing load cancels out).
//!
//! Target: at most 1.05× the baseline with the same timeout. Against the
//! bare baseline ours also pays for its timeout: one tokio timer armed and
//! cancelled per request, which wakes the runtime's timer driver. Profiled:
//! callgrind counts fewer instructions per request on the calling thread for
//! ours (typed decoding is cheaper than building a `Value`) than for the
//! baseline, and the baseline given the same timeout closes the gap. That
//! timeout keeps a hung connection from stalling a CI job, so it stays.
//!
//! Run with `cargo bench --bench overhead`. Prints `BENCH name=value unit`
//! lines for `cargo xtask bench`; exits non-zero when the target is missed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use checkly::{Client, DEFAULT_TIMEOUT};
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

/// Runs `round`, timing it.
async fn timed(round: impl Future<Output = ()>) -> Duration {
    let start = Instant::now();
    round.await;
    start.elapsed()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    if runtime.block_on(run()) {
        eprintln!("overhead: a target missed (≤ {TARGET}× the baseline)");
        std::process::exit(1);
    }
}

/// Measures; true when a target is missed.
async fn run() -> bool {
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

    let ours = || {
        timed(async {
            for _ in 0..REQUESTS {
                black_box(client.get_test_session(id).await.expect("ours gets"));
            }
        })
    };
    let (plain, url, bearer, account) = (&plain, &url, &bearer, &account);
    let baseline = |timeout: Option<Duration>| {
        timed(async move {
            for _ in 0..REQUESTS {
                let mut request = plain
                    .get(url)
                    .header("authorization", bearer)
                    .header("x-checkly-account", account);
                if let Some(timeout) = timeout {
                    request = request.timeout(timeout);
                }
                let response = request
                    .send()
                    .await
                    .expect("the baseline gets")
                    .error_for_status()
                    .expect("a 200");
                black_box(response.json::<Value>().await.expect("JSON"));
            }
        })
    };
    // Warm the connections and the mock.
    ours().await;
    baseline(None).await;
    let (mut o, mut b, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        for turn in 0..3 {
            match (round + turn) % 3 {
                0 => o.push(ours().await),
                1 => b.push(baseline(None).await),
                _ => t.push(baseline(Some(DEFAULT_TIMEOUT)).await),
            }
        }
    }
    let ratio = median_ratio(&o, &b);
    let ratio_timeout = median_ratio(&o, &t);
    let per = |d: &mut [Duration]| median(d).as_secs_f64() * 1e6 / REQUESTS as f64;
    let (o_us, b_us, t_us) = (per(&mut o), per(&mut b), per(&mut t));
    println!(
        "overhead: get_test_session x{REQUESTS}, median of {ROUNDS} rounds: ours {o_us:.1} µs/request, baseline {b_us:.1}, baseline with a timeout {t_us:.1}"
    );
    println!("BENCH overhead.get.ours={o_us:.2} us/req");
    println!("BENCH overhead.get.baseline={b_us:.2} us/req");
    println!("BENCH overhead.get.baseline_timeout={t_us:.2} us/req");
    println!("BENCH overhead.get.ratio={ratio:.4} x");
    println!("BENCH overhead.get.ratio_timeout={ratio_timeout:.4} x target<={TARGET}");
    ratio_timeout > TARGET
}

/// The median over rounds of `ours[i] / baseline[i]`.
fn median_ratio(ours: &[Duration], baseline: &[Duration]) -> f64 {
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(baseline)
        .map(|(o, b)| o.as_secs_f64() / b.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}
