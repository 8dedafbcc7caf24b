//! Compiles the bundled open IP data (the npm packages `@ip-location-db/geo-whois-asn-country`, IP → country, and
//! `@ip-location-db/asn`, IP → autonomous system; their numeric CSV files in `node_modules/`) into the IP table that
//! `src/iptable.rs` reads, `$OUT_DIR/whither_ip.bin`, and checks the result against the source rows. Updating the data
//! is bumping the two packages (docs/ip-data.md). Only native builds make it: the wasm modules never include it
//! (the extension fetches `pkg/whither_ip.bin`, which `make wasm` writes with `whither ip --write-table`).

use crate::iptable::{self, IpTable};
use crate::ipwriter::{self, Row};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

const COUNTRY_PACKAGE: &str = "node_modules/@ip-location-db/geo-whois-asn-country";
const NETWORK_PACKAGE: &str = "node_modules/@ip-location-db/asn";

/// A package's `"version"` from its package.json (just enough JSON: the build has no JSON parser).
fn version(package: &Path) -> String {
    let text = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    text.split("\"version\"")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap_or("unknown")
        .to_string()
}

/// The fields of one CSV line; a field in double quotes may hold commas and doubled quotes.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

fn read_rows<T>(path: &Path, v6: bool, value: impl Fn(&[String]) -> Option<T>) -> Vec<Row<T>> {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. The IP data comes from npm: run `npm ci` (scripts/setup.sh does)",
            path.display()
        )
    });
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let f = fields(line);
        let parsed = match (f.first(), f.get(1)) {
            (Some(a), Some(b)) => a.parse::<u128>().ok().zip(b.parse::<u128>().ok()),
            _ => None,
        };
        let (Some((first, last)), Some(v)) = (parsed, f.get(2..).and_then(&value)) else {
            panic!("{}:{}: malformed row {line:?}", path.display(), n + 1);
        };
        let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
        assert!(
            first <= last && last <= max,
            "{}:{}: bad range",
            path.display(),
            n + 1
        );
        rows.push(Row {
            v6,
            first,
            last,
            value: v,
        });
    }
    rows
}

/// Writes `$OUT_DIR/whither_ip.bin` (native builds only).
pub fn write(manifest: &Path, out_dir: &Path) {
    let countries_dir = manifest.join(COUNTRY_PACKAGE);
    let networks_dir = manifest.join(NETWORK_PACKAGE);
    let (cv, nv) = (version(&countries_dir), version(&networks_dir));
    println!(
        "cargo:rerun-if-changed={}",
        countries_dir.join("package.json").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        networks_dir.join("package.json").display()
    );
    // The packages' versions end in the data's date and hour: 2.3.2026061719 → 2026-06-17.
    let date = cv
        .rsplit('.')
        .next()
        .filter(|d| d.len() >= 8 && d.bytes().all(|b| b.is_ascii_digit()))
        .map_or("unknown".to_string(), |d| {
            format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8])
        });
    let source = format!(
        "{date} @ip-location-db/geo-whois-asn-country {cv} (NRO, CC BY 4.0; package CC0 1.0), @ip-location-db/asn {nv} \
         (RouteViews, NRO and DB-IP, CC BY 4.0)"
    );
    let file = |dir: &PathBuf, name: &str| dir.join(name);
    let country = |f: &[String]| -> Option<[u8; 2]> {
        let c = f.first()?.as_bytes();
        Some([*c.first()?, *c.get(1)?]).filter(|_| c.len() == 2)
    };
    let network = |f: &[String]| -> Option<(u32, String)> {
        Some((
            f.first()?.parse().ok()?,
            f.get(1).cloned().unwrap_or_default(),
        ))
    };
    let mut countries = read_rows(
        &file(&countries_dir, "geo-whois-asn-country-ipv4-num.csv"),
        false,
        country,
    );
    countries.extend(read_rows(
        &file(&countries_dir, "geo-whois-asn-country-ipv6-num.csv"),
        true,
        country,
    ));
    let mut networks = read_rows(&file(&networks_dir, "asn-ipv4-num.csv"), false, network);
    networks.extend(read_rows(
        &file(&networks_dir, "asn-ipv6-num.csv"),
        true,
        network,
    ));

    let bytes = ipwriter::encode(&source, &countries, &networks, iptable::BLOCK)
        .unwrap_or_else(|e| panic!("the IP table cannot be built: {e}"));
    check(&bytes, &countries, &networks);
    std::fs::write(out_dir.join("whither_ip.bin"), &bytes).expect("write whither_ip.bin");
}

/// The built table answers every 97th source row (first and last address) with that row's value, unless another row
/// no larger covers the address (the smaller one wins, of two of one size the later); anything else stops the build. (tests/iptable.rs checks every row.)
fn check(bytes: &[u8], countries: &[Row<[u8; 2]>], networks: &[Row<(u32, String)>]) {
    let table = IpTable::new(bytes.to_vec())
        .unwrap_or_else(|e| panic!("the built IP table is invalid: {e}"));
    let addr = |v6: bool, x: u128| -> IpAddr {
        if v6 {
            IpAddr::V6(ipwriter::v6(x))
        } else {
            IpAddr::V4(ipwriter::v4(x))
        }
    };
    for r in countries.iter().step_by(97) {
        for x in [r.first, r.last] {
            let got = table
                .lookup(addr(r.v6, x))
                .country
                .map(|c| c.as_bytes().to_vec());
            let covered = got.as_deref() != Some(&r.value[..]);
            assert!(
                !covered
                    || countries.iter().any(|o| o.v6 == r.v6
                        && o.first <= x
                        && x <= o.last
                        && o.last - o.first <= r.last - r.first
                        && o != r),
                "IP table: {x} should be {:?}, is {got:?}",
                r.value
            );
        }
    }
    for r in networks.iter().step_by(97) {
        for x in [r.first, r.last] {
            let got = table.lookup(addr(r.v6, x)).network.map(|n| n.asn);
            assert!(
                got == Some(r.value.0)
                    || networks.iter().any(|o| o.v6 == r.v6
                        && o.first <= x
                        && x <= o.last
                        && o.last - o.first <= r.last - r.first
                        && o != r),
                "IP table: {x} should be AS{}, is {got:?}",
                r.value.0
            );
        }
    }
}
