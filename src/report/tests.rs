//! Unit tests of the per-visit aggregation (src/report/mod.rs): counting, outcomes, blocked requests, server
//! addresses, export/import.
use super::*;

fn req(url: &str, type_name: &str) -> Request<'static> {
    let url: &'static str = Box::leak(url.to_string().into_boxed_str());
    let type_name: &'static str = Box::leak(type_name.to_string().into_boxed_str());
    Request {
        url,
        type_name,
        method: "GET",
        ip: None,
        proxy: false,
    }
}

#[test]
fn aggregates_hosts_companies_and_jurisdictions() {
    let mut v = Visit::new("https://www.youtube.com/watch?v=1");
    v.record(&req("https://www.youtube.com/watch?v=1", "main_frame"));
    v.record(&req("https://www.google-analytics.com/g/collect", "ping"));
    v.record(&req(
        "https://www.google-analytics.com/analytics.js",
        "script",
    ));
    v.record(&req("https://cdn.nobody-owns-this.example/x.js", "script"));
    v.record(&req("data:image/png;base64,xx", "image"));
    v.record(&req("https://a..b/", "image"));
    let r = v.report();
    assert_eq!(r.totals.requests, 5);
    assert_eq!(r.totals.hosts, 3);
    assert_eq!(r.totals.unattributed_requests, 2);
    assert_eq!(r.totals.data_requests, 1);
    assert_eq!(r.page.controller, Some("alphabet"));
    let ga = r
        .hosts
        .iter()
        .find(|h| h.host == "www.google-analytics.com");
    assert_eq!(ga.map(|h| h.party), Some(Party::SameOwner));
    assert_eq!(ga.map(|h| h.requests), Some(2));
    let yt = r.hosts.iter().find(|h| h.host == "www.youtube.com");
    assert_eq!(yt.map(|h| h.party), Some(Party::First));
    assert_eq!(r.jurisdictions.first().map(|j| j.country), Some("US"));
    assert_eq!(r.companies.first().map(|c| c.id), Some("google"));
    assert_eq!(r.totals.third_party_requests, 1);
}

