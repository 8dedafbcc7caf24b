//! The options page's view of the settings: the settings as read (and what in them was ignored), and the blocking
//! choices with the count of domains each blocks — jurisdictions, groups (the person's watchlist included),
//! categories, and the ultimate controllers a search finds.

use crate::db::{self, EntityIndex};
use crate::entity;
use crate::rules::{BlockList, Choice, Counts};
use crate::settings::{Notice, Settings};
use crate::watchlist::{Group, Watchlist, MY_WATCHLIST};
use serde::Serialize;

/// Controllers a search returns at most.
pub const SEARCH_LIMIT: usize = 40;

/// What the options page shows of the settings (docs/settings.md, "The options page").
#[derive(Clone, Debug, Serialize)]
pub struct SettingsView {
    pub settings: Settings,
    /// What the stored value had that was ignored.
    pub notices: Vec<Notice>,
    /// Why the stored value could not be read at all (the settings shown are the ones in force before it).
    pub error: Option<String>,
    /// Every jurisdiction with listed domains, by code.
    pub jurisdictions: Vec<Choosable>,
    /// The groups with their members, and the person's watchlist (`my-watchlist`).
    pub groups: Vec<GroupChoice>,
    pub categories: Vec<Choosable>,
    /// The ultimate controllers the search finds (all when it is empty), most domains first.
    pub found: Vec<CompanyChoice>,
    /// The blocked companies of the settings.
    pub chosen: Vec<CompanyChoice>,
    /// What the choices block: listed domains, the rules they take, and whether those rules are the ones
    /// installed (the shell's fingerprint of the installed rules); an error when they do not fit a browser.
    pub blocked_domains: usize,
    pub rules: usize,
    pub applied: bool,
    pub rules_error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Choosable {
    pub id: &'static str,
    pub domains: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupChoice {
    pub id: &'static str,
    pub members: Vec<&'static str>,
    pub domains: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyChoice {
    pub id: &'static str,
    pub name: &'static str,
    /// Its controlling jurisdiction.
    pub country: &'static str,
    /// Listed domains of everything it controls.
    pub domains: usize,
    /// Companies it controls, itself included.
    pub companies: usize,
}

impl SettingsView {
    /// The view of `settings` (with what reading them noticed), the controllers matching `search`, and whether
    /// the rules they compile to have the fingerprint `applied` (the installed rules').
    pub fn new(
        settings: Settings,
        notices: Vec<Notice>,
        error: Option<String>,
        search: &str,
        applied: Option<&str>,
    ) -> SettingsView {
        let counts = Counts::new();
        let watchlist = settings.watchlist();
        let mut groups: Vec<GroupChoice> = Group::ALL
            .iter()
            .map(|&g| GroupChoice {
                id: g.id(),
                members: g.members(),
                domains: counts.group(g),
            })
            .collect();
        let mine = members(&watchlist);
        groups.push(GroupChoice {
            id: MY_WATCHLIST,
            domains: mine
                .iter()
                .map(|c| counts.by_country.get(c).copied().unwrap_or(0))
                .sum(),
            members: mine,
        });
        let controllers = controllers(&counts);
        let chosen = settings
            .blocking
            .companies
            .iter()
            .filter_map(|id| db::entity_by_id(id))
            .map(|i| company(i, &counts, &controllers))
            .collect();
        let compiled = BlockList::compile(&Choice::of(&settings));
        let (blocked_domains, rules, applied, rules_error) = match &compiled {
            Ok(list) => (
                list.domains.len(),
                list.rules.len(),
                applied == Some(list.fingerprint().as_str()),
                None,
            ),
            Err(e) => (0, 0, false, Some(e.clone())),
        };
        SettingsView {
            jurisdictions: counts
                .by_country
                .iter()
                .map(|(&id, &domains)| Choosable { id, domains })
                .collect(),
            groups,
            categories: counts
                .by_category
                .iter()
                .map(|(&id, &domains)| Choosable { id, domains })
                .collect(),
            found: search_controllers(search, &counts, &controllers),
            chosen,
            blocked_domains,
            rules,
            applied,
            rules_error,
            settings,
            notices,
            error,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The countries of a watchlist (its groups' members included), sorted.
fn members(list: &Watchlist) -> Vec<&'static str> {
    db::JURISDICTIONS
        .iter()
        .map(|j| j.code)
        .filter(|c| list.contains(c))
        .collect()
}

/// Per entity: the number of entities it controls (itself included); 0 for entities that control no domain.
fn controllers(counts: &Counts) -> Vec<usize> {
    let mut controlled = vec![0usize; db::ENTITIES.len()];
    for e in db::ENTITIES.iter() {
        for &link in e.chain {
            if let Some(n) = controlled.get_mut(usize::from(link)) {
                *n += 1;
            }
        }
    }
    for (i, n) in controlled.iter_mut().enumerate() {
        if EntityIndex::try_from(i).map_or(0, |i| counts.entity(i)) == 0 {
            *n = 0;
        }
    }
    controlled
}

fn company(index: EntityIndex, counts: &Counts, controlled: &[usize]) -> CompanyChoice {
    let e = db::entity(index);
    CompanyChoice {
        id: e.map_or("", |e| e.id),
        name: e.map_or("", |e| e.name),
        country: entity::jurisdiction(index).unwrap_or(""),
        domains: counts.entity(index),
        companies: controlled.get(usize::from(index)).copied().unwrap_or(0),
    }
}

/// Whether `hay` contains the lower-case `needle`, ignoring ASCII case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

/// The ultimate controllers of listed domains whose name or id, or the name or id of a company they control, or
/// one of whose domains, contains `search` (ASCII case ignored); most domains first, at most [`SEARCH_LIMIT`].
pub fn search_controllers(
    search: &str,
    counts: &Counts,
    controlled: &[usize],
) -> Vec<CompanyChoice> {
    let needle = search.trim().to_ascii_lowercase();
    let mut hits = vec![false; db::ENTITIES.len()];
    let mut mark = |e: EntityIndex| {
        if let Some(h) = hits.get_mut(usize::from(entity::controller(e))) {
            *h = true;
        }
    };
    for (i, e) in db::ENTITIES.iter().enumerate() {
        if needle.is_empty() || contains_ci(e.id, &needle) || contains_ci(e.name, &needle) {
            if let Ok(i) = EntityIndex::try_from(i) {
                mark(i);
            }
        }
    }
    if needle.len() >= 3 {
        for d in db::DOMAINS.iter().filter(|d| d.domain.contains(&needle)) {
            mark(d.entity);
        }
    }
    let mut found: Vec<CompanyChoice> = hits
        .iter()
        .enumerate()
        .filter(|(i, &hit)| {
            hit && EntityIndex::try_from(*i)
                .is_ok_and(|i| entity::controller(i) == i && counts.entity(i) > 0)
        })
        .filter_map(|(i, _)| EntityIndex::try_from(i).ok())
        .map(|i| company(i, counts, controlled))
        .collect();
    found.sort_unstable_by(|a, b| {
        b.domains
            .cmp(&a.domains)
            .then(a.name.cmp(b.name))
            .then(a.id.cmp(b.id))
    });
    found.truncate(SEARCH_LIMIT);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_finds_controllers_by_their_companies_and_domains() {
        let counts = Counts::new();
        let controlled = controllers(&counts);
        let ids = |q: &str| -> Vec<&str> {
            search_controllers(q, &counts, &controlled)
                .iter()
                .map(|c| c.id)
                .collect()
        };
        assert!(
            ids("tiktok").contains(&"bytedance"),
            "by a company it controls"
        );
        assert!(ids("doubleclick").contains(&"alphabet"), "by a domain");
        assert!(ids("MICROSOFT").contains(&"microsoft"));
        assert!(!ids("tiktok").contains(&"tiktok-pte"), "controllers only");
        assert_eq!(ids("").len(), SEARCH_LIMIT);
        assert!(ids("zzzz-nothing-like-it").is_empty());
        let a = search_controllers("alphabet", &counts, &controlled);
        assert!(a
            .iter()
            .any(|c| c.id == "alphabet" && c.companies > 1 && c.domains > 10 && c.country == "US"));
    }

    #[test]
    fn the_view_counts_what_each_choice_blocks() {
        let mut s = Settings::defaults("DE");
        s.watchlist = vec!["RU".into(), "CN".into()];
        s.blocking.enabled = true;
        s.blocking.jurisdictions = vec![MY_WATCHLIST.into()];
        s.blocking.companies = vec!["alphabet".into()];
        let v = SettingsView::new(s, Vec::new(), None, "", None);
        let mine = v.groups.iter().find(|g| g.id == MY_WATCHLIST);
        assert_eq!(mine.map(|g| g.members.clone()), Some(vec!["CN", "RU"]));
        let count = |id: &str| {
            v.jurisdictions
                .iter()
                .find(|j| j.id == id)
                .map_or(0, |j| j.domains)
        };
        assert_eq!(mine.map(|g| g.domains), Some(count("RU") + count("CN")));
        let alphabet = v.chosen.first().map_or(0, |c| c.domains);
        assert_eq!(v.blocked_domains, count("RU") + count("CN") + alphabet);
        assert!(v.rules > 0 && !v.applied && v.rules_error.is_none());
        assert!(v
            .categories
            .iter()
            .any(|c| c.id == "advertising" && c.domains > 100));
    }
}
