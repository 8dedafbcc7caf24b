//! Whither's letters: the laws under which a person asks a company what it holds (GDPR, UK GDPR, CCPA, PIPL, LGPD,
//! or a generic request), which of them applies to a home, their deadlines, and the access request and complaint
//! texts per law and language (data/letters/, compiled by build.rs), filled in here; plus the `mailto:` link of a
//! letter. Nothing else builds letter text: the request page and `whither request` show what this returns.

use crate::calendar::{Date, Period};
use crate::contact::Source;
use serde::Serialize;

/// The laws Whither writes letters under, in the order of the compiled tables (build/requests.rs `LAWS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Law {
    Gdpr,
    UkGdpr,
    Ccpa,
    Pipl,
    Lgpd,
    Generic,
}

/// The letters' languages, in the order of the compiled tables (build/requests.rs `LANGS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    ZhCn,
}

/// What data/letters/laws.toml says of one law.
#[derive(Debug)]
pub struct LawRule {
    pub id: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    /// Country codes, subdivisions (`US-CA`) and jurisdiction groups (`eu`) of the homes it applies to.
    pub homes: &'static [&'static str],
    pub right: &'static str,
    pub complaint: &'static str,
    pub deadline: Period,
    pub deadline_basis: &'static str,
    pub extension: Option<Period>,
    pub extension_basis: Option<&'static str>,
    pub sources: &'static [Source],
}

#[derive(Debug)]
struct Template {
    subject: &'static str,
    body: &'static str,
}

#[derive(Debug)]
struct LetterPair {
    access: Template,
    complaint: Template,
}

/// The parts every law's letters share (data/letters/common.toml), per language.
#[derive(Debug)]
struct CommonParts {
    date: &'static str,
    services_page: &'static str,
    services_period: &'static str,
    services_company: &'static str,
    service: &'static str,
    identifiers: &'static str,
    identifier_cookies: &'static str,
    identifier_cookies_any: &'static str,
    identifier_ip: &'static str,
    identifier_account: &'static str,
    identifier_values: &'static str,
    blank_name: &'static str,
    channel_email: &'static str,
    channel_form: &'static str,
    channel_post: &'static str,
    months: [&'static str; 12],
}

include!(concat!(env!("OUT_DIR"), "/letters_generated.rs"));

impl Law {
    pub const ALL: [Law; 6] = [
        Law::Gdpr,
        Law::UkGdpr,
        Law::Ccpa,
        Law::Pipl,
        Law::Lgpd,
        Law::Generic,
    ];

    fn index(self) -> usize {
        self as usize
    }

    pub fn rule(self) -> &'static LawRule {
        // LAW_RULES has one entry per variant (build/requests.rs writes them in this order).
        &LAW_RULES[self.index() % LAW_RULES.len()]
    }

    /// `gdpr`, `uk-gdpr`, `ccpa`, `pipl`, `lgpd`, `generic`.
    pub fn id(self) -> &'static str {
        self.rule().id
    }

    pub fn parse(id: &str) -> Option<Law> {
        Law::ALL.into_iter().find(|l| l.id() == id)
    }

    /// The date by which the company must answer a request sent on `sent`.
    pub fn deadline(self, sent: Date) -> Date {
        sent.plus(self.rule().deadline)
    }

    /// The later deadline when the company extends it as the law allows (None when it allows none).
    pub fn extended(self, deadline: Date) -> Option<Date> {
        self.rule().extension.map(|p| deadline.plus(p))
    }
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::ZhCn];

    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::ZhCn => "zh_CN",
        }
    }

    /// A language tag as the browser or the CLI gives it: `de`, `de-AT`, `zh_CN`, `zh-Hans-CN`, `en-GB`. Only the
    /// three languages of the letters; anything else is None.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    fn common(self) -> &'static CommonParts {
        &COMMON[self as usize % COMMON.len()]
    }

    /// A date as the letters write it: "5 December 2026", "5. Dezember 2026", "2026年12月5日".
    pub fn date(self, date: Date) -> String {
        let c = self.common();
        let month = c
            .months
            .get(usize::from(date.month()).saturating_sub(1))
            .copied()
            .unwrap_or_default();
        fill(c.date, &|key| match key {
            "day" => Some(date.day().to_string()),
            "month" => Some(month.to_string()),
            "year" => Some(date.year().to_string()),
            _ => None,
        })
    }
}

