//! Reading, validating and compiling what data-access requests need (docs/requests.md): the privacy contacts of the
//! entities (their `[privacy]` tables, validated by build/data.rs), the supervisory authorities (`data/authorities/`),
//! the laws with their deadlines and the letters per law and language (`data/letters/`). Shared by `build.rs`, which
//! writes the tables that src/contact.rs, src/authority.rs and src/letter.rs include, and by the data lint tests.
//!
//! Everything here runs at build time or in tests, never in the shipped binary.

#![allow(dead_code)]

use crate::data;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The laws, in the order of src/letter.rs `Law` (and of the generated tables).
pub const LAWS: &[&str] = &["gdpr", "uk-gdpr", "ccpa", "pipl", "lgpd", "generic"];
/// The letters' languages, in the order of src/letter.rs `Lang`.
pub const LANGS: &[&str] = &["en", "de", "zh_CN"];

/// The placeholders each part of a letter may use, and those it must use.
pub const ACCESS_BODY: (&[&str], &[&str]) = (
    &[
        "date",
        "controller",
        "controller_name",
        "services",
        "identifiers",
        "deadline",
        "name",
        "contact",
    ],
    &[
        "date",
        "controller",
        "services",
        "identifiers",
        "deadline",
        "name",
        "contact",
    ],
);
pub const COMPLAINT_BODY: (&[&str], &[&str]) = (
    &[
        "date",
        "authority",
        "controller",
        "controller_name",
        "sent",
        "deadline",
        "channel",
        "services",
        "name",
        "contact",
    ],
    &[
        "date",
        "authority",
        "controller",
        "sent",
        "deadline",
        "channel",
        "name",
        "contact",
    ],
);
pub const SUBJECT: (&[&str], &[&str]) = (&["controller_name", "name"], &[]);

/// The shared parts of the letters (data/letters/common.toml) with the placeholders each may and must use.
pub const COMMON_PARTS: &[(&str, &[&str], &[&str])] = &[
    ("date", &["day", "month", "year"], &["day", "month", "year"]),
    ("services_page", &["page", "date", "list"], &["list"]),
    ("services_period", &["from", "to", "list"], &["list"]),
    ("services_company", &["list"], &[]),
    ("service", &["name", "hosts"], &["name"]),
    ("identifiers", &["list"], &["list"]),
    ("identifier_cookies", &["domains"], &["domains"]),
    ("identifier_cookies_any", &[], &[]),
    ("identifier_ip", &[], &[]),
    ("identifier_account", &[], &[]),
    ("identifier_values", &["values"], &["values"]),
    ("blank_name", &[], &[]),
    ("channel_email", &["email"], &["email"]),
    ("channel_form", &["url"], &["url"]),
    ("channel_post", &[], &[]),
];

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 of the jurisdiction the authority is competent for.
    pub country: String,
    /// ISO 3166-2 subdivision, for authorities of a state or Land (`DE-BY`, `US-CA`).
    pub region: Option<String>,
    /// Other ISO 3166-1 codes of territories of the country that the authority is competent for (France's overseas
    /// departments have codes of their own).
    #[serde(default)]
    pub territories: Vec<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub web_form: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub complaint_language: Option<String>,
    /// Among authorities of the same place, the higher one is proposed first (default 0).
    #[serde(default)]
    pub priority: i32,
    pub notes: Option<String>,
    pub as_of: String,
    #[serde(default)]
    pub references: Vec<data::Reference>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub days: Option<u32>,
    pub months: Option<u32>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LawDef {
    pub name: String,
    pub title: String,
    pub homes: Vec<String>,
    pub right: String,
    pub complaint: String,
    pub deadline: Period,
    pub deadline_basis: String,
    pub extension: Option<Period>,
    pub extension_basis: Option<String>,
    #[serde(default)]
    pub references: Vec<data::Reference>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LetterPair {
    pub access: Letter,
    pub complaint: Letter,
}

/// What the request feature compiles in, validated.
pub struct Requests {
    pub authorities: Vec<Authority>,
    /// In the order of [`LAWS`].
    pub laws: Vec<LawDef>,
    /// `letters[law][lang]`, in the orders of [`LAWS`] and [`LANGS`].
    pub letters: Vec<Vec<LetterPair>>,
    /// `common[lang]`: part → text (and `months`).
    pub common: Vec<BTreeMap<String, toml::Value>>,
    pub files: Vec<PathBuf>,
}

fn is_url(u: &str) -> bool {
    u.starts_with("https://") || u.starts_with("http://")
}

/// The placeholders of a template (`{name}`), or a description of its malformed braces.
pub fn placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!(
                "a '}}' without '{{' near {:?}",
                &rest[open..].chars().take(20).collect::<String>()
            ));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "a '{' without '}'".to_string())?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("placeholder {{{name}}} is not [a-z_]+"));
        }
        out.push(name.to_string());
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Problems of one template: malformed braces, unknown placeholders, missing required ones.
fn template_problems(at: &str, text: &str, (allowed, required): (&[&str], &[&str])) -> Vec<String> {
    let mut errors = Vec::new();
    match placeholders(text) {
        Err(e) => errors.push(format!("{at}: {e}")),
        Ok(found) => {
            for p in &found {
                if !allowed.contains(&p.as_str()) {
                    errors.push(format!(
                        "{at}: unknown placeholder {{{p}}} (allowed: {allowed:?})"
                    ));
                }
            }
            for r in required {
                if !found.iter().any(|p| p == r) {
                    errors.push(format!("{at}: misses the placeholder {{{r}}}"));
                }
            }
        }
    }
    errors
}

