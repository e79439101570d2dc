//! The client progenitor generates from `openapi/checkly.yaml` (see `build.rs`).
//! Nothing here is written by hand.
#![allow(
    missing_docs,
    dead_code,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    missing_debug_implementations
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
