//! Reports: one page visit's requests aggregated into the report format (`docs/report-format.md`), and the compact
//! form a visit is persisted in between service-worker restarts.

use crate::attribution::{self, Owner};
use crate::db;
use crate::entity::{self, ChainLink};
use crate::hash::FnvMap;
use crate::host::{self, Host, HostKind};
use crate::ip;
use crate::servers::{self, PlaceRow, PlaceSums, ServerRow, ServerState};
use crate::servers::{ServerSummaryRow, Servers};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Version of the report format (`docs/report-format.md`). 2: fetches, redirects, cached and recovered loads
/// (issue 14); 3: the server addresses and places (`servers`, `ip_data`).
pub const SCHEMA: u32 = 3;
/// Version of the persisted visit format (`Visit::export`); versions 1 (without fetches, cached and redirected
/// counts) and 2 (without server addresses) are still read.
pub const STATE_VERSION: u32 = 3;
/// Distinct hosts kept per visit; requests to further hosts are counted in `overflow_requests`.
pub const MAX_HOSTS: usize = 5_000;

/// Resource types as the browsers' webRequest APIs name them; Firefox-only names are mapped onto these so that
/// reports agree across browsers. Anything else is `other`.
pub const TYPES: [&str; 15] = [
    "main_frame",
    "sub_frame",
    "stylesheet",
    "script",
    "image",
    "font",
    "object",
    "xmlhttprequest",
    "ping",
    "csp_report",
    "media",
    "websocket",
    "webtransport",
    "webbundle",
    "other",
];

/// Index into [`TYPES`] of a browser's resource type name.
pub fn type_index(name: &str) -> usize {
    let canonical = match name {
        "beacon" => "ping",
        "imageset" => "image",
        "object_subrequest" => "object",
        "fetch" => "xmlhttprequest",
        other => other,
    };
    TYPES
        .iter()
        .position(|&t| t == canonical)
        .unwrap_or(TYPES.len() - 1)
}

/// Whether a request sends data beyond its URL: a body-carrying method, a beacon/ping, or a websocket.
pub fn carries_data(method: &str, type_idx: usize) -> bool {
    matches!(
        method.to_ascii_uppercase().as_str(),
        "POST" | "PUT" | "PATCH"
    ) || matches!(
        TYPES.get(type_idx),
        Some(&"ping") | Some(&"csp_report") | Some(&"websocket") | Some(&"webtransport")
    )
}

/// The page's relation to a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    First,
    SameOwner,
    /// A host the database does not know that is probably the site's own ([`attribution::probably_own`]): no
    /// owner, no jurisdiction, not counted as a third party.
    ProbablyOwn,
    Third,
}

#[derive(Clone, Debug)]
struct HostStat {
    host: Host,
    owner: Option<Owner>,
    /// Requests this host's server received (redirect hops included; see [`Outcome`]).
    requests: u32,
    data_requests: u32,
    types: [u32; TYPES.len()],
    /// The server addresses that answered its requests (bounded), and the last one seen.
    servers: Servers,
    /// Requests the browser blocked (never sent; not in `requests`).
    blocked: u32,
    /// Of the requests, those the host answered with a redirect.
    redirects: u32,
    /// Loads served from the browser's cache: the host's server received nothing.
    cached: u32,
}

/// What became of a request hop after it was counted (the tracker learns it from its last webRequest event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It never left the browser: an internal redirect (HSTS or an upgrade to https: "307 Internal Redirect"), or
    /// Chromium's attempt to load a font from the cache only (`net::ERR_CACHE_MISS`). Not a request to the host.
    NotSent,
    /// Served from the browser's cache: not a request to the host either, but counted as `cached`.
    Cached,
    /// The host's server answered with a redirect: a request to it, and one more hop follows.
    Redirected,
    /// A content blocker's rule stopped it (Whither's declarativeNetRequest rules, or another extension's): it never
    /// left the browser; counted as `blocked`.
    Blocked,
}

