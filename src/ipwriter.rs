//! Writing IP tables (the format `crate::iptable` reads): the step functions of the source data's possibly
//! overlapping rows, and their encoding. The build script compiles this file too (build/iptable.rs writes
//! `whither_ip.bin` with it); the tests and the fuzz targets build tables of their own with it. Std only.

use crate::iptable::{Map, HEADER, MAGIC, SECTIONS, VERSION};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

pub fn push_leb(out: &mut Vec<u8>, mut n: u128) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub fn push_distance(out: &mut Vec<u8>, d: u128) {
    let zeros = d.trailing_zeros().min(127);
    out.push(zeros as u8);
    push_leb(out, d >> zeros);
}

/// A row of the source data: an inclusive range of one family and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<T> {
    pub v6: bool,
    pub first: u128,
    pub last: u128,
    pub value: T,
}

/// The step function of rows that may overlap: where ranges overlap, the most specific (smallest) one wins (as in
/// routing and geofeeds), and of two of the same size the later row. Sorted starts from 0, `None` where no row says
/// anything; neighbours with the same value are merged.
pub fn segments<T: Clone + PartialEq>(rows: &[&Row<T>], max: u128) -> Vec<(u128, Option<T>)> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let size = |i: usize| rows.get(i).map_or(0, |r| r.last.saturating_sub(r.first));
    order.sort_by_key(|&i| std::cmp::Reverse(size(i)));
    let mut steps: BTreeMap<u128, Option<T>> = BTreeMap::new();
    steps.insert(0, None);
    for row in order.iter().filter_map(|&i| rows.get(i)) {
        if row.first > row.last || row.last > max {
            continue;
        }
        let after = row.last.checked_add(1).filter(|&a| a <= max).map(|a| {
            let value = steps.range(..=a).next_back().and_then(|(_, v)| v.clone());
            (a, value)
        });
        let inside: Vec<u128> = match after {
            Some((a, _)) => steps.range(row.first..a).map(|(k, _)| *k).collect(),
            None => steps.range(row.first..).map(|(k, _)| *k).collect(),
        };
        for k in inside {
            steps.remove(&k);
        }
        steps.insert(row.first, Some(row.value.clone()));
        if let Some((a, value)) = after {
            steps.entry(a).or_insert(value);
        }
    }
    let mut out: Vec<(u128, Option<T>)> = Vec::with_capacity(steps.len());
    for (start, value) in steps {
        if out.last().is_none_or(|(_, v)| *v != value) {
            out.push((start, value));
        }
    }
    out
}

fn push_u32(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| "IP table: over 4 GB".to_string())?;
    out.extend(n.to_le_bytes());
    Ok(())
}

/// A map's steps: range starts and their network (AS number), before the networks are numbered.
type Steps = Vec<(u128, Option<u32>)>;

