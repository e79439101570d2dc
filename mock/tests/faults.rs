//! Fault injection (every kind) and the `/__mock` admin routes.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use checkly_mock::{FaultKind, FaultRule, MockConfig};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn status(code: u16, retry_after: Option<&str>) -> FaultKind {
    FaultKind::Status {
        status: code,
        retry_after: retry_after.map(str::to_owned),
    }
}

#[tokio::test]
async fn status_faults_count_down_and_send_retry_after() {
    let config = MockConfig::default().with_speed(500.0).with_fault(
        FaultRule::new(status(503, Some("2")))
            .on("GET", "/v1/test-sessions")
            .times(2),
    );
    let api = Api::start(config).await;
    for _ in 0..2 {
        let r = api
            .request(Method::GET, "/v1/test-sessions")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()["retry-after"], "2");
        let body: Value = r.json().await.unwrap();
        assert_api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &body,
            StatusCode::SERVICE_UNAVAILABLE,
        );
    }
    let (code, _) = api.get("/v1/test-sessions").await;
    assert_eq!(code, StatusCode::OK);

    // A 429 on trigger stores nothing and carries the rate-limit headers.
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    api.server.add_fault(
        "POST:/v1/test-sessions/trigger=status:429:retry-after=1x1"
            .parse()
            .unwrap(),
    );
    let r = api
        .request(Method::POST, "/v1/test-sessions/trigger")
        .json(&json!({"name": "n", "runLocation": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.headers().contains_key("x-ratelimit-reset"));
    assert_eq!(api.session_count().await, 0);

    // A 429 always says when to come back: Retry-After 1 when the rule
    // gives none, and the reset time of an HTTP-date Retry-After.
    let reset = |r: &reqwest::Response| -> i64 {
        r.headers()["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let before = chrono::Utc::now().timestamp();
    api.server
        .add_fault("GET:/v1/test-sessions=status:429x1".parse().unwrap());
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "1");
    let after = chrono::Utc::now().timestamp();
    assert!((before + 1..=after + 1).contains(&reset(&r)));
    api.server.add_fault(
        FaultRule::new(status(429, Some(date)))
            .on("GET", "/v1/test-sessions")
            .times(1),
    );
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["retry-after"], date);
    assert_eq!(reset(&r), 1_445_412_480);
    api.server.add_fault(
        FaultRule::new(status(503, Some(date)))
            .on("GET", "/v1/check-sessions")
            .times(1),
    );
    let r = api
        .request(
            Method::GET,
            "/v1/check-sessions/00000000-0000-4000-8000-000000000000",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["retry-after"], date);
    // The method filter: POST is not hit by a GET rule.
    api.server
        .add_fault(FaultRule::new(status(500, None)).on("GET", "/v1/test-sessions/trigger"));
    api.trigger(json!({"name": "n", "runLocation": "x"})).await;
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let api = Api::fast().await;
    api.server
        .add_fault("GET:/v1/test-sessions=delay:300x1".parse().unwrap());
    let start = Instant::now();
    let (code, body) = api.get("/v1/test-sessions").await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert!(start.elapsed() >= Duration::from_millis(300));
    // The x1 rule is used up, so nothing delays the next request (checked
    // through the rule list rather than a timing bound).
    let rules: Value = api
        .http
        .get(api.url("/__mock/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rules, json!([]));
    let (code, _) = api.get("/v1/test-sessions").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(api.server.received().len(), 2);
}

#[tokio::test]
async fn drop_closes_the_connection_and_stores_nothing() {
    let api = Api::fast().await;
    api.server
        .add_fault("POST:/v1/test-sessions/trigger=dropx1".parse().unwrap());
    let err = api
        .request(Method::POST, "/v1/test-sessions/trigger")
        .json(&json!({"name": "n", "runLocation": "x"}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert!(!err.is_status());
    assert_eq!(api.session_count().await, 0);
    // The request still reached the log.
    assert!(
        api.server
            .received()
            .iter()
            .any(|r| r.path == "/v1/test-sessions/trigger")
    );
    api.trigger(json!({"name": "n", "runLocation": "x"})).await;
}

#[tokio::test]
async fn truncated_body_fails_to_read() {
    let api = Api::fast().await;
    api.server
        .add_fault("GET:/v1/test-sessions=truncatedx1".parse().unwrap());
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(r.bytes().await.is_err());

    api.server.add_fault(
        "POST:/v1/test-sessions/trigger=truncatedx1"
            .parse()
            .unwrap(),
    );
    let r = api
        .request(Method::POST, "/v1/test-sessions/trigger")
        .json(&json!({"name": "n", "runLocation": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.bytes().await.is_err());
    assert_eq!(api.session_count().await, 0);
}

#[tokio::test]
async fn not_json_answers_html() {
    let api = Api::fast().await;
    api.server
        .add_fault("/v1/test-sessions=not-jsonx2".parse().unwrap());
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(r.text().await.unwrap(), "<html>oops</html>");
    let r = api
        .request(Method::POST, "/v1/test-sessions/trigger")
        .json(&json!({"name": "n", "runLocation": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.text().await.unwrap(), "<html>oops</html>");
    assert_eq!(api.session_count().await, 0);
}

#[tokio::test]
async fn unknown_enum_rewrites_a_real_answer() {
    let api = Api::fast().await;
    api.server.add_fault(
        FaultRule::new(FaultKind::UnknownEnum)
            .on("POST", "/v1/")
            .times(1),
    );
    let s = api
        .trigger(
            json!({"name": "n", "runLocation": "x", "metadata": {"branchName": "main"},
                        "target": {"matchTags": [["production"]]}}),
        )
        .await;
    assert!(s["futureField"].is_object());
    assert_eq!(s["metadata"]["branchName"], "main");
    assert!(s["metadata"]["github"].is_object());
    let results = s["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| r["checkType"] == "QUANTUM" && r["futureField"] == 1)
    );
    // It was handled normally: the session exists and reads back unchanged.
    let id = s["testSessionId"].as_str().unwrap();
    let (code, v) = api.get(&format!("/v1/test-sessions/{id}")).await;
    assert_eq!(code, StatusCode::OK);
    assert_ne!(v["results"][0]["checkType"], "QUANTUM");

    // On lists, every entry gains the field.
    api.server
        .add_fault("GET:/v1/test-sessions=unknown-enumx1".parse().unwrap());
    let (_, list) = api.get("/v1/test-sessions").await;
    assert_eq!(list["entries"][0]["futureField"], 1);
}

#[tokio::test]
async fn answers_rewritten_by_field_and_content_type_faults() {
    let api = Api::start(MockConfig::default().with_speed(500.0).with_history(2)).await;
    api.server
        .add_fault("GET:/v1/test-sessions=extra-fieldx1".parse().unwrap());
    let (code, list) = api.get("/v1/test-sessions").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(list["entries"][0]["futureField"], 1);
    assert!(list["futureField"].is_object());

    let s = api.trigger(json!({"name": "n", "runLocation": "x"})).await;
    let id = s["testSessionId"].as_str().unwrap();
    let one = format!("/v1/test-sessions/{id}");
    api.server.add_fault(
        format!("GET:{one}=missing-field:testSessionIdx1")
            .parse()
            .unwrap(),
    );
    let (code, v) = api.get(&one).await;
    assert_eq!(code, StatusCode::OK);
    assert!(v.get("testSessionId").is_none(), "{v}");
    assert!(v.get("results").is_some(), "{v}");
    let (_, v) = api.get(&one).await;
    assert_eq!(v["testSessionId"], id);

    api.server
        .add_fault(format!("GET:{one}=wrong-content-typex1").parse().unwrap());
    let r = api.request(Method::GET, &one).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let v: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(v["testSessionId"], id);
}

#[tokio::test]
async fn rate_limit_reset_and_redirect_faults() {
    let api = Api::fast().await;
    api.server.add_fault(
        "GET:/v1/test-sessions=rate-limit-reset:2x1"
            .parse()
            .unwrap(),
    );
    let before = chrono::Utc::now().timestamp();
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!r.headers().contains_key("retry-after"));
    let reset: i64 = r.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((before + 2..=chrono::Utc::now().timestamp() + 2).contains(&reset));

    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    api.server.add_fault(
        "GET:/v1/test-sessions=redirect:http://localhost:1/v1/test-sessionsx0"
            .parse()
            .unwrap(),
    );
    for _ in 0..2 {
        let r = no_follow
            .get(api.url("/v1/test-sessions"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(
            r.headers()["location"],
            "http://localhost:1/v1/test-sessions"
        );
    }
    assert_eq!(api.server.received().len(), 3);
}

#[tokio::test]
async fn html_error_pages() {
    let api = Api::fast().await;
    api.server
        .add_fault("GET:/v1/test-sessions=html-error:502x1".parse().unwrap());
    let r = api
        .request(Method::GET, "/v1/test-sessions")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert!(r.text().await.unwrap().starts_with("<html>"));
}

#[tokio::test]
async fn faults_forever_until_cleared_over_http() {
    let api = Api::fast().await;
    let admin = |path: &str| api.url(&format!("/__mock{path}"));
    let r = api
        .http
        .post(admin("/faults"))
        .json(&json!({"method": "GET", "pathPrefix": "/v1/test-sessions", "kind": {"type": "status", "status": 502}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = api
        .http
        .post(admin("/faults"))
        .json(&json!("GET:/v1/check-sessions=status:500x3"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let listed: Value = api
        .http
        .get(admin("/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed[0]["remaining"].is_null());
    assert_eq!(listed[1]["remaining"], 3);

    for _ in 0..4 {
        let (code, _) = api.get("/v1/test-sessions").await;
        assert_eq!(code, StatusCode::BAD_GATEWAY);
    }
    let r = api.http.delete(admin("/faults")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (code, _) = api.get("/v1/test-sessions").await;
    assert_eq!(code, StatusCode::OK);

    for bad in [
        json!({"kind": {"type": "explode"}}),
        json!("nonsense"),
        json!({"kind": {"type": "status", "status": 42}}),
        json!({"kind": {"type": "status", "status": 204}}),
        json!({"kind": {"type": "status", "status": 304}}),
        json!({"kind": {"type": "status", "status": 101}}),
        json!({"kind": {"type": "status", "status": 429, "retryAfter": "1\n2"}}),
        json!({"kind": {"type": "status", "status": 503, "retryAfter": "1\r\nSet-Cookie: x=y"}}),
        json!("GET:/v1=status:204"),
    ] {
        let r = api
            .http
            .post(admin("/faults"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert_api_error(StatusCode::BAD_REQUEST, &body, StatusCode::BAD_REQUEST);
    }
    // None of them was added.
    let listed: Value = api
        .http
        .get(admin("/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn request_log_over_http_and_api() {
    let api = Api::fast().await;
    api.get("/v1/test-sessions?statuses=PASSED&limit=5").await;
    api.trigger(json!({"name": "logged", "runLocation": "x"}))
        .await;
    api.send(api.request(Method::POST, "/v1/check-sessions/trigger"))
        .await;

    let log = api.server.received();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/v1/test-sessions");
    assert_eq!(log[0].query, "statuses=PASSED&limit=5");
    assert_eq!(log[0].body, Value::Null);
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].body["name"], "logged");
    assert_eq!(log[2].body, Value::Null);

    let over_http: Vec<Value> = api
        .http
        .get(api.url("/__mock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http.len(), 3, "admin requests are not logged");
    assert_eq!(over_http[1]["body"]["runLocation"], "x");
    assert_eq!(over_http[0]["query"], "statuses=PASSED&limit=5");

    // A big body is stored cut short, as valid JSON.
    let big = json!({"name": "x".repeat(100 * 1024), "runLocation": "x"}).to_string();
    let (status, _) = api
        .send(
            api.request(Method::POST, "/v1/test-sessions/trigger")
                .header("content-type", "application/json")
                .body(big.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let logged = &api.server.received()[3].body;
    assert_eq!(logged["truncated"], true);
    assert_eq!(logged["bytes"], big.len());
    let head = logged["head"].as_str().unwrap();
    assert_eq!(head.len(), 64 * 1024);
    assert!(big.starts_with(head));

    let r = api
        .http
        .delete(api.url("/__mock/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(api.server.received().is_empty());
}
