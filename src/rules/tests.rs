//! Tests of the rules' compilation: limits, exclusions, groups, unknown inputs, pause.

use super::*;

fn choice(j: &[&str], g: &[&str], c: &[&str], k: &[&str], t: &[&str]) -> Choice {
    match Choice::parse(j, g, c, k, t) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    }
}

fn compile(c: &Choice) -> BlockList {
    match BlockList::compile(c) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

/// Whether the rules block a request to `host` from a frame of `initiator` (the top document of a tab on site
/// `top`), as the browsers match them: the highest priority wins, and `allowAllRequests` on the main frame allows
/// everything in the tab.
fn blocked(rules: &[Rule], host: &str, initiator: &str, top: &str) -> bool {
    let under = |name: &str, list: &[String]| {
        list.iter()
            .any(|d| name == d || name.ends_with(&format!(".{d}")))
    };
    let site = |h: &str| site_of(h).unwrap_or_default();
    let mut best: Option<(u32, bool)> = None;
    for r in rules {
        let c = &r.condition;
        let matches = match r.action.kind.as_str() {
            "allowAllRequests" => under(top, &c.request_domains),
            _ => {
                under(host, &c.request_domains)
                    && !under(host, &c.excluded_request_domains)
                    && !under(initiator, &c.excluded_initiator_domains)
                    && (c.domain_type.as_deref() != Some("thirdParty")
                        || site(host) != site(initiator))
            }
        };
        if matches && best.is_none_or(|(p, _)| r.priority > p) {
            best = Some((r.priority, r.action.kind == "block"));
        }
    }
    best.is_some_and(|(_, block)| block)
}

#[test]
fn blocking_alphabet_never_breaks_its_own_sites() {
    let list = compile(&choice(&[], &[], &["alphabet"], &[], &[]));
    let r = &list.rules;
    assert!(blocked(
        r,
        "www.google-analytics.com",
        "www.news.example",
        "www.news.example"
    ));
    assert!(blocked(
        r,
        "stats.g.doubleclick.net",
        "www.news.example",
        "www.news.example"
    ));
    // youtube.com on google.com, and Google's analytics on YouTube: the same controller.
    assert!(!blocked(
        r,
        "www.youtube.com",
        "www.google.com",
        "www.google.com"
    ));
    assert!(!blocked(
        r,
        "www.google-analytics.com",
        "www.youtube.com",
        "www.youtube.com"
    ));
    // The page's own site.
    assert!(!blocked(
        r,
        "fonts.google.com",
        "www.google.com",
        "www.google.com"
    ));
    // Others are not touched.
    assert!(!blocked(
        r,
        "mc.yandex.ru",
        "www.news.example",
        "www.news.example"
    ));
    for rule in r {
        assert_eq!(
            rule.condition.excluded_resource_types,
            ["main_frame"],
            "main frames are never blocked"
        );
        assert_eq!(rule.condition.domain_type.as_deref(), Some("thirdParty"));
    }
}

#[test]
fn trusted_sites_allow_everything_on_them_only() {
    let list = compile(&choice(&["RU"], &[], &[], &[], &["news.example"]));
    let r = &list.rules;
    assert!(blocked(
        r,
        "mc.yandex.ru",
        "www.shop.example",
        "www.shop.example"
    ));
    assert!(!blocked(
        r,
        "mc.yandex.ru",
        "www.news.example",
        "www.news.example"
    ));
    // Also from a third party's frame on the trusted site.
    assert!(!blocked(
        r,
        "mc.yandex.ru",
        "ads.example",
        "www.news.example"
    ));
    let trust = r.first().map(|r| (r.action.kind.as_str(), r.priority));
    assert_eq!(trust, Some(("allowAllRequests", TRUST_PRIORITY)));
    assert_eq!(list.trusted_sites, ["news.example"]);
    // Pausing a site: a session rule above everything.
    let mut paused = Paused::default();
    assert!(paused.set("https://www.shop.example/a", true).is_ok());
    let mut all = r.clone();
    all.extend(paused.rules());
    assert!(!blocked(
        &all,
        "mc.yandex.ru",
        "www.shop.example",
        "www.shop.example"
    ));
    assert!(blocked(
        &all,
        "mc.yandex.ru",
        "www.other.example",
        "www.other.example"
    ));
    assert_eq!(Paused::parse(&paused.to_text()), paused);
    assert_eq!(Paused::parse("{\n10.0.0.1\n").sites.len(), 0);
    assert!(paused.set("10.0.0.1", true).is_err());
    assert!(paused.set("shop.example", false).is_ok() && paused.sites.is_empty());
}

#[test]
fn groups_and_categories_block_what_they_name() {
    let outside = compile(&choice(&[], &["outside-eea"], &[], &[], &[]));
    let r = &outside.rules;
    assert!(blocked(
        r,
        "mc.yandex.ru",
        "www.news.example",
        "www.news.example"
    ));
    assert!(blocked(
        r,
        "connect.facebook.net",
        "www.news.example",
        "www.news.example"
    ));
    assert!(
        !blocked(
            r,
            "static.criteo.net",
            "www.news.example",
            "www.news.example"
        ),
        "Criteo is French"
    );
    let ads = compile(&choice(&[], &[], &[], &["analytics"], &[]));
    assert!(blocked(
        &ads.rules,
        "mc.yandex.ru",
        "www.news.example",
        "www.news.example"
    ));
    assert!(ads.domains.len() < outside.domains.len());
    // The options page's counts agree with what the rules block.
    let counts = Counts::new();
    assert_eq!(counts.group(Group::OutsideEea), outside.domains.len());
    assert_eq!(
        counts.by_category.get("analytics").copied(),
        Some(ads.domains.len())
    );
    let ru = compile(&choice(&["RU"], &[], &[], &[], &[]));
    assert_eq!(counts.by_country.get("RU").copied(), Some(ru.domains.len()));
    let Some(alphabet) = db::entity_by_id("alphabet") else {
        panic!("alphabet")
    };
    let a = compile(&choice(&[], &[], &["alphabet"], &[], &[]));
    assert_eq!(counts.entity(alphabet), a.domains.len());
    assert!(BlockList::compile(&Choice::default()).is_ok_and(|b| b.rules.is_empty()));
}

#[test]
fn the_largest_choice_fits_both_browsers() {
    // Everything outside the EU/EEA, with a thousand trusted sites.
    let sites: Vec<String> = (0..MAX_DOMAINS_PER_RULE)
        .map(|i| format!("site{i}.example"))
        .collect();
    let sites: Vec<&str> = sites.iter().map(String::as_str).collect();
    let list = compile(&choice(
        &[],
        &["outside-eea", "no-adequacy"],
        &[],
        &[],
        &sites,
    ));
    assert!(
        list.rules.len() <= MAX_DYNAMIC_RULES,
        "{} rules",
        list.rules.len()
    );
    let mut ids: Vec<u32> = list.rules.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids, (1..=list.rules.len() as u32).collect::<Vec<_>>());
    for r in &list.rules {
        let c = &r.condition;
        assert!(!c.request_domains.is_empty() && c.request_domains.len() <= MAX_DOMAINS_PER_RULE);
        for d in c
            .request_domains
            .iter()
            .chain(&c.excluded_request_domains)
            .chain(&c.excluded_initiator_domains)
        {
            assert!(
                d.is_ascii() && !d.is_empty() && d == &d.to_ascii_lowercase(),
                "{d:?}"
            );
        }
    }
    // Every blocked domain is blocked by the rules, and every other listed domain is not.
    let blocked_set: std::collections::BTreeSet<&str> = list.domains.iter().copied().collect();
    for d in db::DOMAINS.iter() {
        let host = format!("x.{}", d.domain);
        let want = blocked_set.contains(d.domain)
            && db::owner(&crate::host::parse(&host).unwrap_or_else(|_| panic!("{host}")))
                .map(|o| o.domain)
                == Some(d.domain);
        if want {
            assert!(
                blocked(
                    &list.rules,
                    &host,
                    "www.elsewhere.example",
                    "www.elsewhere.example"
                ),
                "{host}"
            );
        }
    }
    // The JSON the browsers receive.
    let json = list.rules_json();
    let back: Vec<Rule> = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, list.rules);
    assert!(json.len() < 2_000_000, "{} bytes", json.len());
}

