//! Criterion benches of the native core: host parsing, public suffix lookup, owner lookup, full classification and
//! per-visit report aggregation, on a deterministic sample of hosts (`make bench` runs them; docs/performance.md).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use whither::report::{Request, Visit};
use whither::{attribution, db, host};

/// A deterministic sample like a browsing session's: listed domains with subdomains, repeated, plus unknown
/// domains, deep names and IP literals.
fn sample(n: usize) -> Vec<String> {
    let mut state: u64 = 0x5eed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let known: Vec<&str> = db::DOMAINS.iter().map(|d| d.domain).collect();
    let subs = [
        "www",
        "cdn",
        "static",
        "api",
        "a1",
        "pixel",
        "eu",
        "us-east-1",
    ];
    let tlds = [
        "com",
        "net",
        "de",
        "co.uk",
        "com.au",
        "io",
        "github.io",
        "s3.amazonaws.com",
    ];
    (0..n)
        .map(|_| {
            let r = next() % 100;
            let k = known
                .get(next() as usize % known.len().max(1))
                .copied()
                .unwrap_or("example.com");
            let sub = subs[next() as usize % subs.len()];
            let tld = tlds[next() as usize % tlds.len()];
            match r {
                0..=39 => k.to_string(),
                40..=59 => format!("{sub}.{k}"),
                60..=84 => format!("{sub}.site{}.{tld}", next() % 3000),
                85..=89 => format!("a{}.b.c.d.site{}.{tld}", next() % 100, next() % 500),
                90..=96 => format!(
                    "{}.{}.{}.{}",
                    next() % 256,
                    next() % 256,
                    next() % 256,
                    next() % 256
                ),
                _ => format!("https://{sub}.{k}/path/x.js?q={}", next() % 1000),
            }
        })
        .collect()
}

fn lookups(c: &mut Criterion) {
    let hosts = sample(10_000);
    let mut g = c.benchmark_group("lookup");
    g.throughput(Throughput::Elements(hosts.len() as u64));
    g.bench_function("host::parse (registrable domains)", |b| {
        b.iter(|| {
            hosts
                .iter()
                .filter(|h| host::parse(black_box(h)).is_ok())
                .count()
        })
    });
    let parsed: Vec<host::Host> = hosts.iter().filter_map(|h| host::parse(h).ok()).collect();
    g.bench_function("db::owner (longest listed suffix)", |b| {
        b.iter(|| {
            parsed
                .iter()
                .filter(|h| db::owner(black_box(h)).is_some())
                .count()
        })
    });
    g.bench_function("attribution::classify (full)", |b| {
        b.iter(|| {
            hosts
                .iter()
                .filter(|h| attribution::classify(black_box(h)).is_ok())
                .count()
        })
    });
    g.finish();
}

fn aggregation(c: &mut Criterion) {
    let hosts = sample(1_000);
    let requests: Vec<String> = (0..10_000)
        .map(|i| format!("https://{}/r{i}.js", hosts[i % hosts.len()]))
        .collect();
    let mut g = c.benchmark_group("report");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("Visit::record (10k requests, 1k hosts)", |b| {
        b.iter_batched(
            || Visit::new("https://www.example.com/"),
            |mut v| {
                for url in &requests {
                    v.record(&Request {
                        url,
                        type_name: "script",
                        method: "GET",
                        ip: None,
                        proxy: false,
                    });
                }
                v
            },
            BatchSize::LargeInput,
        )
    });
    let mut visit = Visit::new("https://www.example.com/");
    for url in &requests {
        visit.record(&Request {
            url,
            type_name: "script",
            method: "GET",
            ip: None,
            proxy: false,
        });
    }
    g.throughput(Throughput::Elements(1));
    g.bench_function("Visit::report (1k hosts)", |b| {
        b.iter(|| black_box(&visit).report())
    });
    g.bench_function("Visit::export (1k hosts)", |b| {
        b.iter(|| black_box(&visit).export())
    });
    g.finish();
}

