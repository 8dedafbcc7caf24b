//! wasm-bindgen tests: the shared fixture and a tracker round trip through the real bindings, on the wasm target
//! (run by `make test-wasm` with wasm-bindgen-test-runner under Node).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use whither::wasm;

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn fixture_cases_through_the_bindings() {
    let root: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/cases.json")).expect("valid fixture");
    let cases = root["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() >= 20);
    for case in cases {
        let input = case["input"].as_str().unwrap_or_default();
        let got = wasm::classify(input).unwrap_or(JsValue::NULL);
        if case.get("error").is_some() {
            assert!(
                get(&got, "error").is_string(),
                "{input:?} should be an error"
            );
            continue;
        }
        if let Some(want) = case.get("jurisdiction") {
            assert_eq!(
                get(&got, "jurisdiction").as_string().as_deref(),
                want.as_str(),
                "{input:?}"
            );
        }
        if let Some(want) = case.get("host") {
            assert_eq!(
                get(&got, "host").as_string().as_deref(),
                want.as_str(),
                "{input:?}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn tracker_counts_and_survives_a_round_trip() {
    let mut t = wasm::Tracker::new();
    let event = |stage: &str, id: &str, url: &str, ty: &str| {
        let o = js_sys::Object::new();
        for (k, v) in [
            ("stage", stage),
            ("requestId", id),
            ("url", url),
            ("type", ty),
            ("method", "GET"),
        ] {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        JsValue::from(o)
    };
    assert_eq!(
        t.event(
            3.0,
            event("before", "1", "https://example.org/", "main_frame")
        )
        .ok(),
        Some(true)
    );
    assert_eq!(
        t.event(
            3.0,
            event("before", "2", "https://mc.yandex.ru/watch", "script")
        )
        .ok(),
        Some(true)
    );
    assert!(t.event(3.0, JsValue::from_str("not an event")).is_err());
    let saved = t.export_tab(3.0).unwrap_or_default();
    let mut u = wasm::Tracker::new();
    assert!(u.import_tab(3.0, &saved).is_ok());
    assert!(u.import_tab(3.0, "{garbage").is_err());
    let report = u.report(3.0).unwrap_or(JsValue::NULL);
    let totals = get(&report, "totals");
    assert_eq!(get(&totals, "requests").as_f64(), Some(2.0));
}

/// Hostile inputs (see tests/hostile.rs for the whole table, natively) on the 32-bit wasm target: each gives a host
/// or an `{input, error}` object, never a panic (which would abort the instance).
#[wasm_bindgen_test]
fn hostile_inputs_through_the_bindings() {
    let huge_query = format!("https://example.com/?{}", "q=1&".repeat(500_000));
    let long_host = format!("{}.com", "a".repeat(70_000));
    let inputs = [
        "",
        " \t\n",
        "\0",
        "a\0b.com",
        "a..b",
        "[::1",
        "::1]",
        "[[::1]]",
        "http://[fe80::1%25eth0]:8080/",
        "ex%zz.com",
        "%ff%fe.com",
        "https://bücher.example/",
        "xn--.example",
        "xn--a-5da.example",
        "ＢÜCHER．example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://www.google-analytics.com@evil.example/",
        huge_query.as_str(),
        long_host.as_str(),
    ];
    for input in inputs {
        let got = wasm::classify(input).unwrap_or(JsValue::NULL);
        assert!(
            get(&got, "host").is_string() || get(&got, "error").is_string(),
            "{:?}",
            input.get(..40)
        );
    }
    for input in [
        "xn--bcher-kva.example",
        "BÜCHER.example",
        "https://bücher.example./",
    ] {
        let got = wasm::classify(input).unwrap_or(JsValue::NULL);
        assert_eq!(
            get(&got, "host").as_string().as_deref(),
            Some("xn--bcher-kva.example"),
            "{input}"
        );
    }
}
