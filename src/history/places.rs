//! The history's server places over a period: where the hosts' servers stood (the dashboard's map "servers in",
//! its tables of places, companies and sites, and the exports), from the (host, place) pairs the days keep.

use super::query::{Pair, PairPlace};
use super::{place_kind, History, PlaceCode};
use crate::db::EntityIndex;
use crate::hash::FnvMap;
use crate::servers::PlaceKind;
use serde::Serialize;

/// Requests to one place over a period: those of the (site, host) pairs whose servers stood there (a host served
/// from several places counts in each), and the sites they were made from. `kind` `unknown`: the requests of pairs
/// without any server place (served from the cache, blocked, failed, or recorded before server places were kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerTotal {
    pub kind: PlaceKind,
    pub country: Option<String>,
    pub requests: u64,
    pub sites: u64,
}

/// What [`History::places`] sums: the places, and per company and per site its places (most requests first).
#[derive(Default)]
pub(crate) struct PlaceTotals {
    pub(crate) places: Vec<ServerTotal>,
    pub(crate) companies: FnvMap<EntityIndex, Vec<String>>,
    pub(crate) sites: FnvMap<u32, Vec<String>>,
}

/// A place's name in the views and exports: its country code, or its kind (`local`, `proxy`, `special`,
/// `unlocated`).
pub fn place_name(code: PlaceCode) -> String {
    match place_kind(code) {
        Some(PlaceKind::Country) => code.iter().map(|&b| char::from(b)).collect(),
        Some(PlaceKind::Local) => "local".to_string(),
        Some(PlaceKind::Proxy) => "proxy".to_string(),
        Some(PlaceKind::Special) => "special".to_string(),
        Some(PlaceKind::Unlocated) => "unlocated".to_string(),
        Some(PlaceKind::Unknown) | None => "unknown".to_string(),
    }
}

/// Each key's places, by requests (then code), from the requests per (key, place).
fn ranked<K: Copy + Eq + Ord + std::hash::Hash>(
    sums: FnvMap<(K, PlaceCode), u64>,
) -> FnvMap<K, Vec<String>> {
    let mut rows: Vec<((K, PlaceCode), u64)> = sums.into_iter().collect();
    rows.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: FnvMap<K, Vec<String>> = FnvMap::default();
    for ((key, code), _) in rows {
        out.entry(key).or_default().push(place_name(code));
    }
    out
}

