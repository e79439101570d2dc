//! Listing follows `nextId` lazily and stops on a repeated cursor.
#![allow(clippy::unwrap_used)]

mod common;

use checkly::Error;
use common::*;
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn entry(n: usize) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "accountId": ACCOUNT_ID,
        "name": format!("Session {n}"),
        "provider": "API",
        "region": "eu-central-1",
        "startedAt": "2026-11-23T10:00:00Z",
        "created_at": "2026-11-23T10:00:00Z",
        "status": "PASSED"
    })
}

fn page(entries: std::ops::Range<usize>, next: Option<&str>) -> ResponseTemplate {
    let entries: Vec<Value> = entries.map(entry).collect();
    let mut body = json!({ "length": entries.len(), "entries": entries });
    if let Some(next) = next {
        body["nextId"] = json!(next);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_page(server: &MockServer, cursor: Option<&str>, response: ResponseTemplate) {
    let mock = Mock::given(method("GET"))
        .and(path("/v1/test-sessions"))
        .and(query_param("limit", "2"));
    let mock = match cursor {
        Some(cursor) => mock.and(query_param("nextId", cursor)),
        None => mock.and(query_param_is_missing("nextId")),
    };
    mock.respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn items_follow_next_id_over_three_pages() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(0..2, Some("c1"))).await;
    mount_page(&server, Some("c1"), page(2..4, Some("c2"))).await;
    // The last page marks its end with `nextId: null`.
    let last = ResponseTemplate::new(200)
        .set_body_json(json!({"length": 1, "entries": [entry(4)], "nextId": null}));
    mount_page(&server, Some("c2"), last).await;

    let client = client(&server);
    let names: Vec<String> = client
        .list_test_sessions()
        .limit(2)
        .into_paginator()
        .items()
        .map_ok(|e| e.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        names,
        [
            "Session 0",
            "Session 1",
            "Session 2",
            "Session 3",
            "Session 4"
        ]
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_polled() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(0..2, Some("c1"))).await;
    let client = client(&server);
    let pages = client
        .list_test_sessions()
        .limit(2)
        .into_paginator()
        .pages();
    let first: Vec<_> = pages.take(1).collect().await;
    assert_eq!(first.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_page_without_next_id_is_the_last() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(0..2, None)).await;
    let client = client(&server);
    let pages: Vec<_> = client
        .list_test_sessions()
        .limit(2)
        .into_paginator()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
}

#[tokio::test]
async fn a_repeated_cursor_stops_with_an_error() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(0..2, Some("c1"))).await;
    mount_page(&server, Some("c1"), page(2..4, Some("c2"))).await;
    Mock::given(method("GET"))
        .and(query_param("nextId", "c2"))
        .respond_with(page(4..6, Some("c1")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut items = client
        .list_test_sessions()
        .limit(2)
        .into_paginator()
        .items();
    let mut seen = 0;
    let error = loop {
        match items.next().await {
            Some(Ok(_)) => seen += 1,
            Some(Err(e)) => break e,
            None => panic!("the stream must end with an error"),
        }
    };
    assert_eq!(seen, 6, "every entry before the loop is delivered");
    assert!(
        matches!(&error, Error::RepeatedCursor { cursor } if cursor == "c1"),
        "{error:?}"
    );
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn filters_are_validated_before_any_request() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client
        .list_test_sessions()
        .limit(101)
        .send()
        .await
        .unwrap_err();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(v.field, "limit");
    assert!(v.rule.contains("at most 100"), "{}", v.rule);
    let error = client
        .list_test_sessions()
        .text_search("ab")
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`textSearch` must be at least 3 characters"),
        "{error}"
    );
    let error = client
        .list_test_sessions()
        .text_search("x".repeat(201))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("at most 200 characters"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
