//! Interned classifications: every distinct input gets a numeric id whose attribution is computed once, so that the
//! wasm boundary passes one number per host instead of building an object (docs/performance.md). Ids are never
//! reused; when the table is full it starts afresh, and the ids it held are forgotten (`get` gives `None`).

use crate::attribution::{self, Attribution, Owner, Rejection};
use crate::db::EntityIndex;
use crate::hash::FnvMap;
use crate::host::{self, Host, HostError};

/// Distinct inputs kept at most (~300 bytes each: at most ~10 MB); a browsing session between two restarts of the
/// background rarely reaches a few thousand.
pub const CAPACITY: usize = 32_768;

/// Answer for a full id space (after 4 billion distinct inputs): such an id is never handed out for an input.
pub const EXHAUSTED: u32 = u32::MAX;

/// What is kept of one classified input: its host and owner, from which its attribution is built on demand (the
/// ownership chain and the strings of an [`Attribution`] cost more than the lookup itself).
struct Classified {
    input: Box<str>,
    host: Result<(Host, Option<Owner>), HostError>,
}

#[derive(Default)]
pub struct Interner {
    ids: FnvMap<Box<str>, u32>,
    results: Vec<Classified>,
    /// Id of `results[0]`.
    base: u32,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The id of `input`'s classification, classifying it if it is new.
    pub fn id(&mut self, input: &str) -> u32 {
        self.reserve(1);
        self.intern(input)
    }

    /// The ids of many inputs; all of them stay valid until the next call (the table starts afresh only before).
    pub fn ids<'a>(&mut self, inputs: impl ExactSizeIterator<Item = &'a str>) -> Vec<u32> {
        self.reserve(inputs.len());
        inputs.map(|i| self.intern(i)).collect()
    }

    /// Starts afresh if `n` more inputs might not fit.
    fn reserve(&mut self, n: usize) {
        if self.results.len().saturating_add(n) <= CAPACITY {
            return;
        }
        let next = u32::try_from(self.results.len())
            .ok()
            .and_then(|n| self.base.checked_add(n));
        self.base = next.unwrap_or(EXHAUSTED);
        self.results.clear();
        self.ids.clear();
    }

    fn intern(&mut self, input: &str) -> u32 {
        if let Some(&id) = self.ids.get(input) {
            return id;
        }
        let Some(id) = u32::try_from(self.results.len())
            .ok()
            .and_then(|n| self.base.checked_add(n))
            .filter(|&id| id != EXHAUSTED)
        else {
            return EXHAUSTED;
        };
        let host = host::parse(input).map(|h| {
            let owner = attribution::owner(&h);
            (h, owner)
        });
        self.results.push(Classified {
            input: input.into(),
            host,
        });
        self.ids.insert(input.into(), id);
        id
    }

    fn classified(&self, id: u32) -> Option<&Classified> {
        let i = usize::try_from(id.checked_sub(self.base)?).ok()?;
        self.results.get(i)
    }

    /// The registrable domain of classification `id`: `Some(None)` for a host without one (an IP, a bad input).
    pub fn domain(&self, id: u32) -> Option<Option<&str>> {
        let c = self.classified(id)?;
        Some(c.host.as_ref().ok().and_then(|(h, _)| h.domain.as_deref()))
    }

    /// The owning entity of classification `id`: `Some(None)` for a host nobody in the database owns.
    pub fn entity(&self, id: u32) -> Option<Option<EntityIndex>> {
        let c = self.classified(id)?;
        Some(c.host.as_ref().ok().and_then(|(_, o)| o.map(|o| o.entity)))
    }

    /// The classification with id `id` (as [`attribution::classify`] gives it), while the table still holds it.
    pub fn get(&self, id: u32) -> Option<Result<Attribution, Rejection>> {
        let c = self.classified(id)?;
        Some(match &c.host {
            Ok((h, owner)) => Ok(attribution::attribute_owned(&c.input, h, *owner)),
            Err(e) => Err(Rejection {
                input: c.input.to_string(),
                error: e.to_string(),
            }),
        })
    }

    /// Distinct inputs held.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_input_same_id_and_the_same_answer_as_classify() {
        let mut t = Interner::new();
        let a = t.id("https://www.google-analytics.com/collect");
        let b = t.id("mc.yandex.ru");
        assert_ne!(a, b);
        assert_eq!(t.id("https://www.google-analytics.com/collect"), a);
        assert_eq!(t.len(), 2);
        let got = t.get(b).and_then(|r| r.ok());
        assert_eq!(got.as_ref().and_then(|a| a.jurisdiction), Some("RU"));
        assert_eq!(got.map(|a| a.input), Some("mc.yandex.ru".to_string()));
        let ga = t.get(a).and_then(|r| r.ok()).map(|a| format!("{a:?}"));
        let direct = attribution::classify("https://www.google-analytics.com/collect")
            .ok()
            .map(|a| format!("{a:?}"));
        assert_eq!(ga, direct, "the same attribution as classify");
        assert_eq!(t.domain(a), Some(Some("google-analytics.com")));
        let google = t.entity(a).flatten().and_then(crate::db::entity);
        assert_eq!(google.map(|e| e.id), Some("google"));
        let bad = t.id("a..b");
        assert!(t.get(bad).is_some_and(|r| r.is_err()));
        assert!(t.get(bad + 1).is_none());
        assert_eq!(t.domain(bad), Some(None));
        assert_eq!(t.entity(bad), Some(None));
        assert_eq!(t.entity(bad + 1), None);
    }

    #[test]
    fn a_full_table_starts_afresh_without_reusing_ids() {
        let mut t = Interner::new();
        let first = t.id("first.example");
        for i in 0..CAPACITY {
            t.id(&format!("h{i}.example"));
        }
        assert!(t.get(first).is_none(), "the first id was forgotten");
        let again = t.id("first.example");
        assert!(again > first);
        assert_eq!(
            t.get(again).and_then(|r| r.ok()).map(|a| a.host),
            Some("first.example".to_string())
        );
        assert!(t.len() <= CAPACITY);
    }

    #[test]
    fn the_ids_of_one_batch_all_stay_valid() {
        let mut t = Interner::new();
        for i in 0..CAPACITY - 10 {
            t.id(&format!("h{i}.example"));
        }
        let inputs: Vec<String> = (0..100).map(|i| format!("b{i}.example")).collect();
        let ids = t.ids(inputs.iter().map(String::as_str));
        assert_eq!(ids.len(), 100);
        for (id, input) in ids.iter().zip(&inputs) {
            let got = t.get(*id).and_then(|r| r.ok());
            assert_eq!(got.map(|a| a.input), Some(input.clone()));
        }
    }
}
