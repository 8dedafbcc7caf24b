//! The pages module's bindings (the history worker of the dashboard and the options page): the dashboard's view
//! of a period, the exports of the history, and the sources of data-access requests for a period.

use super::{to_js, History};
use crate::view::DashboardView;
use crate::watchlist::Watchlist;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl History {
    /// The dashboard's view of days `from..=to`: the overview (see `History::query`), the days' dates, the watched
    /// jurisdictions and the flow diagram (`src/view.rs`).
    pub fn view(
        &self,
        from: u32,
        to: u32,
        search: &str,
        limit: u32,
        watchlist: Vec<String>,
    ) -> Result<JsValue, JsError> {
        let watchlist = Watchlist::of(&watchlist);
        to_js(&DashboardView::new(
            &self.inner,
            from,
            to,
            search,
            limit as usize,
            &watchlist,
        ))
    }

    /// The days `from..=to` as CSV (one row per site and company).
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(&self, from: u32, to: u32) -> String {
        crate::export::history_csv(&self.inner, from, to)
    }

    /// The companies of days `from..=to` with their hosts, as the sources of data-access requests
    /// (`requestView`).
    #[wasm_bindgen(js_name = requestSources)]
    pub fn request_sources(&self, from: u32, to: u32) -> String {
        crate::request::period_sources(&self.inner, from, to)
    }

    /// The days `from..=to` as JSON, every row (`docs/report-format.md`, "Exports").
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self, from: u32, to: u32) -> String {
        crate::export::history_json(&self.inner, from, to)
    }
}

/// The file name (without extension) of an export of the history of days `from..=to`.
#[wasm_bindgen(js_name = historyFileName)]
pub fn history_file_name(from: u32, to: u32) -> String {
    crate::export::history_file_name(from, to)
}

/// Parses and validates a list file the person chose on the options page (`src/imported/`): returns `{format, name,
/// licence, domains, owners, compact}` (`compact` is what the shell stores), or throws a clear error.
#[wasm_bindgen(js_name = importList)]
pub fn import_list(file_name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
    let imported = crate::imported::import(file_name, bytes).map_err(|e| JsError::new(&e))?;
    to_js(&imported)
}
