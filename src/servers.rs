//! Where a visit's requests physically went: each host's server addresses (at most [`MAX_SERVERS`]), every request
//! attributed once to the address that answered it, and the summaries by place — the server's country, the local
//! network, a proxy, or unknown — that the report sets beside the controlling jurisdictions
//! (docs/report-format.md, "Servers").

use crate::ip::{self, Location, Scope};
use serde::Serialize;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::net::IpAddr;

/// Sorts a short list in place, stable (an insertion sort: the lists here hold a few entries, and each instance of
/// the standard sorts costs the background's wasm kilobytes).
fn sort_short<T>(v: &mut [T], order: impl Fn(&T, &T) -> Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0
            && v.get(j - 1)
                .zip(v.get(j))
                .is_some_and(|(a, b)| order(a, b).is_gt())
        {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Most requests first, then by kind and country.
fn by_requests(a: (u64, PlaceKind, Option<&str>), b: (u64, PlaceKind, Option<&str>)) -> Ordering {
    b.0.cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
}

/// Server addresses kept per host; requests answered by further addresses count as of an unknown server.
pub const MAX_SERVERS: usize = 8;

/// One server address of a host and the requests it answered.
#[derive(Clone, Debug)]
struct Server {
    ip: IpAddr,
    /// The address is a proxy's (Firefox's `proxyInfo`): not the destination's.
    proxy: bool,
    requests: u32,
    /// The location, looked up once a table is installed (it never changes after).
    located: OnceCell<Location>,
}

/// A host's server addresses.
#[derive(Clone, Debug, Default)]
pub struct Servers {
    list: Vec<Server>,
    /// The last address seen (the report's `ip`, for consumers of schema 1).
    last: Option<IpAddr>,
}

/// A persisted server: (address, requests, 1 when it is a proxy's).
pub type ServerState = (String, u32, u8);

/// What kind of place a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceKind {
    /// A public server in `country`.
    Country,
    /// A public server the IP table has no country for (or no table is loaded).
    Unlocated,
    /// A private, loopback or link-local address: the local network.
    Local,
    /// Another address that is not public (shared, documentation, multicast, …).
    Special,
    /// A proxy: where the request went after it is not known.
    Proxy,
    /// No address: served from the cache, blocked, failed before connecting, or still in flight.
    Unknown,
}

/// A place requests went to: its kind and, for [`PlaceKind::Country`], the country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Place {
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
}

impl Place {
    pub const UNKNOWN: Place = Place {
        kind: PlaceKind::Unknown,
        country: None,
    };
}

/// One server address of a host, as the report gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerRow {
    pub ip: String,
    pub scope: Scope,
    pub proxy: bool,
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
    pub asn: Option<u32>,
    pub network: Option<&'static str>,
    pub requests: u64,
}

impl ServerRow {
    pub fn place(&self) -> Place {
        Place {
            kind: self.kind,
            country: self.country,
        }
    }
}

/// An autonomous system requests went to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkRef {
    pub asn: u32,
    pub name: &'static str,
}

/// Requests of a company (or a site) to one place, with the networks that carried them (most requests first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaceRow {
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
    pub requests: u64,
    pub networks: Vec<NetworkRef>,
}

/// One place of the report's summary "where the servers are": its requests and the companies (entity ids) whose
/// hosts were answered there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerSummaryRow {
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
    pub requests: u64,
    pub companies: Vec<&'static str>,
}

fn place_of(scope: Scope, proxy: bool, loc: Location) -> Place {
    let kind = if proxy {
        PlaceKind::Proxy
    } else if scope.is_local() {
        PlaceKind::Local
    } else if scope != Scope::Public {
        PlaceKind::Special
    } else if loc.country.is_some() {
        PlaceKind::Country
    } else {
        PlaceKind::Unlocated
    };
    Place {
        kind,
        country: if kind == PlaceKind::Country {
            loc.country
        } else {
            None
        },
    }
}

impl Servers {
    /// Attributes one request to the server `ip` answered it from (`proxy`: the address is a proxy's); without
    /// `count`, only notes it as the last address seen. An address that does not parse is no address (the request's
    /// server stays unknown). Returns whether anything changed.
    pub fn attribute(&mut self, ip: &str, proxy: bool, count: bool) -> bool {
        let Ok(addr) = ip::parse(ip) else {
            return false;
        };
        // `::ffff:a.b.c.d` is the IPv4 server a.b.c.d: one server, however it is written.
        let addr = crate::iptable::canonical(addr);
        let changed = self.last != Some(addr);
        self.last = Some(addr);
        if !count {
            return changed;
        }
        if let Some(s) = self
            .list
            .iter_mut()
            .find(|s| s.ip == addr && s.proxy == proxy)
        {
            s.requests = s.requests.saturating_add(1);
        } else if self.list.len() < MAX_SERVERS {
            self.list.push(Server {
                ip: addr,
                proxy,
                requests: 1,
                located: OnceCell::new(),
            });
        }
        true
    }

