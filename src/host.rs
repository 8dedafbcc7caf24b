//! Host normalisation: turns a URL or a bare host into a normalised host, its kind, and its registrable domains.
//! The only module that asks the public suffix list (`src/suffix_list.rs`, the `psl` crate's answers in a compact
//! table). Never panics, whatever the input.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The public suffix list: a compact table with the `psl` crate's answers (in build.rs: the `psl` crate itself).
use crate::suffix_list as psl;

/// What sort of place a URL or host points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// A DNS name.
    Domain,
    /// An IPv4 or IPv6 literal.
    Ip,
    /// `localhost` or a name below it.
    Localhost,
    /// A scheme that does not reach the network (`data:`, `blob:`, `about:`, extension pages, `file:`, …).
    NonNetwork,
}

impl HostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::Domain => "domain",
            HostKind::Ip => "ip",
            HostKind::Localhost => "localhost",
            HostKind::NonNetwork => "non-network",
        }
    }
}

/// A normalised host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// Lower-case, no trailing dot, no port, no brackets; for non-network URLs the scheme (e.g. `data`).
    pub name: String,
    pub kind: HostKind,
    /// Registrable domain (eTLD+1), private public-suffix rules included (`bucket.s3.amazonaws.com`).
    pub domain: Option<String>,
    /// Registrable domain under ICANN rules only (`amazonaws.com`): where the owner lookup stops.
    pub icann_domain: Option<String>,
}

/// Why an input cannot be a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    Empty,
    TooLong,
    EmptyLabel,
    LabelTooLong,
    InvalidCharacter(char),
    UnbalancedBracket,
    InvalidIpv6,
    InvalidPort,
    InvalidPercentEncoding,
    /// An internationalised name that IDNA (UTS #46) rejects, or invalid punycode (`xn--…`).
    InvalidIdn,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Empty => write!(f, "empty host"),
            HostError::TooLong => write!(f, "host longer than 253 characters"),
            HostError::EmptyLabel => write!(f, "host has an empty label (\"..\" or a leading dot)"),
            HostError::LabelTooLong => write!(f, "host has a label longer than 63 characters"),
            HostError::InvalidCharacter(c) => write!(f, "invalid character {c:?} in host"),
            HostError::UnbalancedBracket => write!(f, "unbalanced '[' or ']' in host"),
            HostError::InvalidIpv6 => write!(f, "invalid IPv6 address"),
            HostError::InvalidPort => write!(f, "invalid port"),
            HostError::InvalidPercentEncoding => write!(f, "invalid percent-encoding in host"),
            HostError::InvalidIdn => write!(f, "invalid internationalised domain name"),
        }
    }
}

impl std::error::Error for HostError {}

/// Schemes that never reach the network.
pub const NON_NETWORK_SCHEMES: &[&str] = &[
    "about",
    "blob",
    "chrome",
    "chrome-extension",
    "chrome-untrusted",
    "data",
    "devtools",
    "edge",
    "file",
    "filesystem",
    "javascript",
    "mailto",
    "moz-extension",
    "resource",
    "safari-extension",
    "safari-web-extension",
    "tel",
    "view-source",
];

/// Longest accepted input, so that a hostile multi-megabyte string costs nothing.
const MAX_INPUT: usize = 1 << 16;

