//! The person's own lists in reports: consulted only for hosts that Whither's own data does not know, labelled with
//! the list's name and licence in the report, its JSON and CSV exports, and gone at once when removed.

use whither::imported::{self, Lists};
use whither::tracker::{Event, Stage, Tracker};

fn ev(id: &str, url: &str, type_name: &str) -> Event {
    Event {
        stage: Stage::Completed,
        request_id: id.into(),
        url: url.into(),
        type_name: type_name.into(),
        method: "GET".into(),
        ..Event::default()
    }
}

/// A list that claims a host Whither knows (Google Analytics) for someone else, and knows an unknown host.
const CSV: &[u8] = b"domain,owner,country\n\
    google-analytics.com,Not Google,RU\n\
    unlisted-cdn.example,Unlisted Hosting Ltd.,GB\n\
    example.org,The Site Itself,FR\n";

fn tracker() -> Tracker {
    let mut t = Tracker::new();
    t.event(1, &ev("1", "https://example.org/", "main_frame"));
    t.event(
        1,
        &ev("2", "https://www.google-analytics.com/a.js", "script"),
    );
    t.event(
        1,
        &ev("3", "https://img.unlisted-cdn.example/x.png", "image"),
    );
    t.event(1, &ev("4", "https://192.0.2.7/x.png", "image"));
    t
}

fn lists() -> Lists {
    let list = imported::parse("mine.csv", CSV).unwrap_or_else(|e| panic!("{e}"));
    Lists::from_compacts(&[list.to_compact()]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_imported_list_answers_only_for_hosts_the_data_does_not_know() {
    let mut t = tracker();
    let before = t.report(1).unwrap_or_else(|| panic!("no report"));
    t.set_imported(lists());
    let r = t.report(1).unwrap_or_else(|| panic!("no report"));
    let host = |name: &str| {
        r.hosts
            .iter()
            .find(|h| h.host == name)
            .unwrap_or_else(|| panic!("{name}"))
    };

    // Whither's own data wins: the list's claim on google-analytics.com is never consulted.
    let ga = host("www.google-analytics.com");
    assert_eq!(ga.entity, Some("google"));
    assert_eq!(ga.imported, None);

    // The unknown host gets the list's owner and country, labelled, and stays without an entity or jurisdiction.
    let cdn = host("img.unlisted-cdn.example");
    assert_eq!(cdn.entity, None);
    assert_eq!(cdn.controller, None);
    assert_eq!(cdn.jurisdiction, None);
    let answer = cdn.imported.as_ref().unwrap_or_else(|| panic!("no answer"));
    assert_eq!(answer.owner, "Unlisted Hosting Ltd.");
    assert_eq!(answer.country.as_deref(), Some("GB"));
    assert_eq!(answer.list, "mine.csv");
    assert_eq!(answer.licence, "licence not stated");
    // The site itself (unknown to the data) is labelled too; an IP literal never is.
    assert_eq!(
        host("example.org")
            .imported
            .as_ref()
            .map(|a| a.owner.as_str()),
        Some("The Site Itself")
    );
    assert_eq!(host("192.0.2.7").imported, None);

    // Whither's own totals and jurisdictions are untouched: the list's countries are kept apart.
    assert_eq!(r.totals, before.totals);
    let countries: Vec<&str> = r.jurisdictions.iter().map(|j| j.country).collect();
    assert_eq!(countries, ["US"]);

    // The exports carry the label.
    let json = whither::export::report_json(&r);
    assert!(
        json.contains("\"imported\"") && json.contains("Unlisted Hosting Ltd."),
        "{json}"
    );
    let csv = whither::export::report_csv(&r);
    assert!(csv
        .lines()
        .next()
        .is_some_and(|h| h.ends_with(",imported_owner,imported_country,imported_list")));
    assert!(
        csv.contains(",Unlisted Hosting Ltd.,GB,mine.csv (licence not stated)"),
        "{csv}"
    );

    // Removal applies at once, to the same visit.
    t.set_imported(Lists::default());
    let r = t.report(1).unwrap_or_else(|| panic!("no report"));
    assert!(r.hosts.iter().all(|h| h.imported.is_none()));
    assert!(!whither::export::report_json(&r).contains("\"imported\""));
}

#[test]
fn the_first_imported_list_that_knows_a_host_answers() {
    let other = imported::parse(
        "other.csv",
        b"unlisted-cdn.example,Second Owner\nmore.example,More\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let first = imported::parse("mine.csv", CSV).unwrap_or_else(|e| panic!("{e}"));
    let lists = Lists::from_compacts(&[first.to_compact(), other.to_compact()])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        lists.lookup("unlisted-cdn.example").map(|a| a.owner),
        Some("Unlisted Hosting Ltd.".into())
    );
    assert_eq!(
        lists.lookup("a.more.example").map(|a| a.list),
        Some("other.csv".into())
    );
}