fn letters(law: Law, lang: Lang) -> &'static LetterPair {
    let per_lang = &LETTERS[law.index() % LETTERS.len()];
    &per_lang[lang as usize % per_lang.len()]
}

/// The law that applies to a person at `home` (ISO alpha-2; `region` an ISO 3166-2 subdivision such as `US-CA`,
/// when known): the first law whose homes name the region, the country or one of its groups; `generic` otherwise.
pub fn law_for_home(home: &str, region: Option<&str>) -> Law {
    let groups = crate::db::jurisdiction(home).map_or(&[][..], |j| j.groups);
    Law::ALL
        .into_iter()
        .find(|law| {
            law.rule()
                .homes
                .iter()
                .any(|h| *h == home || Some(*h) == region || groups.contains(h))
        })
        .unwrap_or(Law::Generic)
}

/// Fills `{placeholders}` in one pass (values are never scanned again, so a company called "{deadline}" stays that
/// name). Lines that hold nothing but placeholders that are all empty are dropped, and runs of blank lines are
/// folded to one.
pub fn fill(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    for (i, line) in template.split('\n').enumerate() {
        let mut filled = String::new();
        let mut only_placeholders = true;
        let mut any_placeholder = false;
        let mut rest = line;
        while let Some(open) = rest.find('{') {
            let (before, after) = rest.split_at(open);
            if !before.trim().is_empty() {
                only_placeholders = false;
            }
            filled.push_str(before);
            match after.find('}') {
                Some(close) => {
                    let key = after.get(1..close).unwrap_or_default();
                    any_placeholder = true;
                    filled.push_str(&value(key).unwrap_or_default());
                    rest = after.get(close + 1..).unwrap_or_default();
                }
                None => {
                    filled.push_str(after);
                    rest = "";
                    only_placeholders = false;
                }
            }
        }
        if !rest.trim().is_empty() {
            only_placeholders = false;
        }
        filled.push_str(rest);
        if any_placeholder && only_placeholders && filled.trim().is_empty() {
            continue;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&filled);
    }
    // Fold blank-line runs left by dropped sections.
    let mut folded = String::with_capacity(out.len());
    let mut blank_run = 0;
    for line in out.split('\n') {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        if !folded.is_empty() || !line.trim().is_empty() {
            if !folded.is_empty() {
                folded.push('\n');
            }
            folded.push_str(line);
        }
    }
    folded.trim_end().to_string()
}

/// Where the company's services were seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// On one page, on one day.
    Page { url: String, date: Date },
    /// On the pages of a period of the history.
    Period { from: Date, to: Date },
    /// Nowhere in particular (a request about a company).
    Nowhere,
}

/// One service of the company that was seen: its name and the hosts contacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub hosts: Vec<String>,
}

/// The identifiers a company may need to find a person's data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Identifiers {
    /// Whether the company may know the browser by cookies or device identifiers.
    pub cookies: bool,
    /// The company's domains seen that may have set them (empty when no hosts were seen).
    pub cookie_domains: Vec<String>,
    /// The IP address of the visits.
    pub ip: bool,
    /// An account the person may have with the company.
    pub account: bool,
    /// Values the person found and typed in (cookie values, IDs); free text.
    pub values: String,
}

/// The person who writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requester {
    pub name: String,
    /// How the company may answer (an e-mail address, a postal address): free text, printed under the name.
    pub contact: String,
}

