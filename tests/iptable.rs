//! The bundled IP table against the npm packages' own source rows (their text CSV files, with addresses written out):
//! every row's first and last address give the row's country or network, unless a more specific row covers the
//! address (the smaller range wins, of two of one size the later); the address before a row's first and after its
//! last belong to other rows or to none; an IPv4 row gives the same through its IPv4-mapped IPv6 address.

use std::net::IpAddr;
use whither::ip;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Row {
    first: u128,
    last: u128,
    value: String,
}

fn num(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

/// The rows of one of the packages' text CSV files (`first,last,value…`), sorted by first address.
fn rows(file: &str) -> Vec<Row> {
    let path = format!("{ROOT}/node_modules/@ip-location-db/{file}");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} (run npm ci)"));
    let mut rows: Vec<Row> = text
        .lines()
        .map(|l| {
            let mut f = l.splitn(4, ',');
            let first = ip::parse(f.next().unwrap_or("")).expect("first address");
            let last = ip::parse(f.next().unwrap_or("")).expect("last address");
            Row {
                first: num(first),
                last: num(last),
                value: f.next().unwrap_or("").to_string(),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.first);
    rows
}

/// What the table must answer at `x`, from the rows holding it (`near`: the indices of rows that may hold it).
fn expected<'a>(rows: &'a [Row], near: &[usize], x: u128) -> Option<&'a str> {
    let mut best: Option<(u128, usize)> = None;
    for &i in near {
        let r = &rows[i];
        if r.first <= x && x <= r.last && best.is_none_or(|(size, _)| r.last - r.first <= size) {
            best = Some((r.last - r.first, i));
        }
    }
    best.map(|(_, i)| rows[i].value.as_str())
}

/// Checks every row of a file; `answer` is the table's value at an address.
fn check(file: &str, v6: bool, answer: impl Fn(IpAddr) -> Option<String>) {
    let rows = rows(file);
    assert!(rows.len() > 50_000, "{file}: {} rows", rows.len());
    let addr = |x: u128| -> IpAddr {
        if v6 {
            IpAddr::V6(x.into())
        } else {
            IpAddr::V4(u32::try_from(x).unwrap_or(u32::MAX).into())
        }
    };
    // Rows overlap rarely: the rows that may hold an address at or next to row i are the earlier rows still open
    // there (a short list), row i, and the later rows starting up to just after it.
    let mut open: Vec<usize> = Vec::new();
    let mut checked = 0;
    for i in 0..rows.len() {
        let r = &rows[i];
        open.retain(|&j| rows[j].last.saturating_add(1) >= r.first);
        let mut near: Vec<usize> = open.clone();
        near.push(i);
        for (k, o) in rows.iter().enumerate().skip(i + 1) {
            if o.first > r.last.saturating_add(1) {
                break;
            }
            near.push(k);
        }
        open.push(i);
        for x in [r.first, r.last] {
            let want = expected(&rows, &near, x).map(str::to_string);
            assert_eq!(answer(addr(x)), want, "{file}: {} ({:?})", addr(x), r.value);
            checked += 1;
        }
        // Just outside the row: another row's value or none, never this row's unless a neighbour says the same.
        for x in [r.first.checked_sub(1), r.last.checked_add(1)]
            .into_iter()
            .flatten()
        {
            if !v6 && x > u128::from(u32::MAX) {
                continue;
            }
            let want = expected(&rows, &near, x).map(str::to_string);
            assert_eq!(
                answer(addr(x)),
                want,
                "{file}: {} just outside {:?}",
                addr(x),
                r.value
            );
        }
        // IPv4-mapped IPv6: the same answer.
        if !v6 && i % 7 == 0 {
            let mapped: IpAddr = IpAddr::V6(
                std::net::Ipv4Addr::from(u32::try_from(r.first).unwrap_or(0)).to_ipv6_mapped(),
            );
            assert_eq!(answer(mapped), answer(addr(r.first)), "{mapped}");
        }
    }
    assert_eq!(checked, 2 * rows.len());
}

fn table() -> &'static whither::iptable::IpTable {
    ip::table().expect("the bundled table is valid")
}

#[test]
fn countries_of_every_ipv4_row() {
    check(
        "geo-whois-asn-country/geo-whois-asn-country-ipv4.csv",
        false,
        |a| table().lookup(a).country.map(String::from),
    );
}

#[test]
fn countries_of_every_ipv6_row() {
    check(
        "geo-whois-asn-country/geo-whois-asn-country-ipv6.csv",
        true,
        |a| table().lookup(a).country.map(String::from),
    );
}

#[test]
fn networks_of_every_ipv4_and_ipv6_row() {
    for (file, v6) in [("asn/asn-ipv4.csv", false), ("asn/asn-ipv6.csv", true)] {
        // A network row is `first,last,number,name`: the table's AS number must be the row's.
        check(file, v6, |a| {
            table().lookup(a).network.map(|n| n.asn.to_string())
        });
    }
}

#[test]
fn the_table_is_the_one_shipped_and_its_figures_say_what_it_holds() {
    let info = table().info();
    assert!(
        info.source
            .contains("@ip-location-db/geo-whois-asn-country")
            && info.source.contains("@ip-location-db/asn")
    );
    assert!(info.date.starts_with("20"), "{}", info.date);
    assert!(info.countries > 200 && info.networks > 50_000, "{info:?}");
    assert_eq!(info.bytes, ip::BUNDLED_BYTES.len());
    let shipped = format!("{ROOT}/pkg/whither_ip.bin");
    if let Ok(bytes) = std::fs::read(&shipped) {
        assert_eq!(
            bytes,
            ip::BUNDLED_BYTES,
            "pkg/whither_ip.bin is stale: run make wasm"
        );
    }
}
