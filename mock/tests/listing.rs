//! `GET /v1/test-sessions`: pagination, the cursor, and every filter.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use checkly_mock::MockConfig;
use chrono::{DateTime, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn history(n: usize) -> Api {
    Api::start(MockConfig::default().with_speed(500.0).with_history(n)).await
}

fn ids(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn page(api: &Api, query: &str) -> Value {
    let (status, body) = api.get(&format!("/v1/test-sessions?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert_eq!(
        body["length"].as_u64().unwrap() as usize,
        body["entries"].as_array().unwrap().len()
    );
    body
}

/// Every entry of every page for a query.
async fn all(api: &Api, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let q = match &next {
            Some(n) => format!("{query}&nextId={n}"),
            None => query.to_owned(),
        };
        let p = page(api, &q).await;
        out.extend(p["entries"].as_array().unwrap().iter().cloned());
        match p["nextId"].as_str() {
            Some(n) => next = Some(n.to_owned()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn pages_with_a_stable_cursor() {
    let api = history(25).await;
    let p1 = page(&api, "limit=10").await;
    assert_eq!(p1["length"], 10);
    let c1 = p1["nextId"].as_str().unwrap().to_owned();
    let p2 = page(&api, &format!("limit=10&nextId={c1}")).await;
    let c2 = p2["nextId"].as_str().unwrap().to_owned();

    // New sessions between pages only appear at the head.
    for _ in 0..3 {
        api.trigger_tags(json!([["production"]])).await;
    }
    let p2_again = page(&api, &format!("limit=10&nextId={c1}")).await;
    assert_eq!(ids(&p2), ids(&p2_again));
    assert_eq!(p2_again["nextId"].as_str(), Some(c2.as_str()));
    let p3 = page(&api, &format!("limit=10&nextId={c2}")).await;
    assert_eq!(p3["length"], 5);
    assert!(p3["nextId"].is_null());

    let mut seen: Vec<String> = ids(&p1);
    seen.extend(ids(&p2));
    seen.extend(ids(&p3));
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);

    let head = page(&api, "limit=4").await;
    assert_eq!(head["entries"][0]["provider"], "API");
    assert_eq!(head["entries"][3]["id"], p1["entries"][0]["id"]);

    // Newest first.
    let created: Vec<DateTime<Utc>> = all(&api, "limit=7")
        .await
        .iter()
        .map(|e| e["created_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(created.len(), 28);
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn default_limit_and_entry_shape() {
    let api = history(30).await;
    let p = page(&api, "").await;
    assert_eq!(p["length"], 20);
    let e = &p["entries"][0];
    for key in [
        "id",
        "accountId",
        "name",
        "provider",
        "region",
        "startedAt",
        "created_at",
    ] {
        assert!(e[key].is_string(), "{key} in {e}");
    }
    assert_eq!(e["accountId"], api.server.account_id());
    assert!(e["stoppedAt"].is_string());
    let total: usize = ["running", "passed", "failed", "cancelled"]
        .iter()
        .map(|k| e[*k].as_array().unwrap().len())
        .sum();
    assert!(total >= 2);
}

#[tokio::test]
async fn status_filters_in_both_array_forms() {
    let api = history(21).await;
    let failed = all(&api, "statuses=FAILED").await;
    assert_eq!(failed.len(), 6);
    assert!(failed.iter().all(|e| e["status"] == "FAILED"));
    let two = all(&api, "statuses=FAILED&statuses=CANCELLED").await;
    let brackets = all(&api, "statuses[]=FAILED&statuses[]=CANCELLED").await;
    let encoded = all(&api, "statuses%5B%5D=FAILED&statuses%5B%5D=CANCELLED").await;
    assert_eq!(two.len(), 9);
    assert_eq!(two, brackets);
    assert_eq!(two, encoded);
    let cancelled = all(&api, "statuses=CANCELLED&limit=2").await;
    assert!(
        cancelled
            .iter()
            .all(|e| !e["cancelled"].as_array().unwrap().is_empty())
    );
}

#[tokio::test]
async fn branch_user_provider_filters() {
    let api = history(40).await;
    let main = all(&api, "branches=main").await;
    assert!(!main.is_empty());
    assert!(main.iter().all(|e| e["branchName"] == "main"));
    let two = all(&api, "branches[]=main&branches[]=release/2.3").await;
    assert!(two.len() > main.len());

    let alice = all(&api, "users=alice").await;
    assert!(!alice.is_empty());
    assert!(alice.iter().all(|e| e["commitOwner"] == "alice"));
    let dana = all(&api, "users=Dana+Developer").await;
    assert!(!dana.is_empty());
    assert!(
        dana.iter()
            .all(|e| e["invoker"]["name"] == "Dana Developer")
    );
    let with_nobody = all(&api, "users=alice&noUsers=true").await;
    let nobody: Vec<_> = with_nobody
        .iter()
        .filter(|e| e["commitOwner"].is_null() && e["invoker"].is_null())
        .collect();
    assert!(!nobody.is_empty());
    assert_eq!(with_nobody.len(), alice.len() + nobody.len());

    let gh = all(&api, "providers=GITHUB&providers=VERCEL").await;
    assert!(!gh.is_empty());
    assert!(
        gh.iter()
            .all(|e| e["provider"] == "GITHUB" || e["provider"] == "VERCEL")
    );
    api.trigger_tags(json!([["production"]])).await;
    let api_sessions = all(&api, "providers=API").await;
    assert!(api_sessions.iter().any(|e| e["name"] == "t"));
}

#[tokio::test]
async fn text_error_group_and_time_filters() {
    let api = history(30).await;
    let searched = [
        "name",
        "branchName",
        "commitMessage",
        "commitOwner",
        "commitId",
        "repoUrl",
        "environment",
    ];
    let hit_in = |e: &Value, field: &str, text: &str| {
        e[field]
            .as_str()
            .is_some_and(|s| s.to_lowercase().contains(text))
    };
    let hits = all(&api, "textSearch=CHECKOUT").await;
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|e| searched.iter().any(|f| hit_in(e, f, "checkout")))
    );
    let named = all(&api, "textSearch=%2327").await; // "#27"
    assert_eq!(named.len(), 1);

    // Each metadata field is searched: commit owner, commit id, repo URL
    // and environment (history has no other field containing these).
    let every = all(&api, "limit=100").await;
    let owned = all(&api, "textSearch=aLiCe").await;
    assert!(!owned.is_empty());
    assert!(owned.iter().all(|e| e["commitOwner"] == "alice"));
    assert_eq!(
        owned.len(),
        every.iter().filter(|e| e["commitOwner"] == "alice").count()
    );
    let commit = every[3]["commitId"].as_str().unwrap();
    let by_commit = all(&api, &format!("textSearch={}", &commit[28..])).await;
    assert_eq!(
        ids(&json!({"entries": by_commit})),
        vec![every[3]["id"].clone()]
    );
    assert_eq!(all(&api, "textSearch=acme/webshop").await.len(), 30);
    let staging = all(&api, "textSearch=staging").await;
    assert_eq!(staging.len(), 15);
    assert!(staging.iter().all(|e| e["environment"] == "staging"));

    let failed = all(&api, "statuses=FAILED").await;
    let group = failed[0]["errorGroupIds"][0].as_str().unwrap().to_owned();
    let by_group = all(&api, &format!("errorGroupId={group}")).await;
    assert!(!by_group.is_empty());
    assert!(by_group.iter().all(|e| {
        e["errorGroupIds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == group.as_str())
    }));
    assert!(all(&api, "errorGroupId=nothing").await.is_empty());

    let created = |i: usize| -> f64 {
        let t: DateTime<Utc> = every[i]["created_at"].as_str().unwrap().parse().unwrap();
        t.timestamp_millis() as f64 / 1000.0
    };
    // Entries 5..=10 (newest first): created in [created(10), created(4)).
    let window = all(&api, &format!("from={}&to={}", created(10), created(4))).await;
    assert_eq!(
        ids(&json!({"entries": window})),
        ids(&json!({"entries": every[5..=10]}))
    );
}

#[tokio::test]
async fn list_parameter_errors() {
    let api = history(3).await;
    for (q, msg) in [
        ("limit=101", "limit must be <= 100"),
        ("limit=0", "limit must be >= 1"),
        (
            "textSearch=ab",
            "textSearch must be at least 3 characters long",
        ),
        ("nextId=", "nextId must not be empty"),
        ("nextId=garbage", "nextId is not a valid cursor"),
        ("noUsers=maybe", "noUsers must be a boolean"),
        ("from=yesterday", "from must be a number"),
        ("errorGroupId=", "errorGroupId must not be empty"),
    ] {
        let (status, body) = api.get(&format!("/v1/test-sessions?{q}")).await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], msg, "{q}");
    }
    for q in ["statuses=QUEUED", "statuses[]=passed", "providers=GITLAB"] {
        let (status, body) = api.get(&format!("/v1/test-sessions?{q}")).await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    }
    let long = "a".repeat(201);
    let (status, _) = api
        .get(&format!("/v1/test-sessions?textSearch={long}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let p = page(&api, "limit=100&unknownParam=1").await;
    assert_eq!(p["length"], 3);
}
