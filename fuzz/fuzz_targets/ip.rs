//! Fuzz target: server addresses and IP tables. An arbitrary string through `whither ip`'s describe (an address or a
//! clear error; what parses writes itself back canonically); arbitrary bytes, and the real table with arbitrary bytes
//! written over it, handed in as an IP table (refused, or looked up without a panic). Checks: never panics.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;
use whither::ip;
use whither::iptable::IpTable;

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    bytes: Vec<u8>,
    /// Where the bytes overwrite the real table (modulo its length).
    at: u32,
    probe: u128,
}

fuzz_target!(|input: Input| {
    if let Ok(d) = ip::describe(&input.text) {
        let again = ip::parse(&d.ip).map(|a| a.to_string());
        assert_eq!(again.as_deref(), Ok(d.ip.as_str()));
    }
    let probes = [IpAddr::from(input.probe.to_be_bytes()), IpAddr::from(((input.probe >> 96) as u32).to_be_bytes())];
    if let Ok(t) = IpTable::new(input.bytes.clone()) {
        for p in probes {
            let _ = t.lookup(p);
        }
    }
    let good = ip::BUNDLED_BYTES;
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
