//! Bindings that only tests and benchmarks call (feature `testing`, the `pkg-test/` build): classification of single
//! hosts, the interner, the database's figures, a deliberate panic.

use super::{to_js, History, Tracker};
use crate::attribution;
use crate::watchlist::Watchlist;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The same plain object as [`to_js`] for values without floats or maps (an attribution), built by one
/// `JSON.parse` of one string: ~3x faster than a property set across the boundary per field (docs/performance.md).
fn to_js_via_json<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("JSON.parse failed"))
}

fn classify_value(input: &str) -> Result<JsValue, JsError> {
    match attribution::classify(input) {
        Ok(a) => to_js_via_json(&a),
        Err(r) => to_js_via_json(&r),
    }
}

/// Classifies one URL or host (see `whither classify`); bad input gives `{input, error}`.
#[wasm_bindgen]
pub fn classify(input: &str) -> Result<JsValue, JsError> {
    classify_value(input)
}

/// Classifies many URLs or hosts in one call.
#[wasm_bindgen(js_name = classifyBatch)]
pub fn classify_batch(inputs: Vec<String>) -> Result<js_sys::Array, JsError> {
    let out = js_sys::Array::new();
    for input in &inputs {
        out.push(&classify_value(input)?);
    }
    Ok(out)
}

thread_local! {
    /// Interned classifications of `classifyHost`/`classifyHosts` (wasm is single-threaded: one table).
    static INTERNED: std::cell::RefCell<crate::intern::Interner> = std::cell::RefCell::new(crate::intern::Interner::new());
}

/// The fast path: classifies one URL or host and returns the id of its classification, a number (the same input
/// always gives the same id); `classification(id)` gives the object. No object crosses the boundary per host.
#[wasm_bindgen(js_name = classifyHost)]
pub fn classify_host(input: &str) -> u32 {
    INTERNED.with_borrow_mut(|t| t.id(input))
}

/// Batched fast path: classifies the URLs or hosts of `inputs`, one per line, in one call; returns their ids.
#[wasm_bindgen(js_name = classifyHosts)]
pub fn classify_hosts(inputs: &str) -> Vec<u32> {
    let inputs: Vec<&str> = inputs.split('\n').collect();
    INTERNED.with_borrow_mut(|t| t.ids(inputs.into_iter()))
}

/// The classification with id `id` (as `classify` gives it), or `null` when the id is unknown or was forgotten.
#[wasm_bindgen]
pub fn classification(id: u32) -> Result<JsValue, JsError> {
    INTERNED.with_borrow(|t| match t.get(id) {
        Some(Ok(a)) => to_js_via_json(&a),
        Some(Err(r)) => to_js_via_json(&r),
        None => Ok(JsValue::NULL),
    })
}

/// The registrable domain of classification `id` (`null` for a host without one), or `undefined` when the id is
/// unknown or was forgotten. With `classificationEntity`, what a caller needs of each host without an object per host.
#[wasm_bindgen(js_name = classificationDomain)]
pub fn classification_domain(id: u32) -> Result<JsValue, JsError> {
    INTERNED.with_borrow(|t| match t.domain(id) {
        Some(Some(d)) => Ok(JsValue::from_str(d)),
        Some(None) => Ok(JsValue::NULL),
        None => Ok(JsValue::UNDEFINED),
    })
}

/// The index of the entity owning classification `id` (for `entity(index)`), `-1` when nobody in the database owns
/// it, `-2` when the id is unknown or was forgotten.
#[wasm_bindgen(js_name = classificationEntity)]
pub fn classification_entity(id: u32) -> i32 {
    INTERNED.with_borrow(|t| match t.entity(id) {
        Some(Some(e)) => i32::from(e),
        Some(None) => -1,
        None => -2,
    })
}

/// Entity `index` with its ownership chain, controller and jurisdiction (`{id, name, country, legal_seat, chain,
/// controller, jurisdiction}`), or `null`: the same for every host it owns, so callers keep one per entity.
#[wasm_bindgen]
pub fn entity(index: u32) -> Result<JsValue, JsError> {
    match u16::try_from(index).ok().and_then(crate::entity::view) {
        Some(v) => to_js_via_json(&v),
        None => Ok(JsValue::NULL),
    }
}

#[derive(Serialize)]
struct DbInfo {
    schema: u32,
    entities: usize,
    domains: usize,
    jurisdictions: usize,
}

/// Figures about the compiled database.
#[wasm_bindgen(js_name = dbInfo)]
pub fn db_info() -> Result<JsValue, JsError> {
    to_js(&DbInfo {
        schema: crate::db::DATA_SCHEMA,
        entities: crate::db::ENTITIES.len(),
        domains: crate::db::DOMAINS.len(),
        jurisdictions: crate::db::JURISDICTIONS.len(),
    })
}

/// A jurisdiction's memberships, adequacy status and laws, or `null`.
#[wasm_bindgen]
pub fn jurisdiction(code: &str) -> Result<JsValue, JsError> {
    match crate::jurisdiction::get(code) {
        Some(j) => to_js(&j),
        None => Ok(JsValue::NULL),
    }
}

/// Whether jurisdiction `code` is on the watchlist (country codes and groups, see `src/watchlist.rs`).
#[wasm_bindgen]
pub fn watched(watchlist: Vec<String>, code: &str) -> bool {
    Watchlist::of(&watchlist).contains(code)
}

#[wasm_bindgen]
impl Tracker {
    /// Panics inside the tracker, as a bug would: only for the tests of the panic hook and of the shell's recovery.
    #[wasm_bindgen(js_name = __panicForTests)]
    pub fn panic_for_tests(&mut self, message: &str) {
        panic!("deliberate panic for tests: {message}");
    }

    pub fn tabs(&self) -> Vec<f64> {
        self.inner.tabs().into_iter().map(|t| t as f64).collect()
    }
}

#[wasm_bindgen]
impl History {
    /// `importDayBytes` of a string.
    #[wasm_bindgen(js_name = importDay)]
    pub fn import_day(&mut self, text: &str) -> Result<u32, JsError> {
        self.inner.import_day(text).map_err(|e| JsError::new(&e))
    }
}
