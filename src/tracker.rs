//! The tracker: every tab's current visit, fed by the browsers' webRequest events. It counts each request once
//! whatever stages of it are seen, and still counts it when an earlier stage was lost to a stopped service worker.

use crate::report::{Report, Request, Totals, Visit};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Requests remembered per tab (to count each once); beyond this the oldest finished ones are forgotten.
pub const MAX_SEEN: usize = 4_000;

/// Finished request hops kept in a tab's persisted state (the most recent ones; every unfinished hop is kept). A
/// restarted background only sees late events of requests that were in flight when it stopped: unfinished ones, or
/// ones finished just before. Keeps the state written after every burst of requests small (docs/performance.md).
pub const SAVED_DONE: usize = 256;

/// Which webRequest listener an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// onBeforeRequest
    Before,
    /// onBeforeRedirect (`url` is the URL redirected away from)
    Redirect,
    /// onResponseStarted
    Response,
    /// onCompleted
    Completed,
    /// onErrorOccurred
    Error,
}

/// One webRequest event, as the shell forwards it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub stage: Stage,
    pub request_id: String,
    pub url: String,
    #[serde(rename = "type", default)]
    pub type_name: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub document_url: Option<String>,
    /// The request went through a proxy (Firefox's `proxyInfo`): `ip` is the proxy's.
    #[serde(default)]
    pub proxy: bool,
    /// The response came from the browser's cache: it went to no server.
    #[serde(default)]
    pub from_cache: bool,
}

impl Event {
    /// The server address of the request hop (none for a response from the cache).
    fn server_ip(&self) -> Option<&str> {
        self.ip.as_deref().filter(|_| !self.from_cache)
    }

    /// Whether this is a hop's last stage (redirect, completion, error): its server is attributed then, once.
    fn ends(&self) -> bool {
        matches!(
            self.stage,
            Stage::Redirect | Stage::Completed | Stage::Error
        )
    }
}

/// What the tab remembers of one request, so that each is counted once whatever stages arrive, and in whatever
/// order: a restarted Chromium worker can deliver a request's completion before its start.
#[derive(Clone, Debug)]
struct Seen {
    /// Hash of the URL of the current hop (a redirect starts a new hop with the same request id); a hash keeps the
    /// persisted state small whatever the URLs' length.
    url: u64,
    /// The visit it was counted in.
    seq: u32,
    /// Whether its last stage (completed, error, redirect) has been seen.
    done: bool,
    /// Arrival order, for evicting the oldest first.
    order: u64,
}

#[derive(Clone, Debug, Default)]
struct Tab {
    visit: Option<Visit>,
    /// Sequence number of the current visit.
    seq: u32,
    /// requestId → the request's current hop.
    seen: HashMap<String, Seen>,
    next_order: u64,
}

impl Tab {
    fn start_visit(&mut self, url: &str) {
        self.visit = Some(Visit::new(url));
        self.seq = self.seq.wrapping_add(1);
    }

    fn count(&mut self, ev: &Event) -> bool {
        if self.visit.is_none() {
            self.start_visit(ev.document_url.as_deref().unwrap_or(""));
        }
        let req = Request {
            url: &ev.url,
            type_name: &ev.type_name,
            method: &ev.method,
            ip: ev.server_ip().filter(|_| ev.ends()),
            proxy: ev.proxy,
        };
        let Some(v) = self.visit.as_mut() else {
            return false;
        };
        let changed = v.record(&req);
        if let Some(ip) = ev.server_ip().filter(|_| !ev.ends()) {
            v.set_ip(&ev.url, ip, ev.proxy, false); // noted as the last address seen, attributed at the end
        }
        changed
    }

    /// Remembers a request hop, evicting when full: finished requests of earlier visits first, then finished
    /// ones, then the oldest half.
    fn remember(&mut self, ev: &Event, done: bool) {
        if self.seen.len() >= MAX_SEEN {
            let seq = self.seq;
            self.seen.retain(|_, s| !s.done || s.seq == seq);
            if self.seen.len() >= MAX_SEEN {
                self.seen.retain(|_, s| !s.done);
            }
            if self.seen.len() >= MAX_SEEN {
                let mut orders: Vec<u64> = self.seen.values().map(|s| s.order).collect();
                orders.sort_unstable();
                let cut = orders.get(orders.len() / 2).copied().unwrap_or(u64::MAX);
                self.seen.retain(|_, s| s.order >= cut);
            }
        }
        self.next_order += 1;
        let seen = Seen {
            url: url_hash(&ev.url),
            seq: self.seq,
            done,
            order: self.next_order,
        };
        self.seen.insert(ev.request_id.clone(), seen);
    }

