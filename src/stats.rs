//! Figures about the database: `whither db stats` (sizes, entities per country, fill rate of every field) and
//! `whither coverage` (prevalence-weighted share of a domain list that resolves to an entity and a jurisdiction).

use crate::attribution;
use crate::db::{self, ENTITIES};
use crate::host;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct DbStats {
    pub entities: usize,
    pub domains: usize,
    pub jurisdictions: usize,
    pub laws: usize,
    /// Entities that are their own ultimate controller.
    pub ultimate_controllers: usize,
    pub entities_per_country: BTreeMap<&'static str, usize>,
    pub controlled_domains_per_jurisdiction: BTreeMap<&'static str, usize>,
    /// Share (0–1) of entities with each field filled.
    pub fill_rate: BTreeMap<&'static str, f64>,
    /// Share (0–1) of entities with at least one claim marked unverified, and per claim (`data/README.md`).
    pub unverified_entities: f64,
    pub unverified_rate: BTreeMap<&'static str, f64>,
}

pub fn db_stats() -> DbStats {
    let n = ENTITIES.len().max(1) as f64;
    let mut per_country = BTreeMap::new();
    let mut fill: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut bump = |field: &'static str, yes: bool| {
        *fill.entry(field).or_default() += usize::from(yes);
    };
    let mut ultimate = 0;
    let mut unverified_entities = 0usize;
    let mut unverified: BTreeMap<&'static str, usize> =
        db::VERIFIABLE.iter().map(|&f| (f, 0)).collect();
    for (i, e) in ENTITIES.iter().enumerate() {
        let claims = e.unverified();
        unverified_entities += usize::from(!claims.is_empty());
        for c in claims {
            *unverified.entry(c).or_default() += 1;
        }
        *per_country.entry(e.country).or_default() += 1;
        ultimate += usize::from(e.chain.len() == 1 && e.parent.is_none());
        bump("country", !e.country.is_empty());
        bump("legal_seat", !e.legal_seat.is_empty());
        bump("categories", !e.categories.is_empty());
        bump("parent", e.parent.is_some());
        bump(
            "domains",
            db::DOMAINS.iter().any(|d| usize::from(d.entity) == i),
        );
        #[cfg(feature = "details")]
        {
            bump("aliases", !e.aliases.is_empty());
            bump("website", e.website.is_some());
            bump("privacy_policy", e.privacy_policy.is_some());
            bump("as_of", !e.as_of.is_empty());
            let d = db::details(i as db::EntityIndex);
            bump("references", d.is_some_and(|d| !d.references.is_empty()));
            bump("notes", d.is_some_and(|d| d.notes.is_some()));
            bump("history", d.is_some_and(|d| !d.history.is_empty()));
        }
    }
    let mut per_jurisdiction = BTreeMap::new();
    for d in db::DOMAINS.iter() {
        if let Some(j) = crate::entity::jurisdiction(d.entity) {
            *per_jurisdiction.entry(j).or_default() += 1;
        }
    }
    DbStats {
        entities: ENTITIES.len(),
        domains: db::DOMAINS.len(),
        jurisdictions: db::JURISDICTIONS.len(),
        laws: db::JURISDICTIONS.iter().map(|j| j.laws.len()).sum(),
        ultimate_controllers: ultimate,
        entities_per_country: per_country,
        controlled_domains_per_jurisdiction: per_jurisdiction,
        fill_rate: fill.into_iter().map(|(k, v)| (k, v as f64 / n)).collect(),
        unverified_entities: unverified_entities as f64 / n,
        unverified_rate: unverified
            .into_iter()
            .map(|(k, v)| (k, v as f64 / n))
            .collect(),
    }
}

#[derive(Debug, Serialize)]
pub struct Unresolved {
    pub domain: String,
    pub prevalence: f64,
}

#[derive(Debug, Serialize)]
pub struct CoverageSlice {
    pub domains: usize,
    /// Prevalence-weighted share resolving to an entity.
    pub entity: f64,
    /// Prevalence-weighted share resolving to an entity with a controlling jurisdiction.
    pub jurisdiction: f64,
    /// Unweighted share resolving to a jurisdiction.
    pub jurisdiction_unweighted: f64,
    /// Prevalence-weighted share resolving to a jurisdiction through a chain with a claim marked unverified.
    pub unverified: f64,
}

