//! Listing test sessions: one page with [`ListTestSessions::send`], or all of
//! them, lazily, with [`ListTestSessions::into_paginator`].

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::{Map, Value, json};

use crate::call::call;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::types::{
    ListTestSessionsResponse, TestSessionListEntry, TestSessionProvider, TestSessionStatus,
};
use crate::validate;

const OPERATION: crate::Operation = crate::Operation::GetV1Testsessions;

impl Client {
    /// Lists test sessions (`GET /v1/test-sessions`), newest first, with
    /// every filter of the endpoint.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client) -> checkly::Result<()> {
    /// use checkly::types::TestSessionStatus;
    /// use futures::TryStreamExt;
    /// let failed: Vec<_> = client
    ///     .list_test_sessions()
    ///     .status(TestSessionStatus::Failed)
    ///     .branch("main")
    ///     .limit(100)
    ///     .into_paginator()
    ///     .items()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list_test_sessions(&self) -> ListTestSessions {
        ListTestSessions {
            client: self.clone(),
            filters: Filters::default(),
            next_id: None,
        }
    }
}

/// The filters of the list, by their wire names.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    from: Option<i64>,
    to: Option<i64>,
    limit: Option<u32>,
    statuses: Vec<TestSessionStatus>,
    branches: Vec<String>,
    users: Vec<String>,
    providers: Vec<TestSessionProvider>,
    no_users: Option<bool>,
    text_search: Option<String>,
    error_group_id: Option<String>,
}

/// A request for a list of test sessions; set filters, then [`send`](Self::send)
/// for one page or [`into_paginator`](Self::into_paginator) for all. It owns
/// a clone of the client, so it and its paginator are `'static` and can be
/// moved into a spawned task.
#[derive(Clone, Debug)]
#[must_use]
pub struct ListTestSessions {
    client: Client,
    filters: Filters,
    next_id: Option<String>,
}

impl ListTestSessions {
    /// Only sessions created at or after this time (`from`).
    pub fn from(mut self, at: DateTime<Utc>) -> Self {
        self.filters.from = Some(at.timestamp());
        self
    }

    /// Only sessions created before this time (`to`).
    pub fn to(mut self, at: DateTime<Utc>) -> Self {
        self.filters.to = Some(at.timestamp());
        self
    }

    /// Sessions per page, at most 100 (`limit`; the API's default is 20).
    pub fn limit(mut self, limit: u32) -> Self {
        self.filters.limit = Some(limit);
        self
    }

    /// Adds a status to match (`statuses`).
    pub fn status(mut self, status: TestSessionStatus) -> Self {
        self.filters.statuses.push(status);
        self
    }

    /// Adds statuses to match (`statuses`).
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = TestSessionStatus>) -> Self {
        self.filters.statuses.extend(statuses);
        self
    }

    /// Adds a Git branch to match (`branches`).
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.filters.branches.push(branch.into());
        self
    }

    /// Adds a commit owner or invoking user to match (`users`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.filters.users.push(user.into());
        self
    }

    /// Adds a provider to match (`providers`).
    pub fn provider(mut self, provider: TestSessionProvider) -> Self {
        self.filters.providers.push(provider);
        self
    }

    /// Also include sessions with neither commit owner nor invoking user (`noUsers`).
    pub fn no_users(mut self, include: bool) -> Self {
        self.filters.no_users = Some(include);
        self
    }

    /// Free text matched against the sessions' text fields, 3 to 200 characters (`textSearch`).
    pub fn text_search(mut self, text: impl Into<String>) -> Self {
        self.filters.text_search = Some(text.into());
        self
    }

    /// Only sessions that saw this error group (`errorGroupId`).
    pub fn error_group_id(mut self, id: impl Into<String>) -> Self {
        self.filters.error_group_id = Some(id.into());
        self
    }

    /// Start from this cursor, a `nextId` of an earlier page.
    pub fn next_id(mut self, cursor: impl Into<String>) -> Self {
        self.next_id = Some(cursor.into());
        self
    }

    /// Fetches one page.
    pub async fn send(&self) -> Result<ListTestSessionsResponse> {
        fetch_page(&self.client, &self.filters, self.next_id.as_deref()).await
    }

    /// Every page from here on, following `nextId`.
    pub fn into_paginator(self) -> Paginator {
        Paginator { request: self }
    }
}

