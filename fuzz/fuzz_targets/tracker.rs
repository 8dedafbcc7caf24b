//! Fuzz target: report aggregation through the tracker. Arbitrary sequences of webRequest events (any stage, tab,
//! request id, URL, type, method, IP, proxy, cache), interleaved with persisting and restoring tabs (as a stopped service worker
//! does) and with arbitrary stored state. Checks: never panics; a restored tab gives the same report as the tab it
//! was saved from.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use whither::tracker::{Event, Stage, Tracker};

#[derive(Arbitrary, Debug)]
enum Op {
    Event {
        tab: i8,
        stage: u8,
        request_id: u8,
        url: String,
        type_name: u8,
        post: bool,
        ip: Option<String>,
        document_url: Option<String>,
        proxy: bool,
        /// How the request ended: 0 nothing, 1 a cache-only miss, 2 an internal redirect, 3 a cache hit, else
        /// arbitrary error and status line.
        outcome: u8,
        text: String,
    },
    /// Export a tab and import it into a fresh tracker; the reports must agree.
    RoundTrip {
        tab: i8,
    },
    /// Import arbitrary (untrusted) stored state.
    Import {
        tab: i8,
        state: String,
    },
    Remove {
        tab: i8,
    },
}

const STAGES: [Stage; 5] = [
    Stage::Before,
    Stage::Redirect,
    Stage::Response,
    Stage::Completed,
    Stage::Error,
];
const TYPES: [&str; 8] = [
    "main_frame",
    "sub_frame",
    "script",
    "image",
    "ping",
    "xmlhttprequest",
    "beacon",
    "weird",
];
const URLS: [&str; 4] = [
    "https://www.news.example/",
    "https://www.google-analytics.com/g/collect",
    "https://mc.yandex.ru/watch/1",
    "https://[::1]:8443/x",
];

/// Server addresses: public, local, mapped, special (short arbitrary strings are replaced by these).
const IPS: [&str; 6] = [
    "8.8.8.8",
    "127.0.0.1",
    "2001:4860:4860::8888",
    "::ffff:1.1.1.1",
    "[::1]",
    "fe80::1%lo",
];

fn report_json(t: &Tracker, tab: i64) -> Option<String> {
    t.report(tab).and_then(|r| serde_json::to_string(&r).ok())
}

fuzz_target!(|ops: Vec<Op>| {
    let mut t = Tracker::new();
    for op in ops.into_iter().take(256) {
        match op {
            Op::Event {
                tab,
                stage,
                request_id,
                url,
                type_name,
                post,
                ip,
                document_url,
                proxy,
                outcome,
                text,
            } => {
                // Mostly real URLs (so that de-duplication and visits are exercised), sometimes arbitrary ones.
                let url = match URLS.get(usize::from(request_id % 8)) {
                    Some(u) if url.len() < 2 => (*u).to_string(),
                    _ => url,
                };
                let ev = Event {
                    stage: STAGES[usize::from(stage) % STAGES.len()],
                    request_id: (request_id % 16).to_string(),
                    url,
                    type_name: TYPES[usize::from(type_name) % TYPES.len()].to_string(),
                    method: if post { "POST" } else { "GET" }.to_string(),
                    ip: ip.map(|ip| match IPS.get(ip.len()) {
                        Some(real) if ip.len() < IPS.len() => (*real).to_string(),
                        _ => ip,
                    }),
                    document_url,
                    proxy,
                    error: match outcome {
                        1 => Some("net::ERR_CACHE_MISS".to_string()),
                        4.. => Some(text.clone()),
                        _ => None,
                    },
                    status_code: (outcome == 2).then_some(307),
                    status_line: match outcome {
                        2 => Some("HTTP/1.1 307 Internal Redirect".to_string()),
                        4.. => Some(text),
                        _ => None,
                    },
                    from_cache: (outcome == 3).then_some(true),
                    time_stamp: None,
                };
                t.event(i64::from(tab), &ev);
            }
            Op::RoundTrip { tab } => {
                let tab = i64::from(tab);
                if let Some(saved) = t.export_tab(tab) {
                    let mut u = Tracker::new();
                    assert_eq!(u.import_tab(tab, &saved), Ok(()), "{saved}");
                    assert_eq!(report_json(&u, tab), report_json(&t, tab));
                    assert_eq!(u.export_tab(tab).as_deref(), Some(saved.as_str()));
                }
            }
            Op::Import { tab, state } => {
                let _ = t.import_tab(i64::from(tab), &state);
            }
            Op::Remove { tab } => t.remove_tab(i64::from(tab)),
        }
    }
    for tab in t.tabs() {
        let _ = report_json(&t, tab);
    }
});