impl History {
    /// Where the servers of the period's (site, host) `pairs` stood (`places`: those of [`History::pairs`]).
    pub(crate) fn places(&self, pairs: &[Pair], places: &[PairPlace]) -> PlaceTotals {
        // (code, requests, sites, last site) per place; per company and site (key, code, requests).
        let mut totals: Vec<(PlaceCode, u64, u64, u32)> = Vec::new();
        let mut companies: FnvMap<(EntityIndex, PlaceCode), u64> = FnvMap::default();
        let mut sites: FnvMap<(u32, PlaceCode), u64> = FnvMap::default();
        let mut located = 0u64;
        let mut last_key = None;
        for &PairPlace {
            key,
            code,
            requests: n,
        } in places
        {
            let (site, host) = ((key >> 32) as u32, (key & 0xffff_ffff) as u32);
            if last_key != Some(key) {
                located = located.saturating_add(n);
                last_key = Some(key);
            }
            match totals.iter_mut().find(|t| t.0 == code) {
                Some(t) => {
                    t.1 = t.1.saturating_add(n);
                    if t.3 != site {
                        t.2 += 1;
                        t.3 = site;
                    }
                }
                None => totals.push((code, n, 1, site)),
            }
            if let Some(owner) = self.name(host).and_then(|h| h.owner) {
                let sum = companies.entry((owner.entity, code)).or_default();
                *sum = sum.saturating_add(n);
            }
            let sum = sites.entry((site, code)).or_default();
            *sum = sum.saturating_add(n);
        }
        let all: u64 = pairs
            .iter()
            .fold(0u64, |n, p| n.saturating_add(p.sum.count.requests));
        let mut rows: Vec<ServerTotal> = totals
            .into_iter()
            .filter_map(|(code, requests, sites, _)| {
                let kind = place_kind(code)?;
                Some(ServerTotal {
                    kind,
                    country: (kind == PlaceKind::Country).then(|| place_name(code)),
                    requests,
                    sites,
                })
            })
            .collect();
        rows.sort_unstable_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then(a.kind.cmp(&b.kind))
                .then(a.country.cmp(&b.country))
        });
        let unknown = all.saturating_sub(located);
        if unknown > 0 {
            // Sites with a pair of no place: each site's places are one run of the sorted places.
            let mut rest = places;
            let unknown_sites = pairs
                .chunk_by(Pair::same_site)
                .filter(|g| {
                    let site = g.first().map_or(0, Pair::site);
                    let start = rest.partition_point(|q| (q.key >> 32) < u64::from(site));
                    let len = rest
                        .get(start..)
                        .unwrap_or(&[])
                        .partition_point(|q| (q.key >> 32) == u64::from(site));
                    let of_site = rest.get(start..start + len).unwrap_or(&[]);
                    rest = rest.get(start + len..).unwrap_or(&[]);
                    g.iter()
                        .any(|p| of_site.binary_search_by(|q| q.key.cmp(&p.key)).is_err())
                })
                .count() as u64;
            rows.push(ServerTotal {
                kind: PlaceKind::Unknown,
                country: None,
                requests: unknown,
                sites: unknown_sites,
            });
        }
        PlaceTotals {
            places: rows,
            companies: ranked(companies),
            sites: ranked(sites),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{visit, PAGE};
    use super::*;

    /// A visit whose hosts were answered from: news (the local network), Yandex (a public server; a country with the
    /// bundled table), Google Analytics (through a proxy) and a request from the cache (no server: no place).
    fn visit_with_servers() -> crate::report::Visit {
        let ya = "https://mc.yandex.ru/watch/1";
        let ga = "https://www.google-analytics.com/collect";
        let mut v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                (ya, "script", "GET"),
                (ga, "ping", "GET"),
                (ga, "ping", "GET"),
            ],
        );
        assert!(v.set_ip(PAGE, "192.168.1.10", false, true));
        assert!(v.set_ip(ya, "77.88.55.88", false, true));
        assert!(v.set_ip(ga, "127.0.0.1", true, true));
        v
    }

    #[test]
    fn server_places_are_recorded_per_host_stored_and_summed() {
        let mut h = History::new();
        let v = visit_with_servers();
        assert!(h.record(1, 1, &v.report(), 30));
        assert!(
            !h.record(1, 1, &v.report(), 30),
            "the same places again change nothing"
        );
        let Some(day) = h.export_day(30) else {
            panic!("day missing")
        };
        let yandex = place_name(*b"RU");
        assert!(day.contains(":~l") && day.contains(":~p"), "{day}");
        let mut back = History::new();
        assert_eq!(back.import_day(&day), Ok(30));
        assert_eq!(back.export_day(30).as_deref(), Some(day.as_str()));
        let o = back.query(30, 30, "", 10);
        let places: Vec<(PlaceKind, Option<&str>, u64, u64)> = o
            .servers
            .iter()
            .map(|s| (s.kind, s.country.as_deref(), s.requests, s.sites))
            .collect();
        let located = o.servers.iter().find(|s| s.country.is_some());
        assert_eq!(
            located.and_then(|s| s.country.clone()),
            Some(yandex.clone())
        );
        assert_eq!(
            places,
            [
                (PlaceKind::Proxy, None, 2, 1),
                (PlaceKind::Country, Some(yandex.as_str()), 1, 1),
                (PlaceKind::Local, None, 1, 1),
            ]
        );
        let company = |id: &str| {
            o.companies
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.servers.clone())
        };
        assert_eq!(company("yandex"), Some(vec![yandex.clone()]));
        assert_eq!(company("google"), Some(vec!["proxy".to_string()]));
        assert_eq!(
            o.sites.first().map(|s| s.servers.clone()),
            Some(vec!["proxy".to_string(), yandex, "local".to_string()])
        );
    }

    #[test]
    fn places_over_days_and_sites_count_each_pair_once_and_the_sites_without_a_place() {
        let ya = "https://mc.yandex.ru/watch/1";
        let ga = "https://www.google-analytics.com/collect";
        let mut h = History::new();
        // Day 40: the news site with Yandex in RU and Google Analytics unplaced; another site with Yandex in RU.
        let mut v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                (ya, "script", "GET"),
                (ga, "ping", "GET"),
            ],
        );
        assert!(v.set_ip(ya, "77.88.55.88", false, true));
        h.record(1, 1, &v.report(), 40);
        let other = "https://www.other.example/";
        let mut w = visit(
            other,
            &[(other, "main_frame", "GET"), (ya, "script", "GET")],
        );
        assert!(w.set_ip(other, "192.168.1.10", false, true));
        assert!(w.set_ip(ya, "77.88.55.88", false, true));
        h.record(2, 1, &w.report(), 40);
        // Day 41: the news site again, Yandex answered from the local network this time; a third site, unplaced.
        let mut v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                (ya, "script", "GET"),
                (ya, "image", "GET"),
            ],
        );
        assert!(v.set_ip(PAGE, "192.168.1.10", false, true));
        assert!(v.set_ip(ya, "192.168.1.20", false, true));
        h.record(1, 2, &v.report(), 41);
        let third = "https://www.third.example/";
        h.record(
            3,
            1,
            &visit(third, &[(third, "main_frame", "GET")]).report(),
            41,
        );

        let o = h.query(40, 41, "", 10);
        let rows: Vec<(PlaceKind, u64, u64)> = o
            .servers
            .iter()
            .map(|s| (s.kind, s.requests, s.sites))
            .collect();
        // Yandex on the news site: 3 requests in the period, in RU and in the local network (each place counts the
        // pair's requests); the news page (2 requests, local on day 41) and the other site's page and Yandex.
        // Unplaced: Google Analytics (1) and the third site's page (1), on two sites.
        assert_eq!(
            rows,
            [
                (PlaceKind::Local, 3 + 2 + 1, 2),
                (PlaceKind::Country, 3 + 1, 2),
                (PlaceKind::Unknown, 2, 2),
            ]
        );
        assert_eq!(o.totals.requests, 3 + 2 + 2 + 1 + 1);
        // A search keeps the matching sites' pairs only.
        let o = h.query(40, 41, "other.example", 10);
        let rows: Vec<(PlaceKind, u64, u64)> = o
            .servers
            .iter()
            .map(|s| (s.kind, s.requests, s.sites))
            .collect();
        assert_eq!(rows, [(PlaceKind::Country, 1, 1), (PlaceKind::Local, 1, 1)]);
    }

    #[test]
    fn requests_without_a_server_place_are_unknown_and_old_days_have_none() {
        let mut h = History::new();
        let v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
            ],
        );
        h.record(1, 1, &v.report(), 31);
        let o = h.query(31, 31, "", 10);
        let unknown: Vec<(PlaceKind, u64, u64)> = o
            .servers
            .iter()
            .map(|s| (s.kind, s.requests, s.sites))
            .collect();
        assert_eq!(unknown, [(PlaceKind::Unknown, 2, 1)]);
        // A day of version 2 (before server places): read, with its requests unknown.
        let mut old = History::new();
        assert_eq!(old.import_day("2 9\n0/a.example\n0.1 0.5"), Ok(9));
        let o = old.query(9, 9, "", 10);
        assert_eq!(
            o.servers
                .iter()
                .map(|s| (s.kind, s.requests))
                .collect::<Vec<_>>(),
            [(PlaceKind::Unknown, 5)]
        );
    }

    #[test]
    fn place_codes_round_trip_and_refuse_damage() {
        use crate::servers::Place;
        for place in [
            Place {
                kind: PlaceKind::Country,
                country: Some("US"),
            },
            Place {
                kind: PlaceKind::Local,
                country: None,
            },
            Place {
                kind: PlaceKind::Proxy,
                country: None,
            },
            Place {
                kind: PlaceKind::Special,
                country: None,
            },
            Place {
                kind: PlaceKind::Unlocated,
                country: None,
            },
        ] {
            let Some(code) = super::super::place_code(place) else {
                panic!("{place:?} has a code")
            };
            assert_eq!(place_kind(code), Some(place.kind));
        }
        assert_eq!(
            super::super::place_code(crate::servers::Place::UNKNOWN),
            None
        );
        let odd = Place {
            kind: PlaceKind::Country,
            country: Some("usa"),
        };
        assert_eq!(super::super::place_code(odd), None);
        for bad in [*b"us", *b"~x", *b"U1", [0, 0], [0xff, b'A']] {
            assert_eq!(place_kind(bad), None);
            assert_eq!(place_name(bad), "unknown");
        }
    }
}
