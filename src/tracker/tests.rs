//! Unit tests of the tracker: stages, restarts, redirects, cache hits and the persisted state.

use super::*;

fn ev(stage: Stage, id: &str, url: &str, type_name: &str) -> Event {
    Event {
        stage,
        request_id: id.into(),
        url: url.into(),
        type_name: type_name.into(),
        method: "GET".into(),
        ip: None,
        document_url: None,
        ..Event::default()
    }
}

fn requests(t: &Tracker, tab: i64) -> u64 {
    t.report(tab).map_or(0, |r| r.totals.requests)
}

fn blocked_ev(id: &str, url: &str, type_name: &str, error: &str, at: f64) -> Event {
    Event {
        error: Some(error.into()),
        time_stamp: Some(at),
        ..ev(Stage::Error, id, url, type_name)
    }
}

#[test]
fn a_blocked_request_counts_once_as_blocked_in_either_browser() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(
            Stage::Before,
            "1",
            "https://www.news.example/",
            "main_frame",
        ),
    );
    // Chromium: the start, then net::ERR_BLOCKED_BY_CLIENT.
    t.event(
        1,
        &ev(
            Stage::Before,
            "2",
            "https://mc.yandex.ru/metrika/tag.js",
            "script",
        ),
    );
    assert_eq!(requests(&t, 1), 2);
    t.event(
        1,
        &blocked_ev(
            "2",
            "https://mc.yandex.ru/metrika/tag.js",
            "script",
            "net::ERR_BLOCKED_BY_CLIENT",
            1_000.0,
        ),
    );
    // Firefox: its speculative load is blocked, then the document's own load of the same image.
    for (id, at) in [("3", 1_010.0), ("4", 1_070.0)] {
        t.event(
            1,
            &ev(
                Stage::Before,
                id,
                "https://mc.yandex.ru/watch/1.gif",
                "image",
            ),
        );
        t.event(
            1,
            &blocked_ev(
                id,
                "https://mc.yandex.ru/watch/1.gif",
                "image",
                "NS_ERROR_ABORT",
                at,
            ),
        );
    }
    // Only the error, its start lost with a stopped worker; and a stage repeated.
    let late = blocked_ev(
        "5",
        "https://mc.yandex.ru/watch/2.gif",
        "image",
        "NS_ERROR_ABORT",
        1_100.0,
    );
    t.event(1, &late);
    t.event(1, &late);
    // Another error is a request that was made.
    t.event(
        1,
        &ev(
            Stage::Before,
            "6",
            "https://www.google-analytics.com/g",
            "ping",
        ),
    );
    t.event(
        1,
        &Event {
            error: Some("net::ERR_CONNECTION_REFUSED".into()),
            ..ev(
                Stage::Error,
                "6",
                "https://www.google-analytics.com/g",
                "ping",
            )
        },
    );
    let check = |t: &Tracker| {
        let Some(r) = t.report(1) else {
            panic!("no report")
        };
        assert_eq!((r.totals.requests, r.totals.blocked_requests), (2, 3));
        let yandex = r.hosts.iter().find(|h| h.host == "mc.yandex.ru");
        assert_eq!(
            yandex.map(|h| (h.requests, h.blocked_requests)),
            Some((0, 3))
        );
        assert!(yandex.is_some_and(|h| h.types.is_empty()));
        let company = r.companies.iter().find(|c| c.id == "yandex");
        assert_eq!(
            company.map(|c| (c.requests, c.blocked_requests)),
            Some((0, 3))
        );
        let ru = r.jurisdictions.iter().find(|j| j.country == "RU");
        assert_eq!(ru.map(|j| (j.requests, j.blocked_requests)), Some((0, 3)));
        // Sent to one company under one jurisdiction: the blocked one received nothing.
        assert_eq!((r.totals.companies, r.totals.jurisdictions), (1, 1));
        assert_eq!(t.summary(1).map(|s| s.1), Some(vec![("US", 1)]));
    };
    check(&t);
    // The state written for a restarted background keeps the blocked requests.
    let mut u = Tracker::new();
    assert_eq!(
        u.import_tab(1, &t.export_tab(1).unwrap_or_default()),
        Ok(())
    );
    check(&u);
}

