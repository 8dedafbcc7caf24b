//! Blocking rules: the person's blocking choices and the database compiled into the declarativeNetRequest rules that
//! the browsers enforce (docs/blocking.md), the session rules that pause blocking on a site, the counts of domains
//! each choice blocks, and the block list as a hosts file, an adblock list and the rules' JSON.
//!
//! One rule per blocked ultimate controller whose domains belong to several sites: `requestDomains` its blocked
//! domains, `excludedInitiatorDomains` its own domains (blocking Alphabet elsewhere never breaks youtube.com on
//! google.com). Controllers whose domains are all one site share rules: a request from that site to it is
//! first-party, and `domainType: "thirdParty"` (in every rule) already never blocks the page's own site. Main frames
//! are never blocked (`excludedResourceTypes: ["main_frame"]`); trusted sites get an `allowAllRequests` rule of a
//! higher priority, paused sites a session rule of a higher priority still.

use crate::db::{self, EntityIndex};
use crate::entity;
use crate::hash::{fnv1a, FnvMap};
use crate::settings::{site_of, Settings};
use crate::watchlist::{Group, Watchlist};
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A set of listed domains (the same map type as the database's domain index: one instance of its code in the
/// wasm).
type Set = FnvMap<&'static str, &'static str>;

fn set_of(domains: impl IntoIterator<Item = &'static str>) -> Set {
    domains.into_iter().map(|d| (d, d)).collect()
}

/// Version of the rules' layout: part of the fingerprint, so that a new layout replaces the installed rules.
pub const RULES_VERSION: u32 = 1;
/// Dynamic rules an extension may add: Firefox's `MAX_NUMBER_OF_DYNAMIC_RULES` (5,000; Chrome's is 30,000 for
/// block and allow rules, which Whither's all are).
pub const MAX_DYNAMIC_RULES: usize = 5_000;
/// Session rules an extension may add (`MAX_NUMBER_OF_SESSION_RULES`, 5,000 in both).
pub const MAX_SESSION_RULES: usize = 5_000;
/// Domains listed per rule at most (a bound of Whither's own: neither browser documents one for domain lists, and
/// smaller rules keep an update's message small).
pub const MAX_DOMAINS_PER_RULE: usize = 1_000;
/// Sites paused at once at most.
pub const MAX_PAUSED_SITES: usize = 1_000;
pub const BLOCK_PRIORITY: u32 = 1;
pub const TRUST_PRIORITY: u32 = 2;
pub const PAUSE_PRIORITY: u32 = 3;

/// What to block: jurisdictions (countries and groups), companies (everything an entity controls), categories,
/// and the sites on which nothing is blocked.
#[derive(Clone, Debug, Default)]
pub struct Choice {
    pub jurisdictions: Watchlist,
    pub companies: Vec<EntityIndex>,
    pub categories: Vec<&'static str>,
    pub trusted_sites: Vec<String>,
}

/// An entry of a choice that the database does not know (`whither block` says which and exits with 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// `jurisdiction`, `group`, `company`, `category` or `site`.
    pub kind: &'static str,
    pub value: String,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known = match self.kind {
            "group" => {
                let ids: Vec<&str> = Group::ALL.iter().map(|g| g.id()).collect();
                format!(" (groups: {})", ids.join(", "))
            }
            "jurisdiction" => " (an ISO 3166-1 alpha-2 code, upper case)".to_string(),
            "company" => " (an entity id: `whither db show ID`)".to_string(),
            "category" => format!(" (categories: {})", db::categories().join(", ")),
            _ => String::new(),
        };
        write!(f, "unknown {} {:?}{known}", self.kind, self.value)
    }
}

