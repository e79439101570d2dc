//! `spec trim` / `spec check` on the synthetic fixtures in `tests/fixtures`.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;
use xtask::spec::{self, Docs, check, read, report, trim};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn upstream(name: &str) -> Value {
    read::read_document(&fixture(name)).expect("fixture parses")
}

fn operations(name: &str) -> Vec<String> {
    spec::read_operations(&fixture(name)).expect("operations list")
}

fn docs() -> Docs {
    Docs::read(&fixture("docs.yaml")).expect("docs.yaml")
}

fn trimmed(upstream_name: &str, ops_name: &str) -> spec::Trimmed {
    spec::trim_document(&upstream(upstream_name), &operations(ops_name), &docs())
        .expect("trim succeeds")
}

fn keys(value: &Value) -> Vec<String> {
    value
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-spec-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn fixture_has_raw_control_characters_that_strict_json_refuses() {
    let text = std::fs::read_to_string(fixture("upstream.json")).expect("fixture");
    assert!(text.contains("\n\tline two"));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    assert!(read::parse_document(&text).is_ok());
}

#[test]
fn trim_twice_gives_identical_bytes_and_trim_of_the_output_is_a_fixed_point() {
    let first = trimmed("upstream.json", "operations.txt");
    let second = trimmed("upstream.json", "operations.txt");
    assert_eq!(first.yaml, second.yaml);
    let again = spec::trim_document(
        &read::parse_document(&first.yaml).expect("output parses"),
        &operations("operations.txt"),
        &docs(),
    )
    .expect("trim of the output");
    assert_eq!(first.yaml, again.yaml);
}

#[test]
fn trimmed_fixture_snapshot() {
    insta::assert_snapshot!(trimmed("upstream.json", "operations.txt").yaml);
}

#[test]
fn no_prose_survives() {
    for (up, ops) in [
        ("upstream.json", "operations.txt"),
        ("upstream-next.json", "operations-next.txt"),
    ] {
        let yaml = trimmed(up, ops).yaml;
        assert!(!yaml.contains("PROSE"), "upstream prose left in:\n{yaml}");
        assert!(!yaml.contains("line two"));
        assert!(!yaml.contains("x-codeSamples"));
        assert!(!yaml.contains("example:") && !yaml.contains("examples:"));
    }
}

#[test]
fn listed_operations_and_their_schemas_are_kept_and_nothing_else() {
    let doc = trimmed("upstream.json", "operations.txt").doc;
    assert_eq!(
        keys(&doc["paths"]),
        ["/v1/widgets/trigger", "/v1/widgets/{widgetId}"]
    );
    assert_eq!(keys(&doc["paths"]["/v1/widgets/{widgetId}"]), ["get"]);
    assert_eq!(
        keys(&doc["components"]["schemas"]),
        [
            "Color",
            "SomethingNotFound",
            "TriggerWidgetRequest",
            "UnauthorizedError",
            "Widget",
            "WidgetStatus",
            "attributes"
        ]
    );
    assert_eq!(keys(&doc["components"]["securitySchemes"]), ["Bearer"]);
    // Properties named like prose keywords are kept; our docs are merged in.
    let widget = &doc["components"]["schemas"]["Widget"];
    assert_eq!(
        widget["properties"]["title"]["description"].as_str(),
        Some("Ours, the property named title.")
    );
    assert_eq!(
        widget["properties"]["variant"]["anyOf"][1]["properties"]["kind"]["description"].as_str(),
        Some("Ours, which variant.")
    );
    // The per-status error schemas keep their pinned status codes.
    assert_eq!(
        doc["components"]["schemas"]["UnauthorizedError"]["properties"]["statusCode"]["enum"][0]
            .as_u64(),
        Some(401)
    );
    assert_eq!(doc["info"]["title"].as_str(), Some("Widgets (ours)"));
    assert_eq!(keys(&doc["tags"][0]), ["name"]);
}

#[test]
fn dangling_ref_outside_the_subset_is_harmless_but_inside_it_is_an_error() {
    let up = upstream("upstream.json");
    assert!(up["components"]["schemas"].get("ThingPatch").is_none());
    assert!(trim::trim(&up, &operations("operations.txt")).is_ok());
    let err = trim::trim(&up, &["patchV1Things".to_owned()]).expect_err("dangling ref");
    assert_eq!(
        err.to_string(),
        "dangling $ref #/components/schemas/ThingPatch (referenced from operation patchV1Things)"
    );
}

#[test]
fn listed_operation_missing_upstream_is_a_clear_error() {
    let err = trim::trim(
        &upstream("upstream.json"),
        &["getV1WidgetsWidgetid".to_owned(), "getV1Nope".to_owned()],
    )
    .expect_err("missing op");
    assert_eq!(
        err.to_string(),
        "listed operation(s) missing upstream: getV1Nope"
    );
}

#[test]
fn docs_report_lists_undocumented_and_stale_entries() {
    let report = trimmed("upstream.json", "operations.txt")
        .docs_report
        .render();
    insta::assert_snapshot!(report);
    for line in [
        "undocumented: schema Color",
        "undocumented: schema Widget properties name, legacy, variant",
        "stale: operations.getV1Gone (no such operation)",
        "stale: schemas.Gone (no such schema)",
        "stale: schemas.TriggerWidgetRequest.properties.color (a $ref; describe the referenced schema)",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "missing {line:?} in\n{report}"
        );
    }
}

