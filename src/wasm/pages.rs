//! The pages module's bindings (the history worker of the dashboard and the options page): the dashboard's view
//! of a period, the exports of the history, and the sources of data-access requests for a period.

use super::{to_js, History};
use crate::view::DashboardView;
use crate::watchlist::Watchlist;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl History {
    /// The dashboard's view of days `from..=to`: the overview (see `History::query`), the days' dates, the watched
    /// jurisdictions, the flow diagram and the first line for the person's `home` (`src/view.rs`).
    pub fn view(
        &self,
        from: u32,
        to: u32,
        search: &str,
        limit: u32,
        watchlist: Vec<String>,
        home: Option<String>,
    ) -> Result<JsValue, JsError> {
        let watchlist = Watchlist::of(&watchlist);
        to_js(
            &DashboardView::new(&self.inner, from, to, search, limit as usize, &watchlist)
                .with_home(home.as_deref().unwrap_or("")),
        )
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

/// The options page's view (src/options.rs) as JSON, of the settings in force (`settings`: their JSON, as the
/// background gives it, with `notices`, the JSON of what reading the stored value ignored, and `error`, why the
/// latest stored value was ignored); `applied` is the fingerprint of the installed rules.
#[wasm_bindgen(js_name = settingsView)]
pub fn settings_view(
    settings: &str,
    notices: Option<String>,
    error: Option<String>,
    search: &str,
    applied: Option<String>,
) -> Result<String, JsError> {
    let parsed = crate::settings::Settings::parse(settings, "").map_err(|e| JsError::new(&e))?;
    let notices = notices
        .and_then(|n| serde_json::from_str(&n).ok())
        .unwrap_or_default();
    Ok(crate::options::SettingsView::new(
        parsed.settings,
        notices,
        error,
        search,
        applied.as_deref(),
    )
    .to_json())
}

/// The block list of the settings' choices (whether blocking is on or not) as `dnr`, `hosts` or `adblock`.
#[wasm_bindgen(js_name = exportBlockList)]
pub fn export_block_list(settings: &str, format: &str) -> Result<String, JsError> {
    use crate::rules::{BlockList, Choice};
    let parsed = crate::settings::Settings::parse(settings, "").map_err(|e| JsError::new(&e))?;
    let list =
        BlockList::compile(&Choice::of_choices(&parsed.settings)).map_err(|e| JsError::new(&e))?;
    list.export(format)
        .ok_or_else(|| JsError::new(&format!("unknown format {format:?}")))
}

/// Parses and validates a list file the person chose on the options page (`src/imported/`): returns `{format, name,
/// licence, domains, owners, compact}` (`compact` is what the shell stores), or throws a clear error.
#[wasm_bindgen(js_name = importList)]
pub fn import_list(file_name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
    let imported = crate::imported::import(file_name, bytes).map_err(|e| JsError::new(&e))?;
    to_js(&imported)
}
