//! Reading and validating `data/` (entity files and jurisdictions): shared by `build.rs`, which compiles the result
//! into static tables, and by the data lint tests, which check the same rules and more.
//!
//! Everything here runs at build time or in tests, never in the shipped binary.

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The core's own host module, so that the data is checked with exactly the rules the lookup uses.
#[path = "../src/host.rs"]
mod host;
#[path = "iso3166.rs"]
mod iso3166;
pub use iso3166::is_iso3166_alpha2;

pub const KINDS: &[&str] = &[
    "company",
    "state-body",
    "non-profit",
    "cooperative",
    "individual",
    "group",
    "fund",
];
pub const CONTROLS: &[&str] = &["wholly-owned", "majority", "controlling", "minority"];
pub const EVENTS: &[&str] = &[
    "acquisition",
    "divestment",
    "merger",
    "rename",
    "seat-move",
    "spin-off",
    "joint-venture",
    "ipo",
    "founded",
    "other",
];
pub const CATEGORIES: &[&str] = &[
    "advertising",
    "analytics",
    "tag-management",
    "social",
    "cdn",
    "cloud-hosting",
    "fonts",
    "video",
    "audio",
    "consent",
    "customer-support",
    "payments",
    "session-replay",
    "captcha",
    "maps",
    "search",
    "news",
    "e-commerce",
    "email",
    "marketing",
    "identity",
    "data-broker",
    "ad-fraud",
    "embedded-content",
    "comments",
    "security",
    "hosting",
    "software",
    "telecom",
    "media",
    "gaming",
    "education",
    "government",
    "finance",
    "travel",
    "dating",
    "adult",
    "other",
];
/// Fields whose claim an entity may mark as not yet verified against a public reference (`unverified = [...]`).
pub const VERIFIABLE: &[&str] = &[
    "name",
    "country",
    "legal_seat",
    "state_owned",
    "parent",
    "owners",
    "domains",
    "privacy",
];
pub const GROUPS: &[&str] = &["eu", "eea", "five-eyes", "nine-eyes", "fourteen-eyes"];
pub const ADEQUACY: &[&str] = &["eu-eea", "full", "partial", "none"];

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Parent {
    pub id: String,
    pub control: String,
    pub since: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub id: Option<String>,
    pub name: Option<String>,
    pub stake: Option<f64>,
    pub control: Option<String>,
    pub since: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub date: String,
    pub event: String,
    pub text: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub url: String,
    pub title: Option<String>,
    pub date: Option<String>,
    #[serde(default)]
    pub supports: Vec<String>,
}

/// A GDPR Art. 27 representative in the EU/EEA (or the UK's equivalent) of a controller established outside it.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub web_form: Option<String>,
}

/// Where a person sends a data-access request (GDPR Art. 15, CCPA, PIPL Art. 45, LGPD Art. 18, ...).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// The legal entity that answers requests, when it is not the entity itself (e.g. "Google Ireland Limited").
    pub controller_name: Option<String>,
    pub email: Option<String>,
    /// Postal address, one line per address line.
    pub address: Option<String>,
    pub web_form: Option<String>,
    pub phone: Option<String>,
    pub dpo_email: Option<String>,
    pub dpo_address: Option<String>,
    pub eu_representative: Option<Representative>,
    pub uk_representative: Option<Representative>,
    pub as_of: String,
    #[serde(default)]
    pub references: Vec<Reference>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: String,
    pub country: String,
    pub legal_seat: String,
    pub state_owned: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub domain_categories: BTreeMap<String, Vec<String>>,
    pub website: Option<String>,
    pub privacy_policy: Option<String>,
    pub as_of: String,
    pub notes: Option<String>,
    pub parent: Option<Parent>,
    #[serde(default)]
    pub owners: Vec<Owner>,
    #[serde(default)]
    pub history: Vec<History>,
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Claims not yet verified against a public reference (values from [`VERIFIABLE`]).
    #[serde(default)]
    pub unverified: Vec<String>,
    pub privacy: Option<Privacy>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Law {
    pub name: String,
    pub year: Option<u16>,
    pub summary: String,
    pub reference: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    pub eu_adequacy: Option<String>,
    pub adequacy_decision: Option<String>,
    pub adequacy_date: Option<String>,
    #[serde(default)]
    pub laws: Vec<Law>,
}

