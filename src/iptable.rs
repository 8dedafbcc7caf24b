//! The IP table: address ranges → server country and autonomous system (number, operator name), in the compact
//! binary form that `build/iptable.rs` compiles from the bundled open data (the extension ships it as
//! `pkg/whither_ip.bin`). It is checked once when handed in ([`IpTable::new`]) and then looked up in place by binary
//! search over its blocks: nothing is parsed or copied at load. Self-contained (std only): the build script compiles
//! this file too, to write the table.
//!
//! Layout (little-endian; docs/ip-data.md): the header `WHIP`, version (u16), entries per block (u16), the number of
//! sections (u32), then (offset, length) of each section (u32 each). Sections: a UTF-8 line about the data
//! (`META`); the country codes (2 bytes each); the AS numbers (u32 each) and the end offset of each one's name in
//! `NAMES` (u32 each); and four maps (IPv4/IPv6 × country/network), each an index and its data. A map is a step
//! function over the address space: sorted range starts, each with a value (0: no data; else a 1-based index into the
//! countries or networks), covering every address from 0 up (so every address falls in exactly one range). Its index
//! holds the number of ranges (u32), then per block of `block` ranges the first range's start (4 bytes for IPv4, 16
//! for IPv6) and the block's offset in the data (u32); the data holds per block the first range's value, then for
//! each further range the distance from the previous start (a byte with its trailing zero bits, then the rest as a
//! LEB128 number) and its value (countries: one byte; networks: LEB128, most frequent networks first).

use std::borrow::Cow;
use std::net::IpAddr;

/// The first bytes of every IP table.
pub const MAGIC: [u8; 4] = *b"WHIP";
/// Version of the layout; a table of another version is refused.
pub const VERSION: u16 = 1;
/// Ranges per block of the built table (docs/ip-data.md: measured against 16, 32 and 128).
pub const BLOCK: u16 = 64;

const META: usize = 0;
const COUNTRIES: usize = 1;
const ASNS: usize = 2;
const NAME_ENDS: usize = 3;
const NAMES: usize = 4;
/// First section of the maps: index then data, in the order of [`Map::ALL`].
const MAPS: usize = 5;
pub const SECTIONS: usize = MAPS + 2 * Map::ALL.len();
pub const HEADER: usize = 12 + 8 * SECTIONS;
/// Blocks decoded in full when a table is handed in: every `SPOT_CHECK`-th one, and the last.
const SPOT_CHECK: usize = 16;
/// Bytes of one LEB128 u128 at most.
const MAX_LEB: usize = 19;

/// One of the table's four maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Map {
    V4Country,
    V4Network,
    V6Country,
    V6Network,
}

impl Map {
    pub const ALL: [Map; 4] = [
        Map::V4Country,
        Map::V4Network,
        Map::V6Country,
        Map::V6Network,
    ];

    pub fn position(self) -> usize {
        match self {
            Map::V4Country => 0,
            Map::V4Network => 1,
            Map::V6Country => 2,
            Map::V6Network => 3,
        }
    }

    pub fn v6(self) -> bool {
        matches!(self, Map::V6Country | Map::V6Network)
    }

    pub fn country(self) -> bool {
        matches!(self, Map::V4Country | Map::V6Country)
    }

    pub fn key_len(self) -> usize {
        if self.v6() {
            16
        } else {
            4
        }
    }

    /// The last address of the map's space.
    pub fn max(self) -> u128 {
        if self.v6() {
            u128::MAX
        } else {
            u128::from(u32::MAX)
        }
    }
}

/// An autonomous system: its number and its operator's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network<'a> {
    pub asn: u32,
    pub name: &'a str,
}

/// What the table says about one address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Found<'a> {
    /// ISO 3166-1 alpha-2 code of the country the range is registered or located in.
    pub country: Option<&'a str>,
    pub network: Option<Network<'a>>,
}

/// The figures of a table, as the options page and `whither ip --info` show them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Info {
    pub version: u16,
    /// The data's date (`YYYY-MM-DD`, the start of `source`), or "unknown".
    pub date: String,
    /// What the data is and where it comes from, with its date (one line, from the build).
    pub source: String,
    pub bytes: usize,
    pub countries: usize,
    pub networks: usize,
    /// Ranges of the four maps: IPv4 country, IPv4 network, IPv6 country, IPv6 network.
    pub ranges: [usize; 4],
}