#[test]
fn every_stage_counts_once() {
    let mut t = Tracker::new();
    for stage in [Stage::Before, Stage::Response, Stage::Completed] {
        t.event(1, &ev(stage, "1", "https://example.org/", "main_frame"));
        t.event(
            1,
            &ev(
                stage,
                "2",
                "https://www.google-analytics.com/a.js",
                "script",
            ),
        );
    }
    assert_eq!(requests(&t, 1), 2);
}

#[test]
fn a_lost_start_is_counted_at_completion() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    // The worker stopped before "2" was persisted: only its completion arrives.
    t.event(
        1,
        &ev(Stage::Completed, "2", "https://doubleclick.net/x", "image"),
    );
    t.event(
        1,
        &ev(Stage::Error, "3", "https://doubleclick.net/y", "image"),
    );
    assert_eq!(requests(&t, 1), 3);
}

#[test]
fn a_completion_before_its_start_counts_once() {
    // Seen with a restarted Chromium worker: response and completion arrive before the start.
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    for stage in [Stage::Response, Stage::Completed, Stage::Before] {
        t.event(1, &ev(stage, "35", "https://mc.yandex.ru/watch", "ping"));
    }
    assert_eq!(requests(&t, 1), 2);
    let saved = t.export_tab(1).unwrap_or_default();
    let mut u = Tracker::new();
    assert_eq!(u.import_tab(1, &saved), Ok(()));
    u.event(
        1,
        &ev(Stage::Completed, "35", "https://mc.yandex.ru/watch", "ping"),
    );
    assert_eq!(
        requests(&u, 1),
        2,
        "the restored tab remembers finished requests"
    );
}

#[test]
fn memory_of_requests_is_bounded() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "0", "https://example.org/", "main_frame"),
    );
    for i in 1..(3 * MAX_SEEN) {
        let id = i.to_string();
        t.event(
            1,
            &ev(Stage::Before, &id, "https://doubleclick.net/x", "image"),
        );
        t.event(
            1,
            &ev(Stage::Completed, &id, "https://doubleclick.net/x", "image"),
        );
    }
    assert_eq!(requests(&t, 1), 3 * MAX_SEEN as u64);
    assert!(t.tabs.get(&1).is_some_and(|tab| tab.seen.len() <= MAX_SEEN));
}

#[test]
fn redirects_count_every_hop() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    t.event(
        1,
        &ev(Stage::Before, "2", "https://a.example.com/x", "image"),
    );
    t.event(
        1,
        &ev(Stage::Redirect, "2", "https://a.example.com/x", "image"),
    );
    t.event(
        1,
        &ev(Stage::Before, "2", "https://b.example.net/y", "image"),
    );
    t.event(
        1,
        &ev(Stage::Completed, "2", "https://b.example.net/y", "image"),
    );
    assert_eq!(requests(&t, 1), 3);
}

#[test]
fn navigation_starts_a_new_visit_and_late_events_of_the_old_one_are_not_counted_twice() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    t.event(
        1,
        &ev(
            Stage::Before,
            "2",
            "https://slow.example.com/x",
            "xmlhttprequest",
        ),
    );
    t.event(
        1,
        &ev(Stage::Before, "3", "https://example.net/", "main_frame"),
    );
    t.event(
        1,
        &ev(
            Stage::Error,
            "2",
            "https://slow.example.com/x",
            "xmlhttprequest",
        ),
    );
    let r = t.report(1);
    assert_eq!(
        r.as_ref().map(|r| r.page.url.as_str()),
        Some("https://example.net/")
    );
    assert_eq!(r.map(|r| r.totals.requests), Some(1));
}

