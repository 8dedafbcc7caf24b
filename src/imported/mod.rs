//! The person's own imported lists (Disconnect's `entities.json`, DuckDuckGo's `tds.json`, a Ghostery TrackerDB
//! export, a `domain,owner,country` CSV): parsing and validating a file, the compact stored form, and the lookup
//! consulted only for hosts that Whither's own data does not know (docs/imported-lists.md).

use crate::host::{self, HostKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// Most domains of one list.
pub const MAX_DOMAINS: usize = 200_000;
/// Most characters of an owner's or a list's name (longer ones are an error).
pub const MAX_NAME_CHARS: usize = 200;
/// Most lists loaded at once.
pub const MAX_LISTS: usize = 8;
/// Deepest JSON nesting accepted (serde_json's own limit, 128, is checked beyond this).
pub const MAX_JSON_DEPTH: usize = 32;

/// The first line of the compact stored form.
const COMPACT_MAGIC: &str = "whither-list\t1";

/// An imported list's answer for one host, as reports show it (`imported` of a host row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The list's name ("Disconnect", or the CSV's file name).
    pub list: String,
    /// The list's licence label ("CC BY-NC-SA 4.0"; "licence not stated" for a CSV).
    pub licence: String,
    /// The owner's name, as the list gives it.
    pub owner: String,
    /// The owner's country as the list states it (ISO 3166-1 alpha-2), if it does: never Whither's jurisdiction.
    pub country: Option<String>,
}

/// One validated list: its label, its owners and its domains (sorted, each with its owner's index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub format: &'static str,
    pub name: String,
    pub licence: String,
    owners: Vec<(String, Option<String>)>,
    domains: Vec<(String, u32)>,
}

/// What the options page shows of a list just parsed, with its compact stored form.
#[derive(Clone, Debug, Serialize)]
pub struct Imported {
    pub format: &'static str,
    pub name: String,
    pub licence: String,
    pub domains: usize,
    pub owners: usize,
    pub compact: String,
}

impl List {
    pub fn domain_count(&self) -> usize {
        self.domains.len()
    }

    pub fn owner_count(&self) -> usize {
        self.owners.len()
    }

    /// The owner of `host` (a normalised host name) by this list: the host or its nearest listed parent domain.
    pub fn lookup(&self, host: &str) -> Option<Answer> {
        let mut name = host;
        loop {
            if let Ok(i) = self.domains.binary_search_by(|(d, _)| d.as_str().cmp(name)) {
                let owner = self.domains.get(i).map(|(_, o)| *o as usize)?;
                let (owner, country) = self.owners.get(owner)?;
                return Some(Answer {
                    list: self.name.clone(),
                    licence: self.licence.clone(),
                    owner: owner.clone(),
                    country: country.clone(),
                });
            }
            name = name.split_once('.')?.1;
            if !name.contains('.') {
                return None;
            }
        }
    }

    /// The compact stored form (storage.local, docs/imported-lists.md): a header line, the label, the owners (name,
    /// country) and after an empty line the sorted domains with their owner's index, tab-separated.
    pub fn to_compact(&self) -> String {
        let mut out = format!(
            "{COMPACT_MAGIC}\n{}\t{}\t{}\n",
            self.format, self.name, self.licence
        );
        for (name, country) in &self.owners {
            out.push_str(name);
            out.push('\t');
            out.push_str(country.as_deref().unwrap_or(""));
            out.push('\n');
        }
        out.push('\n');
        for (domain, owner) in &self.domains {
            out.push_str(domain);
            out.push('\t');
            out.push_str(&owner.to_string());
            out.push('\n');
        }
        out
    }