impl Choice {
    /// The choice named by lists of codes, group ids, entity ids, categories and sites; every entry that is not
    /// known is returned as an error.
    pub fn parse<S: AsRef<str>>(
        jurisdictions: &[S],
        groups: &[S],
        companies: &[S],
        categories: &[S],
        trusted_sites: &[S],
    ) -> Result<Choice, Vec<Unknown>> {
        let mut unknown = Vec::new();
        let mut bad = |kind: &'static str, value: &str| {
            unknown.push(Unknown {
                kind,
                value: value.to_string(),
            })
        };
        let mut items: Vec<&str> = Vec::new();
        for j in jurisdictions.iter().map(AsRef::as_ref) {
            match db::jurisdiction(j) {
                Some(_) => items.push(j),
                None => bad("jurisdiction", j),
            }
        }
        for g in groups.iter().map(AsRef::as_ref) {
            match Group::parse(g) {
                Some(_) => items.push(g),
                None => bad("group", g),
            }
        }
        let mut choice = Choice {
            jurisdictions: Watchlist::of(&items),
            ..Choice::default()
        };
        for c in companies.iter().map(AsRef::as_ref) {
            match db::entity_by_id(c) {
                Some(i) if !choice.companies.contains(&i) => choice.companies.push(i),
                Some(_) => {}
                None => bad("company", c),
            }
        }
        let known = db::categories();
        for c in categories.iter().map(AsRef::as_ref) {
            match known.iter().find(|k| **k == c) {
                Some(k) if !choice.categories.contains(k) => choice.categories.push(k),
                Some(_) => {}
                None => bad("category", c),
            }
        }
        for s in trusted_sites.iter().map(AsRef::as_ref) {
            match site_of(s) {
                Some(site) if !choice.trusted_sites.contains(&site) => {
                    choice.trusted_sites.push(site)
                }
                Some(_) => {}
                None => bad("site", s),
            }
        }
        if unknown.is_empty() {
            Ok(choice)
        } else {
            Err(unknown)
        }
    }

    /// What the settings block (nothing when blocking is off; their entries are valid already).
    pub fn of(settings: &Settings) -> Choice {
        if !settings.blocking.enabled {
            return Choice::default();
        }
        Choice::of_choices(settings)
    }

    /// What the settings' choices block, whether blocking is on or not (what the options page exports).
    pub fn of_choices(settings: &Settings) -> Choice {
        let b = &settings.blocking;
        let (jurisdictions, _) = Watchlist::parse_with(&b.jurisdictions, &settings.watchlist());
        let known = db::categories();
        Choice {
            jurisdictions,
            companies: b
                .companies
                .iter()
                .filter_map(|c| db::entity_by_id(c))
                .collect(),
            categories: b
                .categories
                .iter()
                .filter_map(|c| known.iter().find(|k| **k == c.as_str()).copied())
                .collect(),
            trusted_sites: b.trusted_sites.clone(),
        }
    }

    /// Whether the choice blocks anything at all.
    pub fn is_empty(&self) -> bool {
        self.jurisdictions.is_empty() && self.companies.is_empty() && self.categories.is_empty()
    }

    fn blocks(&self, d: &Listed) -> bool {
        self.jurisdictions.contains(d.country)
            || self.companies.iter().any(|c| d.chain.contains(c))
            || d.categories.iter().any(|c| self.categories.contains(c))
    }
}

/// A listed domain with what blocking decides on.
#[derive(Clone, Copy, Debug)]
struct Listed {
    domain: &'static str,
    controller: EntityIndex,
    /// The controlling jurisdiction.
    country: &'static str,
    categories: &'static [&'static str],
    /// The owner first, the ultimate controller last.
    chain: &'static [EntityIndex],
}

/// Every listed domain of the database, sorted.
fn listed() -> Vec<Listed> {
    db::DOMAINS
        .iter()
        .filter_map(|rec| {
            let e = db::entity(rec.entity)?;
            let controller = entity::controller(rec.entity);
            Some(Listed {
                domain: rec.domain,
                controller,
                country: db::entity(controller)?.country,
                categories: if rec.categories.is_empty() {
                    e.categories
                } else {
                    rec.categories
                },
                chain: e.chain,
            })
        })
        .collect()
}

/// The nearest listed strict ancestor of each listed domain that has one (`a.b.example` → `b.example`).
fn parents(all: &[Listed]) -> FnvMap<&'static str, &'static str> {
    let names = set_of(all.iter().map(|d| d.domain));
    let mut out = FnvMap::default();
    for d in all {
        let mut rest = d.domain;
        while let Some(i) = rest.find('.') {
            rest = rest.get(i + 1..).unwrap_or("");
            if let Some((&name, _)) = names.get_key_value(rest) {
                out.insert(d.domain, name);
                break;
            }
        }
    }
    out
}

/// The listed strict ancestors of a domain, nearest first.
fn ancestors<'a>(
    parents: &'a FnvMap<&'static str, &'static str>,
    domain: &'static str,
) -> impl Iterator<Item = &'static str> + 'a {
    std::iter::successors(parents.get(domain).copied(), move |d| {
        parents.get(d).copied()
    })
}

