//! A stored test session: its runs, and how it looks at a given time.
//!
//! Status: RUNNING while any run is running; once all have ended, CANCELLED
//! if any run was cancelled, else FAILED if any final result failed, else
//! PASSED (degraded results count as passed). `timeElapsed` is simulated
//! milliseconds: the time so far while running, the whole run once ended.

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::clock::{real_instant, sim_ms, wall_at};
use crate::error_groups::error_group_id;
use crate::timeline::{Chain, ChainState, ResultView};
use crate::wire::{self, Invoker, ListEntry, Metadata, timestamp};

/// Base of the links the mock writes, like the real web app's.
pub(crate) const APP_URL: &str = "https://app.checklyhq.com";

/// A test session's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestStatus {
    /// Some run is still running.
    Running,
    /// Every final result passed.
    Passed,
    /// Some final result failed.
    Failed,
    /// Some run was cancelled.
    Cancelled,
}

impl TestStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// Parses a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "RUNNING" => Some(Self::Running),
            "PASSED" => Some(Self::Passed),
            "FAILED" => Some(Self::Failed),
            "CANCELLED" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// A stored test session.
#[derive(Debug, Clone)]
pub(crate) struct TestSessionRecord {
    /// Its id.
    pub id: Uuid,
    /// Insertion sequence number; newer sessions have larger ones.
    pub seq: u64,
    /// `name`.
    pub name: String,
    /// Where its checks ran (`runLocation`, the list's `region`).
    pub run_location: String,
    /// `provider` in the list: `API` for sessions triggered here.
    pub provider: String,
    /// `metadata`, as given.
    pub metadata: Option<Metadata>,
    /// The user who started it, if any.
    pub invoker: Option<Invoker>,
    /// When it started (wall clock).
    pub created: DateTime<Utc>,
    /// When it started (monotonic); `None` for preloaded history.
    pub origin: Option<Instant>,
    /// One run per check and location.
    pub chains: Vec<Chain>,
}

impl TestSessionRecord {
    /// Simulated ms since the session started.
    pub fn sim_now(&self, now: Instant, speed: f64) -> u64 {
        sim_ms(self.origin, now, speed)
    }

    /// The status at simulated time `t`.
    pub fn status(&self, t: u64) -> TestStatus {
        let states: Vec<ChainState> = self.chains.iter().map(|c| c.state(t)).collect();
        if states.contains(&ChainState::Running) {
            TestStatus::Running
        } else if states.contains(&ChainState::Cancelled) {
            TestStatus::Cancelled
        } else if states.contains(&ChainState::Failed) {
            TestStatus::Failed
        } else {
            TestStatus::Passed
        }
    }

    /// When the last run ends (or ended), simulated ms.
    pub fn end_ms(&self) -> u64 {
        self.chains.iter().map(Chain::end_ms).max().unwrap_or(0)
    }

    /// The real instant its last run ends (or ended, for a finished
    /// session); `None` for preloaded history, which has no monotonic start.
    pub fn ends_at(&self, speed: f64) -> Option<Instant> {
        self.origin.map(|o| real_instant(o, self.end_ms(), speed))
    }

    /// `branchName` from the metadata.
    pub fn branch(&self) -> Option<&str> {
        self.metadata
            .as_ref()
            .and_then(|m| m.branch_name.as_deref())
    }

    /// `commitOwner` from the metadata.
    pub fn commit_owner(&self) -> Option<&str> {
        self.metadata
            .as_ref()
            .and_then(|m| m.commit_owner.as_deref())
    }

    /// The fields the list's `textSearch` looks in: `name`, then the
    /// metadata's `branchName`, `commitMessage`, `commitOwner`, `commitId`,
    /// `repoUrl` and `environment` (those that are set).
    pub fn search_fields(&self) -> impl Iterator<Item = &str> {
        let meta = self.metadata.as_ref();
        let from_meta = meta.into_iter().flat_map(|m| {
            [
                &m.branch_name,
                &m.commit_message,
                &m.commit_owner,
                &m.commit_id,
                &m.repo_url,
                &m.environment,
            ]
            .into_iter()
            .filter_map(Option::as_deref)
        });
        std::iter::once(self.name.as_str()).chain(from_meta)
    }

    /// Cancels the runs with these sequence ids (all, for `None`) that are
    /// still running at `t`; returns how many it cancelled.
    pub fn cancel(&mut self, t: u64, sequence_ids: Option<&[Uuid]>) -> usize {
        self.chains
            .iter_mut()
            .filter(|c| sequence_ids.is_none_or(|ids| ids.contains(&c.sequence_id())))
            .map(|c| c.cancel(t))
            .filter(|cancelled| *cancelled)
            .count()
    }

    /// Whether a run has this sequence id.
    pub fn has_sequence(&self, id: Uuid) -> bool {
        self.chains.iter().any(|c| c.sequence_id() == id)
    }

    /// Error groups of the failed results visible at `t`.
    pub fn error_groups(&self, t: u64) -> Vec<Uuid> {
        let mut groups = BTreeSet::new();
        for chain in &self.chains {
            if chain.results(t).iter().any(ResultView::failed) {
                groups.insert(error_group_id(chain.check_id));
            }
        }
        groups.into_iter().collect()
    }

    fn link(&self) -> String {
        format!("{APP_URL}/test-sessions/{}", self.id)
    }

    /// The result with id `id` at `t`: its run, its position in the run
    /// (0 for the first attempt) and how it looks.
    pub fn find_result(&self, t: u64, id: Uuid) -> Option<(&Chain, usize, ResultView)> {
        self.chains.iter().find_map(|chain| {
            chain
                .results(t)
                .into_iter()
                .enumerate()
                .find(|(_, r)| r.id == id)
                .map(|(i, r)| (chain, i, r))
        })
    }