    /// Reads the compact stored form back, validating all of it (storage can hold anything).
    pub fn from_compact(text: &str) -> Result<List, String> {
        let bad = |what: &str| Err(format!("malformed stored list: {what}"));
        if text.len() > 2 * MAX_FILE_BYTES {
            return bad("too long");
        }
        let mut lines = text.lines();
        if lines.next() != Some(COMPACT_MAGIC) {
            return bad("not a stored list");
        }
        let mut head = lines.next().unwrap_or("").split('\t');
        let format = match head.next() {
            Some("disconnect") => "disconnect",
            Some("duckduckgo") => "duckduckgo",
            Some("ghostery") => "ghostery",
            Some("csv") => "csv",
            _ => return bad("unknown format"),
        };
        let name = clean_name(head.next().unwrap_or("")).ok_or("malformed stored list: name")?;
        let licence =
            clean_name(head.next().unwrap_or("")).ok_or("malformed stored list: licence")?;
        let mut owners = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            let (owner, country) = line.split_once('\t').unwrap_or((line, ""));
            let owner = clean_name(owner).ok_or("malformed stored list: owner")?;
            owners.push((owner, country_code(country)?));
            if owners.len() > MAX_DOMAINS {
                return bad("too many owners");
            }
        }
        let mut domains: Vec<(String, u32)> = Vec::new();
        for line in lines {
            let (domain, owner) = line
                .split_once('\t')
                .ok_or("malformed stored list: domain")?;
            let owner: u32 = owner.parse().map_err(|_| "malformed stored list: index")?;
            if owner as usize >= owners.len() || !plain_domain(domain) {
                return bad("domain entry");
            }
            if domains.last().is_some_and(|(d, _)| d.as_str() >= domain) {
                return bad("domains out of order");
            }
            if domains.len() >= MAX_DOMAINS {
                return bad("too many domains");
            }
            domains.push((domain.to_string(), owner));
        }
        if domains.is_empty() {
            return bad("no domains");
        }
        Ok(List {
            format,
            name,
            licence,
            owners,
            domains,
        })
    }
}

/// The lists loaded in the background, in the order imported: the first that knows a host answers.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    lists: Vec<List>,
}

impl Lists {
    /// Loads stored lists (their compact forms); any malformed one is an error and nothing is loaded.
    pub fn from_compacts<S: AsRef<str>>(stored: &[S]) -> Result<Lists, String> {
        if stored.len() > MAX_LISTS {
            return Err(format!("more than {MAX_LISTS} imported lists"));
        }
        let lists = stored
            .iter()
            .map(|s| List::from_compact(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Lists { lists })
    }

    pub fn len(&self) -> usize {
        self.lists.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The first list's answer for `host`. Callers ask only for hosts that Whither's own data does not know.
    pub fn lookup(&self, host: &str) -> Option<Answer> {
        self.lists.iter().find_map(|l| l.lookup(host))
    }
}

/// Parses and validates a file the person chose (`file_name` labels a CSV). Any error leaves nothing behind.
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<List, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is larger than {} MB",
            MAX_FILE_BYTES >> 20
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err("the file is empty".to_string());
    }
    let mut b = Builder::default();
    if trimmed.starts_with(['{', '[']) {
        json(trimmed, &mut b)?;
    } else {
        let name = clean_name(file_name.rsplit(['/', '\\']).next().unwrap_or(""))
            .unwrap_or_else(|| "CSV list".to_string());
        b.label("csv", name, "licence not stated");
        csv(text, &mut b)?;
    }
    b.finish()
}

/// Parses a file and returns what the options page stores and shows.
pub fn import(file_name: &str, bytes: &[u8]) -> Result<Imported, String> {
    let list = parse(file_name, bytes)?;
    Ok(Imported {
        format: list.format,
        name: list.name.clone(),
        licence: list.licence.clone(),
        domains: list.domain_count(),
        owners: list.owner_count(),
        compact: list.to_compact(),
    })
}

#[derive(Default)]
struct Builder {
    format: &'static str,
    name: String,
    licence: String,
    owners: BTreeMap<(String, Option<String>), u32>,
    owner_list: Vec<(String, Option<String>)>,
    domains: BTreeMap<String, u32>,
}

impl Builder {
    fn label(&mut self, format: &'static str, name: String, licence: &str) {
        self.format = format;
        self.name = name;
        self.licence = licence.to_string();
    }