/// Where a URL or host points, before normalisation: what [`parse`] normalises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authority<'a> {
    /// A URL of a scheme that never reaches the network (its scheme as written).
    NonNetwork(&'a str),
    /// The host as written in the input: no userinfo, port or brackets, not normalised.
    Host(&'a str),
}

/// Parses a URL (`https://user@Example.COM.:8443/path`) or a bare host (`example.com`, `[::1]:80`, `1.2.3.4`).
pub fn parse(input: &str) -> Result<Host, HostError> {
    match authority(input)? {
        Authority::NonNetwork(scheme) => Ok(Host {
            name: scheme.to_ascii_lowercase(),
            kind: HostKind::NonNetwork,
            domain: None,
            icann_domain: None,
        }),
        Authority::Host(host) => normalise(host),
    }
}

/// The first step of [`parse`], without allocating: the host as written (or the non-network scheme). When it is
/// already a normalised name, it is `parse`'s name (normalising is idempotent), so a caller holding normalised names
/// can look it up before paying for the rest of `parse` (the tracker's per-request fast path).
pub fn authority(input: &str) -> Result<Authority<'_>, HostError> {
    let input = input.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if input.is_empty() {
        return Err(HostError::Empty);
    }
    // A URL's host ends long before this; cut hostile inputs without splitting a character.
    // (A string of at most MAX_INPUT bytes has at most MAX_INPUT characters: only longer ones need counting.)
    let input = match (input.len() > MAX_INPUT)
        .then(|| input.char_indices().nth(MAX_INPUT))
        .flatten()
    {
        Some((i, _)) => &input[..i],
        None => input,
    };

    let authority = match split_scheme(input) {
        Some((scheme, rest)) => {
            if is_non_network(scheme) {
                return Ok(Authority::NonNetwork(scheme));
            }
            rest.trim_start_matches(['/', '\\'])
        }
        // Scheme-relative (`//cdn.example/x.js`) or a bare host.
        None => input.trim_start_matches(['/', '\\']),
    };
    // The authority ends at the first path, query or fragment delimiter.
    // (Bytes: the delimiters are ASCII, which no byte of a multi-byte character equals.)
    let end = authority
        .bytes()
        .position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .unwrap_or(authority.len());
    let authority = &authority[..end];
    // Userinfo (user:pass@) comes before the last '@'.
    let hostport = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    strip_port(hostport).map(Authority::Host)
}

fn is_non_network(scheme: &str) -> bool {
    // Nearly every request's scheme: answered without the list.
    if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") {
        return false;
    }
    NON_NETWORK_SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
}

/// `scheme:` followed by `//` or by a known non-network scheme; `host:port` is not a scheme.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    let rest = &input[colon + 1..];
    let valid = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid {
        return None;
    }
    if rest.starts_with("//") || rest.starts_with("\\\\") {
        return Some((scheme, rest));
    }
    is_non_network(scheme).then_some((scheme, rest))
}

/// Removes `:port` and IPv6 brackets; keeps the zone-free address inside brackets.
fn strip_port(hostport: &str) -> Result<&str, HostError> {
    if let Some(inner) = hostport.strip_prefix('[') {
        let close = inner.find(']').ok_or(HostError::UnbalancedBracket)?;
        let addr = &inner[..close];
        if addr.contains('[') {
            return Err(HostError::UnbalancedBracket);
        }
        let after = &inner[close + 1..];
        if !after.is_empty() {
            let port = after.strip_prefix(':').ok_or(HostError::InvalidPort)?;
            check_port(port)?;
        }
        // A zone id (`fe80::1%25eth0` in URLs, `fe80::1%eth0` bare) does not leave the machine: drop it.
        let addr = addr.split('%').next().unwrap_or(addr);
        // Brackets hold IPv6 addresses only (`[example.com]`, `[1.2.3.4]` are not hosts).
        if !addr.is_empty() && !addr.contains(':') {
            return Err(HostError::InvalidIpv6);
        }
        return Ok(addr);
    }
    if hostport.contains(']') {
        return Err(HostError::UnbalancedBracket);
    }
    let colons = hostport.bytes().filter(|&b| b == b':').count();
    if colons > 1 {
        // A bare IPv6 address without brackets (only as a host on its own, never with a port).
        return Ok(hostport.split('%').next().unwrap_or(hostport));
    }
    match hostport.split_once(':') {
        Some((host, port)) => {
            check_port(port)?;
            Ok(host)
        }
        None => Ok(hostport),
    }
}

fn check_port(port: &str) -> Result<(), HostError> {
    if port.is_empty()
        || (port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65535))
    {
        Ok(())
    } else {
        Err(HostError::InvalidPort)
    }
}

/// Longest host, in characters, before IDNA: a DNS name has at most 253 (plus a trailing dot), and a Unicode label
/// is never longer in characters than its punycode. Bounds the work of IDNA on hostile input.
const MAX_HOST_CHARS: usize = 254;

/// Percent-decodes a host as browsers do before IDNA (`ex%41mple.com` is `example.com`).
fn percent_decode(host: &str) -> Result<String, HostError> {
    let bytes = host.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|&c| (c as char).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(HostError::InvalidPercentEncoding),
            }
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| HostError::InvalidPercentEncoding)
}

/// Characters that IDNA (UTS #46) maps to nothing: soft hyphen, zero-width space, word joiner,
/// byte order mark, variation selectors.
fn idn_ignored(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}'
    )
}

