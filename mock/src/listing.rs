//! `GET /v1/test-sessions`: query parameters, filters and the cursor.
//!
//! Sessions are listed newest first. `nextId` is `c_<seq>`, the insertion
//! sequence number of the last entry returned; the next page holds the
//! matching sessions with smaller sequence numbers. New sessions get larger
//! numbers, so they only ever appear at the head of the first page and never
//! shift later pages.
//!
//! Filters, all of which must hold: `from` (created at or after, unix
//! seconds) and `to` (created before); `statuses`; `branches`
//! (`branchName`); `providers`; `users` (the commit owner or the invoker's
//! name; with `noUsers=true` also sessions with neither); `errorGroupId`
//! (a failed result saw it); `textSearch`, a case-insensitive substring of
//! any of the session's `name` and its metadata's `branchName`,
//! `commitMessage`, `commitOwner`, `commitId`, `repoUrl` and `environment`.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::Instant;

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::session::{TestSessionRecord, TestStatus};
use crate::validation::{bad, parse_number};
use crate::wire::ListResponse;

/// The providers the spec knows.
const PROVIDERS: [&str; 5] = ["GITHUB", "VERCEL", "API", "TRIGGER", "PW_REPORTER"];

/// A valid list query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListQuery {
    /// Created at or after, unix seconds.
    pub from: Option<f64>,
    /// Created before, unix seconds.
    pub to: Option<f64>,
    /// Page size, 1..=100.
    pub limit: usize,
    /// Allowed statuses (any when empty).
    pub statuses: Vec<TestStatus>,
    /// Allowed branches (any when empty).
    pub branches: Vec<String>,
    /// Allowed commit owners or invokers (any when empty).
    pub users: Vec<String>,
    /// Allowed providers (any when empty).
    pub providers: Vec<String>,
    /// With `users`, also sessions with neither owner nor invoker.
    pub no_users: bool,
    /// Only sessions with a smaller sequence number (the cursor).
    pub before_seq: Option<u64>,
    /// Lower-cased free text, looked for in
    /// [`TestSessionRecord::search_fields`].
    pub text: Option<String>,
    /// Error group id.
    pub error_group: Option<String>,
}

/// Encodes a cursor.
pub(crate) fn encode_cursor(seq: u64) -> String {
    format!("c_{seq}")
}