    /// Adds `domain` owned by `owner`; the first owner given for a domain stays.
    fn add(&mut self, domain: &str, owner: &str, country: Option<&str>) -> Result<(), String> {
        let domain = valid_domain(domain)?;
        let owner = clean_name(owner).ok_or_else(|| format!("{domain}: no valid owner name"))?;
        let country = match country {
            Some(c) => country_code(c).map_err(|e| format!("{owner}: {e}"))?,
            None => None,
        };
        if self.domains.contains_key(&domain) {
            return Ok(());
        }
        if self.domains.len() >= MAX_DOMAINS {
            return Err(format!("more than {MAX_DOMAINS} domains"));
        }
        let next = self.owner_list.len() as u32;
        let key = (owner, country);
        let index = *self.owners.entry(key.clone()).or_insert(next);
        if index == next {
            self.owner_list.push(key);
        }
        self.domains.insert(domain, index);
        Ok(())
    }

    fn finish(self) -> Result<List, String> {
        if self.domains.is_empty() {
            return Err("the file lists no domain".to_string());
        }
        Ok(List {
            format: self.format,
            name: self.name,
            licence: self.licence,
            owners: self.owner_list,
            domains: self.domains.into_iter().collect(),
        })
    }
}

/// The JSON formats' fields that are read (everything else is ignored; wrong types are errors).
#[derive(Deserialize)]
struct JsonFile {
    #[serde(default)]
    entities: Option<BTreeMap<String, JsonEntity>>,
    #[serde(default)]
    trackers: Option<BTreeMap<String, DdgTracker>>,
    #[serde(default)]
    domains: Option<BTreeMap<String, String>>,
    #[serde(default)]
    organizations: Option<BTreeMap<String, GhosteryOrg>>,
    #[serde(default)]
    patterns: Option<BTreeMap<String, GhosteryPattern>>,
}

/// An entity of Disconnect (`properties`, `resources`) or of DuckDuckGo (`domains`, `displayName`).
#[derive(Deserialize)]
struct JsonEntity {
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    resources: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default, rename = "displayName")]
    display_name: Option<String>,
}

/// A tracker of DuckDuckGo (`owner`) or, in a Ghostery export that names them `trackers`, a pattern.
#[derive(Deserialize)]
struct DdgTracker {
    #[serde(default)]
    owner: Option<DdgOwner>,
    #[serde(default)]
    organization: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
}

#[derive(Deserialize)]
struct DdgOwner {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "displayName")]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct GhosteryOrg {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    country: Option<String>,
}

#[derive(Deserialize)]
struct GhosteryPattern {
    #[serde(default)]
    organization: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
}

