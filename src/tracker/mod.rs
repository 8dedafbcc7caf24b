//! The tracker: every tab's current visit, fed by the browsers' webRequest events. It counts each request once
//! whatever stages of it are seen, and still counts it when an earlier stage was lost to a stopped service worker.

mod recovery;

pub use recovery::{PageRecord, MAX_ENTRIES, MAX_FETCH_URLS};

use crate::hash::FnvMap;
use crate::report::{Outcome, Report, Request, Totals, Visit};
use serde::{Deserialize, Serialize};

/// Requests remembered per tab (to count each once); beyond this the oldest finished ones are forgotten.
pub const MAX_SEEN: usize = 4_000;

/// Finished request hops kept in a tab's persisted state (the most recent ones; every unfinished hop is kept). A
/// restarted background only sees late events of requests that were in flight when it stopped: unfinished ones, or
/// ones finished just before. Keeps the state written after every burst of requests small (docs/performance.md).
pub const SAVED_DONE: usize = 256;

/// Earlier hops remembered per request (its redirect chain).
pub const MAX_CHAIN: usize = 16;

/// The errors with which the browsers report a request that a content blocker's rule stopped (Whither's
/// declarativeNetRequest rules, or another extension's): Chromium's `net::ERR_BLOCKED_BY_CLIENT` and Firefox's
/// `NS_ERROR_ABORT` (Firefox reports loads that a page or a navigation cancels as `NS_BINDING_ABORTED`).
pub const BLOCKED_ERRORS: [&str; 2] = ["net::ERR_BLOCKED_BY_CLIENT", "NS_ERROR_ABORT"];

/// How long after a blocked request another blocked request of the same URL and type is the same one tried again
/// (Firefox's speculative preload of a script or image is blocked, and then the document's own load of it).
pub const BLOCKED_RETRY_MS: f64 = 2_000.0;

/// Blocked requests remembered per tab to recognise a retry.
const RECENT_BLOCKED: usize = 64;

/// Which webRequest listener an event came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// onBeforeRequest
    #[default]
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
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
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
    /// onErrorOccurred's error (`net::ERR_CACHE_MISS`, `net::ERR_BLOCKED_BY_CLIENT`, …).
    #[serde(default)]
    pub error: Option<String>,
    /// The response's status code and line (onBeforeRedirect: "HTTP/1.1 307 Internal Redirect" for a redirect that
    /// never left the browser).
    #[serde(default)]
    pub status_code: Option<u32>,
    #[serde(default)]
    pub status_line: Option<String>,
    /// Whether the response came from the browser's cache (the shell passes it only when true).
    #[serde(default)]
    pub from_cache: Option<bool>,
    /// When the browser saw it (ms since the epoch, webRequest's `timeStamp`).
    #[serde(default)]
    pub time_stamp: Option<f64>,
    /// The request went through a proxy (Firefox's `proxyInfo`): `ip` is the proxy's.
    #[serde(default)]
    pub proxy: bool,
}

impl Event {
    /// The server address of the request hop (none for a response from the cache: it went to no server).
    fn server_ip(&self) -> Option<&str> {
        self.ip
            .as_deref()
            .filter(|ip| !ip.is_empty() && self.from_cache != Some(true))
    }

    /// Whether this is a hop's last stage (redirect, completion, error): its server is attributed then, once.
    fn ends(&self) -> bool {
        matches!(
            self.stage,
            Stage::Redirect | Stage::Completed | Stage::Error
        )
    }

