//! What is counted, through both of the core's paths: a page's fetches from the shared fixture
//! `tests/fixtures/counting.json` fed to the tracker as webRequest events (in Chromium's order) and read from a HAR
//! of the same page; both must count every host's requests as its server received them.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use whither::report::Report;
use whither::tracker::{Event, Stage, Tracker};

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/counting.json")).expect("valid fixture")
}

fn hops(fetch: &Value) -> Vec<&Value> {
    fetch["hops"]
        .as_array()
        .map(|h| h.iter().collect())
        .unwrap_or_default()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// The events Chromium's webRequest gives for the fixture's fetches, one request id per fetch.
fn events(f: &Value) -> Vec<Event> {
    let mut out = Vec::new();
    for (n, fetch) in f["fetches"].as_array().into_iter().flatten().enumerate() {
        let id = (n + 1).to_string();
        let type_name = s(fetch, "type").to_string();
        let method = fetch["method"].as_str().unwrap_or("GET").to_string();
        for hop in hops(fetch) {
            let base = Event {
                request_id: id.clone(),
                url: s(hop, "url").to_string(),
                type_name: type_name.clone(),
                method: method.clone(),
                ..Event::default()
            };
            out.push(base.clone());
            let ip = Some(hop["ip"].as_str().unwrap_or("192.0.2.1").to_string());
            out.push(match s(hop, "end") {
                "redirect" => Event {
                    stage: Stage::Redirect,
                    status_code: Some(301),
                    status_line: Some("HTTP/1.1 301 Moved Permanently".into()),
                    ip,
                    ..base
                },
                "internal" => Event {
                    stage: Stage::Redirect,
                    status_code: Some(307),
                    status_line: Some("HTTP/1.1 307 Internal Redirect".into()),
                    ..base
                },
                "cache-miss" => Event {
                    stage: Stage::Error,
                    error: Some("net::ERR_CACHE_MISS".into()),
                    ..base
                },
                "error" => Event {
                    stage: Stage::Error,
                    error: Some("net::ERR_CONNECTION_RESET".into()),
                    ip,
                    ..base
                },
                "cached" => Event {
                    stage: Stage::Completed,
                    from_cache: Some(true),
                    ..base
                },
                _ => Event {
                    stage: Stage::Completed,
                    ip,
                    ..base
                },
            });
        }
    }
    out
}

/// A HAR of the fixture's page as Chromium writes it (redirects, internal redirects and cache-only attempts are
/// entries of their own).
fn har(f: &Value) -> String {
    let mut entries = Vec::new();
    for fetch in f["fetches"].as_array().into_iter().flatten() {
        let resource = match s(fetch, "type") {
            "main_frame" => "document",
            "xmlhttprequest" => "xhr",
            other => other,
        };
        let hs = hops(fetch);
        for (i, hop) in hs.iter().enumerate() {
            let next = hs.get(i + 1).map_or("", |h| s(h, "url"));
            let (status, text, redirect, error, cache) = match s(hop, "end") {
                "redirect" => (301, "Moved Permanently", next, "", false),
                "internal" => (307, "Internal Redirect", next, "", false),
                "cache-miss" => (0, "", "", "net::ERR_CACHE_MISS", false),
                "error" => (0, "", "", "net::ERR_CONNECTION_RESET", false),
                "cached" => (200, "OK", "", "", true),
                _ => (200, "OK", "", "", false),
            };
            let mut entry = json!({
                "pageref": "page_1",
                "_resourceType": resource,
                "request": { "method": fetch["method"].as_str().unwrap_or("GET"), "url": s(hop, "url") },
                "response": { "status": status, "statusText": text, "redirectURL": redirect, "_error": error,
                              "content": { "mimeType": if resource == "document" { "text/html" } else { "" } } },
                "serverIPAddress": hop["ip"].as_str().unwrap_or("192.0.2.1"),
            });
            if cache {
                entry["_fromCache"] = json!("disk");
            }
            entries.push(entry);
        }
    }
    json!({ "log": { "version": "1.2", "pages": [{ "id": "page_1" }], "entries": entries } })
        .to_string()
}

fn check(path: &str, report: &Report, f: &Value) {
    let got: BTreeMap<&str, (u64, u64, u64)> = report
        .hosts
        .iter()
        .map(|h| (h.host.as_str(), (h.requests, h.redirects, h.cached)))
        .collect();
    let want: BTreeMap<&str, (u64, u64, u64)> = f["hosts"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(h, c)| {
            let n = |k: &str| c[k].as_u64().unwrap_or(0);
            (h.as_str(), (n("requests"), n("redirects"), n("cached")))
        })
        .collect();
    assert_eq!(got, want, "{path}: (requests, redirects, cached) per host");
    let t = &report.totals;
    let n = |k: &str| f["totals"][k].as_u64().unwrap_or(0);
    assert_eq!(
        (
            t.requests,
            t.fetches,
            t.redirects,
            t.cached,
            t.data_requests
        ),
        (
            n("requests"),
            n("fetches"),
            n("redirects"),
            n("cached"),
            n("data_requests")
        ),
        "{path}: totals"
    );
    assert_eq!(
        report.page.url,
        s(f, "final_page"),
        "{path}: the page is the redirected document"
    );
}

#[test]
fn the_tracker_counts_what_the_servers_received() {
    let f = fixture();
    let mut t = Tracker::new();
    for ev in events(&f) {
        t.event(1, &ev);
    }
    let report = t.report(1).expect("a visit");
    check("tracker", &report, &f);
    // The same after a restart in the middle: every event up to the middle, then the rest on the restored state.
    let events = events(&f);
    let (a, b) = events.split_at(events.len() / 2);
    let mut t = Tracker::new();
    for ev in a {
        t.event(1, ev);
    }
    let mut u = Tracker::new();
    assert_eq!(
        u.import_tab(1, &t.export_tab(1).unwrap_or_default()),
        Ok(())
    );
    for ev in b {
        u.event(1, ev);
    }
    check("tracker, restarted", &u.report(1).expect("a visit"), &f);
}

#[test]
fn a_har_of_the_page_counts_the_same() {
    let f = fixture();
    let report = whither::har::report(&har(&f)).expect("a valid HAR");
    check("HAR", &report, &f);
}
