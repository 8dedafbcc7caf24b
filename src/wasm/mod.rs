//! wasm-bindgen bindings: they only convert types between JS and the core (`docs/wasm-api.md`). Two shipped modules
//! are built from them (Makefile): the background's (feature `background`: the Tracker, recording the history, the
//! popup's and options page's views) and the pages' (feature `pages`: the dashboard's views and the exports of the
//! history, used by the history worker). A third one, the request page's (feature `requests`: data-access requests,
//! their letters, contacts and authorities), is built from src/wasm/requests.rs. Feature `testing` adds what only
//! tests and benchmarks call.

#[cfg(feature = "background")]
mod background;
#[cfg(feature = "background")]
mod blocking;
#[cfg(any(feature = "background", feature = "pages"))]
mod history;
#[cfg(feature = "pages")]
mod pages;
#[cfg(feature = "requests")]
mod requests;
#[cfg(feature = "testing")]
mod testing;

#[cfg(feature = "background")]
pub use background::*;
#[cfg(feature = "background")]
pub use blocking::*;
#[cfg(any(feature = "background", feature = "pages"))]
pub use history::History;
#[cfg(feature = "pages")]
pub use pages::*;
#[cfg(feature = "requests")]
pub use requests::*;
#[cfg(feature = "testing")]
pub use testing::*;

#[cfg(any(feature = "background", feature = "pages"))]
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A value as a plain JS object. Maps become plain objects so that JS reads `report.hosts[0].types.script`; `None`
/// becomes `null` (not `undefined`, which JSON and runtime messaging drop) so that the report keeps every
/// documented key.
#[cfg(any(feature = "background", feature = "pages"))]
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Runs when the module is instantiated (and again after `__wbg_reset_state`): a panic — a bug, since the core never
/// panics on input — is reported on the console with its message and location before the instance aborts. The shell
/// then resets the instance and restores its state (extension/state.js).
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
