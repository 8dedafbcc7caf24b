//! Exports for people and spreadsheets: a tab's report and the history of a period, as CSV and as JSON.

use crate::db::{self, EntityIndex};
use crate::entity;
use crate::hash::FnvMap;
use crate::history::places;
use crate::history::query::{Pair, Pairs};
use crate::history::{day_string, Count, History, Overview, PlaceCode};
use crate::report::Report;
use crate::servers::PlaceKind;
use serde::Serialize;

/// Appends one CSV row (RFC 4180 quoting). Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first) are prefixed with `'`.
pub(crate) fn csv_row(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quote = formula || cell.contains([',', '"', '\n', '\r']);
        if quote {
            out.push('"');
        }
        if formula {
            out.push('\'');
        }
        if cell.contains('"') {
            out.push_str(&cell.replace('"', "\"\""));
        } else {
            out.push_str(cell);
        }
        if quote {
            out.push('"');
        }
    }
    out.push('\n');
}

/// A report as CSV, one row per host, for spreadsheets.
pub fn report_csv(report: &Report) -> String {
    let site = report
        .page
        .domain
        .as_deref()
        .or(report.page.host.as_deref())
        .unwrap_or("");
    let mut out = String::from(
        "page,site,host,domain,party,company_id,company,controller,jurisdiction,requests,data_requests,\
         blocked_requests,server_countries,server_networks,server_ips,no_ip_requests,imported_owner,imported_country,\
         imported_list\n",
    );
    let name = |id: Option<&str>| {
        id.and_then(db::entity_by_id)
            .and_then(db::entity)
            .map_or("", |e| e.name)
    };
    for h in &report.hosts {
        let party = match h.party {
            crate::report::Party::First => "first",
            crate::report::Party::SameOwner => "same-owner",
            crate::report::Party::ProbablyOwn => "probably-own",
            crate::report::Party::Third => "third",
        };
        // Where its servers are: countries (or the kind of place: local, proxy, …), networks, addresses.
        let mut places: Vec<&str> = Vec::new();
        let mut networks: Vec<String> = Vec::new();
        for s in &h.servers {
            let place = s.country.unwrap_or_else(|| place_name(s.kind));
            if !places.contains(&place) {
                places.push(place);
            }
            if let (Some(asn), Some(name)) = (s.asn, s.network) {
                let network = format!("AS{asn} {name}");
                if !networks.contains(&network) {
                    networks.push(network);
                }
            }
        }
        let ips: Vec<&str> = h.servers.iter().map(|s| s.ip.as_str()).collect();
        csv_row(
            &mut out,
            &[
                &report.page.url,
                site,
                &h.host,
                h.domain.as_deref().unwrap_or(""),
                party,
                h.entity.unwrap_or(""),
                name(h.entity),
                name(h.controller),
                h.jurisdiction.unwrap_or(""),
                &h.requests.to_string(),
                &h.data_requests.to_string(),
                &h.blocked_requests.to_string(),
                &places.join(" "),
                &networks.join("; "),
                &ips.join(" "),
                &h.no_ip_requests.to_string(),
                h.imported.as_ref().map_or("", |i| i.owner.as_str()),
                h.imported
                    .as_ref()
                    .and_then(|i| i.country.as_deref())
                    .unwrap_or(""),
                &h.imported
                    .as_ref()
                    .map_or(String::new(), |i| format!("{} ({})", i.list, i.licence)),
            ],
        );
    }
    out
}

/// A place that is no country, as the CSV exports name it.
fn place_name(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Country | PlaceKind::Unlocated => "unlocated",
        PlaceKind::Local => "local",
        PlaceKind::Special => "special",
        PlaceKind::Proxy => "proxy",
        PlaceKind::Unknown => "unknown",
    }
}