/// The whole database, validated: entities sorted by id, with computed controller and chain.
pub struct Database {
    pub entities: Vec<Entity>,
    /// For each entity (same order): indices from the entity itself to its ultimate controller.
    pub chains: Vec<Vec<usize>>,
    /// Every claimed domain or host → (entity index, categories override).
    pub domains: BTreeMap<String, (usize, Vec<String>)>,
    pub jurisdictions: BTreeMap<String, Jurisdiction>,
    /// Every file that was read (for `cargo:rerun-if-changed`).
    pub files: Vec<PathBuf>,
}

/// Whether a `parent.control` value means that the parent controls the child (and is followed).
pub fn is_controlling(control: &str) -> bool {
    matches!(control, "wholly-owned" | "majority" | "controlling")
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with plausible ranges.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        p.len() == len
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    match parts.as_slice() {
        [y] => num(y, 4, 1800, 2100),
        [y, m] => num(y, 4, 1800, 2100) && num(m, 2, 1, 12),
        [y, m, d] => num(y, 4, 1800, 2100) && num(m, 2, 1, 12) && num(d, 2, 1, 31),
        _ => false,
    }
}

/// A country code `CC` or a country with subdivision `CC-SUB` (ISO 3166-2 style).
pub fn country_of_seat(seat: &str) -> Option<&str> {
    let (cc, sub) = match seat.split_once('-') {
        Some((cc, sub)) => (cc, Some(sub)),
        None => (seat, None),
    };
    let sub_ok = sub.is_none_or(|s| {
        (1..=3).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    (sub_ok && is_iso3166_alpha2(cc)).then_some(cc)
}

pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `d` may be listed in `domains`: lower-case, no scheme/port/path, and a registrable domain or a host below
/// one (never a public suffix itself, never an IP).
pub fn domain_problem(d: &str) -> Option<String> {
    if d.is_empty() || d.len() > 253 {
        return Some("empty or longer than 253 characters".into());
    }
    if d != d.trim() || d.ends_with('.') || d.starts_with('.') || d.contains("..") {
        return Some("stray whitespace or dots".into());
    }
    if !d.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'_'
    }) {
        return Some("only lower-case a-z, 0-9, '-', '_' and '.' (use punycode for IDNs)".into());
    }
    if d.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("an IP address, not a domain".into());
    }
    // ICANN public suffixes (`com`, `co.uk`) belong to nobody; private-section ones (`cloudfront.net`) are owned.
    if !host::is_listable(d) {
        return Some(
            "an ICANN public suffix (not a registrable domain nor a host below one)".into(),
        );
    }
    None
}

/// A plain e-mail address (`local@domain.tld`, no spaces, quotes, lists or URL syntax): what a `mailto:` link may carry
/// without surprises.
pub fn is_plain_email(e: &str) -> bool {
    let parts: Vec<&str> = e.split('@').collect();
    parts.len() == 2
        && !parts[0].is_empty()
        && parts[1].contains('.')
        && !e.contains(char::is_whitespace)
        && !e.contains(['<', '>', '"', ',', ';', '?', '&', '%', '#', '/'])
}