    /// The last address seen, as written canonically.
    pub fn last(&self) -> Option<String> {
        self.last.map(|a| a.to_string())
    }

    /// Requests attributed to a kept address.
    pub fn requests(&self) -> u64 {
        self.list.iter().map(|s| u64::from(s.requests)).sum()
    }

    /// The addresses, most requests first (then by address), located by the installed IP table (a proxy's address
    /// is not located: it says nothing of the destination).
    pub fn rows(&self) -> Vec<ServerRow> {
        let mut rows: Vec<ServerRow> = self
            .list
            .iter()
            .map(|s| {
                let scope = ip::scope(s.ip);
                let loc = if s.proxy {
                    Location::default()
                } else {
                    match s.located.get() {
                        Some(loc) => *loc,
                        None => match ip::table() {
                            Some(t) => *s.located.get_or_init(|| ip::locate_in(Some(t), s.ip)),
                            None => Location::default(),
                        },
                    }
                };
                let place = place_of(scope, s.proxy, loc);
                ServerRow {
                    ip: s.ip.to_string(),
                    scope,
                    proxy: s.proxy,
                    kind: place.kind,
                    country: place.country,
                    asn: loc.asn,
                    network: loc.network,
                    requests: u64::from(s.requests),
                }
            })
            .collect();
        sort_short(&mut rows, |a, b| {
            b.requests.cmp(&a.requests).then_with(|| a.ip.cmp(&b.ip))
        });
        rows
    }

    pub fn export(&self) -> Vec<ServerState> {
        self.list
            .iter()
            .map(|s| (s.ip.to_string(), s.requests, u8::from(s.proxy)))
            .collect()
    }

    /// Rebuilds the addresses from [`Servers::export`] (and the last address); a clear error on anything malformed.
    pub fn import(state: Vec<ServerState>, last: Option<&str>) -> Result<Servers, String> {
        if state.len() > MAX_SERVERS {
            return Err(format!("more than {MAX_SERVERS} server addresses"));
        }
        let mut list: Vec<Server> = Vec::with_capacity(state.len());
        for (ip, requests, proxy) in state {
            let addr = ip::parse(&ip)
                .map(crate::iptable::canonical)
                .map_err(|e| format!("server address {ip:?}: {e}"))?;
            if proxy > 1 || list.iter().any(|s| s.ip == addr && s.proxy == (proxy == 1)) {
                return Err(format!(
                    "server address {ip:?} is malformed or listed twice"
                ));
            }
            list.push(Server {
                ip: addr,
                proxy: proxy == 1,
                requests,
                located: OnceCell::new(),
            });
        }
        let last = last.and_then(|l| ip::parse(l).ok());
        Ok(Servers { list, last })
    }
}

