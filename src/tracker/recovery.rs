//! Recovery of the requests a tab's visit missed: a background that was stopped abruptly (a crash, memory pressure,
//! an update) loses the webRequest events it had not stored yet, and one that was not running yet (the first page
//! after the browser starts) never saw them. The page itself keeps a record of what it loaded (Resource Timing,
//! collected per frame by extension/resources.js): what it lists beyond the fetches the visit counted is counted
//! now, once, and marked `recovered`.
//!
//! Fetches are matched by the URL of their first hop (what Resource Timing names an entry by). A recovered request
//! whose late webRequest event still comes (its completion, after the restart) is absorbed, not counted again.

use super::{url_hash, Event, Stage, Tab};
use crate::hash::FnvMap;
use crate::host;
use crate::report::{type_index, Request, TYPES};
use serde::Deserialize;

/// Fetch URLs remembered per visit; beyond this a visit is not reconciled any more (about 26 bytes each in the
/// stored tab state, so at most ~160 KB; real pages fetch tens to a few hundred distinct URLs).
pub const MAX_FETCH_URLS: usize = 6_000;
/// The largest reading time kept (2^53 ms, some 285,000 years after 1970): beyond it an f64 is no exact integer.
const MAX_EXACT_MS: f64 = 9_007_199_254_740_992.0;
/// A reading time as kept: whole milliseconds up to [`MAX_EXACT_MS`], or -1 (unknown) when not a time.
pub(super) fn exact_ms(t: f64) -> f64 {
    if t.is_finite() && t >= 0.0 {
        t.floor().min(MAX_EXACT_MS)
    } else {
        -1.0
    }
}

/// Entries of a page's record read at most per reconciliation.
pub const MAX_ENTRIES: usize = 50_000;

/// What the page's frames recorded of their loads (extension/resources.js).
#[derive(Debug, Deserialize)]
pub struct PageRecord {
    /// The top document's URL (its navigation entry), if the top frame was read.
    #[serde(default)]
    pub document: Option<String>,
    /// (URL, initiator type) of every load that went to the network, every frame's.
    #[serde(default)]
    pub entries: Vec<(String, String)>,
    /// When the record was read (ms since the epoch): every load it lists had ended by then.
    #[serde(default)]
    pub at: Option<f64>,
}

/// The key of a fetch: its first hop's URL without fragment.
pub fn fetch_key(url: &str) -> u64 {
    url_hash(url.split('#').next().unwrap_or(url))
}

/// The webRequest resource type of a Resource Timing initiator type.
fn type_of(initiator: &str) -> &'static str {
    match initiator {
        "img" | "image" | "input" | "icon" => "image",
        "script" => "script",
        "link" => "stylesheet",
        "xmlhttprequest" | "fetch" => "xmlhttprequest",
        "beacon" | "ping" => "ping",
        "iframe" | "frame" | "subdocument" => "sub_frame",
        "audio" | "video" | "track" => "media",
        "object" | "embed" => "object",
        "navigation" => "main_frame",
        _ => "other",
    }
}

/// Per-visit bookkeeping of fetches for reconciliation (part of the tab's persisted state).
#[derive(Clone, Debug, Default)]
pub struct Fetches {
    /// Fetch key → fetches of the visit counted with that first hop.
    pub counted: FnvMap<u64, u16>,
    /// Fetch key → requests recovered from the page whose webRequest events may still arrive, when the record
    /// that listed them was read, and the type they were counted with (an index into [`TYPES`]).
    pub absorb: FnvMap<u64, (u16, f64, u8)>,
    /// More fetches than [`MAX_FETCH_URLS`]: the visit is not reconciled.
    pub full: bool,
}

/// A counted URL in the stored tab state: (URL key, times counted).
pub type CountedUrl = (u64, u16);
/// A recovered URL still to absorb: (URL key, times left, the reading's time stamp, the type it was counted with).
pub type AbsorbUrl = (u64, u16, f64, u8);
/// What [`Fetches::export`] stores: counted URLs, URLs to absorb, whether the table was full.
pub type FetchesState = (Vec<CountedUrl>, Vec<AbsorbUrl>, bool);

