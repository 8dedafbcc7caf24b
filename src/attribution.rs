//! Attribution of one host or URL: its owner, ownership chain, controller, jurisdiction and categories (what
//! `whither classify` prints and what the wasm `classify` returns).

use crate::db::{self, EntityIndex};
use crate::entity::{self, ChainLink, EntitySummary};
use crate::host::{self, Host};
use serde::Serialize;

/// The owner of a host, as found in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pub entity: EntityIndex,
    pub controller: EntityIndex,
    /// The listed domain or host that matched.
    pub matched: &'static str,
    pub categories: &'static [&'static str],
}

/// The owner of an already parsed host, if known.
pub fn owner(host: &Host) -> Option<Owner> {
    let rec = db::owner(host)?;
    let e = db::entity(rec.entity)?;
    let categories = if rec.categories.is_empty() {
        e.categories
    } else {
        rec.categories
    };
    Some(Owner {
        entity: rec.entity,
        controller: entity::controller(rec.entity),
        matched: rec.domain,
        categories,
    })
}

/// Words of a site's own infrastructure domains beside its brand (`bbci`, `ebayimg`, `bildstatic`, `zeit-cdn`,
/// `static-example`): the affixes of [`probably_own`].
const OWN_AFFIXES: [&str; 24] = [
    "cdn", "static", "img", "image", "images", "i", "media", "assets", "asset", "api", "cms",
    "video", "videos", "content", "files", "pics", "pic", "s", "st", "data", "web", "online",
    "live", "stream",
];

/// Whether an unknown host is probably the page's own, by a documented rule (docs/report-format.md, "Probably this
/// site's own"): the host's registrable domain, without its public suffix, is the page's (the label before the
/// page's public suffix, at least 3 letters) with one infrastructure affix of [`OWN_AFFIXES`] or digits before or
/// after it, joined directly or by a hyphen: `bbc.co.uk` → `bbci.co.uk`, `ebay.de` → `ebayimg.com`,
/// `bild.de` → `bildstatic.de`, `zeit.de` → `zeit-cdn.net`. The rule never gives an owner or a jurisdiction.
pub fn probably_own(page: &Host, host: &Host) -> bool {
    let (Some(page_domain), Some(host_domain)) = (page.domain.as_deref(), host.domain.as_deref())
    else {
        return false;
    };
    let brand = page_domain.split('.').next().unwrap_or("");
    let label = host_domain.split('.').next().unwrap_or("");
    if brand.len() < 3
        || label == brand
        || !brand
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return false;
    }
    let affix = |rest: &str| {
        let rest = rest
            .strip_prefix('-')
            .or_else(|| rest.strip_suffix('-'))
            .unwrap_or(rest);
        !rest.is_empty()
            && (OWN_AFFIXES.contains(&rest) || rest.bytes().all(|b| b.is_ascii_digit()))
    };
    label.strip_prefix(brand).is_some_and(affix) || label.strip_suffix(brand).is_some_and(affix)
}

/// One classified input.
#[derive(Clone, Debug, Serialize)]
pub struct Attribution {
    pub input: String,
    pub host: String,
    pub domain: Option<String>,
    pub kind: &'static str,
    pub entity: Option<EntitySummary>,
    pub chain: Vec<ChainLink>,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
    pub categories: Vec<&'static str>,
}

/// An input that cannot be a host.
#[derive(Clone, Debug, Serialize)]
pub struct Rejection {
    pub input: String,
    pub error: String,
}

/// Classifies a URL or host.
pub fn classify(input: &str) -> Result<Attribution, Rejection> {
    let host = host::parse(input).map_err(|e| Rejection {
        input: input.to_string(),
        error: e.to_string(),
    })?;
    Ok(attribute(input, &host))
}

pub fn attribute(input: &str, host: &Host) -> Attribution {
    attribute_owned(input, host, owner(host))
}

/// [`attribute`] with the host's owner already looked up.
pub fn attribute_owned(input: &str, host: &Host, owner: Option<Owner>) -> Attribution {
    Attribution {
        input: input.to_string(),
        host: host.name.clone(),
        domain: host.domain.clone(),
        kind: host.kind.as_str(),
        entity: owner.and_then(|o| entity::summary(o.entity)),
        chain: owner.map(|o| entity::chain(o.entity)).unwrap_or_default(),
        controller: owner.and_then(|o| db::entity(o.controller)).map(|e| e.id),
        jurisdiction: owner.and_then(|o| entity::jurisdiction(o.entity)),
        categories: owner.map(|o| o.categories.to_vec()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {

    fn parsed(h: &str) -> Host {
        host::parse(h).unwrap_or_else(|e| panic!("{h}: {e:?}"))
    }

    #[test]
    fn probably_own_takes_the_brand_with_an_infrastructure_affix_only() {
        for (page, h) in [
            ("www.bbc.co.uk", "static.files.bbci.co.uk"),
            ("www.ebay.de", "i.ebayimg.com"),
            ("www.bild.de", "bildstatic.de"),
            ("www.zeit.de", "img.zeit-cdn.net"),
            ("shop.example", "static-shop.net"),
            ("news.example", "news24.example"),
        ] {
            assert!(probably_own(&parsed(page), &parsed(h)), "{page} {h}");
        }
        for (page, h) in [
            ("www.bbc.co.uk", "www.bbc.co.uk"), // the same site: first party, not this rule
            ("www.time.com", "timezonedb.com"), // "zonedb" is no infrastructure affix
            ("www.ring.com", "ringcentral.com"),
            ("ab.example", "abcdn.example"), // a brand of two letters says nothing
            ("www.ebay.de", "ebay-kleinanzeigen.de"), // a brand of its own, for the data to say
            ("www.bbc.co.uk", "cdn.example"),
            ("192.0.2.1", "cdn192.example"),
        ] {
            assert!(!probably_own(&parsed(page), &parsed(h)), "{page} {h}");
        }
    }

    use super::*;

    #[test]
    fn classify_a_google_url() {
        let a = classify("https://www.google-analytics.com/g/collect?v=2").ok();
        let a = a.as_ref();
        assert_eq!(a.map(|a| a.host.as_str()), Some("www.google-analytics.com"));
        assert_eq!(
            a.and_then(|a| a.entity.as_ref()).map(|e| e.id),
            Some("google")
        );
        assert_eq!(a.and_then(|a| a.controller), Some("alphabet"));
        assert_eq!(a.and_then(|a| a.jurisdiction), Some("US"));
        assert_eq!(a.map(|a| a.categories.clone()), Some(vec!["analytics"]));
    }

    #[test]
    fn rejections_carry_the_input() {
        let r = classify("a..b").err();
        assert_eq!(r.as_ref().map(|r| r.input.as_str()), Some("a..b"));
        assert!(r.is_some_and(|r| r.error.contains("empty label")));
    }
}