/// A checked IP table (see the module's documentation).
#[derive(Clone, Debug)]
pub struct IpTable {
    bytes: Cow<'static, [u8]>,
    sections: [(usize, usize); SECTIONS],
    block: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(s))
}

fn key_at(b: &[u8], at: usize, len: usize) -> Option<u128> {
    let s = b.get(at..at.checked_add(len)?)?;
    let mut full = [0u8; 16];
    full.get_mut(..len)?.copy_from_slice(s);
    Some(u128::from_le_bytes(full))
}

/// A LEB128 number at `*at`, moving past it.
pub fn leb(b: &[u8], at: &mut usize) -> Option<u128> {
    let mut n: u128 = 0;
    for i in 0..MAX_LEB {
        let byte = *b.get(*at)?;
        *at += 1;
        let bits = u128::from(byte & 0x7f);
        let shift = 7 * i as u32;
        if shift >= 128 || (shift > 121 && bits >> (128 - shift) != 0) {
            return None;
        }
        n |= bits << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// A distance between two range starts at `*at`: its trailing zero bits, then the rest.
pub fn distance(b: &[u8], at: &mut usize) -> Option<u128> {
    let zeros = u32::from(*b.get(*at)?);
    *at += 1;
    let rest = leb(b, at)?;
    if zeros >= 128 || rest == 0 || rest.leading_zeros() < zeros {
        return None;
    }
    Some(rest << zeros)
}

/// Where a map's block starts: its first range's start and its offset in the data.
struct BlockRef {
    start: u128,
    offset: usize,
}

impl IpTable {
    /// Checks a table (header, version, section bounds and sizes, the index of every map, the names, and a decoding
    /// of every 16th block) and takes it as it is. A damaged or foreign table is an error that says what is wrong.
    pub fn new(bytes: impl Into<Cow<'static, [u8]>>) -> Result<IpTable, String> {
        let bytes = bytes.into();
        let b: &[u8] = &bytes;
        if b.len() < HEADER || b.get(..4) != Some(&MAGIC[..]) {
            return Err("not an IP table (no WHIP header)".into());
        }
        let version = u16_at(b, 4).unwrap_or(0);
        if version != VERSION {
            return Err(format!("IP table version {version} is not {VERSION}"));
        }
        let block = usize::from(u16_at(b, 6).unwrap_or(0));
        if block == 0 {
            return Err("IP table: block size 0".into());
        }
        if u32_at(b, 8) != Some(SECTIONS as u32) {
            return Err("IP table: wrong number of sections".into());
        }
        let mut sections = [(0usize, 0usize); SECTIONS];
        for (i, s) in sections.iter_mut().enumerate() {
            let offset = u32_at(b, 12 + 8 * i).unwrap_or(0) as usize;
            let len = u32_at(b, 16 + 8 * i).unwrap_or(0) as usize;
            if offset < HEADER || offset.checked_add(len).is_none_or(|end| end > b.len()) {
                return Err(format!(
                    "IP table: section {i} is out of bounds (truncated?)"
                ));
            }
            *s = (offset, len);
        }
        let table = IpTable {
            bytes,
            sections,
            block,
        };
        table.check()?;
        Ok(table)
    }

    fn section(&self, i: usize) -> &[u8] {
        let (offset, len) = self.sections.get(i).copied().unwrap_or((0, 0));
        self.bytes.get(offset..offset + len).unwrap_or(&[])
    }

    fn countries(&self) -> usize {
        self.section(COUNTRIES).len() / 2
    }

    fn networks(&self) -> usize {
        self.section(ASNS).len() / 4
    }

    fn check(&self) -> Result<(), String> {
        if std::str::from_utf8(self.section(META)).is_err() {
            return Err("IP table: its description is not UTF-8".into());
        }
        let codes = self.section(COUNTRIES);
        if codes.len() % 2 != 0
            || codes.len() / 2 > 255
            || !codes.iter().all(u8::is_ascii_uppercase)
        {
            return Err("IP table: malformed country codes".into());
        }
        let (asns, ends, names) = (
            self.section(ASNS),
            self.section(NAME_ENDS),
            self.section(NAMES),
        );
        if asns.len() % 4 != 0 || ends.len() != asns.len() {
            return Err("IP table: malformed network list".into());
        }
        if std::str::from_utf8(names).is_err() {
            return Err("IP table: network names are not UTF-8".into());
        }
        let mut last = 0;
        for i in 0..self.networks() {
            let end = u32_at(ends, 4 * i).unwrap_or(u32::MAX) as usize;
            if end < last || end > names.len() {
                return Err(format!("IP table: network name {i} is out of bounds"));
            }
            last = end;
        }
        for map in Map::ALL {
            self.check_map(map)?;
        }
        Ok(())
    }

    /// The number of ranges of a map.
    fn count(&self, map: Map) -> usize {
        u32_at(self.section(MAPS + 2 * map.position()), 0).unwrap_or(0) as usize
    }

    fn blocks(&self, map: Map) -> usize {
        self.count(map).div_ceil(self.block)
    }

    fn block_ref(&self, map: Map, i: usize) -> Option<BlockRef> {
        let index = self.section(MAPS + 2 * map.position());
        let k = map.key_len();
        let at = 4 + i.checked_mul(k + 4)?;
        Some(BlockRef {
            start: key_at(index, at, k)?,
            offset: u32_at(index, at + k)? as usize,
        })
    }

    fn check_map(&self, map: Map) -> Result<(), String> {
        let name = format!("{map:?}");
        let index = self.section(MAPS + 2 * map.position());
        let data = self.section(MAPS + 2 * map.position() + 1);
        let count = self.count(map);
        let blocks = self.blocks(map);
        if count == 0 || index.len() != 4 + blocks * (map.key_len() + 4) {
            return Err(format!("IP table: the index of {name} has the wrong size"));
        }
        let mut previous: Option<BlockRef> = None;
        for i in 0..blocks {
            let r = self.block_ref(map, i).ok_or("IP table: truncated index")?;
            let ordered = match &previous {
                None => r.start == 0 && r.offset == 0,
                Some(p) => r.start > p.start && r.offset > p.offset,
            };
            if !ordered || r.start > map.max() || r.offset >= data.len() {
                return Err(format!(
                    "IP table: the index of {name} is not sorted at block {i}"
                ));
            }
            previous = Some(r);
        }
        for i in (0..blocks).filter(|&i| i % SPOT_CHECK == 0 || i + 1 == blocks) {
            let ranges = self.decode_block(map, i)?;
            let next = self.block_ref(map, i + 1).map(|r| r.start);
            let last = ranges.last().map_or(0, |r| r.0);
            if next.is_some_and(|n| n <= last) {
                return Err(format!("IP table: {name} block {i} overlaps the next one"));
            }
        }
        Ok(())
    }

    /// Every (start, value) of block `i` of a map, checked: starts increasing inside the map's space, values in range.
    fn decode_block(&self, map: Map, i: usize) -> Result<Vec<(u128, usize)>, String> {
        let bad = || format!("IP table: {map:?} block {i} is damaged");
        let data = self.section(MAPS + 2 * map.position() + 1);
        let r = self.block_ref(map, i).ok_or_else(bad)?;
        let n = self
            .block
            .min(self.count(map).saturating_sub(i * self.block));
        let limit = if map.country() {
            self.countries()
        } else {
            self.networks()
        };
        let mut at = r.offset;
        let mut start = r.start;
        let mut out = Vec::with_capacity(n);
        for j in 0..n {
            if j > 0 {
                let d = distance(data, &mut at).ok_or_else(bad)?;
                start = start
                    .checked_add(d)
                    .filter(|&s| s <= map.max())
                    .ok_or_else(bad)?;
            }
            let value = self.value(map, data, &mut at).ok_or_else(bad)?;
            if value > limit {
                return Err(bad());
            }
            out.push((start, value));
        }
        Ok(out)
    }

    fn value(&self, map: Map, data: &[u8], at: &mut usize) -> Option<usize> {
        if map.country() {
            let v = *data.get(*at)?;
            *at += 1;
            Some(usize::from(v))
        } else {
            usize::try_from(leb(data, at)?).ok()
        }
    }

    /// The value (0: none) of the range of `map` that holds `x`: the block by binary search on its first start, then
    /// the ranges of that block in order. A damaged block gives 0.
    fn find(&self, map: Map, x: u128) -> usize {
        let blocks = self.blocks(map);
        // The last block whose first start is <= x (block 0 starts at 0).
        let (mut lo, mut hi) = (0usize, blocks);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match self.block_ref(map, mid) {
                Some(r) if r.start <= x => lo = mid,
                Some(_) => hi = mid,
                None => return 0,
            }
        }
        let data = self.section(MAPS + 2 * map.position() + 1);
        let Some(r) = self.block_ref(map, lo) else {
            return 0;
        };
        let n = self
            .block
            .min(self.count(map).saturating_sub(lo * self.block));
        let mut at = r.offset;
        let mut start = r.start;
        let Some(mut value) = self.value(map, data, &mut at) else {
            return 0;
        };
        for _ in 1..n {
            let Some(next) = distance(data, &mut at).and_then(|d| start.checked_add(d)) else {
                return 0;
            };
            if next > x {
                break;
            }
            start = next;
            match self.value(map, data, &mut at) {
                Some(v) => value = v,
                None => return 0,
            }
        }
        value
    }

    fn country(&self, index: usize) -> Option<&str> {
        let at = index.checked_sub(1)? * 2;
        std::str::from_utf8(self.section(COUNTRIES).get(at..at + 2)?).ok()
    }

    fn network(&self, index: usize) -> Option<Network<'_>> {
        let i = index.checked_sub(1)?;
        let asn = u32_at(self.section(ASNS), 4 * i)?;
        let ends = self.section(NAME_ENDS);
        let end = u32_at(ends, 4 * i)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => u32_at(ends, 4 * p)? as usize,
            None => 0,
        };
        let name = std::str::from_utf8(self.section(NAMES).get(start..end)?).ok()?;
        Some(Network { asn, name })
    }

    /// The country and network of an address. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is looked up as the
    /// IPv4 address it carries.
    pub fn lookup(&self, addr: IpAddr) -> Found<'_> {
        let (country, network, x) = match canonical(addr) {
            IpAddr::V4(a) => (Map::V4Country, Map::V4Network, u128::from(u32::from(a))),
            IpAddr::V6(a) => (Map::V6Country, Map::V6Network, u128::from(a)),
        };
        Found {
            country: self.country(self.find(country, x)),
            network: self.network(self.find(network, x)),
        }
    }

    /// Every range of a map as (first address, last address, country or network), in order (tests, checks).
    pub fn ranges(&self, map: Map) -> Result<Vec<(u128, u128, Found<'_>)>, String> {
        let mut starts: Vec<(u128, usize)> = Vec::with_capacity(self.count(map));
        for i in 0..self.blocks(map) {
            starts.extend(self.decode_block(map, i)?);
        }
        let mut out = Vec::with_capacity(starts.len());
        for (k, &(start, value)) in starts.iter().enumerate() {
            let last = match starts.get(k + 1) {
                Some(&(next, _)) if next > start => next - 1,
                Some(_) => return Err(format!("IP table: {map:?} is not sorted")),
                None => map.max(),
            };
            let found = if map.country() {
                Found {
                    country: self.country(value),
                    network: None,
                }
            } else {
                Found {
                    country: None,
                    network: self.network(value),
                }
            };
            out.push((start, last, found));
        }
        Ok(out)
    }

    pub fn info(&self) -> Info {
        let source = String::from_utf8_lossy(self.section(META)).into_owned();
        let date = source
            .get(..10)
            .filter(|d| {
                d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
            })
            .unwrap_or("unknown")
            .to_string();
        Info {
            version: VERSION,
            date,
            source,
            bytes: self.bytes.len(),
            countries: self.countries(),
            networks: self.networks(),
            ranges: Map::ALL.map(|m| self.count(m)),
        }
    }
}

/// The address itself, or the IPv4 address an IPv4-mapped IPv6 address carries.
pub fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(a),
        },
        v4 => v4,
    }
}
