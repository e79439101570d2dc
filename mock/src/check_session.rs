//! A stored check session: one check run in every check-session location.
//!
//! Check sessions run in [`CHECK_SESSION_LOCATIONS`], and take the check's
//! own retry strategy to be a single retry: a `fail` check shows one failed
//! ATTEMPT then a failed FINAL result per location, a `failThenPass` check a
//! failed ATTEMPT then a passed FINAL one. Status: STARTED until a first
//! result ends; then PROGRESS, PROGRESS_FAILED or PROGRESS_DEGRADED (after a
//! failed or degraded result) until every location ended; then FAILED,
//! DEGRADED or PASSED.

use std::time::Instant;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::catalog::CheckDef;
use crate::clock::{real_instant, sim_ms, wall_at};
use crate::session::APP_URL;
use crate::timeline::{Chain, ChainState, ResultStatus, ResultType};
use crate::wire::{self, timestamp};

/// Where check sessions run their check.
pub(crate) const CHECK_SESSION_LOCATIONS: [&str; 2] = ["us-east-1", "eu-central-1"];

/// The retries a check-session run gets.
const CHECK_SESSION_RETRIES: u32 = 1;

/// A stored check session.
#[derive(Debug, Clone)]
pub(crate) struct CheckSessionRecord {
    /// Its id.
    pub id: Uuid,
    /// The check's id.
    pub check_id: Uuid,
    /// The check's name.
    pub check_name: String,
    /// The check's type.
    pub check_type: String,
    /// When it started (wall clock).
    pub created: DateTime<Utc>,
    /// When it started (monotonic).
    pub origin: Instant,
    /// One run per location.
    pub chains: Vec<Chain>,
    /// `runSource`: `TRIGGER_API` for sessions triggered through v2, none
    /// for v1.
    pub run_source: Option<&'static str>,
}

impl CheckSessionRecord {
    /// Starts a check session for `check` now.
    pub fn start(
        check: &CheckDef,
        created: DateTime<Utc>,
        origin: Instant,
        run_source: Option<&'static str>,
    ) -> Self {
        let chains = CHECK_SESSION_LOCATIONS
            .iter()
            .enumerate()
            .map(|(i, location)| {
                Chain::plan(
                    check,
                    check.behaviour,
                    location,
                    i,
                    CHECK_SESSION_RETRIES,
                    Uuid::new_v4,
                )
            })
            .collect();
        Self {
            id: Uuid::new_v4(),
            check_id: check.id,
            check_name: check.name.clone(),
            check_type: check.check_type.clone(),
            created,
            origin,
            chains,
            run_source,
        }
    }

    /// Cancels the locations with these sequence ids (all, for `None`)
    /// that are still running at `t`; returns how many it cancelled.
    pub fn cancel(&mut self, t: u64, sequence_ids: Option<&[Uuid]>) -> usize {
        self.chains
            .iter_mut()
            .filter(|c| sequence_ids.is_none_or(|ids| ids.contains(&c.sequence_id())))
            .map(|c| c.cancel(t))
            .filter(|cancelled| *cancelled)
            .count()
    }

    /// Whether a location's run has this sequence id.
    pub fn has_sequence(&self, id: Uuid) -> bool {
        self.chains.iter().any(|c| c.sequence_id() == id)
    }

    /// Simulated ms since the session started.
    pub fn sim_now(&self, now: Instant, speed: f64) -> u64 {
        sim_ms(Some(self.origin), now, speed)
    }

    /// When the last location ends, simulated ms.
    pub fn end_ms(&self) -> u64 {
        self.chains.iter().map(Chain::end_ms).max().unwrap_or(0)
    }

    /// The real instant it ends.
    pub fn ends_at(&self, speed: f64) -> Instant {
        real_instant(self.origin, self.end_ms(), speed)
    }

    /// Whether every location has ended at `t`.
    pub fn is_done(&self, t: u64) -> bool {
        self.chains.iter().all(|c| c.state(t).is_done())
    }