impl HostStat {
    /// Takes back a request counted with [`HostStat::count`].
    fn uncount(&mut self, type_name: &str, method: &str) {
        let type_idx = type_index(type_name);
        self.requests = self.requests.saturating_sub(1);
        if let Some(n) = self.types.get_mut(type_idx) {
            *n = n.saturating_sub(1);
        }
        if carries_data(method, type_idx) {
            self.data_requests = self.data_requests.saturating_sub(1);
        }
    }

    /// Counts one more request to this host.
    fn count(&mut self, req: &Request<'_>) {
        let type_idx = type_index(req.type_name);
        self.requests = self.requests.saturating_add(1);
        if let Some(n) = self.types.get_mut(type_idx) {
            *n = n.saturating_add(1);
        }
        if carries_data(req.method, type_idx) {
            self.data_requests = self.data_requests.saturating_add(1);
        }
        if let Some(ip) = req.ip {
            self.servers.attribute(ip, req.proxy, true);
        }
    }
}

/// Where a request's URL is counted.
enum Slot<'a> {
    /// A non-network scheme: not a request.
    NonNetwork,
    /// Not parseable into a host, or beyond [`MAX_HOSTS`]: counted, not itemised.
    Unparseable,
    Overflow,
    Host(&'a mut HostStat),
}

/// One page visit of one tab: what its requests went to. Grows with distinct hosts, not with requests.
#[derive(Clone, Debug)]
pub struct Visit {
    page_url: String,
    page: Option<Host>,
    page_owner: Option<Owner>,
    /// By normalised name; at most [`MAX_HOSTS`]: a fast hash (crate::hash) costs little even if names collide.
    hosts: FnvMap<String, HostStat>,
    /// Requests whose URL could not be parsed into a host.
    unparseable: u32,
    /// Requests to hosts beyond [`MAX_HOSTS`].
    overflow: u32,
    /// Blocked requests that are not itemised (unparseable URLs, hosts beyond [`MAX_HOSTS`]).
    blocked_other: u32,
    /// Distinct fetches (a redirect chain is one fetch), as the tracker counts them.
    fetches: u32,
    /// Of the requests, those recovered from the page's own record (Resource Timing) instead of webRequest.
    recovered: u32,
}

/// A request as the report needs it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub url: &'a str,
    pub type_name: &'a str,
    pub method: &'a str,
    /// The server address that answered the request, if known (none for a response from the cache).
    pub ip: Option<&'a str>,
    /// Whether `ip` is a proxy's (the browser said so).
    pub proxy: bool,
}

impl Visit {
    pub fn new(page_url: &str) -> Visit {
        let page = host::parse(page_url)
            .ok()
            .filter(|h| h.kind != HostKind::NonNetwork);
        let page_owner = page.as_ref().and_then(attribution::owner);
        Visit {
            page_url: page_url.to_string(),
            page,
            page_owner,
            hosts: FnvMap::default(),
            unparseable: 0,
            overflow: 0,
            blocked_other: 0,
            fetches: 0,
            recovered: 0,
        }
    }

    pub fn page_url(&self) -> &str {
        &self.page_url
    }

    /// The page is now `url`: the main document was redirected (`site.example` → `www.site.example`). The hosts it
    /// went through stay counted; party and owner are those of the document's final host.
    pub fn set_page(&mut self, url: &str) {
        if url == self.page_url {
            return;
        }
        let fresh = Visit::new(url);
        self.page_url = fresh.page_url;
        self.page = fresh.page;
        self.page_owner = fresh.page_owner;
    }

    /// One more request was recovered from the page's own record (counted with [`Visit::record`] too).
    /// (With `false`: one fewer, its webRequest event came after all, see [`Visit::amend`].)
    pub fn count_recovered(&mut self, more: bool) {
        self.recovered = if more {
            self.recovered.saturating_add(1)
        } else {
            self.recovered.saturating_sub(1)
        };
    }