/// A letter: subject and body, plain text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LetterText {
    pub subject: String,
    pub body: String,
}

/// How many hosts of one service a letter names (the rest are counted).
pub const MAX_HOSTS_NAMED: usize = 12;

fn services_section(lang: Lang, seen: &Seen, services: &[Service]) -> String {
    let c = lang.common();
    let list: Vec<String> = services
        .iter()
        .map(|s| {
            let mut hosts: Vec<&str> = s
                .hosts
                .iter()
                .take(MAX_HOSTS_NAMED)
                .map(String::as_str)
                .collect();
            let more = s.hosts.len().saturating_sub(MAX_HOSTS_NAMED);
            let extra = format!("… (+{more})");
            if more > 0 {
                hosts.push(&extra);
            }
            let line = fill(c.service, &|k| match k {
                "name" => Some(s.name.clone()),
                "hosts" => Some(hosts.join(", ")),
                _ => None,
            });
            if s.hosts.is_empty() {
                line.trim_end_matches([':', '：', ' ']).to_string()
            } else {
                line
            }
        })
        .collect();
    if list.is_empty() {
        return String::new();
    }
    let list = list.join("\n");
    match seen {
        Seen::Page { url, date } => fill(c.services_page, &|k| match k {
            "page" => Some(url.clone()),
            "date" => Some(lang.date(*date)),
            "list" => Some(list.clone()),
            _ => None,
        }),
        Seen::Period { from, to } => fill(c.services_period, &|k| match k {
            "from" => Some(lang.date(*from)),
            "to" => Some(lang.date(*to)),
            "list" => Some(list.clone()),
            _ => None,
        }),
        Seen::Nowhere => fill(c.services_company, &|k| (k == "list").then(|| list.clone())),
    }
}

fn identifiers_section(lang: Lang, ids: &Identifiers) -> String {
    let c = lang.common();
    let mut lines = Vec::new();
    if !ids.cookie_domains.is_empty() {
        let domains = ids.cookie_domains.join(", ");
        lines.push(fill(c.identifier_cookies, &|k| {
            (k == "domains").then(|| domains.clone())
        }));
    } else if ids.cookies {
        lines.push(c.identifier_cookies_any.to_string());
    }
    if ids.ip {
        lines.push(c.identifier_ip.to_string());
    }
    if ids.account {
        lines.push(c.identifier_account.to_string());
    }
    let values = ids.values.trim();
    if !values.is_empty() {
        lines.push(fill(c.identifier_values, &|k| {
            (k == "values").then(|| values.to_string())
        }));
    }
    if lines.is_empty() {
        return String::new();
    }
    let list = lines.join("\n");
    fill(c.identifiers, &|k| (k == "list").then(|| list.clone()))
}

fn signature_name(lang: Lang, requester: &Requester) -> String {
    let name = requester.name.trim();
    if name.is_empty() {
        lang.common().blank_name.to_string()
    } else {
        name.to_string()
    }
}

/// What an access request says.
#[derive(Clone, Debug)]
pub struct AccessFacts<'a> {
    pub date: Date,
    pub controller_name: &'a str,
    /// The recipient block: name and postal address.
    pub controller_block: &'a str,
    pub seen: &'a Seen,
    pub services: &'a [Service],
    pub identifiers: &'a Identifiers,
    pub requester: &'a Requester,
}

/// The access request under `law` in `lang`.
pub fn access_letter(law: Law, lang: Lang, f: &AccessFacts<'_>) -> LetterText {
    let t = &letters(law, lang).access;
    let deadline = lang.date(law.deadline(f.date));
    let services = services_section(lang, f.seen, f.services);
    let identifiers = identifiers_section(lang, f.identifiers);
    let name = signature_name(lang, f.requester);
    let value = |k: &str| -> Option<String> {
        Some(match k {
            "date" => lang.date(f.date),
            "controller" => f.controller_block.to_string(),
            "controller_name" => f.controller_name.to_string(),
            "services" => services.clone(),
            "identifiers" => identifiers.clone(),
            "deadline" => deadline.clone(),
            "name" => name.clone(),
            "contact" => f.requester.contact.trim().to_string(),
            _ => return None,
        })
    };
    LetterText {
        subject: fill(t.subject, &value),
        body: fill(t.body, &value),
    }
}

