//! Server addresses: parsing the IP a browser or a HAR reports, its scope (public, private, loopback, link-local, …,
//! for IPv4 and IPv6), and where a public one is (country, network) by the IP table that is installed (the
//! extension hands it in on first use; the CLI and the tests have the one the build made).

use crate::iptable::{self, Info, IpTable};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// What kind of address a server's IP is (IANA's special-purpose registries, RFC 6890 and its successors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Globally routable: a server somewhere on the Internet.
    Public,
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), IPv6 unique local (fc00::/7) and the old site-local (fec0::/10).
    Private,
    /// 127/8, ::1.
    Loopback,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// 0/8, ::.
    Unspecified,
    /// 224/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// Carrier-grade NAT, 100.64/10 (RFC 6598).
    Shared,
    /// 198.18/15 (RFC 2544).
    Benchmarking,
    /// Everything else that is not routable: 240/4, 192.0.0/24, 100::/64, 2001::/23, outside 2000::/3, ….
    Reserved,
}

impl Scope {
    /// Private, loopback and link-local addresses: a machine on the user's own network (or the user's own).
    pub fn is_local(self) -> bool {
        matches!(self, Scope::Private | Scope::Loopback | Scope::LinkLocal)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Private => "private",
            Scope::Loopback => "loopback",
            Scope::LinkLocal => "link-local",
            Scope::Unspecified => "unspecified",
            Scope::Multicast => "multicast",
            Scope::Broadcast => "broadcast",
            Scope::Documentation => "documentation",
            Scope::Shared => "shared",
            Scope::Benchmarking => "benchmarking",
            Scope::Reserved => "reserved",
        }
    }
}

/// An IP as browsers and HAR files write it: `1.2.3.4`, `2001:db8::1`, `[2001:db8::1]`, `fe80::1%eth0` (the zone
/// is dropped). Surrounding white space is ignored; anything else is an error.
pub fn parse(text: &str) -> Result<IpAddr, String> {
    let t = text.trim();
    let t = match t.strip_prefix('[') {
        Some(inner) => inner.strip_suffix(']').ok_or("unclosed '['")?,
        None => t,
    };
    let t = match t.split_once('%') {
        Some((addr, zone)) if addr.contains(':') && !zone.is_empty() => addr,
        _ => t,
    };
    if t.is_empty() {
        return Err("empty address".into());
    }
    if t.len() > 45 {
        return Err("not an IP address (too long)".into());
    }
    t.parse::<IpAddr>().map_err(|_| {
        format!(
            "not an IP address: {:?}",
            t.chars().take(64).collect::<String>()
        )
    })
}

/// The address a server really has: the IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64
/// (`64:ff9b::a.b.c.d`) IPv6 address, else the address itself.
pub fn canonical(addr: IpAddr) -> IpAddr {
    match iptable::canonical(addr) {
        IpAddr::V6(a) if a.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] => {
            let [.., w, x, y, z] = a.octets();
            IpAddr::V4(Ipv4Addr::new(w, x, y, z))
        }
        other => other,
    }
}

fn v4_scope(a: Ipv4Addr) -> Scope {
    let [b0, b1, b2, _] = a.octets();
    match (b0, b1, b2) {
        (0, _, _) => Scope::Unspecified,
        (10, _, _) => Scope::Private,
        (100, 64..=127, _) => Scope::Shared,
        (127, _, _) => Scope::Loopback,
        (169, 254, _) => Scope::LinkLocal,
        (172, 16..=31, _) => Scope::Private,
        (192, 0, 0) => Scope::Reserved,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Scope::Documentation,
        (192, 168, _) => Scope::Private,
        (198, 18..=19, _) => Scope::Benchmarking,
        (224..=239, _, _) => Scope::Multicast,
        _ if a == Ipv4Addr::BROADCAST => Scope::Broadcast,
        (240..=255, _, _) => Scope::Reserved,
        _ => Scope::Public,
    }
}

fn v6_scope(a: Ipv6Addr) -> Scope {
    let s = a.segments();
    let first = s[0];
    if a.is_unspecified() {
        Scope::Unspecified
    } else if a.is_loopback() {
        Scope::Loopback
    } else if first & 0xff00 == 0xff00 {
        Scope::Multicast
    } else if first & 0xffc0 == 0xfe80 {
        Scope::LinkLocal
    } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfec0 {
        Scope::Private
    } else if (first == 0x2001 && s[1] == 0x0db8) || first & 0xfff0 == 0x3ff0 {
        Scope::Documentation
    } else if first == 0x2001 && s[1] < 0x0200 {
        Scope::Reserved // IETF protocol assignments (Teredo, ORCHID, AMT, …)
    } else if first & 0xe000 == 0x2000 {
        Scope::Public // global unicast, 2000::/3 (6to4 included)
    } else {
        Scope::Reserved // 100::/64 (discard), IPv4-compatible ::/96, everything unassigned
    }
}