    /// Replaces what a request was counted with (`recorded`: same URL) by what is now known of it (`seen`: its
    /// type, method and server address); returns whether it was found.
    pub fn amend(&mut self, recorded: &Request<'_>, seen: &Request<'_>) -> bool {
        let stat = self.stat_mut(recorded.url);
        let Some(stat) = stat.filter(|s| s.requests > 0) else {
            return false;
        };
        stat.uncount(recorded.type_name, recorded.method);
        stat.count(seen);
        true
    }

    /// One more (or, with `false`, one fewer) distinct fetch of the page.
    pub fn count_fetch(&mut self, more: bool) {
        self.fetches = if more {
            self.fetches.saturating_add(1)
        } else {
            self.fetches.saturating_sub(1)
        };
    }

    /// What became of a hop counted with [`Visit::record`] (same URL, type and method); returns whether anything
    /// changed. A host left with nothing counted drops out of the report.
    pub fn settle(&mut self, req: &Request<'_>, outcome: Outcome) -> bool {
        // A host of the visit, or (Err) a request counted without one: beyond MAX_HOSTS (true) or unparseable.
        let key = match host::authority(req.url) {
            Ok(host::Authority::NonNetwork(_)) => return false,
            Ok(host::Authority::Host(raw)) if self.hosts.contains_key(raw) => Ok(raw.to_string()),
            Ok(host::Authority::Host(raw)) => match host::normalise(raw) {
                Ok(parsed) if self.hosts.contains_key(&parsed.name) => Ok(parsed.name),
                Ok(_) => Err(true),
                Err(_) => Err(false),
            },
            Err(_) => Err(false),
        };
        let key = match key {
            Ok(key) => key,
            Err(_) if outcome == Outcome::Redirected => return false,
            Err(overflow) => return self.take_back_other(overflow, outcome),
        };
        let Some(stat) = self.hosts.get_mut(&key) else {
            return false;
        };
        match outcome {
            Outcome::Redirected => stat.redirects = stat.redirects.saturating_add(1),
            Outcome::NotSent | Outcome::Cached | Outcome::Blocked => {
                stat.uncount(req.type_name, req.method);
                if outcome == Outcome::Cached {
                    stat.cached = stat.cached.saturating_add(1);
                }
                if outcome == Outcome::Blocked {
                    stat.blocked = stat.blocked.saturating_add(1);
                }
                if stat.requests == 0 && stat.cached == 0 && stat.blocked == 0 {
                    self.hosts.remove(&key);
                }
            }
        }
        true
    }

    /// Takes back a hostless request (`overflow`: beyond MAX_HOSTS, else unparseable); whether one was counted.
    fn take_back_other(&mut self, overflow: bool, outcome: Outcome) -> bool {
        let count = if overflow {
            &mut self.overflow
        } else {
            &mut self.unparseable
        };
        let counted = *count > 0;
        *count = count.saturating_sub(1);
        self.count_blocked_other(outcome);
        counted
    }

