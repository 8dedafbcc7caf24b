//! Blocking end to end in the core: settings → rules, and what the popup and the dashboard show of a visit whose
//! requests were blocked (controllers grouped, what the rules block, trust and pause, the home's first line).

use whither::history::History;
use whither::report::{Report, Request, Visit};
use whither::rules::{BlockList, Choice, Paused};
use whither::settings::Settings;
use whither::tracker::{Event, Stage, Tracker};
use whither::view::{DashboardView, HomeLine, PopupView};
use whither::watchlist::Watchlist;

const PAGE: &str = "https://www.news.example/";

fn event(stage: Stage, id: &str, url: &str, type_name: &str, error: Option<&str>) -> Event {
    Event {
        stage,
        request_id: id.into(),
        url: url.into(),
        type_name: type_name.into(),
        method: "GET".into(),
        ip: None,
        document_url: None,
        error: error.map(String::from),
        ..Event::default()
    }
}

/// A visit of the demo page with Yandex's requests blocked.
fn blocked_visit() -> Report {
    let mut t = Tracker::new();
    t.event(1, &event(Stage::Before, "0", PAGE, "main_frame", None));
    let urls = [
        "https://analytics.tiktok.com/i18n/pixel/events.js",
        "https://sf16-scmcdn-sg.ibytedtos.com/a.js",
        "https://ib.adnxs.com/ut",
        "https://www.google-analytics.com/g/collect",
        "https://static.criteo.net/js/ld/publishertag.js",
        "https://cdn.nobody-owns-this.example/x.js",
    ];
    for (i, url) in urls.iter().enumerate() {
        t.event(
            1,
            &event(Stage::Before, &format!("a{i}"), url, "script", None),
        );
    }
    for (i, url) in [
        "https://mc.yandex.ru/metrika/tag.js",
        "https://mc.yandex.ru/watch/1",
    ]
    .iter()
    .enumerate()
    {
        let id = format!("b{i}");
        t.event(1, &event(Stage::Before, &id, url, "script", None));
        t.event(
            1,
            &event(
                Stage::Error,
                &id,
                url,
                "script",
                Some("net::ERR_BLOCKED_BY_CLIENT"),
            ),
        );
    }
    t.report(1).unwrap_or_else(|| panic!("no report"))
}

fn settings(json: &str) -> Settings {
    Settings::parse(json, "DE")
        .unwrap_or_else(|e| panic!("{e}"))
        .settings
}

#[test]
fn the_popup_groups_companies_by_controller_and_says_what_the_rules_block() {
    let s = settings(
        r#"{"v":2,"blocking":{"enabled":true,"jurisdictions":["RU"],"companies":["bytedance"],
            "trustedSites":["news.example"]}}"#,
    );
    let view = PopupView::for_settings(blocked_visit(), &s, &Paused::default());
    let cn = view.groups.iter().find(|g| g.country == Some("CN"));
    let cn = cn.unwrap_or_else(|| panic!("no CN group: {:?}", view.groups));
    // TikTok Pte. Ltd. and ByteDance together, under ByteDance: the person decides about ByteDance.
    assert_eq!(cn.controllers.len(), 1);
    let bytedance = &cn.controllers[0];
    assert_eq!(
        (bytedance.id, bytedance.name),
        ("bytedance", "ByteDance Ltd.")
    );
    let mut companies = bytedance.companies.clone();
    companies.sort_unstable();
    assert_eq!(companies, ["bytedance", "tiktok-pte"]);
    assert_eq!(bytedance.blocked_by, Some("company"));
    assert_eq!(bytedance.unblock, Some("bytedance"));
    let us = view.groups.iter().find(|g| g.country == Some("US"));
    let microsoft = us.and_then(|g| g.controllers.iter().find(|c| c.id == "microsoft"));
    assert_eq!(
        microsoft.map(|m| (m.companies.clone(), m.blocked_by)),
        Some((vec!["xandr"], None))
    );
    // Yandex stays visible, blocked, with its count.
    let ru = view.groups.iter().find(|g| g.country == Some("RU"));
    assert_eq!(ru.map(|g| (g.requests, g.blocked_requests)), Some((0, 2)));
    assert_eq!(
        ru.and_then(|g| g.controllers.first())
            .and_then(|c| c.blocked_by),
        Some("jurisdiction")
    );
    assert_eq!(view.report.totals.blocked_requests, 2);
    assert!(
        view.bar.iter().all(|b| b.country != Some("RU")),
        "nothing was sent to RU"
    );
    // The page's site is trusted.
    assert!(view.blocking.enabled && view.blocking.trusted && !view.blocking.paused);
    assert_eq!(view.blocking.site.as_deref(), Some("news.example"));
    let mut paused = Paused::default();
    assert!(paused.set("news.example", true).is_ok());
    assert!(
        PopupView::for_settings(blocked_visit(), &s, &paused)
            .blocking
            .paused
    );
    // Blocking off: nothing is said to be blocked by the rules.
    let off = settings(r#"{"v":2,"blocking":{"enabled":false,"companies":["bytedance"]}}"#);
    let view = PopupView::for_settings(blocked_visit(), &off, &Paused::default());
    assert!(view
        .groups
        .iter()
        .flat_map(|g| &g.controllers)
        .all(|c| c.blocked_by.is_none()));
    assert!(!view.blocking.enabled);
}

