//! checkly
extern crate self as checkly;
mod generated;
pub mod hooks;
mod open_enum;
pub mod types;
