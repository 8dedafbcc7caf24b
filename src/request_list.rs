//! The person's own list of the data-access requests they sent (storage.local `requests`, docs/requests.md): what
//! was sent to whom under which law and when, the deadline, whether it was answered or extended, and for an overdue
//! one the supervisory authority to complain to with a ready complaint. Stored and read only here: the shell passes
//! the stored JSON and today's date in, and stores what comes back.

use crate::authority::{self, AuthorityRecord};
use crate::calendar::Date;
use crate::contact::{self, ContactView};
use crate::db;
use crate::letter::{self, Channel, ComplaintFacts, Lang, Law, LetterText, Seen, Service};
use crate::request::{bounded, region, Entry, RequesterInput, MAX_TEXT};
use serde::{Deserialize, Serialize};

/// Version of the stored format.
pub const SCHEMA: u32 = 1;
/// Requests kept; the oldest answered ones go first when the list is full.
pub const MAX_REQUESTS: usize = 2_000;

/// The stored value.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Stored {
    #[serde(default = "schema")]
    pub schema: u32,
    /// For a US home: whether the person lives in California (unknown: null).
    #[serde(default)]
    pub california: Option<bool>,
    /// The supervisory authority the person chose (its id), where their home has several.
    #[serde(default)]
    pub authority: Option<String>,
    /// The name and reply address the person signs with.
    #[serde(default)]
    pub requester: RequesterInput,
    #[serde(default)]
    pub requests: Vec<Record>,
}

fn schema() -> u32 {
    SCHEMA
}

/// One request sent.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Record {
    /// `company:sent:law`: one request per company, day and law.
    pub id: String,
    /// The entity whose privacy contact it went to.
    pub company: String,
    /// The controller's name as it was then.
    pub controller: String,
    pub law: String,
    pub lang: String,
    pub sent: String,
    pub deadline: String,
    #[serde(default)]
    pub extended: bool,
    /// The day the person marked it answered.
    #[serde(default)]
    pub answered: Option<String>,
    /// `email`, `web_form` or `post`.
    pub channel: String,
    /// The e-mail address or web form it went to.
    #[serde(default)]
    pub to: Option<String>,
    /// The postal address of the contact then.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub services: Vec<Service>,
}

impl Record {
    /// Whether a stored record makes sense (dates, law, language, channel); others are dropped on reading.
    fn valid(&self) -> bool {
        Date::parse(&self.sent).is_ok()
            && Date::parse(&self.deadline).is_ok()
            && self
                .answered
                .as_deref()
                .is_none_or(|a| Date::parse(a).is_ok())
            && Law::parse(&self.law).is_some()
            && Lang::parse(&self.lang).is_some()
            && ["email", "web_form", "post"].contains(&self.channel.as_str())
            && !self.company.is_empty()
            && self.id.len() < 300
    }
}

