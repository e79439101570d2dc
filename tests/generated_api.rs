//! A snapshot of the generated API surface: any change to the spec (or to
//! progenitor) shows up here as a diff to review with the change.

/// The public items of the generated code, one per line.
fn surface(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("pub ") || trimmed.starts_with("#[serde(rename = ") {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[test]
fn generated_client_surface() {
    let codegen = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    insta::assert_snapshot!("generated_client", surface(codegen));
}

#[test]
fn generated_open_enums() {
    insta::assert_snapshot!(
        "open_enums",
        include_str!(concat!(env!("OUT_DIR"), "/open_enums.rs"))
    );
}
