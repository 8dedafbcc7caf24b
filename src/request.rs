//! Data-access requests to the companies that received a page's (or a period's) requests: the law that applies to
//! the person, one request per controller with a privacy contact (de-duplicated by the entity whose contact it is),
//! with the services of that controller seen, the identifiers it may need and the letter; and the companies without
//! a known contact. The request page's view (docs/requests.md) and `whither request` are built here.

use crate::calendar::Date;
use crate::contact::{self, ContactView};
use crate::db::{self, EntityIndex};
use crate::entity;
use crate::history::History;
use crate::letter::{
    self, AccessFacts, Identifiers, Lang, Law, LetterText, Requester, Seen, Service,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bounds on what the page passes in (a report's companies are bounded by the tracker's host cap anyway).
pub const MAX_COMPANIES: usize = 5_000;
pub const MAX_HOSTS: usize = 5_000;
pub const MAX_TEXT: usize = 4_000;

/// Cuts untrusted text to `max` characters.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// What the requests are about: a report (`docs/report-format.md`: `page.url`, `companies[].id/hosts` and
/// `hosts[].host/domain` are read, the rest ignored), or the sources of a period of the history
/// ([`period_sources`], the same shape), or nothing (`{}`).
#[derive(Debug, Default, Deserialize)]
pub struct Sources {
    #[serde(default)]
    page: Option<PageRef>,
    #[serde(default)]
    period: Option<PeriodRef>,
    #[serde(default)]
    companies: Vec<CompanyRef>,
    /// The hosts with their registrable domains (the report's host rows).
    #[serde(default)]
    hosts: Vec<HostRef>,
}

#[derive(Debug, Deserialize, Serialize)]
struct HostRef {
    host: String,
    #[serde(default)]
    domain: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct PageRef {
    #[serde(default)]
    url: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct PeriodRef {
    from: String,
    to: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct CompanyRef {
    id: String,
    #[serde(default)]
    hosts: Vec<String>,
}

impl Sources {
    /// Parses the JSON of a report or of a period's sources; `""` and `null` are no sources.
    pub fn parse(json: &str) -> Result<Sources, String> {
        if json.trim().is_empty() || json.trim() == "null" {
            return Ok(Sources::default());
        }
        let mut s: Sources = serde_json::from_str(json).map_err(|e| format!("bad sources: {e}"))?;
        s.companies.truncate(MAX_COMPANIES);
        s.hosts.truncate(MAX_HOSTS);
        Ok(s)
    }

    fn seen(&self, today: Date) -> Result<Seen, String> {
        if let Some(p) = &self.period {
            let from = Date::parse(&p.from)?;
            let to = Date::parse(&p.to)?;
            return Ok(Seen::Period {
                from,
                to: to.max(from),
            });
        }
        match &self.page {
            Some(p) if !p.url.is_empty() => Ok(Seen::Page {
                url: bounded(&p.url, MAX_TEXT),
                date: today,
            }),
            _ => Ok(Seen::Nowhere),
        }
    }

    /// The registrable domain of a host, as the report gave it.
    fn domain_of(&self, host: &str) -> Option<&str> {
        self.hosts
            .iter()
            .find(|h| h.host == host)
            .and_then(|h| h.domain.as_deref())
            .filter(|d| is_host_name(d))
    }
}

/// A host name as the core's reports write them (lower-case letters, digits, dots, dashes; IPv6 in brackets):
/// anything else the page passes in is dropped.
fn is_host_name(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':')
        })
}

/// The companies of a period of the history (`from..=to`, day numbers) with the hosts of theirs that were
/// contacted, as the sources of requests: `{"period": {"from", "to"}, "companies": [{"id", "hosts"}]}`, most
/// requests first.
pub fn period_sources(history: &History, from: u32, to: u32) -> String {
    let keep = vec![true; history.names.len()];
    let pairs = history.pairs(from, to, &keep, true, false).pairs;
    // entity → (requests, hosts)
    let mut by_entity: Vec<(EntityIndex, u64, Vec<String>)> = Vec::new();
    let mut host_rows: Vec<HostRef> = Vec::new();
    for pair in &pairs {
        let Some(name) = history.name(pair.host()) else {
            continue;
        };
        let Some(owner) = name.owner else {
            continue;
        };
        let i = match by_entity.iter().position(|(e, _, _)| *e == owner.entity) {
            Some(i) => i,
            None => {
                by_entity.push((owner.entity, 0, Vec::new()));
                by_entity.len() - 1
            }
        };
        if let Some((_, requests, hosts)) = by_entity.get_mut(i) {
            *requests = requests.saturating_add(pair.sum.count.requests);
            if hosts.len() < MAX_HOSTS && !hosts.contains(&name.name) {
                hosts.push(name.name.clone());
                if host_rows.len() < MAX_HOSTS {
                    host_rows.push(HostRef {
                        host: name.name.clone(),
                        domain: name.domain.clone(),
                    });
                }
            }
        }
    }
    by_entity.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let day = |d: u32| Date::from_day_number(d).unwrap_or(Date::LAST).to_string();
    let companies: Vec<CompanyRef> = by_entity
        .into_iter()
        .filter_map(|(e, _, hosts)| {
            Some(CompanyRef {
                id: db::entity(e)?.id.to_string(),
                hosts,
            })
        })
        .collect();
    #[derive(Serialize)]
    struct Out {
        period: PeriodRef,
        companies: Vec<CompanyRef>,
        hosts: Vec<HostRef>,
    }
    serde_json::to_string(&Out {
        period: PeriodRef {
            from: day(from),
            to: day(to.max(from)),
        },
        companies,
        hosts: host_rows,
    })
    .unwrap_or_default()
}

/// What the page (or the CLI) asks for.
#[derive(Debug, Default, Deserialize)]
pub struct Options {
    /// Only the request to this company's controller (an entity id).
    #[serde(default)]
    pub company: Option<String>,
    /// A law chosen by the person instead of the one of their home.
    #[serde(default)]
    pub law: Option<String>,
    /// The home jurisdiction (settings `home`, ISO alpha-2).
    #[serde(default)]
    pub home: String,
    /// Whether a person with a US home lives in California (unknown: None).
    #[serde(default)]
    pub california: Option<bool>,
    /// The language of the letters (`en`, `de`, `zh_CN`, or a browser locale); English when unknown.
    #[serde(default)]
    pub lang: String,
    /// Today, `YYYY-MM-DD` (the shell's local date).
    pub today: String,
    #[serde(default)]
    pub requester: RequesterInput,
    /// Identifier values the person typed in, by request key (the contact's entity id).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize, Serialize, Clone, PartialEq, Eq)]
pub struct RequesterInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact: String,
}

impl RequesterInput {
    pub fn requester(&self) -> Requester {
        Requester {
            name: bounded(self.name.trim(), 200),
            contact: bounded(self.contact.trim(), MAX_TEXT),
        }
    }
}

/// The region (ISO 3166-2) a home and the California answer give.
pub fn region(home: &str, california: Option<bool>) -> Option<&'static str> {
    (home == "US" && california == Some(true)).then_some("US-CA")
}