/// The deepest nesting of `[`/`{` outside strings, stopping early beyond `limit`.
fn json_depth(text: &str, limit: usize) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
                if max > limit {
                    return max;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn json(text: &str, b: &mut Builder) -> Result<(), String> {
    if json_depth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH {
        return Err(format!(
            "the JSON is nested deeper than {MAX_JSON_DEPTH} levels"
        ));
    }
    if !text.starts_with('{') {
        return Err("not a list this can read: the JSON is not an object".to_string());
    }
    let file: JsonFile =
        serde_json::from_str(text).map_err(|e| format!("not a list this can read: {e}"))?;
    if let Some(orgs) = &file.organizations {
        // Ghostery TrackerDB: organizations by id, patterns (or trackers) naming their organization's id.
        b.label(
            "ghostery",
            "Ghostery TrackerDB".to_string(),
            // The licence of Ghostery's TrackerDB repository (the project's guide lists the tracker lists' licences
            // as CC BY-NC-SA for Disconnect's and DuckDuckGo's, PolyForm for Ghostery's).
            "PolyForm licence",
        );
        let patterns: Vec<(Option<&str>, &[String])> = match (&file.patterns, &file.trackers) {
            (Some(p), _) => p
                .values()
                .map(|p| (p.organization.as_deref(), &p.domains[..]))
                .collect(),
            (None, Some(t)) => t
                .values()
                .map(|t| (t.organization.as_deref(), &t.domains[..]))
                .collect(),
            (None, None) => {
                return Err("a Ghostery export without \"patterns\" or \"trackers\"".into())
            }
        };
        for (org, domains) in patterns {
            let Some(org) = org.and_then(|id| orgs.get(id)) else {
                continue; // a pattern without an organization names no owner
            };
            let name = org.name.as_deref().unwrap_or("");
            let country = org.country.as_deref().filter(|c| !c.is_empty());
            for d in domains {
                b.add(d, name, country)?;
            }
        }
    } else if file.trackers.is_some() || file.domains.is_some() {
        // DuckDuckGo's tds.json: entities with their domains, the domain → entity map, trackers with their owner.
        b.label(
            "duckduckgo",
            "DuckDuckGo Tracker Radar".to_string(),
            "CC BY-NC-SA 4.0",
        );
        let entities = file.entities.unwrap_or_default();
        let display = |name: &str| {
            entities
                .get(name)
                .and_then(|e| e.display_name.clone())
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| name.to_string())
        };
        for (name, e) in &entities {
            for d in &e.domains {
                b.add(d, &display(name), None)?;
            }
        }
        for (d, name) in file.domains.iter().flatten() {
            b.add(d, &display(name), None)?;
        }
        for (d, t) in file.trackers.iter().flatten() {
            if let Some(owner) = &t.owner {
                let name = owner.display_name.as_deref().or(owner.name.as_deref());
                if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                    b.add(d, name, None)?;
                }
            }
        }
    } else if let Some(entities) = &file.entities {
        // Disconnect's entities.json: each company with its properties and resources.
        b.label("disconnect", "Disconnect".to_string(), "CC BY-NC-SA 4.0");
        for (name, e) in entities {
            for d in e.properties.iter().chain(&e.resources) {
                b.add(d, name, None)?;
            }
        }
    } else {
        return Err(
            "not a list this can read: no \"entities\", \"trackers\" or \"organizations\""
                .to_string(),
        );
    }
    Ok(())
}

/// `domain,owner,country` lines (RFC 4180 quoting; a header line starting with `domain` is skipped; `#` lines are
/// comments; the country may be empty or missing).
fn csv(text: &str, b: &mut Builder) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |n: usize| record.get(n).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if i == 0 && field(0).eq_ignore_ascii_case("domain") {
            continue;
        }
        if record.len() > 3 {
            return Err(format!(
                "line {line}: more than 3 fields (domain,owner,country)"
            ));
        }
        let country = Some(field(2)).filter(|c| !c.is_empty());
        b.add(field(0), field(1), country)
            .map_err(|e| format!("line {line}: {e}"))?;
    }
    Ok(())
}

/// A name without control characters, trimmed, 1 to [`MAX_NAME_CHARS`] characters.
fn clean_name(name: &str) -> Option<String> {
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME_CHARS).then(|| name.to_string())
}

/// An empty country or an ISO 3166-1 alpha-2 code (either case) in upper case.
fn country_code(c: &str) -> Result<Option<String>, String> {
    let c = c.trim();
    if c.is_empty() {
        return Ok(None);
    }
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(Some(c.to_ascii_uppercase()))
    } else {
        Err(format!(
            "country {:?} is not an ISO 3166-1 alpha-2 code",
            c.chars().take(20).collect::<String>()
        ))
    }
}

/// A listed domain, normalised (`Example.COM.` → `example.com`): a DNS name below a public suffix.
fn valid_domain(d: &str) -> Result<String, String> {
    let shown = || d.chars().take(80).collect::<String>();
    let d = d.trim();
    if d.is_empty() || d.len() > 253 || d.contains(['/', ':', '@', '?', '#', ' ', '*']) {
        return Err(format!("{:?} is not a domain", shown()));
    }
    match host::parse(d) {
        Ok(h) if h.kind == HostKind::Domain && h.domain.is_some() && plain_domain(&h.name) => {
            Ok(h.name)
        }
        _ => Err(format!("{:?} is not a domain", shown())),
    }
}

/// The stored form's domains: lower-case ASCII labels of letters, digits, `-` and `_`, at least two.
fn plain_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests;