    /// The slot of a request's host, created when first seen (the host's owner looked up once).
    fn slot(&mut self, url: &str) -> Slot<'_> {
        // Fast path: a host already counted in this visit, as written in the URL, needs no normalisation.
        let raw = match host::authority(url) {
            Ok(host::Authority::NonNetwork(_)) => return Slot::NonNetwork,
            Ok(host::Authority::Host(raw)) => raw,
            Err(_) => return Slot::Unparseable,
        };
        if self.hosts.contains_key(raw) {
            return match self.hosts.get_mut(raw) {
                Some(stat) => Slot::Host(stat),
                None => Slot::Unparseable,
            };
        }
        let parsed = match host::normalise(raw) {
            Ok(h) => h,
            Err(_) => return Slot::Unparseable,
        };
        if !self.hosts.contains_key(&parsed.name) {
            if self.hosts.len() >= MAX_HOSTS {
                return Slot::Overflow;
            }
            let owner = attribution::owner(&parsed);
            let stat = HostStat {
                host: parsed.clone(),
                owner,
                requests: 0,
                data_requests: 0,
                types: [0; TYPES.len()],
                servers: Servers::default(),
                blocked: 0,
                redirects: 0,
                cached: 0,
            };
            self.hosts.insert(parsed.name.clone(), stat);
        }
        match self.hosts.get_mut(&parsed.name) {
            Some(stat) => Slot::Host(stat),
            None => Slot::Unparseable,
        }
    }

    /// Counts one request. Requests to non-network schemes (data:, blob:, extension pages) never leave the machine
    /// and are not counted; the return value says whether anything changed.
    pub fn record(&mut self, req: &Request<'_>) -> bool {
        match self.slot(req.url) {
            Slot::NonNetwork => return false,
            Slot::Unparseable => self.unparseable = self.unparseable.saturating_add(1),
            Slot::Overflow => self.overflow = self.overflow.saturating_add(1),
            Slot::Host(stat) => stat.count(req),
        }
        true
    }

    /// Counts a request that the browser blocked (a content blocker's rule: it never left the browser). It is not
    /// one of the visit's `requests`; its host is listed with its blocked requests.
    pub fn record_blocked(&mut self, req: &Request<'_>) -> bool {
        match self.slot(req.url) {
            Slot::NonNetwork => return false,
            Slot::Unparseable | Slot::Overflow => {
                self.blocked_other = self.blocked_other.saturating_add(1)
            }
            Slot::Host(stat) => stat.blocked = stat.blocked.saturating_add(1),
        }
        true
    }

    /// A blocked request that is not itemised (an unparseable URL, or a host beyond [`MAX_HOSTS`]).
    fn count_blocked_other(&mut self, outcome: Outcome) {
        if outcome == Outcome::Blocked {
            self.blocked_other = self.blocked_other.saturating_add(1);
        }
    }

    /// Counts a request that could not be classified (the shell's fallback after the core failed on it): it is
    /// unattributed, and nothing of it is parsed.
    pub fn record_unclassified(&mut self) {
        self.unparseable = self.unparseable.saturating_add(1);
    }

    /// Notes the server address of a request already counted (`proxy`: a proxy's address) and, with `attribute`,
    /// attributes the request to it (once per request, at its end); returns whether anything changed.
    /// The counted host of a URL (as written, or normalised), if the visit counts it.
    fn stat_mut(&mut self, url: &str) -> Option<&mut HostStat> {
        match host::authority(url) {
            Ok(host::Authority::Host(raw)) if self.hosts.contains_key(raw) => {
                self.hosts.get_mut(raw)
            }
            Ok(host::Authority::Host(raw)) => match host::normalise(raw) {
                Ok(parsed) => self.hosts.get_mut(&parsed.name),
                Err(_) => None,
            },
            _ => None,
        }
    }

    pub fn set_ip(&mut self, url: &str, ip: &str, proxy: bool, attribute: bool) -> bool {
        if ip.is_empty() {
            return false;
        }
        let stat = self.stat_mut(url);
        stat.is_some_and(|stat| stat.servers.attribute(ip, proxy, attribute))
    }

    pub fn requests(&self) -> u64 {
        self.hosts
            .values()
            .map(|s| u64::from(s.requests))
            .sum::<u64>()
            + u64::from(self.unparseable)
            + u64::from(self.overflow)
    }

    fn party(&self, stat: &HostStat) -> Party {
        let Some(page) = &self.page else {
            return Party::Third;
        };
        let same_site = match (&page.domain, &stat.host.domain) {
            (Some(a), Some(b)) => a == b,
            _ => page.name == stat.host.name,
        };
        if same_site {
            return Party::First;
        }
        match (self.page_owner, stat.owner) {
            (Some(a), Some(b)) if a.controller == b.controller => Party::SameOwner,
            (_, None) if attribution::probably_own(page, &stat.host) => Party::ProbablyOwn,
            _ => Party::Third,
        }
    }

    /// The report's totals, and its jurisdictions with their requests (most first, as in [`Visit::report`]), without
    /// building its rows: what the badge needs after every request, at a fraction of the report's cost.
    pub fn summary(&self) -> (Totals, Vec<(&'static str, u64)>) {
        let mut totals = Totals {
            requests: self.requests(),
            hosts: self.hosts.len() as u64,
            overflow_requests: u64::from(self.overflow),
            unattributed_requests: u64::from(self.unparseable) + u64::from(self.overflow),
            blocked_requests: u64::from(self.blocked_other),
            ..Totals::default()
        };
        let mut companies: Vec<db::EntityIndex> = Vec::new();
        let mut jurisdictions: BTreeMap<&'static str, u64> = BTreeMap::new();
        totals.fetches = u64::from(self.fetches);
        totals.recovered = u64::from(self.recovered);
        for stat in self.hosts.values() {
            let requests = u64::from(stat.requests);
            totals.data_requests += u64::from(stat.data_requests);
            totals.blocked_requests += u64::from(stat.blocked);
            totals.redirects += u64::from(stat.redirects);
            totals.cached += u64::from(stat.cached);
            if requests == 0 {
                continue; // only loaded from the cache: no company received anything
            }
            if self.party(stat) == Party::Third {
                totals.third_party_requests += requests;
            }
            match stat.owner.filter(|o| db::entity(o.entity).is_some()) {
                // Companies and jurisdictions that received requests (a blocked one received none).
                Some(owner) if requests > 0 => {
                    companies.push(owner.entity);
                    if let Some(c) = db::entity(owner.controller) {
                        *jurisdictions.entry(c.country).or_default() += requests;
                    }
                }
                Some(_) => {}
                None => totals.unattributed_requests += requests,
            }
        }
        companies.sort_unstable();
        companies.dedup();
        totals.companies = companies.len() as u64;
        totals.jurisdictions = jurisdictions.len() as u64;
        let mut jurisdictions: Vec<(&'static str, u64)> = jurisdictions.into_iter().collect();
        jurisdictions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        (totals, jurisdictions)
    }

    /// The registrable domain of the visit's page (its host when it has none): the site that blocking rules
    /// trust or pause.
    pub fn site(&self) -> Option<&str> {
        let page = self.page.as_ref()?;
        Some(page.domain.as_deref().unwrap_or(&page.name))
    }

    /// The report of this visit, in the documented format, deterministically ordered.
    pub fn report(&self) -> Report {
        let mut hosts: Vec<HostRow> = Vec::with_capacity(self.hosts.len());
        let mut companies: BTreeMap<db::EntityIndex, CompanyRow> = BTreeMap::new();
        // country → (requests, blocked requests, companies)
        let mut jurisdictions: BTreeMap<&'static str, (u64, u64, BTreeSet<&'static str>)> =
            BTreeMap::new();
        // The totals are the summary's (one definition of what they count; a test checks the rows agree).
        let (totals, _) = self.summary();

        let mut company_places: Vec<(db::EntityIndex, PlaceSums)> = Vec::new();
        for stat in self.hosts.values() {
            let party = self.party(stat);
            let requests = u64::from(stat.requests);
            let blocked = u64::from(stat.blocked);
            let servers = stat.servers.rows();
            let no_ip_requests = requests.saturating_sub(stat.servers.requests());
            let entity = stat.owner.and_then(|o| db::entity(o.entity));
            let controller = stat.owner.and_then(|o| db::entity(o.controller));
            let jurisdiction = controller.map(|c| c.country);
            if let (Some(owner), Some(e)) =
                (stat.owner.filter(|_| requests > 0 || blocked > 0), entity)
            {
                let row = companies.entry(owner.entity).or_insert_with(|| CompanyRow {
                    id: e.id,
                    name: e.name,
                    country: e.country,
                    legal_seat: e.legal_seat,
                    jurisdiction,
                    chain: entity::chain(owner.entity),
                    categories: Vec::new(),
                    requests: 0,
                    blocked_requests: 0,
                    hosts: Vec::new(),
                    servers: Vec::new(),
                });
                row.requests += requests;
                row.blocked_requests += blocked;
                row.hosts.push(stat.host.name.clone());
                match company_places.iter_mut().find(|(e, _)| *e == owner.entity) {
                    Some((_, sums)) => sums.add(&servers, no_ip_requests),
                    None => {
                        let mut sums = PlaceSums::default();
                        sums.add(&servers, no_ip_requests);
                        company_places.push((owner.entity, sums));
                    }
                }
                for c in owner.categories {
                    if !row.categories.contains(c) {
                        row.categories.push(c);
                    }
                }
                if let Some(j) = jurisdiction {
                    let entry = jurisdictions.entry(j).or_default();
                    entry.0 += requests;
                    entry.1 += blocked;
                    entry.2.insert(e.id);
                }
            }
            let types = TYPES
                .iter()
                .zip(stat.types.iter())
                .filter(|(_, &n)| n > 0)
                .map(|(&t, &n)| (t, n))
                .collect();
            hosts.push(HostRow {
                host: stat.host.name.clone(),
                domain: stat.host.domain.clone(),
                entity: entity.map(|e| e.id),
                controller: controller.map(|c| c.id),
                jurisdiction,
                party,
                requests,
                data_requests: u64::from(stat.data_requests),
                blocked_requests: blocked,
                types,
                ip: stat.servers.last(),
                servers,
                no_ip_requests,
                redirects: u64::from(stat.redirects),
                cached: u64::from(stat.cached),
                imported: None,
            });
        }
        hosts.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| b.blocked_requests.cmp(&a.blocked_requests))
                .then_with(|| a.host.cmp(&b.host))
        });
        for (entity, places) in company_places {
            if let Some(row) = companies.get_mut(&entity) {
                row.servers = places.rows();
            }
        }
        let mut companies: Vec<CompanyRow> = companies.into_values().collect();
        for c in &mut companies {
            c.hosts.sort();
            c.categories.sort_unstable();
        }
        companies.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| b.blocked_requests.cmp(&a.blocked_requests))
                .then_with(|| a.id.cmp(b.id))
        });
        let mut jurisdictions: Vec<JurisdictionRow> = jurisdictions
            .into_iter()
            .map(|(country, (requests, blocked, ids))| JurisdictionRow {
                country,
                requests,
                blocked_requests: blocked,
                companies: ids.into_iter().collect(),
            })
            .collect();
        jurisdictions.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| b.blocked_requests.cmp(&a.blocked_requests))
                .then_with(|| a.country.cmp(b.country))
        });

        let page_controller = self.page_owner.and_then(|o| db::entity(o.controller));
        Report {
            schema: SCHEMA,
            page: PageInfo {
                url: self.page_url.clone(),
                host: self.page.as_ref().map(|h| h.name.clone()),
                domain: self.page.as_ref().and_then(|h| h.domain.clone()),
                controller: page_controller.map(|c| c.id),
                jurisdiction: page_controller.map(|c| c.country),
            },
            totals,
            jurisdictions,
            servers: servers::summary(
                hosts
                    .iter()
                    .map(|h| (&h.servers[..], h.no_ip_requests, h.entity)),
            ),
            ip_data: ip::table().map(|t| {
                let info = t.info();
                IpData {
                    date: info.date,
                    source: info.source,
                }
            }),
            companies,
            hosts,
        }
    }

    /// Compact persisted form (JSON): enough to rebuild the visit exactly; owners are looked up again on import.
    pub fn export(&self) -> String {
        let state = VisitState {
            v: STATE_VERSION,
            page: self.page_url.clone(),
            hosts: hosts_sorted(&self.hosts)
                .map(|s| {
                    let mut types: BTreeMap<String, u32> = TYPES
                        .iter()
                        .zip(s.types.iter())
                        .filter(|(_, &n)| n > 0)
                        .map(|(&t, &n)| (t.to_string(), n))
                        .collect();
                    if s.blocked > 0 {
                        types.insert(BLOCKED_KEY.to_string(), s.blocked);
                    }
                    HostState(
                        s.host.name.clone(),
                        s.requests,
                        s.data_requests,
                        types,
                        s.servers.last(),
                        s.servers.export(),
                    )
                })
                .collect(),
            bad: self.unparseable,
            overflow: self.overflow,
            blocked_other: self.blocked_other,
            fetches: self.fetches,
            recovered: self.recovered,
            outcomes: hosts_sorted(&self.hosts)
                .filter(|s| s.redirects > 0 || s.cached > 0)
                .map(|s| (s.host.name.clone(), s.redirects, s.cached))
                .collect(),
        };
        serde_json::to_string(&state).unwrap_or_default()
    }

    /// Rebuilds a visit from [`Visit::export`]'s output; a clear error on anything malformed.
    pub fn import(text: &str) -> Result<Visit, String> {
        let state: VisitState =
            serde_json::from_str(text).map_err(|e| format!("malformed visit state: {e}"))?;
        if !(1..=STATE_VERSION).contains(&state.v) {
            return Err(format!(
                "visit state version {} is not 1, 2 or {STATE_VERSION}",
                state.v
            ));
        }
        if state.hosts.len() > MAX_HOSTS {
            return Err(format!(
                "visit state has {} hosts, more than {MAX_HOSTS}",
                state.hosts.len()
            ));
        }
        let mut visit = Visit::new(&state.page);
        visit.unparseable = state.bad;
        visit.overflow = state.overflow;
        visit.blocked_other = state.blocked_other;
        visit.fetches = state.fetches;
        visit.recovered = state.recovered;
        for HostState(name, requests, data_requests, mut types, ip, servers) in state.hosts {
            let parsed =
                host::parse(&name).map_err(|e| format!("visit state host {name:?}: {e}"))?;
            if parsed.name != name || parsed.kind == HostKind::NonNetwork {
                return Err(format!(
                    "visit state host {name:?} is not a normalised host"
                ));
            }
            let blocked = types.remove(BLOCKED_KEY).unwrap_or(0);
            let mut counts = [0u32; TYPES.len()];
            for (t, n) in types {
                let i = type_index(&t);
                if let Some(c) = counts.get_mut(i) {
                    *c = c.saturating_add(n);
                }
            }
            let owner = attribution::owner(&parsed);
            let servers = Servers::import(servers, ip.as_deref())
                .map_err(|e| format!("visit state host {name:?}: {e}"))?;
            visit.hosts.insert(
                name,
                HostStat {
                    host: parsed,
                    owner,
                    requests,
                    data_requests,
                    types: counts,
                    servers,
                    blocked,
                    redirects: 0,
                    cached: 0,
                },
            );
        }
        for (name, redirects, cached) in state.outcomes {
            let stat = visit.hosts.get_mut(&name).ok_or_else(|| {
                format!("visit state: outcomes of {name:?}, a host it does not list")
            })?;
            stat.redirects = redirects;
            stat.cached = cached;
        }
        Ok(visit)
    }
}