/// An internationalised name to its ASCII form, as browsers do before a request (so that `Bücher.example`,
/// `BÜCHER．example` and `xn--bcher-kva.example` are one host): label separators `。．｡` become dots, full-width ASCII
/// becomes ASCII, letters are lower-cased (per character, as UTS #46 maps them), ignored characters are dropped, and
/// each non-ASCII label is punycode-encoded with `xn--`. An `xn--` label must be the canonical encoding of a
/// lower-case non-ASCII label. This is the mapping part of UTS #46 that real hosts need, without its Unicode
/// normalisation tables (~58 KB gzip of wasm): input in decomposed form (NFD) gives another name than the browser's.
fn idn_to_ascii(host: &str) -> Result<String, HostError> {
    let mut out = String::with_capacity(host.len() + 8);
    for (i, label) in host
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .enumerate()
    {
        if i > 0 {
            out.push('.');
        }
        let mut mapped = String::with_capacity(label.len());
        for c in label.chars().filter(|&c| !idn_ignored(c)) {
            let c = match c {
                // Full-width ASCII (U+FF01..U+FF5E) is ASCII.
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                _ => c,
            };
            if c == '\u{fffd}' || c.is_control() || c.is_whitespace() {
                return Err(HostError::InvalidIdn);
            }
            mapped.extend(c.to_lowercase());
        }
        if mapped.is_ascii() {
            mapped.make_ascii_lowercase();
            if let Some(encoded) = mapped.strip_prefix("xn--") {
                let decoded =
                    idna::punycode::decode_to_string(encoded).ok_or(HostError::InvalidIdn)?;
                let canonical = !decoded.is_ascii()
                    && decoded
                        .chars()
                        .all(|c| c.to_lowercase().eq(std::iter::once(c)) && !idn_ignored(c))
                    && idna::punycode::encode_str(&decoded).as_deref() == Some(encoded);
                if !canonical {
                    return Err(HostError::InvalidIdn);
                }
            }
            out.push_str(&mapped);
        } else {
            out.push_str("xn--");
            out.push_str(&idna::punycode::encode_str(&mapped).ok_or(HostError::InvalidIdn)?);
        }
    }
    Ok(out)
}

/// Percent-decodes, maps an internationalised name to its ASCII (punycode) form ([`idn_to_ascii`]), lower-cases,
/// strips one trailing dot, recognises IP literals and `localhost`, validates labels, and finds the registrable
/// domains.
pub fn normalise(host: &str) -> Result<Host, HostError> {
    if host.is_empty() {
        return Err(HostError::Empty);
    }
    if host.contains(':') {
        return match host.parse::<Ipv6Addr>() {
            Ok(ip) => Ok(ip_host(ip.to_string())),
            Err(_) => Err(HostError::InvalidIpv6),
        };
    }
    let decoded;
    let host = if host.contains('%') {
        decoded = percent_decode(host)?;
        decoded.as_str()
    } else {
        host
    };
    if host.len() > MAX_HOST_CHARS && host.chars().nth(MAX_HOST_CHARS).is_some() {
        return Err(HostError::TooLong);
    }
    let mut lowered = host.to_ascii_lowercase();
    if !lowered.is_ascii() || lowered.contains("xn--") {
        lowered = idn_to_ascii(&lowered)?;
    }
    let name = lowered.strip_suffix('.').unwrap_or(&lowered);
    if name.is_empty() {
        return Err(HostError::Empty);
    }
    if name.len() > 253 {
        return Err(HostError::TooLong);
    }
    if let Some(ip) = parse_ipv4(name) {
        return Ok(ip_host(ip.to_string()));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(HostError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(HostError::LabelTooLong);
        }
        if let Some(c) = label
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(HostError::InvalidCharacter(c));
        }
    }
    let name = name.to_string();
    if name == "localhost" || name.ends_with(".localhost") {
        return Ok(Host {
            name,
            kind: HostKind::Localhost,
            domain: None,
            icann_domain: None,
        });
    }
    let (domain, icann_domain) = registrable(&name);
    Ok(Host {
        name,
        kind: HostKind::Domain,
        domain,
        icann_domain,
    })
}

fn ip_host(name: String) -> Host {
    Host {
        name,
        kind: HostKind::Ip,
        domain: None,
        icann_domain: None,
    }
}