/// Does `text` look like a translation into `lang` rather than a copy of `english`? No line of the English text
/// longer than 25 characters (placeholders aside) appears in it, and Chinese text is written in Chinese characters.
pub fn translation_problem(lang: &str, text: &str, english: &str) -> Option<String> {
    if lang == "en" {
        return None;
    }
    let strip = |l: &str| {
        let mut out = String::new();
        let mut inside = false;
        for c in l.chars() {
            match c {
                '{' => inside = true,
                '}' => inside = false,
                _ if !inside => out.push(c),
                _ => {}
            }
        }
        out.trim().to_string()
    };
    let theirs: BTreeSet<String> = text.lines().map(strip).collect();
    if let Some(line) = english
        .lines()
        .map(strip)
        .find(|l| l.chars().count() > 25 && theirs.contains(l))
    {
        return Some(format!("line {line:?} is the English text"));
    }
    let letters = theirs
        .iter()
        .flat_map(|l| l.chars())
        .any(|c| c.is_ascii_alphabetic());
    if lang == "zh_CN" && letters && !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return Some("has Latin letters and no Chinese characters".into());
    }
    None
}

fn period_problem(p: &Period) -> Option<&'static str> {
    match (p.days, p.months) {
        (Some(d), None) if (1..=366).contains(&d) => None,
        (None, Some(m)) if (1..=12).contains(&m) => None,
        _ => Some("needs either days (1-366) or months (1-12)"),
    }
}

fn reference_problems(at: &str, refs: &[data::Reference]) -> Vec<String> {
    let mut errors = Vec::new();
    if refs.is_empty() {
        errors.push(format!("{at}: no [[references]]"));
    }
    for r in refs {
        if !is_url(&r.url) {
            errors.push(format!("{at}: reference {:?} is not an http(s) URL", r.url));
        }
        if let Some(d) = &r.date {
            if !data::is_date(d) {
                errors.push(format!("{at}: reference date {d:?} is not YYYY[-MM[-DD]]"));
            }
        }
    }
    errors
}