/// The law for the person: the one asked for, else the one of their home; an unknown law is an error.
pub fn choose_law(
    home: &str,
    california: Option<bool>,
    asked: Option<&str>,
) -> Result<Law, String> {
    match asked.filter(|a| !a.is_empty()) {
        Some(id) => Law::parse(id).ok_or_else(|| {
            let ids: Vec<&str> = Law::ALL.iter().map(|l| l.id()).collect();
            format!("unknown law {id:?} (one of {})", ids.join(", "))
        }),
        None => Ok(letter::law_for_home(home, region(home, california))),
    }
}

/// A law as the page shows it.
#[derive(Debug, Serialize)]
pub struct LawView {
    pub id: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub right: &'static str,
    pub deadline_basis: &'static str,
    pub extension_basis: Option<&'static str>,
    pub sources: &'static [contact::Source],
}

impl LawView {
    pub fn of(law: Law) -> LawView {
        let r = law.rule();
        LawView {
            id: r.id,
            name: r.name,
            title: r.title,
            right: r.right,
            deadline_basis: r.deadline_basis,
            extension_basis: r.extension_basis,
            sources: r.sources,
        }
    }
}

/// Where the services were seen, as the page shows it.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SeenView {
    Page { url: String, date: Date },
    Period { from: Date, to: Date },
    Company,
}