    /// The check-session status at `t`.
    pub fn status(&self, t: u64) -> &'static str {
        let states: Vec<ChainState> = self.chains.iter().map(|c| c.state(t)).collect();
        let failed = states.contains(&ChainState::Failed);
        let degraded = states.contains(&ChainState::Passed { degraded: true });
        if self.is_done(t) {
            return if states.contains(&ChainState::Cancelled) {
                "CANCELLED"
            } else if failed {
                "FAILED"
            } else if degraded {
                "DEGRADED"
            } else {
                "PASSED"
            };
        }
        let any_ended = self
            .chains
            .iter()
            .flat_map(|c| c.results(t))
            .any(|r| r.result_type != ResultType::Pending);
        if !any_ended {
            "STARTED"
        } else if failed {
            "PROGRESS_FAILED"
        } else if degraded {
            "PROGRESS_DEGRADED"
        } else {
            "PROGRESS"
        }
    }

    fn link(&self, account_id: &str) -> String {
        format!(
            "{APP_URL}/accounts/{account_id}/checks/{}/check-sessions/{}",
            self.check_id, self.id
        )
    }

    /// The session at `t`, as v1 and v2 both show it; `with_results` adds
    /// `results` (retrieve, completion), whose running results have a null
    /// `resultType`.
    pub fn render(&self, t: u64, account_id: &str, with_results: bool) -> wire::CheckSession {
        let done = self.is_done(t);
        let end = self.end_ms();
        let link = self.link(account_id);
        let at = |ms: u64| timestamp(wall_at(self.created, ms));
        let results = with_results.then(|| {
            self.chains
                .iter()
                .flat_map(|chain| {
                    chain
                        .results(t)
                        .into_iter()
                        .map(|r| wire::CheckSessionResult {
                            check_result_id: r.id,
                            check_result_link: format!("{link}/results/{}", r.id),
                            check_id: self.check_id,
                            check_type: self.check_type.clone(),
                            name: self.check_name.clone(),
                            run_location: chain.location.clone(),
                            result_type: match r.result_type {
                                ResultType::Pending => None,
                                other => Some(other.as_str()),
                            },
                            has_errors: r.failed(),
                            has_failures: r.failed(),
                            is_degraded: r.degraded,
                            aborted: r.aborted,
                            is_cancelled: r.status == ResultStatus::Cancelled,
                            response_time: r.response_time(),
                            started_at: Some(at(r.started_ms)),
                            stopped_at: r.stopped_ms.map(at),
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        wire::CheckSession {
            check_session_id: self.id,
            check_session_link: link,
            check_id: self.check_id,
            check_type: self.check_type.clone(),
            name: self.check_name.clone(),
            status: self.status(t),
            started_at: timestamp(self.created),
            stopped_at: done.then(|| at(end)),
            time_elapsed: if done { end } else { t },
            run_locations: CHECK_SESSION_LOCATIONS
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            run_source: self.run_source,
            results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, demo_check_id};

    fn start(n: u16) -> CheckSessionRecord {
        let catalog = Catalog::demo();
        let check = catalog.get(demo_check_id(n)).expect("demo check");
        CheckSessionRecord::start(check, Utc::now(), Instant::now(), None)
    }

    #[test]
    fn passing_check_progresses() {
        let s = start(6); // 1 s, second location 1.15 s
        assert_eq!(s.status(0), "STARTED");
        assert_eq!(s.status(1000), "PROGRESS");
        assert_eq!(s.status(1150), "PASSED");
        let r = s.render(1150, "a", true);
        let results = r.results.expect("results");
        assert_eq!(results.len(), 2);
        assert!(results.iter().all(|r| r.result_type == Some("FINAL")));
        assert_eq!(r.time_elapsed, 1150);
    }

    #[test]
    fn failing_and_degraded_checks() {
        let s = start(8); // fail, 2 s, one retry
        assert_eq!(s.status(2000), "PROGRESS");
        assert_eq!(s.status(4000), "PROGRESS_FAILED");
        assert_eq!(s.status(s.end_ms()), "FAILED");
        let r = s.render(s.end_ms(), "a", true).results.expect("results");
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].result_type, Some("ATTEMPT"));
        let d = start(9);
        assert_eq!(d.status(d.end_ms()), "DEGRADED");
        let f = start(10);
        assert_eq!(f.status(f.end_ms()), "PASSED");
    }

    #[test]
    fn cancel_and_v2_shape() {
        let mut s = start(8);
        let running = s.render(10, "a", true);
        let results = running.results.expect("results");
        assert!(results.iter().all(|r| r.result_type.is_none()));
        assert_eq!(s.cancel(10, None), 2);
        assert!(s.is_done(10));
        assert_eq!(s.status(10), "CANCELLED");
        let done = s.render(10, "a", true);
        assert!(done.stopped_at.is_some());
        let results = done.results.expect("results");
        assert!(
            results
                .iter()
                .all(|r| r.is_cancelled && r.result_type == Some("FINAL"))
        );
    }
}