#[test]
fn export_import_keeps_everything_and_rejects_garbage() {
    let mut t = Tracker::new();
    t.event(
        7,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    t.event(
        7,
        &ev(Stage::Before, "2", "https://doubleclick.net/x", "image"),
    );
    let saved = t.export_tab(7).unwrap_or_default();
    let mut u = Tracker::new();
    assert_eq!(u.import_tab(7, &saved), Ok(()));
    // The restored tab knows "2" is in flight: its completion does not count again.
    u.event(
        7,
        &ev(Stage::Completed, "2", "https://doubleclick.net/x", "image"),
    );
    assert_eq!(requests(&u, 7), 2);
    assert!(u.import_tab(7, "not json").is_err());
    assert_eq!(
        requests(&u, 7),
        2,
        "a failed import keeps the previous state"
    );
    assert!(!t.event(-1, &ev(Stage::Before, "9", "https://x.example/", "script")));
    t.remove_tab(7);
    assert!(t.report(7).is_none());
}

#[test]
fn the_saved_state_keeps_unfinished_and_recent_requests_only() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "page", "https://example.org/", "main_frame"),
    );
    for i in 0..1_000 {
        let url = format!("https://cdn{}.example.com/{i}", i % 10);
        let id = i.to_string();
        t.event(1, &ev(Stage::Before, &id, &url, "image"));
        if i % 100 != 0 {
            t.event(1, &ev(Stage::Completed, &id, &url, "image"));
        }
    }
    let saved = t.export_tab(1).unwrap_or_default();
    let state: TabState = serde_json::from_str(&saved).expect("valid state");
    let unfinished = state.hops.iter().filter(|s| !s.3).count();
    assert_eq!(unfinished, 11, "the page and every 100th request");
    assert_eq!(state.hops.len(), 11 + SAVED_DONE);
    let mut u = Tracker::new();
    assert_eq!(u.import_tab(1, &saved), Ok(()));
    // Late events of requests in flight, or just finished, when the background stopped: not counted again.
    u.event(
        1,
        &ev(
            Stage::Completed,
            "100",
            "https://cdn0.example.com/100",
            "image",
        ),
    );
    u.event(
        1,
        &ev(
            Stage::Completed,
            "999",
            "https://cdn9.example.com/999",
            "image",
        ),
    );
    assert_eq!(requests(&u, 1), 1_001);
    assert_eq!(requests(&t, 1), 1_001);
}

fn with(mut e: Event, f: impl FnOnce(&mut Event)) -> Event {
    f(&mut e);
    e
}

fn host_row(t: &Tracker, tab: i64, host: &str) -> Option<crate::report::HostRow> {
    t.report(tab)?.hosts.into_iter().find(|h| h.host == host)
}

#[test]
fn a_font_tried_from_the_cache_only_counts_once() {
    // Chromium first tries a font from the cache only (an error event with net::ERR_CACHE_MISS, its own request
    // id), then fetches it for real.
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    let font = "https://fonts.gstatic.com/s/x.woff2";
    t.event(1, &ev(Stage::Before, "2", font, "font"));
    t.event(
        1,
        &with(ev(Stage::Error, "2", font, "font"), |e| {
            e.error = Some("net::ERR_CACHE_MISS".into())
        }),
    );
    for stage in [Stage::Before, Stage::Completed] {
        t.event(1, &ev(stage, "3", font, "font"));
    }
    let row = host_row(&t, 1, "fonts.gstatic.com");
    assert_eq!(row.map(|h| h.requests), Some(1));
    let r = t.report(1);
    assert_eq!(
        r.as_ref().map(|r| (r.totals.requests, r.totals.fetches)),
        Some((2, 2))
    );
    // A cache-only attempt whose start was lost is not counted either.
    t.event(
        1,
        &with(ev(Stage::Error, "4", font, "font"), |e| {
            e.error = Some("net::ERR_CACHE_MISS".into())
        }),
    );
    assert_eq!(requests(&t, 1), 2);
    // Other errors are requests that were sent (or tried): they stay counted.
    t.event(1, &ev(Stage::Before, "5", "https://mc.yandex.ru/w", "ping"));
    t.event(
        1,
        &with(
            ev(Stage::Error, "5", "https://mc.yandex.ru/w", "ping"),
            |e| e.error = Some("net::ERR_CONNECTION_RESET".into()),
        ),
    );
    assert_eq!(requests(&t, 1), 3);
}