/// One domain of a coverage list and what it resolves to.
struct CoverageRow {
    domain: String,
    prevalence: f64,
    entity: bool,
    jurisdiction: bool,
    /// Its chain (entity to controller) has a claim marked unverified.
    unverified: bool,
}

#[derive(Debug, Serialize)]
pub struct Coverage {
    pub top_1000: CoverageSlice,
    pub all: CoverageSlice,
    pub unresolved: Vec<Unresolved>,
    /// Lines that were not `domain<TAB>prevalence`.
    pub skipped_lines: usize,
}

/// Coverage of a `domain<TAB>prevalence` list (a header line and blank lines are skipped), in file order.
pub fn coverage(tsv: &str, top_unresolved: usize) -> Coverage {
    let mut rows: Vec<CoverageRow> = Vec::new();
    let mut skipped = 0;
    for line in tsv.lines() {
        let mut cols = line.split('\t');
        let (Some(domain), Some(p)) = (cols.next(), cols.next()) else {
            skipped += usize::from(!line.trim().is_empty());
            continue;
        };
        let Ok(prevalence) = p.trim().parse::<f64>() else {
            skipped += 1;
            continue;
        };
        let owner = host::parse(domain)
            .ok()
            .as_ref()
            .and_then(attribution::owner);
        let unverified = owner.is_some_and(|o| {
            db::entity(o.entity).is_some_and(|e| {
                e.chain
                    .iter()
                    .filter_map(|&i| db::entity(i))
                    .any(|link| link.unverified_mask != 0)
            })
        });
        rows.push(CoverageRow {
            domain: domain.trim().to_string(),
            prevalence,
            entity: owner.is_some(),
            jurisdiction: owner.is_some_and(|o| crate::entity::jurisdiction(o.entity).is_some()),
            unverified,
        });
    }
    let slice = |rows: &[CoverageRow]| {
        let total: f64 = rows.iter().map(|r| r.prevalence).sum();
        let weighted = |pick: fn(&CoverageRow) -> bool| {
            if total > 0.0 {
                rows.iter()
                    .filter(|r| pick(r))
                    .map(|r| r.prevalence)
                    .sum::<f64>()
                    / total
            } else {
                0.0
            }
        };
        CoverageSlice {
            domains: rows.len(),
            entity: weighted(|r| r.entity),
            jurisdiction: weighted(|r| r.jurisdiction),
            jurisdiction_unweighted: rows.iter().filter(|r| r.jurisdiction).count() as f64
                / rows.len().max(1) as f64,
            unverified: weighted(|r| r.jurisdiction && r.unverified),
        }
    };
    let mut unresolved: Vec<Unresolved> = rows
        .iter()
        .filter(|r| !r.jurisdiction)
        .map(|r| Unresolved {
            domain: r.domain.clone(),
            prevalence: r.prevalence,
        })
        .collect();
    unresolved.sort_by(|a, b| b.prevalence.total_cmp(&a.prevalence));
    unresolved.truncate(top_unresolved);
    Coverage {
        top_1000: slice(&rows[..rows.len().min(1000)]),
        all: slice(&rows),
        unresolved,
        skipped_lines: skipped,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn coverage_weights_by_prevalence() {
        let c = super::coverage(
            "domain\tprevalence\ndoubleclick.net\t0.75\nnobody-owns-this.example\t0.25\n",
            10,
        );
        assert_eq!(c.all.domains, 2);
        assert!((c.all.jurisdiction - 0.75).abs() < 1e-9);
        assert_eq!(c.unresolved.len(), 1);
        assert_eq!(c.skipped_lines, 1);
    }

    #[test]
    fn stats_count_the_tables() {
        let s = super::db_stats();
        assert_eq!(s.entities, crate::db::ENTITIES.len());
        assert_eq!(s.fill_rate.get("country"), Some(&1.0));
    }
}
