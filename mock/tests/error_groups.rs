//! Test-session error groups: known and new groups, paging, retrieval.
#![allow(clippy::unwrap_used)]

mod common;

use checkly_mock::MockConfig;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const GROUPS: &str = "/v1/test-session-error-groups";

fn group<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|g| g["id"] == id)
}

#[tokio::test]
async fn failed_results_point_at_known_and_new_groups() {
    let api = Api::fast().await;
    let search = "e7700000-0000-4000-8000-000000000008"; // check 8
    let payments = "e7700000-0000-4000-8000-00000000000a"; // check 10
    let legacy = "e7700000-0000-4000-8000-00000000000c"; // check 12

    // Before any run: the known groups of the always-failing checks.
    let (status, list) = api.get(&format!("{GROUPS}?limit=100")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert!(group(&list, search).is_some() && group(&list, legacy).is_some());
    assert!(group(&list, payments).is_none());

    let body = json!({"name": "t", "runLocation": "eu-central-1", "metadata": {"environment": "staging"},
                      "target": {"matchTags": [["failing"], ["flaky"]]},
                      "retryStrategy": {"type": "SINGLE_RETRY"}});
    let (_, results) = api.finished_results(body.clone()).await;
    let failed: Vec<&Value> = results.iter().filter(|r| r["status"] == "FAILED").collect();
    assert!(failed.iter().any(|r| r["errorGroupIds"] == json!([search])));
    let flaky_attempt = failed
        .iter()
        .find(|r| r["errorGroupIds"] == json!([payments]))
        .unwrap();

    let (_, list) = api.get(&format!("{GROUPS}?limit=100")).await;
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    // New: first seen when the flaky check's attempt failed.
    let new = group(&list, payments).unwrap();
    assert_eq!(new["firstSeen"], flaky_attempt["stoppedAt"]);
    assert_eq!(new["rawErrorMessage"], "connect ETIMEDOUT 10.20.4.17:443");
    assert_eq!(
        new["cleanedErrorMessage"],
        "connect ETIMEDOUT <num>.<num>.<num>.<num>:<num>"
    );
    assert_eq!(new["environments"], json!(["staging"]));
    // Known: first seen days before, last seen in this run.
    let known = group(&list, search).unwrap();
    let first = chrono::DateTime::parse_from_rfc3339(known["firstSeen"].as_str().unwrap()).unwrap();
    assert!(chrono::Utc::now().signed_duration_since(first) > chrono::TimeDelta::days(1));
    assert_eq!(
        known["rawErrorMessage"],
        "Assertion failed: expected status code to equal 200, but got 503"
    );
    assert_eq!(known["archivedUntilNextEvent"], false);
    assert_eq!(known["pwtMetadata"], Value::Null);
    // Newest lastSeen first.
    let last: Vec<&str> = (list.as_array().unwrap().iter())
        .map(|g| g["lastSeen"].as_str().unwrap())
        .collect();
    assert!(last.windows(2).all(|w| w[0] >= w[1]), "{last:?}");

    // Another session: same groups, same hashes, the new one keeps its first sighting.
    api.finished_results(body).await;
    let (status, again) = api.get(&format!("{GROUPS}/{payments}")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["errorHash"], new["errorHash"]);
    assert_eq!(again["firstSeen"], new["firstSeen"]);
    assert!(again["lastSeen"].as_str().unwrap() > new["lastSeen"].as_str().unwrap());
    let (_, known_again) = api.get(&format!("{GROUPS}/{search}")).await;
    assert_eq!(known_again["errorHash"], known["errorHash"]);
}

#[tokio::test]
async fn paging_limits_and_errors() {
    let api = Api::start(MockConfig::default().with_history(40)).await;
    let (_, all) = api.get(&format!("{GROUPS}?limit=100")).await;
    let all = all.as_array().unwrap().clone();
    assert!(all.len() > 3, "{}", all.len());
    let (_, default) = api.get(GROUPS).await;
    assert_eq!(default.as_array().unwrap().len(), all.len().min(10));
    let (_, second) = api.get(&format!("{GROUPS}?limit=2&page=2")).await;
    assert_eq!(second.as_array().unwrap()[..], all[2..4]);
    let (status, past) = api.get(&format!("{GROUPS}?limit=100&page=9")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past, json!([]));

    for (query, message) in [
        ("limit=0", "limit must be >= 1"),
        ("limit=101", "limit must be <= 100"),
        ("limit=x", "limit must be an integer"),
        ("page=0", "page must be > 0"),
        ("page=-1", "page must be > 0"),
        ("page=x", "page must be a number"),
    ] {
        let (status, body) = api.get(&format!("{GROUPS}?{query}")).await;
        assert_api_error(status, &body, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], message, "{query}");
    }
    let id = all[0]["id"].as_str().unwrap();
    let (status, one) = api.get(&format!("{GROUPS}/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, all[0]);
    let (status, body) = api
        .get(&format!("{GROUPS}/00000000-0000-4000-8000-000000000000"))
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = api.get(&format!("{GROUPS}/nope")).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "id must be a UUID");
    for path in [GROUPS.to_owned(), format!("{GROUPS}/{id}")] {
        let (status, body) = api.send(api.http.get(api.url(&path))).await;
        assert_api_error(status, &body, StatusCode::UNAUTHORIZED);
    }

    // Every group a history session names is served.
    let (_, page) = api.get("/v1/test-sessions?limit=100").await;
    for entry in page["entries"].as_array().unwrap() {
        for g in entry["errorGroupIds"].as_array().unwrap() {
            let (status, _) = api.get(&format!("{GROUPS}/{}", g.as_str().unwrap())).await;
            assert_eq!(status, StatusCode::OK, "{g}");
        }
    }
}

#[tokio::test]
async fn faults_hit_error_groups() {
    let api = Api::fast().await;
    api.server
        .add_fault(format!("GET:{GROUPS}=status:429x1").parse().unwrap());
    let resp = api.get_url(&api.url(GROUPS)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "1");
    let (status, _) = api.get(GROUPS).await;
    assert_eq!(status, StatusCode::OK);
}
