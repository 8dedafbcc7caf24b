//! Fuzz target: block-rule choices as `whither block` and the settings name them (arbitrary codes, group ids,
//! entity ids, categories and sites, known ones mixed in, every group at once) compiled into declarativeNetRequest
//! rules, and the session rules of paused sites. Checks: never panics; every entry the database does not know is
//! named, once per entry; a compiled choice stays within the browsers' rule limits and its exports are well formed;
//! the pause list keeps its bound and reads back what it wrote.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use whither::db;
use whither::rules::{self, BlockList, Choice, Paused};

#[derive(Arbitrary, Debug)]
enum Entry {
    Text(String),
    /// The n-th known value of the list (entity by index, jurisdiction, group, category).
    Known(u16),
}

#[derive(Arbitrary, Debug)]
struct Input {
    jurisdictions: Vec<Entry>,
    groups: Vec<Entry>,
    companies: Vec<Entry>,
    categories: Vec<Entry>,
    sites: Vec<Entry>,
    paused: Vec<(String, bool)>,
    paused_text: String,
}

const CODES: &[&str] = &[
    "US",
    "CN",
    "RU",
    "DE",
    "IE",
    "KY",
    "GB",
    "JP",
    "IN",
    "BR",
    "FR",
    "IL",
    "my-watchlist",
];
const GROUPS: &[&str] = &["outside-eea", "no-adequacy", "five-eyes", "fourteen-eyes"];

fn strings(entries: &[Entry], known: impl Fn(u16) -> Option<String>) -> Vec<String> {
    entries
        .iter()
        .take(32)
        .map(|e| match e {
            Entry::Text(s) => s.clone(),
            Entry::Known(i) => known(*i).unwrap_or_default(),
        })
        .collect()
}

fuzz_target!(|input: Input| {
    let categories = db::categories();
    let pick = |list: &[&str], i: u16| {
        list.get(usize::from(i) % list.len().max(1))
            .map(|s| s.to_string())
    };
    let jurisdictions = strings(&input.jurisdictions, |i| pick(CODES, i));
    let groups = strings(&input.groups, |i| pick(GROUPS, i));
    let companies = strings(&input.companies, |i| {
        db::entity(i).map(|e| e.id.to_string())
    });
    let cats = strings(&input.categories, |i| pick(&categories, i));
    let sites = strings(&input.sites, |i| {
        pick(
            &[
                "google.com",
                "bbc.co.uk",
                "a.b.example.org",
                "localhost",
                "",
            ],
            i,
        )
    });
    match Choice::parse(&jurisdictions, &groups, &companies, &cats, &sites) {
        Err(unknown) => {
            let entries =
                jurisdictions.len() + groups.len() + companies.len() + cats.len() + sites.len();
            assert!(!unknown.is_empty() && unknown.len() <= entries);
            for u in &unknown {
                assert!(!u.to_string().is_empty());
            }
        }
        Ok(choice) => match BlockList::compile(&choice) {
            Err(e) => assert!(!e.is_empty()),
            Ok(list) => {
                assert!(list.rules.len() <= rules::MAX_DYNAMIC_RULES);
                let json: serde_json::Value =
                    serde_json::from_str(&list.rules_json()).expect("rules are JSON");
                assert_eq!(json.as_array().map(Vec::len), Some(list.rules.len()));
                for format in ["dnr", "hosts", "adblock"] {
                    assert!(list.export(format).is_some(), "{format}");
                }
                assert!(list.export("nope").is_none());
                assert_eq!(list.fingerprint().len(), 16);
            }
        },
    }
    let mut paused = Paused::parse(&input.paused_text);
    for (site, on) in input.paused.iter().take(64) {
        let _ = paused.set(site, *on);
    }
    assert!(paused.rules().len() <= rules::MAX_SESSION_RULES);
    let again = Paused::parse(&paused.to_text());
    assert_eq!(again.to_text(), paused.to_text());
});
