//! "Probably this site's own" (docs/report-format.md): an unknown host named like the site's own infrastructure is
//! marked so in the report, with no owner and no jurisdiction, and is not counted as a third party.

use whither::report::{Party, Request, Visit};

fn req<'a>(url: &'a str, type_name: &'a str) -> Request<'a> {
    Request {
        url,
        type_name,
        method: "GET",
        ip: None,
        proxy: false,
    }
}

#[test]
fn an_unknown_host_under_the_sites_brand_is_probably_its_own_with_no_jurisdiction() {
    let mut v = Visit::new("https://www.nobody-brand.example/");
    v.record(&req("https://www.nobody-brand.example/", "main_frame"));
    v.record(&req("https://img.nobody-brand-cdn.example/a.jpg", "image"));
    v.record(&req("https://cdn.unrelated.example/b.js", "script"));
    let r = v.report();
    let own = r
        .hosts
        .iter()
        .find(|h| h.host == "img.nobody-brand-cdn.example");
    assert_eq!(own.map(|h| h.party), Some(Party::ProbablyOwn));
    assert_eq!(own.map(|h| h.jurisdiction), Some(None));
    assert_eq!(own.and_then(|h| h.entity), None);
    let other = r.hosts.iter().find(|h| h.host == "cdn.unrelated.example");
    assert_eq!(other.map(|h| h.party), Some(Party::Third));
    assert_eq!(r.totals.third_party_requests, 1);
    assert_eq!(
        r.totals.unattributed_requests, 3,
        "no owner for any of them"
    );
}

#[test]
fn the_data_decides_over_the_rule() {
    // googlevideo.com is named like an unknown google.example's video domain, but the data lists it (Google).
    let mut v = Visit::new("https://www.google.example/");
    v.record(&req("https://www.google.example/", "main_frame"));
    v.record(&req("https://r1.googlevideo.com/videoplayback", "media"));
    let r = v.report();
    let gv = r.hosts.iter().find(|h| h.host == "r1.googlevideo.com");
    assert_eq!(gv.map(|h| h.party), Some(Party::Third));
    assert_eq!(gv.and_then(|h| h.jurisdiction), Some("US"));
}
