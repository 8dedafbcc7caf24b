//! The History class of both shipped modules: what both need (a history, its days loaded from their stored form);
//! the background records and persists it (src/wasm/background.rs), the pages query and export it
//! (src/wasm/pages.rs).

use wasm_bindgen::prelude::*;

/// The browsing history (see `src/history/`): per-day, per-site aggregates, stored one chunk per day.
#[wasm_bindgen]
pub struct History {
    pub(crate) inner: crate::history::History,
}

#[wasm_bindgen]
impl History {
    #[wasm_bindgen(constructor)]
    pub fn new() -> History {
        History {
            inner: crate::history::History::new(),
        }
    }

    /// The days held, oldest first.
    pub fn days(&self) -> Vec<u32> {
        self.inner.days()
    }

    /// Loads a stored day from its UTF-8 bytes (`new TextEncoder().encode(text)`: a byte array crosses into wasm
    /// with one copy, a string character by character); returns its day number, throws on malformed input (and
    /// keeps the previous state).
    #[wasm_bindgen(js_name = importDayBytes)]
    pub fn import_day_bytes(&mut self, bytes: &[u8]) -> Result<u32, JsError> {
        self.inner
            .import_day_bytes(bytes)
            .map_err(|e| JsError::new(&e))
    }
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}