impl Fetches {
    pub fn count(&mut self, url: &str, more: bool) {
        let key = fetch_key(url);
        if more {
            if self.counted.len() >= MAX_FETCH_URLS && !self.counted.contains_key(&key) {
                self.full = true;
                return;
            }
            let n = self.counted.entry(key).or_default();
            *n = n.saturating_add(1);
        } else if let Some(n) = self.counted.get_mut(&key) {
            *n = n.saturating_sub(1);
        }
    }

    pub fn count_key(&mut self, key: u64, more: bool) {
        if more {
            let n = self.counted.entry(key).or_default();
            *n = n.saturating_add(1);
        } else if let Some(n) = self.counted.get_mut(&key) {
            *n = n.saturating_sub(1);
        }
    }

    /// Whether a first-sight event is the late event of a recovered request (and absorbs it): an event of a
    /// recovered URL that happened before the record listing it was read (a request the page had finished by
    /// then). Without a time, only a later stage is (a recovered request had started before the background came
    /// back). Returns the type the recovered request was counted with.
    pub fn absorb(&mut self, ev: &Event) -> Option<&'static str> {
        let key = fetch_key(&ev.url);
        let (n, at, type_idx) = self.absorb.get_mut(&key)?;
        let recorded = TYPES
            .get(usize::from(*type_idx))
            .copied()
            .unwrap_or("other");
        let before = match ev.time_stamp {
            Some(t) if t.is_finite() && *at >= 0.0 => t < *at,
            _ => ev.stage != Stage::Before,
        };
        if !before || *n == 0 {
            return None;
        }
        *n -= 1;
        if *n == 0 {
            self.absorb.remove(&key);
        }
        Some(recorded)
    }

    pub fn export(&self) -> FetchesState {
        let mut counted: Vec<(u64, u16)> = self
            .counted
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(&k, &n)| (k, n))
            .collect();
        counted.sort_unstable();
        let mut absorb: Vec<AbsorbUrl> = self
            .absorb
            .iter()
            .filter(|(_, &(n, _, _))| n > 0)
            .map(|(&k, &(n, at, t))| (k, n, at, t))
            .collect();
        absorb.sort_unstable_by_key(|a| a.0);
        (counted, absorb, self.full)
    }

    pub fn import(counted: Vec<CountedUrl>, absorb: Vec<AbsorbUrl>, full: bool) -> Fetches {
        Fetches {
            counted: counted.into_iter().take(MAX_FETCH_URLS).collect(),
            absorb: absorb
                .into_iter()
                .take(MAX_FETCH_URLS)
                .map(|(k, n, at, t)| (k, (n, exact_ms(at), t)))
                .collect(),
            full,
        }
    }
}