#[test]
fn an_internal_redirect_is_not_a_request_but_a_server_redirect_is() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    // HSTS: http → https inside the browser ("307 Internal Redirect", no server address).
    let http = "http://www.google-analytics.com/analytics.js";
    let https = "https://www.google-analytics.com/analytics.js";
    t.event(1, &ev(Stage::Before, "2", http, "script"));
    t.event(
        1,
        &with(ev(Stage::Redirect, "2", http, "script"), |e| {
            e.status_code = Some(307);
            e.status_line = Some("HTTP/1.1 307 Internal Redirect".into());
        }),
    );
    for stage in [Stage::Before, Stage::Completed] {
        t.event(1, &ev(stage, "2", https, "script"));
    }
    assert_eq!(
        host_row(&t, 1, "www.google-analytics.com").map(|h| (h.requests, h.redirects)),
        Some((1, 0))
    );
    // A server's redirect a → b: both servers received a request; one fetch.
    let a = "https://a.example.com/p.gif";
    let b = "https://b.example.net/p.gif";
    t.event(1, &ev(Stage::Before, "3", a, "image"));
    t.event(
        1,
        &with(ev(Stage::Redirect, "3", a, "image"), |e| {
            e.status_code = Some(301);
            e.ip = Some("192.0.2.1".into());
        }),
    );
    for stage in [Stage::Before, Stage::Completed] {
        t.event(1, &ev(stage, "3", b, "image"));
    }
    assert_eq!(
        host_row(&t, 1, "a.example.com").map(|h| (h.requests, h.redirects)),
        Some((1, 1))
    );
    assert_eq!(
        host_row(&t, 1, "b.example.net").map(|h| h.requests),
        Some(1)
    );
    let r = t.report(1);
    assert_eq!(
        r.as_ref()
            .map(|r| (r.totals.requests, r.totals.fetches, r.totals.redirects)),
        Some((4, 3, 1))
    );
    // A repeated redirect event changes nothing.
    t.event(
        1,
        &with(ev(Stage::Redirect, "3", a, "image"), |e| {
            e.status_code = Some(301)
        }),
    );
    assert_eq!(requests(&t, 1), 4);
}

#[test]
fn the_hosts_a_main_document_redirects_through_stay_in_its_visit() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "9", "http://site.example/", "main_frame"),
    );
    t.event(
        1,
        &with(
            ev(Stage::Redirect, "9", "http://site.example/", "main_frame"),
            |e| {
                e.status_code = Some(301);
                e.ip = Some("192.0.2.1".into());
            },
        ),
    );
    t.event(
        1,
        &ev(
            Stage::Before,
            "9",
            "https://www.site.example/",
            "main_frame",
        ),
    );
    t.event(
        1,
        &ev(
            Stage::Before,
            "10",
            "https://www.site.example/app.js",
            "script",
        ),
    );
    let r = t.report(1);
    let r = r.as_ref();
    assert_eq!(
        r.map(|r| r.page.url.as_str()),
        Some("https://www.site.example/")
    );
    assert_eq!(r.map(|r| r.totals.requests), Some(3));
    assert_eq!(r.map(|r| r.totals.fetches), Some(2));
    assert!(host_row(&t, 1, "site.example").is_some_and(|h| h.requests == 1 && h.redirects == 1));
    // The state survives a restart with its main request: a late redirect hop still belongs to the visit.
    let saved = t.export_tab(1).unwrap_or_default();
    let mut u = Tracker::new();
    assert_eq!(u.import_tab(1, &saved), Ok(()));
    u.event(
        1,
        &ev(
            Stage::Completed,
            "9",
            "https://www.site.example/",
            "main_frame",
        ),
    );
    assert_eq!(requests(&u, 1), 3);
    // A new navigation (another request id) is a new visit.
    u.event(
        1,
        &ev(Stage::Before, "11", "https://other.example/", "main_frame"),
    );
    assert_eq!(requests(&u, 1), 1);
}