    /// The remembered hop of this event's request, if it is the same URL.
    fn known(&mut self, ev: &Event) -> Option<&mut Seen> {
        let url = url_hash(&ev.url);
        self.seen.get_mut(&ev.request_id).filter(|s| s.url == url)
    }

    fn set_ip(&mut self, ev: &Event, attribute: bool) -> bool {
        match (&mut self.visit, ev.server_ip()) {
            (Some(v), Some(ip)) => v.set_ip(&ev.url, ip, ev.proxy, attribute),
            _ => false,
        }
    }

    fn event(&mut self, ev: &Event) -> bool {
        let main_frame = ev.type_name == "main_frame";
        let known = self.known(ev).is_some();
        // A top-level navigation starts a new visit; a main-frame event whose start was lost starts one too,
        // unless the visit is already of that URL.
        if main_frame && !known {
            let same_page = self.visit.as_ref().is_some_and(|v| v.page_url() == ev.url);
            if ev.stage == Stage::Before || !same_page {
                self.start_visit(&ev.url);
            }
        }
        let last_stage = matches!(ev.stage, Stage::Redirect | Stage::Completed | Stage::Error);
        if let Some(seen) = self.known(ev) {
            // The hop's server is attributed at its first end only.
            let ends = last_stage && !seen.done;
            seen.done |= last_stage;
            return self.set_ip(ev, ends);
        }
        // First sight of this hop, whatever the stage (an earlier one may have been lost with a stopped worker).
        let changed = self.count(ev);
        self.remember(ev, last_stage);
        changed
    }
}

/// Every tab's state.
#[derive(Debug, Default)]
pub struct Tracker {
    tabs: HashMap<i64, Tab>,
}

/// A tab's persisted state: the visit and the requests it remembers, oldest first as
/// (request id, url hash, visit, done).
#[derive(Serialize, Deserialize)]
struct TabState {
    seq: u32,
    visit: Option<String>,
    seen: Vec<(String, u64, u32, bool)>,
}