/// One declarativeNetRequest rule (`Rule` of both browsers' APIs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct Rule {
    pub id: u32,
    pub priority: u32,
    pub action: Action,
    pub condition: Condition,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct Action {
    /// `block` or `allowAllRequests`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_initiator_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_resource_types: Vec<String>,
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn allow_all(id: u32, priority: u32, sites: &[String]) -> Rule {
    Rule {
        id,
        priority,
        action: Action {
            kind: "allowAllRequests".into(),
        },
        condition: Condition {
            request_domains: sites.to_vec(),
            resource_types: vec!["main_frame".into()],
            ..Condition::default()
        },
    }
}

/// The rules of a choice, and the domains they block.
#[derive(Clone, Debug, Default)]
pub struct BlockList {
    pub rules: Vec<Rule>,
    /// Every listed domain the choice blocks, sorted.
    pub domains: Vec<&'static str>,
    pub trusted_sites: Vec<String>,
}

/// The domains blocked per group of controllers that share rules, and the initiators the group's rules exclude.
struct RuleGroup {
    blocked: Vec<&'static str>,
    initiators: Vec<&'static str>,
}

/// Keeps the domains that no other of them covers (subdomains match their domain's entry).
fn covering(
    domains: &[&'static str],
    parents: &FnvMap<&'static str, &'static str>,
) -> Vec<&'static str> {
    let set = set_of(domains.iter().copied());
    domains
        .iter()
        .copied()
        .filter(|d| !ancestors(parents, d).any(|a| set.contains_key(a)))
        .collect()
}

/// What compiling a choice needs that no choice changes, built on first use and kept: the listed domains by
/// controller, their listed ancestors, and per controller whether its domains are one site's and the initiators
/// its rules exclude. (Building it took ~5 ms a compile; the options page compiles on every change.)
struct Prepared {
    /// By controller, then domain.
    by_controller: Vec<Listed>,
    parents: FnvMap<&'static str, &'static str>,
    /// The listed domains below another listed domain, sorted: the only ones a rule can exclude.
    listed_names: Vec<&'static str>,
    controllers: Vec<Controlled>,
}

/// The domains of one controller in `Prepared::by_controller`.
struct Controlled {
    range: std::ops::Range<usize>,
    one_site: bool,
    /// The outermost of the controller's domains (its rules do not apply on its own sites).
    initiators: Vec<&'static str>,
}

fn prepared() -> &'static Prepared {
    static PREPARED: OnceLock<Prepared> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let mut all = listed();
        let parents = parents(&all);
        let mut listed_names: Vec<&'static str> = all
            .iter()
            .map(|d| d.domain)
            .filter(|d| parents.contains_key(d))
            .collect();
        listed_names.sort_unstable();
        all.sort_unstable_by(|a, b| a.controller.cmp(&b.controller).then(a.domain.cmp(b.domain)));
        let mut controllers = Vec::new();
        let mut start = 0;
        for mine in all.chunk_by(|a, b| a.controller == b.controller) {
            let first = mine.first().and_then(|d| site_of(d.domain));
            let own: Vec<&'static str> = mine.iter().map(|d| d.domain).collect();
            controllers.push(Controlled {
                range: start..start + mine.len(),
                one_site: first.is_some() && mine.iter().all(|d| site_of(d.domain) == first),
                initiators: covering(&own, &parents),
            });
            start += mine.len();
        }
        Prepared {
            by_controller: all,
            parents,
            listed_names,
            controllers,
        }
    })
}