/// The scope of an address (of the IPv4 address inside an IPv4-mapped or NAT64 one).
pub fn scope(addr: IpAddr) -> Scope {
    match canonical(addr) {
        IpAddr::V4(a) => v4_scope(a),
        IpAddr::V6(a) => v6_scope(a),
    }
}

/// Where a public server is, by the IP table: none of it for other scopes or without a table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    pub country: Option<&'static str>,
    pub asn: Option<u32>,
    pub network: Option<&'static str>,
}

static INSTALLED: OnceLock<IpTable> = OnceLock::new();

/// Checks and installs the IP table (the extension's `pkg/whither_ip.bin`) for every later lookup; its figures. A
/// damaged table is an error and changes nothing; once one is installed, later ones are checked and ignored.
pub fn install(bytes: Vec<u8>) -> Result<Info, String> {
    let table = IpTable::new(bytes)?;
    let info = table.info();
    let _ = INSTALLED.set(table);
    Ok(INSTALLED.get().map_or(info, IpTable::info))
}

/// The table lookups use: the installed one, else (outside the wasm build) the one the build made.
pub fn table() -> Option<&'static IpTable> {
    INSTALLED.get().or_else(bundled)
}

#[cfg(not(target_arch = "wasm32"))]
fn bundled() -> Option<&'static IpTable> {
    static BUNDLED: OnceLock<Option<IpTable>> = OnceLock::new();
    BUNDLED
        .get_or_init(|| IpTable::new(BUNDLED_BYTES).ok())
        .as_ref()
}

/// The table the build wrote (build/iptable.rs): what the extension ships as `pkg/whither_ip.bin`.
#[cfg(not(target_arch = "wasm32"))]
pub static BUNDLED_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/whither_ip.bin"));

#[cfg(target_arch = "wasm32")]
fn bundled() -> Option<&'static IpTable> {
    None
}

/// The location of a public address by the table in use; nothing for other scopes.
pub fn locate(addr: IpAddr) -> Location {
    locate_in(table(), addr)
}

/// [`locate`] in a given table.
pub fn locate_in(table: Option<&'static IpTable>, addr: IpAddr) -> Location {
    let addr = canonical(addr);
    if scope(addr) != Scope::Public {
        return Location::default();
    }
    let Some(found) = table.map(|t| t.lookup(addr)) else {
        return Location::default();
    };
    Location {
        country: found.country,
        asn: found.network.map(|n| n.asn),
        network: found.network.map(|n| n.name),
    }
}

/// One line of `whither ip`: the input, the address as written canonically, its scope and location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Described {
    pub input: String,
    pub ip: String,
    pub country: Option<&'static str>,
    pub asn: Option<u32>,
    pub network: Option<&'static str>,
    pub scope: Scope,
}

/// A line of `whither ip` for input that is no IP address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotAnIp {
    pub input: String,
    pub error: String,
}