/// Decodes a cursor.
pub(crate) fn decode_cursor(s: &str) -> Option<u64> {
    s.strip_prefix("c_")
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

fn number(q: &QueryParams, key: &str) -> Result<Option<f64>, ApiError> {
    q.get(key)
        .map(|raw| parse_number(raw).ok_or_else(|| bad(format!("{key} must be a number"))))
        .transpose()
}

impl ListQuery {
    /// Validates the query string.
    pub fn parse(q: &QueryParams) -> Result<Self, ApiError> {
        let from = number(q, "from")?;
        let to = number(q, "to")?;
        let limit = match q.get("limit") {
            None => 20,
            Some(raw) => {
                let n: i64 = raw
                    .trim()
                    .parse()
                    .map_err(|_| bad("limit must be an integer"))?;
                if n < 1 {
                    return Err(bad("limit must be >= 1"));
                }
                if n > 100 {
                    return Err(bad("limit must be <= 100"));
                }
                // 1..=100 here.
                n as usize
            }
        };
        let statuses = q
            .get_all("statuses")
            .into_iter()
            .map(|s| {
                TestStatus::parse(s).ok_or_else(|| {
                    bad(format!(
                        "statuses must be one of RUNNING, FAILED, PASSED, CANCELLED, not {s:?}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let providers = q
            .get_all("providers")
            .into_iter()
            .map(|p| {
                if PROVIDERS.contains(&p) {
                    Ok(p.to_owned())
                } else {
                    Err(bad(format!(
                        "providers must be one of GITHUB, VERCEL, API, TRIGGER, PW_REPORTER, not {p:?}"
                    )))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let no_users = match q.get("noUsers") {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(bad("noUsers must be a boolean")),
        };
        let before_seq = match q.get("nextId") {
            None => None,
            Some("") => return Err(bad("nextId must not be empty")),
            Some(raw) => {
                Some(decode_cursor(raw).ok_or_else(|| bad("nextId is not a valid cursor"))?)
            }
        };
        let text = match q.get("textSearch") {
            None => None,
            Some(t) if t.chars().count() < 3 => {
                return Err(bad("textSearch must be at least 3 characters long"));
            }
            Some(t) if t.chars().count() > 200 => {
                return Err(bad("textSearch must be at most 200 characters long"));
            }
            Some(t) => Some(t.to_lowercase()),
        };
        let error_group = match q.get("errorGroupId") {
            None => None,
            Some("") => return Err(bad("errorGroupId must not be empty")),
            Some(g) => Some(g.to_ascii_lowercase()),
        };
        let strings =
            |key: &str| -> Vec<String> { q.get_all(key).into_iter().map(str::to_owned).collect() };
        Ok(Self {
            from,
            to,
            limit,
            statuses,
            branches: strings("branches"),
            users: strings("users"),
            providers,
            no_users,
            before_seq,
            text,
            error_group,
        })
    }

    /// Whether the session at simulated time `t` passes every filter.
    pub fn matches(&self, s: &TestSessionRecord, t: u64) -> bool {
        let created = s.created.timestamp_millis() as f64 / 1000.0;
        if self.from.is_some_and(|from| created < from) || self.to.is_some_and(|to| created >= to) {
            return false;
        }
        if !self.statuses.is_empty() && !self.statuses.contains(&s.status(t)) {
            return false;
        }
        if !self.branches.is_empty()
            && !s
                .branch()
                .is_some_and(|b| self.branches.iter().any(|x| x == b))
        {
            return false;
        }
        if !self.providers.is_empty() && !self.providers.contains(&s.provider) {
            return false;
        }
        if !self.users.is_empty() {
            let owner = s.commit_owner();
            let invoker = s.invoker.as_ref().map(|i| i.name.as_str());
            let listed = |u: Option<&str>| u.is_some_and(|u| self.users.iter().any(|x| x == u));
            let nobody = owner.is_none() && invoker.is_none();
            if !(listed(owner) || listed(invoker) || (self.no_users && nobody)) {
                return false;
            }
        }
        if let Some(text) = &self.text {
            let hit = s
                .search_fields()
                .any(|field| field.to_lowercase().contains(text.as_str()));
            if !hit {
                return false;
            }
        }
        if let Some(group) = &self.error_group
            && !s.error_groups(t).iter().any(|g| g.to_string() == *group)
        {
            return false;
        }
        true
    }

    /// One page of `sessions` (keyed by sequence number) at real time `now`.
    pub fn page(
        &self,
        sessions: &BTreeMap<u64, TestSessionRecord>,
        now: Instant,
        speed: f64,
        account_id: &str,
    ) -> ListResponse {
        let upper = self.before_seq.map_or(Bound::Unbounded, Bound::Excluded);
        let mut entries = Vec::new();
        let mut last_seq = None;
        let mut next_id = None;
        for (seq, s) in sessions.range((Bound::Unbounded, upper)).rev() {
            let t = s.sim_now(now, speed);
            if !self.matches(s, t) {
                continue;
            }
            if entries.len() == self.limit {
                next_id = last_seq.map(encode_cursor);
                break;
            }
            entries.push(s.list_entry(t, account_id));
            last_seq = Some(*seq);
        }
        ListResponse {
            length: entries.len(),
            entries,
            next_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::history;
    use chrono::Utc;

    fn parse(s: &str) -> Result<ListQuery, ApiError> {
        ListQuery::parse(&QueryParams::parse(s))
    }

    #[test]
    fn cursor_roundtrip() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("c_"), None);
        assert_eq!(decode_cursor("c_-1"), None);
        assert_eq!(decode_cursor("42"), None);
    }

    #[test]
    fn query_rules() {
        assert_eq!(parse("").expect("ok").limit, 20);
        assert_eq!(
            parse("limit=101").expect_err("big").message,
            "limit must be <= 100"
        );
        assert_eq!(
            parse("limit=0").expect_err("small").message,
            "limit must be >= 1"
        );
        assert_eq!(
            parse("limit=x").expect_err("nan").message,
            "limit must be an integer"
        );
        assert_eq!(
            parse("textSearch=ab").expect_err("short").message,
            "textSearch must be at least 3 characters long"
        );
        assert!(parse(&format!("textSearch={}", "a".repeat(201))).is_err());
        assert!(
            parse("statuses=QUEUED")
                .expect_err("enum")
                .message
                .starts_with("statuses")
        );
        assert!(
            parse("providers=GITLAB")
                .expect_err("enum")
                .message
                .starts_with("providers")
        );
        assert_eq!(
            parse("nextId=").expect_err("empty").message,
            "nextId must not be empty"
        );
        assert_eq!(
            parse("nextId=zzz").expect_err("bad").message,
            "nextId is not a valid cursor"
        );
        assert_eq!(
            parse("noUsers=yes").expect_err("bool").message,
            "noUsers must be a boolean"
        );
        assert_eq!(
            parse("from=soon").expect_err("num").message,
            "from must be a number"
        );
        let q = parse("statuses[]=PASSED&statuses[]=FAILED&noUsers=true").expect("ok");
        assert_eq!(q.statuses, vec![TestStatus::Passed, TestStatus::Failed]);
        assert!(q.no_users);
    }

    #[test]
    fn pages_walk_back_in_time() {
        let sessions: BTreeMap<u64, TestSessionRecord> =
            history::generate(25, &Catalog::demo(), Utc::now())
                .into_iter()
                .map(|s| (s.seq, s))
                .collect();
        let now = Instant::now();
        let mut q = parse("limit=10").expect("ok");
        let p1 = q.page(&sessions, now, 1.0, "a");
        assert_eq!(p1.length, 10);
        assert_eq!(p1.next_id.as_deref(), Some("c_16"));
        q.before_seq = p1.next_id.as_deref().and_then(decode_cursor);
        let p2 = q.page(&sessions, now, 1.0, "a");
        assert_eq!(p2.next_id.as_deref(), Some("c_6"));
        q.before_seq = Some(6);
        let p3 = q.page(&sessions, now, 1.0, "a");
        assert_eq!(p3.length, 5);
        assert_eq!(p3.next_id, None);
        let failed = parse("statuses=FAILED&limit=100")
            .expect("ok")
            .page(&sessions, now, 1.0, "a");
        assert!(failed.entries.iter().all(|e| e.status == "FAILED"));
        assert!(!failed.entries.is_empty());
    }
}
