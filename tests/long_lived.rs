//! A long-lived tab (a single-page app or a live ticker that never navigates): 100,000 requests to a few hundred
//! hosts, every one seen at two stages. The tab keeps counting every request exactly, and its persisted state stays
//! small because it grows with distinct hosts (capped) and a bounded memory of recent requests, not with requests.

use whither::tracker::{Event, Stage, Tracker, MAX_SEEN};

fn ev(stage: Stage, id: u64, url: String, type_name: &str) -> Event {
    Event {
        stage,
        request_id: id.to_string(),
        url,
        type_name: type_name.into(),
        method: if id % 7 == 0 { "POST" } else { "GET" }.into(),
        ip: Some(format!("192.0.2.{}", id % 250)),
        document_url: None,
        ..Event::default()
    }
}

#[test]
fn a_tab_with_100k_requests_keeps_counting_and_stays_small() {
    const REQUESTS: u64 = 100_000;
    let hosts = [
        "www.google-analytics.com",
        "connect.facebook.net",
        "mc.yandex.ru",
        "static.criteo.net",
        "analytics.tiktok.com",
    ];
    let mut t = Tracker::new();
    t.event(
        1,
        &ev(
            Stage::Before,
            0,
            "https://live.news.example/".into(),
            "main_frame",
        ),
    );
    let mut largest = 0usize;
    for i in 1..REQUESTS {
        // 300 distinct hosts: five trackers and the page's own shards.
        let host = match hosts.get((i % 8) as usize) {
            Some(h) => (*h).to_string(),
            None => format!("shard{}.live.news.example", i % 295),
        };
        let url = format!("https://{host}/x?i={i}&t={}", i * 31);
        t.event(1, &ev(Stage::Before, i, url.clone(), "xmlhttprequest"));
        t.event(1, &ev(Stage::Completed, i, url, "xmlhttprequest"));
        if i % 10_000 == 0 {
            let size = t.export_tab(1).map_or(0, |s| s.len());
            largest = largest.max(size);
            // A restarted worker restores the tab and goes on counting.
            let saved = t.export_tab(1).unwrap_or_default();
            let mut u = Tracker::new();
            assert_eq!(u.import_tab(1, &saved), Ok(()));
            t = u;
        }
    }
    let report = t.report(1);
    assert_eq!(report.as_ref().map(|r| r.totals.requests), Some(REQUESTS));
    assert_eq!(report.as_ref().map(|r| r.totals.hosts), Some(301));
    let size = t.export_tab(1).map_or(0, |s| s.len());
    largest = largest.max(size);
    println!(
        "100,000 requests, 301 hosts: persisted tab state {size} bytes at the end, {largest} bytes at most \
         (request memory capped at {MAX_SEEN} entries)"
    );
    assert!(largest < 300_000, "tab state grew to {largest} bytes");
}