impl BlockList {
    /// Compiles a choice into rules (ids from 1: the trusted sites' rules, then the block rules); an error when
    /// the rules would not fit the browsers' limits.
    pub fn compile(choice: &Choice) -> Result<BlockList, String> {
        if choice.is_empty() {
            return Ok(BlockList::default());
        }
        let Prepared {
            by_controller,
            parents,
            listed_names,
            controllers,
        } = prepared();
        let mut domains = Vec::new();
        // Controllers of one site share the first group; every other controller has its own.
        let mut groups = vec![RuleGroup {
            blocked: Vec::new(),
            initiators: Vec::new(),
        }];
        for c in controllers {
            let list: Vec<&'static str> = by_controller
                .get(c.range.clone())
                .unwrap_or_default()
                .iter()
                .filter(|d| choice.blocks(d))
                .map(|d| d.domain)
                .collect();
            if list.is_empty() {
                continue;
            }
            domains.extend(list.iter().copied());
            match groups.first_mut() {
                Some(shared) if c.one_site => shared.blocked.extend(list),
                _ => groups.push(RuleGroup {
                    blocked: list,
                    initiators: c.initiators.clone(),
                }),
            }
        }
        domains.sort_unstable();
        let mut rules: Vec<Rule> = Vec::new();
        let mut id = 0u32;
        let mut next_id = || {
            id += 1;
            id
        };
        for chunk in choice.trusted_sites.chunks(MAX_DOMAINS_PER_RULE) {
            rules.push(allow_all(next_id(), TRUST_PRIORITY, chunk));
        }
        for group in groups.iter().filter(|g| !g.blocked.is_empty()) {
            for (request, excluded) in layers(group, listed_names, parents) {
                for chunk in request.chunks(MAX_DOMAINS_PER_RULE) {
                    let chunk_set = set_of(chunk.iter().copied());
                    let excluded: Vec<&str> = excluded
                        .iter()
                        .copied()
                        .filter(|e| ancestors(parents, e).any(|a| chunk_set.contains_key(a)))
                        .collect();
                    rules.push(Rule {
                        id: next_id(),
                        priority: BLOCK_PRIORITY,
                        action: Action {
                            kind: "block".into(),
                        },
                        condition: Condition {
                            request_domains: strings(chunk),
                            excluded_request_domains: strings(&excluded),
                            excluded_initiator_domains: strings(&group.initiators),
                            domain_type: Some("thirdParty".into()),
                            resource_types: Vec::new(),
                            excluded_resource_types: vec!["main_frame".into()],
                        },
                    });
                }
            }
        }
        if rules.len() > MAX_DYNAMIC_RULES {
            return Err(format!(
                "the choice needs {} rules, more than the {MAX_DYNAMIC_RULES} a browser allows",
                rules.len()
            ));
        }
        Ok(BlockList {
            rules,
            domains,
            trusted_sites: choice.trusted_sites.clone(),
        })
    }

    /// The rules as JSON (what `updateDynamicRules` adds), compact.
    pub fn rules_json(&self) -> String {
        serde_json::to_string(&self.rules).unwrap_or_default()
    }

    /// A fingerprint of the rules (and of their layout's version): equal fingerprints, equal rules.
    pub fn fingerprint(&self) -> String {
        let text = format!("{RULES_VERSION}\n{}", self.rules_json());
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// The rules as readable JSON (the DNR export, `whither block --format dnr`).
    pub fn dnr(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.rules).unwrap_or_default();
        out.push('\n');
        out
    }

    /// A hosts file: every blocked domain to `0.0.0.0`.
    pub fn hosts(&self) -> String {
        let mut out = String::from(
            "# Whither block list (hosts format). A hosts file blocks exactly these names, not their subdomains,\n\
             # and everywhere: the extension also never blocks a site's own requests or those of its owner's\n\
             # companies on it, nor anything on trusted sites.\n",
        );
        for d in &self.domains {
            out.push_str("0.0.0.0 ");
            out.push_str(d);
            out.push('\n');
        }
        out
    }

    /// An adblock-syntax list: `||domain^` per blocked domain, `@@||site^$document` per trusted site.
    pub fn adblock(&self) -> String {
        let mut out = String::from(
            "[Adblock Plus 2.0]\n! Title: Whither block list\n! Blocks these domains and their subdomains. The \
             extension also never blocks a site's own requests or those of its owner's companies on it.\n",
        );
        for d in &self.domains {
            out.push_str("||");
            out.push_str(d);
            out.push_str("^\n");
        }
        for s in &self.trusted_sites {
            out.push_str("@@||");
            out.push_str(s);
            out.push_str("^$document\n");
        }
        out
    }

    /// The list in a format of `whither block --format`: `dnr`, `hosts` or `adblock`.
    pub fn export(&self, format: &str) -> Option<String> {
        match format {
            "dnr" => Some(self.dnr()),
            "hosts" => Some(self.hosts()),
            "adblock" => Some(self.adblock()),
            _ => None,
        }
    }
}

