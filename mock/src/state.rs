//! The state shared by every request: configuration, stored sessions, fault
//! rules, the request log, and the change notifier long polls wait on.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use uuid::Uuid;

use crate::catalog::Catalog;
use crate::check_session::CheckSessionRecord;
use crate::faults::FaultSet;
use crate::session::TestSessionRecord;

/// How many requests the log keeps; older ones are dropped.
pub(crate) const RECEIVED_LIMIT: usize = 10_000;

/// A request the mock received (admin routes under `/__mock` excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedRequest {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The path, e.g. `"/v1/test-sessions/trigger"`.
    pub path: String,
    /// The raw query string without `?` (empty when there is none).
    pub query: String,
    /// The JSON body; `Null` without a body, a JSON string holding the raw
    /// text when the body is not JSON. A body of more than 64 KiB is not
    /// stored whole: it becomes `{"truncated": true, "bytes": N, "head":
    /// "…"}`, with `N` its size in bytes and `head` its first 64 KiB as
    /// text (a character cut in two at the end left out).
    pub body: serde_json::Value,
}

/// Stored sessions.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Test sessions by sequence number.
    pub test_sessions: BTreeMap<u64, TestSessionRecord>,
    /// Sequence numbers by test-session id.
    pub test_session_ids: HashMap<Uuid, u64>,
    /// The last sequence number given out.
    pub last_seq: u64,
    /// Check sessions by id.
    pub check_sessions: HashMap<Uuid, CheckSessionRecord>,
}

impl Store {
    /// Stores a test session under the next sequence number.
    pub fn insert_test_session(&mut self, mut session: TestSessionRecord) -> &TestSessionRecord {
        self.last_seq += 1;
        session.seq = self.last_seq;
        self.test_session_ids.insert(session.id, session.seq);
        self.test_sessions.entry(session.seq).or_insert(session)
    }

    /// The test session with this id.
    pub fn test_session(&self, id: Uuid) -> Option<&TestSessionRecord> {
        self.test_session_ids
            .get(&id)
            .and_then(|seq| self.test_sessions.get(seq))
    }

    /// The test session with this id, to change it.
    pub fn test_session_mut(&mut self, id: Uuid) -> Option<&mut TestSessionRecord> {
        self.test_session_ids
            .get(&id)
            .and_then(|seq| self.test_sessions.get_mut(seq))
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct AppState {
    /// The accepted API key.
    pub api_key: String,
    /// The accepted account id.
    pub account_id: String,
    /// Simulated time per real time.
    pub speed: f64,
    /// The account's checks.
    pub catalog: Catalog,
    /// When the server started (wall clock).
    pub started: DateTime<Utc>,
    /// Stored sessions.
    pub store: Mutex<Store>,
    /// Fault rules in force.
    pub faults: Mutex<FaultSet>,
    /// Received requests, oldest first.
    pub received: Mutex<VecDeque<ReceivedRequest>>,
    /// Bumped whenever a session changes other than by the passing of time.
    pub changes: watch::Sender<u64>,
    /// Becomes true when the server stops.
    pub shutdown: watch::Receiver<bool>,
}

/// Locks a mutex, ignoring poisoning (no lock is held across a panic point
/// that could leave the data inconsistent).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// Appends to the request log.
    pub fn record(&self, request: ReceivedRequest) {
        let mut log = lock(&self.received);
        if log.len() >= RECEIVED_LIMIT {
            log.pop_front();
        }
        log.push_back(request);
    }

    /// Wakes the long polls.
    pub fn notify_change(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Resolves once the server stops.
pub(crate) async fn stopped(mut shutdown: watch::Receiver<bool>) {
    // An error means the sender is gone, so the server is gone too.
    let _ = shutdown.wait_for(|stop| *stop).await;
}
