//! Unit tests of the view models (src/view/mod.rs).

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
    let bar: Vec<(Option<&str>, u64)> = view.bar.iter().map(|s| (s.country, s.requests)).collect();
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
