//! Settings: the person's choices — home jurisdiction, watchlist, history, and what to block — as the shell stores
//! them under one key in `storage.local` (a versioned JSON value, `docs/settings.md`). Parsed and validated here, the
//! first format (no version) migrated without loss, changed one step at a time, and written back in the current
//! format: the shell holds no rule of its own about them.
//!
//! A value that is malformed as a whole (not JSON, a field of the wrong type, a version this build does not know) is
//! an error: the caller keeps the settings it had, so rules are never half-applied. Entries this build does not know
//! (a jurisdiction code, a company id, a category, a key) are dropped and named in [`Parsed::notices`].

use crate::db;
use crate::host::{self, HostKind};
use crate::watchlist::{Group, Watchlist, MY_WATCHLIST};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;

/// The version of the format written ([`Settings::to_json`]). Version 1 had no `v` and no `blocking`.
pub const SETTINGS_VERSION: u32 = 2;
/// Days of history kept by default, and the range allowed.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
pub const MAX_RETENTION_DAYS: u32 = 3_660;
/// Entries kept per list; further ones are dropped with a notice.
pub const MAX_WATCHLIST: usize = 300;
pub const MAX_JURISDICTIONS: usize = 300;
pub const MAX_COMPANIES: usize = 5_000;
pub const MAX_CATEGORIES: usize = 100;
pub const MAX_TRUSTED_SITES: usize = 1_000;

/// The person's settings, valid and normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub v: u32,
    /// ISO 3166-1 alpha-2 code of the home jurisdiction, `""` when unknown.
    pub home: String,
    /// Country codes and group ids (src/watchlist.rs).
    pub watchlist: Vec<String>,
    pub history: bool,
    #[serde(rename = "retentionDays")]
    pub retention_days: u32,
    #[serde(rename = "privateWindows")]
    pub private_windows: bool,
    pub blocking: Blocking,
}

/// What to block (`docs/settings.md`, "blocking"). Off by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Blocking {
    pub enabled: bool,
    /// Country codes, group ids and [`MY_WATCHLIST`]: requests to companies controlled from there are blocked.
    pub jurisdictions: Vec<String>,
    /// Entity ids: everything the entity controls is blocked (an ultimate controller: all of its companies).
    pub companies: Vec<String>,
    /// Categories of the database (`advertising`, `analytics`, …).
    pub categories: Vec<String>,
    /// Registrable domains of sites on which nothing is blocked.
    #[serde(rename = "trustedSites")]
    pub trusted_sites: Vec<String>,
}

/// Something in a stored value that was ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Notice {
    /// The setting (`home`, `watchlist`, `blocking.companies`, or the unknown key itself).
    pub key: String,
    /// What was ignored (the entry or the value, as written).
    pub value: String,
    /// `unknown-key`, `unknown-entry`, `invalid-value` or `too-many`.
    pub kind: String,
}

/// A stored value read: the settings and what was ignored in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub settings: Settings,
    pub notices: Vec<Notice>,
}

/// One change of the settings, as the extension's pages ask for it (docs/settings.md, "Changes").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// `set-home`, `set-history`, `set-retention`, `set-private-windows`, `set-blocking`, `list` (add `text` to
    /// `list` when `on`, else remove it), `block-company` (adds `text` to the blocked companies and turns blocking
    /// on), `trust-site` (trusts site `text` when `on`, else no longer).
    pub op: String,
    pub list: String,
    pub text: String,
    pub on: bool,
    pub number: u32,
}

impl Settings {
    /// The settings of a person who changed nothing: `home` from the browser's locale (a code the database does
    /// not know is left out), nothing watched, history on for 30 days, nothing blocked.
    pub fn defaults(home: &str) -> Settings {
        Settings {
            v: SETTINGS_VERSION,
            home: known_jurisdiction(home).unwrap_or_default(),
            watchlist: Vec::new(),
            history: true,
            retention_days: DEFAULT_RETENTION_DAYS,
            private_windows: false,
            blocking: Blocking::default(),
        }
    }