impl From<&Seen> for SeenView {
    fn from(s: &Seen) -> SeenView {
        match s {
            Seen::Page { url, date } => SeenView::Page {
                url: url.clone(),
                date: *date,
            },
            Seen::Period { from, to } => SeenView::Period {
                from: *from,
                to: *to,
            },
            Seen::Nowhere => SeenView::Company,
        }
    }
}

/// One prepared request: to the contact of one controller.
#[derive(Debug, Serialize)]
pub struct PreparedRequest {
    /// The entity whose privacy contact this is: the key the requests are de-duplicated by.
    pub key: &'static str,
    pub contact: ContactView,
    /// The controller's companies seen, with their hosts.
    pub services: Vec<Service>,
    pub identifiers: Identifiers,
    pub letter: LetterText,
    /// Where the e-mail goes (the privacy e-mail, else the DPO's, else the representative's), if anywhere.
    pub to: Option<&'static str>,
    pub mailto: Option<String>,
    pub deadline: Date,
    /// What the page passes to `requestsRecord` once the person sends it (JSON).
    pub entry: String,
}

/// A controller without a known privacy contact.
#[derive(Debug, Serialize)]
pub struct NoContact {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub privacy_policy: Option<&'static str>,
    pub services: Vec<Service>,
}

/// The request page's view.
#[derive(Debug, Serialize)]
pub struct RequestView {
    pub law: LawView,
    /// The law of the person's home (the page's default choice).
    pub home_law: &'static str,
    /// Every law the page offers.
    pub laws: Vec<&'static str>,
    pub home: String,
    /// A US home whose state is not known yet: the page asks whether the person lives in California.
    pub needs_california: bool,
    pub lang: &'static str,
    pub today: Date,
    pub seen: SeenView,
    pub requests: Vec<PreparedRequest>,
    pub without_contact: Vec<NoContact>,
}

/// Categories of companies that usually know a browser by cookies or device identifiers.
const TRACKING: &[&str] = &[
    "advertising",
    "analytics",
    "tag-management",
    "session-replay",
    "data-broker",
    "ad-fraud",
    "marketing",
    "social",
    "identity",
    "consent",
    "customer-support",
    "comments",
    "embedded-content",
    "video",
    "audio",
    "captcha",
    "security",
];
/// Categories of companies where people commonly have an account.
const ACCOUNTS: &[&str] = &[
    "social",
    "e-commerce",
    "email",
    "identity",
    "video",
    "audio",
    "search",
    "gaming",
    "dating",
    "payments",
];

/// The identifiers a controller may need, from its companies seen (or the company itself) and the registrable
/// domains of their hosts.
fn identifiers_for(
    sources: &Sources,
    entities: &[EntityIndex],
    services: &[Service],
    values: &str,
) -> Identifiers {
    let categories: Vec<&str> = entities
        .iter()
        .filter_map(|&i| db::entity(i))
        .flat_map(|e| e.categories.iter().copied())
        .collect();
    let tracking = categories.iter().any(|c| TRACKING.contains(c));
    let mut cookie_domains: Vec<String> = Vec::new();
    if tracking {
        for host in services.iter().flat_map(|s| &s.hosts) {
            if let Some(d) = sources.domain_of(host) {
                if !cookie_domains.iter().any(|c| c == d) && cookie_domains.len() < 20 {
                    cookie_domains.push(d.to_string());
                }
            }
        }
    }
    Identifiers {
        cookies: tracking,
        cookie_domains,
        ip: true,
        account: categories.iter().any(|c| ACCOUNTS.contains(c)),
        values: bounded(values, MAX_TEXT),
    }
}

/// The address for the e-mail of a request under `law`.
fn email_for(c: &ContactView, law: Law) -> Option<&'static str> {
    let rep = match law {
        Law::Gdpr => c.eu_representative,
        Law::UkGdpr => c.uk_representative,
        _ => None,
    };
    c.email.or(c.dpo_email).or(rep.and_then(|r| r.email))
}