/// The IP table (src/iptable.rs): handing it in (the checks: header, sizes, spot check of sorted blocks) and lookups of
/// random IPv4 and IPv6 addresses by binary search over its blocks.
fn ip_table(c: &mut Criterion) {
    use std::net::IpAddr;
    use whither::iptable::IpTable;
    let bytes = whither::ip::BUNDLED_BYTES;
    let mut state: u64 = 0x1b_5eed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let v4: Vec<IpAddr> = (0..10_000)
        .map(|_| IpAddr::from((next() as u32).to_be_bytes()))
        .collect();
    // Mostly in 2000::/3 (the allocated IPv6 space), as servers are.
    let v6: Vec<IpAddr> = (0..10_000)
        .map(|_| {
            let hi = (u128::from(next()) << 64 | u128::from(next())) >> 3 | (1u128 << 125);
            IpAddr::from(hi.to_be_bytes())
        })
        .collect();
    let mut g = c.benchmark_group("ip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("IpTable::new (checks the shipped table)", |b| {
        b.iter(|| IpTable::new(black_box(bytes)).is_ok())
    });
    let Ok(table) = IpTable::new(bytes) else {
        return;
    };
    g.throughput(Throughput::Elements(v4.len() as u64));
    g.bench_function("IpTable::lookup (IPv4)", |b| {
        b.iter(|| {
            v4.iter()
                .filter(|a| table.lookup(black_box(**a)).country.is_some())
                .count()
        })
    });
    g.bench_function("IpTable::lookup (IPv6)", |b| {
        b.iter(|| {
            v6.iter()
                .filter(|a| table.lookup(black_box(**a)).country.is_some())
                .count()
        })
    });
    g.finish();
}

/// The IP table's layout by measurement: the shipped table's ranges encoded again with 16, 32, 64 (shipped) and 128
/// ranges per block; prints each one's size raw and gzip-free (the index and data bytes), and benches its lookups.
fn ip_layout(c: &mut Criterion) {
    use std::net::IpAddr;
    use whither::iptable::{IpTable, Map};
    use whither::ipwriter::{self, Row};
    let Ok(shipped) = IpTable::new(whither::ip::BUNDLED_BYTES) else {
        return;
    };
    let mut countries: Vec<Row<[u8; 2]>> = Vec::new();
    let mut networks: Vec<Row<(u32, String)>> = Vec::new();
    for map in Map::ALL {
        for (first, last, found) in shipped.ranges(map).unwrap_or_default() {
            let v6 = map.v6();
            if let Some(&[a, b]) = found.country.map(str::as_bytes) {
                countries.push(Row {
                    v6,
                    first,
                    last,
                    value: [a, b],
                });
            }
            if let Some(n) = found.network {
                networks.push(Row {
                    v6,
                    first,
                    last,
                    value: (n.asn, n.name.to_string()),
                });
            }
        }
    }
    let mut state: u64 = 0x1b_5eed;
    let v4: Vec<IpAddr> = (0..10_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            IpAddr::from((state as u32).to_be_bytes())
        })
        .collect();
    let mut g = c.benchmark_group("ip layout");
    g.throughput(Throughput::Elements(v4.len() as u64));
    for block in [16u16, 32, 64, 128] {
        let Ok(bytes) = ipwriter::encode("layout bench", &countries, &networks, block) else {
            continue;
        };
        eprintln!("ip layout: {block} ranges per block: {} bytes", bytes.len());
        let Ok(table) = IpTable::new(bytes) else {
            continue;
        };
        g.bench_function(format!("IpTable::lookup (IPv4), {block} per block"), |b| {
            b.iter(|| {
                v4.iter()
                    .filter(|a| table.lookup(black_box(**a)).country.is_some())
                    .count()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, lookups, aggregation, ip_table, ip_layout);
criterion_main!(benches);
