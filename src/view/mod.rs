//! View models: what the extension's pages show, computed here so that the JS only renders it. The popup's view of
//! a tab (its report, grouped and summed the way the popup lists it), the dashboard's view of a period (its overview,
//! dates, watched jurisdictions and the flow diagram's nodes and links) and the options page's choices.

use crate::db;
use crate::hash::FnvMap;
use crate::history::{day_string, History, Overview};
use crate::jurisdiction::{self, Law};
use crate::report::{CompanyRow, Party, Report};
use crate::rules::{Choice, Paused};
use crate::servers::PlaceKind;
use crate::settings::Settings;
use crate::watchlist::{self, Group, GroupView, Watchlist};
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
    /// Blocking on the page's site (`PopupView::for_settings`; off without settings).
    pub blocking: PageBlocking,
    /// The first line for the person's home jurisdiction, when there is a home and a third-party request.
    pub home_line: Option<HomeLine>,
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
    /// Requests sent, and requests blocked, to its companies.
    pub requests: u64,
    pub blocked_requests: u64,
    pub watched: bool,
    /// Company ids, a controller's companies together (the controllers in the order of `controllers`), most
    /// requests first.
    pub companies: Vec<&'static str>,
    /// The companies grouped by their ultimate controller, most requests first: a person decides about the
    /// controller.
    pub controllers: Vec<ControllerGroup>,
}

/// The companies of one ultimate controller on the page.
#[derive(Clone, Debug, Serialize)]
pub struct ControllerGroup {
    pub id: &'static str,
    pub name: &'static str,
    pub requests: u64,
    pub blocked_requests: u64,
    /// Company ids (direct owners), most requests first.
    pub companies: Vec<&'static str>,
    /// Why the person's rules block it elsewhere: `company`, `jurisdiction` or `category`; none when they do not
    /// (or blocking is off).
    pub blocked_by: Option<&'static str>,
    /// The entry of the blocked companies that blocks it (what "unblock" removes), when `blocked_by` is `company`.
    pub unblock: Option<&'static str>,
}

/// Blocking on the page's site, for the popup's buttons.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PageBlocking {
    pub enabled: bool,
    /// The page's site (registrable domain), which "trust" and "pause" act on.
    pub site: Option<String>,
    pub trusted: bool,
    pub paused: bool,
}

/// The first line of the popup and the dashboard for the person's home (docs/report-format.md, "Home line"): of
/// the third-party requests, how many went to companies controlled from outside the home (the EU/EEA for a home in
/// it), and how many of those further away (`kind` says what).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HomeLine {
    /// `eea` (outside the EU/EEA; further: to countries without an EU adequacy decision), `five-eyes` (outside the
    /// home; further: outside the Five Eyes), `adequacy` (outside the home, which has an EU adequacy decision;
    /// further: without one) or `country` (outside the home; no further figure).
    pub kind: &'static str,
    pub home: &'static str,
    pub third_party_requests: u64,
    pub outside: u64,
    pub further: Option<u64>,
}

impl HomeLine {
    /// The line for `home` from the third-party requests and those per controlling jurisdiction; none without a
    /// known home or without third-party requests.
    pub fn new<'a>(
        home: &str,
        third_party_requests: u64,
        by_jurisdiction: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Option<HomeLine> {
        let record = db::jurisdiction(home)?;
        if third_party_requests == 0 {
            return None;
        }
        let home = record.code;
        let kind = if !Group::OutsideEea.contains(home) {
            "eea"
        } else if Group::FiveEyes.contains(home) {
            "five-eyes"
        } else if !Group::NoAdequacy.contains(home) {
            "adequacy"
        } else {
            "country"
        };
        let (mut outside, mut further) = (0u64, 0u64);
        for (code, requests) in by_jurisdiction {
            let out = match kind {
                "eea" => Group::OutsideEea.contains(code),
                _ => code != home,
            };
            if !out {
                continue;
            }
            outside += requests;
            let far = match kind {
                "eea" | "adequacy" => Group::NoAdequacy.contains(code),
                "five-eyes" => !Group::FiveEyes.contains(code),
                _ => false,
            };
            if far {
                further += requests;
            }
        }
        Some(HomeLine {
            kind,
            home,
            third_party_requests,
            outside,
            further: (kind != "country").then_some(further),
        })
    }
}

