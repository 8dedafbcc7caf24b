//! HAR recordings: reads a HAR 1.2 file (as Chromium, Firefox or Playwright save it) into a visit, so that
//! `whither report FILE.har` gives the same report as the extension would for that page.

use crate::report::{Report, Request, Visit};
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

    let mut rows = Vec::with_capacity(entries.len());
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
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        let ip = entry
            .get("serverIPAddress")
            .and_then(Value::as_str)
            .map(|ip| ip.trim_matches(['[', ']']));
        let mime = entry
            .get("response")
            .and_then(|r| r.get("content"))
            .and_then(|c| c.get("mimeType"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let declared = entry.get("_resourceType").and_then(Value::as_str);
        rows.push((url, method, ip, declared, mime));
    }
    let page_index = rows
        .iter()
        .position(|(_, _, _, declared, mime)| {
            declared.is_some_and(|d| d == "document" || d == "main_frame")
                || (declared.is_none() && mime.starts_with("text/html"))
        })
        .unwrap_or(0);
    let page_url = rows.get(page_index).map_or("", |r| r.0);
    let mut visit = Visit::new(page_url);
    for (i, (url, method, ip, declared, mime)) in rows.iter().enumerate() {
        let type_name = resource_type(*declared, mime, i == page_index);
        visit.record(&Request {
            url,
            type_name,
            method,
            ip: ip.filter(|s| !s.is_empty()),
            proxy: false,
        });
    }
    Ok(visit)
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