#[test]
fn every_listed_domain_is_blocked_as_its_owner_decides() {
    // Block each controller alone and check every listed domain's hosts against the owner lookup: nested domains
    // of other owners are excluded, and a controller's domain below them is blocked again.
    let all = listed();
    let parents = parents(&all);
    let nested: Vec<&Listed> = all
        .iter()
        .filter(|d| parents.contains_key(d.domain))
        .collect();
    for d in nested {
        let Some(parent) = parents.get(d.domain) else {
            continue;
        };
        let Some(p) = all.iter().find(|x| x.domain == *parent) else {
            continue;
        };
        if p.controller == d.controller {
            continue;
        }
        let Some(pc) = db::entity(p.controller) else {
            continue;
        };
        let list = compile(&choice(&[], &[], &[pc.id], &[], &[]));
        let host = format!("x.{}", d.domain);
        let owner_blocked = d.chain.contains(&p.controller);
        assert_eq!(
            blocked(
                &list.rules,
                &host,
                "www.elsewhere.example",
                "www.elsewhere.example"
            ),
            owner_blocked,
            "{host} under {parent} ({})",
            pc.id
        );
        assert!(blocked(
            &list.rules,
            &format!("x.{parent}"),
            "www.elsewhere.example",
            "www.elsewhere.example"
        ));
    }
}

#[test]
fn unknown_entries_are_errors_that_name_them() {
    let e = Choice::parse(
        &["ZZ", "RU"],
        &["nine-eyes"],
        &["no-such-company-zz"],
        &["astrology"],
        &["a..b"],
    )
    .err();
    let kinds: Vec<&str> = e.iter().flatten().map(|u| u.kind).collect();
    assert_eq!(
        kinds,
        ["jurisdiction", "group", "company", "category", "site"]
    );
    let text = e
        .iter()
        .flatten()
        .map(|u| u.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    assert!(
        text.contains("\"ZZ\"") && text.contains("five-eyes"),
        "{text}"
    );
}

#[test]
fn exports_name_every_blocked_domain_and_the_fingerprint_follows_the_rules() {
    let list = compile(&choice(&["RU"], &[], &[], &[], &["news.example"]));
    assert!(list.hosts().lines().any(|l| l == "0.0.0.0 yandex.ru"));
    assert!(list.adblock().lines().any(|l| l == "||yandex.ru^"));
    assert!(list
        .adblock()
        .lines()
        .any(|l| l == "@@||news.example^$document"));
    assert!(list.dnr().contains("\"requestDomains\""));
    assert_eq!(list.export("dnr"), Some(list.dnr()));
    assert_eq!(list.export("pdf"), None);
    let other = compile(&choice(&["CN"], &[], &[], &[], &[]));
    assert_ne!(list.fingerprint(), other.fingerprint());
    assert_eq!(
        list.fingerprint(),
        compile(&choice(&["RU"], &[], &[], &[], &["news.example"])).fingerprint()
    );
    assert_eq!(BlockList::default().fingerprint().len(), 16);
}