/// A persisted host: (host, requests, data requests, {type: count}, last ip, servers); version 1 has no servers.
/// The requests the browser blocked are counted under [`BLOCKED_KEY`] among the types (not a resource type's name).
#[derive(Serialize, Deserialize)]
struct HostState(
    String,
    u32,
    u32,
    BTreeMap<String, u32>,
    Option<String>,
    #[serde(default)] Vec<ServerState>,
);

/// The key of a persisted host's blocked requests in its type counts.
const BLOCKED_KEY: &str = "(blocked)";

/// The hosts of a visit in the order they are persisted (by name).
fn hosts_sorted(hosts: &FnvMap<String, HostStat>) -> impl Iterator<Item = &HostStat> {
    let mut all: Vec<&HostStat> = hosts.values().collect();
    all.sort_by(|a, b| a.host.name.cmp(&b.host.name));
    all.into_iter()
}

#[derive(Serialize, Deserialize)]
struct VisitState {
    v: u32,
    page: String,
    hosts: Vec<HostState>,
    #[serde(default)]
    bad: u32,
    #[serde(default)]
    overflow: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    blocked_other: u32,
    /// Since version 2: distinct fetches, and (host, redirects, cached) of the hosts with any.
    #[serde(default)]
    fetches: u32,
    #[serde(default)]
    recovered: u32,
    #[serde(default)]
    outcomes: Vec<(String, u32, u32)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: u32,
    pub page: PageInfo,
    pub totals: Totals,
    pub jurisdictions: Vec<JurisdictionRow>,
    /// Where the servers are: requests per place (a server's country, the local network, a proxy, unknown).
    pub servers: Vec<ServerSummaryRow>,
    /// The IP data the places come from; null when none is loaded (then no server is located).
    pub ip_data: Option<IpData>,
    pub companies: Vec<CompanyRow>,
    pub hosts: Vec<HostRow>,
}

