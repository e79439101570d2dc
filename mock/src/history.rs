//! Preloaded, finished test sessions (`--history N`), deterministic apart
//! from their timestamps, which count back from the server's start.
//!
//! Session `i` (0 = newest) was created `(i + 1) × 47` minutes before the
//! server started. Statuses cycle PASSED, FAILED, PASSED, CANCELLED, PASSED,
//! FAILED, PASSED; providers cycle GITHUB, API, TRIGGER, VERCEL,
//! PW_REPORTER; branches cycle `main`, `feature/checkout`, `fix/flaky-login`,
//! `release/2.3` and none; commit owners `alice`, `bob`, none, `carol`;
//! TRIGGER and PW_REPORTER sessions have an invoker, "Dana Developer".
//! Ids look like `5eed0000-0001-4000-8000-00000000000N` (sessions, N = its
//! sequence number) and `5eed0000-0002-4000-8000-…` (results).

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::catalog::{Behaviour, Catalog, CheckDef};
use crate::session::{TestSessionRecord, TestStatus};
use crate::timeline::Chain;
use crate::wire::{Invoker, Metadata};

const KIND_SESSION: u16 = 1;
const KIND_RESULT: u16 = 2;

/// A deterministic v4-shaped UUID: `5eed0000-KIND-4000-8000-<n as 12 hex digits>`.
pub(crate) fn det_uuid(kind: u16, n: u64) -> Uuid {
    Uuid::from_u128(
        (0x5eed_0000u128 << 96)
            | (u128::from(kind) << 80)
            | (0x4000u128 << 64)
            | (0x8000u128 << 48)
            | u128::from(n & 0xffff_ffff_ffff),
    )
}

const STATUSES: [TestStatus; 7] = [
    TestStatus::Passed,
    TestStatus::Failed,
    TestStatus::Passed,
    TestStatus::Cancelled,
    TestStatus::Passed,
    TestStatus::Failed,
    TestStatus::Passed,
];
const PROVIDERS: [&str; 5] = ["GITHUB", "API", "TRIGGER", "VERCEL", "PW_REPORTER"];
const BRANCHES: [Option<&str>; 5] = [
    Some("main"),
    Some("feature/checkout"),
    Some("fix/flaky-login"),
    Some("release/2.3"),
    None,
];
const OWNERS: [Option<&str>; 4] = [Some("alice"), Some("bob"), None, Some("carol")];
const MESSAGES: [&str; 4] = [
    "Fix checkout button alignment",
    "Bump dependencies",
    "Retry login on timeout",
    "Refactor payments client",
];
const REGIONS: [&str; 3] = ["eu-central-1", "us-east-1", "eu-west-1"];

fn session_name(provider: &str, number: u64) -> String {
    let base = match provider {
        "GITHUB" => "GitHub deployment checks",
        "API" => "Scheduled API session",
        "TRIGGER" => "Triggered Session",
        "VERCEL" => "Vercel preview checks",
        _ => "Playwright reporter run",
    };
    format!("{base} #{number}")
}

/// A stand-in check for an empty catalog.
fn fallback_check() -> CheckDef {
    CheckDef {
        id: det_uuid(3, 1),
        name: "History check".to_owned(),
        check_type: "API".to_owned(),
        tags: Vec::new(),
        activated: true,
        behaviour: Behaviour::Pass,
        duration_seconds: 2.0,
    }
}

/// `n` finished sessions, oldest first, with sequence numbers `1..=n`.
pub(crate) fn generate(
    n: usize,
    catalog: &Catalog,
    started: DateTime<Utc>,
) -> Vec<TestSessionRecord> {
    let mut pool: Vec<CheckDef> = catalog
        .checks
        .iter()
        .filter(|c| c.activated)
        .cloned()
        .collect();
    if pool.is_empty() {
        pool.push(fallback_check());
    }
    let n64 = n as u64;
    (0..n64)
        .rev()
        .map(|i| {
            // i = 0 is the newest; its sequence number is n.
            let seq = n64 - i;
            let idx = i as usize;
            let status = STATUSES[idx % STATUSES.len()];
            let provider = PROVIDERS[idx % PROVIDERS.len()];
            let region = REGIONS[idx % REGIONS.len()];
            let created = i64::try_from((i + 1).saturating_mul(47))
                .ok()
                .and_then(TimeDelta::try_minutes)
                .and_then(|d| started.checked_sub_signed(d))
                .unwrap_or(DateTime::<Utc>::MIN_UTC);
            let count = 2 + idx % 2;
            let mut step = 0u64;
            let mut chains: Vec<Chain> = (0..count)
                .map(|j| {
                    let check = &pool[(idx + j) % pool.len()];
                    let behaviour = if status == TestStatus::Failed && j == 0 {
                        Behaviour::Fail
                    } else {
                        Behaviour::Pass
                    };
                    Chain::plan(check, behaviour, region, 0, 0, || {
                        step += 1;
                        det_uuid(KIND_RESULT, (seq << 8) | step)
                    })
                })
                .collect();
            if status == TestStatus::Cancelled
                && let Some(last) = chains.last_mut()
            {
                let half = last.end_ms() / 2;
                last.cancel(half);
            }
            let invoker = matches!(provider, "TRIGGER" | "PW_REPORTER").then(|| Invoker {
                name: "Dana Developer".to_owned(),
                picture: None,
            });
            TestSessionRecord {
                id: det_uuid(KIND_SESSION, seq),
                seq,
                name: session_name(provider, seq),
                run_location: region.to_owned(),
                provider: provider.to_owned(),
                metadata: Some(Metadata {
                    environment: Some(
                        if idx.is_multiple_of(2) {
                            "production"
                        } else {
                            "staging"
                        }
                        .to_owned(),
                    ),
                    repo_url: Some("https://github.com/acme/webshop".to_owned()),
                    commit_id: Some(format!("{:040x}", seq.wrapping_mul(0x9e37_79b9_7f4a_7c15))),
                    commit_owner: OWNERS[idx % OWNERS.len()].map(str::to_owned),
                    commit_message: Some(MESSAGES[idx % MESSAGES.len()].to_owned()),
                    branch_name: BRANCHES[idx % BRANCHES.len()].map(str::to_owned),
                }),
                invoker,
                created,
                origin: None,
                chains,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let start = Utc::now();
        let a = generate(14, &Catalog::demo(), start);
        let b = generate(14, &Catalog::demo(), start);
        assert_eq!(a.len(), 14);
        assert_eq!(
            a.iter().map(|s| s.id).collect::<Vec<_>>(),
            b.iter().map(|s| s.id).collect::<Vec<_>>()
        );
        // Oldest first, newest last with seq n.
        assert_eq!(a.last().map(|s| s.seq), Some(14));
        assert!(a.windows(2).all(|w| w[0].created < w[1].created));
        let statuses: Vec<_> = a.iter().map(|s| s.status(u64::MAX)).collect();
        for s in [
            TestStatus::Passed,
            TestStatus::Failed,
            TestStatus::Cancelled,
        ] {
            assert!(statuses.contains(&s), "{s:?} missing");
        }
        // The newest is status index 0: PASSED.
        assert_eq!(
            a.last().map(|s| s.status(u64::MAX)),
            Some(TestStatus::Passed)
        );
        assert_eq!(
            det_uuid(1, 14).to_string(),
            "5eed0000-0001-4000-8000-00000000000e"
        );
    }

    #[test]
    fn empty_catalog_still_works() {
        let h = generate(3, &Catalog::default(), Utc::now());
        assert!(h.iter().all(|s| !s.chains.is_empty()));
    }
}
