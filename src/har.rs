//! HAR recordings: reads a HAR 1.2 file (as Chromium, Firefox or Playwright save it) into a visit, so that
//! `whither report FILE.har` gives the same report as the extension would for that page.

use crate::report::{Outcome, Report, Request, Visit};
use serde_json::Value;
use std::fmt;

/// Why a HAR file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarError(pub String);

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for HarError {}

/// The report of the first page in a HAR: entries of that page (by `pageref`, or all entries when the HAR has no
/// pages), with the first document as the page.
pub fn report(text: &str) -> Result<Report, HarError> {
    visit(text).map(|v| v.report())
}

pub fn visit(text: &str) -> Result<Visit, HarError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| HarError(format!("not a JSON file: {e}")))?;
    let log = root
        .get("log")
        .ok_or_else(|| HarError("not a HAR file: no \"log\" object".into()))?;
    let entries = log
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            HarError("not a HAR file: \"log.entries\" is missing or not an array".into())
        })?;
    let first_page = log
        .get("pages")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
        .and_then(|p| p.get("id"))
        .and_then(Value::as_str);

    let mut rows: Vec<Row> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let pageref = entry.get("pageref").and_then(Value::as_str);
        if first_page.is_some() && pageref.is_some() && pageref != first_page {
            continue;
        }
        let request = entry
            .get("request")
            .ok_or_else(|| HarError(format!("entry {i}: no \"request\"")))?;
        let url = request.get("url").and_then(Value::as_str).ok_or_else(|| {
            HarError(format!(
                "entry {i}: \"request.url\" is missing or not a string"
            ))
        })?;
        let response = entry.get("response");
        rows.push(Row {
            url,
            method: str_of(request.get("method")).trim(),
            ip: entry
                .get("serverIPAddress")
                .and_then(Value::as_str)
                .map(|ip| ip.trim_matches(['[', ']']))
                .filter(|ip| !ip.is_empty()),
            declared: entry.get("_resourceType").and_then(Value::as_str),
            mime: str_of(field(field(response, "content"), "mimeType")),
            status: field(response, "status")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            status_text: str_of(field(response, "statusText")),
            redirect_url: str_of(field(response, "redirectURL")),
            from_cache: entry.get("_fromCache").is_some_and(|c| {
                c.as_str().is_some_and(|c| !c.is_empty()) || c.as_bool() == Some(true)
            }),
            error: str_of(field(response, "_error")),
        });
    }
    let page_index = rows
        .iter()
        .position(|r| {
            r.declared
                .is_some_and(|d| d == "document" || d == "main_frame")
                || (r.declared.is_none() && r.mime.starts_with("text/html"))
                || (r.declared.is_none() && r.redirect_url.starts_with("http"))
        })
        .unwrap_or(0);
    let page_url = rows.get(page_index).map_or("", |r| r.url);
    let mut visit = Visit::new(page_url);
    // Entries that continue an earlier one's redirect: the same fetch (and, for the page, the same document).
    let mut continues = vec![false; rows.len()];
    let mut page_chain = vec![page_index];
    for (i, r) in rows.iter().enumerate() {
        if r.redirect_url.is_empty() || r.not_sent() {
            continue;
        }
        if let Some(next) =
            (i + 1..rows.len()).find(|&k| rows.get(k).is_some_and(|n| n.url == r.redirect_url))
        {
            if let Some(c) = continues.get_mut(next) {
                *c = true;
            }
            if page_chain.last() == Some(&i) {
                page_chain.push(next);
            }
        }
    }
    for (i, r) in rows.iter().enumerate() {
        if r.not_sent() {
            continue;
        }
        let is_page = page_chain.contains(&i);
        let type_name = resource_type(r.declared, r.mime, is_page);
        let req = Request {
            url: r.url,
            type_name,
            method: if r.method.is_empty() { "GET" } else { r.method },
            // A load from the cache went to no server: no address, whatever the entry says.
            ip: r.ip.filter(|_| !r.from_cache),
            proxy: false,
        };
        visit.record(&req);
        if r.from_cache {
            visit.settle(&req, Outcome::Cached);
        } else {
            if !continues.get(i).copied().unwrap_or(false) {
                visit.count_fetch(true);
            }
            if (300..400).contains(&r.status) && !r.redirect_url.is_empty() {
                visit.settle(&req, Outcome::Redirected);
            }
        }
    }
    if let Some(last) = page_chain.last().and_then(|&i| rows.get(i)) {
        visit.set_page(last.url);
    }
    Ok(visit)
}

