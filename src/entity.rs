//! Entities and ownership: serialisable views of an entity, its chain to the ultimate controller, and the
//! controlling jurisdiction (the controller's headquarters country).

use crate::db::{self, EntityIndex};
use serde::Serialize;

/// One link of an ownership chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    /// Country of incorporation, possibly with subdivision (`KY`, `US-DE`).
    pub legal_seat: &'static str,
    /// The entity's claims that no public reference has checked yet (`parent`: the link to the next entity of the
    /// chain, or that it has none); left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<&'static str>,
}

/// An entity as `whither classify` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntitySummary {
    pub id: &'static str,
    pub name: &'static str,
    pub country: &'static str,
    pub legal_seat: &'static str,
}

pub fn summary(index: EntityIndex) -> Option<EntitySummary> {
    db::entity(index).map(|e| EntitySummary {
        id: e.id,
        name: e.name,
        country: e.country,
        legal_seat: e.legal_seat,
    })
}

/// The entity first, its ultimate controller last.
pub fn chain(index: EntityIndex) -> Vec<ChainLink> {
    db::entity(index)
        .map(|e| e.chain)
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| db::entity(i))
        .map(|e| ChainLink {
            id: e.id,
            name: e.name,
            country: e.country,
            legal_seat: e.legal_seat,
            unverified: e.unverified(),
        })
        .collect()
}

/// The ultimate controller (the entity itself when nothing controls it).
pub fn controller(index: EntityIndex) -> EntityIndex {
    db::entity(index)
        .and_then(|e| e.chain.last().copied())
        .unwrap_or(index)
}

/// The controlling jurisdiction: the headquarters country of the ultimate controller.
pub fn jurisdiction(index: EntityIndex) -> Option<&'static str> {
    db::entity(controller(index)).map(|e| e.country)
}

/// An entity with its ownership chain, controller and jurisdiction: what every host it owns shares (the wasm
/// `entity(index)`, which callers cache per entity instead of building an object per host).
#[derive(Clone, Debug, Serialize)]
pub struct EntityView {
    #[serde(flatten)]
    pub entity: EntitySummary,
    pub chain: Vec<ChainLink>,
    pub controller: Option<&'static str>,
    pub jurisdiction: Option<&'static str>,
}

pub fn view(index: EntityIndex) -> Option<EntityView> {
    Some(EntityView {
        entity: summary(index)?,
        chain: chain(index),
        controller: db::entity(controller(index)).map(|c| c.id),
        jurisdiction: jurisdiction(index),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_carry_the_unverified_claims_of_their_links() {
        let marked: Vec<_> = db::ENTITIES
            .iter()
            .enumerate()
            .filter(|(_, e)| e.unverified_mask != 0)
            .collect();
        assert!(!marked.is_empty(), "the data marks some claims unverified");
        for (i, e) in marked {
            let claims = e.unverified();
            assert!(!claims.is_empty() && claims.iter().all(|c| db::VERIFIABLE.contains(c)));
            let link = chain(i as db::EntityIndex);
            assert_eq!(link.first().map(|l| l.unverified.clone()), Some(claims));
        }
        let Some(g) = db::entity_by_id("google") else {
            panic!("google missing")
        };
        assert!(chain(g).iter().all(|l| l.unverified.is_empty()));
    }

    #[test]
    fn google_is_controlled_by_alphabet_in_the_us() {
        let Some(g) = db::entity_by_id("google") else {
            panic!("google missing")
        };
        let ids: Vec<&str> = chain(g).iter().map(|l| l.id).collect();
        assert_eq!(ids.first(), Some(&"google"));
        assert_eq!(ids.last(), Some(&"alphabet"));
        assert_eq!(db::entity(controller(g)).map(|e| e.id), Some("alphabet"));
        assert_eq!(jurisdiction(g), Some("US"));
    }
}
