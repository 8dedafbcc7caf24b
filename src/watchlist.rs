//! Watchlists: the jurisdictions a person watches (and, with blocking, blocks), as single countries and as the
//! core's groups of jurisdictions (outside the EU/EEA, without an EU adequacy decision, Five Eyes, Fourteen Eyes),
//! whose members come from `data/jurisdictions.toml`. The one place that decides whether a jurisdiction is watched:
//! the badge, the popup view, the dashboard and the options page all ask here.

use crate::db;
use serde::Serialize;

/// A group of jurisdictions a watchlist can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Not in the EU/EEA.
    OutsideEea,
    /// Without an EU adequacy decision (full or partial); the EU/EEA itself excluded.
    NoAdequacy,
    FiveEyes,
    FourteenEyes,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::OutsideEea,
        Group::NoAdequacy,
        Group::FiveEyes,
        Group::FourteenEyes,
    ];

    /// The group's name in watchlists and settings.
    pub fn id(self) -> &'static str {
        match self {
            Group::OutsideEea => "outside-eea",
            Group::NoAdequacy => "no-adequacy",
            Group::FiveEyes => "five-eyes",
            Group::FourteenEyes => "fourteen-eyes",
        }
    }

    pub fn parse(id: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.id() == id)
    }

    /// Whether jurisdiction `code` belongs to the group (an unknown code belongs to none).
    pub fn contains(self, code: &str) -> bool {
        let Some(j) = db::jurisdiction(code) else {
            return false;
        };
        match self {
            Group::OutsideEea => !j.groups.contains(&"eea"),
            Group::NoAdequacy => !matches!(j.eu_adequacy, Some("eu-eea" | "full" | "partial")),
            Group::FiveEyes => j.groups.contains(&"five-eyes"),
            Group::FourteenEyes => j.groups.contains(&"fourteen-eyes"),
        }
    }

    /// The group's jurisdictions, sorted by code.
    pub fn members(self) -> Vec<&'static str> {
        db::JURISDICTIONS
            .iter()
            .map(|j| j.code)
            .filter(|c| self.contains(c))
            .collect()
    }
}

/// The name of the person's own watchlist among the jurisdictions they block ("my watchlist"): its entries are
/// blocked too ([`Watchlist::parse_with`]).
pub const MY_WATCHLIST: &str = "my-watchlist";

/// One entry of a watchlist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Country(&'static str),
    Group(Group),
}

/// A parsed watchlist: countries the database knows and the core's groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Watchlist {
    entries: Vec<Entry>,
}

impl Watchlist {
    /// The watchlist of `items` (ISO 3166-1 alpha-2 codes, upper case, and group ids); entries it does not know are
    /// returned beside it, each once, so that a caller can say which were ignored.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> (Watchlist, Vec<String>) {
        let mut entries = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for item in items {
            let item = item.as_ref();
            let entry = match Group::parse(item) {
                Some(g) => Some(Entry::Group(g)),
                None => db::jurisdiction(item).map(|j| Entry::Country(j.code)),
            };
            match entry {
                Some(e) if !entries.contains(&e) => entries.push(e),
                Some(_) => {}
                None if !unknown.iter().any(|u| u == item) => unknown.push(item.to_string()),
                None => {}
            }
        }
        (Watchlist { entries }, unknown)
    }

    /// [`Watchlist::parse`] of a list that may name the person's own watchlist ([`MY_WATCHLIST`]): the entries of
    /// `mine` are added in its place.
    pub fn parse_with<S: AsRef<str>>(items: &[S], mine: &Watchlist) -> (Watchlist, Vec<String>) {
        let others: Vec<&str> = items
            .iter()
            .map(AsRef::as_ref)
            .filter(|i| *i != MY_WATCHLIST)
            .collect();
        let (mut list, unknown) = Watchlist::parse(&others);
        if others.len() < items.len() {
            for e in &mine.entries {
                if !list.entries.contains(e) {
                    list.entries.push(*e);
                }
            }
        }
        (list, unknown)
    }

    /// [`Watchlist::parse`], ignoring unknown entries.
    pub fn of<S: AsRef<str>>(items: &[S]) -> Watchlist {
        Watchlist::parse(items).0
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether jurisdiction `code` is watched: listed itself, or a member of a listed group.
    pub fn contains(&self, code: &str) -> bool {
        self.entries.iter().any(|e| match *e {
            Entry::Country(c) => c == code,
            Entry::Group(g) => g.contains(code),
        })
    }

    /// The watched ones among `codes`, in the order given (a report's: most requests first).
    pub fn filter<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        codes.into_iter().filter(|c| self.contains(c)).collect()
    }
}

/// A group with its members, for the options page.
#[derive(Clone, Debug, Serialize)]
pub struct GroupView {
    pub id: &'static str,
    pub members: Vec<&'static str>,
}

/// Every group with its members.
pub fn groups() -> Vec<GroupView> {
    Group::ALL
        .into_iter()
        .map(|g| GroupView {
            id: g.id(),
            members: g.members(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_countries() {
        let w = |items: &[&str]| Watchlist::of(items);
        assert!(w(&["CN"]).contains("CN"));
        assert!(!w(&["CN"]).contains("US"));
        assert!(w(&["outside-eea"]).contains("US"));
        assert!(!w(&["outside-eea"]).contains("DE"));
        assert!(w(&["no-adequacy"]).contains("CN"));
        assert!(!w(&["no-adequacy"]).contains("JP"));
        assert!(!w(&["no-adequacy"]).contains("FR"));
        assert!(w(&["five-eyes"]).contains("GB"));
        assert!(w(&["fourteen-eyes"]).contains("DE"));
        assert!(!w(&[]).contains("CN"));
        assert!(w(&[]).is_empty());
    }

    #[test]
    fn unknown_entries_are_returned_once_and_ignored() {
        let (list, unknown) = Watchlist::parse(&["CN", "cn", "ZZ", "nine-eyes", "ZZ", "CN"]);
        assert_eq!(list.entries(), &[Entry::Country("CN")]);
        assert_eq!(unknown, ["cn", "ZZ", "nine-eyes"]);
        assert!(!list.contains("ZZ"));
    }

    #[test]
    fn members_agree_with_contains() {
        for g in Group::ALL {
            let members = g.members();
            assert!(!members.is_empty(), "{}", g.id());
            for j in db::JURISDICTIONS.iter() {
                assert_eq!(
                    members.contains(&j.code),
                    g.contains(j.code),
                    "{} {}",
                    g.id(),
                    j.code
                );
            }
        }
        assert!(Group::FiveEyes.members() == ["AU", "CA", "GB", "NZ", "US"]);
        assert_eq!(
            w_filter(&["RU", "five-eyes"], &["US", "DE", "RU"]),
            ["US", "RU"]
        );
    }

    #[test]
    fn my_watchlist_stands_for_its_entries() {
        let mine = Watchlist::of(&["CN", "five-eyes"]);
        let (list, unknown) = Watchlist::parse_with(&["RU", MY_WATCHLIST, "ZZ"], &mine);
        assert_eq!(
            list.entries(),
            &[
                Entry::Country("RU"),
                Entry::Country("CN"),
                Entry::Group(Group::FiveEyes)
            ]
        );
        assert_eq!(unknown, ["ZZ"]);
        let (without, _) = Watchlist::parse_with(&["RU"], &mine);
        assert_eq!(without.entries(), &[Entry::Country("RU")]);
    }

    fn w_filter<'a>(items: &[&str], codes: &[&'a str]) -> Vec<&'a str> {
        Watchlist::of(items).filter(codes.iter().copied())
    }
}
