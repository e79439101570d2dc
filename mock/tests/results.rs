//! One result in full, its asset manifest and the asset downloads.
#![allow(clippy::unwrap_used)]

mod common;

use checkly_mock::{Behaviour, CheckDef, MockConfig};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn tags(tag: &str) -> Value {
    json!({"name": "t", "runLocation": "eu-central-1", "target": {"matchTags": [[tag]]},
           "retryStrategy": {"type": "SINGLE_RETRY"}})
}

/// A test check of another type.
fn typed(mut c: CheckDef, check_type: &str) -> CheckDef {
    c.check_type = check_type.to_owned();
    c
}

fn result_path(session: &str, result: &Value) -> String {
    format!(
        "/v1/test-sessions/{session}/results/{}",
        result["testSessionResultId"].as_str().unwrap()
    )
}

/// The job log's messages.
fn log_messages(detail: &Value) -> Vec<String> {
    detail["jobLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert!(l["time"].is_i64() && l["level"].is_string(), "{l}");
            l["msg"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn failing_check_detail_says_why() {
    let api = Api::fast().await;
    let (sid, results) = api
        .finished_results(json!({"name": "t", "runLocation": "eu-central-1",
                                 "target": {"matchTags": [["failing"]]}}))
        .await;
    assert_eq!(results.len(), 1);
    let (status, r) = api.get(&result_path(&sid, &results[0])).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["name"], "Staging search API");
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["id"], r["testSessionResultId"]);
    assert_eq!(r["sequenceId"], r["testSessionResultId"]);
    assert_eq!(r["attempts"], 1);
    assert_eq!(r["isCancelled"], false);
    assert!(r["created_at"].is_string() && r["traceId"].is_string());
    assert_eq!(
        r["errorGroupIds"],
        json!(["e7700000-0000-4000-8000-000000000008"])
    );
    let detail = &r["apiCheckResult"];
    assert_eq!(detail["response"]["status"], 503);
    assert_eq!(detail["requestError"], Value::Null);
    let status_assertion = &detail["assertions"][0];
    assert_eq!(status_assertion["source"], "STATUS_CODE");
    assert_eq!(status_assertion["comparison"], "EQUALS");
    assert_eq!(status_assertion["target"], "200");
    assert_eq!(status_assertion["actual"], 503);
    assert_eq!(status_assertion["passed"], false);
    let log = log_messages(detail);
    assert!(
        log.contains(
            &"Assertion failed: expected status code to equal 200, but got 503".to_owned()
        ),
        "{log:?}"
    );
    assert_eq!(
        detail["jobAssets"],
        json!(["job.log", "screenshot.png", "trace.zip"])
    );
}

#[tokio::test]
async fn flaky_check_fails_an_attempt_then_passes() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("flaky")).await;
    assert_eq!(results.len(), 2);
    let (_, attempt) = api.get(&result_path(&sid, &results[0])).await;
    let (_, last) = api.get(&result_path(&sid, &results[1])).await;
    assert_eq!(attempt["resultType"], "ATTEMPT");
    assert_eq!(attempt["status"], "FAILED");
    assert_eq!(attempt["attempts"], 1);
    assert_eq!(
        attempt["apiCheckResult"]["requestError"],
        "connect ETIMEDOUT 10.20.4.17:443"
    );
    assert_eq!(last["resultType"], "FINAL");
    assert_eq!(last["status"], "PASSED");
    assert_eq!(last["attempts"], 2);
    assert_eq!(last["errorGroupIds"], json!([]));
    assert_eq!(last["apiCheckResult"]["response"]["status"], 200);
    assert_eq!(last["apiCheckResult"]["requestError"], Value::Null);
    // Both belong to one run: the FINAL result's id.
    assert_eq!(attempt["sequenceId"], last["testSessionResultId"]);
    assert_eq!(last["sequenceId"], last["testSessionResultId"]);
}

