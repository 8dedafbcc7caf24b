//! Fuzz target: reconciliation of a tab with its page's own record (src/tracker/recovery.rs). Arbitrary webRequest
//! events with arbitrary time stamps (NaN, infinities, negative, out of order) interleaved with page records from
//! the content script (structured ones with arbitrary URLs, initiator types, documents and reading times, and
//! arbitrary text, since a page can shape what its frames report), and with the tab stored and restored. Checks:
//! never panics; a record never takes requests away; a restored tab gives the same report and the same export.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use whither::tracker::{Event, Stage, Tracker};

#[derive(Arbitrary, Debug)]
enum Op {
    Event {
        stage: u8,
        request_id: u8,
        url: u8,
        type_name: u8,
        time: Option<f64>,
    },
    Record {
        document: Option<u8>,
        entries: Vec<(u8, u8)>,
        at: Option<f64>,
    },
    RawRecord(String),
    RoundTrip,
    Navigate(u8),
}

const STAGES: [Stage; 5] = [
    Stage::Before,
    Stage::Redirect,
    Stage::Response,
    Stage::Completed,
    Stage::Error,
];
const TYPES: [&str; 6] = [
    "main_frame",
    "sub_frame",
    "script",
    "image",
    "ping",
    "weird",
];
const INITIATORS: [&str; 8] = [
    "img",
    "script",
    "beacon",
    "other",
    "navigation",
    "iframe",
    "",
    "x\u{0}y",
];
const URLS: [&str; 8] = [
    "https://www.news.example/",
    "https://www.news.example/#frag",
    "https://www.google-analytics.com/g/collect",
    "https://mc.yandex.ru/watch/1",
    "https://[::1]:8443/x",
    "http://xn--nxasmq6b.example/",
    "data:text/plain,x",
    "https://a..b/",
];

fn report_json(t: &Tracker) -> Option<String> {
    t.report(1).and_then(|r| serde_json::to_string(&r).ok())
}

fn requests(t: &Tracker) -> u64 {
    t.report(1).map_or(0, |r| r.totals.requests)
}

fuzz_target!(|ops: Vec<Op>| {
    let mut t = Tracker::new();
    for op in ops.into_iter().take(64) {
        match op {
            Op::Event {
                stage,
                request_id,
                url,
                type_name,
                time,
            } => {
                let ev = Event {
                    stage: STAGES[usize::from(stage) % STAGES.len()],
                    request_id: (request_id % 8).to_string(),
                    url: URLS[usize::from(url) % URLS.len()].to_string(),
                    type_name: TYPES[usize::from(type_name) % TYPES.len()].to_string(),
                    method: "GET".to_string(),
                    time_stamp: time,
                    ..Event::default()
                };
                t.event(1, &ev);
            }
            Op::Record {
                document,
                entries,
                at,
            } => {
                let record = serde_json::json!({
                    "document": document.map(|d| URLS[usize::from(d) % URLS.len()]),
                    "entries": entries.iter().take(64).map(|&(u, i)| {
                        [URLS[usize::from(u) % URLS.len()], INITIATORS[usize::from(i) % INITIATORS.len()]]
                    }).collect::<Vec<_>>(),
                    "at": at.filter(|a| a.is_finite()),
                });
                let before = requests(&t);
                if let Ok(n) = t.reconcile(1, &record.to_string()) {
                    assert!(requests(&t) >= before, "a record took requests away");
                    assert!(u64::from(n) <= 65);
                }
            }
            Op::RawRecord(text) => {
                let before = report_json(&t);
                if t.reconcile(1, &text).is_err() {
                    assert_eq!(
                        report_json(&t),
                        before,
                        "a rejected record changed the report"
                    );
                }
            }
            Op::RoundTrip => {
                if let Some(saved) = t.export_tab(1) {
                    let mut u = Tracker::new();
                    assert_eq!(u.import_tab(1, &saved), Ok(()), "{saved}");
                    assert_eq!(report_json(&u), report_json(&t));
                    assert_eq!(u.export_tab(1).as_deref(), Some(saved.as_str()));
                    t = u;
                }
            }
            Op::Navigate(page) => {
                let ev = Event {
                    stage: Stage::Before,
                    request_id: format!("nav{page}"),
                    url: format!("https://site{}.example/", page % 4),
                    type_name: "main_frame".to_string(),
                    method: "GET".to_string(),
                    ..Event::default()
                };
                t.event(1, &ev);
            }
        }
    }
    let _ = report_json(&t);
});
