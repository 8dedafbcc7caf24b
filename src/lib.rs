//! Whither's core: which companies receive a page's requests, who controls them, and under which jurisdiction.
//!
//! Modules, each using only those before it (no module imports one that imports it back):
//! [`hash`] → `suffix_list` (the public suffix table) → [`host`] → [`iptable`] → [`ipwriter`] → [`ip`] → [`servers`]
//! → [`db`] → [`entity`], [`jurisdiction`] → [`watchlist`] → [`settings`] → [`attribution`] → [`imported`]
//! (the person's own lists) → [`rules`] → [`report`]
//! → [`tracker`], [`har`] → [`history`] → [`export`], [`options`], [`view`] → [`stats`] → data-access requests:
//! [`calendar`] → [`contact`] → [`authority`] → [`letter`] → [`request`] → [`request_list`] → bindings (`wasm`, the
//! CLI in `main.rs`). Nothing here panics on input.
//!
//! Features: `details` (notes, history and references of every entity, for the CLI); `background` and `pages` (the
//! bindings of the two shipped wasm modules: src/wasm/) and `requests` (the request page's module); `testing` (all
//! of them, plus the wasm exports that only tests and benchmarks call, and the interner behind them).

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

pub mod settings;

pub mod attribution;
pub mod imported;
pub mod report;
pub mod rules;

pub mod har;
pub mod tracker;

pub mod history;

pub mod export;
pub mod options;
pub mod view;

pub mod stats;

pub mod calendar;
pub mod contact;

pub mod authority;
pub mod letter;

pub mod request;
pub mod request_list;

#[cfg(feature = "testing")]
pub mod intern;

#[cfg(all(
    target_arch = "wasm32",
    any(feature = "background", feature = "pages", feature = "requests")
))]
pub mod wasm;