/// Dotted-decimal IPv4 (the form browsers report). Other WHATWG forms (`0x7f.1`) are normalised by browsers before
/// they reach us; a bare all-numeric last label is treated as an IPv4 attempt, as the URL standard does.
fn parse_ipv4(name: &str) -> Option<Ipv4Addr> {
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Some(ip);
    }
    None
}

/// The registrable domain with private rules, and with ICANN rules only. A name that is itself a private suffix
/// (`s3.amazonaws.com`) has no registrable domain of the first kind but still has an ICANN one (`amazonaws.com`).
fn registrable(name: &str) -> (Option<String>, Option<String>) {
    let full =
        psl::domain(name.as_bytes()).map(|d| String::from_utf8_lossy(d.as_bytes()).into_owned());
    let Some(suffix) = psl::suffix(name.as_bytes()) else {
        return (full, None);
    };
    if suffix.typ() != Some(psl::Type::Private) {
        return (full.clone(), full);
    }
    // Walk the private suffix down until an ICANN (or unknown) suffix remains, then take one more label of the host.
    let mut private = suffix.as_bytes();
    let icann_len = loop {
        let Some(dot) = private.iter().position(|&b| b == b'.') else {
            break None;
        };
        let rest = &private[dot + 1..];
        match psl::suffix(rest) {
            Some(s) if s.typ() == Some(psl::Type::Private) => private = s.as_bytes(),
            Some(s) => break Some(s.as_bytes().len()),
            None => break None,
        }
    };
    let icann = icann_len.and_then(|len| {
        let suffix_start = name.len().checked_sub(len)?;
        let head = name.get(..suffix_start.checked_sub(1)?)?;
        let label_start = head.rfind('.').map_or(0, |i| i + 1);
        name.get(label_start..).map(str::to_string)
    });
    (full, icann)
}

/// Whether `name` may be listed as an owner's domain: a registrable domain or a host below one under ICANN rules
/// (private-section suffixes such as `cloudfront.net` belong to someone and may be listed; `co.uk` may not).
pub fn is_listable(name: &str) -> bool {
    match psl::suffix(name.as_bytes()) {
        Some(s) => s.as_bytes().len() < name.len() || s.typ() == Some(psl::Type::Private),
        None => false,
    }
}

