//! The history's stored form: one chunk per day (the compact text format, version 2, and the first JSON format,
//! version 1, which is still read), and the markers of the tabs' open visits.

use super::{day_mut, place_kind, Count, History, Open, PlaceCode, SiteDay, DAY_FORMAT_VERSION};
use super::{
    HISTORY_VERSION, MAX_HOSTS_PER_SITE, MAX_OPEN_TABS, MAX_PLACES_PER_SITE, MAX_SITES_PER_DAY,
};
use crate::hash::FnvMap;
use serde::{Deserialize, Serialize};

/// A stored day: `hosts` is the day's name table; each site is `[name index, visits, [host index, requests, data
/// requests, …], other requests, other data requests]`.
#[derive(Serialize, Deserialize)]
struct DayChunk {
    v: u32,
    day: u32,
    hosts: Vec<String>,
    sites: Vec<(u32, u32, Vec<u64>, u64, u64)>,
}

/// Version of the open visits' markers: 2 counts blocked requests too.
const OPEN_VERSION: u32 = 2;

/// Stored open visits: a name table and `[tab, visit seq, site index, [host index, requests, data requests,
/// blocked requests, …]]` (version 1: without the blocked requests).
#[derive(Serialize, Deserialize)]
struct OpenChunk {
    v: u32,
    hosts: Vec<String>,
    tabs: Vec<(i64, u32, u32, Vec<u64>)>,
}

/// Builds the name table of a chunk.
#[derive(Default)]
struct Table {
    names: Vec<String>,
    index: FnvMap<u32, u64>,
}

impl Table {
    fn add(&mut self, history: &History, id: u32) -> u64 {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.names.len() as u64;
        self.names
            .push(history.name(id).map(|n| n.name.clone()).unwrap_or_default());
        self.index.insert(id, i);
        i
    }

    /// `[index, requests, data, blocked, …]` (the open visits' version 2; the days' first format has no blocked).
    fn flat(&mut self, history: &History, hosts: &[(u32, Count)]) -> Vec<u64> {
        let mut flat = Vec::with_capacity(hosts.len() * 4);
        for &(h, c) in hosts {
            flat.extend([self.add(history, h), c.requests, c.data, c.blocked]);
        }
        flat
    }

    /// `[index, requests, data, …]`: the first day format's host list.
    #[cfg(test)]
    fn flat_v1(&mut self, history: &History, hosts: &[(u32, Count)]) -> Vec<u64> {
        let mut flat = Vec::with_capacity(hosts.len() * 3);
        for &(h, c) in hosts {
            flat.extend([self.add(history, h), c.requests, c.data]);
        }
        flat
    }
}

/// `(id, count)` pairs from a flat `[index, requests, data, …]` list (`width` 3), or `[index, requests, data,
/// blocked, …]` (`width` 4), over a chunk's interned name table.
fn unflatten(ids: &[u32], flat: &[u64], width: usize) -> Result<Vec<(u32, Count)>, String> {
    if flat.len() % width != 0 || flat.len() / width > MAX_HOSTS_PER_SITE {
        return Err("malformed host list".to_string());
    }
    let mut out: Vec<(u32, Count)> = Vec::with_capacity(flat.len() / width);
    for t in flat.chunks_exact(width) {
        let [i, requests, data, blocked] = [
            t.first(),
            t.get(1),
            t.get(2),
            t.get(3).filter(|_| width == 4),
        ]
        .map(|x| x.copied().unwrap_or(0));
        let id = usize::try_from(i)
            .ok()
            .and_then(|i| ids.get(i))
            .copied()
            .ok_or_else(|| format!("host index {i} out of range"))?;
        let c = Count {
            requests,
            data,
            blocked,
        };
        match out.iter_mut().find(|(h, _)| *h == id) {
            Some((_, have)) => have.add(c),
            None => out.push((id, c)),
        }
    }
    Ok(out)
}

/// Appends `n` in base 36 (digits and lower-case letters).
fn push_base36(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 13];
    let mut i = digits.len();
    loop {
        i -= 1;
        let d = (n % 36) as u8;
        if let Some(slot) = digits.get_mut(i) {
            *slot = if d < 10 { b'0' + d } else { b'a' + d - 10 };
        }
        n /= 36;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &b in digits.get(i..).unwrap_or(&[]) {
        out.push(char::from(b));
    }
}

