//! History: per-day, per-site aggregation of the tabs' visits (the [`History`] type and its updates). Its stored
//! form is in [`codec`], the dashboard's queries over a period in [`query`]; exports are in `crate::export`.
//!
//! Only host names and counts are stored; owners, chains and jurisdictions are looked up again when a name is first
//! seen, so a database update applies to the whole history. Names are interned (each parsed and attributed once);
//! days hold integer ids, and a query sums (site, host) pairs over the period before anything else, so its cost
//! grows with the distinct pairs, not with the days. Growth is bounded per day ([`MAX_SITES_PER_DAY`],
//! [`MAX_HOSTS_PER_SITE`]); a query's answer is bounded by its `limit`.

pub mod codec;
pub mod places;
pub mod query;

pub use query::{
    CompanyTotal, DayRow, Flow, JurisdictionTotal, Overview, OverviewTotals, SiteTotal,
};

use crate::attribution::{self, Owner};
use crate::entity;
use crate::hash::{fnv1a, FnvMap};
use crate::host::{self, HostKind};
use crate::report::Report;
use crate::servers::{Place, PlaceKind};

/// Version of the open-visit markers and of the first (JSON) day format, which [`History::import_day`] still reads.
pub const HISTORY_VERSION: u32 = 1;
/// Version of the day format that [`History::export_day`] writes (see [`History::export_day`]).
pub const DAY_FORMAT_VERSION: u32 = 3;
/// Sites kept per day; visits to further sites that day are not recorded.
pub const MAX_SITES_PER_DAY: usize = 5_000;
/// Hosts kept per site and day; requests to further hosts are counted in the site's `other` count.
pub const MAX_HOSTS_PER_SITE: usize = 2_000;
/// Tabs whose open visit is remembered (to record only the growth of a visit).
pub const MAX_OPEN_TABS: usize = 2_000;
/// Upper bound of the rows a query returns per list.
pub const MAX_LIMIT: usize = 2_000;
/// (host, server place) pairs kept per site and day (a host has at most 8 server addresses; most have one place).
pub const MAX_PLACES_PER_SITE: usize = 2 * MAX_HOSTS_PER_SITE;

/// Where a host's servers stood (src/servers.rs `Place`), as the history keeps it: an ISO country code (two capital
/// letters), or `~l` the local network, `~p` a proxy, `~s` another address that is not public, `~u` a public server
/// of unknown country. Requests without a server address have no place.
pub type PlaceCode = [u8; 2];