/// The IP table in use: its data's date and where it comes from.
#[derive(Clone, Debug, Serialize)]
pub struct IpData {
    pub date: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageInfo {
    pub url: String,
    pub host: Option<String>,
    pub domain: Option<String>,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Requests that reached a server: every host's, plus those of unparseable URLs and beyond the host cap.
    pub requests: u64,
    pub hosts: u64,
    pub companies: u64,
    pub jurisdictions: u64,
    pub third_party_requests: u64,
    pub unattributed_requests: u64,
    pub data_requests: u64,
    pub overflow_requests: u64,
    /// Requests the browser blocked (never sent; not in `requests`).
    pub blocked_requests: u64,
    /// Distinct fetches of the page: a redirect chain (a → b → c) is one fetch and three requests.
    pub fetches: u64,
    /// Requests answered with a redirect.
    pub redirects: u64,
    /// Loads served from the browser's cache (no server received them; not in `requests`).
    pub cached: u64,
    /// Of `requests`, those recovered from the page's own record of its loads (Resource Timing) because the
    /// background missed their webRequest events (it was stopped, or not started yet).
    pub recovered: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct JurisdictionRow {
    pub country: &'static str,
    pub requests: u64,
    pub blocked_requests: u64,
    pub companies: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyRow {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub legal_seat: &'static str,
    pub jurisdiction: Option<&'static str>,
    pub chain: Vec<ChainLink>,
    pub categories: Vec<&'static str>,
    pub requests: u64,
    pub blocked_requests: u64,
    pub hosts: Vec<String>,
    /// Where its hosts' servers are: requests per place, with the networks.
    pub servers: Vec<PlaceRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HostRow {
    pub host: String,
    pub domain: Option<String>,
    pub entity: Option<&'static str>,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
    pub party: Party,
    pub requests: u64,
    pub data_requests: u64,
    pub blocked_requests: u64,
    pub types: BTreeMap<&'static str, u32>,
    /// The last server address seen, if any (schema 1's field; `servers` has them all).
    pub ip: Option<String>,
    /// The server addresses that answered its requests (at most 8), most requests first.
    pub servers: Vec<ServerRow>,
    /// Requests that no (kept) server address answered: from the cache, blocked, failed, in flight.
    pub no_ip_requests: u64,
    /// Of `requests`, those the host answered with a redirect.
    pub redirects: u64,
    /// Loads of this host's resources served from the browser's cache (not in `requests`).
    pub cached: u64,
    /// The owner by the person's own imported list, for a host the database does not know (src/imported/).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<crate::imported::Answer>,
}

#[cfg(test)]
mod tests;
