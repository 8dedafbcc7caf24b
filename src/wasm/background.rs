//! The background module's bindings: the Tracker of every tab, and the options page's view.

use super::{to_js, History};
use crate::tracker::{self, Event, Stage};
use crate::view::{OptionsView, PopupView};
use crate::watchlist::Watchlist;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct Summary {
    requests: u64,
    companies: u64,
    jurisdictions: u64,
    third_party_requests: u64,
    data_requests: u64,
    blocked_requests: u64,
}

#[wasm_bindgen]
extern "C" {
    /// A webRequest event as the shell passes it (extension/events.js `RequestEvent`): read field by field through
    /// its getters, each a plain property read in the glue.
    type RawEvent;
    #[wasm_bindgen(method, getter, catch)]
    fn stage(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = requestId)]
    fn request_id(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn url(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = type)]
    fn type_name(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn method(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn ip(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = documentUrl)]
    fn document_url(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn error(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = statusCode)]
    fn status_code(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = statusLine)]
    fn status_line(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = fromCache)]
    fn from_cache(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = timeStamp)]
    fn time_stamp(this: &RawEvent) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn proxy(this: &RawEvent) -> Result<JsValue, JsValue>;
}

/// A field of the event: `None` when absent (undefined or null), an error when its getter throws.
fn field(name: &str, value: Result<JsValue, JsValue>) -> Result<Option<JsValue>, JsError> {
    let value = value.map_err(|_| JsError::new(&format!("bad event: reading `{name}` failed")))?;
    Ok((!value.is_null_or_undefined()).then_some(value))
}

/// A string field, if present; any other type is an error.
fn string(name: &str, value: Result<JsValue, JsValue>) -> Result<Option<String>, JsError> {
    let value = value.map_err(|_| JsError::new(&format!("bad event: reading `{name}` failed")))?;
    match value.as_string() {
        Some(s) => Ok(Some(s)),
        None if value.is_null_or_undefined() => Ok(None),
        None => Err(JsError::new(&format!(
            "bad event: `{name}` is not a string"
        ))),
    }
}

/// A required string field.
fn required(name: &str, value: Result<JsValue, JsValue>) -> Result<String, JsError> {
    string(name, value)?.ok_or_else(|| JsError::new(&format!("bad event: missing field `{name}`")))
}

/// A webRequest event from its JS object, read by its getters: one crossing of the boundary per field present,
/// none to build intermediate objects (serde_wasm_bindgen's reading of an object costs several times as much; the
/// background's per-event path: docs/performance.md, "Per-event throughput"). A malformed event is an error. Only
/// the fields the tracker reads at the event's stage are read: `error` at `error`, the status at `redirect`,
/// `fromCache` after `before` ([`Event::outcome`]).
fn event_of(event: &JsValue) -> Result<Event, JsError> {
    if !event.is_object() {
        return Err(JsError::new("bad event: not an object"));
    }
    let raw: &RawEvent = event.unchecked_ref();
    let stage = match required("stage", raw.stage())?.as_str() {
        "before" => Stage::Before,
        "redirect" => Stage::Redirect,
        "response" => Stage::Response,
        "completed" => Stage::Completed,
        "error" => Stage::Error,
        other => return Err(JsError::new(&format!("bad event: unknown stage `{other}`"))),
    };
    let redirect = stage == Stage::Redirect;
    let status_code = match redirect
        .then(|| field("statusCode", raw.status_code()))
        .transpose()?
        .flatten()
    {
        None => None,
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
                Some(n as u32)
            }
            _ => return Err(JsError::new("bad event: `statusCode` is not a status code")),
        },
    };
    let from_cache = match (stage != Stage::Before)
        .then(|| field("fromCache", raw.from_cache()))
        .transpose()?
        .flatten()
    {
        None => None,
        Some(v) => Some(
            v.as_bool()
                .ok_or_else(|| JsError::new("bad event: `fromCache` is not a boolean"))?,
        ),
    };
    let time_stamp = match field("timeStamp", raw.time_stamp())? {
        None => None,
        Some(v) => Some(
            v.as_f64()
                .ok_or_else(|| JsError::new("bad event: `timeStamp` is not a number"))?,
        ),
    };
    Ok(Event {
        stage,
        request_id: required("requestId", raw.request_id())?,
        url: required("url", raw.url())?,
        type_name: string("type", raw.type_name())?.unwrap_or_default(),
        method: string("method", raw.method())?.unwrap_or_default(),
        ip: string("ip", raw.ip())?,
        document_url: string("documentUrl", raw.document_url())?,
        error: match stage {
            Stage::Error => string("error", raw.error())?,
            _ => None,
        },
        status_code,
        status_line: match redirect {
            true => string("statusLine", raw.status_line())?,
            false => None,
        },
        from_cache,
        time_stamp,
        proxy: match field("proxy", raw.proxy())? {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| JsError::new("bad event: `proxy` is not a boolean"))?,
        },
    })
}

