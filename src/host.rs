//! Host normalisation: turns a URL or a bare host into a normalised host, its kind, and its registrable domains.
//! The only module that uses the `psl` crate. Never panics, whatever the input.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

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
        }
    }
}

impl std::error::Error for HostError {}

/// Schemes that never reach the network.
const NON_NETWORK_SCHEMES: &[&str] = &[
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

/// Parses a URL (`https://user@Example.COM.:8443/path`) or a bare host (`example.com`, `[::1]:80`, `1.2.3.4`).
pub fn parse(input: &str) -> Result<Host, HostError> {
    let input = input.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if input.is_empty() {
        return Err(HostError::Empty);
    }
    // A URL's host ends long before this; cut hostile inputs without splitting a character.
    let input = match input.char_indices().nth(MAX_INPUT) {
        Some((i, _)) => &input[..i],
        None => input,
    };

    let authority = match split_scheme(input) {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if NON_NETWORK_SCHEMES.contains(&scheme.as_str()) {
                return Ok(Host {
                    name: scheme,
                    kind: HostKind::NonNetwork,
                    domain: None,
                    icann_domain: None,
                });
            }
            rest.trim_start_matches(['/', '\\'])
        }
        // Scheme-relative (`//cdn.example/x.js`) or a bare host.
        None => input.trim_start_matches(['/', '\\']),
    };
    // The authority ends at the first path, query or fragment delimiter.
    let end = authority
        .find(['/', '\\', '?', '#'])
        .unwrap_or(authority.len());
    let authority = &authority[..end];
    // Userinfo (user:pass@) comes before the last '@'.
    let hostport = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let host = strip_port(hostport)?;
    normalise(host)
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
    let lower = scheme.to_ascii_lowercase();
    NON_NETWORK_SCHEMES
        .contains(&lower.as_str())
        .then_some((scheme, rest))
}

/// Removes `:port` and IPv6 brackets; keeps the zone-free address inside brackets.
fn strip_port(hostport: &str) -> Result<&str, HostError> {
    if let Some(inner) = hostport.strip_prefix('[') {
        let close = inner.find(']').ok_or(HostError::UnbalancedBracket)?;
        let addr = &inner[..close];
        let after = &inner[close + 1..];
        if !after.is_empty() {
            let port = after.strip_prefix(':').ok_or(HostError::InvalidPort)?;
            check_port(port)?;
        }
        // A zone id (`fe80::1%25eth0` in URLs, `fe80::1%eth0` bare) does not leave the machine: drop it.
        let addr = addr.split('%').next().unwrap_or(addr);
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

/// Lower-cases, strips one trailing dot, recognises IP literals and `localhost`, validates labels, and finds the
/// registrable domains.
fn normalise(host: &str) -> Result<Host, HostError> {
    if host.is_empty() {
        return Err(HostError::Empty);
    }
    if host.contains(':') {
        return match host.parse::<Ipv6Addr>() {
            Ok(ip) => Ok(ip_host(ip.to_string())),
            Err(_) => Err(HostError::InvalidIpv6),
        };
    }
    let lowered = host.to_lowercase();
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
            .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '_'))
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
        assert_eq!(
            parse("ex%41mple.com"),
            Err(HostError::InvalidCharacter('%'))
        );
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
        }
    }
}
