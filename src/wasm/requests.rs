//! The request module's bindings (pkg/whither_requests.js, feature `requests`: the request page loads it, nothing
//! else): data-access requests (src/request.rs) and the list of requests made (src/request_list.rs). Letters,
//! privacy contacts and supervisory authorities are linked into this module only. Every function takes and returns
//! JSON strings; a bad input is a thrown error and changes nothing.

use wasm_bindgen::prelude::*;

fn js_err(e: String) -> JsError {
    JsError::new(&e)
}

/// The request page's view (JSON, docs/requests.md) of `sources` (a tab's report, or `requestSources` of a period,
/// or "") for `options` (JSON: home, california, lang, today, company, law, requester, values).
#[wasm_bindgen(js_name = requestView)]
pub fn request_view(sources: &str, options: &str) -> Result<String, JsError> {
    crate::request::view_json(sources, options).map_err(js_err)
}

/// The stored requests (storage.local `requests`, JSON or "") with one more: `entry` from the request view, sent
/// today by `via` (`email`, `copy`, `print`).
#[wasm_bindgen(js_name = requestsRecord)]
pub fn requests_record(
    stored: &str,
    entry: &str,
    via: &str,
    today: &str,
) -> Result<String, JsError> {
    crate::request_list::record(stored, entry, via, today).map_err(js_err)
}

/// The stored requests with request `id` marked `answered`, `open` or `extended`, or `remove`d.
#[wasm_bindgen(js_name = requestsUpdate)]
pub fn requests_update(
    stored: &str,
    id: &str,
    action: &str,
    today: &str,
) -> Result<String, JsError> {
    crate::request_list::update(stored, id, action, today).map_err(js_err)
}

/// The stored requests with the person's answers (JSON patch: california, authority, requester).
#[wasm_bindgen(js_name = requestsConfigure)]
pub fn requests_configure(stored: &str, patch: &str) -> Result<String, JsError> {
    crate::request_list::configure(stored, patch).map_err(js_err)
}

/// The list of requests for today (JSON; options: home, lang, today): status, deadlines, complaints.
#[wasm_bindgen(js_name = requestsView)]
pub fn requests_view(stored: &str, options: &str) -> Result<String, JsError> {
    crate::request_list::view_json(stored, options).map_err(js_err)
}

/// The list of requests as a file: `json` or `csv`.
#[wasm_bindgen(js_name = requestsExport)]
pub fn requests_export(stored: &str, format: &str) -> Result<String, JsError> {
    crate::request_list::export(stored, format).map_err(js_err)
}