#[test]
fn a_cache_hit_is_noted_but_reached_no_server() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    let img = "https://cdn.example.net/logo.png";
    t.event(1, &ev(Stage::Before, "2", img, "image"));
    t.event(
        1,
        &with(ev(Stage::Completed, "2", img, "image"), |e| {
            e.from_cache = Some(true)
        }),
    );
    let row = host_row(&t, 1, "cdn.example.net");
    assert_eq!(row.map(|h| (h.requests, h.cached)), Some((0, 1)));
    let r = t.report(1);
    let r = r.as_ref();
    assert_eq!(
        r.map(|r| (r.totals.requests, r.totals.cached, r.totals.fetches)),
        Some((1, 1, 1))
    );
    // A host only served from the cache is no company that received anything.
    assert!(r.is_some_and(|r| r
        .companies
        .iter()
        .all(|c| !c.hosts.contains(&"cdn.example.net".to_string()))));
}

#[test]
fn a_tab_state_of_the_first_format_is_still_read() {
    let old = r#"{"seq":3,"visit":"{\"v\":1,\"page\":\"https://example.org/\",\"hosts\":[[\"example.org\",1,0,{\"main_frame\":1},null]],\"bad\":0,\"overflow\":0}","seen":[["1",0,3,false]]}"#;
    let mut t = Tracker::new();
    assert_eq!(t.import_tab(1, old), Ok(()));
    assert_eq!(requests(&t, 1), 1);
    assert!(t.export_tab(1).is_some_and(|s| s.contains("\"hops\"")));
}

fn record(doc: Option<&str>, urls: &[(&str, &str)]) -> String {
    serde_json::json!({
        "document": doc,
        "entries": urls.iter().map(|(u, t)| serde_json::json!([u, t])).collect::<Vec<_>>(),
    })
    .to_string()
}

#[test]
fn requests_the_background_missed_are_recovered_from_the_page_once() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    let img = |i: u32| format!("https://cdn.example.net/p.gif?{i}");
    for i in 0..3 {
        t.event(1, &ev(Stage::Before, &format!("i{i}"), &img(i), "image"));
    }
    // The page loaded five images (and one twice); the background saw three.
    let page: Vec<String> = (0..5).map(img).chain([img(4)]).collect();
    let entries: Vec<(&str, &str)> = page.iter().map(|u| (u.as_str(), "img")).collect();
    assert_eq!(
        t.reconcile(1, &record(Some("https://example.org/"), &entries)),
        Ok(3)
    );
    let r = t.report(1);
    assert_eq!(
        r.as_ref()
            .map(|r| (r.totals.requests, r.totals.recovered, r.totals.fetches)),
        Some((7, 3, 7))
    );
    // Reconciling again with the same record changes nothing.
    assert_eq!(
        t.reconcile(1, &record(Some("https://example.org/"), &entries)),
        Ok(0)
    );
    // The late completion of a recovered request is absorbed; a new request to the same URL is counted.
    t.event(1, &ev(Stage::Completed, "i3", &img(3), "image"));
    assert_eq!(requests(&t, 1), 7);
    t.event(1, &ev(Stage::Before, "again", &img(3), "image"));
    assert_eq!(requests(&t, 1), 8);
    // It all survives a restart.
    let saved = t.export_tab(1).unwrap_or_default();
    let mut u = Tracker::new();
    assert_eq!(u.import_tab(1, &saved), Ok(()));
    u.event(1, &ev(Stage::Completed, "i4", &img(4), "image"));
    assert_eq!(requests(&u, 1), 8, "absorbed after the restart too");
    assert_eq!(
        u.reconcile(1, &record(Some("https://example.org/"), &entries)),
        Ok(0)
    );
}

#[test]
fn the_first_page_before_the_background_started_is_recovered_whole() {
    let mut t = Tracker::new();
    let entries = [
        ("https://example.org/app.js", "script"),
        ("https://mc.yandex.ru/watch/1", "img"),
    ];
    assert_eq!(
        t.reconcile(4, &record(Some("https://example.org/"), &entries)),
        Ok(3)
    );
    let r = t.report(4);
    assert_eq!(
        r.as_ref().map(|r| r.page.url.as_str()),
        Some("https://example.org/")
    );
    assert_eq!(
        r.as_ref().map(|r| (r.totals.requests, r.totals.recovered)),
        Some((3, 3))
    );
    // The document's late completion joins the visit instead of starting another.
    t.event(
        4,
        &ev(Stage::Completed, "d", "https://example.org/", "main_frame"),
    );
    assert_eq!(requests(&t, 4), 3);
    // A non-web document starts nothing.
    assert_eq!(t.reconcile(5, &record(Some("about:blank"), &[])), Ok(0));
    assert!(t.report(5).is_none());
}

