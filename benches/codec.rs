//! Speed targets, as ratios against a baseline measured in the same run:
//!
//! - decoding a 100-entry list page into the generated types costs at most
//!   3× decoding it into `serde_json::Value`;
//! - validating a trigger request against the spec costs at most 25× encoding
//!   it to JSON (the validator walks the spec for every request).
//!
//! Run with `cargo bench --bench codec`. Also prints `BENCH name=value unit`
//! lines for `cargo xtask bench`. Exits non-zero when a target is missed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use checkly::types::{
    EnvironmentVariable, ListTestSessionsResponse, TriggerTestSessionRequest,
    TriggerTestSessionRequestTarget,
};
use serde_json::{Value, json};

/// The median time of `f` over `rounds` rounds of `iterations` calls.
fn measure(rounds: usize, iterations: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn page() -> String {
    let entries: Vec<Value> = (0..100)
        .map(|i| {
            json!({
                "id": format!("3c90c3cc-0d44-4b50-8888-{i:012}"),
                "accountId": "11111111-1111-4111-8111-111111111111",
                "name": format!("Deploy {i}"),
                "provider": "GITHUB",
                "region": "eu-central-1",
                "startedAt": "2026-11-23T10:00:00Z",
                "created_at": "2026-11-23T10:00:00Z",
                "stoppedAt": "2026-11-23T10:01:00Z",
                "status": if i % 7 == 0 { "FAILED" } else { "PASSED" },
                "passed": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
                "branchName": "main",
                "commitId": "0123456789abcdef",
                "commitOwner": "octocat",
                "commitMessage": "Fix the thing",
                "invoker": {"name": "Octo Cat", "picture": null}
            })
        })
        .collect();
    json!({"length": 100, "entries": entries, "nextId": "c_100"}).to_string()
}

fn request() -> TriggerTestSessionRequest {
    let mut request = TriggerTestSessionRequest::new("Deploy 42", "eu-central-1");
    request.target = Some(TriggerTestSessionRequestTarget {
        match_tags: vec![
            vec!["production".into(), "!flaky".into()],
            vec!["smoke".into()],
        ],
        ..Default::default()
    });
    request.environment_variables = (0..20)
        .map(|i| EnvironmentVariable::plain(format!("KEY_{i}"), "value"))
        .collect();
    request
}

fn main() {
    let mut missed = Vec::new();
    let mut check = |name: &str, key: &str, subject: Duration, baseline: Duration, target: f64| {
        let ratio = subject.as_secs_f64() / baseline.as_secs_f64();
        println!("{name}: {ratio:.2}× the baseline (target ≤ {target}×)");
        // For `cargo xtask bench`.
        println!("BENCH codec.{key}.ratio={ratio:.4} x target<={target}");
        if ratio > target {
            missed.push(name.to_string());
        }
    };

    let text = page();
    let typed = measure(11, 200, || {
        black_box(
            serde_json::from_str::<ListTestSessionsResponse>(black_box(&text)).expect("decodes"),
        );
    });
    let untyped = measure(11, 200, || {
        black_box(serde_json::from_str::<Value>(black_box(&text)).expect("decodes"));
    });
    check("decode a list page", "decode_page", typed, untyped, 3.0);

    let request = request();
    let validate = measure(11, 200, || {
        black_box(&request).validate().expect("valid");
    });
    let encode = measure(11, 200, || {
        black_box(serde_json::to_vec(black_box(&request)).expect("encodes"));
    });
    check(
        "validate a trigger",
        "validate_trigger",
        validate,
        encode,
        25.0,
    );

    if !missed.is_empty() {
        eprintln!("missed targets: {missed:?}");
        std::process::exit(1);
    }
}
