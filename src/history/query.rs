//! The dashboard's queries over the history: sums per (site, host) over a period, search, and the overview of
//! jurisdictions, companies, sites, days and flows.

use super::places::ServerTotal;
use super::{Count, History, PlaceCode, SiteDay, MAX_LIMIT};
use crate::db::{self, EntityIndex};
use crate::entity;
use serde::Serialize;

impl History {
    /// Sums the days `from..=to` per (site, host) pair (`u32::MAX` as host: requests to hosts beyond the bound);
    /// returns the pairs sorted by site, the visits per site and the days with their (requests, sites);
    /// `by_host`: each site's pairs sorted by host id (else in no particular order); `with_places`: also the
    /// (site, host, place) triples of the period, each once, sorted, with their pair's requests (else none). They
    /// are gathered and sorted site by site in the same pass, with the requests at hand: a year's sort of every
    /// entry and a map of every pair's requests (1.5 M pairs in the benchmark's year) were half of a whole-year
    /// query.
    pub(crate) fn pairs(
        &self,
        from: u32,
        to: u32,
        keep: &[bool],
        by_host: bool,
        with_places: bool,
    ) -> Pairs {
        let wanted = |id: u32| keep.get(id as usize).copied().unwrap_or(false);
        let mut visits = vec![0u64; self.names.len()];
        let mut days = Vec::new();
        // First pass: the days' rows, and the site-days that count, to be summed per site.
        // (site << 32 | day, index in `refs`)
        let mut entries: Vec<(u64, u64)> = Vec::new();
        let mut refs: Vec<&SiteDay> = Vec::new();
        for (day, sites) in self.range(from, to) {
            let day = *day;
            let mut day_requests = 0u64;
            let mut day_sites = 0u64;
            for s in sites {
                let site_wanted = wanted(s.site);
                let mut counted = false;
                for &(h, c) in &s.hosts {
                    if site_wanted || wanted(h) {
                        day_requests = day_requests.saturating_add(c.requests);
                        counted = true;
                    }
                }
                if site_wanted && s.other.requests > 0 {
                    day_requests = day_requests.saturating_add(s.other.requests);
                    counted = true;
                }
                if counted {
                    day_sites += 1;
                    if let Some(v) = visits.get_mut(s.site as usize) {
                        *v += u64::from(s.visits);
                    }
                    entries.push((
                        (u64::from(s.site) << 32) | u64::from(day),
                        refs.len() as u64,
                    ));
                    refs.push(s);
                }
            }
            if day_sites > 0 {
                days.push(DayRow {
                    day,
                    requests: day_requests,
                    sites: day_sites,
                });
            }
        }
        // Second pass, site by site: each host's sum in a dense slot table (no hashing, no sorting of every entry).
        entries.sort_unstable();
        let mut slot = vec![u32::MAX; self.names.len()];
        // (host, its sum) of the current site
        let mut sums: Vec<(u32, PairSum)> = Vec::new();
        let mut by_id: Vec<(u64, u64)> = Vec::new();
        let mut pairs: Vec<Pair> = Vec::new();
        let mut places: Vec<PairPlace> = Vec::new();
        // (host, place) of the current site
        let mut site_places: Vec<(u32, PlaceCode)> = Vec::new();
        for group in entries.chunk_by(|a, b| a.0 >> 32 == b.0 >> 32) {
            let site = group.first().map_or(0, |e| (e.0 >> 32) as u32);
            let site_wanted = wanted(site);
            let mut other = PairSum::EMPTY;
            sums.clear();
            site_places.clear();
            for (key, s) in group
                .iter()
                .filter_map(|&(key, i)| Some((key, *refs.get(i as usize)?)))
            {
                let day = key as u32; // the low half
                for &(h, c) in &s.hosts {
                    if !(site_wanted || wanted(h)) {
                        continue;
                    }
                    let Some(at) = slot.get_mut(h as usize) else {
                        continue;
                    };
                    let sum = match sums.get_mut(*at as usize) {
                        Some(sum) => sum,
                        None => {
                            *at = sums.len() as u32;
                            sums.push((h, PairSum::EMPTY));
                            let Some(sum) = sums.last_mut() else { continue };
                            sum
                        }
                    };
                    sum.1.add(c, day);
                }
                if site_wanted && s.other.requests > 0 {
                    other.add(s.other, day);
                }
                if with_places {
                    site_places
                        .extend(s.servers.iter().filter(|&&(h, _)| site_wanted || wanted(h)));
                }
            }
            if with_places {
                site_places.sort_unstable();
                site_places.dedup();
                let key = u64::from(site) << 32;
                // Each with its pair's requests, read from the slot table before it is cleared below.
                places.extend(site_places.iter().map(|&(h, code)| {
                    PairPlace {
                        key: key | u64::from(h),
                        code,
                        requests: slot
                            .get(h as usize)
                            .and_then(|&at| sums.get(at as usize))
                            .map_or(0, |sum| sum.1.count.requests),
                    }
                }));
            }
            for &(h, _) in &sums {
                if let Some(at) = slot.get_mut(h as usize) {
                    *at = u32::MAX;
                }
            }
            let key = u64::from(site) << 32;
            if by_host {
                by_id.clear();
                by_id.extend(
                    sums.iter()
                        .enumerate()
                        .map(|(k, e)| (u64::from(e.0), k as u64)),
                );
                by_id.sort_unstable();
                pairs.extend(by_id.iter().filter_map(|&(h, k)| {
                    let &(_, sum) = sums.get(k as usize)?;
                    Some(Pair { key: key | h, sum })
                }));
            } else {
                pairs.extend(sums.iter().map(|&(h, sum)| Pair {
                    key: key | u64::from(h),
                    sum,
                }));
            }
            if other.count.requests > 0 {
                pairs.push(Pair {
                    key: key | u64::from(u32::MAX),
                    sum: other,
                });
            }
        }
        Pairs {
            pairs,
            visits,
            days,
            places,
        }
    }

