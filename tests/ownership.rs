//! The client, its waiters and its paginators own what they need: they are
//! `Send` and `'static`, so they can move into `tokio::spawn`. This file
//! fails to compile when one of them borrows again.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use checkly::types::AwaitTestSessionCompletionResponse;
use checkly::{Client, ListTestSessions, Paginator, ProgressStream, Waiter};
use common::*;

fn send_static<T: Send + 'static>(_: &T) {}

fn shared<T: Send + Sync + Clone + 'static>() {}

#[tokio::test]
async fn waiters_paginators_and_the_client_are_send_and_static() {
    shared::<Client>();
    let server = wiremock::MockServer::start().await;
    let id = SESSION_ID.parse().unwrap();
    // Built from a client that is dropped before they are used.
    let (waiter, progress, list, pages): (
        Waiter<AwaitTestSessionCompletionResponse>,
        ProgressStream,
        ListTestSessions,
        Paginator,
    ) = {
        let client = client(&server);
        (
            client.wait_for_test_session(id),
            client
                .wait_for_test_session(id)
                .progress(Duration::from_secs(1)),
            client.list_test_sessions(),
            client.list_test_sessions().into_paginator(),
        )
    };
    send_static(&waiter);
    send_static(&progress);
    send_static(&list);
    send_static(&pages);
    send_static(&pages.pages());
}