/// A position in a stored day (version 2) being read.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

// The cursor's steps are inlined by hand: the wasm is built for size (`opt-level = "z"`), which otherwise calls a
// function per byte.
impl Cursor<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    fn at_end(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Skips `b` if it comes next.
    #[inline(always)]
    fn eat(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        if next {
            self.at += 1;
        }
        next
    }

    /// A base-36 number (digits and lower-case letters), at least one digit, no larger than a u64.
    #[inline(never)]
    fn number(&mut self) -> Result<u64, String> {
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(b) = self.peek() {
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'z' => b - b'a' + 10,
                _ => break,
            };
            n = if n < 1 << 57 {
                n * 36 + u64::from(d) // cannot overflow (and needs no 128-bit multiplication in wasm)
            } else {
                n.checked_mul(36)
                    .and_then(|n| n.checked_add(u64::from(d)))
                    .ok_or("number too large")?
            };
            self.at += 1;
        }
        if self.at == start {
            return Err(format!("number expected at {start}"));
        }
        Ok(n)
    }

    /// A decimal u32.
    fn decimal(&mut self) -> Result<u32, String> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        std::str::from_utf8(self.bytes.get(start..self.at).unwrap_or(&[]))
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| "day number".to_string())
    }

    /// The bytes up to the next space or newline (or the end), skipped.
    fn until_space(&mut self) -> &[u8] {
        let rest = self.bytes.get(self.at..).unwrap_or(&[]);
        let len = rest
            .iter()
            .position(|&b| b == b' ' || b == b'\n')
            .unwrap_or(rest.len());
        self.at += len;
        rest.get(..len).unwrap_or(&[])
    }
}

/// The interned id of entry `index` of a chunk's name table.
fn table_id(ids: &[u32], index: u64) -> Result<u32, String> {
    usize::try_from(index)
        .ok()
        .and_then(|i| ids.get(i))
        .copied()
        .ok_or_else(|| format!("name index {index} out of range"))
}