    /// Reads a stored value (its JSON; `null` or empty for none): the defaults for none, else the value in the
    /// current format. `default_home` is used when the value names no (known) home.
    pub fn parse(json: &str, default_home: &str) -> Result<Parsed, String> {
        let mut settings = Settings::defaults(default_home);
        let mut notices = Vec::new();
        let json = json.trim();
        if json.is_empty() || json == "null" {
            return Ok(Parsed { settings, notices });
        }
        let raw: Raw = serde_json::from_str(json).map_err(|e| format!("settings: {e}"))?;
        match raw.v {
            None | Some(1) | Some(SETTINGS_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "settings: version {v} is not one this Whither reads (1 or {SETTINGS_VERSION})"
                ))
            }
        }
        if raw.v.is_none() || raw.v == Some(1) {
            if let Some(b) = &raw.blocking {
                if b.present {
                    notices.push(notice("blocking", "", "unknown-key"));
                }
            }
        }
        for key in raw.unknown {
            notices.push(notice(&key, "", "unknown-key"));
        }
        if let Some(home) = raw.home {
            match known_jurisdiction(&home) {
                Some(code) => settings.home = code,
                None if home.is_empty() => settings.home = String::new(),
                None => notices.push(notice("home", &home, "unknown-entry")),
            }
        }
        if let Some(list) = raw.watchlist {
            settings.watchlist = valid_list("watchlist", list, MAX_WATCHLIST, &mut notices, |w| {
                watch_entry(w).map(str::to_string)
            });
        }
        if let Some(h) = raw.history {
            settings.history = h;
        }
        if let Some(days) = raw.retention_days {
            if (1..=MAX_RETENTION_DAYS).contains(&days) {
                settings.retention_days = days;
            } else {
                notices.push(notice("retentionDays", &days.to_string(), "invalid-value"));
            }
        }
        if let Some(p) = raw.private_windows {
            settings.private_windows = p;
        }
        if let Some(b) = raw.blocking.filter(|_| raw.v == Some(SETTINGS_VERSION)) {
            for key in b.unknown {
                notices.push(notice(&format!("blocking.{key}"), "", "unknown-key"));
            }
            let blocking = &mut settings.blocking;
            blocking.enabled = b.enabled.unwrap_or(false);
            blocking.jurisdictions = valid_list(
                "blocking.jurisdictions",
                b.jurisdictions.unwrap_or_default(),
                MAX_JURISDICTIONS,
                &mut notices,
                |j| block_jurisdiction(j).map(str::to_string),
            );
            blocking.companies = valid_list(
                "blocking.companies",
                b.companies.unwrap_or_default(),
                MAX_COMPANIES,
                &mut notices,
                |c| known_company(c).map(str::to_string),
            );
            blocking.categories = valid_list(
                "blocking.categories",
                b.categories.unwrap_or_default(),
                MAX_CATEGORIES,
                &mut notices,
                |c| known_category(c).map(str::to_string),
            );
            blocking.trusted_sites = valid_list(
                "blocking.trustedSites",
                b.trusted_sites.unwrap_or_default(),
                MAX_TRUSTED_SITES,
                &mut notices,
                site_of,
            );
        }
        Ok(Parsed { settings, notices })
    }

    /// The settings in the current format (what the shell stores).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The person's watchlist, parsed.
    pub fn watchlist(&self) -> Watchlist {
        Watchlist::of(&self.watchlist)
    }

    /// The settings after one change; an error (and nothing changed) for a change that is not valid.
    pub fn change(&self, change: &Change) -> Result<Settings, String> {
        let mut next = self.clone();
        let text = change.text.as_str();
        let invalid = || format!("{}: {text:?} is not a valid value", change.op);
        match change.op.as_str() {
            "set-home" => {
                next.home = if text.is_empty() {
                    String::new()
                } else {
                    known_jurisdiction(text).ok_or_else(invalid)?
                }
            }
            "set-history" => next.history = change.on,
            "set-retention" => {
                if !(1..=MAX_RETENTION_DAYS).contains(&change.number) {
                    return Err(format!(
                        "set-retention: {} is not 1 to {MAX_RETENTION_DAYS} days",
                        change.number
                    ));
                }
                next.retention_days = change.number;
            }
            "set-private-windows" => next.private_windows = change.on,
            "set-blocking" => next.blocking.enabled = change.on,
            "block-company" => {
                let id = known_company(text).ok_or_else(invalid)?;
                toggle(&mut next.blocking.companies, id, true, MAX_COMPANIES)?;
                next.blocking.enabled = true;
            }
            "trust-site" => {
                let site = site_of(text).ok_or_else(invalid)?;
                toggle(
                    &mut next.blocking.trusted_sites,
                    &site,
                    change.on,
                    MAX_TRUSTED_SITES,
                )?;
            }
            "list" => {
                let (list, entry, max) = match change.list.as_str() {
                    "watchlist" => (&mut next.watchlist, watch_entry(text), MAX_WATCHLIST),
                    "jurisdictions" => (
                        &mut next.blocking.jurisdictions,
                        block_jurisdiction(text),
                        MAX_JURISDICTIONS,
                    ),
                    "companies" => (
                        &mut next.blocking.companies,
                        known_company(text),
                        MAX_COMPANIES,
                    ),
                    "categories" => (
                        &mut next.blocking.categories,
                        known_category(text),
                        MAX_CATEGORIES,
                    ),
                    other => return Err(format!("list: unknown list {other:?}")),
                };
                let entry = entry.ok_or_else(invalid)?;
                toggle(list, entry, change.on, max)?;
            }
            other => return Err(format!("unknown change {other:?}")),
        }
        Ok(next)
    }
}