/// The URL's fingerprint in persisted state: FNV-1a, stable across builds and platforms (unlike std's hasher).
fn url_hash(url: &str) -> u64 {
    crate::hash::fnv1a(url.as_bytes())
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Applies one event; returns whether the tab's state changed (and should be persisted). Events of negative
    /// tab ids (requests not made by a tab) are ignored.
    pub fn event(&mut self, tab: i64, ev: &Event) -> bool {
        if tab < 0 {
            return false;
        }
        self.tabs.entry(tab).or_default().event(ev)
    }

    /// Counts an event's request as unclassified without looking at its URL: the shell's fallback when the core
    /// failed on that event (docs/wasm-api.md). Still counted once per (request id, URL); never starts a visit of its
    /// own URL. Returns whether the tab changed.
    pub fn event_unclassified(&mut self, tab: i64, ev: &Event) -> bool {
        if tab < 0 {
            return false;
        }
        let t = self.tabs.entry(tab).or_default();
        let last_stage = matches!(ev.stage, Stage::Redirect | Stage::Completed | Stage::Error);
        if let Some(seen) = t.known(ev) {
            seen.done |= last_stage;
            return false;
        }
        if t.visit.is_none() {
            t.start_visit("");
        }
        if let Some(v) = t.visit.as_mut() {
            v.record_unclassified();
        }
        t.remember(ev, last_stage);
        true
    }

    pub fn report(&self, tab: i64) -> Option<Report> {
        self.tabs.get(&tab)?.visit.as_ref().map(Visit::report)
    }

    /// The totals of the tab's report and its jurisdictions' requests, most first ([`Visit::summary`]): cheaper than
    /// the report.
    pub fn summary(&self, tab: i64) -> Option<(Totals, Vec<(&'static str, u64)>)> {
        self.tabs.get(&tab)?.visit.as_ref().map(Visit::summary)
    }

    /// The sequence number of the tab's current visit (a new visit has a new number), if it has one.
    pub fn visit_seq(&self, tab: i64) -> Option<u32> {
        self.tabs
            .get(&tab)
            .and_then(|t| t.visit.as_ref().map(|_| t.seq))
    }

    pub fn remove_tab(&mut self, tab: i64) {
        self.tabs.remove(&tab);
    }

    pub fn tabs(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.tabs.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// The tab's persisted form (compact JSON), or `None` when the tab has no state.
    pub fn export_tab(&self, tab: i64) -> Option<String> {
        let t = self.tabs.get(&tab)?;
        let mut seen: Vec<(&String, &Seen)> = t.seen.iter().collect();
        seen.sort_by_key(|(_, s)| s.order);
        // Every unfinished hop, but only the most recent finished ones: the state is written after every burst.
        let mut skip_done = seen
            .iter()
            .filter(|(_, s)| s.done)
            .count()
            .saturating_sub(SAVED_DONE);
        seen.retain(|(_, s)| {
            let skip = s.done && skip_done > 0;
            skip_done -= usize::from(skip);
            !skip
        });
        let state = TabState {
            seq: t.seq,
            visit: t.visit.as_ref().map(Visit::export),
            seen: seen
                .into_iter()
                .map(|(id, s)| (id.clone(), s.url, s.seq, s.done))
                .collect(),
        };
        serde_json::to_string(&state).ok()
    }

    /// Restores a tab from [`Tracker::export_tab`]'s output. On error the tab's previous state is kept.
    pub fn import_tab(&mut self, tab: i64, text: &str) -> Result<(), String> {
        let state: TabState =
            serde_json::from_str(text).map_err(|e| format!("malformed tab state: {e}"))?;
        let visit = state.visit.as_deref().map(Visit::import).transpose()?;
        let keep = state.seen.len().min(MAX_SEEN);
        let skip = state.seen.len() - keep;
        let seen: HashMap<String, Seen> = state
            .seen
            .into_iter()
            .skip(skip)
            .zip(1u64..)
            .map(|((id, url, seq, done), order)| {
                (
                    id,
                    Seen {
                        url,
                        seq,
                        done,
                        order,
                    },
                )
            })
            .collect();
        let next_order = seen.len() as u64;
        self.tabs.insert(
            tab,
            Tab {
                visit,
                seq: state.seq,
                seen,
                next_order,
            },
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(stage: Stage, id: &str, url: &str, type_name: &str) -> Event {
        Event {
            stage,
            request_id: id.into(),
            url: url.into(),
            type_name: type_name.into(),
            method: "GET".into(),
            ip: None,
            document_url: None,
            proxy: false,
            from_cache: false,
        }
    }

    fn requests(t: &Tracker, tab: i64) -> u64 {
        t.report(tab).map_or(0, |r| r.totals.requests)
    }

    #[test]
    fn every_stage_counts_once() {
        let mut t = Tracker::new();
        for stage in [Stage::Before, Stage::Response, Stage::Completed] {
            t.event(1, &ev(stage, "1", "https://example.org/", "main_frame"));
            t.event(
                1,
                &ev(
                    stage,
                    "2",
                    "https://www.google-analytics.com/a.js",
                    "script",
                ),
            );
        }
        assert_eq!(requests(&t, 1), 2);
    }

    #[test]
    fn a_lost_start_is_counted_at_completion() {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        // The worker stopped before "2" was persisted: only its completion arrives.
        t.event(
            1,
            &ev(Stage::Completed, "2", "https://doubleclick.net/x", "image"),
        );
        t.event(
            1,
            &ev(Stage::Error, "3", "https://doubleclick.net/y", "image"),
        );
        assert_eq!(requests(&t, 1), 3);
    }

    #[test]
    fn a_completion_before_its_start_counts_once() {
        // Seen with a restarted Chromium worker: response and completion arrive before the start.
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        for stage in [Stage::Response, Stage::Completed, Stage::Before] {
            t.event(1, &ev(stage, "35", "https://mc.yandex.ru/watch", "ping"));
        }
        assert_eq!(requests(&t, 1), 2);
        let saved = t.export_tab(1).unwrap_or_default();
        let mut u = Tracker::new();
        assert_eq!(u.import_tab(1, &saved), Ok(()));
        u.event(
            1,
            &ev(Stage::Completed, "35", "https://mc.yandex.ru/watch", "ping"),
        );
        assert_eq!(
            requests(&u, 1),
            2,
            "the restored tab remembers finished requests"
        );
    }

    #[test]
    fn memory_of_requests_is_bounded() {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "0", "https://example.org/", "main_frame"),
        );
        for i in 1..(3 * MAX_SEEN) {
            let id = i.to_string();
            t.event(
                1,
                &ev(Stage::Before, &id, "https://doubleclick.net/x", "image"),
            );
            t.event(
                1,
                &ev(Stage::Completed, &id, "https://doubleclick.net/x", "image"),
            );
        }
        assert_eq!(requests(&t, 1), 3 * MAX_SEEN as u64);
        assert!(t.tabs.get(&1).is_some_and(|tab| tab.seen.len() <= MAX_SEEN));
    }

    #[test]
    fn redirects_count_every_hop() {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        t.event(
            1,
            &ev(Stage::Before, "2", "https://a.example.com/x", "image"),
        );
        t.event(
            1,
            &ev(Stage::Redirect, "2", "https://a.example.com/x", "image"),
        );
        t.event(
            1,
            &ev(Stage::Before, "2", "https://b.example.net/y", "image"),
        );
        t.event(
            1,
            &ev(Stage::Completed, "2", "https://b.example.net/y", "image"),
        );
        assert_eq!(requests(&t, 1), 3);
    }

    #[test]
    fn navigation_starts_a_new_visit_and_late_events_of_the_old_one_are_not_counted_twice() {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        t.event(
            1,
            &ev(
                Stage::Before,
                "2",
                "https://slow.example.com/x",
                "xmlhttprequest",
            ),
        );
        t.event(
            1,
            &ev(Stage::Before, "3", "https://example.net/", "main_frame"),
        );
        t.event(
            1,
            &ev(
                Stage::Error,
                "2",
                "https://slow.example.com/x",
                "xmlhttprequest",
            ),
        );
        let r = t.report(1);
        assert_eq!(
            r.as_ref().map(|r| r.page.url.as_str()),
            Some("https://example.net/")
        );
        assert_eq!(r.map(|r| r.totals.requests), Some(1));
    }

    #[test]
    fn export_import_keeps_everything_and_rejects_garbage() {
        let mut t = Tracker::new();
        t.event(
            7,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        t.event(
            7,
            &ev(Stage::Before, "2", "https://doubleclick.net/x", "image"),
        );
        let saved = t.export_tab(7).unwrap_or_default();
        let mut u = Tracker::new();
        assert_eq!(u.import_tab(7, &saved), Ok(()));
        // The restored tab knows "2" is in flight: its completion does not count again.
        u.event(
            7,
            &ev(Stage::Completed, "2", "https://doubleclick.net/x", "image"),
        );
        assert_eq!(requests(&u, 7), 2);
        assert!(u.import_tab(7, "not json").is_err());
        assert_eq!(
            requests(&u, 7),
            2,
            "a failed import keeps the previous state"
        );
        assert!(!t.event(-1, &ev(Stage::Before, "9", "https://x.example/", "script")));
        t.remove_tab(7);
        assert!(t.report(7).is_none());
    }

    #[test]
    fn the_saved_state_keeps_unfinished_and_recent_requests_only() {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "page", "https://example.org/", "main_frame"),
        );
        for i in 0..1_000 {
            let url = format!("https://cdn{}.example.com/{i}", i % 10);
            let id = i.to_string();
            t.event(1, &ev(Stage::Before, &id, &url, "image"));
            if i % 100 != 0 {
                t.event(1, &ev(Stage::Completed, &id, &url, "image"));
            }
        }
        let saved = t.export_tab(1).unwrap_or_default();
        let state: TabState = serde_json::from_str(&saved).expect("valid state");
        let unfinished = state.seen.iter().filter(|s| !s.3).count();
        assert_eq!(unfinished, 11, "the page and every 100th request");
        assert_eq!(state.seen.len(), 11 + SAVED_DONE);
        let mut u = Tracker::new();
        assert_eq!(u.import_tab(1, &saved), Ok(()));
        // Late events of requests in flight, or just finished, when the background stopped: not counted again.
        u.event(
            1,
            &ev(
                Stage::Completed,
                "100",
                "https://cdn0.example.com/100",
                "image",
            ),
        );
        u.event(
            1,
            &ev(
                Stage::Completed,
                "999",
                "https://cdn9.example.com/999",
                "image",
            ),
        );
        assert_eq!(requests(&u, 1), 1_001);
        assert_eq!(requests(&t, 1), 1_001);
    }
}