    /// Which names a search keeps: a case-insensitive (ASCII) part of the name, of its owner's or controller's id or
    /// name, or its controller's country code. Everything for an empty search.
    fn matching(&self, search: &str) -> Vec<bool> {
        let needle = search.trim().to_ascii_lowercase();
        self.names
            .iter()
            .map(|n| {
                needle.is_empty()
                    || n.name.contains(&needle)
                    || n.owner.is_some_and(|o| {
                        [o.entity, o.controller]
                            .into_iter()
                            .filter_map(db::entity)
                            .any(|e| {
                                contains_ascii_ci(e.id, &needle)
                                    || contains_ascii_ci(e.name, &needle)
                                    || e.country.eq_ignore_ascii_case(&needle)
                            })
                    })
            })
            .collect()
    }

    /// The dashboard's view of the days `from..=to`, restricted to rows matching `search` (see
    /// [`History::matching`]; a matching site keeps all its rows); lists are cut to `limit` rows (most requests
    /// first), totals are not.
    pub fn query(&self, from: u32, to: u32, search: &str, limit: usize) -> Overview {
        self.overview(from, to, search, limit.clamp(1, MAX_LIMIT))
    }

    /// [`History::query`] with every row (exports): no limit.
    pub fn query_all(&self, from: u32, to: u32) -> Overview {
        self.overview(from, to, "", usize::MAX)
    }