/// What the request page records when the person sends a request (validated again by `request_list::record`).
#[derive(Debug, Deserialize, Serialize)]
pub struct Entry {
    pub company: String,
    pub law: String,
    pub lang: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub services: Vec<Service>,
}

/// A group of the sources' companies that share one privacy contact (or one controller, without a contact).
struct Group {
    entities: Vec<EntityIndex>,
    services: Vec<Service>,
}

fn add_company(
    groups: &mut Vec<(EntityIndex, Group)>,
    key: EntityIndex,
    entity: EntityIndex,
    hosts: &[String],
) {
    let Some(e) = db::entity(entity) else {
        return;
    };
    // Host names only (the page's list is shown as text and nothing else).
    let hosts: Vec<String> = hosts
        .iter()
        .take(MAX_HOSTS)
        .filter(|h| is_host_name(h))
        .cloned()
        .collect();
    let i = match groups.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            groups.push((
                key,
                Group {
                    entities: Vec::new(),
                    services: Vec::new(),
                },
            ));
            groups.len() - 1
        }
    };
    if let Some((_, g)) = groups.get_mut(i) {
        if !g.entities.contains(&entity) {
            g.entities.push(entity);
            g.services.push(Service {
                id: e.id.to_string(),
                name: e.name.to_string(),
                hosts,
            });
        } else if let Some(s) = g.services.iter_mut().find(|s| s.id == e.id) {
            for h in hosts {
                if !s.hosts.contains(&h) {
                    s.hosts.push(h);
                }
            }
        }
    }
}

/// The request page's view of `sources` for the person described by `options`.
pub fn view(sources: &Sources, options: &Options) -> Result<RequestView, String> {
    let today = Date::parse(&options.today)?;
    let home = options.home.trim().to_ascii_uppercase();
    let home = if home.len() == 2 && home.chars().all(|c| c.is_ascii_uppercase()) {
        home
    } else {
        String::new()
    };
    let law = choose_law(&home, options.california, options.law.as_deref())?;
    let home_law = letter::law_for_home(&home, region(&home, options.california));
    let lang = Lang::parse(&options.lang).unwrap_or(Lang::En);
    let seen = sources.seen(today)?;
    let only = match options.company.as_deref().filter(|c| !c.is_empty()) {
        Some(id) => Some(db::entity_by_id(id).ok_or_else(|| format!("unknown company {id:?}"))?),
        None => None,
    };

    // Companies grouped by their contact (or, without one, by their controller).
    let mut with: Vec<(EntityIndex, Group)> = Vec::new();
    let mut without: Vec<(EntityIndex, Group)> = Vec::new();
    let add = |with: &mut Vec<(EntityIndex, Group)>,
               without: &mut Vec<(EntityIndex, Group)>,
               entity,
               hosts: &[String]| {
        match contact::for_entity(entity) {
            Some(c) => add_company(with, c.entity, entity, hosts),
            None => add_company(without, entity::controller(entity), entity, hosts),
        }
    };
    for c in &sources.companies {
        if let Some(i) = db::entity_by_id(&c.id) {
            add(&mut with, &mut without, i, &c.hosts);
        }
    }
    if let Some(only) = only {
        let key = contact::for_entity(only).map(|c| c.entity);
        let controller = entity::controller(only);
        with.retain(|(k, _)| Some(*k) == key);
        without.retain(|(k, _)| key.is_none() && *k == controller);
        if with.is_empty() && without.is_empty() {
            add(&mut with, &mut without, only, &[]);
        }
    }

    let requester = options.requester.requester();
    let deadline = law.deadline(today);
    let mut requests = Vec::new();
    for (key, group) in with {
        let Some(c) = contact::own(key).and_then(ContactView::of) else {
            continue;
        };
        let values = options.values.get(c.entity).map_or("", String::as_str);
        let ids = identifiers_for(sources, &group.entities, &group.services, values);
        let block = c.recipient();
        let letter = letter::access_letter(
            law,
            lang,
            &AccessFacts {
                date: today,
                controller_name: c.controller,
                controller_block: &block,
                seen: &seen,
                services: &group.services,
                identifiers: &ids,
                requester: &requester,
            },
        );
        let to = email_for(&c, law);
        let (page, from, until) = match &seen {
            Seen::Page { url, .. } => (Some(url.clone()), None, None),
            Seen::Period { from, to } => (None, Some(from.to_string()), Some(to.to_string())),
            Seen::Nowhere => (None, None, None),
        };
        let entry = serde_json::to_string(&Entry {
            company: c.entity.to_string(),
            law: law.id().to_string(),
            lang: lang.id().to_string(),
            page,
            from,
            to: until,
            services: group.services.clone(),
        })
        .unwrap_or_default();
        requests.push(PreparedRequest {
            key: c.entity,
            mailto: to.map(|t| letter::mailto(t, &letter)),
            to,
            contact: c,
            services: group.services,
            identifiers: ids,
            letter,
            deadline,
            entry,
        });
    }
    let without_contact = without
        .into_iter()
        .filter_map(|(key, group)| {
            let e = db::entity(key)?;
            Some(NoContact {
                id: e.id,
                name: e.name,
                country: e.country,
                privacy_policy: group
                    .entities
                    .iter()
                    .find_map(|&i| contact::privacy_policy(i))
                    .or_else(|| contact::privacy_policy(key)),
                services: group.services,
            })
        })
        .collect();
    Ok(RequestView {
        law: LawView::of(law),
        home_law: home_law.id(),
        laws: Law::ALL.iter().map(|l| l.id()).collect(),
        needs_california: home == "US" && options.california.is_none(),
        home,
        lang: lang.id(),
        today,
        seen: SeenView::from(&seen),
        requests,
        without_contact,
    })
}

