//! History: per-day, per-site aggregation of the tabs' visits, its compact stored form (one chunk per day), the
//! dashboard's queries over a period, watchlist matching, and the CSV exports of reports and history.
//!
//! Only host names and counts are stored; owners, chains and jurisdictions are looked up again when a name is first
//! seen, so a database update applies to the whole history. Names are interned (each parsed and attributed once);
//! days hold integer ids, and a query sums (site, host) pairs over the period before anything else, so its cost
//! grows with the distinct pairs, not with the days. Growth is bounded per day ([`MAX_SITES_PER_DAY`],
//! [`MAX_HOSTS_PER_SITE`]); a query's answer is bounded by its `limit`.

use crate::attribution::{self, Owner};
use crate::db::{self, EntityIndex};
use crate::entity;
use crate::host::{self, HostKind};
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Version of the open-visit markers and of the first (JSON) day format, which [`History::import_day`] still reads.
pub const HISTORY_VERSION: u32 = 1;
/// Version of the day format that [`History::export_day`] writes (see [`History::export_day`]).
pub const DAY_FORMAT_VERSION: u32 = 2;
/// Sites kept per day; visits to further sites that day are not recorded.
pub const MAX_SITES_PER_DAY: usize = 5_000;
/// Hosts kept per site and day; requests to further hosts are counted in the site's `other` count.
pub const MAX_HOSTS_PER_SITE: usize = 2_000;
/// Tabs whose open visit is remembered (to record only the growth of a visit).
pub const MAX_OPEN_TABS: usize = 2_000;
/// Upper bound of the rows a query returns per list.
pub const MAX_LIMIT: usize = 2_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Count {
    requests: u64,
    data: u64,
}

impl Count {
    fn add(&mut self, other: Count) {
        self.requests = self.requests.saturating_add(other.requests);
        self.data = self.data.saturating_add(other.data);
    }
}

/// One site on one day: its visits and the requests per host (interned ids).
#[derive(Clone, Debug, Default)]
struct SiteDay {
    site: u32,
    visits: u32,
    hosts: Vec<(u32, Count)>,
    /// Requests to hosts beyond [`MAX_HOSTS_PER_SITE`].
    other: Count,
}

/// What has been recorded of a tab's current visit.
#[derive(Clone, Debug)]
struct Open {
    seq: u32,
    site: u32,
    hosts: Vec<(u32, Count)>,
}

/// A name (host or site) with what the database says about it, looked up once.
#[derive(Clone, Debug)]
struct Name {
    name: String,
    domain: Option<String>,
    /// Hashes of `name` and `domain` (0 without one): a query compares a host with its site by them first.
    name_hash: u64,
    domain_hash: u64,
    owner: Option<Owner>,
    /// The controlling jurisdiction of the owner, and its [`code_key`].
    country: Option<&'static str>,
    country_key: u64,
}

/// FNV-1a for strings, a multiplicative mix for integers: the history's maps hash ids and host names, where std's
/// SipHash (DoS-resistant, slow) buys nothing.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The history: day number (days since 1970-01-01 in the user's time zone, as the shell computes it) → sites.
#[derive(Debug, Default)]
pub struct History {
    names: Vec<Name>,
    ids: FastMap<String, u32>,
    /// Sorted by day (a plain vector: fewer generic instantiations in the wasm than a BTreeMap).
    days: Vec<(u32, Vec<SiteDay>)>,
    open: FastMap<i64, Open>,
}

/// A stored day: `hosts` is the day's name table; each site is `[name index, visits, [host index, requests, data
/// requests, …], other requests, other data requests]`.
#[derive(Serialize, Deserialize)]
struct DayChunk {
    v: u32,
    day: u32,
    hosts: Vec<String>,
    sites: Vec<(u32, u32, Vec<u64>, u64, u64)>,
}

/// Stored open visits: a name table and `[tab, visit seq, site index, [host index, requests, data requests, …]]`.
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
    index: FastMap<u32, u64>,
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

    fn flat(&mut self, history: &History, hosts: &[(u32, Count)]) -> Vec<u64> {
        let mut flat = Vec::with_capacity(hosts.len() * 3);
        for &(h, c) in hosts {
            flat.extend([self.add(history, h), c.requests, c.data]);
        }
        flat
    }
}

/// The sites of `day` in a day list sorted by day, created empty when missing.
fn day_mut(days: &mut Vec<(u32, Vec<SiteDay>)>, day: u32) -> Option<&mut Vec<SiteDay>> {
    let i = match days.binary_search_by_key(&day, |d| d.0) {
        Ok(i) => i,
        Err(i) => {
            days.insert(i, (day, Vec::new()));
            i
        }
    };
    days.get_mut(i).map(|d| &mut d.1)
}

/// `(id, count)` pairs from a flat `[index, requests, data, …]` list over a chunk's interned name table.
fn unflatten(ids: &[u32], flat: &[u64]) -> Result<Vec<(u32, Count)>, String> {
    if flat.len() % 3 != 0 || flat.len() / 3 > MAX_HOSTS_PER_SITE {
        return Err("malformed host list".to_string());
    }
    let mut out: Vec<(u32, Count)> = Vec::with_capacity(flat.len() / 3);
    for t in flat.chunks_exact(3) {
        let [i, requests, data] = [t.first(), t.get(1), t.get(2)].map(|x| x.copied().unwrap_or(0));
        let id = usize::try_from(i)
            .ok()
            .and_then(|i| ids.get(i))
            .copied()
            .ok_or_else(|| format!("host index {i} out of range"))?;
        let c = Count { requests, data };
        match out.iter_mut().find(|(h, _)| *h == id) {
            Some((_, have)) => have.add(c),
            None => out.push((id, c)),
        }
    }
    Ok(out)
}