#[tokio::test]
async fn passing_and_script_checks() {
    let cat = catalog(vec![
        typed(
            check(1, "Cart flow", &["b"], Behaviour::Fail, 0.1),
            "BROWSER",
        ),
        typed(
            check(2, "Shop e2e", &["p"], Behaviour::Fail, 0.1),
            "PLAYWRIGHT",
        ),
        typed(check(3, "Home", &["ok"], Behaviour::Pass, 0.1), "URL"),
        typed(
            check(4, "Order bot", &["a"], Behaviour::Fail, 0.1),
            "AGENTIC",
        ),
    ]);
    let api = Api::start(MockConfig::default().with_catalog(cat).with_speed(100.0)).await;
    let body = json!({"name": "t", "runLocation": "x"});
    let (sid, results) = api.finished_results(body).await;
    let by_name = |n: &str| results.iter().find(|r| r["name"] == n).unwrap().clone();

    let (_, browser) = api.get(&result_path(&sid, &by_name("Cart flow"))).await;
    let b = &browser["browserCheckResult"];
    let message = b["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("TimeoutError: locator.click"), "{b}");
    assert!(
        b["errors"][0]["stack"]
            .as_str()
            .unwrap()
            .contains("/check/cart-flow.spec.js")
    );
    let video = b["playwrightTestVideos"][0].as_str().unwrap();
    assert!(video.starts_with(&api.server.url()), "{video}");
    assert!(video.ends_with("/video.webm"));

    let (_, pw) = api.get(&result_path(&sid, &by_name("Shop e2e"))).await;
    let p = &pw["playwrightCheckResult"];
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("toHaveTitle")
    );
    assert_eq!(p["playwrightTraceFiles"][0]["name"], "trace.zip");
    assert!(
        p["playwrightTestJsonReportFile"]
            .as_str()
            .unwrap()
            .ends_with("/report.json")
    );
    assert_eq!(pw["filePath"], "tests/shop-e2e.spec.ts");

    let (_, agent) = api.get(&result_path(&sid, &by_name("Order bot"))).await;
    assert!(agent["agenticCheckResult"]["errors"][0]["message"].is_string());

    let (_, home) = api.get(&result_path(&sid, &by_name("Home"))).await;
    let h = &home["apiCheckResult"];
    assert_eq!(h["response"]["status"], 200);
    assert!(
        h["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["passed"] == true)
    );
    assert_eq!(h["jobAssets"], json!(["job.log"]));
}

#[tokio::test]
async fn result_errors() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("failing")).await;
    let (other, _) = api.finished_results(tags("flaky")).await;
    let rid = results[0]["testSessionResultId"].as_str().unwrap();
    let unknown = "00000000-0000-4000-8000-000000000000";

    let (status, body) = api
        .get(&format!("/v1/test-sessions/{unknown}/results/{rid}"))
        .await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
    // A result of another session.
    for path in [
        format!("/v1/test-sessions/{other}/results/{rid}"),
        format!("/v1/test-sessions/{other}/results/{rid}/assets"),
        format!("/v1/test-sessions/{sid}/results/{unknown}"),
    ] {
        let (status, body) = api.get(&path).await;
        assert_api_error(status, &body, StatusCode::NOT_FOUND);
    }
    let (status, body) = api.get(&format!("/v1/test-sessions/{sid}/results/x")).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "testSessionResultId must be a UUID");
    let (status, body) = api
        .get(&format!("/v1/test-sessions/x/results/{rid}/assets"))
        .await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "testSessionId must be a UUID");

    let path = format!("/v1/test-sessions/{sid}/results/{rid}");
    for p in [path.clone(), format!("{path}/assets")] {
        let (status, body) = api.send(api.http.get(api.url(&p))).await;
        assert_api_error(status, &body, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn asset_manifest_filters() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("degraded")).await;
    let r = &results[0];
    let rid = r["testSessionResultId"].as_str().unwrap();
    let base = format!("{}/assets", result_path(&sid, r));
    let names = |m: &Value| -> Vec<String> {
        assert_eq!(m["entriesReturned"], m["assets"].as_array().unwrap().len());
        (m["assets"].as_array().unwrap().iter())
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let (status, all) = api.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        names(&all),
        ["job.log", "screenshot.png", "trace.zip", "video.webm"]
    );
    assert_eq!(all["truncated"], false);
    let shot = &all["assets"][1];
    assert_eq!(shot["type"], "screenshot");
    assert_eq!(shot["contentType"], "image/png");
    assert_eq!(
        shot["url"],
        format!("{}/__assets/{sid}/{rid}/screenshot.png", api.server.url())
    );
    assert_eq!(shot["source"]["type"], "test-session-result");
    assert_eq!(shot["source"]["checkName"], "Staging dashboard");
    assert_eq!(shot["source"]["resultId"], rid);
    assert_eq!(shot["source"]["testSessionId"], sid);

    for (query, expected) in [
        ("type=log&type=trace", vec!["job.log", "trace.zip"]),
        ("type[]=screenshot", vec!["screenshot.png"]),
        ("type=pcap", vec![]),
        ("name=*.PNG", vec!["screenshot.png"]),
        ("name=?ob.*", vec!["job.log"]),
        ("type=log&type=video&name=*e*", vec!["video.webm"]),
    ] {
        let (status, m) = api.get(&format!("{base}?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {m}");
        assert_eq!(names(&m), expected, "{query}");
    }
    let (status, body) = api.get(&format!("{base}?type=log&type=gif")).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert!((body["message"].as_str().unwrap()).starts_with("type[1] must be one of log, trace"));
    let (status, body) = api.get(&format!("{base}?name={}", "a".repeat(201))).await;
    assert_api_error(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "name must be at most 200 characters long");
}

#[tokio::test]
async fn asset_downloads_need_auth() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("failing")).await;
    let (_, m) = api
        .get(&format!("{}/assets", result_path(&sid, &results[0])))
        .await;
    let url = |name: &str| {
        (m["assets"].as_array().unwrap().iter())
            .find(|a| a["name"] == name)
            .map(|a| a["url"].as_str().unwrap().to_owned())
            .unwrap()
    };

    let resp = api.get_url(&url("screenshot.png")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/png");
    let png = resp.bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let resp = api.get_url(&url("job.log")).send().await.unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let log = resp.text().await.unwrap();
    assert!(
        log.contains("ERROR Assertion failed: expected status code to equal 200, but got 503"),
        "{log}"
    );

    let resp = api.get_url(&url("trace.zip")).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/zip");
    assert!(resp.bytes().await.unwrap().starts_with(b"PK\x03\x04"));

    // Without the key, with another account, an unknown name.
    let (status, body) = api.send(api.http.get(url("job.log"))).await;
    assert_api_error(status, &body, StatusCode::UNAUTHORIZED);
    let other = api
        .http
        .get(url("job.log"))
        .bearer_auth(api.server.api_key())
        .header("X-Checkly-Account", "22222222-2222-4222-8222-222222222222");
    let (status, body) = api.send(other).await;
    assert_api_error(status, &body, StatusCode::FORBIDDEN);
    let missing = url("job.log").replace("job.log", "video.webm");
    let (status, body) = api.send(api.get_url(&missing)).await;
    assert_api_error(status, &body, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn large_asset_streams_in_chunks() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("degraded")).await;
    let (_, m) = api
        .get(&format!(
            "{}/assets?type=video",
            result_path(&sid, &results[0])
        ))
        .await;
    let url = m["assets"][0]["url"].as_str().unwrap();
    let mut resp = api.get_url(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "video/webm");
    let expected = 2 * 1024 * 1024 + 517;
    assert_eq!(resp.content_length(), Some(expected));
    let (mut total, mut chunks, mut head) = (0u64, 0, Vec::new());
    while let Some(chunk) = resp.chunk().await.unwrap() {
        if head.is_empty() {
            head = chunk[..4].to_vec();
        }
        total += chunk.len() as u64;
        chunks += 1;
    }
    assert_eq!(total, expected);
    assert!(chunks > 1, "{chunks} chunks");
    assert_eq!(head, [0x1a, 0x45, 0xdf, 0xa3]);
}

#[tokio::test]
async fn running_results_have_no_detail_or_assets() {
    let api = Api::start(MockConfig::default().with_speed(1.0)).await;
    let s = api.trigger(tags("slow")).await;
    let sid = s["testSessionId"].as_str().unwrap();
    let path = result_path(sid, &s["results"][0]);
    let (status, r) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["resultType"], "PENDING");
    assert!(r.get("playwrightCheckResult").is_none(), "{r}");
    assert_eq!(r["updated_at"], Value::Null);
    let (_, m) = api.get(&format!("{path}/assets")).await;
    assert_eq!(m["assets"], json!([]));
    assert_eq!(m["entriesTotal"], 0);
}

#[tokio::test]
async fn faults_hit_the_new_routes() {
    let api = Api::fast().await;
    let (sid, results) = api.finished_results(tags("failing")).await;
    let path = result_path(&sid, &results[0]);
    api.server.add_fault(
        format!("GET:/v1/test-sessions/{sid}/results=status:503x1")
            .parse()
            .unwrap(),
    );
    let (status, body) = api.get(&path).await;
    assert_api_error(status, &body, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK);
}