    /// What this event says became of its hop, if it is the hop's last one and says anything (docs/report-format.md,
    /// "What is counted").
    pub fn outcome(&self) -> Option<Outcome> {
        let cached = self.from_cache == Some(true);
        match self.stage {
            Stage::Redirect if cached => Some(Outcome::Cached),
            Stage::Redirect => {
                let internal = self
                    .status_line
                    .as_deref()
                    .is_some_and(|l| l.contains("Internal Redirect"))
                    || (self.status_code == Some(307)
                        && self.ip.as_deref().is_none_or(str::is_empty));
                Some(if internal {
                    Outcome::NotSent
                } else {
                    Outcome::Redirected
                })
            }
            Stage::Error => match self.error.as_deref() {
                Some("net::ERR_CACHE_MISS") => Some(Outcome::NotSent),
                // Main frames are never blocked by Whither's rules (whatever another blocker does to one, it starts
                // the visit as before).
                Some(e) if BLOCKED_ERRORS.contains(&e) && self.type_name != "main_frame" => {
                    Some(Outcome::Blocked)
                }
                _ => None,
            },
            Stage::Response | Stage::Completed if cached => Some(Outcome::Cached),
            _ => None,
        }
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
    /// Whether the current hop is counted as a request (not an internal redirect, a cache-only attempt or a cache
    /// hit).
    counted: bool,
    /// The request's hops counted so far in its visit: while there is one, the request is one fetch of the page.
    hops: u8,
    /// URL hashes of the request's earlier hops (its redirect chain, at most [`MAX_CHAIN`]): a late event of one of
    /// them changes nothing.
    chain: Vec<u64>,
    /// Arrival order, for evicting the oldest first.
    order: u64,
}

#[derive(Clone, Debug, Default)]
struct Tab {
    visit: Option<Visit>,
    /// Sequence number of the current visit.
    seq: u32,
    /// The request id of the current visit's main document: its redirect hops (`site.example` →
    /// `www.site.example`) belong to the same visit.
    main: Option<String>,
    /// requestId → the request's current hop (ids are the browser's, so a fast hash is safe).
    seen: FnvMap<String, Seen>,
    next_order: u64,
    /// The visit's fetches by first hop, for reconciliation with the page's own record (recovery.rs).
    fetches: recovery::Fetches,
    /// The latest blocked requests of the visit: (hash of URL and type, time stamp).
    recent_blocked: Vec<(u64, f64)>,
    /// When the visit's main document was requested (whole ms since the epoch), if a main-frame event started it: a
    /// page record read before that is an earlier document's (recovery.rs).
    started: Option<f64>,
}

impl Tab {
    fn start_visit(&mut self, url: &str, started: Option<f64>) {
        self.visit = Some(Visit::new(url));
        self.started = started.map(recovery::exact_ms).filter(|t| *t >= 0.0);
        self.seq = self.seq.wrapping_add(1);
        self.main = None;
        self.fetches = recovery::Fetches::default();
        self.recent_blocked.clear();
    }

    /// Whether a blocked request is the retry of one blocked just before (it is not counted again); remembers it.
    fn blocked_retry(&mut self, ev: &Event) -> bool {
        let Some(at) = ev.time_stamp.filter(|t| t.is_finite()) else {
            return false;
        };
        let key = crate::hash::fnv1a(format!("{}\n{}", ev.type_name, ev.url).as_bytes());
        let retry = self
            .recent_blocked
            .iter()
            .any(|&(k, t)| k == key && (at - t).abs() <= BLOCKED_RETRY_MS);
        if self.recent_blocked.len() >= RECENT_BLOCKED {
            self.recent_blocked.remove(0);
        }
        self.recent_blocked.push((key, at));
        retry
    }

