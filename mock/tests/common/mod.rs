//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use checkly_mock::{Behaviour, Catalog, CheckDef, MockConfig, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub const DEMO_PREFIX: &str = "dec0de00-0000-4000-8000-0000000000";

/// Demo check `n`'s id as a string.
pub fn demo_id(n: u16) -> String {
    checkly_mock::catalog::demo_check_id(n).to_string()
}

/// A started mock with an authenticated client.
pub struct Api {
    pub server: MockServer,
    pub http: reqwest::Client,
}

/// A check for custom catalogs.
pub fn check(n: u128, name: &str, tags: &[&str], behaviour: Behaviour, secs: f64) -> CheckDef {
    CheckDef {
        id: Uuid::from_u128(0xaaaa_0000_0000_4000_8000_0000_0000_0000 | n),
        name: name.to_owned(),
        check_type: "API".to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        activated: true,
        behaviour,
        duration_seconds: secs,
    }
}

pub fn catalog(checks: Vec<CheckDef>) -> Catalog {
    Catalog { checks }
}

impl Api {
    pub async fn start(config: MockConfig) -> Self {
        let server = MockServer::start(config).await.unwrap();
        Self {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// The demo catalog at a speed where everything ends within ~50 ms.
    pub async fn fast() -> Self {
        Self::start(MockConfig::default().with_speed(500.0)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(self.server.api_key())
            .header("X-Checkly-Account", self.server.account_id())
    }

    /// A GET of an absolute URL (an asset's) with the auth headers.
    pub fn get_url(&self, url: &str) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .bearer_auth(self.server.api_key())
            .header("X-Checkly-Account", self.server.account_id())
    }

    /// The results of a finished session (via the long poll).
    pub async fn finished_results(&self, body: Value) -> (String, Vec<Value>) {
        let s = self.trigger(body).await;
        let id = s["testSessionId"].as_str().unwrap().to_owned();
        let done = self.complete(&id).await;
        (id, done["results"].as_array().unwrap().clone())
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    /// Triggers a test session and returns its body (asserting 201).
    pub async fn trigger(&self, body: Value) -> Value {
        let (status, value) = self.post("/v1/test-sessions/trigger", body).await;
        assert_eq!(status, StatusCode::CREATED, "{value}");
        value
    }

    /// Triggers a test session on tag groups.
    pub async fn trigger_tags(&self, groups: Value) -> Value {
        self.trigger(
            json!({"name": "t", "runLocation": "eu-central-1", "target": {"matchTags": groups}}),
        )
        .await
    }

    /// Waits (polling) until the test session is no longer RUNNING.
    pub async fn wait_done(&self, id: &str) -> Value {
        let start = Instant::now();
        loop {
            let (status, value) = self.get(&format!("/v1/test-sessions/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{value}");
            if value["status"] != "RUNNING" {
                return value;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never finished: {value}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits via the completion long poll.
    pub async fn complete(&self, id: &str) -> Value {
        let (status, value) = self
            .get(&format!(
                "/v1/test-sessions/{id}/completion?maxWaitSeconds=10"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{value}");
        value
    }

    /// The number of stored test sessions.
    pub async fn session_count(&self) -> usize {
        let (_, page) = self.get("/v1/test-sessions?limit=100").await;
        page["length"].as_u64().unwrap() as usize
    }
}

/// Result names of a session body.
pub fn names(session: &Value) -> Vec<String> {
    let mut n: Vec<String> = session["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n.dedup();
    n
}

/// Asserts an ApiError body with this status.
pub fn assert_api_error(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["statusCode"], expected.as_u16(), "{body}");
    assert!(body["error"].is_string(), "{body}");
    assert!(body["message"].is_string(), "{body}");
}