/// Adds or removes an entry of a list (each entry once).
fn toggle(list: &mut Vec<String>, entry: &str, on: bool, max: usize) -> Result<(), String> {
    let at = list.iter().position(|e| e == entry);
    match (on, at) {
        (true, None) if list.len() >= max => {
            return Err(format!("the list holds {max} entries at most"))
        }
        (true, None) => list.push(entry.to_string()),
        (false, Some(i)) => {
            list.remove(i);
        }
        _ => {}
    }
    Ok(())
}

fn notice(key: &str, value: &str, kind: &str) -> Notice {
    Notice {
        key: key.to_string(),
        value: value.to_string(),
        kind: kind.to_string(),
    }
}

/// The valid entries of a list, each once, at most `max`; the others named in `notices`.
fn valid_list(
    key: &str,
    items: Vec<String>,
    max: usize,
    notices: &mut Vec<Notice>,
    valid: fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match valid(&item) {
            Some(_) if out.len() >= max => notices.push(notice(key, &item, "too-many")),
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => {}
            None => notices.push(notice(key, &item, "unknown-entry")),
        }
    }
    out
}

/// A jurisdiction code the database knows.
fn known_jurisdiction(code: &str) -> Option<String> {
    db::jurisdiction(code).map(|j| j.code.to_string())
}

/// A watchlist entry: a known country code or a group id.
fn watch_entry(item: &str) -> Option<&'static str> {
    Group::parse(item)
        .map(Group::id)
        .or_else(|| db::jurisdiction(item).map(|j| j.code))
}

/// An entry of the blocked jurisdictions: a watchlist entry or the person's own watchlist.
fn block_jurisdiction(item: &str) -> Option<&'static str> {
    if item == MY_WATCHLIST {
        return Some(MY_WATCHLIST);
    }
    watch_entry(item)
}

/// An entity id the database knows.
fn known_company(id: &str) -> Option<&'static str> {
    db::entity_by_id(id).and_then(db::entity).map(|e| e.id)
}

/// A category the database uses.
fn known_category(name: &str) -> Option<&'static str> {
    db::categories().into_iter().find(|c| *c == name)
}

/// The site (registrable domain) of a domain, host or URL; `None` for anything else (IP literals, localhost).
pub fn site_of(input: &str) -> Option<String> {
    let h = host::parse(input)
        .ok()
        .filter(|h| h.kind == HostKind::Domain)?;
    Some(h.domain.unwrap_or(h.name))
}

/// A stored value as read, before validation: every field optional, unknown keys collected.
#[derive(Default)]
struct Raw {
    v: Option<u32>,
    home: Option<String>,
    watchlist: Option<Vec<String>>,
    history: Option<bool>,
    retention_days: Option<u32>,
    private_windows: Option<bool>,
    blocking: Option<RawBlocking>,
    unknown: Vec<String>,
}