/// A report as readable text (`whither report --format text`, the demo).
pub fn report_text(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let name_of = |id: Option<&str>| {
        id.and_then(db::entity_by_id)
            .and_then(db::entity)
            .map(|e| e.name)
    };
    let _ = writeln!(out, "Page: {}", report.page.url);
    let _ = writeln!(
        out,
        "Site: {} — controlled by {} ({})",
        report
            .page
            .domain
            .as_deref()
            .or(report.page.host.as_deref())
            .unwrap_or("?"),
        name_of(report.page.controller).unwrap_or("unknown"),
        report.page.jurisdiction.unwrap_or("?")
    );
    let t = &report.totals;
    let _ = writeln!(
        out,
        "{} requests to {} companies under {} jurisdictions; {} to third parties, {} carried data, {} unattributed.",
        t.requests, t.companies, t.jurisdictions, t.third_party_requests, t.data_requests, t.unattributed_requests
    );
    if t.blocked_requests > 0 {
        let _ = writeln!(out, "{} requests blocked.", t.blocked_requests);
    }
    for j in &report.jurisdictions {
        let country = db::jurisdiction(j.country).map_or(j.country, |r| r.name);
        let _ = writeln!(
            out,
            "\n{} ({}): {} requests",
            country, j.country, j.requests
        );
        for c in report
            .companies
            .iter()
            .filter(|c| c.jurisdiction == Some(j.country))
        {
            let chain: Vec<String> = c
                .chain
                .iter()
                .map(|l| format!("{} ({})", l.name, l.country))
                .collect();
            let blocked = if c.blocked_requests > 0 {
                format!(" ({} blocked)", c.blocked_requests)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:>5}  {}{blocked}", c.requests, chain.join(" → "));
            let _ = writeln!(out, "         {}", c.hosts.join(", "));
        }
    }
    let unattributed: Vec<String> = report
        .hosts
        .iter()
        .filter(|h| h.entity.is_none())
        .map(|h| format!("{} ({})", h.host, h.requests))
        .collect();
    if !unattributed.is_empty() {
        let _ = writeln!(out, "\nUnattributed: {}", unattributed.join(", "));
    }
    out
}

/// The days `from..=to` of a history as CSV, one row per site × company (hosts of unknown owner as one row per site
/// with an empty company), for spreadsheets.
pub fn history_csv(history: &History, from: u32, to: u32) -> String {
    let keep = vec![true; history.names.len()];
    let Pairs {
        pairs,
        days,
        places: pair_places,
        ..
    } = history.pairs(from, to, &keep, true, true);
    let dates: FnvMap<u32, String> = days.iter().map(|d| (d.day, day_string(d.day))).collect();
    let date = |day: u32| dates.get(&day).map_or("", String::as_str);
    let mut out = String::from(
        "first_day,last_day,site,company_id,company,controller,jurisdiction,requests,data_requests,hosts,\
         blocked_requests,servers\n",
    );
    for group in pairs.chunk_by(Pair::same_site) {
        let site = group
            .first()
            .and_then(|p| history.name(p.site()))
            .map_or("", |n| n.name.as_str());
        let mut rows: Vec<CsvCompany> = Vec::new();
        for pair in group {
            let host = history.name(pair.host());
            let entity = host.and_then(|h| h.owner).map(|o| o.entity);
            let i = match rows.iter().position(|r| r.entity == entity) {
                Some(i) => i,
                None => {
                    rows.push(CsvCompany {
                        entity,
                        first_day: u32::MAX,
                        last_day: 0,
                        count: Count::default(),
                        hosts: Vec::new(),
                        places: Vec::new(),
                    });
                    rows.len() - 1
                }
            };
            if let Some(r) = rows.get_mut(i) {
                r.first_day = r.first_day.min(pair.sum.first_day);
                r.last_day = r.last_day.max(pair.sum.last_day);
                r.count.add(pair.sum.count);
                if let Some(h) = host {
                    r.hosts.push(&h.name);
                }
                let first = pair_places.partition_point(|p| p.key < pair.key);
                let of_pair = pair_places
                    .get(first..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|p| p.key == pair.key);
                r.places.extend(of_pair.map(|p| p.code));
            }
        }
        for mut r in rows {
            r.places.sort_unstable();
            r.places.dedup();
            let servers: Vec<String> = r.places.iter().map(|&c| places::place_name(c)).collect();
            let company = r.entity.and_then(db::entity);
            let controller = r.entity.and_then(|i| db::entity(entity::controller(i)));
            csv_row(
                &mut out,
                &[
                    date(r.first_day),
                    date(r.last_day),
                    site,
                    company.map_or("", |e| e.id),
                    company.map_or("", |e| e.name),
                    controller.map_or("", |c| c.name),
                    controller.map_or("", |c| c.country),
                    &r.count.requests.to_string(),
                    &r.count.data.to_string(),
                    &r.hosts.join(" "),
                    &r.count.blocked.to_string(),
                    &servers.join(" "),
                ],
            );
        }
    }
    out
}

/// One row of [`history_csv`] being summed: a site's requests to one company (or to hosts of unknown owner).
struct CsvCompany<'a> {
    entity: Option<EntityIndex>,
    first_day: u32,
    last_day: u32,
    count: Count,
    hosts: Vec<&'a str>,
    /// Where its hosts' servers stood (src/history/places.rs).
    places: Vec<PlaceCode>,
}

/// Version of the JSON exports' format (`docs/report-format.md`, "Exports").
pub const EXPORT_SCHEMA: u32 = 1;

/// A tab's report as pretty-printed JSON (the report format, `docs/report-format.md`).
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

