//! The tracker: every tab's current visit, fed by the browsers' webRequest events. It counts each request once
//! whatever stages of it are seen, and still counts it when an earlier stage was lost to a stopped service worker.

use crate::report::{Report, Request, Visit};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// In-flight requests remembered per tab; beyond this the oldest visits' entries are dropped.
pub const MAX_INFLIGHT: usize = 2_000;

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
}

#[derive(Clone, Debug, Default)]
struct Tab {
    visit: Option<Visit>,
    /// Sequence number of the current visit.
    seq: u32,
    /// requestId → (url of the current hop, visit it was counted in).
    inflight: HashMap<String, (String, u32)>,
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
            ip: ev.ip.as_deref(),
        };
        self.visit.as_mut().is_some_and(|v| v.record(&req))
    }

    fn remember(&mut self, ev: &Event) {
        if self.inflight.len() >= MAX_INFLIGHT {
            let seq = self.seq;
            self.inflight.retain(|_, (_, s)| *s == seq);
            if self.inflight.len() >= MAX_INFLIGHT {
                self.inflight.clear();
            }
        }
        self.inflight
            .insert(ev.request_id.clone(), (ev.url.clone(), self.seq));
    }

    fn is_inflight(&self, ev: &Event) -> bool {
        self.inflight
            .get(&ev.request_id)
            .is_some_and(|(url, _)| *url == ev.url)
    }

    fn set_ip(&mut self, ev: &Event) -> bool {
        match (&mut self.visit, ev.ip.as_deref()) {
            (Some(v), Some(ip)) => v.set_ip(&ev.url, ip),
            _ => false,
        }
    }

    fn event(&mut self, ev: &Event) -> bool {
        let main_frame = ev.type_name == "main_frame";
        let known = self.is_inflight(ev);
        // A top-level navigation starts a new visit; a main-frame event whose start was lost starts one too,
        // unless the visit is already of that URL.
        if main_frame && !known {
            let same_page = self.visit.as_ref().is_some_and(|v| v.page_url() == ev.url);
            if ev.stage == Stage::Before || !same_page {
                self.start_visit(&ev.url);
            }
        }
        match ev.stage {
            Stage::Before | Stage::Response => {
                if known {
                    return self.set_ip(ev);
                }
                let changed = self.count(ev);
                self.remember(ev);
                changed
            }
            Stage::Redirect | Stage::Completed | Stage::Error => {
                if known {
                    self.inflight.remove(&ev.request_id);
                    return self.set_ip(ev);
                }
                // Not seen before (lost with a stopped worker, or the tab was restored): count it now.
                self.count(ev)
            }
        }
    }
}

/// Every tab's state.
#[derive(Debug, Default)]
pub struct Tracker {
    tabs: HashMap<i64, Tab>,
}

/// A tab's persisted state: the visit and what is in flight.
#[derive(Serialize, Deserialize)]
struct TabState {
    seq: u32,
    visit: Option<String>,
    inflight: Vec<(String, String, u32)>,
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

    pub fn report(&self, tab: i64) -> Option<Report> {
        self.tabs.get(&tab)?.visit.as_ref().map(Visit::report)
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
        let mut inflight: Vec<(String, String, u32)> = t
            .inflight
            .iter()
            .map(|(id, (url, seq))| (id.clone(), url.clone(), *seq))
            .collect();
        inflight.sort();
        let state = TabState {
            seq: t.seq,
            visit: t.visit.as_ref().map(Visit::export),
            inflight,
        };
        serde_json::to_string(&state).ok()
    }

    /// Restores a tab from [`Tracker::export_tab`]'s output. On error the tab's previous state is kept.
    pub fn import_tab(&mut self, tab: i64, text: &str) -> Result<(), String> {
        let state: TabState =
            serde_json::from_str(text).map_err(|e| format!("malformed tab state: {e}"))?;
        let visit = state.visit.as_deref().map(Visit::import).transpose()?;
        let inflight = state
            .inflight
            .into_iter()
            .take(MAX_INFLIGHT)
            .map(|(id, url, seq)| (id, (url, seq)))
            .collect();
        self.tabs.insert(
            tab,
            Tab {
                visit,
                seq: state.seq,
                inflight,
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
}