fn is_region(r: &str, country: &str) -> bool {
    r.strip_prefix(country)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|sub| {
            (1..=3).contains(&sub.len())
                && sub
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Reads and validates `data/authorities/` and `data/letters/` under `dir` (the `data/` folder), against the
/// jurisdictions of the database. Returns every problem found.
pub fn load(
    dir: &Path,
    jurisdictions: &BTreeMap<String, data::Jurisdiction>,
) -> Result<Requests, Vec<String>> {
    let mut errors = Vec::new();
    let mut files = Vec::new();

    // Authorities.
    let auth_dir = dir.join("authorities");
    let mut paths: Vec<PathBuf> = match fs::read_dir(&auth_dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read: {e}", auth_dir.display()));
            Vec::new()
        }
    };
    paths.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    paths.sort();
    let mut authorities = Vec::new();
    for path in &paths {
        files.push(path.clone());
        let a: Authority = match data::load_toml(path) {
            Ok(a) => a,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let at = format!("data/authorities/{stem}.toml");
        if a.id != stem || !data::is_id(&a.id) {
            errors.push(format!(
                "{at}: id {:?} must equal the file name and be [a-z0-9-]+",
                a.id
            ));
        }
        if a.name.trim().is_empty() {
            errors.push(format!("{at}: empty name"));
        }
        if !jurisdictions.contains_key(&a.country) {
            errors.push(format!(
                "{at}: country {:?} is not in data/jurisdictions.toml",
                a.country
            ));
        }
        for t in &a.territories {
            if !jurisdictions.contains_key(t) {
                errors.push(format!(
                    "{at}: territory {t:?} is not in data/jurisdictions.toml"
                ));
            }
        }
        if let Some(r) = &a.region {
            if !is_region(r, &a.country) {
                errors.push(format!(
                    "{at}: region {r:?} is not an ISO 3166-2 code of {}",
                    a.country
                ));
            }
        }
        if a.email.is_none() && a.web_form.is_none() && a.address.is_none() {
            errors.push(format!("{at}: needs an email, a web_form or an address"));
        }
        if let Some(e) = &a.email {
            if !data::is_plain_email(e) {
                errors.push(format!("{at}: {e:?} is not a plain e-mail address"));
            }
        }
        for u in [&a.web_form, &a.website].into_iter().flatten() {
            if !is_url(u) {
                errors.push(format!("{at}: {u:?} is not an http(s) URL"));
            }
        }
        if !data::is_date(&a.as_of) {
            errors.push(format!("{at}: as_of {:?} is not YYYY[-MM[-DD]]", a.as_of));
        }
        errors.extend(reference_problems(&at, &a.references));
        authorities.push(a);
    }
    authorities.sort_by(|a, b| a.id.cmp(&b.id));

    // Laws.
    let laws_path = dir.join("letters/laws.toml");
    files.push(laws_path.clone());
    let mut law_table: BTreeMap<String, LawDef> = match data::load_toml(&laws_path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            BTreeMap::new()
        }
    };
    let known: BTreeSet<&str> = law_table.keys().map(String::as_str).collect();
    if known != LAWS.iter().copied().collect::<BTreeSet<_>>() {
        errors.push(format!(
            "data/letters/laws.toml: laws {known:?}, expected exactly {LAWS:?}"
        ));
    }
    let mut laws = Vec::new();
    for id in LAWS {
        let Some(law) = law_table.remove(*id) else {
            continue;
        };
        let at = format!("data/letters/laws.toml [{id}]");
        for home in &law.homes {
            let ok = data::GROUPS.contains(&home.as_str())
                || jurisdictions.contains_key(home)
                || home
                    .split_once('-')
                    .is_some_and(|(cc, _)| jurisdictions.contains_key(cc) && is_region(home, cc));
            if !ok {
                errors.push(format!(
                    "{at}: home {home:?} is neither a group, a country nor a subdivision"
                ));
            }
        }
        if (*id == "generic") != law.homes.is_empty() {
            errors.push(format!(
                "{at}: only `generic` (for every other home) has no homes"
            ));
        }
        if let Some(p) = period_problem(&law.deadline) {
            errors.push(format!("{at}: deadline {p}"));
        }
        if let Some(p) = law.extension.as_ref().and_then(period_problem) {
            errors.push(format!("{at}: extension {p}"));
        }
        if law.extension.is_some() != law.extension_basis.is_some() {
            errors.push(format!(
                "{at}: an extension needs its extension_basis (and the other way round)"
            ));
        }
        for (field, text) in [
            ("name", &law.name),
            ("title", &law.title),
            ("right", &law.right),
            ("complaint", &law.complaint),
            ("deadline_basis", &law.deadline_basis),
        ] {
            if text.trim().is_empty() {
                errors.push(format!("{at}: empty {field}"));
            }
        }
        errors.extend(reference_problems(&at, &law.references));
        laws.push(law);
    }

    // Letters: one file per law, every language with both letters.
    let mut letters = Vec::new();
    for id in LAWS {
        let path = dir.join(format!("letters/{id}.toml"));
        files.push(path.clone());
        let mut table: BTreeMap<String, LetterPair> = match data::load_toml(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                BTreeMap::new()
            }
        };
        let at = format!("data/letters/{id}.toml");
        let found: BTreeSet<&str> = table.keys().map(String::as_str).collect();
        if found != LANGS.iter().copied().collect::<BTreeSet<_>>() {
            errors.push(format!(
                "{at}: languages {found:?}, expected exactly {LANGS:?}"
            ));
        }
        let english = table.get("en").cloned();
        let mut per_lang = Vec::new();
        for lang in LANGS {
            let Some(pair) = table.remove(*lang) else {
                continue;
            };
            for (kind, letter, body_rules) in [
                ("access", &pair.access, ACCESS_BODY),
                ("complaint", &pair.complaint, COMPLAINT_BODY),
            ] {
                let at = format!("{at} [{lang}.{kind}]");
                if letter.subject.trim().is_empty() || letter.body.trim().is_empty() {
                    errors.push(format!("{at}: empty subject or body"));
                }
                errors.extend(template_problems(
                    &format!("{at} subject"),
                    &letter.subject,
                    SUBJECT,
                ));
                errors.extend(template_problems(
                    &format!("{at} body"),
                    &letter.body,
                    body_rules,
                ));
                if let Some(en) = &english {
                    let en = if kind == "access" {
                        &en.access
                    } else {
                        &en.complaint
                    };
                    for (part, text, english) in [
                        ("subject", &letter.subject, &en.subject),
                        ("body", &letter.body, &en.body),
                    ] {
                        if let Some(p) = translation_problem(lang, text, english) {
                            errors.push(format!("{at} {part}: not translated: {p}"));
                        }
                    }
                }
            }
            per_lang.push(pair);
        }
        letters.push(per_lang);
    }

    // The shared parts.
    let common_path = dir.join("letters/common.toml");
    files.push(common_path.clone());
    let mut common_table: BTreeMap<String, BTreeMap<String, toml::Value>> =
        match data::load_toml(&common_path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                BTreeMap::new()
            }
        };
    let english = common_table.get("en").cloned().unwrap_or_default();
    let mut common = Vec::new();
    for lang in LANGS {
        let at = format!("data/letters/common.toml [{lang}]");
        let Some(parts) = common_table.remove(*lang) else {
            errors.push(format!("{at}: missing"));
            continue;
        };
        for key in parts.keys() {
            if key != "months" && !COMMON_PARTS.iter().any(|(k, _, _)| k == key) {
                errors.push(format!("{at}: unknown part {key:?}"));
            }
        }
        match parts.get("months").and_then(|m| m.as_array()) {
            Some(m)
                if m.len() == 12 && m.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty())) => {
            }
            _ => errors.push(format!("{at}: months must be 12 non-empty strings")),
        }
        for (key, allowed, required) in COMMON_PARTS {
            match parts.get(*key).and_then(|v| v.as_str()) {
                None => errors.push(format!("{at}: misses {key:?} (a string)")),
                Some(text) => {
                    errors.extend(template_problems(
                        &format!("{at} {key}"),
                        text,
                        (allowed, required),
                    ));
                    let en = english
                        .get(*key)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    if let Some(p) = translation_problem(lang, text, en) {
                        errors.push(format!("{at} {key}: not translated: {p}"));
                    }
                }
            }
        }
        common.push(parts);
    }

    if errors.is_empty() {
        Ok(Requests {
            authorities,
            laws,
            letters,
            common,
            files,
        })
    } else {
        Err(errors)
    }
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