    /// The request of a hop as the report counts it: its server attributed at the hop's end only (once).
    fn request<'a>(ev: &'a Event) -> Request<'a> {
        Request {
            url: &ev.url,
            type_name: &ev.type_name,
            method: &ev.method,
            ip: ev.server_ip().filter(|_| ev.ends()),
            proxy: ev.proxy,
        }
    }

    fn count(&mut self, ev: &Event) -> bool {
        if self.visit.is_none() {
            self.start_visit(ev.document_url.as_deref().unwrap_or(""), None);
        }
        let Some(v) = self.visit.as_mut() else {
            return false;
        };
        let changed = v.record(&Tab::request(ev));
        if let Some(ip) = ev.server_ip().filter(|_| !ev.ends()) {
            v.set_ip(&ev.url, ip, ev.proxy, false); // noted as the last address seen, attributed at the end
        }
        changed
    }

    /// Remembers a request hop, evicting when full: finished requests of earlier visits first, then finished
    /// ones, then the oldest half. `hops`: the request's hops counted so far, this one included; `url`: the hash
    /// of the event's URL.
    fn remember(&mut self, ev: &Event, url: u64, done: bool, counted: bool, hops: u8) {
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
        // A new hop of a request of this visit (a redirect): the hop before it joins the chain.
        let seq = self.seq;
        let (id, mut chain) = match self.seen.remove_entry(&ev.request_id) {
            Some((id, s)) if s.seq == seq => {
                let mut chain = s.chain;
                chain.push(s.url);
                (id, chain)
            }
            Some((id, _)) => (id, Vec::new()),
            None => (ev.request_id.clone(), Vec::new()),
        };
        let excess = chain.len().saturating_sub(MAX_CHAIN);
        chain.drain(..excess);
        let seen = Seen {
            url,
            seq,
            done,
            counted,
            hops,
            chain,
            order: self.next_order,
        };
        self.seen.insert(id, seen);
    }

    /// The remembered hop of this event's request, if it is the same URL (`url`: the hash of the event's).
    fn known(&mut self, ev: &Event, url: u64) -> Option<&mut Seen> {
        self.seen.get_mut(&ev.request_id).filter(|s| s.url == url)
    }

    /// Notes the hop's server address and, with `attribute` (its first end), attributes the request to it.
    fn set_ip(&mut self, ev: &Event, attribute: bool) -> bool {
        match (&mut self.visit, ev.server_ip()) {
            (Some(v), Some(ip)) => v.set_ip(&ev.url, ip, ev.proxy, attribute),
            _ => false,
        }
    }

    /// Applies what the hop's last event says became of it (a counted hop that never reached a server is taken
    /// back; a redirect or a cache hit is noted); returns whether the visit changed.
    fn settle(&mut self, ev: &Event, url: u64, outcome: Outcome) -> bool {
        let seq = self.seq;
        let Some(seen) = self.known(ev, url).filter(|s| s.seq == seq) else {
            return false;
        };
        let was_counted = seen.counted;
        let first_hop = seen.chain.first().copied().unwrap_or(seen.url);
        let fetch_gone = if outcome != Outcome::Redirected && was_counted {
            seen.counted = false;
            seen.hops = seen.hops.saturating_sub(1);
            seen.hops == 0
        } else {
            false
        };
        if !was_counted {
            return false;
        }
        let Some(visit) = self.visit.as_mut() else {
            return false;
        };
        let changed = visit.settle(&Tab::request(ev), outcome);
        if fetch_gone {
            visit.count_fetch(false);
            // A blocked fetch stays in reconciliation's list: Chromium lists blocked loads in the page's Resource
            // Timing too, and a page record must not count one again as a request that reached its server.
            if outcome != Outcome::Blocked {
                self.fetches.count_key(first_hop, false);
            }
        }
        changed
    }

    /// Whether the event is of an earlier hop of its request (in the current visit): nothing to count.
    fn stale(&self, ev: &Event, url: u64) -> bool {
        self.seen
            .get(&ev.request_id)
            .is_some_and(|s| s.seq == self.seq && s.url != url && s.chain.contains(&url))
    }

    fn event(&mut self, ev: &Event) -> bool {
        let url = url_hash(&ev.url);
        if self.stale(ev, url) {
            return false;
        }
        let main_frame = ev.type_name == "main_frame";
        let known = self.known(ev, url).is_some();
        // A top-level navigation starts a new visit, unless it is a redirect hop of the current one (same request
        // id: the visit's page moves on to the new URL); a main-frame event whose start was lost starts one too,
        // unless the visit is already of that URL.
        if main_frame && !known {
            let redirected =
                self.visit.is_some() && self.main.as_deref() == Some(ev.request_id.as_str());
            let same_page = self.visit.as_ref().is_some_and(|v| v.page_url() == ev.url);
            if redirected {
                if let Some(v) = self.visit.as_mut() {
                    v.set_page(&ev.url);
                }
            } else if self.main.as_deref() == Some("") && ev.stage != Stage::Before && same_page {
                // A late event of the document recovered from the page (recovery.rs): the same visit.
                self.main = Some(ev.request_id.clone());
            } else {
                if ev.stage == Stage::Before || !same_page {
                    self.start_visit(&ev.url, ev.time_stamp);
                }
                self.main = Some(ev.request_id.clone());
            }
        }
        let last_stage = matches!(ev.stage, Stage::Redirect | Stage::Completed | Stage::Error);
        let mut outcome = ev.outcome();
        if outcome == Some(Outcome::Blocked)
            && !self.known(ev, url).is_some_and(|s| s.done)
            && self.blocked_retry(ev)
        {
            // The retry of a request blocked just before: not a request, and not another blocked one.
            outcome = Some(Outcome::NotSent);
        }
        if let Some(seen) = self.known(ev, url) {
            let done = seen.done;
            seen.done |= last_stage;
            // The hop's server is attributed at its first end only.
            let mut changed = self.set_ip(ev, last_stage && !done);
            if let (false, Some(outcome)) = (done, outcome) {
                changed |= self.settle(ev, url, outcome);
            }
            return changed;
        }
        // First sight of this hop, whatever the stage (an earlier one may have been lost with a stopped worker).
        // A request's earlier hops in this visit (a redirect) make it the same fetch.
        let seq = self.seq;
        let earlier = self
            .seen
            .get(&ev.request_id)
            .filter(|s| s.seq == seq)
            .map_or(0, |s| s.hops);
        if matches!(outcome, Some(Outcome::NotSent | Outcome::Blocked)) {
            // Never reached a server and was not counted before (its start was lost, or the browser reports a
            // blocked request by its error only): remember it; a blocked one is counted as blocked.
            if self.visit.is_none() {
                self.start_visit(ev.document_url.as_deref().unwrap_or(""), None);
            }
            self.remember(ev, url, last_stage, false, earlier);
            if outcome != Some(Outcome::Blocked) {
                return false;
            }
            if earlier == 0 {
                // Known to reconciliation, as a blocked fetch is (see `settle`).
                self.fetches.count(&ev.url, true);
            }
            return self
                .visit
                .as_mut()
                .is_some_and(|v| v.record_blocked(&Tab::request(ev)));
        }
        if earlier == 0 && self.absorbs(ev) {
            // The late event of a request already recovered from the page: counted then, now amended.
            self.remember(ev, url, last_stage, true, 1);
            return true;
        }
        let mut changed = self.count(ev);
        if earlier == 0 {
            if let Some(v) = self.visit.as_mut() {
                v.count_fetch(true);
            }
            self.fetches.count(&ev.url, true);
        }
        self.remember(ev, url, last_stage, true, earlier.saturating_add(1));
        if let Some(outcome) = outcome {
            changed |= self.settle(ev, url, outcome);
        }
        changed
    }
}