#[test]
fn report_between_the_two_versions_marks_each_change() {
    let old = trimmed("upstream.json", "operations.txt");
    let new = trimmed("upstream-next.json", "operations-next.txt");
    let text = report::render(&report::diff(&old.doc, &new.doc));
    insta::assert_snapshot!(text);
    let expected = [
        "additive  operation postV1WidgetsWidgetidCancel: added (POST /v1/widgets/{widgetId}/cancel)",
        "additive  operation getV1WidgetsWidgetid: deprecated",
        "additive  schema CancelWidgetRequest: added",
        "additive  schema WidgetStatus: enum value CANCELLED added",
        "additive  schema Widget: property createdAt added",
        "breaking  schema Widget: property legacy removed",
        "breaking  schema TriggerWidgetRequest: property size now required",
        "additive  schema Widget: property color now required",
        "breaking  schema TriggerWidgetRequest.name: maxLength 100 -> 50 (tightened)",
        "additive  schema TriggerWidgetRequest.tags: maxItems 5 -> 10 (loosened)",
    ];
    for line in expected {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert_eq!(text.lines().count(), expected.len() + 1, "{text}");
    assert!(
        text.ends_with("10 change(s): 7 additive, 3 breaking\n"),
        "{text}"
    );
    assert_eq!(
        report::render(&report::diff(&new.doc, &new.doc)),
        "no changes\n"
    );
}

#[test]
fn check_passes_on_the_trimmed_output() {
    let out = trimmed("upstream.json", "operations.txt");
    let problems = check::check(&out.yaml, &operations("operations.txt"), &docs());
    assert_eq!(problems, Vec::<String>::new());
}

fn check_edited(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut doc = trimmed("upstream.json", "operations.txt").doc;
    edit(&mut doc);
    let yaml = spec::normalize::to_yaml(&doc).expect("render");
    check::check(&yaml, &operations("operations.txt"), &docs())
}

#[test]
fn check_fails_on_a_dangling_ref() {
    let problems = check_edited(|doc| {
        doc["components"]["schemas"]["Widget"]["properties"]["color"]["$ref"] =
            "#/components/schemas/Missing".into();
        let _ = doc["components"]["schemas"]
            .as_mapping_mut()
            .and_then(|m| m.remove("Color"));
    });
    assert!(
        problems.contains(&"dangling $ref #/components/schemas/Missing".to_owned()),
        "{problems:?}"
    );
}

#[test]
fn check_fails_on_an_unreferenced_schema() {
    let problems = check_edited(|doc| {
        doc["components"]["schemas"]["Stray"] =
            serde_yaml_ng::from_str("type: string").expect("yaml");
    });
    assert_eq!(problems, ["component schemas/Stray is not referenced"]);
}

#[test]
fn check_fails_on_a_missing_or_extra_operation() {
    let problems = check_edited(|doc| {
        let _ = doc["paths"]
            .as_mapping_mut()
            .and_then(|m| m.remove("/v1/widgets/trigger"));
        doc["paths"]["/v1/widgets/{widgetId}"]["get"]["operationId"] = "getSomethingElse".into();
    });
    assert!(
        problems.contains(
            &"operation postV1WidgetsTrigger is listed in operations.txt but missing".to_owned()
        ),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"operation getSomethingElse is not listed in operations.txt".to_owned()),
        "{problems:?}"
    );
}

