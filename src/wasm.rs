//! wasm-bindgen bindings for the extension: they only convert types between JS and the core (`docs/wasm-api.md`).

#[cfg(feature = "testing")]
use crate::attribution;
use crate::tracker::{self, Event};
use crate::view::{DashboardView, OptionsView, PopupView};
use crate::watchlist::Watchlist;
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

#[cfg(feature = "testing")]
/// The same plain object as [`to_js`] for values without floats or maps (an attribution), built by one
/// `JSON.parse` of one string: ~3x faster than a property set across the boundary per field (docs/performance.md).
fn to_js_via_json<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("JSON.parse failed"))
}

#[cfg(feature = "testing")]
fn classify_value(input: &str) -> Result<JsValue, JsError> {
    match attribution::classify(input) {
        Ok(a) => to_js_via_json(&a),
        Err(r) => to_js_via_json(&r),
    }
}

/// Runs when the module is instantiated (and again after `__wbg_reset_state`): a panic — a bug, since the core never
/// panics on input — is reported on the console with its message and location before the instance aborts. The shell
/// then resets the instance and restores its state (extension/state.js).
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[cfg(feature = "testing")]
/// Classifies one URL or host (see `whither classify`); bad input gives `{input, error}`.
#[wasm_bindgen]
pub fn classify(input: &str) -> Result<JsValue, JsError> {
    classify_value(input)
}

#[cfg(feature = "testing")]
/// Classifies many URLs or hosts in one call.
#[wasm_bindgen(js_name = classifyBatch)]
pub fn classify_batch(inputs: Vec<String>) -> Result<js_sys::Array, JsError> {
    let out = js_sys::Array::new();
    for input in &inputs {
        out.push(&classify_value(input)?);
    }
    Ok(out)
}

#[cfg(feature = "testing")]
thread_local! {
    /// Interned classifications of `classifyHost`/`classifyHosts` (wasm is single-threaded: one table).
    static INTERNED: std::cell::RefCell<crate::intern::Interner> = std::cell::RefCell::new(crate::intern::Interner::new());
}

#[cfg(feature = "testing")]
/// The fast path: classifies one URL or host and returns the id of its classification, a number (the same input
/// always gives the same id); `classification(id)` gives the object. No object crosses the boundary per host.
#[wasm_bindgen(js_name = classifyHost)]
pub fn classify_host(input: &str) -> u32 {
    INTERNED.with_borrow_mut(|t| t.id(input))
}

#[cfg(feature = "testing")]
/// Batched fast path: classifies the URLs or hosts of `inputs`, one per line, in one call; returns their ids.
#[wasm_bindgen(js_name = classifyHosts)]
pub fn classify_hosts(inputs: &str) -> Vec<u32> {
    let inputs: Vec<&str> = inputs.split('\n').collect();
    INTERNED.with_borrow_mut(|t| t.ids(inputs.into_iter()))
}

#[cfg(feature = "testing")]
/// The classification with id `id` (as `classify` gives it), or `null` when the id is unknown or was forgotten.
#[wasm_bindgen]
pub fn classification(id: u32) -> Result<JsValue, JsError> {
    INTERNED.with_borrow(|t| match t.get(id) {
        Some(Ok(a)) => to_js_via_json(&a),
        Some(Err(r)) => to_js_via_json(&r),
        None => Ok(JsValue::NULL),
    })
}

#[cfg(feature = "testing")]
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

#[cfg(feature = "testing")]
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

#[cfg(feature = "testing")]
/// Entity `index` with its ownership chain, controller and jurisdiction (`{id, name, country, legal_seat, chain,
/// controller, jurisdiction}`), or `null`: the same for every host it owns, so callers keep one per entity.
#[wasm_bindgen]
pub fn entity(index: u32) -> Result<JsValue, JsError> {
    match u16::try_from(index).ok().and_then(crate::entity::view) {
        Some(v) => to_js_via_json(&v),
        None => Ok(JsValue::NULL),
    }
}

#[cfg(feature = "testing")]
#[derive(Serialize)]
struct DbInfo {
    schema: u32,
    entities: usize,
    domains: usize,
    jurisdictions: usize,
}

#[cfg(feature = "testing")]
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