impl Tab {
    /// Counts what the page recorded beyond what the visit counted; returns the number of requests recovered.
    pub(super) fn reconcile(&mut self, record: &PageRecord) -> u32 {
        // No visit (the first page after the browser started, before the background could see it): the page's
        // document starts one.
        if self.visit.is_none() {
            match record.document.as_deref() {
                Some(doc) if doc.starts_with("http://") || doc.starts_with("https://") => {
                    self.start_visit(doc, None)
                }
                _ => return 0,
            }
        }
        if self.fetches.full || self.navigated_away(record) || self.predates(record) {
            return 0;
        }
        // Without a time (-1), events are absorbed by stage only (see Fetches::absorb).
        // Whole milliseconds within the range where an f64 is an exact integer: the stored tab state then reads
        // back exactly what was written (JSON round trip of a float is not exact in general).
        let at = record
            .at
            .filter(|t| t.is_finite() && *t >= 0.0)
            .map_or(-1.0, exact_ms);
        let mut recovered = 0;
        // The document itself, when no main-frame request of the visit was seen.
        if let Some(doc) = record.document.as_deref().filter(|_| self.main.is_none()) {
            if self.recover(doc, "main_frame", at) {
                self.main = Some(String::new()); // a document, with no request id of its own
                recovered += 1;
            }
        }
        // Entries per fetch key, in the page's order; the first URL of a key stands for its entries.
        let mut listed: FnvMap<u64, (u16, usize)> = FnvMap::default();
        let entries = record.entries.iter().take(MAX_ENTRIES);
        for (i, (url, _)) in entries.clone().enumerate() {
            let e = listed.entry(fetch_key(url)).or_insert((0, i));
            e.0 = e.0.saturating_add(1);
        }
        let mut missing: Vec<(usize, u16)> = listed
            .iter()
            .filter_map(|(key, &(n, first))| {
                let counted = self.fetches.counted.get(key).copied().unwrap_or(0);
                (n > counted).then(|| (first, n - counted))
            })
            .collect();
        missing.sort_unstable();
        for (first, n) in missing {
            let Some((url, initiator)) = record.entries.get(first) else {
                continue;
            };
            for _ in 0..n {
                if self.recover(url, type_of(initiator), at) {
                    recovered += 1;
                }
            }
        }
        recovered
    }

    /// Whether the page's document is on another host than the visit's page: the tab navigated since its state was
    /// stored, and the record is another document's (whose own requests come through webRequest as a new visit).
    /// Same-host changes (a single-page app's `pushState`, a fragment) are the same visit.
    fn navigated_away(&self, record: &PageRecord) -> bool {
        let (Some(visit), Some(doc)) = (self.visit.as_ref(), record.document.as_deref()) else {
            return false;
        };
        let host_of = |url: &str| match host::authority(url) {
            Ok(host::Authority::Host(h)) => Some(h.to_ascii_lowercase()),
            _ => None,
        };
        match (host_of(visit.page_url()), host_of(doc)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        }
    }

    /// Whether the record was read before the visit's main document was requested: it is an earlier document's (a
    /// record of the previous load of the same page, read while the tab was loading it again), never this visit's.
    fn predates(&self, record: &PageRecord) -> bool {
        matches!((record.at, self.started), (Some(at), Some(started)) if at.is_finite() && at < started)
    }

    /// Counts one recovered request (a fetch of its own) unless the visit's fetch list is full.
    fn recover(&mut self, url: &str, type_name: &str, at: f64) -> bool {
        let Some(visit) = self.visit.as_mut() else {
            return false;
        };
        if !visit.record(&Request {
            url,
            type_name,
            method: "GET",
            ip: None,
            proxy: false,
        }) {
            return false;
        }
        visit.count_fetch(true);
        visit.count_recovered(true);
        self.fetches.count(url, true);
        let type_idx = u8::try_from(type_index(type_name)).unwrap_or(u8::MAX);
        let entry = self
            .fetches
            .absorb
            .entry(fetch_key(url))
            .or_insert((0, at, type_idx));
        entry.0 = entry.0.saturating_add(1);
        entry.1 = at;
        true
    }

    /// Whether a first-sight event is the late event of a recovered request (Fetches::absorb). If so, the request
    /// counted from the page's record takes what webRequest says of it (its type, method and address), so that
    /// the report is the one an uninterrupted background would have made; it is no longer "recovered".
    pub(super) fn absorbs(&mut self, ev: &Event) -> bool {
        let Some(recorded) = self.fetches.absorb(ev) else {
            return false;
        };
        if let Some(visit) = self.visit.as_mut() {
            let as_recorded = Request {
                url: &ev.url,
                type_name: recorded,
                method: "GET",
                ip: None,
                proxy: false,
            };
            if visit.amend(&as_recorded, &Self::request(ev)) {
                visit.count_recovered(false);
            }
            // Before its end, the server address is only noted (attributed at the end, as for any hop).
            if let Some(ip) = ev.server_ip().filter(|_| !ev.ends()) {
                visit.set_ip(&ev.url, ip, ev.proxy, false);
            }
        }
        true
    }
}