/// Writes a table from the rows of the source data: country rows (2-letter codes) and network rows (AS number and
/// operator name; a number's first name is kept). `source` describes the data (its packages and date).
pub fn encode(
    source: &str,
    countries: &[Row<[u8; 2]>],
    networks: &[Row<(u32, String)>],
    block: u16,
) -> Result<Vec<u8>, String> {
    if block == 0 {
        return Err("IP table: block size 0".into());
    }
    let mut codes: Vec<[u8; 2]> = countries.iter().map(|r| r.value).collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.len() > 255 || !codes.iter().flatten().all(u8::is_ascii_uppercase) {
        return Err("IP table: country codes must be at most 255 codes of A-Z".into());
    }
    let mut names: BTreeMap<u32, &str> = BTreeMap::new();
    for r in networks {
        names.entry(r.value.0).or_insert(r.value.1.as_str());
    }
    let mut maps: Vec<(Map, Vec<(u128, usize)>)> = Vec::new();
    let mut uses: BTreeMap<u32, usize> = BTreeMap::new();
    let mut network_steps: Vec<(Map, Steps)> = Vec::new();
    for map in Map::ALL {
        if map.country() {
            let rows: Vec<&Row<[u8; 2]>> = countries.iter().filter(|r| r.v6 == map.v6()).collect();
            let steps = segments(&rows, map.max())
                .into_iter()
                .map(|(s, v)| {
                    (
                        s,
                        v.and_then(|c| codes.binary_search(&c).ok())
                            .map_or(0, |i| i + 1),
                    )
                })
                .collect();
            maps.push((map, steps));
        } else {
            let rows: Vec<Row<u32>> = networks
                .iter()
                .filter(|r| r.v6 == map.v6())
                .map(|r| Row {
                    v6: r.v6,
                    first: r.first,
                    last: r.last,
                    value: r.value.0,
                })
                .collect();
            let refs: Vec<&Row<u32>> = rows.iter().collect();
            let steps = segments(&refs, map.max());
            for asn in steps.iter().filter_map(|s| s.1) {
                *uses.entry(asn).or_default() += 1;
            }
            network_steps.push((map, steps));
        }
    }
    // Networks by how many ranges they have, most first: their indices are the shortest numbers.
    let mut order: Vec<(u32, usize)> = uses.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let index_of: BTreeMap<u32, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (asn, _))| (*asn, i + 1))
        .collect();
    for (map, steps) in network_steps {
        let steps = steps
            .into_iter()
            .map(|(s, v)| (s, v.and_then(|a| index_of.get(&a).copied()).unwrap_or(0)))
            .collect();
        maps.push((map, steps));
    }
    maps.sort_by_key(|(m, _)| m.position());

    let mut sections: Vec<Vec<u8>> = vec![source.as_bytes().to_vec(), codes.concat()];
    let mut asns = Vec::new();
    let mut ends = Vec::new();
    let mut blob = Vec::new();
    for (asn, _) in &order {
        asns.extend(asn.to_le_bytes());
        blob.extend(names.get(asn).copied().unwrap_or("").as_bytes());
        push_u32(&mut ends, blob.len())?;
    }
    sections.extend([asns, ends, blob]);
    for (map, steps) in &maps {
        let (index, data) = encode_map(*map, steps, usize::from(block))?;
        sections.push(index);
        sections.push(data);
    }
    let mut out = Vec::new();
    out.extend(MAGIC);
    out.extend(VERSION.to_le_bytes());
    out.extend(block.to_le_bytes());
    push_u32(&mut out, SECTIONS)?;
    let mut offset = HEADER;
    for s in &sections {
        push_u32(&mut out, offset)?;
        push_u32(&mut out, s.len())?;
        offset += s.len();
    }
    for s in sections {
        out.extend(s);
    }
    Ok(out)
}

fn encode_map(
    map: Map,
    steps: &[(u128, usize)],
    block: usize,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    push_u32(&mut index, steps.len())?;
    let mut previous = 0u128;
    for (i, &(start, value)) in steps.iter().enumerate() {
        if i % block == 0 {
            index.extend(start.to_le_bytes().get(..map.key_len()).unwrap_or(&[]));
            push_u32(&mut index, data.len())?;
        } else {
            push_distance(&mut data, start - previous);
        }
        if map.country() {
            data.push(
                u8::try_from(value).map_err(|_| "IP table: country index over 255".to_string())?,
            );
        } else {
            push_leb(&mut data, value as u128);
        }
        previous = start;
    }
    Ok((index, data))
}

/// The IPv4 address of a map's key (tests, checks).
pub fn v4(x: u128) -> Ipv4Addr {
    Ipv4Addr::from(u32::try_from(x).unwrap_or(u32::MAX))
}