/// How a request was sent, as a complaint says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channel {
    Email(String),
    WebForm(String),
    Post,
}

/// What a complaint says.
#[derive(Clone, Debug)]
pub struct ComplaintFacts<'a> {
    pub date: Date,
    pub authority_block: &'a str,
    pub controller_name: &'a str,
    pub controller_block: &'a str,
    pub sent: Date,
    pub deadline: Date,
    pub channel: &'a Channel,
    pub seen: &'a Seen,
    pub services: &'a [Service],
    pub requester: &'a Requester,
}

/// The complaint to a supervisory authority under `law` in `lang`, about a request left unanswered.
pub fn complaint_letter(law: Law, lang: Lang, f: &ComplaintFacts<'_>) -> LetterText {
    let t = &letters(law, lang).complaint;
    let c = lang.common();
    let channel = match f.channel {
        Channel::Email(e) => fill(c.channel_email, &|k| (k == "email").then(|| e.clone())),
        Channel::WebForm(u) => fill(c.channel_form, &|k| (k == "url").then(|| u.clone())),
        Channel::Post => c.channel_post.to_string(),
    };
    let services = services_section(lang, f.seen, f.services);
    let name = signature_name(lang, f.requester);
    let value = |k: &str| -> Option<String> {
        Some(match k {
            "date" => lang.date(f.date),
            "authority" => f.authority_block.to_string(),
            "controller" => f.controller_block.to_string(),
            "controller_name" => f.controller_name.to_string(),
            "sent" => lang.date(f.sent),
            "deadline" => lang.date(f.deadline),
            "channel" => channel.clone(),
            "services" => services.clone(),
            "name" => name.clone(),
            "contact" => f.requester.contact.trim().to_string(),
            _ => return None,
        })
    };
    LetterText {
        subject: fill(t.subject, &value),
        body: fill(t.body, &value),
    }
}

