//! The answers of every operation the mock serves against the response
//! schemas of `openapi/checkly.yaml` (or of the spec `CHECKLY_MOCK_SPEC`
//! names), with a checker for the subset of JSON Schema the spec uses
//! (type, required, properties, additionalProperties, items, enum,
//! nullable, minLength, maxLength, minimum, the uuid, uri and date-time
//! formats, $ref, allOf, anyOf). It is stricter than the spec in one way:
//! an object may hold no field its schema does not name, unless the schema
//! allows additional properties.
//!
//! The original eight operations must be in the spec. An operation of
//! [`OPERATIONS`] the spec does not (yet) describe is skipped, and the test
//! prints which; once the spec has it, its answers are checked.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashSet};

use checkly_mock::{Behaviour, CheckDef, MockConfig};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn spec() -> Value {
    let path = std::env::var("CHECKLY_MOCK_SPEC").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/checkly.yaml").to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap()
}

/// Every operation the mock serves: `(operationId, method, path)`, the
/// original eight first.
const OPERATIONS: [(&str, &str, &str); 17] = [
    (
        "postV1TestsessionsTrigger",
        "post",
        "/v1/test-sessions/trigger",
    ),
    ("getV1Testsessions", "get", "/v1/test-sessions"),
    (
        "getV1TestsessionsTestsessionid",
        "get",
        "/v1/test-sessions/{testSessionId}",
    ),
    (
        "getV1TestsessionsTestsessionidCompletion",
        "get",
        "/v1/test-sessions/{testSessionId}/completion",
    ),
    (
        "postV1TestsessionsTestsessionidCancel",
        "post",
        "/v1/test-sessions/{testSessionId}/cancel",
    ),
    (
        "postV1ChecksessionsTrigger",
        "post",
        "/v1/check-sessions/trigger",
    ),
    (
        "getV1ChecksessionsChecksessionid",
        "get",
        "/v1/check-sessions/{checkSessionId}",
    ),
    (
        "getV1ChecksessionsChecksessionidCompletion",
        "get",
        "/v1/check-sessions/{checkSessionId}/completion",
    ),
    (
        "getV1TestsessionsTestsessionidResultsTestsessionresultid",
        "get",
        "/v1/test-sessions/{testSessionId}/results/{testSessionResultId}",
    ),
    (
        "getV1TestsessionsTestsessionidResultsTestsessionresultidAssets",
        "get",
        "/v1/test-sessions/{testSessionId}/results/{testSessionResultId}/assets",
    ),
    (
        "postV1ChecksessionsChecksessionidCancel",
        "post",
        "/v1/check-sessions/{checkSessionId}/cancel",
    ),
    (
        "postV2ChecksessionsTrigger",
        "post",
        "/v2/check-sessions/trigger",
    ),
    (
        "getV2ChecksessionsChecksessionid",
        "get",
        "/v2/check-sessions/{checkSessionId}",
    ),
    (
        "getV2ChecksessionsChecksessionidCompletion",
        "get",
        "/v2/check-sessions/{checkSessionId}/completion",
    ),
    (
        "getV1Testsessionerrorgroups",
        "get",
        "/v1/test-session-error-groups",
    ),
    (
        "getV1TestsessionerrorgroupsId",
        "get",
        "/v1/test-session-error-groups/{id}",
    ),
    (
        "getV1CheckresultsCheckidCheckresultid",
        "get",
        "/v1/check-results/{checkId}/{checkResultId}",
    ),
];

/// How many of [`OPERATIONS`] the spec must have.
const ORIGINAL: usize = 8;

/// The operation of [`OPERATIONS`] that answers `method path`:
/// `(index, operationId, path template)`.
fn operation(method: &str, path: &str) -> (usize, &'static str, &'static str) {
    let parts: Vec<&str> = path.split('?').next().unwrap().split('/').collect();
    let fits = |template: &str| {
        let t: Vec<&str> = template.split('/').collect();
        t.len() == parts.len()
            && t.iter()
                .zip(&parts)
                .all(|(t, p)| t.starts_with('{') || t == p)
    };
    // Literal segments win over parameters (`/trigger` over `/{id}`).
    (OPERATIONS.iter().enumerate())
        .filter(|(_, (_, m, t))| *m == method && fits(t))
        .max_by_key(|(_, (_, _, t))| t.split('/').filter(|s| !s.starts_with('{')).count())
        .map(|(i, (id, _, t))| (i, *id, *t))
        .unwrap_or_else(|| panic!("no operation answers {method} {path}"))
}

/// Checks values against the schemas of one spec, collecting every error.
struct Checker<'a> {
    spec: &'a Value,
    errors: Vec<String>,
    /// Operations skipped because the spec does not describe them.
    skipped: BTreeSet<&'static str>,
}