/// The IPv6 address of a map's key (tests, checks).
pub fn v6(x: u128) -> Ipv6Addr {
    Ipv6Addr::from(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iptable::{distance, leb, IpTable};
    use std::net::IpAddr;

    fn row<T>(v6: bool, first: u128, last: u128, value: T) -> Row<T> {
        Row {
            v6,
            first,
            last,
            value,
        }
    }

    fn sample() -> Vec<u8> {
        let countries = vec![
            row(false, 0x0100_0000, 0x0100_00ff, *b"AU"),
            row(false, 0x0100_0100, 0x0100_03ff, *b"CN"),
            // Overlaps: the smaller range wins.
            row(false, 0x0200_0000, 0x02ff_ffff, *b"FR"),
            row(false, 0x0210_0000, 0x0210_00ff, *b"DE"),
            row(false, 0xffff_ff00, 0xffff_ffff, *b"ZZ"),
            row(
                true,
                0x2001_0db8 << 96,
                (0x2001_0db8 << 96) | ((1 << 96) - 1),
                *b"JP",
            ),
            row(
                true,
                (0x2001_0db8 << 96) | 5,
                (0x2001_0db8 << 96) | 5,
                *b"US",
            ),
        ];
        let networks = vec![
            row(
                false,
                0x0100_0000,
                0x0100_00ff,
                (13335, "Cloudflare, Inc.".to_string()),
            ),
            row(
                false,
                0x0808_0800,
                0x0808_08ff,
                (15169, "Google LLC".to_string()),
            ),
            row(
                true,
                0x2001_4860 << 96,
                (0x2001_4860 << 96) | ((1 << 96) - 1),
                (15169, "Google LLC".to_string()),
            ),
        ];
        encode("test data 2026-01-01", &countries, &networks, 2).unwrap_or_default()
    }

    fn at(t: &IpTable, ip: &str) -> (Option<String>, Option<u32>, Option<String>) {
        let f = t.lookup(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        (
            f.country.map(String::from),
            f.network.map(|n| n.asn),
            f.network.map(|n| n.name.to_string()),
        )
    }

    #[test]
    fn lookups_at_range_boundaries_and_through_mapped_addresses() {
        let t = IpTable::new(sample()).expect("valid table");
        assert_eq!(at(&t, "1.0.0.0").0.as_deref(), Some("AU"));
        assert_eq!(
            at(&t, "1.0.0.255"),
            (
                Some("AU".into()),
                Some(13335),
                Some("Cloudflare, Inc.".into())
            )
        );
        assert_eq!(at(&t, "1.0.1.0").0.as_deref(), Some("CN"));
        assert_eq!(at(&t, "1.0.3.255").0.as_deref(), Some("CN"));
        assert_eq!(at(&t, "1.0.4.0"), (None, None, None));
        assert_eq!(at(&t, "0.0.0.0"), (None, None, None));
        assert_eq!(at(&t, "0.255.255.255"), (None, None, None));
        assert_eq!(at(&t, "2.16.0.0").0.as_deref(), Some("DE"));
        assert_eq!(at(&t, "2.16.0.255").0.as_deref(), Some("DE"));
        assert_eq!(at(&t, "2.15.255.255").0.as_deref(), Some("FR"));
        assert_eq!(at(&t, "2.16.1.0").0.as_deref(), Some("FR"));
        assert_eq!(at(&t, "255.255.255.255").0.as_deref(), Some("ZZ"));
        assert_eq!(at(&t, "8.8.8.8").1, Some(15169));
        assert_eq!(at(&t, "::ffff:8.8.8.8").1, Some(15169), "IPv4-mapped");
        assert_eq!(at(&t, "::ffff:1.0.1.0").0.as_deref(), Some("CN"));
        assert_eq!(at(&t, "2001:db8::4").0.as_deref(), Some("JP"));
        assert_eq!(
            at(&t, "2001:db8::5").0.as_deref(),
            Some("US"),
            "a single address inside a /32"
        );
        assert_eq!(at(&t, "2001:db8::6").0.as_deref(), Some("JP"));
        assert_eq!(
            at(&t, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
                .0
                .as_deref(),
            Some("JP")
        );
        assert_eq!(at(&t, "2001:db9::").0, None);
        assert_eq!(at(&t, "2001:4860::8888").2.as_deref(), Some("Google LLC"));
        assert_eq!(
            at(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            (None, None, None)
        );
        let info = t.info();
        assert_eq!((info.countries, info.networks), (7, 2));
        assert_eq!(info.source, "test data 2026-01-01");
    }

    #[test]
    fn damaged_tables_are_clear_errors() {
        let good = sample();
        assert!(IpTable::new(Vec::new()).is_err_and(|e| e.contains("not an IP table")));
        let mut v = good.clone();
        v[4] = 9;
        assert!(IpTable::new(v).is_err_and(|e| e.contains("version 9")));
        assert!(IpTable::new(good[..good.len() - 3].to_vec())
            .is_err_and(|e| e.contains("out of bounds")));
        // Every single flipped byte and every truncation: an error or a table whose lookups do not panic.
        for i in 0..good.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut v = good.clone();
                v[i] ^= flip;
                if let Ok(t) = IpTable::new(v) {
                    for ip in [
                        "1.0.0.1",
                        "2.16.0.1",
                        "2001:db8::5",
                        "255.255.255.255",
                        "::",
                    ] {
                        let _ = at(&t, ip);
                    }
                    for m in Map::ALL {
                        let _ = t.ranges(m);
                    }
                }
            }
            let _ = IpTable::new(good[..i].to_vec());
        }
    }

    #[test]
    fn decoded_ranges_are_sorted_and_cover_every_address_once() {
        let t = IpTable::new(sample()).expect("valid table");
        for map in Map::ALL {
            let ranges = t.ranges(map).expect("decodes");
            assert_eq!(ranges.first().map(|r| r.0), Some(0));
            assert_eq!(ranges.last().map(|r| r.1), Some(map.max()));
            for w in ranges.windows(2) {
                assert_eq!(w[0].1 + 1, w[1].0, "{map:?}: contiguous, disjoint");
                assert_ne!(w[0].2, w[1].2, "{map:?}: neighbours differ");
            }
        }
    }

    #[test]
    fn leb_and_distances_round_trip_and_refuse_overflow() {
        for n in [0u128, 1, 127, 128, 300, u128::from(u64::MAX), u128::MAX] {
            let mut b = Vec::new();
            push_leb(&mut b, n);
            let mut at = 0;
            assert_eq!(leb(&b, &mut at), Some(n));
            assert_eq!(at, b.len());
        }
        for d in [1u128, 256, 3 << 80, 1 << 127, u128::MAX] {
            let mut b = Vec::new();
            push_distance(&mut b, d);
            let mut at = 0;
            assert_eq!(distance(&b, &mut at), Some(d));
        }
        let mut at = 0;
        assert_eq!(leb(&[0xff; 20], &mut at), None);
        let mut at = 0;
        assert_eq!(distance(&[127, 2], &mut at), None, "2 << 127 overflows");
        let mut at = 0;
        assert_eq!(distance(&[0, 0], &mut at), None, "a zero distance");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::iptable::IpTable;
    use proptest::prelude::*;
    use std::net::IpAddr;

    /// The reference: the value of the smallest row holding `x` (the later one of equal size).
    fn naive(rows: &[Row<[u8; 2]>], x: u128) -> Option<[u8; 2]> {
        let mut best: Option<(u128, usize)> = None;
        for (i, r) in rows.iter().enumerate() {
            if r.first <= x && x <= r.last {
                let size = r.last - r.first;
                if best.is_none_or(|(s, _)| size <= s) {
                    best = Some((size, i));
                }
            }
        }
        best.and_then(|(_, i)| rows.get(i)).map(|r| r.value)
    }

    proptest! {
        /// Random overlapping ranges: every address maps to at most one range of the built table, the ranges are
        /// disjoint and sorted, and each address gets the most specific row's country.
        #[test]
        fn every_address_maps_to_at_most_one_range(
            spans in prop::collection::vec((0u32..5000, 0u32..300, 0usize..4), 0..40),
            probes in prop::collection::vec(0u32..5400, 1..60),
            block in 1u16..5,
        ) {
            let codes = [*b"AA", *b"BB", *b"CC", *b"DD"];
            let rows: Vec<Row<[u8; 2]>> = spans
                .iter()
                .map(|&(first, len, c)| Row { v6: false, first: first.into(), last: (first + len).into(), value: codes[c] })
                .collect();
            let bytes = encode("p", &rows, &[], block).expect("encodes");
            let t = IpTable::new(bytes).expect("valid");
            let ranges = t.ranges(Map::V4Country).expect("decodes");
            for w in ranges.windows(2) {
                prop_assert!(w[0].1 < w[1].0);
            }
            for &x in &probes {
                let holding = ranges.iter().filter(|r| r.0 <= x.into() && u128::from(x) <= r.1).count();
                prop_assert_eq!(holding, 1);
                let want = naive(&rows, x.into());
                let got = t.lookup(IpAddr::V4(Ipv4Addr::from(x))).country.map(|c| c.as_bytes().to_vec());
                prop_assert_eq!(got, want.map(|c| c.to_vec()));
            }
        }
    }
}
