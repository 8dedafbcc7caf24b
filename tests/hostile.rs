//! Hostile inputs: a table of URLs and hosts that try to break the core (empty, whitespace, NUL bytes, over-long
//! hosts and labels, `..`, unbalanced brackets, IPv6 zone ids, every non-network scheme, invalid percent-encoding,
//! huge query strings, IDN and homographs). Each has one defined answer or one clear error, through
//! `attribution::classify`, a page visit's report, the tracker and the HAR reader alike.

use whither::attribution;
use whither::har;
use whither::host::{self, HostError, HostKind};
use whither::report::{Request, Visit};
use whither::tracker::{Event, Stage, Tracker};

/// What an input must give.
#[derive(Debug)]
enum Want {
    /// A host of this kind and normalised name.
    Host(HostKind, &'static str),
    /// A domain owned by this entity id.
    Owned(&'static str, &'static str),
    /// This error.
    Err(HostError),
}

use HostKind::{Domain, Ip, Localhost, NonNetwork};
use Want::{Err, Host, Owned};

fn table() -> Vec<(String, Want)> {
    let label63 = "a".repeat(63);
    let label64 = "a".repeat(64);
    // 300 characters: five 59-character labels and ".com".
    let host300 = format!("{}.com", vec!["b".repeat(59); 5].join("."));
    assert_eq!(host300.len(), 303);
    let mut t: Vec<(String, Want)> = vec![
        // Empty and whitespace.
        ("".into(), Err(HostError::Empty)),
        ("   ".into(), Err(HostError::Empty)),
        ("\t\r\n\u{b}\u{c}".into(), Err(HostError::Empty)),
        ("\u{0}".into(), Err(HostError::Empty)),
        ("https://".into(), Err(HostError::Empty)),
        ("https:///path".into(), Host(Domain, "path")),
        ("https://user:pass@/".into(), Err(HostError::Empty)),
        (".".into(), Err(HostError::Empty)),
        ("  example.com \n".into(), Host(Domain, "example.com")),
        ("exa mple.com".into(), Err(HostError::InvalidCharacter(' '))),
        // NUL bytes and control characters inside.
        ("a\0b.com".into(), Err(HostError::InvalidCharacter('\0'))),
        (
            "https://exa\0mple.com/".into(),
            Err(HostError::InvalidCharacter('\0')),
        ),
        (
            "https://example.com/\0\0".into(),
            Host(Domain, "example.com"),
        ),
        ("a%00b.com".into(), Err(HostError::InvalidCharacter('\0'))),
        (
            "ex\u{7f}ample.com".into(),
            Err(HostError::InvalidCharacter('\u{7f}')),
        ),
        // Lengths: 253 characters and 63-character labels at most.
        (host300.clone(), Err(HostError::TooLong)),
        (format!("https://{host300}/x"), Err(HostError::TooLong)),
        (format!("{label64}.com"), Err(HostError::LabelTooLong)),
        (
            format!("{label63}.com"),
            Host(Domain, Box::leak(format!("{label63}.com").into_boxed_str())),
        ),
        (format!("{}.com", "é".repeat(300)), Err(HostError::TooLong)),
        // Empty labels.
        ("a..b".into(), Err(HostError::EmptyLabel)),
        ("..".into(), Err(HostError::EmptyLabel)),
        ("https://../".into(), Err(HostError::EmptyLabel)),
        (".example.com".into(), Err(HostError::EmptyLabel)),
        ("example.com..".into(), Err(HostError::EmptyLabel)),
        ("example.com.".into(), Host(Domain, "example.com")),
        // Brackets.
        ("[::1".into(), Err(HostError::UnbalancedBracket)),
        ("::1]".into(), Err(HostError::UnbalancedBracket)),
        ("[".into(), Err(HostError::UnbalancedBracket)),
        ("]".into(), Err(HostError::UnbalancedBracket)),
        ("https://[::1/".into(), Err(HostError::UnbalancedBracket)),
        ("https://[::1]]/".into(), Err(HostError::InvalidPort)),
        ("https://[[::1]]/".into(), Err(HostError::UnbalancedBracket)),
        ("[]".into(), Err(HostError::Empty)),
        ("[example.com]".into(), Err(HostError::InvalidIpv6)),
        ("https://[1.2.3.4]/".into(), Err(HostError::InvalidIpv6)),
        // IPv6, with zone ids (they never leave the machine and are dropped).
        ("http://[fe80::1%25eth0]:8080/".into(), Host(Ip, "fe80::1")),
        ("[fe80::1%eth0]".into(), Host(Ip, "fe80::1")),
        ("fe80::1%eth0".into(), Host(Ip, "fe80::1")),
        ("[fe80::1%]".into(), Host(Ip, "fe80::1")),
        (
            "https://[2001:DB8:0:0:0:0:0:1]/".into(),
            Host(Ip, "2001:db8::1"),
        ),
        ("[::ffff:1.2.3.4]".into(), Host(Ip, "::ffff:1.2.3.4")),
        ("[::1]:99999".into(), Err(HostError::InvalidPort)),
        ("[::1]x".into(), Err(HostError::InvalidPort)),
        ("1::2::3".into(), Err(HostError::InvalidIpv6)),
        // IPv4.
        ("http://127.0.0.1:8080/".into(), Host(Ip, "127.0.0.1")),
        ("１２７.０.０.１".into(), Host(Ip, "127.0.0.1")),
        ("256.1.1.1".into(), Host(Domain, "256.1.1.1")),
        // Ports.
        ("example.com:99999".into(), Err(HostError::InvalidPort)),
        ("example.com:-1".into(), Err(HostError::InvalidPort)),
        ("example.com:80:80".into(), Err(HostError::InvalidIpv6)),
        ("example.com:".into(), Host(Domain, "example.com")),
        // Localhost.
        (
            "http://LOCALHOST.:3000/".into(),
            Host(Localhost, "localhost"),
        ),
        ("app.localhost".into(), Host(Localhost, "app.localhost")),
        // Userinfo and backslash tricks: the host is what the browser would connect to.
        (
            "https://www.google-analytics.com@evil.example/".into(),
            Host(Domain, "evil.example"),
        ),
        (
            "https://evil.example\\@www.google-analytics.com/".into(),
            Host(Domain, "evil.example"),
        ),
        (
            "https://evil.example#@www.google-analytics.com/".into(),
            Host(Domain, "evil.example"),
        ),
        (
            "https://evil.example?@www.google-analytics.com/".into(),
            Host(Domain, "evil.example"),
        ),
        (
            "HTTPS://WWW.GOOGLE-ANALYTICS.COM./g/collect".into(),
            Owned("www.google-analytics.com", "google"),
        ),
        // Percent-encoding in the host: decoded as browsers do; invalid encodings are errors.
        ("ex%41mple.com".into(), Host(Domain, "example.com")),
        (
            "https://www.google%2Danalytics.com/".into(),
            Owned("www.google-analytics.com", "google"),
        ),
        (
            "ex%zzmple.com".into(),
            Err(HostError::InvalidPercentEncoding),
        ),
        ("ex%4".into(), Err(HostError::InvalidPercentEncoding)),
        (
            "example.com%".into(),
            Err(HostError::InvalidPercentEncoding),
        ),
        ("%ff%fe.com".into(), Err(HostError::InvalidPercentEncoding)),
        ("%2e%2e".into(), Err(HostError::EmptyLabel)),
        (
            "https://example.com/%zz%".into(),
            Host(Domain, "example.com"),
        ),
        // IDN: Unicode and punycode are one host; homographs are not the brand they imitate.
        (
            "https://bücher.example/".into(),
            Host(Domain, "xn--bcher-kva.example"),
        ),
        (
            "XN--BCHER-KVA.example".into(),
            Host(Domain, "xn--bcher-kva.example"),
        ),
        (
            "ＢÜCHER．example".into(),
            Host(Domain, "xn--bcher-kva.example"),
        ),
        (
            "bücher。example".into(),
            Host(Domain, "xn--bcher-kva.example"),
        ),
        ("straße.de".into(), Host(Domain, "xn--strae-oqa.de")),
        ("аpple.com".into(), Host(Domain, "xn--pple-43d.com")),
        ("xn--.example".into(), Err(HostError::InvalidIdn)),
        ("xn--bcher-.example".into(), Err(HostError::InvalidIdn)),
        ("xn--bcher-kva9.example".into(), Err(HostError::InvalidIdn)),
        ("xn--a-5da.example".into(), Err(HostError::InvalidIdn)),
        ("a\u{200b}b.example".into(), Host(Domain, "ab.example")),
        ("\u{fffd}.example".into(), Err(HostError::InvalidIdn)),
        // Not a scheme: a host with a port.
        ("example.com:443/x".into(), Host(Domain, "example.com")),
    ];
    // Every non-network scheme, in any case: a defined answer with no host and no domain.
    for &scheme in whither::host::NON_NETWORK_SCHEMES {
        t.push((
            format!("{scheme}:<script>alert(1)</script>"),
            Host(NonNetwork, scheme),
        ));
        t.push((
            format!("{}://x/y", scheme.to_uppercase()),
            Host(NonNetwork, scheme),
        ));
    }
    // Huge query strings and paths cost nothing and change nothing.
    t.push((
        format!(
            "https://www.google-analytics.com/g/collect?{}",
            "q=1&".repeat(2_000_000)
        ),
        Owned("www.google-analytics.com", "google"),
    ));
    t.push((
        format!("https://example.com/{}", "é/".repeat(500_000)),
        Host(Domain, "example.com"),
    ));
    t.push((
        format!("{}.com", "a".repeat(4_000_000)),
        Err(HostError::TooLong),
    ));
    t
}

fn short(input: &str) -> String {
    input.chars().take(80).collect()
}

#[test]
fn every_hostile_input_has_its_defined_answer() {
    let mut failures = Vec::new();
    let table = table();
    for (input, want) in &table {
        let got = host::parse(input);
        let ok = match (want, &got) {
            (Host(kind, name), Ok(h)) => h.kind == *kind && h.name == *name,
            (Owned(name, entity), Ok(h)) => {
                h.name == *name
                    && attribution::classify(input)
                        .ok()
                        .and_then(|a| a.entity)
                        .is_some_and(|e| e.id == *entity)
            }
            (Err(e), Result::Err(g)) => e == g,
            _ => false,
        };
        if !ok {
            failures.push(format!("{:?}: want {want:?}, got {got:?}", short(input)));
        }
        // The classification agrees: an attribution, or a rejection carrying the input and a message.
        match (attribution::classify(input), &got) {
            (Ok(a), Ok(h)) => assert_eq!(a.host, h.name),
            (Result::Err(r), Result::Err(e)) => {
                assert_eq!(r.input, *input);
                assert_eq!(r.error, e.to_string());
                assert!(!r.error.is_empty());
            }
            (a, h) => failures.push(format!("{:?}: classify {a:?} vs parse {h:?}", short(input))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(table.len() >= 100, "{}", table.len());
}

#[test]
fn hostile_inputs_are_counted_not_lost_in_a_report() {
    let table = table();
    let mut visit = Visit::new("https://www.news.example/<script>alert(1)</script>");
    let mut network = 0u64;
    let mut rejected = 0u64;
    for (input, want) in &table {
        visit.record(&Request {
            url: input,
            type_name: "<img src=x onerror=alert(1)>",
            method: "\0",
            ip: Some(input),
            proxy: false,
        });
        match want {
            Host(NonNetwork, _) => {}
            Err(_) => {
                network += 1;
                rejected += 1;
            }
            _ => network += 1,
        }
    }
    let report = visit.report();
    assert_eq!(
        report.totals.requests, network,
        "every network request counts once"
    );
    assert!(report.totals.unattributed_requests >= rejected);
    assert_eq!(
        report.page.url,
        "https://www.news.example/<script>alert(1)</script>"
    );
    assert!(serde_json::to_string(&report).is_ok());
    assert!(!whither::export::report_text(&report).is_empty());
    // The persisted form of this visit restores to the same report.
    let restored = Visit::import(&visit.export()).map(|v| serde_json::to_string(&v.report()).ok());
    assert_eq!(restored, Ok(serde_json::to_string(&report).ok()));
}

#[test]
fn hostile_events_and_stored_state_never_break_the_tracker() {
    let mut t = Tracker::new();
    let table = table();
    let main = Event {
        stage: Stage::Before,
        request_id: "0".into(),
        url: "https://www.news.example/".into(),
        type_name: "main_frame".into(),
        method: "GET".into(),
        ip: None,
        document_url: None,
        ..Event::default()
    };
    t.event(1, &main);
    for (i, (input, _)) in table.iter().enumerate() {
        for stage in [
            Stage::Before,
            Stage::Redirect,
            Stage::Completed,
            Stage::Error,
        ] {
            let ev = Event {
                stage,
                request_id: format!("{i}\0{input:.20}"),
                url: input.clone(),
                type_name: input.chars().take(10).collect(),
                method: input.chars().take(10).collect(),
                ip: Some(input.chars().take(50).collect()),
                document_url: Some(input.clone()),
                // Hostile strings in every field the outcome of a request is read from.
                error: Some(input.clone()),
                status_code: Some(i as u32),
                status_line: Some(input.clone()),
                from_cache: Some(i % 3 == 0),
                // Time stamps a broken or hostile event source could give.
                time_stamp: Some([f64::NAN, f64::INFINITY, -1.0, 0.0, 1e300][i % 5]),
                proxy: i % 2 == 0,
            };
            t.event(1, &ev);
        }
    }
    let before = t.report(1).map(|r| r.totals.requests);
    assert!(before.is_some_and(|n| n > 1));
    // Stored state is untrusted: malformed or hostile state is rejected and the tab keeps its report.
    for (input, _) in &table {
        assert!(t.import_tab(1, input).is_err());
    }
    for bad in [
        r#"{"seq":1,"visit":"{\"v\":1,\"page\":\"x\",\"hosts\":[[\"a..b\",1,0,{},null]]}","seen":[]}"#,
        r#"{"seq":1,"visit":"{\"v\":1,\"page\":\"x\",\"hosts\":[[\"EXAMPLE.COM\",1,0,{},null]]}","seen":[]}"#,
        r#"{"seq":1,"visit":"{\"v\":1,\"page\":\"x\",\"hosts\":[[\"data:\",1,0,{},null]]}","seen":[]}"#,
        r#"{"seq":1,"visit":"not json","seen":[]}"#,
        r#"{"seq":-1,"visit":null,"seen":[]}"#,
    ] {
        assert!(t.import_tab(1, bad).is_err(), "{bad}");
    }
    assert_eq!(t.report(1).map(|r| r.totals.requests), before);
    // A page record comes from a content script in a page the person visits: hostile URLs, types and times are
    // counted as hosts or rejected, never a panic; malformed records change nothing.
    for bad in [
        "",
        "null",
        "[]",
        "{\"entries\":1}",
        "{\"entries\":[[1,2]]}",
        "{\"at\":\"x\"}",
    ] {
        assert!(t.reconcile(1, bad).is_err(), "{bad}");
    }
    assert_eq!(t.report(1).map(|r| r.totals.requests), before);
    let entries: Vec<serde_json::Value> = table
        .iter()
        .map(|(input, _)| serde_json::json!([input, input.chars().take(20).collect::<String>()]))
        .collect();
    for at in [
        serde_json::json!(null),
        serde_json::json!(-5.0),
        serde_json::json!(1e308),
    ] {
        let rec = serde_json::json!({"document": table[0].0, "entries": entries, "at": at});
        assert!(t.reconcile(1, &rec.to_string()).is_ok());
        assert!(t.reconcile(99, &rec.to_string()).is_ok());
    }
    assert!(t.report(1).is_some());
}

#[test]
fn hostile_har_files_are_read_or_rejected_clearly() {
    let table = table();
    let entries: Vec<serde_json::Value> = table
        .iter()
        .map(|(input, _)| {
            serde_json::json!({"request": {"url": input, "method": input}, "serverIPAddress": input,
                "_resourceType": input, "response": {"content": {"mimeType": input}}})
        })
        .collect();
    let har_text = serde_json::json!({"log": {"entries": entries}}).to_string();
    let report = har::report(&har_text);
    assert!(
        report.as_ref().is_ok_and(|r| r.totals.requests > 0),
        "{:?}",
        report.err()
    );
    for bad in [
        "",
        "null",
        "[]",
        "{\"log\":null}",
        "{\"log\":{\"entries\":{}}}",
        "{\"log\":{\"entries\":[1]}}",
    ] {
        let err = har::report(bad).err();
        assert!(err.is_some_and(|e| !e.0.is_empty()), "{bad}");
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(
        har::report(&deep).is_err(),
        "deep nesting is an error, not a stack overflow"
    );
}

/// Imported lists (src/imported/): every hostile string of the table as a listed domain, an owner, a country or a
/// file name is accepted as plain text or rejected with a clear error; a hostile stored form is an error; nothing
/// panics, and a list never answers for a host that is no domain.
#[test]
fn hostile_imported_lists_are_read_or_rejected_clearly() {
    use whither::imported::{self, List, Lists};
    let hostile: Vec<String> = table().into_iter().map(|(input, _)| input).collect();
    for h in &hostile {
        let q = serde_json::to_string(h).unwrap_or_default();
        let files = [
            format!("{h},Owner,GB\n"),
            format!("a.example,\"{}\",GB\n", h.replace('"', "\"\"")),
            format!("a.example,Owner,{h}\n"),
            format!("{{\"entities\": {{{q}: {{\"properties\": [{q}]}}}}}}"),
            format!("{{\"entities\": {{\"A\": {{\"domains\": [{q}]}}}}, \"domains\": {{{q}: {q}}}}}"),
            format!("{{\"organizations\": {{\"o\": {{\"name\": {q}, \"country\": {q}}}}}, \"patterns\": {{\"p\": {{\"organization\": \"o\", \"domains\": [{q}]}}}}}}"),
        ];
        for file in &files {
            match imported::parse(h, file.as_bytes()) {
                Ok(list) => {
                    // What was accepted reads back from its stored form, with names free of control characters.
                    let compact = list.to_compact();
                    assert_eq!(List::from_compact(&compact).as_ref(), Ok(&list), "{file:?}");
                    assert!(compact
                        .lines()
                        .all(|l| !l.chars().any(|c| c.is_control() && c != '\t')));
                    let lists = Lists::from_compacts(&[compact]).unwrap_or_default();
                    for probe in &hostile {
                        if let Some(a) = lists.lookup(probe) {
                            assert!(!a.owner.is_empty(), "{probe:?}");
                        }
                    }
                }
                std::result::Result::Err(e) => assert!(!e.is_empty(), "{file:?}"),
            }
        }
        // A hostile stored form.
        assert!(
            List::from_compact(h).is_err() || h.starts_with("whither-list"),
            "{h:?}"
        );
        let stored = format!("whither-list\t1\ncsv\t{h}\tL\nO\t\n\n{h}\t0\n");
        if let Ok(l) = List::from_compact(&stored) {
            assert_eq!(List::from_compact(&l.to_compact()).as_ref(), Ok(&l));
        }
    }
    // Bytes that are no text, and truncations of a good file at every byte.
    assert!(imported::parse("x", &[0xff, 0x00, 0xc3]).is_err());
    let good = b"{\"organizations\": {\"o\": {\"name\": \"O\", \"country\": \"SE\"}}, \"patterns\": {\"p\": {\"organization\": \"o\", \"domains\": [\"a.example\"]}}}";
    for n in 0..good.len() {
        let _ = imported::parse("x", &good[..n]);
    }
    assert!(imported::parse("x", good).is_ok());
}

/// Hostile IP strings (the webRequest `ip`, a HAR's `serverIPAddress`, `whither ip`): each is one address or one
/// clear error naming the input, never a panic; what parses is written back canonically and parses to itself.
#[test]
fn hostile_ip_strings_are_one_address_or_one_clear_error() {
    use whither::ip;
    let mut inputs: Vec<String> = table().into_iter().map(|(input, _)| input).collect();
    inputs.extend(
        [
            "",
            " ",
            "8.8.8.8 ",
            " 8.8.8.8",
            "8.8.8",
            "8.8.8.8.8",
            "256.1.1.1",
            "08.8.8.8",
            "0x8.8.8.8",
            "1e2.0.0.1",
            "-1.0.0.0",
            "8.8.8.8/32",
            "8.8.8.8:53",
            "[8.8.8.8]",
            "::",
            ":::",
            "1::2::3",
            "[::1]",
            "[::1",
            "::1]",
            "fe80::1%",
            "fe80::1%eth0",
            "fe80::1%25eth0",
            "::ffff:8.8.8.8",
            "::ffff:256.0.0.1",
            "::ffff:8.8.8",
            "2001:db8::g",
            "2001:0db8:0000:0000:0000:0000:0000:00001",
            "1:2:3:4:5:6:7:8:9",
            "\0",
            "8.8.8.8\0",
            "８.８.８.８",
            "٨.٨.٨.٨",
            "localhost",
            "example.com",
            "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
        ]
        .map(String::from),
    );
    inputs.push("1".repeat(100_000));
    inputs.push(":".repeat(100_000));
    inputs.push(format!("fe80::1%{}", "z".repeat(100_000)));
    let mut addresses = 0;
    for input in &inputs {
        match ip::describe(input) {
            Ok(d) => {
                addresses += 1;
                let again = ip::parse(&d.ip).unwrap_or_else(|e| panic!("{:?}: {e}", short(input)));
                assert_eq!(again.to_string(), d.ip, "{:?}", short(input));
                assert_eq!(ip::scope(again), d.scope);
            }
            Result::Err(e) => {
                assert_eq!(&e.input, input);
                assert!(!e.error.is_empty());
                assert!(
                    e.error.len() < 300,
                    "a short error even for a long input: {}",
                    short(&e.error)
                );
            }
        }
    }
    assert!(addresses >= 8, "{addresses} inputs were addresses");
}

/// Hostile IP tables (what the background hands to the core from `pkg/whither_ip.bin`): every truncation and a
/// byte altered at every header and index position of the real table is refused with a clear error or, where the
/// check cannot see it, still gives lookups without a panic.
#[test]
fn hostile_ip_tables_are_refused_or_harmless() {
    use whither::iptable::IpTable;
    let good = whither::ip::BUNDLED_BYTES;
    assert!(IpTable::new(good.to_vec()).is_ok());
    let probes: Vec<std::net::IpAddr> = [
        "0.0.0.0",
        "8.8.8.8",
        "255.255.255.255",
        "::",
        "2001:4860::8888",
        "ffff::1",
    ]
    .iter()
    .filter_map(|a| a.parse().ok())
    .collect();
    let mut refused = 0;
    let mut check = |bytes: Vec<u8>| match IpTable::new(bytes) {
        Ok(t) => {
            for &p in &probes {
                let _ = t.lookup(p);
            }
        }
        Result::Err(e) => {
            assert!(!e.is_empty() && e.len() < 300, "{e}");
            refused += 1;
        }
    };
    for len in [0, 3, 4, 11, 12, 64, 200, good.len() / 2, good.len() - 1] {
        check(good.get(..len).unwrap_or_default().to_vec());
    }
    for at in (0..300).chain((300..good.len()).step_by(good.len() / 97)) {
        for flip in [0xff_u8, 0x01, 0x80] {
            let mut bytes = good.to_vec();
            if let Some(b) = bytes.get_mut(at) {
                *b ^= flip;
            }
            check(bytes);
        }
    }
    assert!(refused >= 9, "every truncation is refused ({refused})");
}