/// What `whither ip` says of one input.
pub fn describe(input: &str) -> Result<Described, NotAnIp> {
    let addr = parse(input).map_err(|error| NotAnIp {
        input: input.to_string(),
        error,
    })?;
    let loc = locate(addr);
    Ok(Described {
        input: input.to_string(),
        ip: addr.to_string(),
        country: loc.country,
        asn: loc.asn,
        network: loc.network,
        scope: scope(addr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_of(s: &str) -> Option<Scope> {
        parse(s).ok().map(scope)
    }

    #[test]
    fn scopes_of_ipv4_and_ipv6() {
        for (ip, want) in [
            ("8.8.8.8", Scope::Public),
            ("1.1.1.1", Scope::Public),
            ("9.255.255.255", Scope::Public),
            ("10.0.0.1", Scope::Private),
            ("11.0.0.1", Scope::Public),
            ("172.15.255.255", Scope::Public),
            ("172.16.0.0", Scope::Private),
            ("172.31.255.255", Scope::Private),
            ("172.32.0.0", Scope::Public),
            ("192.168.1.1", Scope::Private),
            ("192.169.0.1", Scope::Public),
            ("100.63.255.255", Scope::Public),
            ("100.64.0.1", Scope::Shared),
            ("100.127.255.255", Scope::Shared),
            ("100.128.0.0", Scope::Public),
            ("127.0.0.1", Scope::Loopback),
            ("127.255.255.254", Scope::Loopback),
            ("169.254.169.254", Scope::LinkLocal),
            ("0.0.0.0", Scope::Unspecified),
            ("0.1.2.3", Scope::Unspecified),
            ("192.0.0.8", Scope::Reserved),
            ("192.0.2.1", Scope::Documentation),
            ("198.51.100.7", Scope::Documentation),
            ("203.0.113.255", Scope::Documentation),
            ("198.18.0.1", Scope::Benchmarking),
            ("198.19.255.255", Scope::Benchmarking),
            ("198.20.0.0", Scope::Public),
            ("224.0.0.251", Scope::Multicast),
            ("239.255.255.250", Scope::Multicast),
            ("240.0.0.1", Scope::Reserved),
            ("255.255.255.255", Scope::Broadcast),
            ("::", Scope::Unspecified),
            ("::1", Scope::Loopback),
            ("fe80::1", Scope::LinkLocal),
            ("fe80::1%eth0", Scope::LinkLocal),
            ("febf::1", Scope::LinkLocal),
            ("fec0::1", Scope::Private),
            ("fc00::1", Scope::Private),
            ("fd12:3456::1", Scope::Private),
            ("ff02::1", Scope::Multicast),
            ("2001:db8::1", Scope::Documentation),
            ("3fff::1", Scope::Documentation),
            ("2001::1", Scope::Reserved),
            ("100::1", Scope::Reserved),
            ("::2", Scope::Reserved),
            ("2001:4860:4860::8888", Scope::Public),
            ("2a00:1450:4001::1", Scope::Public),
            ("2002:c000:0204::1", Scope::Public),
            ("4000::1", Scope::Reserved),
            // IPv4 inside IPv6: the IPv4 address's scope.
            ("::ffff:127.0.0.1", Scope::Loopback),
            ("::ffff:10.1.2.3", Scope::Private),
            ("::ffff:8.8.8.8", Scope::Public),
            ("64:ff9b::8.8.8.8", Scope::Public),
            ("64:ff9b::192.168.0.1", Scope::Private),
            ("[::1]", Scope::Loopback),
        ] {
            assert_eq!(scope_of(ip), Some(want), "{ip}");
        }
        assert!(
            Scope::Private.is_local() && Scope::Loopback.is_local() && Scope::LinkLocal.is_local()
        );
        assert!(!Scope::Shared.is_local() && !Scope::Public.is_local());
    }

    #[test]
    fn parsing_is_strict() {
        for bad in [
            "",
            " ",
            "[",
            "[::1",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3.4%eth0",
            "::g",
            "example.com",
            "1.2.3.4:80",
            "%",
            "fe80::1%",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse(" 1.2.3.4 ").map(|a| a.to_string()),
            Ok("1.2.3.4".into())
        );
        assert_eq!(
            parse("2001:DB8::1").map(|a| a.to_string()),
            Ok("2001:db8::1".into())
        );
        assert!(parse(&"1".repeat(1000)).is_err_and(|e| e.len() < 100));
    }

    #[test]
    fn the_bundled_table_locates_well_known_servers() {
        let g = locate(parse("8.8.8.8").unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!((g.country, g.asn), (Some("US"), Some(15169)));
        assert_eq!(g.network, Some("Google LLC"));
        let mapped = locate(parse("::ffff:8.8.8.8").unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(mapped, g);
        let nat64 = locate(parse("64:ff9b::808:808").unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(nat64, g);
        // Local and special addresses are never located, whatever a table says.
        for ip in ["127.0.0.1", "192.168.0.1", "::1", "fe80::1", "2001:db8::1"] {
            let addr = parse(ip).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert_eq!(locate(addr), Location::default(), "{ip}");
        }
        let d = describe("not an ip");
        assert!(d.is_err_and(|e| e.input == "not an ip" && e.error.contains("not an IP")));
        let d = describe("[2001:4860:4860::8888]");
        assert!(d.is_ok_and(|d| d.ip == "2001:4860:4860::8888"
            && d.asn == Some(15169)
            && d.scope == Scope::Public));
    }
}