/// Follows `nextId` until a page has none. Stops with
/// [`Error::RepeatedCursor`] if the API hands out a cursor twice.
#[derive(Debug)]
#[must_use]
pub struct Paginator {
    request: ListTestSessions,
}

impl Paginator {
    /// The pages, fetched one at a time as the stream is polled.
    pub fn pages(self) -> BoxStream<'static, Result<ListTestSessionsResponse>> {
        struct State {
            client: Client,
            filters: Filters,
            cursor: Option<String>,
            seen: HashSet<String>,
            done: bool,
            repeated: Option<String>,
        }
        let ListTestSessions {
            client,
            filters,
            next_id,
        } = self.request;
        let mut seen = HashSet::new();
        seen.extend(next_id.clone());
        let state = State {
            client,
            filters,
            cursor: next_id,
            seen,
            done: false,
            repeated: None,
        };
        stream::try_unfold(state, |mut state| async move {
            if let Some(cursor) = state.repeated.take() {
                return Err(Error::RepeatedCursor { cursor });
            }
            if state.done {
                return Ok(None);
            }
            let page = fetch_page(&state.client, &state.filters, state.cursor.as_deref()).await?;
            match page.next_id.clone().filter(|cursor| !cursor.is_empty()) {
                Some(cursor) => {
                    // Deliver this page, then stop instead of looping.
                    if state.seen.insert(cursor.clone()) {
                        state.cursor = Some(cursor);
                    } else {
                        state.repeated = Some(cursor);
                    }
                }
                None => state.done = true,
            }
            Ok(Some((page, state)))
        })
        .boxed()
    }

    /// The sessions of every page, one by one.
    pub fn items(self) -> BoxStream<'static, Result<TestSessionListEntry>> {
        self.pages()
            .map_ok(|page| stream::iter(page.entries.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

async fn fetch_page(
    client: &Client,
    filters: &Filters,
    next_id: Option<&str>,
) -> Result<ListTestSessionsResponse> {
    validate::query(OPERATION, &wire_params(filters, next_id))?;
    let mut request = client.generated().get_v1_testsessions();
    if let Some(from) = filters.from {
        request = request.from(from);
    }
    if let Some(to) = filters.to {
        request = request.to(to);
    }
    if let Some(limit) = filters.limit {
        request = request.limit(i64::from(limit));
    }
    if !filters.statuses.is_empty() {
        request = request.statuses(filters.statuses.clone());
    }
    if !filters.branches.is_empty() {
        request = request.branches(filters.branches.clone());
    }
    if !filters.users.is_empty() {
        request = request.users(filters.users.clone());
    }
    if !filters.providers.is_empty() {
        request = request.providers(filters.providers.clone());
    }
    if let Some(no_users) = filters.no_users {
        request = request.no_users(no_users);
    }
    if let Some(text) = &filters.text_search {
        request = request.text_search(text.clone());
    }
    if let Some(id) = &filters.error_group_id {
        request = request.error_group_id(id.clone());
    }
    if let Some(cursor) = next_id {
        request = request.next_id(cursor.to_string());
    }
    call(request.send()).await
}

/// The parameters as the validator sees them: wire names, JSON values.
fn wire_params(filters: &Filters, next_id: Option<&str>) -> Map<String, Value> {
    let optional = [
        ("from", filters.from.map(|v| json!(v))),
        ("to", filters.to.map(|v| json!(v))),
        ("limit", filters.limit.map(|v| json!(v))),
        ("noUsers", filters.no_users.map(|v| json!(v))),
        ("textSearch", filters.text_search.as_ref().map(|v| json!(v))),
        (
            "errorGroupId",
            filters.error_group_id.as_ref().map(|v| json!(v)),
        ),
        ("nextId", next_id.map(|v| json!(v))),
        ("statuses", Some(json!(filters.statuses))),
        ("branches", Some(json!(filters.branches))),
        ("users", Some(json!(filters.users))),
        ("providers", Some(json!(filters.providers))),
    ];
    optional
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect()
}
