//! Test-session error groups: one per check that fails, holding the error
//! that check reports (see [`crate::failure`]).
//!
//! A check whose behaviour is `fail` has a *known* group: first seen 2 to 6
//! days (by its id) before the server started, so it is listed from the
//! start. Any other check that fails (a `failThenPass` check's first
//! attempt, a history session's failed run) has a *new* group: it exists
//! from its first failed result on, first seen then. `lastSeen` is the end
//! of the group's latest failed result (a known group never seen since the
//! server started: six hours after its first sighting); `environments` the
//! metadata environments of the sessions it failed in. Groups are listed
//! by `lastSeen`, newest first, then by id.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::catalog::{Behaviour, Catalog};
use crate::clock::wall_at;
use crate::failure::{self, CheckRef, cleaned, slug};
use crate::state::Store;
use crate::wire::{ErrorGroup, PwtMetadata, timestamp};

/// The error group a failing check reports: the check's id with its first
/// 32 bits replaced by `e7700000`.
pub(crate) fn error_group_id(check_id: Uuid) -> Uuid {
    Uuid::from_u128((0xe770_0000u128 << 96) | (check_id.as_u128() & ((1u128 << 96) - 1)))
}

/// The 64-bit FNV-1a hash of the check id and the cleaned message, as 16
/// hex digits: the same for every failure of a check.
pub(crate) fn error_hash(check_id: Uuid, cleaned_message: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in check_id.as_bytes().iter().chain(cleaned_message.as_bytes()) {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// How many days before the server started a known group was first seen.
fn known_days(check_id: Uuid) -> i64 {
    2 + (check_id.as_u128() % 5) as i64
}

/// What is known of one group while collecting.
struct Sighting {
    check_id: Uuid,
    check_name: String,
    check_type: String,
    first: DateTime<Utc>,
    last: Option<DateTime<Utc>>,
    environments: BTreeSet<String>,
}

/// Every error group, in list order, as of real instant `now`.
pub(crate) fn collect(
    store: &Store,
    catalog: &Catalog,
    started: DateTime<Utc>,
    now: Instant,
    speed: f64,
) -> Vec<ErrorGroup> {
    let mut groups: HashMap<Uuid, Sighting> = HashMap::new();
    for check in catalog
        .checks
        .iter()
        .filter(|c| c.behaviour == Behaviour::Fail)
    {
        let first = TimeDelta::try_days(known_days(check.id))
            .and_then(|d| started.checked_sub_signed(d))
            .unwrap_or(started);
        groups.insert(
            error_group_id(check.id),
            Sighting {
                check_id: check.id,
                check_name: check.name.clone(),
                check_type: check.check_type.clone(),
                first,
                last: None,
                environments: BTreeSet::new(),
            },
        );
    }
    for session in store.test_sessions.values() {
        let t = session.sim_now(now, speed);
        let environment = session
            .metadata
            .as_ref()
            .and_then(|m| m.environment.clone());
        for chain in &session.chains {
            for r in chain.results(t).iter().filter(|r| r.failed()) {
                let when = wall_at(session.created, r.stopped_ms.unwrap_or(r.started_ms));
                let entry = groups
                    .entry(error_group_id(chain.check_id))
                    .or_insert_with(|| Sighting {
                        check_id: chain.check_id,
                        check_name: chain.check_name.clone(),
                        check_type: chain.check_type.clone(),
                        first: when,
                        last: None,
                        environments: BTreeSet::new(),
                    });
                entry.first = entry.first.min(when);
                entry.last = Some(entry.last.map_or(when, |l| l.max(when)));
                entry.environments.extend(environment.clone());
            }
        }
    }
    let mut list: Vec<(DateTime<Utc>, ErrorGroup)> = groups
        .into_iter()
        .map(|(id, s)| {
            let last = s.last.unwrap_or(s.first + TimeDelta::hours(6));
            (last, render(id, &s, last))
        })
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    list.into_iter().map(|(_, g)| g).collect()
}

fn render(id: Uuid, s: &Sighting, last: DateTime<Utc>) -> ErrorGroup {
    let check = CheckRef {
        id: s.check_id,
        name: &s.check_name,
        check_type: &s.check_type,
    };
    let message = failure::failure(check).message;
    let clean = cleaned(&message);
    let pwt_metadata = (s.check_type == "PLAYWRIGHT").then(|| {
        let file = format!("tests/{}.spec.ts", slug(&s.check_name));
        vec![PwtMetadata {
            project_name: "chromium".to_owned(),
            spec_id: error_hash(s.check_id, &file),
            test_file: file,
            test_title: format!("{} works", s.check_name),
            suite_path: vec![s.check_name.clone()],
        }]
    });
    ErrorGroup {
        id,
        project_id: None,
        environments: Some(s.environments.iter().cloned().collect()),
        error_hash: error_hash(s.check_id, &clean),
        raw_error_message: Some(message),
        cleaned_error_message: clean,
        first_seen: timestamp(s.first),
        last_seen: timestamp(last),
        archived_until_next_event: false,
        pwt_metadata,
        root_cause_analyses: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::demo_check_id;

    #[test]
    fn known_groups_exist_from_the_start() {
        let started = Utc::now();
        let groups = collect(
            &Store::default(),
            &Catalog::demo(),
            started,
            Instant::now(),
            1.0,
        );
        let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
        // Checks 8 and 12 fail; check 10 only fails once it runs.
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&error_group_id(demo_check_id(8))));
        assert!(ids.contains(&error_group_id(demo_check_id(12))));
        let g = &groups[0];
        assert!(g.first_seen < timestamp(started - TimeDelta::days(1)));
        assert_eq!(g.error_hash.len(), 16);
    }

    #[test]
    fn hashes_are_per_check() {
        let a = error_hash(demo_check_id(8), "x");
        assert_eq!(a, error_hash(demo_check_id(8), "x"));
        assert_ne!(a, error_hash(demo_check_id(9), "x"));
    }
}
