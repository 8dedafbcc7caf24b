//! View models: what the extension's pages show, computed here so that the JS only renders it. The popup's view of
//! a tab (its report, grouped and summed the way the popup lists it), the dashboard's view of a period (its overview,
//! dates, watched jurisdictions and the flow diagram's nodes and links) and the options page's choices.

use crate::db;
use crate::history::{day_string, History, Overview};
use crate::jurisdiction::{self, Law};
use crate::report::{CompanyRow, Party, Report};
use crate::servers::PlaceKind;
use crate::watchlist::{self, GroupView, Watchlist};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the popup shows of a visit, in one piece (`docs/report-format.md`, "Popup view"): the report, the laws of
/// the report's controlling jurisdictions that have any, its jurisdictions on the person's watchlist (most requests
/// first), and the report arranged as the popup lists it. The background answers the popup with it as one JSON
/// string, so that the popup needs no wasm core of its own.
#[derive(Clone, Debug, Serialize)]
pub struct PopupView {
    pub report: Report,
    pub laws: BTreeMap<&'static str, Vec<Law>>,
    pub watched: Vec<&'static str>,
    /// The name of the site's controller, when the database knows it.
    pub site_controller_name: Option<&'static str>,
    /// The companies that belong with the site (none of their hosts is a third party: the same site, or the same
    /// ultimate controller), by their ids, most requests first.
    pub own: Vec<&'static str>,
    /// The third-party companies grouped by the controlling jurisdiction, in the report's order of jurisdictions
    /// (most requests first); companies without a jurisdiction last, in a group without country.
    pub groups: Vec<JurisdictionGroup>,
    /// The bar of requests by controlling jurisdiction: the report's jurisdictions, then the unattributed requests
    /// (`country: null`) if any.
    pub bar: Vec<BarSegment>,
    /// Hosts that no company in the database owns, most requests first.
    pub unattributed: Vec<String>,
    /// The second bar, "where the servers are": requests by place (the report's `servers`), most first.
    pub server_bar: Vec<ServerSegment>,
    /// Server countries that are no controlling jurisdiction of the page's companies (their laws reach the machines
    /// as well), most requests first.
    pub server_only: Vec<&'static str>,
    /// Per company, in the report's order: where its servers are, for its line "controlled from CN · servers in US (Oracle
    /// Cloud)".
    pub servers: Vec<CompanyServers>,
    /// Whether the IP data is loaded (else public servers are unlocated).
    pub ip_data: bool,
}

/// One place of the "where the servers are" bar.
#[derive(Clone, Debug, Serialize)]
pub struct ServerSegment {
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
    pub requests: u64,
    /// The country is on the watchlist.
    pub watched: bool,
}

