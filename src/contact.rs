//! Privacy contacts: where a person sends a data-access request about an entity. The entities' `[privacy]` tables
//! (data/README.md), compiled by build.rs (build/requests.rs), and the walk up the ownership chain (controlling links
//! only) to the first entity that has one: a request about YouTube goes to the contact of Google.
//!
//! Only the pages' wasm module and the CLI reach these tables; the background's module never links them.

use crate::db::{self, EntityIndex};
use crate::host::Host;
use serde::Serialize;

/// A GDPR Art. 27 representative in the EU (or the UK's equivalent) of a controller established outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Representative {
    pub name: &'static str,
    pub address: Option<&'static str>,
    pub email: Option<&'static str>,
    pub web_form: Option<&'static str>,
}

/// A public reference for a contact or an authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub url: &'static str,
    pub title: Option<&'static str>,
}

/// One entity's `[privacy]` table.
#[derive(Debug)]
pub struct ContactRecord {
    pub entity: EntityIndex,
    pub controller_name: Option<&'static str>,
    pub email: Option<&'static str>,
    pub address: Option<&'static str>,
    pub web_form: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub dpo_email: Option<&'static str>,
    pub dpo_address: Option<&'static str>,
    pub eu_representative: Option<Representative>,
    pub uk_representative: Option<Representative>,
    pub as_of: &'static str,
    pub sources: &'static [Source],
}

include!(concat!(env!("OUT_DIR"), "/contacts_generated.rs"));

/// The `[privacy]` table of exactly this entity.
pub fn own(entity: EntityIndex) -> Option<&'static ContactRecord> {
    CONTACTS
        .binary_search_by_key(&entity, |c| c.entity)
        .ok()
        .and_then(|i| CONTACTS.get(i))
}

/// The privacy contact for `entity`: its own, or that of the first entity up its ownership chain (the chain follows
/// wholly-owned, majority and controlling parents, as the controller does) that has one.
pub fn for_entity(entity: EntityIndex) -> Option<&'static ContactRecord> {
    let chain = db::entity(entity)?.chain;
    chain.iter().find_map(|&i| own(i))
}

/// The privacy contact for the owner of a host.
pub fn for_host(host: &Host) -> Option<&'static ContactRecord> {
    for_entity(db::owner(host)?.entity)
}

/// The privacy policy of `entity`, or of the first entity up its chain that lists one.
pub fn privacy_policy(entity: EntityIndex) -> Option<&'static str> {
    let chain = db::entity(entity)?.chain;
    chain.iter().find_map(|&i| {
        PRIVACY_POLICIES
            .binary_search_by_key(&i, |p| p.0)
            .ok()
            .and_then(|k| PRIVACY_POLICIES.get(k))
            .map(|p| p.1)
    })
}

/// The number of entities with a `[privacy]` table.
pub fn count() -> usize {
    CONTACTS.len()
}

/// A privacy contact as the request page and `whither request` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactView {
    /// The entity whose `[privacy]` table this is (the one the requests are de-duplicated by).
    pub entity: &'static str,
    /// The legal entity that answers: `controller_name`, else the entity's name.
    pub controller: &'static str,
    /// The name of the entity whose contact this is (the controller's group company when `controller_name` names
    /// another legal entity, e.g. "Google LLC" for "Google Ireland Limited").
    pub company: &'static str,
    /// Headquarters of that entity (ISO alpha-2).
    pub country: &'static str,
    pub email: Option<&'static str>,
    pub address: Option<&'static str>,
    pub web_form: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub dpo_email: Option<&'static str>,
    pub dpo_address: Option<&'static str>,
    pub eu_representative: Option<Representative>,
    pub uk_representative: Option<Representative>,
    pub privacy_policy: Option<&'static str>,
    pub as_of: &'static str,
    pub sources: &'static [Source],
}

impl ContactView {
    pub fn of(record: &'static ContactRecord) -> Option<ContactView> {
        let e = db::entity(record.entity)?;
        Some(ContactView {
            entity: e.id,
            controller: record.controller_name.unwrap_or(e.name),
            company: e.name,
            country: e.country,
            email: record.email,
            address: record.address,
            web_form: record.web_form,
            phone: record.phone,
            dpo_email: record.dpo_email,
            dpo_address: record.dpo_address,
            eu_representative: record.eu_representative,
            uk_representative: record.uk_representative,
            privacy_policy: privacy_policy(record.entity),
            as_of: record.as_of,
            sources: record.sources,
        })
    }

    /// The recipient block of a letter: the controller's name, then its postal address (without repeating the name
    /// when the address starts with it).
    pub fn recipient(&self) -> String {
        match self.address {
            Some(a) if a.lines().next().map(str::trim) == Some(self.controller) => a.to_string(),
            Some(a) => format!("{}\n{a}", self.controller),
            None => self.controller.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(id: &str) -> EntityIndex {
        db::entity_by_id(id).unwrap_or(EntityIndex::MAX)
    }

    #[test]
    fn the_tables_are_sorted_and_point_at_entities() {
        assert!(CONTACTS.windows(2).all(|w| w[0].entity < w[1].entity));
        assert!(PRIVACY_POLICIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(count() > 200);
        for c in CONTACTS.iter() {
            assert!(db::entity(c.entity).is_some());
            assert!(c.email.is_some() || c.web_form.is_some() || c.address.is_some());
            assert!(!c.sources.is_empty());
        }
        assert!(own(EntityIndex::MAX).is_none());
        assert!(for_entity(EntityIndex::MAX).is_none());
        assert!(privacy_policy(EntityIndex::MAX).is_none());
    }

    #[test]
    fn the_chain_is_walked_up_to_the_first_entity_with_a_contact() {
        // Microsoft has its own [privacy] table; Xandr (wholly owned by Microsoft) has none and gets Microsoft's.
        let microsoft = own(index("microsoft")).map(|c| c.entity);
        assert_eq!(microsoft, Some(index("microsoft")));
        assert!(own(index("xandr")).is_none());
        assert_eq!(for_entity(index("xandr")).map(|c| c.entity), microsoft);
        // Every entity's contact is its own or an ancestor's on its chain.
        for (i, e) in db::ENTITIES.iter().enumerate() {
            let Ok(i) = EntityIndex::try_from(i) else {
                continue;
            };
            if let Some(c) = for_entity(i) {
                assert!(e.chain.contains(&c.entity), "{}", e.id);
                let first = e.chain.iter().position(|&x| own(x).is_some());
                assert_eq!(
                    first.and_then(|p| e.chain.get(p)),
                    Some(&c.entity),
                    "{}",
                    e.id
                );
            } else {
                assert!(e.chain.iter().all(|&x| own(x).is_none()), "{}", e.id);
            }
        }
    }

    #[test]
    fn a_host_finds_the_contact_of_its_owner() {
        let host = crate::host::parse("www.google-analytics.com").ok();
        let c = host.as_ref().and_then(for_host).and_then(ContactView::of);
        assert_eq!(c.as_ref().map(|c| c.entity), Some("google"));
        assert_eq!(c.map(|c| c.controller), Some("Google Ireland Limited"));
        let nobody = crate::host::parse("nobody-owns-this.invalid-tld-xyz").ok();
        assert!(nobody.as_ref().and_then(for_host).is_none());
    }

    #[test]
    fn the_recipient_names_the_controller_once() {
        let view = own(index("google")).and_then(ContactView::of);
        let block = view.map(|v| v.recipient()).unwrap_or_default();
        assert!(block.starts_with("Google Ireland Limited\n"), "{block}");
        assert_eq!(
            block.matches("Google Ireland Limited").count(),
            1,
            "{block}"
        );
    }
}
