//! The library behind `cargo xtask`; see `main.rs` for the tasks.

pub mod bench;
pub mod spec;

/// The library's client generation (`build/codegen`, run by its build
/// script), included here so that `cargo xtask` and its tests can run it on
/// any document: the upgrade-flow test generates the client from synthetic
/// upstream versions.
#[path = "../../build/codegen/mod.rs"]
#[allow(dead_code)]
pub mod codegen;