#[cfg(feature = "testing")]
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

    /// Counts the event's request as unclassified, without classifying it: the shell's fallback for an event on which
    /// the core failed.
    #[wasm_bindgen(js_name = eventUnclassified)]
    pub fn event_unclassified(&mut self, tab: f64, event: JsValue) -> Result<bool, JsError> {
        let ev: Event = serde_wasm_bindgen::from_value(event)
            .map_err(|e| JsError::new(&format!("bad event: {e}")))?;
        Ok(self.inner.event_unclassified(tab_id(tab), &ev))
    }

    /// Panics inside the tracker, as a bug would: only for the tests of the panic hook and of the shell's recovery.
    #[cfg(feature = "testing")]
    #[wasm_bindgen(js_name = __panicForTests)]
    pub fn panic_for_tests(&mut self, message: &str) {
        panic!("deliberate panic for tests: {message}");
    }

    pub fn report(&self, tab: f64) -> Result<JsValue, JsError> {
        match self.inner.report(tab_id(tab)) {
            Some(r) => to_js(&r),
            None => Ok(JsValue::NULL),
        }
    }

    pub fn summary(&self, tab: f64) -> Result<JsValue, JsError> {
        match self.inner.summary(tab_id(tab)) {
            Some((totals, _)) => to_js(&Summary {
                requests: totals.requests,
                companies: totals.companies,
                jurisdictions: totals.jurisdictions,
                third_party_requests: totals.third_party_requests,
                data_requests: totals.data_requests,
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

    /// The tab's report as CSV (one row per host), or `null` when the tab has no visit.
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(&self, tab: f64) -> Option<String> {
        self.inner
            .report(tab_id(tab))
            .map(|r| crate::export::report_csv(&r))
    }

    /// The tab's report as pretty-printed JSON (its export), or `null` when the tab has no visit.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self, tab: f64) -> Option<String> {
        self.inner
            .report(tab_id(tab))
            .map(|r| crate::export::report_json(&r))
    }

    /// What the popup shows (the report, the laws of its jurisdictions, the watched ones among them) as one JSON
    /// string, or `null` when the tab has no visit: one string crosses `runtime.sendMessage` much faster than the
    /// report's object graph, and the popup needs no core of its own (docs/report-format.md, "Popup view").
    #[wasm_bindgen(js_name = popupView)]
    pub fn popup_view(&self, tab: f64, watchlist: Vec<String>) -> Option<String> {
        self.inner
            .report(tab_id(tab))
            .map(|r| PopupView::new(r, &Watchlist::of(&watchlist)).to_json())
    }

    /// The report's controlling jurisdictions on the watchlist, most requests first.
    pub fn watched(&self, tab: f64, watchlist: Vec<String>) -> Vec<String> {
        let Some((_, jurisdictions)) = self.inner.summary(tab_id(tab)) else {
            return Vec::new();
        };
        Watchlist::of(&watchlist)
            .filter(jurisdictions.iter().map(|(code, _)| *code))
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[cfg(feature = "testing")]
    pub fn tabs(&self) -> Vec<f64> {
        self.inner.tabs().into_iter().map(|t| t as f64).collect()
    }
}

/// The browsing history (see `src/history.rs`): per-day, per-site aggregates, stored one chunk per day.
#[wasm_bindgen]
pub struct History {
    inner: crate::history::History,
}

#[wasm_bindgen]
impl History {
    #[wasm_bindgen(constructor)]
    pub fn new() -> History {
        History {
            inner: crate::history::History::new(),
        }
    }

    /// Records the growth of the tab's current visit on `day`; returns whether the day changed.
    pub fn record(&mut self, tracker: &Tracker, tab: f64, day: u32) -> bool {
        let tab = tab_id(tab);
        match (tracker.inner.visit_seq(tab), tracker.inner.report(tab)) {
            (Some(seq), Some(report)) => self.inner.record(tab, seq, &report, day),
            _ => false,
        }
    }

    #[wasm_bindgen(js_name = closeTab)]
    pub fn close_tab(&mut self, tab: f64) {
        self.inner.close_tab(tab_id(tab));
    }

    /// The tab's visit moved to another tab id (Chrome's prerendering): it is not counted again.
    #[wasm_bindgen(js_name = moveTab)]
    pub fn move_tab(&mut self, from: f64, to: f64) {
        self.inner.move_tab(tab_id(from), tab_id(to));
    }

    pub fn days(&self) -> Vec<u32> {
        self.inner.days()
    }

    pub fn prune(&mut self, first_kept: u32) {
        self.inner.prune(first_kept);
    }

    pub fn clear(&mut self) {
        self.inner.clear();
    }

    #[wasm_bindgen(js_name = exportDay)]
    pub fn export_day(&self, day: u32) -> Option<String> {
        self.inner.export_day(day)
    }

    /// Loads a stored day; returns its day number, throws on malformed input (and keeps the previous state).
    #[cfg(feature = "testing")]
    #[wasm_bindgen(js_name = importDay)]
    pub fn import_day(&mut self, text: &str) -> Result<u32, JsError> {
        self.inner.import_day(text).map_err(|e| JsError::new(&e))
    }

    /// `importDay` of the text's UTF-8 bytes (`new TextEncoder().encode(text)`): a byte array crosses into wasm with
    /// one copy, a string character by character.
    #[wasm_bindgen(js_name = importDayBytes)]
    pub fn import_day_bytes(&mut self, bytes: &[u8]) -> Result<u32, JsError> {
        self.inner
            .import_day_bytes(bytes)
            .map_err(|e| JsError::new(&e))
    }

    #[wasm_bindgen(js_name = exportOpen)]
    pub fn export_open(&self) -> String {
        self.inner.export_open()
    }

    #[wasm_bindgen(js_name = importOpen)]
    pub fn import_open(&mut self, text: &str) -> Result<(), JsError> {
        self.inner.import_open(text).map_err(|e| JsError::new(&e))
    }

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

/// What the options page offers (every jurisdiction code, the watchlist groups with their members) as JSON.
#[wasm_bindgen(js_name = optionsView)]
pub fn options_view() -> String {
    OptionsView::new().to_json()
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}

/// Whether jurisdiction `code` is on the watchlist (country codes and groups, see `src/watchlist.rs`).
#[cfg(feature = "testing")]
#[wasm_bindgen]
pub fn watched(watchlist: Vec<String>, code: &str) -> bool {
    Watchlist::of(&watchlist).contains(code)
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