impl History {
    /// One day in its stored form; `None` when the day is empty. The format (version 2, text, about 40 % of the
    /// first JSON format's size, parsed without a JSON parser) is three parts separated by newlines:
    ///
    /// - `2 <day>`: the version and the day number (decimal);
    /// - the day's name table, one space-separated token per name: names sorted by their reversed bytes (so that
    ///   names of one domain sit together), each written as `<s>/<rest>`: the name is `rest` followed by the last
    ///   `s` bytes of the previous name;
    /// - one line per site, sites in increasing name index: `<site>.<visits>[.<other requests>.<other data
    ///   requests>]`, then one token per host, hosts in increasing name index: `<d>.<requests>[.<data requests>]
    ///   [:<places>]`, `d` the host's index minus the previous host's index on the line (the first host: its index),
    ///   `places` where its servers stood, two bytes each, in increasing order (see [`super::PlaceCode`]).
    ///
    /// Every number but the day is base 36; omitted counts are 0. Version 3 added the places: a day of version 2 is
    /// the same without them, and still read.
    pub fn export_day(&self, day: u32) -> Option<String> {
        let sites = self.days.iter().find(|d| d.0 == day).map(|d| &d.1)?;
        // The day's names, sorted by reversed bytes, and each id's index in that order.
        let mut ids: Vec<u32> = sites
            .iter()
            .flat_map(|s| std::iter::once(s.site).chain(s.hosts.iter().map(|h| h.0)))
            .collect();
        let name_of = |id: u32| self.name(id).map_or("", |n| n.name.as_str());
        // (Names are unique: the same id sorts next to itself.)
        ids.sort_unstable_by(|&a, &b| name_of(a).bytes().rev().cmp(name_of(b).bytes().rev()));
        ids.dedup();
        let index: FnvMap<u32, u64> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u64))
            .collect();
        let at = |id: u32| index.get(&id).copied().unwrap_or(0);
        let mut out = format!("{DAY_FORMAT_VERSION} {day}\n");
        let mut previous = "";
        for (i, &id) in ids.iter().enumerate() {
            let name = name_of(id);
            let mut shared = name
                .bytes()
                .rev()
                .zip(previous.bytes().rev())
                .take_while(|(a, b)| a == b)
                .count()
                .min(name.len().saturating_sub(1));
            while shared > 0 && !name.is_char_boundary(name.len() - shared) {
                shared -= 1;
            }
            if i > 0 {
                out.push(' ');
            }
            push_base36(&mut out, shared as u64);
            out.push('/');
            out.push_str(name.get(..name.len() - shared).unwrap_or(name));
            previous = name;
        }
        // Sites and hosts by name index; every sort here and in `pairs` is of (u64, u64): one instance in the wasm.
        let mut order: Vec<(u64, u64)> = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (at(s.site), i as u64))
            .collect();
        order.sort_unstable();
        let mut hosts: Vec<(u64, u64)> = Vec::new();
        let mut places: Vec<(u32, PlaceCode)> = Vec::new();
        for s in order.iter().filter_map(|&(_, i)| sites.get(i as usize)) {
            places.clear();
            places.extend_from_slice(&s.servers);
            places.sort_unstable();
            out.push('\n');
            push_base36(&mut out, at(s.site));
            out.push('.');
            push_base36(&mut out, u64::from(s.visits));
            if s.other != Count::default() {
                out.push('.');
                push_base36(&mut out, s.other.requests);
                out.push('.');
                push_base36(&mut out, s.other.data);
                if s.other.blocked > 0 {
                    out.push('.');
                    push_base36(&mut out, s.other.blocked);
                }
            }
            hosts.clear();
            hosts.extend(s.hosts.iter().enumerate().map(|(k, h)| (at(h.0), k as u64)));
            hosts.sort_unstable();
            let mut last = 0;
            for &(i, k) in &hosts {
                let Some(&(_, c)) = s.hosts.get(k as usize) else {
                    continue;
                };
                out.push(' ');
                push_base36(&mut out, i - last);
                last = i;
                out.push('.');
                push_base36(&mut out, c.requests);
                if c.data > 0 || c.blocked > 0 {
                    out.push('.');
                    push_base36(&mut out, c.data);
                }
                if c.blocked > 0 {
                    out.push('.');
                    push_base36(&mut out, c.blocked);
                }
                let id = s.hosts.get(k as usize).map_or(u32::MAX, |h| h.0);
                let first = places.partition_point(|p| p.0 < id);
                let of_host = places.get(first..).unwrap_or(&[]);
                for (n, (_, code)) in of_host.iter().take_while(|p| p.0 == id).enumerate() {
                    if n == 0 {
                        out.push(':');
                    }
                    out.extend(code.iter().map(|&b| char::from(b)));
                }
            }
        }
        Some(out)
    }

    /// Loads a stored day (replacing what is held for that day), in the format [`History::export_day`] writes or in
    /// the first one (JSON, version 1); returns the day number. On error the day is left as it was.
    pub fn import_day(&mut self, text: &str) -> Result<u32, String> {
        self.import_day_bytes(text.as_bytes())
    }

    /// [`History::import_day`] of the text's UTF-8 bytes (a byte array crosses into wasm with one copy, a string
    /// character by character).
    pub fn import_day_bytes(&mut self, bytes: &[u8]) -> Result<u32, String> {
        let (day, sites) = if bytes.first() == Some(&b'{') {
            let text =
                std::str::from_utf8(bytes).map_err(|_| "history day: not UTF-8".to_string())?;
            self.parse_day_v1(text)?
        } else {
            self.parse_day_v2(bytes)
                .map_err(|e| format!("malformed history day: {e}"))?
        };
        if let Some(slot) = day_mut(&mut self.days, day) {
            *slot = sites;
        }
        Ok(day)
    }

    /// The first stored format: JSON (see [`DayChunk`]).
    fn parse_day_v1(&mut self, text: &str) -> Result<(u32, Vec<SiteDay>), String> {
        let chunk: DayChunk =
            serde_json::from_str(text).map_err(|e| format!("malformed history day: {e}"))?;
        if chunk.v != HISTORY_VERSION || chunk.sites.len() > MAX_SITES_PER_DAY {
            return Err("history day: wrong version or too many sites".to_string());
        }
        let ids = self.intern_all(&chunk.hosts)?;
        let mut sites: Vec<SiteDay> = Vec::with_capacity(chunk.sites.len());
        for (site, visits, flat, other_requests, other_data) in chunk.sites {
            let site = ids
                .get(site as usize)
                .copied()
                .ok_or_else(|| format!("history day: site index {site} out of range"))?;
            if sites.iter().any(|s| s.site == site) {
                return Err("history day: a site is listed twice".to_string());
            }
            sites.push(SiteDay {
                site,
                visits,
                hosts: unflatten(&ids, &flat, 3).map_err(|e| format!("history day: {e}"))?,
                other: Count {
                    requests: other_requests,
                    data: other_data,
                    blocked: 0,
                },
                servers: Vec::new(),
            });
        }
        Ok((chunk.day, sites))
    }

    /// The format [`History::export_day`] writes (version 2), read byte by byte.
    fn parse_day_v2(&mut self, bytes: &[u8]) -> Result<(u32, Vec<SiteDay>), String> {
        let mut c = Cursor { bytes, at: 0 };
        // Version 2 is version 3 without places.
        if !((c.eat(b'3') || c.eat(b'2')) && c.eat(b' ')) {
            return Err("unknown version".to_string());
        }
        let day = c.decimal()?;
        if !c.at_end() && !c.eat(b'\n') {
            return Err("header".to_string());
        }
        // The name table: `<shared>/<rest>` tokens separated by spaces.
        let table = bytes.get(c.at..).unwrap_or(&[]);
        let table = table
            .get(
                ..table
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(table.len()),
            )
            .unwrap_or(&[]);
        let count = table.iter().filter(|&&b| b == b'/').count();
        // Room for the names not seen before (at most all of them): the maps grow once, not name by name.
        self.ids.reserve(count);
        self.names.reserve(count);
        let mut ids: Vec<u32> = Vec::with_capacity(count);
        let mut name = String::new();
        let mut previous = String::new();
        while !c.at_end() && c.peek() != Some(b'\n') {
            if !ids.is_empty() && !c.eat(b' ') {
                return Err("name table".to_string());
            }
            let shared = usize::try_from(c.number()?).map_err(|_| "shared suffix")?;
            if !c.eat(b'/') {
                return Err("name without '/'".to_string());
            }
            let rest = c.until_space();
            let rest = std::str::from_utf8(rest).map_err(|_| "name not UTF-8")?;
            let start = previous
                .len()
                .checked_sub(shared)
                .ok_or("shared suffix longer than the previous name")?;
            let suffix = previous
                .get(start..)
                .ok_or("shared suffix within a character")?;
            // Names come sorted by reversed bytes (so none twice): the byte before the shared suffix decides, unless
            // the shared suffix was not the longest one (then the whole names are compared).
            let ordered = ids.is_empty()
                || match (
                    rest.as_bytes().last(),
                    previous.as_bytes().get(start.wrapping_sub(1)),
                ) {
                    (Some(a), Some(b)) if a != b => a > b,
                    (Some(_), None) => true,
                    _ => rest
                        .bytes()
                        .rev()
                        .chain(suffix.bytes().rev())
                        .cmp(previous.bytes().rev())
                        .is_gt(),
                };
            name.clear();
            name.push_str(rest);
            name.push_str(suffix);
            if !ordered {
                return Err("names out of order".to_string());
            }
            ids.push(self.intern(&name)?);
            std::mem::swap(&mut name, &mut previous);
        }
        // One line per site: `<site>.<visits>[.<other>.<other data>]`, then ` <delta>.<requests>[.<data>]` per host.
        let mut sites: Vec<SiteDay> = Vec::new();
        let mut last_site: Option<u64> = None;
        while c.eat(b'\n') {
            if sites.len() >= MAX_SITES_PER_DAY {
                return Err("too many sites".to_string());
            }
            let index = c.number()?;
            if last_site.is_some_and(|l| index <= l) {
                return Err("sites out of order".to_string());
            }
            last_site = Some(index);
            let site = table_id(&ids, index)?;
            if !c.eat(b'.') {
                return Err("no visits".to_string());
            }
            let visits = u32::try_from(c.number()?).map_err(|_| "visits")?;
            let mut other = Count::default();
            if c.eat(b'.') {
                other.requests = c.number()?;
                if !c.eat(b'.') {
                    return Err("other requests without data requests".to_string());
                }
                other.data = c.number()?;
                if c.eat(b'.') {
                    other.blocked = c.number()?;
                }
            }
            let mut hosts: Vec<(u32, Count)> = Vec::new();
            let mut servers: Vec<(u32, PlaceCode)> = Vec::new();
            let mut host: u64 = 0;
            while c.eat(b' ') {
                if hosts.len() >= MAX_HOSTS_PER_SITE {
                    return Err("too many hosts".to_string());
                }
                let delta = c.number()?;
                if delta == 0 && !hosts.is_empty() {
                    return Err("hosts out of order".to_string());
                }
                host = host.checked_add(delta).ok_or("host index")?;
                if !c.eat(b'.') {
                    return Err("host without requests".to_string());
                }
                let requests = c.number()?;
                let data = if c.eat(b'.') { c.number()? } else { 0 };
                let blocked = if c.eat(b'.') { c.number()? } else { 0 };
                let id = table_id(&ids, host)?;
                hosts.push((
                    id,
                    Count {
                        requests,
                        data,
                        blocked,
                    },
                ));
                if c.eat(b':') {
                    let codes = c.until_space();
                    if codes.is_empty() || codes.len() % 2 != 0 {
                        return Err("server places".to_string());
                    }
                    for code in codes.chunks_exact(2) {
                        let code: PlaceCode =
                            [code.first(), code.get(1)].map(|b| b.copied().unwrap_or(0));
                        if place_kind(code).is_none() || servers.len() >= MAX_PLACES_PER_SITE {
                            return Err("server place".to_string());
                        }
                        if !servers.contains(&(id, code)) {
                            servers.push((id, code));
                        }
                    }
                }
            }
            sites.push(SiteDay {
                site,
                visits,
                hosts,
                other,
                servers,
            });
        }
        if !c.at_end() {
            return Err(format!("unexpected byte at {}", c.at));
        }
        Ok((day, sites))
    }

    /// The open visits' markers (for storage that lasts as long as the browser session).
    pub fn export_open(&self) -> String {
        let mut table = Table::default();
        let mut tabs: Vec<(i64, u32, u32, Vec<u64>)> = self
            .open
            .iter()
            .map(|(&tab, o)| {
                let site = table.add(self, o.site) as u32;
                (tab, o.seq, site, table.flat(self, &o.hosts))
            })
            .collect();
        tabs.sort_unstable_by_key(|t| t.0);
        serde_json::to_string(&OpenChunk {
            v: OPEN_VERSION,
            hosts: table.names,
            tabs,
        })
        .unwrap_or_default()
    }

    /// Restores [`History::export_open`]'s output; on error nothing changes.
    pub fn import_open(&mut self, text: &str) -> Result<(), String> {
        let chunk: OpenChunk =
            serde_json::from_str(text).map_err(|e| format!("malformed open visits: {e}"))?;
        // Version 1 counts (requests, data) per host; version 2 also blocked requests.
        let width = match chunk.v {
            HISTORY_VERSION => 3,
            OPEN_VERSION => 4,
            _ => return Err("open visits: wrong version".to_string()),
        };
        if chunk.tabs.len() > MAX_OPEN_TABS {
            return Err("open visits: too many tabs".to_string());
        }
        let ids = self.intern_all(&chunk.hosts)?;
        let mut open = FnvMap::default();
        for (tab, seq, site, flat) in chunk.tabs {
            let site = ids
                .get(site as usize)
                .copied()
                .ok_or_else(|| format!("open visits: site index {site} out of range"))?;
            let hosts = unflatten(&ids, &flat, width).map_err(|e| format!("open visits: {e}"))?;
            open.insert(tab, Open { seq, site, hosts });
        }
        self.open = open;
        Ok(())
    }
}

