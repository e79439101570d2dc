//! The answers of all eight operations against the response schemas of
//! `openapi/checkly.yaml`, with a checker for the subset of JSON Schema the
//! spec uses (type, required, properties, items, enum, nullable, the uuid
//! and date-time formats, $ref, allOf, anyOf). It is stricter than the spec
//! in one way: an object may hold no field its schema does not name.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use checkly_mock::{Behaviour, MockConfig};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/checkly.yaml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Checks values against the schemas of one spec, collecting every error.
struct Checker<'a> {
    spec: &'a Value,
    errors: Vec<String>,
}

impl<'a> Checker<'a> {
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        while let Some(r) = schema["$ref"].as_str() {
            schema = self.spec.pointer(&r[1..]).unwrap();
        }
        schema
    }

    /// Checks an answer against its operation's schema for that status.
    fn answer(&mut self, method: &Method, path: &str, status: StatusCode, body: &Value) {
        let method = method.as_str().to_lowercase();
        // The operation's path: UUID segments become its path parameter.
        let param = match path.starts_with("/v1/test-sessions") {
            true => "{testSessionId}",
            false => "{checkSessionId}",
        };
        let path = (path.split('?').next().unwrap().split('/'))
            .map(|part| match uuid::Uuid::try_parse(part) {
                Ok(_) => param,
                Err(_) => part,
            })
            .collect::<Vec<_>>()
            .join("/");
        let op = &self.spec["paths"][&path][&method];
        assert!(op.is_object(), "the spec has no {method} {path}");
        let response = self.resolve(&op["responses"][status.as_str()]);
        let schema = &response["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{method} {path} has no {status} body");
        self.check(schema, body, &format!("{method} {path} {status}: $"), true);
    }

    /// The fields an object schema names (with its `allOf` parts'), if any.
    fn known(&self, schema: &'a Value) -> Option<HashSet<&'a str>> {
        let schema = self.resolve(schema);
        let mut names: Option<HashSet<&str>> =
            (schema["properties"].as_object()).map(|p| p.keys().map(String::as_str).collect());
        for part in schema["allOf"].as_array().into_iter().flatten() {
            if let Some(more) = self.known(part) {
                names.get_or_insert_with(HashSet::new).extend(more);
            }
        }
        names
    }

    fn check(&mut self, schema: &'a Value, v: &Value, at: &str, strict: bool) {
        let s = self.resolve(schema);
        if v.is_null() && s["nullable"] == true {
            return;
        }
        let mut fail = |what: String| self.errors.push(format!("{at}: {what}"));
        if let Some(t) = s["type"].as_str() {
            let ok = match t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "number" => v.is_number(),
                "integer" => v.is_i64() || v.is_u64(),
                "boolean" => v.is_boolean(),
                other => panic!("type {other} is not in the checker's subset"),
            };
            if !ok {
                return fail(format!("{v} is not of type {t}"));
            }
        }
        if let Some(values) = s["enum"].as_array().filter(|e| !e.contains(v)) {
            fail(format!("{v} is not one of {values:?}"));
        }
        let format_ok = |text: &str| match s["format"].as_str() {
            Some("uuid") => text.len() == 36 && uuid::Uuid::try_parse(text).is_ok(),
            Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            _ => true,
        };
        if let Some(text) = v.as_str().filter(|t| !format_ok(t)) {
            fail(format!("{text:?} is no {}", s["format"]));
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            self.check(part, v, at, false);
        }
        if let Some(options) = s["anyOf"].as_array() {
            let fits = |option| {
                let mut alone = Checker {
                    spec: self.spec,
                    errors: Vec::new(),
                };
                alone.check(option, v, at, strict);
                alone.errors.is_empty()
            };
            if !options.iter().any(fits) {
                self.errors
                    .push(format!("{at}: {v} matches no anyOf option"));
            }
        }
        if let Some(obj) = v.as_object() {
            for name in s["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                if !obj.contains_key(name) {
                    self.errors.push(format!("{at}: {name} is missing"));
                }
            }
            for (name, sub) in s["properties"].as_object().into_iter().flatten() {
                if let Some(field) = obj.get(name) {
                    self.check(sub, field, &format!("{at}.{name}"), true);
                }
            }
            let known = if strict { self.known(s) } else { None };
            for name in obj.keys() {
                if known.as_ref().is_some_and(|k| !k.contains(name.as_str())) {
                    self.errors.push(format!("{at}: {name} is not in the spec"));
                }
            }
        }
        if let (Some(items), Some(list)) = (s.get("items"), v.as_array()) {
            for (i, item) in list.iter().enumerate() {
                self.check(items, item, &format!("{at}[{i}]"), true);
            }
        }
    }
}

/// A mock, and a checker for everything it answers.
struct Session<'a>(Api, Checker<'a>);