/// The rules of a group: (request domains, excluded request domains) per layer. A listed subdomain that the group
/// does not block is excluded from its domain's rule; a domain the group blocks below such a subdomain goes into a
/// further layer (an exclusion takes precedence over a request domain within one rule).
fn layers(
    group: &RuleGroup,
    listed_names: &[&'static str],
    parents: &FnvMap<&'static str, &'static str>,
) -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    let in_group = set_of(group.blocked.iter().copied());
    let mut pending: Vec<&'static str> = group.blocked.clone();
    pending.sort_unstable();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let now = set_of(pending.iter().copied());
        // Below a domain of this layer, above it a listed domain the group does not block: a later layer.
        let (conflicts, layer): (Vec<&'static str>, Vec<&'static str>) =
            pending.iter().copied().partition(|d| {
                let mut outside = false;
                ancestors(parents, d).any(|a| {
                    outside |= !in_group.contains_key(a);
                    outside && now.contains_key(a)
                })
            });
        let layer_set = set_of(layer.iter().copied());
        let excluded: Vec<&'static str> = listed_names
            .iter()
            .copied()
            .filter(|e| {
                !in_group.contains_key(e)
                    && ancestors(parents, e).any(|a| layer_set.contains_key(a))
            })
            .collect();
        // Only the outermost of the domains of each kind is needed (subdomains match).
        let excluded = covering(&excluded, parents);
        let excluded_set = set_of(excluded.iter().copied());
        let request: Vec<&'static str> = layer
            .iter()
            .copied()
            .filter(|d| {
                // Covered by a domain of the layer with no exclusion in between.
                !ancestors(parents, d)
                    .take_while(|a| !excluded_set.contains_key(a))
                    .any(|a| layer_set.contains_key(a))
            })
            .collect();
        out.push((request, excluded));
        if conflicts.len() == pending.len() {
            break; // cannot happen (the outermost domains never conflict); never loop forever
        }
        pending = conflicts;
    }
    out
}

/// The sites on which blocking is paused (storage.session, docs/blocking.md): until the person resumes it, or the
/// browser restarts, or Whither is reloaded or updated (the browser forgets session rules then). Stored as text, one
/// site a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paused {
    pub sites: Vec<String>,
}

impl Paused {
    /// The paused sites of a stored value; lines that are not sites are left out.
    pub fn parse(text: &str) -> Paused {
        let mut sites: Vec<String> = Vec::new();
        for s in text.lines().filter_map(site_of) {
            if !sites.contains(&s) && sites.len() < MAX_PAUSED_SITES {
                sites.push(s);
            }
        }
        Paused { sites }
    }

    /// Pauses or resumes blocking on a site; an error for something that is not a site.
    pub fn set(&mut self, site: &str, paused: bool) -> Result<(), String> {
        let site = site_of(site).ok_or_else(|| format!("{site:?} is not a site"))?;
        let at = self.sites.iter().position(|s| *s == site);
        match (paused, at) {
            (true, None) if self.sites.len() < MAX_PAUSED_SITES => self.sites.push(site),
            (true, None) => return Err(format!("{MAX_PAUSED_SITES} sites are paused already")),
            (false, Some(i)) => {
                self.sites.remove(i);
            }
            _ => {}
        }
        Ok(())
    }

    pub fn contains(&self, site: &str) -> bool {
        self.sites.iter().any(|s| s == site)
    }

    /// The stored form: one site a line.
    pub fn to_text(&self) -> String {
        self.sites.join("\n")
    }

    /// The session rules: `allowAllRequests` for the paused sites' pages, above every dynamic rule.
    pub fn rules(&self) -> Vec<Rule> {
        self.sites
            .chunks(MAX_DOMAINS_PER_RULE)
            .zip(1u32..)
            .map(|(chunk, id)| allow_all(id, PAUSE_PRIORITY, chunk))
            .collect()
    }
}

/// How many listed domains each choice blocks (the options page's counts).
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub by_country: BTreeMap<&'static str, usize>,
    pub by_category: BTreeMap<&'static str, usize>,
    /// Per entity: the domains of the entities it controls (itself included).
    pub by_entity: Vec<usize>,
}

impl Counts {
    pub fn new() -> Counts {
        let mut counts = Counts {
            by_entity: vec![0; db::ENTITIES.len()],
            ..Counts::default()
        };
        for d in &prepared().by_controller {
            *counts.by_country.entry(d.country).or_default() += 1;
            for c in d.categories {
                *counts.by_category.entry(c).or_default() += 1;
            }
            for &e in d.chain {
                if let Some(n) = counts.by_entity.get_mut(usize::from(e)) {
                    *n += 1;
                }
            }
        }
        counts
    }

    /// The domains a group blocks: those of its members (each domain has one controlling jurisdiction).
    pub fn group(&self, group: Group) -> usize {
        group
            .members()
            .iter()
            .map(|c| self.by_country.get(c).copied().unwrap_or(0))
            .sum()
    }

    pub fn entity(&self, entity: EntityIndex) -> usize {
        self.by_entity
            .get(usize::from(entity))
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