#[cfg(test)]
/// A day in the first stored format (JSON, version 1), as the extension wrote it before version 2.
pub(crate) fn export_day_v1(h: &History, day: u32) -> String {
    let Some(sites) = h.days.iter().find(|d| d.0 == day).map(|d| &d.1) else {
        panic!("day missing")
    };
    let mut table = Table::default();
    let sites = sites
        .iter()
        .map(|s| {
            let site = table.add(h, s.site) as u32;
            let flat = table.flat_v1(h, &s.hosts);
            (site, s.visits, flat, s.other.requests, s.other.data)
        })
        .collect();
    let chunk = DayChunk {
        v: 1,
        day,
        hosts: table.names,
        sites,
    };
    serde_json::to_string(&chunk).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{busy_history, visit, PAGE};
    use super::*;

    #[test]
    fn day_chunks_and_open_markers_round_trip() {
        let mut h = History::new();
        let v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
                ("https://192.168.0.1/x", "image", "GET"),
            ],
        );
        h.record(7, 3, &v.report(), 20_000);
        let Some(day) = h.export_day(20_000) else {
            panic!("day missing")
        };
        let open = h.export_open();
        let mut back = History::new();
        assert_eq!(back.import_day(&day), Ok(20_000));
        assert_eq!(back.import_open(&open), Ok(()));
        assert_eq!(back.export_day(20_000).as_deref(), Some(day.as_str()));
        // The restored marker stops the same visit from being counted twice.
        assert!(!back.record(7, 3, &v.report(), 20_000));
        assert_eq!(
            back.query(0, u32::MAX, "", 5).totals.requests,
            h.query(0, u32::MAX, "", 5).totals.requests
        );
    }

    #[test]
    fn the_old_json_day_format_is_still_read() {
        let h = busy_history(3);
        for day in h.days() {
            let v1 = export_day_v1(&h, day);
            let Some(v2) = h.export_day(day) else {
                panic!("day missing")
            };
            assert!(v1.starts_with("{\"v\":1,"), "{v1}");
            assert!(v2.starts_with("3 "), "{v2}");
            assert!(
                v2.len() * 10 < v1.len() * 7,
                "version 2 is smaller: {} vs {}",
                v2.len(),
                v1.len()
            );
            let mut old = History::new();
            assert_eq!(old.import_day(&v1), Ok(day));
            // Read from the old format, written in the new one, read again: the same day.
            assert_eq!(old.export_day(day).as_deref(), Some(v2.as_str()));
            let mut new = History::new();
            assert_eq!(new.import_day(&v2), Ok(day));
            let (a, b) = (old.query(day, day, "", 50), new.query(day, day, "", 50));
            assert_eq!(
                serde_json::to_string(&a).ok(),
                serde_json::to_string(&b).ok()
            );
        }
    }

    #[test]
    fn the_compact_day_format_shares_name_suffixes_and_codes_counts_in_base_36() {
        let mut h = History::new();
        let v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
                ("https://mc.yandex.ru/watch/2", "ping", "POST"),
                ("https://an.yandex.ru/x", "script", "GET"),
            ],
        );
        h.record(1, 1, &v.report(), 20_000);
        // Names by reversed bytes: news.example, www.news.example (its last 12 bytes shared: "c" in base 36),
        // mc.yandex.ru, an.yandex.ru; the site's line: site 0, 1 visit, then hosts 1, 2 (2 requests, 1 with data), 3.
        let text = "3 20000\n0/news.example c/www. 0/mc.yandex.ru a/an\n0.1 1.1 1.2.1 1.1";
        assert_eq!(h.export_day(20_000).as_deref(), Some(text));
        let mut back = History::new();
        assert_eq!(back.import_day(text), Ok(20_000));
        let o = back.query(20_000, 20_000, "", 10);
        assert_eq!((o.totals.requests, o.totals.data_requests), (4, 1));
        // Large counts, other requests, and a day without sites.
        let mut big = History::new();
        let text = "2 7\n0/a.example 8/b\n0.zz.5.1 0.3w5e11264sgsf.1 1.1\n1.1";
        assert_eq!(big.import_day(text), Ok(7));
        assert_eq!(
            big.export_day(7),
            Some(text.replacen('2', "3", 1)),
            "version 2 is read"
        );
        let o = big.query(7, 7, "", 10);
        assert_eq!(
            (o.totals.requests, o.totals.visits),
            (u64::MAX, 36 * 36 - 1)
        );
        assert_eq!(big.import_day("2 8\n"), Ok(8));
        assert_eq!(big.export_day(8), Some("3 8\n".to_string()));
    }

    #[test]
    fn truncated_or_altered_compact_days_never_panic() {
        let h = busy_history(1);
        let Some(good) = h.export_day(100) else {
            panic!("day missing")
        };
        let mut back = History::new();
        for end in (0..good.len()).step_by(7) {
            let Some(cut) = good.get(..end) else { continue };
            let _ = back.import_day(cut);
        }
        let bytes = good.as_bytes();
        for (i, replacement) in (0..bytes.len())
            .step_by(11)
            .zip([b' ', b'.', b'/', b'\n', b'z', b'0'].iter().cycle())
        {
            let mut altered = bytes.to_vec();
            if let Some(b) = altered.get_mut(i) {
                *b = *replacement;
            }
            if let Ok(text) = std::str::from_utf8(&altered) {
                let _ = back.import_day(text);
            }
        }
        assert_eq!(back.import_day(&good), Ok(100));
        assert_eq!(back.export_day(100).as_deref(), Some(good.as_str()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Any text near the compact format, or any bytes: an error or a day, never a panic; a day read back writes
        /// itself again the same way.
        #[test]
        fn compact_days_from_any_input(
            text in concat!(
                r"2 [0-9]{1,3}\n(([0-9a-c]{1,2}/[a-z.]{1,6}) ?){0,6}",
                r"(\n[0-9a-z]{1,2}(\.[0-9a-z]{1,3}){1,3}( [0-9a-z]{1,2}(\.[0-9a-z]{1,3}){1,2}(:([A-Z]{2}|~[lpsux]){1,3})?){0,4}){0,3}"
            ),
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut h = History::new();
            let _ = h.import_day_bytes(&bytes);
            if let Ok(day) = h.import_day(&text) {
                if let Some(again) = h.export_day(day) {
                    let mut back = History::new();
                    proptest::prop_assert_eq!(back.import_day(&again), Ok(day));
                    proptest::prop_assert_eq!(back.export_day(day), Some(again));
                }
            }
        }
    }

    #[test]
    fn malformed_chunks_are_errors_and_change_nothing() {
        let mut h = History::new();
        for bad in [
            "",
            "{}",
            r#"{"v":2,"day":1,"hosts":[],"sites":[]}"#,
            r#"{"v":1,"day":1,"hosts":["Not A Host"],"sites":[]}"#,
            r#"{"v":1,"day":1,"hosts":["a.example"],"sites":[[0,1,[5,1,0],0,0]]}"#,
            r#"{"v":1,"day":1,"hosts":["a.example"],"sites":[[0,1,[0,1],0,0]]}"#,
            r#"{"v":1,"day":1,"hosts":["a.example"],"sites":[[3,1,[],0,0]]}"#,
            r#"{"v":1,"day":1,"hosts":["a.example"],"sites":[[0,1,[],0,0],[0,1,[],0,0]]}"#,
            r#"{"v":1,"hosts":["a.example"],"tabs":[[1,1,9,[]]]}"#,
            "3 1\n\n",
            "2\n\n",
            "2 x\n",
            "2 1 2\n",
            "2 1\n0/Not.A.Host",
            "2 1\n0/a.example\n1.1",
            "2 1\n0/a.example\n0.1 1.1",
            "2 1\n0/a.example 0/b.example\n0.1 1.1 0.1",
            "2 1\n0/a.example 0/b.example\n1.1\n0.1",
            "2 1\n0/a.example 0/b.example\n0.1\n0.1",
            "2 1\n0/b.example 0/a.example\n0.1",
            "2 1\n0/a.example 0/a.example\n0.1",
            "2 1\n0/a.example 99/b\n0.1",
            "2 1\n0/a.example a.example\n0.1",
            "2 1\n0/a.example\n0.1 0.1.2.3.4",
            "2 1\n0/a.example\n0.1 0.A",
            "2 1\n0/a.example\n0.1 0.zzzzzzzzzzzzzz",
            "2 1\n0/a.example\n0.1 0.-1",
            "2 1\n0/a.example\n0.1 .1",
            "3 1\n0/a.example\n0.1 0.1:",
            "3 1\n0/a.example\n0.1 0.1:U",
            "3 1\n0/a.example\n0.1 0.1:~x",
            "3 1\n0/a.example\n0.1 0.1:us",
            "3 1\n0/a.example\n0.1 0.1:US:DE",
        ] {
            assert!(h.import_day(bad).is_err(), "{bad}");
            assert!(h.import_open(bad).is_err(), "{bad}");
        }
        assert!(h.days().is_empty());
    }
}