#[test]
fn malformed_page_records_are_errors_and_change_nothing() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    for bad in [
        "",
        "{",
        r#"{"entries": [[1, 2]]}"#,
        r#"{"entries": "x"}"#,
        r#"{"document": 5}"#,
    ] {
        assert!(t.reconcile(1, bad).is_err(), "{bad}");
    }
    assert_eq!(requests(&t, 1), 1);
    assert_eq!(t.reconcile(-1, "{}"), Ok(0));
}

#[test]
fn a_recovered_request_is_absorbed_by_its_events_from_before_the_reading_and_only_those() {
    let mut t = Tracker::new();
    let at = |e: Event, ms: f64| with(e, |e| e.time_stamp = Some(ms));
    t.event(
        1,
        &at(
            ev(Stage::Before, "1", "https://example.org/", "main_frame"),
            1000.0,
        ),
    );
    let img = "https://cdn.example.net/p.gif";
    let rec = serde_json::json!({ "document": "https://example.org/", "entries": [[img, "img"]], "at": 5000.0 });
    assert_eq!(t.reconcile(1, &rec.to_string()), Ok(1));
    // Its start and end, delivered late (Firefox buffers the events of a background that is starting): absorbed.
    t.event(1, &at(ev(Stage::Before, "2", img, "image"), 4000.0));
    t.event(1, &at(ev(Stage::Completed, "2", img, "image"), 4100.0));
    assert_eq!(requests(&t, 1), 2);
    // A request to the same URL made after the reading is a new one.
    t.event(1, &at(ev(Stage::Before, "3", img, "image"), 6000.0));
    assert_eq!(requests(&t, 1), 3);
}

#[test]
fn a_recovered_request_takes_its_late_events_type_method_and_address() {
    let mut t = Tracker::new();
    let at = |e: Event, ms: f64| with(e, |e| e.time_stamp = Some(ms));
    t.event(
        1,
        &at(
            ev(Stage::Before, "1", "https://example.org/", "main_frame"),
            1000.0,
        ),
    );
    let beacon = "https://collect.example.net/b";
    // Firefox's Resource Timing says "other" for a beacon, and nothing of its method.
    let rec = serde_json::json!({ "entries": [[beacon, "other"]], "at": 5000.0 });
    assert_eq!(t.reconcile(1, &rec.to_string()), Ok(1));
    let recovered = t.report(1).map(|r| r.totals.recovered);
    assert_eq!(recovered, Some(1));
    let late = with(at(ev(Stage::Before, "2", beacon, "ping"), 4000.0), |e| {
        e.method = "POST".into();
        e.ip = Some("192.0.2.7".into());
    });
    assert!(t.event(1, &late));
    let report = t.report(1);
    let host = report
        .as_ref()
        .and_then(|r| r.hosts.iter().find(|h| h.host == "collect.example.net"));
    assert_eq!(host.map(|h| (h.requests, h.data_requests)), Some((1, 1)));
    assert_eq!(
        host.map(|h| h.types.iter().map(|(k, v)| (&**k, *v)).collect::<Vec<_>>()),
        Some(vec![("ping", 1)])
    );
    assert_eq!(host.and_then(|h| h.ip.as_deref()), Some("192.0.2.7"));
    assert_eq!(
        report.map(|r| r.totals.recovered),
        Some(0),
        "seen by webRequest after all"
    );
}

#[test]
fn a_reconciled_tab_reads_back_exactly_what_it_stored_whatever_the_reading_time() {
    // Found by the `recovery` fuzz target: a reading time that JSON does not round-trip exactly.
    for at in [5.909628085260061e217, 1.5, 1_764_000_000_000.25, -3.0] {
        let mut t = Tracker::new();
        t.event(
            1,
            &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
        );
        let rec = serde_json::json!({ "entries": [["https://cdn.example.net/a.js", "script"]], "at": at });
        assert_eq!(t.reconcile(1, &rec.to_string()), Ok(1));
        let saved = t.export_tab(1).unwrap_or_default();
        let mut u = Tracker::new();
        assert_eq!(u.import_tab(1, &saved), Ok(()));
        assert_eq!(u.export_tab(1), Some(saved), "{at}");
    }
}