    fn overview(&self, from: u32, to: u32, search: &str, limit: usize) -> Overview {
        let keep = self.matching(search);
        let Pairs {
            pairs,
            visits,
            days,
            places: pair_places,
        } = self.pairs(from, to, &keep, false, true);
        let mut places = self.places(&pairs, &pair_places);
        let mut totals = OverviewTotals::default();
        // Per entity (dense, indexed by entity).
        let mut companies: Vec<CompanySum> = vec![CompanySum::EMPTY; db::ENTITIES.len()];
        // Rows with their site's id: the name is copied only into the rows kept.
        let mut sites: Vec<(SiteTotal, u32)> = Vec::new();
        // Turned into rows only for the largest `limit`.
        let mut flows: Vec<FlowSum> = Vec::new();
        let mut jurisdictions: Vec<JurisdictionTotal> = Vec::new();

        for group in pairs.chunk_by(Pair::same_site) {
            let site_id = group.first().map_or(0, Pair::site);
            let Some(site) = self.name(site_id) else {
                continue;
            };
            let controller = site.owner.and_then(|o| db::entity(o.controller));
            let mut row = SiteTotal {
                site: String::new(), // filled in for the rows kept
                controller: controller.map(|c| c.id),
                jurisdiction: controller.map(|c| c.country),
                visits: visits.get(site_id as usize).copied().unwrap_or(0),
                requests: 0,
                blocked_requests: 0,
                third_party_requests: 0,
                companies: 0,
                jurisdictions: Vec::new(),
                servers: Vec::new(),
            };
            // (entity, requests) of this site, and its requests per jurisdiction
            let mut site_companies: Vec<(EntityIndex, u64)> = Vec::new();
            let mut site_jurisdictions: Vec<SiteJurisdiction> = Vec::new();
            for pair in group {
                let c = pair.sum.count;
                let host = self.name(pair.host());
                let owner = host.and_then(|h| h.owner);
                let same_site = host.is_some_and(|h| {
                    (h.name_hash == site.name_hash && h.name == site.name)
                        || (h.domain_hash == site.name_hash
                            && h.domain.as_deref() == Some(site.name.as_str()))
                });
                let same_owner = matches!((site.owner, owner), (Some(a), Some(b)) if a.controller == b.controller);
                let third = !same_site && !same_owner;
                totals.requests = totals.requests.saturating_add(c.requests);
                totals.data_requests = totals.data_requests.saturating_add(c.data);
                totals.blocked_requests = totals.blocked_requests.saturating_add(c.blocked);
                row.requests = row.requests.saturating_add(c.requests);
                row.blocked_requests = row.blocked_requests.saturating_add(c.blocked);
                if third {
                    totals.third_party_requests =
                        totals.third_party_requests.saturating_add(c.requests);
                    row.third_party_requests = row.third_party_requests.saturating_add(c.requests);
                }
                let country = host.and_then(|h| h.country);
                let (Some(o), Some(country)) = (owner, country) else {
                    totals.unattributed_requests =
                        totals.unattributed_requests.saturating_add(c.requests);
                    continue;
                };
                let Some(company) = companies.get_mut(usize::from(o.entity)) else {
                    continue;
                };
                company.count.add(c);
                if company.last_site != site_id {
                    company.sites += 1;
                    company.last_site = site_id;
                    company.slot = site_companies.len();
                    site_companies.push((o.entity, 0));
                }
                if let Some(sc) = site_companies.get_mut(company.slot) {
                    sc.1 = sc.1.saturating_add(c.requests);
                }
                let key = host.map_or(0, |h| h.country_key);
                let third = if third { c.requests } else { 0 };
                match site_jurisdictions.iter_mut().find(|j| j.key == key) {
                    Some(j) => {
                        j.requests = j.requests.saturating_add(c.requests);
                        j.blocked = j.blocked.saturating_add(c.blocked);
                        j.third = j.third.saturating_add(third);
                    }
                    None => site_jurisdictions.push(SiteJurisdiction {
                        key,
                        country,
                        requests: c.requests,
                        blocked: c.blocked,
                        third,
                    }),
                }
            }
            for &SiteJurisdiction {
                key,
                country,
                requests,
                blocked,
                third,
            } in &site_jurisdictions
            {
                let j = match jurisdictions
                    .iter_mut()
                    .position(|j| code_key(j.country) == key)
                {
                    Some(i) => jurisdictions.get_mut(i),
                    None => {
                        jurisdictions.push(JurisdictionTotal {
                            country,
                            ..JurisdictionTotal::default()
                        });
                        jurisdictions.last_mut()
                    }
                };
                if let Some(j) = j {
                    j.requests = j.requests.saturating_add(requests);
                    j.blocked_requests = j.blocked_requests.saturating_add(blocked);
                    j.third_party_requests = j.third_party_requests.saturating_add(third);
                    j.sites += 1;
                }
            }
            flows.extend(
                site_companies
                    .iter()
                    .filter(|&&(_, requests)| requests > 0)
                    .map(|&(entity, requests)| FlowSum {
                        requests,
                        site: site_id,
                        entity,
                    }),
            );
            // The jurisdictions its requests went to (not those of its blocked requests only).
            site_jurisdictions.retain(|j| j.requests > 0);
            site_jurisdictions.sort_unstable_by(|a, b| {
                b.requests.cmp(&a.requests).then(a.country.cmp(b.country))
            });
            row.companies = site_companies.len() as u64;
            row.jurisdictions = site_jurisdictions.into_iter().map(|j| j.country).collect();
            sites.push((row, site_id));
        }

        let mut company_rows: Vec<CompanyTotal> = Vec::new();
        for (
            e,
            CompanySum {
                count: c,
                sites: site_count,
                ..
            },
        ) in companies.into_iter().enumerate()
        {
            let Ok(e) = EntityIndex::try_from(e) else {
                break;
            };
            if site_count == 0 {
                continue;
            }
            let (Some(company), Some(controller)) =
                (db::entity(e), db::entity(entity::controller(e)))
            else {
                continue;
            };
            if let Some(j) = jurisdictions
                .iter_mut()
                .find(|j| j.country == controller.country)
            {
                j.data_requests = j.data_requests.saturating_add(c.data);
                j.companies += 1;
            }
            company_rows.push(CompanyTotal {
                id: company.id,
                name: company.name,
                country: company.country,
                controller: controller.id,
                controller_name: controller.name,
                jurisdiction: controller.country,
                requests: c.requests,
                data_requests: c.data,
                blocked_requests: c.blocked,
                sites: site_count,
                servers: places.companies.remove(&e).unwrap_or_default(),
            });
        }
        totals.sites = sites.len() as u64;
        totals.visits = sites.iter().fold(0, |n, s| n.saturating_add(s.0.visits));
        // Companies and jurisdictions that received requests (one whose every request was blocked received none).
        totals.companies = company_rows.iter().filter(|c| c.requests > 0).count() as u64;
        totals.jurisdictions = jurisdictions.iter().filter(|j| j.requests > 0).count() as u64;
        // What was blocked, before the lists are cut.
        let mut blocked_jurisdictions: Vec<BlockedTotal> = jurisdictions
            .iter()
            .filter(|j| j.blocked_requests > 0)
            .map(|j| BlockedTotal {
                id: j.country,
                name: j.country,
                jurisdiction: j.country,
                blocked_requests: j.blocked_requests,
            })
            .collect();
        let mut blocked_companies: Vec<BlockedTotal> = company_rows
            .iter()
            .filter(|c| c.blocked_requests > 0)
            .map(|c| BlockedTotal {
                id: c.id,
                name: c.name,
                jurisdiction: c.jurisdiction,
                blocked_requests: c.blocked_requests,
            })
            .collect();
        for list in [&mut blocked_jurisdictions, &mut blocked_companies] {
            list.sort_unstable_by(|a, b| {
                b.blocked_requests
                    .cmp(&a.blocked_requests)
                    .then(a.id.cmp(b.id))
            });
            list.truncate(limit);
        }

        jurisdictions.sort_unstable_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then(b.blocked_requests.cmp(&a.blocked_requests))
                .then(a.country.cmp(b.country))
        });
        company_rows.sort_unstable_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then(b.blocked_requests.cmp(&a.blocked_requests))
                .then(a.id.cmp(b.id))
        });
        company_rows.truncate(limit);
        let site_name = |id: u32| self.name(id).map_or("", |n| n.name.as_str());
        sites.sort_unstable_by(|a, b| {
            b.0.requests
                .cmp(&a.0.requests)
                .then_with(|| site_name(a.1).cmp(site_name(b.1)))
        });
        sites.truncate(limit);
        let sites: Vec<SiteTotal> = sites
            .into_iter()
            .map(|(mut row, id)| {
                row.site = site_name(id).to_string();
                row.servers = places.sites.remove(&id).unwrap_or_default();
                row
            })
            .collect();
        // The largest `limit` flows (by requests, then site and entity ids), without sorting them all.
        let order = |a: &FlowSum, b: &FlowSum| {
            b.requests
                .cmp(&a.requests)
                .then(a.site.cmp(&b.site))
                .then(a.entity.cmp(&b.entity))
        };
        if flows.len() > limit {
            flows.select_nth_unstable_by(limit, order);
            flows.truncate(limit);
        }
        flows.sort_unstable_by(order);
        let flows = flows
            .into_iter()
            .filter_map(|f| {
                Some(Flow {
                    site: self.name(f.site)?.name.clone(),
                    company: db::entity(f.entity)?.id,
                    jurisdiction: entity::jurisdiction(f.entity)?,
                    requests: f.requests,
                })
            })
            .collect();
        Overview {
            totals,
            jurisdictions,
            companies: company_rows,
            sites,
            days,
            flows,
            blocked_jurisdictions,
            blocked_companies,
            servers: places.places,
        }
    }
}

