//! Fuzz target: the person's own imported lists (`imported::parse`, the compact stored form and the lookup), on raw
//! bytes and on skeletons of each format with arbitrary domains, owners and countries (raw bytes alone rarely get
//! past the JSON parser). What parses must read back from its stored form unchanged; nothing may panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use whither::imported::{self, List, Lists};

#[derive(Arbitrary, Debug)]
struct Row {
    domain: String,
    owner: String,
    country: Option<String>,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Raw(String, Vec<u8>),
    Stored(String),
    Csv(String, Vec<Row>),
    Disconnect(Vec<Row>),
    DuckDuckGo(Vec<Row>),
    Ghostery(Vec<Row>),
}

fuzz_target!(|input: (Input, Vec<String>)| {
    let (input, probes) = input;
    let (name, bytes) = match input {
        Input::Raw(name, bytes) => (name, bytes),
        Input::Stored(text) => {
            if let Ok(list) = List::from_compact(&text) {
                assert_eq!(List::from_compact(&list.to_compact()).ok(), Some(list));
            }
            return;
        }
        Input::Csv(name, rows) => {
            let text: String = rows
                .iter()
                .map(|r| {
                    format!(
                        "{},{},{}\n",
                        r.domain,
                        r.owner,
                        r.country.as_deref().unwrap_or("")
                    )
                })
                .collect();
            (name, text.into_bytes())
        }
        Input::Disconnect(rows) => {
            let entities: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|r| {
                    (
                        r.owner.clone(),
                        json!({"properties": [r.domain], "resources": []}),
                    )
                })
                .collect();
            (
                "entities.json".into(),
                json!({"entities": entities}).to_string().into_bytes(),
            )
        }
        Input::DuckDuckGo(rows) => {
            let domains: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|r| (r.domain.clone(), json!(r.owner)))
                .collect();
            let trackers: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|r| {
                    (
                        r.domain.clone(),
                        json!({"owner": {"name": r.owner, "displayName": r.country}}),
                    )
                })
                .collect();
            (
                "tds.json".into(),
                json!({"trackers": trackers, "domains": domains})
                    .to_string()
                    .into_bytes(),
            )
        }
        Input::Ghostery(rows) => {
            let orgs: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|r| {
                    (
                        r.owner.clone(),
                        json!({"name": r.owner, "country": r.country}),
                    )
                })
                .collect();
            let patterns: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        i.to_string(),
                        json!({"organization": r.owner, "domains": [r.domain]}),
                    )
                })
                .collect();
            (
                "trackerdb.json".into(),
                json!({"organizations": orgs, "patterns": patterns})
                    .to_string()
                    .into_bytes(),
            )
        }
    };
    if let Ok(list) = imported::parse(&name, &bytes) {
        let compact = list.to_compact();
        let back = List::from_compact(&compact);
        assert_eq!(back.as_ref().ok(), Some(&list));
        let lists = Lists::from_compacts(&[compact]).unwrap_or_default();
        for p in &probes {
            let _ = lists.lookup(p);
        }
    }
});