#[test]
fn a_record_of_another_document_than_the_visits_is_not_counted_into_it() {
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(Stage::Before, "1", "https://example.org/", "main_frame"),
    );
    // The tab went on to another site before the background read it: that page's requests are its own visit's.
    let rec = serde_json::json!({ "document": "https://other.example/", "entries": [["https://cdn.example.net/a.js", "script"]], "at": 5.0 });
    assert_eq!(t.reconcile(1, &rec.to_string()), Ok(0));
    // The same host (a single-page app moved on with pushState) is the same visit.
    let rec = serde_json::json!({ "document": "https://example.org/app#/next", "entries": [["https://cdn.example.net/a.js", "script"]], "at": 5.0 });
    assert_eq!(t.reconcile(1, &rec.to_string()), Ok(1));
}

#[test]
fn a_record_read_before_the_visit_began_is_an_earlier_documents_and_not_counted() {
    let at = |e: Event, t: f64| Event {
        time_stamp: Some(t),
        ..e
    };
    let mut t = Tracker::new();
    let page = "https://example.org/";
    t.event(1, &at(ev(Stage::Before, "1", page, "main_frame"), 1_000.0));
    // The same page loaded again (a reload) before the record of the first load, read at 1,500, is applied.
    t.event(1, &at(ev(Stage::Before, "2", page, "main_frame"), 2_000.0));
    let old = serde_json::json!({ "document": page, "entries": [["https://cdn.example.net/a.js", "script"]], "at": 1_500.0 });
    assert_eq!(t.reconcile(1, &old.to_string()), Ok(0));
    // The same holds after the tab was stored and restored (a stopped worker).
    let saved = t.export_tab(1).unwrap_or_default();
    let mut u = Tracker::new();
    assert!(u.import_tab(1, &saved).is_ok());
    assert_eq!(u.reconcile(1, &old.to_string()), Ok(0));
    // A record of the second load (read after it began) is counted.
    let new = serde_json::json!({ "document": page, "entries": [["https://cdn.example.net/a.js", "script"]], "at": 2_500.0 });
    assert_eq!(u.reconcile(1, &new.to_string()), Ok(1));
}

#[test]
fn a_blocked_load_in_the_pages_record_is_not_counted_again_as_a_request() {
    let page = "https://www.news.example/";
    let script = "https://mc.yandex.ru/metrika/tag.js";
    let pixel = "https://mc.yandex.ru/watch/1";
    // Chromium: a start, then the block; or the block alone (a request blocked before webRequest saw it start).
    let mut t = Tracker::new();
    t.event(1, &ev(Stage::Before, "1", page, "main_frame"));
    t.event(1, &ev(Stage::Before, "2", script, "script"));
    t.event(
        1,
        &blocked_ev("2", script, "script", "net::ERR_BLOCKED_BY_CLIENT", 1_000.0),
    );
    t.event(
        1,
        &blocked_ev("3", pixel, "image", "net::ERR_BLOCKED_BY_CLIENT", 1_001.0),
    );
    let blocked = |t: &Tracker| t.report(1).map_or(0, |r| r.totals.blocked_requests);
    assert_eq!((requests(&t, 1), blocked(&t)), (1, 2));
    // The worker was stopped and restored; the page's record lists the blocked loads beside the document.
    let saved = t.export_tab(1).unwrap_or_default();
    let mut u = Tracker::new();
    assert!(u.import_tab(1, &saved).is_ok());
    let listed = record(Some(page), &[(script, "script"), (pixel, "img")]);
    assert_eq!(u.reconcile(1, &listed), Ok(0));
    assert_eq!((requests(&u, 1), blocked(&u)), (1, 2));
    // A second load of the script that did reach its server (listed twice) is still recovered, once.
    let twice = record(
        Some(page),
        &[(script, "script"), (script, "script"), (pixel, "img")],
    );
    assert_eq!(u.reconcile(1, &twice), Ok(1));
    assert_eq!(requests(&u, 1), 2);
}