/// Where one company's servers are, as its line shows it.
#[derive(Clone, Debug, Serialize)]
pub struct CompanyServers {
    /// The company (entity id).
    pub id: &'static str,
    /// Places, most requests first, each with the names of up to [`NETWORKS_SHOWN`] networks.
    pub places: Vec<CompanyPlace>,
    /// A server country differs from the company's controlling jurisdiction (both laws reach the data).
    pub differs: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyPlace {
    pub kind: PlaceKind,
    pub country: Option<&'static str>,
    pub requests: u64,
    pub networks: Vec<&'static str>,
}

/// Network names a company's line shows per place at most.
pub const NETWORKS_SHOWN: usize = 2;

#[derive(Clone, Debug, Serialize)]
pub struct JurisdictionGroup {
    pub country: Option<&'static str>,
    pub requests: u64,
    pub watched: bool,
    /// Company ids, most requests first.
    pub companies: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BarSegment {
    pub country: Option<&'static str>,
    pub requests: u64,
    pub watched: bool,
}

impl PopupView {
    pub fn new(report: Report, watchlist: &Watchlist) -> PopupView {
        let laws = report
            .jurisdictions
            .iter()
            .filter_map(|j| jurisdiction::get(j.country))
            .filter(|j| !j.laws.is_empty())
            .map(|j| (j.code, j.laws))
            .collect();
        let watched = watchlist.filter(report.jurisdictions.iter().map(|j| j.country));
        let site_controller_name = report
            .page
            .controller
            .and_then(db::entity_by_id)
            .and_then(db::entity)
            .map(|e| e.name);

        // A company belongs with the site when none of its hosts is a third party.
        let third_hosts: BTreeSet<&str> = report
            .hosts
            .iter()
            .filter(|h| h.party == Party::Third)
            .map(|h| h.host.as_str())
            .collect();
        let is_own = |c: &CompanyRow| {
            if c.hosts.is_empty() {
                let controller = c.chain.last().map_or(c.id, |l| l.id);
                return report.page.controller == Some(controller);
            }
            !c.hosts.iter().any(|h| third_hosts.contains(h.as_str()))
        };
        let (own, third): (Vec<&CompanyRow>, Vec<&CompanyRow>) =
            report.companies.iter().partition(|c| is_own(c));

        // Third parties by jurisdiction, in the report's order; the companies keep the report's order.
        let mut groups: Vec<JurisdictionGroup> = Vec::new();
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        for j in &report.jurisdictions {
            let members: Vec<&CompanyRow> = third
                .iter()
                .filter(|c| c.jurisdiction == Some(j.country) && !placed.contains(c.id))
                .copied()
                .collect();
            if members.is_empty() {
                continue;
            }
            placed.extend(members.iter().map(|c| c.id));
            groups.push(JurisdictionGroup {
                country: Some(j.country),
                requests: members.iter().map(|c| c.requests).sum(),
                watched: watched.contains(&j.country),
                companies: members.iter().map(|c| c.id).collect(),
            });
        }
        let rest: Vec<&CompanyRow> = third
            .iter()
            .filter(|c| !placed.contains(c.id))
            .copied()
            .collect();
        if !rest.is_empty() {
            groups.push(JurisdictionGroup {
                country: None,
                requests: rest.iter().map(|c| c.requests).sum(),
                watched: false,
                companies: rest.iter().map(|c| c.id).collect(),
            });
        }

        let mut bar: Vec<BarSegment> = report
            .jurisdictions
            .iter()
            .map(|j| BarSegment {
                country: Some(j.country),
                requests: j.requests,
                watched: watched.contains(&j.country),
            })
            .collect();
        if report.totals.unattributed_requests > 0 {
            bar.push(BarSegment {
                country: None,
                requests: report.totals.unattributed_requests,
                watched: false,
            });
        }
        let unattributed = report
            .hosts
            .iter()
            .filter(|h| h.entity.is_none())
            .map(|h| h.host.clone())
            .collect();
        let server_bar = report
            .servers
            .iter()
            .map(|s| ServerSegment {
                kind: s.kind,
                country: s.country,
                requests: s.requests,
                watched: s.country.is_some_and(|c| watchlist.contains(c)),
            })
            .collect();
        let controlling: BTreeSet<&str> = report.jurisdictions.iter().map(|j| j.country).collect();
        let server_only = report
            .servers
            .iter()
            .filter_map(|s| s.country)
            .filter(|c| !controlling.contains(c))
            .collect();
        let servers = report
            .companies
            .iter()
            .map(|c| {
                let places = c
                    .servers
                    .iter()
                    .map(|p| CompanyPlace {
                        kind: p.kind,
                        country: p.country,
                        requests: p.requests,
                        networks: p
                            .networks
                            .iter()
                            .take(NETWORKS_SHOWN)
                            .map(|n| n.name)
                            .collect(),
                    })
                    .collect();
                let differs = c
                    .jurisdiction
                    .is_some_and(|j| c.servers.iter().any(|p| p.country.is_some_and(|s| s != j)));
                CompanyServers {
                    id: c.id,
                    places,
                    differs,
                }
            })
            .collect();
        PopupView {
            server_bar,
            server_only,
            servers,
            ip_data: report.ip_data.is_some(),
            laws,
            watched,
            site_controller_name,
            own: own.iter().map(|c| c.id).collect(),
            groups,
            bar,
            unattributed,
            report,
        }
    }