/// A place's requests and its networks' (AS number, name, requests).
type PlaceSum = (Place, u64, Vec<(u32, &'static str, u64)>);

/// Sums requests by place (the rows of hosts, with their requests of no known server); networks per place.
#[derive(Default)]
pub struct PlaceSums {
    /// (place, requests, [(AS number, name, requests)])
    places: Vec<PlaceSum>,
}

impl PlaceSums {
    fn entry(&mut self, place: Place) -> Option<&mut PlaceSum> {
        let i = match self.places.iter().position(|p| p.0 == place) {
            Some(i) => i,
            None => {
                self.places.push((place, 0, Vec::new()));
                self.places.len() - 1
            }
        };
        self.places.get_mut(i)
    }

    /// Adds a host's servers and its `unknown` requests (those no kept address answered).
    pub fn add(&mut self, servers: &[ServerRow], unknown: u64) {
        for s in servers {
            let Some(entry) = self.entry(s.place()) else {
                continue;
            };
            entry.1 += s.requests;
            if let (Some(asn), Some(name)) = (s.asn, s.network) {
                match entry.2.iter_mut().find(|n| n.0 == asn) {
                    Some(n) => n.2 += s.requests,
                    None => entry.2.push((asn, name, s.requests)),
                }
            }
        }
        if unknown > 0 {
            if let Some(entry) = self.entry(Place::UNKNOWN) {
                entry.1 += unknown;
            }
        }
    }

    /// The places, most requests first, then by kind and country; their networks most requests first.
    pub fn rows(self) -> Vec<PlaceRow> {
        let mut rows: Vec<PlaceRow> = self
            .places
            .into_iter()
            .map(|(place, requests, mut networks)| {
                sort_short(&mut networks, |a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
                PlaceRow {
                    kind: place.kind,
                    country: place.country,
                    requests,
                    networks: networks
                        .into_iter()
                        .map(|(asn, name, _)| NetworkRef { asn, name })
                        .collect(),
                }
            })
            .collect();
        sort_short(&mut rows, |a, b| {
            by_requests(
                (a.requests, a.kind, a.country),
                (b.requests, b.kind, b.country),
            )
        });
        rows
    }
}

/// The summary "where the servers are": requests per place and the companies served from there, most requests
/// first. `hosts` gives each host's servers, its requests of no known server and its company (entity id).
pub fn summary<'a>(
    hosts: impl Iterator<Item = (&'a [ServerRow], u64, Option<&'static str>)>,
) -> Vec<ServerSummaryRow> {
    let mut rows: Vec<ServerSummaryRow> = Vec::new();
    let mut add = |place: Place, requests: u64, company: Option<&'static str>| {
        let i = match rows
            .iter()
            .position(|r| r.kind == place.kind && r.country == place.country)
        {
            Some(i) => i,
            None => {
                rows.push(ServerSummaryRow {
                    kind: place.kind,
                    country: place.country,
                    requests: 0,
                    companies: Vec::new(),
                });
                rows.len() - 1
            }
        };
        if let Some(row) = rows.get_mut(i) {
            row.requests += requests;
            // Duplicates are removed once at the end (a scan here is quadratic on a page of 2,000 hosts).
            if let Some(c) = company {
                row.companies.push(c);
            }
        }
    };
    for (servers, unknown, company) in hosts {
        for s in servers {
            add(s.place(), s.requests, company);
        }
        if unknown > 0 {
            add(Place::UNKNOWN, unknown, company);
        }
    }
    for row in &mut rows {
        // Up to one entry per host: the slice sort, not the insertion sort for short lists.
        row.companies.sort_unstable();
        row.companies.dedup();
    }
    sort_short(&mut rows, |a, b| {
        by_requests(
            (a.requests, a.kind, a.country),
            (b.requests, b.kind, b.country),
        )
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_attributed_to_bounded_addresses() {
        let mut s = Servers::default();
        assert!(!s.attribute("not an ip", false, true));
        assert!(s.attribute("8.8.8.8", false, true));
        assert!(s.attribute("8.8.8.8", false, true));
        assert!(s.attribute("127.0.0.1", true, true));
        for i in 0..20 {
            s.attribute(&format!("10.0.0.{i}"), false, true);
        }
        assert_eq!(s.export().len(), MAX_SERVERS);
        assert_eq!(s.requests(), 2 + 1 + (MAX_SERVERS as u64 - 2));
        assert_eq!(s.last().as_deref(), Some("10.0.0.19"));
        let rows = s.rows();
        let g = &rows[0];
        assert_eq!(
            (g.ip.as_str(), g.requests, g.kind),
            ("8.8.8.8", 2, PlaceKind::Country)
        );
        assert_eq!((g.country, g.asn), (Some("US"), Some(15169)));
        let proxy = rows.iter().find(|r| r.proxy);
        assert!(proxy.is_some_and(|p| p.kind == PlaceKind::Proxy
            && p.country.is_none()
            && p.scope == Scope::Loopback));
        assert!(rows
            .iter()
            .filter(|r| r.ip.starts_with("10."))
            .all(|r| r.kind == PlaceKind::Local));
        let back = Servers::import(s.export(), s.last().as_deref());
        assert_eq!(back.map(|b| b.export()), Ok(s.export()));
        assert!(Servers::import(vec![("x".into(), 1, 0)], None).is_err());
        assert!(Servers::import(vec![("1.1.1.1".into(), 1, 2)], None).is_err());
        assert!(Servers::import(
            vec![("1.1.1.1".into(), 1, 0), ("1.1.1.1".into(), 1, 0)],
            None
        )
        .is_err());
        assert!(Servers::import(vec![("1.1.1.1".into(), 1, 0); MAX_SERVERS + 1], None).is_err());
    }

    #[test]
    fn places_sum_to_the_requests() {
        let mut s = Servers::default();
        s.attribute("8.8.8.8", false, true);
        s.attribute("1.1.1.1", false, true);
        s.attribute("192.0.2.1", false, true);
        let rows = s.rows();
        let mut sums = PlaceSums::default();
        sums.add(&rows, 4);
        let places = sums.rows();
        assert_eq!(places.iter().map(|p| p.requests).sum::<u64>(), 7);
        assert_eq!(places[0].kind, PlaceKind::Unknown);
        assert!(places.iter().any(|p| p.kind == PlaceKind::Special));
        let summary = summary([(&rows[..], 4, Some("google"))].into_iter());
        assert_eq!(summary.iter().map(|p| p.requests).sum::<u64>(), 7);
        assert!(summary.iter().all(|p| p.companies == ["google"]));
    }
}