/// What a query sums per entity: its counts, on how many sites, the last site it was seen on and its slot in
/// that site's list of companies.
#[derive(Clone, Copy, Debug)]
struct CompanySum {
    count: Count,
    sites: u64,
    last_site: u32,
    slot: usize,
}

impl CompanySum {
    const EMPTY: CompanySum = CompanySum {
        count: Count::ZERO,
        sites: 0,
        last_site: u32::MAX,
        slot: 0,
    };
}

/// A site's requests to one controlling jurisdiction (`key`: its [`code_key`]): all, blocked, third-party.
struct SiteJurisdiction {
    key: u64,
    country: &'static str,
    requests: u64,
    blocked: u64,
    third: u64,
}

/// A site → company flow before it becomes a [`Flow`] row.
struct FlowSum {
    requests: u64,
    site: u32,
    entity: EntityIndex,
}

/// The sum of one (site, host) pair over a period: its counts, and the first and last day it had any.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PairSum {
    pub(crate) count: Count,
    pub(crate) first_day: u32,
    pub(crate) last_day: u32,
}

impl PairSum {
    const EMPTY: PairSum = PairSum {
        count: Count::ZERO,
        first_day: u32::MAX,
        last_day: 0,
    };

    fn add(&mut self, c: Count, day: u32) {
        self.count.add(c);
        self.first_day = self.first_day.min(day);
        self.last_day = self.last_day.max(day);
    }
}