#[test]
fn export_import_round_trip() {
    let mut v = Visit::new("https://example.org/");
    v.record(&req("https://example.org/", "main_frame"));
    v.record(&Request {
        url: "https://doubleclick.net/x",
        type_name: "beacon",
        method: "POST",
        ip: Some("10.0.0.1"),
        proxy: false,
    });
    let text = v.export();
    let back = Visit::import(&text);
    let back = back.as_ref().map(Visit::export);
    assert_eq!(back.as_deref(), Ok(text.as_str()));
    assert!(Visit::import("{").is_err());
    assert!(Visit::import(r#"{"v":1,"page":"x","hosts":[["Not Normal",1,0,{},null]]}"#).is_err());
    assert!(Visit::import(r#"{"v":9,"page":"x","hosts":[]}"#).is_err());
}

#[test]
fn hosts_are_capped_with_an_overflow_counter() {
    let mut v = Visit::new("https://example.org/");
    for i in 0..(MAX_HOSTS + 10) {
        v.record(&req(&format!("https://h{i}.example.org/"), "image"));
    }
    let r = v.report();
    assert_eq!(r.totals.hosts, MAX_HOSTS as u64);
    assert_eq!(r.totals.overflow_requests, 10);
    assert_eq!(r.totals.requests, (MAX_HOSTS + 10) as u64);
}

/// A visit with first parties, a same-owner host, several jurisdictions, unattributed and unparseable requests,
/// and hosts written in several ways.
fn mixed_visit() -> Visit {
    let mut v = Visit::new("https://www.youtube.com/");
    for (url, type_name) in [
        ("https://www.youtube.com/", "main_frame"),
        ("https://i.ytimg.com/vi/1.jpg", "image"),
        ("https://www.google-analytics.com/g/collect", "ping"),
        (
            "https://WWW.Google-Analytics.COM.:443/analytics.js",
            "script",
        ),
        ("https://user@www.google-analytics.com/x", "xmlhttprequest"),
        ("https://mc.yandex.ru/watch/1", "script"),
        ("https://mc.yandex.ru/watch/2", "image"),
        ("https://sf16-scmcdn-sg.ibytedtos.com/a.js", "script"),
        ("https://connect.facebook.net/en_US/fbevents.js", "script"),
        ("https://cdn.nobody-owns-this.example/x.js", "script"),
        ("https://a..b/", "image"),
        ("https://bad.example:99999/", "image"),
        ("data:image/png;base64,xx", "image"),
        ("https://[::1]:8080/", "xmlhttprequest"),
    ] {
        v.record(&req(url, type_name));
    }
    v
}

#[test]
fn summary_is_the_reports_totals_and_jurisdictions() {
    let v = mixed_visit();
    let r = v.report();
    let (totals, jurisdictions) = v.summary();
    assert_eq!(totals, r.totals);
    // The totals agree with the report's rows.
    let sum = |f: &dyn Fn(&HostRow) -> u64| r.hosts.iter().map(f).sum::<u64>();
    assert_eq!(totals.hosts, r.hosts.len() as u64);
    assert_eq!(totals.companies, r.companies.len() as u64);
    assert_eq!(totals.jurisdictions, r.jurisdictions.len() as u64);
    assert_eq!(totals.data_requests, sum(&|h| h.data_requests));
    assert_eq!(
        totals.third_party_requests,
        sum(&|h| if h.party == Party::Third {
            h.requests
        } else {
            0
        })
    );
    assert_eq!(
        totals.unattributed_requests,
        totals.requests - sum(&|h| if h.entity.is_some() { h.requests } else { 0 })
    );
    let from_report: Vec<(&str, u64)> = r
        .jurisdictions
        .iter()
        .map(|j| (j.country, j.requests))
        .collect();
    assert_eq!(jurisdictions, from_report);
    assert!(jurisdictions.len() >= 3, "{jurisdictions:?}");
    assert_eq!(Visit::new("https://example.org/").summary().0.requests, 0);
}

#[test]
fn a_host_counts_the_same_however_it_is_written() {
    let v = mixed_visit();
    let r = v.report();
    let ga = r
        .hosts
        .iter()
        .find(|h| h.host == "www.google-analytics.com");
    assert_eq!(ga.map(|h| h.requests), Some(3));
    assert_eq!(
        r.totals.requests, 13,
        "the data: URL is not a request to a host"
    );
    assert_eq!(
        r.totals.unattributed_requests, 4,
        "2 unparseable, the unknown host, ::1"
    );
}

#[test]
fn visit_states_of_versions_1_and_2_are_read() {
    // Version 1: hosts only; version 2 (issue 14): fetches, recovered, outcomes; neither has server addresses.
    let v1 = r#"{"v":1,"page":"https://example.org/","hosts":[["doubleclick.net",2,1,{"ping":2},"10.0.0.1"]]}"#;
    let v2 = r#"{"v":2,"page":"https://example.org/","hosts":[["doubleclick.net",2,1,{"ping":2},"10.0.0.1"]],"fetches":2,"recovered":0,"outcomes":[["doubleclick.net",1,0]]}"#;
    for (text, redirects) in [(v1, 0), (v2, 1)] {
        let visit = Visit::import(text).unwrap_or_else(|e| panic!("{e}"));
        let r = visit.report();
        let host = r.hosts.iter().find(|h| h.host == "doubleclick.net");
        assert_eq!(
            host.map(|h| (h.requests, h.redirects)),
            Some((2, redirects))
        );
        assert_eq!(
            host.and_then(|h| h.ip.as_deref()),
            Some("10.0.0.1"),
            "the last address is kept"
        );
        assert_eq!(
            host.map(|h| (h.servers.len(), h.no_ip_requests)),
            Some((0, 2)),
            "no server is guessed"
        );
        // Written again in the current version, and read back the same.
        let again = visit.export();
        assert!(
            again.starts_with(&format!("{{\"v\":{STATE_VERSION},")),
            "{again}"
        );
        let back = Visit::import(&again).map(|v| v.export());
        assert_eq!(back.as_deref(), Ok(again.as_str()));
    }
}