/// Reads the stored value: `""` or `null` is an empty list; records that make no sense are dropped; anything that
/// is not the stored format is an error (and the caller keeps what is stored, rather than overwrite it).
pub fn parse(stored: &str) -> Result<Stored, String> {
    let text = stored.trim();
    if text.is_empty() || text == "null" {
        return Ok(Stored {
            schema: SCHEMA,
            ..Stored::default()
        });
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the stored requests are not JSON: {e}"))?;
    let mut records = Vec::new();
    if let Some(list) = value.get("requests").and_then(|r| r.as_array()) {
        for r in list.iter().take(MAX_REQUESTS) {
            if let Ok(r) = serde_json::from_value::<Record>(r.clone()) {
                if r.valid() {
                    records.push(r);
                }
            }
        }
    }
    let mut bare = value;
    if let Some(o) = bare.as_object_mut() {
        o.remove("requests");
    } else {
        return Err("the stored requests are not an object".into());
    }
    let mut s: Stored =
        serde_json::from_value(bare).map_err(|e| format!("bad stored requests: {e}"))?;
    if s.schema != SCHEMA {
        return Err(format!(
            "stored requests of schema {}, this version reads {SCHEMA}",
            s.schema
        ));
    }
    s.requests = records;
    Ok(s)
}

fn to_json(s: &Stored) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// How the person sent it, from the button they used: `email` (the mail program), `copy` (to paste into a web form
/// or a mail), `print` (a letter by post).
fn channel_of(
    via: &str,
    c: &ContactView,
    law: Law,
) -> Result<(&'static str, Option<String>), String> {
    let email = match law {
        Law::Gdpr => c
            .email
            .or(c.dpo_email)
            .or(c.eu_representative.and_then(|r| r.email)),
        Law::UkGdpr => c
            .email
            .or(c.dpo_email)
            .or(c.uk_representative.and_then(|r| r.email)),
        _ => c.email.or(c.dpo_email),
    };
    Ok(match via {
        "email" => ("email", email.map(str::to_string)),
        "copy" => match (c.web_form, email) {
            (Some(f), _) => ("web_form", Some(f.to_string())),
            (None, Some(e)) => ("email", Some(e.to_string())),
            (None, None) => ("post", None),
        },
        "print" => ("post", None),
        other => {
            return Err(format!(
                "unknown way of sending {other:?} (email, copy or print)"
            ))
        }
    })
}

/// Records that the person sent the request `entry` (as the request page's view gave it) today, by `via`. The same
/// company, day and law again replaces the earlier record.
pub fn record(stored: &str, entry: &str, via: &str, today: &str) -> Result<String, String> {
    let mut s = parse(stored)?;
    let today = Date::parse(today)?;
    let entry: Entry =
        serde_json::from_str(entry).map_err(|e| format!("bad request entry: {e}"))?;
    let law = Law::parse(&entry.law).ok_or_else(|| format!("unknown law {:?}", entry.law))?;
    let lang = Lang::parse(&entry.lang).unwrap_or(Lang::En);
    let index = db::entity_by_id(&entry.company)
        .ok_or_else(|| format!("unknown company {:?}", entry.company))?;
    let c = contact::own(index)
        .and_then(ContactView::of)
        .ok_or_else(|| format!("{:?} has no privacy contact", entry.company))?;
    let (channel, to) = channel_of(via, &c, law)?;
    let sent = today.to_string();
    let services: Vec<Service> = entry
        .services
        .into_iter()
        .take(200)
        .map(|s| Service {
            id: bounded(&s.id, 100),
            name: bounded(&s.name, 300),
            hosts: s
                .hosts
                .into_iter()
                .take(100)
                .map(|h| bounded(&h, 300))
                .collect(),
        })
        .collect();
    let record = Record {
        id: format!("{}:{sent}:{}", c.entity, law.id()),
        company: c.entity.to_string(),
        controller: c.controller.to_string(),
        law: law.id().to_string(),
        lang: lang.id().to_string(),
        deadline: law.deadline(today).to_string(),
        sent,
        extended: false,
        answered: None,
        channel: channel.to_string(),
        to,
        address: c.address.map(str::to_string),
        page: entry.page.map(|p| bounded(&p, MAX_TEXT)),
        from: entry.from.filter(|d| Date::parse(d).is_ok()),
        until: entry.to.filter(|d| Date::parse(d).is_ok()),
        services,
    };
    s.requests.retain(|r| r.id != record.id);
    s.requests.push(record);
    if s.requests.len() > MAX_REQUESTS {
        // The oldest answered first, else the oldest.
        let drop = s
            .requests
            .iter()
            .position(|r| r.answered.is_some())
            .unwrap_or(0);
        s.requests.remove(drop);
    }
    Ok(to_json(&s))
}

/// Changes one request: `answered` (today), `open` (not answered after all), `extended` (the company said it needs
/// the longer period its law allows), `remove`.
pub fn update(stored: &str, id: &str, action: &str, today: &str) -> Result<String, String> {
    let mut s = parse(stored)?;
    let today = Date::parse(today)?;
    let i = s
        .requests
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| format!("no request {id:?}"))?;
    if action == "remove" {
        s.requests.remove(i);
        return Ok(to_json(&s));
    }
    let r = s.requests.get_mut(i).ok_or("no such request")?;
    match action {
        "answered" => r.answered = Some(today.to_string()),
        "open" => r.answered = None,
        "extended" => {
            let law = Law::parse(&r.law).ok_or("unknown law")?;
            let deadline = Date::parse(&r.deadline)?;
            if !r.extended {
                let later = law
                    .extended(deadline)
                    .ok_or_else(|| format!("{} allows no extension", law.rule().name))?;
                r.deadline = later.to_string();
                r.extended = true;
            }
        }
        other => {
            return Err(format!(
                "unknown action {other:?} (answered, open, extended, remove)"
            ))
        }
    }
    Ok(to_json(&s))
}

