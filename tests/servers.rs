//! Where the bytes physically go, end to end on the native core: a HAR recording with real public server addresses
//! through `whither report` (the library and the CLI binary), and `whither ip` on addresses and on what is none.

use std::process::Command;
use whither::servers::PlaceKind;

const HAR: &str = include_str!("fixtures/servers.har");

#[test]
fn a_har_with_public_server_addresses_reports_countries_and_networks_per_host_and_company() {
    let r = whither::har::report(HAR).expect("the fixture is a HAR");
    assert_eq!(r.schema, 3);
    let host = |name: &str| {
        r.hosts
            .iter()
            .find(|h| h.host == name)
            .unwrap_or_else(|| panic!("no host {name}"))
    };
    // Google Analytics: one IPv4 server however it is written (::ffff:…), one IPv6 server in Ireland.
    let ga = host("www.google-analytics.com");
    let servers: Vec<(&str, u64, Option<&str>, Option<u32>)> = ga
        .servers
        .iter()
        .map(|s| (s.ip.as_str(), s.requests, s.country, s.asn))
        .collect();
    assert_eq!(
        servers,
        [
            ("142.250.185.78", 2, Some("US"), Some(15169)),
            ("2a00:1450:4001:82b::200e", 1, Some("IE"), Some(15169))
        ]
    );
    assert!(ga
        .servers
        .iter()
        .all(|s| s.network == Some("Google LLC") && s.kind == PlaceKind::Country));
    // Yandex: one request answered from Russia, one load from the cache (no server received it: `cached`, not a
    // request, and no address is guessed for it).
    let ya = host("mc.yandex.ru");
    assert_eq!(
        (ya.requests, ya.servers.len(), ya.no_ip_requests, ya.cached),
        (1, 1, 0, 1)
    );
    assert_eq!(ya.servers[0].country, Some("RU"));
    // The local development server: the local network.
    let local = host("localhost");
    assert_eq!(local.servers[0].kind, PlaceKind::Local);
    assert_eq!(local.servers[0].country, None);
    // Companies: TikTok is controlled from China and served from a US network.
    let tiktok = r
        .companies
        .iter()
        .find(|c| c.id == "tiktok" || c.chain.iter().any(|l| l.id == "bytedance"));
    let tiktok = tiktok.expect("TikTok's company");
    assert_eq!(tiktok.jurisdiction, Some("CN"));
    assert_eq!(tiktok.servers.first().and_then(|p| p.country), Some("US"));
    assert_eq!(
        tiktok
            .servers
            .first()
            .and_then(|p| p.networks.first())
            .map(|n| n.asn),
        Some(20940)
    );
    // The summary "where the servers are" counts every request once.
    let total: u64 = r.servers.iter().map(|s| s.requests).sum();
    assert_eq!(total, r.totals.requests);
    let us = r
        .servers
        .iter()
        .find(|s| s.country == Some("US"))
        .expect("US servers");
    assert_eq!(us.requests, 4, "news page, GA twice, TikTok");
    assert!(
        r.servers.iter().all(|s| s.kind != PlaceKind::Unknown),
        "the load from the cache is no request: no unknown place"
    );
    assert!(r.ip_data.as_ref().is_some_and(|d| d.date.len() == 10));
    // The CSV export carries the server country and network per host.
    let csv = whither::export::report_csv(&r);
    let line = csv
        .lines()
        .find(|l| l.contains(",mc.yandex.ru,"))
        .expect("yandex row");
    assert!(
        line.ends_with(",RU,AS13238 YANDEX LLC,87.250.251.119,0,,,"),
        "{line}"
    );
}

fn whither(args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_whither"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().expect("the CLI ends");
    assert!(out.status.success(), "whither {args:?} failed");
    String::from_utf8(out.stdout).unwrap_or_default()
}

#[test]
fn the_cli_reports_a_har_and_describes_addresses_one_json_line_each() {
    let dir = std::env::temp_dir().join(format!("whither-servers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("servers.har");
    std::fs::write(&file, HAR).expect("write the fixture");
    let json: serde_json::Value =
        serde_json::from_str(&whither(&["report", file.to_str().unwrap_or("")], None))
            .expect("JSON report");
    let ya = json["hosts"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["host"] == "mc.yandex.ru"))
        .cloned();
    assert_eq!(
        ya.map(|h| h["servers"][0]["network"].clone()),
        Some(serde_json::json!("YANDEX LLC"))
    );
    let _ = std::fs::remove_dir_all(&dir);

    let out = whither(
        &[
            "ip",
            "8.8.8.8",
            "not-an-ip",
            "::ffff:8.8.8.8",
            "192.168.1.20",
        ],
        None,
    );
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "one line per input, the bad one included: {out}"
    );
    assert_eq!(
        lines[0],
        serde_json::json!({"input": "8.8.8.8", "ip": "8.8.8.8", "country": "US", "asn": 15169,
                           "network": "Google LLC", "scope": "public"})
    );
    assert_eq!(lines[1]["input"], "not-an-ip");
    assert!(lines[1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("not an IP")));
    assert_eq!(
        (lines[2]["country"].clone(), lines[2]["asn"].clone()),
        (serde_json::json!("US"), serde_json::json!(15169))
    );
    assert_eq!(lines[3]["scope"], "private");
    assert!(
        lines[3]["country"].is_null() && lines[3]["asn"].is_null() && lines[3]["network"].is_null()
    );
    // From stdin, one per line; blank lines are skipped.
    let out = whither(&["ip"], Some("1.1.1.1\n\n2001:db8::1\n"));
    assert_eq!(out.lines().count(), 2);
    assert!(out.contains("\"scope\":\"documentation\""));
}
