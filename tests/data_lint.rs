//! Data lint: the build's own validation of `data/` (shared code in `build/data.rs`) plus rules that only warn
//! there or need the whole picture: licence hygiene of references, redundant domains, dated parents, and the hard
//! cases of ownership that the database must get right.

#[path = "../build/data.rs"]
mod data;
/// What `src/host.rs` (included by build/data.rs) knows as `crate::suffix_list`: as in build.rs, the `psl` crate.
mod suffix_list {
    pub use psl::*;
}

use std::path::Path;

fn db() -> data::Database {
    match data::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")) {
        Ok(db) => db,
        Err(errors) => panic!("data/ is invalid:\n{}", errors.join("\n")),
    }
}

fn entity<'a>(db: &'a data::Database, id: &str) -> &'a data::Entity {
    db.entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("entity {id} is missing"))
}

fn controller<'a>(db: &'a data::Database, id: &str) -> &'a data::Entity {
    let i = db
        .entities
        .iter()
        .position(|e| e.id == id)
        .unwrap_or_else(|| panic!("entity {id} is missing"));
    let last = db.chains[i].last().copied().unwrap_or(i);
    &db.entities[last]
}

#[test]
fn the_database_validates() {
    let db = db();
    assert!(!db.entities.is_empty());
    assert!(
        db.jurisdictions.len() == 249,
        "every ISO 3166-1 alpha-2 code has a jurisdiction entry"
    );
}

#[test]
fn no_reference_comes_from_a_third_party_tracker_list() {
    // Their licences (CC BY-NC-SA, PolyForm, GPL) forbid copying into our CC0 data; they are not our sources.
    const FORBIDDEN: &[&str] = &[
        "disconnect.me",
        "github.com/disconnectme",
        "tracker-radar",
        "duckduckgo/tracker",
        "ghostery/trackerdb",
        "whotracks.me",
        "webxray",
        "x-ray.",
        "easylist",
    ];
    let mut bad = Vec::new();
    for e in &db().entities {
        for r in &e.references {
            let url = r.url.to_ascii_lowercase();
            if FORBIDDEN.iter().any(|f| url.contains(f)) {
                bad.push(format!("{}: {}", e.id, r.url));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "references to tracker lists:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_domain_is_redundant_within_its_entity() {
    let db = db();
    let mut bad = Vec::new();
    for e in &db.entities {
        // A host below a listed domain is only needed for categories of its own (e.g. an ad subdomain).
        for d in e
            .domains
            .iter()
            .filter(|d| !e.domain_categories.contains_key(*d))
        {
            if let Some(parent) = e
                .domains
                .iter()
                .find(|p| *p != d && d.ends_with(&format!(".{p}")))
            {
                bad.push(format!("{}: {d} is already covered by {parent}", e.id));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_entity_has_country_seat_references_and_as_of() {
    for e in &db().entities {
        assert!(
            !e.country.is_empty() && !e.legal_seat.is_empty(),
            "{}",
            e.id
        );
        assert!(!e.references.is_empty() && !e.as_of.is_empty(), "{}", e.id);
    }
}

#[test]
fn the_hard_cases_are_right() {
    let db = db();
    // Legal seat and headquarters differ; the controlling jurisdiction is the headquarters.
    let bytedance = entity(&db, "bytedance");
    assert_eq!(
        (bytedance.country.as_str(), bytedance.legal_seat.as_str()),
        ("CN", "KY")
    );
    assert_eq!(controller(&db, "tiktok-pte").id, "bytedance");
    assert_eq!(controller(&db, "google").id, "alphabet");
    assert_eq!(controller(&db, "google").country, "US");
    assert_eq!(controller(&db, "yandex").country, "RU");
    assert_eq!(entity(&db, "criteo").country, "FR");
}

#[test]
fn no_notes_carry_doubts_as_prose() {
    // Doubts are structured (`unverified = [...]`, which the popup and `db stats` show), never prose in `notes`.
    const DOUBT: &[&str] = &[
        "not verified",
        "unverified",
        "could not be verified",
        "could not verify",
        "cannot be verified",
        "not been verified",
        "not confirmed",
        "unconfirmed",
        "not checked",
    ];
    let mut bad = Vec::new();
    for e in &db().entities {
        let notes = e.notes.as_deref().unwrap_or("").to_lowercase();
        for d in DOUBT {
            if notes.contains(d) {
                bad.push(format!(
                    "{}: notes say {d:?}; use `unverified = [...]` instead",
                    e.id
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "doubts written as prose:\n{}",
        bad.join("\n")
    );
}