/// [`view`] from JSON (the wasm binding's and the CLI's form).
pub fn view_json(sources: &str, options: &str) -> Result<String, String> {
    let sources = Sources::parse(sources)?;
    let options: Options =
        serde_json::from_str(options).map_err(|e| format!("bad options: {e}"))?;
    let view = view(&sources, &options)?;
    serde_json::to_string(&view).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(extra: &str) -> Options {
        let json = format!(r#"{{"home": "DE", "lang": "en", "today": "2026-12-05"{extra}}}"#);
        serde_json::from_str(&json).unwrap_or_default()
    }

    fn report(companies: &[(&str, &[&str])]) -> Sources {
        let domain = |h: &str| crate::host::parse(h).ok().and_then(|h| h.domain);
        let hosts: Vec<serde_json::Value> = companies
            .iter()
            .flat_map(|(_, hosts)| hosts.iter())
            .map(|h| serde_json::json!({"host": h, "domain": domain(h), "requests": 1, "party": "third"}))
            .collect();
        let companies: Vec<serde_json::Value> = companies
            .iter()
            .map(|(id, hosts)| serde_json::json!({"id": id, "name": "ignored", "hosts": hosts, "requests": 3}))
            .collect();
        let json = serde_json::json!({"schema": 1, "page": {"url": "https://news.example/a", "host": "news.example"},
            "totals": {}, "companies": companies, "hosts": hosts});
        Sources::parse(&json.to_string()).unwrap_or_default()
    }

    #[test]
    fn one_request_per_contact_and_the_companies_without_one() {
        let sources = report(&[
            (
                "google",
                &["www.google-analytics.com", "fonts.googleapis.com"],
            ),
            ("xandr", &["ib.adnxs.com"]),
            ("microsoft", &["c.bing.com"]),
            ("sonobi", &["apex.go.sonobi.com"]),
            ("no-such-entity", &["x.example"]),
        ]);
        let v = view(&sources, &options("")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.law.id, "gdpr");
        assert_eq!(v.home_law, "gdpr");
        let keys: Vec<&str> = v.requests.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            ["google", "microsoft"],
            "Xandr's request goes to Microsoft, once"
        );
        let ms = &v.requests[1];
        let names: Vec<&str> = ms.services.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(names, ["xandr", "microsoft"]);
        assert_eq!(ms.services[0].hosts, ["ib.adnxs.com"]);
        assert!(ms.letter.body.contains("ib.adnxs.com") && ms.letter.body.contains("c.bing.com"));
        assert!(ms
            .identifiers
            .cookie_domains
            .contains(&"adnxs.com".to_string()));
        let google = &v.requests[0];
        assert_eq!(google.contact.controller, "Google Ireland Limited");
        assert_eq!(google.to, Some("data-access-requests@google.com"));
        assert!(google
            .mailto
            .as_deref()
            .is_some_and(|m| m.starts_with("mailto:data-access-requests@google.com?subject=")));
        assert_eq!(google.deadline.to_string(), "2027-01-05");
        assert!(google.letter.body.contains("https://news.example/a"));
        assert!(google.letter.body.contains("5 January 2027"));
        let entry: Entry = serde_json::from_str(&google.entry).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (entry.company.as_str(), entry.law.as_str()),
            ("google", "gdpr")
        );
        let without: Vec<&str> = v.without_contact.iter().map(|n| n.id).collect();
        assert_eq!(without, ["sonobi"]);
    }

    #[test]
    fn what_is_not_a_host_name_is_dropped() {
        let sources = report(&[(
            "google",
            &["www.google-analytics.com", "<b>x</b>", "", "A.example"],
        )]);
        let v = view(&sources, &options("")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            v.requests[0].services[0].hosts,
            ["www.google-analytics.com"]
        );
        assert_eq!(
            v.requests[0].identifiers.cookie_domains,
            ["google-analytics.com"]
        );
    }

    #[test]
    fn one_company_alone_and_the_law_of_the_home() {
        let sources = report(&[
            ("google", &["www.google-analytics.com"]),
            ("xandr", &["ib.adnxs.com"]),
        ]);
        let v =
            view(&sources, &options(r#", "company": "xandr""#)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.requests.len(), 1);
        assert_eq!(v.requests[0].key, "microsoft");
        assert!(v.without_contact.is_empty());
        // A company without a contact: listed, with its privacy policy when the data has one.
        let v =
            view(&sources, &options(r#", "company": "sonobi""#)).unwrap_or_else(|e| panic!("{e}"));
        assert!(v.requests.is_empty());
        assert_eq!(v.without_contact.len(), 1);
        // A company that was not on the page: its request alone, no services section.
        let v = view(&Sources::default(), &options(r#", "company": "criteo""#))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.requests.len(), 1);
        assert!(matches!(v.seen, SeenView::Company));
        assert!(view(&sources, &options(r#", "company": "nope-zz""#)).is_err());
        // Homes.
        let us = |extra: &str| {
            let json = format!(r#"{{"home": "US", "lang": "de", "today": "2026-12-05"{extra}}}"#);
            let o: Options = serde_json::from_str(&json).unwrap_or_default();
            view(&sources, &o).unwrap_or_else(|e| panic!("{e}"))
        };
        let v = us("");
        assert_eq!(
            (v.law.id, v.needs_california, v.lang),
            ("generic", true, "de")
        );
        let v = us(r#", "california": true"#);
        assert_eq!((v.law.id, v.needs_california), ("ccpa", false));
        assert_eq!(v.requests[0].deadline.to_string(), "2027-01-19");
        let v = us(r#", "california": false, "law": "gdpr""#);
        assert_eq!((v.law.id, v.home_law), ("gdpr", "generic"));
        assert!(view(&sources, &options(r#", "law": "hipaa""#)).is_err());
        assert!(view(&sources, &options(r#", "today": "yesterday""#)).is_err());
    }

    #[test]
    fn a_period_names_its_dates_and_the_values_typed_in() {
        let json = r#"{"period": {"from": "2026-11-01", "to": "2026-11-30"},
            "companies": [{"id": "google", "hosts": ["www.google-analytics.com"]}]}"#;
        let sources = Sources::parse(json).unwrap_or_default();
        let v = view(
            &sources,
            &options(r#", "values": {"google": "_ga=GA1.2.3"}, "requester": {"name": "Ann"}"#),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let body = &v.requests[0].letter.body;
        assert!(
            body.contains("1 November 2026") && body.contains("30 November 2026"),
            "{body}"
        );
        assert!(body.contains("_ga=GA1.2.3") && body.contains("Ann"));
        assert!(Sources::parse("[1,2").is_err());
        assert!(Sources::parse("").is_ok_and(|s| s.companies.is_empty()));
    }
}