/// `v[key]`, if `v` is an object that has it.
fn field<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    v.and_then(|v| v.get(key))
}

/// The string `v`, or "".
fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

/// What the report needs of a HAR entry.
struct Row<'a> {
    url: &'a str,
    method: &'a str,
    ip: Option<&'a str>,
    declared: Option<&'a str>,
    mime: &'a str,
    status: u64,
    status_text: &'a str,
    redirect_url: &'a str,
    /// Chromium's `_fromCache` ("disk", "memory"): served from the browser's cache.
    from_cache: bool,
    /// Chromium's `response._error` of a failed request.
    error: &'a str,
}

impl Row<'_> {
    /// Never reached a server (as the extension counts: src/tracker/mod.rs `Event::outcome`): Chromium's "307
    /// Internal Redirect" (HSTS, upgrades) and its cache-only attempt for a font (`net::ERR_CACHE_MISS`).
    fn not_sent(&self) -> bool {
        (self.status == 307 && self.status_text.contains("Internal Redirect"))
            || self.error == "net::ERR_CACHE_MISS"
    }
}

/// Maps a HAR entry's resource type (Chromium's `_resourceType`, else the response MIME type) to the webRequest
/// name the extension sees.
fn resource_type(declared: Option<&str>, mime: &str, is_page: bool) -> &'static str {
    if is_page {
        return "main_frame";
    }
    match declared {
        Some("document") => "sub_frame",
        Some("stylesheet") => "stylesheet",
        Some("script") => "script",
        Some("image") => "image",
        Some("font") => "font",
        Some("media") => "media",
        Some("xhr") | Some("fetch") | Some("eventsource") => "xmlhttprequest",
        Some("ping") | Some("beacon") => "ping",
        Some("websocket") => "websocket",
        Some("csp_violation_report") => "csp_report",
        Some(_) => "other",
        None => {
            let mime = mime.to_ascii_lowercase();
            if mime.contains("javascript") || mime.contains("ecmascript") {
                "script"
            } else if mime.starts_with("image/") {
                "image"
            } else if mime.starts_with("text/css") {
                "stylesheet"
            } else if mime.starts_with("font/") || mime.contains("font") {
                "font"
            } else if mime.starts_with("text/html") {
                "sub_frame"
            } else if mime.starts_with("video/") || mime.starts_with("audio/") {
                "media"
            } else {
                "other"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_minimal_har() {
        let har = r#"{"log":{"version":"1.2","pages":[{"id":"page_1"}],"entries":[
          {"pageref":"page_1","request":{"method":"GET","url":"https://example.org/"},"response":{"content":{"mimeType":"text/html"}}},
          {"pageref":"page_1","request":{"method":"POST","url":"https://www.google-analytics.com/g/collect"},"serverIPAddress":"[::1]","_resourceType":"ping","response":{}},
          {"pageref":"page_2","request":{"method":"GET","url":"https://other.example/"}}
        ]}}"#;
        let r = report(har);
        let r = r.as_ref().ok();
        assert_eq!(r.map(|r| r.page.url.as_str()), Some("https://example.org/"));
        assert_eq!(r.map(|r| r.totals.requests), Some(2));
        assert_eq!(r.map(|r| r.totals.data_requests), Some(1));
        let ga = r.and_then(|r| {
            r.hosts
                .iter()
                .find(|h| h.host == "www.google-analytics.com")
        });
        assert_eq!(ga.and_then(|h| h.ip.as_deref()), Some("::1"));
    }

    #[test]
    fn malformed_hars_are_clear_errors() {
        assert!(report("").is_err_and(|e| e.0.contains("not a JSON")));
        assert!(report("{}").is_err_and(|e| e.0.contains("no \"log\"")));
        assert!(report(r#"{"log":{}}"#).is_err_and(|e| e.0.contains("log.entries")));
        assert!(report(r#"{"log":{"entries":[{"request":{}}]}}"#)
            .is_err_and(|e| e.0.contains("entry 0")));
        assert!(report(r#"{"log":{"entries":[]}}"#).is_ok());
    }
}