/// Percent-encodes every byte but the unreserved characters of RFC 3986 (and `@` where `keep_at`).
fn percent_encode(text: &str, keep_at: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_at && b == b'@')
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// A `mailto:` URL (RFC 6068) that opens the person's mail program with the letter: the address, the subject and
/// the body percent-encoded as UTF-8, line breaks as CRLF. Nothing in the names or texts can add a header, a
/// recipient or another URL: every reserved character is encoded.
pub fn mailto(to: &str, letter: &LetterText) -> String {
    let body = letter.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let subject = letter.subject.replace(['\r', '\n'], " ");
    format!(
        "mailto:{}?subject={}&body={}",
        percent_encode(to, true),
        percent_encode(&subject, false),
        percent_encode(&body, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date::LAST)
    }

    #[test]
    fn the_tables_follow_the_enums() {
        assert_eq!(LAW_RULES.len(), Law::ALL.len());
        assert_eq!(LETTERS.len(), Law::ALL.len());
        assert_eq!(COMMON.len(), Lang::ALL.len());
        for law in Law::ALL {
            assert_eq!(Law::parse(law.id()), Some(law));
        }
        assert_eq!(
            Law::ALL.map(Law::id),
            ["gdpr", "uk-gdpr", "ccpa", "pipl", "lgpd", "generic"]
        );
        assert_eq!(Law::parse("GDPR"), None);
        assert_eq!(Law::parse(""), None);
    }

    #[test]
    fn the_home_chooses_the_law() {
        for home in ["DE", "FR", "IE", "AT", "NO", "IS", "LI", "PL"] {
            assert_eq!(law_for_home(home, None), Law::Gdpr, "{home}");
        }
        assert_eq!(law_for_home("GB", None), Law::UkGdpr);
        assert_eq!(law_for_home("US", Some("US-CA")), Law::Ccpa);
        assert_eq!(law_for_home("US", None), Law::Generic);
        assert_eq!(law_for_home("US", Some("US-NY")), Law::Generic);
        assert_eq!(law_for_home("CN", None), Law::Pipl);
        assert_eq!(law_for_home("BR", None), Law::Lgpd);
        for home in ["CH", "JP", "IN", "CA", "", "ZZ", "de"] {
            assert_eq!(law_for_home(home, None), Law::Generic, "{home}");
        }
        // A Californian region does not turn a German home into a Californian one... unless the law names it.
        assert_eq!(law_for_home("DE", Some("US-CA")), Law::Gdpr);
    }

    #[test]
    fn deadlines_follow_each_law() {
        let sent = date("2026-12-05");
        assert_eq!(Law::Gdpr.deadline(sent), date("2027-01-05"));
        assert_eq!(Law::UkGdpr.deadline(sent), date("2027-01-05"));
        assert_eq!(Law::Ccpa.deadline(sent), date("2027-01-19"));
        assert_eq!(Law::Pipl.deadline(sent), date("2027-01-04"));
        assert_eq!(Law::Lgpd.deadline(sent), date("2026-12-20"));
        assert_eq!(Law::Generic.deadline(sent), date("2027-01-04"));
        // One month from 31 January ends on the last day of February.
        assert_eq!(Law::Gdpr.deadline(date("2027-01-31")), date("2027-02-28"));
        assert_eq!(
            Law::Gdpr.extended(date("2027-01-05")),
            Some(date("2027-03-05"))
        );
        assert_eq!(
            Law::Ccpa.extended(date("2027-01-19")),
            Some(date("2027-03-05"))
        );
        assert_eq!(Law::Lgpd.extended(date("2026-12-20")), None);
        for law in Law::ALL {
            assert!(!law.rule().sources.is_empty(), "{}", law.id());
            assert!(!law.rule().deadline_basis.is_empty());
        }
    }

    #[test]
    fn dates_are_written_in_each_language() {
        let d = date("2026-12-05");
        assert_eq!(Lang::En.date(d), "5 December 2026");
        assert_eq!(Lang::De.date(d), "5. Dezember 2026");
        assert_eq!(Lang::ZhCn.date(d), "2026年12月5日");
        assert_eq!(Lang::parse("de-AT"), Some(Lang::De));
        assert_eq!(Lang::parse("zh_CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn filling_is_one_pass_and_drops_empty_sections() {
        let v = |k: &str| match k {
            "a" => Some("{b}".to_string()),
            "b" => Some("B".to_string()),
            "empty" => Some(String::new()),
            _ => None,
        };
        assert_eq!(fill("x {a} y {b}", &v), "x {b} y B");
        assert_eq!(fill("one\n\n{empty}\n\ntwo", &v), "one\n\ntwo");
        assert_eq!(fill("one\n {empty} \ntwo", &v), "one\ntwo");
        assert_eq!(fill("keep {empty}text", &v), "keep text");
        assert_eq!(fill("unclosed {a", &v), "unclosed {a");
        assert_eq!(fill("{unknown}", &v), "");
    }

    const HOSTILE: &str = "Evil & Co.?subject=x&cc=boss@example.com#\r\nBcc: all@example.com %0A {deadline} <script>alert(1)</script> \u{202e}";

    fn facts_for<'a>(
        seen: &'a Seen,
        services: &'a [Service],
        ids: &'a Identifiers,
        requester: &'a Requester,
        name: &'a str,
        block: &'a str,
    ) -> AccessFacts<'a> {
        AccessFacts {
            date: date("2026-12-05"),
            controller_name: name,
            controller_block: block,
            seen,
            services,
            identifiers: ids,
            requester,
        }
    }

    /// Every law × language: the access request and the complaint are complete (no placeholder left, every fact in
    /// it), and the German and Chinese ones are translations.
    #[test]
    fn every_law_and_language_gives_complete_letters() {
        let seen = Seen::Page {
            url: "https://news.example/article".into(),
            date: date("2026-12-05"),
        };
        let services = vec![Service {
            id: "example-ads".into(),
            name: "Example Ads GmbH".into(),
            hosts: vec!["ads.example-ads.com".into(), "cdn.example-ads.com".into()],
        }];
        let ids = Identifiers {
            cookies: true,
            cookie_domains: vec!["example-ads.com".into()],
            ip: true,
            account: true,
            values: "uid=4711".into(),
        };
        let requester = Requester {
            name: "Erika Mustermann".into(),
            contact: "erika@example.org".into(),
        };
        for law in Law::ALL {
            for lang in Lang::ALL {
                let at = format!("{} {}", law.id(), lang.id());
                let f = facts_for(
                    &seen,
                    &services,
                    &ids,
                    &requester,
                    "Example Ads GmbH",
                    "Example Ads GmbH\nHauptstr. 1\n10115 Berlin\nGermany",
                );
                let letter = access_letter(law, lang, &f);
                for text in [&letter.subject, &letter.body] {
                    assert!(!text.contains('{') && !text.contains('}'), "{at}: {text}");
                }
                let body = &letter.body;
                for fact in [
                    "Hauptstr. 1",
                    "https://news.example/article",
                    "ads.example-ads.com",
                    "example-ads.com",
                    "uid=4711",
                    "Erika Mustermann",
                    "erika@example.org",
                ] {
                    assert!(body.contains(fact), "{at}: {fact} missing in\n{body}");
                }
                assert!(
                    body.contains(&lang.date(law.deadline(date("2026-12-05")))),
                    "{at}: deadline"
                );
                assert!(body.contains(&lang.date(date("2026-12-05"))), "{at}: date");
                assert!(!body.contains("\n\n\n"), "{at}: blank lines");
                let complaint_facts = ComplaintFacts {
                    date: date("2027-02-01"),
                    authority_block: "Some Authority\nStreet 1",
                    controller_name: "Example Ads GmbH",
                    controller_block: "Example Ads GmbH\nprivacy@example-ads.com",
                    sent: date("2026-12-05"),
                    deadline: law.deadline(date("2026-12-05")),
                    channel: &Channel::Email("privacy@example-ads.com".into()),
                    seen: &seen,
                    services: &services,
                    requester: &requester,
                };
                let complaint = complaint_letter(law, lang, &complaint_facts);
                for text in [&complaint.subject, &complaint.body] {
                    assert!(!text.contains('{') && !text.contains('}'), "{at}: {text}");
                }
                for fact in [
                    "Some Authority",
                    "Example Ads GmbH",
                    "privacy@example-ads.com",
                    "Erika Mustermann",
                ] {
                    assert!(
                        complaint.body.contains(fact),
                        "{at}: {fact} missing in complaint"
                    );
                }
                assert!(
                    complaint.subject.contains("Example Ads GmbH"),
                    "{at}: subject"
                );
                assert!(
                    complaint.body.contains(&lang.date(date("2026-12-05"))),
                    "{at}: sent"
                );
                if lang == Lang::ZhCn {
                    assert!(
                        body.chars()
                            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                            .count()
                            > 100,
                        "{at}"
                    );
                }
                if lang != Lang::En {
                    let en = access_letter(law, Lang::En, &f);
                    assert_ne!(en.subject, letter.subject, "{at}: subject untranslated");
                    let en_lines: std::collections::BTreeSet<&str> = en.body.lines().collect();
                    let copied: Vec<&str> = body
                        .lines()
                        .filter(|l| {
                            l.chars().count() > 30 && en_lines.contains(l) && !l.contains("example")
                        })
                        .collect();
                    assert!(copied.is_empty(), "{at}: English lines {copied:?}");
                    // The complaint too.
                    let en = complaint_letter(law, Lang::En, &complaint_facts);
                    assert_ne!(
                        en.subject, complaint.subject,
                        "{at}: complaint subject untranslated"
                    );
                    let en_lines: std::collections::BTreeSet<&str> = en.body.lines().collect();
                    let copied: Vec<&str> = complaint
                        .body
                        .lines()
                        .filter(|l| {
                            l.chars().count() > 30 && en_lines.contains(l) && !l.contains("xample")
                        })
                        .collect();
                    assert!(
                        copied.is_empty(),
                        "{at}: English lines in complaint {copied:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_request_about_a_company_has_no_services_section_and_a_blank_name() {
        let ids = Identifiers::default();
        let requester = Requester::default();
        let f = facts_for(&Seen::Nowhere, &[], &ids, &requester, "X Ltd", "X Ltd");
        for lang in Lang::ALL {
            let letter = access_letter(Law::Gdpr, lang, &f);
            assert!(letter.body.contains(lang.common().blank_name));
            assert!(!letter.body.contains("\n\n\n"));
            assert!(!letter.body.contains("- "), "{}", letter.body);
        }
    }

    #[test]
    fn hostile_names_stay_text_in_letters_and_mailto() {
        let services = vec![Service {
            id: "evil".into(),
            name: HOSTILE.into(),
            hosts: (0..20).map(|i| format!("h{i}.evil.example")).collect(),
        }];
        let ids = Identifiers::default();
        let requester = Requester {
            name: HOSTILE.into(),
            contact: String::new(),
        };
        let seen = Seen::Period {
            from: date("2026-11-01"),
            to: date("2026-11-30"),
        };
        let f = facts_for(&seen, &services, &ids, &requester, HOSTILE, HOSTILE);
        let letter = access_letter(Law::Gdpr, Lang::En, &f);
        // The name's "{deadline}" is not filled in: values are not scanned again.
        assert!(letter.body.contains("{deadline} <script>"));
        assert!(letter.body.contains("… (+8)"), "{}", letter.body);
        let url = mailto("privacy@example.com", &letter);
        assert!(url.starts_with("mailto:privacy@example.com?subject="));
        let query = url.split_once('?').map(|q| q.1).unwrap_or_default();
        // Exactly two parameters, whatever the name holds.
        assert_eq!(query.matches('&').count(), 1, "{url}");
        assert_eq!(query.matches('=').count(), 2);
        for bad in ['\r', '\n', ' ', '#', '<', '>', '"', '?', '{', '%'] {
            let rest = query.replace("%", "");
            if bad == '%' {
                continue;
            }
            assert!(!rest.contains(bad), "{bad:?} unencoded in {url}");
        }
        assert!(url.contains("%0D%0A"));
        assert!(url.contains("%26cc%3Dboss%40example.com"));
        assert!(url.contains("%E2%80%AE"), "U+202E encoded as UTF-8");
        // Decoding gives the letter back.
        let decode = |s: &str| {
            let bytes = s.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap_or_default()
        };
        let (subject, body) = query.split_once('&').unwrap_or_default();
        assert_eq!(
            decode(subject.trim_start_matches("subject=")),
            letter.subject.replace(['\r', '\n'], " ")
        );
        assert_eq!(
            decode(body.trim_start_matches("body=")),
            letter.body.replace("\r\n", "\n").replace('\n', "\r\n")
        );
        // A hostile address is encoded too.
        let evil = mailto("a@b.example?cc=c@d.example&x=", &letter);
        assert!(
            evil.starts_with("mailto:a@b.example%3Fcc%3Dc@d.example%26x%3D?subject="),
            "{evil}"
        );
    }
}
