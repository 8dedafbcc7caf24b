//! wasm-bindgen bindings for the extension: they only convert types between JS and the core (`docs/wasm-api.md`).

use crate::attribution;
use crate::tracker::{self, Event};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Maps become plain objects so that JS reads `report.hosts[0].types.script`; `None` becomes `null` (not
    // `undefined`, which JSON and runtime messaging drop) so that the report keeps every documented key.
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn classify_value(input: &str) -> Result<JsValue, JsError> {
    match attribution::classify(input) {
        Ok(a) => to_js(&a),
        Err(r) => to_js(&r),
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

#[derive(Serialize)]
struct Summary {
    requests: u64,
    companies: u64,
    jurisdictions: u64,
    third_party_requests: u64,
    data_requests: u64,
}

/// Every tab's state (see `src/tracker.rs`).
#[wasm_bindgen]
pub struct Tracker {
    inner: tracker::Tracker,
}

#[wasm_bindgen]
impl Tracker {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Tracker {
        Tracker {
            inner: tracker::Tracker::new(),
        }
    }

    /// Applies one webRequest event `{stage, requestId, url, type, method, ip, documentUrl}`; returns whether the
    /// tab changed. A malformed event is an error (thrown), and changes nothing.
    pub fn event(&mut self, tab: f64, event: JsValue) -> Result<bool, JsError> {
        let ev: Event = serde_wasm_bindgen::from_value(event)
            .map_err(|e| JsError::new(&format!("bad event: {e}")))?;
        Ok(self.inner.event(tab_id(tab), &ev))
    }

    pub fn report(&self, tab: f64) -> Result<JsValue, JsError> {
        match self.inner.report(tab_id(tab)) {
            Some(r) => to_js(&r),
            None => Ok(JsValue::NULL),
        }
    }

    pub fn summary(&self, tab: f64) -> Result<JsValue, JsError> {
        match self.inner.report(tab_id(tab)) {
            Some(r) => to_js(&Summary {
                requests: r.totals.requests,
                companies: r.totals.companies,
                jurisdictions: r.totals.jurisdictions,
                third_party_requests: r.totals.third_party_requests,
                data_requests: r.totals.data_requests,
            }),
            None => Ok(JsValue::NULL),
        }
    }

    #[wasm_bindgen(js_name = exportTab)]
    pub fn export_tab(&self, tab: f64) -> Option<String> {
        self.inner.export_tab(tab_id(tab))
    }

    #[wasm_bindgen(js_name = importTab)]
    pub fn import_tab(&mut self, tab: f64, state: &str) -> Result<(), JsError> {
        self.inner
            .import_tab(tab_id(tab), state)
            .map_err(|e| JsError::new(&e))
    }

    #[wasm_bindgen(js_name = removeTab)]
    pub fn remove_tab(&mut self, tab: f64) {
        self.inner.remove_tab(tab_id(tab));
    }

    pub fn tabs(&self) -> Vec<f64> {
        self.inner.tabs().into_iter().map(|t| t as f64).collect()
    }
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new()
    }
}

/// JS numbers to tab ids; NaN and fractions map to -1 (ignored).
fn tab_id(tab: f64) -> i64 {
    if tab.is_finite() && tab.fract() == 0.0 && tab.abs() < 9.0e15 {
        tab as i64
    } else {
        -1
    }
}