    /// One result of `chain` as the session's `results` show it.
    pub fn result(&self, chain: &Chain, r: &ResultView) -> wire::TestSessionResult {
        let failed = r.failed();
        wire::TestSessionResult {
            test_session_result_id: r.id,
            test_session_result_link: format!("{}/results/{}", self.link(), r.id),
            check_id: Some(chain.check_id),
            check_type: chain.check_type.clone(),
            name: chain.check_name.clone(),
            run_location: chain.location.clone(),
            error_group_ids: if failed {
                vec![error_group_id(chain.check_id)]
            } else {
                Vec::new()
            },
            result_type: r.result_type.as_str(),
            status: r.status.as_str(),
            has_errors: failed,
            has_failures: failed,
            is_degraded: r.degraded,
            aborted: r.aborted,
            response_time: r.response_time(),
            started_at: Some(timestamp(wall_at(self.created, r.started_ms))),
            stopped_at: r.stopped_ms.map(|ms| timestamp(wall_at(self.created, ms))),
        }
    }

    /// The session as retrieve, trigger and completion show it at `t`.
    pub fn render(&self, t: u64) -> wire::TestSession {
        let done = self.status(t) != TestStatus::Running;
        let end = self.end_ms();
        let results = self
            .chains
            .iter()
            .flat_map(|chain| {
                chain
                    .results(t)
                    .into_iter()
                    .map(move |r| self.result(chain, &r))
            })
            .collect();
        wire::TestSession {
            test_session_id: self.id,
            test_session_link: self.link(),
            name: self.name.clone(),
            status: self.status(t).as_str(),
            error_group_ids: self.error_groups(t),
            started_at: timestamp(self.created),
            stopped_at: done.then(|| timestamp(wall_at(self.created, end))),
            time_elapsed: if done { end } else { t },
            metadata: self.metadata.clone(),
            results,
        }
    }

    /// The session as the list shows it at `t`.
    pub fn list_entry(&self, t: u64, account_id: &str) -> ListEntry {
        let status = self.status(t);
        let (mut running, mut passed, mut failed, mut cancelled) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for chain in &self.chains {
            let bucket = match chain.state(t) {
                ChainState::Running => &mut running,
                ChainState::Passed { .. } => &mut passed,
                ChainState::Failed => &mut failed,
                ChainState::Cancelled => &mut cancelled,
            };
            bucket.push(chain.sequence_id());
        }
        let stopped = (status != TestStatus::Running)
            .then(|| timestamp(wall_at(self.created, self.end_ms())));
        let meta = self.metadata.clone().unwrap_or_default();
        ListEntry {
            id: self.id.to_string(),
            account_id: account_id.to_owned(),
            name: self.name.clone(),
            provider: self.provider.clone(),
            region: self.run_location.clone(),
            started_at: timestamp(self.created),
            created_at: timestamp(self.created),
            project_id: None,
            private_location_id: None,
            error_group_ids: self.error_groups(t),
            running,
            passed,
            failed,
            cancelled,
            status: status.as_str(),
            invoker: self.invoker.clone(),
            repo_url: meta.repo_url,
            commit_id: meta.commit_id,
            commit_owner: meta.commit_owner,
            commit_message: meta.commit_message,
            branch_name: meta.branch_name,
            environment: meta.environment,
            updated_at: Some(stopped.clone().unwrap_or_else(|| timestamp(self.created))),
            stopped_at: stopped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, demo_check_id};

    fn session(checks: &[u16], retries: u32) -> TestSessionRecord {
        let catalog = Catalog::demo();
        let mut n = 0u128;
        let chains = checks
            .iter()
            .filter_map(|id| catalog.get(demo_check_id(*id)))
            .map(|c| {
                Chain::plan(c, c.behaviour, "eu-central-1", 0, retries, || {
                    n += 1;
                    Uuid::from_u128(n)
                })
            })
            .collect();
        TestSessionRecord {
            id: Uuid::from_u128(999),
            seq: 1,
            name: "s".into(),
            run_location: "eu-central-1".into(),
            provider: "API".into(),
            metadata: None,
            invoker: None,
            created: Utc::now(),
            origin: Some(Instant::now()),
            chains,
        }
    }

    #[test]
    fn status_follows_the_runs() {
        let s = session(&[1, 2], 0);
        assert_eq!(s.status(0), TestStatus::Running);
        assert_eq!(s.status(1300), TestStatus::Running);
        let partial = s.render(1300);
        assert_eq!(partial.results[0].status, "PASSED");
        assert_eq!(partial.results[1].status, "RUNNING");
        assert_eq!(partial.results[1].result_type, "PENDING");
        assert_eq!(s.status(1500), TestStatus::Passed);
        let done = s.render(5000);
        assert_eq!(done.time_elapsed, 1500);
        assert!(done.stopped_at.is_some());

        let f = session(&[1, 8], 0);
        assert_eq!(f.status(u64::MAX), TestStatus::Failed);
        assert_eq!(
            f.error_groups(u64::MAX),
            vec![error_group_id(demo_check_id(8))]
        );
    }

    #[test]
    fn cancel_makes_it_cancelled() {
        let mut s = session(&[1, 11], 0);
        assert_eq!(s.cancel(1300, None), 1);
        assert_eq!(s.status(1300), TestStatus::Cancelled);
        let entry = s.list_entry(1300, "acct");
        assert_eq!(entry.passed.len(), 1);
        assert_eq!(entry.cancelled.len(), 1);
    }

    #[test]
    fn status_names_roundtrip() {
        for s in [
            TestStatus::Running,
            TestStatus::Passed,
            TestStatus::Failed,
            TestStatus::Cancelled,
        ] {
            assert_eq!(TestStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(TestStatus::parse("QUEUED"), None);
    }
}
