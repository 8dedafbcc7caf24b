//! Fuzz target: the settings as the shell reads them from `storage.local` (any text, and JSON objects whose every
//! field is arbitrary: wrong types, old and unknown versions, unknown keys, huge lists) and the changes the pages ask
//! for. Checks: never panics; a value read is written back in the current format and reads back to the same settings
//! with no notice; a change is refused (nothing changed) or gives settings that read back the same; lists stay
//! within their bounds.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use whither::settings::{self, Change, Settings};

/// A JSON value of a few shapes, so that most inputs pass the JSON parser and reach the validation.
#[derive(Arbitrary, Debug)]
enum Shape {
    Null,
    Bool(bool),
    Number(i64),
    Float(f64),
    Text(String),
    Known(u8),
    List(Vec<Shape>),
    Object(Vec<(String, Shape)>),
}

/// Entries the database knows, so that valid lists are reached too.
const KNOWN: &[&str] = &[
    "US",
    "CN",
    "RU",
    "DE",
    "IE",
    "KY",
    "outside-eea",
    "no-adequacy",
    "five-eyes",
    "fourteen-eyes",
    "my-watchlist",
    "google",
    "alphabet",
    "bytedance",
    "yandex",
    "advertising",
    "analytics",
    "example.com",
    "bbc.co.uk",
    "xn--bcher-kva.de",
];

fn value(shape: &Shape, depth: u32) -> Value {
    if depth > 6 {
        return Value::Null;
    }
    match shape {
        Shape::Null => Value::Null,
        Shape::Bool(b) => json!(b),
        Shape::Number(n) => json!(n),
        Shape::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Shape::Text(s) => json!(s),
        Shape::Known(i) => json!(KNOWN[usize::from(*i) % KNOWN.len()]),
        Shape::List(items) => Value::Array(items.iter().map(|s| value(s, depth + 1)).collect()),
        Shape::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, s)| (k.clone(), value(s, depth + 1)))
                .collect::<Map<_, _>>(),
        ),
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    /// Fields of a settings object: index into the known keys (or the given name), and the value.
    fields: Vec<(u8, String, Shape)>,
    blocking: Vec<(u8, String, Shape)>,
    home: String,
    changes: Vec<(u8, u8, String, Option<u8>, bool, u32)>,
}

const KEYS: &[&str] = &[
    "v",
    "home",
    "watchlist",
    "history",
    "retentionDays",
    "privateWindows",
    "blocking",
];
const BLOCKING_KEYS: &[&str] = &[
    "enabled",
    "jurisdictions",
    "companies",
    "categories",
    "trustedSites",
];
const OPS: &[&str] = &[
    "set-home",
    "set-history",
    "set-retention",
    "set-private-windows",
    "set-blocking",
    "list",
    "block-company",
    "trust-site",
    "unknown",
];
const LISTS: &[&str] = &[
    "watchlist",
    "jurisdictions",
    "companies",
    "categories",
    "trustedSites",
    "other",
];

fn object(fields: &[(u8, String, Shape)], keys: &[&str]) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, name, s)| {
            let key = keys
                .get(usize::from(*k))
                .map_or(name.clone(), |k| k.to_string());
            (key, value(s, 0))
        })
        .collect()
}

/// The settings read back from what they write: the same, with nothing ignored.
fn round_trips(s: &Settings) {
    let again = Settings::parse(&s.to_json(), "").expect("the written settings read back");
    assert_eq!(&again.settings, s);
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert!(s.watchlist.len() <= settings::MAX_WATCHLIST);
    assert!(s.blocking.jurisdictions.len() <= settings::MAX_JURISDICTIONS);
    assert!(s.blocking.companies.len() <= settings::MAX_COMPANIES);
    assert!(s.blocking.categories.len() <= settings::MAX_CATEGORIES);
    assert!(s.blocking.trusted_sites.len() <= settings::MAX_TRUSTED_SITES);
    assert!((1..=settings::MAX_RETENTION_DAYS).contains(&s.retention_days));
}

fuzz_target!(|input: Input| {
    if let Ok(p) = Settings::parse(&input.text, &input.home) {
        round_trips(&p.settings);
    }
    let mut obj = object(&input.fields, KEYS);
    if !input.blocking.is_empty() {
        obj.insert(
            "blocking".into(),
            Value::Object(object(&input.blocking, BLOCKING_KEYS)),
        );
    }
    let text = Value::Object(obj).to_string();
    let Ok(parsed) = Settings::parse(&text, &input.home) else {
        return;
    };
    round_trips(&parsed.settings);
    let mut current = parsed.settings;
    for (op, list, text, known, on, number) in input.changes.iter().take(64) {
        let change = Change {
            op: OPS[usize::from(*op) % OPS.len()].to_string(),
            list: LISTS[usize::from(*list) % LISTS.len()].to_string(),
            text: known.map_or(text.clone(), |i| {
                KNOWN[usize::from(i) % KNOWN.len()].to_string()
            }),
            on: *on,
            number: *number,
        };
        let before = current.clone();
        match current.change(&change) {
            Ok(next) => {
                round_trips(&next);
                current = next;
            }
            Err(e) => {
                assert!(!e.is_empty());
                assert_eq!(current, before);
            }
        }
    }
});