/// One (site, host) pair of a period and its sum; `key` is `site << 32 | host` (host `u32::MAX`: the site's requests
/// to hosts beyond [`super::MAX_HOSTS_PER_SITE`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pair {
    pub(crate) key: u64,
    pub(crate) sum: PairSum,
}

impl Pair {
    pub(crate) fn site(&self) -> u32 {
        (self.key >> 32) as u32
    }

    pub(crate) fn host(&self) -> u32 {
        (self.key & 0xffff_ffff) as u32
    }

    /// Whether two pairs (sorted by site) are of the same site: for `chunk_by`.
    pub(crate) fn same_site(a: &Pair, b: &Pair) -> bool {
        a.key >> 32 == b.key >> 32
    }
}

/// A query's first pass (see [`History::pairs`]).
pub(crate) struct Pairs {
    pub(crate) pairs: Vec<Pair>,
    pub(crate) visits: Vec<u64>,
    pub(crate) days: Vec<DayRow>,
    /// The period's (site, host, place) triples, each once, sorted: when asked for.
    pub(crate) places: Vec<PairPlace>,
}

/// Where the servers of one (site, host) pair stood in a period: one place, and the pair's requests in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PairPlace {
    /// `site << 32 | host`, as [`Pair::key`].
    pub(crate) key: u64,
    pub(crate) code: PlaceCode,
    /// The pair's requests in the period (all of them, whichever of its places they went to).
    pub(crate) requests: u64,
}

/// A jurisdiction code (two letters) as a number, compared without a call to `memcmp`; longer codes (none in the
/// database) would share the key of their first 8 bytes.
#[inline(always)]
pub(crate) fn code_key(code: &str) -> u64 {
    code.bytes()
        .take(8)
        .fold(code.len() as u64, |key, b| (key << 8) | u64::from(b))
}

