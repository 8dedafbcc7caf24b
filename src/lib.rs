//! Whither's core: which companies receive a page's requests, who controls them, and under which jurisdiction.
//!
//! Modules, each using only those before it (no module imports one that imports it back):
//! [`hash`] → `suffix_list` (the public suffix table) → [`host`] → [`iptable`] → [`ipwriter`] → [`ip`] → [`servers`] → [`db`] → [`entity`], [`jurisdiction`] →
//! [`watchlist`] → [`attribution`] → [`report`] → [`tracker`], [`har`] → [`history`] → [`export`], [`view`] →
//! [`stats`] → bindings (`wasm`, the CLI in `main.rs`). Nothing here panics on input.
//!
//! Features: `details` (notes, history and references of every entity, for the CLI); `background` and `pages` (the
//! bindings of the two shipped wasm modules: src/wasm/); `testing` (both, plus the wasm exports that only tests and
//! benchmarks call, and the interner behind them).

pub mod hash;

mod suffix_list;

pub mod host;

pub mod iptable;
pub mod ipwriter;

pub mod ip;
pub mod servers;

pub mod db;
pub mod entity;
pub mod jurisdiction;
pub mod watchlist;

pub mod attribution;
pub mod report;

pub mod har;
pub mod tracker;

pub mod history;

pub mod export;
pub mod view;

pub mod stats;

#[cfg(feature = "testing")]
pub mod intern;

#[cfg(all(target_arch = "wasm32", any(feature = "background", feature = "pages")))]
pub mod wasm;