/// Adds `c` to host `id` of a list bounded by [`MAX_HOSTS_PER_SITE`]; returns false when the list is full.
fn add_host(hosts: &mut Vec<(u32, Count)>, id: u32, c: Count) -> bool {
    if let Some((_, have)) = hosts.iter_mut().find(|(h, _)| *h == id) {
        have.add(c);
        true
    } else if hosts.len() < MAX_HOSTS_PER_SITE {
        hosts.push((id, c));
        true
    } else {
        false
    }
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
    pub fn new() -> History {
        History::default()
    }

    fn name(&self, id: u32) -> Option<&Name> {
        self.names.get(id as usize)
    }

    /// The id of a normalised host name (parsed and attributed when first seen); an error for anything else.
    fn intern(&mut self, name: &str) -> Result<u32, String> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let parsed = match host::parse(name) {
            Ok(h) if h.name == name && h.kind != HostKind::NonNetwork => h,
            _ => return Err(format!("{name:?} is not a normalised host")),
        };
        let id = u32::try_from(self.names.len()).map_err(|_| "too many names".to_string())?;
        let owner = attribution::owner(&parsed);
        let hash = |text: &str| {
            let mut h = FastHasher::default();
            h.write(text.as_bytes());
            h.finish()
        };
        let country = owner.and_then(|o| entity::jurisdiction(o.entity));
        self.names.push(Name {
            name: name.to_string(),
            owner,
            country,
            country_key: country.map_or(0, code_key),
            name_hash: hash(name),
            domain_hash: parsed.domain.as_deref().map_or(0, hash),
            domain: parsed.domain,
        });
        self.ids.insert(name.to_string(), id);
        Ok(id)
    }

    /// The days `from..=to` with their sites.
    fn range(&self, from: u32, to: u32) -> impl Iterator<Item = &(u32, Vec<SiteDay>)> {
        self.days.iter().filter(move |d| d.0 >= from && d.0 <= to)
    }

    fn intern_all(&mut self, names: &[String]) -> Result<Vec<u32>, String> {
        names.iter().map(|n| self.intern(n)).collect()
    }

    /// Records the growth of a tab's visit since the last call: `seq` identifies the visit (the tracker's visit
    /// sequence number), `day` is today. A new visit of a tab counts one visit of its site. Visits of pages without a
    /// network host (new tab pages, extension pages) are not recorded. Returns whether the day changed.
    pub fn record(&mut self, tab: i64, seq: u32, report: &Report, day: u32) -> bool {
        let Some(site) = report.page.domain.as_ref().or(report.page.host.as_ref()) else {
            return false;
        };
        let Ok(site) = self.intern(site) else {
            return false;
        };
        let mut hosts = Vec::with_capacity(report.hosts.len());
        for h in &report.hosts {
            if let Ok(id) = self.intern(&h.host) {
                let c = Count {
                    requests: h.requests,
                    data: h.data_requests,
                };
                hosts.push((id, c));
            }
        }
        let fresh = !matches!(self.open.get(&tab), Some(o) if o.seq == seq && o.site == site);
        if fresh && !self.open.contains_key(&tab) && self.open.len() >= MAX_OPEN_TABS {
            self.open.clear();
        }
        let open = self.open.entry(tab).or_insert_with(|| Open {
            seq,
            site,
            hosts: Vec::new(),
        });
        if fresh {
            *open = Open {
                seq,
                site,
                hosts: Vec::new(),
            };
        }
        let Some(sites) = day_mut(&mut self.days, day) else {
            return false;
        };
        let index = match sites.iter().position(|s| s.site == site) {
            Some(i) => i,
            None if sites.len() < MAX_SITES_PER_DAY => {
                sites.push(SiteDay {
                    site,
                    ..SiteDay::default()
                });
                sites.len() - 1
            }
            None => return false,
        };
        let Some(entry) = sites.get_mut(index) else {
            return false;
        };
        let mut changed = false;
        if fresh {
            entry.visits = entry.visits.saturating_add(1);
            changed = true;
        }
        for (id, now) in hosts {
            let before = open
                .hosts
                .iter()
                .find(|(h, _)| *h == id)
                .map_or(Count::default(), |(_, c)| *c);
            let delta = Count {
                requests: now.requests.saturating_sub(before.requests),
                data: now.data.saturating_sub(before.data),
            };
            if delta == Count::default() {
                continue;
            }
            changed = true;
            match open.hosts.iter_mut().find(|(h, _)| *h == id) {
                Some((_, c)) => *c = now,
                None => open.hosts.push((id, now)),
            }
            if !add_host(&mut entry.hosts, id, delta) {
                entry.other.add(delta);
            }
        }
        changed
    }

    /// Forgets a closed tab's open visit (what it recorded stays).
    pub fn close_tab(&mut self, tab: i64) {
        self.open.remove(&tab);
    }

    /// A tab's visit moved to another tab id (Chrome swaps ids when a prerendered page is shown): what was recorded
    /// of it moves along, so the visit is not counted again.
    pub fn move_tab(&mut self, from: i64, to: i64) {
        if let Some(open) = self.open.remove(&from) {
            self.open.insert(to, open);
        }
    }

    /// Days held, oldest first.
    pub fn days(&self) -> Vec<u32> {
        self.days.iter().map(|d| d.0).collect()
    }

    /// Drops the days before `first_kept`.
    pub fn prune(&mut self, first_kept: u32) {
        self.days.retain(|d| d.0 >= first_kept);
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        *self = History::default();
    }

    /// One day in its stored form; `None` when the day is empty. The format (version 2, text, about 40 % of the
    /// first JSON format's size, parsed without a JSON parser) is three parts separated by newlines:
    ///
    /// - `2 <day>`: the version and the day number (decimal);
    /// - the day's name table, one space-separated token per name: names sorted by their reversed bytes (so that
    ///   names of one domain sit together), each written as `<s>/<rest>`: the name is `rest` followed by the last
    ///   `s` bytes of the previous name;
    /// - one line per site, sites in increasing name index: `<site>.<visits>[.<other requests>.<other data
    ///   requests>]`, then one token per host, hosts in increasing name index: `<d>.<requests>[.<data requests>]`,
    ///   `d` the host's index minus the previous host's index on the line (the first host: its index).
    ///
    /// Every number but the day is base 36; omitted counts are 0.
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
        let index: FastMap<u32, u64> = ids
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
        for s in order.iter().filter_map(|&(_, i)| sites.get(i as usize)) {
            out.push('\n');
            push_base36(&mut out, at(s.site));
            out.push('.');
            push_base36(&mut out, u64::from(s.visits));
            if s.other != Count::default() {
                out.push('.');
                push_base36(&mut out, s.other.requests);
                out.push('.');
                push_base36(&mut out, s.other.data);
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
                if c.data > 0 {
                    out.push('.');
                    push_base36(&mut out, c.data);
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
                hosts: unflatten(&ids, &flat).map_err(|e| format!("history day: {e}"))?,
                other: Count {
                    requests: other_requests,
                    data: other_data,
                },
            });
        }
        Ok((chunk.day, sites))
    }

    /// The format [`History::export_day`] writes (version 2), read byte by byte.
    fn parse_day_v2(&mut self, bytes: &[u8]) -> Result<(u32, Vec<SiteDay>), String> {
        let mut c = Cursor { bytes, at: 0 };
        if !(c.eat(b'2') && c.eat(b' ')) {
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
            }
            let mut hosts: Vec<(u32, Count)> = Vec::new();
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
                hosts.push((table_id(&ids, host)?, Count { requests, data }));
            }
            sites.push(SiteDay {
                site,
                visits,
                hosts,
                other,
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
            v: HISTORY_VERSION,
            hosts: table.names,
            tabs,
        })
        .unwrap_or_default()
    }

    /// Restores [`History::export_open`]'s output; on error nothing changes.
    pub fn import_open(&mut self, text: &str) -> Result<(), String> {
        let chunk: OpenChunk =
            serde_json::from_str(text).map_err(|e| format!("malformed open visits: {e}"))?;
        if chunk.v != HISTORY_VERSION || chunk.tabs.len() > MAX_OPEN_TABS {
            return Err("open visits: wrong version or too many tabs".to_string());
        }
        let ids = self.intern_all(&chunk.hosts)?;
        let mut open = FastMap::default();
        for (tab, seq, site, flat) in chunk.tabs {
            let site = ids
                .get(site as usize)
                .copied()
                .ok_or_else(|| format!("open visits: site index {site} out of range"))?;
            let hosts = unflatten(&ids, &flat).map_err(|e| format!("open visits: {e}"))?;
            open.insert(tab, Open { seq, site, hosts });
        }
        self.open = open;
        Ok(())
    }

    /// Sums the days `from..=to` per (site, host) pair (`u32::MAX` as host: requests to hosts beyond the bound);
    /// returns the pairs sorted by site, the visits per site and the days with their (requests, sites);
    /// `by_host`: each site's pairs sorted by host id (else in no particular order).
    fn pairs(&self, from: u32, to: u32, keep: &[bool], by_host: bool) -> Pairs {
        let wanted = |id: u32| keep.get(id as usize).copied().unwrap_or(false);
        let mut visits = vec![0u64; self.names.len()];
        let mut days = Vec::new();
        // First pass: the days' rows, and the site-days that count, to be summed per site.
        // (site << 32 | day, index in `refs`)
        let mut entries: Vec<(u64, u64)> = Vec::new();
        let mut refs: Vec<&SiteDay> = Vec::new();
        for (day, sites) in self.range(from, to) {
            let day = *day;
            let mut day_requests = 0u64;
            let mut day_sites = 0u64;
            for s in sites {
                let site_wanted = wanted(s.site);
                let mut counted = false;
                for &(h, c) in &s.hosts {
                    if site_wanted || wanted(h) {
                        day_requests = day_requests.saturating_add(c.requests);
                        counted = true;
                    }
                }
                if site_wanted && s.other.requests > 0 {
                    day_requests = day_requests.saturating_add(s.other.requests);
                    counted = true;
                }
                if counted {
                    day_sites += 1;
                    if let Some(v) = visits.get_mut(s.site as usize) {
                        *v += u64::from(s.visits);
                    }
                    entries.push((
                        (u64::from(s.site) << 32) | u64::from(day),
                        refs.len() as u64,
                    ));
                    refs.push(s);
                }
            }
            if day_sites > 0 {
                days.push(DayRow {
                    day,
                    requests: day_requests,
                    sites: day_sites,
                });
            }
        }
        // Second pass, site by site: each host's sum in a dense slot table (no hashing, no sorting of every entry).
        entries.sort_unstable();
        let mut slot = vec![u32::MAX; self.names.len()];
        let mut sums: Vec<(u32, (Count, u32, u32))> = Vec::new();
        let mut by_id: Vec<(u64, u64)> = Vec::new();
        let mut pairs: Vec<(u64, (Count, u32, u32))> = Vec::new();
        for group in entries.chunk_by(|a, b| a.0 >> 32 == b.0 >> 32) {
            let site = group.first().map_or(0, |e| (e.0 >> 32) as u32);
            let site_wanted = wanted(site);
            let mut other = (Count::default(), u32::MAX, 0);
            sums.clear();
            for (key, s) in group
                .iter()
                .filter_map(|&(key, i)| Some((key, *refs.get(i as usize)?)))
            {
                let day = key as u32; // the low half
                for &(h, c) in &s.hosts {
                    if !(site_wanted || wanted(h)) {
                        continue;
                    }
                    let Some(at) = slot.get_mut(h as usize) else {
                        continue;
                    };
                    let sum = match sums.get_mut(*at as usize) {
                        Some(sum) => sum,
                        None => {
                            *at = sums.len() as u32;
                            sums.push((h, (Count::default(), u32::MAX, 0)));
                            let Some(sum) = sums.last_mut() else { continue };
                            sum
                        }
                    };
                    sum.1 .0.add(c);
                    sum.1 .1 = sum.1 .1.min(day);
                    sum.1 .2 = sum.1 .2.max(day);
                }
                if site_wanted && s.other.requests > 0 {
                    other.0.add(s.other);
                    other.1 = other.1.min(day);
                    other.2 = other.2.max(day);
                }
            }
            for &(h, _) in &sums {
                if let Some(at) = slot.get_mut(h as usize) {
                    *at = u32::MAX;
                }
            }
            let key = u64::from(site) << 32;
            if by_host {
                by_id.clear();
                by_id.extend(
                    sums.iter()
                        .enumerate()
                        .map(|(k, e)| (u64::from(e.0), k as u64)),
                );
                by_id.sort_unstable();
                pairs.extend(by_id.iter().filter_map(|&(h, k)| {
                    let &(_, sum) = sums.get(k as usize)?;
                    Some((key | h, sum))
                }));
            } else {
                pairs.extend(sums.iter().map(|&(h, sum)| (key | u64::from(h), sum)));
            }
            if other.0.requests > 0 {
                pairs.push((key | u64::from(u32::MAX), other));
            }
        }
        Pairs {
            pairs,
            visits,
            days,
        }
    }

    /// Which names a search keeps: a case-insensitive (ASCII) part of the name, of its owner's or controller's id or
    /// name, or its controller's country code. Everything for an empty search.
    fn matching(&self, search: &str) -> Vec<bool> {
        let needle = search.trim().to_ascii_lowercase();
        self.names
            .iter()
            .map(|n| {
                needle.is_empty()
                    || n.name.contains(&needle)
                    || n.owner.is_some_and(|o| {
                        [o.entity, o.controller]
                            .into_iter()
                            .filter_map(db::entity)
                            .any(|e| {
                                contains_ascii_ci(e.id, &needle)
                                    || contains_ascii_ci(e.name, &needle)
                                    || e.country.eq_ignore_ascii_case(&needle)
                            })
                    })
            })
            .collect()
    }

    /// The dashboard's view of the days `from..=to`, restricted to rows matching `search` (see
    /// [`History::matching`]; a matching site keeps all its rows); lists are cut to `limit` rows (most requests
    /// first), totals are not.
    pub fn query(&self, from: u32, to: u32, search: &str, limit: usize) -> Overview {
        let limit = limit.clamp(1, MAX_LIMIT);
        let keep = self.matching(search);
        let Pairs {
            pairs,
            visits,
            days,
        } = self.pairs(from, to, &keep, false);
        let mut totals = OverviewTotals::default();
        // Per entity (dense, indexed by entity): counts, sites, the last site seen, and its slot in the current
        // site's `site_companies`.
        let mut companies: Vec<(Count, u64, u32, usize)> =
            vec![(Count::default(), 0, u32::MAX, 0); db::ENTITIES.len()];
        // Rows with their site's id: the name is copied only into the rows kept.
        let mut sites: Vec<(SiteTotal, u32)> = Vec::new();
        // (requests, site, entity): turned into rows only for the largest `limit`
        let mut flows: Vec<(u64, u32, EntityIndex)> = Vec::new();
        // (country, requests, data, companies, sites)
        let mut jurisdictions: Vec<JurisdictionTotal> = Vec::new();

        for group in pairs.chunk_by(|a, b| a.0 >> 32 == b.0 >> 32) {
            let site_id = group.first().map_or(0, |p| (p.0 >> 32) as u32);
            let Some(site) = self.name(site_id) else {
                continue;
            };
            let controller = site.owner.and_then(|o| db::entity(o.controller));
            let mut row = SiteTotal {
                site: String::new(), // filled in for the rows kept
                controller: controller.map(|c| c.id),
                jurisdiction: controller.map(|c| c.country),
                visits: visits.get(site_id as usize).copied().unwrap_or(0),
                requests: 0,
                third_party_requests: 0,
                companies: 0,
                jurisdictions: Vec::new(),
            };
            // (entity, requests) and (country, requests) of this site
            let mut site_companies: Vec<(EntityIndex, u64)> = Vec::new();
            let mut site_jurisdictions: Vec<(u64, &'static str, u64)> = Vec::new();
            for &(key, (c, _, _)) in group {
                let host = self.name((key & 0xffff_ffff) as u32);
                let owner = host.and_then(|h| h.owner);
                let same_site = host.is_some_and(|h| {
                    (h.name_hash == site.name_hash && h.name == site.name)
                        || (h.domain_hash == site.name_hash
                            && h.domain.as_deref() == Some(site.name.as_str()))
                });
                let same_owner = matches!((site.owner, owner), (Some(a), Some(b)) if a.controller == b.controller);
                let third = !same_site && !same_owner;
                totals.requests = totals.requests.saturating_add(c.requests);
                totals.data_requests = totals.data_requests.saturating_add(c.data);
                row.requests = row.requests.saturating_add(c.requests);
                if third {
                    totals.third_party_requests =
                        totals.third_party_requests.saturating_add(c.requests);
                    row.third_party_requests = row.third_party_requests.saturating_add(c.requests);
                }
                let country = host.and_then(|h| h.country);
                let (Some(o), Some(country)) = (owner, country) else {
                    totals.unattributed_requests =
                        totals.unattributed_requests.saturating_add(c.requests);
                    continue;
                };
                let Some(company) = companies.get_mut(usize::from(o.entity)) else {
                    continue;
                };
                company.0.add(c);
                if company.2 != site_id {
                    company.1 += 1;
                    company.2 = site_id;
                    company.3 = site_companies.len();
                    site_companies.push((o.entity, 0));
                }
                if let Some(sc) = site_companies.get_mut(company.3) {
                    sc.1 = sc.1.saturating_add(c.requests);
                }
                let key = host.map_or(0, |h| h.country_key);
                match site_jurisdictions.iter_mut().find(|j| j.0 == key) {
                    Some(j) => j.2 = j.2.saturating_add(c.requests),
                    None => site_jurisdictions.push((key, country, c.requests)),
                }
            }
            for &(key, country, requests) in &site_jurisdictions {
                let j = match jurisdictions
                    .iter_mut()
                    .position(|j| code_key(j.country) == key)
                {
                    Some(i) => jurisdictions.get_mut(i),
                    None => {
                        jurisdictions.push(JurisdictionTotal {
                            country,
                            ..JurisdictionTotal::default()
                        });
                        jurisdictions.last_mut()
                    }
                };
                if let Some(j) = j {
                    j.requests = j.requests.saturating_add(requests);
                    j.sites += 1;
                }
            }
            flows.extend(
                site_companies
                    .iter()
                    .map(|&(e, requests)| (requests, site_id, e)),
            );
            site_jurisdictions.sort_unstable_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(b.1)));
            row.companies = site_companies.len() as u64;
            row.jurisdictions = site_jurisdictions.into_iter().map(|j| j.1).collect();
            sites.push((row, site_id));
        }

        let mut company_rows: Vec<CompanyTotal> = Vec::new();
        for (e, (c, site_count, _, _)) in companies.into_iter().enumerate() {
            let Ok(e) = EntityIndex::try_from(e) else {
                break;
            };
            if site_count == 0 {
                continue;
            }
            let (Some(company), Some(controller)) =
                (db::entity(e), db::entity(entity::controller(e)))
            else {
                continue;
            };
            if let Some(j) = jurisdictions
                .iter_mut()
                .find(|j| j.country == controller.country)
            {
                j.data_requests = j.data_requests.saturating_add(c.data);
                j.companies += 1;
            }
            company_rows.push(CompanyTotal {
                id: company.id,
                name: company.name,
                country: company.country,
                controller: controller.id,
                controller_name: controller.name,
                jurisdiction: controller.country,
                requests: c.requests,
                data_requests: c.data,
                sites: site_count,
            });
        }
        totals.sites = sites.len() as u64;
        totals.visits = sites.iter().map(|s| s.0.visits).sum();
        totals.companies = company_rows.len() as u64;
        totals.jurisdictions = jurisdictions.len() as u64;

        jurisdictions
            .sort_unstable_by(|a, b| b.requests.cmp(&a.requests).then(a.country.cmp(b.country)));
        company_rows.sort_unstable_by(|a, b| b.requests.cmp(&a.requests).then(a.id.cmp(b.id)));
        company_rows.truncate(limit);
        let site_name = |id: u32| self.name(id).map_or("", |n| n.name.as_str());
        sites.sort_unstable_by(|a, b| {
            b.0.requests
                .cmp(&a.0.requests)
                .then_with(|| site_name(a.1).cmp(site_name(b.1)))
        });
        sites.truncate(limit);
        let sites: Vec<SiteTotal> = sites
            .into_iter()
            .map(|(mut row, id)| {
                row.site = site_name(id).to_string();
                row
            })
            .collect();
        // The largest `limit` flows (by requests, then site and entity ids), without sorting them all.
        let order = |a: &(u64, u32, EntityIndex), b: &(u64, u32, EntityIndex)| {
            b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
        };
        if flows.len() > limit {
            flows.select_nth_unstable_by(limit, order);
            flows.truncate(limit);
        }
        flows.sort_unstable_by(order);
        let flows = flows
            .into_iter()
            .filter_map(|(requests, site, e)| {
                Some(Flow {
                    site: self.name(site)?.name.clone(),
                    company: db::entity(e)?.id,
                    jurisdiction: entity::jurisdiction(e)?,
                    requests,
                })
            })
            .collect();
        Overview {
            totals,
            jurisdictions,
            companies: company_rows,
            sites,
            days,
            flows,
        }
    }

    /// The days `from..=to` as CSV, one row per site × company (hosts of unknown owner as one row per site with an
    /// empty company), for spreadsheets.
    pub fn csv(&self, from: u32, to: u32) -> String {
        let keep = vec![true; self.names.len()];
        let Pairs { pairs, days, .. } = self.pairs(from, to, &keep, true);
        let dates: FastMap<u32, String> = days.iter().map(|d| (d.day, day_string(d.day))).collect();
        let date = |day: u32| dates.get(&day).map_or("", String::as_str);
        let mut out = String::from(
            "first_day,last_day,site,company_id,company,controller,jurisdiction,requests,data_requests,hosts\n",
        );
        for group in pairs.chunk_by(|a, b| a.0 >> 32 == b.0 >> 32) {
            let site_id = group.first().map_or(0, |p| (p.0 >> 32) as u32);
            let site = self.name(site_id).map_or("", |n| n.name.as_str());
            // (entity or None, first day, last day, counts, hosts)
            let mut rows: Vec<CsvRow> = Vec::new();
            for &(key, (c, first, last)) in group {
                let host = self.name((key & 0xffff_ffff) as u32);
                let e = host.and_then(|h| h.owner).map(|o| o.entity);
                let i = match rows.iter().position(|r| r.0 == e) {
                    Some(i) => i,
                    None => {
                        rows.push((e, first, last, Count::default(), Vec::new()));
                        rows.len() - 1
                    }
                };
                if let Some(r) = rows.get_mut(i) {
                    r.1 = r.1.min(first);
                    r.2 = r.2.max(last);
                    r.3.add(c);
                    if let Some(h) = host {
                        r.4.push(&h.name);
                    }
                }
            }
            for (e, first, last, c, hosts) in rows {
                let company = e.and_then(db::entity);
                let controller = e.and_then(|i| db::entity(entity::controller(i)));
                csv_row(
                    &mut out,
                    &[
                        date(first),
                        date(last),
                        site,
                        company.map_or("", |e| e.id),
                        company.map_or("", |e| e.name),
                        controller.map_or("", |c| c.name),
                        controller.map_or("", |c| c.country),
                        &c.requests.to_string(),
                        &c.data.to_string(),
                        &hosts.join(" "),
                    ],
                );
            }
        }
        out
    }
}

