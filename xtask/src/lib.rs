//! The library behind `cargo xtask`; see `main.rs` for the tasks.

pub mod spec;
