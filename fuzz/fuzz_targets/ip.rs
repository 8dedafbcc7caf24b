//! Fuzz target: server addresses and IP tables. An arbitrary string through `whither ip`'s describe (an address or a
//! clear error; what parses writes itself back canonically); arbitrary bytes as an IP table; a table written from
//! the input's own rows (it reads back, and is looked up); and a valid table with arbitrary bytes written over it at an arbitrary place (refused, or looked up
//! without a panic). Checks: never panics.
//!
//! The damaged table is one of 4,000 rows written once (src/ipwriter.rs), not the shipped 7.6 MB one: reading the
//! shipped one per input would hold the target to ~80 inputs a second. The shipped table damaged at many places is a
//! case of tests/hostile.rs.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;
use std::sync::OnceLock;
use whither::ip;
use whither::iptable::IpTable;
use whither::ipwriter::{encode, Row};

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    bytes: Vec<u8>,
    /// Where the bytes overwrite the valid table (modulo its length).
    at: u32,
    probe: u128,
    rows: Vec<(bool, u128, u16, u8, Option<u32>)>,
}

/// A valid table of 4,000 rows of both families (countries and networks), from a fixed pseudo-random sequence.
fn sample() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut countries, mut networks) = (Vec::new(), Vec::new());
        for i in 0..2_000u32 {
            let v6 = i % 3 == 0;
            let first = if v6 {
                u128::from(next()) << 64
            } else {
                u128::from(next() as u32)
            };
            let last = first.saturating_add(u128::from(next() % 65_536));
            let last = if v6 {
                last
            } else {
                last.min(u128::from(u32::MAX))
            };
            let code = [b'A' + (next() % 26) as u8, b'A' + (next() % 26) as u8];
            countries.push(Row {
                v6,
                first,
                last,
                value: code,
            });
            networks.push(Row {
                v6,
                first,
                last,
                value: (i % 700, format!("AS{} network", i % 700)),
            });
        }
        encode("fuzz sample", &countries, &networks, 64).unwrap_or_default()
    })
}

fuzz_target!(|input: Input| {
    if let Ok(d) = ip::describe(&input.text) {
        let again = ip::parse(&d.ip).map(|a| a.to_string());
        assert_eq!(again.as_deref(), Ok(d.ip.as_str()));
    }
    let probes = [
        IpAddr::from(input.probe.to_be_bytes()),
        IpAddr::from(((input.probe >> 96) as u32).to_be_bytes()),
    ];
    if let Ok(t) = IpTable::new(input.bytes.clone()) {
        for p in probes {
            let _ = t.lookup(p);
        }
    }
    // A table of the input's own rows: written, it reads back.
    let rows: Vec<Row<[u8; 2]>> = input
        .rows
        .iter()
        .take(64)
        .map(|&(v6, first, len, c, _)| {
            let first = if v6 { first } else { first % (1 << 32) };
            let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
            let last = first.saturating_add(u128::from(len)).min(max);
            Row {
                v6,
                first,
                last,
                value: [b'A' + c % 26, b'A' + (c / 26) % 26],
            }
        })
        .collect();
    let networks: Vec<Row<(u32, String)>> = input
        .rows
        .iter()
        .zip(&rows)
        .filter_map(|(&(.., asn), r)| {
            asn.map(|n| Row {
                v6: r.v6,
                first: r.first,
                last: r.last,
                value: (n, format!("AS{n}")),
            })
        })
        .collect();
    let block = 1 + (input.at % 256) as u16;
    if let Ok(bytes) = encode("fuzz", &rows, &networks, block) {
        let table = IpTable::new(bytes).expect("a written table reads back");
        for p in probes {
            let _ = table.lookup(p);
        }
    }
    let good = sample();
    let at = input.at as usize % good.len().max(1);
    let mut bytes = good.to_vec();
    for (slot, b) in bytes.iter_mut().skip(at).zip(&input.bytes) {
        *slot = *b;
    }
    if let Ok(t) = IpTable::new(bytes) {
        for p in probes {
            let _ = t.lookup(p);
        }
    }
});