#[test]
fn check_fails_on_prose_that_is_not_ours() {
    let problems = check_edited(|doc| {
        doc["components"]["schemas"]["Color"]["description"] = "Theirs.".into();
        doc["paths"]["/v1/widgets/trigger"]["post"]["description"] = "Edited.".into();
    });
    assert_eq!(
        problems,
        [
            "prose at /components/schemas/Color/description that docs.yaml does not give",
            "/paths/~1v1~1widgets~1trigger/post/description differs from docs.yaml",
        ]
    );
}

#[test]
fn check_fails_on_a_hand_edited_layout() {
    let out = trimmed("upstream.json", "operations.txt");
    let edited = out.yaml.replace("openapi: 3.0.0\n", "openapi: '3.0.0'\n");
    let problems = check::check(&edited, &operations("operations.txt"), &docs());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("not in normalized form"),
        "{problems:?}"
    );
}

#[test]
fn run_trim_writes_the_spec_and_report_and_dry_run_writes_nothing() {
    let dir = scratch("run");
    let mut options =
        spec::TrimOptions::new(Path::new("/nonexistent"), fixture("upstream-next.json"));
    options.out = dir.join("checkly.yaml");
    options.base = dir.join("checkly.yaml");
    options.operations = fixture("operations-next.txt");
    options.docs = fixture("docs.yaml");
    options.report = Some(dir.join("report.txt"));
    options.dry_run = true;
    let text = spec::run_trim(&options).expect("dry run");
    assert!(text.contains("additive  operation postV1WidgetsWidgetidCancel: added"));
    assert!(!options.out.exists() && !dir.join("report.txt").exists());
    options.dry_run = false;
    spec::run_trim(&options).expect("run");
    assert_eq!(
        std::fs::read_to_string(dir.join("report.txt")).expect("report"),
        text
    );
    // Against itself: no changes, and the check passes.
    let again = spec::run_trim(&options).expect("second run");
    assert!(again.starts_with("no changes\n"), "{again}");
    let problems =
        spec::run_check(&options.out, &options.operations, &options.docs).expect("check");
    assert_eq!(problems, Vec::<String>::new());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn binary_trims_checks_and_prints_usage_on_bad_args() {
    let bin = env!("CARGO_BIN_EXE_xtask");
    let dir = scratch("bin");
    let out = dir.join("checkly.yaml");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("run xtask")
    };
    let f = |name: &str| fixture(name).display().to_string();
    let o = out.display().to_string();
    let trim = run(&[
        "spec",
        "trim",
        "--from",
        &f("upstream.json"),
        "--out",
        &o,
        "--base",
        &o,
        "--operations",
        &f("operations.txt"),
        "--docs",
        &f("docs.yaml"),
    ]);
    assert!(
        trim.status.success(),
        "{}",
        String::from_utf8_lossy(&trim.stderr)
    );
    let check = run(&[
        "spec",
        "check",
        "--spec",
        &o,
        "--operations",
        &f("operations.txt"),
        "--docs",
        &f("docs.yaml"),
    ]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let failing = run(&[
        "spec",
        "check",
        "--spec",
        &o,
        "--operations",
        &f("operations-next.txt"),
        "--docs",
        &f("docs.yaml"),
    ]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&failing.stderr).contains(
            "operation postV1WidgetsWidgetidCancel is listed in operations.txt but missing"
        )
    );
    for bad in [
        &["spec"][..],
        &["spec", "trim"],
        &["spec", "trim", "--from"],
        &["nope"],
        &[],
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage:"),
            "{bad:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn repo_docs_and_operations_list_parse() {
    let root = spec::workspace_root();
    let docs = Docs::read(&root.join(spec::DOCS)).expect("openapi/docs.yaml parses");
    let ops = spec::read_operations(&root.join(spec::OPERATIONS)).expect("operations.txt");
    assert_eq!(ops.len(), 17);
    for id in &ops {
        let op = docs
            .operations
            .get(id)
            .expect("every listed operation is documented");
        assert!(op.description.is_some(), "{id}");
    }
}
