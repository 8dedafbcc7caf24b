//! Fuzz target: the HAR reader (`har::report`), on raw bytes and on well-formed HAR skeletons with arbitrary
//! field values (raw bytes alone rarely get past the JSON parser).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use whither::har;

#[derive(Arbitrary, Debug)]
struct Entry {
    pageref: Option<String>,
    url: Option<String>,
    method: Option<String>,
    ip: Option<String>,
    mime: Option<String>,
    resource_type: Option<String>,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Raw(String),
    Structured {
        page: Option<String>,
        entries: Vec<Entry>,
    },
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fuzz_target!(|input: Input| {
    let text = match input {
        Input::Raw(s) => s,
        Input::Structured { page, entries } => {
            let entries: Vec<Value> = entries
                .iter()
                .map(|e| {
                    json!({
                        "pageref": opt(&e.pageref),
                        "request": { "url": opt(&e.url), "method": opt(&e.method) },
                        "serverIPAddress": opt(&e.ip),
                        "_resourceType": opt(&e.resource_type),
                        "response": { "content": { "mimeType": opt(&e.mime) } },
                    })
                })
                .collect();
            let pages = page.map_or(json!([]), |id| json!([{ "id": id }]));
            json!({ "log": { "version": "1.2", "pages": pages, "entries": entries } }).to_string()
        }
    };
    if let Ok(report) = har::report(&text) {
        let _ = whither::export::report_text(&report);
        assert!(serde_json::to_string(&report).is_ok());
    }
});