/// What the person sets on the request page: the California answer, the chosen authority, their name and reply
/// address. Fields absent from `patch` stay as they are; `null` clears them.
pub fn configure(stored: &str, patch: &str) -> Result<String, String> {
    let mut s = parse(stored)?;
    let patch: serde_json::Value =
        serde_json::from_str(patch).map_err(|e| format!("bad settings: {e}"))?;
    if let Some(v) = patch.get("california") {
        s.california = v.as_bool();
    }
    if let Some(v) = patch.get("authority") {
        s.authority = v
            .as_str()
            .filter(|a| authority::get(a).is_some())
            .map(str::to_string);
    }
    if let Some(r) = patch.get("requester") {
        if let Some(n) = r.get("name").and_then(|n| n.as_str()) {
            s.requester.name = bounded(n, 200);
        }
        if let Some(c) = r.get("contact").and_then(|c| c.as_str()) {
            s.requester.contact = bounded(c, MAX_TEXT);
        }
    }
    Ok(to_json(&s))
}

/// An authority as the list shows it.
#[derive(Debug, Serialize)]
pub struct AuthorityView {
    #[serde(flatten)]
    pub record: &'static AuthorityRecord,
    pub mailto: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Complaint {
    pub authority: Option<&'static AuthorityRecord>,
    pub letter: Option<LetterText>,
    pub mailto: Option<String>,
}

/// One request as the list shows it.
#[derive(Debug, Serialize)]
pub struct RecordView {
    #[serde(flatten)]
    pub record: Record,
    pub law_name: &'static str,
    /// `open`, `overdue` or `answered`.
    pub status: &'static str,
    /// Days until the deadline (0 on the day itself and after it).
    pub days_left: u32,
    /// Days since the deadline passed (0 while it has not).
    pub days_overdue: u32,
    /// Whether the law allows an extension not yet taken.
    pub can_extend: bool,
    /// For an overdue request: the authority and the complaint.
    pub complaint: Option<Complaint>,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub open: usize,
    pub overdue: usize,
    pub answered: usize,
}

/// The list's view.
#[derive(Debug, Serialize)]
pub struct ListView {
    pub today: Date,
    pub home: String,
    pub california: Option<bool>,
    pub requester: RequesterInput,
    pub counts: Counts,
    /// The authorities of the home, the proposed one first (to pick from when the home has several).
    pub authorities: Vec<&'static AuthorityRecord>,
    /// The authority complaints go to (chosen, or the only sensible one); None: the person picks.
    pub authority: Option<&'static str>,
    /// Overdue first, then open by deadline, then answered (latest first).
    pub requests: Vec<RecordView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListOptions {
    #[serde(default)]
    pub home: String,
    #[serde(default)]
    pub lang: String,
    pub today: String,
}

/// The list for today.
pub fn view(stored: &str, options: &ListOptions) -> Result<ListView, String> {
    let s = parse(stored)?;
    let today = Date::parse(&options.today)?;
    let home = options.home.trim().to_ascii_uppercase();
    let lang = Lang::parse(&options.lang).unwrap_or(Lang::En);
    let region = region(&home, s.california);
    let authorities = authority::for_home(&home, region);
    let chosen = authority::proposed(&home, region, s.authority.as_deref());
    let requester = s.requester.requester();
    let mut counts = Counts::default();
    let mut requests: Vec<RecordView> = Vec::new();
    for r in s.requests {
        let (Ok(sent), Ok(deadline), Some(law)) = (
            Date::parse(&r.sent),
            Date::parse(&r.deadline),
            Law::parse(&r.law),
        ) else {
            continue;
        };
        let status = if r.answered.is_some() {
            counts.answered += 1;
            "answered"
        } else if today > deadline {
            counts.overdue += 1;
            "overdue"
        } else {
            counts.open += 1;
            "open"
        };
        let complaint = (status == "overdue").then(|| {
            let letter = chosen.map(|a| {
                let mut block = r.controller.clone();
                for extra in [r.address.as_deref(), r.to.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    if !block.contains(extra) {
                        block.push('\n');
                        block.push_str(extra);
                    }
                }
                let channel = match (r.channel.as_str(), r.to.clone()) {
                    ("email", Some(e)) => Channel::Email(e),
                    ("web_form", Some(u)) => Channel::WebForm(u),
                    _ => Channel::Post,
                };
                let seen = match (
                    &r.page,
                    r.from.as_deref().map(Date::parse),
                    r.until.as_deref().map(Date::parse),
                ) {
                    (Some(url), _, _) => Seen::Page {
                        url: url.clone(),
                        date: sent,
                    },
                    (None, Some(Ok(from)), Some(Ok(to))) => Seen::Period { from, to },
                    _ => Seen::Nowhere,
                };
                let authority_block = a.recipient();
                letter::complaint_letter(
                    law,
                    lang,
                    &ComplaintFacts {
                        date: today,
                        authority_block: &authority_block,
                        controller_name: &r.controller,
                        controller_block: &block,
                        sent,
                        deadline,
                        channel: &channel,
                        seen: &seen,
                        services: &r.services,
                        requester: &requester,
                    },
                )
            });
            let mailto = match (chosen.and_then(|a| a.email), &letter) {
                (Some(to), Some(l)) => Some(letter::mailto(to, l)),
                _ => None,
            };
            Complaint {
                authority: chosen,
                letter,
                mailto,
            }
        });
        requests.push(RecordView {
            law_name: law.rule().name,
            status,
            days_left: today.days_until(deadline),
            days_overdue: deadline.days_until(today),
            can_extend: !r.extended && r.answered.is_none() && law.rule().extension.is_some(),
            complaint,
            record: r,
        });
    }
    let rank = |v: &RecordView| match v.status {
        "overdue" => 0,
        "open" => 1,
        _ => 2,
    };
    requests.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| match a.status {
            "answered" => b.record.answered.cmp(&a.record.answered),
            _ => a.record.deadline.cmp(&b.record.deadline),
        })
    });
    Ok(ListView {
        today,
        home,
        california: s.california,
        requester: s.requester,
        counts,
        authority: chosen.map(|a| a.id),
        authorities,
        requests,
    })
}