impl Session<'_> {
    async fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.0.request(method.clone(), path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, answer) = self.0.send(request).await;
        if status != StatusCode::NO_CONTENT {
            self.1.answer(&method, path, status, &answer);
        }
        answer
    }

    async fn get(&mut self, path: &str) -> Value {
        self.call(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, body: Value) -> Value {
        self.call(Method::POST, path, Some(body)).await
    }
}

#[test]
fn the_checker_catches_what_it_should() {
    let spec = spec();
    let mut c = Checker {
        spec: &spec,
        errors: Vec::new(),
    };
    let body = json!({"testSessionId": "x", "name": 1, "status": "QUEUED", "errorGroupIds": [],
        "startedAt": "yesterday", "timeElapsed": 1, "results": [{"checkType": "GRPC"}], "extra": 1});
    let path = "/v1/test-sessions/00000000-0000-4000-8000-000000000000";
    c.answer(&Method::GET, path, StatusCode::OK, &body);
    let all = c.errors.join("\n");
    for needle in [
        "get /v1/test-sessions/{testSessionId} 200 OK: $: testSessionLink is missing",
        "\"x\" is no \"uuid\"",
        "$.name: 1 is not of type string",
        "\"QUEUED\" is not one of",
        "\"yesterday\" is no \"date-time\"",
        "$.results[0]: testSessionResultId is missing",
        "$.results[0].checkType: \"GRPC\" is not one of",
        "extra is not in the spec",
    ] {
        assert!(all.contains(needle), "{needle} not in\n{all}");
    }
}

#[tokio::test]
async fn every_operation_answers_what_the_spec_describes() {
    let cat = catalog(vec![
        check(1, "hour", &["long"], Behaviour::Pass, 3600.0),
        check(2, "pass", &["quick"], Behaviour::Pass, 0.1),
        check(3, "fail", &["quick"], Behaviour::Fail, 0.1),
        check(4, "degraded", &["quick"], Behaviour::Degraded, 0.1),
    ]);
    let api = Api::start(MockConfig::default().with_catalog(cat).with_history(12)).await;
    let spec = spec();
    let checker = Checker {
        spec: &spec,
        errors: Vec::new(),
    };
    let mut s = Session(api, checker);
    let ts = "/v1/test-sessions";

    // A running test session: trigger, retrieve, and a long poll's 408.
    let body = json!({"name": "r", "runLocation": "eu-west-1", "target": {"matchTags": [["long"]]},
        "metadata": {"branchName": "main", "environment": "prod", "commitId": null}});
    let running = s.post("/v1/test-sessions/trigger", body).await;
    let id = running["testSessionId"].as_str().unwrap();
    assert_eq!(s.get(&format!("{ts}/{id}")).await["status"], "RUNNING");
    let path = format!("{ts}/{id}/completion?maxWaitSeconds=1");
    assert_eq!(s.get(&path).await["statusCode"], 408);

    // A finished one, with ATTEMPT, failed and degraded results.
    let body = json!({"name": "f", "runLocation": "x", "target": {"matchTags": [["quick"]]},
        "retryStrategy": {"type": "FIXED", "maxRetries": 1}});
    let finished = s.post("/v1/test-sessions/trigger", body).await;
    let fid = finished["testSessionId"].as_str().unwrap();
    let path = format!("{ts}/{fid}/completion?maxWaitSeconds=30");
    assert_eq!(s.get(&path).await["status"], "FAILED");

    // A list page with a running entry and a cursor; a cancelled session.
    let page = s.get(&format!("{ts}?limit=5")).await;
    assert!(page["nextId"].is_string() && page["entries"][1]["status"] == "RUNNING");
    let cancelled = s.post(&format!("{ts}/{id}/cancel"), json!({})).await;
    assert_eq!(cancelled, Value::Null);
    for path in [format!("{ts}/{id}"), format!("{ts}/{id}/completion")] {
        assert_eq!(s.get(&path).await["status"], "CANCELLED");
    }
    s.get(&format!("{ts}?limit=100")).await;

    // Check sessions: trigger, retrieve, completion.
    let body = json!({"target": {"matchTags": [["quick"]]}});
    let started = s.post("/v1/check-sessions/trigger", body).await;
    let csid = started["sessions"][1]["checkSessionId"].as_str().unwrap();
    s.get(&format!("/v1/check-sessions/{csid}")).await;
    let path = format!("/v1/check-sessions/{csid}/completion?maxWaitSeconds=30");
    assert_eq!(s.get(&path).await["status"], "FAILED");

    // ApiError answers: 404, 400, 401.
    let path = format!("{ts}/00000000-0000-4000-8000-000000000000");
    assert_eq!(s.get(&path).await["statusCode"], 404);
    let bad = s
        .post("/v1/test-sessions/trigger", json!({"name": 1}))
        .await;
    assert_eq!(bad["statusCode"], 400);
    let (status, body) = s.0.send(s.0.http.get(s.0.url(ts))).await;
    s.1.answer(&Method::GET, ts, status, &body);
    assert_eq!(body["statusCode"], 401);

    assert!(s.1.errors.is_empty(), "{}", s.1.errors.join("\n"));
}