/// Every tab's state (see `src/tracker.rs`).
#[wasm_bindgen]
pub struct Tracker {
    pub(crate) inner: tracker::Tracker,
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
        let ev = event_of(&event)?;
        Ok(self.inner.event(tab_id(tab), &ev))
    }

    /// Counts the event's request as unclassified, without classifying it: the shell's fallback for an event on which
    /// the core failed.
    #[wasm_bindgen(js_name = eventUnclassified)]
    pub fn event_unclassified(&mut self, tab: f64, event: JsValue) -> Result<bool, JsError> {
        let ev = event_of(&event)?;
        Ok(self.inner.event_unclassified(tab_id(tab), &ev))
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
                blocked_requests: totals.blocked_requests,
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

    /// Counts what the page's own record of its loads (JSON `{document, entries: [[url, initiatorType], …]}`,
    /// extension/resources.js) lists beyond the tab's visit; returns the number of requests recovered. Throws on
    /// malformed input (nothing changes).
    pub fn reconcile(&mut self, tab: f64, record: &str) -> Result<u32, JsError> {
        self.inner
            .reconcile(tab_id(tab), record)
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

    /// Loads the person's own lists (their stored compact forms, storage.local `imported-lists`) for the reports'
    /// unknown hosts; `[]` removes them. Returns the number of lists; throws on a malformed one, changing nothing.
    #[wasm_bindgen(js_name = setImported)]
    pub fn set_imported(&mut self, stored: Vec<String>) -> Result<u32, JsError> {
        let lists = crate::imported::Lists::from_compacts(&stored).map_err(|e| JsError::new(&e))?;
        let n = lists.len() as u32;
        self.inner.set_imported(lists);
        Ok(n)
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
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new()
    }
}

/// Checks and installs the IP table (`pkg/whither_ip.bin`, which the background fetches on first use) from its
/// bytes (`Uint8Array`: one copy into the module); returns its figures (`{version, date, source, bytes, countries,
/// networks, ranges}`) as JSON. A damaged table throws and changes nothing: server addresses stay unlocated.
#[wasm_bindgen(js_name = setIpTable)]
pub fn set_ip_table(bytes: Vec<u8>) -> Result<String, JsError> {
    let info = crate::ip::install(bytes).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&info).map_err(|e| JsError::new(&e.to_string()))
}

/// What the options page offers (every jurisdiction code, the watchlist groups with their members) as JSON.
#[wasm_bindgen(js_name = optionsView)]
pub fn options_view() -> String {
    OptionsView::new().to_json()
}

/// Recording and persisting the history (the background's recorder, extension/recorder.js).
#[wasm_bindgen]
impl History {
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

    #[wasm_bindgen(js_name = exportOpen)]
    pub fn export_open(&self) -> String {
        self.inner.export_open()
    }

    #[wasm_bindgen(js_name = importOpen)]
    pub fn import_open(&mut self, text: &str) -> Result<(), JsError> {
        self.inner.import_open(text).map_err(|e| JsError::new(&e))
    }
}

/// JS numbers to tab ids; NaN and fractions map to -1 (ignored).
pub(crate) fn tab_id(tab: f64) -> i64 {
    if tab.is_finite() && tab.fract() == 0.0 && tab.abs() < 9.0e15 {
        tab as i64
    } else {
        -1
    }
}