/// The list as a file: `json` (the stored value, pretty-printed, with `kind`) or `csv` (one row per request).
pub fn export(stored: &str, format: &str) -> Result<String, String> {
    let s = parse(stored)?;
    match format {
        "json" => {
            #[derive(Serialize)]
            struct Export<'a> {
                kind: &'static str,
                #[serde(flatten)]
                stored: &'a Stored,
            }
            serde_json::to_string_pretty(&Export {
                kind: "whither-requests",
                stored: &s,
            })
            .map_err(|e| e.to_string())
        }
        "csv" => {
            let mut out = String::from(
                "company,controller,law,sent,deadline,extended,answered,channel,to,services\n",
            );
            for r in &s.requests {
                let services: Vec<&str> = r.services.iter().map(|s| s.name.as_str()).collect();
                crate::export::csv_row(
                    &mut out,
                    &[
                        &r.company,
                        &r.controller,
                        &r.law,
                        &r.sent,
                        &r.deadline,
                        if r.extended { "yes" } else { "no" },
                        r.answered.as_deref().unwrap_or(""),
                        &r.channel,
                        r.to.as_deref().unwrap_or(""),
                        &services.join("; "),
                    ],
                );
            }
            Ok(out)
        }
        other => Err(format!("unknown format {other:?} (json or csv)")),
    }
}