/// Problems of an entity's `[privacy]` contact: at least one way to reach it, well-formed addresses and dates.
fn privacy_problems(at: &str, p: &Privacy) -> Vec<String> {
    let mut errors = Vec::new();
    if p.email.is_none() && p.web_form.is_none() && p.address.is_none() {
        errors.push(format!(
            "{at}: [privacy] needs an email, a web_form or an address"
        ));
    }
    let email_ok = is_plain_email;
    let reps = [&p.eu_representative, &p.uk_representative];
    let emails = [p.email.as_deref(), p.dpo_email.as_deref()]
        .into_iter()
        .flatten()
        .chain(reps.iter().filter_map(|r| r.as_ref()?.email.as_deref()));
    for e in emails {
        if !email_ok(e) {
            errors.push(format!(
                "{at}: [privacy] {e:?} is not a plain e-mail address"
            ));
        }
    }
    let forms = [&p.web_form]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(reps.iter().filter_map(|r| r.as_ref()?.web_form.as_deref()));
    for f in forms {
        if !f.starts_with("https://") && !f.starts_with("http://") {
            errors.push(format!(
                "{at}: [privacy] web form {f:?} is not an http(s) URL"
            ));
        }
    }
    if !is_date(&p.as_of) {
        errors.push(format!(
            "{at}: [privacy] as_of {:?} is not YYYY[-MM[-DD]]",
            p.as_of
        ));
    }
    if p.references.is_empty() {
        errors.push(format!(
            "{at}: [privacy] has no [[privacy.references]] (e.g. the privacy policy, or the Datenanfragen record)"
        ));
    }
    for r in &p.references {
        if !r.url.starts_with("https://") && !r.url.starts_with("http://") {
            errors.push(format!(
                "{at}: [privacy] reference {:?} is not an http(s) URL",
                r.url
            ));
        }
    }
    errors
}

pub fn load_toml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))
}