/// A CSV row being summed: (entity or none, first day, last day, counts, hosts).
type CsvRow<'a> = (Option<EntityIndex>, u32, u32, Count, Vec<&'a str>);

/// A query's first pass (see [`History::pairs`]).
struct Pairs {
    pairs: Vec<(u64, (Count, u32, u32))>,
    visits: Vec<u64>,
    days: Vec<DayRow>,
}

/// A jurisdiction code (two letters) as a number, compared without a call to `memcmp`; longer codes (none in the
/// database) would share the key of their first 8 bytes.
#[inline(always)]
fn code_key(code: &str) -> u64 {
    code.bytes()
        .take(8)
        .fold(code.len() as u64, |key, b| (key << 8) | u64::from(b))
}

/// Whether `hay` contains the lower-case ASCII `needle`, ignoring ASCII case (no Unicode tables in the wasm).
fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || hay.windows(needle.len()).any(|w| {
            w.iter()
                .zip(needle)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
}

/// The dashboard's answer (see [`History::query`]).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overview {
    pub totals: OverviewTotals,
    /// Every controlling jurisdiction that received requests, most requests first.
    pub jurisdictions: Vec<JurisdictionTotal>,
    pub companies: Vec<CompanyTotal>,
    pub sites: Vec<SiteTotal>,
    /// Days with matching activity, oldest first.
    pub days: Vec<DayRow>,
    /// Site → company → jurisdiction flows, largest first.
    pub flows: Vec<Flow>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct OverviewTotals {
    pub sites: u64,
    pub visits: u64,
    pub requests: u64,
    pub data_requests: u64,
    pub third_party_requests: u64,
    pub unattributed_requests: u64,
    pub companies: u64,
    pub jurisdictions: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct JurisdictionTotal {
    pub country: &'static str,
    pub requests: u64,
    pub data_requests: u64,
    pub companies: u64,
    pub sites: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyTotal {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub controller: &'static str,
    pub controller_name: &'static str,
    pub jurisdiction: &'static str,
    pub requests: u64,
    pub data_requests: u64,
    pub sites: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteTotal {
    pub site: String,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
    pub visits: u64,
    pub requests: u64,
    pub third_party_requests: u64,
    pub companies: u64,
    /// Controlling jurisdictions its requests went to, most requests first.
    pub jurisdictions: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DayRow {
    pub day: u32,
    pub requests: u64,
    pub sites: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    pub site: String,
    pub company: &'static str,
    pub jurisdiction: &'static str,
    pub requests: u64,
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian.
pub fn day_string(day: u32) -> String {
    // Howard Hinnant's civil_from_days.
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Appends one CSV row (RFC 4180 quoting). Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first) are prefixed with `'`.
fn csv_row(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quote = formula || cell.contains([',', '"', '\n', '\r']);
        if quote {
            out.push('"');
        }
        if formula {
            out.push('\'');
        }
        if cell.contains('"') {
            out.push_str(&cell.replace('"', "\"\""));
        } else {
            out.push_str(cell);
        }
        if quote {
            out.push('"');
        }
    }
    out.push('\n');
}

/// A report as CSV, one row per host, for spreadsheets.
pub fn report_csv(report: &Report) -> String {
    let site = report
        .page
        .domain
        .as_deref()
        .or(report.page.host.as_deref())
        .unwrap_or("");
    let mut out = String::from(
        "page,site,host,domain,party,company_id,company,controller,jurisdiction,requests,data_requests\n",
    );
    let name = |id: Option<&str>| {
        id.and_then(db::entity_by_id)
            .and_then(db::entity)
            .map_or("", |e| e.name)
    };
    for h in &report.hosts {
        let party = match h.party {
            crate::report::Party::First => "first",
            crate::report::Party::SameOwner => "same-owner",
            crate::report::Party::Third => "third",
        };
        csv_row(
            &mut out,
            &[
                &report.page.url,
                site,
                &h.host,
                h.domain.as_deref().unwrap_or(""),
                party,
                h.entity.unwrap_or(""),
                name(h.entity),
                name(h.controller),
                h.jurisdiction.unwrap_or(""),
                &h.requests.to_string(),
                &h.data_requests.to_string(),
            ],
        );
    }
    out
}

/// Watchlist entries besides country codes.
pub const WATCH_GROUPS: [&str; 4] = ["outside-eea", "no-adequacy", "five-eyes", "fourteen-eyes"];

/// Whether jurisdiction `code` is on the watchlist: listed itself, or member of a listed group (`outside-eea`: not
/// in the EU/EEA; `no-adequacy`: no EU adequacy decision, EEA excluded; `five-eyes`, `fourteen-eyes`).
pub fn watched(watchlist: &[String], code: &str) -> bool {
    let rec = db::jurisdiction(code);
    let groups = rec.map_or(&[][..], |j| j.groups);
    let adequacy = rec.and_then(|j| j.eu_adequacy);
    watchlist.iter().any(|w| match w.as_str() {
        "outside-eea" => !groups.contains(&"eea"),
        "no-adequacy" => !matches!(adequacy, Some("eu-eea" | "full" | "partial")),
        "five-eyes" | "fourteen-eyes" => groups.contains(&w.as_str()),
        other => other.eq_ignore_ascii_case(code),
    })
}

/// The jurisdictions (codes, in the order given: a report's, most requests first) that are on the watchlist.
pub fn watched_in(
    codes: impl IntoIterator<Item = &'static str>,
    watchlist: &[String],
) -> Vec<&'static str> {
    codes
        .into_iter()
        .filter(|code| watched(watchlist, code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Request, Visit};

    fn visit(page: &str, requests: &[(&str, &str, &str)]) -> Visit {
        let mut v = Visit::new(page);
        for (url, type_name, method) in requests {
            v.record(&Request {
                url,
                type_name,
                method,
                ip: None,
            });
        }
        v
    }

    const PAGE: &str = "https://www.news.example/a";

    #[test]
    fn records_only_the_growth_of_a_visit_and_counts_visits() {
        let mut h = History::new();
        let mut v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://www.google-analytics.com/g/collect", "ping", "POST"),
            ],
        );
        assert!(h.record(1, 1, &v.report(), 100));
        assert!(!h.record(1, 1, &v.report(), 100), "nothing new");
        v.record(&Request {
            url: "https://www.google-analytics.com/g/collect",
            type_name: "ping",
            method: "POST",
            ip: None,
        });
        assert!(h.record(1, 1, &v.report(), 100));
        let o = h.query(100, 100, "", 10);
        assert_eq!(o.totals.visits, 1);
        assert_eq!(o.totals.requests, 3);
        assert_eq!(o.totals.data_requests, 2);
        assert_eq!(o.totals.third_party_requests, 2);
        assert_eq!(o.jurisdictions.first().map(|j| j.country), Some("US"));
        assert_eq!(
            o.sites.first().map(|s| s.site.as_str()),
            Some("news.example")
        );
        assert_eq!(o.companies.first().map(|c| c.id), Some("google"));
        assert_eq!(o.flows.first().map(|f| f.company), Some("google"));
        // A visit that moves to another tab id (Chrome's prerendering) is not counted again.
        h.move_tab(1, 9);
        assert!(!h.record(9, 1, &v.report(), 100));
        h.move_tab(9, 1);
        // A new visit (next seq) of the same site counts again from zero.
        let v2 = visit(PAGE, &[(PAGE, "main_frame", "GET")]);
        assert!(h.record(1, 2, &v2.report(), 100));
        let o = h.query(100, 100, "", 10);
        assert_eq!(o.totals.visits, 2);
        assert_eq!(o.totals.requests, 4);
        assert_eq!(o.days.len(), 1);
    }

    #[test]
    fn pages_without_host_are_not_recorded() {
        let mut h = History::new();
        let v = visit(
            "about:blank",
            &[("https://www.google-analytics.com/x", "script", "GET")],
        );
        assert!(!h.record(1, 1, &v.report(), 5));
        assert!(h.days().is_empty());
    }

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

    /// A day in the first stored format (JSON, version 1), as the extension wrote it before version 2.
    fn export_day_v1(h: &History, day: u32) -> String {
        let Some(sites) = h.days.iter().find(|d| d.0 == day).map(|d| &d.1) else {
            panic!("day missing")
        };
        let mut table = Table::default();
        let sites = sites
            .iter()
            .map(|s| {
                let site = table.add(h, s.site) as u32;
                let flat = table.flat(h, &s.hosts);
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

    /// A history of a few sites with many hosts over `days` days, some on the same domain.
    fn busy_history(days: u32) -> History {
        let mut h = History::new();
        let mut seq = 0;
        for day in 100..100 + days {
            for site in 0..12u32 {
                let page = format!("https://www.site{site}.example/");
                let mut requests = vec![(page.clone(), "main_frame", "GET")];
                for k in 0..(20 + site * 7 + day % 5) {
                    let host = match k % 4 {
                        0 => format!("https://t{}.doubleclick.net/x", k % 9),
                        1 => format!("https://cdn{k}.unknown-{}.example/x", k % 13),
                        2 => "https://mc.yandex.ru/watch/1".to_string(),
                        _ => format!("https://s{k}.site{site}.example/x"),
                    };
                    let method = if k % 3 == 0 { "POST" } else { "GET" };
                    requests.push((host, "xmlhttprequest", method));
                }
                let refs: Vec<(&str, &str, &str)> = requests
                    .iter()
                    .map(|(u, t, m)| (u.as_str(), *t, *m))
                    .collect();
                seq += 1;
                h.record(i64::from(site % 3), seq, &visit(&page, &refs).report(), day);
            }
        }
        h
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
            assert!(v2.starts_with("2 "), "{v2}");
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
            // Rows and their hosts are in the order names were first seen: compare them as sets.
            let rows = |h: &History| {
                let mut rows: Vec<String> = h
                    .csv(day, day)
                    .lines()
                    .map(|row| {
                        let (head, hosts) = row.rsplit_once(',').unwrap_or((row, ""));
                        let mut hosts: Vec<&str> = hosts.split(' ').collect();
                        hosts.sort_unstable();
                        format!("{head},{}", hosts.join(" "))
                    })
                    .collect();
                rows.sort();
                rows
            };
            assert_eq!(rows(&old), rows(&h));
            assert_eq!(rows(&new), rows(&h));
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
        let text = "2 20000\n0/news.example c/www. 0/mc.yandex.ru a/an\n0.1 1.1 1.2.1 1.1";
        assert_eq!(h.export_day(20_000).as_deref(), Some(text));
        let mut back = History::new();
        assert_eq!(back.import_day(text), Ok(20_000));
        let o = back.query(20_000, 20_000, "", 10);
        assert_eq!((o.totals.requests, o.totals.data_requests), (4, 1));
        // Large counts, other requests, and a day without sites.
        let mut big = History::new();
        let text = "2 7\n0/a.example 8/b\n0.zz.5.1 0.3w5e11264sgsf.1 1.1\n1.1";
        assert_eq!(big.import_day(text), Ok(7));
        assert_eq!(big.export_day(7).as_deref(), Some(text));
        let o = big.query(7, 7, "", 10);
        assert_eq!(
            (o.totals.requests, o.totals.visits),
            (u64::MAX, 36 * 36 - 1)
        );
        assert_eq!(big.import_day("2 8\n"), Ok(8));
        assert_eq!(big.export_day(8), Some("2 8\n".to_string()));
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
                r"(\n[0-9a-z]{1,2}(\.[0-9a-z]{1,3}){1,3}( [0-9a-z]{1,2}(\.[0-9a-z]{1,3}){1,2}){0,4}){0,3}"
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
            "2 1\n0/a.example\n0.1 0.1.2.3",
            "2 1\n0/a.example\n0.1 0.A",
            "2 1\n0/a.example\n0.1 0.zzzzzzzzzzzzzz",
            "2 1\n0/a.example\n0.1 0.-1",
            "2 1\n0/a.example\n0.1 .1",
        ] {
            assert!(h.import_day(bad).is_err(), "{bad}");
            assert!(h.import_open(bad).is_err(), "{bad}");
        }
        assert!(h.days().is_empty());
    }

    #[test]
    fn search_prune_and_csv() {
        let mut h = History::new();
        let v = visit(
            PAGE,
            &[
                (PAGE, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
                ("https://www.google-analytics.com/collect", "ping", "GET"),
            ],
        );
        h.record(1, 1, &v.report(), 10);
        h.record(2, 1, &v.report(), 11);
        let o = h.query(0, 100, "YANDEX", 10);
        assert_eq!(o.totals.requests, 2);
        assert_eq!(o.jurisdictions.len(), 1);
        assert_eq!(o.jurisdictions.first().map(|j| j.country), Some("RU"));
        assert_eq!(h.query(0, 100, "ru", 10).totals.requests, 2, "by country");
        assert_eq!(h.query(0, 100, "news.example", 10).totals.requests, 6);
        assert_eq!(h.query(0, 100, "nothing-like-this", 10).totals.requests, 0);
        assert_eq!(h.query(11, 11, "", 10).days.len(), 1);
        let csv = h.csv(0, 100);
        assert!(csv.starts_with("first_day,last_day,site,"));
        assert!(
            csv.contains("1970-01-11,1970-01-12,news.example,yandex,"),
            "{csv}"
        );
        assert!(csv.contains(",,,,,2,0,www.news.example\n"), "{csv}");
        h.record(3, 1, &v.report(), 5);
        assert_eq!(h.days(), vec![5, 10, 11], "days stay sorted");
        assert_eq!(h.query(0, 9, "", 10).totals.requests, 3);
        h.prune(11);
        assert_eq!(h.days(), vec![11]);
    }

    #[test]
    fn report_csv_quotes_and_defuses_formulas() {
        let v = visit(
            "https://www.news.example/?q=a,b",
            &[("https://www.news.example/?q=a,b", "main_frame", "GET")],
        );
        let csv = report_csv(&v.report());
        assert!(
            csv.contains("\"https://www.news.example/?q=a,b\",news.example,www.news.example"),
            "{csv}"
        );
        let mut out = String::new();
        csv_row(&mut out, &["=1+1", "a\"b", "-x"]);
        assert_eq!(out, "\"'=1+1\",\"a\"\"b\",\"'-x\"\n");
    }

    #[test]
    fn days_are_dates() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(20_420), "2025-11-28");
        assert_eq!(day_string(11_016), "2000-02-29");
    }

    #[test]
    fn ascii_case_insensitive_search() {
        assert!(contains_ascii_ci("Google LLC", "google"));
        assert!(contains_ascii_ci("ByteDance Ltd.", "dance"));
        assert!(!contains_ascii_ci("Goo", "google"));
    }

    #[test]
    fn watchlist_groups_and_countries() {
        let w = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        assert!(watched(&w(&["CN"]), "CN"));
        assert!(!watched(&w(&["CN"]), "US"));
        assert!(watched(&w(&["outside-eea"]), "US"));
        assert!(!watched(&w(&["outside-eea"]), "DE"));
        assert!(watched(&w(&["no-adequacy"]), "CN"));
        assert!(!watched(&w(&["no-adequacy"]), "JP"));
        assert!(!watched(&w(&["no-adequacy"]), "FR"));
        assert!(watched(&w(&["five-eyes"]), "GB"));
        assert!(!watched(&[], "CN"));
    }
}
