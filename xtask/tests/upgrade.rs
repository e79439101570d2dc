//! The upgrade flow end to end, on a synthetic upstream document in two
//! versions (`tests/fixtures/upgrade/`): trim each, read the change report,
//! generate the client from each, and see the generated API change with it.

use std::path::{Path, PathBuf};

use xtask::codegen;
use xtask::spec::{self, Docs, read};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade")
        .join(name)
}

fn trimmed(version: &str) -> spec::Trimmed {
    let upstream = read::read_document(&fixture(&format!("upstream-{version}.json")))
        .expect("the fixture reads, raw control characters and all");
    let operations = spec::read_operations(&fixture(&format!("operations-{version}.txt")))
        .expect("operations list");
    spec::trim_document(&upstream, &operations, &Docs::default()).expect("trim succeeds")
}

/// The public items of generated code, one per line (as tests/generated_api.rs
/// of the library snapshots them).
fn surface(source: &str) -> Vec<String> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("pub ") || l.starts_with("#[serde(rename = "))
        .map(str::to_string)
        .collect()
}

#[test]
fn each_version_generates_and_the_generated_api_follows_the_upgrade() {
    let v1 = trimmed("v1");
    let v2 = trimmed("v2");
    // A second trim is byte-identical.
    assert_eq!(v1.yaml, trimmed("v1").yaml);
    // No prose of upstream's survives, and the dangling ref outside the subset is gone.
    for text in [&v1.yaml, &v2.yaml] {
        for prose in [
            "Upstream",
            "prose",
            "Bad Token",
            "ChecksV1DnsRequestPatch",
            "patchV1ChecksId",
        ] {
            assert!(!text.contains(prose), "{prose} survived:\n{text}");
        }
    }

    let old = codegen::generate(&v1.yaml).expect("v1 generates");
    let new = codegen::generate(&v2.yaml).expect("v2 generates");
    let (old_api, new_api) = (surface(&old.client), surface(&new.client));
    assert_ne!(old_api, new_api, "the generated API changes with the spec");
    let added: Vec<_> = new_api.iter().filter(|l| !old_api.contains(l)).collect();
    let removed: Vec<_> = old_api.iter().filter(|l| !new_api.contains(l)).collect();
    let has = |lines: &[&String], needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(has(&added, "pub error_group_ids:"), "new field: {added:#?}");
    assert!(
        has(&added, "pub fn post_v1_testsessions_testsessionid_cancel"),
        "new operation: {added:#?}"
    );
    assert!(
        has(&removed, "pub legacy_score:"),
        "removed field: {removed:#?}"
    );

    // The per-status error schemas became one ApiError; the account header is no argument.
    for generated in [&old.client, &new.client] {
        assert!(generated.contains("pub struct ApiError"));
        assert!(!generated.contains("UnauthorizedError"));
        assert!(!generated.contains("x_checkly_account"));
    }
    // The new enum value shows in the open enum.
    assert!(!old.open_enums.contains("\"CANCELLED\""));
    assert!(
        new.open_enums.contains("Cancelled = \"CANCELLED\""),
        "{}",
        new.open_enums
    );
    // The operation table grows, and the deprecation shows.
    assert!(
        !old.operations
            .contains("PostV1TestsessionsTestsessionidCancel")
    );
    assert!(
        new.operations
            .contains("PostV1TestsessionsTestsessionidCancel")
    );
    assert!(new.operations.contains(
        "`GET /v1/test-sessions/{testSessionId}` (`getV1TestsessionsTestsessionid`), deprecated."
    ));
}

#[test]
fn the_report_names_each_change_of_the_upgrade() {
    let v1 = trimmed("v1");
    let v2 = trimmed("v2");
    let report = spec::full_report(Some(&v1.doc), &v2);
    for line in [
        "additive  operation postV1TestsessionsTestsessionidCancel: added",
        "additive  operation getV1TestsessionsTestsessionid: deprecated",
        "breaking  schema Session: property legacyScore removed",
        "additive  schema Session: property errorGroupIds added",
        "breaking  schema Session.name: maxLength 100 -> 50 (tightened)",
        "additive  schema Model9: enum value CANCELLED added",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}
