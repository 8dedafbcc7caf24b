//! The background module's bindings of settings and blocking: the settings read from storage and changed, the rules
//! they compile to (what the shell hands to `declarativeNetRequest`), the paused sites' session rules and the popup's
//! view for the settings. (The options page's view and the exports are the pages module's: src/wasm/pages.rs.)

use super::Tracker;
use crate::rules::{BlockList, Choice, Paused, Rule};
use crate::settings::{self, Change, Notice};
use crate::view::PopupView;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The person's settings, valid (src/settings.rs), with what reading them ignored.
#[wasm_bindgen(js_name = Settings)]
pub struct SettingsHandle {
    inner: settings::Settings,
    notices: Vec<Notice>,
}

/// What `rules()` gives the shell: the rules to install and their fingerprint, or why there are none.
#[derive(Serialize)]
struct RulesUpdate {
    fingerprint: String,
    rules: Vec<Rule>,
    error: Option<String>,
}

#[wasm_bindgen(js_class = Settings)]
impl SettingsHandle {
    /// The settings of a stored value (its JSON, `"null"` for none); `defaultHome` is the region of the browser's
    /// locale. Throws (and the shell keeps the settings it had) when the value is malformed.
    pub fn load(json: &str, default_home: &str) -> Result<SettingsHandle, JsError> {
        let parsed = settings::Settings::parse(json, default_home).map_err(|e| JsError::new(&e))?;
        Ok(SettingsHandle {
            inner: parsed.settings,
            notices: parsed.notices,
        })
    }

    /// The defaults (nothing stored yet).
    pub fn defaults(default_home: &str) -> SettingsHandle {
        SettingsHandle {
            inner: settings::Settings::defaults(default_home),
            notices: Vec::new(),
        }
    }

    /// The settings in the current format, as JSON: what the shell stores, and reads plain fields from.
    pub fn json(&self) -> String {
        self.inner.to_json()
    }

    pub fn watchlist(&self) -> Vec<String> {
        self.inner.watchlist.clone()
    }

    /// The settings after one change `{op, list, text, on, number}` (docs/settings.md); throws on an invalid one.
    pub fn change(
        &self,
        op: String,
        list: String,
        text: String,
        on: bool,
        number: u32,
    ) -> Result<SettingsHandle, JsError> {
        let change = Change {
            op,
            list,
            text,
            on,
            number,
        };
        Ok(SettingsHandle {
            inner: self.inner.change(&change).map_err(|e| JsError::new(&e))?,
            notices: Vec::new(),
        })
    }

    /// The dynamic rules of the settings as JSON `{fingerprint, rules, error}`: none when blocking is off; on an
    /// error (too many rules) none either, and the shell keeps the installed ones.
    pub fn rules(&self) -> String {
        let update = match BlockList::compile(&Choice::of(&self.inner)) {
            Ok(list) => RulesUpdate {
                fingerprint: list.fingerprint(),
                rules: list.rules,
                error: None,
            },
            Err(e) => RulesUpdate {
                fingerprint: String::new(),
                rules: Vec::new(),
                error: Some(e),
            },
        };
        serde_json::to_string(&update).unwrap_or_default()
    }

    /// What reading the stored value ignored (src/settings.rs `Notice`), as JSON.
    pub fn notices(&self) -> String {
        serde_json::to_string(&self.notices).unwrap_or_default()
    }
}

/// The paused sites (`paused`: their stored text, or null) with `site` paused (`on`) or resumed, as text; throws
/// for something that is not a site.
#[wasm_bindgen(js_name = pauseSite)]
pub fn pause_site(paused: Option<String>, site: &str, on: bool) -> Result<String, JsError> {
    let mut p = Paused::parse(paused.as_deref().unwrap_or(""));
    p.set(site, on).map_err(|e| JsError::new(&e))?;
    Ok(p.to_text())
}

/// The session rules of the paused sites, as JSON (the shell replaces its session rules with them).
#[wasm_bindgen(js_name = pausedRules)]
pub fn paused_rules(paused: Option<String>) -> String {
    serde_json::to_string(&Paused::parse(paused.as_deref().unwrap_or("")).rules())
        .unwrap_or_default()
}

#[wasm_bindgen]
impl Tracker {
    /// The popup's view for the person's settings and paused sites (docs/report-format.md, "Popup view"), or null
    /// when the tab has no visit.
    #[wasm_bindgen(js_name = popupViewFor)]
    pub fn popup_view_for(
        &self,
        tab: f64,
        settings: &SettingsHandle,
        paused: Option<String>,
    ) -> Option<String> {
        let paused = Paused::parse(paused.as_deref().unwrap_or(""));
        self.inner
            .report(super::background::tab_id(tab))
            .map(|r| PopupView::for_settings(r, &settings.inner, &paused).to_json())
    }

    /// The site (registrable domain) of the tab's page, which trust and pause act on; null without one.
    pub fn site(&self, tab: f64) -> Option<String> {
        self.inner.site(super::background::tab_id(tab))
    }
}