impl JurisdictionGroup {
    /// A group of companies (in the report's order) with their controllers, a controller's companies together.
    fn of(
        country: Option<&'static str>,
        watched: bool,
        members: &[&CompanyRow],
    ) -> JurisdictionGroup {
        let mut controllers: Vec<ControllerGroup> = Vec::new();
        // Per controller, its place in `controllers` (in the order of its first company): a map, not a scan, as a
        // page of 2,000 hosts has ~900 companies.
        let mut index: FnvMap<&'static str, usize> = FnvMap::default();
        for c in members {
            let top = c.chain.last();
            let (id, name) = top.map_or((c.id, c.name), |l| (l.id, l.name));
            let at = *index.entry(id).or_insert_with(|| {
                controllers.push(ControllerGroup {
                    id,
                    name,
                    requests: 0,
                    blocked_requests: 0,
                    companies: Vec::new(),
                    blocked_by: None,
                    unblock: None,
                });
                controllers.len() - 1
            });
            if let Some(g) = controllers.get_mut(at) {
                g.requests += c.requests;
                g.blocked_requests += c.blocked_requests;
                g.companies.push(c.id);
            }
        }
        // Controllers with equal requests keep the order of their first company (the report's): a stable sort of
        // the order they were created in.
        controllers.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then(b.blocked_requests.cmp(&a.blocked_requests))
        });
        JurisdictionGroup {
            country,
            requests: members.iter().map(|c| c.requests).sum(),
            blocked_requests: members.iter().map(|c| c.blocked_requests).sum(),
            watched,
            companies: controllers
                .iter()
                .flat_map(|g| g.companies.iter().copied())
                .collect(),
            controllers,
        }
    }
}

/// Why a choice blocks a controller's companies, and the blocked company entry that does (to unblock it).
fn blocked_by(
    choice: &Choice,
    settings: &Settings,
    rows: &[&CompanyRow],
) -> (Option<&'static str>, Option<&'static str>) {
    for row in rows {
        for link in row.chain.iter().rev() {
            if let Some(entry) = settings.blocking.companies.iter().find(|c| *c == link.id) {
                let entry = db::entity_by_id(entry).and_then(db::entity).map(|e| e.id);
                return (Some("company"), entry);
            }
        }
    }
    if rows.iter().any(|r| {
        r.jurisdiction
            .is_some_and(|j| choice.jurisdictions.contains(j))
    }) {
        return (Some("jurisdiction"), None);
    }
    if rows
        .iter()
        .any(|r| r.categories.iter().any(|c| choice.categories.contains(c)))
    {
        return (Some("category"), None);
    }
    (None, None)
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
        // Watched jurisdictions that received requests (not those whose every request was blocked).
        let watched = watchlist.filter(
            report
                .jurisdictions
                .iter()
                .filter(|j| j.requests > 0)
                .map(|j| j.country),
        );
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
            groups.push(JurisdictionGroup::of(
                Some(j.country),
                watchlist.contains(j.country),
                &members,
            ));
        }
        let rest: Vec<&CompanyRow> = third
            .iter()
            .filter(|c| !placed.contains(c.id))
            .copied()
            .collect();
        if !rest.is_empty() {
            groups.push(JurisdictionGroup::of(None, false, &rest));
        }

        let mut bar: Vec<BarSegment> = report
            .jurisdictions
            .iter()
            .filter(|j| j.requests > 0)
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
            blocking: PageBlocking::default(),
            home_line: None,
            report,
        }
    }

    /// The view for the person's settings: their watchlist, their home's first line, and blocking on the page's
    /// site (what the rules block elsewhere, whether the site is trusted or paused).
    pub fn for_settings(report: Report, settings: &Settings, paused: &Paused) -> PopupView {
        let mut view = PopupView::new(report, &settings.watchlist());
        let report = &view.report;
        view.home_line = HomeLine::new(
            &settings.home,
            report.totals.third_party_requests,
            report
                .hosts
                .iter()
                .filter(|h| h.party == Party::Third)
                .filter_map(|h| Some((h.jurisdiction?, h.requests))),
        );
        let site = report.page.domain.clone().or(report.page.host.clone());
        view.blocking = PageBlocking {
            enabled: settings.blocking.enabled,
            trusted: site
                .as_ref()
                .is_some_and(|s| settings.blocking.trusted_sites.contains(s)),
            paused: site.as_deref().is_some_and(|s| paused.contains(s)),
            site,
        };
        if settings.blocking.enabled {
            let choice = Choice::of(settings);
            let by_id: FnvMap<&str, &CompanyRow> =
                report.companies.iter().map(|c| (c.id, c)).collect();
            for group in &mut view.groups {
                for controller in &mut group.controllers {
                    let rows: Vec<&CompanyRow> = controller
                        .companies
                        .iter()
                        .filter_map(|id| by_id.get(id).copied())
                        .collect();
                    (controller.blocked_by, controller.unblock) =
                        blocked_by(&choice, settings, &rows);
                }
            }
        }
        view
    }

    /// The view as JSON (written into a buffer sized for it: ~700 bytes per host, so that a large page's view is
    /// not copied over and over as it grows).
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(4_096 + 768 * self.report.hosts.len());
        match serde_json::to_writer(&mut out, self) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
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
    /// The first line for the person's home ([`DashboardView::with_home`]).
    pub home_line: Option<HomeLine>,
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
            home_line: None,
        }
    }

    /// The view with the first line for the person's home (none for an unknown home).
    pub fn with_home(mut self, home: &str) -> DashboardView {
        let o = &self.overview;
        self.home_line = HomeLine::new(
            home,
            o.totals.third_party_requests,
            o.jurisdictions
                .iter()
                .map(|j| (j.country, j.third_party_requests)),
        );
        self
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
mod tests;
