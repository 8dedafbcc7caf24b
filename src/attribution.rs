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