/// The history's code of a place (none for [`PlaceKind::Unknown`] or a country that is no two-letter code).
pub(crate) fn place_code(place: Place) -> Option<PlaceCode> {
    match place.kind {
        PlaceKind::Country => match place.country?.as_bytes() {
            &[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Some([a, b]),
            _ => None,
        },
        PlaceKind::Local => Some(*b"~l"),
        PlaceKind::Proxy => Some(*b"~p"),
        PlaceKind::Special => Some(*b"~s"),
        PlaceKind::Unlocated => Some(*b"~u"),
        PlaceKind::Unknown => None,
    }
}

/// The kind of place of a code, and its country for a country's code; none for anything else (a damaged code).
pub(crate) fn place_kind(code: PlaceCode) -> Option<PlaceKind> {
    match code {
        [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Some(PlaceKind::Country),
        [b'~', b'l'] => Some(PlaceKind::Local),
        [b'~', b'p'] => Some(PlaceKind::Proxy),
        [b'~', b's'] => Some(PlaceKind::Special),
        [b'~', b'u'] => Some(PlaceKind::Unlocated),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) requests: u64,
    pub(crate) data: u64,
    /// Requests the browser blocked (not in `requests`).
    pub(crate) blocked: u64,
}

impl Count {
    pub(crate) const ZERO: Count = Count {
        requests: 0,
        data: 0,
        blocked: 0,
    };

    pub(crate) fn add(&mut self, other: Count) {
        self.requests = self.requests.saturating_add(other.requests);
        self.data = self.data.saturating_add(other.data);
        self.blocked = self.blocked.saturating_add(other.blocked);
    }

    /// Takes away what a visit counted before and no longer does (a request counted as sent that the browser then
    /// blocked).
    pub(crate) fn sub(&mut self, other: Count) {
        self.requests = self.requests.saturating_sub(other.requests);
        self.data = self.data.saturating_sub(other.data);
        self.blocked = self.blocked.saturating_sub(other.blocked);
    }
}

/// One site on one day: its visits and the requests per host (interned ids).
#[derive(Clone, Debug, Default)]
pub(crate) struct SiteDay {
    site: u32,
    visits: u32,
    hosts: Vec<(u32, Count)>,
    /// Requests to hosts beyond [`MAX_HOSTS_PER_SITE`].
    other: Count,
    /// Where the hosts' servers stood that day: (host, place) pairs, each once, of hosts in `hosts`.
    servers: Vec<(u32, PlaceCode)>,
}

/// What has been recorded of a tab's current visit.
#[derive(Clone, Debug)]
pub(crate) struct Open {
    seq: u32,
    site: u32,
    hosts: Vec<(u32, Count)>,
}

/// A name (host or site) with what the database says about it, looked up once.
#[derive(Clone, Debug)]
pub(crate) struct Name {
    pub(crate) name: String,
    pub(crate) domain: Option<String>,
    /// Hashes of `name` and `domain` (0 without one): a query compares a host with its site by them first.
    pub(crate) name_hash: u64,
    pub(crate) domain_hash: u64,
    pub(crate) owner: Option<Owner>,
    /// The controlling jurisdiction of the owner, and its [`query::code_key`].
    pub(crate) country: Option<&'static str>,
    pub(crate) country_key: u64,
}

/// The history: day number (days since 1970-01-01 in the user's time zone, as the shell computes it) → sites.
#[derive(Debug, Default)]
pub struct History {
    pub(crate) names: Vec<Name>,
    ids: FnvMap<String, u32>,
    /// Sorted by day (a plain vector: fewer generic instantiations in the wasm than a BTreeMap).
    days: Vec<(u32, Vec<SiteDay>)>,
    open: FnvMap<i64, Open>,
}

/// The sites of `day` in a day list sorted by day, created empty when missing.
pub(crate) fn day_mut(days: &mut Vec<(u32, Vec<SiteDay>)>, day: u32) -> Option<&mut Vec<SiteDay>> {
    let i = match days.binary_search_by_key(&day, |d| d.0) {
        Ok(i) => i,
        Err(i) => {
            days.insert(i, (day, Vec::new()));
            i
        }
    };
    days.get_mut(i).map(|d| &mut d.1)
}

/// Adds `c` to host `id` of a list bounded by [`MAX_HOSTS_PER_SITE`]; returns false when the list is full.
fn add_host(hosts: &mut Vec<(u32, Count)>, id: u32, c: Count) -> bool {
    if let Some((_, have)) = hosts.iter_mut().find(|(h, _)| *h == id) {
        have.add(c);
        true
    } else if hosts.len() < MAX_HOSTS_PER_SITE {
        hosts.push((id, c));
        true
    } else {
        false
    }
}

impl History {
    pub fn new() -> History {
        History::default()
    }

    pub(crate) fn name(&self, id: u32) -> Option<&Name> {
        self.names.get(id as usize)
    }

    /// The id of a normalised host name (parsed and attributed when first seen); an error for anything else.
    pub(crate) fn intern(&mut self, name: &str) -> Result<u32, String> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let parsed = match host::parse(name) {
            Ok(h) if h.name == name && h.kind != HostKind::NonNetwork => h,
            _ => return Err(format!("{name:?} is not a normalised host")),
        };
        let id = u32::try_from(self.names.len()).map_err(|_| "too many names".to_string())?;
        let owner = attribution::owner(&parsed);
        let hash = |text: &str| fnv1a(text.as_bytes());
        let country = owner.and_then(|o| entity::jurisdiction(o.entity));
        self.names.push(Name {
            name: name.to_string(),
            owner,
            country,
            country_key: country.map_or(0, query::code_key),
            name_hash: hash(name),
            domain_hash: parsed.domain.as_deref().map_or(0, hash),
            domain: parsed.domain,
        });
        self.ids.insert(name.to_string(), id);
        Ok(id)
    }

    /// The days `from..=to` with their sites.
    pub(crate) fn range(&self, from: u32, to: u32) -> impl Iterator<Item = &(u32, Vec<SiteDay>)> {
        self.days.iter().filter(move |d| d.0 >= from && d.0 <= to)
    }

    pub(crate) fn intern_all(&mut self, names: &[String]) -> Result<Vec<u32>, String> {
        names.iter().map(|n| self.intern(n)).collect()
    }

    /// Records the growth of a tab's visit since the last call: `seq` identifies the visit (the tracker's visit
    /// sequence number), `day` is today. A new visit of a tab counts one visit of its site. Visits of pages without a
    /// network host (new tab pages, extension pages) are not recorded. Returns whether the day changed.
    pub fn record(&mut self, tab: i64, seq: u32, report: &Report, day: u32) -> bool {
        let Some(site) = report.page.domain.as_ref().or(report.page.host.as_ref()) else {
            return false;
        };
        let Ok(site) = self.intern(site) else {
            return false;
        };
        let mut hosts = Vec::with_capacity(report.hosts.len());
        let mut places: Vec<(u32, PlaceCode)> = Vec::new();
        for h in &report.hosts {
            if let Ok(id) = self.intern(&h.host) {
                let c = Count {
                    requests: h.requests,
                    data: h.data_requests,
                    blocked: h.blocked_requests,
                };
                hosts.push((id, c));
                places.extend(
                    h.servers
                        .iter()
                        .filter_map(|s| place_code(s.place()))
                        .map(|code| (id, code)),
                );
            }
        }
        let fresh = !matches!(self.open.get(&tab), Some(o) if o.seq == seq && o.site == site);
        if fresh && !self.open.contains_key(&tab) && self.open.len() >= MAX_OPEN_TABS {
            self.open.clear();
        }
        let open = self.open.entry(tab).or_insert_with(|| Open {
            seq,
            site,
            hosts: Vec::new(),
        });
        if fresh {
            *open = Open {
                seq,
                site,
                hosts: Vec::new(),
            };
        }
        let Some(sites) = day_mut(&mut self.days, day) else {
            return false;
        };
        let index = match sites.iter().position(|s| s.site == site) {
            Some(i) => i,
            None if sites.len() < MAX_SITES_PER_DAY => {
                sites.push(SiteDay {
                    site,
                    ..SiteDay::default()
                });
                sites.len() - 1
            }
            None => return false,
        };
        let Some(entry) = sites.get_mut(index) else {
            return false;
        };
        let mut changed = false;
        if fresh {
            entry.visits = entry.visits.saturating_add(1);
            changed = true;
        }
        for (id, now) in hosts {
            let before = open
                .hosts
                .iter()
                .find(|(h, _)| *h == id)
                .map_or(Count::default(), |(_, c)| *c);
            let grown = Count {
                requests: now.requests.saturating_sub(before.requests),
                data: now.data.saturating_sub(before.data),
                blocked: now.blocked.saturating_sub(before.blocked),
            };
            // A request counted as sent and then blocked: the visit's sent requests went down.
            let shrunk = Count {
                requests: before.requests.saturating_sub(now.requests),
                data: before.data.saturating_sub(now.data),
                blocked: before.blocked.saturating_sub(now.blocked),
            };
            if grown == Count::default() && shrunk == Count::default() {
                continue;
            }
            changed = true;
            match open.hosts.iter_mut().find(|(h, _)| *h == id) {
                Some((_, c)) => *c = now,
                None => open.hosts.push((id, now)),
            }
            if !add_host(&mut entry.hosts, id, grown) {
                entry.other.add(grown);
            }
            if shrunk != Count::default() {
                match entry.hosts.iter_mut().find(|(h, _)| *h == id) {
                    Some((_, c)) => c.sub(shrunk),
                    None => entry.other.sub(shrunk),
                }
            }
        }
        // Server places (a set per host: recorded once, whenever they become known).
        for place in places {
            if entry.servers.len() < MAX_PLACES_PER_SITE
                && !entry.servers.contains(&place)
                && entry.hosts.iter().any(|(h, _)| *h == place.0)
            {
                entry.servers.push(place);
                changed = true;
            }
        }
        changed
    }

    /// Forgets a closed tab's open visit (what it recorded stays).
    pub fn close_tab(&mut self, tab: i64) {
        self.open.remove(&tab);
    }

    /// A tab's visit moved to another tab id (Chrome swaps ids when a prerendered page is shown): what was recorded
    /// of it moves along, so the visit is not counted again.
    pub fn move_tab(&mut self, from: i64, to: i64) {
        if let Some(open) = self.open.remove(&from) {
            self.open.insert(to, open);
        }
    }

    /// Days held, oldest first.
    pub fn days(&self) -> Vec<u32> {
        self.days.iter().map(|d| d.0).collect()
    }

    /// Drops the days before `first_kept`.
    pub fn prune(&mut self, first_kept: u32) {
        self.days.retain(|d| d.0 >= first_kept);
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        *self = History::default();
    }
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian.
pub fn day_string(day: u32) -> String {
    // Howard Hinnant's civil_from_days.
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What the tests of the history's modules share: visits and a busy history.
#[cfg(test)]
pub(crate) mod test_support {
    use super::History;
    use crate::report::{Request, Visit};

    pub(crate) fn visit(page: &str, requests: &[(&str, &str, &str)]) -> Visit {
        let mut v = Visit::new(page);
        for (url, type_name, method) in requests {
            v.record(&Request {
                url,
                type_name,
                method,
                ip: None,
                proxy: false,
            });
        }
        v
    }

    pub(crate) const PAGE: &str = "https://www.news.example/a";

    /// A history of a few sites with many hosts over `days` days, some on the same domain.
    pub(crate) fn busy_history(days: u32) -> History {
        let mut h = History::new();
        let mut seq = 0;
        for day in 100..100 + days {
            for site in 0..12u32 {
                let page = format!("https://www.site{site}.example/");
                let mut requests = vec![(page.clone(), "main_frame", "GET")];
                for k in 0..(20 + site * 7 + day % 5) {
                    let host = match k % 4 {
                        0 => format!("https://t{}.doubleclick.net/x", k % 9),
                        1 => format!("https://cdn{k}.unknown-{}.example/x", k % 13),
                        2 => "https://mc.yandex.ru/watch/1".to_string(),
                        _ => format!("https://s{k}.site{site}.example/x"),
                    };
                    let method = if k % 3 == 0 { "POST" } else { "GET" };
                    requests.push((host, "xmlhttprequest", method));
                }
                let refs: Vec<(&str, &str, &str)> = requests
                    .iter()
                    .map(|(u, t, m)| (u.as_str(), *t, *m))
                    .collect();
                seq += 1;
                h.record(i64::from(site % 3), seq, &visit(&page, &refs).report(), day);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{visit, PAGE};
    use super::*;
    use crate::report::Request;

    #[test]
    fn records_only_the_growth_of_a_visit_and_counts_visits() {
        let mut h = History::new();
        let mut v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://www.google-analytics.com/g/collect", "ping", "POST"),
            ],
        );
        assert!(h.record(1, 1, &v.report(), 100));
        assert!(!h.record(1, 1, &v.report(), 100), "nothing new");
        v.record(&Request {
            url: "https://www.google-analytics.com/g/collect",
            type_name: "ping",
            method: "POST",
            ip: None,
            proxy: false,
        });
        assert!(h.record(1, 1, &v.report(), 100));
        let o = h.query(100, 100, "", 10);
        assert_eq!(o.totals.visits, 1);
        assert_eq!(o.totals.requests, 3);
        assert_eq!(o.totals.data_requests, 2);
        assert_eq!(o.totals.third_party_requests, 2);
        assert_eq!(o.jurisdictions.first().map(|j| j.country), Some("US"));
        assert_eq!(
            o.sites.first().map(|s| s.site.as_str()),
            Some("news.example")
        );
        assert_eq!(o.companies.first().map(|c| c.id), Some("google"));
        assert_eq!(o.flows.first().map(|f| f.company), Some("google"));
        // A visit that moves to another tab id (Chrome's prerendering) is not counted again.
        h.move_tab(1, 9);
        assert!(!h.record(9, 1, &v.report(), 100));
        h.move_tab(9, 1);
        // A new visit (next seq) of the same site counts again from zero.
        let v2 = visit(PAGE, &[(PAGE, "main_frame", "GET")]);
        assert!(h.record(1, 2, &v2.report(), 100));
        let o = h.query(100, 100, "", 10);
        assert_eq!(o.totals.visits, 2);
        assert_eq!(o.totals.requests, 4);
        assert_eq!(o.days.len(), 1);
    }

    #[test]
    fn a_request_recorded_as_sent_and_then_blocked_counts_as_blocked() {
        use crate::tracker::{Event, Stage, Tracker};
        let ev = |stage, id: &str, url: &str, type_name: &str, error: Option<&str>| Event {
            stage,
            request_id: id.into(),
            url: url.into(),
            type_name: type_name.into(),
            method: "GET".into(),
            ip: None,
            document_url: None,
            error: error.map(String::from),
            ..Event::default()
        };
        let mut t = Tracker::new();
        let mut h = History::new();
        let report = |t: &Tracker| t.report(1).unwrap_or_else(|| panic!("no report"));
        t.event(1, &ev(Stage::Before, "1", PAGE, "main_frame", None));
        t.event(
            1,
            &ev(
                Stage::Before,
                "2",
                "https://mc.yandex.ru/watch/1",
                "image",
                None,
            ),
        );
        assert!(h.record(1, 1, &report(&t), 100));
        t.event(
            1,
            &ev(
                Stage::Error,
                "2",
                "https://mc.yandex.ru/watch/1",
                "image",
                Some("net::ERR_BLOCKED_BY_CLIENT"),
            ),
        );
        assert!(h.record(1, 1, &report(&t), 100));
        let o = h.query(100, 100, "", 10);
        assert_eq!((o.totals.requests, o.totals.blocked_requests), (1, 1));
        let ru = o.jurisdictions.iter().find(|j| j.country == "RU");
        assert_eq!(ru.map(|j| (j.requests, j.blocked_requests)), Some((0, 1)));
        assert_eq!(o.totals.jurisdictions, 0, "nothing was sent to RU");
        assert_eq!(
            o.blocked_jurisdictions
                .first()
                .map(|b| (b.id, b.blocked_requests)),
            Some(("RU", 1))
        );
        assert_eq!(
            o.blocked_companies
                .first()
                .map(|b| (b.id, b.blocked_requests)),
            Some(("yandex", 1))
        );
        assert!(o.flows.is_empty(), "no flow of blocked requests");
        // Both stored forms keep the blocked requests.
        let mut back = History::new();
        assert_eq!(
            back.import_day(&h.export_day(100).unwrap_or_default()),
            Ok(100)
        );
        assert_eq!(back.query(100, 100, "", 10).totals.blocked_requests, 1);
        assert_eq!(back.import_open(&h.export_open()), Ok(()));
        assert!(
            !back.record(1, 1, &report(&t), 100),
            "the open visit knows what was recorded"
        );
    }

    #[test]
    fn pages_without_host_are_not_recorded() {
        let mut h = History::new();
        let v = visit(
            "about:blank",
            &[("https://www.google-analytics.com/x", "script", "GET")],
        );
        assert!(!h.record(1, 1, &v.report(), 5));
        assert!(h.days().is_empty());
    }

    #[test]
    fn days_are_dates() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(20_420), "2025-11-28");
        assert_eq!(day_string(11_016), "2000-02-29");
    }
}
