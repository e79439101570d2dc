//! The transforms, one at a time, on small documents written for them.
//! Run by `cargo test -p xtask`, which includes this module.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": { "title": "t", "version": "v1" },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn get(responses: Value) -> Value {
    json!({ "operationId": "getV1Things", "responses": responses })
}

#[test]
fn the_account_header_is_no_call_argument() {
    let mut spec = doc(
        json!({ "/v1/things": { "get": {
            "operationId": "getV1Things",
            "parameters": [
                { "name": "x-checkly-account", "in": "header", "schema": { "type": "string" } },
                { "name": "limit", "in": "query", "schema": { "type": "integer" } },
            ],
            "responses": {},
        } } }),
        json!({}),
    );
    super::headers::drop_account_header(&mut spec);
    let params = spec.pointer("/paths/~1v1~1things/get/parameters").unwrap();
    assert_eq!(
        params,
        &json!([{ "name": "limit", "in": "query", "schema": { "type": "integer" } }])
    );
}

#[test]
fn every_error_answer_is_api_error_and_an_empty_success_schema_goes() {
    let mut spec = doc(
        json!({ "/v1/things": { "get": get(json!({
            "204": { "description": "d", "content": { "application/json": { "schema": {} } } },
            "401": { "description": "d", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UnauthorizedError" } } } },
            "404": { "description": "d" },
            "default": { "description": "d" },
        })) } }),
        json!({ "UnauthorizedError": { "type": "object", "properties": {
            "statusCode": { "type": "number", "enum": [401] },
            "error": { "type": "string" },
            "attributes": { "type": "object" },
        } } }),
    );
    super::errors::one_error_type(&mut spec).unwrap();
    let responses = spec.pointer("/paths/~1v1~1things/get/responses").unwrap();
    let api_error =
        json!({ "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } });
    for status in ["401", "404", "default"] {
        assert_eq!(responses[status]["content"], api_error, "{status}");
    }
    assert!(responses["204"].get("content").is_none());
    assert_eq!(
        spec.pointer("/components/schemas/ApiError/required")
            .unwrap(),
        &json!(["statusCode", "error", "message"])
    );
    super::prune::unreferenced(&mut spec);
    assert!(
        spec.pointer("/components/schemas/UnauthorizedError")
            .is_none()
    );
}

#[test]
fn an_error_schema_that_carries_more_than_api_error_is_refused() {
    let mut spec = doc(
        json!({ "/v1/things": { "get": get(json!({
            "409": { "description": "d", "content": { "application/json": { "schema": {
                "type": "object",
                "properties": { "statusCode": { "type": "number" }, "conflictingId": { "type": "string" } },
            } } } },
        })) } }),
        json!({}),
    );
    let error = super::errors::one_error_type(&mut spec).unwrap_err();
    assert!(
        error.contains("getV1Things 409") && error.contains("conflictingId"),
        "{error}"
    );
}

#[test]
fn aliases_are_inlined_and_objects_stay_named() {
    let mut spec = doc(
        json!({ "/v1/things": { "get": get(json!({
            "200": { "description": "d", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Things" } } } },
        })) } }),
        json!({
            "Things": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" } },
            "Thing": { "type": "object", "properties": {
                "kind": { "$ref": "#/components/schemas/Model7" },
                "tags": { "$ref": "#/components/schemas/tags", "nullable": true },
            } },
            "Model7": { "type": "string", "enum": ["A", "B"] },
            "tags": { "type": "array", "items": { "type": "string" } },
        }),
    );
    super::aliases::inline(&mut spec).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    assert_eq!(schemas.keys().collect::<Vec<_>>(), ["Thing"]);
    assert_eq!(
        spec.pointer("/paths/~1v1~1things/get/responses/200/content/application~1json/schema")
            .unwrap(),
        &json!({ "type": "array", "items": { "$ref": "#/components/schemas/Thing" } })
    );
    assert_eq!(
        schemas["Thing"]["properties"]["kind"],
        json!({ "type": "string", "enum": ["A", "B"] })
    );
    assert_eq!(
        schemas["Thing"]["properties"]["tags"],
        json!({ "type": "array", "items": { "type": "string" }, "nullable": true }),
        "siblings of the $ref are kept"
    );
}

#[test]
fn a_nullable_component_becomes_a_nullable_property() {
    let mut spec = doc(
        json!({}),
        json!({
            "Result": { "type": "object", "properties": { "detail": { "$ref": "#/components/schemas/Detail" } } },
            "Detail": { "type": "object", "nullable": true, "properties": {} },
        }),
    );
    super::nullable::move_to_properties(&mut spec);
    assert!(
        spec.pointer("/components/schemas/Detail/nullable")
            .is_none()
    );
    assert_eq!(
        spec.pointer("/components/schemas/Result/properties/detail")
            .unwrap(),
        &json!({ "allOf": [{ "$ref": "#/components/schemas/Detail" }], "nullable": true })
    );
}

#[test]
fn enums_become_open_null_stands_for_nullable_and_unknown_names_are_refused() {
    let mut spec = doc(
        json!({}),
        json!({ "CheckSessionsV2CheckSession": { "type": "object", "properties": {
            "status": { "type": "string", "enum": ["STARTED", "PASSED"] },
            "runSource": { "type": "string", "nullable": true, "enum": ["TRIGGER_API", null] },
            "name": { "type": "string", "minLength": 1 },
        } } }),
    );
    let enums = super::enums::open(&mut spec).unwrap();
    assert_eq!(enums["CheckSessionStatus"], ["STARTED", "PASSED"]);
    assert_eq!(enums["RunSource"], ["TRIGGER_API"]);
    let props = &spec["components"]["schemas"]["CheckSessionsV2CheckSession"]["properties"];
    assert_eq!(props["runSource"]["nullable"], true);
    assert_eq!(
        props["runSource"]["allOf"][0]["x-rust-type"]["path"],
        "checkly::types::RunSource"
    );
    assert_eq!(
        props["name"],
        json!({ "type": "string" }),
        "length limits are the validator's"
    );

    let mut unknown = doc(
        json!({}),
        json!({ "Thing": { "type": "object", "properties": { "flavour": { "type": "string", "enum": ["X"] } } } }),
    );
    let error = super::enums::open(&mut unknown).unwrap_err();
    assert!(
        error.contains("`.flavour`") && error.contains("enums::name"),
        "{error}"
    );
}

#[test]
fn enum_values_merge_in_the_order_of_the_longest_list() {
    let mut spec = doc(
        json!({}),
        json!({ "A": { "type": "object", "properties": {
            "checkType": { "type": "string", "enum": ["API", "BROWSER", "DNS"] },
        } }, "B": { "type": "object", "properties": {
            "checkType": { "type": "string", "enum": ["BROWSER", "GRPC"] },
        } } }),
    );
    let enums = super::enums::open(&mut spec).unwrap();
    assert_eq!(enums["CheckType"], ["API", "BROWSER", "DNS", "GRPC"]);
    assert_eq!(super::enums::pascal_case("check-result"), "CheckResult");
    assert_eq!(super::enums::pascal_case("TIMED_OUT"), "TimedOut");
}

#[test]
fn number_query_parameters_become_integers() {
    let mut spec = doc(
        json!({ "/v1/things": { "get": {
            "operationId": "getV1Things",
            "parameters": [{ "name": "page", "in": "query", "schema": { "type": "number", "minimum": 0 } }],
            "responses": {},
        } } }),
        json!({}),
    );
    super::query::whole_numbers(&mut spec);
    assert_eq!(
        spec.pointer("/paths/~1v1~1things/get/parameters/0/schema")
            .unwrap(),
        &json!({ "type": "integer", "minimum": 0 })
    );
}

#[test]
fn the_operation_table_knows_method_path_and_what_repeats() {
    let spec = doc(
        json!({
            "/v1/things/trigger": { "post": { "operationId": "postV1ThingsTrigger", "responses": {} } },
            "/v1/things/{thingId}/cancel": { "post": { "operationId": "postV1ThingsThingidCancel", "responses": {} } },
            "/v1/things/{id}": { "get": { "operationId": "getV1ThingsId", "deprecated": true, "responses": {} } },
        }),
        json!({}),
    );
    let ops = super::operations::list(&spec).unwrap();
    let row = |id: &str| ops.iter().find(|op| op.id == id).unwrap();
    assert!(row("postV1ThingsTrigger").repeat_duplicates);
    assert!(!row("postV1ThingsThingidCancel").repeat_duplicates);
    assert!(!row("getV1ThingsId").repeat_duplicates);
    assert!(row("getV1ThingsId").deprecated);
    assert_eq!(row("getV1ThingsId").method_name, "get_v1_things_id");
    assert_eq!(
        row("postV1ThingsThingidCancel").variant,
        "PostV1ThingsThingidCancel"
    );
    let source = super::operations::source(&spec).unwrap();
    assert!(
        source.contains("Operation::GetV1ThingsId => \"/v1/things/{id}\","),
        "{source}"
    );
}