#[derive(Serialize)]
struct HistoryExport<'a> {
    schema: u32,
    kind: &'static str,
    from: String,
    to: String,
    overview: &'a Overview,
}

/// The history of the days `from..=to` as pretty-printed JSON: the dashboard's overview with every row (no list is
/// cut), and the period's first and last date.
pub fn history_json(history: &History, from: u32, to: u32) -> String {
    let overview = history.query_all(from, to);
    let export = HistoryExport {
        schema: EXPORT_SCHEMA,
        kind: "whither-history",
        from: day_string(from),
        to: day_string(to),
        overview: &overview,
    };
    serde_json::to_string_pretty(&export).unwrap_or_default()
}

/// A file name for an export of the history of `from..=to`, without extension: `whither-history-FROM-TO`.
pub fn history_file_name(from: u32, to: u32) -> String {
    format!("whither-history-{}-{}", day_string(from), day_string(to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::test_support::{busy_history, visit};

    #[test]
    fn report_csv_quotes_and_defuses_formulas() {
        let v = visit(
            "https://www.news.example/?q=a,b",
            &[("https://www.news.example/?q=a,b", "main_frame", "GET")],
        );
        let csv = report_csv(&v.report());
        assert!(
            csv.contains("\"https://www.news.example/?q=a,b\",news.example,www.news.example"),
            "{csv}"
        );
        let mut out = String::new();
        csv_row(&mut out, &["=1+1", "a\"b", "-x"]);
        assert_eq!(out, "\"'=1+1\",\"a\"\"b\",\"'-x\"\n");
    }

    #[test]
    fn the_history_csv_has_a_row_per_site_and_company() {
        let mut h = History::new();
        let page = crate::history::test_support::PAGE;
        let v = visit(
            page,
            &[
                (page, "main_frame", "GET"),
                ("https://mc.yandex.ru/watch/1", "script", "GET"),
                ("https://www.google-analytics.com/collect", "ping", "GET"),
            ],
        );
        h.record(1, 1, &v.report(), 10);
        h.record(2, 1, &v.report(), 11);
        let csv = history_csv(&h, 0, 100);
        assert!(csv.starts_with("first_day,last_day,site,"));
        assert!(
            csv.contains("1970-01-11,1970-01-12,news.example,yandex,"),
            "{csv}"
        );
        assert!(csv.contains(",,,,,2,0,www.news.example,0,\n"), "{csv}");
    }

    #[test]
    fn the_csv_of_a_day_is_the_same_read_from_either_stored_format() {
        let h = busy_history(3);
        for day in h.days() {
            let mut old = History::new();
            let v1 = crate::history::codec::export_day_v1(&h, day);
            assert_eq!(old.import_day(&v1), Ok(day));
            let mut new = History::new();
            assert_eq!(
                new.import_day(&h.export_day(day).unwrap_or_default()),
                Ok(day)
            );
            // Rows and their hosts are in the order names were first seen: compare them as sets.
            let rows = |h: &History| {
                let mut rows: Vec<String> = history_csv(h, day, day)
                    .lines()
                    .map(|row| {
                        // The hosts, then the blocked requests and the servers.
                        let (row, servers) = row.rsplit_once(',').unwrap_or((row, ""));
                        let (row, blocked) = row.rsplit_once(',').unwrap_or((row, ""));
                        let (head, hosts) = row.rsplit_once(',').unwrap_or((row, ""));
                        let mut hosts: Vec<&str> = hosts.split(' ').collect();
                        hosts.sort_unstable();
                        format!("{head},{},{blocked},{servers}", hosts.join(" "))
                    })
                    .collect();
                rows.sort();
                rows
            };
            assert_eq!(rows(&old), rows(&h));
            assert_eq!(rows(&new), rows(&h));
        }
    }

    #[test]
    fn the_json_export_of_the_history_has_every_row() {
        // More sites than a query's limit: the export keeps them all, and its totals are the query's.
        let h = busy_history(2);
        let query = h.query(0, u32::MAX, "", 5);
        let json: serde_json::Value =
            serde_json::from_str(&history_json(&h, 100, 101)).unwrap_or_default();
        assert_eq!(json["kind"], "whither-history");
        assert_eq!(json["from"], "1970-04-11");
        let sites = json["overview"]["sites"].as_array().map_or(0, Vec::len);
        assert_eq!(sites as u64, query.totals.sites);
        assert!(sites > 5, "{sites}");
        let flows = json["overview"]["flows"].as_array().map_or(0, Vec::len);
        assert!(flows > query.flows.len(), "{flows}");
        assert_eq!(
            json["overview"]["totals"]["requests"],
            query.totals.requests
        );
        assert_eq!(
            history_file_name(0, 1),
            "whither-history-1970-01-01-1970-01-02"
        );
    }
}
