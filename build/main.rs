//! The build script: generates the API client from `openapi/checkly.yaml`.
//!
//! The work is in [`codegen`] (shared with `cargo xtask`, which runs the same
//! generation on other documents); this file only reads the vendored spec
//! and writes the outputs to `OUT_DIR`:
//! - `codegen.rs`: the progenitor client;
//! - `open_enums.rs`: the open enums;
//! - `operations.rs`: the table of operations (`crate::Operation`);
//! - `spec.json`: the unmodified spec, for the validator.

mod codegen;

use std::path::PathBuf;

const SPEC: &str = "openapi/checkly.yaml";

fn main() {
    println!("cargo:rerun-if-changed=openapi/checkly.yaml");
    println!("cargo:rerun-if-changed=build");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let text = std::fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("reading {SPEC}: {e}"));
    let generated = codegen::generate(&text).unwrap_or_else(|e| panic!("{SPEC}: {e}"));
    for (name, contents) in [
        ("spec.json", &generated.spec_json),
        ("codegen.rs", &generated.client),
        ("open_enums.rs", &generated.open_enums),
        ("operations.rs", &generated.operations),
    ] {
        let path = out_dir.join(name);
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}