#[derive(Default)]
struct RawBlocking {
    present: bool,
    enabled: Option<bool>,
    jurisdictions: Option<Vec<String>>,
    companies: Option<Vec<String>>,
    categories: Option<Vec<String>>,
    trusted_sites: Option<Vec<String>>,
    unknown: Vec<String>,
}

/// Reads a map field by field: known keys into their typed slots (a wrong type is an error), unknown keys named.
struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut raw = Raw::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "v" => raw.v = Some(map.next_value()?),
                "home" => raw.home = Some(map.next_value()?),
                "watchlist" => raw.watchlist = Some(map.next_value()?),
                "history" => raw.history = Some(map.next_value()?),
                "retentionDays" => raw.retention_days = Some(map.next_value()?),
                "privateWindows" => raw.private_windows = Some(map.next_value()?),
                "blocking" => raw.blocking = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    raw.unknown.push(key);
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        d.deserialize_map(RawVisitor)
    }
}

struct RawBlockingVisitor;

impl<'de> Visitor<'de> for RawBlockingVisitor {
    type Value = RawBlocking;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of blocking settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawBlocking, A::Error> {
        let mut raw = RawBlocking {
            present: true,
            ..RawBlocking::default()
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "enabled" => raw.enabled = Some(map.next_value()?),
                "jurisdictions" => raw.jurisdictions = Some(map.next_value()?),
                "companies" => raw.companies = Some(map.next_value()?),
                "categories" => raw.categories = Some(map.next_value()?),
                "trustedSites" => raw.trusted_sites = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    raw.unknown.push(key);
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> Deserialize<'de> for RawBlocking {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawBlocking, D::Error> {
        d.deserialize_map(RawBlockingVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Parsed {
        match Settings::parse(json, "DE") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn nothing_stored_gives_the_defaults_with_the_locales_home() {
        let p = parse("null");
        assert_eq!(p.settings, Settings::defaults("DE"));
        assert_eq!(p.settings.home, "DE");
        assert!(!p.settings.blocking.enabled && p.notices.is_empty());
        assert_eq!(Settings::defaults("ZZ").home, "");
        assert_eq!(parse("").settings, Settings::defaults("DE"));
    }

    #[test]
    fn the_first_format_is_migrated_without_loss() {
        let v1 = r#"{"home":"FR","watchlist":["CN","five-eyes"],"history":false,"retentionDays":90,"privateWindows":true}"#;
        let p = parse(v1);
        assert!(p.notices.is_empty(), "{:?}", p.notices);
        let s = &p.settings;
        assert_eq!(
            (
                s.home.as_str(),
                s.history,
                s.retention_days,
                s.private_windows
            ),
            ("FR", false, 90, true)
        );
        assert_eq!(s.watchlist, ["CN", "five-eyes"]);
        assert_eq!(s.blocking, Blocking::default());
        // Written back in the current format, and read again to the same settings.
        let json = s.to_json();
        assert!(json.starts_with(r#"{"v":2,"#), "{json}");
        assert_eq!(&parse(&json).settings, s);
    }

    #[test]
    fn the_current_format_round_trips() {
        let json = r#"{"v":2,"home":"DE","watchlist":["RU"],"history":true,"retentionDays":30,
            "privateWindows":false,"blocking":{"enabled":true,"jurisdictions":["RU","my-watchlist","outside-eea"],
            "companies":["bytedance"],"categories":["session-replay"],"trustedSites":["https://www.Example.org/x"]}}"#;
        let p = parse(json);
        assert!(p.notices.is_empty(), "{:?}", p.notices);
        let b = &p.settings.blocking;
        assert!(b.enabled);
        assert_eq!(b.jurisdictions, ["RU", "my-watchlist", "outside-eea"]);
        assert_eq!(
            b.trusted_sites,
            ["example.org"],
            "sites are registrable domains"
        );
        assert_eq!(parse(&p.settings.to_json()).settings, p.settings);
    }

    #[test]
    fn unknown_entries_and_keys_are_dropped_and_named() {
        let json = r#"{"v":2,"home":"XX","watchlist":["CN","nine-eyes"],"retentionDays":0,"theme":"dark",
            "blocking":{"enabled":true,"jurisdictions":["RU","ZZ"],"companies":["no-such-company-zz","yandex"],
            "categories":["astrology"],"trustedSites":["127.0.0.1","a..b"],"colour":1}}"#;
        let p = parse(json);
        let named: Vec<(&str, &str, &str)> = p
            .notices
            .iter()
            .map(|n| (n.key.as_str(), n.value.as_str(), n.kind.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("theme", "", "unknown-key"),
                ("home", "XX", "unknown-entry"),
                ("watchlist", "nine-eyes", "unknown-entry"),
                ("retentionDays", "0", "invalid-value"),
                ("blocking.colour", "", "unknown-key"),
                ("blocking.jurisdictions", "ZZ", "unknown-entry"),
                ("blocking.companies", "no-such-company-zz", "unknown-entry"),
                ("blocking.categories", "astrology", "unknown-entry"),
                ("blocking.trustedSites", "127.0.0.1", "unknown-entry"),
                ("blocking.trustedSites", "a..b", "unknown-entry"),
            ]
        );
        let s = &p.settings;
        assert_eq!((s.home.as_str(), s.retention_days), ("DE", 30));
        assert_eq!(s.blocking.jurisdictions, ["RU"]);
        assert_eq!(s.blocking.companies, ["yandex"]);
    }

    #[test]
    fn malformed_values_are_errors() {
        for bad in [
            "{",
            "[]",
            "\"settings\"",
            r#"{"watchlist":"CN"}"#,
            r#"{"history":"yes"}"#,
            r#"{"retentionDays":-1}"#,
            r#"{"v":2,"blocking":{"jurisdictions":"RU"}}"#,
            r#"{"v":2,"blocking":{"enabled":1}}"#,
            r#"{"v":3,"home":"DE"}"#,
        ] {
            let r = Settings::parse(bad, "DE");
            assert!(r.is_err(), "{bad} was accepted: {r:?}");
        }
        let e = Settings::parse(r#"{"v":9}"#, "DE")
            .err()
            .unwrap_or_default();
        assert!(e.contains("version 9"), "{e}");
    }

    #[test]
    fn changes_apply_one_at_a_time_and_bad_ones_change_nothing() {
        let s = Settings::defaults("DE");
        let change = |s: &Settings, op: &str, list: &str, text: &str, on: bool| {
            s.change(&Change {
                op: op.into(),
                list: list.into(),
                text: text.into(),
                on,
                number: 0,
            })
        };
        let Ok(s) = change(&s, "block-company", "", "bytedance", true) else {
            panic!("block-company")
        };
        assert!(s.blocking.enabled && s.blocking.companies == ["bytedance"]);
        let Ok(s) = change(&s, "list", "jurisdictions", "RU", true) else {
            panic!("list")
        };
        let Ok(s) = change(&s, "list", "jurisdictions", "RU", true) else {
            panic!("list twice")
        };
        assert_eq!(s.blocking.jurisdictions, ["RU"]);
        let Ok(s) = change(&s, "trust-site", "", "www.news.example", true) else {
            panic!("trust-site")
        };
        assert_eq!(s.blocking.trusted_sites, ["news.example"]);
        let Ok(t) = change(&s, "trust-site", "", "news.example", false) else {
            panic!("untrust")
        };
        assert!(t.blocking.trusted_sites.is_empty());
        for (op, list, text) in [
            ("list", "jurisdictions", "ZZ"),
            ("list", "planets", "RU"),
            ("block-company", "", "no-such-company-zz"),
            ("set-home", "", "Germany"),
            ("trust-site", "", "10.0.0.1"),
            ("explode", "", ""),
        ] {
            assert!(
                change(&s, op, list, text, true).is_err(),
                "{op} {list} {text}"
            );
        }
        let Ok(off) = change(&s, "set-blocking", "", "", false) else {
            panic!("set-blocking")
        };
        assert!(!off.blocking.enabled);
        assert_eq!(off.blocking.jurisdictions, ["RU"], "the choices stay");
        assert!(s
            .change(&Change {
                op: "set-retention".into(),
                number: 9_999,
                ..Change::default()
            })
            .is_err());
    }
}
