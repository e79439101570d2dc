//! Error groups of test sessions: the errors Checkly has grouped across
//! runs. A result's `errorGroupIds` point here; a group whose `firstSeen` is
//! within the session is new, an older one is known.

use std::num::NonZeroU64;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::{Map, json};
use uuid::Uuid;

use crate::Operation;
use crate::call::call;
use crate::client::Client;
use crate::error::Result;
use crate::types::TestSessionErrorGroup;
use crate::validate;

/// The page size the API uses when none is given.
const DEFAULT_LIMIT: u32 = 10;

impl Client {
    /// One error group (`GET /v1/test-session-error-groups/{id}`).
    pub async fn get_error_group(&self, id: Uuid) -> Result<TestSessionErrorGroup> {
        call(
            self.generated()
                .get_v1_testsessionerrorgroups_id()
                .id(id)
                .send(),
        )
        .await
    }

    /// The account's error groups (`GET /v1/test-session-error-groups`), a
    /// page at a time.
    ///
    /// ```no_run
    /// # async fn run(client: checkly::Client) -> checkly::Result<()> {
    /// use futures::TryStreamExt;
    /// let groups: Vec<_> = client.list_error_groups().limit(100).into_stream().try_collect().await?;
    /// println!("{} error groups", groups.len());
    /// # Ok(()) }
    /// ```
    pub fn list_error_groups(&self) -> ListErrorGroups {
        ListErrorGroups {
            client: self.clone(),
            limit: None,
            page: None,
        }
    }
}

/// The query of [`Client::list_error_groups`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ListErrorGroups {
    client: Client,
    limit: Option<u32>,
    page: Option<u32>,
}

impl ListErrorGroups {
    /// Groups per page, 1 to 100 (the API's default is 10).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page to fetch, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Fetches the one page asked for.
    pub async fn send(&self) -> Result<Vec<TestSessionErrorGroup>> {
        let mut params = Map::new();
        if let Some(limit) = self.limit {
            params.insert("limit".into(), json!(limit));
        }
        if let Some(page) = self.page {
            params.insert("page".into(), json!(page));
        }
        validate::query(Operation::GetV1Testsessionerrorgroups, &params)?;
        let mut request = self.client.generated().get_v1_testsessionerrorgroups();
        // Both were validated as at least 1 above.
        if let Some(limit) = self.limit.and_then(|l| NonZeroU64::new(l.into())) {
            request = request.limit(limit);
        }
        if let Some(page) = self.page.and_then(|p| NonZeroU64::new(p.into())) {
            request = request.page(page);
        }
        call(request.send()).await
    }

    /// Every group from the page asked for (default 1) on, fetching the next
    /// page when one is used up; ends after a page shorter than the limit.
    pub fn into_stream(self) -> BoxStream<'static, Result<TestSessionErrorGroup>> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let first = self.page.unwrap_or(1);
        stream::try_unfold(Some(self.page(first)), move |query| async move {
            let Some(query) = query else {
                return Ok::<_, crate::Error>(None);
            };
            let groups = query.send().await?;
            let full = u32::try_from(groups.len()).is_ok_and(|n| n >= limit) && limit > 0;
            let next = full.then(|| {
                let page = query.page.unwrap_or(1).saturating_add(1);
                query.page(page)
            });
            Ok(Some((stream::iter(groups.into_iter().map(Ok)), next)))
        })
        .try_flatten()
        .boxed()
    }
}
