//! Whither's core: which companies receive a page's requests, who controls them, and under which jurisdiction.
//!
//! Dependency direction: [`host`] → [`db`] → [`entity`]/[`jurisdiction`] → [`attribution`] → [`report`] →
//! [`tracker`]/[`har`] → bindings (`wasm`, the CLI in `main.rs`). Nothing here panics on input.

pub mod attribution;
pub mod db;
pub mod entity;
pub mod har;
pub mod history;
pub mod host;
pub mod intern;
pub mod jurisdiction;
pub mod report;
pub mod stats;
mod suffix_list;
pub mod tracker;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