/// Every tab's state.
#[derive(Debug, Default)]
pub struct Tracker {
    tabs: FnvMap<i64, Tab>,
    /// The person's own lists, consulted for the reports' hosts that the database does not know.
    imported: crate::imported::Lists,
}

/// A tab's persisted state: the visit, its main document's request id, and the requests it remembers, oldest first
/// as (request id, url hash, visit, done, counted, counted hops). States written before the last two fields (and
/// `main`) existed are read as `seen_v1` (counted, one hop).
#[derive(Serialize, Deserialize)]
struct TabState {
    seq: u32,
    visit: Option<String>,
    #[serde(default, rename = "seen", skip_serializing)]
    seen_v1: Vec<(String, u64, u32, bool)>,
    #[serde(default)]
    hops: Vec<SeenState>,
    #[serde(default)]
    main: Option<String>,
    /// The visit's fetches by first hop, and the recovered ones whose late events may come (recovery.rs).
    #[serde(default)]
    urls: Vec<(u64, u16)>,
    #[serde(default)]
    absorb: Vec<recovery::AbsorbUrl>,
    #[serde(default)]
    urls_full: bool,
    #[serde(default)]
    started: Option<f64>,
}

/// A remembered hop in a tab's persisted state: (request id, url hash, visit, done, counted, counted hops, earlier
/// hops' url hashes).
type SeenState = (String, u64, u32, bool, bool, u8, Vec<u64>);

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
        let url = url_hash(&ev.url);
        if let Some(seen) = t.known(ev, url) {
            seen.done |= last_stage;
            return false;
        }
        if t.visit.is_none() {
            t.start_visit("", None);
        }
        if let Some(v) = t.visit.as_mut() {
            v.record_unclassified();
        }
        t.remember(ev, url, last_stage, true, 1);
        true
    }

    /// Reconciles the tab's visit with the page's own record of its loads (`PageRecord` as JSON, from
    /// extension/resources.js): what the page loaded and the visit did not count is counted, marked recovered.
    /// Returns the number of requests recovered; malformed input is an error and changes nothing.
    pub fn reconcile(&mut self, tab: i64, record: &str) -> Result<u32, String> {
        if tab < 0 {
            return Ok(0);
        }
        if record.len() > 64 << 20 {
            return Err("page record longer than 64 MB".to_string());
        }
        // An object only (serde would also take a struct from an array).
        if !record.trim_start().starts_with('{') {
            return Err("malformed page record: not a JSON object".to_string());
        }
        let record: PageRecord =
            serde_json::from_str(record).map_err(|e| format!("malformed page record: {e}"))?;
        Ok(self.tabs.entry(tab).or_default().reconcile(&record))
    }

    /// The tab's report; hosts that the database does not know carry the imported lists' answer, if any.
    pub fn report(&self, tab: i64) -> Option<Report> {
        let mut report = self.tabs.get(&tab)?.visit.as_ref().map(Visit::report)?;
        if !self.imported.is_empty() {
            for h in report
                .hosts
                .iter_mut()
                .filter(|h| h.entity.is_none() && h.domain.is_some())
            {
                h.imported = self.imported.lookup(&h.host);
            }
        }
        Some(report)
    }

    /// Replaces the imported lists (an empty set removes them); applies to every report from now on.
    pub fn set_imported(&mut self, lists: crate::imported::Lists) {
        self.imported = lists;
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

    /// The site of the tab's page ([`Visit::site`]).
    pub fn site(&self, tab: i64) -> Option<String> {
        self.tabs
            .get(&tab)?
            .visit
            .as_ref()?
            .site()
            .map(String::from)
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
            seen_v1: Vec::new(),
            hops: seen
                .into_iter()
                .map(|(id, s)| {
                    (
                        id.clone(),
                        s.url,
                        s.seq,
                        s.done,
                        s.counted,
                        s.hops,
                        s.chain.clone(),
                    )
                })
                .collect(),
            main: t.main.clone(),
            urls: Vec::new(),
            absorb: Vec::new(),
            urls_full: false,
            started: t.started,
        };
        let (urls, absorb, full) = t.fetches.export();
        let state = TabState {
            urls,
            absorb,
            urls_full: full,
            ..state
        };
        serde_json::to_string(&state).ok()
    }

    /// Restores a tab from [`Tracker::export_tab`]'s output. On error the tab's previous state is kept.
    pub fn import_tab(&mut self, tab: i64, text: &str) -> Result<(), String> {
        let state: TabState =
            serde_json::from_str(text).map_err(|e| format!("malformed tab state: {e}"))?;
        let visit = state.visit.as_deref().map(Visit::import).transpose()?;
        let mut hops = state.hops;
        hops.extend(
            state
                .seen_v1
                .into_iter()
                .map(|(id, url, seq, done)| (id, url, seq, done, true, 1, Vec::new())),
        );
        let keep = hops.len().min(MAX_SEEN);
        let skip = hops.len() - keep;
        let seen: FnvMap<String, Seen> = hops
            .into_iter()
            .skip(skip)
            .zip(1u64..)
            .map(|((id, url, seq, done, counted, hops, mut chain), order)| {
                chain.truncate(MAX_CHAIN);
                (
                    id,
                    Seen {
                        url,
                        seq,
                        done,
                        counted,
                        hops,
                        chain,
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
                main: state.main,
                seen,
                next_order,
                fetches: recovery::Fetches::import(state.urls, state.absorb, state.urls_full),
                recent_blocked: Vec::new(),
                started: state.started.map(recovery::exact_ms).filter(|t| *t >= 0.0),
            },
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests;