impl<'a> Checker<'a> {
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        while let Some(r) = schema["$ref"].as_str() {
            schema = self.spec.pointer(&r[1..]).unwrap();
        }
        schema
    }

    /// Checks an answer against its operation's schema for that status
    /// (or skips it, for an operation the spec does not describe yet).
    fn answer(&mut self, method: &Method, path: &str, status: StatusCode, body: &Value) {
        let method = method.as_str().to_lowercase();
        let (index, id, path) = operation(&method, path);
        let op = &self.spec["paths"][path][&method];
        if !op.is_object() {
            assert!(index >= ORIGINAL, "the spec has no {method} {path}");
            self.skipped.insert(id);
            return;
        }
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
            Some("uri") => {
                (text.starts_with("http://") || text.starts_with("https://"))
                    && !text.contains(char::is_whitespace)
            }
            _ => true,
        };
        if let Some(text) = v.as_str().filter(|t| !format_ok(t)) {
            fail(format!("{text:?} is no {}", s["format"]));
        }
        if let Some(text) = v.as_str() {
            let len = text.chars().count() as u64;
            if s["minLength"].as_u64().is_some_and(|min| len < min) {
                fail(format!("{text:?} is shorter than {}", s["minLength"]));
            }
            if s["maxLength"].as_u64().is_some_and(|max| len > max) {
                fail(format!("{text:?} is longer than {}", s["maxLength"]));
            }
        }
        if let (Some(n), Some(min)) = (v.as_f64(), s["minimum"].as_f64())
            && n < min
        {
            fail(format!("{n} is less than {min}"));
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            self.check(part, v, at, false);
        }
        if let Some(options) = s["anyOf"].as_array() {
            let fits = |option| {
                let mut alone = Checker {
                    spec: self.spec,
                    errors: Vec::new(),
                    skipped: BTreeSet::new(),
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
            // Open when it, or any of its `allOf` parts, allows more fields.
            let allows_more = |schema: &Value| {
                schema
                    .get("additionalProperties")
                    .is_some_and(|a| a != false)
            };
            let open = allows_more(s)
                || s["allOf"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|part| allows_more(self.resolve(part)));
            let known = if strict && !open { self.known(s) } else { None };
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
        skipped: BTreeSet::new(),
    };
    let body = json!({"testSessionId": "x", "name": 1, "status": "QUEUED", "errorGroupIds": [],
        "startedAt": "yesterday", "timeElapsed": 1, "results": [{"checkType": "FTP"}], "extra": 1});
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
        "$.results[0].checkType: \"FTP\" is not one of",
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
        skipped: BTreeSet::new(),
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

/// A test check of another type.
fn typed(n: u128, name: &str, check_type: &str, behaviour: Behaviour, secs: f64) -> CheckDef {
    let mut c = check(n, name, &["all"], behaviour, secs);
    c.check_type = check_type.to_owned();
    c
}

#[tokio::test]
async fn the_newer_operations_answer_what_the_spec_describes() {
    let cat = catalog(vec![
        typed(1, "api fail", "API", Behaviour::Fail, 0.1),
        typed(2, "api flaky", "API", Behaviour::FailThenPass, 0.1),
        typed(3, "url pass", "URL", Behaviour::Pass, 0.1),
        typed(4, "browser degraded", "BROWSER", Behaviour::Degraded, 0.1),
        typed(5, "browser fail", "BROWSER", Behaviour::Fail, 0.1),
        typed(6, "steps fail", "MULTI_STEP", Behaviour::Fail, 0.1),
        typed(7, "pw fail", "PLAYWRIGHT", Behaviour::Fail, 0.1),
        typed(8, "pw pass", "PLAYWRIGHT", Behaviour::Pass, 0.1),
        typed(9, "agent fail", "AGENTIC", Behaviour::Fail, 0.1),
        typed(10, "ping fail", "ICMP", Behaviour::Fail, 0.1),
        typed(11, "tcp pass", "TCP", Behaviour::Pass, 0.1),
        {
            let mut c = check(12, "hour", &["long"], Behaviour::Pass, 3600.0);
            c.check_type = "PLAYWRIGHT".to_owned();
            c
        },
    ]);
    let api = Api::start(
        MockConfig::default()
            .with_catalog(cat)
            .with_history(12)
            .with_speed(50.0),
    )
    .await;
    let spec = spec();
    let checker = Checker {
        spec: &spec,
        errors: Vec::new(),
        skipped: BTreeSet::new(),
    };
    let mut s = Session(api, checker);
    let unknown = "00000000-0000-4000-8000-000000000000";

    // Every result of a finished session, in full, with its assets.
    let body = json!({"name": "all", "runLocation": "x", "target": {"matchTags": [["all"]]},
        "retryStrategy": {"type": "SINGLE_RETRY"}});
    let finished = s.post("/v1/test-sessions/trigger", body).await;
    let fid = finished["testSessionId"].as_str().unwrap().to_owned();
    let done = s
        .get(&format!(
            "/v1/test-sessions/{fid}/completion?maxWaitSeconds=30"
        ))
        .await;
    let results = done["results"].as_array().unwrap().clone();
    assert!(results.len() > 11, "{done}");
    for r in &results {
        let path = format!(
            "/v1/test-sessions/{fid}/results/{}",
            r["testSessionResultId"].as_str().unwrap()
        );
        assert_eq!(
            s.get(&path).await["testSessionResultId"],
            r["testSessionResultId"]
        );
        let manifest = s.get(&format!("{path}/assets")).await;
        assert!(manifest["assets"].is_array(), "{manifest}");
        s.get(&format!("{path}/assets?type=log&type=video&name=*.webm"))
            .await;
    }
    // A running result; 404, 400.
    let body = json!({"name": "r", "runLocation": "x", "target": {"matchTags": [["long"]]}});
    let running = s.post("/v1/test-sessions/trigger", body).await;
    let rid = running["testSessionId"].as_str().unwrap().to_owned();
    let pending = running["results"][0]["testSessionResultId"]
        .as_str()
        .unwrap();
    let path = format!("/v1/test-sessions/{rid}/results/{pending}");
    assert_eq!(s.get(&path).await["resultType"], "PENDING");
    s.get(&format!("{path}/assets")).await;
    let path = format!("/v1/test-sessions/{fid}/results/{unknown}");
    assert_eq!(s.get(&path).await["statusCode"], 404);
    assert_eq!(s.get(&format!("{path}/assets")).await["statusCode"], 404);
    let path = format!("{path}/assets?type=gif");
    assert_eq!(s.get(&path).await["statusCode"], 400);
    s.post(&format!("/v1/test-sessions/{rid}/cancel"), json!({}))
        .await;

    // Error groups: a page, each group, 404, 400.
    let groups = s.get("/v1/test-session-error-groups?limit=100").await;
    for g in groups.as_array().unwrap() {
        let id = g["id"].as_str().unwrap();
        s.get(&format!("/v1/test-session-error-groups/{id}")).await;
    }
    s.get("/v1/test-session-error-groups?limit=2&page=2").await;
    let path = format!("/v1/test-session-error-groups/{unknown}");
    assert_eq!(s.get(&path).await["statusCode"], 404);
    let path = "/v1/test-session-error-groups?limit=0";
    assert_eq!(s.get(path).await["statusCode"], 400);

    // Check sessions v2: trigger, a running retrieve, a 408, a v1 cancel,
    // a finished retrieve and completion.
    let body = json!({"target": {"matchTags": [["long"]]}});
    let long = s.post("/v2/check-sessions/trigger", body).await;
    let lid = long["sessions"][0]["checkSessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    s.get(&format!("/v2/check-sessions/{lid}")).await;
    let path = format!("/v2/check-sessions/{lid}/completion?maxWaitSeconds=1");
    assert_eq!(s.get(&path).await["statusCode"], 408);
    let cancelled = s
        .post(&format!("/v1/check-sessions/{lid}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled, Value::Null);
    let path = format!("/v2/check-sessions/{lid}/completion");
    assert_eq!(s.get(&path).await["status"], "CANCELLED");
    let body = json!({"target": {"matchTags": [["all"]]}});
    let all = s.post("/v2/check-sessions/trigger", body).await;
    for session in all["sessions"].as_array().unwrap() {
        let id = session["checkSessionId"].as_str().unwrap();
        let path = format!("/v2/check-sessions/{id}/completion?maxWaitSeconds=30");
        let done = s.get(&path).await;
        assert!(done["stoppedAt"].is_string());
        s.get(&format!("/v2/check-sessions/{id}")).await;
        // Each of its results in full, as a check result.
        let check = done["checkId"].as_str().unwrap().to_owned();
        for r in done["results"].as_array().unwrap() {
            let rid = r["checkResultId"].as_str().unwrap();
            let full = s.get(&format!("/v1/check-results/{check}/{rid}")).await;
            assert_eq!(full["id"], r["checkResultId"], "{full}");
        }
        let path = format!("/v1/check-results/{check}/{unknown}");
        assert_eq!(s.get(&path).await["statusCode"], 404);
    }
    let path = format!("/v2/check-sessions/{unknown}");
    assert_eq!(s.get(&path).await["statusCode"], 404);
    let path = format!("/v1/check-sessions/{unknown}/cancel");
    assert_eq!(s.post(&path, json!({})).await["statusCode"], 404);
    let body = json!({"target": {"matchTags": [["none"]]}});
    assert_eq!(
        s.post("/v2/check-sessions/trigger", body).await["statusCode"],
        404
    );
    let path = format!("/v2/check-sessions/{lid}/completion?maxWaitSeconds=0.5");
    assert_eq!(s.get(&path).await["statusCode"], 400);

    if !s.1.skipped.is_empty() {
        eprintln!(
            "not in the spec yet, so not checked: {}",
            s.1.skipped.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(s.1.errors.is_empty(), "{}", s.1.errors.join("\n"));
}
