//! A stateful local fake of Checkly's test-session and check-session API,
//! like `stripe-mock` for Stripe: the client's tests and the offline demo
//! run against it.
//!
//! The wire contract is the vendored `openapi/checkly.yaml`. The mock
//! shares no code with the `checkly` client crate, so it checks the client's
//! wire format independently.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use checkly_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::default().with_speed(200.0)).await?;
//! println!("{} key={} account={}", server.url(), server.api_key(), server.account_id());
//! # Ok(()) }
//! ```
//!
//! # Routes
//!
//! `POST /v1/test-sessions/trigger`, `GET /v1/test-sessions`,
//! `GET /v1/test-sessions/{id}`, `GET /v1/test-sessions/{id}/completion`,
//! `POST /v1/test-sessions/{id}/cancel`,
//! `GET /v1/test-sessions/{id}/results/{resultId}` (one result in full),
//! `GET /v1/test-sessions/{id}/results/{resultId}/assets` (its asset
//! manifest, filtered by `type`, repeatable, and `name`, a glob with `*`
//! and `?` matched case-insensitively),
//! `GET /v1/test-session-error-groups` (`limit` 1 to 100, default 10;
//! `page` > 0, default 1) and `GET /v1/test-session-error-groups/{id}`;
//! `POST /v1/check-sessions/trigger`, `GET /v1/check-sessions/{id}`,
//! `GET /v1/check-sessions/{id}/completion`,
//! `POST /v1/check-sessions/{id}/cancel`, and the v2 ones,
//! `POST /v2/check-sessions/trigger`, `GET /v2/check-sessions/{id}`,
//! `GET /v2/check-sessions/{id}/completion` (`maxWaitSeconds` an integer) —
//! plus the asset downloads the manifests point at,
//! `GET /__assets/{testSessionId}/{resultId}/{name}` (under the origin the
//! request's `Host` names), and `GET /next/accounts/{id}`
//! (`{"id", "name": "Mock account"}`, for the official CLI). They need
//! `Authorization: Bearer <api key>` (else 401) and `X-Checkly-Account:
//! <account id>` (else 403). Every error is an `ApiError` JSON body
//! `{statusCode, error, message}`; unknown routes answer 404, known routes
//! with another method 405. Bodies and parameters that break the spec answer
//! 400 with a message that starts with the field's path (e.g.
//! `retryStrategy.maxRetries must be <= 10`), and store nothing. Unknown
//! fields are ignored. A trigger whose target matches no check answers 404
//! `No matching checks were found`.
//!
//! Admin routes (no auth, not logged): `GET|POST|DELETE /__mock/faults` and
//! `GET|DELETE /__mock/requests`; see [`FaultRule`] and [`ReceivedRequest`].
//! The request log keeps the last 10 000 requests; a body of more than 64
//! KiB is stored cut short, as `{"truncated": true, "bytes": N, "head":
//! "…"}`.
//!
//! # Time
//!
//! Simulated time runs `speed` times faster than real time. Durations,
//! `timeElapsed`, `responseTime` and the `startedAt`/`stoppedAt` stamps are
//! all simulated: a session's stamps are its real start plus simulated
//! milliseconds, so at high speed `stoppedAt` may lie a little in the future.
//! The state of a session is computed from the time elapsed whenever it is
//! asked for. A long poll (`…/completion?maxWaitSeconds=N`, 1 to 30, default
//! 30) waits real time: it answers 200 as soon as the session has ended (or
//! was cancelled), and 408 (`"error": "Request Time-out"`) after N seconds.
//!
//! # Test sessions
//!
//! One run per matching check in the request's `runLocation`, all starting
//! at once. A run's attempts follow each other without backoff, each taking
//! the check's `durationSeconds`. With a `retryStrategy` (`SINGLE_RETRY`: 1
//! retry; `FIXED`/`LINEAR`/`EXPONENTIAL`: `maxRetries`, default 2;
//! `onlyOn`, `baseBackoffSeconds` and `maxDurationSeconds` are validated but
//! not simulated) a `fail` check shows that many failed ATTEMPT results
//! before its failed FINAL one, and a `failThenPass` check one failed
//! ATTEMPT and then a passed FINAL one; without retries `failThenPass`
//! fails. While a run is going it shows as `status` RUNNING, `resultType`
//! PENDING, under the id its FINAL result will have (its sequence id).
//! Degraded runs are PASSED with `isDegraded`. The session is RUNNING until
//! every run ended, then CANCELLED if any run was cancelled, else FAILED if
//! any failed, else PASSED. Cancel stops the runs still going (all, or the
//! listed `sequenceId`s; an id not in the session is a 404): each becomes a
//! FINAL CANCELLED result with `aborted`. Sessions triggered through the API
//! have `provider` `API` and no invoker.
//!
//! The list is newest first; `nextId` is an opaque cursor (`c_<n>`) that
//! stays valid when new sessions start. Array parameters are accepted as
//! `statuses=A&statuses=B` and as `statuses[]=A`. `textSearch` matches,
//! case-insensitively, a substring of the session's `name` or of its
//! metadata's `branchName`, `commitMessage`, `commitOwner`, `commitId`,
//! `repoUrl` or `environment`; `users` matches the commit owner or the
//! invoker's name.
//!
//! # Check sessions
//!
//! One check session per matching check, run in `us-east-1` and
//! `eu-central-1` (the second location takes 15 % longer), with one retry:
//! see the `status` progression STARTED → PROGRESS / PROGRESS_FAILED /
//! PROGRESS_DEGRADED → PASSED / FAILED / DEGRADED, or CANCELLED after a
//! cancel (all locations, or the listed `sequenceId`s). The v1 and v2 routes
//! see the same sessions; v2 shows a running result's `resultType` as
//! null, and sessions it triggered have `runSource` `TRIGGER_API`.
//!
//! # The demo catalog
//!
//! [`Catalog::demo`], the default. Ids are `dec0de00-0000-4000-8000-0000000000NN`
//! with NN the number below in hexadecimal (see [`catalog::demo_check_id`]);
//! durations are simulated seconds.
//!
//! | # | Name | Type | Tags | Behaviour | s |
//! |---|------|------|------|-----------|---|
//! | 1 | Homepage | URL | production, web | pass | 1.2 |
//! | 2 | Public API health | API | production, api | pass | 1.5 |
//! | 3 | Login flow | BROWSER | production, browser, web | pass | 3.5 |
//! | 4 | Checkout journey | MULTI_STEP | production, api, checkout | pass | 3.0 |
//! | 5 | Storefront end-to-end | PLAYWRIGHT | production, browser, e2e | pass | 4.0 |
//! | 6 | Database port | TCP | production, infra | pass | 1.0 |
//! | 7 | Nightly backup heartbeat | HEARTBEAT | production, infra | pass | 1.0 |
//! | 8 | Staging search API | API | staging, api, failing | fail | 2.0 |
//! | 9 | Staging dashboard | BROWSER | staging, browser, degraded | degraded | 3.0 |
//! | 10 | Payments API | API | staging, api, flaky | failThenPass | 2.5 |
//! | 11 | Full regression suite | PLAYWRIGHT | staging, e2e, slow | pass | 20.0 |
//! | 12 | Legacy ping (deactivated) | ICMP | legacy, production | fail | 1.0 |
//!
//! So `-t production` runs checks 1–7, which all pass (check 12 is
//! deactivated and only joins with `allowDeactivated`); `-t failing` runs
//! check 8, which fails; `-t flaky` passes only with retries; `-t slow`
//! takes 20 simulated seconds; no target runs the 11 activated checks and
//! fails.
//!
//! Each failing check reports the same error every time: check 8 fails
//! its status-code assertion (`Assertion failed: expected status code to
//! equal 200, but got 503`), check 10's first attempt gets no answer
//! (`connect ETIMEDOUT 10.20.4.17:443`), check 12 loses its pings (`Ping
//! to legacy.acme.test failed: 4 of 4 packets lost (100% packet loss)`);
//! other checks that fail (in history, or in a custom catalog) report an
//! error typical of their type. A failed result names its check's error
//! group, `e7700000-0000-4000-8000-0000000000NN` for demo check NN: the
//! groups of `fail` checks (8, 12) are known, first seen days before the
//! server started; any other (10's) is new, first seen at its first
//! failure. Failed and degraded results have a log, a screenshot and a
//! trace as assets, failed or degraded browser and Playwright ones also a
//! `video.webm` of a little over 2 MiB (streamed); passing ones just the
//! log.
//!
//! # History
//!
//! [`MockConfig::history`] (`--history N`, at most 100 000) preloads N
//! finished test sessions, created 47, 94, … minutes before the server
//! started, with
//! varied statuses (PASSED, FAILED, CANCELLED), providers (GITHUB, API,
//! TRIGGER, VERCEL, PW_REPORTER), branches (`main`, `feature/checkout`,
//! `fix/flaky-login`, `release/2.3`, none), commit owners (`alice`, `bob`,
//! `carol`, none) and invokers ("Dana Developer" for TRIGGER and
//! PW_REPORTER), deterministic except for their timestamps.
//!
//! # Faults
//!
//! See the [`faults`] module for the rules, their `--fault` text syntax and
//! what each kind does to an answer.

#![deny(missing_docs)]

mod asset_bytes;
mod assets;
pub mod catalog;
mod check_session;
mod clock;
mod config;
mod error;
mod error_groups;
mod failure;
pub mod faults;
#[cfg(any(test, feature = "fuzz"))]
pub mod fuzz_support;
#[cfg(test)]
mod fuzz_tests;
mod glob;
mod history;
mod listing;
mod matching;
mod middleware;
mod query;
mod result_detail;
mod routes;
mod server;
mod session;
mod state;
mod timeline;
mod validation;
mod wire;

pub use catalog::{Behaviour, Catalog, CheckDef};
pub use config::{
    DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, MOCK_AFTER_HELP, MockArgs, MockConfig, MockCredentialArgs,
};
pub use error::ApiError;
pub use faults::{FaultKind, FaultRule};
pub use server::MockServer;
pub use state::ReceivedRequest;