/// Whether `hay` contains the lower-case ASCII `needle`, ignoring ASCII case (no Unicode tables in the wasm).
fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || hay.windows(needle.len()).any(|w| {
            w.iter()
                .zip(needle)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
}

/// The dashboard's answer (see [`History::query`]).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overview {
    pub totals: OverviewTotals,
    /// Every controlling jurisdiction that received requests, most requests first.
    pub jurisdictions: Vec<JurisdictionTotal>,
    pub companies: Vec<CompanyTotal>,
    pub sites: Vec<SiteTotal>,
    /// Days with matching activity, oldest first.
    pub days: Vec<DayRow>,
    /// Site → company → jurisdiction flows, largest first.
    pub flows: Vec<Flow>,
    /// Where the servers stood (the map "servers in"), most requests first; `unknown` last.
    pub servers: Vec<ServerTotal>,
    /// The controlling jurisdictions of blocked requests, most blocked first (`id`, `name` and `jurisdiction` are
    /// the code).
    pub blocked_jurisdictions: Vec<BlockedTotal>,
    /// The companies (direct owners) of blocked requests, most blocked first.
    pub blocked_companies: Vec<BlockedTotal>,
}

/// Blocked requests of a jurisdiction or a company over the period.
#[derive(Clone, Debug, Serialize)]
pub struct BlockedTotal {
    pub id: &'static str,
    pub name: &'static str,
    pub jurisdiction: &'static str,
    pub blocked_requests: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct OverviewTotals {
    pub sites: u64,
    pub visits: u64,
    pub requests: u64,
    pub data_requests: u64,
    pub third_party_requests: u64,
    pub unattributed_requests: u64,
    pub companies: u64,
    pub jurisdictions: u64,
    /// Requests the browser blocked (not in `requests`).
    pub blocked_requests: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct JurisdictionTotal {
    pub country: &'static str,
    pub requests: u64,
    pub data_requests: u64,
    /// The requests of `requests` that went to third parties (the home line: src/view.rs).
    pub third_party_requests: u64,
    pub blocked_requests: u64,
    pub companies: u64,
    pub sites: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyTotal {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub controller: &'static str,
    pub controller_name: &'static str,
    pub jurisdiction: &'static str,
    pub requests: u64,
    pub data_requests: u64,
    pub blocked_requests: u64,
    pub sites: u64,
    /// Where its hosts' servers stood: country codes or kinds of place (`local`, `proxy`, …), most requests first.
    pub servers: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteTotal {
    pub site: String,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
    pub visits: u64,
    pub requests: u64,
    pub blocked_requests: u64,
    pub third_party_requests: u64,
    pub companies: u64,
    /// Controlling jurisdictions its requests went to, most requests first.
    pub jurisdictions: Vec<&'static str>,
    /// Where its hosts' servers stood (as [`CompanyTotal::servers`]).
    pub servers: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DayRow {
    pub day: u32,
    pub requests: u64,
    pub sites: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    pub site: String,
    pub company: &'static str,
    pub jurisdiction: &'static str,
    pub requests: u64,
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{visit, PAGE};
    use super::*;

    #[test]
    fn search_and_prune() {
        let mut h = History::new();
        let v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
                ("https://www.google-analytics.com/collect", "ping", "GET"),
            ],
        );
        h.record(1, 1, &v.report(), 10);
        h.record(2, 1, &v.report(), 11);
        let o = h.query(0, 100, "YANDEX", 10);
        assert_eq!(o.totals.requests, 2);
        assert_eq!(o.jurisdictions.len(), 1);
        assert_eq!(o.jurisdictions.first().map(|j| j.country), Some("RU"));
        assert_eq!(h.query(0, 100, "ru", 10).totals.requests, 2, "by country");
        assert_eq!(h.query(0, 100, "news.example", 10).totals.requests, 6);
        assert_eq!(h.query(0, 100, "nothing-like-this", 10).totals.requests, 0);
        assert_eq!(h.query(11, 11, "", 10).days.len(), 1);
        h.record(3, 1, &v.report(), 5);
        assert_eq!(h.days(), vec![5, 10, 11], "days stay sorted");
        assert_eq!(h.query(0, 9, "", 10).totals.requests, 3);
        h.prune(11);
        assert_eq!(h.days(), vec![11]);
    }

    #[test]
    fn ascii_case_insensitive_search() {
        assert!(contains_ascii_ci("Google LLC", "google"));
        assert!(contains_ascii_ci("ByteDance Ltd.", "dance"));
        assert!(!contains_ascii_ci("Goo", "google"));
    }
}