#[test]
fn the_home_line_counts_third_party_requests_by_where_their_controllers_sit() {
    let report = blocked_visit();
    // Third parties sent to: TikTok/ByteDance (CN) 2, Xandr (US) 1, Google (US) 1, Criteo (FR) 1, unknown 1.
    assert_eq!(report.totals.third_party_requests, 6);
    let line = |home: &str| {
        let s = settings(&format!(r#"{{"v":2,"home":"{home}"}}"#));
        PopupView::for_settings(report.clone(), &s, &Paused::default()).home_line
    };
    let line_de = HomeLine {
        kind: "eea",
        home: "DE",
        third_party_requests: 6,
        outside: 4,
        further: Some(2),
    };
    assert_eq!(line("DE"), Some(line_de));
    assert_eq!(
        line("US").map(|l| (l.kind, l.outside, l.further)),
        Some(("five-eyes", 3, Some(3)))
    );
    assert_eq!(
        line("JP").map(|l| (l.kind, l.outside, l.further)),
        Some(("adequacy", 5, Some(2)))
    );
    assert_eq!(
        line("CN").map(|l| (l.kind, l.outside, l.further)),
        Some(("country", 3, None))
    );
    assert_eq!(line(""), None);
    // Without third-party requests, no line.
    let mut v = Visit::new(PAGE);
    v.record(&Request {
        url: PAGE,
        type_name: "main_frame",
        method: "GET",
        ip: None,
        proxy: false,
    });
    let s = settings(r#"{"v":2,"home":"DE"}"#);
    assert_eq!(
        PopupView::for_settings(v.report(), &s, &Paused::default()).home_line,
        None
    );
}

#[test]
fn the_dashboard_counts_blocked_requests_and_has_the_home_line() {
    let mut h = History::new();
    let mut t = Tracker::new();
    for visit in 0..3u32 {
        let id = |k: &str| format!("{visit}-{k}");
        t.event(1, &event(Stage::Before, &id("p"), PAGE, "main_frame", None));
        t.event(
            1,
            &event(
                Stage::Before,
                &id("g"),
                "https://www.google-analytics.com/g",
                "ping",
                None,
            ),
        );
        t.event(
            1,
            &event(
                Stage::Error,
                &id("y"),
                "https://mc.yandex.ru/watch/1",
                "image",
                Some("NS_ERROR_ABORT"),
            ),
        );
        let (Some(seq), Some(report)) = (t.visit_seq(1), t.report(1)) else {
            panic!("no visit")
        };
        h.record(1, seq, &report, 200);
    }
    let view = DashboardView::new(&h, 200, 200, "", 50, &Watchlist::of(&["RU"])).with_home("DE");
    let o = &view.overview;
    assert_eq!((o.totals.requests, o.totals.blocked_requests), (6, 3));
    assert_eq!(
        o.blocked_jurisdictions
            .first()
            .map(|b| (b.id, b.blocked_requests)),
        Some(("RU", 3))
    );
    assert_eq!(
        o.blocked_companies
            .first()
            .map(|b| (b.id, b.blocked_requests)),
        Some(("yandex", 3))
    );
    let line = view.home_line.unwrap_or_else(|| panic!("no home line"));
    assert_eq!(
        (
            line.kind,
            line.third_party_requests,
            line.outside,
            line.further
        ),
        ("eea", 3, 3, Some(0)),
        "the US has an EU adequacy decision (the Data Privacy Framework)"
    );
}

#[test]
fn the_settings_compile_to_the_rules_the_cli_prints() {
    let s = settings(
        r#"{"v":2,"watchlist":["CN"],"blocking":{"enabled":true,"jurisdictions":["RU","my-watchlist"],
            "companies":["bytedance"],"trustedSites":["news.example"]}}"#,
    );
    let from_settings = BlockList::compile(&Choice::of(&s)).unwrap_or_else(|e| panic!("{e}"));
    let cli = Choice::parse(&["RU", "CN"], &[], &["bytedance"], &[], &["news.example"])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let from_cli = BlockList::compile(&cli).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_settings.rules, from_cli.rules);
    assert_eq!(from_settings.fingerprint(), from_cli.fingerprint());
    // Off: no rules at all (turning blocking off restores everything).
    let off = settings(r#"{"v":2,"blocking":{"enabled":false,"jurisdictions":["RU"]}}"#);
    let none = BlockList::compile(&Choice::of(&off)).unwrap_or_else(|e| panic!("{e}"));
    assert!(none.rules.is_empty());
    // What the options page exports: the choices, whether blocking is on or not.
    let export = BlockList::compile(&Choice::of_choices(&off)).unwrap_or_else(|e| panic!("{e}"));
    assert!(export.hosts().contains("0.0.0.0 yandex.ru\n"));
}