fn references(refs: &[data::Reference]) -> String {
    let items: Vec<String> = refs
        .iter()
        .map(|r| format!("Source {{ url: {:?}, title: {} }}", r.url, opt(&r.title)))
        .collect();
    format!("&[{}]", items.join(", "))
}

fn representative(r: &Option<data::Representative>) -> String {
    match r {
        Some(r) => format!(
            "Some(Representative {{ name: {:?}, address: {}, email: {}, web_form: {} }})",
            r.name,
            opt(&r.address),
            opt(&r.email),
            opt(&r.web_form)
        ),
        None => "None".into(),
    }
}

/// `contacts_generated.rs` (src/contact.rs): every entity's `[privacy]` table and every `privacy_policy`, by entity
/// index (the order of the entities in db.rs), sorted by it.
pub fn write_contacts(db: &data::Database) -> String {
    let mut out = String::from(
        "// Generated by build.rs (build/requests.rs) from data/entities. Do not edit.\n",
    );
    let mut contacts = Vec::new();
    let mut policies = Vec::new();
    for (i, e) in db.entities.iter().enumerate() {
        if let Some(p) = &e.privacy {
            contacts.push(format!(
                "ContactRecord {{ entity: {i}, controller_name: {}, email: {}, address: {}, web_form: {}, phone: {}, \
                 dpo_email: {}, dpo_address: {}, eu_representative: {}, uk_representative: {}, as_of: {:?}, \
                 sources: {} }},",
                opt(&p.controller_name),
                opt(&p.email),
                opt(&p.address.as_ref().map(|a| a.trim().to_string())),
                opt(&p.web_form),
                opt(&p.phone),
                opt(&p.dpo_email),
                opt(&p.dpo_address.as_ref().map(|a| a.trim().to_string())),
                representative(&p.eu_representative),
                representative(&p.uk_representative),
                p.as_of,
                references(&p.references),
            ));
        }
        if let Some(url) = &e.privacy_policy {
            policies.push(format!("({i}, {url:?}),"));
        }
    }
    let _ = writeln!(
        out,
        "static CONTACTS: [ContactRecord; {}] = [",
        contacts.len()
    );
    for c in &contacts {
        let _ = writeln!(out, "{c}");
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(
        out,
        "static PRIVACY_POLICIES: [(EntityIndex, &str); {}] = [",
        policies.len()
    );
    for p in &policies {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(out, "];");
    out
}

/// `authorities_generated.rs` (src/authority.rs): every authority, sorted by id.
pub fn write_authorities(r: &Requests) -> String {
    let mut out = String::from(
        "// Generated by build.rs (build/requests.rs) from data/authorities. Do not edit.\n",
    );
    let _ = writeln!(
        out,
        "pub static AUTHORITIES: [AuthorityRecord; {}] = [",
        r.authorities.len()
    );
    for a in &r.authorities {
        let _ = writeln!(
            out,
            "AuthorityRecord {{ id: {:?}, name: {:?}, country: {:?}, territories: &{:?}, region: {}, address: {}, \
             email: {}, web_form: {}, phone: {}, website: {}, complaint_language: {}, priority: {}, as_of: {:?}, \
             sources: {} }},",
            a.id,
            a.name,
            a.country,
            a.territories,
            opt(&a.region),
            opt(&a.address.as_ref().map(|x| x.trim().to_string())),
            opt(&a.email),
            opt(&a.web_form),
            opt(&a.phone),
            opt(&a.website),
            opt(&a.complaint_language),
            a.priority,
            a.as_of,
            references(&a.references),
        );
    }
    let _ = writeln!(out, "];");
    out
}

fn period(p: &Period) -> String {
    match (p.days, p.months) {
        (Some(d), _) => format!("Period::Days({d})"),
        (_, Some(m)) => format!("Period::Months({m})"),
        _ => "Period::Days(30)".into(),
    }
}

/// `letters_generated.rs` (src/letter.rs): the laws, the letters and the shared parts, in the orders of [`LAWS`]
/// and [`LANGS`].
pub fn write_letters(r: &Requests) -> String {
    let mut out = String::from(
        "// Generated by build.rs (build/requests.rs) from data/letters. Do not edit.\n",
    );
    let _ = writeln!(out, "static LAW_RULES: [LawRule; {}] = [", r.laws.len());
    for (id, l) in LAWS.iter().zip(&r.laws) {
        let homes: Vec<String> = l.homes.iter().map(|h| format!("{h:?}")).collect();
        let _ = writeln!(
            out,
            "LawRule {{ id: {id:?}, name: {:?}, title: {:?}, homes: &[{}], right: {:?}, complaint: {:?}, \
             deadline: {}, deadline_basis: {:?}, extension: {}, extension_basis: {}, sources: {} }},",
            l.name,
            l.title,
            homes.join(", "),
            l.right,
            l.complaint,
            period(&l.deadline),
            l.deadline_basis,
            l.extension.as_ref().map_or("None".into(), |p| format!("Some({})", period(p))),
            opt(&l.extension_basis),
            references(&l.references),
        );
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(
        out,
        "static LETTERS: [[LetterPair; {}]; {}] = [",
        LANGS.len(),
        r.letters.len()
    );
    for per_lang in &r.letters {
        let _ = writeln!(out, "[");
        for p in per_lang {
            let _ = writeln!(
                out,
                "LetterPair {{ access: Template {{ subject: {:?}, body: {:?} }}, complaint: Template {{ subject: {:?}, \
                 body: {:?} }} }},",
                p.access.subject.trim(),
                p.access.body.trim(),
                p.complaint.subject.trim(),
                p.complaint.body.trim()
            );
        }
        let _ = writeln!(out, "],");
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(out, "static COMMON: [CommonParts; {}] = [", r.common.len());
    for parts in &r.common {
        let text = |k: &str| {
            parts
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let months: Vec<String> = parts
            .get("months")
            .and_then(|m| m.as_array())
            .map(|m| {
                m.iter()
                    .map(|x| format!("{:?}", x.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let mut fields: Vec<String> = COMMON_PARTS
            .iter()
            .map(|(k, _, _)| format!("{k}: {:?}", text(k)))
            .collect();
        fields.push(format!("months: [{}]", months.join(", ")));
        let _ = writeln!(out, "CommonParts {{ {} }},", fields.join(", "));
    }
    let _ = writeln!(out, "];");
    out
}
