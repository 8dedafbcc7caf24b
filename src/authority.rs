//! Supervisory authorities (data/authorities/, compiled by build.rs): which one a person complains to when a company
//! lets the deadline of a data-access request pass. An authority is competent for a country, or for one of its
//! states (`DE-BY`, `US-CA`); the person's home decides.

use crate::contact::Source;
use serde::Serialize;

/// One authority, as compiled.
#[derive(Debug, Serialize)]
pub struct AuthorityRecord {
    pub id: &'static str,
    pub name: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// Codes of the country's territories it is competent for too.
    pub territories: &'static [&'static str],
    /// ISO 3166-2 subdivision, for the authority of a state.
    pub region: Option<&'static str>,
    pub address: Option<&'static str>,
    pub email: Option<&'static str>,
    pub web_form: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub website: Option<&'static str>,
    pub complaint_language: Option<&'static str>,
    #[serde(skip)]
    pub priority: i32,
    pub as_of: &'static str,
    pub sources: &'static [Source],
}

include!(concat!(env!("OUT_DIR"), "/authorities_generated.rs"));

pub fn get(id: &str) -> Option<&'static AuthorityRecord> {
    AUTHORITIES
        .binary_search_by(|a| a.id.cmp(id))
        .ok()
        .and_then(|i| AUTHORITIES.get(i))
}

/// The authorities a person living in `home` (ISO alpha-2) may complain to, the most likely first: those of their
/// `region` (an ISO 3166-2 subdivision, when known) and those of the whole country before those of other states;
/// then by priority and id. A region given for another country is ignored.
pub fn for_home(home: &str, region: Option<&str>) -> Vec<&'static AuthorityRecord> {
    let region = region.filter(|r| {
        r.strip_prefix(home)
            .is_some_and(|rest| rest.starts_with('-'))
    });
    let mut out: Vec<&'static AuthorityRecord> = AUTHORITIES
        .iter()
        .filter(|a| a.country == home || a.territories.contains(&home))
        .collect();
    let rank = |a: &AuthorityRecord| match (a.region, region) {
        (Some(r), Some(want)) if r == want => 0,
        (None, _) => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.priority.cmp(&a.priority))
            .then(a.id.cmp(b.id))
    });
    out
}

/// The authority to address without asking: a chosen one when it is among [`for_home`]; else the first of them,
/// unless the country's authorities are split by state and the person's state is not known (or has none of its
/// own): then the person picks.
pub fn proposed(
    home: &str,
    region: Option<&str>,
    chosen: Option<&str>,
) -> Option<&'static AuthorityRecord> {
    let all = for_home(home, region);
    if let Some(c) = chosen.and_then(|c| all.iter().find(|a| a.id == c)) {
        return Some(c);
    }
    let first = all.first().copied()?;
    let split_by_region = all.iter().any(|a| a.region.is_some());
    let region_known = region.is_some_and(|r| all.iter().any(|a| a.region == Some(r)));
    (!split_by_region || region_known).then_some(first)
}

impl AuthorityRecord {
    /// The recipient block of a complaint: name and postal address.
    pub fn recipient(&self) -> String {
        match self.address {
            Some(a) => format!("{}\n{a}", self.name),
            None => self.name.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_covers_the_eea_the_uk_and_the_named_laws() {
        assert!(AUTHORITIES.windows(2).all(|w| w[0].id < w[1].id));
        for a in AUTHORITIES.iter() {
            assert!(
                a.email.is_some() || a.web_form.is_some() || a.address.is_some(),
                "{}",
                a.id
            );
            assert!(!a.sources.is_empty(), "{}", a.id);
            assert_eq!(get(a.id).map(|x| x.id), Some(a.id));
        }
        let eea = crate::db::JURISDICTIONS
            .iter()
            .filter(|j| j.groups.contains(&"eu") || j.groups.contains(&"eea"));
        // Åland's competent authority is not in the data yet.
        for j in eea.filter(|j| j.code != "AX") {
            assert!(
                !for_home(j.code, None).is_empty(),
                "no authority for {}",
                j.code
            );
        }
        assert_eq!(proposed("RE", None, None).map(|a| a.id), Some("frcnil"));
        for home in ["GB", "CH", "CN", "BR", "US"] {
            assert!(!for_home(home, None).is_empty(), "no authority for {home}");
        }
        assert!(for_home("ZZ", None).is_empty());
        assert!(get("no-such-authority").is_none());
    }

    #[test]
    fn the_region_decides_among_a_countrys_authorities() {
        // Germany: one authority per Land (and the federal one): no proposal until the Land is known.
        assert!(proposed("DE", None, None).is_none());
        assert_eq!(
            proposed("DE", Some("DE-BY"), None).map(|a| a.id),
            Some("debaylda")
        );
        assert_eq!(
            for_home("DE", Some("DE-BY")).first().map(|a| a.id),
            Some("debaylda")
        );
        assert_eq!(
            proposed("DE", None, Some("deberlbdi")).map(|a| a.id),
            Some("deberlbdi")
        );
        // A chosen authority of another country is not taken.
        assert!(proposed("DE", None, Some("iedpc")).is_none());
        // A region of another country is ignored.
        assert!(proposed("DE", Some("US-CA"), None).is_none());
        // California: the agency before the Attorney General; no Californian authority for other states.
        assert_eq!(
            proposed("US", Some("US-CA"), None).map(|a| a.id),
            Some("us-ca-cppa")
        );
        assert!(proposed("US", None, None).is_none());
        assert!(proposed("US", Some("US-NY"), None).is_none());
        // One authority for the whole country.
        assert_eq!(proposed("IE", None, None).map(|a| a.id), Some("iedpc"));
        assert_eq!(proposed("GB", None, None).map(|a| a.id), Some("gbico"));
        assert_eq!(proposed("CN", None, None).map(|a| a.id), Some("cn-cac"));
        assert_eq!(proposed("BR", None, None).map(|a| a.id), Some("br-anpd"));
    }
}