    /// The view as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Sites and companies the dashboard's flow diagram shows at most.
pub const FLOW_SITES: usize = 10;
pub const FLOW_COMPANIES: usize = 14;
/// Flows named in the diagram's text description at most.
pub const FLOW_DESCRIBED: usize = 15;

/// The dashboard's view of a period: the overview, the dates of its days, its jurisdictions on the watchlist, and
/// the flow diagram.
#[derive(Clone, Debug, Serialize)]
pub struct DashboardView {
    pub overview: Overview,
    /// `YYYY-MM-DD` of the days `from..=to` (at most [`MAX_DATES`]).
    pub dates: Vec<String>,
    pub watched: Vec<&'static str>,
    pub flow: FlowDiagram,
}

/// Day labels a dashboard view carries at most (its chart shows 400 days at most).
pub const MAX_DATES: usize = 4_000;

/// A three-column flow diagram: the top sites → their top companies → the controlling jurisdictions. Values are
/// requests; the page only lays it out.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FlowDiagram {
    pub sites: Vec<FlowNode>,
    pub companies: Vec<FlowNode>,
    pub jurisdictions: Vec<FlowNode>,
    /// Site → company links (the jurisdiction colours them), sites' order first, then companies'.
    pub site_links: Vec<FlowLink>,
    /// Company → jurisdiction links.
    pub company_links: Vec<FlowLink>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlowNode {
    /// A site name, a company id or a jurisdiction code.
    pub id: String,
    /// What to write beside it: the site, the company's name, the code (the page localises it).
    pub label: String,
    pub requests: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlowLink {
    pub from: String,
    pub to: String,
    pub jurisdiction: &'static str,
    pub requests: u64,
    pub watched: bool,
}

impl DashboardView {
    /// The view of the days `from..=to` of `history`, searched and cut as [`History::query`] does.
    pub fn new(
        history: &History,
        from: u32,
        to: u32,
        search: &str,
        limit: usize,
        watchlist: &Watchlist,
    ) -> DashboardView {
        let overview = history.query(from, to, search, limit);
        let dates = (from..=to).take(MAX_DATES).map(day_string).collect();
        let codes: BTreeSet<&'static str> = overview
            .jurisdictions
            .iter()
            .map(|j| j.country)
            .chain(overview.companies.iter().map(|c| c.jurisdiction))
            .chain(
                overview
                    .sites
                    .iter()
                    .flat_map(|s| s.jurisdictions.iter().copied()),
            )
            .chain(overview.flows.iter().map(|f| f.jurisdiction))
            .collect();
        let watched = watchlist.filter(codes);
        let flow = FlowDiagram::new(&overview, watchlist);
        DashboardView {
            overview,
            dates,
            watched,
            flow,
        }
    }
}

/// Keys ranked by their summed requests, most first (ties by key), the first `n`.
fn top<'a>(items: impl Iterator<Item = (&'a str, u64)>, n: usize) -> Vec<(&'a str, u64)> {
    let mut sums: BTreeMap<&str, u64> = BTreeMap::new();
    for (k, v) in items {
        *sums.entry(k).or_default() += v;
    }
    let mut ranked: Vec<(&str, u64)> = sums.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked.truncate(n);
    ranked
}

impl FlowDiagram {
    pub fn new(overview: &Overview, watchlist: &Watchlist) -> FlowDiagram {
        let flows = &overview.flows;
        let sites: Vec<&str> = top(
            flows.iter().map(|f| (f.site.as_str(), f.requests)),
            FLOW_SITES,
        )
        .into_iter()
        .map(|(s, _)| s)
        .collect();
        let shown: Vec<_> = flows
            .iter()
            .filter(|f| sites.contains(&f.site.as_str()))
            .collect();
        // The companies with most requests overall that have a flow from a shown site.
        let companies: Vec<&str> = top(
            flows.iter().map(|f| (f.company, f.requests)),
            FLOW_COMPANIES,
        )
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| shown.iter().any(|f| f.company == *c))
        .collect();
        let kept: Vec<_> = shown
            .into_iter()
            .filter(|f| companies.contains(&f.company))
            .collect();
        let jurisdictions = top(
            kept.iter().map(|f| (f.jurisdiction, f.requests)),
            usize::MAX,
        );
        let names: BTreeMap<&str, &str> =
            overview.companies.iter().map(|c| (c.id, c.name)).collect();
        let sum = |pick: &dyn Fn(&&crate::history::Flow) -> bool| {
            kept.iter()
                .filter(|f| pick(f))
                .map(|f| f.requests)
                .sum::<u64>()
        };
        let node = |id: &str, label: &str, requests: u64| FlowNode {
            id: id.to_string(),
            label: label.to_string(),
            requests,
        };
        let mut site_links: Vec<FlowLink> = kept
            .iter()
            .map(|f| FlowLink {
                from: f.site.clone(),
                to: f.company.to_string(),
                jurisdiction: f.jurisdiction,
                requests: f.requests,
                watched: watchlist.contains(f.jurisdiction),
            })
            .collect();
        let rank =
            |list: &[&str], key: &str| list.iter().position(|k| *k == key).unwrap_or(usize::MAX);
        site_links.sort_by_key(|l| (rank(&sites, &l.from), rank(&companies, &l.to)));
        let mut company_links = Vec::new();
        for &c in &companies {
            for &(j, _) in &jurisdictions {
                let requests = sum(&|f| f.company == c && f.jurisdiction == j);
                if requests > 0 {
                    company_links.push(FlowLink {
                        from: c.to_string(),
                        to: j.to_string(),
                        jurisdiction: j,
                        requests,
                        watched: watchlist.contains(j),
                    });
                }
            }
        }
        FlowDiagram {
            sites: sites
                .iter()
                .map(|&s| node(s, s, sum(&|f| f.site == s)))
                .collect(),
            companies: companies
                .iter()
                .map(|&c| {
                    node(
                        c,
                        names.get(c).copied().unwrap_or(c),
                        sum(&|f| f.company == c),
                    )
                })
                .collect(),
            jurisdictions: jurisdictions
                .iter()
                .map(|&(j, requests)| node(j, j, requests))
                .collect(),
            site_links,
            company_links,
        }
    }
}

/// What the options page offers: every jurisdiction code the database knows and the core's groups with their
/// members.
#[derive(Clone, Debug, Serialize)]
pub struct OptionsView {
    pub jurisdictions: Vec<&'static str>,
    pub groups: Vec<GroupView>,
    /// The bundled IP data's attribution (its licences ask for it; DB-IP for a link back): the name of the message
    /// that names each source, and its link (docs/ip-data.md).
    pub ip_attribution: Vec<AttributionLink>,
}

/// A link of the IP data's attribution on the options page.
#[derive(Clone, Debug, Serialize)]
pub struct AttributionLink {
    pub message: &'static str,
    pub href: &'static str,
}

/// The IP data's sources and licence (LICENSES, docs/ip-data.md).
const IP_ATTRIBUTION: [(&str, &str); 4] = [
    ("ipDataDbip", "https://db-ip.com"),
    ("ipDataRouteviews", "https://www.routeviews.org/routeviews/"),
    ("ipDataNro", "https://www.nro.net/"),
    (
        "ipDataLicence",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
];

impl OptionsView {
    pub fn new() -> OptionsView {
        OptionsView {
            jurisdictions: db::JURISDICTIONS.iter().map(|j| j.code).collect(),
            groups: watchlist::groups(),
            ip_attribution: IP_ATTRIBUTION
                .iter()
                .map(|&(message, href)| AttributionLink { message, href })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Default for OptionsView {
    fn default() -> Self {
        OptionsView::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::test_support::busy_history;
    use crate::report::{Request, Visit};

    fn visit(page: &str, urls: &[&str]) -> Visit {
        let mut v = Visit::new(page);
        for url in urls {
            v.record(&Request {
                url,
                type_name: if *url == page { "main_frame" } else { "script" },
                method: "GET",
                ip: None,
                proxy: false,
            });
        }
        v
    }

    #[test]
    fn popup_view_has_the_report_the_laws_and_the_watched_jurisdictions() {
        let report = visit(
            "https://news.example/",
            &[
                "https://news.example/",
                "https://mc.yandex.ru/watch/1",
                "https://www.google-analytics.com/g/collect",
                "https://cdn.nobody-owns-this.example/x.js",
            ],
        )
        .report();
        let countries: Vec<&str> = report.jurisdictions.iter().map(|j| j.country).collect();
        assert!(
            countries.contains(&"RU") && countries.contains(&"US"),
            "{countries:?}"
        );
        let view = PopupView::new(report.clone(), &Watchlist::of(&["RU"]));
        assert_eq!(view.watched, vec!["RU"]);
        // Exactly the laws the core has for each of the report's jurisdictions, and none for a jurisdiction that is
        // not in it.
        for code in &countries {
            let laws = jurisdiction::get(code).map(|j| j.laws).unwrap_or_default();
            let shown = view.laws.get(code).map(Vec::len).unwrap_or(0);
            assert_eq!(shown, laws.len(), "laws of {code}");
        }
        assert!(view.laws.get("RU").is_some_and(|l| !l.is_empty()));
        assert!(view.laws.keys().all(|k| countries.contains(k)));
        let json: serde_json::Value = serde_json::from_str(&view.to_json()).unwrap_or_default();
        let plain = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(json.get("report"), Some(&plain));
        assert_eq!(json["watched"], serde_json::json!(["RU"]));
        assert_eq!(
            json["laws"]["RU"][0]["name"],
            serde_json::json!(view.laws["RU"][0].name)
        );
        // No watchlist: nothing watched.
        assert!(PopupView::new(report, &Watchlist::default())
            .watched
            .is_empty());
    }

    #[test]
    fn popup_view_groups_third_parties_by_jurisdiction_and_keeps_own_companies_apart() {
        // youtube.com's page: Google's hosts are the site's own (same controller), Yandex and Meta are third parties.
        let report = visit(
            "https://www.youtube.com/watch?v=1",
            &[
                "https://www.youtube.com/watch?v=1",
                "https://www.google-analytics.com/g/collect",
                "https://mc.yandex.ru/watch/1",
                "https://mc.yandex.ru/watch/2",
                "https://connect.facebook.net/en_US/fbevents.js",
                "https://cdn.nobody-owns-this.example/x.js",
            ],
        )
        .report();
        let view = PopupView::new(report.clone(), &Watchlist::of(&["RU"]));
        assert!(view.own.contains(&"google"), "{:?}", view.own);
        assert_eq!(view.site_controller_name, Some("Alphabet Inc."));
        let countries: Vec<Option<&str>> = view.groups.iter().map(|g| g.country).collect();
        // In the report's order of jurisdictions: the US (Google's own requests included) before Russia.
        assert_eq!(countries, [Some("US"), Some("RU")]);
        let ru = &view.groups[1];
        assert!(
            ru.watched && ru.requests == 2 && ru.companies == ["yandex"],
            "{ru:?}"
        );
        let us = &view.groups[0];
        assert!(
            !us.watched && us.requests == 1 && us.companies == ["meta"],
            "{us:?}"
        );
        assert!(!view.groups.iter().any(|g| g.companies.contains(&"google")));
        // Every company is listed once: own or in one group.
        let listed = view.own.len() + view.groups.iter().map(|g| g.companies.len()).sum::<usize>();
        assert_eq!(listed, report.companies.len());
        // The bar: the report's jurisdictions, then the unattributed requests.
        let bar: Vec<(Option<&str>, u64)> =
            view.bar.iter().map(|s| (s.country, s.requests)).collect();
        let mut expected: Vec<(Option<&str>, u64)> = report
            .jurisdictions
            .iter()
            .map(|j| (Some(j.country), j.requests))
            .collect();
        expected.push((None, 1));
        assert_eq!(bar, expected);
        assert_eq!(view.unattributed, ["cdn.nobody-owns-this.example"]);
    }

    #[test]
    fn popup_view_sets_where_the_servers_are_beside_the_controlling_jurisdictions() {
        let mut v = Visit::new("https://news.example/");
        for (url, ip) in [
            ("https://news.example/", Some("127.0.0.1")),
            ("https://mc.yandex.ru/watch/1", Some("8.8.8.8")),
            ("https://mc.yandex.ru/watch/2", Some("8.8.8.8")),
            ("https://mc.yandex.ru/watch/3", None),
            (
                "https://connect.facebook.net/x.js",
                Some("2a03:2880:f12f:83:face:b00c::25de"),
            ),
        ] {
            v.record(&Request {
                url,
                type_name: "script",
                method: "GET",
                ip,
                proxy: false,
            });
        }
        let view = PopupView::new(v.report(), &Watchlist::of(&["US"]));
        let bar: Vec<(PlaceKind, Option<&str>, u64, bool)> = view
            .server_bar
            .iter()
            .map(|s| (s.kind, s.country, s.requests, s.watched))
            .collect();
        assert_eq!(
            bar,
            [
                (PlaceKind::Country, Some("US"), 2, true),
                (PlaceKind::Country, Some("IE"), 1, false),
                (PlaceKind::Local, None, 1, false),
                (PlaceKind::Unknown, None, 1, false),
            ]
        );
        // Yandex (controlled from RU) answered from a US network: marked; Meta (US) from Ireland: marked too.
        let of = |id: &str| view.servers.iter().find(|c| c.id == id);
        let Some(yandex) = of("yandex") else {
            panic!("no yandex in {:?}", view.servers);
        };
        assert!(yandex.differs);
        assert_eq!(yandex.places[0].country, Some("US"));
        assert_eq!(yandex.places[0].networks, ["Google LLC"]);
        assert_eq!(yandex.places[1].kind, PlaceKind::Unknown);
        assert!(of("meta").is_some_and(|m| m.differs));
        assert_eq!(
            view.server_only,
            ["IE"],
            "US is also a controlling jurisdiction"
        );
        assert!(view.ip_data);
    }

    #[test]
    fn the_dashboard_view_has_dates_watched_jurisdictions_and_a_consistent_flow_diagram() {
        let h = busy_history(3);
        let view = DashboardView::new(&h, 100, 102, "", 50, &Watchlist::of(&["RU"]));
        assert_eq!(view.dates, ["1970-04-11", "1970-04-12", "1970-04-13"]);
        assert_eq!(view.watched, ["RU"]);
        let f = &view.flow;
        assert!(!f.sites.is_empty() && f.sites.len() <= FLOW_SITES);
        assert!(!f.companies.is_empty() && f.companies.len() <= FLOW_COMPANIES);
        // Each column sums to the same total, and each node's value is the sum of its links.
        let total = |nodes: &[FlowNode]| nodes.iter().map(|n| n.requests).sum::<u64>();
        assert_eq!(total(&f.sites), total(&f.companies));
        assert_eq!(total(&f.companies), total(&f.jurisdictions));
        for n in &f.sites {
            let links: u64 = f
                .site_links
                .iter()
                .filter(|l| l.from == n.id)
                .map(|l| l.requests)
                .sum();
            assert_eq!(links, n.requests, "{}", n.id);
        }
        for n in &f.jurisdictions {
            let links: u64 = f
                .company_links
                .iter()
                .filter(|l| l.to == n.id)
                .map(|l| l.requests)
                .sum();
            assert_eq!(links, n.requests, "{}", n.id);
        }
        assert!(f.company_links.iter().any(|l| l.to == "RU" && l.watched));
        let yandex = f.companies.iter().find(|c| c.id == "yandex");
        let name = db::entity_by_id("yandex")
            .and_then(db::entity)
            .map(|e| e.name);
        assert_eq!(
            yandex.map(|c| c.label.as_str()),
            name,
            "companies are labelled with their names"
        );
    }

    #[test]
    fn the_options_view_lists_every_jurisdiction_and_the_groups() {
        let o = OptionsView::new();
        assert_eq!(o.jurisdictions.len(), db::JURISDICTIONS.len());
        assert_eq!(o.groups.len(), watchlist::Group::ALL.len());
        assert!(o
            .groups
            .iter()
            .any(|g| g.id == "five-eyes" && g.members.contains(&"NZ")));
    }
}
