//! The shared classification fixture (`tests/fixtures/cases.json`), run against the native core. The JS tests and
//! the wasm tests run the same file, so the three layers cannot drift apart.

use serde_json::Value;
use whither::attribution;

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/cases.json");
    let root: Value = serde_json::from_str(text).expect("cases.json is valid JSON");
    root["cases"]
        .as_array()
        .cloned()
        .expect("cases.json has a cases array")
}

#[test]
fn fixture_cases_classify_as_expected() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 20);
    for case in &cases {
        let input = case["input"].as_str().unwrap_or_default();
        let got = match attribution::classify(input) {
            Ok(a) => serde_json::to_value(&a).expect("serialisable"),
            Err(r) => serde_json::to_value(&r).expect("serialisable"),
        };
        if case.get("error").is_some() {
            if got.get("error").is_none() {
                failures.push(format!("{input:?}: expected an error, got {got}"));
            }
            continue;
        }
        for key in [
            "host",
            "domain",
            "kind",
            "entity",
            "controller",
            "jurisdiction",
        ] {
            let Some(want) = case.get(key) else { continue };
            let have = match key {
                "entity" => got
                    .get("entity")
                    .and_then(|e| e.get("id"))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => got.get(key).cloned().unwrap_or(Value::Null),
            };
            if &have != want {
                failures.push(format!("{input:?}: {key} is {have}, expected {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