/// Reads and validates the database under `dir` (the `data/` folder). Returns every problem found, not just the
/// first, so that one build run shows them all.
pub fn load(dir: &Path) -> Result<Database, Vec<String>> {
    let mut errors = Vec::new();
    let mut files = Vec::new();

    let jur_path = dir.join("jurisdictions.toml");
    files.push(jur_path.clone());
    let jurisdictions: BTreeMap<String, Jurisdiction> = match load_toml(&jur_path) {
        Ok(j) => j,
        Err(e) => {
            errors.push(e);
            BTreeMap::new()
        }
    };
    for (code, j) in &jurisdictions {
        let at = format!("data/jurisdictions.toml [{code}]");
        if !is_iso3166_alpha2(code) {
            errors.push(format!("{at}: not an ISO 3166-1 alpha-2 code"));
        }
        if j.name.trim().is_empty() {
            errors.push(format!("{at}: empty name"));
        }
        for g in &j.groups {
            if !GROUPS.contains(&g.as_str()) {
                errors.push(format!("{at}: unknown group {g:?} (one of {GROUPS:?})"));
            }
        }
        if let Some(a) = &j.eu_adequacy {
            if !ADEQUACY.contains(&a.as_str()) {
                errors.push(format!(
                    "{at}: unknown eu_adequacy {a:?} (one of {ADEQUACY:?})"
                ));
            }
        }
        if let Some(d) = &j.adequacy_date {
            if !is_date(d) {
                errors.push(format!("{at}: adequacy_date {d:?} is not YYYY[-MM[-DD]]"));
            }
        }
        for law in &j.laws {
            if law.name.trim().is_empty() || law.summary.trim().is_empty() {
                errors.push(format!("{at}: a law without name or summary"));
            }
            if !law.reference.starts_with("https://") && !law.reference.starts_with("http://") {
                errors.push(format!("{at}: law {:?} has no reference URL", law.name));
            }
        }
    }

    let entity_dir = dir.join("entities");
    let mut paths: Vec<PathBuf> = match fs::read_dir(&entity_dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read: {e}", entity_dir.display()));
            Vec::new()
        }
    };
    paths.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    paths.sort();

    let mut entities: Vec<Entity> = Vec::new();
    for path in &paths {
        files.push(path.clone());
        let e: Entity = match load_toml(path) {
            Ok(e) => e,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let at = format!("data/entities/{stem}.toml");
        if e.id != stem {
            errors.push(format!("{at}: id {:?} differs from the file name", e.id));
        }
        if !is_id(&e.id) {
            errors.push(format!("{at}: id must be lower-case a-z, 0-9 and '-'"));
        }
        if e.name.trim().is_empty() {
            errors.push(format!("{at}: empty name"));
        }
        if !KINDS.contains(&e.kind.as_str()) {
            errors.push(format!(
                "{at}: unknown kind {:?} (one of {KINDS:?})",
                e.kind
            ));
        }
        let known_country = |c: &str| jurisdictions.contains_key(c);
        if !is_iso3166_alpha2(&e.country) {
            errors.push(format!(
                "{at}: country {:?} is not an ISO 3166-1 alpha-2 code",
                e.country
            ));
        } else if !known_country(&e.country) {
            errors.push(format!(
                "{at}: country {:?} is missing from data/jurisdictions.toml",
                e.country
            ));
        }
        match country_of_seat(&e.legal_seat) {
            None => errors.push(format!(
                "{at}: legal_seat {:?} is not CC or CC-SUB",
                e.legal_seat
            )),
            Some(cc) if !known_country(cc) => errors.push(format!(
                "{at}: legal_seat country {cc:?} is missing from data/jurisdictions.toml"
            )),
            Some(_) => {}
        }
        if let Some(s) = &e.state_owned {
            if !is_iso3166_alpha2(s) {
                errors.push(format!(
                    "{at}: state_owned {s:?} is not an ISO 3166-1 alpha-2 code"
                ));
            } else if !known_country(s) {
                errors.push(format!(
                    "{at}: state_owned {s:?} is missing from data/jurisdictions.toml"
                ));
            }
        }
        if !is_date(&e.as_of) {
            errors.push(format!("{at}: as_of {:?} is not YYYY[-MM[-DD]]", e.as_of));
        }
        if e.references.is_empty() {
            errors.push(format!(
                "{at}: no [[references]]: every entity cites at least one public reference"
            ));
        }
        for r in &e.references {
            if !r.url.starts_with("https://") && !r.url.starts_with("http://") {
                errors.push(format!("{at}: reference {:?} is not an http(s) URL", r.url));
            }
            if let Some(d) = &r.date {
                if !is_date(d) {
                    errors.push(format!("{at}: reference date {d:?} is not YYYY[-MM[-DD]]"));
                }
            }
        }
        for c in e
            .categories
            .iter()
            .chain(e.domain_categories.values().flatten())
        {
            if !CATEGORIES.contains(&c.as_str()) {
                errors.push(format!("{at}: unknown category {c:?}"));
            }
        }
        for d in e.domain_categories.keys() {
            if !e.domains.contains(d) {
                errors.push(format!(
                    "{at}: domain_categories names {d:?}, which is not in domains"
                ));
            }
        }
        if let Some(p) = &e.parent {
            if !CONTROLS.contains(&p.control.as_str()) {
                errors.push(format!(
                    "{at}: parent.control {:?} (one of {CONTROLS:?})",
                    p.control
                ));
            }
            if let Some(s) = &p.since {
                if !is_date(s) {
                    errors.push(format!("{at}: parent.since {s:?} is not YYYY[-MM[-DD]]"));
                }
            }
        }
        for o in &e.owners {
            if o.id.is_none() && o.name.is_none() {
                errors.push(format!("{at}: an owner needs an id or a name"));
            }
            if let Some(c) = &o.control {
                if !CONTROLS.contains(&c.as_str()) {
                    errors.push(format!("{at}: owner control {c:?} (one of {CONTROLS:?})"));
                }
            }
            if let Some(s) = o.stake {
                if !(0.0..=100.0).contains(&s) {
                    errors.push(format!("{at}: owner stake {s} is not a percentage"));
                }
            }
        }
        for h in &e.history {
            if !is_date(&h.date) {
                errors.push(format!(
                    "{at}: history date {:?} is not YYYY[-MM[-DD]]",
                    h.date
                ));
            }
            if !EVENTS.contains(&h.event.as_str()) {
                errors.push(format!(
                    "{at}: history event {:?} (one of {EVENTS:?})",
                    h.event
                ));
            }
        }
        for d in &e.domains {
            if let Some(p) = domain_problem(d) {
                errors.push(format!("{at}: domain {d:?}: {p}"));
            }
        }
        for u in &e.unverified {
            if !VERIFIABLE.contains(&u.as_str()) {
                errors.push(format!("{at}: unverified {u:?} (one of {VERIFIABLE:?})"));
            }
        }
        if let Some(p) = &e.privacy {
            errors.extend(privacy_problems(&at, p));
        }
        entities.push(e);
    }
    entities.sort_by(|a, b| a.id.cmp(&b.id));
    for w in entities.windows(2) {
        if w[0].id == w[1].id {
            errors.push(format!("entity id {:?} is defined twice", w[0].id));
        }
    }

    let index: BTreeMap<&str, usize> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    for e in &entities {
        if let Some(p) = &e.parent {
            if !index.contains_key(p.id.as_str()) {
                errors.push(format!(
                    "data/entities/{}.toml: parent {:?} does not exist",
                    e.id, p.id
                ));
            } else if p.id == e.id {
                errors.push(format!("data/entities/{}.toml: is its own parent", e.id));
            }
        }
        for o in &e.owners {
            if let Some(id) = &o.id {
                if !index.contains_key(id.as_str()) {
                    errors.push(format!(
                        "data/entities/{}.toml: owner {:?} does not exist",
                        e.id, id
                    ));
                }
            }
        }
    }

    // Chains: follow every parent link (controlling or not) to detect cycles; the chain itself keeps only
    // controlling links.
    let mut chains = Vec::with_capacity(entities.len());
    for (i, e) in entities.iter().enumerate() {
        let mut chain = vec![i];
        let mut seen = BTreeSet::from([i]);
        let mut cur = e;
        let mut following = true;
        while let Some(p) = &cur.parent {
            let Some(&pi) = index.get(p.id.as_str()) else {
                break;
            };
            if !seen.insert(pi) {
                errors.push(format!(
                    "data/entities/{}.toml: ownership cycle through {:?}",
                    e.id, p.id
                ));
                break;
            }
            following = following && is_controlling(&p.control);
            if following {
                chain.push(pi);
            }
            cur = &entities[pi];
        }
        chains.push(chain);
    }

    let mut domains: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for (i, e) in entities.iter().enumerate() {
        for d in &e.domains {
            let cats = e.domain_categories.get(d).cloned().unwrap_or_default();
            if let Some((other, _)) = domains.insert(d.clone(), (i, cats)) {
                if other == i {
                    errors.push(format!(
                        "data/entities/{}.toml: domain {d:?} is listed twice",
                        e.id
                    ));
                } else {
                    errors.push(format!(
                        "domain {d:?} is claimed by both data/entities/{}.toml and data/entities/{}.toml",
                        entities[other].id, e.id
                    ));
                }
            }
        }
    }

    // An entity without domains must own (directly or not) one that has some.
    let mut has_domains: Vec<bool> = entities.iter().map(|e| !e.domains.is_empty()).collect();
    for (i, e) in entities.iter().enumerate() {
        if e.domains.is_empty() {
            continue;
        }
        let mut cur = e;
        let mut steps = 0;
        while let Some(p) = &cur.parent {
            let Some(&pi) = index.get(p.id.as_str()) else {
                break;
            };
            if has_domains[pi] || steps > entities.len() {
                break;
            }
            has_domains[pi] = true;
            cur = &entities[pi];
            steps += 1;
        }
        for o in &e.owners {
            if let Some(&oi) = o.id.as_deref().and_then(|id| index.get(id)) {
                has_domains[oi] = true;
            }
        }
        let _ = i;
    }
    for (e, has) in entities.iter().zip(&has_domains) {
        if !has {
            errors.push(format!(
                "data/entities/{}.toml: has no domains and owns no entity that has some",
                e.id
            ));
        }
    }

    if errors.is_empty() {
        Ok(Database {
            entities,
            chains,
            domains,
            jurisdictions,
            files,
        })
    } else {
        Err(errors)
    }
}
