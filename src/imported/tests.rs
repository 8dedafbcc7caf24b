//! Unit tests of the imported lists: each format's parser on the synthetic fixtures, malformed files, limits, the
//! stored form and the lookup.

use super::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imported/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn list(name: &str) -> List {
    parse(name, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn owner(l: &List, host: &str) -> Option<(String, Option<String>)> {
    l.lookup(host).map(|a| (a.owner, a.country))
}

fn some(owner: &str, country: Option<&str>) -> Option<(String, Option<String>)> {
    Some((owner.to_string(), country.map(String::from)))
}

#[test]
fn disconnect_entities_give_owners_of_properties_and_resources() {
    let l = list("entities.json");
    assert_eq!(
        (l.format, l.name.as_str(), l.licence.as_str()),
        ("disconnect", "Disconnect", "CC BY-NC-SA 4.0")
    );
    assert_eq!(
        owner(&l, "www.adgroup.example"),
        some("Example Ad Group", None)
    );
    assert_eq!(
        owner(&l, "pixel-adgroup.example"),
        some("Example Ad Group", None)
    );
    assert_eq!(
        owner(&l, "x.cdn.adgroup-static.example"),
        some("Example Ad Group", None)
    );
    // A listed subdomain does not make its parent the owner's.
    assert_eq!(owner(&l, "adgroup-static.example"), None);
    assert_eq!(
        owner(&l, "samplemetrics.example"),
        some("Sample Metrics", None)
    );
    assert_eq!(l.domain_count(), 4);
    assert_eq!(l.owner_count(), 2);
}

#[test]
fn duckduckgo_tds_uses_entities_domains_and_trackers_with_display_names() {
    let l = list("tds.json");
    assert_eq!(
        (l.format, l.name.as_str()),
        ("duckduckgo", "DuckDuckGo Tracker Radar")
    );
    assert_eq!(
        owner(&l, "trk-example.example"),
        some("Tracking Example", None)
    );
    assert_eq!(
        owner(&l, "a.trk-cdn.example"),
        some("Tracking Example", None)
    );
    // No displayName: the entity's name.
    assert_eq!(
        owner(&l, "other-synthetic.example"),
        some("Other Synthetic Co", None)
    );
    assert_eq!(l.domain_count(), 3);
}

#[test]
fn ghostery_trackerdb_gives_the_organization_and_its_country() {
    let l = list("trackerdb.json");
    assert_eq!(
        (l.format, l.name.as_str()),
        ("ghostery", "Ghostery TrackerDB")
    );
    assert_eq!(
        owner(&l, "synthads.example"),
        some("Synthetic Media AB", Some("SE"))
    );
    assert_eq!(
        owner(&l, "s.synthads-cdn.example"),
        some("Synthetic Media AB", Some("SE"))
    );
    assert_eq!(
        owner(&l, "nowhere-pixel.example"),
        some("Nowhere Labs", None)
    );
    // A pattern without an organization names no owner.
    assert_eq!(owner(&l, "orphan.example"), None);
    // The same export with its patterns under "trackers".
    let text = String::from_utf8(fixture("trackerdb.json")).unwrap_or_default();
    let renamed = parse(
        "t.json",
        text.replace("\"patterns\"", "\"trackers\"").as_bytes(),
    );
    assert_eq!(renamed.map(|r| r.domains), Ok(l.domains));
}

#[test]
fn csv_with_header_quotes_comments_case_and_optional_country() {
    let l = list("own-list.csv");
    assert_eq!(
        (l.format, l.name.as_str(), l.licence.as_str()),
        ("csv", "own-list.csv", "licence not stated")
    );
    assert_eq!(
        owner(&l, "img.unlisted-cdn.example"),
        some("Unlisted Hosting, Ltd.", Some("GB"))
    );
    assert_eq!(
        owner(&l, "sub.metrics-unknown.example"),
        some("Metrics Unknown GmbH", Some("DE"))
    );
    assert_eq!(owner(&l, "metrics-unknown.example"), None);
    assert_eq!(owner(&l, "no-country.example"), some("No Country Co", None));
    // Without a header, two fields, and a path in the file name.
    let l = parse(
        "C:\\lists\\mine.csv",
        b"a-b.example,A B\r\n\r\nc.example,C,fr\n",
    );
    let l = l.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.name, "mine.csv");
    assert_eq!(owner(&l, "a-b.example"), some("A B", None));
    assert_eq!(owner(&l, "c.example"), some("C", Some("FR")));
}

#[test]
fn the_compact_form_round_trips_and_is_validated() {
    for name in [
        "entities.json",
        "tds.json",
        "trackerdb.json",
        "own-list.csv",
    ] {
        let l = list(name);
        assert_eq!(
            List::from_compact(&l.to_compact()).as_ref(),
            Ok(&l),
            "{name}"
        );
    }
    let good = list("own-list.csv").to_compact();
    let swapped = good.replace("no-country.example\t", "zzz.example\t");
    for bad in [
        "",
        "whither-list\t2\ncsv\ta\tb\nX\t\n\na.example\t0\n",
        "whither-list\t1\nother\ta\tb\nX\t\n\na.example\t0\n",
        "whither-list\t1\ncsv\ta\tb\nX\tGBR\n\na.example\t0\n",
        "whither-list\t1\ncsv\ta\tb\nX\t\n\na.example\t1\n",
        "whither-list\t1\ncsv\ta\tb\nX\t\n\nb.example\t0\na.example\t0\n",
        "whither-list\t1\ncsv\ta\tb\nX\t\n\nA.example\t0\n",
        "whither-list\t1\ncsv\ta\tb\nX\t\n\n",
        "whither-list\t1\ncsv\t\tb\nX\t\n\na.example\t0\n",
        swapped.as_str(),
    ] {
        assert!(List::from_compact(bad).is_err(), "{bad:?}");
    }
    let lists = Lists::from_compacts(&[good.clone(), list("trackerdb.json").to_compact()]);
    let lists = lists.unwrap_or_default();
    assert_eq!(lists.len(), 2);
    assert_eq!(
        lists.lookup("synthads.example").map(|a| a.list),
        Some("Ghostery TrackerDB".to_string())
    );
    assert!(Lists::from_compacts(&[good.clone(), "x".to_string()]).is_err());
    assert!(Lists::from_compacts(&vec![good; MAX_LISTS + 1]).is_err());
}

#[test]
fn malformed_files_are_clear_errors() {
    let err = |name: &str, bytes: &[u8]| parse(name, bytes).err().unwrap_or_default();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_entities = format!(
        "{{\"entities\": {{\"A\": {{\"properties\": {}\"a.example\"{}}}}}}}",
        "[".repeat(40),
        "]".repeat(40)
    );
    for (bytes, expected) in [
        (&b""[..], "empty"),
        (b"  \n\t", "empty"),
        (b"\xff\xfe\x00{", "not UTF-8"),
        (b"{", "not a list this can read"),
        (b"{}", "no \"entities\""),
        (b"[]", "not an object"),
        (b"{\"entities\": []}", "not a list this can read"),
        (b"{\"entities\": {\"A\": {\"properties\": \"a.example\"}}}", "not a list this can read"),
        (b"{\"entities\": {\"A\": {\"properties\": [1]}}}", "not a list this can read"),
        (b"{\"entities\": {\"A\": {\"properties\": [\"not a domain\"]}}}", "is not a domain"),
        (b"{\"entities\": {\"A\": {\"properties\": [\"com\"]}}}", "is not a domain"),
        (b"{\"entities\": {\"A\": {\"properties\": [\"1.2.3.4\"]}}}", "is not a domain"),
        (b"{\"entities\": {\"A\": {\"properties\": [\"https://a.example/\"]}}}", "is not a domain"),
        (b"{\"entities\": {\"\": {\"properties\": [\"a.example\"]}}}", "no valid owner name"),
        (b"{\"entities\": {\"A\": {\"properties\": []}}}", "no domain"),
        (b"{\"organizations\": {}}", "without \"patterns\" or \"trackers\""),
        (b"{\"organizations\": {\"o\": {\"name\": \"O\", \"country\": \"Sweden\"}}, \"patterns\": {\"p\": {\"organization\": \"o\", \"domains\": [\"a.example\"]}}}", "not an ISO 3166-1 alpha-2"),
        (b"{\"trackers\": {\"a.example\": {\"owner\": 5}}}", "not a list this can read"),
        (deep.as_bytes(), "nested deeper than 32"),
        (deep_entities.as_bytes(), "nested deeper than 32"),
        (b"a.example,A,GBR", "line 1: A: country \"GBR\" is not an ISO 3166-1 alpha-2"),
        (b"a.example,A,G1", "not an ISO"),
        (b"a.example", "line 1: a.example: no valid owner name"),
        (b"a.example,A,GB,extra", "more than 3 fields"),
        (b"domain,owner\nb a d.example,A", "line 2"),
        (b"domain,owner,country\n", "no domain"),
    ] {
        let e = err("x.csv", bytes);
        assert!(e.contains(expected), "{:?}: {e:?} lacks {expected:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(60)]));
    }
    let long = format!("a.example,{}\n", "x".repeat(MAX_NAME_CHARS + 1));
    assert!(err("x.csv", long.as_bytes()).contains("no valid owner name"));
}

#[test]
fn sizes_are_bounded() {
    let huge = vec![b' '; MAX_FILE_BYTES + 1];
    assert!(parse("x.csv", &huge)
        .err()
        .unwrap_or_default()
        .contains("larger than 16 MB"));
    let mut many = String::new();
    for i in 0..=MAX_DOMAINS {
        many.push_str(&format!("d{i}.example,Owner\n"));
    }
    assert!(parse("x.csv", many.as_bytes())
        .err()
        .unwrap_or_default()
        .contains("more than 200000 domains"));
    // Exactly the limit is accepted, and the compact form reads back.
    let at_limit: String = many
        .lines()
        .take(MAX_DOMAINS)
        .map(|l| format!("{l}\n"))
        .collect();
    let l = parse("x.csv", at_limit.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.domain_count(), MAX_DOMAINS);
    assert_eq!(l.owner_count(), 1);
    assert!(List::from_compact(&l.to_compact()).is_ok());
}

#[test]
fn the_first_owner_of_a_domain_stays_and_the_nearest_parent_answers() {
    let l = parse(
        "x.csv",
        b"a.example,First\nA.example,Second\nb.a.example,Child,US\n",
    );
    let l = l.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(owner(&l, "a.example"), some("First", None));
    assert_eq!(owner(&l, "c.b.a.example"), some("Child", Some("US")));
    assert_eq!(owner(&l, "c.a.example"), some("First", None));
    assert_eq!(owner(&l, "example"), None);
    assert_eq!(owner(&l, ""), None);
}