impl Host {
    /// The suffixes of the name to try against the database, longest first, down to the ICANN registrable domain
    /// (or the name itself when it has none). Never includes a public suffix.
    pub fn lookup_keys(&self) -> impl Iterator<Item = &str> {
        let stop = match (&self.icann_domain, &self.domain) {
            (Some(d), _) | (None, Some(d)) => d.len(),
            (None, None) => self.name.len(),
        };
        let name = self.name.as_str();
        let keys = (self.kind == HostKind::Domain).then_some(name);
        std::iter::successors(keys, move |k| {
            if k.len() <= stop {
                return None;
            }
            k.find('.')
                .map(|i| &k[i + 1..])
                .filter(|rest| rest.len() >= stop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> Host {
        match parse(input) {
            Ok(h) => h,
            Err(e) => panic!("{input:?}: {e}"),
        }
    }

    #[test]
    fn urls_and_hosts() {
        let h = ok("https://user:pw@WWW.Example.CO.UK.:8443/a/b?c#d");
        assert_eq!(h.name, "www.example.co.uk");
        assert_eq!(h.kind, HostKind::Domain);
        assert_eq!(h.domain.as_deref(), Some("example.co.uk"));
        assert_eq!(ok("example.com").domain.as_deref(), Some("example.com"));
        assert_eq!(ok("example.com:80").name, "example.com");
        assert_eq!(ok("  sub.example.com.  ").name, "sub.example.com");
        assert_eq!(ok("wss://socket.example.net/x").name, "socket.example.net");
        assert_eq!(ok("//cdn.example.org/x.js").name, "cdn.example.org");
        assert_eq!(ok("http:\\\\evil.example\\x").name, "evil.example");
        assert_eq!(ok("a.b@c.example.com/x").name, "c.example.com");
    }

    #[test]
    fn private_suffixes_keep_the_icann_domain() {
        let h = ok("bucket.s3.amazonaws.com");
        assert_eq!(h.domain.as_deref(), Some("bucket.s3.amazonaws.com"));
        assert_eq!(h.icann_domain.as_deref(), Some("amazonaws.com"));
        let keys: Vec<&str> = h.lookup_keys().collect();
        assert_eq!(
            keys,
            [
                "bucket.s3.amazonaws.com",
                "s3.amazonaws.com",
                "amazonaws.com"
            ]
        );
        let h = ok("someone.github.io");
        assert_eq!(h.domain.as_deref(), Some("someone.github.io"));
        assert_eq!(h.icann_domain.as_deref(), Some("github.io"));
        let h = ok("s3.amazonaws.com");
        assert_eq!(
            (h.domain.as_deref(), h.icann_domain.as_deref()),
            (None, Some("amazonaws.com"))
        );
        assert_eq!(
            h.lookup_keys().collect::<Vec<_>>(),
            ["s3.amazonaws.com", "amazonaws.com"]
        );
        assert!(
            is_listable("cloudfront.net")
                && is_listable("example.co.uk")
                && is_listable("a.example.com")
        );
        assert!(!is_listable("co.uk") && !is_listable("com") && !is_listable("nonexistenttld"));
    }

    #[test]
    fn lookup_keys_stop_at_the_registrable_domain() {
        let keys: Vec<String> = ok("a.b.example.co.uk")
            .lookup_keys()
            .map(String::from)
            .collect();
        assert_eq!(
            keys,
            ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]
        );
        assert_eq!(
            ok("co.uk").lookup_keys().count(),
            1,
            "a bare suffix is only itself"
        );
        assert_eq!(ok("127.0.0.1").lookup_keys().count(), 0);
    }

    #[test]
    fn ip_literals() {
        let h = ok("http://192.168.0.1:8080/");
        assert_eq!(
            (h.kind, h.name.as_str(), h.domain),
            (HostKind::Ip, "192.168.0.1", None)
        );
        let h = ok("https://[2001:DB8::1]:443/x");
        assert_eq!((h.kind, h.name.as_str()), (HostKind::Ip, "2001:db8::1"));
        assert_eq!(ok("[fe80::1%25eth0]").name, "fe80::1");
        assert_eq!(ok("::1").kind, HostKind::Ip);
        assert_eq!(ok("1.2.3.4.").kind, HostKind::Ip);
    }

    #[test]
    fn localhost_and_non_network() {
        assert_eq!(ok("http://localhost:3000/").kind, HostKind::Localhost);
        assert_eq!(ok("app.localhost").kind, HostKind::Localhost);
        for url in [
            "data:text/html,<b>x</b>",
            "blob:https://example.com/uuid",
            "about:blank",
            "chrome-extension://abcdef/popup.html",
            "moz-extension://1234/popup.html",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            let h = ok(url);
            assert_eq!(h.kind, HostKind::NonNetwork, "{url}");
            assert_eq!(h.domain, None);
        }
        assert_eq!(ok("DATA:foo").name, "data");
    }

    #[test]
    fn errors_not_panics() {
        assert_eq!(parse(""), Err(HostError::Empty));
        assert_eq!(parse("   "), Err(HostError::Empty));
        assert_eq!(parse("https://"), Err(HostError::Empty));
        assert_eq!(parse("a..b"), Err(HostError::EmptyLabel));
        assert_eq!(parse(".a.b"), Err(HostError::EmptyLabel));
        assert_eq!(parse("[::1"), Err(HostError::UnbalancedBracket));
        assert_eq!(parse("::1]"), Err(HostError::UnbalancedBracket));
        assert_eq!(parse("[zz::1]"), Err(HostError::InvalidIpv6));
        assert_eq!(parse("example.com:99999"), Err(HostError::InvalidPort));
        assert_eq!(parse("exa mple.com"), Err(HostError::InvalidCharacter(' ')));
        assert_eq!(parse("a\0b.com"), Err(HostError::InvalidCharacter('\0')));
        assert_eq!(ok("ex%41mple.com").name, "example.com");
        assert_eq!(parse("ex%4g.com"), Err(HostError::InvalidPercentEncoding));
        assert_eq!(
            parse(&format!("{}.com", "a".repeat(64))),
            Err(HostError::LabelTooLong)
        );
        assert!(parse(&format!("{}.com", "a".repeat(63))).is_ok());
        let long = vec!["abcdefghi"; 30].join(".");
        assert_eq!(parse(&long), Err(HostError::TooLong));
        let huge = format!("https://example.com/?q={}", "x".repeat(1 << 20));
        assert_eq!(ok(&huge).name, "example.com");
    }

    #[test]
    fn idempotent() {
        for input in [
            "WWW.Example.COM.",
            "https://[::FFFF:1.2.3.4]/",
            "Straße.example",
            "xn--strae-oqa.example",
        ] {
            let once = ok(input);
            let twice = ok(&once.name);
            assert_eq!(once, twice, "{input}");
            assert_eq!(authority(&once.name), Ok(Authority::Host(&once.name)));
        }
    }
}

/// Property tests of normalisation: idempotent, case-insensitive, one trailing dot ignored, and IDN in Unicode and
/// in punycode giving the same answer.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Hosts and URLs built from the pieces that matter (schemes, userinfo, labels with Unicode, ports, IPv6).
    fn url_like() -> impl Strategy<Value = String> {
        let label = "[a-zA-Z0-9_-]{1,12}|[a-zäöüßéçñøåæœαβγдежкитя中文日本語한국어İıſK-]{1,8}|xn--[a-z0-9-]{1,12}";
        (
            prop::option::of("(https?|wss|ftp|data|blob|about|HTTP|Moz-Extension):(//)?"),
            prop::option::of("[a-z:]{0,6}@"),
            prop::collection::vec(label, 1..5),
            prop::option::of(Just(".")),
            prop::option::of(":[0-9]{0,6}"),
            "(/[ -~]{0,20})?",
        )
            .prop_map(|(scheme, user, labels, dot, port, path)| {
                format!(
                    "{}{}{}{}{}{}",
                    scheme.unwrap_or_default(),
                    user.unwrap_or_default(),
                    labels.join("."),
                    dot.unwrap_or_default(),
                    port.unwrap_or_default(),
                    path
                )
            })
    }

    /// Swaps the case of ASCII letters only (Unicode case mapping is not an involution: `ß` → `SS`).
    fn swap_ascii_case(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn idempotent(input in prop_oneof![url_like(), any::<String>()]) {
            if let Ok(h) = parse(&input) {
                if h.kind != HostKind::NonNetwork {
                    prop_assert_eq!(parse(&h.name), Ok(h.clone()));
                    prop_assert!(h.name.is_ascii(), "{}", h.name);
                    // What makes the tracker's fast path (`authority` looked up among normalised names) exact.
                    prop_assert_eq!(authority(&h.name), Ok(Authority::Host(&h.name)));
                }
            }
        }

        #[test]
        fn case_insensitive(input in url_like()) {
            prop_assert_eq!(parse(&swap_ascii_case(&input)), parse(&input));
            prop_assert_eq!(parse(&input.to_ascii_uppercase()), parse(&input.to_ascii_lowercase()));
        }

        #[test]
        fn one_trailing_dot_is_ignored(labels in prop::collection::vec("[a-z0-9-]{1,10}|[äöüéдж中]{1,4}", 1..5)) {
            let name = labels.join(".");
            prop_assert_eq!(parse(&format!("{name}.")), parse(&name));
            prop_assert_eq!(parse(&format!("https://{name}.:443/x")), parse(&name));
            prop_assert_eq!(parse(&format!("{name}..")).ok(), None);
        }

        #[test]
        fn unicode_and_punycode_give_the_same_answer(labels in prop::collection::vec("[a-zA-Zäöüßéçñøåæœαβγσςдежкия中文日本語한국어ÄÖÜÉÇÑØÅÆŒΑΣДЖКИЯ０-９ａ-ｚＡ-Ｚ\u{ad}\u{200b}-]{1,8}", 1..4)) {
            let unicode = labels.join(".");
            // The reference: the idna crate's full UTS #46 (what browsers do). Names it rejects must be rejected too.
            match idna::domain_to_ascii(&unicode) {
                Ok(ascii) => {
                    let from_unicode = parse(&unicode);
                    prop_assert_eq!(&from_unicode, &parse(&ascii));
                    prop_assert_eq!(&from_unicode, &parse(&ascii.to_uppercase()));
                    prop_assert_eq!(&from_unicode, &parse(&format!("https://{unicode}/path")));
                    let (back, _) = idna::domain_to_unicode(&ascii);
                    prop_assert_eq!(&from_unicode, &parse(&back));
                    if let Ok(h) = from_unicode {
                        prop_assert_eq!(h.name, ascii.trim_end_matches('.'));
                    }
                }
                Err(_) => prop_assert!(parse(&unicode).is_err()),
            }
        }
    }
}