/// [`view`] from JSON options (the wasm binding's form).
pub fn view_json(stored: &str, options: &str) -> Result<String, String> {
    let options: ListOptions =
        serde_json::from_str(options).map_err(|e| format!("bad options: {e}"))?;
    serde_json::to_string(&view(stored, &options)?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(company: &str, law: &str) -> String {
        serde_json::json!({"company": company, "law": law, "lang": "en", "page": "https://news.example/a",
            "services": [{"id": company, "name": "Some service", "hosts": ["a.example"]}]})
        .to_string()
    }

    fn ok(r: Result<String, String>) -> String {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    fn list(stored: &str, home: &str, today: &str) -> ListView {
        view(
            stored,
            &ListOptions {
                home: home.into(),
                lang: "en".into(),
                today: today.into(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_request_is_recorded_and_becomes_overdue_after_its_deadline() {
        let s = ok(record("", &entry("google", "gdpr"), "email", "2026-12-05"));
        let v = list(&s, "IE", "2027-01-05");
        assert_eq!(v.requests.len(), 1);
        let r = &v.requests[0];
        assert_eq!((r.status, r.days_left), ("open", 0));
        assert_eq!(r.record.deadline, "2027-01-05");
        assert_eq!(
            r.record.to.as_deref(),
            Some("data-access-requests@google.com")
        );
        assert_eq!(r.record.controller, "Google Ireland Limited");
        assert!(r.complaint.is_none());
        // The day after the deadline: overdue, with the Irish authority and a complaint.
        let v = list(&s, "IE", "2027-01-06");
        let r = &v.requests[0];
        assert_eq!((r.status, r.days_overdue), ("overdue", 1));
        let c = r
            .complaint
            .as_ref()
            .unwrap_or_else(|| panic!("no complaint"));
        assert_eq!(c.authority.map(|a| a.id), Some("iedpc"));
        let letter = c.letter.as_ref().unwrap_or_else(|| panic!("no letter"));
        assert!(letter.body.contains("Irish Data Protection Commission"));
        assert!(letter.body.contains("5 December 2026") && letter.body.contains("5 January 2027"));
        assert!(letter.body.contains("data-access-requests@google.com"));
        assert!(c
            .mailto
            .as_deref()
            .is_some_and(|m| m.starts_with("mailto:info@dataprotection.ie?")));
        assert_eq!(v.counts.overdue, 1);
        // Answered: no longer overdue.
        let s2 = ok(update(
            &s,
            "google:2026-12-05:gdpr",
            "answered",
            "2027-01-10",
        ));
        let v = list(&s2, "IE", "2027-02-01");
        assert_eq!(v.requests[0].status, "answered");
        assert_eq!(v.requests[0].record.answered.as_deref(), Some("2027-01-10"));
        let s3 = ok(update(&s2, "google:2026-12-05:gdpr", "open", "2027-01-10"));
        assert_eq!(list(&s3, "IE", "2027-02-01").requests[0].status, "overdue");
        // Extended by two months, once.
        let s4 = ok(update(
            &s3,
            "google:2026-12-05:gdpr",
            "extended",
            "2027-01-02",
        ));
        let v = list(&s4, "IE", "2027-02-01");
        assert_eq!(
            (v.requests[0].status, v.requests[0].record.deadline.as_str()),
            ("open", "2027-03-05")
        );
        assert!(!v.requests[0].can_extend);
        let s5 = ok(update(
            &s4,
            "google:2026-12-05:gdpr",
            "extended",
            "2027-01-02",
        ));
        assert_eq!(
            list(&s5, "IE", "2027-02-01").requests[0].record.deadline,
            "2027-03-05"
        );
        let gone = ok(update(
            &s5,
            "google:2026-12-05:gdpr",
            "remove",
            "2027-01-02",
        ));
        assert!(list(&gone, "IE", "2027-02-01").requests.is_empty());
        assert!(update(&s, "nope", "answered", "2027-01-02").is_err());
        assert!(update(&s, "google:2026-12-05:gdpr", "explode", "2027-01-02").is_err());
    }

    #[test]
    fn deadlines_and_authorities_follow_the_law_and_home() {
        let s = ok(record("", &entry("google", "ccpa"), "copy", "2026-12-05"));
        let s = ok(configure(&s, r#"{"california": true}"#));
        let v = list(&s, "US", "2027-01-20");
        let r = &v.requests[0];
        assert_eq!(
            (r.record.deadline.as_str(), r.status),
            ("2027-01-19", "overdue")
        );
        assert_eq!(r.record.channel, "web_form");
        assert_eq!(v.authority, Some("us-ca-cppa"));
        // A German home has to pick its Land's authority first.
        let s = ok(record("", &entry("google", "gdpr"), "print", "2026-12-05"));
        let v = list(&s, "DE", "2027-02-01");
        assert_eq!(v.authority, None);
        assert!(v.authorities.len() > 10);
        let c = v.requests[0]
            .complaint
            .as_ref()
            .unwrap_or_else(|| panic!("no complaint"));
        assert!(c.letter.is_none() && c.authority.is_none());
        let s = ok(configure(
            &s,
            r#"{"authority": "debaylda", "requester": {"name": "Max", "contact": "max@example.org"}}"#,
        ));
        let v = list(&s, "DE", "2027-02-01");
        assert_eq!(v.authority, Some("debaylda"));
        let body = v.requests[0]
            .complaint
            .as_ref()
            .and_then(|c| c.letter.as_ref())
            .map(|l| l.body.clone())
            .unwrap_or_default();
        assert!(
            body.contains("Bayerisches Landesamt")
                && body.contains("Max")
                && body.contains("by post"),
            "{body}"
        );
        // LGPD: 15 days, no extension.
        let s = ok(record("", &entry("google", "lgpd"), "email", "2026-12-05"));
        assert_eq!(list(&s, "BR", "2026-12-21").requests[0].status, "overdue");
        assert!(update(&s, "google:2026-12-05:lgpd", "extended", "2026-12-10").is_err());
        assert_eq!(list(&s, "BR", "2026-12-21").authority, Some("br-anpd"));
    }

    #[test]
    fn bad_input_changes_nothing() {
        let s = ok(record("", &entry("google", "gdpr"), "email", "2026-12-05"));
        assert!(record(&s, &entry("no-such-co", "gdpr"), "email", "2026-12-05").is_err());
        assert!(
            record(&s, &entry("sonobi", "gdpr"), "email", "2026-12-05").is_err(),
            "no contact"
        );
        assert!(record(&s, &entry("google", "hipaa"), "email", "2026-12-05").is_err());
        assert!(record(&s, &entry("google", "gdpr"), "pigeon", "2026-12-05").is_err());
        assert!(record(&s, &entry("google", "gdpr"), "email", "5.12.2026").is_err());
        assert!(record("{not json", &entry("google", "gdpr"), "email", "2026-12-05").is_err());
        assert!(record("[]", &entry("google", "gdpr"), "email", "2026-12-05").is_err());
        assert!(record(
            r#"{"schema": 99}"#,
            &entry("google", "gdpr"),
            "email",
            "2026-12-05"
        )
        .is_err());
        // The same company, day and law again: one record.
        let again = ok(record(&s, &entry("google", "gdpr"), "email", "2026-12-05"));
        assert_eq!(parse(&again).map(|p| p.requests.len()), Ok(1));
        // Records that make no sense are dropped on reading, the others kept.
        let mut value: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        if let Some(list) = value.get_mut("requests").and_then(|l| l.as_array_mut()) {
            list.push(serde_json::json!({"id": "x", "company": "x", "controller": "x", "law": "gdpr", "lang": "en",
                "sent": "2026-02-30", "deadline": "2026-03-30", "channel": "email"}));
            list.push(serde_json::json!("garbage"));
        }
        assert_eq!(parse(&value.to_string()).map(|p| p.requests.len()), Ok(1));
    }

    #[test]
    fn exports_hold_every_request() {
        let s = ok(record("", &entry("google", "gdpr"), "email", "2026-12-05"));
        let s = ok(record(
            &s,
            &entry("microsoft", "gdpr"),
            "print",
            "2026-12-06",
        ));
        let json = ok(export(&s, "json"));
        assert!(json.contains("\"kind\": \"whither-requests\"") && json.contains("microsoft"));
        let csv = ok(export(&s, "csv"));
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.starts_with("company,controller,law,sent,deadline"));
        assert!(export(&s, "xml").is_err());
    }
}
